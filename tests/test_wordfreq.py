"""jieba's dictionary read per first character (assistant/core/retrieval/wordfreq.py) segments
exactly as jieba's own cache does, and hands jieba the plain dict for bulk work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TEXTS = [
    "人防工程被侵占怎么处罚",
    "2021年开展了多少次行政检查？",
    "北京市人民防空条例第二十二条规定的罚款数额",
    "区人防办认真贯彻落实党中央关于法治政府建设的决策部署，召开党组会专题学法3次",
]

SEGMENT = """
import json, sys
from pathlib import Path
import jieba
from assistant.core.retrieval import wordfreq
from assistant.core.retrieval.lexical import Tokenizer
wordfreq.FULL_AFTER = int(sys.argv[2])
Tokenizer(cache_dir=Path(sys.argv[1]))
texts = json.loads(sys.argv[3])
out = [jieba.lcut_for_search(t) for t in texts] + [jieba.lcut(t) for t in texts]
print(json.dumps({"words": out, "kind": type(jieba.dt.FREQ).__name__, "total": jieba.dt.total}))
"""


def _segment(cache: Path, full_after: int = 1500, texts: list[str] = TEXTS) -> dict:
    import json

    done = subprocess.run([sys.executable, "-c", SEGMENT, str(cache), str(full_after),
                           json.dumps(texts, ensure_ascii=False)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_sharded_dictionary_segments_like_jieba(tmp_path: Path) -> None:
    first = _segment(tmp_path)  # jieba's own load; writes the shards
    assert first["kind"] == "dict" and (tmp_path / "jieba.shards").is_file()
    again = _segment(tmp_path)  # a new process: the shards, read per character
    assert again["kind"] == "ShardedFreq"
    assert again["words"] == first["words"] and again["total"] == first["total"]
    bulk = _segment(tmp_path, full_after=5)  # many characters: jieba gets the plain dict back
    assert bulk["kind"] == "dict" and bulk["words"] == first["words"]


def test_every_entry_is_kept(tmp_path: Path) -> None:
    from assistant.core.retrieval import wordfreq

    freq = {"人防": 30, "人": 5000, "人防工": 0, "工程": 800, "a": 1}
    wordfreq.write(tmp_path / "s", freq, 5831, "stamp")
    owner = type("Owner", (), {})()
    sharded, total = wordfreq._open(tmp_path / "s", "stamp", owner)
    assert total == 5831 and "人防工" in sharded and sharded["人防工"] == 0
    assert sharded.get("工程") == 800 and sharded.get("工厂") is None and "b" not in sharded
    assert sharded.full() == freq
    assert wordfreq._open(tmp_path / "s", "another jieba", owner) is None  # rebuilt instead
