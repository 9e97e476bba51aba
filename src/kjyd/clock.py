"""What "today" is, in one place.

Every command that defaults to today (``status``, ``update``, ``export``, ``collect``) asks
:func:`today`, so a test or a demo can pin the date with ``KJYD_TODAY=2022-06-30`` instead of
depending on the real clock (the 2022 plan period is long past).
"""

from __future__ import annotations

import os
from datetime import date

TODAY_ENV = "KJYD_TODAY"


def today() -> date:
    """The real date, unless ``KJYD_TODAY`` pins it (tests, demos, re-running a past report)."""
    pinned = os.environ.get(TODAY_ENV)
    if pinned:
        from kjyd.values import parse_date

        return parse_date(pinned, what=f"环境变量 {TODAY_ENV}")
    return date.today()
