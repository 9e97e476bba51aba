"""The monthly fill-in workbook (填报表) a division receives from ``kjyd template``.

The layout constants here are the contract with :mod:`kjyd.collect`, which reads the filled
workbook back: the visible sheet :data:`SHEET` has one row per target from :data:`FIRST_ROW`, the
fill-in columns :data:`FILL_COLUMNS`, and a hidden column :data:`ID_COLUMN` with each row's target
id; the hidden sheet :data:`META_SHEET` names the plan, month and division. The import reads
identities only from these machine-written cells, never from the Chinese text a user can see.

Everything except the fill-in cells is locked by sheet protection *without* a password (anyone can
unprotect, nobody is locked out — it only stops accidental edits), and the workbook structure is
locked so sheets are not renamed or reordered by mistake. openpyxl is imported inside
:func:`write_template` so that importing the layout (``kjyd collect``) stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from kjyd.plan import Target, Task, value_label

FORMAT = "kjyd-template/1"
SHEET = "填报表"
META_SHEET = "_kjyd"
SHEETS = (SHEET, META_SHEET)
TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4

# (header, width). Columns A–F are given, G–J are filled in, K is the hidden target id.
COLUMNS = (
    ("编号", 11),  # wide enough for the label 处室负责人 under the table
    ("任务", 28),
    ("目标", 36),
    ("单位", 7),
    ("上次填报值", 11),
    ("上次填报日期", 13),
    ("本月累计完成", 14),
    ("本月进展", 40),
    ("存在问题", 30),
    ("下一步计划", 30),
    ("目标标识", 10),
)
VALUE_HEADERS = ("本月累计完成", "本月当前总数", "本月最新值", "本月数值")
"""The value column's header (G3) names what to fill for the sheet's kinds (see :func:`value_header`);
:data:`COLUMNS` carries the first, and collect accepts any of them."""
VALUE_COLUMN, NOTE_COLUMN, PROBLEMS_COLUMN, NEXT_COLUMN = "G", "H", "I", "J"
FILL_COLUMNS = (VALUE_COLUMN, NOTE_COLUMN, PROBLEMS_COLUMN, NEXT_COLUMN)
ID_COLUMN = "K"
LAST_COLUMN = "J"
"""The last visible column (title and note rows are merged up to here)."""

META_KEYS = ("format", "plan_id", "month", "division", "targets", "contact")
"""Rows of the hidden sheet, column A = key, column B = value, from row 2. ``contact`` (the labels
of :data:`CONTACT_FIELDS`) is absent in workbooks made before those fields existed."""

CONTACT_FIELDS = ("填报人", "联系电话", "处室负责人")
"""Asked under the table, one per row (label in A, answer in B), one blank row after the last
target row (:func:`contact_rows`); collect keeps them with the file's check-ins."""


def contact_rows(target_rows: int) -> range:
    """The rows of :data:`CONTACT_FIELDS` in a workbook with ``target_rows`` target rows."""
    first = FIRST_ROW + target_rows + 1
    return range(first, first + len(CONTACT_FIELDS))

NOTE = (
    "填写说明：只填黄色列（{value}、本月进展、存在问题、下一步计划）。"
    "数值列：累计完成类填截至本月底的本期累计数，总数类填本月底的当前总数，比率、增长率等填最新值"
    "（“目标”列已注明）；单位见“单位”列，只填数字（可写 1200、1,200 或 1.3万）；"
    "增长率类目标可填负数；定性任务按工作进度填 0–100。本月没有进展的行整行留空。"
    "表格下方请填写填报人、联系电话和处室负责人。"
    "其他单元格已保护（无密码）；请勿增删行、列或工作表，勿改工作表名称。"
)

_FILL_HINT = {"total": "填当前总数", "level": "填最新值"}


def value_header(targets: list[Target]) -> str:
    """本月累计完成 / 本月当前总数 / 本月最新值 when every row is of one kind, else 本月数值."""
    label = value_label(targets)
    return f"本月{label}" if label != "当前值" else VALUE_HEADERS[-1]


def target_text(target: Target) -> str:
    """The 目标 cell: the wording, then what to fill for a total or a level, the start and the nodes."""
    extra = "；".join(filter(None, (_FILL_HINT.get(target.kind, ""), target.notes(level=False))))
    return f"{target.wording()}\n{extra}" if extra else target.wording()

FILL_COLOUR = "FFF2CC"
GIVEN_COLOUR = "F2F2F2"


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One target in a division's workbook, with the last value on record (if any)."""

    task: Task | None
    target: Target
    last_value: float | None
    last_date: date | None


def file_name(short_title: str, month: str, division: str) -> str:
    """``2022年科技工作要点_2022-07_填报表_某某处.xlsx``; every part from the plan made file-safe."""
    from kjyd.divisions import safe_filename

    return f"{safe_filename(short_title)}_{month}_填报表_{safe_filename(division)}.xlsx"


def _task_text(row: TemplateRow) -> str:
    return f"{row.task.heading}{row.task.title}" if row.task else "主要目标"


def _bounds(target: Target) -> tuple[str, str] | None:
    """Data-validation range per target kind: None means any decimal (a rate may fall)."""
    if target.is_rate:
        return None
    if target.implicit:
        return ("0", "100")
    return ("0", "")


def write_template(
    stream: BinaryIO,
    *,
    plan_id: str,
    title: str,
    month: str,
    division: str,
    rows: list[TemplateRow],
) -> None:
    """Write one division's fill-in workbook for ``month`` (``YYYY-MM``) to a binary stream."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    fill = PatternFill("solid", fgColor=FILL_COLOUR)
    given = PatternFill("solid", fgColor=GIVEN_COLOUR)
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    from kjyd.render.xlsx.style import height_for, lines_needed, text

    # Every string goes through text(): the title, task texts, units and the division name come
    # from the plan file, and one starting with = must stay text, never become a formula.
    text(ws["A1"], title)
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A{TITLE_ROW}:{LAST_COLUMN}{TITLE_ROW}")
    header_of_values = value_header([row.target for row in rows])
    text(ws[f"A{NOTE_ROW}"], NOTE.format(value=header_of_values))
    ws[f"A{NOTE_ROW}"].alignment = Alignment(wrap_text=True, vertical="center")
    ws[f"A{NOTE_ROW}"].font = Font(color="C00000")
    ws.merge_cells(f"A{NOTE_ROW}:{LAST_COLUMN}{NOTE_ROW}")
    ws.row_dimensions[NOTE_ROW].height = 48

    for index, (header, width) in enumerate(COLUMNS, 1):
        header = header_of_values if header == VALUE_HEADERS[0] else header
        cell = text(ws.cell(HEADER_ROW, index), header)
        letter = cell.column_letter
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = fill if letter in FILL_COLUMNS else given
        if letter in FILL_COLUMNS:
            text(cell, f"{header}（请填写）")
            cell.comment = Comment("请在本列填写；其他列已保护。", "kjyd")
        ws.column_dimensions[letter].width = width
    ws.row_dimensions[HEADER_ROW].height = height_for(
        max(lines_needed(f"{header}（请填写）", width) for header, width in COLUMNS)
    )
    ws.column_dimensions[ID_COLUMN].hidden = True
    ws.freeze_panes = f"A{FIRST_ROW}"

    for offset, row in enumerate(rows):
        r = FIRST_ROW + offset
        target = row.target
        values = (
            target.label,
            _task_text(row),
            target_text(target),
            target.unit,
            row.last_value,
            row.last_date,
        )
        for col, value in enumerate(values, 1):
            cell = ws.cell(r, col)
            if isinstance(value, str):
                text(cell, value)
            else:
                cell.value = value
            cell.alignment = wrap
            cell.border = border
        ws.cell(r, 5).number_format = _last_value_format(row.last_value)
        ws.cell(r, 6).number_format = "yyyy-mm-dd"
        # Neither Excel nor LibreOffice grows a row on opening; a row left at its default height
        # (no wrapped given text) keeps growing in Excel as the division types a long note.
        given = max(lines_needed(value, COLUMNS[col - 1][1]) for col, value in enumerate(values, 1))
        if given > 1:
            ws.row_dimensions[r].height = height_for(given)
        for letter in FILL_COLUMNS:
            cell = ws[f"{letter}{r}"]
            cell.fill = fill
            cell.border = border
            cell.alignment = wrap
            cell.protection = Protection(locked=False)
        ws[f"{VALUE_COLUMN}{r}"].number_format = "General"  # shows what was typed, 8 not "8."
        text(ws[f"{ID_COLUMN}{r}"], target.id)

        # One rule per row: a custom formula refers to its own cell, and it names the row's unit.
        ws.add_data_validation(_validation(DataValidation, f"{VALUE_COLUMN}{r}", _bounds(target), target))

    for label, r in zip(CONTACT_FIELDS, contact_rows(len(rows))):
        label_cell = text(ws[f"A{r}"], label)
        label_cell.font = Font(bold=True)
        label_cell.fill = PatternFill("solid", fgColor=GIVEN_COLOUR)
        label_cell.border = border
        answer = ws[f"B{r}"]
        answer.fill = fill
        answer.border = border
        answer.protection = Protection(locked=False)
        answer.number_format = "@"  # a phone number stays text: 029-88886666, 0 kept

    # Locked by default; True below means "forbidden while protected". Resizing stays allowed.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4  # not the Letter default: offices print on A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    meta = wb.create_sheet(META_SHEET)
    text(meta["A1"], "kjyd 填报表标识，供 kjyd collect 读取，请勿修改")
    values = {
        "format": FORMAT,
        "plan_id": plan_id,
        "month": month,
        "division": division,
        "targets": ",".join(row.target.id for row in rows),
        "contact": ",".join(CONTACT_FIELDS),
    }
    for offset, key in enumerate(META_KEYS, 2):
        text(meta.cell(offset, 1), key)
        text(meta.cell(offset, 2), values[key])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    wb.save(stream)


def _last_value_format(value: float | None) -> str:
    """Thousands separators, decimals only when there are some.

    Not "#,##0.####": Excel shows an integer under that format with a trailing point ("8.").
    """
    return "#,##0" if value is None or float(value).is_integer() else "#,##0.0###"


def _validation(cls, cell: str, bounds: tuple[str, str] | None, target: Target):
    """Excel warns (but lets the user go on) on what collect would refuse; collect does the strict check.

    Not Excel's "decimal" rule: that refuses text, and the instructions allow ``1.3万``, ``1,200``
    and the number with its unit (``2500亿元``, ``80人次``), which collect reads. So a custom formula
    takes the cell as typed, removes the unit (and its short form), 万 and thousands commas, and
    checks that a number within the row's bounds is left (×10,000 when 万 was written).
    """
    from kjyd.values import unit_forms

    kind = target.kind
    stripped = f"TRIM({cell})"
    for form in sorted(unit_forms(target.unit), key=len, reverse=True):
        stripped = f'SUBSTITUTE({stripped},"{_formula_text(form)}","")'
    wan = "" if any("万" in form for form in unit_forms(target.unit)) else "万"
    if wan:
        stripped = f'SUBSTITUTE({stripped},"万","")'
    stripped = f'SUBSTITUTE({stripped},",","")'
    scale = f'IF(ISNUMBER(SEARCH("万",{cell})),10000,1)' if wan else "1"
    value = f'IF(ISNUMBER({cell}),{cell},IFERROR(VALUE({stripped})*{scale},"x"))'
    if bounds is None:
        test = "TRUE"
        prompt = "填最新值（增长率可为负数）" if kind == "level" else "填数字（增长率可为负数）"
    elif bounds[1]:
        test = f"AND(v>={bounds[0]},v<={bounds[1]})"
        prompt = "填 0 到 100 之间的数字（工作进度%）"
    else:
        test = f"v>={bounds[0]}"
        prompt = ("填不小于 0 的数字（本月底的当前总数）" if kind == "total"
                  else "填不小于 0 的数字（截至本月底的本期累计数）")
    formula = f"AND(ISNUMBER({value}),{test.replace('v', value)})" if test != "TRUE" else f"ISNUMBER({value})"
    validation = cls(type="custom", formula1=formula, allow_blank=True, sqref=cell)
    validation.errorStyle = "warning"
    validation.showErrorMessage = True
    validation.errorTitle = "请填数字"
    validation.error = f"{prompt}；可写 1,200、1.3万，或带单位写 {_example(target)}"
    validation.showInputMessage = True
    validation.promptTitle = {"total": "本月当前总数", "level": "本月最新值"}.get(kind, "本月累计完成")
    validation.prompt = prompt
    return validation


def _formula_text(text: str) -> str:
    return text.replace('"', '""')


def _example(target: Target) -> str:
    return f"8{target.unit}" if target.unit else "8"
