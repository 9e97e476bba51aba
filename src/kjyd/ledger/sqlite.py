"""The SQLite store of the ledger: every check-in ever made, kept in one file that must never be lost.

The embedded default (one planner's PC). It implements :class:`kjyd.ledger.Ledger`; commands reach
it through :func:`kjyd.ledger.open_ledger`. Why it looks like this:

* **Nothing is overwritten or deleted.** A check-in is an INSERT; ``undo`` only stamps
  ``withdrawn_at``/``withdrawn_by``. The value rule (:mod:`kjyd.entries`) decides what counts.
* **Safe under concurrency.** Every write runs inside ``BEGIN IMMEDIATE`` (the write lock is taken
  before anything is read, so the read-modify-write of ``--add`` cannot interleave), the journal is
  WAL (readers never block the writer) and a generous busy timeout makes a second writer wait
  instead of failing with "database is locked".
* **Safe under crashes.** ``synchronous=FULL``: once :meth:`SqliteLedger.record` returns, the check-in is
  on disk, so a command that reported success never loses its check-in.
* **Versioned schema.** :data:`MIGRATIONS` is an ordered list of small functions; each applied one
  is recorded in ``schema_migrations`` so a later release opens (and upgrades) an older file, and an
  older release refuses a newer file instead of misreading it.
* **Reads do not create files.** ``SqliteLedger.open(path, write=False)`` on a missing file behaves as an
  empty ledger; the file and its folder appear on the first write.

The SQL only *pre-selects* candidate rows with indexed queries (so a year of history is never
loaded whole); which check-in gives the value is decided by :mod:`kjyd.entries`.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from kjyd import output
from kjyd.entries import Entry, value_as_of
from kjyd.errors import LedgerError
from kjyd.values import quoted
from kjyd.ledger import Ledger, month_bounds, now_utc

BUSY_TIMEOUT_MS = 20_000
"""How long a writer waits for another one before giving up (module-level so tests can shorten it)."""


# --- schema -----------------------------------------------------------------------------------


def _m1_checkins(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE checkins (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            plan_id TEXT NOT NULL,
            target_id TEXT NOT NULL,
            date TEXT NOT NULL,
            value REAL,
            note TEXT NOT NULL DEFAULT '',
            who TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL,
            withdrawn_at TEXT,
            withdrawn_by TEXT
        )"""
    )
    conn.execute("CREATE INDEX checkins_by_target ON checkins (plan_id, target_id, date, id)")


def _m2_division_reports(conn: sqlite3.Connection) -> None:
    for column in ("problems", "next_steps", "source"):
        conn.execute(f"ALTER TABLE checkins ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


def _m3_exports(conn: sqlite3.Connection) -> None:
    """Which month's report went out when: a later check-in dated into that month changes a report
    leadership already has, and ``collect``/``update`` say so."""
    conn.execute(
        """CREATE TABLE exports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            plan_id TEXT NOT NULL,
            month TEXT NOT NULL,
            as_of TEXT NOT NULL,
            path TEXT NOT NULL,
            exported_at TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX exports_by_month ON exports (plan_id, month)")


def _m4_plan_order_index(conn: sqlite3.Connection) -> None:
    """``WHERE plan_id = ? ORDER BY id DESC LIMIT n`` (log, the latest check-in) as an index walk:
    without it, ``log --limit 20`` sorted the plan's whole history first."""
    conn.execute("CREATE INDEX IF NOT EXISTS checkins_by_plan ON checkins (plan_id, id)")


_MEANINGS = (
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


def _move(conn, ids: list[int], target_id: str) -> None:
    """Give these check-ins another target id (a remap or its undo), a few hundred at a time."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        conn.execute(f"UPDATE checkins SET target_id = ? WHERE id IN ({', '.join('?' * len(chunk))})",
                     (target_id, *chunk))


def _m5_target_meanings(conn: sqlite3.Connection) -> None:
    for statement in _MEANINGS:
        conn.execute(statement.format(identity="INTEGER PRIMARY KEY AUTOINCREMENT"))


def _m6_report_contact(conn: sqlite3.Connection) -> None:
    """Who filled a division's workbook, their phone and the division head (填报人/联系电话/处室负责人)."""
    conn.execute("ALTER TABLE checkins ADD COLUMN contact TEXT NOT NULL DEFAULT ''")


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("checkins", _m1_checkins),
    ("division_reports", _m2_division_reports),
    ("exports", _m3_exports),
    ("plan_order_index", _m4_plan_order_index),
    ("target_meanings", _m5_target_meanings),
    ("report_contact", _m6_report_contact),
]
"""Applied in order; version N is ``MIGRATIONS[N - 1]``. Only ever append to this list."""

SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    "id, plan_id, target_id, date, value, note, who, recorded_at, withdrawn_at, "
    "problems, next_steps, source, contact"
)
_RECORD_FIELDS = (
    "plan_id", "target_id", "date", "value", "note", "who", "problems", "next_steps", "source", "contact",
)
_ALL_COLUMNS = (
    "id, plan_id, target_id, date, value, note, who, recorded_at, withdrawn_at, withdrawn_by, "
    "problems, next_steps, source, contact"
)
_COPIED = (
    ("checkins", _ALL_COLUMNS, 1),
    ("exports", "id, plan_id, month, as_of, path, exported_at", 1),
    ("target_meanings", "plan_id, target_id, name, unit, recorded_at", 2),
    ("remaps", "id, plan_id, moves, before, who, recorded_at, undone_at, undone_by", 1),
)
"""What ``kjyd db copy`` moves: (table, columns, how many leading columns are its key)."""



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


# --- helpers ----------------------------------------------------------------------------------


def _now() -> str:
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
        if value is not None and (isinstance(value, (str, bytes)) or not math.isfinite(value)):
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


def _translate(err: sqlite3.Error, path: Path) -> LedgerError:
    """One Chinese line for each way the database file can fail us."""
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        seconds = BUSY_TIMEOUT_MS // 1000  # reads wait too (a rollback-journal file, a recovery)
        return LedgerError(f"数据库 {path} 被其他程序占用，等待 {seconds} 秒后仍无法访问，请稍后重试")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return LedgerError(f"数据库 {path} 是只读的，无法写入（请检查文件和所在文件夹的写权限）")
    if name == "SQLITE_NOTADB" or "not a database" in text:
        return LedgerError(f"{path} 不是 SQLite 数据库文件，无法作为进度数据库使用")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return LedgerError(f"数据库 {path} 已损坏，请用备份恢复")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return LedgerError(f"无法打开数据库 {path}（请检查路径和读写权限）")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return LedgerError(f"磁盘已满，无法写入数据库 {path}")
    if name.startswith("SQLITE_IOERR") or "disk I/O" in text:
        if _disk_nearly_full(path):  # SQLite reports a full disk met while growing the WAL as I/O
            return LedgerError(f"磁盘已满，无法写入数据库 {path}")
        return LedgerError(f"读写数据库 {path} 时发生磁盘错误")
    return LedgerError(f"数据库 {path} 出错：{text}")


def _disk_nearly_full(path: Path) -> bool:
    """Less than a megabyte free where the database lives (so an I/O error most likely means full)."""
    import shutil

    try:
        return shutil.disk_usage(Path(path).resolve().parent).free < 1024 * 1024
    except OSError:
        return False


def _connect_reading(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection: an archived database on read-only storage can still be viewed."""
    uri = f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)


READABLE_VERSION = 2
"""Oldest schema version read commands can use as it is (later migrations only add indexes)."""


def _entries_query(plan_id: str, target_ids: Iterable[str] | None, month: str | None,
                   include_withdrawn: bool, limit: int | None) -> tuple[str, list]:
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
    sql = f"SELECT {_COLUMNS} FROM checkins WHERE {' AND '.join(where)} ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return sql, params


# --- the ledger -------------------------------------------------------------------------------


class SqliteLedger(Ledger):
    """Check-ins of one database file (possibly several plans, keyed by plan id)."""

    _DATE_PARAM = "?"
    """A date parameter where its type cannot be inferred (``VALUES``): SQLite keeps dates as ISO text."""

    def __init__(self, path: Path, conn: sqlite3.Connection | None):
        self.path = path
        self.location = str(path)
        self._conn = conn

    # opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, write: bool) -> "SqliteLedger":  # type: ignore[override]
        """Open the ledger at ``path``.

        ``write=False`` never creates anything: a missing file is an empty ledger. ``write=True``
        creates the folder and the file, and brings the schema up to date.
        """
        path = Path(path)
        if path.is_dir():
            raise LedgerError(f"{path} 是一个文件夹，不是进度数据库文件")
        if not write and not path.exists():
            return cls(path, None)
        if not write:
            return cls._open_reading(path)
        if write:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise LedgerError(f"无法创建数据库所在的文件夹 {path.parent}：{err.strerror}") from None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as err:
            raise _translate(err, path) from None
        ledger = cls(path, conn)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            conn.execute("PRAGMA synchronous = FULL")
            ledger._check_kjyd_file()
            if write:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise LedgerError(f"数据库 {path} 无法切换到 WAL 日志模式（当前为 {mode}）")
            ledger._migrate()
        except sqlite3.Error as err:
            conn.close()
            raise _translate(err, path) from None
        except LedgerError:
            conn.close()
            raise
        return ledger

    @classmethod
    def _open_reading(cls, path: Path, upgrade: bool = True) -> "SqliteLedger":
        """Open for reading only (``mode=ro``; ``immutable`` where even the WAL index cannot be
        created, as on read-only storage). An older schema is upgraded first through a short
        write connection when the file allows it; otherwise read as it is when it has every column."""
        ledger = cls(path, None)
        for immutable in (False, True):
            try:
                ledger._conn = _connect_reading(path, immutable)
                ledger._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
                ledger._check_kjyd_file()
                version = ledger._version()
                break
            except sqlite3.Error as err:
                ledger.close()
                name = getattr(err, "sqlite_errorname", "") or ""
                if immutable or not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR")):
                    raise _translate(err, path) from None
            except LedgerError:
                ledger.close()
                raise
        if version > SCHEMA_VERSION:
            ledger.close()
            raise LedgerError(
                f"数据库 {path} 由更新版本的 kjyd 创建（结构版本 {version}，"
                f"本程序只支持到 {SCHEMA_VERSION}），请升级 kjyd 后再使用"
            )
        if version < SCHEMA_VERSION and upgrade:
            ledger.close()
            try:
                cls.open(path, write=True).close()
            except LedgerError:
                if version < READABLE_VERSION:
                    raise
            return cls._open_reading(path, upgrade=False)
        return ledger

    def _check_kjyd_file(self) -> None:
        """Refuse an SQLite file that belongs to some other program (it has tables but not ours)."""
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "schema_migrations" not in tables:
            raise LedgerError(f"{self.path} 是其他程序的 SQLite 数据库，不是 kjyd 进度数据库")

    def _version(self) -> int:
        has_table = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        ).fetchone()
        if not has_table:
            return 0
        return self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]

    def _migrate(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return
        with self._write():  # re-read under the write lock: another process may have migrated
            version = self._version()
            if version > SCHEMA_VERSION:
                raise LedgerError(
                    f"数据库 {self.path} 由更新版本的 kjyd 创建（结构版本 {version}，"
                    f"本程序只支持到 {SCHEMA_VERSION}），请升级 kjyd 后再使用"
                )
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for number, (name, apply) in enumerate(MIGRATIONS, start=1):
                if number > version:
                    apply(self._conn)
                    self._conn.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        (number, name, _now()),
                    )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write transaction, holding the write lock from its first statement."""
        if self._conn is None:
            raise LedgerError(f"数据库 {self.path} 以只读方式打开，不能写入")
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise _translate(err, self.path) from None
        before = conn.total_changes
        try:
            yield conn
            if self._remember is not None:
                self._remember_in(conn, *self._remember)
            conn.execute("COMMIT")
            if conn.total_changes != before:
                output.note_change()  # an exit code must now say that something was stored
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _translate(exc, self.path) from None
            raise

    def _select(self, sql: str, params: list | tuple | dict = ()) -> list[Entry]:
        if self._conn is None:
            return []
        try:
            return [_entry(row) for row in self._conn.execute(sql, params)]
        except sqlite3.Error as err:
            raise _translate(err, self.path) from None

    # writing ------------------------------------------------------------------------------

    def _insert(self, conn: sqlite3.Connection, fields: dict) -> Entry:
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
        recorded = _now()
        row = conn.execute(
            f"INSERT INTO checkins ({', '.join(_RECORD_FIELDS)}, recorded_at) "
            f"VALUES ({', '.join('?' * len(_RECORD_FIELDS))}, ?) RETURNING {_COLUMNS}",
            (*(values[k] for k in _RECORD_FIELDS), recorded),
        ).fetchone()
        return _entry(row)

    def _value_candidate(self, plan_id: str, target_id: str, as_of: date) -> list[Entry]:
        """The one row that can give the value as of ``as_of`` (empty if none)."""
        return self._select(
            f"SELECT {_COLUMNS} FROM checkins WHERE plan_id = ? AND target_id = ? AND date <= ? "
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
                (_now(), who, last.id),
            ).rowcount
            self._check_withdrawn(conn, [last.id], changed)
            row = conn.execute(f"SELECT {_COLUMNS} FROM checkins WHERE id = ?", (last.id,)).fetchone()
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
                (_now(), who, *wanted),
            ).rowcount
            self._check_withdrawn(conn, wanted, changed)
            rows = conn.execute(f"SELECT {_COLUMNS} FROM checkins WHERE id IN ({marks}) ORDER BY id", wanted)
            return [_entry(row) for row in rows.fetchall()]

    # moving a whole ledger (kjyd db copy) -------------------------------------------------------

    def dump(self) -> dict[str, list[tuple]]:
        if self._conn is None:
            return {table: [] for table, _, _ in _COPIED}
        return {
            table: [tuple(_plain(v) for v in row)
                    for row in self._conn.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}")]
            for table, columns, _ in _COPIED
        }

    def load(self, tables: dict[str, list[tuple]], *, force: bool) -> tuple[int, int]:
        with self._write() as conn:
            held = {table: {row[:key]: row for row in
                            (tuple(_plain(v) for v in r) for r in conn.execute(f"SELECT {columns} FROM {table}"))}
                    for table, columns, key in _COPIED}
            if not force and any(held.values()):
                raise LedgerError(
                    f"目标数据库 {self.location} 已有 {len(held['checkins'])} 条填报记录，未复制任何记录；"
                    "确需合并请加 --force（编号相同而内容不同的记录仍会拒绝）"
                )
            copied = skipped = 0
            for table, columns, key in _COPIED:
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
        """SQLite's AUTOINCREMENT already continues after the largest id copied in."""

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
                (plan_id, month, as_of.isoformat(), path, _now()),
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
        except sqlite3.Error as err:
            raise _translate(err, self.path) from None
        return None if row is None else (_day(row[0]), _moment(row[1]))

    def entry(self, entry_id: int) -> Entry | None:
        rows = self._select(f"SELECT {_COLUMNS} FROM checkins WHERE id = ?", (int(entry_id),))
        return rows[0] if rows else None

    def source_entries(self, plan_id: str, source: str) -> list[Entry]:
        return self._select(
            f"SELECT {_COLUMNS} FROM checkins WHERE plan_id = ? AND source = ? AND withdrawn_at IS NULL "
            "ORDER BY id",
            (plan_id, source),
        )

    def last_entry(self, plan_id: str) -> Entry | None:
        rows = self._select(
            f"SELECT {_COLUMNS} FROM checkins WHERE plan_id = ? AND withdrawn_at IS NULL "
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
    ) -> Iterator[Entry]:
        """Rows fetched a batch at a time from one cursor (the plan_id/id index keeps the order)."""
        if self._conn is None:
            return
        sql, params = _entries_query(plan_id, target_ids, month, include_withdrawn, limit)
        try:
            cursor = self._conn.execute(sql, params)
            while batch := cursor.fetchmany(500):
                yield from (_entry(row) for row in batch)
        except sqlite3.Error as err:
            raise _translate(err, self.path) from None

    def snapshot(self, plan_id: str, as_of: date) -> list[Entry]:
        """Each of the three picks per target is one backwards step on the (plan_id, target_id,
        date, id) index."""
        pick = (
            "(SELECT x.id FROM checkins x WHERE x.plan_id = :plan AND x.target_id = t.target_id "
            "AND x.date <= :as_of AND x.withdrawn_at IS NULL {extra} "
            "ORDER BY x.date DESC, x.id DESC LIMIT 1)"
        )
        picks = [pick.format(extra=extra) for extra in ("AND x.value IS NOT NULL", "", "AND x.note != ''")]
        union = " UNION ".join(f"SELECT {p} FROM targets t" for p in picks)
        return self._select(
            f"WITH RECURSIVE {_plan_targets(':plan')} "
            f"SELECT {_COLUMNS} FROM checkins WHERE id IN ({union}) ORDER BY id DESC",
            {"plan": plan_id, "as_of": as_of.isoformat()},
        )

    def recent(self, plan_id: str, target_ids: Iterable[str], as_of: date, limit: int) -> tuple[list[Entry], int]:
        """Every step is an indexed seek, so a task with years of history costs the same as one
        with a month."""
        ids = list(target_ids)
        day = as_of.isoformat()
        newest = [
            entry for target_id in ids for entry in self._select(
                f"SELECT {_COLUMNS} FROM checkins WHERE plan_id = ? AND target_id = ? AND date <= ? "
                "ORDER BY date DESC, id DESC LIMIT ?", (plan_id, target_id, day, int(limit)))
        ]
        newest.sort(key=lambda e: (e.date, e.id), reverse=True)
        window = newest[:limit]
        found = {e.id: e for e in window}
        if window:
            oldest = window[-1]
            for target_id in ids:
                found.update((e.id, e) for e in self._select(
                    f"SELECT {_COLUMNS} FROM checkins WHERE plan_id = ? AND target_id = ? "
                    "AND withdrawn_at IS NULL AND value IS NOT NULL AND (date < ? OR (date = ? AND id < ?)) "
                    "ORDER BY date DESC, id DESC LIMIT 1",
                    (plan_id, target_id, oldest.date.isoformat(), oldest.date.isoformat(), oldest.id)))
        wanted = set(ids)
        found.update((e.id, e) for e in self.snapshot(plan_id, as_of) if e.target_id in wanted)
        total = 0
        if self._conn is not None and ids:
            try:
                total = self._conn.execute(
                    f"SELECT COUNT(*) FROM checkins WHERE plan_id = ? AND target_id IN ({', '.join('?' * len(ids))}) "
                    "AND date <= ?", (plan_id, *ids, day)).fetchone()[0]
            except sqlite3.Error as err:
                raise _translate(err, self.path) from None
        return sorted(found.values(), key=lambda e: e.id, reverse=True), total

    def month_end_values(self, plan_id: str, months: list[str]) -> dict[str, dict[str, float]]:
        """One query for all months and targets."""
        if not months:
            return {}
        ends = {month: month_bounds(month)[1] for month in months}
        values_sql = ", ".join(f"({self._DATE_PARAM})" for _ in ends)
        rows = self._select(
            f"WITH RECURSIVE ends(d) AS (VALUES {values_sql}), {_plan_targets('?')} "
            f"SELECT {_COLUMNS} FROM checkins WHERE id IN ("
            "SELECT (SELECT x.id FROM checkins x WHERE x.plan_id = ? AND x.target_id = t.target_id "
            "AND x.date <= ends.d AND x.withdrawn_at IS NULL AND x.value IS NOT NULL "
            "ORDER BY x.date DESC, x.id DESC LIMIT 1) FROM ends, targets t)",
            [*(d.isoformat() for d in ends.values()), plan_id, plan_id, plan_id],
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
        except sqlite3.Error as err:
            raise _translate(err, self.path) from None
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
            (*(v for target, (name, unit) in meanings.items() for v in (target, name, unit)), plan_id, _now(), plan_id),
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
                (plan_id, json.dumps(moved), json.dumps(before, ensure_ascii=False), who, _now()),
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
            conn.execute("UPDATE remaps SET undone_at = ?, undone_by = ? WHERE id = ?", (_now(), who, remap_id))
        return [(old, new, len(ids)) for old, new, ids in moves]

    @staticmethod
    def _set_meanings(conn: sqlite3.Connection, plan_id: str, ids: list[str],
                      meanings: Mapping[str, tuple[str, str]]) -> None:
        """Replace the remembered meanings of ``ids``: those in ``meanings`` set, the others cleared."""
        for target in ids:
            conn.execute("DELETE FROM target_meanings WHERE plan_id = ? AND target_id = ?", (plan_id, target))
        for target, (name, unit) in meanings.items():
            conn.execute(
                "INSERT INTO target_meanings (plan_id, target_id, name, unit, recorded_at) VALUES (?, ?, ?, ?, ?)",
                (plan_id, target, name, unit, _now()),
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
        except sqlite3.Error as err:
            raise _translate(err, self.path) from None
        return {r[0] for r in rows}


__all__ = ["SqliteLedger", "MIGRATIONS", "SCHEMA_VERSION", "BUSY_TIMEOUT_MS"]
