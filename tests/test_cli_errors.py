"""What a command-line user sees when start-up or a command fails (issue 18, parts 1 and 5).

One Chinese line naming the setting to check, the traceback in data_dir/logs, never on screen.
"""

from __future__ import annotations

import os
import socket
import sys
import time

import pytest
from typer.testing import CliRunner

from assistant.front import cli
from assistant.front.cli import app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_line(result) -> str:
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def _log_text(env) -> str:
    return (env / "data" / "logs" / "assistant.log").read_text(encoding="utf-8")


def test_llm_backend_missing_setting_is_one_line_naming_llm(env, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "llamacpp")
    result = CliRunner().invoke(app, ["search", "人防工程"])
    assert result.exit_code == 2
    line = _one_line(result)
    assert line.startswith("启动失败：大模型无法启动：llamacpp 后端需要设置 llm.gguf_path")
    assert "[llm]" in line and "assistant.log" in line
    assert "Traceback" in _log_text(env)


def test_missing_extra_names_the_extra_and_the_setting(env, monkeypatch):
    gguf = env / "m.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "llamacpp")
    monkeypatch.setenv("ASSISTANT_LLM__GGUF_PATH", str(gguf))
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import fails as if not installed
    line = _one_line(CliRunner().invoke(app, ["ask", "人防工程"]))
    assert "fazhi-assistant[llamacpp]" in line and "[llm]" in line


def test_unreachable_chroma_server_names_the_chroma_setting(env, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CHROMA__HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA__PORT", str(_closed_port()))
    result = CliRunner().invoke(app, ["kb", "list"])
    assert result.exit_code == 2
    line = _one_line(result)
    assert line.startswith("启动失败：向量数据库无法启动：无法连接向量数据库") and "[chroma]" in line


def test_invalid_setting_value_is_named(env, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "gpt")
    result = CliRunner().invoke(app, ["search", "人防工程"])
    assert result.exit_code == 2
    assert _one_line(result).startswith("配置有误：llm.backend 的值“gpt”无效")


def test_broken_config_file_is_one_line(env):
    bad = env / "bad.toml"
    bad.write_text("llm = [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["-c", str(bad), "search", "x"])
    assert result.exit_code == 2
    assert _one_line(result).startswith("配置文件格式错误（TOML）")


def test_unexpected_failure_in_a_command_is_one_chinese_line(env, monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise KeyError("chunk_index")

    monkeypatch.setattr("assistant.app.Assistant.documents", boom)
    monkeypatch.setattr(sys, "argv", ["assistant", "kb", "list"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().startswith("操作失败：KeyError：'chunk_index'（详细信息见")
    assert "KeyError" in _log_text(env)


def test_openai_backend_at_a_closed_port_answers_offline_at_once(env, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "openai")
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", f"http://127.0.0.1:{_closed_port()}/v1")
    report = env / "knowledge" / "2021年法治政府建设年度情况报告.txt"
    report.write_text("2021年法治政府建设年度情况报告\n一、主要举措和成效\n全年开展行政检查126次。\n",
                      encoding="utf-8")
    assert CliRunner().invoke(app, ["init", "--skip-laws"]).exit_code == 0
    start = time.monotonic()
    result = CliRunner().invoke(app, ["ask", "2021年开展了多少次行政检查"])
    assert time.monotonic() - start < 20  # build + answer; the endpoint itself costs < 1 s
    assert result.exit_code == 0, result.output
    assert "126次" in result.stdout
    assert "提示：大模型服务无法连接（上次连接失败：连接被拒绝" in result.stderr
    assert result.stderr.strip().endswith("已改用离线摘录式回答")


def test_hash_password_piped_is_one_line_that_verifies(env):
    from assistant.front.ui.auth import verify_password

    password = "一个足够长的口令2024"
    result = CliRunner().invoke(app, ["hash-password"], input=f"{password}\n{password}\n",
                                terminal_width=40)
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("scrypt$") and len(last) > 100
    assert verify_password(password, last)


def test_hash_password_through_a_real_pipe_verifies(env):
    import subprocess

    from assistant.front.ui.auth import verify_password

    password = "另一个足够长的口令"
    done = subprocess.run([sys.executable, "-m", "assistant.front.cli", "hash-password"],
                          input=f"{password}\n{password}\n", capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, timeout=120)
    assert done.returncode == 0, done.stderr
    (line,) = [ln for ln in done.stdout.splitlines() if ln.startswith("scrypt$")]
    assert verify_password(password, line)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "fazhi.local"])
def test_serve_beyond_loopback_without_login_is_refused(env, host):
    result = CliRunner().invoke(app, ["serve", "--host", host])
    assert result.exit_code == 2
    line = _one_line(result)
    assert line.startswith(f"拒绝启动：监听地址 {host} 可从其他机器访问，但未配置登录用户（ui.users）")
    assert "--allow-no-login" in line


def test_serve_beyond_loopback_with_the_flag_warns(env, monkeypatch):
    started = []
    monkeypatch.setattr(cli, "get_assistant", lambda ctx, llm=None: started.append(True) or exit(3))
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--allow-no-login"])
    assert started and result.exit_code == 3
    assert "警告：监听 0.0.0.0 且未设登录" in result.stderr


def test_loopback_hosts():
    assert cli.is_loopback("127.0.0.1") and cli.is_loopback("localhost") and cli.is_loopback("::1")
    assert not cli.is_loopback("0.0.0.0") and not cli.is_loopback("10.0.0.2")
