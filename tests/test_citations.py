"""Citation parsing, exact lookup and verification against the real law library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.adapters.lawlib import LawLibrary
from assistant.core.citations import CitationResolver, LawNames, quote_matches
from assistant.numerals import article_label, chinese_to_int

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "regulations"

XINFANG_17 = (
    "公民、法人或者其他组织可以采用信息网络、书信、电话、传真、走访等形式，向各级机关、单位反映情况，"
    "提出建议、意见或者投诉请求，有关机关、单位应当依规依法处理。\n"
    "采用前款规定的形式，反映情况，提出建议、意见或者投诉请求的公民、法人或者其他组织，称信访人。"
)


class DictSource:
    """Minimal ArticleSource over ``{law: {article_no: text}}`` with declared article counts."""

    def __init__(self, laws: dict[str, dict[int, str]], counts: dict[str, int], source: str):
        self.laws, self.counts, self.source = laws, counts, source

    def law_names(self) -> list[str]:
        return list(self.laws)

    def find_article(self, law: str, article_no: int) -> dict | None:
        text = self.laws.get(law, {}).get(article_no)
        if text is None:
            return None
        return {"law": law, "article": article_label(article_no), "article_no": article_no,
                "chapter": None, "text": text, "source": f"{law}.md", "version_date": None,
                "status": "current"}  # fmt: skip

    def article_numbers(self, law: str) -> list[int]:
        return list(range(1, self.counts.get(law, 0) + 1))


class MarkdownSource(DictSource):
    """ArticleSource read from corpus regulation files (``第X条`` paragraphs, 款 after them)."""

    def __init__(self, paths: list[Path]):
        laws: dict[str, dict[int, str]] = {}
        for path in paths:
            lines = path.read_text(encoding="utf-8").split("<!-- INFO END -->")[-1].splitlines()
            title = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
            articles: dict[int, list[str]] = {}
            current = None
            for line in (ln.strip() for ln in lines):
                m = re.match(r"^第([零一二三四五六七八九十百]+)条\s*(.*)$", line)
                if m:
                    current = chinese_to_int(m[1])
                    articles[current] = [m[2]]
                elif line and not line.startswith("#") and current is not None:
                    articles[current].append(line)
            laws[title] = {n: "\n".join(p) for n, p in articles.items()}
        super().__init__(laws, {k: len(v) for k, v in laws.items()}, "corpus")


@pytest.fixture(scope="module")
def lib() -> LawLibrary:
    return LawLibrary()


@pytest.fixture(scope="module")
def local() -> DictSource:
    return DictSource(
        {
            "信访工作条例": {17: XINFANG_17},
            "信访条例": {
                2: "本条例所称信访，是指公民、法人或者其他组织采用书信、电子邮件、传真、电话、走访等形式，"
                "向各级人民政府、县级以上人民政府工作部门反映情况，提出建议、意见或者投诉请求，依法由有关行政机关处理的活动。",
                14: "信访人对下列组织、人员的职务行为反映情况，提出建议、意见，或者不服下列组织、人员的职务行为，"
                "可以向有关行政机关提出信访事项：",
            },
            "北京市人民防空条例": {
                1: "为了有效地组织人民防空，保护人民的生命和财产安全，根据《中华人民共和国人民防空法》，"
                "结合本市实际情况，制定本条例。"
            },
        },
        {"信访工作条例": 50, "信访条例": 51, "北京市人民防空条例": 50},
        "test",
    )


@pytest.fixture(scope="module")
def resolver(lib, local) -> CitationResolver:
    return CitationResolver(lib, LawNames.from_resources(lib.law_names()), local)


def test_resolve_full_bracketed_name(resolver: CitationResolver):
    res = resolver.resolve("《中华人民共和国行政处罚法》第三十二条")
    assert res.found and res.law == "中华人民共和国行政处罚法" and res.article == "第三十二条"
    assert res.text.startswith("当事人有下列情形之一，应当从轻或者减轻行政处罚")
    assert res.full_text.startswith("第三十二条 当事人有下列情形之一")
    assert res.chapter == "第四章 行政处罚的管辖和适用"
    assert res.source == "法律库" and res.status == "current"
    assert res.label() == "《中华人民共和国行政处罚法》第三十二条"
    data = res.to_json()
    assert (
        data["title"] == data["law"] and data["doc_type"] == "regulation" and data["score"] == 1.0
    )
    assert {"found", "query", "source", "text", "full_text", "chapter", "status", "replaced_by",
            "message", "suggestions"} <= set(data)  # fmt: skip


@pytest.mark.parametrize(
    "query",
    [
        "行政处罚法第32条",
        "《行政处罚法》第32条",
        "行政处罚法第 ３２ 条",
        "查一下行政处罚法第三十二条的内容",
    ],
)
def test_resolve_short_and_arabic_forms(resolver: CitationResolver, query: str):
    res = resolver.resolve(query)
    assert res.found and res.label() == "《中华人民共和国行政处罚法》第三十二条"


def test_resolve_paragraph_of_renfang_law(resolver: CitationResolver, lib: LawLibrary):
    res = resolver.resolve("人防法第四十九条第一款")
    assert res.found and res.law == "中华人民共和国人民防空法" and res.paragraph == 1
    article = lib.find_article("中华人民共和国人民防空法", 49)
    assert res.text == article.text  # one 款 whose items (一)…(七) belong to it
    assert res.text.startswith("有下列行为之一的，由县级以上人民政府人民防空主管部门")
    assert res.text.endswith("（七）向人民防空工程内排入废水、废气或者倾倒废弃物的。")


def test_resolve_paragraphs_and_items(resolver: CitationResolver):
    second = resolver.resolve("宪法第三十三条第三款")
    assert second.found and second.text == "国家尊重和保障人权。"
    item = resolver.resolve("《行政处罚法》第三十二条第一款第（二）项")
    assert item.text == "（二）受他人胁迫或者诱骗实施违法行为的；"
    assert item.label() == "《中华人民共和国行政处罚法》第三十二条第一款第（二）项"
    assert resolver.resolve("行政处罚法第三十二条第二项").text == item.text
    missing = resolver.resolve("行政处罚法第三十二条第三款")
    assert not missing.found and missing.text == ""
    assert missing.message == "《中华人民共和国行政处罚法》第三十二条共1款，没有第三款。"


def test_resolve_constitution_and_sub_article(resolver: CitationResolver):
    res = resolver.resolve("宪法第五条")
    assert res.found and res.text.startswith("中华人民共和国实行依法治国，建设社会主义法治国家。")
    sub = resolver.resolve("刑法第十七条之一")
    assert sub.found and sub.article == "第十七条之一"
    assert sub.text.startswith("已满七十五周岁的人故意犯罪的")


def test_resolve_local_regulation(resolver: CitationResolver):
    res = resolver.resolve("信访工作条例第十七条")
    assert res.found and res.law == "信访工作条例" and res.text == XINFANG_17
    assert res.source == "信访工作条例.md" and res.status == "current"
    assert res.full_text == f"第十七条 {XINFANG_17}"


def test_resolve_superseded_regulation(resolver: CitationResolver):
    res = resolver.resolve("《信访条例》第二条")
    assert res.found and res.status == "superseded" and res.replaced_by == "信访工作条例"
    assert "已被《信访工作条例》替代（2022年5月1日起施行）" in res.message
    assert res.text.startswith("本条例所称信访")


def test_wrong_article_number_returns_no_text(resolver: CitationResolver):
    res = resolver.resolve("行政处罚法第九百条")
    assert not res.found and res.text == "" and res.full_text == ""
    assert res.message == "《中华人民共和国行政处罚法》共86条，没有第九百条。"
    assert res.to_json()["score"] == 0.0
    local = resolver.resolve("信访工作条例第五十一条")
    assert not local.found and local.message == "《信访工作条例》共50条，没有第五十一条。"


def test_unknown_law_suggests_names(resolver: CitationResolver):
    res = resolver.resolve("不存在法第一条")
    assert not res.found and res.law is None and res.text == ""
    assert res.message.startswith("未找到法规“不存在法”")
    near = resolver.resolve("《行政处法》第一条")
    assert "中华人民共和国行政处罚法" in near.suggestions and len(near.suggestions) <= 5
    assert "您是否要找：" in near.message and "《中华人民共和国行政处罚法》" in near.message


def test_resolve_without_article_number(resolver: CitationResolver):
    assert "请指明条号" in resolver.resolve("行政处罚法").message
    assert "未能识别法条引用" in resolver.resolve("今年的工作总结").message


def test_is_citation(resolver: CitationResolver):
    assert resolver.is_citation("行政处罚法第三十二条")
    assert resolver.is_citation("《中华人民共和国宪法》第五条是怎么规定的？")
    assert resolver.is_citation("人防法第四十九条第一款的内容")
    assert not resolver.is_citation(
        "人防工程被侵占，根据人防法第四十九条应当如何处罚并由哪个部门负责？"
    )
    assert not resolver.is_citation("行政处罚的原则有哪些")


def test_parse_forms_and_positions(resolver: CitationResolver):
    text = (
        "依据《中华人民共和国行政处罚法》第三十二条、第三十三条，以及行政许可法第12条，"
        "《行政复议法》第一条和该法第二条；刑法第十七条之一。另见第五条。"
    )
    cites = resolver.parse(text)
    assert [(c.law, c.article) for c in cites] == [
        ("中华人民共和国行政处罚法", "第三十二条"),
        ("中华人民共和国行政处罚法", "第三十三条"),
        ("中华人民共和国行政许可法", "第十二条"),
        ("中华人民共和国行政复议法", "第一条"),
        ("中华人民共和国行政复议法", "第二条"),
        ("中华人民共和国刑法", "第十七条之一"),
    ]
    for c in cites:
        assert text[c.start : c.end] == c.raw
    assert cites[0].raw == "《中华人民共和国行政处罚法》第三十二条"
    assert cites[2].law_query == "行政许可法"


def test_parse_quote_and_nested_brackets(resolver: CitationResolver):
    cites = resolver.parse(
        "《宪法》第五条规定：“国家维护社会主义法制的统一和尊严。”《北京市实施《档案法》办法》第三条"
    )
    assert cites[0].quote == "国家维护社会主义法制的统一和尊严。"
    assert cites[1].law_query == "北京市实施《档案法》办法" and cites[1].quote is None
    # A comma alone does not make the next quoted phrase a quotation of the article.
    assert resolver.parse("依据《宪法》第五条，“放管服”改革持续推进。")[0].quote is None
    assert resolver.parse("《宪法》第五条中规定，“国家维护社会主义法制的统一和尊严”")[0].quote


def test_resolver_without_law_library(local):
    resolver = CitationResolver(None, LawNames([]), local)
    assert resolver.resolve("信访工作条例第十七条").text == XINFANG_17
    assert not resolver.resolve("行政处罚法第三十二条").found


def test_quote_matching_ignores_punctuation_and_ellipsis():
    article = "第五条 行政处罚遵循公正、公开的原则。\n设定和实施行政处罚必须以事实为依据。"
    assert quote_matches("行政处罚遵循公正 公开的原则", article)
    assert quote_matches("行政处罚遵循……以事实为依据", article)
    assert not quote_matches("以事实为依据……行政处罚遵循", article)
    assert not quote_matches("行政处罚遵循公平的原则", article)


OK = [
    "根据《中华人民共和国行政处罚法》第三十二条，当事人主动消除危害后果的应当从轻处罚。",
    "依照行政处罚法第33条不予处罚。",
    "人防法第四十九条第一款规定了侵占人防工程的法律责任。",
    "《中华人民共和国宪法》第五条规定：“中华人民共和国实行依法治国，建设社会主义法治国家。”",
    "《行政许可法》第十二条列举了可以设定行政许可的事项。",
    "信访工作条例第十七条明确了信访形式。",
    "《行政复议法》第二条规定：“前款所称行政行为，包括法律、法规、规章授权的组织的行政行为。”",
    "《中华人民共和国人民防空法》第二十二条规定：“城市新建民用建筑，按照国家有关规定修建战时可用于防空的地下室。”",
    "严格落实《行政处罚法》第三十二条第一款第（二）项。",
    "档案法第三条要求各级人民政府加强档案工作。",
    "《北京市人民防空条例》第一条明确了立法目的。",
    "《中华人民共和国行政处罚法》第五条：“设定和实施行政处罚必须以事实为依据……与违法行为的事实、性质、情节以及社会危害程度相当。”",
    "宪法第三十三条第三款写入了人权保障。",
]
PLANTED = [
    ("行政处罚法第九百条", "article_missing"),
    ("《人民防空法》第八十条", "article_missing"),
    ("《中华人民共和国宪法》第一百五十条", "article_missing"),
    ("《行政许可法》第八十四条", "article_missing"),
    ("档案法第六十条", "article_missing"),
    ("《行政复议法》第九十一条", "article_missing"),
    ("《行政处罚法》第三十二条第三款", "article_missing"),
    ("人防法第四十九条第一款第（九）项", "article_missing"),
    ("信访工作条例第五十一条", "article_missing"),
    ("《北京市人民防空条例》第六十条", "article_missing"),
    ("《不存在法》第一条", "law_unknown"),
    ("《中华人民共和国行政管理法》第十条", "law_unknown"),
    ("《北京市人防工程管理办法》第三条", "law_unknown"),
    ("依照依法行政条例第五条", "law_unknown"),
    ("《信访条例》第十四条", "superseded"),
    ("信访条例第二条", "superseded"),
    (
        "《行政处罚法》第三十三条规定：“违法行为轻微并及时改正，没有造成危害后果的，可以不予行政处罚。”",
        "quote_mismatch",
    ),
    ("宪法第五条规定：“中华人民共和国实行依法行政，建设法治政府。”", "quote_mismatch"),
    (
        "人防法第二十二条规定：“城市新建民用建筑，可以修建战时可用于防空的地下室。”",
        "quote_mismatch",
    ),
    ("信访工作条例第十七条规定：“公民可以采用走访形式反映情况。”", "quote_mismatch"),
    ("《行政复议法》第二条：“行政复议机关办理行政复议案件，适用行政诉讼法。”", "quote_mismatch"),
]


def test_verify_flags_every_planted_error(resolver: CitationResolver):
    pieces = [(s, "ok") for s in OK]
    # Interleave the planted errors with the correct citations.
    for i, planted in enumerate(PLANTED):
        pieces.insert(2 * i + 1, planted)
    pieces.append(("《行政处罚法》第三十二条、第九百条", None))
    pieces.append(("《行政复议法》第一条和该法第九十九条", None))
    text = "\n".join(p for p, _ in pieces)
    checks = resolver.verify(text)
    expected = [s for _, s in pieces if s] + ["ok", "article_missing", "ok", "article_missing"]
    assert [c.status for c in checks] == expected
    assert len([s for s in expected if s != "ok"]) >= 20
    by_status = {c.citation.raw: c for c in checks}
    superseded = by_status["《信访条例》第十四条"]
    assert superseded.replaced_by == "信访工作条例" and "2022年5月1日" in superseded.message
    assert (
        by_status["行政处罚法第九百条"].message
        == "《中华人民共和国行政处罚法》共86条，没有第九百条。"
    )
    mismatch = next(c for c in checks if c.status == "quote_mismatch")
    assert "原文：第三十三条 违法行为轻微并及时改正" in mismatch.message
    data = checks[0].to_json()
    assert data["status"] == "ok" and data["label"] == "《中华人民共和国行政处罚法》第三十二条"
    assert data["start"] < data["end"] and data["raw"] == checks[0].citation.raw


def test_verify_plain_text_has_no_citations(resolver: CitationResolver):
    assert resolver.verify("2021年，我办坚持依法行政，第一条工作是学习宣传。") == []


def test_lookup_covers_laws_outside_profiles(resolver: CitationResolver):
    res = resolver.resolve("《中华人民共和国黑土地保护法》第一条")
    assert res.found and res.source == "法律库"


def test_local_regulations_from_corpus_files(lib: LawLibrary):
    files = [CORPUS / "信访工作条例(2022-02-25).md", CORPUS / "北京市人民防空条例.md"]
    if not all(f.is_file() for f in files):
        pytest.skip("共享语料不存在")
    source = MarkdownSource(files)
    resolver = CitationResolver(lib, LawNames.from_resources(lib.law_names()), source)
    res = resolver.resolve("信访工作条例第十七条")
    assert res.found and res.text == XINFANG_17
    assert resolver.resolve("北京人防条例第一条").law == "北京市人民防空条例"
    assert resolver.resolve("北京人防条例第一条").text.startswith("为了有效地组织人民防空")
    missing = resolver.resolve("信访工作条例第五十一条")
    assert not missing.found and missing.message == "《信访工作条例》共50条，没有第五十一条。"
