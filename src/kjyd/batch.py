"""One ``kjyd collect`` batch as a whole: copies, contradicting files and implausible figures.

:mod:`kjyd.collect` checks each workbook on its own; what only shows across the files of one batch
(or against the ledger) is decided here, before anything is recorded, so that file order never
decides what the leadership report says:

* the same content twice (a copy in two folders) is recorded once, and the second file is named
  as a copy — not as 已收取过, which means "an earlier batch recorded it";
* two files of one division and month that give a target different values (the original and its
  "-更正") are both held back and both named: only the office knows which one stands;
* a figure breaking the magnitude rule (:mod:`kjyd.magnitude`) is a located problem of its file.

Pure functions over :class:`~kjyd.collect.Collected`: no SQLite, no printing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kjyd.collect import Collected
    from kjyd.entries import Entry


@dataclass
class Batch:
    """The clean files of a batch sorted into what to record and what to hold back, and why."""

    record: list["Collected"] = field(default_factory=list)
    copies: list[tuple["Collected", "Collected"]] = field(default_factory=list)
    """(copy, the file of this batch with the same content that is recorded instead)."""
    conflicts: list[str] = field(default_factory=list)
    """One line per pair of contradicting files."""
    held: list["Collected"] = field(default_factory=list)
    """Files not recorded because they contradict another file of the batch."""


def sort_batch(files: list["Collected"]) -> Batch:
    """Split clean, filled files into record / copies / held (contradicting pairs)."""
    from kjyd.plan import format_number

    batch = Batch()
    first_of: dict[str, "Collected"] = {}
    distinct: list["Collected"] = []
    for collected in files:
        original = first_of.setdefault(collected.digest, collected)
        if original is collected:
            distinct.append(collected)
        else:
            batch.copies.append((collected, original))
    held: set[int] = set()
    for i, a in enumerate(distinct):
        for b in distinct[i + 1:]:
            if (a.division, a.month) != (b.division, b.month):
                continue
            values_b = {row.target.id: row.value for row in b.rows}
            differ = [
                (row.target, row.value, values_b[row.target.id]) for row in a.rows
                if row.target.id in values_b and row.value != values_b[row.target.id]
            ]
            if not differ:
                continue
            held.update((id(a), id(b)))
            target, va, vb = differ[0]
            more = f"等 {len(differ)} 个目标" if len(differ) > 1 else ""
            batch.conflicts.append(
                f"{a.name} 和 {b.name} 都是{a.division} {a.month} 的填报表，{target.label} {more}填的不同"
                f"（{format_number(va)} 与 {format_number(vb)}）；两个文件都未记录，请确认哪一份有效后只收取那一份"
            )
    for collected in distinct:
        (batch.held if id(collected) in held else batch.record).append(collected)
    return batch


def magnitude_problems(collected: "Collected", before: dict[str, "Entry"]) -> list[str]:
    """The magnitude rule for each filled figure, located as ``文件名!填报表!G7``."""
    from kjyd.magnitude import implausible
    from kjyd.render.xlsx import template as layout

    problems = []
    for row in collected.rows:
        if row.value is None:
            continue
        previous = before.get(row.target.id)
        reason = implausible(row.target, row.value, previous.value if previous else None)
        if reason:
            problems.append(
                f"{collected.name}!{layout.SHEET}!{layout.VALUE_COLUMN}{row.row}: {reason}"
                "（确认无误可加 --yes 收取）"
            )
    return problems
