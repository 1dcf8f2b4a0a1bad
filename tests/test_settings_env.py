"""Settings are built from a mapping: os.environ is never written, even for a moment."""

from __future__ import annotations

import os
import threading

from assistant.config import load_settings
from assistant.prompts import default_prompts_dir, load_prompt, packaged_folder


def test_settings_come_from_the_given_mapping(tmp_path):
    settings = load_settings(environ={"ASSISTANT_LLM__BACKEND": "fake",
                                      "ASSISTANT_UI__PORT": "9123",
                                      "XDG_DATA_HOME": str(tmp_path)})
    assert settings.llm.backend == "fake" and settings.ui.port == 9123
    assert settings.data_dir == tmp_path / "fazhi-assistant"
    assert load_settings(environ={}).llm.backend == "offline"


def test_os_environ_is_never_touched():
    before = dict(os.environ)
    seen: list[dict[str, str]] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(dict(os.environ))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(30):
            # An empty environment used to clear os.environ for the whole process meanwhile.
            load_settings(environ={"ASSISTANT_UI__PORT": str(9000 + i)} if i % 2 else {})
    finally:
        stop.set()
        watcher.join()
    assert dict(os.environ) == before
    assert seen and all(snapshot == before for snapshot in seen)


def test_toml_file_named_in_the_mapping(tmp_path):
    config = tmp_path / "assistant.toml"
    config.write_text('[llm]\nbackend = "fake"\n', encoding="utf-8")
    assert load_settings(environ={"ASSISTANT_CONFIG": str(config)}).llm.backend == "fake"
    assert "ASSISTANT_CONFIG" not in os.environ or os.environ["ASSISTANT_CONFIG"] != str(config)


def test_prompts_come_from_the_checkout():
    # In a checkout (and an editable install) the top-level prompts/ is read directly.
    assert default_prompts_dir().name == "prompts" and (default_prompts_dir() / "answer_v1.yaml").is_file()
    assert load_prompt("answer_v1").path.parent == default_prompts_dir().resolve()
    assert packaged_folder("_knowledge", "knowledge").name == "knowledge"
