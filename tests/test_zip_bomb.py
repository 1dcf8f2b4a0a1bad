"""A small .docx that unpacks to gigabytes is refused before parsing (issue 18, part 5)."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx

from assistant.core.ingest.loaders import IngestError, load_file

REPO = Path(__file__).resolve().parent.parent
CHUNK = b"<w:p><w:r><w:t>" + "测试".encode() + b"</w:t></w:r></w:p>"
BLOCK = 16 * 2**20
REPEATS = 128  # x 16 MiB of XML = 2 GiB unpacked


def _deflated_repeats(block: bytes, times: int) -> tuple[bytes, int, int]:
    """Raw deflate of ``block * times`` built from one compressed copy of ``block``.

    A full flush makes each copy self-contained (no references into the previous one), so the
    copies can simply be concatenated, then closed by an empty final block. Returns the data,
    its CRC-32 and its unpacked size.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return one * times + final, crc, len(block) * times


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of raw-deflated entries (name, data, crc, size), written field by field."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        offset = out.tell()
        raw_name = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size,
                              len(raw_name), 0) + raw_name + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                                  len(data), size, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                          len(central.getvalue()), start, 0))
    return out.getvalue()


def _bomb(path: Path) -> Path:
    """A real python-docx document whose word/document.xml is replaced by 2 GiB of paragraphs."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    entries = []
    with zipfile.ZipFile(buffer) as source:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                block = CHUNK + b" " * (BLOCK - len(CHUNK))  # whitespace between paragraphs
                entries.append((info.filename, *_deflated_repeats(block, REPEATS)))
            else:
                data = source.read(info.filename)
                packer = zlib.compressobj(9, zlib.DEFLATED, -15)
                entries.append((info.filename, packer.compress(data) + packer.flush(),
                                zlib.crc32(data), len(data)))
    path.write_bytes(_zip(entries))
    return path


def test_zip_bomb_docx_is_refused_in_chinese_before_parsing(tmp_path):
    bomb = _bomb(tmp_path / "年度报告.docx")
    assert bomb.stat().st_size < 3 * 2**20
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("word/document.xml").file_size == 2**31
    try:
        load_file(bomb)
    except IngestError as exc:
        message = str(exc)
    else:
        raise AssertionError("the bomb was not refused")
    assert message.startswith("文件“年度报告.docx”解压后过大（文字部分 2049 MB")
    assert "未导入" in message


def test_zip_bomb_is_refused_with_low_peak_memory(tmp_path):
    bomb = _bomb(tmp_path / "bomb.docx")
    script = (
        "import sys\n"
        "from assistant.core.ingest.loaders import IngestError, load_file\n"
        "try:\n    load_file(sys.argv[1])\nexcept IngestError as exc:\n    print('refused', exc)\n"
        # VmHWM, not getrusage: ru_maxrss survives exec, so it would report the test runner's peak.
        "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0]\n"
        "print('peak_kb', hwm.split()[1])\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(bomb)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "refused 文件“bomb.docx”解压后过大" in done.stdout
    peak_mb = int(done.stdout.split("peak_kb")[1]) / 1024
    assert peak_mb < 300, peak_mb


def test_ordinary_docx_still_loads(tmp_path):
    document = docx.Document()
    document.add_paragraph("2021年法治政府建设年度情况报告")
    document.add_paragraph("全年开展行政检查126次。")
    path = tmp_path / "报告.docx"
    document.save(path)
    assert "126次" in load_file(path).text
