"""The terminal table layout (``kjyd.render.terminal.columns``): widths in cells, wrapping, shortening, alignment."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from kjyd.render.terminal.columns import Column, cell_lines, fold, layout


def plain(lines: list) -> list[str]:
    """Screen lines (Text) or cell lines ((text, styles) pieces) as plain strings."""
    return [line.plain if isinstance(line, Text) else line[0] for line in lines]


def test_cjk_counts_two_cells_and_columns_line_up():
    columns = [Column("编号", width=8), Column("任务", ratio=1), Column("状态", width=8)]
    rows = [["十三", "促进科技成果转化", "未填报"], ["  十三.1", "中试基地 8/10个", "快于序时"]]
    lines = plain(layout(columns, rows, 40, title="五、加快科技成果转化"))
    assert lines == [
        "五、加快科技成果转化",
        "编号      任务                  状态",
        "─" * 40,
        "十三      促进科技成果转化      未填报",
        "  十三.1  中试基地 8/10个       快于序时",
    ]


def test_text_column_wraps_onto_continuation_lines():
    columns = [Column("编号", width=6), Column("任务", ratio=1, overflow="fold"), Column("状态", width=6)]
    lines = plain(layout(columns, [["十三.1", "布局建设科技成果转化中试基地 8/10个", "已完成"]], 30))
    assert lines[2:] == [
        "十三.1  布局建设科技成  已完成",
        "        果转化中试基地",
        "        8/10个",
    ]


def test_wrapping_prefers_spaces():
    assert plain(fold(Text("1月 —  2月 2  3月 2  4月 2"), 14)) == ["1月 —  2月 2", "3月 2  4月 2"]
    assert plain(fold(Text("两个中试基地获批"), 6)) == ["两个中", "试基地", "获批"]


def test_last_update_is_shortened_with_an_ellipsis():
    lines = plain(cell_lines("已召开监测评估推进会", 14, "ellipsis"))
    assert lines == ["已召开监测评 …"]
    assert plain(cell_lines("新认定中试基地", 14, "ellipsis")) == ["新认定中试基地"]


def test_right_alignment_and_content_width():
    columns = [Column("目标"), Column("累计完成", align="right"), Column("状态")]
    lines = plain(layout(columns, [["十三.1", "8个", "快于序时"], ["十四.3", "1600家", "已完成"]], 60))
    assert lines[0] == "目标    累计完成  状态"
    assert lines[2] == "十三.1       8个  快于序时"
    assert lines[3] == "十四.3    1600家  已完成"


def test_styles_survive_layout():
    columns = [Column("状态", width=8), Column("说明", ratio=1, overflow="fold")]
    line = layout(columns, [[Text("已完成", style="green"), Text("新认定中试基地", style="dim")]], 20)[2]
    styles = {(line.plain[span.start:span.end], str(span.style)) for span in line.spans}
    assert ("已完成", "green") in styles
    assert any(style == "dim" and "新认" in text for text, style in styles)


def test_cells_with_line_breaks_and_no_trailing_spaces():
    columns = [Column(), Column("主要目标", ratio=1, overflow="fold"), Column("状态", width=6)]
    lines = plain(layout(columns, [["H1", "新增高新技术企业\n达到1500家", "已完成"]], 30))
    assert lines[2:] == ["H1  新增高新技术企业    已完成", "    达到1500家"]
    assert all(line == line.rstrip() for line in lines)


def test_fixed_columns_wider_than_the_screen_are_cut_at_its_edge():
    columns = [Column("完成率", width=13), Column("任务", ratio=1, overflow="fold"), Column("状态", width=8)]
    for line in layout(columns, [["████████ 107%", "促进科技成果转化", "快于序时"]], 20):
        assert cell_len(line.plain) <= 20


words = st.text(st.sampled_from("中文科技成果转化abc XYZ 123 —…·"), max_size=60)


@given(words, st.integers(min_value=2, max_value=40))
def test_fold_keeps_every_character_and_fits(text, width):
    lines = plain(fold(Text(text), width))
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@given(st.lists(st.tuples(words, words, words), max_size=5),
       st.sampled_from(["fold", "ellipsis", "crop"]), st.sampled_from(["left", "right"]),
       st.integers(min_value=1, max_value=120))
def test_never_wider_than_the_width(rows, overflow, align, width):
    columns = [Column("编号", width=8, align=align), Column("任务", ratio=3, overflow=overflow),
               Column("进展", overflow=overflow, max_width=12), Column("说明", ratio=1, overflow=overflow)]
    lines = layout(columns, [list(row) for row in rows], width, title="一、标题")
    assert all(cell_len(line.plain) <= width for line in lines[1:])
    assert all(line.plain == line.plain.rstrip() for line in lines)


def test_a_short_row_spans_the_remaining_columns_and_a_text_may_shorten_itself():
    """The narrow status screen's "date note" line runs under the task across the other columns."""
    columns = [Column("编号", width=6), Column("任务", ratio=1, overflow="fold"), Column("状态", width=6)]
    rows = [["十三", "促进科技成果转化", "未填报"],
            ["", Text("2022-06-15 新认定中试基地两个，另有三个在建", overflow="ellipsis")]]
    lines = plain(layout(columns, rows, 30))
    assert lines[2:] == [
        "十三    促进科技成果    未填报",  # not 促进科技成果转 with 化 alone on the next line
        "        转化",
        "        2022-06-15 新认定中试…",
    ]
    assert max(cell_len(line) for line in lines) <= 30
