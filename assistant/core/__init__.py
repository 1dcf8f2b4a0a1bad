"""Core: ingest, retrieval, citations, answering and drafting. Imports adapters and the kernel, never
the front ends."""
