"""Shell completion: commands and options (typer/click do those), task and target addresses (here).

Typer's completion scripts call ``kjyd`` with ``_KJYD_COMPLETE=complete_bash`` (or zsh, fish,
powershell) on every Tab. In that mode click parses the command line *resiliently* and never runs
the root callback, so the plan in use is worked out here from the same sources in the same order
(``--plan``, ``KJYD_PLAN``, ``kjyd.toml``, the bundled plan) and read through the plan cache.

Nothing here runs on an ordinary command: :func:`prepare` (registering typer's shell classes) is
called only when the completion variable is set, and :func:`complete_address` only on Tab.
"""

from __future__ import annotations

import os
from pathlib import Path

COMPLETE_VAR = "_KJYD_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def prepare() -> None:
    """Use typer's completion classes (the scripts typer installs speak their protocol)."""
    from typer._completion_classes import completion_init

    completion_init()


def _plan_path(ctx) -> Path:
    from kjyd.paths import bundled_plan
    from kjyd.workspace import find_file, load

    option = ctx.find_root().params.get("plan")  # --plan or KJYD_PLAN, as click resolved it
    if option:
        return Path(option)
    found = find_file()
    if found is not None:
        value = load(found).values.get("plan")
        if value is not None:
            return Path(value)
    return bundled_plan()


def addresses(plan, arabic: bool) -> list[tuple[str, str]]:
    """Every address a user can type for ``plan``, with the name it stands for.

    Chinese numbering (十三, 十三.2) or Arabic (13, 13.2), as the user started typing; the
    headline targets H1…Hn either way.
    """
    items: list[tuple[str, str]] = []
    for task in plan.tasks:
        items.append((str(task.number) if arabic else task.label, task.title))
        for position, target in enumerate(task.targets, 1):
            label = f"{task.number}.{position}" if arabic else f"{task.label}.{position}"
            items.append((label, target.name))
    for position, headline in enumerate(plan.headlines, 1):
        items.append((f"H{position}", headline.name))
    return items


def complete_address(ctx, incomplete: str) -> list[tuple[str, str]]:
    """Addresses starting with what was typed; nothing (never an error) if the plan cannot be read."""
    from kjyd.errors import KjydError
    from kjyd.plan_loader import load_plan

    try:
        plan = load_plan(_plan_path(ctx))
    except (KjydError, OSError):
        return []
    typed = incomplete.strip().strip("（()）")
    arabic = typed[:1].isdigit()
    return [item for item in addresses(plan, arabic) if item[0].startswith(typed)]


def requested() -> bool:
    """Is this process a completion request from the shell (not an ordinary command)?"""
    return COMPLETE_VAR in os.environ


def script(shell: str) -> str:
    """The completion script for ``shell``, as typer writes it for kjyd."""
    from typer._completion_shared import get_completion_script

    prepare()
    return get_completion_script(prog_name="kjyd", complete_var=COMPLETE_VAR, shell=shell)


_INSTALLED = {
    "bash": (".bashrc", ".bash_completions/kjyd.sh"),
    "zsh": (".zshrc", ".zfunc/_kjyd"),
    "fish": (".config/fish/completions/kjyd.fish",),
}
"""The files typer's installer reads and writes, under the home folder, per shell."""


def install(shell: str) -> Path:
    """Install the script where typer installs it (e.g. ~/.bash_completions/kjyd.sh sourced from ~/.bashrc).

    typer writes these files as they are: a ~/.bashrc that is a folder ended in a traceback, one
    that is a FIFO waited forever. Each is checked first, and a failure is one Chinese line.
    """
    from typer._completion_shared import install as typer_install

    from kjyd.errors import KjydError

    for name in _INSTALLED.get(shell, ()):
        path = Path.home() / name
        if path.exists() and not path.is_file():
            raise KjydError(f"无法安装命令补全：{path} 不是普通文件（文件夹、管道等），请先移走它")
    prepare()
    try:
        installed = typer_install(shell=shell, prog_name="kjyd", complete_var=COMPLETE_VAR)[1]
    except OSError as err:
        raise KjydError(f"无法安装命令补全：{err.filename or ''} {err.strerror or err}".strip()) from None
    from kjyd import output

    output.note_change(f"命令补全已安装（{installed}）")
    return installed


def detect_shell() -> str | None:
    """The user's shell (bash, zsh…), or None when it cannot be told."""
    from typer._completion_shared import _get_shell_name

    name = _get_shell_name()
    return name if name in SHELLS else None
