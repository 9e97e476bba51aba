"""Check-ins as the reports see them, and THE rule for a target's value as of a date.

The rule (reports, exports and ``--add`` all depend on it; it is written down only here):

    The value of a target as of date D is the value of the latest *non-withdrawn* check-in
    *that carries a value* and is dated on or before D. Ties on the date go to the check-in
    recorded later (the higher id).

A note-only check-in (``value is None``) keeps the value and adds text: it counts for "last update"
and "latest note", never for the value. A withdrawn check-in (已撤销) stays in the history and counts
for nothing.

The SQL in :mod:`kjyd.ledger` only *pre-selects* candidate rows with indexed queries so that a long
history is never loaded whole; the rule itself is applied by :func:`value_as_of` below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One check-in: the cumulative value of a target as of ``date``, with who said so and why."""

    id: int
    plan_id: str
    target_id: str
    date: date
    value: float | None
    note: str
    who: str
    recorded_at: datetime
    withdrawn_at: datetime | None = None
    problems: str = ""
    """存在问题 reported with the check-in (division reports)."""
    next_steps: str = ""
    """下一步计划 reported with the check-in (division reports)."""
    source: str = ""
    """Where the check-in came from when not typed: e.g. the collected workbook's name and hash."""
    contact: str = ""
    """填报人、联系电话、处室负责人 as written in a collected workbook (empty when typed)."""

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def _order(self) -> tuple[date, int]:
        return (self.date, self.id)


def _counting(entries: Iterable[Entry], as_of: date) -> list[Entry]:
    return [e for e in entries if not e.withdrawn and e.date <= as_of]


def value_entry_as_of(entries: Iterable[Entry], as_of: date) -> Entry | None:
    """The check-in that gives a target's value as of ``as_of`` (entries of one target)."""
    valued = [e for e in _counting(entries, as_of) if e.value is not None]
    return max(valued, key=Entry._order, default=None)


def value_as_of(entries: Iterable[Entry], as_of: date) -> float | None:
    entry = value_entry_as_of(entries, as_of)
    return None if entry is None else entry.value


def latest_entry_as_of(entries: Iterable[Entry], as_of: date) -> Entry | None:
    """The latest counting check-in of any kind (for 最近更新 and the latest note)."""
    return max(_counting(entries, as_of), key=Entry._order, default=None)
