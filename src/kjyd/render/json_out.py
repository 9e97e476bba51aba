"""Reports as JSON for scripts and other tools (``kjyd status --json``, ``kjyd show --json``).

The field names and types here are a documented, stable interface (see README): add fields, never
rename or retype them. Numbers that are whole are written as integers (``10``, not ``10.0``);
percentages are rounded to two decimals.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

from kjyd.report import HistoryRow, Report, TargetRow, TaskDetail, TaskRow


def number(value: float | int | None, digits: int | None = None) -> float | int | None:
    """JSON number: None stays null, whole numbers become ints, others optionally rounded."""
    if value is None or not math.isfinite(value):  # JSON has no Infinity/NaN (a stored one is null)
        return None
    if digits is not None:
        value = round(value, digits)
    if float(value).is_integer():
        return int(value)
    return value


def _target(row: TargetRow) -> dict[str, Any]:
    t = row.target
    return {
        "id": t.id,
        "task": t.task,
        "name": t.name,
        "unit": t.unit,
        "target": number(t.value),
        "comparator": t.comparator,
        "kind": t.kind,
        "baseline": number(t.baseline),
        "milestones": {d.isoformat(): number(v) for d, v in t.milestones},
        "headline": t.headline is not None,
        "value": number(row.value),
        "percent": number(row.percent, 2),
        "expected_percent": number(row.expected_percent, 2),
        "state": row.state,
        "last_date": row.last_date.isoformat() if row.last_date else None,
        "last_note": row.last_note,
        "last_note_date": row.note_entry.date.isoformat() if row.note_entry else None,
    }


def _task(row: TaskRow) -> dict[str, Any]:
    return {
        "number": row.task.number,
        "title": row.task.title,
        "section": row.task.section,
        "percent": number(row.percent, 2),
        "state": row.state,
        "targets": [t.target.id for t in row.targets],
        "last_date": row.last_date.isoformat() if row.last_date else None,
        "last_note": row.last_note,
        "last_note_date": row.note_date.isoformat() if row.note_date else None,
    }


def _head(plan_id: str, as_of, expected: float) -> dict[str, Any]:
    return {"plan": plan_id, "as_of": as_of.isoformat(), "expected_percent": number(expected, 2)}


def report_data(report: Report, tasks: list[TaskRow] | None = None) -> dict[str, Any]:
    """The status object. ``tasks`` narrows the tasks (filters); targets are then those tasks'."""
    data = _head(report.plan.id, report.as_of, report.expected_percent)
    data["summary"] = report.summary
    if tasks is None:
        data["targets"] = [_target(row) for row in report.targets]
        data["tasks"] = [_task(row) for row in report.tasks]
    else:
        data["targets"] = [_target(t) for row in tasks for t in row.targets]
        data["tasks"] = [_task(row) for row in tasks]
    return data


def _history(row: HistoryRow) -> dict[str, Any]:
    e = row.entry
    return {
        "id": e.id,
        "target": e.target_id,
        "date": e.date.isoformat(),
        "value": number(e.value),
        "change": number(row.change, 6),
        "note": e.note,
        "who": e.who,
        "recorded_at": e.recorded_at.isoformat(timespec="seconds"),
        "withdrawn": e.withdrawn,
        "status": row.status,
    }


_HOLE = "\x00history\x00"


def task_json(detail: TaskDetail) -> Iterator[str]:
    """``show --json`` as pieces of text: the status fields for one task, plus its history and
    month-end values — exactly what :func:`dumps` would write, with the history written one
    check-in at a time as it is read (it may be the whole history, from the ledger's cursors)."""
    data = _head(detail.plan.id, detail.as_of, detail.expected_percent)
    data["targets"] = [_target(row) for row in detail.row.targets]
    data["tasks"] = [_task(detail.row) | {"text": detail.row.task.text}]
    data["history"] = None  # streamed, below
    data["month_end"] = {
        target_id: {m: number(v) for m, v in zip(detail.months, values)}
        for target_id, values in detail.month_values.items()
    }
    return streamed(data, "history", map(_history, detail.history))


def streamed(data: dict[str, Any], key: str, items: Iterable[Any]) -> Iterator[str]:
    """``dumps(data)`` with ``data[key]`` (a top-level list) written an item at a time from
    ``items``, then a newline: the big list of an answer is never built whole."""
    data = data | {key: _HOLE}
    before, after = dumps(data).split(dumps(_HOLE))
    yield before
    yield from array(items, level=1)
    yield after + "\n"


def dumps(data: Any) -> str:
    """Standard JSON only: ``allow_nan=False`` so a non-finite number fails here, never in a reader."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def array(items: Iterable[Any], level: int = 0) -> Iterator[str]:
    """A JSON array as :func:`dumps` writes it ``level`` deep inside other values, one item at a
    time (``log --json --all``, ``show --json``: never the whole list in memory)."""
    pad = "  " * (level + 1)
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + pad + dumps(item).replace("\n", "\n" + pad)
        first = False
    yield "[]" if first else "\n" + "  " * level + "]"


def changes_json(changes) -> Iterator[str]:
    """``changes --json`` as pieces of text (fields in README): both reports' dates, the summary and
    every change, with the tasks' notes (all the month's notes: thousands in a busy month)
    written a task at a time."""
    return streamed(_changes_data(changes), "noted", map(_noted, changes.noted))


def _noted(item) -> dict[str, Any]:
    return {"task": item.row.task.number, "title": item.row.task.title,
            "notes": [{"id": e.id, "target": t.id, "date": e.date.isoformat(), "note": e.note}
                      for e, t in item.notes]}


def _changes_data(changes) -> dict[str, Any]:
    """Everything of ``changes --json`` but the notes (``noted``: streamed by :func:`changes_json`)."""
    return {
        "plan": changes.plan.id,
        "month": changes.month,
        "since": changes.since.isoformat(),
        "until": changes.until.isoformat(),
        "expected_percent_before": number(changes.before.expected_percent, 2),
        "expected_percent": number(changes.after.expected_percent, 2),
        "summary": changes.summary,
        "values": [
            {
                "id": c.target.id,
                "task": c.target.task,
                "name": c.target.name,
                "unit": c.target.unit,
                "before": number(c.before.value),
                "after": number(c.after.value),
                "delta": number(c.delta, 6),
                "percent": number(c.after.percent, 2),
                "state_before": c.before.state,
                "state": c.after.state,
            }
            for c in changes.values
        ],
        "states": [
            {"task": c.after.task.number, "title": c.after.task.title, "before": c.before.state,
             "after": c.after.state, "improved": c.improved, "first_report": c.first_report}
            for c in changes.states
        ],
        "noted": None,
        "progressed": list(changes.progressed),
        "silent": [row.task.number for row in changes.silent],
    }
