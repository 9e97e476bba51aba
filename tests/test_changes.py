"""``kjyd changes``: what moved between two month ends, checked against ``status --as-of`` itself."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from kjyd.changes import compare
from kjyd.entries import Entry


@pytest.fixture(autouse=True)
def late_summer(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-31")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def as_json(run, *args):
    return json.loads(ok(run(*args, "--json")).stdout)


@pytest.fixture
def history(run):
    """June and July as a clerk types them: values, notes, a withdrawn check-in; August left empty."""
    for args in (
        ("十三.5", "--value", "1000", "--date", "2022-06-20", "--note", "六月登记"),
        ("一", "--value", "100", "--date", "2022-06-02"),  # 一 on track in June, behind by July's end
        ("十三.1", "--value", "6", "--date", "2022-06-25"),
        ("十三.5", "--value", "1315.7", "--date", "2022-07-20", "--note", "七月登记技术合同"),
        ("三", "--date", "2022-07-05", "--note", "只写说明"),
        ("十三.1", "--value", "10", "--date", "2022-07-06"),  # 中试基地 10个左右: 已完成
        ("十五", "--value", "5", "--date", "2022-07-01"),
    ):
        ok(run("update", *args))
    # A July check-in typed by mistake and withdrawn: it must count for nothing.
    ok(run("update", "二十", "--value", "99", "--date", "2022-07-10", "--note", "填错了"))
    ok(run("undo", "--yes"))


def _status_values(run, day: str) -> dict[str, dict]:
    return {t["id"]: t for t in as_json(run, "status", "--as-of", day)["targets"]}


def _status_tasks(run, day: str) -> dict[int, dict]:
    return {t["number"]: t for t in as_json(run, "status", "--as-of", day)["tasks"]}


def test_values_and_states_are_status_at_the_two_month_ends(run, history):
    data = as_json(run, "changes", "--month", "2022-07")
    assert (data["since"], data["until"]) == ("2022-06-30", "2022-07-31")
    june, july = _status_values(run, "2022-06-30"), _status_values(run, "2022-07-31")
    changed = {v["id"]: v for v in data["values"]}
    assert set(changed) == {tid for tid in july if june[tid]["value"] != july[tid]["value"]}
    assert set(changed) == {"13.5", "13.1", "15.1"}
    for tid, item in changed.items():
        assert (item["before"], item["after"]) == (june[tid]["value"], july[tid]["value"])
        assert item["percent"] == july[tid]["percent"]
        assert (item["state_before"], item["state"]) == (june[tid]["state"], july[tid]["state"])
    assert changed["13.5"]["delta"] == pytest.approx(315.7)
    assert changed["15.1"]["before"] is None and changed["15.1"]["delta"] is None

    june_tasks, july_tasks = _status_tasks(run, "2022-06-30"), _status_tasks(run, "2022-07-31")
    states = {s["task"]: (s["before"], s["after"]) for s in data["states"]}
    assert states == {n: (june_tasks[n]["state"], july_tasks[n]["state"])
                      for n in july_tasks if june_tasks[n]["state"] != july_tasks[n]["state"]}
    assert states[1] == ("符合序时", "慢于序时")  # no check-in: 序时进度 moved on
    assert states[15] == ("未填报", "慢于序时")


def test_notes_silence_and_the_summary_line(run, history):
    data = as_json(run, "changes", "--month", "2022-07")
    noted = {item["task"]: [n["note"] for n in item["notes"]] for item in data["noted"]}
    assert noted == {3: ["只写说明"], 13: ["七月登记技术合同"]}  # not the withdrawn 填错了
    assert data["progressed"] == [3, 13, 15]
    assert 20 in data["silent"] and 1 in data["silent"]  # a withdrawn check-in is no update
    assert not {3, 13, 15} & set(data["silent"])
    rank = ["未填报", "未完成", "未达标", "慢于序时", "符合序时", "快于序时", "已完成"].index
    states = data["states"]
    # leaving 未填报 is news, not an improvement: 十五 first reported behind counts as 转为慢于序时
    assert {s["task"]: s["first_report"] for s in states}[15] is True
    assert not any(s["improved"] for s in states if s["before"] == "未填报")
    improved = sum(1 for s in states if s["before"] != "未填报" and rank(s["after"]) > rank(s["before"]))
    assert improved == sum(1 for s in states if s["improved"])
    behind = sum(1 for s in states if s["after"] == "慢于序时" and not s["improved"])
    assert behind >= 1
    assert data["summary"].startswith(f"本月3项任务有新进展，{improved}项状态改善，{behind}项转为慢于序时")


def test_a_month_without_check_ins(run, history):
    data = as_json(run, "changes", "--month", "2022-08")
    assert data["values"] == [] and data["noted"] == [] and data["progressed"] == []
    assert len(data["silent"]) == 32
    assert data["summary"].startswith("本月0项任务有新进展")
    # Time alone still moves states: 十三.5 at 52.6% is behind August's 序时进度.
    july, august = _status_tasks(run, "2022-07-31"), _status_tasks(run, "2022-08-31")
    assert {s["task"] for s in data["states"]} == {n for n in july if july[n]["state"] != august[n]["state"]}


def test_withdrawing_a_june_value_changes_both_sides_alike(run, history):
    ok(run("update", "二十", "--value", "3", "--date", "2022-06-10"))
    ok(run("undo", "--yes"))
    data = as_json(run, "changes", "--month", "2022-07")
    assert "20.1" not in {v["id"] for v in data["values"]}


def test_since_a_date_and_the_terminal_view(run, history):
    data = as_json(run, "changes", "--since", "2022-07-10")
    assert (data["since"], data["until"], data["month"]) == ("2022-07-10", "2022-08-31", None)
    assert {v["id"] for v in data["values"]} == {"13.5"}
    assert data["summary"].startswith("2022年7月10日以来1项任务有新进展")
    text = ok(run("changes", "--month", "2022-07")).stdout
    assert "本月3项任务有新进展" in text
    for words in ("数值变化（3项）", "1000", "1315.7", "+315.7", "新填报", "状态变化", "符合序时  →  慢于序时",
                  "7月20日", "本月无更新的任务（29项）"):
        assert words in text


@pytest.mark.parametrize("args, words", [
    (("--month", "2022-07", "--since", "2022-07-01"), "只能用一个"),
    (("--month", "2023-01"), "不在计划期内"),
    (("--since", "2022-09-01"), "不早于"),
    (("--since", "七月"), "--since"),
    (("--month", "2022-10"), "尚未开始"),
])
def test_bad_windows_are_one_chinese_line(run, args, words):
    result = run("changes", *args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and words in result.stderr


# --- the pure function on arbitrary histories --------------------------------------------------

_TARGETS = ("13.5", "13.1", "1.1", "3.1")
_START = date(2022, 6, 1)


@hs.composite
def _histories(draw):
    rows = draw(hs.lists(hs.tuples(
        hs.sampled_from(_TARGETS), hs.integers(0, 75), hs.one_of(hs.none(), hs.integers(0, 3000)),
        hs.sampled_from(["", "说明"]), hs.booleans()), max_size=25))
    return [
        Entry(id=n, plan_id="shaanxi-kjt-2022", target_id=tid, date=_START + timedelta(days=day),
              value=value, note=note if value is not None else "说明", who="测", recorded_at=datetime(2022, 9, 1),
              withdrawn_at=datetime(2022, 9, 2) if withdrawn else None)
        for n, (tid, day, value, note, withdrawn) in enumerate(rows, 1)
    ]


@given(_histories())
def test_progress_and_silence_follow_the_check_ins_of_the_window(plan, entries):
    since, until = date(2022, 6, 30), date(2022, 7, 31)
    changes = compare(plan, entries, since, until, month="2022-07")
    counting = [e for e in entries if not e.withdrawn and since < e.date <= until]
    touched = {plan.target(e.target_id).task for e in counting}
    assert {row.task.number for row in changes.silent} == {t.number for t in plan.tasks} - touched
    noted = {plan.target(e.target_id).task for e in counting if e.note}
    valued = {c.target.task for c in changes.values}
    assert set(changes.progressed) == noted | valued
    for change in changes.values:
        assert change.before.value != change.after.value
        if change.delta is not None:
            assert change.before.value + change.delta == pytest.approx(change.after.value)
