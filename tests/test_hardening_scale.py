"""Long histories are read in bounded memory: log's default limit, --all streamed (issue #12).

The memory and time figures themselves are measured by benchmarks/run.py (never timed here);
these tests hold the behaviour users see: what is listed, what is said, what JSON looks like.
"""

from __future__ import annotations

import json

import pytest

from tests import stores

from kjyd.commands.ledger_cmds import LOG_DEFAULT_LIMIT
from kjyd.render.terminal.columns import CHUNK as LOG_CHUNK


def _many(db_path, run, count: int) -> None:
    """``count`` check-ins of 十三.1, inserted directly (the CLI would take minutes), in either store."""
    assert run("update", "十三.1", "--value", "0", "--date", "2022-01-01").exit_code == 0
    stores.execute(
        db_path,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO checkins (plan_id, target_id, date, value, note, who, recorded_at) "
        "SELECT (SELECT plan_id FROM checkins LIMIT 1), '13.1', '2022-06-01', i, '第' || i || '次', '某处', "
        "CURRENT_TIMESTAMP FROM n",
        (count - 1,),
    )


def test_log_lists_the_newest_fifty_and_says_how_to_see_more(run, db_path):
    _many(db_path, run, LOG_DEFAULT_LIMIT + 10)
    result = run("log")
    assert result.exit_code == 0
    assert f"第{LOG_DEFAULT_LIMIT + 9}次" in result.stdout and "第9次" not in result.stdout
    assert f"只列出了最新的 {LOG_DEFAULT_LIMIT} 条" in result.stderr and "--all" in result.stderr
    everything = run("log", "--all")
    assert "第9次" in everything.stdout and "只列出了" not in everything.stderr
    assert run("log", "--limit", "5", "--all").exit_code == 1


def test_log_all_streams_in_chunks_with_one_header(run, db_path):
    _many(db_path, run, LOG_CHUNK * 2 + 7)
    out = run("log", "--all").stdout
    assert out.count("录入时间") == 1
    assert all(f"第{n}次" in out for n in (1, LOG_CHUNK, LOG_CHUNK + 1, LOG_CHUNK * 2 + 6))


@pytest.mark.parametrize("args", [["log", "--json", "--all"], ["log", "--json", "--limit", "3"], ["log", "--json", "--month", "2021-01"]])
def test_log_json_streamed_is_exactly_what_json_dumps_writes(run, db_path, args):
    _many(db_path, run, 12)
    text = run(*args).stdout
    rows = json.loads(text)
    assert text == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if "--all" in args:
        assert len(rows) == 12 and [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)


def test_status_missing_reads_a_busy_month_without_holding_it(run, db_path):
    _many(db_path, run, 3000)
    result = run("status", "--missing", "--month", "2022-06", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["month"] == "2022-06"


def test_show_all_and_json_stream_every_check_in_with_its_change(run, db_path):
    _many(db_path, run, LOG_CHUNK * 2 + 7)  # 0 on 2022-01-01, then 1, 2, … on 2022-06-01
    out = run("show", "十三", "--all").stdout
    assert out.count("填报记录") == 1 and out.count("变化") == 1  # one table, one header
    listed = [line for line in out.splitlines() if line.startswith("2022-06-01")]
    assert len(listed) == LOG_CHUNK * 2 + 6
    assert all("+1" in line for line in listed)  # each against the one before, across chunks
    assert "共" not in out.split("填报记录")[1]  # nothing left out
    text = run("show", "十三", "--json").stdout
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    history = data["history"]
    assert len(history) == LOG_CHUNK * 2 + 7
    assert [h["change"] for h in history] == [1] * (LOG_CHUNK * 2 + 6) + [None]
    assert history[0]["status"] == "当前值" and history[0]["value"] == LOG_CHUNK * 2 + 6


@pytest.mark.parametrize("window", [["--month", "2022-06"], ["--since", "2022-05-20"]])
def test_changes_of_a_busy_month_list_every_note_oldest_first_as_json_dumps_writes(run, db_path, monkeypatch,
                                                                                    window):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-05")
    _many(db_path, run, 500)  # 499 notes on 2022-06-01, read from a cursor as the changes are worked out
    text = run("changes", *window, "--json").stdout
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    (task,) = data["noted"]
    assert task["task"] == 13 and [n["note"] for n in task["notes"]] == [f"第{i}次" for i in range(1, 500)]
    assert data["values"][0]["after"] == 499 and 13 in data["progressed"]
