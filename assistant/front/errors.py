"""What a command-line user sees when something fails: one Chinese line, details in the log.

The traceback goes to ``data_dir/logs/assistant.log`` (or the default data folder when the
settings themselves could not be read), never to the terminal.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

LOG_NAME = "assistant.log"


def log_dir(data_dir: Path | None) -> Path:
    """The folder of the log file (``data_dir/logs``; the default data folder when unknown)."""
    if data_dir is None:
        from assistant.config import default_data_dir

        data_dir = Path(os.environ.get("ASSISTANT_DATA_DIR") or default_data_dir())
    return Path(data_dir) / "logs"


def log_failure(exc: BaseException, data_dir: Path | None) -> Path | None:
    """Append the traceback of ``exc`` to the log; returns the log file (None if unwritable)."""
    logging.getLogger("assistant").debug("failure", exc_info=exc)
    folder = log_dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / LOG_NAME
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + "\n")
        path.chmod(0o600)
        return path
    except OSError:
        return None


def settings_message(exc: BaseException) -> str:
    """One Chinese line for settings that cannot be read (bad TOML, invalid value, missing file)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        problems = []
        for error in exc.errors()[:3]:
            where = ".".join(str(p) for p in error.get("loc", ()))
            value = error.get("input")
            shown = f"“{value}”" if isinstance(value, str | int | float) else ""
            problems.append(f"{where} 的值{shown}无效")
        return f"配置有误：{'；'.join(problems)}（请检查配置文件或 ASSISTANT_ 开头的环境变量）"
    if type(exc).__name__ == "TOMLDecodeError":
        return f"配置文件格式错误（TOML）：{exc}"
    return f"无法读取配置：{_reason(exc)}"


def user_message(exc: BaseException) -> str:
    """One Chinese line for an unexpected failure of a command."""
    return f"操作失败：{_reason(exc)}"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return f"{type(exc).__name__}{'：' + text[:120] if text else ''}"
