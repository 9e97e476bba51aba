"""The report as pure data: hand-built check-ins in, rows out (no terminal, no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kjyd.entries import Entry
from kjyd.progress import ABOUT_TOLERANCE, expected_percent
from kjyd.report import STATES, build_report, build_task_detail, report_months

_ids = count(1)
JUNE_30 = date(2022, 6, 30)


def entry(target_id, day, value=None, note="", withdrawn=False, id=None, plan_id="shaanxi-kjt-2022"):
    return Entry(
        id=next(_ids) if id is None else id,
        plan_id=plan_id,
        target_id=target_id,
        date=date.fromisoformat(day),
        value=value,
        note=note,
        who="测试员",
        recorded_at=datetime(2022, 7, 1),
        withdrawn_at=datetime(2022, 7, 2) if withdrawn else None,
    )


def row(report, target_id):
    return next(r for r in report.targets if r.target.id == target_id)


def test_no_check_ins_everything_unreported(plan):
    report = build_report(plan, [], JUNE_30)
    assert {r.state for r in report.targets} == {"未填报"}
    assert all(r.value is None and r.percent is None and r.last_date is None for r in report.targets)
    assert all(t.percent is None and t.state == "未填报" for t in report.tasks)
    assert report.summary == "32项任务中，已完成0项，快于序时0项，符合序时0项，慢于序时0项，未填报32项。"


def test_value_against_expected_progress(plan):
    # 序时进度 on 2022-06-30 is 181/365 ≈ 49.6 %.
    report = build_report(plan, [entry("13.2", "2022-06-01", 6), entry("13.3", "2022-06-01", 150),
                                 entry("13.4", "2022-06-01", 40)], JUNE_30)
    assert report.expected_percent == pytest.approx(100 * 181 / 365)
    assert (row(report, "13.2").percent, row(report, "13.2").state) == (50.0, "符合序时")
    assert row(report, "13.3").state == "快于序时"
    assert row(report, "13.4").state == "慢于序时"


def test_tolerance_widens_on_track(plan):
    entries = [entry("13.4", "2022-06-01", 90)]  # 45 % against 49.6 %
    assert row(build_report(plan, entries, JUNE_30), "13.4").state == "符合序时"
    assert row(build_report(plan, entries, JUNE_30, tolerance=2), "13.4").state == "慢于序时"


def test_percent_is_uncapped_for_a_target(plan):
    report = build_report(plan, [entry("13.2", "2022-03-01", 18)], JUNE_30)
    assert row(report, "13.2").percent == 150.0
    assert row(report, "13.2").state == "已完成"


def test_withdrawn_check_in_counts_for_nothing(plan):
    entries = [entry("13.1", "2022-05-01", 4, note="前值"),
               entry("13.1", "2022-06-01", 8, note="撤销的", withdrawn=True)]
    r = row(build_report(plan, entries, JUNE_30), "13.1")
    assert (r.value, r.last_date, r.last_note) == (4, date(2022, 5, 1), "前值")


def test_check_in_after_as_of_is_ignored(plan):
    entries = [entry("13.1", "2022-05-01", 4), entry("13.1", "2022-07-01", 9, note="七月")]
    r = row(build_report(plan, entries, JUNE_30), "13.1")
    assert (r.value, r.last_date) == (4, date(2022, 5, 1))
    assert row(build_report(plan, entries, date(2022, 7, 1)), "13.1").value == 9


@pytest.mark.parametrize(("value", "state"), [(9.0, "已完成"), (8.9, "快于序时"), (10, "已完成")])
def test_about_target_reached_within_tolerance(plan, value, state):
    assert plan.target("13.1").comparator == "about" and ABOUT_TOLERANCE == 0.10
    r = row(build_report(plan, [entry("13.1", "2022-06-01", value)], JUNE_30), "13.1")
    assert r.state == state


def test_at_least_target_needs_the_full_value(plan):
    assert plan.target("13.4").comparator == "at_least"
    r = row(build_report(plan, [entry("13.4", "2022-06-01", 199)], date(2022, 12, 31)), "13.4")
    assert r.state == "未完成"  # 99.5 % at year end: the period is over and the target not reached
    assert row(build_report(plan, [entry("13.4", "2022-06-01", 200)], JUNE_30), "13.4").state == "已完成"


def test_last_day_of_period(plan):
    report = build_report(plan, [entry("13.2", "2022-12-31", 11)], date(2022, 12, 31))
    assert report.expected_percent == 100.0
    assert row(report, "13.2").state == "未完成"  # 91.7 % with nothing left of the year


def test_first_day_and_outside_the_period(plan):
    assert expected_percent(plan, date(2022, 1, 1)) == pytest.approx(100 / 365)
    assert expected_percent(plan, date(2021, 12, 1)) == 0
    assert expected_percent(plan, date(2023, 3, 1)) == 100


def test_same_date_tie_goes_to_later_recorded(plan):
    entries = [entry("13.1", "2022-06-01", 7, note="后录", id=21), entry("13.1", "2022-06-01", 5, id=20)]
    r = row(build_report(plan, entries, JUNE_30), "13.1")
    assert (r.value, r.last_note) == (7, "后录")


def test_note_only_check_in(plan):
    only_note = [entry("3.1", "2022-06-01", None, note="已召开推进会")]
    r = row(build_report(plan, only_note, JUNE_30), "3.1")
    assert (r.value, r.state, r.last_note, r.last_date) == (None, "未填报", "已召开推进会", date(2022, 6, 1))
    later_note = [entry("3.1", "2022-05-01", 50), entry("3.1", "2022-06-01", None, note="进展顺利")]
    r = row(build_report(plan, later_note, JUNE_30), "3.1")
    assert (r.value, r.last_note, r.last_date) == (50, "进展顺利", date(2022, 6, 1))


def test_value_only_check_in_keeps_the_last_note(plan):
    entries = [entry("3.1", "2022-05-01", 30, note="方案已印发"), entry("3.1", "2022-06-01", 50)]
    r = row(build_report(plan, entries, JUNE_30), "3.1")
    assert (r.value, r.last_note, r.last_date) == (50, "方案已印发", date(2022, 6, 1))


def test_entries_of_another_plan_are_ignored(plan):
    r = row(build_report(plan, [entry("13.1", "2022-06-01", 9, plan_id="other")], JUNE_30), "13.1")
    assert r.value is None


def test_task_percent_state_and_latest_note(plan):
    entries = [entry("13.1", "2022-06-01", 10, note="中试基地"), entry("13.2", "2022-06-10", 6),
               entry("13.3", "2022-05-01", 100, note="路演")]
    task = build_report(plan, entries, JUNE_30).task_row(13)
    # 13.1 100, 13.2 50, 13.3 50, 13.4 and 13.5 unreported (0): mean 40.
    assert task.percent == pytest.approx(40.0)
    assert task.state == "未填报"  # the worst target state
    assert task.last_date == date(2022, 6, 10)
    assert task.last_note == "中试基地"  # the latest check-in that says something


def test_task_state_is_worst_reported_state(plan):
    entries = [entry("13.1", "2022-06-01", 10), entry("13.2", "2022-06-01", 12),
               entry("13.3", "2022-06-01", 120), entry("13.4", "2022-06-01", 10),
               entry("13.5", "2022-06-01", 1300)]
    task = build_report(plan, entries, JUNE_30).task_row(13)
    assert [t.state for t in task.targets] == ["已完成", "已完成", "快于序时", "慢于序时", "符合序时"]
    assert task.state == "慢于序时"
    assert task.percent == pytest.approx((100 + 100 + 60 + 5 + 52) / 5)


def test_summary_counts_every_task(plan):
    entries = [entry("1.1", "2022-06-01", 250), entry("2.1", "2022-06-01", 80),
               entry("3.1", "2022-06-01", 50), entry("4.1", "2022-06-01", 10)]
    report = build_report(plan, entries, JUNE_30)
    assert report.task_counts == {"已完成": 1, "快于序时": 1, "符合序时": 1, "慢于序时": 1,
                                  "未达标": 0, "未完成": 0, "未填报": 28}
    assert list(report.task_counts) == list(STATES)
    assert report.summary == "32项任务中，已完成1项，快于序时1项，符合序时1项，慢于序时1项，未填报28项。"


def test_headline_shares_the_task_target_row(plan):
    report = build_report(plan, [entry("13.5", "2022-06-01", 1300), entry("H2", "2022-06-01", 7.5)],
                          JUNE_30)
    assert len(report.headlines) == 8
    h5 = report.headlines[4]
    assert h5 is row(report, "13.5") and h5.value == 1300
    h2 = report.headlines[1]
    assert (h2.target.id, h2.target.task, h2.value, h2.state) == ("H2", None, 7.5, "已完成")


def test_task_detail_history_and_months(plan):
    task = plan.task(13)
    entries = [entry("13.1", "2022-02-10", 2, note="两个", id=101),
               entry("13.1", "2022-04-01", 5, id=102),
               entry("13.1", "2022-05-01", 9, withdrawn=True, id=103),
               entry("13.1", "2022-06-15", 8, note="八个", id=104),
               entry("13.2", "2022-06-20", None, note="筹备路演", id=105),
               entry("13.1", "2022-07-15", 9, id=106)]
    ends = {"13.1": {"2022-01": None, "2022-02": 2, "2022-03": 2, "2022-04": 5, "2022-05": 5,
                     "2022-06": 9}}
    detail = build_task_detail(plan, task, entries, date(2022, 6, 20), ends)
    assert [h.entry.id for h in detail.history] == [105, 104, 103, 102, 101]
    by_id = {h.entry.id: h for h in detail.history}
    assert (by_id[104].change, by_id[104].status) == (3, "当前值")
    assert (by_id[103].change, by_id[103].status) == (None, "已撤销")
    assert (by_id[101].change, by_id[102].change) == (None, 3)
    assert detail.months == ("2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06")
    # The as-of month shows the value as of the date, not June's month end.
    assert detail.month_values["13.1"] == (None, 2, 2, 5, 5, 8)
    assert detail.month_values["13.2"] == (None,) * 6
    assert detail.row.targets[0].value == 8 and detail.row.last_note == "筹备路演"


def test_report_months_within_plan(plan):
    assert report_months(plan, date(2022, 1, 5)) == ["2022-01"]
    assert len(report_months(plan, date(2022, 12, 31))) == 12


@given(st.dates(date(2021, 6, 1), date(2023, 6, 1)), st.integers(1, 400))
def test_expected_percent_monotone_and_bounded(plan, day, step):
    later = day + timedelta(days=step)
    assert 0 <= expected_percent(plan, day) <= expected_percent(plan, later) <= 100


values = st.one_of(st.none(), st.floats(-50, 50000, allow_nan=False))


@given(st.lists(values, min_size=5, max_size=5), st.dates(date(2022, 1, 1), date(2022, 12, 31)))
def test_task_percent_between_0_and_100(plan, vals, day):
    entries = [entry(f"13.{i + 1}", "2022-01-01", v) for i, v in enumerate(vals) if v is not None]
    task = build_report(plan, entries, day).task_row(13)
    if not entries:
        assert task.percent is None
    else:
        assert 0 <= task.percent <= 100
