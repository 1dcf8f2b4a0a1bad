"""What each ask wants: the clause answering 起算点 / 上限, the reasons half of 不足和原因,
a figure for a quantity question, and a noun follow-up kept on the prior question's subject."""

from __future__ import annotations

from assistant.core.answering import Conversation
from assistant.core.answering.conversation import rewrite_ask
from assistant.core.answering.intent import Cues
from assistant.core.answering.legal import direct_answer
from assistant.core.answering.question import Question
from assistant.documents import Hit
from tests.test_answering_shapes import service

LAW = "中华人民共和国行政处罚法"


def limitation_article() -> Hit:
    text = ("第三十六条 违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害后果的，"
            "上述期限延长至五年。法律另有规定的除外。\n前款规定的期限，从违法行为发生之日起计算；违法行为有连续或者"
            "继续状态的，从行为终了之日起计算。")
    meta = {"law": LAW, "article": "第三十六条", "doc_type": "regulation", "source": f"法律库/{LAW}"}
    return Hit(text, meta, 0.03, 0.9)


def test_each_ask_gets_the_clause_worded_as_its_answer():
    q = Question.parse("违法行为几年内没被发现就不罚了？从什么时候开始算？", Cues.load())
    answer = direct_answer(q, limitation_article())
    assert "二年内未被发现" in answer
    assert "从违法行为发生之日起计算" in answer  # the second ask, from its own 款


def test_an_ask_for_a_ceiling_prefers_the_limiting_sentence():
    text = ("第四十五条 当事人逾期不履行的，行政机关可以依法加处罚款或者滞纳金。加处罚款或者滞纳金的标准应当告知当事人。"
            "\n加处罚款或者滞纳金的数额不得超出金钱给付义务的数额。")
    hit = Hit(text, {"law": "中华人民共和国行政强制法", "article": "第四十五条", "doc_type": "regulation"}, 0.03, 0.9)
    q = Question.parse("罚款逾期不交怎么办？加处罚款有上限吗？", Cues.load())
    assert "不得超出金钱给付义务的数额" in direct_answer(q, hit)


def test_kind_cues_come_from_the_rule_file():
    cues = Cues.load()
    assert cues.answer_kinds("从什么时候开始算") and not cues.answer_kinds("人防工程被侵占")
    assert 0 < cues.kind_bonus < 1


def test_a_noun_follow_up_stays_on_the_prior_subject():
    assert rewrite_ask("区司法局2023年的不足有哪些？", "原因是什么？") == "区司法局2023年的不足的原因是什么？"
    assert rewrite_ask("2021年人防办接诉即办处置了多少件？", "依据是什么？") == "2021年人防办接诉即办处置的依据是什么？"


def test_shortcomings_answer_carries_the_reasons_too():
    from tests.test_answering_shapes import report_chunks

    chunk = report_chunks()[2]
    chunk = Hit(chunk.text + "主要原因是队伍建设滞后。", chunk.metadata, chunk.score, chunk.dense)
    svc, _ = service([chunk])
    svc.documents = lambda source: [chunk]
    conv = Conversation()
    first = svc.ask("区司法局2023年存在哪些不足？", conv)
    assert "一是复议人员不足" in first.answer and "主要原因是队伍建设滞后" in first.answer
    follow = svc.ask("原因是什么？", conv)
    assert "主要原因是队伍建设滞后" in follow.answer


def test_a_quantity_question_is_answered_by_a_sentence_with_the_figure():
    from tests.test_answering_shapes import TITLE

    meta = {"title": TITLE, "doc_type": "report", "source": f"{TITLE}.txt", "year": 2023,
            "organization": "西城区司法局", "chunk_index": 0}
    hits = [
        Hit("（三）区司法局会前学法\n区司法局坚持党组会前学法制度，认真组织好会前学法，督促落实会前学法要求。",
            {**meta, "section": "（三）区司法局会前学法"}, 0.5, 0.9),
        Hit("2.学法培训。党组会、办公会学法4次。", {**meta, "section": "2.学法培训", "chunk_index": 1}, 0.4, 0.8),
    ]
    svc, _ = service(hits)
    ans = svc.ask("区司法局2023年会前学法几次？")
    assert "学法4次" in ans.answer



def test_beijing_implied_brings_the_matching_local_article_from_a_deeper_search():
    from tests.qa_fakes import CIVIL_AIR, article_hit
    from tests.test_answering_shapes import LOCAL, local_hit

    filler = [Hit(f"第{n}条 人民防空主管部门应当加强宣传教育。", {"law": "中华人民共和国国防教育法", "article": f"第{n}条",
                  "doc_type": "regulation", "source": "法律库/国防教育法"}, 0.01, 0.5) for n in range(1, 12)]
    svc, retriever = service([article_hit(CIVIL_AIR, 49), *filler, local_hit()])  # local beyond k
    ans = svc.ask("北京人防工程被侵占了，单位罚多少？")
    assert max(c["k"] or 0 for c in retriever.calls) > svc.settings.k  # the deeper search ran
    assert f"《{LOCAL}》第四十五条" in ans.answer and "1万元以上5万元以下" in ans.answer
    plain, retriever = service([article_hit(CIVIL_AIR, 49), *filler, local_hit()])
    plain.ask("人防工程被侵占了，单位罚多少？")  # Beijing not implied: one search only
    assert all((c["k"] or 0) <= plain.settings.k for c in retriever.calls)
