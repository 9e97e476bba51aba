"""Users' own words reach the terminal exactly as typed (rich markup and emoji codes are off)."""

from __future__ import annotations

NOTE = "[bold]重要[/bold] 已完成 :smile: [/x]"


def test_brackets_and_emoji_codes_in_a_note_print_as_typed(run, monkeypatch):
    monkeypatch.setenv("KJYD_TODAY", "2022-06-30")
    monkeypatch.setenv("KJYD_WIDTH", "240")  # room for the whole note in every table
    assert run("update", "十三.1", "--value", "3", "--note", NOTE).exit_code == 0
    for args in (("status",), ("show", "十三"), ("log",)):
        result = run(*args)
        assert result.exit_code == 0, result.output
        text = " ".join(result.stdout.split())
        assert "[bold]重要[/bold]" in text, args  # not swallowed as a style tag, no MarkupError
        assert ":smile:" in text or ":smi" in text, args  # not turned into an emoji
