"""helpers.units: units as annotators write them, their dimensions, factors and conversions."""
from __future__ import annotations

import unicodedata

import pytest

from helpers.units import Unit, UnitError, conversion_factor, parse_unit


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    "text, dimension, factor, per_year",
    [
        ("đồng", "money", 1.0, False),
        ("nghìn đồng", "money", 1e3, False),
        ("ngàn đồng", "money", 1e3, False),
        ("triệu đồng", "money", 1e6, False),
        ("tỷ đồng", "money", 1e9, False),
        ("tỉ đồng", "money", 1e9, False),
        ("triệu đồng/người/năm", "money per person per year", 1e6, False),
        ("triệu đồng / người / năm", "money per person per year", 1e6, False),
        ("tỷ đồng/người/năm", "money per person per year", 1e9, False),
        ("%", "per cent", 1.0, False),
        ("phần trăm", "per cent", 1.0, False),
        ("%/năm", "per cent", 1.0, True),
        ("% / năm", "per cent", 1.0, True),
        ("ha", "area", 1.0, False),
        ("héc-ta", "area", 1.0, False),
        ("m2", "area", 1e-4, False),
        ("m²", "area", 1e-4, False),
        ("km2", "area", 100.0, False),
        ("lần", "multiple", 1.0, False),
        ("người", "count", 1.0, False),
        ("hộ", "count", 1.0, False),
        ("đảng viên", "count", 1.0, False),
        ("đồng chí", "count", 1.0, False),
        ("lao động/năm", "count", 1.0, True),
        ("hộ/năm", "count", 1.0, True),
        ("triệu đồng/năm", "money", 1e6, True),
        ("ha/năm", "area", 1.0, True),
    ],
)
def test_parse_unit(text, dimension, factor, per_year):
    unit = parse_unit(text)
    assert (unit.dimension, unit.factor, unit.per_year) == (dimension, factor, per_year)


def test_unit_keeps_the_text_as_written():
    assert parse_unit("tỷ đồng") == Unit("tỷ đồng", "money", 1e9, False)
    assert parse_unit(" ha ").text == "ha"
    assert parse_unit("triệu\u00a0đồng").text == "triệu đồng"
    assert parse_unit(nfd("tỷ đồng")).text == "tỷ đồng"  # NFC


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tỷ  đồng", "tỷ đồng"),
        ("TỶ ĐỒNG", "tỷ đồng"),
        ("  tỷ\tđồng ", "tỷ đồng"),
        ("tỷ\u00a0đồng", "tỷ đồng"),
        (nfd("tỷ đồng"), "tỷ đồng"),
        (nfd("Triệu đồng/người/năm"), "triệu đồng/người/năm"),
        (" ha ", "ha"),
        ("HA", "ha"),
        ("M2", "m2"),
        ("Đảng viên", "đảng viên"),
        (nfd("đảng viên"), "đảng viên"),
        ("Lao động / năm", "lao động/năm"),
    ],
)
def test_whitespace_case_and_nfd_tolerance(text, expected):
    got, want = parse_unit(text), parse_unit(expected)
    assert (got.dimension, got.factor, got.per_year) == (want.dimension, want.factor, want.per_year)


@pytest.mark.parametrize(
    "text",
    ["11 tỷ 708 triệu", "11 tỷ", "tỷ", "triệu", "xyz", "USD", "kg", "%/năm/năm", "đồng/tháng", "người/người/năm"],
)
def test_unknown_unit_is_refused_with_a_fix(text):
    with pytest.raises(UnitError) as info:
        parse_unit(text)
    err = info.value
    assert err.message == f"unknown unit {text!r}"
    assert "tỷ đồng" in err.fix and "%" in err.fix and "COUNT_NOUNS" in err.fix


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_empty_unit_is_refused_with_a_fix(text):
    with pytest.raises(UnitError) as info:
        parse_unit(text)
    assert info.value.message == "the unit is empty"
    assert "tỷ đồng" in info.value.fix


def test_unit_error_is_a_value_error():
    err = UnitError("msg", "fix it")
    assert isinstance(err, ValueError)
    assert (str(err), err.message, err.fix) == ("msg", "msg", "fix it")


@pytest.mark.parametrize(
    "written, canonical, factor",
    [
        ("tỷ đồng", "triệu đồng", 1000.0),
        ("triệu đồng", "tỷ đồng", 0.001),
        ("tỷ đồng", "tỷ đồng", 1.0),
        ("nghìn đồng", "đồng", 1000.0),
        ("tỷ đồng", "đồng", 1e9),
        ("m2", "ha", 1e-4),
        ("ha", "m2", 1e4),
        ("km2", "ha", 100.0),
        ("hộ", "người", 1.0),
        ("đảng viên", "người", 1.0),
        ("lao động/năm", "người", 1.0),
        ("%/năm", "%", 1.0),
        ("phần trăm", "%", 1.0),
        ("tỷ đồng/người/năm", "triệu đồng/người/năm", 1000.0),
    ],
)
def test_conversion_factor(written, canonical, factor):
    assert conversion_factor(parse_unit(written), parse_unit(canonical)) == pytest.approx(factor, rel=1e-12)


@pytest.mark.parametrize(
    "written, canonical, dims",
    [
        ("%", "tỷ đồng", ("per cent", "money")),
        ("tỷ đồng", "%", ("money", "per cent")),
        ("triệu đồng/người/năm", "triệu đồng", ("money per person per year", "money")),
        ("ha", "người", ("area", "count")),
        ("lần", "%", ("multiple", "per cent")),
    ],
)
def test_conversion_between_dimensions_is_refused(written, canonical, dims):
    with pytest.raises(UnitError) as info:
        conversion_factor(parse_unit(written), parse_unit(canonical))
    err = info.value
    assert f"{written!r} ({dims[0]})" in err.message
    assert f"{canonical!r} ({dims[1]})" in err.message
    assert "cannot be converted" in err.message
    assert f"write the figure in {canonical!r}" in err.fix
