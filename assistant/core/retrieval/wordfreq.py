"""jieba's prefix dictionary, read one first character at a time.

jieba's own cache (``jieba.cache``: a 9 MB marshal of about 600,000 words and word prefixes)
costs a cold ``assistant search`` 0.6 s to load, while a query looks up a few dozen entries.
:func:`install` saves the same dictionary once more in the data folder, split by first character
(``cache/jieba.shards``), and gives jieba a mapping that reads a character's shard the first
time a lookup starts with it. Tokenising many texts (ingest, an index rebuild) soon touches most
characters: past :data:`FULL_AFTER` of them the rest is read at once and jieba gets the plain
dict back, so bulk work runs at jieba's own speed.

Segmentation is unchanged: jieba looks words up only with ``in``, ``[]`` and ``get``, and every
entry is the one its own cache holds.
"""

from __future__ import annotations

import logging
import marshal
import mmap
import os
import struct
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SHARDS = "jieba.shards"
FORMAT = 1
FULL_AFTER = 1500  # distinct first characters read lazily before the whole dictionary is read
_HEADER = struct.Struct("<Q")


class ShardedFreq:
    """jieba's ``FREQ`` (word or prefix -> frequency), filled per first character on demand."""

    def __init__(self, data: Any, index: dict[str, tuple[int, int]], start: int, owner: Any) -> None:
        """Args:
        data: The shards file's bytes (memory-mapped).
        index: First character -> (offset after the header, length) of its marshalled dict.
        start: Where the shards begin in ``data``.
        owner: The jieba tokenizer whose ``FREQ`` this is (given the full dict when it is read).
        """
        self._data = data
        self._index = index
        self._start = start
        self._owner = owner
        self._words: dict[str, int] = {}
        self._read: set[str] = set()
        self._lock = threading.Lock()

    def _shard(self, ch: str) -> None:
        span = self._index.get(ch)
        if span is not None:
            offset, length = span
            begin = self._start + offset
            self._words.update(marshal.loads(self._data[begin : begin + length]))
        self._read.add(ch)  # after the words: another thread never sees a half-read character
        if len(self._read) > FULL_AFTER:
            self._owner.FREQ = self.full()

    def full(self) -> dict[str, int]:
        """Every entry as a plain dict (what jieba's own cache holds)."""
        with self._lock:
            for ch in self._index.keys() - self._read:
                begin = self._start + self._index[ch][0]
                self._words.update(marshal.loads(self._data[begin : begin + self._index[ch][1]]))
                self._read.add(ch)
        return self._words

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word[:1] not in self._read:
            self._shard(word[:1])
        return word in self._words

    def __getitem__(self, word: str) -> int:
        if word[:1] not in self._read:
            self._shard(word[:1])
        return self._words[word]

    def get(self, word: str, default: Any = None) -> Any:
        """The frequency of ``word`` (0 for a prefix only), else ``default``."""
        if word[:1] not in self._read:
            self._shard(word[:1])
        return self._words.get(word, default)


def install(jieba: Any, cache_dir: Path) -> None:
    """Make ``jieba``'s default tokenizer read its dictionary from ``cache_dir``'s shards.

    The first call in a new data folder loads jieba as usual (its cache kept in ``cache_dir``)
    and writes the shards; later processes open only the shards. Does nothing when jieba's
    dictionary is loaded already.
    """
    dt = jieba.dt
    with dt.lock:
        if dt.initialized:
            return
        path = cache_dir / SHARDS
        stamp = _stamp(jieba)
        opened = _open(path, stamp, dt)
        if opened is not None:
            dt.FREQ, dt.total = opened
            dt.initialized = True
            return
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        dt.tmp_dir = str(cache_dir)
        jieba.initialize()
        try:
            write(path, dt.FREQ, dt.total, stamp)
        except OSError as exc:
            log.warning("无法保存分词词典缓存（下次启动仍读取完整词典）：%s", exc)


def write(path: Path, freq: dict[str, int], total: int, stamp: str) -> None:
    """Save ``freq`` as shards by first character (atomically: a reader sees old or new)."""
    groups: dict[str, dict[str, int]] = {}
    for word, count in freq.items():
        groups.setdefault(word[:1], {})[word] = count
    blobs, index, offset = [], {}, 0
    for ch, words in groups.items():
        blob = marshal.dumps(words)
        index[ch] = (offset, len(blob))
        blobs.append(blob)
        offset += len(blob)
    header = marshal.dumps({"format": FORMAT, "stamp": stamp, "total": total, "index": index})
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
        f.write(_HEADER.pack(len(header)))
        f.write(header)
        for blob in blobs:
            f.write(blob)
    tmp.replace(path)


def _open(path: Path, stamp: str, owner: Any) -> tuple[ShardedFreq, int] | None:
    """The shards in ``path`` if written for this jieba dictionary; else None."""
    try:
        with path.open("rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        (size,) = _HEADER.unpack_from(data, 0)
        header = marshal.loads(data[_HEADER.size : _HEADER.size + size])
        if header.get("format") != FORMAT or header.get("stamp") != stamp:
            return None
        start = _HEADER.size + size
        return ShardedFreq(data, header["index"], start, owner), int(header["total"])
    except (OSError, ValueError, EOFError, TypeError, KeyError, struct.error):
        return None


def _stamp(jieba: Any) -> str:
    """Which dictionary the shards were cut from: jieba's version and its dict.txt's size."""
    try:
        size = os.path.getsize(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))
    except OSError:
        size = -1
    return f"{getattr(jieba, '__version__', '')}:{jieba.dt.dictionary}:{size}"
