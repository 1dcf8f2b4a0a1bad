"""Offline text recognition of page images (adapter): Debian's tesseract with ``chi_sim``.

Chosen over a PyPI OCR wheel after measuring both on the scanned 2021 report (see
DEVELOPERS.md): tesseract read it more accurately and faster on this hardware, and it is
one ``apt-get install tesseract-ocr tesseract-ocr-chi-sim`` away, with no model download.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING, Protocol

from assistant.messages import UserError

if TYPE_CHECKING:
    from assistant.config import OCRSettings

INSTALL_HINT = "请安装文字识别组件：apt-get install tesseract-ocr tesseract-ocr-chi-sim"


class OCRError(UserError, RuntimeError):
    """OCR could not run; ``str()`` is a message for the user (Chinese)."""


class PageOCR(Protocol):
    """Turns one page image (PNG/JPEG/TIFF bytes) into text, one printed line per line."""

    name: str

    def read(self, image: bytes) -> str: ...  # noqa: D102


class TesseractOCR:
    """The ``tesseract`` command line program, run once per page image.

    Args:
        lang: Tesseract language model(s), e.g. ``chi_sim`` or ``chi_sim+eng``.
        psm: Page segmentation mode (6 = one uniform block of text, right for report pages).
        timeout: Seconds allowed per page.
        binary: Program name or path.
    """

    def __init__(self, lang: str = "chi_sim", psm: int = 6, timeout: float = 120.0,
                 binary: str = "tesseract") -> None:
        self.lang = lang
        self.psm = psm
        self.timeout = timeout
        self.binary = binary
        self.name = f"tesseract:{lang}:psm{psm}"

    def read(self, image: bytes) -> str:
        """Recognise one page image.

        Raises:
            OCRError: tesseract or its language model is missing, or it failed on the image.
        """
        exe = shutil.which(self.binary)
        if exe is None:
            raise OCRError(f"未找到文字识别程序 tesseract。{INSTALL_HINT}")
        cmd = [exe, "stdin", "stdout", "-l", self.lang, "--psm", str(self.psm)]
        # tesseract's OpenMP threads fight each other on a busy machine: one thread measured
        # 3-4x faster there (6.7 s instead of 24.5 s per page at load 16 on 2 cores).
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run(cmd, input=image, capture_output=True, timeout=self.timeout,
                                  check=False, env=env)
        except subprocess.TimeoutExpired as exc:
            raise OCRError(f"文字识别超时（超过 {self.timeout:.0f} 秒）") from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace")
            if "Failed loading language" in detail or "Error opening data file" in detail:
                raise OCRError(f"缺少中文文字识别模型（{self.lang}）。{INSTALL_HINT}")
            raise OCRError(f"文字识别失败（tesseract 退出码 {done.returncode}）")
        return done.stdout.decode("utf-8", "replace")


def make_ocr(settings: OCRSettings) -> PageOCR | None:
    """The configured OCR engine, or None when OCR is switched off."""
    if not settings.enabled:
        return None
    return TesseractOCR(settings.lang, settings.psm, settings.timeout)
