"""``kjyd update``, ``undo`` and ``log`` as an office clerk uses them, against the real SQLite file."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests import stores
from hypothesis import given
from hypothesis import strategies as st

from kjyd.errors import InputError
from kjyd.values import parse_number


@pytest.fixture(autouse=True)
def mid_year(monkeypatch):
    """The plan period is 2022; pretend today is 30 June 2022 unless a test says otherwise."""
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")


def rows(db_path, sql="SELECT target_id, date, value, note, who FROM checkins ORDER BY id"):
    return stores.query(db_path, sql)


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def fails(result, *words):
    assert result.exit_code != 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


# --- the examples from the issue ------------------------------------------------------------------


def test_update_replies_with_what_was_recorded(run, db_path):
    result = ok(run("update", "十三", "--value", "8", "--date", "2022-06-15"))
    assert result.stdout.strip() == (
        "已记录：（十三）促进科技成果转化 · 布局建设科技成果转化中试基地：— → 8个"
        "（目标 10个左右，完成 80.0%），日期 2022-06-15，填报人 测试员（编号 #1）"
    )
    assert rows(db_path) == [("13.1", "2022-06-15", 8.0, "", "测试员")]


def test_the_issue_examples_work_on_a_fresh_database(run, db_path):
    ok(run("update", "13.5", "--value", "1200.5", "--note", "上半年"))
    ok(run("update", "十四.3", "--add", "120"))
    third = ok(run("update", "三", "--value", "40", "--note", "召开领导小组会议"))
    assert "工作进度：— → 40%（目标 100%，完成 40.0%）" in third.stdout
    fourth = ok(run("update", "二十一", "--note", "科技活动周已举办"))
    assert "已记录说明" in fourth.stdout and "科技活动周已举办" in fourth.stdout
    assert rows(db_path) == [
        ("13.5", "2022-06-30", 1200.5, "上半年", "测试员"),
        ("14.3", "2022-06-30", 120.0, "", "测试员"),
        ("3.1", "2022-06-30", 40.0, "召开领导小组会议", "测试员"),
        ("21.1", "2022-06-30", None, "科技活动周已举办", "测试员"),
    ]


def test_add_builds_on_the_latest_value_and_reply_shows_old_and_new(run, db_path):
    ok(run("update", "十四.3", "--value", "300", "--date", "2022-05-31"))
    result = ok(run("update", "十四.3", "--add", "120"))
    assert "300 → 420家" in result.stdout
    assert rows(db_path)[-1][2] == 420


def test_a_note_alone_keeps_the_value(run, db_path):
    ok(run("update", "三", "--value", "40"))
    result = ok(run("update", "三", "--note", "召开推进会"))
    assert "数值仍为 40%" in result.stdout
    data = json.loads(ok(run("log", "三", "--json")).stdout)
    assert [d["value"] for d in data] == [None, 40.0]


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [("1.3万", 13000), ("2,500", 2500), ("２５００", 2500), ("1200.5", 1200.5), (" 8 ", 8), ("1.1万", 11000)],
)
def test_numbers_are_accepted_as_offices_write_them(run, db_path, typed, stored):
    ok(run("update", "十四.2", "--value", typed))
    assert rows(db_path)[0][2] == stored


@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_and_full_width_numbers_mean_the_same(n):
    full_width = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_number(f"{n:,}") == parse_number(full_width) == parse_number(str(n)) == n


@pytest.mark.parametrize("typed", ["abc", "", " ", "nan", "inf", "1e3", "1,23", "8个", "--", "1..2", "9" * 400])
def test_non_numbers_are_refused(typed):
    with pytest.raises(InputError):
        parse_number(typed)


def test_a_non_number_gets_a_chinese_message_and_changes_nothing(run, db_path):
    fails(run("update", "十三", "--value", "abc"), '"abc" 不是数字')
    fails(run("update", "十三", "--value", ""), "不能为空")
    assert rows(db_path) == []


def test_negative_values_only_for_growth_rates(run, db_path):
    fails(run("update", "十四.3", "--value", "-5"), "不能为负数")
    ok(run("update", "H2", "--value", "-1.5"))
    assert rows(db_path) == [("H2", "2022-06-30", -1.5, "", "测试员")]


def test_progress_of_a_qualitative_task_stays_within_0_and_100(run, db_path):
    fails(run("update", "三", "--value", "120"), "工作进度应在 0 到 100 之间")
    ok(run("update", "三", "--value", "90"))
    fails(run("update", "三", "--add", "20"), "加上 20 后为 110")
    assert [r[2] for r in rows(db_path)] == [90]


def test_add_that_would_go_negative_is_refused_inside_the_transaction(run, db_path):
    ok(run("update", "十四.3", "--value", "10"))
    fails(run("update", "十四.3", "--add", "-11"), "为 -1")
    assert [r[2] for r in rows(db_path)] == [10]


def test_a_lower_value_is_accepted_as_a_correction_with_a_notice(run, db_path):
    ok(run("update", "十三", "--value", "8", "--date", "2022-06-01"))
    result = ok(run("update", "十三", "--value", "6"))
    assert "提示：" in result.stderr and "低于此前的 8" in result.stderr
    assert [r[2] for r in rows(db_path)] == [8, 6]


def test_value_and_add_are_exclusive_and_something_must_be_given(run, db_path):
    fails(run("update", "十三", "--value", "1", "--add", "1"), "--value", "--add")
    fails(run("update", "十三"), "--note")
    fails(run("update", "十三", "--note", "   "), "--note")
    assert rows(db_path) == []


# --- dates ------------------------------------------------------------------------------------


def test_default_date_is_today(run, db_path):
    ok(run("update", "十三", "--value", "1"))
    assert rows(db_path)[0][1] == "2022-06-30"


def test_a_date_after_the_plan_end_is_recorded_at_the_end_with_a_notice(run, db_path, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2023-01-15")
    result = ok(run("update", "十三.5", "--value", "3000", "--date", "2023-01-10"))
    assert "期末数据记入 2022-12-31" in result.stderr
    assert "日期 2022-12-31" in result.stdout
    assert rows(db_path)[0][1] == "2022-12-31"


def test_today_after_the_plan_year_defaults_to_the_plan_end(run, db_path, monkeypatch):
    monkeypatch.delenv("KJYD_TODAY")  # the real calendar is long past 2022
    result = ok(run("update", "十三", "--value", "10"))
    assert "期末数据记入 2022-12-31" in result.stderr
    assert rows(db_path)[0][1] == "2022-12-31"


@pytest.mark.parametrize(
    "typed, words",
    [
        ("2021-12-31", ["早于计划期开始"]),
        ("2022-07-01", ["晚于今天"]),
        ("2022-02-30", ["不存在"]),
        ("2022/13/01", ["不存在"]),
        ("6月1日", ["格式不对"]),
        ("", ["格式不对"]),
    ],
)
def test_bad_dates_are_refused(run, db_path, typed, words):
    fails(run("update", "十三", "--value", "1", "--date", typed), *words)
    assert rows(db_path) == []


# --- who --------------------------------------------------------------------------------------


def test_who_comes_from_by_then_env_then_login_name(run, db_path, monkeypatch):
    ok(run("update", "十三", "--value", "1", "--by", "张三"))
    ok(run("update", "十三", "--value", "2"))
    monkeypatch.delenv("KJYD_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "zhangsan")
    ok(run("update", "十三", "--value", "3"))
    assert [r[4] for r in rows(db_path)] == ["张三", "测试员", "zhangsan"]


# --- undo -------------------------------------------------------------------------------------


def test_undo_asks_then_withdraws_the_latest_and_keeps_it_in_history(run, db_path):
    ok(run("update", "十三", "--value", "5", "--date", "2022-06-01"))
    ok(run("update", "十三", "--value", "8"))
    declined = run("undo", input="n\n")
    assert declined.exit_code == 1 and "确定撤销吗？" in declined.stdout and "#2" in declined.stdout
    assert rows(db_path, "SELECT withdrawn_at FROM checkins") == [(None,), (None,)]
    result = ok(run("undo", input="y\n"))
    assert "已撤销：#2" in result.stdout
    assert rows(db_path, "SELECT id, withdrawn_at IS NOT NULL, withdrawn_by FROM checkins") == [
        (1, 0, None), (2, 1, "测试员"),
    ]
    data = json.loads(ok(run("log", "--json")).stdout)
    assert [(d["id"], d["withdrawn"]) for d in data] == [(2, True), (1, False)]
    table = ok(run("log")).stdout
    assert "已撤销" in table and "有效" in table
    again = ok(run("update", "十三", "--add", "1"))
    assert "5 → 6个" in again.stdout  # the withdrawn 8 no longer counts


def test_undo_yes_does_not_ask(run, db_path):
    ok(run("update", "十三", "--value", "5"))
    result = ok(run("undo", "--yes"))
    assert "确定撤销吗" not in result.stdout and "已撤销：#1" in result.stdout


def test_nothing_to_undo_is_an_error_and_creates_no_file(run, db_path):
    fails(run("undo", "--yes"), "没有可撤销的填报记录")
    assert not stores.exists(db_path)


# --- log --------------------------------------------------------------------------------------


def test_log_on_a_fresh_install_says_so_without_creating_the_database(run, db_path):
    assert ok(run("log")).stdout.strip() == "暂无填报记录"
    assert ok(run("log", "--json")).stdout.strip() == "[]"
    assert not stores.exists(db_path)


def test_log_filters_by_task_target_and_month_newest_first(run):
    ok(run("update", "十三.1", "--value", "1", "--date", "2022-05-31"))
    ok(run("update", "十三.2", "--value", "2", "--date", "2022-06-01"))
    ok(run("update", "十三.1", "--value", "3", "--date", "2022-06-20"))
    ok(run("update", "十四.3", "--value", "4", "--date", "2022-06-21"))

    def ids(*args):
        return [d["id"] for d in json.loads(ok(run("log", *args, "--json")).stdout)]

    assert ids() == [4, 3, 2, 1]
    assert ids("十三") == [3, 2, 1]
    assert ids("十三.1") == [3, 1]
    assert ids("十三", "--month", "2022-06") == [3, 2]
    assert ids("--limit", "2") == [4, 3]
    # A month is written the ways a date is (2022-6-20 works for --date, so 2022-6 must for --month).
    for month in ("2022-6", "2022/06", "2022年6月", "２０２２－０６"):
        assert ids("十三", "--month", month) == [3, 2], month


def test_log_json_has_english_keys(run):
    ok(run("update", "13.5", "--value", "1200.5", "--note", "上半年", "--problems", "偏慢", "--next", "加快"))
    [row] = json.loads(ok(run("log", "--json")).stdout)
    assert set(row) == {"id", "date", "task", "target", "target_name", "value", "note", "who",
                        "recorded_at", "withdrawn", "problems", "next_steps", "source"}
    assert (row["task"], row["target"], row["target_name"], row["value"]) == (13, "13.5", "技术合同成交额", 1200.5)
    assert (row["problems"], row["next_steps"], row["withdrawn"]) == ("偏慢", "加快", False)
    assert row["recorded_at"].endswith("+00:00")


def test_log_json_writes_values_and_times_like_show_json(run):
    """Scripts read both; a whole number is 8 (not 8.0) and the time is given to the second."""
    ok(run("update", "十三", "--value", "8", "--date", "2022-06-15"))
    [logged] = json.loads(ok(run("log", "--json")).stdout)
    [shown] = json.loads(ok(run("show", "十三", "--json")).stdout)["history"]
    assert logged["value"] == 8 and isinstance(logged["value"], int)
    assert (logged["value"], logged["recorded_at"]) == (shown["value"], shown["recorded_at"])


def test_log_table_shows_the_columns(run):
    ok(run("update", "十三", "--value", "8", "--note", "新增2个"))
    out = ok(run("log")).stdout
    for header in ("编号", "日期", "任务", "目标", "数值", "说明", "填报人", "录入时间", "状态"):
        assert header in out
    assert "2022-06-30" in out and "8个" in out and "有效" in out


@pytest.mark.parametrize("columns", [40, 60, 80, 100, 200])
def test_log_keeps_every_column_at_any_width(run, monkeypatch, columns):
    """状态 is the last column; below 80 columns it was cut off (有效 → 有) and then dropped."""
    from rich.cells import cell_len

    ok(run("update", "十三.5", "--value", "1200.5", "--note", "上半年签约额", "--by", "张三", "--date", "2022-06-15"))
    ok(run("update", "十三.1", "--value", "8", "--date", "2022-06-20"))
    ok(run("undo", "--yes"))
    monkeypatch.setenv("KJYD_WIDTH", str(columns))
    out = ok(run("log")).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= columns
    for shown in ("已撤销", "有效", "1200.5亿元", "8个", "2022-06-15", "张三", "十三.5", "十三.1"):
        assert shown in out, (shown, out)
    assert "上半年" in out  # the note (folded over lines when narrow)


@pytest.mark.parametrize("args, words", [
    (["--month", "2022-13"], ["月份"]),
    (["--month", "六月"], ["月份"]),
    (["--month", "2022-0"], ["月份"]),
    (["--month", "2022-123"], ["月份"]),
    (["--limit", "0"], ["--limit"]),
    (["三十三"], ["三十三"]),
])
def test_log_bad_input(run, args, words):
    fails(run("log", *args), *words)


# --- database problems reach the user as one line -------------------------------------------------


@pytest.mark.sqlite_only
def test_a_database_that_is_not_sqlite_gives_exit_1(run, db_path):
    db_path.write_text("not a database\n" * 50)
    fails(run("update", "十三", "--value", "1"), "不是 SQLite 数据库")
    fails(run("log"), "不是 SQLite 数据库")


@pytest.mark.sqlite_only
def test_a_database_locked_too_long_gives_exit_1(run, db_path, monkeypatch):
    ok(run("update", "十三", "--value", "1"))
    monkeypatch.setattr("kjyd.ledger.sqlite.BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        fails(run("update", "十三", "--value", "2"), "被其他程序占用")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(rows(db_path)) == 1


def test_problems_and_next_steps_are_shown_by_log_and_show(run, monkeypatch):
    monkeypatch.setenv("KJYD_WIDTH", "160")
    recorded = run("update", "十三", "--value", "8", "--date", "2022-06-15",
                   "--problems", "中试资金不足", "--next", "七月完成验收")
    assert recorded.exit_code == 0, recorded.output
    for args in (("log",), ("show", "十三", "--as-of", "2022-06-30")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "存在问题：中试资金不足" in result.stdout
        assert "下一步计划：七月完成验收" in result.stdout


def test_a_level_target_says_whether_it_is_met_not_a_completion_percent(run):
    met = run("update", "H2", "--value", "7.5", "--date", "2022-06-30")
    assert met.exit_code == 0, met.output
    assert "已达标" in met.stdout and "完成 " not in met.stdout  # 8%左右: 7.5 is within 左右
    short = run("update", "H2", "--value", "3", "--date", "2022-06-30")
    assert short.exit_code == 0, short.output
    assert "未达标" in short.stdout and "完成 " not in short.stdout
    flow = run("update", "十三.5", "--value", "1200", "--date", "2022-06-30")
    assert "完成 48.0%" in flow.stdout
