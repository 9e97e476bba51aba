"""The ledger through its real SQLite file: what is stored, what counts, and how files fail."""

from __future__ import annotations

import os
import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kjyd.ledger import sqlite as ledger_module
from kjyd.entries import latest_entry_as_of, value_as_of, value_entry_as_of
from kjyd.errors import LedgerError
from kjyd.ledger import SCHEMA_VERSION, Ledger, month_bounds

PLAN = "shaanxi-kjt-2022"
D = date(2022, 6, 15)


def rec(led: Ledger, target: str = "13.1", day: date = D, value: float | None = 1.0, **kw):
    kw.setdefault("who", "测试员")
    return led.record(plan_id=kw.pop("plan_id", PLAN), target_id=target, date=day, value=value, **kw)


@pytest.fixture
def led(db_path):
    with Ledger.open(db_path, write=True) as opened:
        yield opened


def test_reading_a_missing_file_creates_nothing(tmp_path):
    path = tmp_path / "no" / "such.db"
    with Ledger.open(path, write=False) as empty:
        assert empty.entries(PLAN) == []
        assert empty.last_entry(PLAN) is None
        assert empty.snapshot(PLAN, D) == []
        assert empty.month_end_values(PLAN, ["2022-06"]) == {}
        assert empty.sources(PLAN) == set()
    assert not path.exists() and not path.parent.exists()


def test_first_write_creates_folder_file_and_schema(tmp_path):
    path = tmp_path / "new" / "folder" / "kjyd.db"
    with Ledger.open(path, write=True) as led:
        entry, previous = rec(led, value=8)
    assert previous is None and entry.id == 1 and entry.value == 8
    conn = sqlite3.connect(path)
    versions = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert [v for v, _ in versions] == list(range(1, SCHEMA_VERSION + 1))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_record_stores_everything_and_reads_back(led):
    entry, _ = rec(led, value=1200.5, note="上半年", problems="问题", next_steps="下一步", source="a.xlsx#1")
    [back] = led.entries(PLAN)
    assert back == entry
    assert back.recorded_at.tzinfo is not None and back.recorded_at.utcoffset().total_seconds() == 0
    assert (back.note, back.problems, back.next_steps, back.source) == ("上半年", "问题", "下一步", "a.xlsx#1")
    assert led.sources(PLAN) == {"a.xlsx#1"}


def test_add_builds_on_the_value_as_of_its_own_date(led):
    rec(led, "14.3", date(2022, 3, 31), 100)
    rec(led, "14.3", date(2022, 6, 30), 300)
    entry, previous = rec(led, "14.3", date(2022, 4, 30), None, add=20)
    assert (previous, entry.value) == (100, 120)  # the June value is later, it does not count
    first, previous = rec(led, "14.4", D, None, add=5)
    assert (previous, first.value) == (None, 5)


def test_a_note_only_check_in_keeps_the_value(led):
    rec(led, value=4)
    entry, previous = rec(led, value=None, note="科技活动周已举办")
    assert entry.value is None and previous == 4
    assert value_as_of(led.entries(PLAN), D) == 4


def test_check_can_refuse_the_final_value_and_nothing_is_written(led):
    rec(led, value=3)

    def refuse(value):
        raise LedgerError(f"拒绝 {value}")

    with pytest.raises(LedgerError, match="拒绝 -2"):
        rec(led, value=None, add=-5, check=refuse)
    assert len(led.entries(PLAN)) == 1


def test_record_many_is_all_or_nothing(led):
    good = dict(plan_id=PLAN, target_id="13.1", date=D, value=1.0, who="甲")
    bad = dict(good, plan_id=None)  # NOT NULL violation half-way through
    with pytest.raises(LedgerError):
        led.record_many([good, bad])
    assert led.entries(PLAN) == []
    stored = led.record_many([good, dict(good, target_id="13.2", value=2.0)])
    assert [e.target_id for e in led.entries(PLAN)] == ["13.2", "13.1"]
    assert [e.value for e in stored] == [1.0, 2.0]


def test_withdraw_marks_the_latest_and_deletes_nothing(led):
    rec(led, value=5)
    second, _ = rec(led, value=8)
    withdrawn = led.withdraw_last(plan_id=PLAN, who="乙")
    assert withdrawn.id == second.id and withdrawn.withdrawn
    assert len(led.entries(PLAN)) == 2
    assert [e.id for e in led.entries(PLAN, include_withdrawn=False)] == [1]
    assert led.last_entry(PLAN).id == 1
    assert value_as_of(led.entries(PLAN), D) == 5
    who = sqlite3.connect(led.path).execute("SELECT withdrawn_by FROM checkins WHERE id = 2").fetchone()
    assert who == ("乙",)
    led.withdraw_last(plan_id=PLAN, who="乙")
    with pytest.raises(LedgerError, match="没有可撤销"):
        led.withdraw_last(plan_id=PLAN, who="乙")


def test_withdraw_refuses_when_another_check_in_arrived_after_confirmation(led):
    seen, _ = rec(led, value=5)
    rec(led, value=6)  # arrives while the user reads the confirmation
    with pytest.raises(LedgerError, match="#2"):
        led.withdraw_last(plan_id=PLAN, who="乙", only_if_id=seen.id)
    assert not any(e.withdrawn for e in led.entries(PLAN))


def test_plans_share_a_file_but_not_check_ins(led):
    rec(led, value=5)
    rec(led, value=7, plan_id="plan-2023")
    assert [e.value for e in led.entries(PLAN)] == [5]
    led.withdraw_last(plan_id="plan-2023", who="乙")
    assert not led.entries(PLAN)[0].withdrawn


def test_entries_filters_by_target_month_and_limit(led):
    rec(led, "13.1", date(2022, 5, 31), 1)
    rec(led, "13.2", date(2022, 6, 1), 2)
    rec(led, "13.1", date(2022, 6, 30), 3)
    rec(led, "14.3", date(2022, 7, 1), 4)
    assert [e.value for e in led.entries(PLAN, month="2022-06")] == [3, 2]
    assert [e.value for e in led.entries(PLAN, target_ids=["13.1", "13.2"])] == [3, 2, 1]
    assert [e.value for e in led.entries(PLAN, limit=2)] == [4, 3]
    assert led.entries(PLAN, target_ids=[]) == []


def test_an_older_file_is_migrated_with_its_rows_intact(db_path):
    # A file exactly as release 1 (schema version 1 only) wrote it.
    conn = sqlite3.connect(db_path)
    conn.executescript(
        """
        CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY AUTOINCREMENT, plan_id TEXT NOT NULL, target_id TEXT NOT NULL,
            date TEXT NOT NULL, value REAL, note TEXT NOT NULL DEFAULT '', who TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL, withdrawn_at TEXT, withdrawn_by TEXT);
        CREATE INDEX checkins_by_target ON checkins (plan_id, target_id, date, id);
        INSERT INTO schema_migrations VALUES (1, 'checkins', '2022-01-05T01:00:00+00:00');
        INSERT INTO checkins (plan_id, target_id, date, value, note, who, recorded_at)
        VALUES ('shaanxi-kjt-2022', '13.5', '2022-03-31', 610.5, '一季度', '老版本', '2022-04-02T02:03:04+00:00');
        """
    )
    conn.commit()
    conn.close()
    with Ledger.open(db_path, write=False) as led:
        [old] = led.entries(PLAN)
    assert (old.target_id, old.value, old.note, old.who, old.date) == ("13.5", 610.5, "一季度", "老版本", date(2022, 3, 31))
    assert (old.problems, old.next_steps, old.source) == ("", "", "")
    with Ledger.open(db_path, write=True) as led:
        entry, previous = rec(led, "13.5", date(2022, 6, 30), 1200.5, problems="进度偏慢")
    assert previous == 610.5 and entry.id == 2
    versions = sqlite3.connect(db_path).execute("SELECT version FROM schema_migrations").fetchall()
    assert sorted(v for (v,) in versions) == list(range(1, SCHEMA_VERSION + 1))


def test_a_file_from_a_newer_release_is_refused(db_path):
    Ledger.open(db_path, write=True).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_migrations VALUES (?, 'future', '2030-01-01')", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    for write in (False, True):
        with pytest.raises(LedgerError, match="更新版本的 kjyd"):
            Ledger.open(db_path, write=write)


def test_a_file_that_is_not_sqlite_is_refused_untouched(db_path):
    db_path.write_bytes(b"this is a spreadsheet, not a database\n" * 100)
    before = db_path.read_bytes()
    for write in (False, True):
        with pytest.raises(LedgerError, match="不是 SQLite 数据库"):
            Ledger.open(db_path, write=write)
    assert db_path.read_bytes() == before


def test_another_programs_sqlite_file_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="不是 kjyd 进度数据库"):
        Ledger.open(db_path, write=True)


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(LedgerError, match="文件夹"):
        Ledger.open(tmp_path, write=False)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_file_reads_but_refuses_writes(db_path):
    with Ledger.open(db_path, write=True) as led:
        rec(led, value=5)
    db_path.chmod(0o444)
    try:
        with pytest.raises(LedgerError, match="只读|无法打开"):
            with Ledger.open(db_path, write=True) as led:
                rec(led, value=6)
    finally:
        db_path.chmod(0o644)


def test_read_only_errors_are_explained():
    err = sqlite3.OperationalError("attempt to write a readonly database")
    assert "只读" in str(ledger_module._translate(err, ledger_module.Path("x.db")))


def test_a_database_locked_too_long_gives_a_clear_message(db_path, monkeypatch):
    Ledger.open(db_path, write=True).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(ledger_module, "BUSY_TIMEOUT_MS", 50)
    try:
        with Ledger.open(db_path, write=True) as led:
            with pytest.raises(LedgerError, match="被其他程序占用"):
                rec(led, value=1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Ledger.open(db_path, write=False) as led:
        assert led.entries(PLAN) == []


# --- the indexed pre-selections agree with the rule applied to the whole history ---------------

TARGETS = ["13.1", "13.2", "14.3"]
DAYS = st.dates(min_value=date(2022, 1, 1), max_value=date(2022, 12, 31))
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("record"), st.sampled_from(TARGETS), DAYS,
                  st.one_of(st.none(), st.integers(0, 50).map(float)), st.sampled_from(["", "说明"])),
        st.tuples(st.just("withdraw")),
    ),
    max_size=25,
)


def _fresh(tmp_path_factory) -> Ledger:
    return Ledger.open(tmp_path_factory.mktemp("snap") / "k.db", write=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, as_of=DAYS)
def test_snapshot_and_month_end_values_agree_with_full_history(tmp_path_factory, ops, as_of):
    with _fresh(tmp_path_factory) as led:
        for op in ops:
            if op[0] == "record":
                _, target, day, value, note = op
                rec(led, target, day, value, note=note)
            elif led.last_entry(PLAN) is not None:
                led.withdraw_last(plan_id=PLAN, who="乙")
        history = led.entries(PLAN)
        snap = led.snapshot(PLAN, as_of)
        one_target = {target: led.snapshot(PLAN, as_of, [target]) for target in TARGETS}  # what update reads
        months = [f"2022-{m:02d}" for m in range(1, 13)]
        ends = led.month_end_values(PLAN, months)
        first = led.month_end_values(PLAN, months, TARGETS[:1])  # what show reads: its task's targets
    assert first == {t: v for t, v in ends.items() if t == TARGETS[0]}
    for target in TARGETS:
        full = [e for e in history if e.target_id == target]
        part = [e for e in snap if e.target_id == target]
        assert one_target[target] == part
        assert value_entry_as_of(part, as_of) == value_entry_as_of(full, as_of)
        assert latest_entry_as_of(part, as_of) == latest_entry_as_of(full, as_of)
        noted = lambda entries: latest_entry_as_of([e for e in entries if e.note], as_of)  # noqa: E731
        assert noted(part) == noted(full)
        for month in months:
            end = month_bounds(month)[1]
            assert ends.get(target, {}).get(month) == value_as_of(full, end)
