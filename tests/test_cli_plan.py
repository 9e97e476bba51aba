"""`kjyd plan`, `kjyd check`, addressing against the bundled plan, and the CLI's error contract."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from kjyd.errors import AddressNotFound
from tests.conftest import BUNDLED_PLAN


def test_bundled_plan_loads_through_the_models(plan):
    assert plan.id == "shaanxi-kjt-2022"
    assert [len(s.tasks) for s in plan.sections] == [3, 3, 3, 3, 3, 3, 3, 2, 4, 5]
    assert [t.number for t in plan.tasks] == list(range(1, 33))
    assert (plan.start.isoformat(), plan.end.isoformat()) == ("2022-01-01", "2022-12-31")
    quantitative = [t for t in plan.targets if t.task is not None and not t.implicit]
    assert len(quantitative) == 25
    assert len(plan.headlines) == 8
    # one check-in moves both: the headline IS the task target
    assert plan.headline_targets()[4] is plan.resolve("十三.5")
    assert [t.id for t in plan.targets if t.task is None] == ["H2"]


@pytest.mark.parametrize(
    ("address", "target_id"),
    [
        ("十三", "13.1"),
        ("（十三）", "13.1"),
        ("第十三", "13.1"),
        ("13", "13.1"),
        ("十三.5", "13.5"),
        ("13.5", "13.5"),
        ("十四.3", "14.3"),
        ("三", "3.1"),
        ("H2", "H2"),
        ("H5", "13.5"),
    ],
)
def test_addresses_as_users_write_them(plan, address, target_id):
    assert plan.resolve(address).id == target_id


def test_bare_task_means_its_first_target(plan):
    target = plan.resolve("十三")
    assert target.name.endswith("中试基地") and target.value == 10 and target.comparator == "about"


def test_qualitative_task_has_implicit_progress_target(plan):
    target = plan.resolve("三")
    assert target.implicit and target.value == 100 and target.unit == "%"


@pytest.mark.parametrize(
    ("address", "fragment"),
    [("99", "没有任务（九十九）"), ("三十三", "没有任务（三十三）"), ("十三.9", "只有5个目标"), ("H9", "主要目标只有8项"), ("abc", "无法识别")],
)
def test_unknown_addresses_say_what_exists(plan, address, fragment):
    with pytest.raises(AddressNotFound, match=fragment):
        plan.resolve(address)


def test_plan_command_lists_every_task_and_target(run, plan):
    result = run("plan")
    assert result.exit_code == 0
    for task in plan.tasks:
        assert f"（{task.label}）{task.title}" in result.stdout
    assert re.search(r"十三\.5 +技术合同成交额 达到2500亿元", result.stdout)
    assert re.search(r"十四\.2 +认定科技型中小企业 达到13,000家", result.stdout)
    assert re.search(r"H2 +全社会研发经费投入增长 8%左右", result.stdout)
    assert re.search(r"十三\.1 +布局建设科技成果转化中试基地 10个左右", result.stdout)
    assert re.search(r"一\.1 +完成科技成果转化并注册公司 不少于200个", result.stdout)


def test_check_bundled_plan_ok(run):
    result = run("check")
    assert result.exit_code == 0
    assert "检查通过" in result.stdout and "32项任务、25个量化目标、8项主要目标" in result.stdout


def test_check_broken_file_names_file_and_line(run, tmp_path):
    text = BUNDLED_PLAN.read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == "comparator: about")
    lines[index] = lines[index].replace("about", "around")
    broken = tmp_path / "broken.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("check", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误：{broken}:{index + 1}:")
    assert "比较方式应为" in result.stderr
    assert "Traceback" not in result.output


def test_global_plan_option_and_env(run, tmp_path, monkeypatch):
    missing = tmp_path / "nope.yaml"
    result = run("--plan", str(missing), "plan")
    assert result.exit_code == 1 and "找不到计划文件" in result.stderr
    monkeypatch.setenv("KJYD_PLAN", str(missing))
    assert run("plan").exit_code == 1


def test_unknown_command_and_option_are_one_chinese_line(run):
    for args in (["plna"], ["check", "--verbose"]):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("错误：")


def test_global_option_after_the_command_says_where_it_belongs(run, tmp_path):
    """``kjyd status --db x.db`` is the commonest slip: the message shows the order that works."""
    db = tmp_path / "别处.db"
    result = run("update", "十三", "--value", "3", "--db", str(db))
    assert result.exit_code == 2 and not db.exists()
    assert result.stderr.strip() == "错误：--db 是 kjyd 的全局选项，要写在命令名之前，如：kjyd --db kjyd.db update …"
    result = run("db", "copy", "--plan=x.yaml")
    assert "如：kjyd --plan 计划.yaml db copy …" in result.stderr
    # a command with its own --db (demo writes its own file) keeps it
    assert run("demo", "--db", str(db)).exit_code == 0 and db.exists()


def test_every_command_has_chinese_help_with_an_example(run):
    from kjyd.app import app
    from typer.main import get_command

    group = get_command(app)
    assert group.commands, "no commands registered"
    for name in group.commands:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "示例：kjyd" in result.stdout, name
        assert "用法：" in result.stdout


def test_python_dash_m_kjyd_works():
    result = subprocess.run(
        [sys.executable, "-m", "kjyd", "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "检查通过" in result.stdout
