"""History keeps its meaning: editing the plan file never silently moves recorded figures.

Each test records check-ins under one plan file, edits the file as an office would (insert a target,
swap, rename, delete, reuse the plan id for another plan), and runs the CLI again against the same
real SQLite file.
"""

from __future__ import annotations

import json

import pytest

from tests.stores import execute, query

PLAN = """\
id: meaning-2022
title: 某厅2022年工作要点
period:
  start: 2022-01-01
  end: 2022-12-31
tasks:
  - number: 1
    title: 成果转化
    text: 培训技术经理人200人次，技术合同成交额达到2500亿元，举办路演12场次。
    targets:
{targets}
"""

TRAINING = """      - name: 培训技术经理人
        value: 200
        unit: 人次
        quote: 培训技术经理人200人次
"""
CONTRACTS = """      - name: 技术合同成交额
        value: 2500
        unit: 亿元
        quote: 技术合同成交额达到2500亿元
"""
ROADSHOWS = """      - name: 举办路演
        value: 12
        unit: 场次
        quote: 举办路演12场次
"""


@pytest.fixture
def plan_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-05")
    path = tmp_path / "plan.yaml"

    def write(*targets: str, plan_id: str = "meaning-2022") -> str:
        text = PLAN.format(targets="".join(targets)).replace("meaning-2022", plan_id)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def values(run, path) -> dict:
    result = run("--plan", path, "status", "--as-of", "2022-06-30", "--json")
    assert result.exit_code == 0, result.stderr
    return {t["id"]: (t["name"], t["value"]) for t in json.loads(result.stdout)["targets"]}


def test_inserted_target_stops_every_command_that_shows_or_changes_history(run, plan_file, db_path, tmp_path):
    path = plan_file(CONTRACTS, ROADSHOWS)
    assert run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30").exit_code == 0
    assert run("--plan", path, "update", "1.2", "--value", "5", "--date", "2022-06-30").exit_code == 0
    plan_file(TRAINING, CONTRACTS, ROADSHOWS)  # a target inserted in front: 1.1 → 1.2 → 1.3
    before = query(db_path, "SELECT * FROM checkins ORDER BY id")
    for args in (["status"], ["show", "1"], ["log"], ["update", "1.1", "--value", "3"], ["undo", "--yes"],
                 ["export", "--month", "2022-06", "-o", str(tmp_path / "x.xlsx")]):
        result = run("--plan", path, *args)
        assert result.exit_code == 1, args
        message = result.stderr.strip()
        assert message.count("\n") == 3  # what happened, the two changed ids, what to do
        assert "1.1 原为“技术合同成交额（亿元）”（现为 1.2），现为“培训技术经理人（人次）”" in message
        assert "1.2 原为“举办路演（场次）”（现为 1.3），现为“技术合同成交额（亿元）”" in message
        assert "kjyd plan remap 1.1 1.2 1.2 1.3" in message
    assert query(db_path, "SELECT * FROM checkins ORDER BY id") == before
    assert not (tmp_path / "x.xlsx").exists()


def test_remap_moves_history_and_undo_moves_it_back(run, plan_file):
    path = plan_file(CONTRACTS, ROADSHOWS)
    run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30")
    run("--plan", path, "update", "1.2", "--value", "5", "--date", "2022-06-30")
    plan_file(TRAINING, CONTRACTS, ROADSHOWS)
    moved = run("--plan", path, "plan", "remap", "1.1", "1.2", "一.2", "1.3")
    assert moved.exit_code == 0, moved.stderr
    assert "已将 1.1“技术合同成交额（亿元）” 的 1 条填报记录转到 1.2“技术合同成交额（亿元）”" in moved.stdout
    assert values(run, path) == {"1.1": ("培训技术经理人", None), "1.2": ("技术合同成交额", 1200),
                                 "1.3": ("举办路演", 5)}
    # recorded and undoable: with the old plan file back, the old ids mean what they meant
    assert run("--plan", path, "plan", "remap", "--undo").exit_code == 0
    plan_file(CONTRACTS, ROADSHOWS)
    assert values(run, path) == {"1.1": ("技术合同成交额", 1200), "1.2": ("举办路演", 5)}
    again = run("--plan", path, "plan", "remap", "--undo")
    assert again.exit_code == 1 and "没有可撤销的编号转移" in again.stderr


def test_swapped_targets_are_remapped_at_once(run, plan_file):
    path = plan_file(CONTRACTS, ROADSHOWS)
    run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30")
    run("--plan", path, "update", "1.2", "--value", "5", "--date", "2022-06-30")
    plan_file(ROADSHOWS, CONTRACTS)
    assert run("--plan", path, "status").exit_code == 1
    assert run("--plan", path, "plan", "remap", "1.1", "1.2", "1.2", "1.1").exit_code == 0
    assert values(run, path) == {"1.1": ("举办路演", 5), "1.2": ("技术合同成交额", 1200)}


def test_remap_refuses_to_mix_two_histories(run, plan_file):
    path = plan_file(CONTRACTS, ROADSHOWS)
    run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30")
    run("--plan", path, "update", "1.2", "--value", "5", "--date", "2022-06-30")
    plan_file(TRAINING, CONTRACTS, ROADSHOWS)
    result = run("--plan", path, "plan", "remap", "1.1", "1.2")
    assert result.exit_code == 1 and "目标 1.2 已有填报记录" in result.stderr
    assert run("--plan", path, "plan", "remap", "1.9", "1.2").stderr.startswith("错误：目标 1.9 没有填报记录")
    assert "成对写出编号" in run("--plan", path, "plan", "remap", "1.1").stderr


def test_renamed_target_is_confirmed_by_remapping_to_itself(run, plan_file):
    path = plan_file(CONTRACTS)
    run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30")
    plan_file(CONTRACTS.replace("name: 技术合同成交额", "name: 技术合同登记成交额"))
    assert "运行 kjyd plan remap 1.1 1.1 确认" in run("--plan", path, "status").stderr
    assert run("--plan", path, "plan", "remap", "1.1", "1.1").exit_code == 0
    assert values(run, path) == {"1.1": ("技术合同登记成交额", 1200)}


def test_removed_target_is_reported_not_dropped(run, plan_file, db_path):
    path = plan_file(CONTRACTS, ROADSHOWS)
    run("--plan", path, "update", "1.2", "--value", "5", "--date", "2022-06-30")
    plan_file(CONTRACTS)
    result = run("--plan", path, "status")
    assert result.exit_code == 0
    assert "计划中已没有目标 1.2（原为“举办路演（场次）”），其填报记录仍保存在数据库中" in result.stderr
    assert query(db_path, "SELECT target_id, value FROM checkins") == [("1.2", 5.0)]


def test_another_plan_with_the_same_id_is_told_apart(run, plan_file, tmp_path):
    path = plan_file(CONTRACTS)
    run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30")
    other = tmp_path / "other.yaml"
    other.write_text(PLAN.format(targets=TRAINING), encoding="utf-8")  # same id, different content
    result = run("--plan", str(other), "status")
    assert result.exit_code == 1
    assert "计划标识 meaning-2022" in result.stderr and "1.1 原为“技术合同成交额（亿元）”" in result.stderr


def test_history_from_before_meanings_were_kept_is_adopted_on_the_next_write(run, plan_file, db_path):
    path = plan_file(CONTRACTS, ROADSHOWS)
    run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30")
    execute(db_path, "DELETE FROM target_meanings")  # as a store written before this release would be
    plan_file(TRAINING, CONTRACTS, ROADSHOWS)
    assert run("--plan", path, "status").exit_code == 0  # nothing is known to contradict
    plan_file(CONTRACTS, ROADSHOWS)
    assert run("--plan", path, "update", "1.2", "--value", "3", "--date", "2022-06-30").exit_code == 0
    remembered = query(db_path, "SELECT target_id, name, unit FROM target_meanings ORDER BY target_id")
    assert remembered == [("1.1", "技术合同成交额", "亿元"), ("1.2", "举办路演", "场次")]


@pytest.mark.sqlite_only  # a trigger another program put into the file refuses to remember meanings
def test_a_check_in_is_stored_with_its_meaning_or_not_at_all(run, plan_file, db_path):
    path = plan_file(CONTRACTS, ROADSHOWS)
    assert run("--plan", path, "update", "1.1", "--value", "1200", "--date", "2022-06-30").exit_code == 0
    execute(db_path, "CREATE TRIGGER refuse BEFORE INSERT ON target_meanings BEGIN SELECT RAISE(ABORT, '拒绝写入'); END")
    result = run("--plan", path, "update", "1.2", "--add", "3", "--date", "2022-06-30")
    assert result.exit_code == 1 and "拒绝写入" in result.stderr and "已记录" not in result.stdout
    assert query(db_path, "SELECT target_id, value FROM checkins") == [("1.1", 1200.0)]  # one transaction
