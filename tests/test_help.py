"""Help texts read well in a real terminal: Chinese wrapped by cells, aligned, one placeholder style."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest
from hypothesis import example, given, strategies as st

from kjyd.help_text import NO_LINE_START, cells, join_lines, wrap

def _commands() -> list[str]:
    """Every registered command, so a new one's help is held to the same standard."""
    import typer.main

    from kjyd.cli import app

    return sorted(typer.main.get_command(app).commands)


COMMANDS = _commands()


def _help(run, *args: str) -> str:
    result = run(*args, "--help")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_fits_has_no_orphans_or_stray_spaces(run, command):
    text = _help(run, *command)
    for line in text.splitlines():
        assert cells(line) <= 100, line
        content = line.strip()
        # No line holding a single character (an orphan), like "写" or "天）。".
        assert not (len(content.rstrip("".join(NO_LINE_START))) == 1 and cells(content[0]) == 2), text
        assert not (content and content[0] in NO_LINE_START), line
        # No space where a docstring line break was joined inside Chinese text (本月进展、 存在问题).
        assert not re.search(r"[、，。；：（）“”] ", content), line


@pytest.mark.parametrize("command", COMMANDS)
def test_option_descriptions_line_up(run, command):
    text = _help(run, command)
    section = text.split("选项：\n", 1)[1].split("\n\n", 1)[0]
    starts = set()
    for line in section.splitlines():
        term = re.match(r"  (-\S.*?)  +(\S)", line)
        if term:
            starts.add(cells(line[: term.start(2)]))
    assert len(starts) == 1, section


def test_usage_names_the_argument_plainly_and_options_last(run):
    assert _help(run, "update").startswith("用法：kjyd update 目标 [选项]\n")
    assert _help(run, "log").startswith("用法：kjyd log [目标] [选项]\n")
    assert "{" not in "".join(_help(run, c) for c in COMMANDS)


def test_one_placeholder_style_for_months_dates_and_files(run):
    import typer.main

    from kjyd.cli import app

    group = typer.main.get_command(app)
    seen = {}
    for name, command in group.commands.items():
        for param in command.params:
            for opt in getattr(param, "opts", []):
                seen[(name, opt)] = param.metavar
    for (name, opt), metavar in seen.items():
        if opt == "--month":
            assert metavar == "年-月", (name, opt)
        if opt in ("--date", "--as-of", "--since"):
            assert metavar == "年-月-日", (name, opt)
        if metavar and ("YYYY" in metavar or metavar in ("日期", "月份")):
            pytest.fail(f"{name} {opt} uses {metavar}")


def test_short_help_and_version(run):
    assert run("-h").stdout == run("--help").stdout
    assert run("update", "-h").stdout == run("update", "--help").stdout
    from kjyd import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"kjyd {__version__}\n"


def _stderr_on_a_terminal(env: dict) -> str:
    """Run a failing kjyd command with stderr on a pseudo-terminal and return what it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "kjyd", "update", "99", "--value", "3"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.returncode == 1
    return b"".join(chunks).decode("utf-8")


def test_error_lines_are_coloured_on_a_terminal_only():
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    assert "\x1b[1;31m错误：\x1b[0m" in _stderr_on_a_terminal(env)
    plain = _stderr_on_a_terminal({**env, "NO_COLOR": "1"})
    assert plain.startswith("错误：") and "\x1b" not in plain
    piped = subprocess.run([sys.executable, "-m", "kjyd", "update", "99", "--value", "3"], env=env,
                           capture_output=True, text=True)
    assert piped.stderr.startswith("错误：") and "\x1b" not in piped.stderr


def test_wrap_keeps_punctuation_off_line_starts_and_no_orphan():
    text = "日期晚于计划期末的记入期末（如次年1月报送的全年数据）；早于计划期开始或晚于今天的不予记录。"
    for width in range(10, 60):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert all(cells(line) <= width for line in lines), (width, lines)
        assert all(line[0] not in NO_LINE_START for line in lines), (width, lines)
        assert len(lines) == 1 or len(lines[-1].rstrip("".join(NO_LINE_START))) > 1, (width, lines)


def test_docstring_lines_join_without_a_space_inside_chinese():
    assert join_lines(["处室只需填写黄色列（本月累计完成、本月进展、", "存在问题、下一步计划）"]) == \
        "处室只需填写黄色列（本月累计完成、本月进展、存在问题、下一步计划）"
    assert join_lines(["kjyd status --as-of", "2022-06-30"]) == "kjyd status --as-of 2022-06-30"


@given(st.text(alphabet="科技工作要点，。、（）abc-0123 ", max_size=120), st.integers(8, 80))
@example("0、、0、、、", 8)  # the orphan fix once carried punctuation past the width
def test_wrap_never_loses_text_or_overflows(text, width):
    lines = wrap(text, width)
    assert all(cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
