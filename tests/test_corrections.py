"""Correcting what went wrong: ``kjyd undo 编号`` and ``kjyd undo --file``, against the real ledger.

A wrong entry is routine in an office year; any of them must be withdrawable (never deleted), and a
withdrawn collected file must be collectable again.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.test_collect import TEMPLATE, fill


@pytest.fixture(autouse=True)
def august(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def fails(result, *words):
    assert result.exit_code != 0, result.output
    assert result.stderr.startswith("错误：") and len(result.stderr.splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result


def state(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT id, target_id, value, withdrawn_at IS NOT NULL, withdrawn_by FROM checkins ORDER BY id"
        ).fetchall()


@pytest.fixture
def three(run, db_path):
    ok(run("update", "十三.5", "--value", "800", "--date", "2022-06-30"))
    ok(run("update", "十三.5", "--value", "1200", "--date", "2022-07-31"))
    ok(run("update", "十四.3", "--value", "50"))


# --- undo 编号 ---------------------------------------------------------------------------------


def test_undo_by_number_withdraws_that_entry_only_and_says_what_changes(run, db_path, three):
    result = ok(run("undo", "1", "--yes"))
    assert "将撤销：#1 2022-06-30" in result.stdout
    # #2 (1200) still gives the current value: withdrawing an older entry does not change it
    assert "当前值" not in result.stdout
    assert "已撤销：#1" in result.stdout
    assert [r[3] for r in state(db_path)] == [1, 0, 0]


def test_undo_by_number_asks_first_and_no_keeps_everything(run, db_path, three):
    result = run("undo", "#2", input="n\n")
    assert result.exit_code == 1
    assert "撤销后 十三.5 的当前值：1200 → 800 亿元" in result.stdout
    assert [r[3] for r in state(db_path)] == [0, 0, 0]
    ok(run("undo", "2", input="y\n"))
    assert [r[3] for r in state(db_path)] == [0, 1, 0]
    assert state(db_path)[1][4] == "测试员"


def test_undo_by_number_refuses_unknown_withdrawn_and_malformed_numbers(run, db_path, three):
    ok(run("undo", "2", "--yes"))
    fails(run("undo", "2", "--yes"), "#2 已于", "撤销")
    fails(run("undo", "99", "--yes"), "没有编号为 #99", "kjyd log")
    fails(run("undo", "二", "--yes"), "应为正整数")
    fails(run("undo", "0", "--yes"), "应为正整数")
    fails(run("undo", "1", "--file", "x.xlsx", "--yes"), "只能用其中一个")
    assert [r[3] for r in state(db_path)] == [0, 1, 0]


def test_undo_by_number_of_another_plans_entry_is_refused(run, db_path, three):
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE checkins SET plan_id = 'other' WHERE id = 3")
    fails(run("undo", "3", "--yes"), "属于计划 other")


# --- undo --file ------------------------------------------------------------------------------


GOOD = {"13.5": {"G": "1,200", "H": "签订技术合同"}, "14.2": {"G": "1.3万"}, "3.1": {"H": "召开评估会"}}


@pytest.fixture
def collected(run, tmp_path, db_path):
    folder = tmp_path / "out"
    ok(run("template", "--month", "2022-07", "-o", str(folder)))
    path = fill(folder / TEMPLATE, tmp_path / "交回.xlsx", GOOD)
    ok(run("update", "十四.3", "--value", "50"))  # typed by hand, not from the file
    ok(run("collect", str(path)))
    return path


def test_undo_file_withdraws_every_checkin_of_that_file_and_nothing_else(run, db_path, collected):
    result = ok(run("undo", "--file", str(collected), "--yes"))
    assert "将撤销收取 交回.xlsx 时记录的 3 条填报" in result.stdout
    assert "已撤销：#2、#3、#4" in result.stdout
    assert {(r[1], r[3]) for r in state(db_path)} == {("14.3", 0), ("13.5", 1), ("14.2", 1), ("3.1", 1)}


def test_a_withdrawn_file_can_be_collected_again(run, db_path, collected):
    assert "已收取过" in ok(run("collect", str(collected))).stdout
    ok(run("undo", "--file", str(collected), "--yes"))
    again = ok(run("collect", str(collected)))
    assert "已记录 3 条" in again.stdout
    counting = [r[1] for r in state(db_path) if not r[3]]
    assert sorted(counting) == ["13.5", "14.2", "14.3", "3.1"]


def test_undo_file_finds_a_renamed_copy_by_content_and_a_deleted_file_by_name(run, db_path, collected, tmp_path):
    renamed = tmp_path / "改名.xlsx"
    collected.rename(renamed)
    result = ok(run("undo", "--file", str(renamed), "--yes"))
    assert "3 条" in result.stdout
    renamed.rename(collected)
    ok(run("collect", str(collected)))
    collected.unlink()
    result = ok(run("undo", "--file", str(collected), "--yes"))
    assert "3 条" in result.stdout
    assert all(r[3] for r in state(db_path)[1:])


def test_undo_file_asks_and_refuses_a_file_never_collected(run, db_path, collected, tmp_path):
    declined = run("undo", "--file", str(collected), input="n\n")
    assert declined.exit_code == 1 and "确定撤销这 3 条吗" in declined.stdout
    assert not any(r[3] for r in state(db_path))
    fails(run("undo", "--file", str(tmp_path / "别的.xlsx"), "--yes"), "没有收取 别的.xlsx")
    ok(run("undo", "--file", str(collected), "--yes"))
    fails(run("undo", "--file", str(collected), "--yes"), "已全部撤销")
