"""Shell completion: commands, options and task/target addresses, through the protocol the installed
scripts use (typer's ``_KJYD_COMPLETE=complete_<shell>``), in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BUNDLED_PLAN = Path(__file__).resolve().parents[1] / "data" / "plan2022.yaml"


def _complete(words: str, env_extra: dict | None = None, cwd: Path | None = None) -> list[str]:
    """What bash would offer for the last word of ``words`` (the line typed so far)."""
    parts = words.split(" ")
    env = {**os.environ, "_KJYD_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(parts) - 1), **(env_extra or {})}
    done = subprocess.run([sys.executable, "-m", "kjyd"], env=env, capture_output=True, text=True,
                          cwd=cwd)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.split()


def test_commands_and_options_complete():
    assert _complete("kjyd upd") == ["update"]
    assert "demo" in _complete("kjyd d")
    assert _complete("kjyd update 十三 --v") == ["--value"]
    assert "--install-completion" in _complete("kjyd --")


def test_task_and_target_addresses_complete_in_both_numberings():
    assert _complete("kjyd update 十三.") == ["十三.1", "十三.2", "十三.3", "十三.4", "十三.5"]
    assert _complete("kjyd show 13.") == ["13.1", "13.2", "13.3", "13.4", "13.5"]
    assert {"十三", "十四", "十三.5"} <= set(_complete("kjyd log 十"))
    assert _complete("kjyd update H") == [f"H{n}" for n in range(1, 9)]


def test_addresses_follow_the_plan_in_use(tmp_path):
    """A one-task plan named in kjyd.toml: only its addresses are offered."""
    plan = tmp_path / "小计划.yaml"
    plan.write_text(
        "id: city-2026\ntitle: 某市2026年科技工作要点\nperiod: {start: 2026-01-01, end: 2026-12-31}\n"
        "tasks:\n  - number: 1\n    title: 建设平台\n    text: 新建平台3个。\n"
        "    targets:\n      - {name: 新建平台, value: 3, unit: 个, quote: 新建平台3个}\n",
        encoding="utf-8",
    )
    (tmp_path / "kjyd.toml").write_text('plan = "小计划.yaml"\n', encoding="utf-8")
    assert _complete("kjyd update ", cwd=tmp_path) == ["一", "一.1"]
    # A broken plan offers nothing rather than printing an error into the command line.
    assert _complete("kjyd update ", {"KJYD_PLAN": str(tmp_path / "没有.yaml")}) == []


def test_completion_script_and_install(run, tmp_path, monkeypatch):
    result = run("completion", "bash")
    assert result.exit_code == 0
    assert "_KJYD_COMPLETE=complete_bash" in result.stdout and "complete -o default -F" in result.stdout
    monkeypatch.setenv("HOME", str(tmp_path))
    result = run("completion", "bash", "--install")
    assert result.exit_code == 0, result.output
    script = tmp_path / ".bash_completions" / "kjyd.sh"
    assert script.is_file() and f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    assert "已为 bash 安装命令补全" in result.stdout


@pytest.mark.parametrize("shell", ["zsh", "fish", "powershell"])
def test_other_shells_get_a_script(run, shell):
    result = run("completion", shell)
    assert result.exit_code == 0 and f"complete_{shell}" in result.stdout


def test_unknown_shell_is_one_chinese_line(run):
    result = run("completion", "tcsh")
    assert result.exit_code == 1 and "不支持的 shell" in result.stderr
