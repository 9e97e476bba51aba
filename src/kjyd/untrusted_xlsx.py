"""Reading a workbook somebody else made, within limits: time and memory bounded by our template.

A filled template comes back from a division by e-mail or a shared folder; ``kjyd collect`` must
not let such a file cost minutes or gigabytes, hang, or crash. The classes of attack and the
answer to each:

* **XML entity expansion** ("billion laughs", a 1 MB entity used 1,500 times): no part may
  contain a document type declaration (checked on the bytes, whatever parser openpyxl picks), and
  ``defusedxml`` is a dependency, which openpyxl parses with whenever it is installed.
* **Zip bombs** (300 MB of text in a 319 KB file): every part's *declared* uncompressed size is
  checked against :data:`PART_LIMIT` / :data:`TOTAL_LIMIT` before any XML is parsed; Python's
  zipfile never inflates a part beyond its declared size (a lying header fails its CRC check).
* **Huge or far-away sheets** (a stray cell at ``Z1048576``, a million real rows): the sheet is
  streamed (openpyxl read-only mode); only the template's own area is kept, and any content
  outside it is a located problem. Parsing stops after :data:`STRAY_LIMIT` such cells.
* **Positions no sheet has** (a cell at ``A1048577`` or ``AAAA5``, a row numbered 99999999999):
  openpyxl either fails on them with a bare ``ValueError`` or fills the gap up to them one empty
  row at a time (hours). Every ``r`` attribute of every sheet is checked against Excel's grid
  (:data:`MAX_ROW` rows, columns A–XFD) on the bytes first (:func:`positions_outside_excel`), and
  each one outside is a located problem.
* **Files that are not files** (a FIFO named ``x.xlsx``, a file that vanishes or is replaced
  between two opens): the path is opened once, non-blocking, checked to be a regular file and
  read into memory (at most :data:`FILE_LIMIT` bytes); every later step reads those bytes.

Excel writes control characters in cells as ``_x001B_``; :func:`cell_text` decodes them so a note
is stored as typed (and shown escaped by the terminal renderers).

``kjyd draft`` reads a notice someone else made in the same way: :func:`read_once` and
:func:`check_parts` take the noun of what is read (:data:`NOTICE`, a Word file) so the limits and
the refusal of entity declarations are the same for a notice .docx as for a workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from kjyd.file_read import (  # noqa: F401  (re-exported: collect and draft import them from here)
    FILE_LIMIT, MARKUP_LIMIT, MB, NOTICE, PLAN, WORKBOOK, Kind, Unreadable, read_once,
)

PART_LIMIT = 10 * MB
"""Largest uncompressed part (one sheet, the shared strings) inside the workbook."""
TOTAL_LIMIT = 50 * MB
"""Largest uncompressed total of all parts."""
PARTS_LIMIT = 1000
"""Most parts (files inside the zip) a workbook may have."""
STRAY_LIMIT = 10
"""Cells outside the template's area reported before reading stops."""
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
"""Excel's grid: rows 1–1,048,576, columns A–XFD. No real workbook has a cell outside it."""

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def check_parts(data: bytes, kind: Kind = WORKBOOK) -> None:
    """Refuse a zip whose parts would inflate beyond the limits, before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Unreadable(f"无法打开，文件已损坏或不是{kind.valid}") from None
    if len(infos) > PARTS_LIMIT:
        raise Unreadable(f"{kind.package}内部文件过多（{len(infos)} 个，上限 {PARTS_LIMIT}），不像是{kind.noun}")
    for info in infos:
        if info.file_size > PART_LIMIT:
            raise Unreadable(
                f"{kind.package}内部文件 {info.filename[:60]} 解压后达 {info.file_size / MB:.0f} MB"
                f"（上限 {PART_LIMIT // MB} MB），拒绝读取（可能是恶意构造的文件）"
            )
    total = sum(info.file_size for info in infos)
    if total > TOTAL_LIMIT:
        raise Unreadable(
            f"{kind.package}解压后共 {total / MB:.0f} MB（上限 {TOTAL_LIMIT // MB} MB），拒绝读取（可能是恶意构造的文件）"
        )
    _refuse_doctypes(data, infos, kind)


_STREAMED = re.compile(r"xl/worksheets/[^/]+\.xml$")
"""Parts read by streaming (openpyxl's read-only worksheets), whose size alone is limited."""
_DOCTYPES = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _refuse_doctypes(data: bytes, infos: list[zipfile.ZipInfo], kind: Kind) -> None:
    """No part of a workbook needs a document type declaration; refuse any (entities live there).

    defusedxml guards the parts openpyxl streams, but openpyxl parses some small parts with lxml
    when that is installed (python-docx brings it); this check covers every parser alike.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in infos:
                with archive.open(info) as part:
                    content = part.read(PART_LIMIT + 1)
                if any(mark in content for mark in _DOCTYPES):
                    raise Unreadable(f"{kind.package}内部文件 {info.filename[:60]} 含有 XML 实体声明，拒绝读取（可能是恶意构造的文件）")
                if kind.markup_limit and not _STREAMED.match(info.filename) \
                        and content.count(b"<") > kind.markup_limit:
                    raise Unreadable(
                        f"{kind.package}内部文件 {info.filename[:60]} 含有 {content.count(b'<'):,} 个标记"
                        f"（上限 {kind.markup_limit:,}，如格式过多），拒绝读取；请把内容以“只粘贴值”方式贴入新生成的填报表后再交回"
                    )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise Unreadable(f"无法打开，文件已损坏或不是{kind.valid}") from None


_POSITION = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(c|row)\b[^>]*?\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL = re.compile(r"([A-Za-z]+)([1-9][0-9]*)")


def positions_outside_excel(data: bytes, sheets: dict[str, str], where: str) -> list[str]:
    """Located problems for every cell or row position (``r`` attribute) outside Excel's grid.

    ``sheets`` maps each sheet's title to its part in the zip (``xl/worksheets/sheet1.xml``);
    ``where`` is the file name the messages start with (``处室.xlsx!填报表!AAAA5: …``). Checked on
    the part's bytes (a regular expression over at most :data:`PART_LIMIT` bytes) before openpyxl
    parses anything. At most :data:`STRAY_LIMIT` positions are listed.
    """
    from kjyd.values import one_line

    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for title, part in sheets.items():
            try:
                content = archive.read(part)
            except KeyError:
                continue  # openpyxl reports a missing part itself
            if content[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in content[:4]:
                content = content.decode("utf-16", errors="replace").encode("utf-8")
            bad_row = None  # a row out of range whose cells say the same: list the cells only
            for match in _POSITION.finditer(content):
                kind, raw = match.group(1), (match.group(2) or match.group(3) or b"")
                text = raw.decode("utf-8", errors="replace").strip()
                problem = _position_problem(kind, text)
                if problem:
                    if kind == b"c" and bad_row is not None and text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == bad_row[0]:
                        if problems and problems[-1] == bad_row[1]:
                            problems.pop()
                    problems.append(f"{where}!{one_line(title)}{problem}")
                    bad_row = (text, problems[-1]) if kind == b"row" else bad_row
                    if len(problems) >= STRAY_LIMIT:
                        problems.append(f"{where}: 还有更多超出 Excel 工作表范围的位置，未再逐一列出")
                        return problems
    return problems


_GRID = f"Excel 工作表只有 {MAX_ROW:,} 行、A–XFD 共 {MAX_COLUMN:,} 列"
_EDITED = "文件被其他程序改动过，请用 kjyd template 重新生成填报表后再填"


def _position_problem(kind: str | bytes, raw: str) -> str | None:
    """What is wrong with one ``r`` attribute, as the rest of a message after the sheet's name
    (``!AAAA5: …`` for a place, ``: 单元格位置 "4A" 无效…`` for something that is none); None if fine."""
    from kjyd.values import quoted

    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind == "row":
        digits = raw.isascii() and raw.isdigit()
        if digits and len(raw) <= 7 and 1 <= int(raw) <= MAX_ROW:
            return None
        if digits and len(raw) <= 20:
            return f"!第{raw}行: 行号超出工作表范围（{_GRID}），{_EDITED}"
        return f": 行号 {quoted(raw, 24)} 无效（{_GRID}），{_EDITED}"
    found = _CELL.fullmatch(raw)
    if found is None:
        return f": 单元格位置 {quoted(raw, 24)} 无效（{_GRID}），{_EDITED}"
    letters, digits = found.groups()
    column = 0
    for letter in letters[:4].upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    if len(letters) > 3 or column > MAX_COLUMN or len(digits) > 7 or int(digits) > MAX_ROW:
        return f"!{raw if len(raw) <= 20 else raw[:20] + '…'}: 单元格超出工作表范围（{_GRID}），{_EDITED}"
    return None


def open_book(data: bytes, *, data_only: bool = False):
    """An openpyxl read-only workbook over ``data`` (streams sheets; defusedxml parses the XML)."""
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def cell_text(value: object) -> object:
    """A cell's value with Excel's ``_xHHHH_`` escapes decoded (other values unchanged).

    An escape is a UTF-16 unit: a pair of surrogates becomes its character, a lone one (``_xD800_``,
    which no text can hold: collect ended in a UnicodeEncodeError traceback) becomes U+FFFD, as an
    undecodable byte on the command line does."""
    if isinstance(value, str) and "_x" in value:
        decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
        if _SURROGATE.search(decoded):
            decoded = decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return decoded
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class GridCell:
    """The part of an openpyxl cell that collect reads."""

    value: object
    data_type: str
    coordinate: str
    column_letter: str


class Grid:
    """One sheet's area (rows 1..``max_row``, columns 1..``max_column``), read by streaming."""

    def __init__(self, cells: dict[tuple[int, int], GridCell], max_row: int, max_column: int):
        self._cells = cells
        self.max_row = max_row
        self.max_column = max_column

    def cell(self, row: int, column: int) -> GridCell:
        found = self._cells.get((row, column))
        if found is not None:
            return found
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(column)
        return GridCell(None, "n", f"{letter}{row}", letter)

    def __getitem__(self, coordinate: str) -> GridCell:
        from openpyxl.utils.cell import coordinate_to_tuple

        return self.cell(*coordinate_to_tuple(coordinate))


def read_area(ws, max_row: int, max_column: int, where: str, stray: list[str] | None = None) -> Grid:
    """Stream ``ws`` keeping rows 1..``max_row`` × columns 1..``max_column``.

    With ``stray`` (a problem list), each non-empty cell outside the area is reported there as
    ``where!Z9: …`` (up to :data:`STRAY_LIMIT`, then reading stops); without it the rest of the
    sheet is not read at all.
    """
    cells: dict[tuple[int, int], GridCell] = {}
    if stray is None:
        rows = ws.iter_rows(min_row=1, max_row=max_row, max_col=max_column)
    else:
        ws.reset_dimensions()  # the file's own <dimension> may claim a million rows
        rows = ws.iter_rows(min_row=1)
    found = 0
    for index, row in enumerate(rows, start=1):
        for cell in row:
            value = getattr(cell, "value", None)
            if value is None:
                continue
            column = cell.column
            if index <= max_row and column <= max_column:
                cells[(index, column)] = GridCell(cell_text(value), cell.data_type, cell.coordinate, cell.column_letter)
            elif stray is not None and str(value).strip():
                found += 1
                stray.append(f"{where}!{cell.coordinate}: {_outside(index, max_row)}")
                if found >= STRAY_LIMIT:
                    stray.append(f"{where}: 填报区域以外还有内容，未再逐一列出")
                    return Grid(cells, max_row, max_column)
    return Grid(cells, max_row, max_column)


def _outside(row: int, max_row: int) -> str:
    if row > max_row:
        return "此行不是填报行（不在 kjyd 生成的目标行内），请把内容填到对应目标的行或删除"
    return "此列不在填报表内（kjyd 生成的表只有 A–K 列），请删除该单元格的内容"
