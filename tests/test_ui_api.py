"""The page's own handlers are not an API (issue 18, part 5): the delete handler cannot be
POSTed by name, only the documented ``/ask`` can."""

from __future__ import annotations

import pytest

gr = pytest.importorskip("gradio")

from fastapi.testclient import TestClient  # noqa: E402

from assistant.front.ui import knowledge  # noqa: E402
from assistant.front.ui.app import PUBLIC_API, build_ui, launch_options  # noqa: E402

REPORT = "2021年法治政府建设年度情况报告\n一、主要举措和成效\n全年开展行政检查126次。\n"


@pytest.fixture
def served(fake_settings, tmp_path):
    from assistant.app import build_assistant

    path = tmp_path / "2021年法治政府建设年度情况报告.txt"
    path.write_text(REPORT, encoding="utf-8")
    asst = build_assistant(fake_settings)
    asst.ingest([path])
    demo = build_ui(asst)
    opts = launch_options(asst)
    client = TestClient(gr.routes.App.create_app(demo, app_kwargs=dict(opts["app_kwargs"])))
    yield asst, demo, client
    asst.close()


def _api_name(demo, handler) -> str:
    for fn in demo.fns.values():
        if getattr(fn.fn, "func", None) is handler:
            return fn.api_name
    raise AssertionError(f"{handler.__name__} is not wired")


def test_delete_handler_cannot_be_posted_by_name(served):
    asst, demo, client = served
    name = _api_name(demo, knowledge.remove_document)
    source = asst.documents()[0].source
    for path in (f"/gradio_api/call/{name}", f"/gradio_api/call/v2/{name}",
                 f"/gradio_api/run/{name}", f"/gradio_api/api/{name}"):
        reply = client.post(path, json={"data": [source, True]})
        assert reply.status_code == 404, path
        assert reply.json()["detail"] == "该功能只能在网页界面中使用，不提供接口调用"
    assert [d.source for d in asst.documents()] == [source]  # still there


def test_only_ask_is_listed_and_callable(served):
    _, demo, client = served
    assert {fn.api_name for fn in demo.fns.values() if fn.api_visibility != "private"} == set(PUBLIC_API)
    info = client.get("/gradio_api/info").json()
    assert set(info["named_endpoints"]) == {"/ask"}
    started = client.post("/gradio_api/call/ask", json={"data": ["2021年开展了多少次行政检查"]})
    assert started.status_code == 200 and started.json()["event_id"]
