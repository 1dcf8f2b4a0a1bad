"""Small deterministic stand-ins for the retriever, citation resolver and law-name detector.

They follow the shapes of ``assistant.core.retrieval``, ``assistant.core.citations.CitationResolver`` and
``assistant.core.citations.LawNames`` closely enough for the answer chain's tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from assistant.core.citations import Citation
from assistant.documents import Hit

CN = {c: i for i, c in enumerate("零一二三四五六七八九")}
PUNISH = "中华人民共和国行政处罚法"
CIVIL_AIR = "中华人民共和国人民防空法"
SHORT = {"行政处罚法": PUNISH, "人民防空法": CIVIL_AIR}

ARTICLES = {
    (
        PUNISH,
        32,
    ): "当事人有下列情形之一，应当从轻或者减轻行政处罚：\n（一）主动消除或者减轻违法行为危害后果的；\n（二）受他人胁迫或者诱骗实施违法行为的；",
    (
        PUNISH,
        33,
    ): "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。\n当事人有证据足以证明没有主观过错的，不予行政处罚。\n对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育。",
    (
        CIVIL_AIR,
        49,
    ): "有下列行为之一的，由县级以上人民政府人民防空主管部门对当事人给予警告，并责令限期改正违法行为，可以对个人并处五千元以下的罚款、对单位并处一万元至五万元的罚款；造成损失的，应当依法赔偿损失：\n（一）侵占人民防空工程的；",
}
SUPERSEDED = {(PUNISH, 1): "第一条（旧）"}


def cn2int(s: str) -> int:
    """Chinese numerals up to 999 (enough for article numbers in tests)."""
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch == "百":
            total += (cur or 1) * 100
            cur = 0
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        else:
            cur = CN.get(ch, 0)
    return total + cur


def int2cn(n: int) -> str:
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    if n < 100:
        t, o = divmod(n, 10)
        return ("" if t == 1 else d[t]) + "十" + (d[o] if o else "")
    h, rest = divmod(n, 100)
    tail = (
        ""
        if rest == 0
        else ("零" + d[rest] if rest < 10 else int2cn(rest) if rest >= 20 else "一" + int2cn(rest))
    )
    return d[h] + "百" + tail


_CITE = re.compile(
    r"《?(?P<law>中华人民共和国[^》第]{2,12}法|行政处罚法|人民防空法|[^《》\s]{2,10}条例)》?"
    r"第(?P<art>[零一二三四五六七八九十百\d]+)条(?:第(?P<para>[一二三四五六七八九十\d]+)款)?"
)


class FakeResolver:
    """Resolves citations of a handful of articles; counts its calls."""

    def __init__(self) -> None:
        self.resolved: list[str] = []

    def parse(self, text: str) -> list[Citation]:
        out = []
        for m in _CITE.finditer(text):
            law = (
                SHORT.get(m["law"], m["law"])
                if m["law"] in SHORT or m["law"].startswith("中华")
                else None
            )
            para = cn2int(m["para"]) if m["para"] else None
            out.append(
                # The real dataclass: the fake only fakes lookup, not the shape of a citation.
                Citation(
                    m.group(0), m["law"], law, cn2int(m["art"]), para, None, m.start(), m.end(),
                    quote=None,
                )
            )
        return out

    def is_citation(self, query: str) -> bool:
        return any(c.law for c in self.parse(query))

    def resolve(self, query: str) -> SimpleNamespace:
        self.resolved.append(query)
        cites = self.parse(query)
        if not cites or not cites[0].law:
            return _cite(False, query, message="未识别到法条引用")
        c = cites[0]
        text = ARTICLES.get((c.law, c.article_no))
        if text is None:
            return _cite(
                False,
                query,
                message=f"《{c.law}》没有{c.article}",
                suggestions=[f"《{c.law}》第三十二条"],
            )
        if c.paragraph:
            paras = [p for p in text.split("\n") if not p.startswith("（")]
            if c.paragraph > len(paras):
                return _cite(
                    False, query, message=f"《{c.law}》{c.article}没有第{int2cn(c.paragraph)}款"
                )
            text = paras[c.paragraph - 1]
        label = f"《{c.law}》{c.article}" + (f"第{int2cn(c.paragraph)}款" if c.paragraph else "")
        return _cite(
            True,
            query,
            law=c.law,
            article=c.article,
            article_no=c.article_no,
            paragraph=c.paragraph,
            text=text,
            full_text=ARTICLES[(c.law, c.article_no)],
            label=label,
        )

    def verify(self, text: str) -> list[SimpleNamespace]:
        checks = []
        for c in self.parse(text):
            if c.law is None:
                status, msg = "law_unknown", f"未知法律“{c.law_query}”"
            elif (c.law, c.article_no) in SUPERSEDED:
                status, msg = "superseded", "已被修改"
            elif (c.law, c.article_no) not in ARTICLES:
                status, msg = "article_missing", f"《{c.law}》没有{c.article}"
            else:
                status, msg = "ok", ""
            replaced = f"《{c.law}》第二条" if status == "superseded" else None
            checks.append(
                SimpleNamespace(citation=c, status=status, message=msg, replaced_by=replaced)
            )
        return checks


def _cite(found: bool, query: str, **kw) -> SimpleNamespace:
    label = kw.pop("label", "")
    base = dict(
        found=found,
        query=query,
        law=None,
        article=None,
        article_no=None,
        paragraph=None,
        item=None,
        text="",
        full_text="",
        chapter=None,
        status="current",
        replaced_by=None,
        source="法律库/" + (kw.get("law") or ""),
        message="",
        suggestions=[],
    )
    base.update(kw)
    ns = SimpleNamespace(**base)
    ns.label = lambda: label
    return ns


class FakeNames:
    """Detects the short or full names of the two test laws."""

    def detect(self, query: str) -> list[str]:
        return [full for short, full in SHORT.items() if short in query]


@dataclass
class ListRetriever:
    """Returns fixed hits and remembers how it was called."""

    hits: list[Hit] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)

    def search(self, query, k=None, filters=None):
        self.calls.append({"query": query, "k": k, "filters": filters})
        return list(self.hits[: k or len(self.hits)])


def article_hit(law: str, no: int, dense: float = 0.9, score: float = 0.03) -> Hit:
    """A regulation chunk as ingestion stores it."""
    return Hit(
        text=f"第{int2cn(no)}条 " + ARTICLES[(law, no)],
        metadata={
            "law": law,
            "article": f"第{int2cn(no)}条",
            "article_no": no,
            "title": law,
            "doc_type": "regulation",
            "source": f"法律库/{law}",
            "status": "current",
            "dense_score": dense,
        },
        score=score,
    )


REPORT_TEXT = (
    "5. 严格落实行政执法“三项制度”，依法开展人防行政检查、行政执法、案件应诉工作。"
    "开展行政检查500余人次，查处人防违法违规案件4件，罚款伍千伍百元，依法约谈违法单位及管理人50余人次，"
    "人防工程依法依规使用管理有了较大的提高；积极开展“双随机、一公开”监督工作，依法推进人防管理法治化建设。"
)
REPORT_TITLE = "2021年东城区人防办法治政府建设年度情况报告"


def report_hit(text: str = REPORT_TEXT, dense: float = 0.89, score: float = 0.03) -> Hit:
    """A report chunk as ingestion stores it."""
    return Hit(
        text=text,
        metadata={
            "title": REPORT_TITLE,
            "doc_type": "report",
            "source": f"{REPORT_TITLE}.txt",
            "section": "一、主要举措和成效",
            "year": 2021,
            "dense_score": dense,
        },
        score=score,
    )
