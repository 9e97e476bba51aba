"""How an office names the stretch of a plan a report covers: 1—5月, 上半年, 前三季度, 全年.

Reports to leadership are titled by period (关于2022年科技工作要点上半年推进情况的报告), and the
period decides the wording inside: at the plan's end a report speaks of the whole year
(全年完成情况) rather than of the month. The plan is data, so nothing here assumes 2022 or a
calendar year: a plan that starts in April counts its months from April, and one that spans years
is named by its dates.
"""

from __future__ import annotations

from datetime import date

from kjyd.plan import Plan

_CALENDAR_NAMES = {3: "一季度", 6: "上半年", 9: "前三季度"}
"""Months elapsed in a calendar-year plan → the office's name for the stretch (others: 1—N月)."""


def is_calendar_year(plan: Plan) -> bool:
    """A plan for one calendar year (1 January to 31 December): its whole is 全年, its target 年度目标."""
    return (plan.start.month, plan.start.day, plan.end.month, plan.end.day) == (1, 1, 12, 31) \
        and plan.start.year == plan.end.year


def at_end(plan: Plan, as_of: date) -> bool:
    """Whether a report as of ``as_of`` is the final one (the period is over)."""
    return as_of >= plan.end


def whole_period(plan: Plan) -> str:
    """全年 for a calendar-year plan, else 计划期 (a five-year plan's whole is not a 年)."""
    return "全年" if is_calendar_year(plan) else "计划期"


def period_name(plan: Plan, as_of: date) -> str:
    """The stretch from the plan's start to ``as_of`` (a month end), as a report title names it.

    Calendar-year plan: 1月, 1—2月, 一季度, 1—4月, 1—5月, 上半年, 1—7月 … 前三季度 … 全年.
    A plan within one year that starts later: 4—6月. A plan across years: 2022年7月—2023年3月,
    and at its end 计划期.
    """
    if at_end(plan, as_of):
        return whole_period(plan)
    start = plan.start
    if start.year == as_of.year:
        if is_calendar_year(plan) and as_of.month in _CALENDAR_NAMES:
            return _CALENDAR_NAMES[as_of.month]
        if start.month == as_of.month:
            return f"{as_of.month}月"
        return f"{start.month}—{as_of.month}月"
    return f"{start.year}年{start.month}月—{as_of.year}年{as_of.month}月"


def target_word(plan: Plan) -> str:
    """年度目标 for a calendar-year plan, else 目标 (完成年度目标的52.6%)."""
    return "年度目标" if is_calendar_year(plan) else "目标"


def long_date(day: date) -> str:
    """2022年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"
