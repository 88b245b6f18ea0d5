"""Each check, fed one small bad fixture, reports the exact problem; valid rows beside it still load."""
from __future__ import annotations

import pytest

from helpers import check, load
from helpers.problems import DataError
from tests.conftest import ARTICLE, GOOD_ROWS, LOCALITY_ROWS, METRIC_ROWS, codes, fig


def only(report, code):
    found = [p for p in report.problems if p.code == code]
    assert found, f"expected a {code!r} problem, got {codes(report.problems)}"
    return found[0]


def test_good_fixture_is_clean(make_data):
    data, texts = make_data()
    report = check(data, texts)
    assert report.problems == []
    assert len(report.figures) == len(GOOD_ROWS)


@pytest.mark.parametrize("override, code, column", [
    ({"metric_id": ""}, "required", "metric_id"),
    ({"evidence": ""}, "required", "evidence"),
    ({"figure_type": "achieved"}, "bad_vocabulary", "figure_type"),
    ({"qualifier": "roughly"}, "bad_vocabulary", "qualifier"),
    ({"reference": "budget"}, "bad_vocabulary", "reference"),
    ({"metric_id": "budget_revenue_pct"}, "unknown_metric", "metric_id"),
    ({"locality_id": "phuong-b"}, "unknown_locality", "locality_id"),
    ({"value": "7.210"}, "ambiguous_number", "value"),
    ({"value": "abc"}, "bad_number", "value"),
    ({"value": "inf"}, "bad_number", "value"),
    ({"value_high": "1.089"}, "ambiguous_number", "value_high"),
    ({"unit": "bananas"}, "bad_unit", "unit"),
    ({"unit": "tỷ đồng"}, "unit_mismatch", "unit"),
    ({"period_start": "07/2021"}, "bad_date", "period_start"),
    ({"period_start": "2022", "period_end": "2021"}, "reversed_period", "period_end"),
    ({"value": "120", "value_high": "110"}, "reversed_range", "value_high"),
    ({"flag": "doubtful_print", "note": ""}, "flag_without_note", "note"),
])
def test_bad_cell_is_reported_and_row_left_out(make_data, override, code, column):
    data, texts = make_data(GOOD_ROWS + [fig(**override)])
    report = check(data, texts)
    p = only(report, code)
    assert (p.file.endswith("bai-thu.csv"), p.row, p.column, p.severity) == (True, len(GOOD_ROWS) + 2, column, "error")
    assert p.fix, "every problem says how to fix it"
    assert len(report.figures) == len(GOOD_ROWS), "the valid rows beside the bad one still load"


def test_ambiguous_number_message_offers_both_readings(make_data):
    data, texts = make_data([fig(value="7.210")])
    p = only(check(data, texts), "ambiguous_number")
    assert "7210 in Vietnamese notation or 7.210 in English notation" in p.message
    assert "write 7210 for the whole number" in p.fix


@pytest.mark.parametrize("value, ok", [("-1", False), ("0", True), ("100", True), ("100,5", False)])
def test_shares_lie_between_0_and_100(make_data, value, ok):
    data, texts = make_data([fig(metric_id="poverty_rate_pct", value=value, reference="",
                                 evidence="Tỷ lệ hộ nghèo giảm còn 0,58%")])
    report = check(data, texts)
    assert ("share_out_of_range" in codes(report.problems)) is (not ok)


def test_percent_of_plan_may_exceed_100(make_data):
    data, texts = make_data([fig(value="143")])
    assert check(data, texts).errors == []


def test_negative_flow_refused(make_data):
    data, texts = make_data([fig(metric_id="party_members_admitted_count", value="-5", unit="người", reference="")])
    assert "negative_value" in codes(check(data, texts).problems)


def test_fraction_larger_than_total_refused(make_data):
    data, texts = make_data([fig(metric_id="party_members_admitted_count", value="13/12", unit="người", reference="")])
    assert "fraction_over_total" in codes(check(data, texts).problems)


def test_evidence_must_be_in_the_text(make_data):
    data, texts = make_data([fig(), fig(period_start="2022", period_end="2022", evidence="năm 2022 đạt 143% kế hoạch")])
    report = check(data, texts)
    p = only(report, "evidence_not_found")
    assert (p.row, p.column, p.severity) == (3, "evidence", "error")
    assert len(report.figures) == 1


def test_evidence_folds_nfd_and_no_break_spaces(make_data):
    import unicodedata

    text = unicodedata.normalize("NFD", "Năm 2021 đạt\u00a0118%   kế hoạch.")
    data, texts = make_data([fig()], text=text)
    assert check(data, texts).errors == []


def test_evidence_not_checked_without_texts(make_data):
    data, _ = make_data([fig(evidence="không có trong bài")])
    report = check(data)  # no texts folder given
    assert report.errors == [] and report.texts_checked == 0


def test_missing_texts_folder_is_a_warning(make_data, tmp_path):
    data, _ = make_data()
    report = check(data, tmp_path / "nowhere")
    assert codes(report.problems) == ["texts_missing"]


def test_missing_article_text_is_a_warning(make_data):
    data, texts = make_data()
    (texts / "bai-thu.txt").unlink()
    p = only(check(data, texts), "text_missing")
    assert p.severity == "warning"


def test_exact_duplicate_row_is_left_out_with_its_reason(make_data):
    data, texts = make_data([fig(), fig()])
    report = check(data, texts)
    p = only(report, "duplicate_row")
    assert (p.row, p.severity) == (3, "error") and "repeats row 2" in p.message
    assert len(report.figures) == 1


def test_conflicting_values_across_articles_are_reported_and_kept(make_data):
    data, texts = make_data()
    second = dict(ARTICLE, article_id="bai-hai", text_file="bai-hai.txt")
    from helpers.schema import ANNOTATIONS, ARTICLES
    from tests.conftest import write_csv

    write_csv(data / "articles.csv", [ARTICLE, second], ARTICLES.columns)
    write_csv(data / "annotations" / "bai-hai.csv", [fig(value="120", evidence="năm 2021 đạt 120% kế hoạch")], ANNOTATIONS.columns)
    (texts / "bai-hai.txt").write_text("Thành phố: năm 2021 đạt 120% kế hoạch.", encoding="utf-8")
    report = check(data, texts)
    conflicts = [p for p in report.problems if p.code == "conflicting_values"]
    assert len(conflicts) == 2 and all(p.severity == "warning" for p in conflicts)
    by_file = {p.file.rsplit("/", 1)[-1]: p.message for p in conflicts}
    assert "(bai-thu.csv row 2: 118)" in by_file["bai-hai.csv"]
    assert "(bai-hai.csv row 2: 120)" in by_file["bai-thu.csv"]
    assert sorted(report.figures.query("metric_id == 'budget_revenue_pct_plan'")["value"]) == [118.0, 120.0]


def test_unused_codebook_and_gazetteer_entries_are_warnings(make_data):
    extra_metric = dict(METRIC_ROWS[0], metric_id="unused_revenue_pct_plan")  # named by the rule: no metric_name
    extra_loc = dict(LOCALITY_ROWS[1], locality_id="phuong-b", name="Phường B")
    data, texts = make_data(metrics=METRIC_ROWS + [extra_metric], localities=LOCALITY_ROWS + [extra_loc])
    report = check(data, texts)
    assert sorted(codes(report.problems, "warning")) == ["unused_locality", "unused_metric"]
    assert {p.value for p in report.problems} == {"unused_revenue_pct_plan", "phuong-b"}


@pytest.mark.parametrize("metric_id, unit, kind, suggestion", [
    ("party_members_admitted", "người", "flow", "party_members_admitted_count"),
    ("budget_revenue", "tỷ đồng", "flow", "budget_revenue_bn_vnd"),
    ("poverty_rate", "%", "share", "poverty_rate_pct"),
])
def test_metric_id_breaking_the_naming_rule_is_a_warning(make_data, metric_id, unit, kind, suggestion):
    extra = dict(METRIC_ROWS[0], metric_id=metric_id, unit=unit, kind=kind)
    data, texts = make_data(metrics=METRIC_ROWS + [extra])
    report = check(data, texts)
    named = [p for p in report.problems if p.code == "metric_name"]
    assert len(named) == 1 and named[0].severity == "warning" and named[0].value == metric_id
    assert f"'{suggestion}'" in named[0].fix
    assert report.errors == []


def test_annotation_file_for_unknown_article_is_refused(make_data):
    data, texts = make_data(ann_name="khong-co.csv")
    report = check(data, texts)
    p = only(report, "unknown_article")
    assert p.value == "khong-co" and report.figures.empty
    assert "no_annotations" in codes(report.problems)


@pytest.mark.parametrize("table, row, code", [
    ("localities", dict(LOCALITY_ROWS[1], level="village"), "bad_vocabulary"),
    ("localities", dict(LOCALITY_ROWS[1], parent_id="tp-khac"), "unknown_locality"),
    ("localities", dict(LOCALITY_ROWS[1], valid_from="2025-07-01", valid_to="2025-06-30"), "reversed_validity"),
    ("localities", dict(LOCALITY_ROWS[1], locality_id="Phường A"), "bad_id"),
    ("metrics", dict(METRIC_ROWS[0], kind="ratio"), "bad_vocabulary"),
    ("metrics", dict(METRIC_ROWS[0], unit="bananas"), "bad_unit"),
    ("articles", dict(ARTICLE, published="04/2023"), "bad_date"),
    ("articles", dict(ARTICLE, text_file="../../etc/passwd"), "unsafe_file_name"),
])
def test_reference_table_checks(make_data, table, row, code):
    kwargs = {"localities": {"localities": [LOCALITY_ROWS[0], row]},
              "metrics": {"metrics": [row] + METRIC_ROWS[1:]},
              "articles": {"articles": [row]}}[table]
    data, texts = make_data(**kwargs)
    p = only(check(data, texts), code)
    assert p.file.endswith(f"{table}.csv")
    assert p.row == (3 if table == "localities" else 2)


def test_duplicate_ids_in_the_codebook(make_data):
    data, texts = make_data(metrics=METRIC_ROWS + [METRIC_ROWS[0]])
    p = only(check(data, texts), "duplicate_id")
    assert (p.row, p.column) == (len(METRIC_ROWS) + 2, "metric_id")


def test_whole_term_written_as_six_years_warns(make_data):
    data, texts = make_data([fig(metric_id="party_members_admitted_count", value="711", unit="người", reference="",
                                 period_start="2015", period_end="2020", evidence="kết nạp được 711 đảng viên")])
    p = only(check(data, texts), "six_year_term")
    assert "write period_start 2016" in p.fix


def test_a_row_with_why_is_unreviewed(make_data):
    why = 'indicator: "thu ngân sách" ~ budget_revenue_pct_plan; period: "năm 2021"'
    data, texts = make_data([fig(why=why), GOOD_ROWS[1]])
    report = check(data, texts)
    p = only(report, "unreviewed")
    assert (p.file.endswith("bai-thu.csv"), p.row, p.column, p.value, p.severity) == (True, 2, "why", why, "warning")
    assert p.fix == "check the suggestions, then clear why"
    assert [x.code for x in report.problems].count("unreviewed") == 1 and not report.errors  # the row is valid and loads
    assert len(report.figures) == 2


def test_figure_after_abolition_warns(make_data):
    locs = [LOCALITY_ROWS[0], dict(LOCALITY_ROWS[1], valid_to="2020-12-31")]
    data, texts = make_data([fig()], localities=locs)
    assert "after_abolition" in codes(check(data, texts).problems)


def test_strict_load_raises_with_every_error(make_data):
    data, texts = make_data(GOOD_ROWS + [fig(value="7.210"), fig(unit="bananas")])
    with pytest.raises(DataError) as exc:
        load(data, texts, strict=True)
    assert sorted(codes(exc.value.problems, "error")) == ["ambiguous_number", "bad_unit"]
    assert "2 error(s)" in str(exc.value)


def test_lenient_load_warns_and_keeps_valid_rows(make_data):
    from helpers.loading import DataWarning

    data, texts = make_data(GOOD_ROWS + [fig(value="7.210")])
    with pytest.warns(DataWarning, match="1 error"):
        df = load(data, texts)
    assert len(df) == len(GOOD_ROWS)
    assert codes(df.attrs["problems"]) == ["ambiguous_number"]


def test_qualifier_accepts_vietnamese_words(make_data):
    data, texts = make_data([fig(qualifier="Hơn")])
    df = load(data, texts)
    assert df["qualifier"].tolist() == ["more_than"]


def test_vuot_is_no_qualifier_anywhere(make_data):
    """'vượt' (exceeds) relates a figure to a reference; it says nothing of how exact the number is. The schema,
    the validator, the figure finder and the scaffold agree: typed as a qualifier it is refused with that fix."""
    from helpers import schema
    from helpers.scaffold import QUALIFIER_CODES

    assert "vượt" not in schema.QUALIFIER_SYNONYMS and "vượt" in schema.NOT_QUALIFIERS
    assert schema.PRINTED_QUALIFIERS["vượt"] == "" and "vượt" not in QUALIFIER_CODES
    data, texts = make_data([fig(qualifier="vượt")])
    [p] = [p for p in check(data, texts).problems if p.column == "qualifier"]
    assert (p.code, p.value) == ("bad_vocabulary", "vượt")
    assert p.fix.startswith("'vượt' (exceeds) says how the figure relates to something, not how exact it is")


def test_conflict_found_across_period_spellings(make_data):
    rows = [fig(), fig(value="120", period_start="2021-01", period_end="2021-12")]
    data, texts = make_data(rows)
    found = [p for p in check(data, texts).problems if p.code == "conflicting_values"]
    assert [p.row for p in found] == [2, 3]


@pytest.mark.parametrize("text, formula", [
    ("=HYPERLINK(\"http://x\")", True), ("@SUM(A1)", True), ("+cmd|' /C calc'!A0", True), ("-2+3", True),
    ("- SUM(1)", True), ("+Sheet1!A1", True), ("- theo báo cáo quý", False), ("-5% so với năm trước", False),
    ("+84 912 345 678", False), ("Năm 2021 = 118%", False), ("", False)])
def test_formula_looking_text(text, formula):
    from helpers.validate import FORMULA

    assert bool(FORMULA.match(text)) is formula


def test_reference_to_a_refused_row_says_which_row_to_fix(make_data):
    locs = [LOCALITY_ROWS[0], dict(LOCALITY_ROWS[1], level="village")]
    data, texts = make_data(localities=locs)
    report = check(data, texts)
    refs = [p for p in report.problems if p.code == "unknown_locality"]
    assert len(refs) == len(GOOD_ROWS) and all("(row 3) has errors" in p.message for p in refs)
    assert all(p.fix == "fix row 3 of localities.csv first (see its problems above)" for p in refs)


def test_values_typed_two_ways_are_one_figure(make_data):
    rows = GOOD_ROWS + [fig(value="118,0"), fig(metric_id="poverty_rate_pct", value="0.58", reference="",
                                                  evidence="Tỷ lệ hộ nghèo giảm còn 0,58%")]
    report = check(*make_data(rows))
    assert [(p.code, p.row) for p in report.problems] == [("duplicate_row", 6), ("duplicate_row", 7)]
    assert "conflicting_values" not in codes(report.problems)
