"""Correcting what went wrong: ``kjyd undo 编号`` and ``kjyd undo --file``, against the real ledger.

A wrong entry is routine in an office year; any of them must be withdrawable (never deleted), and a
withdrawn collected file must be collectable again.
"""

from __future__ import annotations


import pytest

from tests import stores

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
    return stores.query(
        db_path, "SELECT id, target_id, value, withdrawn_at IS NOT NULL, withdrawn_by FROM checkins ORDER BY id"
    )


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
    assert "撤销后 十三.5 的当前值不变（仍为 1200亿元" in result.stdout
    assert "已撤销：#1" in result.stdout
    assert [r[3] for r in state(db_path)] == [1, 0, 0]


def test_undo_by_number_asks_first_and_no_keeps_everything(run, db_path, three):
    result = run("undo", "#2", input="n\n")
    assert result.exit_code == 1
    assert "撤销后 十三.5 的当前值：1200 → 800亿元" in result.stdout
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
    stores.execute(db_path, "UPDATE checkins SET plan_id = 'other' WHERE id = 3")
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


# --- units after numbers (one parser: update, collect, plan values) ---------------------------


@pytest.mark.parametrize(
    ("address", "typed", "stored"),
    [
        ("二十.4", "80人次", 80), ("十三.1", "2个", 2), ("十四.3", "1.3万家", 13000),
        ("十三.5", "2500亿元", 2500), ("十三.5", "2500亿", 2500), ("H2", "8%", 8), ("H2", "８％", 8),
    ],
)
def test_update_accepts_the_targets_unit_and_its_short_form(run, db_path, address, typed, stored):
    ok(run("update", address, "--value", typed))
    assert [r[2] for r in state(db_path)] == [stored]


def test_update_accepts_25_chang_for_changci(run, db_path, plan):
    changci = next(t for t in plan.targets if t.unit == "场次")
    ok(run("update", changci.label, "--value", "25场"))
    ok(run("update", changci.label, "--add", "3场次"))
    assert [r[2] for r in state(db_path)] == [25, 28]


@pytest.mark.parametrize(
    ("address", "typed", "words"),
    [
        ("十三.5", "8100000万元", ("应以 亿元 计", "即 810亿元")),
        ("二十.4", "80人", ("应以 人次 计",)),
        ("十三.1", "2家", ("应以 个 计",)),
    ],
)
def test_a_different_unit_is_refused_naming_the_right_one(run, db_path, address, typed, words):
    fails(run("update", address, "--value", typed), *words)
    fails(run("update", address, "--add", typed), *words)
    assert state(db_path) == []


def test_collect_reads_units_with_the_same_parser(run, tmp_path, db_path):
    folder = tmp_path / "out"
    ok(run("template", "--month", "2022-07", "-o", str(folder)))
    good = fill(folder / TEMPLATE, tmp_path / "好.xlsx", {"20.4": {"G": "80人次"}, "13.1": {"G": "2个"}})
    ok(run("collect", str(good)))
    assert sorted(r[2] for r in state(db_path)) == [2, 80]
    bad = fill(folder / TEMPLATE, tmp_path / "坏.xlsx", {"13.5": {"G": "8100000万元"}})
    result = run("collect", str(bad))
    assert result.exit_code == 1 and "应以 亿元 计" in result.stderr and "!G" in result.stderr


# --- the magnitude rule -----------------------------------------------------------------------


def test_a_value_over_ten_times_the_target_is_refused_when_not_interactive(run, db_path):
    fails(run("update", "十三.5", "--value", "8100000"), "未记录", "3240 倍", "亿元", "--yes")
    assert state(db_path) == []
    result = ok(run("update", "十三.5", "--value", "8100000", "--yes"))
    assert "3240 倍" in result.stderr
    assert [r[2] for r in state(db_path)] == [8100000]


def test_a_value_over_a_hundred_times_the_previous_is_refused_also_via_add(run, db_path):
    ok(run("update", "十四.3", "--value", "5", "--date", "2022-06-01"))
    fails(run("update", "十四.3", "--value", "600"), "上次 5家 的 120 倍")
    fails(run("update", "十四.3", "--add", "600"), "上次 5家 的 121 倍")
    ok(run("update", "十四.3", "--value", "400"))  # 80×: a big month, not a slip
    assert [r[2] for r in state(db_path)] == [5, 400]


def test_the_rule_leaves_growth_rates_and_progress_alone_within_reason(run, db_path):
    ok(run("update", "H2", "--value", "0.1", "--date", "2022-06-01"))
    ok(run("update", "H2", "--value", "-20"))  # a rate: no ratio to a previous value near 0
    fails(run("update", "H2", "--value", "90"), "目标 8% 的 11 倍")
    ok(run("update", "三", "--value", "0.5", "--date", "2022-06-01"))
    ok(run("update", "三", "--value", "90"))  # 工作进度 is held to 0..100 already


def _in_terminal(args: list[str], answer: str, env: dict) -> tuple[int, str]:
    """Run kjyd with its stdin on a pseudo-terminal (as a clerk at a prompt) and answer once."""
    import os
    import pty
    import subprocess
    import sys

    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kjyd", *args], stdin=secondary, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=env,
    )
    os.close(secondary)
    os.write(main, answer.encode())
    out, err = proc.communicate(timeout=60)
    os.close(main)
    return proc.returncode, (out + err).decode()


@pytest.mark.parametrize(("answer", "code", "kept"), [("n\n", 1, []), ("y\n", 0, [8100000.0])])
def test_in_a_terminal_the_rule_asks_and_records_only_on_yes(db_path, answer, code, kept):
    import os

    env = {**os.environ, "KJYD_TODAY": "2022-08-05"}
    returncode, text = _in_terminal(["update", "十三.5", "--value", "8100000"], answer, env)
    assert returncode == code, text
    assert "3240 倍" in text and "确定按此数值记录吗" in text
    assert [r[2] for r in state(db_path)] == kept if stores.exists(db_path) else kept == []


def test_plan_file_values_may_carry_the_targets_unit_and_a_wrong_one_is_located(run, tmp_path):
    from tests.test_plan_structure import HEADLINE_ONLY

    path = tmp_path / "plan.yaml"
    path.write_text(HEADLINE_ONLY.replace("value: 8,700", "value: 8,700家").replace("baseline: 7000", "baseline: 0.7万家"),
                    encoding="utf-8")
    ok(run("--plan", str(path), "check"))
    from kjyd.plan_loader import load_plan

    target = load_plan(path).extra_targets[1]
    assert (target.value, target.baseline) == (8700, 7000)
    path.write_text(HEADLINE_ONLY.replace("value: 8,700", "value: 8700个"), encoding="utf-8")
    result = run("--plan", str(path), "check")
    assert result.exit_code == 1
    assert "plan.yaml:" in result.stderr and '"8700个" 的单位不对：应以 家 计' in result.stderr


def test_the_magnitude_rule_by_kind_total_against_its_stock_level_by_size(run, tmp_path, db_path):
    from tests.test_plan_structure import HEADLINE_ONLY

    path = tmp_path / "plan.yaml"
    path.write_text(HEADLINE_ONLY.replace("2024", "2022"), encoding="utf-8")
    plan = ["--plan", str(path)]
    # total 8700 家 from a baseline of 7000: a stock of 8800 is an ordinary figure, not 60× the
    # 1700 still to go; 87000 (ten times the stock) is the slip; with no check-in yet the baseline
    # is the previous value.
    ok(run(*plan, "update", "H2", "--value", "8800"))
    fails(run(*plan, "update", "H2", "--value", "87001"), "目标 8700家 的 10 倍")
    # level 5 %: judged against the target only, by size
    ok(run(*plan, "update", "H1", "--value", "0.01", "--date", "2022-06-01"))
    ok(run(*plan, "update", "H1", "--value", "4.8"))  # 480× the previous: still no question
    fails(run(*plan, "update", "H1", "--value", "-60"), "目标 5% 的 12 倍")
    assert [r[2] for r in state(db_path)] == [8800, 0.01, 4.8]


# --- the unit parser, for any number and unit ---------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

UNITS = ["个", "家", "名", "人次", "场次", "亿元", "万元", "%", "项", "件", "平方米"]


@given(whole=st.integers(0, 10**9), cents=st.integers(0, 99), unit=st.sampled_from(UNITS),
       spaced=st.booleans(), short=st.booleans())
def test_a_number_with_its_own_unit_or_short_form_reads_as_the_bare_number(whole, cents, unit, spaced, short):
    from kjyd.values import parse_number, unit_forms

    number = f"{whole}.{cents:02d}"
    forms = unit_forms(unit)
    written = forms[-1] if short else forms[0]
    assert parse_number(f"{number}{' ' if spaced else ''}{written}", unit=unit) == parse_number(number)


@given(whole=st.integers(1, 10**6), unit=st.sampled_from(UNITS), other=st.sampled_from(UNITS))
def test_another_unit_is_refused_naming_the_right_one(whole, unit, other):
    from kjyd.errors import UnitError
    from kjyd.values import parse_number, unit_forms

    if other in unit_forms(unit) or (other.startswith("万") and other[1:] in unit_forms(unit)):
        return
    with pytest.raises(UnitError) as raised:
        parse_number(f"{whole}{other}", unit=unit)
    assert f"应以 {unit} 计" in str(raised.value)
