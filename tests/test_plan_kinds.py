"""Target kinds (flow, total, level), the five comparators, 节点目标 and the end of the period.

Each plan here is a small YAML file run through the real validator and report, so what is tested is
what a user's plan file produces. Dates: 2023-01-01 … 2023-12-31 (365 days); at 2023-06-30 the
linear 序时进度 is 181/365 = 49.6 %.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from kjyd.entries import Entry
from kjyd.errors import PlanFileError
from kjyd.plan_schema import parse_plan
from kjyd.progress import expected_percent
from kjyd.report import build_report

MID = date(2023, 6, 30)
END = date(2023, 12, 31)


def target_yaml(value="100", unit="家", comparator="reach", kind="flow", baseline=None, milestones=None,
                quote="指标") -> str:
    lines = [f"      - name: 指标", f"        value: {value}", f"        unit: \"{unit}\"",
             f"        comparator: {comparator}", f"        kind: {kind}", f"        quote: {quote}"]
    if baseline is not None:
        lines.append(f"        baseline: {baseline}")
    if milestones:
        lines.append("        milestones:")
        lines += [f"          {day}: {v}" for day, v in milestones.items()]
    return "\n".join(lines) + "\n"


def plan_yaml(*targets: str, extra: str = "") -> str:
    return (
        "id: kinds-2023\ntitle: 某局2023年工作要点\nperiod:\n  start: 2023-01-01\n  end: 2023-12-31\n"
        + extra
        + "tasks:\n  - number: 1\n    title: 任务\n    text: 指标指标。\n    targets:\n"
        + "".join(targets)
    )


def one_target(**kwargs):
    return parse_plan(plan_yaml(target_yaml(**kwargs)), "kinds.yaml").target("1.1")


def state(plan_or_target, value, as_of=MID, target_id="1.1"):
    plan = plan_or_target
    if not hasattr(plan, "targets"):
        raise TypeError
    entries = [] if value is None else [Entry(1, plan.id, target_id, as_of, value, "", "x", datetime(2023, 7, 1))]
    report = build_report(plan, entries, as_of)
    return next(r for r in report.targets if r.target.id == target_id)


def plan_with(**kwargs):
    return parse_plan(plan_yaml(target_yaml(**kwargs)), "kinds.yaml")


# --- each kind × comparator ---------------------------------------------------------------------

FLOW = [
    # comparator, value at 2023-06-30, state then, value at 2023-12-31, state then
    ("reach", 50, "符合序时", 99, "未完成"),
    ("reach", 20, "慢于序时", 100, "已完成"),
    ("at_least", 80, "快于序时", 100, "已完成"),
    ("more_than", 100, "快于序时", 100, "未完成"),   # 超过100 is not met by 100
    ("more_than", 101, "已完成", 101, "已完成"),
    ("about", 90, "已完成", 89, "未完成"),           # 左右: 90 % of the target meets it
    ("at_most", 50, "符合序时", 100, "已完成"),       # a cap kept
    ("at_most", 120, "未达标", 101, "未达标"),        # a cap exceeded
]


@pytest.mark.parametrize(("comparator", "mid", "mid_state", "end", "end_state"), FLOW)
def test_flow_target_against_linear_pacing_and_at_period_end(comparator, mid, mid_state, end, end_state):
    plan = plan_with(comparator=comparator)
    assert state(plan, mid, MID).state == mid_state
    assert state(plan, end, END).state == end_state


TOTAL = [
    # baseline 7000 → 8700: 序时 at 06-30 is 7000 + 49.6 % × 1700 ≈ 7843
    ("reach", 7600, "慢于序时", 8600, "未完成"),    # the old flow reading said 87 %, 快于序时
    ("reach", 7850, "符合序时", 8700, "已完成"),
    ("at_least", 8300, "快于序时", 8700, "已完成"),
    ("more_than", 8700, "快于序时", 8700, "未完成"),
    ("about", 7800, "符合序时", 7830, "已完成"),     # 7830 ≥ 90 % of 8700 (7800 is not)
    ("at_most", 8000, "符合序时", 8700, "已完成"),
    ("at_most", 8800, "未达标", 8800, "未达标"),
]


@pytest.mark.parametrize(("comparator", "mid", "mid_state", "end", "end_state"), TOTAL)
def test_total_target_is_paced_from_its_baseline(comparator, mid, mid_state, end, end_state):
    plan = plan_with(value=8700, comparator=comparator, kind="total", baseline=7000)
    assert state(plan, mid, MID).state == mid_state
    assert state(plan, end, END).state == end_state


def test_total_percent_counts_from_the_baseline():
    plan = plan_with(value=8700, kind="total", baseline=7000)
    row = state(plan, 7850)
    assert row.percent == pytest.approx((7850 - 7000) / 1700 * 100)
    assert row.expected_value == pytest.approx(7000 + 1700 * 181 / 365)
    assert row.expected_percent == pytest.approx(expected_percent(plan, MID))


def test_falling_total_to_a_cap_is_paced_towards_it():
    """降至80以下 from a stock of 100: a reduction, paced; met once at or below 80."""
    plan = plan_with(value=80, comparator="at_most", kind="total", baseline=100)
    assert state(plan, 95).state == "慢于序时"    # 25 % of the way, 序时 49.6 %
    assert state(plan, 90).state == "符合序时"
    assert state(plan, 80).state == "已完成"
    assert state(plan, 85, END).state == "未完成"


LEVEL = [
    # comparator, target, value, state (the same mid-year and at period end: a level is never paced)
    ("at_least", 5, 5, "已完成"),
    ("at_least", 5, 4.8, "未达标"),
    ("more_than", 5, 5, "未达标"),
    ("more_than", 5, 5.1, "已完成"),
    ("about", 8, 7.2, "已完成"),
    ("about", 8, 7.1, "未达标"),
    ("about", 8, -1.5, "未达标"),
    ("reach", 59.5, 59.5, "已完成"),
    ("reach", 59.5, 58, "未达标"),
    ("at_most", 5, 4, "已完成"),
    ("at_most", 5, 6, "未达标"),
]


@pytest.mark.parametrize(("comparator", "target", "value", "expected"), LEVEL)
def test_level_is_judged_by_its_comparator_only(comparator, target, value, expected):
    plan = plan_with(value=target, unit="%", comparator=comparator, kind="level")
    for day in (date(2023, 2, 1), MID, END):
        row = state(plan, value, day)
        assert row.state == expected
        assert row.expected_percent is None and row.expected_value is None


def test_level_percent_is_value_over_target_for_display():
    plan = plan_with(value=8, unit="%", comparator="about", kind="level")
    assert state(plan, -1.5).percent == pytest.approx(-18.75)


def test_unreported_is_unreported_for_every_kind():
    for kind, baseline in (("flow", None), ("total", 10), ("level", None)):
        assert state(plan_with(kind=kind, baseline=baseline), None, END).state == "未填报"


# --- 节点目标 -------------------------------------------------------------------------------------


def test_ahead_of_linear_pacing_but_behind_its_node():
    """Most of the year's batch is due by the end of March: 600 of 1500 is ahead of the calendar
    (24.7 %) but behind the node (900)."""
    day = date(2023, 3, 31)
    linear = plan_with(value=1500)
    noded = plan_with(value=1500, milestones={"2023-03-31": 900})
    assert state(linear, 600, day).state == "快于序时"
    row = state(noded, 600, day)
    assert row.state == "慢于序时"
    assert row.expected_value == pytest.approx(900) and row.expected_percent == pytest.approx(60)


def test_behind_linear_pacing_but_ahead_of_its_node():
    """高新技术企业 are certified in the second half: 400 by June is behind the calendar but ahead
    of the node 6月底 300."""
    linear = plan_with(value=1500)
    noded = plan_with(value=1500, milestones={"2023-06-30": 300, "2023-09-30": 800})
    assert state(linear, 400).state == "慢于序时"
    assert state(noded, 400).state == "快于序时"


def test_curve_is_linear_between_nodes():
    plan = plan_with(value=1500, milestones={"2023-06-30": 300, "2023-09-30": 800})
    day = date(2023, 8, 15)  # day 227, between day 181 (300) and day 273 (800)
    row = state(plan, 500, day)
    assert row.expected_value == pytest.approx(300 + 500 * (227 - 181) / (273 - 181))
    end = state(plan, 1400, END)
    assert end.expected_value == pytest.approx(1500) and end.state == "未完成"


def test_total_curve_starts_at_the_baseline():
    plan = plan_with(value=8700, kind="total", baseline=7000, milestones={"2023-06-30": 7300})
    row = state(plan, 7300)
    assert row.expected_value == pytest.approx(7300)
    assert row.state == "符合序时"
    assert row.expected_percent == pytest.approx(300 / 1700 * 100)


def test_milestone_wording():
    target = one_target(value=1500, milestones={"2023-06-30": 300, "2023-09-15": 800})
    assert target.milestone_text() == "节点：6月底 300家，9月15日 800家"


# --- year end and task states -------------------------------------------------------------------


def test_year_end_unfinished_reaches_the_task_and_the_summary():
    plan = plan_with(value=100)
    entries = [Entry(1, plan.id, "1.1", date(2023, 12, 20), 97, "", "x", datetime(2024, 1, 5))]
    report = build_report(plan, entries, END)
    assert report.tasks[0].state == "未完成"
    assert report.summary == "1项任务中，已完成0项，快于序时0项，符合序时0项，慢于序时0项，未完成1项，未填报0项。"
    before = build_report(plan, entries, date(2023, 12, 30))
    assert before.tasks[0].state == "符合序时" and "未完成" not in before.summary


# --- how the notice words each comparator -------------------------------------------------------


@pytest.mark.parametrize(("comparator", "quote", "wording"), [
    ("at_least", "指标", "不少于100家"),
    ("at_least", "指标100家以上", "100家以上"),
    ("more_than", "指标", "超过100家"),
    ("more_than", "指标突破100家", "突破100家"),
    ("about", "指标", "100家左右"),
    ("reach", "指标", "达到100家"),
    ("at_most", "指标", "不超过100家"),
    ("at_most", "指标控制在100家以内", "控制在100家以内"),
])
def test_goal_uses_the_notices_word(comparator, quote, wording):
    text = plan_yaml(target_yaml(comparator=comparator, quote=quote)).replace("text: 指标指标。", f"text: {quote}。")
    target = parse_plan(text, "kinds.yaml").target("1.1")
    assert target.goal(reach="达到") == wording


# --- values written as text, and what the format refuses ----------------------------------------


@pytest.mark.parametrize(("written", "value"), [
    ('"1.3万"', 13000), ('"8,700"', 8700), ("２５００", 2500), ('"2.45万"', 24500), ("1200.5", 1200.5),
])
def test_value_accepts_what_update_accepts(written, value):
    assert one_target(value=written).value == value


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(kind="total"), "需要 baseline"),
    (dict(kind="flow", baseline=10), "只有总量指标"),
    (dict(kind="level", baseline=10), "只有总量指标"),
    (dict(kind="total", baseline=100, value=100), "与目标值相同"),
    (dict(kind="total", baseline=100, value=80, comparator="reach"), "at_most"),
    (dict(kind="level", milestones={"2023-06-30": 3}), "不能设节点目标"),
    (dict(value=100, milestones={"2024-01-31": 50}), "不在计划期"),
    (dict(value=100, milestones={"2023-03-31": 60, "2023-06-30": 40}), "应介于"),
    (dict(value=100, milestones={"2023-06-30": 140}), "应介于"),
    (dict(kind="stock"), "指标类型应为 flow"),
    (dict(comparator="exceeds"), "比较方式应为"),
    (dict(value='"很多"'), '"很多" 不是数字'),
])
def test_inconsistent_kind_baseline_or_milestones_are_located_errors(kwargs, message):
    with pytest.raises(PlanFileError) as info:
        plan_with(**kwargs)
    assert any(message in p and p.startswith("kinds.yaml:") for p in info.value.problems), info.value.problems


# --- through the CLI: --json carries the kind, baseline and each target's own 序时进度 --------------


def test_status_json_per_target_expected_percent(run, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(plan_yaml(
        target_yaml(value=8700, kind="total", baseline=7000, milestones={"2023-06-30": 7300})
        + target_yaml(value=5, unit="%", comparator="at_least", kind="level")
    ), encoding="utf-8")
    assert run("--plan", str(path), "update", "1.1", "--value", "7400", "--date", "2023-06-30").exit_code == 0
    result = run("--plan", str(path), "status", "--as-of", "2023-06-30", "--json")
    targets = {t["id"]: t for t in json.loads(result.stdout)["targets"]}
    total, level = targets["1.1"], targets["1.2"]
    assert (total["kind"], total["baseline"], total["milestones"]) == ("total", 7000, {"2023-06-30": 7300})
    assert total["expected_percent"] == pytest.approx(round(300 / 1700 * 100, 2))
    assert total["percent"] == pytest.approx(round(400 / 1700 * 100, 2)) and total["state"] == "快于序时"
    assert (level["kind"], level["baseline"], level["expected_percent"], level["state"]) == ("level", None, None, "未填报")
