"""Reading the terminal tables at 80, 100, 160 and 200 columns (the demo half-year as data)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len


@pytest.fixture
def demo(run, tmp_path, monkeypatch):
    path = tmp_path / "演示.db"
    assert run("demo", "--db", str(path)).exit_code == 0

    def show(width: int, *args: str) -> str:
        monkeypatch.setenv("KJYD_WIDTH", str(width))
        result = run("--db", str(path), *args)
        assert result.exit_code == 0, result.output
        return result.stdout

    return show


LONG_NOTE = "上半年累计完成科技成果转化并注册公司127个，快于序时进度"


@pytest.mark.parametrize("width", [80, 100, 160, 200])
def test_no_line_is_wider_than_the_screen(demo, width):
    for args in (["status", "--as-of", "2022-06-30"], ["log"], ["show", "十三", "--as-of", "2022-06-30"]):
        assert max(cell_len(line) for line in demo(width, *args).splitlines()) <= width


@pytest.mark.parametrize("width", [80, 90])
def test_at_80_columns_the_latest_note_is_read_whole_under_its_task(demo, width):
    out = demo(width, "status", "--as-of", "2022-06-30")
    assert f"2022-06-30 {LONG_NOTE}" in out
    assert "最新进展" not in out  # no column cut to three or four characters


@pytest.mark.parametrize("width", [160, 200])
def test_wide_screens_give_the_spare_width_to_the_latest_note(demo, width):
    out = demo(width, "status", "--as-of", "2022-06-30")
    assert LONG_NOTE in out
    header = next(line for line in out.splitlines() if line.startswith("编号") and "最新进展" in line)
    task_width = cell_len(header[: header.index("完成率")]) - cell_len(header[: header.index("任务")])
    note_width = width - cell_len(header[: header.index("最新进展")])
    assert note_width > task_width
    # The task column is no wider than its longest entry needs.
    assert task_width <= cell_len("  引进和离岸远程合作高端外国专家 236/450人次") + 2


def test_every_section_table_lines_up(demo):
    out = demo(120, "status", "--as-of", "2022-06-30")
    headers = {line for line in out.splitlines() if line.startswith("编号")}
    assert len(headers) == 1


def test_short_columns_stay_whole(demo):
    assert "达到13,000家" in demo(80, "status", "--as-of", "2022-06-30")  # 主要目标's 目标 column
    wide_log = demo(200, "log", "--month", "2022-06")
    assert "政策法规与监督处" in wide_log
    assert all("政策法规" not in line or "政策法规与监督处" in line for line in wide_log.splitlines())


def test_a_wrapped_name_never_leaves_one_character_alone(demo):
    for width in (80, 100, 120):
        for line in demo(width, "status", "--as-of", "2022-06-30").splitlines():
            pieces = line.split()
            assert not (len(pieces) == 1 and len(pieces[0]) == 1 and cell_len(pieces[0]) == 2), (width, line)
