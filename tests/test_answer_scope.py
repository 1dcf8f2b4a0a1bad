"""What the knowledge base holds: districts, offices, report years, parts of a year, topics and
the demo report; colloquial years; follow-ups that keep their scene; questions with several asks.

The answer chain runs with the deterministic fakes of ``tests/qa_fakes.py`` (no models).
"""

from __future__ import annotations

from assistant.core.answering import AnswerService
from assistant.core.answering.conversation import Conversation, rewrite_ask
from assistant.core.answering.question import Question, split_asks
from assistant.core.answering.scope import SAMPLE_LABEL, Mentions, Places, sample_label
from assistant.core.answering.years import resolve_years, spell_out
from assistant.documents import Hit
from tests.qa_fakes import PUNISH, FakeNames, FakeResolver, ListRetriever, article_hit

OWN = "2021年东城区人防办法治政府建设年度情况报告"
DEMO = "示例区人防办2023年法治政府建设年度情况报告"
SECTION = "一、主要举措和成效 > 7.接诉即办"
OWN_TEXT = (
    "编制《东城区人防办关于开展法治宣传教育的第八个五年规划》（2021—2025年）。"
    "开展行政检查500余人次，查处人防违法违规案件4件，罚款伍千伍百元。"
    "“接诉即办”累计处置事件近290余件，取得了响应率100%、解决率、满意率均为85%的优良成绩。"
)
DEMO_TEXT = "全年办理12345市民服务热线派单315件，响应率100%，解决率93.5%，满意率94.2%。"


def _report(source: str, org: str, year: int, text: str) -> Hit:
    meta = {"title": source, "doc_type": "report", "source": f"{source}.txt", "section": SECTION,
            "year": year, "organization": org, "dense_score": 0.9}
    return Hit(text, meta, 0.03)


HITS = [_report(DEMO, "示例区人防办", 2023, DEMO_TEXT), _report(OWN, "东城区人防办", 2021, OWN_TEXT)]
HOLDINGS = [
    {"source": f"{OWN}.txt", "organization": "东城区人防办", "year": 2021, "title": OWN},
    {"source": f"{DEMO}.txt", "organization": "示例区人防办", "year": 2023, "title": DEMO},
]


def service(hits=HITS) -> AnswerService:
    by_source = {h.metadata["source"]: [h] for h in hits}
    return AnswerService(
        ListRetriever(list(hits)), FakeResolver(), FakeNames(),
        shelf=lambda: ([2021, 2023], ["东城区人防办", "示例区人防办"]),
        holdings=lambda: HOLDINGS,
        documents=lambda source: by_source.get(source, []),
        this_year=2026,
    )


# -- years ---------------------------------------------------------------------------------


def test_colloquial_years_are_spelled_out():
    assert spell_out("21年我们开了几次党组会", 2026) == "2021年我们开了几次党组会"
    assert spell_out("二〇二一年人防办罚了多少钱", 2026) == "2021年人防办罚了多少钱"
    assert spell_out("违法行为二年内未被发现", 2026) == "违法行为二年内未被发现"
    assert spell_out("工作满12年的补偿", 2026) == "工作满12年的补偿"
    assert spell_out("95年的档案", 2026) == "95年的档案"  # 2095 is no report year


def test_relative_years_read_against_the_reports_held():
    assert resolve_years("前年我们查处了多少案件", [2024], 2026).text == "2024年我们查处了多少案件"
    read = resolve_years("前年我们查处了多少案件", [2021, 2023], 2026)
    assert read.text == "2022年我们查处了多少案件" and "2023年" in read.note
    assert resolve_years("去年我们查处了多少案件", [2021, 2023], 2026).text.startswith("2023年")


# -- scope -----------------------------------------------------------------------------------


def test_places_offices_and_periods_are_read_from_the_question():
    m = Mentions.read("朝阳区人防办上半年查处了多少件案件？", Places.load())
    assert m.districts == ("朝阳",) and m.offices == ("人防办",) and m.part_year == "上半年"
    assert Mentions.read("《北京市人民防空条例》怎么规定", Places.load()) == Mentions()
    assert Mentions.read("上海市人民防空条例怎么罚", Places.load()).regions == ("上海",)


def test_another_district_is_refused_with_what_is_held():
    ans = service().ask("朝阳区人防办2021年查处了多少件违法案件？")
    assert not ans.found and ans.answer.startswith("知识库中没有朝阳区人防办的报告")
    assert "现有：2021年东城区人防办报告；2023年示例区人防办报告（示例）" in ans.answer
    assert "4件" not in ans.answer


def test_a_year_mentioned_in_passing_does_not_answer_that_year():
    ans = service().ask("2025年我们开展了多少次行政检查？")
    assert not ans.found and ans.answer.startswith("知识库中没有2025年的报告")
    assert "500余人次" not in ans.answer


def test_part_of_a_year_and_other_regions_are_refused():
    assert "上半年" in service().ask("上半年我们办了多少件接诉即办？").answer
    ans = service().ask("上海市人民防空条例对不修防空地下室怎么罚？")
    assert not ans.found and "上海" in ans.answer


def test_a_topic_no_held_report_mentions_is_refused():
    ans = service().ask("2021年人防办召开了几次新闻发布会？")
    assert not ans.found and "没有提到" in ans.answer and "新闻" in ans.answer


def test_the_demo_never_answers_our_questions_once_we_have_a_report():
    ans = service().ask("我们的接诉即办满意率是多少？")
    assert ans.found and "85%" in ans.answer and "94.2%" not in ans.answer
    assert all("示例" not in s["source"] for s in ans.sources)


def test_the_demo_answers_when_named_and_is_labelled():
    ans = service().ask("示例区人防办2023年接诉即办满意率是多少？")
    assert ans.found and ans.answer.startswith(SAMPLE_LABEL) and "94.2%" in ans.answer
    assert sample_label("文字", [{"title": OWN}]) == "文字"


def test_the_demo_answers_when_it_is_all_there_is():
    svc = service([HITS[0]])
    svc.holdings = lambda: HOLDINGS[1:]
    ans = svc.ask("我们的接诉即办满意率是多少？")
    assert ans.found and "94.2%" in ans.answer and ans.answer.startswith(SAMPLE_LABEL)


# -- follow-ups and several asks --------------------------------------------------------------


def test_report_followups_keep_the_scene_and_change_what_is_asked():
    assert rewrite_ask("区司法局2023年收到多少行政复议申请？", "审结了多少？") == "区司法局2023年审结了多少行政复议申请？"
    assert rewrite_ask("2021年人防办开了几次办公会？", "党组会呢？") == "2021年人防办开了几次党组会？"
    assert rewrite_ask("2021年人防办行政许可受理了多少件？", "服务满意率呢？") == "2021年人防办行政许可受理服务满意率是多少？"
    assert rewrite_ask("行政复议决定多长时间作出？", "情况复杂的呢？") is None


def test_a_report_followup_is_answered_from_the_same_report():
    svc, conv = service(), Conversation()
    svc.ask("2021年我们开展了多少人次行政检查？", conv)
    ans = svc.ask("查处了几件案件？", conv)
    assert ans.question == "2021年我们查处了几件案件？"
    assert "4件" in ans.answer and len(ans.answer) <= 150


def test_several_asks_are_split_and_each_answered():
    assert split_asks("多少天内答复？能延期吗？") == ["多少天内答复", "能延期吗"]
    assert split_asks("信访复查多少天内申请，复查机关多少天内答复") == ["信访复查多少天内申请", "复查机关多少天内答复"]
    assert split_asks("对行政行为不服，多长时间内可以申请？") == ["对行政行为不服，多长时间内可以申请？"]
    assert len(Question.parse("没有主观过错要不要处罚？不罚的话行政机关要做什么？").parts) == 2
    svc = AnswerService(ListRetriever([article_hit(PUNISH, 33)]), FakeResolver(), FakeNames())
    ans = svc.ask("没有主观过错的要不要处罚？不予处罚的要不要对当事人进行教育？")
    assert "没有主观过错的，不予行政处罚" in ans.answer and "进行教育" in ans.answer


# -- LLM mode: the same contract -------------------------------------------------------------


def _llm(reply: str):
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    return GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))


def _llm_service(reply: str) -> AnswerService:
    svc = service()
    svc.llm = _llm(reply)
    return svc


def test_llm_answer_with_a_figure_not_in_the_evidence_is_rejected():
    ans = _llm_service("2021年查处人防违法违规案件6件，罚款3.2万元[1]。").ask("2021年我们查处了几件案件？", use_llm=True)
    assert "6件" not in ans.answer and "4件" in ans.answer and ans.mode == "offline"
    assert any("数字“6件”" in w and "不在检索到的资料中" in w for w in ans.warnings)


def test_llm_answer_citing_an_article_or_office_not_retrieved_is_rejected():
    ans = _llm_service(f"依据《{PUNISH}》第三十三条，朝阳区人防办罚款伍千伍百元[1]。").ask(
        "2021年我们罚了多少钱？", use_llm=True)
    assert ans.mode == "offline" and "朝阳区" not in ans.answer
    assert any("条文" in w and "单位“朝阳区人防办”" in w for w in ans.warnings)


def test_llm_answer_within_the_evidence_is_kept():
    reply = "2021年查处人防违法违规案件4件，罚款伍千伍百元[1]。"
    ans = _llm_service(reply).ask("2021年我们查处了几件案件，罚了多少钱？", use_llm=True)
    assert ans.mode == "llm" and ans.answer == reply


def test_llm_is_not_asked_what_the_knowledge_base_does_not_hold():
    ans = _llm_service("朝阳区人防办查处案件4件[1]。").ask("朝阳区人防办2021年查处了多少件违法案件？", use_llm=True)
    assert not ans.found and ans.answer.startswith("知识库中没有朝阳区人防办的报告")


# -- national + Beijing --------------------------------------------------------------------------


def _beijing_45() -> Hit:
    text = ("第四十五条 有下列行为之一的，由人民防空主管部门给予警告，责令限期改正，可以对个人并处5000元以下罚款，"
            "对单位并处1万元以上5万元以下罚款；造成损失的，应当依法赔偿损失：\n（一）侵占人民防空工程的；")
    meta = {"law": "北京市人民防空条例", "article": "第四十五条", "article_no": 45, "title": "北京市人民防空条例",
            "doc_type": "regulation", "source": "北京市人民防空条例.md", "status": "current", "dense_score": 0.9}
    return Hit(text, meta, 0.03)


def test_beijing_question_gets_the_national_and_the_local_article_and_their_relation():
    from tests.qa_fakes import CIVIL_AIR

    svc = AnswerService(ListRetriever([_beijing_45(), article_hit(CIVIL_AIR, 49)]), FakeResolver(), FakeNames())
    ans = svc.ask("在北京，侵占人防工程的单位最多罚多少？")
    national, local = ans.answer.index("人民防空法》第四十九条"), ans.answer.index("北京市人民防空条例》第四十五条")
    assert national < local and "一万元至五万元" in ans.answer and "1万元以上5万元以下" in ans.answer
    assert "北京市的地方性法规与国家规定一致" in ans.answer
    assert [s["law"] for s in ans.sources] == [CIVIL_AIR, "北京市人民防空条例"]
    plain = svc.ask("侵占人防工程的单位最多罚多少？")  # Beijing not implied: one article
    assert "北京市的地方性法规" not in plain.answer
