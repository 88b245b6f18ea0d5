"""The tidy table: canonical values, annualising, terms, and the phrasings the data model must hold."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from helpers import check, load
from helpers.periods import TERMS
from helpers.schema import TIDY, tidy_dtypes
from tests.conftest import ARTICLE, GOOD_ROWS, LOCALITY_ROWS, METRIC_ROWS, codes, fig

PHRASES = ("Năm 2021 đạt 118% kế hoạch. Kinh tế tăng 9,77% so với năm 2022. Thu ngân sách đạt 92,5% dự toán tỉnh, "
           "đạt 90,2% dự toán thành phố giao. Thu nhập gần 53 triệu đồng/người/năm; có hơn 9,23% số hộ đạt Gia đình "
           "văn hoá; hàng năm đạt từ 93,15 – 93,9%. Vận động 12/12 hộ. Trong nhiệm kỳ kết nạp được 711 đảng viên. "
           "21/21 chỉ tiêu đạt và vượt. Thu nhập gấp 3,5 lần năm 2015. Phấn đấu tăng bình quân 11%/năm; kết quả "
           "tăng bình quân 11%/năm.")


def metric(mid, unit, kind, direction="higher"):
    return dict(METRIC_ROWS[0], metric_id=mid, unit=unit, kind=kind, direction=direction)


PHRASE_METRICS = [
    metric("budget_revenue_pct_plan", "%", "pct_of_plan"),
    metric("growth_pct", "%", "change"),
    metric("income_mn_vnd", "triệu đồng/người/năm", "level"),
    metric("cultural_families_pct", "%", "share"),
    metric("households_stopped_count", "hộ", "flow"),
    metric("members_admitted_count", "người", "flow"),
    metric("term_targets_met", "chỉ tiêu", "targets_met"),
    metric("income_times", "lần", "change"),
]

PHRASE_ROWS = [
    fig(),
    fig(metric_id="growth_pct", value="9,77", period_start="2023", period_end="2023", reference="previous_year",
        reference_period="2022", evidence="tăng 9,77% so với năm 2022"),
    fig(metric_id="budget_revenue_pct_plan", value="92,5", reference="estimate", reference_owner="province",
        evidence="đạt 92,5% dự toán tỉnh"),
    fig(metric_id="budget_revenue_pct_plan", value="90,2", reference="estimate", reference_owner="city",
        evidence="đạt 90,2% dự toán thành phố giao"),
    fig(metric_id="income_mn_vnd", value="53", qualifier="gần", unit="triệu đồng/người/năm", reference="",
        evidence="gần 53 triệu đồng/người/năm"),
    fig(metric_id="cultural_families_pct", value="9,23", qualifier="hơn", reference="", flag="doubtful_print",
        note="92,3% likely", evidence="hơn 9,23% số hộ"),
    fig(metric_id="cultural_families_pct", value="93,15", value_high="93,9", period_start="2022", period_end="2022",
        reference="", evidence="từ 93,15 – 93,9%"),
    fig(metric_id="households_stopped_count", value="12/12", unit="hộ", reference="", evidence="12/12 hộ"),
    fig(metric_id="members_admitted_count", value="711", unit="đảng viên", period_start="2016", period_end="2020",
        reference="", evidence="Trong nhiệm kỳ kết nạp được 711 đảng viên"),
    fig(metric_id="term_targets_met", value="21/21", unit="chỉ tiêu", period_start="2016", period_end="2020",
        reference="congress_target", evidence="21/21 chỉ tiêu đạt và vượt"),
    fig(metric_id="income_times", value="3,5", unit="lần", period_start="2020", period_end="2020",
        reference="base_period", reference_period="2015", evidence="gấp 3,5 lần năm 2015"),
    fig(metric_id="growth_pct", figure_type="target", value="11", unit="%/năm", period_start="2021", period_end="2025",
        reference="", evidence="Phấn đấu tăng bình quân 11%/năm"),
    fig(metric_id="growth_pct", figure_type="result", value="11", unit="%/năm", period_start="2021", period_end="2025",
        reference="", evidence="kết quả tăng bình quân 11%/năm"),
]


@pytest.fixture
def phrases(make_data):
    data, texts = make_data(PHRASE_ROWS, metrics=PHRASE_METRICS, text=PHRASES)
    return load(data, texts, strict=True).set_index("figure_id")


def test_every_listed_phrasing_loads_without_loss(phrases):
    assert len(phrases) == len(PHRASE_ROWS)
    r = phrases.loc
    assert (r["bai-thu:2", "value"], r["bai-thu:2", "reference"], r["bai-thu:2", "kind"]) == (118, "plan", "pct_of_plan")
    assert (r["bai-thu:3", "value"], r["bai-thu:3", "reference"], r["bai-thu:3", "reference_period"]) == (9.77, "previous_year", "2022")
    assert (r["bai-thu:4", "reference"], r["bai-thu:4", "reference_owner"]) == ("estimate", "province")
    assert (r["bai-thu:5", "reference"], r["bai-thu:5", "reference_owner"]) == ("estimate", "city")
    assert (r["bai-thu:6", "value"], r["bai-thu:6", "qualifier"], r["bai-thu:6", "unit"]) == (53, "nearly", "triệu đồng/người/năm")
    assert (r["bai-thu:7", "value"], r["bai-thu:7", "qualifier"], r["bai-thu:7", "flag"]) == (9.23, "more_than", "doubtful_print")
    assert (r["bai-thu:8", "value"], r["bai-thu:8", "value_high"]) == (93.15, 93.9)
    assert (r["bai-thu:9", "value"], r["bai-thu:9", "out_of"]) == (12, 12)
    assert (r["bai-thu:10", "value"], r["bai-thu:10", "value_per_year"], r["bai-thu:10", "term"]) == (711, pytest.approx(142.2), "2015–2020")
    assert (r["bai-thu:11", "value"], r["bai-thu:11", "out_of"], r["bai-thu:11", "reference"]) == (21, 21, "congress_target")
    assert (r["bai-thu:12", "value"], r["bai-thu:12", "unit"], r["bai-thu:12", "reference_period"]) == (3.5, "lần", "2015")
    yearly = phrases[phrases["unit_as_written"] == "%/năm"]
    assert sorted(yearly["figure_type"]) == ["result", "target"]
    assert yearly["is_yearly"].all() and (yearly["value"] == 11).all()


def test_no_conflict_between_provincial_and_city_estimates(make_data):
    data, texts = make_data(PHRASE_ROWS, metrics=PHRASE_METRICS, text=PHRASES)
    df = load(data, texts, strict=True)
    assert "conflicting_values" not in [p.code for p in df.attrs["problems"]]


def test_dtypes_come_from_the_schema(make_data):
    data, texts = make_data()
    df = load(data, texts)
    assert list(df.columns) == [c.name for c in TIDY]
    for name, dtype in tidy_dtypes().items():
        assert str(df[name].dtype) == str(dtype), name
    assert df["term"].cat.ordered and list(df["term"].cat.categories) == list(TERMS)


def test_canonical_units(make_data):
    rows = [fig(metric_id="budget_bn_vnd", value="11 tỷ 708 triệu", unit="đồng", reference="", evidence="Bài báo thử"),
            fig(metric_id="budget_bn_vnd", value="361,5030", unit="tỷ đồng", reference="", period_start="2022",
                period_end="2022", evidence="Bài báo thử"),
            fig(metric_id="budget_bn_vnd", value="500", unit="triệu đồng", reference="", period_start="2023",
                period_end="2023", evidence="Bài báo thử")]
    data, texts = make_data(rows, metrics=[metric("budget_bn_vnd", "tỷ đồng", "flow")])
    df = load(data, texts, strict=True)
    assert df["value"].tolist() == pytest.approx([11.708, 361.503, 0.5])
    assert df["unit"].unique().tolist() == ["tỷ đồng"]


@pytest.mark.parametrize("start, end, value, per_year", [
    ("2016", "2020", "711", 142.2),        # a whole term
    ("2021-01", "2023-06", "40", 16.0),    # half a term
    ("2023", "2023", "175", 175.0),        # one year
    ("2023-01", "2023-07", "70", 120.0),   # seven months
])
def test_flows_are_annualised(make_data, start, end, value, per_year):
    data, texts = make_data([fig(metric_id="party_members_admitted_count", value=value, unit="người", reference="",
                                 period_start=start, period_end=end, evidence="Bài báo thử")])
    df = load(data, texts, strict=True)
    assert df["value_per_year"].iloc[0] == pytest.approx(per_year)


def test_yearly_flow_is_multiplied_out(make_data):
    data, texts = make_data([fig(metric_id="party_members_admitted_count", value="750", unit="lao động/năm", qualifier="trên",
                                 reference="", period_start="2021-01", period_end="2023-06", evidence="Bài báo thử")])
    df = load(data, texts, strict=True)
    assert (df["value"].iloc[0], df["value_per_year"].iloc[0]) == (1875.0, 750.0)


def test_levels_and_shares_are_not_annualised(make_data):
    data, texts = make_data()
    df = load(data, texts).set_index("metric_id")
    assert math.isnan(df.loc["poverty_rate_pct", "value_per_year"])
    assert math.isnan(df.loc["party_members_count", "value_per_year"])


def test_fraction_into_a_share_metric_becomes_per_cent(make_data):
    data, texts = make_data([fig(metric_id="poverty_rate_pct", value="3/4", unit="hộ", reference="", evidence="Bài báo thử")])
    df = load(data, texts, strict=True)
    assert (df["value"].iloc[0], df["out_of"].iloc[0], df["unit"].iloc[0]) == (75.0, 4.0, "%")


def test_terms_and_spanning(make_data):
    rows = [fig(period_start="2020", period_end="2020", evidence="Bài báo thử"),
            fig(period_start="2020", period_end="2023-04", evidence="Bài báo thử", value="120"),
            fig(period_start="2026", period_end="2026", evidence="Bài báo thử", value="130")]
    data, texts = make_data(rows)
    df = load(data, texts)
    assert df["term"].astype(str).tolist() == ["2015–2020", "2020–2025", "2025–2030"]
    assert df["spans_terms"].tolist() == [False, True, False]


def test_text_is_nfc_after_loading(make_data):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Năm 2021 đạt 118% kế hoạch")
    data, texts = make_data([fig(evidence=nfd, note=unicodedata.normalize("NFD", "ghi chú"))])
    df = load(data, texts, strict=True)
    assert df["evidence"].iloc[0] == unicodedata.normalize("NFC", nfd)
    assert df["note"].iloc[0] == "ghi chú"


def test_empty_data_gives_an_empty_typed_table(make_data):
    data, texts = make_data([])
    df = load(data, texts)
    assert df.empty and list(df.columns) == [c.name for c in TIDY]
    assert isinstance(df["term"].dtype, pd.CategoricalDtype)


def test_good_rows_join_article_locality_and_codebook(make_data):
    data, texts = make_data(GOOD_ROWS)
    df = load(data, texts, strict=True)
    first = df.iloc[0]
    assert (first["article_title"], first["locality_name"], first["tier"], first["label_en"]) == (
        "Bài thử", "Phường A", "commune", "Budget revenue as % of plan")
    assert first["published_precision"] == "month"


# ---------------------------------------------------------------- the crosswalk, terms, languages

SPLIT = LOCALITY_ROWS + [
    dict(LOCALITY_ROWS[1], locality_id="phuong-x", name="X", valid_from="2025-07-01"),
    dict(LOCALITY_ROWS[1], locality_id="phuong-y", name="Y", valid_from="2025-07-01"),
]


def succession(predecessor="phuong-a", successor="phuong-x", share="part", **over) -> dict:
    return {"predecessor_id": predecessor, "successor_id": successor, "share": share, "effective": "2025-07-01",
            "source": "NQ thử", "notes": "", **over}


def problems_of(report, code):
    return [(Path(p.file).name, p.row, p.column, p.severity) for p in report.problems if p.code == code]


def test_successors_whole_or_part_reach_the_tidy_table(make_data):
    data, texts = make_data(localities=SPLIT, successions=[succession(), succession(successor="phuong-y")])
    report = check(data, texts)
    assert report.errors == [] and not problems_of(report, "whole_and_others")
    assert "unused_locality" not in codes(report.problems)  # a successor is named by the crosswalk
    a = report.figures[report.figures["locality_id"] == "phuong-a"]
    assert set(a["successor_ids"]) == {"phuong-x;phuong-y"} and set(a["successor_shares"]) == {"part;part"}
    whole = check(*make_data(localities=SPLIT, successions=[succession(share="whole")])).figures
    assert set(whole["successor_ids"]) == {"phuong-x"} and set(whole["successor_shares"]) == {"whole"}


def test_a_unit_cannot_succeed_itself(make_data):
    data, texts = make_data(localities=SPLIT, successions=[succession(successor="phuong-a", share="whole")])
    report = check(data, texts)
    assert problems_of(report, "self_successor") == [("successions.csv", 2, "successor_id", "error")]
    assert report.figures["successor_ids"].isna().all()  # the refused row names no successor


def test_a_whole_predecessor_with_other_successors_warns(make_data):
    data, texts = make_data(localities=SPLIT, successions=[succession(share="whole"), succession(successor="phuong-y")])
    report = check(data, texts)
    assert problems_of(report, "whole_and_others") == [("successions.csv", 2, "share", "warning")]
    assert report.errors == []


def test_a_figure_outside_every_term_is_kept_with_a_warning_naming_it(make_data):
    data, texts = make_data(GOOD_ROWS + [fig(period_start="1985", period_end="1985", evidence="Bài báo thử")])
    report = check(data, texts)
    assert problems_of(report, "no_term") == [("bai-thu.csv", len(GOOD_ROWS) + 2, "period_start", "warning")]
    (p,) = [p for p in report.problems if p.code == "no_term"]
    assert p.value == "1985-01" and "1991–1996 to 2030–2035" in p.message
    lost = report.figures[report.figures["term"].isna()]
    assert lost["source_row"].tolist() == [len(GOOD_ROWS) + 2]


ENGLISH_TEXT = "An English page. Members in total: 245,000. Revenue reached 99.91% of the plan."
ENGLISH_ROWS = [fig(metric_id="party_members_count", value="245,000", unit="người", reference="", period_start="2023",
                    period_end="2023", evidence="Members in total: 245,000"),
                fig(value="99.91", evidence="Revenue reached 99.91% of the plan")]


def test_an_english_pages_values_are_read_the_english_way(make_data):
    data, texts = make_data(ENGLISH_ROWS, articles=[dict(ARTICLE, language="en")], text=ENGLISH_TEXT)
    report = check(data, texts)
    assert report.errors == []
    assert sorted(report.figures["value"]) == [99.91, 245000.0]


def test_the_same_values_on_a_vietnamese_page_are_ambiguous(make_data):
    data, texts = make_data(ENGLISH_ROWS, articles=[dict(ARTICLE, language="vi")], text=ENGLISH_TEXT)
    report = check(data, texts)
    assert problems_of(report, "ambiguous_number") == [("bai-thu.csv", 2, "value", "error")]
    assert report.figures["value"].tolist() == [99.91]  # two decimals after a point: English either way
