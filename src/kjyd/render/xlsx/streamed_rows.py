"""Body rows of a long worksheet serialised as they are made, then spliced into the saved file.

Why: 填报记录 lists every check-in of the month (17,000 rows, 200,000 cells in a busy month), and
openpyxl's normal mode keeps every cell until ``wb.save`` — the export's only memory that grew
with the ledger. openpyxl's write-only mode cannot be mixed with normal sheets in one workbook
(the other three sheets merge cells and set looks after the fact), so instead:

1. the sheet is built in normal mode with only its title and header rows;
2. each body row is made by the same code as before (``st.put``/``st.put_text``/row heights), but
   on detached openpyxl cells (:meth:`StreamedRows.cell`), serialised at once with openpyxl's own
   cell writer and deflated into a buffer (about 1 MB for a 17,000-row month), then dropped;
   the cells' style ids are registered in the workbook's style table as they are written, i.e.
   before the save, so ``styles.xml`` has every look a row uses;
3. after ``wb.save``, :func:`splice` copies the saved package and inserts the rows before the
   sheet's ``</sheetData>``, setting ``<dimension ref>`` to the real last row. Everything else that
   names the last row (auto-filter, its hidden defined name) is set by ``page_setup`` from the
   row count before the save, so it is written by openpyxl itself.

The cells a user sees are the ones the normal-mode code wrote (tests compare them cell by cell).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import Element, tostring


class _RowDimensions(dict):
    """``rows.row_dimensions[row].height = …`` as on a worksheet, for the row being made."""

    def __init__(self, ws: Worksheet) -> None:
        super().__init__()
        self._ws = ws

    def __missing__(self, row: int) -> RowDimension:
        dimension = self[row] = RowDimension(self._ws, index=row)
        return dimension


class _Into:
    """What openpyxl's cell writer writes to (``xf.write(element)``): here, the row element."""

    def __init__(self, parent) -> None:
        self.write = parent.append


class StreamedRows:
    """Stands in for the worksheet while body rows are made (``cell``, ``row_dimensions``)."""

    def __init__(self, ws: Worksheet) -> None:
        self._ws = ws
        self._cells: dict[int, Cell] = {}
        self.row_dimensions = _RowDimensions(ws)
        self.count = 0
        self._buffer = io.BytesIO()
        self._deflate = zlib.compressobj()

    def cell(self, row: int, column: int, value: object = None) -> Cell:
        cell = self._cells[column] = Cell(self._ws, row=row, column=column, value=value)
        return cell

    def end_row(self, row: int) -> None:
        """Serialise the row made since the last call (as openpyxl's ``write_row`` does) and drop it."""
        attributes = {"r": f"{row}"}
        attributes.update(self.row_dimensions.pop(row, {}))
        element = Element("row", attributes)
        into = _Into(element)
        for column in sorted(self._cells):
            cell = self._cells[column]
            etree_write_cell(into, self._ws, cell, cell.has_style)
        self._cells.clear()
        self._buffer.write(self._deflate.compress(tostring(element)))
        self.count += 1

    def chunks(self) -> Iterator[bytes]:
        """The rows' XML, inflated piece by piece (never the whole sheet at once)."""
        self._buffer.write(self._deflate.flush())
        self._buffer.seek(0)
        inflate = zlib.decompressobj()
        while chunk := self._buffer.read(1 << 16):
            yield inflate.decompress(chunk)
        yield inflate.flush()


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_SHEET_DATA_END = b"</sheetData>"


def splice(saved: BinaryIO, stream: BinaryIO, ws: Worksheet, rows: StreamedRows, columns: int) -> None:
    """Copy the package ``saved`` to ``stream``, with ``rows`` appended to ``ws``'s sheet data."""
    part = ws.path.lstrip("/")
    last = max(ws.max_row, 2 + rows.count)
    dimension = f'<dimension ref="A1:{get_column_letter(columns)}{last}"/>'.encode()
    with ZipFile(saved) as source, ZipFile(stream, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            copy = ZipInfo(info.filename, info.date_time)
            copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
            data = source.read(info)
            if info.filename != part:
                target.writestr(copy, data)
                continue
            head, end, tail = data.partition(_SHEET_DATA_END)
            if not end:  # openpyxl writes the title and header rows, so the element is never empty
                raise RuntimeError(f"{part} has no </sheetData>")
            head = _DIMENSION.sub(dimension, head, count=1)
            with target.open(copy, "w") as out:
                out.write(head)
                for chunk in rows.chunks():
                    out.write(chunk)
                out.write(end + tail)
