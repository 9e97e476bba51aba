"""``kjyd status --missing`` right by default: the month being reported, completed tasks left off
(and said so), each lead division chased for its own report."""

from __future__ import annotations

import json

from tests.test_divisions import division_plan_file  # noqa: F401  (fixture)


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def section(text: str, division: str) -> str:
    return text.split(f"\n{division}：")[1].split("\n\n")[0]


def test_early_in_a_month_the_default_is_the_month_being_reported(run, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-04-02")
    ok(run("update", "十三", "--value", "3", "--date", "2022-03-31"))
    result = ok(run("status", "--missing"))
    assert "2022年3月 未填报任务" in result.stdout
    assert "默认查看上月 2022-03" in result.stderr and "--month 2022-04" in result.stderr
    assert "（十三）" not in section(result.stdout, "未分配")
    monkeypatch.setenv("KJYD_TODAY", "2022-04-20")
    later = ok(run("status", "--missing"))
    assert "2022年4月 未填报任务" in later.stdout and later.stderr == ""


def test_completed_tasks_are_not_chased_and_the_list_says_so(run, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    ok(run("update", "三", "--value", "100", "--date", "2022-06-30"))  # qualitative task done in June
    ok(run("update", "十三.1", "--value", "10", "--date", "2022-06-30"))  # one of 13's targets only
    result = ok(run("status", "--missing", "--month", "2022-07"))
    assert "（三）" not in section(result.stdout, "未分配")
    assert "（十三）" in section(result.stdout, "未分配")  # not complete: still chased
    assert "已完成、不再催报的1项：（三）" in result.stdout
    data = json.loads(ok(run("status", "--missing", "--month", "2022-07", "--json")).stdout)
    assert [t["task"] for t in data["completed_not_chased"]] == ["三"]
    assert "三" not in [t["task"] for d in data["divisions"] for t in d["missing"]]


def test_each_lead_division_is_chased_separately(run, division_plan_file, tmp_path, monkeypatch):  # noqa: F811
    from openpyxl import load_workbook

    monkeypatch.setenv("KJYD_TODAY", "2022-08-05")
    plan = ("--plan", str(division_plan_file))
    ok(run(*plan, "template", "--month", "2022-07", "-o", str(tmp_path)))
    path = tmp_path / "2022年科技工作要点_2022-07_填报表_高新技术处.xlsx"
    wb = load_workbook(path)
    ws = wb["填报表"]
    row = next(r for r in range(4, ws.max_row + 1) if ws[f"K{r}"].value == "14.3")
    ws[f"G{row}"] = 620
    wb.save(path)
    ok(run(*plan, "collect", str(path)))
    result = ok(run(*plan, "status", "--missing", "--month", "2022-07"))
    assert "高新技术处：已全部填报" in result.stdout
    assert "（十四）" in section(result.stdout, "成果转化处")  # its own report is still due
    # a figure typed by the office (a person, not a division) counts for every lead division
    ok(run(*plan, "update", "十四.1", "--note", "电话核实", "--date", "2022-07-30"))
    result = ok(run(*plan, "status", "--missing", "--month", "2022-07"))
    assert "（十四）" not in section(result.stdout, "成果转化处")
