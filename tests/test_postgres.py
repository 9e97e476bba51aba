"""The shared PostgreSQL store: rights the server enforces, moving history in and out, and what
only a server can get wrong (passwords in messages, a busy write lock, schema versions).

Every CLI test already runs against PostgreSQL too (conftest); these are the server's own cases,
all against a real throwaway cluster.
"""

from __future__ import annotations

import psycopg
import pytest
import yaml

from kjyd.ledger import postgres, sqlite
from tests import stores
from tests.conftest import BUNDLED_PLAN

pytestmark = pytest.mark.server_only

LEADS = {13: ["成果转化处"], 14: ["高新技术处"]}


@pytest.fixture
def server(pg_cluster, monkeypatch):
    """A fresh database of its own (rights create roles; they must not leak into other tests)."""
    import uuid

    name = f"kjyd_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    monkeypatch.setenv("KJYD_DB", url)
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    yield url
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        for (role,) in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{name}%",)).fetchall():
            conn.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def plan_file(tmp_path):
    data = yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))
    for task in data["tasks"]:
        task["lead_divisions"] = LEADS.get(task["number"], [])
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def login(url: str, name: str) -> str:
    """Create a login on the server (as its superuser) and return ``url`` connecting as it."""
    with psycopg.connect(url, autocommit=True) as conn:  # logins are the cluster's, not the database's
        conn.execute(f'DROP ROLE IF EXISTS "{name}"')
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
    return url.replace("postgresql://postgres@", f"postgresql://{name}@")


def test_both_stores_have_the_same_schema_versions():
    assert [name for name, _ in postgres.MIGRATIONS] == [name for name, _ in sqlite.MIGRATIONS]


def test_rights_are_enforced_by_the_server(run, server, plan_file):
    plan = ("--plan", str(plan_file))
    result = run(*plan, "db", "init")
    assert result.exit_code == 0, result.output
    assert "成果转化处" in result.stdout and "高新技术处" in result.stdout
    urls = {who: login(server, who) for who in ("zhang", "li", "wang", "zhao")}
    for who, role in (("zhang", "成果转化处"), ("li", "高新技术处"), ("wang", "office"), ("zhao", "只读")):
        granted = run(*plan, "db", "grant", who, role)
        assert granted.exit_code == 0, granted.output

    def as_(who, *args):
        return run("--db", urls[who], *plan, *args)

    assert as_("zhang", "update", "十三.5", "--value", "1000").exit_code == 0
    refused = as_("li", "update", "十三.5", "--value", "1")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == "错误：高新技术处 无权填报 十三.5（牵头处室：成果转化处）"
    assert as_("li", "update", "十四.3", "--add", "5").exit_code == 0
    assert as_("wang", "update", "十三.1", "--value", "4").exit_code == 0  # the office writes anything
    assert as_("wang", "update", "H1", "--value", "20").exit_code == 0
    no_lead = as_("zhang", "update", "H1", "--value", "21")
    assert no_lead.exit_code == 1 and "无权填报 一.1（牵头处室：未指定" in no_lead.stderr  # H1 is 一.1
    reader = as_("zhao", "update", "十三.1", "--value", "5")
    assert reader.exit_code == 1 and reader.stderr.startswith("错误：登录名 zhao 无权填报")
    # a division withdraws only its own entries; the office any (refused inserts leave gaps in the ids)
    ids = [i for (i,) in stores.query(server, "SELECT id FROM checkins ORDER BY id")]
    zhangs, lis, office, _ = (str(i) for i in ids)
    denied = as_("li", "undo", zhangs, "--yes")
    assert denied.exit_code == 1 and "高新技术处 无权撤销 十三.5（牵头处室：成果转化处）" in denied.stderr
    assert as_("zhang", "undo", office, "--yes").exit_code == 1  # the office's entry on 十三.1
    assert as_("zhang", "undo", zhangs, "--yes").exit_code == 0
    undone = as_("wang", "undo", lis, "--yes")
    assert undone.exit_code == 0, undone.output
    assert as_("zhao", "status").exit_code == 0  # everyone reads
    assert "1000" in as_("zhao", "log").stdout
    assert stores.query(server, "SELECT withdrawn_at IS NOT NULL, entered_by FROM checkins ORDER BY id") == [
        (True, "zhang"), (True, "li"), (False, "wang"), (False, "wang")]


def test_a_modified_client_cannot_get_round_the_rights(run, server, plan_file):
    assert run("--plan", str(plan_file), "db", "init").exit_code == 0
    li = login(server, "li")
    assert run("--plan", str(plan_file), "db", "grant", "li", "高新技术处").exit_code == 0
    insert = ("INSERT INTO checkins (plan_id, target_id, date, value, who, recorded_at{extra}) "
              "VALUES ('shaanxi-kjt-2022', %s, '2022-06-30', 1, 'x', now(){more})")
    with psycopg.connect(li, autocommit=True, options="-c search_path=kjyd") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(insert.format(extra="", more=""), ("13.5",))  # another division's target
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # pretending to be someone else
            conn.execute(insert.format(extra=", entered_by", more=", 'zhang'"), ("14.3",))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # choosing an id
            conn.execute(insert.format(extra=", id", more=", 99"), ("14.3",))
        conn.execute(insert.format(extra="", more=""), ("14.3",))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # editing a value is never allowed
            conn.execute("UPDATE checkins SET value = 2")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM checkins")
    assert stores.query(server, "SELECT target_id, value FROM checkins") == [("14.3", 1.0)]


def test_copy_moves_history_both_ways_with_ids_withdrawals_and_sources(run, tmp_path, server, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    first = tmp_path / "first.db"
    assert run("demo", "--db", str(first)).exit_code == 0
    assert run("--db", str(first), "update", "十四.3", "--value", "620", "--problems", "缺资金",
               "--date", "2022-07-31").exit_code == 0
    stores.execute(first, "UPDATE checkins SET source = 'a.xlsx sha256:1' WHERE id = 3")
    columns = "SELECT id, target_id, date, value, note, who, withdrawn_at IS NOT NULL, withdrawn_by, " \
              "problems, next_steps, source FROM checkins ORDER BY id"
    before = stores.query(first, columns)

    copied = run("db", "copy", "--from", str(first), "--to", server)
    assert copied.exit_code == 0, copied.output
    assert f"填报 {len(before)} 条" in copied.stdout and "已撤销 1 条" in copied.stdout
    assert "来自收取文件 1 条" in copied.stdout
    assert stores.query(server, columns) == before
    meanings = "SELECT plan_id, target_id, name, unit FROM target_meanings ORDER BY target_id"
    assert stores.query(server, meanings) == stores.query(first, meanings) != []

    refused = run("db", "copy", "--from", str(first), "--to", server)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    again = run("db", "copy", "--from", str(first), "--to", server, "--force")
    assert again.exit_code == 0 and "已复制 0 条" in again.stdout
    assert stores.query(server, columns) == before

    back = tmp_path / "back.db"
    assert run("db", "copy", "--from", server, "--to", str(back)).exit_code == 0
    assert stores.query(back, columns) == before
    for db in (server, str(back)):  # the next check-in continues after the copied ids
        added = run("--db", db, "update", "十三.1", "--value", "9")
        assert f"编号 #{len(before) + 1}" in added.stdout, added.output
    assert run("--db", server, "status", "--month", "2022-06").stdout == \
        run("--db", str(back), "status", "--month", "2022-06").stdout


def test_copy_refuses_a_row_whose_id_means_something_else(run, tmp_path, server):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    assert run("--db", str(one), "update", "十三.1", "--value", "1").exit_code == 0
    assert run("--db", str(two), "update", "十三.1", "--value", "2").exit_code == 0
    assert run("db", "copy", "--from", str(one), "--to", server).exit_code == 0
    clash = run("db", "copy", "--from", str(two), "--to", server, "--force")
    assert clash.exit_code == 1 and "#1" in clash.stderr and "未复制任何记录" in clash.stderr
    assert stores.query(server, "SELECT value FROM checkins") == [(1.0,)]


def test_a_password_never_reaches_the_screen(run, pg_cluster, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    url = f"postgresql://nobody:秘密口令@127.0.0.1:{pg_cluster.port}/no_such_db"
    for args in (["--db", url, "status"], ["--db", url, "update", "十三", "--value", "1"], ["--db", url, "info"]):
        result = run(*args)
        assert "秘密口令" not in result.output, result.output
    result = run("--db", url, "status")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert "nobody:***@127.0.0.1" in result.stderr and "服务器上没有登录名 nobody" in result.stderr


def test_an_unreachable_server_is_one_chinese_line(run, pg_cluster, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run("--db", f"postgresql://x@127.0.0.1:{port}/kjyd", "status")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：无法连接数据库服务器") and "服务器未运行" in result.stderr


def test_a_write_lock_held_too_long_gives_a_clear_message(run, server, monkeypatch):
    assert run("update", "十三", "--value", "1").exit_code == 0
    monkeypatch.setattr("kjyd.ledger.postgres.LOCK_TIMEOUT_MS", 300)
    with psycopg.connect(server) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (postgres.WRITE_LOCK,))
        result = run("update", "十三", "--value", "2")
        assert result.exit_code == 1 and "被其他用户占用" in result.stderr
        assert run("status").exit_code == 0  # readers are never blocked by a writer
    assert len(stores.query(server, "SELECT id FROM checkins")) == 1


def test_a_newer_schema_is_refused_and_reads_create_nothing(run, server):
    assert run("status").exit_code == 0 and not stores.exists(server)
    assert run("update", "十三", "--value", "1").exit_code == 0
    stores.execute(server, "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')")
    for args in (["status"], ["update", "十三", "--value", "2"]):
        result = run(*args)
        assert result.exit_code == 1 and "更新版本的 kjyd" in result.stderr


def test_db_init_needs_a_server(run):
    result = run("db", "init")
    assert result.exit_code == 1 and "只用于 PostgreSQL" in result.stderr


def test_sqlite_users_never_load_the_server_driver(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from kjyd.cli import app; app(['status'], prog_name='kjyd', standalone_mode=False); "
            "app(['update', '十三', '--value', '1'], prog_name='kjyd', standalone_mode=False); "
            "print('psycopg' in sys.modules)")
    env = {**__import__("os").environ, "KJYD_DB": str(tmp_path / "k.db"), "KJYD_TODAY": "2022-06-30"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_check_ins_wait_for_the_disk_even_where_the_server_default_does_not(server):
    with psycopg.connect(server, autocommit=True) as conn:  # an administrator trading safety for speed
        conn.execute(f'ALTER DATABASE "{server.rsplit("/", 1)[1]}" SET synchronous_commit = off')
    with postgres.PostgresLedger.open(server, write=True) as ledger:  # acknowledged means flushed
        assert ledger._conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"
