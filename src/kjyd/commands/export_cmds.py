"""``kjyd export``: the monthly 推进情况表 (xlsx, or the main table as CSV) for leadership.

Thin on purpose: read the ledger, build the report (the same function ``kjyd status`` uses), hand
both to a renderer, and put the file in place atomically. openpyxl and sqlite3 are imported inside
the command so ``kjyd --help`` stays fast.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Optional

import typer

from kjyd import output
from kjyd.app import command, state
from kjyd.errors import InputError, KjydError

FORMATS = ("xlsx", "csv")


@command("export")
def export_command(
    ctx: typer.Context,
    month: Optional[str] = typer.Option(
        None, "--month", metavar="年-月",
        help="导出哪个月，如 2022-06；数值截至该月最后一天。默认：本月（限于计划期内）。",
    ),
    out: Optional[Path] = typer.Option(
        None, "-o", "--output", metavar="文件或文件夹",
        help="保存到的文件，或已存在的文件夹（文件名自动生成）。默认：当前文件夹。",
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
    from kjyd.divisions import default_month, month_in_plan, safe_filename
    from kjyd.ledger import Ledger, month_bounds
    from kjyd.commands.changes_cmds import month_changes
    from kjyd.report import report_months
    from kjyd.values import parse_tolerance

    app_state = state(ctx)
    plan = app_state.plan
    month = month_in_plan(plan, month) if month else default_month(plan, today())
    tolerance = parse_tolerance(tolerance)
    fmt = _format(fmt, out)
    if brief and fmt != "xlsx":
        raise InputError("报送版（--brief）只有 xlsx 格式")
    as_of = min(month_bounds(month)[1], plan.end)
    kind = "推进情况表_报送版" if brief else "推进情况表"
    name = f"{safe_filename(plan.short_title)}{kind}_{month}.{fmt}"  # short_title: ../../x
    path = _destination(out, name, force)

    with Ledger.open(app_state.db_path, write=False) as ledger:
        month_entries = ledger.entries(plan.id, month=month, include_withdrawn=True)
        # 较上月 and the report itself: the month's changes carry the report as of the month end.
        changes = month_changes(ledger, plan, month, tolerance, month_entries)
        report = changes.after
        months = report_months(plan, as_of)
        trend = ledger.month_end_values(plan.id, months) if fmt == "xlsx" and not brief else {}

    if brief:
        from kjyd.render.xlsx_brief import write_brief

        write_atomically(path, lambda f: write_brief(f, changes))
    elif fmt == "xlsx":
        from kjyd.render.xlsx import write_workbook

        write_atomically(path, lambda f: write_workbook(f, report, month_entries, months, trend, changes))
    else:
        from kjyd.render.csv_out import write_csv

        write_atomically(path, lambda f: write_csv(f, report, month_entries))
    output.say(f"已导出：{path}")


def _format(fmt: str | None, out: Path | None) -> str:
    """--format, else the suffix of -o FILE (…​.csv means CSV), else xlsx."""
    suffix = out.suffix.lower().lstrip(".") if out is not None and not out.is_dir() else ""
    if fmt is None:
        return suffix if suffix in FORMATS else "xlsx"
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise InputError(f"--format 只能是 xlsx 或 csv，收到 “{fmt}”")
    if suffix in FORMATS and suffix != fmt:
        raise InputError(f"文件名 {out.name} 与 --format {fmt} 不符，请改用 .{fmt} 结尾的文件名")
    return fmt


def destination(out: Path | None, name: str, force: bool, *, suffix: str) -> Path:
    """:func:`_destination` for a command that writes one kind of file (``report``: .docx)."""
    if out is not None and not out.is_dir() and not str(out).endswith(("/", os.sep)) \
            and out.suffix.lower() != suffix:
        raise InputError(f"文件名 {out.name} 应以 {suffix} 结尾")
    return _destination(out, name, force)


def _destination(out: Path | None, name: str, force: bool) -> Path:
    """The file to write: -o FILE, or the default name inside -o FOLDER / the current folder."""
    if out is None:
        path = Path.cwd() / name
    elif out.is_dir():
        path = out / name
    elif str(out).endswith(("/", os.sep)):
        raise InputError(f"文件夹 {out} 不存在")
    else:
        path = out
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
    """
    import secrets  # here, not at the top: it pulls in hashlib/OpenSSL (≈7 ms on every kjyd command)

    temp = path.with_name(f".~{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "xb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
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
