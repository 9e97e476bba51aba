"""No traceback reaches a user, whatever the terminal, the arguments or the stored data (issue #12).

Output encodings and closed or full stdout are tested with real subprocesses (the interpreter's
own stream handling is what fails there); the rest through CliRunner.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from tests import stores

REPO = Path(__file__).resolve().parents[1]
BUNDLED_PLAN = REPO / "data" / "plan2022.yaml"


@pytest.fixture
def env(db_path) -> dict:
    return dict(os.environ, KJYD_DB=str(db_path), KJYD_TODAY="2022-06-30", PYTHONIOENCODING="utf-8")


def kjyd(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    return subprocess.run([sys.executable, "-m", "kjyd", *args], env=env, timeout=120, **kwargs)


def _count(db_path: Path) -> int:
    return stores.query(db_path, "SELECT COUNT(*) FROM checkins")[0][0]


@pytest.mark.parametrize("encoding", ["gbk", "ascii", "latin-1"])
@pytest.mark.parametrize("args", [["status"], ["show", "十三"], ["log"], ["plan"], ["status", "--missing"]])
def test_every_command_prints_in_a_non_utf8_encoding(env, encoding, args):
    assert kjyd(["update", "十三.1", "--value", "4", "--note", "进展\u2591"], env).returncode == 0
    result = kjyd(args, dict(env, PYTHONIOENCODING=encoding))
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode(encoding)
    if encoding == "gbk" and args == ["status"]:
        assert "未填报" in text and "#" in text  # the bar degraded to ASCII, the words kept


def test_a_closed_or_full_stdout_says_the_check_in_was_recorded(env, db_path):
    closed = kjyd(["update", "十三.1", "--value", "4"], env, stdout=None, capture_output=False,
                  stderr=subprocess.PIPE, close_fds=True, preexec_fn=lambda: os.close(1))
    assert closed.returncode == 3
    assert "更改已保存" in closed.stderr.decode() and b"Traceback" not in closed.stderr
    with open("/dev/full", "w") as full:
        result = kjyd(["update", "十三.1", "--value", "5"], env, stdout=full, capture_output=False,
                      stderr=subprocess.PIPE)
    assert result.returncode == 3 and "磁盘已满" in result.stderr.decode()
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr
    assert _count(db_path) == 2  # both recorded, once each

    with open("/dev/full", "w") as full:
        read = kjyd(["status"], env, stdout=full, capture_output=False, stderr=subprocess.PIPE)
    assert read.returncode == 1 and "未做任何更改" in read.stderr.decode()


def test_a_broken_pipe_is_quiet(env):
    for n in range(30):
        assert kjyd(["update", "十三.1", "--value", str(n), "--note", "进展" * 50], env).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "kjyd", "log", "--all"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # like `kjyd log | head -1`
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert b"Traceback" not in err and b"Exception ignored" not in err


@pytest.mark.parametrize("limit", ["99999999999999999999", "9" * 5000, "0" * 30 + "5"])
def test_huge_limits_mean_everything(run, limit):
    assert run("update", "十三.1", "--value", "4").exit_code == 0
    result = run("log", "--limit", limit)
    assert result.exit_code == 0 and "十三.1" in result.stdout


def test_undecodable_bytes_in_arguments_and_environment_are_stored_as_replacement_characters(run, db_path, monkeypatch):
    monkeypatch.setenv("KJYD_USER", "张\udcff")
    result = run("update", "十三.1", "--note", "abc\udcff进展")
    assert result.exit_code == 0, result.output
    assert stores.query(db_path, "SELECT note, who FROM checkins") == [("abc\ufffd进展", "张\ufffd")]


@pytest.mark.sqlite_only  # the server's typed columns refuse such rows in the first place
@pytest.mark.parametrize("column, bad", [("date", "2022-13-45"), ("recorded_at", "yesterday"), ("value", "abc")])
def test_a_row_written_wrongly_by_another_tool_is_a_located_error(run, db_path, tmp_path, column, bad, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    assert run("update", "十三.1", "--value", "4", "--date", "2022-06-01").exit_code == 0
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute(f"UPDATE checkins SET {column} = ?", (bad,))
    readers = [["log"]]
    if column != "date":  # a month-13 date sorts after every real one, so June's reports never see it
        readers += [["status"], ["show", "十三"], ["export", "--month", "2022-06", "-o", str(tmp_path / "x.csv")]]
    for args in readers:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "编号 #1 的填报记录" in result.stderr and "无效" in result.stderr


@pytest.mark.parametrize("start, end", [("0001-01-01", "9999-12-31"), ("2022-01-01", "9999-12-31")])
def test_an_extreme_plan_period_is_refused_by_plan_check(run, tmp_path, start, end):
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    data["period"] = {"start": start, "end": end}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("--plan", str(path), "show", "十三")
    assert result.exit_code == 1 and "不在 1900 至 2199 年之间" in result.stderr


def test_bidi_controls_in_notes_and_names_are_shown_escaped(run):
    assert run("update", "十三.1", "--value", "4", "--note", "正常\u202eevil", "--by", "处\u2067A").exit_code == 0
    for args in (["log"], ["show", "十三"], ["status"]):
        out = run(*args).stdout
        assert "\u202e" not in out and "\u2067" not in out, args
    assert "\\u202e" in run("log").stdout


def test_long_input_is_shortened_in_messages(run):
    for args in (["update", "十三.1", "--value", "x" * 32_000], ["update", "十" * 32_000, "--value", "1"],
                 ["log", "--month", "9" * 32_000], ["update", "十三.1", "--date", "2" * 32_000, "--value", "1"]):
        result = run(*args)
        assert result.exit_code in (1, 2)
        assert len(result.stderr) < 600, (args[:2], len(result.stderr))


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
@pytest.mark.parametrize("args", [["draft", "{notice}", "-o", "{tmp}/d.yaml"], ["changes", "--month", "2022-06"],
                                  ["report", "--month", "2022-06", "-o", "{tmp}/r.docx"], ["info"]])
def test_newer_commands_print_in_a_non_utf8_encoding(env, tmp_path, encoding, args):
    notice = tmp_path / "通知.txt"
    notice.write_text("关于印发《2023年工作要点》的通知\n一、创新\n（一）新建5个平台\u2591。\n", encoding="utf-8")
    assert kjyd(["update", "十三.1", "--value", "4", "--note", "进展\u2591\u202e"], env).returncode == 0
    args = [a.format(notice=notice, tmp=tmp_path) for a in args]
    result = kjyd(args, dict(env, PYTHONIOENCODING=encoding))
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    result.stdout.decode(encoding)


@pytest.mark.parametrize("args, made", [
    (["draft", "{notice}", "-o", "{tmp}/d.yaml"], "d.yaml"),
    (["report", "--month", "2022-06", "-o", "{tmp}/r.docx"], "r.docx"),
    (["export", "--month", "2022-06", "--brief", "-o", "{tmp}/b.xlsx"], "b.xlsx"),
])
def test_a_file_written_before_stdout_failed_is_said_to_be_saved(env, tmp_path, args, made):
    """Exit 1 said 未做任何更改 while the file was there: a retrying script then met 已存在."""
    notice = tmp_path / "通知.txt"
    notice.write_text("关于印发《2023年工作要点》的通知\n一、创新\n（一）新建5个平台。\n", encoding="utf-8")
    args = [a.format(notice=notice, tmp=tmp_path) for a in args]
    closed = kjyd(args, env, stdout=None, capture_output=False, stderr=subprocess.PIPE, close_fds=True,
                  preexec_fn=lambda: os.close(1))
    assert closed.returncode == 3, closed.stderr.decode()
    assert f"文件已保存（{made}）" in closed.stderr.decode() and b"Traceback" not in closed.stderr
    assert (tmp_path / made).is_file()
    read_only = kjyd(["info"], env, stdout=None, capture_output=False, stderr=subprocess.PIPE, close_fds=True,
                     preexec_fn=lambda: os.close(1))
    assert read_only.returncode == 1 and "未做任何更改" in read_only.stderr.decode()
