"""The page's own handlers are not an API (issue 18, part 5): the delete handler cannot be
POSTed by name, only the documented ``/ask`` can."""

from __future__ import annotations

from pathlib import Path

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
    demo.max_file_size = None  # launch() sets it; the test client skips launch
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


def test_one_wrong_type_file_rejects_only_itself_and_no_temp_copy_stays(served, tmp_path):
    """Through the real upload route and file component: the .exe is refused alone, the report
    is ingested, and Gradio's host-wide temp folder keeps no copy of either."""
    from gradio.data_classes import FileData, ListFiles
    from gradio.utils import get_upload_folder

    asst, demo, client = served
    files_component = next(b for b in demo.blocks.values() if getattr(b, "elem_id", "") == "upload-files")
    good = tmp_path / "2022年法治政府建设年度情况报告.txt"
    good.write_text(REPORT.replace("2021", "2022").replace("126", "208"), encoding="utf-8")
    bad = tmp_path / "程序.exe"
    bad.write_bytes(b"MZ")
    uploaded = []
    for path in (good, bad):
        with path.open("rb") as fh:
            reply = client.post("/gradio_api/upload", files={"files": (path.name, fh)})
        assert reply.status_code == 200
        uploaded.append(FileData(path=reply.json()[0], orig_name=path.name))
    temp_copies = [Path(f.path) for f in uploaded]
    assert all(Path(get_upload_folder()).resolve() in p.resolve().parents for p in temp_copies)
    value = files_component.preprocess(ListFiles(root=uploaded))
    results, summary, *_ = knowledge.upload_files(asst, value, progress=lambda *a, **k: None)
    by_name = {row[0]: row for row in results}
    assert by_name[good.name][1] == "已新增"
    assert "文件类型不支持" in by_name["程序.exe"][3]
    assert summary.startswith("共处理 2 个文件：成功 1 个，失败 1 个")
    assert not any(p.exists() for p in temp_copies)
    assert (asst.settings.uploads_dir / good.name).is_file()


def test_old_or_wrong_request_shapes_are_answered_in_chinese(served):
    _, _, client = served
    client = TestClient(client.app, raise_server_exceptions=False)
    crashed = client.post("/gradio_api/queue/join", json={"data": ["x"], "fn_index": 999, "session_hash": "s"})
    assert crashed.status_code == 500
    assert crashed.json()["detail"].startswith("服务器处理请求时出错")
    wrong = client.post("/gradio_api/call/ask", json={"question": "x"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "请求格式不正确（字段：body.data），请按接口说明发送请求"
    old = client.post("/api/predict", json={"data": ["x"]})  # Gradio 3's shape
    assert old.status_code == 404 and "网页界面" in old.json()["detail"]


def test_queue_full_is_chinese():
    from assistant.messages import to_chinese

    assert to_chinese("Queue is full. Max size is 64 and size is 64.") == "当前排队的请求已满（最多 64 个），请稍后再试"


def test_locked_out_user_is_told_the_remaining_time(served):
    from assistant.front.ui.auth import hash_password, make_auth

    asst, _, _ = served
    secured = asst.settings.model_copy(update={"ui": asst.settings.ui.model_copy(
        update={"users": {"staff": hash_password("口令123456")}})})
    locked_asst = type(asst)(**{**asst.__dict__, "settings": secured})
    demo = build_ui(locked_asst)
    opts = launch_options(locked_asst)
    demo.auth, demo.auth_message, demo.max_file_size = opts["auth"], None, None
    client = TestClient(gr.routes.App.create_app(demo, app_kwargs=dict(opts["app_kwargs"])))
    page = client.get("/")
    assert page.status_code == 200 and "login-notice" in page.text  # the page shows the detail
    for _ in range(5):
        wrong = client.post("/login", data={"username": "staff", "password": "错"})
        assert wrong.status_code == 400
    locked = client.post("/login", data={"username": "staff", "password": "口令123456"})
    assert locked.status_code == 400
    assert locked.json()["detail"] == "该用户名因连续输错口令已被暂时锁定，请 30 秒后再试"
    assert make_auth({"a": hash_password("x" * 8)}).guard.lock_remaining("a") == 0
