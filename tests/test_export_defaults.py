"""``kjyd export`` right by default: never a date after today, and ``-o`` read as a clerk means it."""

from __future__ import annotations

import os

import pytest
from openpyxl import load_workbook


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def title(path) -> str:
    return load_workbook(path)["推进情况"]["A1"].value


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_early_in_a_month_the_default_is_the_last_complete_month_and_it_says_so(run, work, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-05")
    result = ok(run("export"))
    assert "默认生成上月 2022-06 的推进情况表" in result.stderr and "--month 2022-07" in result.stderr
    assert "截至2022年6月30日" in title(work / "2022年科技工作要点推进情况表_2022-06.xlsx")


def test_later_in_a_month_the_month_is_reported_as_of_today(run, work, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-20")
    result = ok(run("export"))
    assert "2022-07 尚未结束，数值截至今天 2022-07-20" in result.stderr
    assert "截至2022年7月20日" in title(work / "2022年科技工作要点推进情况表_2022-07.xlsx")
    ok(run("export", "--month", "2022-07", "-o", "b.xlsx"))  # the same cap with an explicit month
    assert "截至2022年7月20日" in title(work / "b.xlsx")
    refused = run("export", "--month", "2022-08")
    assert refused.exit_code == 1 and "2022-08 尚未开始" in refused.stderr
    report = run("report", "--month", "2022-08")
    assert report.exit_code == 1 and "不能生成该月的推进情况报告" in report.stderr


def test_a_past_plan_is_exported_for_its_last_month_without_notices(run, work, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2023-03-05")
    result = ok(run("export"))
    assert result.stderr == ""
    assert "截至2022年12月31日" in title(work / "2022年科技工作要点推进情况表_2022-12.xlsx")


def test_output_ending_in_a_separator_is_a_folder_and_must_exist(run, work, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-20")
    refused = run("export", "-o", "不存在/")
    assert refused.exit_code == 1 and "文件夹 不存在/ 不存在" in refused.stderr
    assert list(work.iterdir()) == []
    (work / "报送").mkdir()
    ok(run("export", "-o", "报送/"))
    assert [p.name for p in (work / "报送").iterdir()] == ["2022年科技工作要点推进情况表_2022-07.xlsx"]
    ok(run("export", "-o", "报送" + os.sep, "--format", "csv"))
    assert (work / "报送" / "2022年科技工作要点推进情况表_2022-07.csv").exists()


@pytest.mark.parametrize(
    ("args", "written"),
    [(["-o", "报送/abc"], "报送/abc.xlsx"), (["-o", "报送/abc", "--format", "csv"], "报送/abc.csv"),
     (["-o", "报送/abc.CSV"], "报送/abc.CSV"), (["-o", "报送/六月.v2"], "报送/六月.v2.xlsx")],
)
def test_a_file_name_without_an_extension_gets_one(run, work, monkeypatch, args, written):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-20")
    (work / "报送").mkdir()
    result = ok(run("export", *args))
    assert (work / written).is_file()
    assert str(work / written) in result.stdout or written in result.stdout
    assert len(list((work / "报送").iterdir())) == 1


def test_report_to_a_file_type_it_cannot_write_is_refused_not_renamed(run, work, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-20")
    for args in (["report", "-o", "r.pdf"], ["export", "-o", "表.xls"], ["export", "-o", "表.docx"]):
        refused = run(*args)
        assert refused.exit_code == 1 and "应以" in refused.stderr, args
    assert list(work.iterdir()) == []
    ok(run("export", "-o", "第2022.06期"))  # a dot inside a name is not a file type
    assert (work / "第2022.06期.xlsx").is_file()


def test_changes_and_template_default_to_the_month_being_reported_like_export(run, work, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-07-05")
    ok(run("update", "十三.5", "--value", "800", "--date", "2022-06-20"))
    changes = ok(run("changes", "--json"))
    assert '"2022-06"' in changes.stdout and "默认" in changes.stderr and "2022-06" in changes.stderr
    template = ok(run("template", "-o", "填报表/"))
    assert "上月 2022-06" in template.stderr
    assert all("2022-06" in p.name for p in (work / "填报表").iterdir())
    monkeypatch.setenv("KJYD_TODAY", "2022-07-20")
    assert '"2022-07"' in ok(run("changes", "--json")).stdout
