"""Where kjyd finds its plan and keeps its database when the user names neither.

Kept free of heavy imports: every command, even ``--help``, imports this module.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PLAN_ENV = "KJYD_PLAN"
DB_ENV = "KJYD_DB"
USER_ENV = "KJYD_USER"


def bundled_file(name: str) -> Path:
    """A data file shipped with kjyd: inside the wheel (``kjyd/data/``), or ``data/`` of a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "data" / name
    if installed.is_file():
        return installed
    return here.parents[1] / "data" / name


def bundled_plan() -> Path:
    """The plan shipped with kjyd (the 2022 work plan), used when the user names none."""
    return bundled_file("plan2022.yaml")


def default_db() -> Path:
    """A per-user data file, following each platform's convention (XDG on Linux)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "kjyd" / "kjyd.db"


SERVER_SCHEMES = ("postgresql://", "postgres://")
"""URL prefixes that select the PostgreSQL store (libpq's two spellings)."""


def is_server_url(setting: str | Path) -> bool:
    """True when the ``--db`` setting names a PostgreSQL server rather than a file."""
    return isinstance(setting, str) and setting.strip().lower().startswith(SERVER_SCHEMES)


def db_setting(text: str) -> Path | str:
    """``--db``/``KJYD_DB`` as given: a server URL stays text (a Path would fold its ``//``)."""
    return text.strip() if is_server_url(text) else Path(text)
