"""``kjyd export``: the monthly 推进情况表 (xlsx, or the main table as CSV) for leadership.

Thin on purpose: read the ledger, build the report (the same function ``kjyd status`` uses), hand
both to a renderer, and put the file in place atomically. openpyxl and sqlite3 are imported inside
the command so ``kjyd --help`` stays fast.
"""

from __future__ import annotations

import errno
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.errors import InputError, KjydError

FORMATS = ("xlsx", "csv")

if TYPE_CHECKING:
    from datetime import date


@command("export")
def export_command(
    ctx: typer.Context,
    month: Optional[str] = typer.Option(
        None, "--month", metavar="年-月",
        help="导出哪个月，如 2022-06；数值截至该月最后一天（本月截至今天）。默认：本月，每月前10天为上月。",
    ),
    out: Optional[str] = typer.Option(
        None, "-o", "--output", metavar="文件或文件夹",
        help="保存到的文件（无扩展名时自动加 .xlsx/.csv），或已存在的文件夹（以 / 结尾或已存在；文件名自动生成）。默认：当前文件夹。",
    ),
    force: bool = typer.Option(False, "--force", help="目标文件已存在时覆盖。"),
    fmt: Optional[str] = typer.Option(
        None, "--format", metavar="xlsx|csv",
        help="xlsx（默认，四个工作表）或 csv（推进情况表，UTF-8 带 BOM，每个目标一行）。",
    ),
    tolerance: Optional[str] = typer.Option(
        None, "--tolerance", metavar="百分点",
        help="与序时进度相差不超过多少个百分点算“符合序时”，默认 5。",
    ),
    brief: bool = typer.Option(
        False, "--brief",
        help="导出报送版（2—3 页 A4：只列任务名称、每项任务最新进展、较上月，10 号字不缩放打印，无填报记录）。",
    ),
) -> None:
    """导出月度推进情况表（xlsx：推进情况、主要目标、月度走势、填报记录四个工作表），可直接打印报送。

    加 --brief 导出报送版：推进情况、主要目标两个工作表，2—3 页 A4。

    示例：kjyd export --month 2022-06 ｜ kjyd export --month 2022-06 --brief
    """
    from kjyd.clock import today
    from kjyd.divisions import safe_filename
    from kjyd.values import parse_tolerance

    app_state = state(ctx)
    plan = app_state.plan
    month, as_of = export_month(plan, month, today())
    tolerance = parse_tolerance(tolerance)
    fmt = _format(fmt, out)
    if brief and fmt != "xlsx":
        raise InputError("报送版（--brief）只有 xlsx 格式")
    kind = "推进情况表_报送版" if brief else "推进情况表"
    name = f"{safe_filename(plan.short_title)}{kind}_{month}.{fmt}"  # short_title: ../../x
    path = destination(out, name, force, suffix=f".{fmt}")

    if fmt == "csv":
        _write_csv(app_state, month, as_of, tolerance, path)
    else:
        _write_xlsx(app_state, month, as_of, tolerance, path, brief)
    output.say(f"已导出：{path}")
    _remember(app_state.db_path, plan.id, month, as_of, path)


def _write_csv(app_state, month: str, as_of: "date", tolerance: float, path: Path) -> None:
    """No 较上月 column: the report as of the month's end, and each task's month read from the
    ledger as its row is written (a month of 17,000 check-ins is never held)."""
    from kjyd.render.csv_out import write_csv
    from kjyd.report import build_report

    plan = app_state.plan
    with app_state.ledger(write=False) as ledger:
        report = build_report(plan, ledger.snapshot(plan.id, as_of), as_of, tolerance)
        write_atomically(path, lambda f: write_csv(f, report, task_checkins(ledger, plan.id, month)))


def task_checkins(ledger, plan_id: str, month: str):
    """``checkins_of(task)`` for :func:`kjyd.render.table_rows.progress_rows`: the task's valid
    check-ins of the month, oldest first, read from the ledger when the task's row is made."""
    return lambda task: ledger.iter_entries(plan_id, target_ids=[t.id for t in task.targets], month=month,
                                            include_withdrawn=False, oldest_first=True)


def _write_xlsx(app_state, month: str, as_of: "date", tolerance: float, path: Path, brief: bool) -> None:
    """The workbook (or the brief) lists the month's check-ins and compares with last month, streamed
    from the ledger like the CSV export."""
    from kjyd.commands.changes_cmds import month_changes
    from kjyd.report import report_months

    plan = app_state.plan
    if brief:  # no 填报记录 sheet: the month's check-ins are only streamed through the changes
        from kjyd.render.xlsx.brief import write_brief

        with app_state.ledger(write=False) as ledger:
            changes = month_changes(ledger, plan, month, tolerance)
        write_atomically(path, lambda f: write_brief(f, changes))
        return
    from kjyd.render.xlsx.workbook import write_workbook

    with app_state.ledger(write=False) as ledger:
        # 较上月 and the report itself: the month's changes carry the report as of the month end.
        changes = month_changes(ledger, plan, month, tolerance, values_only=True)
        report = changes.after
        months = report_months(plan, as_of)
        trend = ledger.month_end_values(plan.id, months)
        # Both sheets that list the month read it from the ledger as they are made (a month of
        # 17,000 check-ins is never held): 推进情况 task by task, 填报记录 in one pass.
        month_checkins = ledger.iter_entries(plan.id, month=month, include_withdrawn=True, oldest_first=True)
        write_atomically(path, lambda f: write_workbook(
            f, report, task_checkins(ledger, plan.id, month), month_checkins, months, trend, changes))


def export_month(plan, month: str | None, now, what: str = "推进情况表") -> tuple[str, "date"]:
    """The month to export and its as-of date; never a date after today.

    Without ``--month``: the month being reported (in a month's first days, the last complete
    month — said in a notice). The as-of date is the month's last day, held to the plan's end and
    to today (a month still running is reported as of today, as ``collect`` dates it).
    """
    from kjyd.divisions import month_in_plan, reporting_month
    from kjyd.ledger import month_bounds

    if month:
        month = month_in_plan(plan, month)
    else:
        month, previous = reporting_month(plan, now)
        if previous:
            current = f"{now.year:04d}-{now.month:02d}"
            output.notice(
                f"今天是 {now}，本月刚开始，默认生成上月 {month} 的{what}；本月的请加 --month {current}"
            )
    first, last = month_bounds(month)
    if first > now:
        raise InputError(f"{month} 尚未开始（今天是 {now}），不能生成该月的{what}")
    as_of = min(last, plan.end, now)
    if as_of < min(last, plan.end):
        output.notice(f"{month} 尚未结束，数值截至今天 {as_of}")
    return month, as_of


def exported_warning(ledger, plan_id: str, day: "date", subject: str, dry_run: bool = False) -> str | None:
    """A check-in dated ``day`` changes the already exported report of its month: say so.

    Only when that report's as-of date covers ``day`` (a report exported mid-month as of the 20th
    is not changed by a check-in dated the 25th).
    """
    month = f"{day.year:04d}-{day.month:02d}"
    exported = ledger.last_export(plan_id, month)
    if exported is None or day > exported[0]:
        return None
    at = exported[1].astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"{month} 的推进情况表已于 {at} 导出，{subject}{'将' if dry_run else '已'}改变该月数据；"
        f"如需报送请重新导出：kjyd export --month {month}"
    )


def _remember(db_path: Path | str, plan_id: str, month: str, as_of, path: Path) -> None:
    """Note the export in the ledger so a later back-dated check-in can say the report changed.

    Only in an existing database file (an export never creates one); a database that cannot be
    written (read-only share) costs the warning, not the export.
    """
    from kjyd.errors import LedgerError
    from kjyd.ledger import Ledger, store_exists

    try:
        if not store_exists(db_path):
            return
        with Ledger.open(db_path, write=True) as ledger:
            ledger.record_export(plan_id=plan_id, month=month, as_of=as_of, path=str(path))
    except LedgerError as err:
        output.notice(f"未能在数据库中记下本次导出（{err}）；之后补录该月数据时将不会提醒重新导出")


def _format(fmt: str | None, out: str | None) -> str:
    """--format, else the suffix of -o FILE (…​.csv means CSV), else xlsx."""
    is_folder = out is not None and (_names_folder(out) or Path(out).is_dir())
    suffix = "" if out is None or is_folder else Path(out).suffix.lower().lstrip(".")
    if fmt is None:
        return suffix if suffix in FORMATS else "xlsx"
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise InputError(f"--format 只能是 xlsx 或 csv，收到 “{fmt}”")
    if suffix in FORMATS and suffix != fmt:
        raise InputError(f"文件名 {Path(out).name} 与 --format {fmt} 不符，请改用 .{fmt} 结尾的文件名")
    return fmt


def _names_folder(out: str) -> bool:
    """``报送/`` (or ``报送\\`` on Windows) is a folder even when it does not exist yet."""
    return out.endswith(("/", os.sep))


KNOWN_SUFFIXES = (".xlsx", ".csv", ".docx")
"""Suffixes kjyd writes: a file name with one of them is meant as that kind of file."""


def _looks_like_extension(suffix: str) -> bool:
    """``.pdf``, ``.xls``, ``.doc``: a file type the user asked for and kjyd cannot write (refuse
    rather than write ``r.pdf.docx``); ``.06`` in ``第2022.06期`` is part of a name, not a type."""
    return 3 <= len(suffix) <= 6 and suffix[1:].isascii() and suffix[1:].isalpha()


def destination(out: str | None, name: str, force: bool, *, suffix: str) -> Path:
    """The file to write: -o FILE, or the default ``name`` inside -o FOLDER / the current folder.

    ``-o 报送/`` (ending in a separator) is a folder and must exist — never a file named 报送.
    ``-o 报送/abc`` gets ``suffix`` (``abc.xlsx``); ``abc.docx`` where ``suffix`` is ``.xlsx`` is
    refused rather than written under a misleading name.
    """
    if out is None:
        path = Path.cwd() / name
    elif _names_folder(out):
        if not Path(out).is_dir():
            raise InputError(f"文件夹 {out} 不存在（以 / 结尾表示文件夹）；请先创建，或写出文件名")
        path = Path(out) / name
    elif Path(out).is_dir():
        path = Path(out) / name
    else:
        path = Path(out)
        if path.suffix.lower() != suffix:
            if path.suffix.lower() in KNOWN_SUFFIXES or _looks_like_extension(path.suffix):
                raise InputError(f"文件名 {path.name} 应以 {suffix} 结尾")
            path = path.with_name(f"{path.name}{suffix}")
    if not path.parent.is_dir():
        raise InputError(f"无法保存到 {path}：文件夹 {path.parent} 不存在")
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹")
    if path.exists() and not force:
        raise InputError(f"文件 {path} 已存在，未覆盖；如需覆盖请加 --force")
    return path


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write to a temporary file beside ``path``, then rename it into place.

    A crash or a full disk half-way leaves the previous file (if any) untouched and no half-written
    workbook; the rename is atomic on the same file system. The temporary file is created with the
    user's usual permissions (not mkstemp's 0600) so the result is shared like any other file.
    Temporary files of ours that a killed export left behind (older than :data:`STALE_SECONDS`)
    are removed first.
    """
    import secrets  # here, not at the top: it pulls in hashlib/OpenSSL (≈7 ms on every kjyd command)

    if path.exists() and not path.is_file():  # the rename would replace it: /dev/null, a FIFO, …
        raise InputError(f"{path} 不是普通文件（设备、管道等），不能覆盖；请换一个文件名")
    _remove_stale(path.parent)
    temp = path.with_name(f".~{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "xb") as raw:
            stream = _WriteGuard(raw)
            write(stream)  # type: ignore[arg-type]
            stream.flush()
            if stream.error is not None:
                raise stream.error
            raw.flush()
            os.fsync(raw.fileno())
    except OSError as err:
        _discard(temp)
        raise KjydError(f"无法在文件夹 {path.parent} 中写入文件：{reason(err)}") from None
    except BaseException:
        _discard(temp)
        raise
    try:
        os.replace(temp, path)
    except OSError as err:
        _discard(temp)
        raise KjydError(f"无法写入 {path}：{reason(err)}（文件是否正被 Excel 等程序打开？）") from None
    output.note_change(f"文件已保存（{path.name}）")  # a closed stdout now exits 3, not "nothing changed"


STALE_SECONDS = 3600
"""Age after which a ``.~名称.xxxxxxxx.tmp`` of ours is an abandoned export, not one in progress."""
_TEMP_NAME = re.compile(r"\.~.+\.[0-9a-f]{8}\.tmp")


def _remove_stale(folder: Path) -> None:
    import time

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    cutoff = time.time() - STALE_SECONDS
    for entry in entries:
        try:
            if _TEMP_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False) \
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:
            pass


class _WriteGuard(io.RawIOBase):
    """The temporary file as the writer (openpyxl's ZipFile, the CSV writer) sees it.

    The first failed write (a full disk) is kept and every later write is accepted and dropped,
    so the writer finishes normally; :func:`write_atomically` then raises the kept error. Without
    this, openpyxl's ZipFile was left half-open and its finaliser printed "Exception ignored …
    Traceback" after kjyd's own one-line message.
    """

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._pos = raw.tell()
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def write(self, data) -> int:
        size = len(data)
        if self.error is None:
            try:
                self._raw.write(data)
            except OSError as err:
                self.error = err
        self._pos += size
        return size

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if self.error is None:
            try:
                self._pos = self._raw.seek(offset, whence)
                return self._pos
            except OSError as err:
                self.error = err
        self._pos = offset if whence == 0 else self._pos + offset
        return self._pos

    def flush(self) -> None:
        if self.error is None:
            try:
                self._raw.flush()
            except OSError as err:
                self.error = err


def _discard(temp: Path) -> None:
    """Remove a temporary file if it is there; a folder that refused it may refuse this too."""
    try:
        temp.unlink(missing_ok=True)
    except OSError:
        pass  # on a read-only file system the file was never created: nothing to clean up


_REASONS = {
    errno.EACCES: "没有写权限",
    errno.EPERM: "没有写权限",
    errno.EROFS: "文件夹所在的磁盘或共享是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
}


def reason(err: OSError) -> str:
    """Why a file could not be written, in Chinese (the OS's own words are English)."""
    if isinstance(err, PermissionError):
        return "没有写权限"
    return _REASONS.get(err.errno, err.strerror or str(err))
