"""``kjyd status`` says which date an older note belongs to, so October's words never read as December's."""

from __future__ import annotations

import json


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def test_a_note_older_than_the_value_carries_its_date(run, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-12-31")
    monkeypatch.setenv("COLUMNS", "160")
    ok(run("update", "十四.2", "--value", "8200", "--note", "评价入库8200家", "--date", "2022-10-31"))
    ok(run("update", "十四.2", "--value", "12500"))
    text = ok(run("status")).stdout
    line = next(row for row in text.splitlines() if row.lstrip().startswith("十四.2"))
    assert "2022-12-31" in line and "10月31日：评价入库8200家" in line
    data = json.loads(ok(run("status", "--json")).stdout)
    target = next(t for t in data["targets"] if t["id"] == "14.2")
    assert (target["last_note"], target["last_note_date"]) == ("评价入库8200家", "2022-10-31")
    task = next(t for t in data["tasks"] if t["number"] == 14)
    assert task["last_note_date"] == "2022-10-31"


def test_a_note_as_new_as_the_value_is_shown_plain(run, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-12-31")
    monkeypatch.setenv("COLUMNS", "160")
    ok(run("update", "十四.2", "--value", "8200", "--date", "2022-10-31"))
    ok(run("update", "十四.2", "--value", "12500", "--note", "全年认定12500家"))
    line = next(row for row in ok(run("status")).stdout.splitlines() if row.lstrip().startswith("十四.2"))
    assert "全年认定12500家" in line and "月" not in line.split("2022-12-31")[1].split("全年")[0]
