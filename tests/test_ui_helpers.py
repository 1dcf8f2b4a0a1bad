"""Pure helpers of the web UI: formatting, the facts form, uploads, password hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.drafting.facts import Facts, FactsError, Measure
from assistant.core.ingest.pipeline import FileResult
from assistant.front.ui import auth as auth_mod
from assistant.front.ui.auth import LoginGuard, hash_password, make_auth, verify_password
from assistant.front.ui.factsform import FactsForm, facts_to_form, form_to_dict, form_to_facts
from assistant.front.ui.formatting import (
    answer_panel,
    check_rows,
    cite_markdown,
    document_rows,
    ingest_rows,
    ingest_summary,
    lines,
    quote,
    sources_markdown,
    status_markdown,
    table_rows,
    warnings_markdown,
)
from assistant.front.ui.uploads import (
    UploadError,
    check_size,
    check_type,
    sanitize_filename,
    store_upload,
)

LAW_SOURCE = {
    "n": 1, "law": "中华人民共和国行政处罚法", "article": "第三十二条", "doc_type": "regulation",
    "label": "《中华人民共和国行政处罚法》第三十二条", "status": "current",
    "text": "当事人有下列情形之一，应当从轻或者减轻行政处罚：\n（一）主动消除或者减轻违法行为危害后果的；",
}
REPORT_SOURCE = {
    "n": 2, "law": None, "title": "2021年法治政府建设年度情况报告", "doc_type": "report",
    "section": "一、主要举措和成效 > （三）严格规范公正文明执法", "page": 3,
    "label": "2021年法治政府建设年度情况报告 · （三）严格规范公正文明执法 · 第3页",
    "text": "全年开展行政检查500余人次。", "status": "current",
}


# -- formatting ---------------------------------------------------------------------------------

def test_sources_markdown_numbers_law_and_report_sources_with_passages():
    md = sources_markdown([LAW_SOURCE, REPORT_SOURCE])
    assert "**[1] 《中华人民共和国行政处罚法》第三十二条**（法规，现行有效）" in md
    assert "> 当事人有下列情形之一，应当从轻或者减轻行政处罚：" in md
    assert "> （一）主动消除或者减轻违法行为危害后果的；" in md
    # Section parts and page already in the label are not repeated; the chapter above is added.
    assert ("**[2] 2021年法治政府建设年度情况报告 · （三）严格规范公正文明执法 · 第3页**"
            "（报告，一、主要举措和成效）") in md
    assert "> 全年开展行政检查500余人次。" in md
    assert sources_markdown([]) == "*（本回答没有引用来源）*"


def test_superseded_law_source_is_labelled():
    md = sources_markdown([{**LAW_SOURCE, "status": "superseded"}])
    assert "已被替代" in md and "现行有效" not in md


def test_quote_shortens_long_passages():
    text = "甲" * 1000
    out = quote(text, limit=50)
    assert out == "> " + "甲" * 50 + "……"
    assert quote("") == "> （无原文）"


def test_answer_panel_shows_mode_warnings_and_sources():
    panel = answer_panel({"answer": "x", "mode": "offline", "sources": [LAW_SOURCE],
                          "warnings": ["回答引用的“第九百条”有误"]})
    assert "离线摘录" in panel
    assert "**※ 核验提示**" in panel and "- 回答引用的“第九百条”有误" in panel
    assert panel.index("核验提示") < panel.index("### 来源")
    assert "[1] 《中华人民共和国行政处罚法》第三十二条" in panel
    assert warnings_markdown([]) == ""


def test_cite_markdown_found_superseded_and_missing():
    found = cite_markdown({"found": True, "law": "北京市人民防空工程建设与使用管理规定",
                           "article": "第十条", "label": "《北京市人民防空工程建设与使用管理规定》第十条",
                           "chapter": "第二章 建设", "status": "superseded",
                           "replaced_by": "北京市人民防空条例", "text": "人防工程应当……",
                           "full_text": "第十条 人防工程应当……", "message": ""})
    assert "### 《北京市人民防空工程建设与使用管理规定》第十条" in found
    assert "**章节：** 第二章 建设" in found
    assert "**效力：** 已被替代，现行规定见《北京市人民防空条例》" in found
    assert "> 人防工程应当……" in found and "全条" not in found
    missing = cite_markdown({"found": False, "message": "《中华人民共和国行政处罚法》共86条，没有第九百条。"})
    assert missing == "**未找到：** 《中华人民共和国行政处罚法》共86条，没有第九百条。"


def test_check_rows_label_each_verdict():
    rows = check_rows([
        {"raw": "《行政处罚法》第三十二条", "status": "ok", "message": "核对无误。"},
        {"raw": "《行政处罚法》第九百条", "status": "article_missing", "message": "共86条，没有第九百条。"},
        {"raw": "《人防条例》第五条", "status": "superseded", "message": "已被修改", "replaced_by": "《新条例》"},
    ])
    assert rows[0] == ["《行政处罚法》第三十二条", "√ 正确", "核对无误。"]
    assert rows[1][1] == "× 条文不存在"
    assert rows[2] == ["《人防条例》第五条", "△ 已被替代", "已被修改 现行规定见《新条例》"]


def test_document_and_ingest_rows():
    docs = document_rows([{"source": "a.txt", "doc_type": "report", "title": "2021年报告", "year": 2021,
                           "chunks": 24, "status": "current"},
                          {"source": "法律库/某法", "doc_type": "regulation", "title": "某法", "year": None,
                           "chunks": 3, "status": "superseded", "replaced_by": "新法"}])
    assert docs[0] == ["a.txt", "报告", "2021年报告", "2021", 24, "现行有效"]
    assert docs[1] == ["法律库/某法", "法规", "某法", "", 3, "已被替代（由《新法》替代）"]
    demo = document_rows([{"source": "示例区人防办2023年报告.md", "doc_type": "report", "title": "示例",
                           "year": 2023, "chunks": 23, "status": "current", "is_sample": True}])
    assert demo[0][1] == "示例报告"
    results = [FileResult("a.txt", "added", 24), FileResult("b.exe", "error", message="不支持")]
    assert ingest_rows(results) == [["a.txt", "已新增", 24, ""], ["b.exe", "失败", 0, "不支持"]]
    assert ingest_summary(results, 1.25) == "共处理 2 个文件：成功 1 个，失败 1 个（见下表说明），用时 1.2 秒。"
    assert ingest_summary([]) == "没有可导入的文件。"


def test_table_rows_and_lines_normalise_form_values():
    assert table_rows(None) == []
    assert table_rows([["行政检查", " 620人次 "], ["", None], [None, float("nan")]]) == [["行政检查", "620人次"]]
    assert table_rows({"data": [["a", "b"]], "headers": ["x", "y"]}) == [["a", "b"]]
    import pandas as pd  # gradio's dependency
    assert table_rows(pd.DataFrame([["领域", "内容"]], columns=["领域", "内容"])) == [["领域", "内容"]]
    assert lines("- 第一条\n\n  • 第二条 \n第三条") == ["第一条", "第二条", "第三条"]


# -- facts form ---------------------------------------------------------------------------------

FACTS = Facts(
    organization="示例区人防办", year=2023,
    indicators={"行政检查": "620人次", "案件": "6件"},  # catalogue keys; the form shows labels
    measures=[Measure(area="严格规范公正文明执法", text="全面推行行政执法三项制度。",
                      items=["开展“双随机、一公开”检查", "办理行政处罚案件"]),
              Measure(area="普法宣传", text="开展“八五”普法。")],
    shortcomings=["执法人员专业能力有待提高"],
    first_responsible_person=["主要负责人带头学法", "召开专题会议研究法治工作"],
    next_year_plans=["完善执法制度"],
    other=[],
)


def test_facts_to_form_and_back_round_trip():
    prev = FACTS.model_copy(update={"year": 2022, "indicators": {"行政检查": "500余人次", "约谈": "50余人次"}})
    form = facts_to_form(FACTS, prev)
    assert form.organization == "示例区人防办" and form.year == 2023
    assert form.indicators == [["行政检查", "620人次", "500余人次"], ["查处违法案件", "6件", ""],
                               ["约谈", "", "50余人次"]]
    assert form.measures == [["严格规范公正文明执法", "全面推行行政执法三项制度。"],
                             ["严格规范公正文明执法", "- 开展“双随机、一公开”检查"],
                             ["严格规范公正文明执法", "- 办理行政处罚案件"],
                             ["普法宣传", "开展“八五”普法。"]]
    assert form.first_responsible_person == "主要负责人带头学法\n召开专题会议研究法治工作"
    back = form_to_facts(form)
    assert back.model_dump() == FACTS.model_dump()  # rows without this year's value are dropped


def test_form_to_dict_accepts_gradio_values():
    form = FactsForm(organization=" 示例区人防办 ", year=2023.0,
                     indicators=[["行政检查", "620人次", "500人次"], ["约谈", "", "50人次"]],
                     measures=[["执法", "- 检查"], ["执法", "- 处罚"]],
                     shortcomings="不足一\n不足二", first_responsible_person="履职",
                     next_year_plans="安排", other="")
    data = form_to_dict(form)
    assert data["organization"] == "示例区人防办" and data["year"] == 2023
    assert data["indicators"] == {"行政检查": "620人次"}
    assert data["measures"] == [{"area": "执法", "text": "", "items": ["检查", "处罚"]}]
    assert data["shortcomings"] == ["不足一", "不足二"] and data["other"] == []


def test_bad_form_raises_chinese_facts_error():
    with pytest.raises(FactsError) as err:
        form_to_facts(FactsForm(year=1800, indicators=[["行政检查", "很多"]]))
    text = str(err.value)
    assert "单位名称" in text and "year" in text and "行政检查" in text
    assert "至少需要填写一项" in text


# -- uploads ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "safe"), [
    ("2021年东城区人防办报告.PDF", "2021年东城区人防办报告.pdf"),
    ("/etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\张三\\桌面\\法规 汇编.docx", "法规 汇编.docx"),
    ('报<告>:"?.md', "报_告____.md"),
])
def test_sanitize_filename_keeps_cjk_and_strips_directories(raw, safe):
    assert sanitize_filename(raw) == safe


@pytest.mark.parametrize("raw", ["../../etc/passwd.txt", "..\\secret.md", "a..b.txt", "", "   ", "..."])
def test_sanitize_filename_rejects_traversal_and_empty_names(raw):
    with pytest.raises(UploadError, match="文件名"):
        sanitize_filename(raw)


def test_type_and_size_checks():
    check_type("报告.docx")
    with pytest.raises(UploadError, match="不支持的文件类型“.exe”.*仅支持 PDF、DOCX、TXT、MD"):
        check_type("病毒.exe")
    with pytest.raises(UploadError, match="无扩展名"):
        check_type("README")
    check_size(1024, 1)
    with pytest.raises(UploadError, match="超过上限 1 MB"):
        check_size(2 * 1024 * 1024, 1, "大文件.pdf")
    with pytest.raises(UploadError, match="空文件"):
        check_size(0, 1)


def test_store_upload_copies_under_uploads_dir(tmp_path: Path):
    src = tmp_path / "tmp" / "法规 汇编.TXT"
    src.parent.mkdir()
    src.write_text("第一条 内容", encoding="utf-8")
    uploads = tmp_path / "uploads"
    stored = store_upload(src, uploads, max_mb=1)
    assert stored.name == "法规 汇编.txt" and stored.path == (uploads / "法规 汇编.txt").resolve()
    assert stored.path.read_text(encoding="utf-8") == "第一条 内容"
    with pytest.raises(UploadError, match="文件名"):
        store_upload(src, uploads, max_mb=1, name="../逃逸.txt")
    assert sorted(p.name for p in uploads.iterdir()) == ["法规 汇编.txt"]


# -- auth ---------------------------------------------------------------------------------------

def test_password_hash_and_verify():
    stored = hash_password("正确的密码")
    scheme, salt, digest = stored.split("$")
    assert scheme == "scrypt" and len(salt) == 32 and len(digest) == 64
    assert "正确的密码" not in stored
    assert hash_password("正确的密码") != stored  # fresh salt every time
    assert verify_password("正确的密码", stored)
    assert not verify_password("错误的密码", stored)
    assert not verify_password("正确的密码", "plain-text")
    assert not verify_password("", stored)
    with pytest.raises(ValueError, match="密码不能为空"):
        hash_password("")


def test_make_auth_checks_users():
    assert make_auth({}) is None
    auth = make_auth({"zhangsan": hash_password("pw123")})
    assert auth("zhangsan", "pw123") and auth(" zhangsan ", "pw123")
    assert not auth("zhangsan", "wrong") and not auth("lisi", "pw123")


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_locks_after_five_failures_with_growing_lockouts():
    clock = _Clock()
    guard = LoginGuard({"zhangsan": hash_password("pw123")}, clock=clock)
    for _ in range(4):
        assert not guard.check("zhangsan", "wrong")
    assert guard.lock_remaining("zhangsan") == 0
    assert not guard.check("zhangsan", "wrong")  # 5th failure locks for 30 s
    assert guard.lock_remaining("zhangsan") == 30
    assert not guard.check("zhangsan", "pw123")  # right password refused while locked
    assert guard.check("lisi", "x") is False and guard.lock_remaining("lisi") == 0  # per name
    clock.now += 31
    assert not guard.check("zhangsan", "wrong")  # 6th failure: 60 s
    assert guard.lock_remaining("zhangsan") == 60
    clock.now += 61
    assert guard.check(" zhangsan ", "pw123")  # success clears the count
    assert guard.failures == {"lisi": 1} and guard.lock_remaining("zhangsan") == 0
    for _ in range(12):
        guard.check("zhangsan", "wrong")
        clock.now += 1000
    guard.check("zhangsan", "wrong")
    assert guard.lock_remaining("zhangsan") == auth_mod.MAX_LOCK_SECONDS


def test_unknown_user_costs_a_real_hash_check(monkeypatch):
    guard = LoginGuard({"zhangsan": hash_password("pw123")})
    calls: list[str] = []
    real = auth_mod.verify_password
    monkeypatch.setattr(auth_mod, "verify_password", lambda pw, h: calls.append(h) or real(pw, h))
    assert not guard.check("nobody", "pw123")
    assert calls == [guard.dummy] and guard.dummy.startswith("scrypt$")
    assert not guard.check("zhangsan", "wrong") and calls[-1] == guard.users["zhangsan"]


def test_status_markdown_labels_offline_mode():
    line = "回答方式：离线摘录（未接入大模型） ｜ 知识库：本单位文件 3 份，内置法律 0 部"
    assert status_markdown(line) == "**【回答方式：离线摘录】**（未接入大模型） ｜ 知识库：本单位文件 3 份，内置法律 0 部"
    assert status_markdown("大模型：openai/qwen") == "大模型：openai/qwen"
