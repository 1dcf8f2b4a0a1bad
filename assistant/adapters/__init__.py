"""Adapters: embeddings, chat models, the Chroma store, the law library, rerankers, OCR and the
shipped law vectors. They import only the shared kernel (config, documents), never core or front."""
