"""Entry point: assembles the commands on the Typer app. Commands stay thin (see ``kjyd.app``)."""

from __future__ import annotations

from kjyd.app import app
from kjyd.commands import plan_cmds  # noqa: F401  (registers commands)
from kjyd.commands import status_cmds  # noqa: F401
from kjyd.commands import ledger_cmds  # noqa: F401
from kjyd.commands import export_cmds  # noqa: F401
from kjyd.commands import division_cmds  # noqa: F401
from kjyd.commands import changes_cmds  # noqa: F401
from kjyd.commands import report_cmds  # noqa: F401
from kjyd.commands import demo_cmds  # noqa: F401
from kjyd.commands import workspace_cmds  # noqa: F401
from kjyd.commands import completion_cmds  # noqa: F401
from kjyd.commands import draft_cmds  # noqa: F401
from kjyd.commands import db_cmds  # noqa: F401


def main() -> None:
    app(prog_name="kjyd")
