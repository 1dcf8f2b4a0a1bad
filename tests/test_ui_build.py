"""The Gradio app builds around a real Assistant and its page handlers work when called directly."""

from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr
import pytest

from assistant.core.answering.conversation import Conversation  # noqa: E402
from assistant.core.drafting.draft import SECTION_KEYS  # noqa: E402
from assistant.front.ui import chat, drafting, knowledge, lookup  # noqa: E402
from assistant.front.ui.app import build_ui, launch_options  # noqa: E402
from assistant.front.ui.auth import hash_password  # noqa: E402
from assistant.front.ui.factsform import FactsForm  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
REPORT_TXT = REPO.parent / "shared" / "corpus" / "reports" / "2021年东城区人防办法治政府建设年度情况报告.txt"
SAMPLE_REGULATION = """# 示例区人民防空工程管理办法

<!-- INFO END -->

## 第一章 总则

第一条 为了加强人民防空工程的维护管理，制定本办法。

第二条 人防工程平时使用应当坚持平战结合，不得影响其防护功能。

第三条 区人民防空主管部门负责本区人防工程的监督管理。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    """One Assistant on a tmp data dir with the fast deterministic embedding."""
    from assistant.app import build_assistant
    from assistant.config import load_settings

    root = tmp_path_factory.mktemp("ui-build")
    (root / "knowledge").mkdir()
    settings = load_settings(environ={}, data_dir=root / "data", knowledge_dir=root / "knowledge")
    settings = settings.model_copy(update={
        "embedding": settings.embedding.model_copy(update={"backend": "fake"}),
        "ui": settings.ui.model_copy(update={"max_upload_mb": 1}),
    })
    built = build_assistant(settings)
    yield built
    built.close()


def _form(**changes) -> tuple:
    form = FactsForm(
        organization="示例区人防办", year=2022,
        indicators=[["行政检查", "620人次", "500余人次"], ["约谈", "", "50余人次"]],
        measures=[["严格规范公正文明执法", "全面推行行政执法三项制度。"],
                  ["严格规范公正文明执法", "- 开展“双随机、一公开”检查"]],
        shortcomings="执法人员专业能力有待提高", first_responsible_person="主要负责人带头学法",
        next_year_plans="完善执法制度", other="",
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return (form.organization, form.year, form.indicators, form.measures, form.shortcomings,
            form.first_responsible_person, form.next_year_plans, form.other)


def test_build_ui_has_four_pages_and_ask_api(assistant):
    demo = build_ui(assistant)
    assert isinstance(demo, gr.Blocks)
    config = demo.get_config_file()
    labels = {c.get("props", {}).get("label") for c in config["components"]}
    assert {"智能问答", "报告起草", "法规查询", "知识库"} <= labels
    names = {d.get("api_name") for d in config["dependencies"]}
    assert "ask" in names
    assert config["title"] == "法治报告助手"
    # A non-queued event posts to /gradio_api/run/predict, which InternalEndpoints refuses:
    # every page event goes through the queue, or it fails with 错误 on the page.
    by_id = {c["id"]: c.get("props", {}).get("elem_id") or c.get("props", {}).get("value")
             for c in config["components"]}
    unqueued = [[by_id.get(t[0]) for t in d.get("targets", [])]
                for d in config["dependencies"] if d.get("queue") is False]
    assert unqueued == []


def test_launch_options_bind_loopback_and_hash_login(assistant):
    opts = launch_options(assistant)
    assert opts["server_name"] == "127.0.0.1" and opts["auth"] is None
    assert opts["max_file_size"] == "1mb"
    assert Path(opts["allowed_paths"][0]) == drafting.sessions_root(assistant)
    users = {"staff": hash_password("口令123")}
    secured = assistant.settings.model_copy(
        update={"ui": assistant.settings.ui.model_copy(update={"users": users})})
    opts = launch_options(type(assistant)(**{**assistant.__dict__, "settings": secured}), port=9999)
    assert opts["server_port"] == 9999
    assert opts["auth"]("staff", "口令123") and not opts["auth"]("staff", "口令12")


def test_login_guards_page_config_and_api_and_locks_out(assistant):
    from fastapi.testclient import TestClient

    from assistant.front.ui.auth import make_auth

    demo = build_ui(assistant)
    demo.auth, demo.auth_message = make_auth({"staff": hash_password("口令123")}), None
    client = TestClient(gr.routes.App.create_app(demo))
    page = client.get("/")
    assert page.status_code == 200 and "智能问答" not in page.text  # login shell only
    for path in ("/config", "/gradio_api/info"):
        assert client.get(path).status_code == 401
    assert client.post("/gradio_api/run/ask", json={"data": ["x"]}).status_code == 401
    for _ in range(5):
        assert client.post("/login", data={"username": "staff", "password": "错"}).status_code == 400
    locked = client.post("/login", data={"username": "staff", "password": "口令123"})
    assert locked.status_code == 400  # right password refused during the lockout
    assert client.get("/config").status_code == 401


def test_gradio_login_and_upload_errors_reach_users_in_chinese(assistant):
    from fastapi.testclient import TestClient

    opts = launch_options(assistant)
    demo = build_ui(assistant)
    demo.auth, demo.auth_message = lambda user, password: False, None
    demo.max_file_size = 10
    client = TestClient(gr.routes.App.create_app(demo, app_kwargs=dict(opts["app_kwargs"])))
    bad = client.post("/login", data={"username": "staff", "password": "错"})
    assert bad.status_code == 400
    assert bad.json()["detail"] == "用户名或密码错误；连续输错 5 次将暂时锁定该用户名"
    client.cookies.clear()
    demo.auth = None
    client = TestClient(gr.routes.App.create_app(demo, app_kwargs=dict(opts["app_kwargs"])))
    big = client.post("/gradio_api/upload", files={"files": ("大.txt", "内容" * 100)})
    assert big.status_code == 413 and big.text.startswith("文件大小超过上限（")


def test_chat_streams_cited_answer_then_follow_up(assistant):
    steps = list(chat.respond(assistant, "行政处罚法第三十二条怎么规定的？", [], None))
    history, panel, conv, box, panels = steps[-1]
    assert box == "" and isinstance(conv, Conversation) and len(conv.turns) == 1
    assert history[0] == {"role": "user", "content": "行政处罚法第三十二条怎么规定的？"}
    assert "应当从轻或者减轻行政处罚" in history[1]["content"]
    assert "[1] 《中华人民共和国行政处罚法》第三十二条" in panel and "现行有效" in panel
    assert steps[0][0][1]["content"] == chat.THINKING  # the question shows at once
    follow = list(chat.respond(assistant, "第三十三条呢？", history, conv, panels))[-1]
    assert len(follow[0]) == 4 and "第三十三条" in follow[1]
    assert "不予行政处罚" in follow[0][3]["content"]
    # Both answers' sources stay in the panel, the newest first, each under its question.
    assert follow[1].index("第2问：第三十三条呢？") < follow[1].index("第1问：行政处罚法第三十二条")
    assert "《中华人民共和国行政处罚法》第三十二条" in follow[1] and len(follow[4]) == 2
    empty = list(chat.respond(assistant, "  ", history, conv))[-1]
    assert empty[0] == history
    assert chat.clear()[0] == [] and chat.clear()[2].turns == []


def test_ask_api_returns_answer_json(assistant):
    data = chat.ask_api(assistant, "行政处罚法第三十二条")
    assert data["found"] and data["mode"] == "citation"
    assert data["sources"][0]["article"] == "第三十二条"


def test_lookup_citation_search_and_verify(assistant):
    md = lookup.lookup(assistant, "行政处罚法第三十二条")
    assert "### 《中华人民共和国行政处罚法》第三十二条" in md
    assert "第四章 行政处罚的管辖和适用" in md and "现行有效" in md
    assert "没有第九百条" in lookup.lookup(assistant, "行政处罚法第九百条")
    assert lookup.lookup(assistant, "") .startswith("请输入")
    rows, summary = lookup.verify(assistant, "依据《中华人民共和国行政处罚法》第三十二条和第九百条处理。")
    assert summary == "共识别 2 处引用，1 处需要注意。"
    assert rows[0][1] == "√ 正确" and rows[1][1] == "× 条文不存在"
    assert lookup.verify(assistant, "没有引用的文字")[0] == []


def test_upload_list_search_and_remove(assistant, tmp_path: Path):
    good = tmp_path / "示例区人民防空工程管理办法.md"
    good.write_text(SAMPLE_REGULATION, encoding="utf-8")
    bad = tmp_path / "脚本.exe"
    bad.write_bytes(b"MZ")
    big = tmp_path / "大文件.txt"
    big.write_bytes("很".encode() * (1024 * 1024))
    calls = []
    results, summary, docs, _dropdown, status, cleared = knowledge.upload_files(
        assistant, [str(good), str(bad), str(big)], progress=lambda *a, **k: calls.append(a))
    by_name = {r[0]: r for r in results}
    assert by_name["示例区人民防空工程管理办法.md"][1] == "已新增"
    assert "不支持的文件类型" in by_name["脚本.exe"][3]
    assert "超过上限 1 MB" in by_name["大文件.txt"][3]
    assert summary.startswith("共处理 3 个文件：成功 1 个，失败 2 个") and cleared is None
    assert calls and calls[-1][0][0] == calls[-1][0][1]  # the bar ends full
    assert (assistant.settings.uploads_dir / "示例区人民防空工程管理办法.md").is_file()
    row = next(r for r in docs if r[0] == "示例区人民防空工程管理办法.md")
    assert row[1] == "法规" and row[4] >= 2 and "本单位文件" in status
    assert "平战结合" in lookup.lookup(assistant, "示例区人民防空工程管理办法第二条")
    msg = knowledge.remove_document(assistant, "示例区人民防空工程管理办法.md", False)[0]
    assert "确认删除" in msg
    msg, docs, *_ = knowledge.remove_document(assistant, "示例区人民防空工程管理办法.md", True)
    assert msg.startswith("已删除") and all(r[0] != "示例区人民防空工程管理办法.md" for r in docs)


def _named(out: tuple) -> dict:
    """Handler outputs by name: six section boxes, six section buttons, then the side panel."""
    n = len(SECTION_KEYS)
    names = ["warnings", "session", "docx", "md", "chart", "table", "followup", "status"]
    return {"boxes": dict(zip(SECTION_KEYS, out[:n], strict=True)),
            "buttons": dict(zip(SECTION_KEYS, out[n:2 * n], strict=True)),
            **dict(zip(names, out[2 * n:], strict=True))}


def _texts(named: dict, **edits: str) -> list[str]:
    """The section boxes' texts (as the browser would send them), some replaced."""
    return [edits.get(k, box.get("value", "")) for k, box in named["boxes"].items()]


def test_drafting_without_previous_report(assistant):
    prev, info, org, year, indicators, *_ = drafting.on_load(assistant)
    if prev is None:
        assert "没有往年报告" in info and indicators == []
    out = _named(drafting.generate(assistant, None, None, "模板起草（离线）", False, *_form()))
    measures = out["boxes"]["measures"]
    assert measures["visible"] and measures["label"].startswith("一、") and "620人次" in measures["value"]
    assert out["boxes"]["opening"]["label"] == "开头段" and out["boxes"]["other"]["visible"] is False
    assert out["buttons"]["plans"]["visible"] and not out["buttons"]["other"]["visible"]
    assert Path(out["docx"]["value"]).suffix == ".docx" and Path(out["md"]["value"]).is_file()
    assert out["chart"]["visible"] is False and out["status"].startswith("已生成初稿")
    session = out["session"]
    bad = _named(drafting.generate(assistant, session, None, "模板起草（离线）", False,
                                   *_form(organization="", indicators=[["行政检查", "很多"]])))
    assert bad["session"] is session and "单位名称" in bad["status"] and "行政检查" in bad["status"]


def test_edit_a_section_then_export_and_check(assistant):
    from docx import Document

    out = _named(drafting.generate(assistant, None, None, "模板起草（离线）", False, *_form()))
    session = out["session"]
    assert "620人次" not in out["warnings"]
    notes = list(session.draft.notes)
    edited = "我单位全年开展行政检查共计六百余人次，另新增执法记录仪99台。\n\n（一）改进执法方式"
    saved = _named(drafting.save_edits(assistant, session, None, *_texts(out, measures=edited)))
    assert saved["status"].startswith("已保存修改")
    assert saved["boxes"]["measures"]["value"] == edited.replace("\n\n", "\n")
    # The edited text went through the figure check: the entered 620人次 is now missing, 99 is invented.
    assert "620人次" in saved["warnings"] and "99" in saved["warnings"]
    assert all(note in saved["warnings"] for note in notes)
    body = "\n".join(p.text for p in Document(saved["docx"]["value"]).paragraphs)
    assert "新增执法记录仪99台" in body and "（一）改进执法方式" in body
    assert "检查提示" not in body and "起草提示" not in body and "缺少填写的数据" not in body
    assert "新增执法记录仪99台" in Path(saved["md"]["value"]).read_text(encoding="utf-8")


def test_regenerate_one_section_keeps_the_others_edits(assistant):
    out = _named(drafting.generate(assistant, None, None, "模板起草（离线）", False, *_form()))
    texts = _texts(out, opening="开头段由起草人改写。")
    again = _named(drafting.regenerate_section(assistant, "plans", out["session"], None, "模板起草（离线）",
                                               *texts, *_form(next_year_plans="完善执法制度\n加强普法宣传")))
    assert "加强普法宣传" in again["boxes"]["plans"]["value"]
    assert again["boxes"]["opening"]["value"] == "开头段由起草人改写。"
    assert again["status"].startswith("已重新生成“四、")
    none = _named(drafting.regenerate_section(assistant, "opening", None, None, "模板起草（离线）",
                                              *texts, *_form()))
    assert none["status"].startswith("**※ 无法生成**")
    assert drafting.save_edits(assistant, None, None, *texts)[-1].startswith("**※ 无法生成**")


def test_table_rows_are_added_and_removed():
    from assistant.front.ui.factsform import add_row, remove_row

    rows = [["重大决策", "召开办公会18次"], ["普法", "开展宣传5次"]]
    assert add_row(rows, 2) == rows + [["", ""]]
    assert remove_row(rows, 2, 0) == [["普法", "开展宣传5次"]]
    assert remove_row(rows, 2) == [["重大决策", "召开办公会18次"]]
    assert remove_row([["x", "y"]], 2, 0) == [["", ""]]


@pytest.mark.skipif(not REPORT_TXT.is_file(), reason="缺少 ../shared/corpus 中的 2021 年报告")
def test_drafting_with_last_years_report(assistant, tmp_path: Path):
    from docx import Document

    copy = tmp_path / REPORT_TXT.name
    shutil.copyfile(REPORT_TXT, copy)
    assistant.ingest([copy])
    prev, info, org, year, indicators, *_ = drafting.on_load(assistant)
    assert prev is not None and prev.year == 2021 and "2021年" in info
    assert org and year == 2022
    assert ["行政检查", "", "500余人次"] in indicators
    out = _named(drafting.generate(assistant, None, prev, "模板起草（离线）", False, *_form()))
    assert Path(out["chart"]["value"]).is_file() and "| 行政检查 | 500余人次 | 620人次 |" in out["table"]
    body = "".join(box["value"] for box in out["boxes"].values())
    assert "开展行政检查620人次" in body and "同比增长24%" not in body and "较上年" not in body
    # 落实对照 beside the facts and in the 起草提示: 2021's six plan items, each with a verdict.
    assert out["followup"].startswith("**落实对照：上年安排 6 项")
    assert out["followup"].count("\n- ") == 6 and "落实对照" in out["warnings"]
    doc = Document(out["docx"]["value"])
    assert any("620人次" in p.text for p in doc.paragraphs)
    again = _named(drafting.regenerate_section(
        assistant, "plans", out["session"], prev, "模板起草（离线）", *_texts(out),
        *_form(next_year_plans="完善执法制度\n加强普法宣传")))
    assert "加强普法宣传" in again["boxes"]["plans"]["value"]
    filled = drafting.prefill_all(assistant, prev)
    assert filled[0] == org and filled[1] == 2022 and filled[3]  # measures carried over
    assert all(row[1] == "" for row in filled[2])  # figures are never carried over
    assert drafting.regenerate_section(assistant, "opening", None, prev, "模板起草（离线）",
                                       *[""] * len(SECTION_KEYS), *_form())[-1].startswith("**※ 无法生成**")


def test_upload_of_a_wrong_file_type_is_refused_in_chinese(tmp_path):
    from gradio.data_classes import FileData, ListFiles

    from assistant.front.ui.errors import chinese_preprocess

    exe = tmp_path / "程序.exe"
    exe.write_bytes(b"MZ")
    files = chinese_preprocess(gr.File(file_count="multiple", file_types=[".pdf", ".docx"]))
    (rejected,) = files.preprocess(ListFiles(root=[FileData(path=str(exe), orig_name="程序.exe")]))
    assert rejected.message == "文件类型不支持，请上传以下格式之一：['.pdf', '.docx']"
    single = chinese_preprocess(gr.File(file_count="single", file_types=[".pdf", ".docx"]))
    with pytest.raises(gr.Error) as caught:
        single.preprocess(FileData(path=str(exe), orig_name="程序.exe"))
    assert caught.value.message == "文件类型不支持，请上传以下格式之一：['.pdf', '.docx']"


def test_drafting_page_offers_only_what_is_configured_and_never_the_demo_unit(tmp_path: Path):
    from assistant.app import build_assistant
    from assistant.config import load_settings

    settings = load_settings(environ={}, data_dir=tmp_path / "data", knowledge_dir=tmp_path / "kb")
    settings = settings.model_copy(
        update={"embedding": settings.embedding.model_copy(update={"backend": "fake"})})
    fresh = build_assistant(settings)
    try:
        assert drafting.mode_choices(fresh) == ["模板起草（离线）"]  # no model: no 大模型润色
        fresh.ingest([next((REPO / "knowledge").glob("示例*.md"))])
        prev, info, org, year, indicators, *_ = drafting.on_load(fresh)
        assert prev is not None and prev.sample and prev.year == 2023
        assert "示例" in info and "未预填单位和年度" in info
        assert (org, year, indicators) == ("", None, [])
        prev, info = drafting.on_year(fresh, prev, 2023)
        assert prev is None and "2023年以前" in info  # the 2023 demo is not 2023's 上年报告
        prev, info = drafting.on_year(fresh, prev, 2024)
        assert prev is not None and prev.year == 2023 and "示例" in info
    finally:
        fresh.close()


def test_remove_says_at_once_and_a_second_remove_is_told_it_is_running(assistant, tmp_path: Path):
    doc = tmp_path / "示例区人民防空工程使用管理规定.md"
    doc.write_text(SAMPLE_REGULATION.replace("管理办法", "使用管理规定"), encoding="utf-8")
    assistant.ingest([doc])
    assert knowledge.removing_notice(doc.name, True).startswith("正在删除")
    assert knowledge.removing_notice(doc.name, False) == ""
    assistant.removing.add(doc.name)  # as while another page's removal runs
    try:
        listed = {d.source: d for d in assistant.documents()}
        assert listed[doc.name].status == "removing"
        assert knowledge.documents_table(assistant)[0]  # the page still lists it
        row = next(r for r in knowledge.documents_table(assistant) if r[0] == doc.name)
        assert row[5] == "正在删除"
        msg = knowledge.remove_document(assistant, doc.name, True)[0]
        assert "正在删除中" in msg
    finally:
        assistant.removing.discard(doc.name)
    assert knowledge.remove_document(assistant, doc.name, True)[0].startswith("已删除")


def test_ingest_reports_the_index_refresh_as_its_own_phase(assistant, tmp_path: Path):
    doc = tmp_path / "示例区人防工程巡查办法.md"
    doc.write_text(SAMPLE_REGULATION.replace("管理办法", "巡查办法"), encoding="utf-8")
    phases = []

    class Recorder:
        def start(self, total, description):
            phases.append(description)

        def advance(self, n):
            pass

        def file_done(self, result):
            pass

    assistant.ingest([doc], Recorder())
    assert phases[-1].startswith("正在更新检索索引"), phases
    assistant.remove(doc.name)


def test_law_profiles_are_offered_in_chinese(assistant):
    labels = dict((name, label) for label, name in assistant.law_profiles())
    assert set(labels) >= {"all", "default", "renfang"}
    assert all(not label.isascii() and "部）" in label for label in labels.values())
    assert labels["all"].startswith("全部现行法律（3")  # 328 laws with articles, not 353 names
