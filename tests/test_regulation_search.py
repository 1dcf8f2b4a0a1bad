"""Keyword search over the imported regulation library, alone and merged with the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.reglib import RegulationLibrary
from assistant.config import RetrievalSettings
from assistant.core.citations import LawHistory
from assistant.core.retrieval.lexical import Tokenizer
from assistant.core.retrieval.regulations import RegulationIndex, merge_hits
from assistant.documents import Hit

NATIONAL = (
    "政府信息公开条例(2019-04-03).md",
    "信访工作条例(2022-02-25).md",
    "信访条例(2005-01-10).md",
    "优化营商环境条例(2019-10-22).md",
)


@pytest.fixture(scope="module")
def collection(lawrefbook: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small collection: 北京 regulations and four 行政法规 (links to the real files)."""
    root = tmp_path_factory.mktemp("Laws")
    (root / "地方性法规").mkdir()
    (root / "地方性法规" / "北京").symlink_to(lawrefbook / "地方性法规" / "北京")
    (root / "行政法规").mkdir()
    for name in NATIONAL:
        (root / "行政法规" / name).symlink_to(lawrefbook / "行政法规" / name)
    return root


@pytest.fixture(scope="module")
def index(collection: Path, tmp_path_factory: pytest.TempPathFactory) -> RegulationIndex:
    folder = tmp_path_factory.mktemp("library")
    library = RegulationLibrary(folder / "regulations.db")
    library.import_folder(collection)
    history = LawHistory.from_resources()  # 信访条例 → 信访工作条例 from 2022-05-01
    idx = RegulationIndex(library, RetrievalSettings(), Tokenizer(), folder / "index", history=history)
    # The latest version of each regulation (all of them are in force by now), no older ones.
    assert idx.refresh() == sum(library.versions(t)[-1].articles for t in library.titles())
    return idx


@pytest.mark.parametrize(
    ("query", "law", "article"),
    [
        ("政府信息公开申请的答复期限是多久", "中华人民共和国政府信息公开条例", "第三十三条"),
        ("接诉即办诉求工单怎么派发", "北京市接诉即办工作条例", "第十条"),
        ("设定证明事项应当有什么依据", "优化营商环境条例", "第四十四条"),
    ],
)
def test_lexical_search_finds_the_article(index, query, law, article):
    hits = index.search(query, 5)
    assert (hits[0].metadata["law"], hits[0].metadata["article"]) == (law, article)
    assert hits[0].metadata["ranking"] == "lexical" and hits[0].metadata["level"]


def test_only_versions_in_force_are_searched(index):
    hits = index.search("北京市优化营商环境条例 行政处罚裁量基准", 10)
    dates = {h.metadata["version_date"] for h in hits if h.metadata["law"] == "北京市优化营商环境条例"}
    assert dates == {"2024-11-29"}


def test_named_regulation_gets_its_own_ranking(index):
    plain = index.search("信访事项办结期限", 5)
    named = index.search("信访事项办结期限", 5, named=["信访工作条例"])
    assert named[0].metadata["law"] == "信访工作条例"
    assert [h.metadata["law"] for h in plain] != [h.metadata["law"] for h in named]


def test_replaced_regulation_is_marked_and_ranked_below_its_successor(index):
    hits = index.search("信访人对处理意见不服 申请复查 期限", 10)
    laws = [h.metadata["law"] for h in hits]
    assert "信访条例" in laws and laws.index("信访工作条例") < laws.index("信访条例")
    assert {h.metadata["status"] for h in hits if h.metadata["law"] == "信访条例"} == {"superseded"}


def test_topic_words_give_implied_regulations_a_ranking(index):
    plain = index.search("群众来访反映问题多久答复", 10)
    implied = index.search("群众来访反映问题多久答复", 10, implied=["信访工作条例"])
    def count(hits):
        return sum(h.metadata["law"] == "信访工作条例" for h in hits)

    assert count(implied) > count(plain)


def test_saved_index_is_reused_by_a_new_process(index):
    again = RegulationIndex(index.library, RetrievalSettings(), Tokenizer(), index.cache_dir)
    assert again.saved()
    hits = again.search("政府信息公开申请的答复期限是多久", 3)
    assert again._snapshot is not None and hits[0].metadata["article"] == "第三十三条"


def test_empty_library_returns_nothing(tmp_path: Path):
    idx = RegulationIndex(RegulationLibrary(tmp_path / "r.db"), RetrievalSettings(), Tokenizer())
    assert idx.search("政府信息公开", 5) == [] and not idx.ready()
    assert not (tmp_path / "r.db").exists()  # reading does not create the file


def test_merge_keeps_one_hit_per_article_and_can_lead_with_the_library():
    kb = [Hit("甲", {"law": "A", "article": "第一条"}), Hit("乙", {"law": "B", "article": "第二条"})]
    lib = [Hit("甲'", {"law": "A", "article": "第一条"}), Hit("丙", {"law": "C", "article": "第三条"})]
    merged = merge_hits(kb, lib, 10, 5)
    assert [h.metadata["law"] for h in merged] == ["A", "B", "C"]
    first = merge_hits(kb, lib, 10, 5, library_first=True)
    assert [h.metadata["law"] for h in first][:2] == ["A", "C"]


def test_hybrid_search_merges_library_hits_and_respects_filters(index, fake_settings):
    from assistant.adapters.embeddings import make_embeddings
    from assistant.adapters.store import make_store
    from assistant.core.citations import LawNames
    from assistant.core.retrieval import HybridRetriever

    store = make_store(fake_settings, make_embeddings(fake_settings.embedding))
    store.add(
        ["2023年本单位办理政府信息公开申请120件，均在法定期限内答复。"],
        [{"doc_type": "report", "source": "报告.txt", "title": "2023年报告", "year": 2023}],
        ["r1"],
    )
    names = LawNames.from_resources(index.library.titles())
    retriever = HybridRetriever(
        store, RetrievalSettings(), names, tokenizer=index.tokenizer, regulations=index
    )
    hits = retriever.search("政府信息公开申请的答复期限", k=5)
    kinds = {h.metadata.get("origin") or h.metadata["doc_type"] for h in hits}
    assert kinds == {"library", "report"}
    assert ("中华人民共和国政府信息公开条例", "第三十三条") in [
        (h.metadata.get("law"), h.metadata.get("article")) for h in hits
    ]
    reports = retriever.search("政府信息公开申请的答复期限", k=5, filters={"doc_type": "report"})
    assert all(h.metadata["doc_type"] == "report" for h in reports)
    named = retriever.search("北京市接诉即办工作条例 诉求工单", k=3)
    assert named[0].metadata["law"] == "北京市接诉即办工作条例"


def test_assistant_imports_from_the_knowledge_page_then_cites_and_searches(
    lawrefbook: Path, fake_settings
):
    from assistant.app import build_assistant
    from assistant.front.ui.knowledge import import_regulations

    asst = build_assistant(fake_settings)
    try:
        assert not asst.cite("北京市接诉即办条例第十条").found  # nothing imported yet
        missing = import_regulations(asst, "/nowhere/Laws", progress=lambda *a, **k: None)
        assert "找不到目录" in missing
        message = import_regulations(
            asst, str(lawrefbook / "地方性法规" / "北京"), progress=lambda *a, **k: None
        )
        assert "新增 187 个版本" in message and "失败 0 个文件" in message
        result = asst.cite("北京市接诉即办条例第十条")
        assert result.found and result.level == "地方性法规（北京）"
        hits = asst.search("接诉即办 诉求工单 派单", k=3)
        assert hits[0].metadata["law"] == "北京市接诉即办工作条例"
        assert hits[0].metadata["ranking"] == "lexical"
    finally:
        asst.close()
