"""helpers.units: units as annotators write them, their dimensions, factors and conversions."""
from __future__ import annotations

import unicodedata

import pytest

from helpers import paths
from helpers.__main__ import main
from helpers.io import read_table
from helpers.loading import check
from helpers.problems import Problems
from helpers.schema import METRICS, UNITS
from helpers.units import (Unit, UnitError, UnitRow, Units, conversion_factor, parse_unit, project_units, read_units,
                           unit_label)
from tests.conftest import GOOD_ROWS, METRIC_ROWS, TEXT, codes, fig, write_csv


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
    ["11 tỷ 708 triệu", "11 tỷ", "tỷ", "triệu", "xyz", "kg", "%/năm/năm", "đồng/tháng", "người/người/năm"],
)
def test_unknown_unit_is_refused_with_a_fix(text):
    with pytest.raises(UnitError) as info:
        parse_unit(text)
    err = info.value
    assert err.message == f"unknown unit {text!r}"
    assert "add a row to data/units.csv" in err.fix and "count for a count noun" in err.fix
    assert "đồng" in err.fix or "%" in err.fix or "người" in err.fix  # the closest units, or examples


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


# ---------------------------------------------------------------- the units table (data/units.csv)

UNIT_ROWS = [
    {"unit": "tỷ đồng", "dimension": "money", "factor": "1000000000", "label_en": "bn VND", "note": ""},
    {"unit": "triệu đồng", "dimension": "money", "factor": "1000000", "label_en": "mn VND", "note": ""},
    {"unit": "USD", "dimension": "US dollars", "factor": "1", "label_en": "USD", "note": ""},
    {"unit": "%", "dimension": "per cent", "factor": "1", "label_en": "%", "note": ""},
    {"unit": "‰", "dimension": "per mille", "factor": "1", "label_en": "‰", "note": ""},
    {"unit": "%o", "dimension": "per mille", "factor": "1", "label_en": "‰", "note": "typed without the ‰ key"},
    {"unit": "m2", "dimension": "area", "factor": "0.0001", "label_en": "m²", "note": ""},
    {"unit": "người", "dimension": "count", "factor": "1", "label_en": "people", "note": ""},
    {"unit": "đảng viên", "dimension": "count", "factor": "1", "label_en": "Party members", "note": ""},
]
CAMERA = {"unit": "camera", "dimension": "count", "factor": "1", "label_en": "cameras", "note": "never seen before"}


def table(rows=UNIT_ROWS, source="fixture/units.csv") -> Units:
    return Units((UnitRow(r["unit"], r["dimension"], float(r["factor"]), r["label_en"]) for r in rows), source)


def test_a_unit_is_read_from_the_table_given():
    units = table(UNIT_ROWS + [CAMERA])
    assert parse_unit("camera", units) == Unit("camera", "count", 1.0, False)
    assert parse_unit(" Camera / năm ", units) == Unit("Camera / năm", "count", 1.0, True)
    assert parse_unit("camera", units).label_en == "cameras"
    with pytest.raises(UnitError):
        parse_unit("camera", table())


def test_an_unknown_unit_names_the_table_and_the_closest_units():
    with pytest.raises(UnitError) as info:
        parse_unit("đảng viên mới", table())
    assert info.value.message == "unknown unit 'đảng viên mới'"
    assert info.value.fix == (
        "add a row to fixture/units.csv with the unit as written and its dimension (count for a count noun such as "
        "người, hộ), factor and English name; or write a known unit: closest đảng viên")


def test_an_unknown_unit_with_nothing_close_gets_examples():
    with pytest.raises(UnitError) as info:
        parse_unit("kg", table())
    assert info.value.fix.endswith("or write a known unit, e.g. tỷ đồng, triệu đồng/người/năm, %, ha, lần, người, hộ")


@pytest.mark.parametrize("text", ["‰", "%o", "%O", " ‰ "])
def test_per_mille(text):
    unit = parse_unit(text, table())
    assert (unit.dimension, unit.factor, unit.per_year, unit.label_en) == ("per mille", 1.0, False, "‰")


def test_per_mille_and_per_cent_do_not_convert():
    with pytest.raises(UnitError, match=r"'‰' \(per mille\) cannot be converted to the metric's unit '%'"):
        conversion_factor(parse_unit("‰", table()), parse_unit("%", table()))


def test_usd_and_usd_per_person_per_year():
    units = table()
    assert parse_unit("USD", units) == Unit("USD", "US dollars", 1.0, False)
    assert parse_unit("usd", units).dimension == "US dollars"
    per_head = parse_unit("USD/người/năm", units)
    assert per_head == Unit("USD/người/năm", "US dollars per person per year", 1.0, False)
    assert per_head.label_en == "USD per person per year"
    with pytest.raises(UnitError, match="cannot be converted"):  # no exchange rate is assumed
        conversion_factor(parse_unit("USD", units), parse_unit("tỷ đồng", units))


@pytest.mark.parametrize(
    "text, dimension, factor, per_year",
    [
        ("tỷ đồng/năm", "money", 1e9, True),
        ("%/năm", "per cent", 1.0, True),
        ("‰/năm", "per mille", 1.0, True),
        ("người / năm", "count", 1.0, True),
        ("m2/năm", "area", 1e-4, True),
        ("triệu đồng/người/năm", "money per person per year", 1e6, False),  # the grammar, not a row
    ],
)
def test_the_yearly_suffix_is_grammar(text, dimension, factor, per_year):
    unit = parse_unit(text, table())
    assert (unit.dimension, unit.factor, unit.per_year) == (dimension, factor, per_year)


@pytest.mark.parametrize("text", ["người/người/năm", "%/người/năm", "m2/người/năm", "tỷ đồng/năm/năm"])
def test_per_person_per_year_only_where_the_dimension_has_it(text):
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit(text, table())


def test_english_labels():
    units = table()
    assert units.label_en("triệu đồng/người/năm") == "mn VND per person per year"
    assert units.label_en("đảng viên") == "Party members"
    assert units.label_en("bananas") == "bananas"
    assert unit_label("tỷ đồng", "en", label_en="bn VND") == "bn VND"
    assert unit_label("đảng viên", "en", per_year=True, label_en="Party members") == "Party members per year"
    assert unit_label("đảng viên", "vi", per_year=True, label_en="Party members") == "đảng viên/năm"
    assert unit_label("tỷ đồng", "en") == "bn VND"  # from the project's table when the tidy table has no unit_en


def write_units(data, rows):
    return write_csv(data / "units.csv", rows, UNITS.columns)


def test_read_units_reports_bad_rows_and_keeps_the_rest(tmp_path):
    rows = UNIT_ROWS + [
        {"unit": "Người", "dimension": "count", "factor": "1", "label_en": "people", "note": "a repeat"},
        {"unit": "lao động/năm", "dimension": "count", "factor": "1", "label_en": "workers", "note": ""},
        {"unit": "hộ", "dimension": "households", "factor": "1", "label_en": "households", "note": ""},
        {"unit": "ha", "dimension": "area", "factor": "0", "label_en": "ha", "note": ""},
        {"unit": "thẻ", "dimension": "count", "factor": "1", "label_en": "", "note": ""},
    ]
    write_units(tmp_path, rows)
    problems = Problems()
    units = read_units(tmp_path, problems)
    found = sorted((p.row, p.column, p.value, p.code) for p in problems)
    assert found == [(11, "unit", "Người", "duplicate_unit"), (12, "unit", "lao động/năm", "bad_unit_word"),
                     (13, "dimension", "households", "bad_vocabulary"), (14, "factor", "0", "bad_factor"),
                     (15, "label_en", "", "required")]
    assert len(units) == len(UNIT_ROWS)
    assert units.get("người").label_en == "people"  # the first row of a unit wins
    assert units.source == str(tmp_path / "units.csv")


def test_a_semicolon_units_file_reads_decimal_commas(tmp_path):
    write_csv(tmp_path / "units.csv", [dict(UNIT_ROWS[6], factor="0,0001")], UNITS.columns, delimiter=";")
    problems = Problems()
    assert read_units(tmp_path, problems).get("m2").factor == 1e-4 and not list(problems)


def test_a_data_folder_without_units_csv_uses_the_projects(tmp_path):
    units = read_units(tmp_path)
    assert units.source == "data/units.csv"
    assert set(units.rows) == set(project_units().rows)


# The done-when of the issue: a new article with a count noun never seen before validates with no code change.

CAMERA_TEXT = TEXT + " Lắp đặt 35 camera an ninh."
CAMERA_METRIC = dict(METRIC_ROWS[3], metric_id="security_cameras_count", label_vi="Số camera an ninh",
                     label_en="Security cameras", category="defence_security", unit="camera", kind="level",
                     example="Lắp đặt 35 camera an ninh")
CAMERA_ROW = fig(metric_id="security_cameras_count", value="35", unit="camera", reference="",
                 evidence="Lắp đặt 35 camera an ninh", period_start="2023-04", period_end="2023-04")


def camera_data(make_data, units_rows):
    data, texts = make_data(GOOD_ROWS + [CAMERA_ROW], metrics=METRIC_ROWS + [CAMERA_METRIC], text=CAMERA_TEXT)
    if units_rows is not None:
        write_units(data, units_rows)
    return data, texts


def test_a_new_count_noun_in_the_data_folders_units_csv_validates(make_data):
    data, texts = camera_data(make_data, UNIT_ROWS + [CAMERA])
    report = check(data, texts)
    assert report.problems == []
    row = report.figures.set_index("figure_id").loc["bai-thu:6"]
    assert (row["value"], row["unit"], row["unit_en"]) == (35.0, "camera", "cameras")


def test_a_new_count_noun_validates_on_the_command_line(make_data, capsys):
    data, texts = camera_data(make_data, UNIT_ROWS + [CAMERA])
    assert main(["validate", str(data), "--texts", str(texts)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "1 articles, 2 localities, 5 metrics, 5 figures, 0 errors, 0 warnings")


def test_a_count_noun_not_in_units_csv_is_reported_with_where_to_add_it(make_data, capsys):
    data, texts = camera_data(make_data, UNIT_ROWS)
    assert main(["validate", str(data), "--texts", str(texts)]) == 1
    out = capsys.readouterr().out
    units_csv = data / "units.csv"
    assert f"{data / 'metrics.csv'}\n  ERROR row 6, column unit, value 'camera': unknown unit 'camera' [bad_unit]" in out
    annotations = out[out.index(str(data / "annotations" / "bai-thu.csv")):]
    assert "  ERROR row 6, column unit, value 'camera': unknown unit 'camera' [bad_unit]" in annotations
    assert (f"    fix: add a row to {units_csv} with the unit as written and its dimension (count for a count noun "
            "such as người, hộ), factor and English name; or write a known unit, e.g. tỷ đồng") in annotations


def test_a_folder_without_units_csv_validates_with_the_projects(make_data):
    data, texts = make_data()
    assert check(data, texts).problems == []
    data, texts = camera_data(make_data, None)
    bad = [p for p in check(data, texts).problems if p.code == "bad_unit"]
    assert [(p.column, p.value) for p in bad] == [("unit", "camera"), ("unit", "camera")]
    assert bad[0].fix.startswith("add a row to data/units.csv ")


def test_errors_in_the_folders_units_csv_are_reported(make_data):
    data, texts = camera_data(make_data, UNIT_ROWS + [CAMERA, dict(CAMERA, unit="Camera")])
    report = check(data, texts)
    assert [(p.file, p.row, p.code) for p in report.problems] == [(str(data / "units.csv"), 12, "duplicate_unit")]
    assert len(report.figures) == 5


def test_the_finder_suggests_a_count_noun_of_the_table(tmp_path):
    from helpers.mentions import find_mentions

    text = "Lắp đặt 35 camera an ninh."
    assert [m.unit for m in find_mentions(text, table(UNIT_ROWS + [CAMERA]))] == ["camera"]
    assert [m.unit for m in find_mentions(text, table())] == [""]
    assert [m.unit for m in find_mentions("Thu nhập 1.500 USD/người/năm.", table())] == ["USD/người/năm"]


# ---------------------------------------------------------------- the shipped table


def test_the_shipped_units_table_is_valid():
    problems = Problems()
    units = read_units(paths.DATA, problems)
    assert list(problems) == []
    assert len(units) == len(read_table(paths.DATA / "units.csv", UNITS).frame) > 0


def test_every_unit_the_shipped_data_writes_is_in_the_table():
    units = read_units(paths.DATA)
    used = set(read_table(paths.DATA / "metrics.csv", METRICS).frame["unit"])
    for path in sorted((paths.DATA / "annotations").glob("*.csv")):
        used |= set(read_table(path, __import__("helpers.schema").schema.ANNOTATIONS).frame["unit"].dropna())
    unknown = []
    for text in sorted(u for u in used if u):
        try:
            parse_unit(text, units)
        except UnitError:
            unknown.append(text)
    assert unknown == [], "add these units to data/units.csv"
