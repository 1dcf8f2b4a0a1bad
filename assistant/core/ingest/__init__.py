"""Ingestion core: load files, normalise text, classify documents and split them into chunks.

The front ends use what this package exports: the results of an import and the loader's text.
"""

from assistant.core.ingest.loaders import IngestError, load_file
from assistant.core.ingest.results import FileResult, IngestReport, Progress

__all__ = ["FileResult", "IngestError", "IngestReport", "Progress", "load_file"]
