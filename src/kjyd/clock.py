""""Today" and user-typed dates, in one place.

Every command that defaults to today (``status``, ``update``, ``export``) asks :func:`today`, so a
test or a demo can pin the date with ``KJYD_TODAY=2022-06-30`` instead of depending on the real
clock. Dates typed by users go through :func:`parse_date` so every option gives the same Chinese
message for the same mistake.
"""

from __future__ import annotations

import os
import re
from datetime import date

from kjyd.errors import InputError

TODAY_ENV = "KJYD_TODAY"

_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(text: str, option: str = "日期") -> date:
    """2022-06-30, 2022/6/30, 2022.6.30 or 2022年6月30日 → date; anything else is an InputError."""
    match = _DATE.fullmatch(text.strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            raise InputError(f"{option} 的日期 “{text}” 不存在（请检查月份和日）") from None
    raise InputError(f"{option} 的日期 “{text}” 无法识别：应写作 YYYY-MM-DD，例如 2022-06-30")


def today() -> date:
    """The real date, unless ``KJYD_TODAY`` pins it (tests, demos, re-running a past report)."""
    pinned = os.environ.get(TODAY_ENV)
    if pinned:
        return parse_date(pinned, TODAY_ENV)
    return date.today()
