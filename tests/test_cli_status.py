"""``kjyd status`` and ``kjyd show`` through the CLI, with check-ins recorded by ``kjyd update``."""

from __future__ import annotations

import json

import pytest

from tests import stores



@pytest.fixture
def width(monkeypatch):
    def set_width(columns: int) -> None:
        monkeypatch.setenv("KJYD_WIDTH", str(columns))

    return set_width


@pytest.fixture
def seeded(run):
    """A June with a few check-ins: 十三 at 8 of 10, 十四.3 reached, a note on 三."""
    for args in (
        ["十三", "--value", "2", "--date", "2022-02-10", "--note", "两个中试基地获批"],
        ["十三", "--value", "8", "--date", "2022-06-15", "--note", "新认定中试基地"],
        ["十四.3", "--value", "1600", "--date", "2022-05-31"],
        ["三", "--note", "已召开监测评估推进会", "--date", "2022-06-01"],
        ["H2", "--value", "7.5", "--date", "2022-06-30"],
    ):
        result = run("update", *args, input="y\n")
        assert result.exit_code == 0, result.output
    return run


def _row(text: str, start: str) -> str:
    """A table row with the continuation lines of its wrapped cells (indented past the 编号 column)."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.lstrip().startswith(start))
    rest = []
    for line in lines[first + 1:]:
        if not line.startswith(" " * 10) or not line.strip():
            break
        rest.append(line.strip())
    return " ".join([lines[first], *rest])


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith(start))


def test_status_shows_task_and_first_target(seeded, width):
    width(100)
    result = seeded("status", "--as-of", "2022-06-30")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "截至 2022-06-30　序时进度 49.6%" in out
    assert "32项任务中，已完成0项，快于序时0项，符合序时0项，慢于序时0项，未填报32项。" in out
    assert "五、加快科技成果转化和科技企业孵化" in out
    task = _line(out, "十三  ")
    assert "促进科技成果转化" in task and "未填报" in task and "2022-06-15" in task
    target = _row(out, "十三.1")  # at 100 columns the name may take a second line; 最新进展 keeps its width
    assert "8/10个" in target and "80%" in target and "快于序时" in target
    assert "████░░░░" not in target and "██████░░" in target
    # Qualitative task: no 工作进度 sub-row, the note shows on the task row.
    assert "已召开监测评" in _line(out, "三  ")  # shortened to fit
    assert "三.1 工作进度" not in out


def test_status_headlines_first(seeded, width):
    width(100)
    out = seeded("status", "--as-of", "2022-06-30").stdout
    assert out.index("主要目标") < out.index("一、加力加速")
    h7 = _line(out, "H7")
    assert "新增高新技术企业" in h7 and "达到1500家" in h7 and "1600家" in h7 and "已完成" in h7
    h2 = _line(out, "H2")
    assert "8%左右" in h2 and "7.5%" in h2 and "已完成" in h2  # 7.5 of 8 左右 is within 10 %
    assert "不少于200个" in _line(out, "H1")


def test_as_of_before_a_check_in(seeded, width):
    width(100)
    out = seeded("status", "--as-of", "2022-06-14").stdout
    target = _row(out, "十三.1")
    assert "2/10个" in target and "2022-02-10" in target and "慢于序时" in target


def test_status_json(seeded, plan):
    result = seeded("status", "--as-of", "2022-06-30", "--json")
    data = json.loads(result.stdout)
    assert (data["plan"], data["as_of"], data["expected_percent"]) == ("shaanxi-kjt-2022", "2022-06-30", 49.59)
    targets = {t["id"]: t for t in data["targets"]}
    assert list(targets) == [t.id for t in plan.targets]  # every target once, in plan order
    assert targets["13.1"] == targets["13.1"] | {
        "id": "13.1", "task": 13, "name": "布局建设科技成果转化中试基地", "unit": "个", "target": 10,
        "comparator": "about", "headline": False, "value": 8, "percent": 80, "state": "快于序时",
    }
    assert targets["14.2"]["target"] == 13000 and targets["14.2"]["headline"] is True
    assert (targets["H2"]["task"], targets["H2"]["value"], targets["H2"]["percent"]) == (None, 7.5, 93.75)
    assert targets["13.2"]["value"] is None and targets["13.2"]["state"] == "未填报"
    assert sum(t["headline"] for t in data["targets"]) == 8
    tasks = {t["number"]: t for t in data["tasks"]}
    assert len(tasks) == 32
    assert tasks[13] == tasks[13] | {
        "number": 13, "title": "促进科技成果转化", "section": 5, "percent": 16, "state": "未填报",
        "targets": ["13.1", "13.2", "13.3", "13.4", "13.5"],
    }
    assert tasks[3]["percent"] is None and tasks[3]["last_note"] == "已召开监测评估推进会"


def test_filters(seeded, width):
    width(100)
    out = seeded("status", "--as-of", "2022-06-30", "--section", "五").stdout
    assert "五、加快科技成果转化" in out and "一、加力加速" not in out and "主要目标" not in out
    out = seeded("status", "--as-of", "2022-06-30", "--section", "（5）").stdout
    assert "五、加快科技成果转化" in out
    data = json.loads(seeded("status", "--as-of", "2022-06-30", "--state", "未填报", "--json").stdout)
    assert len(data["tasks"]) == 32
    data = json.loads(seeded("status", "--as-of", "2022-06-30", "--state", "已完成",
                             "--state", "快于序时", "--json").stdout)
    assert data["tasks"] == [] and data["targets"] == []
    data = json.loads(seeded("status", "--as-of", "2022-06-30", "--behind", "--section", "一", "--json").stdout)
    assert [t["number"] for t in data["tasks"]] == [1, 2, 3]
    out = seeded("status", "--as-of", "2022-06-30", "--state", "已完成").stdout
    assert "H7" in out and "H1 " not in out and "没有符合筛选条件的任务" not in out


def test_tolerance_option(run):
    run("update", "十三.2", "--value", "5.5", "--date", "2022-06-01", input="y\n")  # 45.8 % vs 49.6 %
    states = lambda *extra: {t["id"]: t["state"] for t in json.loads(  # noqa: E731
        run("status", "--as-of", "2022-06-30", "--json", *extra).stdout)["targets"]}
    assert states()["13.2"] == "符合序时"
    assert states("--tolerance", "2")["13.2"] == "慢于序时"


@pytest.mark.parametrize(("args", "message"), [
    (["--state", "落后"], "--state “落后” 不是有效状态：可选 已完成、快于序时、符合序时、慢于序时、未达标、未完成、未填报"),
    (["--section", "十一"], "--section “十一” 不是计划中的部分：可选 一、二、三、四、五、六、七、八、九、十"),
    (["--as-of", "2022-13-01"], '--as-of "2022-13-01" 不存在'),
    (["--as-of", "六月底"], '--as-of "六月底" 格式不对，应写作 YYYY-MM-DD'),
    (["--tolerance", "-1"], "--tolerance -1 无效"),
])
def test_bad_options_are_one_chinese_line(run, args, message):
    result = run("status", *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误：{message}")
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_as_of_is_clamped_with_a_notice(run, monkeypatch):
    result = run("status", "--as-of", "2023-02-01", "--json")
    assert json.loads(result.stdout)["as_of"] == "2022-12-31"
    assert "提示：2023-02-01 晚于计划期（2022-01-01 至 2022-12-31），按计划期末日 2022-12-31 统计" in result.stderr
    monkeypatch.setenv("KJYD_TODAY", "2022-03-31")
    data = json.loads(run("status", "--json").stdout)
    assert data["as_of"] == "2022-03-31" and data["expected_percent"] == round(100 * 90 / 365, 2)
    monkeypatch.setenv("KJYD_TODAY", "2021-12-01")
    result = run("status", "--json")
    assert json.loads(result.stdout)["as_of"] == "2022-01-01" and "早于计划期" in result.stderr


def test_empty_ledger_does_not_create_the_database(run, db_path):
    result = run("status", "--as-of", "2022-06-30")
    assert result.exit_code == 0 and "未填报32项" in result.stdout
    assert not stores.exists(db_path)


@pytest.mark.parametrize("columns", [60, 100])
def test_no_line_wider_than_the_terminal(seeded, width, columns):
    from rich.cells import cell_len

    width(columns)
    for args in (["status"], ["show", "十三"]):
        out = seeded(*args, "--as-of", "2022-06-30").stdout
        assert max(cell_len(line) for line in out.splitlines()) <= columns
        assert "\x1b[" not in out  # no colour when not a terminal / NO_COLOR
    out = seeded("status", "--as-of", "2022-06-30").stdout
    assert "8/10个" in out and "新认定中试基地" in out and "1600家" in out  # nothing cut off


def test_show_task(seeded, width, run):
    run("update", "十三", "--value", "9", "--date", "2022-06-20", input="y\n")
    run("undo", input="y\n")
    width(100)
    result = seeded("show", "（十三）", "--as-of", "2022-06-30")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("（十三）促进科技成果转化")
    assert "依托链主企业或龙头骨干企业布局建设10个左右科技成果转化中试基地" in out.replace("\n", "")
    row = _line(out, "十三.1  布局建设")
    assert "10个左右" in row and "8个" in row and "80%" in row and "快于序时" in row
    assert "1月 —  2月 2  3月 2  4月 2  5月 2  6月 8" in out
    history = [line for line in out.splitlines() if line.startswith("2022-")]
    assert len(history) == 3  # newest first, the withdrawn one kept
    assert "9" in history[0] and "已撤销" in history[0]
    assert "+6" in history[1] and "新认定中试基地" in history[1] and "测试员" in history[1] and "当前值" in history[1]
    assert "两个中试基地获批" in history[2]


def test_show_json(seeded):
    data = json.loads(seeded("show", "13", "--as-of", "2022-06-30", "--json").stdout)
    assert (data["plan"], data["as_of"]) == ("shaanxi-kjt-2022", "2022-06-30")
    assert [t["id"] for t in data["targets"]] == ["13.1", "13.2", "13.3", "13.4", "13.5"]
    assert data["tasks"][0]["number"] == 13 and data["tasks"][0]["state"] == "未填报"
    assert [(h["date"], h["value"], h["change"]) for h in data["history"]] == [
        ("2022-06-15", 8, 6), ("2022-02-10", 2, None)]
    assert data["history"][0]["who"] == "测试员" and data["history"][0]["status"] == "当前值"
    assert data["month_end"]["13.1"]["2022-01"] is None and data["month_end"]["13.1"]["2022-06"] == 8


def test_show_unknown_task(run):
    result = run("show", "三十三")
    assert result.exit_code == 1 and result.stderr.startswith("错误：")


def test_snapshot_gives_the_same_report_as_full_history(seeded, plan, db_path, run):
    """status reads the ledger's pre-selected snapshot; it must agree with the whole history."""
    from datetime import date

    from kjyd.ledger import Ledger
    from kjyd.report import build_report

    run("update", "十三", "--value", "9", "--date", "2022-06-20", input="y\n")
    run("undo", input="y\n")
    run("update", "十三", "--note", "只写说明", "--date", "2022-06-25", input="y\n")
    with Ledger.open(db_path, write=False) as ledger:
        everything = ledger.entries(plan.id)
        for day in (date(2022, 2, 10), date(2022, 6, 14), date(2022, 6, 30)):
            snapshot = ledger.snapshot(plan.id, day)
            assert build_report(plan, snapshot, day) == build_report(plan, everything, day)


@pytest.mark.parametrize("command", [["status"], ["export", "--month", "2022-06"]])
def test_tolerance_that_is_not_a_number_is_one_chinese_line(run, command):
    result = run(*command, "--tolerance", "abc")
    assert result.exit_code == 1
    assert result.stderr == '错误：--tolerance "abc" 不是数字\n'


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_summary_never_starts_a_line_with_a_comma(run, width, columns):
    width(columns)
    result = run("status", "--as-of", "2022-06-30")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith(("，", "。"))]
    start = next(i for i, line in enumerate(lines) if line.startswith("32项任务中"))
    summary = "".join(lines[start:lines.index("", start)])
    assert summary.startswith("32项任务中，已完成") and summary.endswith("。")


@pytest.mark.parametrize("columns", [40, 60])
def test_a_long_note_takes_one_shortened_line_on_a_narrow_terminal(run, width, columns):
    """Below 80 columns the date and latest note go on a line of their own — one line, shortened
    like 最新进展 is when wide, not a 2,000-character note folded into the task column."""
    long_note = "长" * 1000
    assert run("update", "十三", "--value", "8", "--date", "2022-06-15", "--note", long_note).exit_code == 0
    width(columns)
    out = run("status", "--as-of", "2022-06-30", "--section", "五").stdout
    lines = out.splitlines()
    noted = [line for line in lines if "长" in line]
    assert len(noted) == 1  # under the task (十三.1 says the same, so it is not repeated)
    assert all(line.strip().startswith("2022-06-15 长") and line.endswith("…") for line in noted)
    assert len(lines) < 100  # was over 450: the whole note, folded


def test_control_characters_in_notes_and_names_never_reach_the_terminal(run, width):
    """A pasted note with escape codes (or a line break) is shown escaped, on one line, everywhere."""
    width(100)
    note, who = "已完成\x1b[31m红\x1b[0m\n第二行", "张三\x1b[2J"
    reply = run("update", "三", "--value", "40", "--note", note, "--by", who, "--date", "2022-06-15")
    assert reply.exit_code == 0
    outputs = [reply.stdout, run("show", "三").stdout, run("log").stdout, run("undo", input="n\n").stdout]
    for out in outputs:
        assert "\x1b" not in out
        assert "已完成\\x1b[31m红" in out, out
    assert "\\x1b[0m 第二行" in reply.stdout
    status = run("status", "--as-of", "2022-06-30").stdout
    assert "\x1b" not in status and "已完成\\x1b" in status  # shortened there
    assert "张三\\x1b[2J" in reply.stdout
    assert json.loads(run("log", "--json").stdout)[0]["note"] == note  # stored exactly as typed


def test_show_accepts_a_target_address_for_its_task(run):
    by_target = run("show", "十三.2", "--as-of", "2022-06-30", "--json")
    by_task = run("show", "十三", "--as-of", "2022-06-30", "--json")
    assert by_target.exit_code == 0 and by_target.stdout == by_task.stdout
    missing = run("show", "十三.9")
    assert missing.exit_code == 1 and "只有5个目标" in missing.stderr


def test_show_takes_the_same_tolerance_as_status(run):
    assert run("update", "十三", "--value", "8", "--date", "2022-06-15").exit_code == 0

    def state(*extra):
        result = run("show", "十三", "--as-of", "2022-06-30", "--json", *extra)
        assert result.exit_code == 0, result.output
        return next(t["state"] for t in json.loads(result.stdout)["targets"] if t["id"] == "13.1")

    assert state() == "快于序时"  # 80 % against 49.6 % ± 5
    assert state("--tolerance", "40") == "符合序时"
