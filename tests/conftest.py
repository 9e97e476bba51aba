"""Shared fixtures: every test gets its own database and no user environment leaks in."""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch, plan_cache):
    """Point KJYD_DB at a fresh file and clear the variables a user's shell might set.

    Runs in a fresh folder, so no kjyd.toml of the machine (found in a parent folder) applies.
    """
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "kjyd.db"
    monkeypatch.setenv("KJYD_DB", str(db))
    monkeypatch.delenv("KJYD_PLAN", raising=False)
    monkeypatch.setenv("KJYD_CACHE_DIR", str(plan_cache))
    monkeypatch.setenv("KJYD_USER", "测试员")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return db


@pytest.fixture
def db_path(isolated_env) -> Path:
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
