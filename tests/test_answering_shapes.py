"""Answer shapes, own work, relative years, calibration and LLM-mode shape guidance."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.config import AnsweringSettings, load_settings
from assistant.core.answering import AnswerService, Conversation
from assistant.core.answering.intent import Cues, resolve_years
from assistant.core.answering.question import Question
from assistant.core.ownwork import is_own_work, office_aliases
from assistant.documents import Hit
from tests.qa_fakes import CIVIL_AIR, FakeNames, FakeResolver, ListRetriever, article_hit

TITLE = "2023年西城区司法局法治政府建设年度情况报告"
REPORT = [
    ("导语", "2023年，西城区司法局统筹推进法治政府建设。"),
    (
        "一、2023年推进法治政府建设的主要举措和成效 > （一）深化行政复议",
        "一、2023年推进法治政府建设的主要举措和成效\n（一）深化行政复议\n"
        "1.做好行政复议工作。全年收到行政复议申请1126件，审结952件。召开听证会46场。\n"
        "2.开展普法宣传。举办普法讲座460场，受众3.5万人次。",
    ),
    (
        "二、推进法治政府建设存在的不足和原因",
        "二、推进法治政府建设存在的不足和原因\n我局工作还存在一些不足：一是复议人员不足。二是普法针对性不强。",
    ),
    (
        "五、其他需要报告的情况",  # as ingest stores one-sentence items: with the chunk after them
        "四、2024年推进法治政府建设的主要安排\n（一）推进复议案件繁简分流。\n（二）实施精准普法工程。\n"
        "五、其他需要报告的情况\n无。",
    ),
]


def report_chunks() -> list[Hit]:
    meta = {"title": TITLE, "doc_type": "report", "source": f"{TITLE}.txt", "year": 2023,
            "organization": "西城区司法局"}
    return [
        Hit(text, {**meta, "section": section, "chunk_index": i}, 0.5, 0.9)
        for i, (section, text) in enumerate(REPORT)
    ]


def service(hits, llm=None, **kw) -> tuple[AnswerService, ListRetriever]:
    chunks = report_chunks()
    retriever = ListRetriever(list(hits))
    svc = AnswerService(
        retriever, FakeResolver(), FakeNames(), None, llm,
        shelf=lambda: ([2021, 2023], ["东城区人防办", "西城区司法局"]),
        documents=lambda source: [c for c in chunks if c.metadata["source"] == source],
        this_year=2024, **kw,
    )
    return svc, retriever


def test_one_own_work_rule_knows_wo_ju_and_the_office_names():
    assert all(is_own_work(t) for t in ("我局今年办了什么", "本局的复议工作", "我们去年", "本单位"))
    assert not is_own_work("人防工程被侵占怎么处罚")
    assert is_own_work("西城区司法局做了什么", ["西城区司法局"])
    assert is_own_work("司法局在普法方面做了什么", ["西城区司法局"])
    assert office_aliases("东城区人防办") == {"东城区人防办", "人防办", "区人防办"}


def test_relative_years_resolve_against_the_reports_held():
    assert resolve_years("我们去年做了什么", [2021], 2026).text == "我们2021年做了什么"
    assert resolve_years("我们去年做了什么", [2021, 2025], 2026).text == "我们2025年做了什么"
    assert resolve_years("明年有哪些安排", [2021], 2026).text == "2022年有哪些安排"
    assert resolve_years("今年做了什么", [], 2026).text == "今年做了什么"  # nothing to resolve against
    assert "2021年" in resolve_years("去年", [2021], 2026).note


def test_shapes_and_parts_come_from_the_cue_file():
    cues = Cues.load()
    shape = {t: Question.parse(t, cues).shape for t in (
        "2021年我们做了哪些工作？", "2021年接诉即办情况怎么样？", "人防工程被侵占怎么处罚？",
        "平时利用人防工程需要谁批准？", "2021年开展了多少次行政检查？",
    )}
    assert list(shape.values()) == ["list", "summary", "legal", "procedure", "fact"]
    plans = Question.parse("明年有哪些安排", cues, (), [2021], 2026)
    assert (plans.part, plans.report_cue, plans.years) == ("plans", True, ("2022",))


def test_list_answer_gives_the_items_of_work_done_not_the_plans():
    svc, _ = service(report_chunks()[1:2])
    ans = svc.ask("我局2023年在行政复议方面做了哪些工作？")
    assert ans.answer.startswith(f"据《{TITLE}》：\n1. 做好行政复议工作：")
    assert "1126件" in ans.answer and "听证会46场" in ans.answer
    assert "繁简分流" not in ans.answer  # a plan is not work done
    assert ans.sources[0]["section"].endswith("1.做好行政复议工作")
    assert all(line.endswith("。") and "[" in line for line in ans.answer.splitlines()[1:])


def test_plans_are_listed_for_the_year_after_the_report_even_one_line_items():
    svc, retriever = service(report_chunks()[3:])
    ans = svc.ask("明年有哪些工作安排？")
    assert retriever.calls[-1]["query"] == "2024年有哪些工作安排？"
    assert "1. 推进复议案件繁简分流[1]。\n2. 实施精准普法工程[2]。" in ans.answer
    assert "1126件" not in ans.answer
    assert any("2023年报告" in w for w in ans.warnings)


def test_shortcomings_list_gives_the_points_not_the_lead_in():
    svc, _ = service(report_chunks()[2:3])
    ans = svc.ask("区司法局2023年存在哪些不足？")
    assert "一是复议人员不足[1]。二是普法针对性不强[1]。" in ans.answer
    assert "以下" not in ans.answer and "存在一些不足：" not in ans.answer


LOCAL = "北京市人民防空条例"


def local_hit() -> Hit:
    text = ("第四十五条 有下列行为之一的，由人民防空主管部门给予警告，责令限期改正，可以对个人并处5000元以下罚款，"
            "对单位并处1万元以上5万元以下罚款：\n（一）侵占人民防空工程的；")
    meta = {"law": LOCAL, "article": "第四十五条", "doc_type": "regulation", "chapter": "第六章 法律责任",
            "source": f"{LOCAL}.md"}
    return Hit(text, meta, 0.02, 0.9)


def test_legal_answer_direct_first_then_the_article_then_the_local_rule():
    svc, _ = service([article_hit(CIVIL_AIR, 49), local_hit()])
    ans = svc.ask("人防工程被侵占了怎么处罚？")
    direct, national, local = ans.answer.split("\n", 2)[0], ans.answer.split("\n")[1], ans.answer.split("\n")[-2:]
    assert direct.startswith("侵占人民防空工程的，由县级以上人民政府人民防空主管部门") and direct.endswith("[1]。")
    assert national.startswith(f"根据《{CIVIL_AIR}》第四十九条：")
    assert f"《{LOCAL}》第四十五条" in "".join(local) and ans.answer.endswith("[2]")
    assert [s["law"] for s in ans.sources] == [CIVIL_AIR, LOCAL]


def test_followup_on_the_fine_answers_the_range_briefly():
    svc, retriever = service([article_hit(CIVIL_AIR, 49), local_hit()])
    conv = Conversation()
    svc.ask("人防工程被侵占了怎么处罚？", conv)
    ans = svc.ask("那罚款最多多少？", conv)
    assert retriever.calls[-1]["query"].startswith(f"《{CIVIL_AIR}》")
    assert "对单位并处一万元至五万元的罚款" in ans.answer and len(ans.answer) < 120


def test_calibration_per_backend_lives_in_settings():
    settings = load_settings(environ={"ASSISTANT_ANSWERING__CALIBRATION__E5__MIN_RELEVANCE": "0.9"})
    assert settings.answering.calibration_for("e5").min_relevance == 0.9
    st = AnsweringSettings().calibration_for("sentence-transformers")
    assert st.scale(0.2) == 0.0 and st.scale(0.7) == pytest.approx(1.0)
    assert AnsweringSettings().calibration_for("unknown").floor == 0.80


def test_llm_prompt_carries_the_shape_and_guards_check_it():
    seen = []

    class Recording(GenericFakeChatModel):
        def _generate(self, messages, *args, **kwargs):
            seen.append(messages[-1].content)
            return super()._generate(messages, *args, **kwargs)

    reply = "我局依法做好行政复议工作，成效明显。"  # no marker, too short for a list
    llm = Recording(messages=iter([AIMessage(content=reply)]))
    svc, _ = service(report_chunks()[1:2], llm)
    ans = svc.ask("我局2023年在行政复议方面做了哪些工作？")
    assert "答案形态：list" in seen[0] and "按编号列出" in seen[0]
    assert any("未标注来源编号" in w for w in ans.warnings)
    assert any("篇幅" in w for w in ans.warnings)
