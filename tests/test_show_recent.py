"""``kjyd show`` reads only the newest check-ins of a task; what it lists must equal the full history's top."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from kjyd.ledger import Ledger
from kjyd.report import build_task_detail, report_months

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from dataset import large_database  # noqa: E402

sys.path.pop(0)


@pytest.mark.parametrize("seed, as_of, limit", [
    (1, date(2022, 12, 31), 20), (2, date(2022, 6, 15), 5), (3, date(2022, 3, 1), 1), (4, date(2022, 12, 31), 500),
])
def test_recent_gives_the_same_rows_changes_and_states_as_the_whole_history(plan, tmp_path, seed, as_of, limit):
    path = tmp_path / "ledger.db"
    large_database(path, plan, 4000, seed=seed)
    task = plan.find_task("十三")
    ids = [t.id for t in task.targets]
    with Ledger.open(path, write=False) as ledger:
        everything = ledger.entries(plan.id, target_ids=ids, include_withdrawn=True)
        recent, total = ledger.recent(plan.id, ids, as_of, limit)
        month_ends = ledger.month_end_values(plan.id, report_months(plan, as_of))
    full = build_task_detail(plan, task, everything, as_of, month_ends)
    short = build_task_detail(plan, task, recent, as_of, month_ends, history_limit=limit, history_total=total)
    assert total == len(full.history)
    assert short.history == full.history[:limit]
    assert short.row == full.row and short.month_values == full.month_values
    assert len(recent) < len(everything) or limit >= total


def test_show_says_how_many_are_not_listed(run, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    for day in range(1, 23):
        assert run("update", "十三.1", "--value", str(day), "--date", f"2022-06-{day:02d}").exit_code == 0
    out = run("show", "十三").stdout
    assert "共 22 条填报记录，以上为最近 20 条" in out and "kjyd show 十三 --all" in out
    assert "2022-06-03" in out and "2022-06-02" not in out
    everything = run("show", "十三", "--all").stdout
    assert "2022-06-01" in everything and "共 22 条" not in everything


@pytest.mark.parametrize("seed, as_of", [(5, date(2022, 12, 31)), (6, date(2022, 4, 10))])
def test_the_streamed_history_of_show_all_is_the_whole_history_with_each_change(plan, tmp_path, seed, as_of):
    """``show --all``/``--json`` read each target's check-ins from a cursor as they print; the rows,
    their 变化 (against the previous counting figure of the same target) and states are the same."""
    path = tmp_path / "ledger.db"
    large_database(path, plan, 3000, seed=seed)
    task = plan.find_task("十三")
    ids = [t.id for t in task.targets]
    with Ledger.open(path, write=False) as ledger:
        everything = ledger.entries(plan.id, target_ids=ids, include_withdrawn=True)
        month_ends = ledger.month_end_values(plan.id, report_months(plan, as_of))
        streams = {i: ledger.iter_history(plan.id, i, as_of) for i in ids}
        streamed = build_task_detail(plan, task, ledger.snapshot(plan.id, as_of), as_of, month_ends,
                                     histories=streams)
        assert not isinstance(streamed.history, tuple)  # read as it is consumed
        rows = list(streamed.history)
    full = build_task_detail(plan, task, everything, as_of, month_ends)
    assert rows == list(full.history) and streamed.row == full.row
    listed = [e for e in everything if e.date <= as_of]
    assert [r.entry.id for r in rows] == [e.id for e in sorted(listed, key=lambda e: (e.date, e.id), reverse=True)]
    for row in rows:  # 变化 worked out here the plain way: the previous counting figure of the target
        e = row.entry
        earlier = [x for x in listed if x.target_id == e.target_id and not x.withdrawn and x.value is not None
                   and (x.date, x.id) < (e.date, e.id)]
        if e.withdrawn or e.value is None or not earlier:
            assert row.change is None
        else:
            assert row.change == pytest.approx(e.value - max(earlier, key=lambda x: (x.date, x.id)).value)
