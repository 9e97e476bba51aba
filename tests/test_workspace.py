"""kjyd.toml (settings that stick), ``kjyd init`` and ``kjyd info``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

BUNDLED_PLAN = Path(__file__).resolve().parents[1] / "data" / "plan2022.yaml"


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A workspace folder with its own plan copy and kjyd.toml; the test runs in a subfolder of it."""
    monkeypatch.delenv("KJYD_DB", raising=False)
    monkeypatch.delenv("KJYD_USER", raising=False)
    root = tmp_path / "规划处"
    (root / "plans").mkdir(parents=True)
    shutil.copy(BUNDLED_PLAN, root / "plans" / "要点.yaml")
    (root / "kjyd.toml").write_text(
        'plan = "plans/要点.yaml"\ndb = "data/进度.db"\nuser = "张三"\n', encoding="utf-8"
    )
    sub = root / "交回" / "七月"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    return root


def test_settings_found_in_a_parent_folder_with_paths_from_its_folder(run, workspace):
    result = run("update", "十三", "--value", "3", "--date", "2022-03-31")
    assert result.exit_code == 0, result.output
    assert "填报人 张三" in result.stdout
    assert (workspace / "data" / "进度.db").is_file()
    info = run("info").stdout
    assert f"{workspace / 'plans' / '要点.yaml'}（来自 kjyd.toml）" in info
    assert f"{workspace / 'data' / '进度.db'}（来自 kjyd.toml）" in info
    assert "本计划填报 1 条" in info
    assert "张三（来自 kjyd.toml）" in info
    assert f"设置文件  {workspace / 'kjyd.toml'}" in info


def test_options_and_environment_win_over_the_file(run, workspace, tmp_path, monkeypatch):
    other = tmp_path / "其他.db"
    monkeypatch.setenv("KJYD_USER", "李四")
    monkeypatch.setenv("KJYD_PLAN", str(BUNDLED_PLAN))
    info = run("--db", str(other), "info").stdout
    assert f"{other}（来自 选项 --db）" in info
    assert f"{BUNDLED_PLAN}（来自 环境变量 KJYD_PLAN）" in info
    assert "李四（来自 环境变量 KJYD_USER）" in info
    result = run("--db", str(other), "update", "十三", "--value", "3", "--date", "2022-03-31")
    assert "填报人 李四" in result.stdout
    assert other.is_file() and not (workspace / "data").exists()


def test_no_file_means_defaults_and_says_so(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("KJYD_DB")
    info = run("info")
    assert info.exit_code == 0, info.output
    assert "未找到 kjyd.toml" in info.stdout
    assert f"{tmp_path / 'xdg' / 'kjyd' / 'kjyd.db'}（来自 默认）" in info.stdout
    assert "尚未创建" in info.stdout
    assert "kjyd 0.1" in info.stdout and "备份" in info.stdout


@pytest.mark.parametrize("text, message", [
    ('plan = plan2023.yaml\n', "kjyd.toml:1:8: 格式有误"),
    ('plan = "a.yaml"\npaln = "b.yaml"\n', "未知设置 paln"),
    ('db = 3\n', "db 应为加引号的非空文字"),
])
def test_a_bad_file_is_one_located_line_and_nothing_runs(run, workspace, text, message):
    (workspace / "kjyd.toml").write_text(text, encoding="utf-8")
    result = run("update", "十三", "--value", "3", "--date", "2022-03-31")
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (workspace / "data").exists()


def test_a_server_url_stays_text_and_its_password_is_not_shown(run, workspace):
    (workspace / "kjyd.toml").write_text('db = "postgresql://kjyd:秘密@db.example/kjyd"\n', encoding="utf-8")
    result = run("info")
    assert "postgresql://kjyd:***@db.example/kjyd（来自 kjyd.toml）" in result.stdout
    assert "秘密" not in result.output


def test_init_writes_a_workspace_that_later_commands_use(run, tmp_path, monkeypatch):
    monkeypatch.delenv("KJYD_DB")
    monkeypatch.delenv("KJYD_USER")
    folder = tmp_path / "ws"
    folder.mkdir()
    shutil.copy(BUNDLED_PLAN, folder / "plan.yaml")
    monkeypatch.chdir(folder)
    result = run("init", "--plan", "plan.yaml", "--user", "王五")
    assert result.exit_code == 0, result.output
    assert (folder / "kjyd.toml").read_text(encoding="utf-8").count("\nplan = \"plan.yaml\"") == 1
    (folder / "子").mkdir()
    monkeypatch.chdir(folder / "子")
    assert "填报人 王五" in run("update", "十三", "--value", "1", "--date", "2022-01-31").stdout
    assert (folder / "kjyd.db").is_file()
    # A second init does not overwrite the first.
    monkeypatch.chdir(folder)
    again = run("init", "--plan", "plan.yaml")
    assert again.exit_code == 1 and "已存在" in again.stderr
    assert "王五" in (folder / "kjyd.toml").read_text(encoding="utf-8")


def test_init_remembers_the_plan_in_use_and_refuses_a_broken_one(run, tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_PLAN", str(BUNDLED_PLAN))
    assert run("init").exit_code == 0
    assert f'plan = {json.dumps(str(BUNDLED_PLAN), ensure_ascii=False)}' in (tmp_path / "kjyd.toml").read_text(
        encoding="utf-8")
    broken = tmp_path / "b" / "坏.yaml"
    broken.parent.mkdir()
    broken.write_text("id: [\n", encoding="utf-8")
    monkeypatch.chdir(broken.parent)
    result = run("init", "--plan", "坏.yaml")
    assert result.exit_code == 1 and "坏.yaml" in result.stderr
    assert not (broken.parent / "kjyd.toml").exists()
