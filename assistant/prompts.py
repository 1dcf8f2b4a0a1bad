"""The one loader of packaged data: files under ``prompts/`` and the model files of ``assistant/data``.

- ``prompts/`` holds what people write and version: prompts, templates, phrase libraries and the
  rule tables (``prompts/rules/``: law aliases, law profiles, indicators, stop words). Read them
  with :func:`load_yaml`, :func:`load_text`, :func:`load_prompt` and :func:`load_template`.
- ``assistant/data/`` holds what programs make: the learned ranker and the law-library vectors.
  Find them with :func:`model_file`.

A prompt file is YAML with ``name``, ``version``, ``system``, ``user`` (both Jinja2) and an
optional ``variables`` list. Rendering uses ``StrictUndefined``, so a missing variable raises
:class:`PromptError` instead of silently producing an empty hole in what the model sees.
Plain ``.j2`` templates (used by drafting) load with :func:`load_template`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml


def default_prompts_dir() -> Path:
    """The ``prompts/`` folder: packaged in a wheel as ``assistant/_prompts``, else the checkout's."""
    return packaged_folder("_prompts", "prompts")


def packaged_folder(packaged: str, top_level: str) -> Path:
    """A data folder that lives at the top of the repository and inside the wheel (setup.py).

    An installed wheel holds it as ``assistant/<packaged>``; a checkout or an editable install
    reads ``<repository>/<top_level>`` directly, so there is one copy of every file.
    """
    here = Path(__file__).resolve().parent
    inside = here / packaged
    return inside if inside.is_dir() else here.parent / top_level


def model_file(name: str) -> Path:
    """A model file shipped in ``assistant/data`` (it may not exist: callers say what to do)."""
    return Path(__file__).resolve().parent / "data" / name


class PromptError(ValueError):
    """A prompt file is missing or malformed, or a variable was not supplied."""


def _environment(folder: Path) -> jinja2.Environment:
    # No autoescape: prompts and drafts are plain text, never HTML.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )


@dataclass(frozen=True)
class Template:
    """One Jinja2 template with strict variables."""

    name: str
    source: str
    folder: Path | None = None  # None = default_prompts_dir()

    def render(self, **variables: Any) -> str:
        """Render with ``variables``; a variable the template uses but was not given raises."""
        try:
            template = _environment(self.folder or default_prompts_dir()).from_string(self.source)
            return template.render(**variables).strip()
        except jinja2.UndefinedError as exc:
            raise PromptError(f"模板“{self.name}”缺少变量：{exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise PromptError(f"模板“{self.name}”无法渲染：{exc}") from exc


@dataclass(frozen=True)
class Prompt:
    """A versioned chat prompt: a system part and a user part."""

    name: str
    version: int | str
    system: str
    user: str
    variables: tuple[str, ...] = ()
    description: str = ""
    path: Path | None = field(default=None, compare=False)

    def render(self, **variables: Any) -> dict[str, str]:
        """Render both parts.

        Returns:
            ``{"system": ..., "user": ...}``.

        Raises:
            PromptError: A declared or used variable is missing.
        """
        missing = [v for v in self.variables if v not in variables]
        if missing:
            raise PromptError(f"提示词“{self.name}”缺少变量：{'、'.join(missing)}")
        folder = self.path.parent if self.path else default_prompts_dir()
        return {
            "system": Template(f"{self.name}.system", self.system, folder).render(**variables),
            "user": Template(f"{self.name}.user", self.user, folder).render(**variables),
        }

    def messages(self, **variables: Any) -> list:
        """Render into LangChain messages ``[SystemMessage, HumanMessage]``."""
        from langchain_core.messages import HumanMessage, SystemMessage

        parts = self.render(**variables)
        out = [HumanMessage(content=parts["user"])]
        if parts["system"]:
            out.insert(0, SystemMessage(content=parts["system"]))
        return out


def _resolve(relative: str, prompts_dir: Path | None) -> Path:
    folder = Path(prompts_dir) if prompts_dir else default_prompts_dir()
    path = (folder / relative).resolve()
    if folder.resolve() not in path.parents:
        raise PromptError(f"提示词路径必须位于 {folder} 之内：{relative}")
    if not path.is_file():
        raise PromptError(f"找不到提示词文件：{path}")
    return path


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    """Load ``prompts/<name>.yaml``.

    Args:
        name: File stem, e.g. ``answer_v1``.
        prompts_dir: Folder to read instead of the repository's ``prompts/`` (tests, evals).

    Raises:
        PromptError: The file is missing or lacks ``system``/``user``.
    """
    path = _resolve(f"{name}.yaml", prompts_dir)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PromptError(f"提示词文件格式错误：{path}：{exc}") from exc
    if not isinstance(data, dict) or "user" not in data:
        raise PromptError(f"提示词文件缺少 user 字段：{path}")
    return Prompt(
        name=str(data.get("name") or name),
        version=data.get("version", 1),
        system=str(data.get("system") or ""),
        user=str(data["user"]),
        variables=tuple(data.get("variables") or ()),
        description=str(data.get("description") or ""),
        path=path,
    )


def load_template(relative_path: str, prompts_dir: Path | None = None) -> Template:
    """Load a Jinja2 template file (e.g. ``drafting/report.md.j2``) under ``prompts/``.

    Templates may ``{% include %}`` or ``{% extends %}`` other files in the same folder tree.
    """
    path = _resolve(relative_path, prompts_dir)
    folder = Path(prompts_dir) if prompts_dir else default_prompts_dir()
    return Template(relative_path, path.read_text(encoding="utf-8"), folder.resolve())


def load_text(relative_path: str, prompts_dir: Path | None = None) -> str:
    """Text of a file under ``prompts/`` (e.g. ``rules/stopwords.txt``)."""
    return _resolve(relative_path, prompts_dir).read_text(encoding="utf-8")


def load_yaml(relative_path: str, prompts_dir: Path | None = None) -> dict[str, Any]:
    """Load a data file under ``prompts/`` (a phrase library, the report structure) as a mapping.

    Raises:
        PromptError: The file is missing, not YAML, or not a mapping.
    """
    path = _resolve(relative_path, prompts_dir)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PromptError(f"文件格式错误：{path}：{exc}") from exc
    if not isinstance(data, dict):
        raise PromptError(f"文件内容应为“键: 值”的映射：{path}")
    return data
