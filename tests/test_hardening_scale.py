"""Long histories are read in bounded memory: log's default limit, --all streamed (issue #12).

The memory and time figures themselves are measured by benchmarks/run.py (never timed here);
these tests hold the behaviour users see: what is listed, what is said, what JSON looks like.
"""

from __future__ import annotations

import json

import pytest

from tests import stores

from kjyd.commands.ledger_cmds import LOG_CHUNK, LOG_DEFAULT_LIMIT


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
