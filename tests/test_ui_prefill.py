"""UI pre-fill from last year's report, then 生成初稿: no figure of last year passes as this year's.

Calls the page handlers as the buttons do (on_load → prefill_all → generate) on a real assistant
whose knowledge base holds a 2023 report written for this test (tests/data).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.core.drafting.draft import SECTION_KEYS
from assistant.core.drafting.numbers import find_figures
from assistant.front.ui import drafting

REPORT = Path(__file__).parent / "data" / "renfang_2023_report.txt"
LAST_YEAR = ["22次", "26次", "620人次", "5件", "3.2万元", "2次", "280件", "88%", "6名", "3次", "6次"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    from assistant.app import build_assistant
    from assistant.config import load_settings

    root = tmp_path_factory.mktemp("ui-prefill")
    (root / "knowledge").mkdir()
    settings = load_settings(environ={}, data_dir=root / "data", knowledge_dir=root / "knowledge")
    settings = settings.model_copy(update={
        "embedding": settings.embedding.model_copy(update={"backend": "fake"})})
    built = build_assistant(settings)
    copy = root / REPORT.name
    shutil.copyfile(REPORT, copy)
    built.ingest([copy])
    yield built
    built.close()


def _prefilled(assistant):
    prev, *_ = drafting.on_load(assistant)
    assert prev is not None and prev.year == 2023
    return prev, list(drafting.prefill_all(assistant, prev))


def _generate(assistant, prev, values):
    out = drafting.generate(assistant, None, prev, "模板起草（离线）", False, *values)
    n = len(SECTION_KEYS)  # outputs: section boxes, section buttons, warnings, session, …
    boxes, warnings, session = out[:n], out[2 * n], out[2 * n + 1]
    return "\n".join(box["value"] for box in boxes), warnings, session


def test_prefill_keeps_each_list_item_and_its_order(assistant):
    _, values = _prefilled(assistant)
    shortcomings, responsible, plans = values[4], values[5], values[6]
    assert shortcomings.split("\n") == ["执法力量不足，专职执法人员仅6名。", "部分干部法治思维有待加强。"]
    assert [ln[:6] for ln in responsible.split("\n")] == ["亲自部署推动", "带头学法用法", "压实工作责任"]
    assert len(plans.split("\n")) == 3


def test_carried_figures_are_flagged_and_the_check_never_passes(assistant):
    prev, values = _prefilled(assistant)
    assert all(row[1] == "" for row in values[2])  # no figure of last year in the 数值 column
    draft_md, warnings, session = _generate(assistant, prev, values)
    assert "检查通过" not in warnings
    stale = [w for w in session.draft.warnings if w.startswith("待更新：")]
    flagged = "".join(stale)
    body = session.draft.text()
    for figure in LAST_YEAR:
        if figure in body:
            assert f"“{figure}”" in flagged, figure
    assert any("“2023年”" in w and "区人防办2023年法治政府建" in w for w in stale)  # 《…2023年…工作要点》
    # 三 keeps its three entries whole and apart: none merged into another, none lost.
    responsible = session.draft.section("responsible").text.replace("【待更新】", "")
    assert "3次【待更新】" in session.draft.section("responsible").text  # carried, so marked
    for item in ("亲自部署推动。主要负责人主持召开党组会专题研究法治政府建设工作3次。",
                 "带头学法用法。主要负责人带头讲法治课，组织会前学法6次。",
                 "压实工作责任。将法治建设纳入年度述职内容，层层传导压力。"):
        assert item in responsible
    assert not re.search(r"\d\.（[一二三]）|（二）亲自|。（[一二三]）", responsible)
    shortcomings = session.draft.section("shortcomings").text
    assert "一是执法力量不足" in shortcomings and "二是部分干部法治思维有待加强" in shortcomings


def test_entered_values_replace_carried_figures(assistant):
    prev, values = _prefilled(assistant)
    rows = values[2]
    entered = {"行政检查": "700人次", "罚款金额": "4万元", "主任办公会": "24次", "党组会": "25次"}
    values[2] = [[name, entered.get(name, ""), old] for name, _, old in rows]
    draft_md, warnings, session = _generate(assistant, prev, values)
    body = session.draft.text()
    assert "开展行政检查700人次" in body and "罚款共计4万元" in body
    assert "主任办公会24次、党组会25次" in body
    assert "620人次" not in body and "3.2万元" not in body and "办公会22次" not in body
    # Figures still carried are listed; the entered ones are not.
    flagged = "".join(w for w in session.draft.warnings if w.startswith("待更新："))
    assert "“5件”" in flagged and "“700人次”" not in flagged
    assert "检查通过" not in warnings
    figures = {q.text for _, _, q in find_figures(draft_md)}
    assert {"700人次", "4万元"} <= figures
