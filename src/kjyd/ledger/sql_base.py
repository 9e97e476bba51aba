"""What both SQL stores of the ledger share: the tables' columns, the queries, and the rules of writing.

:class:`SqlLedger` implements :class:`kjyd.ledger.Ledger` once, in SQL that SQLite and PostgreSQL
both accept; :class:`~kjyd.ledger.sqlite.SqliteLedger` (a file) and
:class:`~kjyd.ledger.postgres.PostgresLedger` (a server) are its two stores, side by side. A query
fixed or added here is fixed or added for both, so the two cannot drift apart in what they answer.

What each store supplies (the dialect hooks, kept small):

* **connecting, the schema and migrations** — entirely the store's own (``open``, ``close``);
* **placeholders** — the shared SQL writes ``?`` and ``:name``; SQLite takes them as they are, the
  PostgreSQL store's connection rewrites them for psycopg; :attr:`SqlLedger._DATE_PARAM` is a date
  parameter where the server cannot infer its type;
* **locking** — :meth:`SqlLedger._begin_write`: one all-or-nothing transaction that holds the
  store's write lock from its first statement (SQLite's ``BEGIN IMMEDIATE``, an advisory lock on
  the server), so read-modify-writes such as ``--add`` never interleave;
* **errors** — :attr:`SqlLedger._Error` and :meth:`SqlLedger._failure` turn a driver error into one
  Chinese line;
* **rights** — :meth:`SqlLedger._check_withdrawn` and :meth:`SqlLedger._insert` let a server that
  refuses a row say whose target it is; :meth:`SqlLedger._after_load` moves a server's id sequence
  past rows copied in.

Upserts and ``RETURNING`` need no hook: both stores accept ``INSERT … ON CONFLICT DO NOTHING`` and
``INSERT … RETURNING`` as written here (SQLite since 3.35).

The SQL only *pre-selects* candidate rows with indexed queries (so a year of history is never
loaded whole); which check-in gives the value is decided by :mod:`kjyd.entries`.
"""

from __future__ import annotations

import json
import math
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timezone

from kjyd.entries import Entry, value_as_of
from kjyd.errors import LedgerError
from kjyd.ledger import Ledger, month_bounds, now_utc
from kjyd.values import MAX_VALUE, quoted


# --- tables and columns (the same in both stores) ---------------------------------------------

MEANINGS_TABLES = (
    """CREATE TABLE target_meanings (
        plan_id TEXT NOT NULL,
        target_id TEXT NOT NULL,
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (plan_id, target_id)
    )""",
    """CREATE TABLE remaps (
        id {identity},
        plan_id TEXT NOT NULL,
        moves TEXT NOT NULL,
        before TEXT NOT NULL,
        who TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        undone_at TEXT,
        undone_by TEXT
    )""",
)
"""What each target id meant when check-ins were recorded against it (name, unit), and each
``kjyd plan remap`` (``moves``: JSON [[old, new, [check-in ids]], …]; ``before``: JSON
{target id: [name, unit] or null} of every id it touched, so it can be undone exactly)."""


COLUMNS = (
    "id, plan_id, target_id, date, value, note, who, recorded_at, withdrawn_at, "
    "problems, next_steps, source, contact"
)
RECORD_FIELDS = (
    "plan_id", "target_id", "date", "value", "note", "who", "problems", "next_steps", "source", "contact",
)
ALL_COLUMNS = (
    "id, plan_id, target_id, date, value, note, who, recorded_at, withdrawn_at, withdrawn_by, "
    "problems, next_steps, source, contact"
)
COPIED = (
    ("checkins", ALL_COLUMNS, 1),
    ("exports", "id, plan_id, month, as_of, path, exported_at", 1),
    ("target_meanings", "plan_id, target_id, name, unit, recorded_at", 2),
    ("remaps", "id, plan_id, moves, before, who, recorded_at, undone_at, undone_by", 1),
)
"""What ``kjyd db copy`` moves: (table, columns, how many leading columns are its key)."""


# --- helpers ----------------------------------------------------------------------------------


def _plan_targets(plan: str) -> str:
    """CTEs ending in ``targets(target_id)``: the distinct targets that have check-ins in a plan.

    A loose index scan (smallest target id, then the next larger one, …): one index seek per
    target instead of ``SELECT DISTINCT``, which reads every index entry of the plan and so grew
    with the history. ``plan`` is the SQL parameter holding the plan id (``:plan`` or ``?``);
    the query that uses these CTEs must start ``WITH RECURSIVE``.
    """
    return (
        f"walk(target_id) AS (SELECT MIN(target_id) FROM checkins WHERE plan_id = {plan} "
        f"UNION ALL SELECT (SELECT MIN(c.target_id) FROM checkins c WHERE c.plan_id = {plan} "
        "AND c.target_id > w.target_id) FROM walk w WHERE w.target_id IS NOT NULL), "
        "targets(target_id) AS (SELECT target_id FROM walk WHERE target_id IS NOT NULL)"
    )


def _move(conn, ids: list[int], target_id: str) -> None:
    """Give these check-ins another target id (a remap or its undo), a few hundred at a time."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        conn.execute(f"UPDATE checkins SET target_id = ? WHERE id IN ({', '.join('?' * len(chunk))})",
                     (target_id, *chunk))


def now_text() -> str:
    """A recording time as stored: UTC ISO text (the server's timestamptz columns parse it)."""
    return now_utc().isoformat(timespec="microseconds")


def _day(value: str | date) -> date:
    """A stored date: ISO text in SQLite, already a date from a server."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _moment(value: str | datetime) -> datetime:
    """A stored time stamp: ISO text in SQLite, already a datetime from a server."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _plain(value):
    """A stored value as SQLite keeps it (ISO dates, UTC ISO times): what two stores compare."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _entry(row: tuple) -> Entry:
    """A stored row as an :class:`Entry`; a row another tool wrote wrongly is a located error."""
    (id_, plan_id, target_id, day, value, note, who, recorded, withdrawn, problems, next_steps, source,
     contact) = row
    field, raw = "日期", day
    try:
        parsed_day = _day(day)
        field, raw = "录入时间", recorded
        recorded_at = _moment(recorded)
        field, raw = "撤销时间", withdrawn
        withdrawn_at = _moment(withdrawn) if withdrawn else None
        field, raw = "数值", value
        if value is not None and (isinstance(value, (str, bytes)) or not math.isfinite(value)
                                  or abs(value) > MAX_VALUE):  # what update and collect refuse
            raise ValueError(value)
    except (ValueError, TypeError):
        raise LedgerError(
            f"进度数据库中编号 #{id_} 的填报记录{field} {quoted(raw)} 无效（可能由其他程序写入），"
            "请修正该记录或用备份恢复"
        ) from None
    return Entry(
        id=id_,
        plan_id=plan_id,
        target_id=target_id,
        date=parsed_day,
        value=value,
        note=note or "",
        who=who or "",
        recorded_at=recorded_at,
        withdrawn_at=withdrawn_at,
        problems=problems or "",
        next_steps=next_steps or "",
        source=source or "",
        contact=contact or "",
    )


def _entries_query(plan_id: str, target_ids: Iterable[str] | None, month: str | None,
                   include_withdrawn: bool, limit: int | None, oldest_first: bool = False) -> tuple[str, list]:
    where = ["plan_id = ?"]
    params: list = [plan_id]
    if target_ids is not None:
        ids = list(target_ids)
        where.append(f"target_id IN ({', '.join('?' * len(ids))})" if ids else "1 = 0")
        params += ids
    if month is not None:
        first, last = month_bounds(month)
        where.append("date BETWEEN ? AND ?")
        params += [first.isoformat(), last.isoformat()]
    if not include_withdrawn:
        where.append("withdrawn_at IS NULL")
    order = "date, id" if oldest_first else "id DESC"
    sql = f"SELECT {COLUMNS} FROM checkins WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return sql, params


# --- the ledger -------------------------------------------------------------------------------


STREAM_BATCH = 500
"""Rows fetched per step when a read streams (log --all, CSV, show --all): memory stays flat."""


class SqlLedger(Ledger):
    """The :class:`~kjyd.ledger.Ledger` interface over an SQL connection; a store subclasses it,
    connects (``self._conn``: anything with ``execute(sql, params)`` returning a DB-API cursor, or
    None for a store that does not exist yet) and supplies the hooks below."""

    location: str
    _conn = None

    _DATE_PARAM = "?"
    """A date parameter where its type cannot be inferred (``VALUES``)."""

    _Error: tuple[type[BaseException], ...] = ()
    """The driver's error classes that :meth:`_failure` translates (none where the connection
    already raises :class:`LedgerError`)."""

    def _failure(self, err: BaseException) -> LedgerError:
        """One Chinese line for a driver error met while reading or writing."""
        return LedgerError(f"数据库 {self.location} 出错：{err}")

    @abstractmethod
    def _begin_write(self) -> AbstractContextManager:
        """One all-or-nothing transaction holding the store's write lock from its first statement;
        on commit of a change, :func:`kjyd.output.note_change`. Yields the connection."""

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator:
        """A write transaction (:meth:`_begin_write`) that also remembers the target meanings
        :meth:`remember_with_writes` asked for, before it commits."""
        with self._begin_write() as conn:
            yield conn
            if self._remember is not None:
                self._remember_in(conn, *self._remember)

    def _select(self, sql: str, params: list | tuple | dict = ()) -> list[Entry]:
        if self._conn is None:
            return []
        try:
            return [_entry(row) for row in self._conn.execute(sql, params)]
        except self._Error as err:
            raise self._failure(err) from None

    # writing ------------------------------------------------------------------------------

    def _insert(self, conn: object, fields: dict) -> Entry:
        values = {
            "plan_id": fields["plan_id"],
            "target_id": fields["target_id"],
            "date": fields["date"].isoformat(),
            "value": None if fields.get("value") is None else float(fields["value"]),
            "note": fields.get("note", "") or "",
            "who": fields["who"],
            "problems": fields.get("problems", "") or "",
            "next_steps": fields.get("next_steps", "") or "",
            "source": fields.get("source", "") or "",
            "contact": fields.get("contact", "") or "",
        }
        recorded = now_text()
        row = conn.execute(
            f"INSERT INTO checkins ({', '.join(RECORD_FIELDS)}, recorded_at) "
            f"VALUES ({', '.join('?' * len(RECORD_FIELDS))}, ?) RETURNING {COLUMNS}",
            (*(values[k] for k in RECORD_FIELDS), recorded),
        ).fetchone()
        return _entry(row)

    def _value_candidate(self, plan_id: str, target_id: str, as_of: date) -> list[Entry]:
        """The one row that can give the value as of ``as_of`` (empty if none)."""
        return self._select(
            f"SELECT {COLUMNS} FROM checkins WHERE plan_id = ? AND target_id = ? AND date <= ? "
            "AND withdrawn_at IS NULL AND value IS NOT NULL ORDER BY date DESC, id DESC LIMIT 1",
            (plan_id, target_id, as_of.isoformat()),
        )

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
    ) -> tuple[Entry, float | None]:
        if value is not None and add is not None:
            raise ValueError("value and add are mutually exclusive")
        with self._write() as conn:
            previous = value_as_of(self._value_candidate(plan_id, target_id, date), date)
            if add is not None:
                value = (previous or 0.0) + add
            if value is not None and check is not None:
                check(value)
            entry = self._insert(
                conn,
                dict(plan_id=plan_id, target_id=target_id, date=date, value=value, note=note, who=who,
                     problems=problems, next_steps=next_steps, source=source),
            )
        return entry, previous

    def record_many(self, rows: list[dict], *, unless_source_suffix: str | None = None) -> list[Entry] | None:
        with self._write() as conn:
            if unless_source_suffix is not None and rows:
                found = conn.execute(
                    "SELECT 1 FROM checkins WHERE plan_id = ? AND substr(source, length(source) - ? + 1) = ? "
                    "AND withdrawn_at IS NULL LIMIT 1",  # portable suffix test (SQLite and PostgreSQL)
                    (rows[0]["plan_id"], len(unless_source_suffix), unless_source_suffix),
                ).fetchone()
                if found:
                    return None
            return [self._insert(conn, row) for row in rows]

    def withdraw_last(self, *, plan_id: str, who: str, only_if_id: int | None = None) -> Entry:
        with self._write() as conn:
            last = self.last_entry(plan_id)
            if last is None:
                raise LedgerError("没有可撤销的填报记录")
            if only_if_id is not None and last.id != only_if_id:
                raise LedgerError(
                    f"确认期间又有新的填报（编号 #{last.id}），未撤销任何记录；请重新运行 kjyd undo"
                )
            changed = conn.execute(
                "UPDATE checkins SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?",
                (now_text(), who, last.id),
            ).rowcount
            self._check_withdrawn(conn, [last.id], changed)
            row = conn.execute(f"SELECT {COLUMNS} FROM checkins WHERE id = ?", (last.id,)).fetchone()
        return _entry(row)

    def withdraw(self, *, plan_id: str, ids: Iterable[int], who: str) -> list[Entry]:
        wanted = sorted(set(ids))
        if not wanted:
            raise LedgerError("没有可撤销的填报记录")
        marks = ", ".join("?" * len(wanted))
        with self._write() as conn:
            open_ids = {row[0] for row in conn.execute(
                f"SELECT id FROM checkins WHERE plan_id = ? AND id IN ({marks}) AND withdrawn_at IS NULL",
                (plan_id, *wanted))}
            gone = [i for i in wanted if i not in open_ids]
            if gone:
                raise LedgerError(
                    f"确认期间编号 {'、'.join(f'#{i}' for i in gone)} 已被撤销，未撤销任何记录；请重新运行 kjyd undo"
                )
            changed = conn.execute(
                f"UPDATE checkins SET withdrawn_at = ?, withdrawn_by = ? WHERE id IN ({marks})",
                (now_text(), who, *wanted),
            ).rowcount
            self._check_withdrawn(conn, wanted, changed)
            rows = conn.execute(f"SELECT {COLUMNS} FROM checkins WHERE id IN ({marks}) ORDER BY id", wanted)
            return [_entry(row) for row in rows.fetchall()]

    # moving a whole ledger (kjyd db copy) -------------------------------------------------------

    def dump(self) -> dict[str, list[tuple]]:
        if self._conn is None:
            return {table: [] for table, _, _ in COPIED}
        return {
            table: [tuple(_plain(v) for v in row)
                    for row in self._conn.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}")]
            for table, columns, _ in COPIED
        }

    def load(self, tables: dict[str, list[tuple]], *, force: bool) -> tuple[int, int]:
        with self._write() as conn:
            held = {table: {row[:key]: row for row in
                            (tuple(_plain(v) for v in r) for r in conn.execute(f"SELECT {columns} FROM {table}"))}
                    for table, columns, key in COPIED}
            if not force and any(held.values()):
                raise LedgerError(
                    f"目标数据库 {self.location} 已有 {len(held['checkins'])} 条填报记录，未复制任何记录；"
                    "确需合并请加 --force（编号相同而内容不同的记录仍会拒绝）"
                )
            copied = skipped = 0
            for table, columns, key in COPIED:
                rows = tables.get(table, [])
                clash = [row[:key] for row in rows if row[:key] in held[table] and held[table][row[:key]] != row]
                if clash:
                    shown = "、".join(f"#{k[0]}" if key == 1 else "/".join(k) for k in clash[:5])
                    raise LedgerError(
                        f"目标数据库 {self.location} 中 {shown}{'等' if len(clash) > 5 else ''}的记录"
                        "与源数据库不同，未复制任何记录"
                    )
                new = [row for row in rows if row[:key] not in held[table]]
                skipped += len(rows) - len(new)
                copied += len(new) if table == "checkins" else 0
                marks = ", ".join("?" * len(columns.split(",")))
                for row in new:
                    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row)
            self._after_load(conn)
        return copied, skipped

    def _after_load(self, conn) -> None:
        """After rows were copied in with their ids: make new ids continue after the largest
        (SQLite's AUTOINCREMENT already does)."""

    def _check_withdrawn(self, conn, ids: list[int], changed: int) -> None:
        """Every confirmed id must have been marked. In a file nothing can stop that; a server's
        row-level rights can (it skips rows the login may not change), so the PostgreSQL store
        says whose entries they are, and the transaction is rolled back."""
        if changed != len(ids):
            raise LedgerError(f"未能撤销编号 {'、'.join(f'#{i}' for i in ids)}，未撤销任何记录")

    def record_export(self, *, plan_id: str, month: str, as_of: date, path: str) -> None:
        """Remember that ``month``'s report (as of ``as_of``) was written to ``path``."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO exports (plan_id, month, as_of, path, exported_at) VALUES (?, ?, ?, ?, ?)",
                (plan_id, month, as_of.isoformat(), path, now_text()),
            )

    # reading ------------------------------------------------------------------------------

    def last_export(self, plan_id: str, month: str) -> tuple[date, datetime] | None:
        """(as_of, exported_at) of the latest export of ``month``'s report, or None."""
        if self._conn is None:
            return None
        try:
            row = self._conn.execute(
                "SELECT as_of, exported_at FROM exports WHERE plan_id = ? AND month = ? "
                "ORDER BY id DESC LIMIT 1",
                (plan_id, month),
            ).fetchone()
        except self._Error as err:
            raise self._failure(err) from None
        if row is None:
            return None
        try:
            return _day(row[0]), _moment(row[1])
        except (ValueError, TypeError):  # written wrongly by another program: only a warning is lost
            return None

    def entry(self, entry_id: int) -> Entry | None:
        rows = self._select(f"SELECT {COLUMNS} FROM checkins WHERE id = ?", (int(entry_id),))
        return rows[0] if rows else None

    def source_entries(self, plan_id: str, source: str) -> list[Entry]:
        return self._select(
            f"SELECT {COLUMNS} FROM checkins WHERE plan_id = ? AND source = ? AND withdrawn_at IS NULL "
            "ORDER BY id",
            (plan_id, source),
        )

    def last_entry(self, plan_id: str) -> Entry | None:
        rows = self._select(
            f"SELECT {COLUMNS} FROM checkins WHERE plan_id = ? AND withdrawn_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (plan_id,),
        )
        return rows[0] if rows else None

    def entries(
        self,
        plan_id: str,
        *,
        target_ids: Iterable[str] | None = None,
        month: str | None = None,
        include_withdrawn: bool = True,
        limit: int | None = None,
    ) -> list[Entry]:
        return self._select(*_entries_query(plan_id, target_ids, month, include_withdrawn, limit))

    def iter_entries(
        self,
        plan_id: str,
        *,
        target_ids: Iterable[str] | None = None,
        month: str | None = None,
        include_withdrawn: bool = True,
        limit: int | None = None,
        oldest_first: bool = False,
    ) -> Iterator[Entry]:
        """Rows fetched a batch at a time from one cursor (the plan_id/id index keeps the order;
        ``oldest_first`` is sorted by the database, in its own bounded memory)."""
        return self._stream(*_entries_query(plan_id, target_ids, month, include_withdrawn, limit, oldest_first))

    def iter_history(self, plan_id: str, target_id: str, as_of: date) -> Iterator[Entry]:
        """One backwards walk of the (plan_id, target_id, date, id) index: no sort, no list."""
        return self._stream(
            f"SELECT {COLUMNS} FROM checkins WHERE plan_id = ? AND target_id = ? AND date <= ? "
            "ORDER BY date DESC, id DESC", (plan_id, target_id, as_of.isoformat()))

    def _stream(self, sql: str, params: list | tuple) -> Iterator[Entry]:
        if self._conn is None:
            return
        try:
            cursor = self._conn.execute(sql, params)
            while batch := cursor.fetchmany(STREAM_BATCH):
                yield from (_entry(row) for row in batch)
        except self._Error as err:
            raise self._failure(err) from None

    def snapshot(self, plan_id: str, as_of: date, target_ids: Iterable[str] | None = None) -> list[Entry]:
        """Each of the three picks per target is one backwards step on the (plan_id, target_id,
        date, id) index."""
        params = {"plan": plan_id, "as_of": as_of.isoformat()}
        if target_ids is None:
            targets = f"WITH RECURSIVE {_plan_targets(':plan')} "
        else:
            params.update((f"t{n}", target) for n, target in enumerate(dict.fromkeys(target_ids)))
            if len(params) == 2:
                return []
            targets = f"WITH targets(target_id) AS (VALUES {', '.join(f'(:t{n})' for n in range(len(params) - 2))}) "
        pick = (
            "(SELECT x.id FROM checkins x WHERE x.plan_id = :plan AND x.target_id = t.target_id "
            "AND x.date <= :as_of AND x.withdrawn_at IS NULL {extra} "
            "ORDER BY x.date DESC, x.id DESC LIMIT 1)"
        )
        picks = [pick.format(extra=extra) for extra in ("AND x.value IS NOT NULL", "", "AND x.note != ''")]
        union = " UNION ".join(f"SELECT {p} FROM targets t" for p in picks)
        return self._select(f"{targets}SELECT {COLUMNS} FROM checkins WHERE id IN ({union}) ORDER BY id DESC", params)

    def recent(self, plan_id: str, target_ids: Iterable[str], as_of: date, limit: int) -> tuple[list[Entry], int]:
        """Every step is an indexed seek, so a task with years of history costs the same as one
        with a month."""
        ids = list(target_ids)
        day = as_of.isoformat()
        newest = [
            entry for target_id in ids for entry in self._select(
                f"SELECT {COLUMNS} FROM checkins WHERE plan_id = ? AND target_id = ? AND date <= ? "
                "ORDER BY date DESC, id DESC LIMIT ?", (plan_id, target_id, day, int(limit)))
        ]
        newest.sort(key=lambda e: (e.date, e.id), reverse=True)
        window = newest[:limit]
        found = {e.id: e for e in window}
        if window:
            oldest = window[-1]
            for target_id in ids:
                found.update((e.id, e) for e in self._select(
                    f"SELECT {COLUMNS} FROM checkins WHERE plan_id = ? AND target_id = ? "
                    "AND withdrawn_at IS NULL AND value IS NOT NULL AND (date < ? OR (date = ? AND id < ?)) "
                    "ORDER BY date DESC, id DESC LIMIT 1",
                    (plan_id, target_id, oldest.date.isoformat(), oldest.date.isoformat(), oldest.id)))
        found.update((e.id, e) for e in self.snapshot(plan_id, as_of, ids))
        total = 0
        if self._conn is not None and ids:
            try:
                total = self._conn.execute(
                    f"SELECT COUNT(*) FROM checkins WHERE plan_id = ? AND target_id IN ({', '.join('?' * len(ids))}) "
                    "AND date <= ?", (plan_id, *ids, day)).fetchone()[0]
            except self._Error as err:
                raise self._failure(err) from None
        return sorted(found.values(), key=lambda e: e.id, reverse=True), total

    def month_end_values(self, plan_id: str, months: list[str],
                         target_ids: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
        """One query for all months and targets (or only the given ones: ``show`` needs a task's)."""
        if not months:
            return {}
        ends = {month: month_bounds(month)[1] for month in months}
        values_sql = ", ".join(f"({self._DATE_PARAM})" for _ in ends)
        if target_ids is None:
            targets, target_params = _plan_targets("?"), [plan_id, plan_id]
        else:
            target_params = list(target_ids)
            if not target_params:
                return {}
            targets = f"targets(target_id) AS (VALUES {', '.join('(?)' for _ in target_params)})"
        rows = self._select(
            f"WITH RECURSIVE ends(d) AS (VALUES {values_sql}), {targets} "
            f"SELECT {COLUMNS} FROM checkins WHERE id IN ("
            "SELECT (SELECT x.id FROM checkins x WHERE x.plan_id = ? AND x.target_id = t.target_id "
            "AND x.date <= ends.d AND x.withdrawn_at IS NULL AND x.value IS NOT NULL "
            "ORDER BY x.date DESC, x.id DESC LIMIT 1) FROM ends, targets t)",
            [*(d.isoformat() for d in ends.values()), *target_params, plan_id],
        )
        by_target: dict[str, list[Entry]] = {}
        for entry in rows:
            by_target.setdefault(entry.target_id, []).append(entry)
        result: dict[str, dict[str, float]] = {}
        for target_id, candidates in by_target.items():
            for month, end in ends.items():
                value = value_as_of(candidates, end)
                if value is not None:
                    result.setdefault(target_id, {})[month] = value
        return result

    # what target ids mean ---------------------------------------------------------------------

    def meanings(self, plan_id: str) -> dict[str, tuple[str, str] | None]:
        if self._conn is None:
            return {}
        try:
            rows = self._conn.execute(
                f"WITH RECURSIVE {_plan_targets('?')} SELECT t.target_id, m.name, m.unit FROM targets t "
                "LEFT JOIN target_meanings m ON m.plan_id = ? AND m.target_id = t.target_id",
                (plan_id, plan_id, plan_id),
            ).fetchall()
        except self._Error as err:
            raise self._failure(err) from None
        return {target: None if name is None else (name, unit) for target, name, unit in rows}

    def remember_meanings(self, plan_id: str, meanings: Mapping[str, tuple[str, str]]) -> None:
        with self._write() as conn:
            self._remember_in(conn, plan_id, meanings)

    @staticmethod
    def _remember_in(conn, plan_id: str, meanings: Mapping[str, tuple[str, str]]) -> None:
        """:meth:`remember_meanings` inside the caller's transaction, as one statement (one round
        trip to a server, however many targets the plan has)."""
        if not meanings:
            return
        rows = ", ".join("(?, ?, ?)" for _ in meanings)
        conn.execute(
            f"WITH given(target_id, name, unit) AS (VALUES {rows}) "
            "INSERT INTO target_meanings (plan_id, target_id, name, unit, recorded_at) "
            "SELECT ?, g.target_id, g.name, g.unit, ? FROM given g WHERE EXISTS "
            "(SELECT 1 FROM checkins c WHERE c.plan_id = ? AND c.target_id = g.target_id) ON CONFLICT DO NOTHING",
            (*(v for target, (name, unit) in meanings.items() for v in (target, name, unit)), plan_id, now_text(), plan_id),
        )

    def remap(self, plan_id: str, moves: list[tuple[str, str]],
              meanings: Mapping[str, tuple[str, str]], who: str) -> dict[str, int]:
        involved = sorted({t for move in moves for t in move})
        marks = ", ".join("?" * len(involved))
        with self._write() as conn:
            before = {t: None for t in involved}
            for target, name, unit in conn.execute(
                f"SELECT target_id, name, unit FROM target_meanings WHERE plan_id = ? AND target_id IN ({marks})",
                (plan_id, *involved),
            ):
                before[target] = [name, unit]
            moved = [
                (old, new, [r[0] for r in conn.execute(
                    "SELECT id FROM checkins WHERE plan_id = ? AND target_id = ? ORDER BY id", (plan_id, old))])
                for old, new in moves
            ]
            for old, new, ids in moved:  # all ids are read before any is moved: A→B with B→A swaps
                _move(conn, ids, new)
            self._set_meanings(conn, plan_id, involved, {new: meanings[new] for _, new in moves})
            conn.execute(
                "INSERT INTO remaps (plan_id, moves, before, who, recorded_at) VALUES (?, ?, ?, ?, ?)",
                (plan_id, json.dumps(moved), json.dumps(before, ensure_ascii=False), who, now_text()),
            )
        return {old: len(ids) for old, _, ids in moved}

    def undo_remap(self, plan_id: str, who: str) -> list[tuple[str, str, int]]:
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, moves, before FROM remaps WHERE plan_id = ? AND undone_at IS NULL "
                "ORDER BY id DESC LIMIT 1", (plan_id,),
            ).fetchone()
            if row is None:
                raise LedgerError("没有可撤销的编号转移（kjyd plan remap）")
            remap_id, moves, before = row[0], json.loads(row[1]), json.loads(row[2])
            for old, _new, ids in moves:
                _move(conn, ids, old)
            self._set_meanings(conn, plan_id, list(before), {t: tuple(m) for t, m in before.items() if m})
            conn.execute("UPDATE remaps SET undone_at = ?, undone_by = ? WHERE id = ?", (now_text(), who, remap_id))
        return [(old, new, len(ids)) for old, new, ids in moves]

    @staticmethod
    def _set_meanings(conn: object, plan_id: str, ids: list[str],
                      meanings: Mapping[str, tuple[str, str]]) -> None:
        """Replace the remembered meanings of ``ids``: those in ``meanings`` set, the others cleared."""
        for target in ids:
            conn.execute("DELETE FROM target_meanings WHERE plan_id = ? AND target_id = ?", (plan_id, target))
        for target, (name, unit) in meanings.items():
            conn.execute(
                "INSERT INTO target_meanings (plan_id, target_id, name, unit, recorded_at) VALUES (?, ?, ?, ?, ?)",
                (plan_id, target, name, unit, now_text()),
            )

    def sources(self, plan_id: str) -> set[str]:
        if self._conn is None:
            return set()
        try:
            rows = self._conn.execute(
                "SELECT DISTINCT source FROM checkins WHERE plan_id = ? AND source != '' "
                "AND withdrawn_at IS NULL",
                (plan_id,),
            ).fetchall()
        except self._Error as err:
            raise self._failure(err) from None
        return {r[0] for r in rows}


__all__ = ["SqlLedger", "MEANINGS_TABLES", "COLUMNS", "COPIED"]
