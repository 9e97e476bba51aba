"""The progress ledger: one interface, two stores (an SQLite file, or a PostgreSQL server).

Commands, ``collect`` and the report code speak only to :class:`Ledger`; which store sits behind it
is decided once, by :func:`open_ledger`, from the ``--db`` setting:

* a file path → :class:`kjyd.ledger.sqlite.SqliteLedger` (the embedded default, one planner's PC);
* a ``postgresql://`` or ``postgres://`` URL → :class:`kjyd.ledger.postgres.PostgresLedger` (a
  department's shared server), imported only then, so SQLite users never load a database driver
  they do not use.

The two stores are side by side: both implement this interface on
:class:`kjyd.ledger.sql_base.SqlLedger` (the queries and the rules of writing, once) and add only
what is their own (connecting, schema, locking, errors).

What every implementation promises (the tests run the CLI against each store to hold them to it):

* **Nothing is overwritten or deleted.** A check-in is an insert; ``undo`` only marks it withdrawn
  (已撤销). The value rule (:mod:`kjyd.entries`) decides what counts.
* **Writes are all-or-nothing and serialised where they read-modify-write**, so concurrent
  ``--add`` never lose an increment and a file collected twice at once is recorded once.
* **Once a write method returns, the check-in is durable**: a command that reported success never
  loses it, even if the machine dies right after.
* **Reads never write**: opening with ``write=False`` creates and migrates nothing.
* **Versioned schema**: an older database is upgraded on the first write; a newer one is refused.

This module stays import-light (no sqlite3, no driver): ``kjyd --help`` imports nothing of it.
"""

from __future__ import annotations

import calendar
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from kjyd.paths import SERVER_SCHEMES, is_server_url

if TYPE_CHECKING:
    from kjyd.entries import Entry

def display_setting(setting: str | Path) -> str:
    """The ``--db`` setting as messages may show it: a server URL's password becomes ``***``.

    Passwords belong in libpq's places (PGPASSWORD, ~/.pgpass, service files); if one was typed
    into the URL anyway, it must still never reach a terminal, a log or a spreadsheet.
    """
    if not is_server_url(setting):
        return str(setting)
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(str(setting).strip())
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        name, colon, _ = user.partition(":")
        netloc = f"{name}{':***' if colon else ''}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of ``"YYYY-MM"``."""
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def now_utc() -> datetime:
    """The recording time stamped on a check-in or a withdrawal (UTC, microseconds)."""
    return datetime.now(timezone.utc)


class Ledger(ABC):
    """The check-ins of one store (possibly several plans, keyed by plan id).

    Use as a context manager; :meth:`open` (or :func:`open_ledger`) picks the store.
    """

    location: str
    """Where the store is, for messages (a file path, or a server URL without its password)."""

    # opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, setting: str | Path, *, write: bool) -> "Ledger":
        """Open the ledger named by ``setting`` (see :func:`open_ledger`)."""
        return open_ledger(setting, write=write)

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # writing ------------------------------------------------------------------------------

    @abstractmethod
    def record(
        self,
        *,
        plan_id: str,
        target_id: str,
        date: date,
        value: float | None,
        note: str = "",
        who: str,
        add: float | None = None,
        problems: str = "",
        next_steps: str = "",
        source: str = "",
        check: Callable[[float], None] | None = None,
    ) -> tuple["Entry", float | None]:
        """Record one check-in; return it with the value as of ``date`` before it.

        With ``add``, the new value is (value as of ``date``, or 0) + ``add``, computed inside the
        same write transaction so concurrent ``--add`` never lose an increment. ``check`` is called
        with the final value before inserting; if it raises, nothing is written.
        """

    @abstractmethod
    def record_many(self, rows: list[dict], *, unless_source_suffix: str | None = None) -> list["Entry"] | None:
        """Record several check-ins in one transaction: all of them, or (on any error) none.

        ``unless_source_suffix``: record nothing and return None when a counting check-in whose
        ``source`` ends with it exists. Checked under the write lock, so of several processes
        collecting the same file at once exactly one records it.
        """

    @abstractmethod
    def withdraw_last(self, *, plan_id: str, who: str, only_if_id: int | None = None) -> "Entry":
        """Mark the plan's most recent counting check-in 已撤销; nothing is deleted.

        ``only_if_id`` is the id the user confirmed: if another check-in arrived in between, refuse
        rather than withdraw one the user never saw.
        """

    @abstractmethod
    def withdraw(self, *, plan_id: str, ids: Iterable[int], who: str) -> list["Entry"]:
        """Mark exactly these check-ins 已撤销, all or none (``kjyd undo 编号`` / ``--file``).

        The ids are the ones the user confirmed. If any of them was withdrawn (or never existed)
        in the meantime, refuse instead of withdrawing a different set than the one shown.
        """

    @abstractmethod
    def record_export(self, *, plan_id: str, month: str, as_of: date, path: str) -> None:
        """Remember that ``month``'s report (as of ``as_of``) was written to ``path`` (an
        ``exports`` row: plan_id, month, as_of, path, exported_at), so a later check-in dated into
        that month can say the report leadership has is out of date."""

    # reading ------------------------------------------------------------------------------

    @abstractmethod
    def last_export(self, plan_id: str, month: str) -> tuple[date, datetime] | None:
        """(as_of, exported_at) of the latest export of ``month``'s report, or None if never."""

    @abstractmethod
    def entry(self, entry_id: int) -> "Entry | None":
        """One check-in by its number (编号), withdrawn or not, of whichever plan."""

    @abstractmethod
    def source_entries(self, plan_id: str, source: str) -> list["Entry"]:
        """The counting check-ins one collected file made (``source`` exactly), in sheet order."""

    @abstractmethod
    def last_entry(self, plan_id: str) -> "Entry | None":
        """The most recently recorded check-in of the plan that is not withdrawn."""

    @abstractmethod
    def entries(
        self,
        plan_id: str,
        *,
        target_ids: Iterable[str] | None = None,
        month: str | None = None,
        include_withdrawn: bool = True,
        limit: int | None = None,
    ) -> list["Entry"]:
        """Check-ins newest first (by recording order); ``month="2022-06"`` filters by check-in date."""

    def iter_entries(
        self,
        plan_id: str,
        *,
        target_ids: Iterable[str] | None = None,
        month: str | None = None,
        include_withdrawn: bool = True,
        limit: int | None = None,
        oldest_first: bool = False,
    ) -> Iterator["Entry"]:
        """:meth:`entries`, streamed: what ``log --all``, ``status --missing`` and the CSV export
        read, in constant memory however long the history. ``oldest_first``: by (date, id)
        instead of newest recorded first. Stores override this to stream; the default only saves
        its callers from caring."""
        rows = self.entries(plan_id, target_ids=target_ids, month=month, include_withdrawn=include_withdrawn,
                            limit=limit)
        yield from sorted(rows, key=lambda e: (e.date, e.id)) if oldest_first else rows

    def iter_history(self, plan_id: str, target_id: str, as_of: date) -> Iterator["Entry"]:
        """One target's check-ins dated on or before ``as_of``, newest first by (date, id), withdrawn
        included, streamed: what ``show --all`` and ``show --json`` list (the report works out
        变化 as it goes, see :func:`kjyd.report.task_history`). Stores override this to stream; the
        default sorts :meth:`entries`."""
        rows = [e for e in self.entries(plan_id, target_ids=[target_id]) if e.date <= as_of]
        yield from sorted(rows, key=lambda e: (e.date, e.id), reverse=True)

    @abstractmethod
    def snapshot(self, plan_id: str, as_of: date, target_ids: Iterable[str] | None = None) -> list["Entry"]:
        """The few check-ins a report as of ``as_of`` needs, per target (of every target that has
        check-ins, or only of ``target_ids``: what ``update`` reads about the one it changes).

        For each target: the latest counting check-in with a value, the latest counting check-in
        of any kind, and the latest counting check-in with a note, all dated on or before
        ``as_of``. Applying :mod:`kjyd.entries` to this list gives the same answers as applying it
        to the full history.
        """

    @abstractmethod
    def recent(
        self, plan_id: str, target_ids: Iterable[str], as_of: date, limit: int
    ) -> tuple[list["Entry"], int]:
        """The check-ins ``kjyd show`` needs to list the ``limit`` newest of these targets.

        Returns (entries, total): the ``limit`` newest check-ins dated on or before ``as_of`` by
        (date, id), withdrawn included; for each target the counting check-in with a value just
        before the oldest of them (so 变化 of every listed row is computed exactly); the
        :meth:`snapshot` rows of these targets; and the number of check-ins dated on or before
        ``as_of`` in all.
        """

    @abstractmethod
    def month_end_values(self, plan_id: str, months: list[str],
                         target_ids: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
        """``{target_id: {"2022-01": value as of that month's last day, …}}``, for every target
        with check-ins or only ``target_ids``.

        Months for which a target has no value yet are absent from its dict.
        """

    # what target ids mean (see kjyd.history) ------------------------------------------------

    @abstractmethod
    def meanings(self, plan_id: str) -> dict[str, tuple[str, str] | None]:
        """Every target id of the plan that has check-ins (withdrawn ones too), with the (name,
        unit) it had when they were recorded — None where that was never remembered (check-ins
        from before the store remembered meanings)."""

    @abstractmethod
    def remember_meanings(self, plan_id: str, meanings: Mapping[str, tuple[str, str]]) -> None:
        """Remember (name, unit) for each of these ids that has check-ins and no meaning yet.

        Called after a command wrote check-ins, with the plan's current meanings; a meaning once
        remembered is only changed by :meth:`remap`.
        """

    def remember_with_writes(self, plan_id: str, meanings: Mapping[str, tuple[str, str]]) -> None:
        """From now on, every write transaction also does :meth:`remember_meanings` for these
        meanings, inside itself: a check-in and the meaning of its id commit together (all or
        nothing), and ``update --add`` costs one commit and one hold of the write lock, not two."""
        self._remember = (plan_id, dict(meanings))

    _remember: tuple[str, dict[str, tuple[str, str]]] | None = None

    @abstractmethod
    def remap(self, plan_id: str, moves: list[tuple[str, str]],
              meanings: Mapping[str, tuple[str, str]], who: str) -> dict[str, int]:
        """Move every check-in of each ``old`` id to its ``new`` id, all moves at once (so swaps
        work), in one transaction; the ``new`` ids then mean ``meanings[new]``. The move is
        recorded (who, when, which check-ins, the meanings before) so :meth:`undo_remap` can
        reverse it exactly. Returns the number of check-ins moved per old id."""

    @abstractmethod
    def undo_remap(self, plan_id: str, who: str) -> list[tuple[str, str, int]]:
        """Reverse the plan's latest remap not yet undone; returns its (old, new, count) moves."""

    # moving a whole ledger (kjyd db copy) -------------------------------------------------------

    @abstractmethod
    def dump(self) -> dict[str, list[tuple]]:
        """Every stored row per table (check-ins, exports, target meanings, remaps) with its id,
        dates as ISO text and times as UTC ISO text, so rows from either store compare equal when
        they say the same."""

    @abstractmethod
    def load(self, tables: dict[str, list[tuple]], *, force: bool) -> tuple[int, int]:
        """Add rows from :meth:`dump` of another store, ids kept, in one transaction; return
        (check-ins copied, rows already present and identical).

        Refuses a store that holds anything unless ``force``; even then a row whose key is taken
        by a different row is refused (nothing is overwritten), and nothing is written.
        """

    @abstractmethod
    def sources(self, plan_id: str) -> set[str]:
        """Distinct non-empty ``source`` values of counting check-ins (to detect a re-collect)."""


def store_exists(setting: str | Path) -> bool:
    """Whether the store was ever written (its file, or kjyd's tables on the server).

    For commands that add to an existing ledger but must never create one (``export`` noting
    itself). Connecting to a server is needed to know.
    """
    if is_server_url(setting):
        from kjyd.ledger.postgres import PostgresLedger

        with PostgresLedger.open(str(setting), write=False) as ledger:
            return ledger.created
    return Path(setting).is_file()


def open_ledger(setting: str | Path, *, write: bool) -> Ledger:
    """Open the store the ``--db`` setting names: a PostgreSQL URL, otherwise an SQLite file.

    ``write=False`` never creates or changes anything (a missing SQLite file is an empty ledger).
    ``write=True`` creates what is missing and brings the schema up to date.
    """
    if is_server_url(setting):
        from kjyd.ledger.postgres import PostgresLedger

        return PostgresLedger.open(str(setting), write=write)
    from kjyd.ledger.sqlite import SqliteLedger

    return SqliteLedger.open(Path(setting), write=write)


def __getattr__(name: str):
    """``from kjyd.ledger import SCHEMA_VERSION`` keeps meaning the SQLite file's schema (as before
    the ledger became a package), without importing sqlite3 for everyone who imports this module."""
    if name in ("MIGRATIONS", "SCHEMA_VERSION"):
        from kjyd.ledger import sqlite

        return getattr(sqlite, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Ledger", "open_ledger", "store_exists", "is_server_url", "display_setting", "month_bounds", "now_utc", "SERVER_SCHEMES"]
