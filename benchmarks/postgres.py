"""PostgreSQL against SQLite on the same data: ``kjyd status`` and 30 desks × 20 ``--add`` at once.

Run from the repository root (needs PostgreSQL server binaries, as the tests do)::

    .venv/bin/python benchmarks/postgres.py                  # 15 runs, 2,000 and 200,000 check-ins
    .venv/bin/python benchmarks/postgres.py --check          # exit 1 if status on PG > 1.5 × SQLite
    .venv/bin/python benchmarks/postgres.py --runs 9 --checkins 2000   # quicker: the small ledger only

How it measures (as ``run.py``): whole processes, alternating the two stores each round so a burst
of machine load hits both alike, medians compared as a ratio. The server is a throwaway cluster
with default durability settings (fsync on) on this machine, started by ``tests/pg_cluster.py``;
the data is ``dataset.py``'s seeded history, copied into the server with ``kjyd db copy`` (so the
copy is exercised at scale too). It also checks that ``kjyd status`` on an SQLite file never
imports psycopg: SQLite users pay nothing for the server support; and what importing psycopg
itself costs (two bare processes, medians), the part of PostgreSQL's ``status`` time that is the
driver's, not ours.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from run import kjyd_command, run_once  # noqa: E402  (benchmarks/ on sys.path)

LIMIT = 1.5
"""``status`` on PostgreSQL must stay within this × its time on SQLite (issue #15)."""

ADDER = textwrap.dedent(
    """
    import sys
    from kjyd.cli import app

    print("ready", flush=True)
    sys.stdin.readline()
    failures = sum(app(sys.argv[2:], prog_name="kjyd", standalone_mode=False) != 0 for _ in range(int(sys.argv[1])))
    print(f"failures={failures}", flush=True)
    """
)


def adds_at_once(db: str, env: dict[str, str], processes: int = 30, each: int = 20) -> float:
    """Wall seconds for ``processes`` desks each running ``each`` ``update --add 1`` on one target."""
    child_env = {**env, "KJYD_DB": db}
    argv = ["update", "十四.3", "--add", "1", "--date", "2022-06-30"]
    procs = [subprocess.Popen([sys.executable, "-c", ADDER, str(each), *argv], env=child_env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
             for _ in range(processes)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outs = [proc.communicate()[0] for proc in procs]
    elapsed = time.perf_counter() - started
    if not all("failures=0" in out for out in outs):
        sys.exit(f"错误：{db} 上有 --add 失败")
    return elapsed


IMPORTS = {"import kjyd.cli": "import kjyd.cli", "import kjyd.cli, psycopg": "import kjyd.cli, psycopg"}
"""Two bare processes timed in the same rounds as ``status``: their difference is what importing
psycopg costs, the part of ``status`` on PostgreSQL that no query, connection or code of ours
can change."""


def status_times(dbs: dict[str, str], runs: int, env: dict[str, str], work: Path) -> dict[str, list[float]]:
    """Whole-process seconds of ``kjyd status`` on each store and of :data:`IMPORTS`, all taken in
    the same rounds (each round in a rotated order), so a burst of machine load hits all alike."""
    commands = {name: ([*kjyd_command(), "status"], {**env, "KJYD_DB": db}) for name, db in dbs.items()}
    commands.update({name: ([sys.executable, "-c", code], env) for name, code in IMPORTS.items()})
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for name in names:  # warm-up: plan cache, page cache, bytecode
        run_once(*commands[name], work, work / "stderr.txt")
    for round_no in range(runs):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, _, code = run_once(*commands[name], work, work / "stderr.txt")
            if code:
                sys.exit(f"错误：{name} 失败：{(work / 'stderr.txt').read_text(encoding='utf-8')[:200]}")
            times[name].append(elapsed)
    return times


SPAWNER = textwrap.dedent(
    """
    import os, sys

    pid = os.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    _, status, usage = os.wait4(pid, 0)
    with open(sys.argv[1], "w") as out:
        out.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
    """
)
"""Runs a command from a small process. Linux keeps a process's peak RSS across ``exec``, so a child
forked straight from this script (which holds a generated history) would report this script's size."""


def peak_mib(argv: list[str], env: dict[str, str], work: Path) -> float:
    """Peak memory of one run of ``argv`` in MiB, measured by :data:`SPAWNER`."""
    result = work / "peak.txt"
    subprocess.run([sys.executable, "-c", SPAWNER, str(result), *argv], env=env, cwd=work,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    peak_kib, code = map(int, result.read_text().split())
    if code:
        sys.exit(f"错误：{' '.join(argv[-2:])} 退出码 {code}")
    return peak_kib / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kjyd：PostgreSQL 与 SQLite 同一数据上的 status 耗时比，及 30×20 并发 --add。")
    parser.add_argument("--runs", type=int, default=15, help="每个数据库上 status 计时的次数（默认 15，取中位数）")
    parser.add_argument("--checkins", type=int, nargs="+", default=[2_000, 200_000], help="各数据规模的填报条数")
    parser.add_argument("--check", action="store_true", help="status 超过 1.5 倍时以退出码 1 结束")
    args = parser.parse_args(argv)

    from dataset import large_database
    from tests.pg_cluster import Cluster, server_bindir

    from kjyd.paths import bundled_plan
    from kjyd.plan_loader import load_plan

    bindir = server_bindir()
    if bindir is None:
        sys.exit("错误：没有 PostgreSQL 服务器程序（apt-get install -y postgresql）")
    plan = load_plan(bundled_plan())
    cluster = Cluster(bindir, fast=False)
    ok = True
    try:
        with tempfile.TemporaryDirectory(prefix="kjyd-pg-bench-") as tmp:
            work = Path(tmp)
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env.update(KJYD_TODAY=str(plan.end), KJYD_CACHE_DIR=str(work / "cache"), KJYD_USER="基准",
                       PYTHONPYCACHEPREFIX=str(work / "pyc"), COLUMNS="120", NO_COLOR="1")
            probe = subprocess.run(
                [sys.executable, "-c", "import sys; from kjyd.cli import app; "
                 "app(['status'], prog_name='kjyd', standalone_mode=False); "
                 "print('psycopg' in sys.modules, file=sys.stderr)"],
                env={**env, "KJYD_DB": str(work / "probe.db")}, capture_output=True, text=True)
            print(f"SQLite 上的 kjyd status 导入 psycopg：{'是' if 'True' in probe.stderr else '否'}")
            ok &= "False" in probe.stderr

            peaks: dict[int, float] = {}
            for count in args.checkins:
                path = work / f"large-{count}.db"
                total = large_database(path, plan, count)
                url = cluster.create_database(f"bench_{count}")
                copy = subprocess.run([*kjyd_command(), "db", "copy", "--from", str(path), "--to", url],
                                      env=env, capture_output=True, text=True)
                if copy.returncode:
                    sys.exit(copy.stderr)
                subprocess.run([str(bindir / "vacuumdb"), "-h", "127.0.0.1", "-p", str(cluster.port),
                                "-U", "postgres", "-z", "-q", f"bench_{count}"], check=True)
                times = status_times({"SQLite": str(path), "PostgreSQL": url}, args.runs, env, work)
                sqlite_ms, pg_ms, bare_ms, driver_ms = (
                    statistics.median(times[n]) * 1000 for n in ("SQLite", "PostgreSQL", *IMPORTS))
                driver_ms -= bare_ms
                ratio = pg_ms / sqlite_ms
                ok &= ratio <= LIMIT
                print(f"kjyd status，{total:,} 条填报：SQLite {sqlite_ms:.0f} ms，PostgreSQL {pg_ms:.0f} ms，"
                      f"比值 {ratio:.2f}（目标 ≤ {LIMIT}）{'' if ratio <= LIMIT else '  未达标'}；"
                      f"同轮中导入 psycopg 本身 {driver_ms:.0f} ms，除去它 PostgreSQL {pg_ms - driver_ms:.0f} ms、"
                      f"比值 {(pg_ms - driver_ms) / sqlite_ms:.2f}")

                # Memory of reading everything (issue #12's rule, on the server): log --all streams
                # through a server-side cursor, so the largest history costs what the smallest does.
                peaks[total] = peak_mib([*kjyd_command(), "--db", url, "log", "--all"], env, work)
                smallest = peaks[min(peaks)]
                print(f"kjyd log --all，{total:,} 条填报（PostgreSQL）：峰值内存 {peaks[total]:.1f} MiB，"
                      f"为 {min(peaks):,} 条时的 {peaks[total] / smallest:.2f} 倍（目标 ≤ 1.25）")

            for name, db in (("SQLite", str(work / "adds.db")), ("PostgreSQL", cluster.create_database("bench_adds"))):
                seconds = adds_at_once(db, env)
                print(f"30 个进程 × 20 次 --add（{name}）：{seconds:.1f} 秒，共 600 次")
    finally:
        cluster.stop()
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
