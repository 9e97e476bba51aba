"""The benchmark script works end to end (tiny sizes; no timing is asserted — timings are a report)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import BUNDLED_PLAN

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "run.py"

ROWS = (
    "基线：python -c",
    "kjyd --help",
    "kjyd status（空库）",
    "kjyd status（2,000 条）",
    "kjyd status --json（2,000 条）",
    "kjyd update 十四.3 --add 1（2,000 条）",
    "kjyd show 十三（2,000 条）",
    "Tab 补全：kjyd update 十三.",
    "kjyd export --month 2022-12（2,000 条）",
    "kjyd report --month 2022-12（2,000 条）",
    "kjyd export --month 2022-12 --brief（2,000 条）",
    "kjyd changes --month 2022-12（2,000 条）",
    "kjyd draft 2022年通知（.txt）",
    "kjyd log（默认 50 条）（2,000 条）",
    "kjyd log --json --all（2,000 条）",
    "kjyd status --missing（2,000 条）",
    "kjyd export --format csv（2,000 条）",
    "kjyd log --limit 20（3,000 条）",
)


def test_smoke_run_prints_the_table_with_every_command():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--runs", "1", "--checkins", "2000", "--million", "3000"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| 命令"))
    for column in ("中位数 ms", "÷基线", "峰值 MiB", "÷空库", "目标", "达标"):
        assert column in header
    table = [line for line in lines if line.startswith("| ")]
    for label in ROWS:
        row = next((line for line in table if label in line), None)
        assert row is not None, f"no row for {label}:\n{done.stdout}"
        assert "失败" not in row, row  # a command that exists must run cleanly on the benchmark data
    assert "KJYD_CACHE_DIR" in done.stdout  # says how the plan cache was warmed


def test_large_database_spreads_rows_over_plan_targets_dates_and_a_second_plan(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from dataset import SECOND_PLAN_ID, large_database
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    from kjyd.ledger import Ledger
    from kjyd.plan_loader import load_plan

    plan = load_plan(BUNDLED_PLAN)
    path = tmp_path / "large.db"
    total = large_database(path, plan, 3000)
    assert total == 3300
    with sqlite3.connect(path) as conn:
        per_plan = dict(conn.execute("SELECT plan_id, COUNT(*) FROM checkins GROUP BY plan_id"))
        first, last = conn.execute("SELECT MIN(date), MAX(date) FROM checkins WHERE plan_id = ?",
                                   (plan.id,)).fetchone()
        targets = {r[0] for r in conn.execute("SELECT DISTINCT target_id FROM checkins WHERE plan_id = ?",
                                              (plan.id,))}
        withdrawn, note_only = conn.execute(
            "SELECT SUM(withdrawn_at IS NOT NULL), SUM(value IS NULL) FROM checkins").fetchone()
    assert per_plan == {plan.id: 3000, SECOND_PLAN_ID: 300}
    assert plan.start.isoformat() <= first <= last <= plan.end.isoformat()
    assert targets == {t.id for t in plan.targets}
    assert withdrawn > 0 and note_only > 0
    # kjyd itself reads the file: the report sees only the 2022 plan's rows
    with Ledger.open(path, write=False) as ledger:
        assert {e.plan_id for e in ledger.snapshot(plan.id, plan.end)} == {plan.id}
