"""The SQLite store of the ledger: every check-in ever made, kept in one file that must never be lost.

The embedded default (one planner's PC). One of the two implementations of :class:`kjyd.ledger.Ledger`,
beside :mod:`kjyd.ledger.postgres`; both take their queries from :class:`kjyd.ledger.sql_base.SqlLedger`,
and this module supplies what is the file's own: opening, its schema and migrations, its locking and
its errors. Commands reach it through :func:`kjyd.ledger.open_ledger`. Why it looks like this:

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
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kjyd import output
from kjyd.errors import LedgerError
from kjyd.ledger.sql_base import MEANINGS_TABLES, SqlLedger, now_text
from kjyd.values import shown

BUSY_TIMEOUT_MS = 20_000
"""How long a writer waits for another one before giving up (module-level so tests can shorten it)."""
READ_CACHE_KIB = 256
"""Page cache of a read-only connection. Reads are index seeks (a few pages each) or one pass over
the history (``log --all``, exports), which never reads a page twice; SQLite's default 2 MiB
cache only added that much to every long read's peak memory (issue #12: ≤ 1.25 × the empty file)."""


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


def _m5_target_meanings(conn: sqlite3.Connection) -> None:
    for statement in MEANINGS_TABLES:
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


# --- errors and connections -------------------------------------------------------------------


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


# --- the ledger -------------------------------------------------------------------------------


class SqliteLedger(SqlLedger):
    """Check-ins of one database file (possibly several plans, keyed by plan id)."""

    _Error = (sqlite3.Error,)

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
        if "\x00" in str(path):  # from kjyd.toml or an environment variable; sqlite3 raises ValueError
            raise LedgerError(f"数据库文件名 {shown(str(path))} 中含有空字符（\\x00），不是有效的文件名")
        if path.is_dir():
            raise LedgerError(f"{path} 是一个文件夹，不是进度数据库文件")
        if path.exists() and not path.is_file():  # opening a FIFO to read blocks forever
            raise LedgerError(f"{path} 不是普通文件（管道、设备等），不是进度数据库文件")
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
                ledger._conn.execute(f"PRAGMA cache_size = {-READ_CACHE_KIB}")
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
        with self._begin_write():  # re-read under the write lock: another process may have migrated
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
                        (number, name, now_text()),
                    )

    # the dialect hooks of SqlLedger ---------------------------------------------------------

    def _failure(self, err: BaseException) -> LedgerError:
        return _translate(err, self.path)

    @contextmanager
    def _begin_write(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE``: the file's write lock is taken before anything is read."""
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
            conn.execute("COMMIT")
            if conn.total_changes != before:
                output.note_change()  # an exit code must now say that something was stored
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _translate(exc, self.path) from None
            raise


__all__ = ["SqliteLedger", "MIGRATIONS", "SCHEMA_VERSION", "BUSY_TIMEOUT_MS"]
