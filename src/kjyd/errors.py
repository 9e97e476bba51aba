"""User-facing errors.

Every failure a user can cause or fix (a wrong task number, a malformed plan file, a database that
cannot be written) is raised as a :class:`KjydError` with a Chinese message that says what was wrong
and where. The CLI prints the message and exits non-zero; anything else is a bug and keeps its
traceback. This keeps "user error" and "internal error" apart, as rendercv and sqlite-utils do.
"""

from __future__ import annotations


class KjydError(Exception):
    """A problem the user can fix. ``str(err)`` is the complete Chinese message."""

    exit_code = 1


class PlanFileError(KjydError):
    """The plan file cannot be read or is invalid; carries every problem found, each located."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class AddressNotFound(KjydError):
    """A task or target address that the plan does not contain (99, 三十三, 十三.9)."""


class InputError(KjydError):
    """A value, date or option the user typed that cannot be accepted."""


class UnitError(InputError):
    """A number written with a unit that is not its target's (8100000万元 for a target in 亿元)."""


class LedgerError(KjydError):
    """The progress database cannot be opened, read or written."""


class NoticeError(KjydError):
    """A notice given to ``kjyd draft`` cannot be read (missing, unsupported format, no text)."""


class HistoryMeaningChanged(KjydError):
    """The plan in use gives a target id that has check-ins another meaning (name or unit) than it
    had when they were recorded: showing or adding to them would mix two different things."""
