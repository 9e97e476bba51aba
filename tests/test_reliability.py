"""The ledger keeps a year of reporting: concurrent writers, a killed process and bad input lose nothing.

These run the real CLI against a real SQLite file and (the concurrency and crash tests) a real
PostgreSQL server. Concurrency and crash tests use real OS
processes (real file locks, a real SIGKILL); each worker process runs the ``kjyd`` command
repeatedly *in-process* through :func:`worker` below instead of exec'ing ``kjyd`` 400 times. That
keeps what matters — separate processes, separate connections, one invocation of the command per
check-in opening and closing its own database connection, exactly as ``.venv/bin/kjyd`` does —
while avoiding 400 interpreter start-ups (minutes on a two-core CI runner).
"""

from __future__ import annotations

import functools
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import stores

UPDATE = ["update", "十四.3", "--add", "1", "--date", "2022-06-30"]

WORKER = textwrap.dedent(
    """
    import sys
    from kjyd.cli import app

    sys.stdout.reconfigure(line_buffering=True)
    count = int(sys.argv[1])
    print("ready")
    sys.stdin.readline()  # start line: every worker begins at the same moment
    failures = 0
    i = 0
    while count == 0 or i < count:
        i += 1
        code = app(sys.argv[2:], prog_name="kjyd", standalone_mode=False)
        failures += code != 0
    print(f"failures={failures}")
    """
)


def worker(count: int, args: list[str], env: dict) -> subprocess.Popen:
    """A process that runs ``kjyd ARGS`` ``count`` times (0: until killed) once told to start."""
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(count), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, text=True, encoding="utf-8",
    )


@pytest.fixture
def env(db_path):
    return dict(os.environ, KJYD_DB=str(db_path), KJYD_TODAY="2022-06-30", PYTHONIOENCODING="utf-8")


@pytest.mark.both_stores
def test_thirty_processes_adding_at_once_lose_no_increment(env, db_path):
    procs = [worker(20, UPDATE, env) for _ in range(30)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:  # the database does not exist yet: even its creation is concurrent
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err
        assert out.count("已记录") == 20 and "failures=0" in out, err
        assert "locked" not in err and "错误" not in err
    values = [v for (v,) in stores.query(db_path, "SELECT value FROM checkins ORDER BY id")]
    assert values == [float(n) for n in range(1, 601)]  # every --add saw the one before it


@pytest.mark.both_stores
def test_a_killed_process_leaves_a_sound_database_with_every_reported_check_in(env, db_path):
    reported: list[int] = []
    for _ in range(3):  # kill it three times, each time restarting on the same file
        proc = worker(0, UPDATE, env)
        assert proc.stdout.readline().strip() == "ready"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        seen = 0
        for line in proc.stdout:
            match = re.search(r"编号 #(\d+)", line)
            if match:
                reported.append(int(match.group(1)))
                seen += 1
            if seen == 30:
                break
        proc.send_signal(signal.SIGKILL)  # mid-stream: it is already busy with the next update
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
        proc.stdin.close()
        if not stores.is_server(db_path):
            with closing(sqlite3.connect(db_path)) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(stores.query(db_path, "SELECT id, value FROM checkins WHERE withdrawn_at IS NULL"))
        for id_ in reported:
            assert stored.get(id_) == float(id_), f"check-in #{id_} was reported but is missing"
    assert len(reported) == 90


# --- bad input never touches the data ----------------------------------------------------------

LINE_BREAKS = ("Cc", "Cs", "Zl", "Zp")  # argv cannot carry NUL; shells do not pass line breaks in a token
TEXT = st.text(st.characters(blacklist_categories=LINE_BREAKS), max_size=12)
VALID_TARGETS = ["十三", "13.5", "十四.3", "三", "（十三）.2"]


def _raises(func, text) -> bool:
    try:
        func(text)
    except Exception:
        return True
    return False


@functools.lru_cache(maxsize=1)
def _plan():
    from kjyd.paths import bundled_plan
    from kjyd.plan_loader import load_plan

    return load_plan(bundled_plan())


def _bad_target(text: str) -> bool:
    return _raises(_plan().resolve, text)


def _bad_number(text: str) -> bool:
    """Not a number for any of VALID_TARGETS (a number may carry its target's unit: 8个)."""
    from kjyd.values import parse_number

    units = {_plan().resolve(t).unit for t in VALID_TARGETS}
    return all(_raises(lambda t: parse_number(t, unit=unit), text) for unit in units)


def _bad_date(text: str) -> bool:
    """Not a date, or outside 2022-01-01 .. today (2022-06-30)."""
    from kjyd.values import parse_date

    try:
        day = parse_date(text)
    except Exception:
        return True
    return not (date(2022, 1, 1) <= day <= date(2022, 6, 30))


BAD_TARGETS = st.one_of(st.sampled_from(["99", "三十三", "十三.9", "0", "", "H9", "十三.0", "一百"]),
                        TEXT.filter(lambda t: not t.startswith("-")).filter(_bad_target))
BAD_VALUES = st.one_of(
    st.sampled_from([["--value", v] for v in ("abc", "", " ", "nan", "inf", "1e5", "五", "1,23", "8公里", "1.2.3")]
                    + [["--add", "-1万"], ["--value", "-3"], ["--add", "x"], ["--value", "1", "--add", "1"]]),
    TEXT.filter(_bad_number).map(lambda t: ["--value", t]),
)
BAD_DATES = st.one_of(
    st.sampled_from(["2021-12-31", "2022-07-01", "2022-02-30", "2022/13/01", "6月1日", "", "2022-6-31", "20220601"]),
    TEXT.filter(_bad_date),
).map(lambda d: ["--date", d])
TYPOS = st.sampled_from([["--valeu", "1"], ["--dat", "2022-01-01"], ["-v", "1"], ["--value"], ["--by"],
                         ["extra"], ["--yse"], ["--note"]])
GOOD_VALUES = st.sampled_from([["--value", "5"], ["--add", "1"], ["--value", "３"], ["--note", "进展"]])


@st.composite
def bad_update(draw) -> list[str]:
    """An update with at least one wrong part; every other part would be accepted on its own."""
    wrong = draw(st.sets(st.sampled_from(["target", "value", "date", "typo"]), min_size=1))
    target = draw(BAD_TARGETS if "target" in wrong else st.sampled_from(VALID_TARGETS))
    parts = [draw(BAD_VALUES if "value" in wrong else GOOD_VALUES)]
    if "date" in wrong:
        parts.append(draw(BAD_DATES))
    elif draw(st.booleans()):
        parts.append(["--date", "2022-03-01"])
    if "typo" in wrong:
        parts.append(draw(TYPOS))
    if draw(st.booleans()):
        parts.append(["--note", draw(TEXT.filter(lambda t: not t.startswith("-")))])
    order = draw(st.permutations(parts))
    return ["update", target, *(token for part in order for token in part)]


NO_OPTIONS = st.lists(TEXT.filter(lambda t: not t.startswith("-")), max_size=4).map(lambda a: ["update", *a])


def _state(db_path) -> tuple[bytes, bool, list]:
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute("SELECT * FROM checkins ORDER BY id").fetchall()
    return db_path.read_bytes(), db_path.with_name(db_path.name + "-wal").exists(), rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.one_of(bad_update(), NO_OPTIONS))
def test_bad_update_input_is_refused_in_one_line_and_changes_nothing(db_path, monkeypatch, args):
    from typer.testing import CliRunner

    from kjyd.cli import app

    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    runner = CliRunner()
    if not db_path.exists():
        for setup in (["update", "三", "--value", "40"], ["update", "十四.3", "--value", "100"]):
            assert runner.invoke(app, setup).exit_code == 0
    before = _state(db_path)

    result = runner.invoke(app, args, catch_exceptions=True)

    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code != 0, (args, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), (args, result.stderr)
    assert "Traceback" not in result.output
    assert _state(db_path) == before
