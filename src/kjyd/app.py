"""The Typer application object, global options, and how errors reach the user.

Command modules (``kjyd.commands.*``) register on :data:`app` with :func:`command`. This module
imports only typer and kjyd's light modules, so ``kjyd --help`` pays for nothing else.

Errors: a :class:`~kjyd.errors.KjydError` becomes ``错误：…`` on stderr and exit code 1; a usage
mistake (unknown option, missing argument) becomes one Chinese line and exit code 2. Anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer
from typer import _click
from typer._click.exceptions import (
    BadOptionUsage,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

from kjyd import output
from kjyd.errors import KjydError
from kjyd.paths import DB_ENV, PLAN_ENV, USER_ENV, bundled_plan, db_setting, default_db

if TYPE_CHECKING:
    from kjyd.ledger import Ledger
    from kjyd.plan import Plan
    from kjyd.workspace import Setting

# Help text is Chinese; so are the headings the framework writes around it.
_HEADINGS = {"Options": "选项", "Arguments": "参数", "Commands": "命令"}
_HELP_TEXTS = {"Show this message and exit.": "显示本帮助并退出。"}
_HELP_MARKS = {"[required]": "［必填］", "[env var: ": "［环境变量：", "[default: ": "［默认："}


def _chinese_help(text: str) -> str:
    text = _HELP_TEXTS.get(text, text)
    for mark, chinese in _HELP_MARKS.items():
        if mark in text:
            head, _, tail = text.partition(mark)
            close = tail.find("]")
            head = head.rstrip() + (" " if head.rstrip()[-1:].isascii() and head.strip() else "")
            text = head + chinese + (tail[:close] + "］" + tail[close + 1:] if close >= 0 else tail)
    return text


class _Formatter(_click.HelpFormatter):
    """click's help layout, measured in terminal cells and broken by Chinese rules (see help_text)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        from kjyd.help_text import cells, wrap

        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        args = re.sub(r"\{([^{}]+)\}", r"\1", args)  # typer writes a required argument as {目标}
        head, _, rest = args.partition("[选项] ")
        if not head and rest and not rest.startswith("命令"):
            args = f"{rest} [选项]"  # kjyd update 目标 [选项]: what to type first comes first
        start = f"{' ' * self.current_indent}{'用法：' if prefix is None else prefix}{prog} "
        lines = wrap(args, self.width - cells(start))
        self.write(start + f"\n{' ' * cells(start)}".join(lines) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def section(self, name: str):
        return super().section(_HEADINGS.get(name, name))

    def write_text(self, text: str) -> None:
        from kjyd.help_text import wrap_paragraphs

        self.write(wrap_paragraphs(text, self.width, self.current_indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        from kjyd.help_text import cells, wrap

        rows = [(term, _chinese_help(text)) for term, text in rows]
        first = min(max((cells(term) for term, _ in rows), default=0), col_max) + col_spacing
        pad = " " * self.current_indent
        room = max(self.width - self.current_indent - first, 20)
        for term, text in rows:
            lines = wrap(text, room) if text else []
            if cells(term) <= first - col_spacing and lines:
                self.write(f"{pad}{term}{' ' * (first - cells(term))}{lines[0]}\n")
                lines = lines[1:]
            else:
                self.write(f"{pad}{term}\n")
            for line in lines:
                self.write(f"{pad}{' ' * first}{line}\n")


class _Context(typer.Context):
    formatter_class = _Formatter


class KjydCommand(TyperCommand):
    context_class = _Context


class KjydGroup(TyperGroup):
    context_class = _Context

    def resolve_command(self, ctx: _click.Context, args: list[str]):
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            names = "、".join(self.list_commands(ctx))
            raise UsageError(f"没有命令 {args[0]}；可用命令：{names}", ctx)
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the CLI, turning every expected failure into one Chinese line and an exit code.

        Exit codes: 0 done; 1 refused or failed, nothing changed; 2 usage mistake; 3 the result
        could not be written to stdout (closed, full) but the change *was* stored (see
        :data:`kjyd.output.OUTPUT_FAILED_RECORDED`).
        """
        from kjyd import completion

        if completion.requested():  # a Tab in the shell: answer it (click exits), nothing else
            completion.prepare()
        output.prepare_streams()
        args = _clean_arguments(sys.argv[1:] if args is None else list(args))
        try:
            code = self._run(args, prog_name, complete_var, **extra)
            sys.stdout.flush()  # a full disk or closed pipe shows here, not in the interpreter's exit
        except OSError as err:
            if not output.is_output_failure(err):
                raise
            code = output.output_failed(err)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, args, prog_name, complete_var, **extra) -> int:
        try:
            rv = super().main(args, prog_name or "kjyd", complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except NoArgsIsHelpError as err:
            sys.stdout.write(err.ctx.get_help() + "\n")
            code = 0
        except UsageError as err:
            output.error(_usage_message(err))
            code = 2
        except KjydError as err:
            output.error(str(err))
            code = err.exit_code
        except typer.Abort:
            output.error("已取消，未做任何更改")
            code = 1
        return code


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_arguments(args: list[str]) -> list[str]:
    """Arguments as text that can be stored and printed: a byte that is not UTF-8 (``--note $'\\xff'``
    arrives as a lone surrogate) becomes U+FFFD instead of failing later in SQLite or on output."""
    return [_SURROGATE.sub("\ufffd", a) if isinstance(a, str) else a for a in args]


_ROOT_OPTIONS = {"--plan": "计划.yaml", "--db": "kjyd.db"}
"""kjyd's own options that take a value, with the example shown when one is typed after a command."""


def _usage_message(err: UsageError) -> str:
    if isinstance(err, NoSuchOption):
        text = f"未知选项 {err.option_name}"
        if err.option_name in _ROOT_OPTIONS and err.ctx is not None and err.ctx.parent is not None:
            # ``kjyd status --db x.db``: the option exists, but belongs before the command's name.
            return (f"{err.option_name} 是 kjyd 的全局选项，要写在命令名之前，"
                    f"如：kjyd {err.option_name} {_ROOT_OPTIONS[err.option_name]} {err.ctx.command_path.partition(' ')[2]} …")
        if err.possibilities:
            text += f"（是否想用 {'、'.join(sorted(err.possibilities))}？）"
    elif isinstance(err, MissingParameter) and err.param is not None:
        kind = "参数" if err.param.param_type_name == "argument" else "选项"
        text = f"缺少{kind} {err.param.get_error_hint(err.ctx) if err.ctx else err.param.name}"
    elif isinstance(err, BadOptionUsage) and "requires an argument" in err.message:
        text = f"选项 {err.option_name} 后面缺少取值"
    elif extra := re.fullmatch(r"Got unexpected extra argument\S* \((.*)\)", err.message, re.S):
        text = f"多余的参数 {extra.group(1)}"
    else:
        text = err.format_message()
    hint = f"（运行 {err.ctx.command_path} --help 查看用法）" if err.ctx else ""
    return text + hint


app = typer.Typer(
    cls=KjydGroup,
    name="kjyd",
    help="科技工作要点推进情况跟踪：查看计划、按月填报进度、导出推进情况表。\n\n"
    "示例：kjyd plan ｜ kjyd update 十三 --value 8 ｜ kjyd status ｜ kjyd export --month 2022-06",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def command(name: str, **kwargs: Any):
    """Register a subcommand with kjyd's Chinese help formatting."""
    return app.command(name, cls=KjydCommand, **kwargs)


@dataclass
class AppState:
    """What every command needs: where the plan and the database are, and who is typing.

    ``settings`` keeps each resolved setting with its source (option, environment, kjyd.toml,
    default) for ``kjyd info``. The plan loads on first use.
    """

    plan_path: Path
    db_path: str | Path
    """An SQLite file, or a server URL kept as text until the store is opened."""
    user: Optional[str] = None
    """The configured 填报人 (KJYD_USER or kjyd.toml), used when a command gets no --by."""
    settings: dict[str, "Setting"] = field(default_factory=dict, repr=False)
    workspace: Optional[Path] = None
    """The kjyd.toml in use, if one was found."""
    _plan: Optional["Plan"] = field(default=None, repr=False)

    @property
    def plan(self) -> "Plan":
        if self._plan is None:
            from kjyd.plan_loader import load_plan

            self._plan = load_plan(self.plan_path)
        return self._plan

    @contextmanager
    def ledger(self, *, write: bool) -> Iterator["Ledger"]:
        """The ledger, once the plan in use is known to give its check-ins their recorded meaning
        (:mod:`kjyd.history`); each write also remembers the meanings of newly recorded ids, in
        the same transaction."""
        from kjyd.history import check_meanings
        from kjyd.ledger import Ledger

        plan = self.plan
        with Ledger.open(self.db_path, write=write) as ledger:
            for notice in check_meanings(plan, ledger.meanings(plan.id)):
                output.notice(notice)
            if write:
                ledger.remember_with_writes(plan.id, plan.meanings())
            yield ledger


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


def _show_version(value: bool) -> None:
    if value:
        from kjyd import __version__

        output.say(f"kjyd {__version__}")
        raise typer.Exit()


def _completion_flag(ctx: typer.Context, param: Any, value: bool) -> None:
    """--show-completion / --install-completion, for the shell kjyd runs in (as typer apps do)."""
    if not value or ctx.resilient_parsing:
        return
    from kjyd.completion import detect_shell

    shell = detect_shell()
    if shell is None:
        raise KjydError("无法判断当前使用的 shell；请指明，如 kjyd completion bash（可选 bash、zsh、fish、powershell）")
    completion_output(shell, install=param.name == "install_completion")
    raise typer.Exit()


def completion_output(shell: str, *, install: bool) -> None:
    """Print the completion script for ``shell``, or install it and say where."""
    from kjyd import completion

    if install:
        path = completion.install(shell)
        output.say(f"已为 {shell} 安装命令补全：{path}")
        output.say("重新打开终端后生效；之后输入 kjyd 命令、选项或任务编号（如 十三.）时按 Tab 补全。")
    else:
        output.say(completion.script(shell))


def _from_env(ctx: typer.Context, name: str) -> bool:
    from typer._click.core import ParameterSource

    return ctx.get_parameter_source(name) == ParameterSource.ENVIRONMENT


@app.callback()
def _root(
    ctx: typer.Context,
    plan: Optional[Path] = typer.Option(
        None, "--plan", envvar=PLAN_ENV, show_envvar=True, metavar="文件",
        help="计划文件（YAML）。默认：kjyd.toml 中的 plan，否则为随程序安装的 2022 年科技工作要点。",
    ),
    db: Optional[str] = typer.Option(
        None, "--db", envvar=DB_ENV, show_envvar=True, metavar="文件或地址",
        help="进度数据库：SQLite 文件，或共用的 PostgreSQL 地址 postgresql://用户@主机/库名。"
        "默认：kjyd.toml 中的 db，否则为用户数据目录下的 kjyd/kjyd.db。",
    ),
    version: bool = typer.Option(
        False, "--version", "-V", is_eager=True, expose_value=False, callback=_show_version,
        help="显示版本号并退出。",
    ),
    install_completion: bool = typer.Option(
        False, "--install-completion", is_eager=True, expose_value=False, callback=_completion_flag,
        help="为当前 shell 安装命令补全（命令、选项、任务编号）。",
    ),
    show_completion: bool = typer.Option(
        False, "--show-completion", is_eager=True, expose_value=False, callback=_completion_flag,
        help="显示当前 shell 的补全脚本，可复制后自行安装。",
    ),
) -> None:
    from kjyd import workspace

    found = workspace.find_file()
    ws = workspace.load(found) if found else None
    env_user = os.environ.get(USER_ENV, "").strip() or None
    settings = {
        "plan": workspace.choose(plan, "--plan", PLAN_ENV, ws, "plan", bundled_plan(), _from_env(ctx, "plan")),
        "db": workspace.choose(db, "--db", DB_ENV, ws, "db", default_db(), _from_env(ctx, "db")),
        "user": workspace.choose(env_user, "", USER_ENV, ws, "user", None, True),
    }
    db = settings["db"].value
    ctx.obj = AppState(
        plan_path=Path(settings["plan"].value), db_path=db_setting(db) if isinstance(db, str) else db, user=settings["user"].value,
        settings=settings, workspace=found,
    )
