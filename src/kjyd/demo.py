"""The demo ledger: a realistic first half of 2022, so a first look is not 32 rows of 未填报.

The check-ins live in ``data/demo2022.yaml`` (data, not code: values, notes, problems, next steps
and the division that reported each). :func:`demo_rows` turns that file into ledger rows for the
bundled 2022 plan and :func:`write_demo` records them through the ordinary ledger API, so the
result is an ordinary kjyd database: every command (status, show, log, export, a Word report) can
be pointed at it with ``--db``. Nothing here ever opens the user's own database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kjyd.errors import KjydError
from kjyd.paths import bundled_file

DEMO_FILE = "demo2022.yaml"
WITHDRAWN_BY = "规划处"
"""Who withdrew the demo's deliberate mistake (the planning office, as in real use)."""


@dataclass(frozen=True)
class Demo:
    """The demo's check-ins in the order they are recorded, and the date the demo is shown at."""

    plan_id: str
    as_of: date
    rows: list[dict]
    """Ledger rows (``Ledger.record_many`` fields) plus ``withdrawn: bool``, oldest first."""

    @property
    def count(self) -> int:
        return len(self.rows)


def load_demo(plan, path: Path | None = None) -> Demo:
    """Read the demo file and check it against ``plan`` (the bundled 2022 plan)."""
    import yaml

    path = path or bundled_file(DEMO_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise KjydError(f"无法读取演示数据 {path}：{err}") from None
    if data.get("plan") != plan.id:
        raise KjydError(f"演示数据 {path} 属于计划 {data.get('plan')}，不是 {plan.id}")
    year = int(data["year"])
    rows: list[dict] = []
    for item in data["checkins"]:
        target = plan.resolve(str(item["target"]))
        values = item.get("values") or []
        notes, problems, steps = (item.get(k) or {} for k in ("notes", "problems", "next"))
        months = sorted({i + 1 for i, v in enumerate(values) if v is not None} | set(notes)
                        | set(problems) | set(steps))
        for month in months:
            value = values[month - 1] if month <= len(values) else None
            rows.append(dict(
                plan_id=plan.id, target_id=target.id, date=_month_end(year, month), value=value,
                note=notes.get(month, ""), who=item["who"], problems=problems.get(month, ""),
                next_steps=steps.get(month, ""), withdrawn=False,
            ))
        for mistake in item.get("mistakes") or []:
            rows.append(dict(
                plan_id=plan.id, target_id=target.id, date=_month_end(year, mistake["month"]),
                value=mistake["value"], note=mistake.get("note", ""), who=item["who"],
                problems="", next_steps="", withdrawn=True,
            ))
    # Recorded month by month, as an office would have entered them; a mistake right before its fix.
    rows.sort(key=lambda r: (r["date"], not r["withdrawn"]))
    return Demo(plan_id=plan.id, as_of=data["as_of"], rows=rows)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def write_demo(path: Path, demo: Demo) -> None:
    """Record the demo into a new ledger at ``path`` (the caller makes sure it is not the user's)."""
    from kjyd.ledger import Ledger

    with Ledger.open(path, write=True) as ledger:
        batch: list[dict] = []
        for row in demo.rows:
            fields = {k: v for k, v in row.items() if k != "withdrawn"}
            if not row["withdrawn"]:
                batch.append(fields)
                continue
            if batch:
                ledger.record_many(batch)
                batch = []
            wrong = ledger.record_many([fields])[0]
            ledger.withdraw_last(plan_id=demo.plan_id, who=WITHDRAWN_BY, only_if_id=wrong.id)
        if batch:
            ledger.record_many(batch)
