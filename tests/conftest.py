"""Shared fixtures: every test gets its own database and no user environment leaks in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Timing is never what these tests assert; a busy CI machine must not turn a slow example into a
# failure (hypothesis' default 200 ms deadline would).
settings.register_profile("kjyd", deadline=None)
settings.load_profile("kjyd")

REPO = Path(__file__).resolve().parents[1]
BUNDLED_PLAN = REPO / "data" / "plan2022.yaml"


@pytest.fixture(scope="session")
def plan_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("plan-cache")


STORES = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: the test is about the SQLite file itself (locks, permissions, its bytes)"
    )
    config.addinivalue_line("markers", "server_only: the test sets up its own PostgreSQL database")
    config.addinivalue_line("markers", "both_stores: run against SQLite and PostgreSQL (CLI tests always do)")


def pytest_generate_tests(metafunc):
    """Every CLI test (one that uses ``run``) runs against both stores: the SQLite file and a
    PostgreSQL server; so does a test marked ``both_stores``. Tests about the SQLite file itself
    say ``@pytest.mark.sqlite_only``."""
    marked = metafunc.definition.get_closest_marker
    if ("run" in metafunc.fixturenames or marked("both_stores")) and not marked("sqlite_only") \
            and not marked("server_only"):
        metafunc.parametrize("store", STORES)


@pytest.fixture
def store() -> str:
    """The store a test runs against; CLI tests are parametrised over :data:`STORES`."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL server for the whole session (initdb + pg_ctl in a temp folder)."""
    from tests.pg_cluster import Cluster, server_bindir

    bindir = server_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("CI 必须运行 PostgreSQL 测试，但找不到 PostgreSQL 服务器程序（initdb）")
        pytest.skip("没有 PostgreSQL 服务器程序（/usr/lib/postgresql/*/bin/initdb）：跳过 PostgreSQL 测试；"
                    "安装：apt-get install -y postgresql")
    cluster = Cluster(bindir)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_url(pg_cluster) -> str:
    """The tests' database; each test starts with it empty (see :func:`pg_database`)."""
    return pg_cluster.create_database("kjyd_test")


@pytest.fixture
def pg_database(pg_url) -> str:
    """``pg_url`` with no kjyd schema in it: what a fresh SQLite path is for the file store."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS kjyd CASCADE")
    return pg_url


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch, plan_cache, store, request):
    """Point KJYD_DB at a fresh store and clear the variables a user's shell might set.

    The value is the store's ``--db`` setting: a file path, or a ``postgresql://`` URL. Runs in a
    fresh folder, so no kjyd.toml of the machine (found in a parent folder) applies.
    """
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "kjyd.db" if store == "sqlite" else request.getfixturevalue("pg_database")
    monkeypatch.setenv("KJYD_DB", str(db))
    monkeypatch.delenv("KJYD_PLAN", raising=False)
    monkeypatch.setenv("KJYD_CACHE_DIR", str(plan_cache))
    monkeypatch.setenv("KJYD_USER", "测试员")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return db


@pytest.fixture
def db_path(isolated_env) -> Path | str:
    return isolated_env


@pytest.fixture(scope="session")
def plan():
    from kjyd.plan_loader import load_plan

    return load_plan(BUNDLED_PLAN)


@pytest.fixture
def run():
    """Invoke the CLI in-process (typer's CliRunner) and return the result."""
    from typer.testing import CliRunner

    from kjyd.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def demo(run, tmp_path, monkeypatch):
    """The demo half-year (``kjyd demo --db``) as the test's database; today 2022-07-10, in tmp_path."""
    db = tmp_path / "demo.db"
    result = run("demo", "--db", str(db))
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("KJYD_DB", str(db))
    monkeypatch.setenv("KJYD_TODAY", "2022-07-10")
    monkeypatch.chdir(tmp_path)
    return db
