"""What kjyd.toml (or --db / --plan / the environment) names may not be a file at all: a FIFO, a
folder, a name with a NUL. Each is one Chinese line and exit 1, never a hang or a traceback
(issue #12, second round). Subprocesses with a timeout, so a regression fails instead of hanging.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def kjyd(args: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("KJYD_DB", "KJYD_PLAN")}
    environment.update(env, PYTHONIOENCODING="utf-8", KJYD_TODAY="2022-07-10")
    return subprocess.run([sys.executable, "-m", "kjyd", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=60)


def _refused(result: subprocess.CompletedProcess, *said: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    for word in said:
        assert word in result.stderr, result.stderr


@pytest.mark.sqlite_only
@pytest.mark.parametrize("setting", ["db", "plan"])
def test_a_fifo_named_in_kjyd_toml_is_refused_without_waiting(tmp_path, setting):
    """status waited forever on a FIFO as database or plan; update called it a disk error."""
    os.mkfifo(tmp_path / "管道")
    (tmp_path / "kjyd.toml").write_text(f'{setting} = "管道"\n', encoding="utf-8")
    for args in (["status"], ["update", "十三.1", "--value", "3"], ["log"]):
        _refused(kjyd(args, tmp_path), "管道", "不是普通文件")


@pytest.mark.sqlite_only
def test_a_fifo_given_as_db_or_plan_option_is_refused(tmp_path):
    os.mkfifo(tmp_path / "x.db")
    _refused(kjyd(["--db", str(tmp_path / "x.db"), "status"], tmp_path), "不是普通文件")
    _refused(kjyd(["--plan", str(tmp_path / "x.db"), "plan"], tmp_path), "不是普通文件")
    _refused(kjyd(["status"], tmp_path, KJYD_DB=str(tmp_path / "x.db")), "不是普通文件")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("setting", ["db", "plan"])
def test_a_nul_in_a_file_name_from_kjyd_toml_is_refused(tmp_path, setting):
    """update ended in sqlite3's "embedded null character" ValueError traceback."""
    (tmp_path / "kjyd.toml").write_text(f'{setting} = "a\\u0000b"\n', encoding="utf-8")
    for args in (["status"], ["update", "十三.1", "--value", "3"]):
        _refused(kjyd(args, tmp_path), "空字符")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kjyd.toml"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_completion_install_into_a_bashrc_that_is_not_a_file(tmp_path, kind):
    """A ~/.bashrc folder ended in typer's IsADirectoryError traceback; a FIFO waited forever."""
    home = tmp_path / "home"
    home.mkdir()
    if kind == "folder":
        (home / ".bashrc").mkdir()
    else:
        os.mkfifo(home / ".bashrc")
    _refused(kjyd(["completion", "bash", "--install"], tmp_path, HOME=str(home)), ".bashrc", "不是普通文件")
    assert not (home / ".bash_completions").exists()


@pytest.mark.sqlite_only
def test_completion_installed_with_stdout_closed_says_so(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in ("KJYD_DB", "KJYD_PLAN")}
    environment.update(HOME=str(home), PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "kjyd", "completion", "bash", "--install"], cwd=tmp_path,
                          env=environment, stdout=None, stderr=subprocess.PIPE, close_fds=True,
                          preexec_fn=lambda: os.close(1), timeout=60)
    assert done.returncode == 3 and "命令补全已安装" in done.stderr.decode()
    assert "kjyd.sh" in (home / ".bashrc").read_text(encoding="utf-8")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", [["draft", "{notice}", "-o", "{target}", "--force"],
                                  ["report", "--month", "2022-06", "-o", "{target}", "--force"]])
def test_force_never_replaces_a_device_or_a_fifo(tmp_path, args):
    """As root, draft -o /dev/null --force replaced the device with the YAML file (the rename
    behind every atomic write replaces whatever is at the path)."""
    notice = tmp_path / "通知.txt"
    notice.write_text("关于印发《2023年工作要点》的通知\n一、创新\n（一）新建5个平台。\n", encoding="utf-8")
    target = tmp_path / ("管道.yaml" if args[0] == "draft" else "管道.docx")
    os.mkfifo(target)
    args = [a.format(notice=notice, target=target) for a in args]
    _refused(kjyd(args, tmp_path, KJYD_DB=str(tmp_path / "k.db"), KJYD_TODAY="2022-07-10"), "不是普通文件", "不能覆盖")
    assert target.is_fifo()


@pytest.mark.sqlite_only
def test_a_fifo_in_place_of_the_plan_cache_is_rebuilt_not_waited_for(tmp_path):
    from kjyd.plan_loader import _cache_key

    from tests.conftest import BUNDLED_PLAN

    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(cache / f"plan-{_cache_key(BUNDLED_PLAN.read_bytes())}.json")
    done = kjyd(["plan"], tmp_path, KJYD_CACHE_DIR=str(cache))
    assert done.returncode == 0, done.stderr
    assert "促进科技成果转化" in done.stdout
