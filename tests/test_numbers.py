"""helpers.numbers: Vietnamese and English number formats, refusals with fixes, and the writer's round trip."""
from __future__ import annotations

import re
import unicodedata

import pytest

from helpers.numbers import Amount, NumberError, clean, format_number, parse_amount, parse_number


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --------------------------------------------------------------------------------------------- clean


def test_clean_normalises_to_nfc_and_ordinary_spaces():
    assert clean(nfd("tỷ đồng")) == "tỷ đồng"
    assert clean(nfd("tỷ đồng")) == unicodedata.normalize("NFC", "tỷ đồng")
    assert clean("\u00a0 a\u00a0b\u202fc\u2009d\u2007e \u202f") == "a b c d e"


def test_clean_accepts_non_strings():
    assert clean(7210) == "7210"
    assert clean("  ") == ""


# ------------------------------------------------------------------------------------ parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("7210", 7210.0),
        ("9,77", 9.77),
        ("0,58", 0.58),
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1.000.000,5", 1000000.5),
        ("1,234.5", 1234.5),
        ("7 210", 7210.0),
        ("7\u00a0210", 7210.0),  # no-break space
        ("7\u202f210", 7210.0),  # narrow no-break space
        ("7\u2009210", 7210.0),  # thin space
        ("1 234,5", 1234.5),
        ("1\u00a0234\u00a0567", 1234567.0),
        ("77.3", 77.3),  # a dot before one digit can only be a decimal
        ("9.77", 9.77),
        ("0.123", 0.123),  # 0 cannot be a thousands group
        ("0,123", 0.123),
        ("1234.567", 1234.567),  # four digits before the mark: not a thousands group
        ("12,3456", 12.3456),
        ("02", 2.0),
        ("0", 0.0),
        (" 9,77 ", 9.77),
        ("\u00a09,77\u202f", 9.77),
        ("-9,77", -9.77),
        ("\u22125", -5.0),  # the typographic minus sign
        ("+3", 3.0),
        ("- 7 210", -7210.0),
    ],
)
def test_parse_number_reads_both_notations(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text, grouped, english",
    [
        ("7.210", "7210", "7.210"),
        ("1.089", "1089", "1.089"),
        ("361,503", "361503", "361.503"),
        ("12.345", "12345", "12.345"),
        ("-7.210", "7210", "7.210"),
    ],
)
def test_lone_separator_before_three_digits_is_ambiguous(text, grouped, english):
    with pytest.raises(NumberError) as info:
        parse_number(text)
    err = info.value
    assert "ambiguous" in err.message
    assert repr(text) in err.message
    assert f"{grouped} in Vietnamese notation" in err.message
    assert f"{english} in English notation" in err.message
    assert err.fix, "an ambiguous number must come with a fix"
    assert f"write {grouped} for the whole number" in err.fix
    assert "trailing zero" in err.fix
    assert str(err) == err.message


@pytest.mark.parametrize(
    "text, decimal, expected",
    [
        ("361,503", ",", 361.503),
        ("7.210", ",", 7210.0),
        ("1.089", ",", 1089.0),
        ("361,503", ".", 361503.0),
        ("7.210", ".", 7.21),
        ("1.089", ".", 1.089),
        # unambiguous forms read the same whatever the file's decimal mark
        ("9,77", ".", 9.77),
        ("9,77", ",", 9.77),
        ("77.3", ",", 77.3),
        ("0,58", ".", 0.58),
        ("1.234,5", ".", 1234.5),
        ("1,234.5", ",", 1234.5),
        ("1.234.567", ",", 1234567.0),
        ("1,234,567", ".", 1234567.0),
        ("7210", ",", 7210.0),
    ],
)
def test_known_decimal_mark_resolves_ambiguity(text, decimal, expected):
    assert parse_number(text, decimal=decimal) == expected


@pytest.mark.parametrize("text, mark", [("1.234.567", "."), ("1,234,567", ",")])
def test_repeated_decimal_mark_is_refused(text, mark):
    with pytest.raises(NumberError) as info:
        parse_number(text, decimal=mark)
    assert f"several '{mark}'" in info.value.message
    assert "decimal mark" in info.value.message
    assert "1234567" in info.value.fix


@pytest.mark.parametrize(
    "text, fragment, fix_fragment",
    [
        ("", "empty", "write a number"),
        ("   ", "empty", "write a number"),
        ("\u00a0", "empty", "write a number"),
        ("inf", "not a finite number", "in digits"),
        ("Infinity", "not a finite number", "in digits"),
        ("nan", "not a finite number", "in digits"),
        ("NaN", "not a finite number", "in digits"),
        ("n/a", "not a finite number", "in digits"),
        ("1e5", "not a finite number", "in digits"),
        ("1E5", "not a finite number", "in digits"),
        ("1,5e3", "not a finite number", "in digits"),
        ("abc", "is not a number", "at most one decimal mark"),
        ("1.2.3", "is not a number", "at most one decimal mark"),
        ("123.456.78", "is not a number", "at most one decimal mark"),
        ("12 34", "is not a number", "at most one decimal mark"),
        ("-", "is not a number", "at most one decimal mark"),
        ("9,77%", "is not a number", "at most one decimal mark"),
    ],
)
def test_parse_number_refusals_carry_a_fix(text, fragment, fix_fragment):
    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert fragment in info.value.message
    assert info.value.fix
    assert fix_fragment in info.value.fix


def test_number_error_is_a_value_error():
    err = NumberError("msg", "do this")
    assert isinstance(err, ValueError)
    assert (err.message, err.fix, str(err)) == ("msg", "do this", "msg")
    assert NumberError("msg").fix == ""


# ------------------------------------------------------------------------------------ parse_amount


@pytest.mark.parametrize(
    "text, expected",
    [
        ("7210", Amount(7210.0)),
        ("9,77", Amount(9.77)),
        ("02", Amount(2.0)),
        ("04/06", Amount(4.0, 6.0)),
        ("12/12", Amount(12.0, 12.0)),
        ("12 / 12", Amount(12.0, 12.0)),
        ("21/21", Amount(21.0, 21.0)),
        ("0/5", Amount(0.0, 5.0)),
        ("-5", Amount(-5.0)),
        ("\u22125", Amount(-5.0)),
        ("11 tỷ 708 triệu", Amount(11_708_000_000.0)),
        ("361 tỷ 503 triệu", Amount(361_503_000_000.0)),
        ("73 nghìn", Amount(73_000.0)),
        ("73 ngàn", Amount(73_000.0)),
        ("1,5 triệu", Amount(1_500_000.0)),
        ("1.5 triệu", Amount(1_500_000.0)),
        ("2 tỉ", Amount(2_000_000_000.0)),
        ("11 Tỷ 708 Triệu", Amount(11_708_000_000.0)),
        ("7 210 triệu", Amount(7_210_000_000.0)),
        ("50 triệu 3 nghìn", Amount(50_003_000.0)),
        ("11\u00a0tỷ\u00a0708\u202ftriệu", Amount(11_708_000_000.0)),
    ],
)
def test_parse_amount_values(text, expected):
    assert parse_amount(text) == expected


def test_amount_defaults():
    assert Amount(3.0).out_of is None
    assert Amount(3.0) == Amount(3.0, None)


@pytest.mark.parametrize("text", ["11 tỷ 708 triệu", "73 nghìn", "2 tỉ", "1,5 triệu", "361 tỷ 503 triệu"])
def test_decomposed_words_parse_like_composed(text):
    decomposed = nfd(text)
    assert decomposed != text  # the test really feeds combining marks
    assert parse_amount(decomposed) == parse_amount(text)


def test_decimal_mark_passes_through_parse_amount():
    assert parse_amount("361,503", decimal=",") == Amount(361.503)
    assert parse_amount("7.210", decimal=",") == Amount(7210.0)
    assert parse_amount("7.210", decimal=".") == Amount(7.21)
    assert parse_amount("1.234 tỷ", decimal=",") == Amount(1_234_000_000_000.0)


@pytest.mark.parametrize("text", ["7.210", "1.089", "361,503", "1.234 tỷ", "7.210/10"])
def test_parse_amount_keeps_ambiguity_refusal(text):
    with pytest.raises(NumberError) as info:
        parse_amount(text)
    assert "ambiguous" in info.value.message
    assert info.value.fix


@pytest.mark.parametrize("text", ["708 triệu 11 tỷ", "1 tỷ 1 tỷ", "5 nghìn 3 triệu"])
def test_word_units_must_fall_left_to_right(text):
    with pytest.raises(NumberError) as info:
        parse_amount(text)
    assert "repeats or reverses" in info.value.message
    assert "11 tỷ 708 triệu" in info.value.fix


@pytest.mark.parametrize(
    "text, fragment, fix_fragment",
    [
        ("", "empty", "write a number"),
        ("  ", "empty", "write a number"),
        ("inf", "not a finite number", "in digits"),
        ("nan", "not a finite number", "in digits"),
        ("1e5", "not a finite number", "in digits"),
        ("abc", "is not a number", "9,77 or 7210"),
        ("9,77%", "per cent sign", "% in the unit column"),
        ("10 %", "per cent sign", "% in the unit column"),
        ("hơn 9", "qualifier 'hơn'", "qualifier column"),
        ("Hơn 9", "qualifier 'hơn'", "qualifier column"),
        ("gần 100", "qualifier 'gần'", "qualifier column"),
        ("khoảng 5", "qualifier 'khoảng'", "qualifier column"),
        ("xấp xỉ 5", "qualifier 'xấp xỉ'", "qualifier column"),
        ("chưa đến 5", "qualifier 'chưa đến'", "qualifier column"),
        ("trên 5 tỷ", "qualifier 'trên'", "qualifier column"),
        ("93,15 – 93,9", "looks like a range", "value_high"),
        ("22 – 23", "looks like a range", "value_high"),
        ("22-23", "looks like a range", "value_high"),
        ("22—23", "looks like a range", "value_high"),
        ("5/0", "out of zero", "fraction"),
        ("5 triệu đồng", "not number units", "11 tỷ 708 triệu"),
        ("tỷ 5", "not number units", "11 tỷ 708 triệu"),
        ("5 tỷ abc", "not number units", "11 tỷ 708 triệu"),
    ],
)
def test_parse_amount_refusals_carry_a_fix(text, fragment, fix_fragment):
    with pytest.raises(NumberError) as info:
        parse_amount(text)
    assert fragment in info.value.message
    assert info.value.fix
    assert fix_fragment in info.value.fix


def test_decomposed_qualifier_is_still_refused():
    with pytest.raises(NumberError) as info:
        parse_amount(nfd("hơn 9"))
    assert "qualifier 'hơn'" in info.value.message


@pytest.mark.parametrize("text, meant", [("5 triệu 500", 5_500_000.0), ("1 tỷ 708", 1_708_000_000.0)])
def test_trailing_bare_number_after_word_unit_is_not_read_as_ones(text, meant):
    assert parse_amount(text).value == meant


# ----------------------------------------------------------------------------------- format_number

ROUND_TRIP = [361.503, 9.77, 7210, 7210.0, 0.58, 1089.0, 0.123, 1.5, 12.345, 1.001, 999.999, 100.5, 1000.001,
              123456.789, 1234.5678, 0.001, 1e-5, 1.5e-5, 0.0001, -361.503, -0.58, -7210, 0, 2.0, 1e15 + 0.5]


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_format_number_round_trips(value):
    assert parse_number(format_number(value)) == value


@pytest.mark.parametrize("value", ROUND_TRIP)
@pytest.mark.parametrize("decimal", [None, ",", "."])
def test_format_number_is_never_ambiguous(value, decimal):
    text = format_number(value)
    assert not re.fullmatch(r"-?[1-9]\d{0,2}[.,]\d{3}", text), text
    assert "." not in text  # the decimal comma, never the dot
    assert parse_number(text, decimal=decimal) == value


@pytest.mark.parametrize(
    "value, text",
    [
        (361.503, "361,5030"),
        (-361.503, "-361,5030"),
        (12.345, "12,3450"),
        (1.001, "1,0010"),
        (9.77, "9,77"),
        (0.58, "0,58"),
        (0.123, "0,123"),
        (7210, "7210"),
        (7210.0, "7210"),
        (1089.0, "1089"),
        (1234.567, "1234,567"),
        (1e-5, "0,00001"),
        (0, "0"),
    ],
)
def test_format_number_text(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("value", [None, float("nan")])
def test_format_number_of_missing_is_empty(value):
    assert format_number(value) == ""


@pytest.mark.parametrize("value", [1e-13, 1.23456789e-05])
def test_format_number_round_trips_tiny_values(value):
    assert parse_number(format_number(value)) == value
