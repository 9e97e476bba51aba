"""Reading what a test's store holds, whichever store it is (an SQLite file or a PostgreSQL URL).

Tests check the stored rows themselves, not only what kjyd prints. The PostgreSQL store keeps
real ``date``/``timestamptz`` columns; dates come back as the ISO text SQLite stores, so one
expected list serves both stores.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path


def is_server(db) -> bool:
    return isinstance(db, str) and db.startswith("postgresql://")


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _server(db: str):
    import psycopg

    return psycopg.connect(db, options="-c search_path=kjyd")


def execute(db: Path | str, sql: str, params: tuple = ()) -> None:
    """Change the store behind kjyd's back (as another program could), in one committed transaction."""
    if is_server(db):
        with _server(db) as conn:
            conn.execute(sql.replace("?", "%s"), params)
        return
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(sql, params)


def query(db: Path | str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of ``sql`` in the store ``db``; ``[]`` when nothing was ever written there."""
    if is_server(db):
        with _server(db) as conn:
            exists = conn.execute("SELECT to_regclass('kjyd.checkins')").fetchone()[0]
            if exists is None:
                return []
            rows = conn.execute(sql.replace("?", "%s"), params).fetchall()
        return [tuple(_plain(v) for v in row) for row in rows]
    if not Path(db).exists():
        return []
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def exists(db: Path | str) -> bool:
    """Whether anything was ever created: the SQLite file, or kjyd's schema on the server."""
    if is_server(db):
        import psycopg

        with psycopg.connect(db) as conn:
            return conn.execute("SELECT to_regnamespace('kjyd')").fetchone()[0] is not None
    return Path(db).exists()
