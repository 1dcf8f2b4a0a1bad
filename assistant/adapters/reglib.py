"""The regulation library: versions of 行政法规, 地方性法规, 司法解释 and 部门规章 in one SQLite file.

Built by importing a LawRefBook-format folder (:mod:`assistant.adapters.lawrefbook`); each file
is one version. A version is keyed by its path from the level folder on, with the SHA-256 of the
file: re-importing an unchanged file does nothing, a changed file replaces its version, and a
file gone from the imported folder takes its version with it. Every write bumps a generation
counter so indexes built over the articles know when they are stale.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.adapters.lawrefbook import (
    SKIPPED_NAMES,
    RegulationFile,
    RegulationFileError,
    read_file,
    relative_key,
)

DB_NAME = "regulations.db"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, sha256 TEXT NOT NULL,
    title TEXT NOT NULL, subtitle TEXT, level TEXT NOT NULL, region TEXT, department TEXT,
    version_date TEXT, published TEXT, revised TEXT, effective TEXT,
    effective_inferred INTEGER, decrees TEXT, info TEXT, articles INTEGER);
CREATE INDEX IF NOT EXISTS versions_title ON versions(title);
CREATE TABLE IF NOT EXISTS articles (
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, article_no INTEGER NOT NULL, sub INTEGER NOT NULL,
    label TEXT NOT NULL, chapter TEXT, text TEXT NOT NULL, PRIMARY KEY (version_id, seq));
CREATE INDEX IF NOT EXISTS articles_no ON articles(version_id, article_no, sub);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RegulationVersion:
    """One stored version of a regulation."""

    id: int
    title: str
    level: str
    region: str
    department: str
    version_date: str
    published: str
    revised: str
    effective: str
    effective_inferred: bool
    decrees: tuple[str, ...]
    path: str
    articles: int


@dataclass(frozen=True)
class RegulationArticle:
    """One article of one version; ``text`` has no heading and one 款 per line."""

    version: RegulationVersion
    seq: int
    article_no: int
    sub: int
    label: str
    chapter: str | None
    text: str

    @property
    def full_text(self) -> str:
        """Article with its heading, e.g. ``第三十三条 行政机关收到……``."""
        return f"{self.label} {self.text}".strip()


@dataclass
class ImportReport:
    """What one import did; ``errors`` are per-file Chinese messages."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    articles: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def files(self) -> int:
        """Files read successfully (new, changed or unchanged)."""
        return self.added + self.replaced + self.unchanged


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def regulation_files(root: Path) -> list[Path]:
    """Regulation files under ``root`` (a file or folder), sorted; front matter skipped."""
    root = Path(root)
    if root.is_file():
        return [root]
    found = [
        Path(folder) / name
        for folder, _, names in os.walk(root, followlinks=True)  # a linked 北京/ counts too
        for name in names
        if name.endswith(".md") and name not in SKIPPED_NAMES
    ]
    return sorted(found)


class RegulationLibrary:
    """Read and write the regulation library; safe to share between UI threads."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    # -- connection ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.db_path, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        if self._conn is None and not self.db_path.is_file():
            return []  # nothing imported yet: do not create the file just to read it
        with self._lock:
            return self._connect().execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        """Close the connection (reopened on the next query)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def generation(self) -> int:
        """Counter bumped by every import that changed something (0 = nothing imported)."""
        rows = self._query("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0][0]) if rows else 0

    # -- import ----------------------------------------------------------------------------

    def import_folder(self, root: Path, progress: Progress | None = None) -> ImportReport:
        """Import every regulation file under ``root``; unreadable files are reported, not fatal."""
        t0 = time.perf_counter()
        report = ImportReport()
        files = regulation_files(root)
        with self._lock:
            conn = self._connect()
            known = {
                r["path"]: r["sha256"] for r in conn.execute("SELECT path, sha256 FROM versions")
            }
            seen: set[str] = set()
            for i, path in enumerate(files, start=1):
                if progress is not None:
                    progress(i, len(files), path.name)
                key = relative_key(path.resolve())
                seen.add(key)
                self._import_one(conn, path, key, known.get(key), report)
            report.removed = self._remove_missing(conn, root, seen, known)
            if report.added or report.replaced or report.removed:
                conn.execute(
                    "INSERT INTO meta VALUES ('generation', 1) ON CONFLICT(key) "
                    "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
            conn.commit()
        report.seconds = time.perf_counter() - t0
        return report

    def _import_one(
        self,
        conn: sqlite3.Connection,
        path: Path,
        key: str,
        old_sha: str | None,
        report: ImportReport,
    ) -> None:
        try:
            sha = _sha256(path.read_bytes())
            if sha == old_sha:
                report.unchanged += 1
                return
            doc = read_file(path)
        except RegulationFileError as exc:
            report.errors.append(str(exc))
            return
        except OSError as exc:
            report.errors.append(f"{path.name}：无法读取文件（{exc.strerror or exc}），已跳过。")
            return
        conn.execute("DELETE FROM versions WHERE path = ?", (key,))
        _insert(conn, doc, key, sha)
        report.articles += len(doc.articles)
        if old_sha is None:
            report.added += 1
        else:
            report.replaced += 1

    @staticmethod
    def _remove_missing(
        conn: sqlite3.Connection, root: Path, seen: set[str], known: dict[str, str]
    ) -> int:
        """Drop versions whose file was under the imported folder and is gone now."""
        root = Path(root).resolve()
        if not root.is_dir():
            return 0
        prefix = relative_key(root / "x.md").removesuffix("x.md")
        if prefix == "":
            # ``root`` is the collection itself (above the level folders): every level counts.
            gone = [k for k in known if k not in seen and "/" in k]
        else:
            gone = [k for k in known if k.startswith(prefix) and k not in seen]
        for key in gone:
            conn.execute("DELETE FROM versions WHERE path = ?", (key,))
        return len(gone)

    # -- reading ---------------------------------------------------------------------------

    @staticmethod
    def _version(row: sqlite3.Row) -> RegulationVersion:
        return RegulationVersion(
            id=row["id"],
            title=row["title"],
            level=row["level"],
            region=row["region"] or "",
            department=row["department"] or "",
            version_date=row["version_date"] or "",
            published=row["published"] or "",
            revised=row["revised"] or "",
            effective=row["effective"] or "",
            effective_inferred=bool(row["effective_inferred"]),
            decrees=tuple(d for d in (row["decrees"] or "").split(",") if d),
            path=row["path"],
            articles=row["articles"] or 0,
        )

    def titles(self) -> list[str]:
        """Distinct regulation titles, sorted."""
        return [r[0] for r in self._query("SELECT DISTINCT title FROM versions ORDER BY title")]

    def all_versions(self) -> list[RegulationVersion]:
        """Every stored version, by title then 施行 date."""
        rows = self._query("SELECT * FROM versions ORDER BY title, effective, version_date")
        return [self._version(r) for r in rows]

    def versions(self, title: str) -> list[RegulationVersion]:
        """Versions of one regulation (exact title), oldest 施行 date first."""
        rows = self._query(
            "SELECT * FROM versions WHERE title = ? ORDER BY effective, version_date", (title,)
        )
        return [self._version(r) for r in rows]

    def articles_of(self, version: RegulationVersion) -> list[RegulationArticle]:
        """Every article of one version, in order."""
        rows = self._query(
            "SELECT * FROM articles WHERE version_id = ? ORDER BY seq", (version.id,)
        )
        return [_article(version, r) for r in rows]

    def find_article(
        self, version: RegulationVersion, article_no: int, sub: int = 0
    ) -> RegulationArticle | None:
        """One article of one version (``sub``: 第X条之一 = 1), or None."""
        rows = self._query(
            "SELECT * FROM articles WHERE version_id = ? AND article_no = ? AND sub = ? "
            "ORDER BY seq LIMIT 1",
            (version.id, int(article_no), int(sub)),
        )
        return _article(version, rows[0]) if rows else None

    def article_numbers(self, version: RegulationVersion) -> list[int]:
        """Distinct article numbers of a version, ascending."""
        rows = self._query(
            "SELECT DISTINCT article_no FROM articles WHERE version_id = ? ORDER BY article_no",
            (version.id,),
        )
        return [r[0] for r in rows]

    def iter_articles(self, versions: Iterable[RegulationVersion]) -> Iterator[RegulationArticle]:
        """Articles of the given versions, version by version."""
        for version in versions:
            yield from self.articles_of(version)

    def last_articles(self) -> list[tuple[RegulationVersion, str]]:
        """``(version, text)`` of final articles that repeal something (同时废止 / 同时失效)."""
        rows = self._query(
            "SELECT v.*, a.text AS article_text FROM articles a JOIN versions v ON v.id = a.version_id "
            "WHERE (a.text LIKE '%同时废止%' OR a.text LIKE '%同时失效%') ORDER BY v.effective"
        )
        return [(self._version(r), r["article_text"]) for r in rows]


def _article(version: RegulationVersion, row: sqlite3.Row) -> RegulationArticle:
    return RegulationArticle(
        version=version,
        seq=row["seq"],
        article_no=row["article_no"],
        sub=row["sub"],
        label=row["label"],
        chapter=row["chapter"],
        text=row["text"],
    )


def _insert(conn: sqlite3.Connection, doc: RegulationFile, key: str, sha: str) -> None:
    cur = conn.execute(
        "INSERT INTO versions (path, sha256, title, subtitle, level, region, department, "
        "version_date, published, revised, effective, effective_inferred, decrees, info, articles) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key, sha, doc.title, doc.subtitle, doc.level, doc.region, doc.department,
            doc.version_date, doc.published, doc.revised, doc.effective,
            int(doc.effective_inferred), ",".join(doc.decrees), doc.info, len(doc.articles),
        ),
    )  # fmt: skip
    version_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (version_id, seq, a.article_no, a.sub, a.label, a.chapter, a.text)
            for seq, a in enumerate(doc.articles)
        ],
    )
