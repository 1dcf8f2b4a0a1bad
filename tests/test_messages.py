"""English library messages reaching users are shown in Chinese."""

from __future__ import annotations

import pytest

from assistant.messages import to_chinese


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Stream has ended unexpectedly", "文件内容不完整（可能在下载或复制时被截断）"),
        ("There is no item named '[Content_Types].xml' in the archive",
         "文件缺少 Word 文档的基本结构（可能不是真正的 .docx 文件，或已损坏）"),
        ("File size exceeded maximum allowed size of 52428800 bytes.",
         "文件大小超过上限（50 MB），请压缩或拆分后再上传"),
        ("Invalid file type. Please upload a file that is one of these formats: ['.pdf', '.docx']",
         "文件类型不支持，请上传以下格式之一：['.pdf', '.docx']"),
        ("Invalid file type: image/png. Please upload a file that is one of these formats: ['.txt']",
         "文件类型不支持，请上传以下格式之一：['.txt']"),
        ("Incorrect credentials.", "用户名或密码错误；连续输错 5 次将暂时锁定该用户名"),
    ],
)
def test_known_library_messages_become_chinese(english, chinese):
    assert to_chinese(english) == chinese


def test_other_text_is_unchanged():
    assert to_chinese("文件“a.pdf”已加密") == "文件“a.pdf”已加密"
    assert to_chinese("Incorrect credentials for proxy") == "Incorrect credentials for proxy"
