"""How fast kjyd feels: whole-process timings of every command, as ratios to Python's own floor.

Run from the repository root::

    .venv/bin/python benchmarks/run.py            # 15 runs of each command, 200,000 check-ins
    .venv/bin/python benchmarks/run.py --check    # exit 1 if a target is missed

Why it measures this way:

* **Whole processes.** A user waits for ``kjyd status`` to start, import, query, print and exit;
  so each run is a fresh process, timed from spawn to reap.
* **Ratios, not milliseconds.** Python's start-up and the imports of our stack (typer, rich,
  pydantic, yaml) set a floor that kjyd cannot go below; absolute times on a shared machine are
  noise. The floor is measured in the same run, by the same interpreter, interleaved with the rest.
* **Alternating.** Each round runs every command once (rotating the order), so a burst of load on
  the machine hits all commands alike instead of one command's whole sample.
* **Peak memory per child.** ``os.wait4`` returns the rusage of exactly the child it reaped
  (``ru_maxrss``, KiB on Linux); ``RUSAGE_CHILDREN`` would only give the maximum over all children.
* **Warm, like a user's second call.** Before timing, every command runs once untimed: that fills
  this benchmark's own plan cache (``KJYD_CACHE_DIR`` in the temporary folder; see
  ``kjyd.plan_loader``) and the OS page cache. ``KJYD_TODAY`` pins the date to the plan's last day
  so the reports cover the whole year of history.
* **With bytecode, like an installed kjyd.** ``PYTHONDONTWRITEBYTECODE`` is dropped for the
  children and their ``.pyc`` files go to ``PYTHONPYCACHEPREFIX`` in the temporary folder (written
  by the warm-up run), so no run pays for compiling source and the work tree is left untouched.

A command the CLI does not have yet is reported as 未实现, never as a crash.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

if importlib.util.find_spec("kjyd") is None:  # a Python without kjyd: use the project's venv
    venv_python = REPO / ".venv" / "bin" / "python"
    if venv_python.exists() and Path(sys.executable) != venv_python:
        os.execv(venv_python, [str(venv_python), *sys.argv])
    sys.exit("错误：当前 Python 环境中没有安装 kjyd；请用 .venv/bin/python benchmarks/run.py 运行")

REALISTIC = 2_000
"""Check-ins of a realistic office year (≈32 tasks × 12 months × a few targets and notes): the
scale at which ``report`` and ``export --brief`` are measured (issue #14)."""
FLOOR_CODE = "import typer, rich.console, rich.table, pydantic, yaml"
NOTICE = REPO.parent / "shared" / "source" / "shaanxi-kjt-2022-work-plan.txt"
"""The 2022 notice that ``kjyd draft`` turns into a plan (the shared folder beside the checkout)."""
MONTH = "2022-12"


@dataclass
class Bench:
    """One command to time, and the target it must meet."""

    key: str
    label: str
    args: list[str]
    db: str | None = None
    """"empty", "large" or "realistic" (KJYD_DB for the child); None for the floor and ``--help``."""
    vs_floor: float | None = None
    """Median must be ≤ this × the floor's median."""
    vs_empty: str | None = None
    """Key of the empty-database run whose median and peak memory this one must stay within 1.25×."""
    memory_only: bool = False
    """With ``vs_empty``: only peak memory must stay within 1.25× (the command reads everything,
    so its time grows with the history; its memory must not — issue #12)."""
    times: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment for the child (a shell completion request)."""
    missing: str = ""
    """Why the command could not be measured (未实现, or the failure), if it could not."""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def peak_mib(self) -> float:
        return max(self.peaks) / 1024


EMPTY_GROWTH = 1.25
TOO_SLOW_S = 10.0
"""A command whose warm-up run takes longer than this is reported as too slow, not timed 15 times."""


def benches(kjyd: list[str], checkins: int, export_dir: Path, million: int = 0) -> list[Bench]:
    big = f"（{checkins:,} 条）"
    real = f"（{REALISTIC:,} 条）"
    csv = ["--format", "csv", "--output", str(export_dir / "推进情况表.csv"), "--force"]
    # Issue #12: every reading command's memory at 200,000 check-ins within 1.25 × the empty file.
    # Memory-only where the command must read every row (its time grows, its memory must not).
    scale = [
        Bench("log0", "kjyd log（空库，参照）", [*kjyd, "log"], db="empty"),
        Bench("log", f"kjyd log（默认 50 条）{big}", [*kjyd, "log"], db="large", vs_empty="log0"),
        Bench("logjson0", "kjyd log --json --all（空库，参照）", [*kjyd, "log", "--json", "--all"], db="empty"),
        Bench("logjson", f"kjyd log --json --all{big}", [*kjyd, "log", "--json", "--all"], db="large",
              vs_empty="logjson0", memory_only=True),
        Bench("logall", f"kjyd log --all{big}", [*kjyd, "log", "--all"], db="large",
              vs_empty="log0", memory_only=True),
        Bench("missing0", "kjyd status --missing（空库，参照）", [*kjyd, "status", "--missing", "--month", MONTH],
              db="empty"),
        Bench("missing", f"kjyd status --missing{big}", [*kjyd, "status", "--missing", "--month", MONTH],
              db="large", vs_empty="missing0", memory_only=True),
        Bench("showall0", "kjyd show 十三 --all（空库，参照）", [*kjyd, "show", "十三", "--all"], db="empty"),
        Bench("showall", f"kjyd show 十三 --all{big}", [*kjyd, "show", "十三", "--all"], db="large",
              vs_empty="showall0", memory_only=True),
        Bench("csv0", "kjyd export --format csv（空库，参照）", [*kjyd, "export", "--month", MONTH, *csv], db="empty"),
        Bench("csv", f"kjyd export --format csv{big}", [*kjyd, "export", "--month", MONTH, *csv], db="large",
              vs_empty="csv0", memory_only=True),
    ]
    # The other commands that read check-ins: the same memory rule (one run each).
    for key, label, args in (
        ("showjson", "kjyd show 十三 --json", ["show", "十三", "--json"]),
        ("changesmem", f"kjyd changes --month {MONTH}", ["changes", "--month", MONTH]),
        ("changesjson", f"kjyd changes --month {MONTH} --json", ["changes", "--month", MONTH, "--json"]),
        ("briefmem", f"kjyd export --month {MONTH} --brief",
         ["export", "--month", MONTH, "--brief", "--output", str(export_dir / "报送版.xlsx"), "--force"]),
        ("reportmem", f"kjyd report --month {MONTH}",
         ["report", "--month", MONTH, "--output", str(export_dir / "报告.docx"), "--force"]),
        ("templatemem", f"kjyd template --month {MONTH}",
         ["template", "--month", MONTH, "--output", str(export_dir / "填报表"), "--force"]),
        # openpyxl's normal mode holds every cell of the 填报记录 sheet (≈17,000 rows here): see README.
        ("xlsxmem", f"kjyd export --month {MONTH}",
         ["export", "--month", MONTH, "--output", str(export_dir / "推进情况表.xlsx"), "--force"]),
    ):
        scale += [
            Bench(f"{key}0", f"{label}（空库，参照）", [*kjyd, *args], db="empty"),
            Bench(key, f"{label}{big}", [*kjyd, *args], db="large", vs_empty=f"{key}0", memory_only=True),
        ]
    if million:
        scale += [
            Bench("log20_0", "kjyd log --limit 20（空库，参照）", [*kjyd, "log", "--limit", "20"], db="empty"),
            Bench("log20m", f"kjyd log --limit 20（{million:,} 条）", [*kjyd, "log", "--limit", "20"],
                  db="million", vs_empty="log20_0"),
        ]
    return [
        Bench("floor", f'基线：python -c "{FLOOR_CODE}"', [sys.executable, "-c", FLOOR_CODE]),
        Bench("help", "kjyd --help", [*kjyd, "--help"], vs_floor=0.8),
        Bench("status0", "kjyd status（空库）", [*kjyd, "status"], db="empty", vs_floor=1.10),
        Bench("json0", "kjyd status --json（空库，参照）", [*kjyd, "status", "--json"], db="empty"),
        Bench("status", f"kjyd status{big}", [*kjyd, "status"], db="large", vs_empty="status0"),
        Bench("json", f"kjyd status --json{big}", [*kjyd, "status", "--json"], db="large", vs_empty="json0"),
        Bench("update", f"kjyd update 十四.3 --add 1{big}", [*kjyd, "update", "十四.3", "--add", "1"],
              db="large", vs_floor=1.15),
        Bench("show", f"kjyd show 十三{big}", [*kjyd, "show", "十三"], db="large", vs_floor=1.25),
        # What bash runs on each Tab after `kjyd update 十三.`: must feel instant, like status.
        Bench("complete", "Tab 补全：kjyd update 十三.", kjyd, vs_floor=1.10,
              env={"_KJYD_COMPLETE": "complete_bash", "COMP_WORDS": "kjyd update 十三.", "COMP_CWORD": "2"}),
        Bench("export", f"kjyd export --month {MONTH}{big}",
              [*kjyd, "export", "--month", MONTH, "--output", str(export_dir / "推进情况表.xlsx"), "--force"],
              db="large", vs_floor=3.0),
        # What goes up the chain, at a realistic office year's scale (issue #14: within 3 × the floor).
        Bench("report", f"kjyd report --month {MONTH}{real}",
              [*kjyd, "report", "--month", MONTH, "--output", str(export_dir / "报告.docx"), "--force"],
              db="realistic", vs_floor=3.0),
        Bench("brief", f"kjyd export --month {MONTH} --brief{real}",
              [*kjyd, "export", "--month", MONTH, "--brief", "--output", str(export_dir / "报送版.xlsx"),
               "--force"], db="realistic", vs_floor=3.0),
        # changes reads every check-in of the month (its notes and who was silent): ≈17,000 here.
        Bench("changes", f"kjyd changes --month {MONTH}{big}", [*kjyd, "changes", "--month", MONTH],
              db="large", vs_floor=3.0),
        # Reading the notice, extracting 32 tasks and 25 targets, validating and writing the YAML:
        # the issue asks for under 1 s; with the floor near 0.3 s that is about 3 × the floor.
        Bench("draft", "kjyd draft 2022年通知（.txt）",
              [*kjyd, "draft", str(NOTICE), "-o", str(export_dir / "plan-draft.yaml"), "--force"],
              vs_floor=3.0),
        *scale,
    ]


def kjyd_command() -> list[str]:
    """The console script beside this interpreter (what users type), else ``python -m kjyd``."""
    script = Path(sys.executable).parent / "kjyd"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "kjyd"]


def run_once(argv: list[str], env: dict[str, str], cwd: Path, stderr_path: Path) -> tuple[float, int, int]:
    """Run one process to completion: (wall seconds, peak RSS in KiB, exit code)."""
    with open(stderr_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting
    return elapsed, usage.ru_maxrss, proc.returncode


def why_missing(code: int, stderr: str) -> str:
    if "没有命令" in stderr or "未知选项" in stderr or "No such command" in stderr:
        return "未实现"
    first = next((line for line in stderr.splitlines() if line.strip()), "")
    return f"失败（退出码 {code}）：{first[:60]}"


def measure(items: list[Bench], runs: int, env: dict[str, str], dbs: dict[str, Path], work: Path) -> None:
    stderr_path = work / "stderr.txt"

    def child_env(bench: Bench) -> dict[str, str]:
        extra = {"KJYD_DB": str(dbs[bench.db])} if bench.db else {}
        return {**env, **extra, **bench.env}

    for bench in items:  # warm-up: caches; and find what does not exist yet or is hopelessly slow
        elapsed, peak, code = run_once(bench.args, child_env(bench), work, stderr_path)
        if code != 0:
            bench.missing = why_missing(code, stderr_path.read_text(encoding="utf-8", errors="replace"))
        elif bench.memory_only:  # reads the whole history: one run gives its peak memory
            elapsed, peak, code = run_once(bench.args, child_env(bench), work, stderr_path)
            bench.times.append(elapsed)
            bench.peaks.append(peak)
        elif elapsed > TOO_SLOW_S:
            bench.missing = f"过慢：单次 {elapsed:.1f} 秒，未重复计时"
    live = [b for b in items if not b.missing and not b.memory_only]
    for round_no in range(runs):
        shift = round_no % len(live) if live else 0
        for bench in live[shift:] + live[:shift]:
            elapsed, peak, code = run_once(bench.args, child_env(bench), work, stderr_path)
            if code != 0 and not bench.missing:
                bench.missing = why_missing(code, stderr_path.read_text(encoding="utf-8", errors="replace"))
            bench.times.append(elapsed)
            bench.peaks.append(peak)


# --- the table ---------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def evaluate(items: list[Bench]) -> tuple[list[list[str]], bool]:
    """Table rows and whether every target is met."""
    by_key = {b.key: b for b in items}
    floor = by_key["floor"]
    all_met = not floor.missing
    rows = []
    for bench in items:
        if bench.missing:
            target = "" if bench.vs_floor is None and bench.vs_empty is None else "✗"
            all_met = all_met and not target
            rows.append([bench.label, bench.missing, "", "", "", _target_text(bench), target])
            continue
        to_floor = bench.median_ms / floor.median_ms if not floor.missing else None
        growth = ""
        met: bool | None = None
        if bench.vs_floor is not None and to_floor is not None:
            met = to_floor <= bench.vs_floor
        if bench.vs_empty is not None:
            base = by_key[bench.vs_empty]
            if base.missing:
                met = False
            else:
                t, m = bench.median_ms / base.median_ms, bench.peak_mib / base.peak_mib
                growth = f"{t:.2f} / {m:.2f}"
                met = m <= EMPTY_GROWTH and (bench.memory_only or t <= EMPTY_GROWTH)
        if met is False:
            all_met = False
        rows.append([
            bench.label,
            f"{bench.median_ms:.0f}",
            "1.00" if bench is floor else (f"{to_floor:.2f}" if to_floor is not None else ""),
            f"{bench.peak_mib:.1f}",
            growth,
            _target_text(bench),
            {True: "✓", False: "✗", None: ""}[met],
        ])
    return rows, all_met


def _target_text(bench: Bench) -> str:
    if bench.vs_floor is not None:
        return f"≤ {bench.vs_floor:.2f} × 基线"
    if bench.vs_empty is not None:
        return f"{'内存' if bench.memory_only else '时间、内存'} ≤ {EMPTY_GROWTH:.2f} × 空库"
    return ""


def table(rows: list[list[str]]) -> str:
    """A Markdown table, padded so it also reads well in a terminal (CJK counted double-width)."""
    head = ["命令", "中位数 ms", "÷基线", "峰值 MiB", "÷空库（时间 / 内存）", "目标", "达标"]
    right = [False, True, True, True, True, False, False]
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(_pad(c, w, r) for c, w, r in zip(cells, widths, right)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if r else ("-" * (w + 2)) for w, r in zip(widths, right)) + "|"
    return "\n".join([line(head), rule, *(line(r) for r in rows)])


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kjyd 各命令的耗时与内存基准（整进程计时，以基线为比）。")
    parser.add_argument("--runs", type=int, default=15, help="每个命令计时的次数（默认 15，取中位数）")
    parser.add_argument("--checkins", type=int, default=200_000, help="大数据库的填报条数（默认 200000）")
    parser.add_argument("--check", action="store_true", help="有目标未达到时以退出码 1 结束")
    parser.add_argument("--million", type=int, default=1_000_000,
                        help="另建一个该条数的库，计时 log --limit 20（默认 1000000；0 表示不建）")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.checkins < 1:
        parser.error("--runs 和 --checkins 必须是正整数")

    kjyd = kjyd_command()
    with tempfile.TemporaryDirectory(prefix="kjyd-bench-") as tmp:
        work = Path(tmp)
        dbs = {"empty": work / "empty.db", "large": work / "large.db", "realistic": work / "realistic.db",
               "million": work / "million.db"}
        started = time.perf_counter()
        built = subprocess.run(
            [sys.executable, str(HERE / "dataset.py"), str(work), str(args.checkins), str(REALISTIC),
             str(max(args.million, 0))],
            check=True, stdout=subprocess.PIPE,
        )
        info = json.loads(built.stdout)
        total, plan_id, end = info["total"], info["plan_id"], info["end"]
        built = time.perf_counter() - started
        (work / "export").mkdir()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("KJYD_") and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(KJYD_CACHE_DIR=str(work / "cache"), KJYD_TODAY=end, KJYD_USER="基准测试",
                   COLUMNS="120", PYTHONPYCACHEPREFIX=str(work / "pycache"))
        items = benches(kjyd, args.checkins, work / "export", max(args.million, 0))
        print(f"解释器：{sys.executable}（Python {sys.version.split()[0]}）")
        print(f"kjyd：{' '.join(kjyd)}")
        print(f"数据库：空库 + {total:,} 条填报（{plan_id} {args.checkins:,} 条，含已撤销、仅说明；"
              f"另一计划 {total - args.checkins:,} 条），生成用时 {built:.1f} 秒；"
              f"report、export --brief 用同样方式生成的 {REALISTIC:,} 条（一年的实际规模）")
        print(f"每个命令先运行一次不计时（预热计划缓存 KJYD_CACHE_DIR={work / 'cache'}、"
              f"字节码 PYTHONPYCACHEPREFIX 与磁盘缓存），再交替计时 {args.runs} 次；KJYD_TODAY={end}")
        print()
        measure(items, args.runs, env, dbs, work)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if any(bench.peaks and min(bench.peaks) <= own_peak for bench in items):
        print(f"注意：本进程已占用 {own_peak / 1024:.1f} MiB，部分命令的峰值内存可能被高估。")
    rows, all_met = evaluate(items)
    print(table(rows))
    print()
    print("全部达标。" if all_met else "有目标未达到（✗）。")
    return 1 if args.check and not all_met else 0


if __name__ == "__main__":
    sys.exit(main())
