"""Comparisons: the number compared, terms, changes, ranks, targets, coverage, and every caveat code."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from helpers import analysis, load, paths
from helpers.analysis import CAVEAT_CODES, Caveat
from helpers.periods import TERMS
from helpers.schema import VOCABULARIES
from tests.conftest import LOCALITY_ROWS, METRIC_ROWS, fig

EV = "Bài báo thử"  # in the test article's text, so every evidence check passes


def loc(lid, name, level, **over):
    return dict(LOCALITY_ROWS[1], locality_id=lid, name=name, level=level, **over)


LOCALITIES = LOCALITY_ROWS + [
    loc("phuong-c", "C", "ward"),
    loc("quan-b", "B", "urban_district"),
    loc("quan-cu", "Cũ", "urban_district", valid_to="2025-06-30", validity_source="NQ thử"),
    loc("quan-het", "Hết", "urban_district", valid_to="2025-06-30", validity_source="NQ thử"),
    loc("tp-moi", "Mới", "municipality", parent_id="", province_id="tp-moi", valid_from="2025-07-01",
        validity_source="NQ thử"),
    loc("phuong-tach", "Tách", "ward", valid_to="2025-06-30", validity_source="NQ thử"),
    loc("phuong-ghep", "Ghép", "ward", valid_from="2025-07-01", validity_source="NQ thử"),
]


def succession(predecessor, successor, share="whole", **over) -> dict:
    return {"predecessor_id": predecessor, "successor_id": successor, "share": share, "effective": "2025-07-01",
            "source": "NQ thử", "notes": "", **over}


# The crosswalk: Quận Cũ went wholly into TP. Mới; Phường Tách was split between Phường Ghép and Phường C;
# Quận Hết ended with no successor recorded.
SUCCESSIONS = [succession("quan-cu", "tp-moi"), succession("phuong-tach", "phuong-ghep", "part"),
               succession("phuong-tach", "phuong-c", "part")]
# Scopes and bases, named here only (not in the shipped data/variants.csv), so a caveat that names them in
# words can only have taken the words from the data folder it loaded.
VARIANTS = [
    {"variant_id": "without_land_fees", "aspect": "scope", "label_vi": "Không gồm tiền đất",
     "label_en": "Without land fees", "definition_en": "d"},
    {"variant_id": "fixed_prices", "aspect": "basis", "label_vi": "Theo giá cố định", "label_en": "At fixed prices",
     "definition_en": "d"},
]
METRICS = METRIC_ROWS + [
    dict(METRIC_ROWS[0], metric_id="term_targets_met", label_vi="Số chỉ tiêu đạt", label_en="Targets met",
         category="administration", unit="chỉ tiêu", kind="targets_met"),
]


def F(**over) -> dict:
    """A figure with the article's generic evidence: what matters in these tests is the numbers."""
    return fig(**{"evidence": EV, **over})


def members(value, start, end, **over):
    """New Party members admitted (a flow, higher is better) at phuong-a."""
    return F(**{"metric_id": "party_members_admitted_count", "value": str(value), "unit": "người", "reference": "",
                "period_start": start, "period_end": end, **over})


def poverty(value, year, **over):
    """Poverty rate (a share, lower is better) at phuong-a."""
    return F(**{"metric_id": "poverty_rate_pct", "value": str(value), "reference": "", "period_start": str(year),
                "period_end": str(year), **over})


_LOADED: dict[str, pd.DataFrame] = {}


@pytest.fixture
def frame(make_data):
    """frame(rows) -> the tidy table of those rows over the extended gazetteer and codebook.

    The same rows are loaded once per session (the control cases repeat), and each test gets a copy.
    """

    def build(rows):
        key = json.dumps(rows, sort_keys=True, ensure_ascii=False)
        if key not in _LOADED:
            data, texts = make_data(rows, localities=LOCALITIES, metrics=METRICS, successions=SUCCESSIONS,
                                    variants=VARIANTS)
            _LOADED[key] = load(data, texts, strict=True)
        return _LOADED[key].copy()

    return build


def codes(found) -> list[str]:
    return [c.code for c in found]


# ---------------------------------------------------------------- the number compared

@pytest.mark.parametrize("value, months, per_year", [(711, 60, 142.2), (40, 30, 16.0), (175, 12, 175.0), (70, 7, 120.0)])
def test_annualise(value, months, per_year):
    assert analysis.annualise(value, months) == pytest.approx(per_year)


@pytest.mark.parametrize("months", [0, -12, float("nan")])
def test_annualise_refuses_an_empty_period(months):
    with pytest.raises(ValueError):
        analysis.annualise(10, months)


def test_comparable_is_per_year_for_flows_only(frame):
    df = frame([members(711, "2016", "2020"), members(40, "2021-01", "2023-06"), members(175, "2023", "2023"),
                F(metric_id="party_members_count", value="7210", unit="người", reference="", period_start="2023-04",
                  period_end="2023-04"),
                members(10, "2021", "2022", value_high="20")])
    assert analysis.comparable(df).tolist() == pytest.approx([142.2, 16.0, 175.0, 7210.0, 5.0])
    high = analysis.comparable_high(df)
    assert high.iloc[4] == pytest.approx(10.0) and high.iloc[:4].isna().all()
    assert list(analysis.comparable(df).index) == list(df.index)


def test_select_filters_values_lists_and_figure_type(frame):
    df = frame([members(711, "2016", "2020"), members(40, "2021-01", "2023-06", locality_id="quan-b"),
                members(50, "2021", "2025", figure_type="target"), poverty("0,58", 2022)])
    assert len(analysis.select(df)) == 3  # results only by default
    assert len(analysis.select(df, figure_type=None)) == 4
    assert analysis.select(df, figure_type="target")["value"].tolist() == [50.0]
    assert analysis.select(df, metric="party_members_admitted_count", tier="district")["value"].tolist() == [40.0]
    assert analysis.select(df, locality=["phuong-a", "quan-b"], term="2020-2025")["value"].tolist() == [40.0, 0.58]
    assert analysis.select(df, locality=("quan-b", "phuong-c"), term="2020–2025")["value"].tolist() == [40.0]
    assert analysis.select(df, term=["2015–2020"], level="ward")["value"].tolist() == [711.0]
    assert analysis.select(df, category="culture_society")["metric_id"].tolist() == ["poverty_rate_pct"]
    assert analysis.select(df, metric="no_such_metric").empty
    picked = analysis.select(df, metric="poverty_rate_pct")
    picked.loc[:, "value"] = -1.0
    assert df["value"].min() == 0.58  # a copy, not a view


# ---------------------------------------------------------------- terms, changes, ranks

def test_term_view_places_figures_in_terms_and_summarises_cells(frame):
    df = frame([members(711, "2016", "2020"), members(40, "2021-01", "2023-06"),
                members(175, "2023", "2023", qualifier="hơn"), members(30, "2020", "2020", locality_id="quan-b"),
                members(12, "2026", "2026", locality_id="quan-b")])
    view = analysis.term_view(df, "party_members_admitted_count")
    assert list(view.columns) == ["locality_id", "locality_name", "level", "tier", "term", "value", "low", "high",
                                  "n_figures", "figure_ids", "qualifier", "reference"]
    assert list(zip(view["locality_id"], view["term"].astype(str))) == [
        ("phuong-a", "2015–2020"), ("phuong-a", "2020–2025"), ("quan-b", "2015–2020"), ("quan-b", "2025–2030")]
    cell = view.iloc[1]
    assert (cell["value"], cell["low"], cell["high"], cell["n_figures"]) == (pytest.approx(95.5), 16.0, 175.0, 2)
    assert cell["figure_ids"] == ("bai-thu:3", "bai-thu:4")
    assert (cell["qualifier"], view.iloc[0]["qualifier"]) == ("mixed", "exact")
    assert view.iloc[0]["value"] == pytest.approx(142.2)
    assert view["term"].cat.ordered and list(view["term"].cat.categories) == list(TERMS)
    assert "mixed_levels" in codes(view.attrs["caveats"])


def test_term_view_uses_range_ends_for_low_and_high_and_names_the_reference(frame):
    df = frame([F(value="90", value_high="95", period_start="2021", period_end="2021"),
                F(value="118", period_start="2022", period_end="2022"),
                F(value="80", reference="estimate", reference_owner="city", period_start="2023", period_end="2023",
                  locality_id="quan-b")])
    view = analysis.term_view(df, "budget_revenue_pct_plan").set_index("locality_id")
    assert (view.at["phuong-a", "value"], view.at["phuong-a", "low"], view.at["phuong-a", "high"]) == (104.0, 90.0, 118.0)
    assert (view.at["phuong-a", "reference"], view.at["quan-b", "reference"]) == ("plan", "estimate")


def test_term_view_of_a_metric_without_figures_is_empty(frame):
    view = analysis.term_view(frame([members(711, "2016", "2020")]), "poverty_rate_pct")
    assert view.empty and "value" in view.columns and view.attrs["caveats"] == []


def test_compare_terms_change_from_the_previous_term_with_a_figure(frame):
    df = frame([members(711, "2016", "2020"), members(40, "2021-01", "2023-06"), members(175, "2023", "2023"),
                members(191, "2026", "2026"), members(5, "2021", "2021", locality_id="quan-b")])
    out = analysis.compare_terms(df, "party_members_admitted_count", "phuong-a")
    assert out["term"].astype(str).tolist() == ["2015–2020", "2020–2025", "2025–2030"]
    assert out["through"].tolist() == ["", "", ""]
    assert out["value"].tolist() == pytest.approx([142.2, 95.5, 191.0])
    assert math.isnan(out["change"].iloc[0]) and math.isnan(out["change_pct"].iloc[0])
    assert out["change"].iloc[1:].tolist() == pytest.approx([-46.7, 95.5])
    assert out["change_pct"].iloc[1:].tolist() == pytest.approx([-46.7 / 142.2 * 100, 100.0])
    assert "quan-b" not in set(out["locality_id"])
    assert "mixed_period_lengths" in codes(out.attrs["caveats"])


def test_compare_terms_skips_a_term_without_figures_and_has_no_percent_from_zero(frame):
    df = frame([poverty(0, 2019), poverty("0,5", 2026)])
    out = analysis.compare_terms(df, "poverty_rate_pct", "phuong-a")
    assert out["term"].astype(str).tolist() == ["2015–2020", "2025–2030"]
    assert out["change"].iloc[1] == pytest.approx(0.5)
    assert math.isnan(out["change_pct"].iloc[1])


def test_rank_lower_is_better(frame):
    df = frame([poverty("1,5", 2022), poverty("0,58", 2022, locality_id="phuong-c"),
                poverty("2", 2022, locality_id="quan-b"), poverty("3", 2019, locality_id="quan-b")])
    out = analysis.rank(df, "poverty_rate_pct", term="2020–2025")
    assert out["locality_id"].tolist() == ["phuong-c", "phuong-a", "quan-b"]
    assert out["rank"].tolist() == [1, 2, 3]
    assert "neutral_direction" not in codes(out.attrs["caveats"])
    assert "mixed_levels" in codes(out.attrs["caveats"])
    wards = analysis.rank(df, "poverty_rate_pct", tier="commune")
    assert wards["rank"].tolist() == [1, 2] and "mixed_levels" not in codes(wards.attrs["caveats"])
    every = analysis.rank(df, "poverty_rate_pct")  # ranked within each term
    assert list(zip(every["term"].astype(str), every["locality_id"], every["rank"])) == [
        ("2015–2020", "quan-b", 1), ("2020–2025", "phuong-c", 1), ("2020–2025", "phuong-a", 2), ("2020–2025", "quan-b", 3)]


def test_rank_higher_is_better_is_descending_per_year(frame):
    df = frame([members(711, "2021", "2025"),  # 142.2 a year
                members(100, "2023", "2023", locality_id="phuong-c")])
    out = analysis.rank(df, "party_members_admitted_count")
    assert out["locality_id"].tolist() == ["phuong-a", "phuong-c"] and out["rank"].tolist() == [1, 2]


def test_rank_of_a_neutral_metric_says_it_means_nothing(frame):
    total = dict(metric_id="party_members_count", unit="người", reference="", period_start="2023", period_end="2023")
    df = frame([F(value="300", **total), F(value="7210", locality_id="quan-b", **total)])
    out = analysis.rank(df, "party_members_count")
    assert out["locality_id"].tolist() == ["quan-b", "phuong-a"]
    neutral = [c for c in out.attrs["caveats"] if c.code == "neutral_direction"]
    assert len(neutral) == 1 and "Tổng số đảng viên" in neutral[0].message_vi
    assert neutral[0].figure_ids == ("bai-thu:2", "bai-thu:3")


# ---------------------------------------------------------------- caveats

CLEAN = [members(20, "2021", "2021"), members(30, "2022", "2022")]

# code: (rows that trigger it, the closest rows that do not)
CASES = {
    "mixed_levels": ([members(20, "2021", "2021"), members(30, "2021", "2021", locality_id="quan-b")],
                     [members(20, "2021", "2021"), members(30, "2021", "2021", locality_id="phuong-c")]),
    "mixed_period_lengths": ([members(20, "2021", "2021"), members(40, "2021-01", "2023-06")],
                             CLEAN),
    "mixed_references": ([F(value="92,5", reference="estimate", reference_owner="province"),
                          F(value="90,2", reference="estimate", reference_owner="city")],
                         [F(value="92,5", reference="plan"), F(value="90,2", reference="", period_start="2022",
                                                               period_end="2022")]),
    "approximate": ([members(20, "2021", "2021", qualifier="gần"), members(30, "2022", "2022")], CLEAN),
    "lower_bound": ([members(20, "2021", "2021", qualifier="hơn"), members(30, "2022", "2022")], CLEAN),
    "upper_bound": ([members(20, "2021", "2021", qualifier="dưới"), members(30, "2022", "2022")], CLEAN),
    "range": ([members(20, "2021", "2021", value_high="25"), members(30, "2022", "2022")], CLEAN),
    "flagged": ([members(20, "2021", "2021", flag="doubtful_print", note="in 2,0?"), members(30, "2022", "2022")],
                [members(20, "2021", "2021", note="in 2,0?"), members(30, "2022", "2022")]),
    "inferred_period": ([members(20, "2021", "2021", period_basis="inferred", note="từ ngày đăng"),
                         members(30, "2022", "2022")], CLEAN),
    "spans_terms": ([members(20, "2020", "2021-06"), members(30, "2022-01", "2023-06")],
                    [members(20, "2021", "2022"), members(30, "2022-01", "2023-06")]),
    "conflicting_values": ([F(value="118"), F(value="120")],
                           [F(value="118"), F(value="120", reference="estimate", reference_owner="city")]),
    "merged_2025": ([members(20, "2021", "2021", locality_id="quan-cu"), members(30, "2021", "2021", locality_id="quan-b")],
                    [members(20, "2026", "2026", locality_id="tp-moi"),
                     members(30, "2021", "2021", locality_id="quan-b")]),
    "mixed_metrics": ([members(20, "2021", "2021"), poverty("0,58", 2021)], CLEAN),
    "mixed_scopes": ([F(value="118", scope="without_land_fees"), F(value="120", period_start="2022", period_end="2022")],
                     [F(value="118", scope="without_land_fees"),
                      F(value="120", scope="without_land_fees", period_start="2022", period_end="2022")]),
}


def test_every_caveat_code_has_a_case():
    assert set(CASES) == set(CAVEAT_CODES)


@pytest.mark.parametrize("code", list(CASES))
def test_caveat_triggered_by_its_case(frame, code):
    found = analysis.caveats(frame(CASES[code][0]))
    assert code in codes(found)
    cav = next(c for c in found if c.code == code)
    assert cav.figure_ids and all(f.startswith("bai-thu:") for f in cav.figure_ids)
    assert cav.text() == cav.message_vi and cav.text("en") == cav.message_en and cav.message_vi != cav.message_en


@pytest.mark.parametrize("code", list(CASES))
def test_caveat_not_triggered_without_its_cause(frame, code):
    assert code not in codes(analysis.caveats(frame(CASES[code][1])))


def test_clean_rows_have_no_caveats(frame):
    assert analysis.caveats(frame(CLEAN)) == []
    assert analysis.caveats(frame(CLEAN).iloc[0:0]) == []


def test_caveats_come_in_the_listed_order(frame):
    df = frame([members(20, "2021", "2021", qualifier="hơn", value_high="25", flag="ambiguous_wording", note="n"),
                members(40, "2020", "2021-06", locality_id="quan-het", qualifier="gần", period_basis="inferred",
                        note="n"),
                poverty("0,58", 2021, qualifier="dưới")])
    found = codes(analysis.caveats(df))
    assert found == ["mixed_levels", "mixed_period_lengths", "approximate", "lower_bound", "upper_bound", "range",
                     "flagged", "inferred_period", "spans_terms", "merged_2025", "mixed_metrics"]


def test_caveat_messages_name_what_they_are_about(frame):
    df = frame([F(value="92,5", reference="estimate", reference_owner="province", flag="doubtful_print", note="n"),
                F(value="90,2", reference="estimate", reference_owner="city", locality_id="quan-b"),
                members(40, "2021-01", "2023-06"), members(20, "2021", "2021")])
    found = {c.code: c for c in analysis.caveats(df)}
    refs = found["mixed_references"]
    assert "Dự toán (tỉnh giao)" in refs.message_vi and "Dự toán (thành phố giao)" in refs.message_vi
    assert "Budget estimate (set by the province)" in refs.message_en
    assert "Budget estimate (set by the city)" in refs.message_en
    assert refs.figure_ids == ("bai-thu:2", "bai-thu:3")
    assert "Cấp xã" in found["mixed_levels"].message_vi and "Cấp huyện" in found["mixed_levels"].message_vi
    assert "Quận B" in found["mixed_levels"].message_vi and "B District" in found["mixed_levels"].message_en
    periods = found["mixed_period_lengths"]
    assert "12 và 30 tháng" in periods.message_vi and "per year" in periods.message_en
    assert periods.figure_ids == ("bai-thu:4", "bai-thu:5")
    assert "số in có vẻ sai" in found["flagged"].message_vi and "92,5" in found["flagged"].message_vi
    assert "Printed figure looks wrong".lower() in found["flagged"].message_en.lower()


def test_conflicting_values_show_the_spread(frame):
    df = frame([F(value="118"), F(value="120,5"), F(value="119"), F(value="150", period_start="2022", period_end="2022")])
    cav = next(c for c in analysis.caveats(df) if c.code == "conflicting_values")
    assert "118–120,5" in cav.message_vi and "118–120.5" in cav.message_en and "(3 figures)" in cav.message_en
    assert cav.figure_ids == ("bai-thu:2", "bai-thu:3", "bai-thu:4")


def test_merged_2025_says_whether_a_successor_is_recorded(frame):
    df = frame([members(20, "2021", "2021", locality_id="quan-cu"), members(30, "2021", "2021", locality_id="quan-het"),
                members(40, "2026", "2026", locality_id="tp-moi")])
    cav = next(c for c in analysis.caveats(df) if c.code == "merged_2025")
    assert "Quận Cũ kết thúc ngày 30/06/2025, nhập vào TP. Mới" in cav.message_vi
    assert "Quận Hết kết thúc ngày 30/06/2025, chưa ghi nhận đơn vị kế thừa" in cav.message_vi
    assert "Cũ District ended on 2025-06-30, merged into Mới City" in cav.message_en
    assert "Hết District ended on 2025-06-30, no successor is recorded" in cav.message_en
    assert cav.figure_ids == ("bai-thu:2", "bai-thu:3")  # the successor itself did not end


def test_merged_2025_names_a_successor_without_figures_from_the_gazetteer_loaded(frame):
    # TP. Mới is in this data folder's gazetteer only (not in the shipped data/): its name, never its id
    df = frame([members(20, "2021", "2021", locality_id="quan-cu")])
    cav = next(c for c in analysis.caveats(df) if c.code == "merged_2025")
    assert "nhập vào TP. Mới" in cav.message_vi and "merged into Mới City" in cav.message_en
    assert "tp-moi" not in cav.message_vi + cav.message_en


def test_merged_2025_names_each_part_of_a_split_unit(frame):
    df = frame([members(20, "2021", "2021", locality_id="phuong-tach")])
    cav = next(c for c in analysis.caveats(df) if c.code == "merged_2025")
    assert "Phường Tách kết thúc ngày 30/06/2025, nhập vào Phường Ghép (một phần) và Phường C (một phần)" in cav.message_vi
    assert "Tách Ward ended on 2025-06-30, merged into Ghép Ward (part) and C Ward (part)" in cav.message_en


def test_successors_of_reads_the_crosswalk_columns(frame):
    df = frame([members(20, "2021", "2021", locality_id="phuong-tach"), members(30, "2021", "2021", locality_id="quan-cu"),
                members(40, "2021", "2021", locality_id="quan-het")]).set_index("locality_id")
    assert (df.at["phuong-tach", "successor_ids"], df.at["phuong-tach", "successor_shares"]) == (
        "phuong-ghep;phuong-c", "part;part")
    rows = {lid: r for lid, r in zip(df.index, df.reset_index().itertuples())}
    assert analysis.successors_of(rows["phuong-tach"]) == [("phuong-ghep", "part"), ("phuong-c", "part")]
    assert analysis.successors_of(rows["quan-cu"]) == [("tp-moi", "whole")]
    assert analysis.successors_of(rows["quan-het"]) == []


def test_caveat_is_frozen():
    cav = Caveat("range", "vi", "en", ("a:2",))
    with pytest.raises(AttributeError):
        cav.code = "x"  # type: ignore[misc]
    assert (cav.text(), cav.text("en")) == ("vi", "en")


# ---------------------------------------------------------------- the 2025 reorganisation

def test_compare_terms_follows_a_merged_unit_through_its_successor(frame):
    df = frame([members(711, "2016", "2020", locality_id="quan-cu"), members(150, "2021", "2021", locality_id="quan-cu"),
                members(400, "2026", "2026", locality_id="tp-moi"), members(5, "2026", "2026", locality_id="quan-b")])
    out = analysis.compare_terms(df, "party_members_admitted_count", "tp-moi")
    assert list(zip(out["locality_id"], out["through"], out["term"].astype(str))) == [
        ("quan-cu", "quan-cu", "2015–2020"), ("quan-cu", "quan-cu", "2020–2025"), ("tp-moi", "", "2025–2030")]
    assert out["change"].tolist()[1:] == pytest.approx([150 - 142.2, 250.0])
    merged = [c for c in out.attrs["caveats"] if c.code == "merged_2025"]
    assert len(merged) == 1
    assert "so sánh qua đơn vị kế thừa TP. Mới" in merged[0].message_vi
    assert "compared through its successor Mới City" in merged[0].message_en
    assert set(merged[0].figure_ids) == {"bai-thu:2", "bai-thu:3", "bai-thu:4"}

    back = analysis.compare_terms(df, "party_members_admitted_count", "quan-cu")
    assert back["through"].tolist() == ["", "", "tp-moi"]
    assert any("Mới" in c.message_vi for c in back.attrs["caveats"] if c.code == "merged_2025")


def test_compare_terms_without_relatives_has_an_empty_through(frame):
    df = frame([members(20, "2021", "2021", locality_id="quan-het")])
    out = analysis.compare_terms(df, "party_members_admitted_count", "quan-het")
    assert out["through"].tolist() == [""]
    merged = next(c for c in out.attrs["caveats"] if c.code == "merged_2025")
    assert "no successor is recorded" in merged.message_en


# ---------------------------------------------------------------- targets against results

def status_of(out, **where):
    rows = out
    for k, v in where.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, where
    return rows.iloc[0]


@pytest.mark.parametrize("achieved, status", [("1,5", "exceeded"), ("2,5", "missed"), ("2", "met")])
def test_a_lower_poverty_rate_beats_its_target(frame, achieved, status):
    df = frame([poverty("2", 2021, figure_type="target", period_start="2021", period_end="2025"),
                poverty(achieved, 2025)])
    out = analysis.targets_vs_results(df)
    r = status_of(out, target_figure_id="bai-thu:2")
    assert (r["target"], r["achieved"], r["status"], r["result_figure_id"]) == (
        2.0, float(achieved.replace(",", ".")), status, "bai-thu:3")
    assert (r["term"], r["label_en"], r["basis"]) == ("2020–2025", "Poverty rate", "target")


def test_targets_vs_results_columns(frame):
    out = analysis.targets_vs_results(frame([poverty("2", 2021, figure_type="target")]))
    assert list(out.columns)[:13] == ["locality_id", "locality_name", "metric_id", "label_vi", "label_en", "term",
                                      "target", "target_qualifier", "achieved", "achieved_qualifier", "status",
                                      "target_figure_id", "result_figure_id"]
    assert out["status"].tolist() == ["no_result"] and math.isnan(out["achieved"].iloc[0])


def test_a_target_is_judged_by_the_same_period_end_else_the_latest_result_in_its_period(frame):
    target = poverty("2", 2021, figure_type="target", period_start="2021", period_end="2025")
    df = frame([target, poverty("1", 2023), poverty("2,5", 2025), poverty("0,1", 2019)])
    assert status_of(analysis.targets_vs_results(df), basis="target")["result_figure_id"] == "bai-thu:4"
    df = frame([target, poverty("2,5", 2022), poverty("1", 2023), poverty("0,1", 2019)])
    r = status_of(analysis.targets_vs_results(df), basis="target")
    assert (r["result_figure_id"], r["status"]) == ("bai-thu:4", "interim")  # 2023, before the target's 2025
    df = frame([target, poverty("1", 2019, locality_id="phuong-c")])
    assert status_of(analysis.targets_vs_results(df), basis="target")["status"] == "no_result"


def test_a_term_target_of_a_flow_is_judged_per_year_by_a_half_term_result(frame):
    df = frame([members(300, "2021", "2025", figure_type="target"), members(40, "2021-01", "2023-06")])
    out = analysis.targets_vs_results(df)
    r = status_of(out, basis="target")
    assert (r["target"], r["achieved"], r["status"]) == (60.0, 16.0, "missed")
    cav = next(c for c in out.attrs["caveats"] if c.code == "mixed_period_lengths")
    assert "compared per year" in cav.message_en and cav.figure_ids == ("bai-thu:2", "bai-thu:3")


@pytest.mark.parametrize("value, qualifier, status", [
    ("118", "exact", "exceeded"), ("92,5", "exact", "missed"), ("100", "hơn", "exceeded"), ("100", "exact", "met"),
    ("100", "gần", "missed"), ("100", "ít nhất", "met")])
def test_percent_of_plan_is_judged_against_100(frame, value, qualifier, status):
    out = analysis.targets_vs_results(frame([F(value=value, qualifier=qualifier)]))
    r = status_of(out, result_figure_id="bai-thu:2")
    assert (r["target"], r["status"], r["basis"]) == (100.0, status, "plan_100")
    assert r["target_figure_id"] is None or pd.isna(r["target_figure_id"])


@pytest.mark.parametrize("value, status", [("21/21", "met"), ("18/21", "missed")])
def test_targets_met_counts_against_their_total(frame, value, status):
    df = frame([F(metric_id="term_targets_met", value=value, unit="chỉ tiêu", reference="congress_target",
                  period_start="2016", period_end="2020")])
    r = status_of(analysis.targets_vs_results(df), basis="targets_met")
    assert (r["target"], r["achieved"], r["status"], r["term"]) == (21.0, float(value.split("/")[0]), status, "2015–2020")


def test_a_neutral_target_is_met_only_when_equal(frame):
    total = dict(metric_id="party_members_count", unit="người", reference="", period_start="2023", period_end="2023")
    df = frame([F(value="300", figure_type="target", **total), F(value="300", **total),
                F(value="300", figure_type="target", locality_id="quan-b", **total),
                F(value="280", locality_id="quan-b", **total)])
    out = analysis.targets_vs_results(df)
    assert out.set_index("locality_id")["status"].to_dict() == {"phuong-a": "met", "quan-b": "missed"}


def test_an_explicit_target_for_percent_of_plan_is_not_counted_twice(frame):
    df = frame([F(value="105", figure_type="target"), F(value="103")])
    out = analysis.targets_vs_results(df)
    assert len(out) == 1
    assert (out["basis"].iloc[0], out["status"].iloc[0]) == ("target", "missed")


# ---------------------------------------------------------------- scopes, owners, interim results

def test_a_result_before_the_end_of_its_targets_period_is_interim(frame):
    target = poverty("2", 2021, figure_type="target", period_start="2021", period_end="2025")
    out = analysis.targets_vs_results(frame([target, poverty("3", 2023)]))
    r = status_of(out, basis="target")
    assert (r["result_figure_id"], r["achieved"], r["status"]) == ("bai-thu:3", 3.0, "interim")  # never 'missed'
    assert "interim" in analysis.STATUSES
    cav = next(c for c in out.attrs["caveats"] if c.code == "mixed_period_lengths")
    assert "kết quả giữa kỳ, chưa đánh giá đạt hay không" in cav.message_vi
    assert "an interim result, not judged met or missed" in cav.message_en
    final = analysis.targets_vs_results(frame([target, poverty("3", 2025)]))
    assert status_of(final, basis="target")["status"] == "missed"


def test_a_target_is_judged_only_by_a_result_of_its_own_scope(frame):
    target = poverty("2", 2025, figure_type="target", scope="without_land_fees")
    out = analysis.targets_vs_results(frame([target, poverty("1", 2025)]))
    assert status_of(out, basis="target")["status"] == "no_result"
    out = analysis.targets_vs_results(frame([target, poverty("1", 2025, scope="without_land_fees")]))
    assert status_of(out, basis="target")["status"] == "exceeded"


def test_mixed_scopes_names_the_scopes_and_bases_in_words(frame):
    df = frame([F(value="118", scope="without_land_fees"), F(value="120", period_start="2022", period_end="2022"),
                F(value="121", basis="fixed_prices", period_start="2023", period_end="2023")])
    cav = next(c for c in analysis.caveats(df) if c.code == "mixed_scopes")
    assert "Không gồm tiền đất: " in cav.message_vi and "Theo giá cố định: " in cav.message_vi
    assert "Without land fees: " in cav.message_en and "At fixed prices: " in cav.message_en
    assert "the indicator's whole" in cav.message_en and "toàn bộ, như chỉ số" in cav.message_vi
    assert "without_land_fees" not in cav.message_en + cav.message_vi
    assert cav.figure_ids == ("bai-thu:2", "bai-thu:3", "bai-thu:4")


def test_estimates_of_two_owners_are_different_references_not_conflicting_values(frame):
    year = dict(period_start="2023", period_end="2023")
    df = frame([F(value="92,5", reference="estimate", reference_owner="province", **year),
                F(value="90,2", reference="estimate", reference_owner="city", **year),
                F(value="118", reference="plan", reference_owner="district", locality_id="phuong-c", **year)])
    out = analysis.targets_vs_results(df)
    a = out[out["locality_id"] == "phuong-a"]
    assert sorted(a["achieved"]) == [90.2, 92.5] and set(a["status"]) == {"missed"}
    assert status_of(out, locality_id="phuong-c")["status"] == "exceeded"
    assert "mixed_references" in codes(out.attrs["caveats"])
    found = codes(analysis.caveats(df))
    assert "mixed_references" in found and "conflicting_values" not in found
    view = analysis.term_view(analysis.select(df, locality="phuong-a"), "budget_revenue_pct_plan")
    assert (view["value"].iloc[0], view["reference"].iloc[0]) == (pytest.approx(91.35), "estimate")
    assert codes(view.attrs["caveats"]) == ["mixed_references"]


@pytest.mark.parametrize("reference, owner, vi, en", [
    ("estimate", "city", "Dự toán (thành phố giao)", "Budget estimate (set by the city)"),
    ("plan", "district", "Kế hoạch (quận, huyện, thị xã giao)", "Plan (set by the district)"),
    ("plan", None, "Kế hoạch", "Plan"),
    ("", None, "", ""),
])
def test_reference_text(reference, owner, vi, en):
    assert (analysis.reference_text(reference, owner, "vi"), analysis.reference_text(reference, owner, "en")) == (vi, en)


# ---------------------------------------------------------------- the 2025 reorganisation, side by side

def test_reorganisations_pair_each_successor_with_its_predecessors_that_have_figures(frame):
    df = frame([members(711, "2016", "2020", locality_id="quan-cu"), members(400, "2026", "2026", locality_id="tp-moi"),
                members(30, "2021", "2021", locality_id="phuong-tach"),
                members(12, "2026", "2026", locality_id="phuong-ghep"), members(8, "2026", "2026", locality_id="phuong-c"),
                poverty("1", 2021, locality_id="quan-cu"),  # its successor has no poverty rate: no pair
                members(50, "2026", "2026", figure_type="target", locality_id="quan-het")])
    out = analysis.reorganisations(df)
    assert list(out.columns) == ["successor_id", "metric_id", "predecessor_ids", "shares"]
    assert [tuple(r) for r in out.itertuples(index=False)] == [
        ("phuong-c", "party_members_admitted_count", ("phuong-tach",), ("part",)),
        ("phuong-ghep", "party_members_admitted_count", ("phuong-tach",), ("part",)),
        ("tp-moi", "party_members_admitted_count", ("quan-cu",), ("whole",))]
    assert analysis.reorganisations(frame([members(20, "2021", "2021")])).empty


def test_compare_reorganisation_puts_the_successor_first_and_names_the_merge_in_words(frame):
    df = frame([members(711, "2016", "2020", locality_id="quan-cu"), members(400, "2026", "2026", locality_id="tp-moi"),
                members(5, "2026", "2026", locality_id="quan-b")])
    out = analysis.compare_reorganisation(df, "tp-moi", "party_members_admitted_count")
    assert out["locality_id"].tolist() == ["tp-moi", "quan-cu"]
    assert out["value"].tolist() == [400.0, 711.0]  # as printed: nothing added up or derived
    merged = [c for c in out.attrs["caveats"] if c.code == "merged_2025"]
    assert len(merged) == 1 and set(merged[0].figure_ids) == {"bai-thu:2", "bai-thu:3"}
    assert "Quận Cũ (đến 30/06/2025)" in merged[0].message_vi and "TP. Mới" in merged[0].message_vi
    assert "Cũ District (until 2025-06-30)" in merged[0].message_en and "Mới City" in merged[0].message_en
    text = " ".join(c.message_vi + " " + c.message_en for c in out.attrs["caveats"])
    assert not [r["locality_id"] for r in LOCALITIES if r["locality_id"] in text]


# ---------------------------------------------------------------- summaries over several localities and terms

def test_term_view_across_levels_and_the_reorganisation_carries_every_caveat(frame):
    df = frame([members(711, "2016", "2020", locality_id="quan-cu"),
                members(40, "2021-01", "2023-06", period_basis="inferred", note="nửa nhiệm kỳ"),
                members(175, "2023", "2023", locality_id="quan-b")])
    view = analysis.term_view(df, "party_members_admitted_count").set_index("locality_id")
    assert view["value"].to_dict() == pytest.approx({"phuong-a": 16.0, "quan-b": 175.0, "quan-cu": 142.2})
    assert view["term"].astype(str).to_dict() == {"phuong-a": "2020–2025", "quan-b": "2020–2025", "quan-cu": "2015–2020"}
    assert codes(view.attrs["caveats"]) == ["mixed_levels", "mixed_period_lengths", "inferred_period", "merged_2025"]


COVERED = [members(711, "2016", "2020"), members(40, "2021-01", "2023-06"), poverty("0,58", 2022),
           poverty("0,6", 2023), members(5, "2021", "2021", locality_id="quan-b")]


def test_coverage_counts_figures_per_metric_locality_and_term(frame):
    df = frame(COVERED)
    cov = analysis.coverage(df)
    assert list(cov.columns.names) == ["locality_id", "term"]
    assert list(cov.columns) == [("quan-b", "2015–2020"), ("quan-b", "2020–2025"), ("phuong-a", "2015–2020"),
                                 ("phuong-a", "2020–2025")]  # district before ward; every term for every locality
    assert cov.to_numpy().sum() == len(df) == 5 and (cov.dtypes == "int64").all()
    assert cov.loc["party_members_admitted_count", ("phuong-a", "2015–2020")] == 1
    assert cov.loc["poverty_rate_pct", ("phuong-a", "2020–2025")] == 2
    assert cov.loc["poverty_rate_pct", ("quan-b", "2020–2025")] == 0
    order = list(VOCABULARIES["category"])
    positions = [order.index(c) for c in ("party_building", "culture_society")]
    assert list(cov.index) == [m for _, m in sorted(zip(positions, ["party_members_admitted_count", "poverty_rate_pct"]))]


def test_coverage_long_lists_the_cells_that_hold_figures(frame):
    df = frame(COVERED)
    long = analysis.coverage_long(df)
    assert list(long.columns) == ["locality_id", "metric_id", "term", "n_figures"]
    assert long["n_figures"].sum() == len(df) and (long["n_figures"] > 0).all()
    assert list(zip(long["locality_id"], long["metric_id"], long["term"].astype(str), long["n_figures"])) == [
        ("quan-b", "party_members_admitted_count", "2020–2025", 1),
        ("phuong-a", "party_members_admitted_count", "2015–2020", 1),
        ("phuong-a", "party_members_admitted_count", "2020–2025", 1),
        ("phuong-a", "poverty_rate_pct", "2020–2025", 2)]


# ---------------------------------------------------------------- at national size

class Uncopyable:
    """Stands for the load's problems in df.attrs: pandas deep-copies attrs on every operation, which at
    national size cost more than the comparisons themselves, so analysis must never copy them."""

    def __deepcopy__(self, memo):
        raise AssertionError("analysis copied the table's attrs")


def test_analysis_works_on_the_table_without_copying_its_attrs(frame):
    df = frame([members(711, "2016", "2020"), members(300, "2021", "2022", qualifier="approx"),
                poverty("1,2", 2021), poverty("2", 2025, figure_type="target"),
                F(period_start="2022", period_end="2022", value="95")])
    df.attrs = {"problems": [Uncopyable()]}
    assert analysis.select(df, metric="poverty_rate_pct").attrs == {}
    mine = analysis.select(df, locality="phuong-a", figure_type=None)
    assert list(analysis.targets_vs_results(df)["basis"]) == list(analysis.targets_vs_results(mine)["basis"]) \
        == ["plan_100", "target"]
    assert codes(analysis.caveats(df)) == codes(analysis.caveats(mine))
    assert list(analysis.rank(df, "poverty_rate_pct")["rank"]) == [1]
    assert list(analysis.compare_terms(df, "party_members_admitted_count", "phuong-a")["change"].round(1)) \
        == [pytest.approx(float("nan"), nan_ok=True), 7.8]
    assert analysis.most_reported(df, "metric_id", by="locality_id") == "budget_revenue_pct_plan"
    assert analysis.coverage(df).to_numpy().sum() == 5
    assert df.attrs["problems"][0].__class__ is Uncopyable


def _listing_row_by_row(sub, lang):
    """The listing as first written, one row at a time: the reference the vectorised words must equal."""
    from helpers import words
    from helpers.localities import display_name

    items = [f"{display_name(str(r.locality_name), str(r.level), lang)} "
             f"{words.figure(r.value, r.value_high, r.qualifier, lang)} "
             f"({words.period(r.period_start, r.period_end, lang)})" for r in sub.itertuples()]
    return analysis._listing(items, lang)


def test_caveat_listings_equal_the_row_by_row_words_and_count_each_figure_once(frame):
    rows = [poverty(f"{v},5", y, qualifier="approx") for v, y in ((3, 2016), (2, 2017), (4, 2018), (2, 2019))]
    rows += [F(metric_id="poverty_rate_pct", value="2,5", qualifier="approx", reference="", period_start="2017-01",
               period_end="2017-06", locality_id=lid) for lid in ("phuong-a", "phuong-c")]
    rows += [poverty("1,5", 2020, qualifier="approx", locality_id="phuong-c"), poverty("1,5", 2021)]
    df = frame(rows)
    found = {c.code: c for c in analysis.caveats(df)}["approximate"]
    ordered = df.sort_values(["article_id", "source_row"], kind="stable")
    sub = ordered[ordered["qualifier"].astype(object).isin(analysis.APPROXIMATE)]
    assert found.message_vi == f"Số gần đúng (khoảng, gần): {_listing_row_by_row(sub, 'vi')}."
    assert found.message_en == f"Approximate figures (about, nearly): {_listing_row_by_row(sub, 'en')}."
    assert found.message_vi.endswith("và 3 số liệu khác.")
