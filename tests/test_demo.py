"""``kjyd demo``: a realistic half-year shown without touching the user's database, or saved to a new file."""

from __future__ import annotations

import json

from kjyd.demo import load_demo
from tests import stores


def test_demo_shows_a_half_year_and_leaves_the_users_database_alone(run, db_path, monkeypatch):
    monkeypatch.setenv("KJYD_WIDTH", "120")
    result = run("demo")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "演示数据" in out and "截至 2022-06-30" in out
    summary = next(line for line in out.splitlines() if line.startswith("32项任务中"))
    # Not 32 rows of 未填报: most tasks have progress, with every state represented.
    for state in ("已完成", "快于序时", "符合序时", "慢于序时"):
        assert f"{state}0项" not in summary
    assert "1186" in out  # 十三.5 技术合同成交额
    assert not stores.exists(db_path)


def test_demo_db_writes_a_ledger_other_commands_read(run, tmp_path):
    demo_db = tmp_path / "演示.db"
    result = run("demo", "--db", str(demo_db))
    assert result.exit_code == 0, result.output
    assert f"kjyd --db {demo_db} export --month 2022-06" in result.stdout

    status = json.loads(run("--db", str(demo_db), "status", "--as-of", "2022-06-30", "--json").stdout)
    reported = [t for t in status["targets"] if t["value"] is not None]
    assert len(reported) >= 35
    assert any(t["state"] == "未填报" for t in status["targets"])

    log = json.loads(run("--db", str(demo_db), "log", "--month", "2022-06", "--json").stdout)
    assert len({e["who"] for e in log}) >= 8  # several divisions report
    assert any(e["problems"] for e in log) and any(e["next_steps"] for e in log)
    history = json.loads(run("--db", str(demo_db), "log", "十三.5", "--json").stdout)
    withdrawn = [e for e in history if e["withdrawn"]]
    assert len(withdrawn) == 1 and withdrawn[0]["value"] == 9050000
    june = [e for e in history if e["date"] == "2022-06-30" and not e["withdrawn"]]
    assert june[0]["value"] == 1186

    exported = tmp_path / "六月.xlsx"
    result = run("--db", str(demo_db), "export", "--month", "2022-06", "-o", str(exported))
    assert result.exit_code == 0, result.output
    assert exported.is_file()


def test_demo_db_never_writes_into_an_existing_file(run, tmp_path):
    existing = tmp_path / "mine.db"
    existing.write_bytes(b"my data")
    result = run("demo", "--db", str(existing))
    assert result.exit_code == 1
    assert "已存在" in result.stderr
    assert existing.read_bytes() == b"my data"


def test_demo_data_fits_the_bundled_plan(plan):
    demo = load_demo(plan)
    assert demo.plan_id == plan.id
    ids = {t.id for t in plan.targets}
    for row in demo.rows:
        assert row["target_id"] in ids
        assert plan.start <= row["date"] <= demo.as_of
        assert row["value"] is not None or row["note"] or row["problems"] or row["next_steps"]
    dates = [row["date"] for row in demo.rows]
    assert dates == sorted(dates)  # recorded month by month, as an office would
