"""Chinese wording for English messages that third-party libraries show to users.

One table for every boundary where a library's message can reach a user: the ingest loaders
(pypdf, python-docx) and the web front (Gradio's upload and login errors).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_Replace = Callable[[re.Match[str]], str]


class UserError(Exception):
    """An error whose ``str()`` is a complete Chinese message for the user.

    The store, ingest, facts and OCR errors derive from it, so a front end catches this one class
    and shows the message as it is, without reaching into the layer that raised it.
    """


def _size(match: re.Match[str]) -> str:
    mb = int(match.group(1)) / 2**20
    return f"文件大小超过上限（{mb:g} MB），请压缩或拆分后再上传"


_TABLE: tuple[tuple[re.Pattern[str], _Replace], ...] = (
    (re.compile(r"Stream has ended unexpectedly"),
     lambda m: "文件内容不完整（可能在下载或复制时被截断）"),
    (re.compile(r"There is no item named '\[Content_Types\]\.xml' in the archive"),
     lambda m: "文件缺少 Word 文档的基本结构（可能不是真正的 .docx 文件，或已损坏）"),
    (re.compile(r"File size exceeded maximum allowed size of (\d+) bytes\.?"), _size),
    (re.compile(r"Invalid file type(?:: [^.]*)?\. Please upload a file that is one of these "
                r"formats: (.*)", re.S),
     lambda m: f"文件类型不支持，请上传以下格式之一：{m.group(1).strip()}"),
    (re.compile(r"Queue is full\. Max size is (\d+)"),
     lambda m: f"当前排队的请求已满（最多 {m.group(1)} 个），请稍后再试"),
    (re.compile(r"^Internal Server Error$"),
     lambda m: "服务器处理请求时出错（请求格式可能不正确或已过时），请刷新页面后重试；如仍出错请联系管理员"),
    (re.compile(r"^Incorrect credentials\.?$"),
     lambda m: "用户名或密码错误；连续输错 5 次将暂时锁定该用户名"),
)


def to_chinese(text: str) -> str:
    """The Chinese message for a known English library message; other text unchanged."""
    for pattern, replace in _TABLE:
        match = pattern.search(text)
        if match:
            return replace(match)
    return text


def chinese_detail(text: str) -> str:
    """``"：" + the Chinese wording`` of a library message, or "" when it has none.

    For appending a parser's reason to a Chinese message: an untranslated English detail
    (an lxml or python-docx internal) is left out rather than shown to the user.
    """
    translated = to_chinese(text).strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in translated):
        return f"：{translated}"
    return ""
