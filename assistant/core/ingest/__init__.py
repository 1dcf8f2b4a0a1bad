"""Ingestion core: load files, normalise text, classify documents and split them into chunks."""
