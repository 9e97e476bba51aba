"""Numbers are shown one way everywhere (no 1.3万 beside 12500, no 810万亿元), and read back as typed."""

from __future__ import annotations

from hypothesis import given, strategies as st

from kjyd.plan import format_number
from kjyd.values import parse_number


def test_one_style_for_round_and_unround_values():
    assert [format_number(v) for v in (8, 2500, 12500, 13000, 8100000, 1200.5, 10520.25, 0.5, None)] == \
        ["8", "2500", "12,500", "13,000", "8,100,000", "1200.5", "10,520.25", "0.5", "—"]
    assert "万" not in format_number(13000) + format_number(8100000)


@given(st.one_of(st.integers(-10**9, 10**9), st.decimals(-10**7, 10**7, places=2).map(float)))
def test_what_is_shown_reads_back_as_the_same_number(value):
    assert parse_number(format_number(value)) == value


def test_status_and_update_write_values_and_units_alike(run, monkeypatch):
    monkeypatch.setenv("KJYD_WIDTH", "120")
    said = run("update", "十四.2", "--value", "1.25万", "--date", "2022-06-30").stdout
    assert "— → 12,500家（目标 达到13,000家" in said or "— → 12,500家（目标 13,000家" in said
    status = run("status", "--as-of", "2022-06-30").stdout
    assert "12,500/13,000家" in status and "1.3万" not in status
