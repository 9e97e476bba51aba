"""Storage that fights back: a full disk, read-only storage, a killed export, another writer's lock.

A full disk and a read-only file system are real here: each test runs kjyd inside
``unshare -rm`` (a private mount namespace, no privileges needed) on a tiny tmpfs or a read-only
bind mount. Where that is unavailable the tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


needs_unshare = pytest.mark.skipif(not _can_unshare(), reason="needs unshare -rm (user and mount namespaces)")
KJYD = f"{sys.executable} -m kjyd"


def _in_namespace(script: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


@pytest.fixture
def env() -> dict:
    return dict(os.environ, KJYD_TODAY="2022-06-30", PYTHONIOENCODING="utf-8")


@needs_unshare
def test_a_full_disk_says_disk_full_and_an_export_leaves_no_noise(tmp_path, env):
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
    mount -t tmpfs -o size=400k tmpfs {disk} || exit 90
    export KJYD_DB={disk}/k.db
    {KJYD} update 十三.1 --value 3 >/dev/null || exit 91
    mkdir {disk}/out
    head -c 10000000 /dev/zero > {disk}/filler 2>/dev/null
    {KJYD} update 十三.1 --value 4; echo "update=$?"
    {KJYD} status >/dev/null; echo "status=$?"
    rm {disk}/filler; head -c 385000 /dev/zero > {disk}/filler 2>/dev/null
    {KJYD} export --month 2022-06 -o {disk}/out; echo "export=$?"
    ls -A {disk}/out | wc -l
    """
    result = _in_namespace(script, env)
    out, err = result.stdout, result.stderr
    assert "update=1" in out and "磁盘已满，无法写入数据库" in err, (out, err)
    assert "status=0" in out, err  # reading needs no space
    assert "export=1" in out and "中写入文件：磁盘已满" in err, (out, err)
    assert out.strip().endswith("0")  # no temporary file left behind
    assert "Traceback" not in err and "Exception ignored" not in err and "I/O" not in err


@needs_unshare
def test_a_database_on_read_only_storage_can_be_read(tmp_path, env):
    src, mnt = tmp_path / "src", tmp_path / "mnt"
    src.mkdir()
    mnt.mkdir()
    env = dict(env, KJYD_DB=str(src / "k.db"))
    assert subprocess.run([sys.executable, "-m", "kjyd", "update", "十三.1", "--value", "3"], env=env,
                          capture_output=True).returncode == 0
    script = f"""
    mount --bind {src} {mnt} && mount -o remount,bind,ro {mnt} || exit 90
    export KJYD_DB={mnt}/k.db
    {KJYD} log; echo "log=$?"
    {KJYD} status >/dev/null; echo "status=$?"
    {KJYD} export --month 2022-06 --format csv -o {tmp_path}/x.csv; echo "export=$?"
    {KJYD} update 十三.1 --value 4; echo "update=$?"
    """
    result = _in_namespace(script, env)
    out, err = result.stdout, result.stderr
    assert "log=0" in out and "十三.1" in out, (out, err)
    assert "status=0" in out and "export=0" in out, err
    assert "update=1" in out and ("只读" in err or "读写权限" in err), err
    assert "Traceback" not in err


@pytest.mark.sqlite_only  # the SQLite file itself (its mode bits, its query plan, its locks)
def test_read_commands_do_not_write(run, db_path):
    assert run("update", "十三.1", "--value", "3").exit_code == 0
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    try:
        for args in (["log"], ["status"], ["show", "十三"], ["status", "--missing"]):
            assert run(*args).exit_code == 0, args
    finally:
        db_path.chmod(0o644)
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only  # the SQLite file itself (its mode bits, its query plan, its locks)
def test_an_older_database_is_upgraded_and_then_indexed_for_log(run, db_path):
    assert run("update", "十三.1", "--value", "3").exit_code == 0
    with closing(sqlite3.connect(db_path)) as conn, conn:
        # back to a version-3 file: what came with plan_order_index and every later migration undone
        conn.execute("DROP INDEX checkins_by_plan")
        conn.execute("DROP TABLE target_meanings")
        conn.execute("DROP TABLE remaps")
        conn.execute("ALTER TABLE checkins DROP COLUMN contact")
        conn.execute("DELETE FROM schema_migrations WHERE version > 3")
    assert run("log").exit_code == 0
    with closing(sqlite3.connect(db_path)) as conn:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM checkins WHERE plan_id = 'x' ORDER BY id DESC LIMIT 20"
        ).fetchall()
    assert "checkins_by_plan" in str(plan) and "TEMP B-TREE" not in str(plan)


@pytest.mark.sqlite_only  # the SQLite file itself (its mode bits, its query plan, its locks)
def test_reads_under_another_writers_lock_never_say_cannot_write(run, db_path, monkeypatch):
    import kjyd.ledger.sqlite as store

    assert run("update", "十三.1", "--value", "3").exit_code == 0
    with closing(sqlite3.connect(db_path, isolation_level=None)) as holder:
        holder.execute("PRAGMA journal_mode = DELETE")  # a file another tool switched back
        holder.execute("BEGIN EXCLUSIVE")
        monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)
        result = run("log")
        holder.execute("ROLLBACK")
    assert result.exit_code == 1
    assert "被其他程序占用" in result.stderr and "无法写入" not in result.stderr


def test_stale_temporary_files_of_killed_exports_are_removed(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".~2022年科技工作要点推进情况表_2022-06.xlsx.0badf00d.tmp"
    fresh = out / ".~other.xlsx.12345678.tmp"
    foreign = out / ".~someone-elses.tmp"
    for path in (stale, fresh, foreign):
        path.write_bytes(b"half a workbook")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    os.utime(foreign, (old, old))
    assert run("export", "--month", "2022-06", "-o", str(out)).exit_code == 0
    assert not stale.exists()
    assert fresh.exists() and foreign.exists()  # in progress elsewhere, or not ours
