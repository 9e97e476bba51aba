"""``kjyd draft`` as a user runs it: notice in, plan file out, checked, then tracked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kjyd.cli import app
from tests.test_draft_quality import NOTICE_2022, OTHER, needs_shared

runner = CliRunner()


def kjyd(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@needs_shared
def test_draft_writes_a_plan_that_check_passes_and_status_tracks(tmp_path):
    out = tmp_path / "plan.yaml"
    done = kjyd("draft", str(NOTICE_2022), "-o", str(out))
    assert done.exit_code == 0, done.output
    assert "检查通过" in done.output
    assert "10个部分、32项任务、25个量化目标、8项主要目标（其中7项引用任务目标）" in done.output
    assert "需核对" in done.output and f"kjyd --plan {out} status" in done.output
    text = out.read_text(encoding="utf-8")
    reviews = text.count("# 请核对：")
    assert f"需核对 {reviews} 处" in done.output and reviews >= 10

    check = kjyd("check", str(out))
    assert check.exit_code == 0, check.output
    assert "10个部分、32项任务、25个量化目标、8项主要目标" in check.output
    update = kjyd("--plan", str(out), "update", "十三.5", "--value", "1200")
    assert update.exit_code == 0, update.output
    status = kjyd("--plan", str(out), "status")
    assert status.exit_code == 0 and "技术合同成交额" in status.output


@needs_shared
@pytest.mark.parametrize("name", ["xian_kjj_2022.txt", "sichuan_kjt_2022.txt"])
def test_other_openings_draft_and_check(tmp_path, name):
    out = tmp_path / "plan.yaml"
    done = kjyd("draft", str(OTHER / name), "-o", str(out))
    assert done.exit_code == 0, done.output
    assert kjyd("check", str(out)).exit_code == 0


@needs_shared
def test_the_same_notice_gives_the_same_file(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert kjyd("draft", str(NOTICE_2022), "-o", str(first)).exit_code == 0
    assert kjyd("draft", str(NOTICE_2022), "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


@needs_shared
def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "plan.yaml"
    out.write_text("我的计划\n", encoding="utf-8")
    done = kjyd("draft", str(NOTICE_2022), "-o", str(out))
    assert done.exit_code == 1
    assert "已存在" in done.output and "--force" in done.output
    assert out.read_text(encoding="utf-8") == "我的计划\n"
    assert kjyd("draft", str(NOTICE_2022), "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# 计划草稿")


@needs_shared
def test_default_output_is_the_notice_name_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = kjyd("draft", str(NOTICE_2022))
    assert done.exit_code == 0, done.output
    assert (tmp_path / "shaanxi-kjt-2022-work-plan.yaml").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("通知.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx 或 .txt"),
        ("通知.txt", b"hello world\n", "没有中文文字"),
        ("通知.docx", b"not a zip", "不是有效的 .docx"),
        ("通知.pdf", b"%PDF-1.4 broken", "PDF"),
        ("通知.txt", "只有一段文字，没有编号，也没有目标。".encode(), "没有找到编号的任务"),
    ],
)
def test_unreadable_notices_get_one_chinese_line_and_no_file(tmp_path, name, content, message):
    notice = tmp_path / name
    notice.write_bytes(content)
    out = tmp_path / "plan.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "kjyd", "draft", str(notice), "-o", str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("错误：") and message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_missing_notice_and_missing_folder(tmp_path):
    done = kjyd("draft", str(tmp_path / "无此文件.txt"), "-o", str(tmp_path / "p.yaml"))
    assert done.exit_code == 1 and "找不到通知文件" in done.output
    notice = tmp_path / "n.txt"
    notice.write_text("（一）建设平台。新建平台5个。\n", encoding="utf-8")
    done = kjyd("draft", str(notice), "-o", str(tmp_path / "无此文件夹" / "p.yaml"))
    assert done.exit_code == 1 and "不存在" in done.output


def test_help_lists_draft_with_an_example():
    done = kjyd("draft", "--help")
    assert done.exit_code == 0
    assert "示例：kjyd draft" in done.output and "--force" in done.output


def test_kjyd_help_does_not_import_the_reading_libraries():
    code = (
        "import sys; from kjyd.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('docx', 'bs4', 'pypdf', 'charset_normalizer', 'kjyd.draft') if m in sys.modules]\n"
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().endswith("[]"), done.stdout


def test_written_plan_is_utf8_and_quotes_what_yaml_would_misread(tmp_path):
    notice = tmp_path / "n.txt"
    notice.write_text(
        "2025年工作要点\n主要目标：研发投入强度达到3%，新建平台10个。\n"
        "一、平台\n（一）建设平台: 基础 #1。新建平台10个。\n",
        encoding="utf-8",
    )
    out = tmp_path / "p.yaml"
    done = kjyd("draft", str(notice), "-o", str(out))
    assert done.exit_code == 0, done.output
    text = Path(out).read_text(encoding="utf-8")
    assert 'unit: "%"' in text
    assert kjyd("check", str(out)).exit_code == 0


@needs_shared
@pytest.mark.parametrize("notice", [NOTICE_2022, OTHER / "xian_kjj_2022.txt", OTHER / "sichuan_kjt_2022.txt"])
def test_every_text_and_quote_of_the_draft_is_in_the_notice(tmp_path, notice):
    """What ``kjyd check --source`` asks of a hand-made plan holds for a drafted one."""
    out = tmp_path / "plan.yaml"
    assert kjyd("draft", str(notice), "-o", str(out)).exit_code == 0
    import yaml

    plan = yaml.safe_load(out.read_text(encoding="utf-8"))
    source = notice.read_text(encoding="utf-8")
    texts = [plan.get("goals_text", "")] + [t["text"] for t in plan.get("tasks", [])]
    texts += [t["title"] for t in plan.get("tasks", [])] + [s["title"] for s in plan.get("sections", [])]
    texts += [g["quote"] for t in plan.get("tasks", []) for g in t["targets"]]
    texts += [h["quote"] for h in plan.get("headlines", [])]
    for text in texts:
        assert text in source, text


@needs_shared
def test_the_draft_passes_check_against_its_notice(tmp_path):
    out = tmp_path / "plan.yaml"
    assert kjyd("draft", str(NOTICE_2022), "-o", str(out)).exit_code == 0
    check = kjyd("check", "--source", str(NOTICE_2022), str(out))
    if check.exit_code == 2 and "--source" in check.output:
        pytest.skip("kjyd check --source is not in this version yet")
    assert check.exit_code == 0, check.output
