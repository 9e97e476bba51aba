"""Tests for kjyd.numerals: Chinese numerals and task/target addresses."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kjyd.numerals import (
    Address,
    AddressError,
    NumeralError,
    format_address,
    format_headline,
    format_task,
    parse_address,
    parse_int,
    to_chinese,
)

# Written out by hand, not generated, so the table checks the code rather than itself.
EXAMPLES = [
    (1, "一"),
    (2, "二"),
    (5, "五"),
    (9, "九"),
    (10, "十"),
    (11, "十一"),
    (12, "十二"),
    (15, "十五"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (29, "二十九"),
    (30, "三十"),
    (32, "三十二"),
    (47, "四十七"),
    (60, "六十"),
    (88, "八十八"),
    (99, "九十九"),
    (100, "一百"),
    (101, "一百零一"),
    (105, "一百零五"),
    (110, "一百一十"),
    (111, "一百一十一"),
    (120, "一百二十"),
    (200, "二百"),
    (305, "三百零五"),
    (999, "九百九十九"),
]


@pytest.mark.parametrize(("n", "text"), EXAMPLES)
def test_to_chinese_table(n, text):
    assert to_chinese(n) == text


@pytest.mark.parametrize(("n", "text"), EXAMPLES)
def test_parse_int_table(n, text):
    assert parse_int(text) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("两", 2),
        ("两百", 200),
        ("两百零两", None),  # 两 only leads; units use 二
        ("一百〇五", 105),
        ("二百零二", 202),
    ],
)
def test_variant_digits(text, n):
    if n is None:
        with pytest.raises(NumeralError):
            parse_int(text)
    else:
        assert parse_int(text) == n


@pytest.mark.parametrize(
    "text",
    ["（十三）", "(十三)", "（十三)", "第十三", "第13", "13", "１３", "（13）", "第１３",
     "  十三  ", "\t第十三\n", "\u3000（十三）\u3000", "( 十三 )", "第 十三"],
)
def test_decorated_forms(text):
    assert parse_int(text) == 13


GARBAGE = [
    "", "   ", "十十", "十十三", "二二", "三十三三", "abc", "0", "零", "〇", "00",
    "-3", "－3", "1三", "三1", "一十三", "一百十", "一百一", "百", "十百", "一千",
    "1000", "013", "3.5", "（十三", "十三）", "第", "第第三", "（第十三）", "第（十三）",
    "十 三", "二十两", "٣", "三十二。",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_rejected_with_input_in_message(text):
    with pytest.raises(NumeralError) as info:
        parse_int(text)
    assert f'"{text}"' in str(info.value)


def test_numeral_error_is_value_error():
    assert issubclass(NumeralError, ValueError)
    assert issubclass(AddressError, ValueError)


@pytest.mark.parametrize("n", [0, -1, 1000])
def test_to_chinese_out_of_range(n):
    with pytest.raises(NumeralError):
        to_chinese(n)


@given(st.integers(min_value=1, max_value=999))
def test_round_trip(n):
    assert parse_int(to_chinese(n)) == n
    assert parse_int(str(n)) == n
    assert parse_int(f"（{to_chinese(n)}）") == n
    assert parse_int(f"第{n}") == n


def test_to_chinese_is_injective():
    assert len({to_chinese(n) for n in range(1, 1000)}) == 999


ADDRESSES = [
    ("十三", Address(task=13)),
    ("（十三）", Address(task=13)),
    ("(十三)", Address(task=13)),
    ("第十三", Address(task=13)),
    ("13", Address(task=13)),
    (" 十三 ", Address(task=13)),
    ("一", Address(task=1)),
    ("三十二", Address(task=32)),
    ("十三.2", Address(task=13, position=2)),
    ("13.2", Address(task=13, position=2)),
    ("（十三）.2", Address(task=13, position=2)),
    ("十三．2", Address(task=13, position=2)),
    ("十三。2", Address(task=13, position=2)),
    ("十三.二", Address(task=13, position=2)),
    ("１３．２", Address(task=13, position=2)),
    ("第13.10", Address(task=13, position=10)),
    ("H2", Address(headline=2)),
    ("h2", Address(headline=2)),
    ("Ｈ2", Address(headline=2)),
    ("Ｈ２", Address(headline=2)),
    ("主要目标2", Address(headline=2)),
    ("主要目标二", Address(headline=2)),
    ("主要目标.2", Address(headline=2)),
    ("H10", Address(headline=10)),
    # an arabic-numbered plan prints task 13 as "13." — typed as printed, it is task 13
    ("13.", Address(task=13)),
    ("十三．", Address(task=13)),
]


@pytest.mark.parametrize(("text", "address"), ADDRESSES)
def test_parse_address(text, address):
    assert parse_address(text) == address


@pytest.mark.parametrize(
    "text",
    ["十三.x", "", ".2", "13.2.1", "13..2", "十三.（二）", "13.0", "H", "H0",
     "主要目标", "Hx", "H（二）", "x13", "十十.2", "0.1"],
)
def test_parse_address_rejects(text):
    with pytest.raises(AddressError) as info:
        parse_address(text)
    message = str(info.value)
    assert f'"{text}"' in message
    assert "\n" not in message


def test_address_error_message_suggests_forms():
    with pytest.raises(AddressError, match="应写作 十三、13、十三.2 或 13.2"):
        parse_address("十三.x")


def test_address_is_frozen():
    with pytest.raises(AttributeError):
        parse_address("13.2").task = 1  # type: ignore[misc]


def test_formatting():
    assert format_address(13, 2) == "13.2"
    assert format_address(13) == "13"
    assert format_task(13) == "十三"
    assert format_task(32) == "三十二"
    assert format_headline(2) == "H2"


@given(st.integers(1, 999), st.integers(1, 999))
def test_format_parse_round_trip(task, position):
    assert parse_address(format_address(task, position)) == Address(task=task, position=position)
    assert parse_address(f"{format_task(task)}.{to_chinese(position)}") == Address(task, position)
    assert parse_address(format_headline(position)) == Address(headline=position)


# Random text plus text biased towards the characters the parser cares about.
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千第（）()..．。HhＨ主要目标0123456789０１２３ -\u3000"
any_text = st.text() | st.text(alphabet=NUMERAL_CHARS, max_size=12)


@given(any_text)
def test_parse_int_only_raises_numeral_error(text):
    try:
        assert 1 <= parse_int(text) <= 999
    except NumeralError as e:
        assert f'"{text}"' in str(e)


@given(any_text)
def test_parse_address_only_raises_address_error(text):
    try:
        address = parse_address(text)
    except AddressError as e:
        assert f'"{text}"' in str(e)
    else:
        assert (address.task is None) != (address.headline is None)
