"""``kjyd collect`` across one batch: copies, contradicting files, implausible figures, dates that are
the office's mistake, old templates and months already exported — with real files and SQLite."""

from __future__ import annotations


import pytest

from tests import stores
from tests.test_collect import TEMPLATE, fill

JULY = {"13.5": {"G": "1,200", "H": "签订技术合同"}, "14.2": {"G": "1.3万"}}


@pytest.fixture(autouse=True)
def august(monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")


@pytest.fixture
def template(run, tmp_path):
    folder = tmp_path / "out"
    assert run("template", "--month", "2022-07", "-o", str(folder)).exit_code == 0
    return folder / TEMPLATE


def values(db_path) -> list[tuple]:
    return stores.query(db_path, "SELECT target_id, date, value FROM checkins ORDER BY id")


def test_a_copy_inside_one_dry_run_batch_is_named_as_a_copy_not_as_already_collected(run, template, tmp_path, db_path):
    a = fill(template, tmp_path / "a.xlsx", JULY)
    b = fill(template, tmp_path / "b.xlsx", JULY)
    result = run("collect", str(a), str(b), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "已收取过" not in result.stdout
    assert "b.xlsx：与本批的 a.xlsx 内容相同，只记录一次" in result.stdout
    assert values(db_path) == []
    result = run("collect", str(a), str(b))
    assert len(values(db_path)) == 2


def test_two_files_of_one_division_and_month_that_disagree_record_neither(run, template, tmp_path, db_path):
    original = fill(template, tmp_path / "成果处.xlsx", JULY)
    corrected = fill(template, tmp_path / "成果处-更正.xlsx", {**JULY, "13.5": {"G": "1,300"}})
    other = fill(template, tmp_path / "无关.xlsx", {"3.1": {"H": "召开评估会"}})
    result = run("collect", str(corrected), str(original), str(other))
    assert result.exit_code == 1
    assert "成果处-更正.xlsx 和 成果处.xlsx" in result.stderr and "十三.5" in result.stderr
    assert "1300 与 1200" in result.stderr
    assert "互相矛盾、未记录：成果处-更正.xlsx、成果处.xlsx" in result.stderr
    assert values(db_path) == [("3.1", "2022-07-31", None)]  # the unrelated file is recorded
    # once the office keeps only the correction, it goes in
    assert run("collect", str(corrected)).exit_code == 0
    assert ("13.5", "2022-07-31", 1300.0) in values(db_path)


def test_same_division_and_month_without_a_disagreement_are_both_recorded(run, template, tmp_path, db_path):
    first = fill(template, tmp_path / "上.xlsx", {"13.5": {"G": 1200}})
    second = fill(template, tmp_path / "下.xlsx", {"13.5": {"G": 1200, "H": "补充说明"}, "14.2": {"G": 9000}})
    assert run("collect", str(first), str(second)).exit_code == 0
    assert len(values(db_path)) == 3


def test_an_implausible_figure_is_a_located_problem_of_its_file(run, template, tmp_path, db_path):
    from tests.test_collect import row_of

    bad = fill(template, tmp_path / "万元.xlsx", {"13.5": {"G": 8100000}})
    good = fill(template, tmp_path / "好.xlsx", {"14.2": {"G": 9000}})
    result = run("collect", str(bad), str(good))
    assert result.exit_code == 1
    assert f"万元.xlsx!填报表!G{row_of(template, '13.5')}: 8100000亿元 是目标 2500亿元 的 3240 倍" in result.stderr
    assert "请处室改正" in result.stderr
    assert values(db_path) == [("14.2", "2022-07-31", 9000.0)]
    assert run("collect", str(bad), "--yes").exit_code == 0
    assert ("13.5", "2022-07-31", 8100000.0) in values(db_path)


def test_a_wrong_date_option_blames_the_option_not_the_division(run, template, tmp_path, db_path):
    filled = fill(template, tmp_path / "a.xlsx", JULY)
    for day, words in (("2022-08-10", "晚于今天"), ("2021-12-31", "不在计划期内")):
        result = run("collect", str(filled), "--date", day)
        assert result.exit_code == 1
        assert words in result.stderr and "请改正 --date" in result.stderr
        assert "处室" not in result.stderr
    result = run("collect", str(filled), "--date", "2022-08-01")  # a real date, but not July
    assert result.exit_code == 1
    assert "--date 2022-08-01 不在填报表所属月份 2022-07 内（a.xlsx）" in result.stderr
    assert "请改正 --date 或去掉它" in result.stderr and "请处室改正" not in result.stderr
    assert values(db_path) == []


def test_an_old_template_says_which_template_to_use(run, tmp_path, db_path, monkeypatch):
    folder = tmp_path / "out"
    assert run("template", "--month", "2022-03", "-o", str(folder)).exit_code == 0
    march = fill(folder / TEMPLATE.replace("07", "03"), tmp_path / "三月表.xlsx", JULY)
    monkeypatch.setenv("KJYD_TODAY", "2022-06-02")  # May is being reported
    refused = run("collect", str(march), "--month", "2022-05")
    assert refused.exit_code == 1
    assert "这是 2022-03 的填报表" in refused.stderr and "kjyd template --month 2022-05" in refused.stderr
    result = run("collect", str(march))
    assert result.exit_code == 0, result.output
    assert "三月表.xlsx 是 2022-03 的填报表，已记入 2022-03" in result.stderr
    assert "请用 kjyd template --month 2022-05 生成的填报表" in result.stderr
    assert values(db_path)[0][1] == "2022-03-31"


def test_backdating_into_an_exported_month_warns_to_export_again(run, template, tmp_path, db_path):
    assert run("update", "十四.3", "--value", "50", "--date", "2022-07-15").exit_code == 0
    assert run("export", "--month", "2022-07", "-o", str(tmp_path / "七月.xlsx")).exit_code == 0
    result = run("collect", str(fill(template, tmp_path / "a.xlsx", JULY)), "--dry-run")
    assert "2022-07 的推进情况表已于" in result.stderr and "将改变该月数据" in result.stderr
    result = run("collect", str(tmp_path / "a.xlsx"))
    assert "已改变该月数据" in result.stderr and "kjyd export --month 2022-07" in result.stderr
    # a month never exported gives no such warning
    update = run("update", "十四.3", "--value", "60", "--date", "2022-06-30")
    assert "导出" not in update.stderr
    update = run("update", "十四.3", "--value", "70", "--date", "2022-07-20")
    assert "2022-07 的推进情况表已于" in update.stderr
