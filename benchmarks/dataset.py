"""Benchmark databases: an empty ledger and one with a long, realistic history.

The large file is what ten years of typing ``kjyd update`` would leave behind, compressed into
one plan year: check-ins spread over every target of the plan and every day of its period, some
of them withdrawn (已撤销), some carrying only a note, plus rows of a second plan id in the same
file so that every query must key by plan. The schema comes from kjyd itself
(``Ledger.open(write=True)`` runs the migrations); the rows go in with one ``executemany`` in
one transaction — 200,000 CLI calls would take hours and measure nothing useful.

The generator is seeded, so two runs build byte-for-byte the same history.

Run as a script (``python dataset.py FOLDER CHECKINS``) it builds both files in FOLDER and prints
what ``run.py`` needs as JSON. ``run.py`` calls it in a child process so that the timing process
stays small: on Linux a spawned child's peak-memory figure starts at its parent's size.
"""

from __future__ import annotations

import json
import random
import sys
import sqlite3
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from kjyd.ledger import Ledger
from kjyd.plan import Plan

SECOND_PLAN_ID = "shaanxi-kjt-2023"
"""A second plan in the same file (a 2023-style plan id), dated one year after the main one."""

NOTE_ONLY_SHARE = 0.08
WITHDRAWN_SHARE = 0.05
NOTED_VALUE_SHARE = 0.30
PEOPLE = ("规划处", "高新处", "成果处", "基础处", "农村处", "社发处", "外专处", "资配处")
NOTES = (
    "已完成阶段性评审，正在组织现场核查",
    "已下达年度项目计划，资金拨付进行中",
    "已召开推进会，部署下半年重点工作",
    "各地市已报送材料，正在汇总审核",
    "受疫情影响进度略缓，已调整工作安排",
)

_INSERT = (
    "INSERT INTO checkins (plan_id, target_id, date, value, note, who, recorded_at, "
    "withdrawn_at, withdrawn_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def empty_database(path: Path) -> None:
    """A ledger file with kjyd's current schema and no check-ins."""
    Ledger.open(path, write=True).close()


def _rows(plan_id: str, target_ids: list[str], goals: dict[str, float], start: date, days: int,
          count: int, rng: random.Random) -> list[tuple]:
    """``count`` check-ins over ``target_ids`` and ``days`` days from ``start``, in date order.

    Values grow roughly with the date (a cumulative figure, as users report them) with noise, so
    a later check-in sometimes corrects an earlier one downwards, as happens in practice.
    """
    picks = sorted(
        (rng.randrange(days), rng.choice(target_ids)) for _ in range(count)
    )
    rows = []
    base = datetime.combine(start, time(9), tzinfo=timezone.utc)
    for n, (day, target_id) in enumerate(picks):
        when = start + timedelta(days=day)
        recorded = (base + timedelta(days=day, seconds=n % 80_000)).isoformat(timespec="microseconds")
        roll = rng.random()
        if roll < NOTE_ONLY_SHARE:
            value, note = None, rng.choice(NOTES)
        else:
            value = round(goals[target_id] * (day + 1) / days * rng.uniform(0.8, 1.1), 2)
            note = rng.choice(NOTES) if rng.random() < NOTED_VALUE_SHARE else ""
        withdrawn = rng.random() < WITHDRAWN_SHARE
        rows.append((
            plan_id, target_id, when.isoformat(), value, note, rng.choice(PEOPLE), recorded,
            recorded if withdrawn else None, "规划处" if withdrawn else None,
        ))
    return rows


def large_database(path: Path, plan: Plan, checkins: int, *, seed: int = 2022) -> int:
    """``checkins`` rows for ``plan`` plus a tenth as many for :data:`SECOND_PLAN_ID`; returns total."""
    empty_database(path)
    rng = random.Random(seed)
    target_ids = [t.id for t in plan.targets]
    goals = {t.id: float(t.value) for t in plan.targets}
    days = (plan.end - plan.start).days + 1
    rows = _rows(plan.id, target_ids, goals, plan.start, days, checkins, rng)
    next_year = plan.start.replace(year=plan.start.year + 1)
    rows += _rows(SECOND_PLAN_ID, target_ids, goals, next_year, days, checkins // 10, rng)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(_INSERT, rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return len(rows)


def main(folder: str, checkins: str, realistic: str = "2000", million: str = "0") -> None:
    """empty.db, large.db (``checkins``) and realistic.db (``realistic`` check-ins: the written
    outputs are measured at an office year's scale, not at the stress test's); with ``million``
    also million.db (``log --limit 20`` must cost the same on it as on the empty file)."""
    from kjyd.paths import bundled_plan
    from kjyd.plan_loader import load_plan

    plan = load_plan(bundled_plan(), use_cache=False)
    empty_database(Path(folder) / "empty.db")
    total = large_database(Path(folder) / "large.db", plan, int(checkins))
    large_database(Path(folder) / "realistic.db", plan, int(realistic))
    if int(million):
        large_database(Path(folder) / "million.db", plan, int(million))
    json.dump({"plan_id": plan.id, "end": plan.end.isoformat(), "total": total}, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
