"""The shipped data: zero errors, every evidence excerpt found, the figures of the five articles right."""
from __future__ import annotations

import pytest

from helpers import check, load
from helpers import paths


@pytest.fixture(scope="module")
def figures():
    return load(paths.DATA, strict=True)


def test_shipped_data_has_no_errors_or_warnings_without_texts():
    report = check(paths.DATA)
    assert report.problems == []


def test_shipped_data_evidence_found_in_every_article(seeds):
    report = check(paths.DATA, seeds)
    assert report.errors == [], "\n".join(map(str, report.errors))
    assert report.problems == []
    assert report.texts_checked == 5


def test_completeness(figures):
    assert 55 <= len(figures) <= 70
    per_article = figures.groupby("article_id").size()
    assert set(per_article.index) == {"thanh-to-kl21-2023", "tu-son-kl01-2022", "kien-an-term-2015-2020",
                                      "ngoc-thuy-midterm-2023", "dong-ha-2023-review"}
    assert (per_article >= 5).all()


def pick(df, locality, metric, **where):
    rows = df[(df["locality_id"] == locality) & (df["metric_id"] == metric)]
    for k, v in where.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, (locality, metric, where, len(rows))
    return rows.iloc[0]


@pytest.mark.parametrize("locality, metric, where, value, unit, term", [
    ("phuong-thanh-to", "budget_revenue_pct_plan", {"period_text": "năm 2021"}, 118, "%", "2020–2025"),
    ("phuong-thanh-to", "budget_revenue_pct_plan", {"period_text": "năm 2022"}, 143, "%", "2020–2025"),
    ("quan-kien-an", "party_members_admitted_count", {}, 711, "người", "2015–2020"),
    ("quan-kien-an", "military_recruits", {}, 557, "người", "2015–2020"),
    ("quan-kien-an", "social_support_bn_vnd", {}, 54.86, "tỷ đồng", "2015–2020"),
    ("phuong-ngoc-thuy", "budget_revenue_bn_vnd", {}, 11.708, "tỷ đồng", "2020–2025"),
    ("phuong-ngoc-thuy", "party_members_admitted_count", {}, 40, "người", "2020–2025"),
    ("tp-dong-ha", "party_members_admitted_count", {}, 175, "người", "2020–2025"),
    ("tp-dong-ha", "party_members_count", {}, 7210, "người", "2020–2025"),
    ("tp-dong-ha", "budget_revenue_excl_land_bn_vnd", {}, 361.503, "tỷ đồng", "2020–2025"),
    ("tp-dong-ha", "budget_revenue_excl_land_pct_plan", {"reference": "plan_province"}, 92.5, "%", "2020–2025"),
    ("tp-dong-ha", "budget_revenue_excl_land_pct_plan", {"reference": "plan_city"}, 90.2, "%", "2020–2025"),
    ("tp-dong-ha", "economic_growth_pct", {}, 9.77, "%", "2020–2025"),
    ("phuong-phu-chan", "income_per_capita_mn_vnd", {}, 53, "triệu đồng/người/năm", "2020–2025"),
    ("phuong-phu-chan", "poverty_rate_pct", {}, 0.58, "%", "2020–2025"),
    ("tp-tu-son", "land_violations_penalised", {}, 61, "trường hợp", "2020–2025"),
])
def test_key_figures(figures, locality, metric, where, value, unit, term):
    r = pick(figures, locality, metric, **where)
    assert (r["value"], r["unit"], r["term"]) == (pytest.approx(value), unit, term)


def test_periods_and_annualising(figures):
    kien_an = pick(figures, "quan-kien-an", "party_members_admitted_count")
    ngoc_thuy = pick(figures, "phuong-ngoc-thuy", "party_members_admitted_count")
    assert (kien_an["period_months"], kien_an["value_per_year"]) == (60, pytest.approx(142.2))
    assert (ngoc_thuy["period_months"], ngoc_thuy["value_per_year"]) == (30, pytest.approx(16.0))
    seven = figures[(figures["locality_id"] == "phuong-thanh-to") & (figures["period_text"] == "7 tháng năm 2023")]
    assert seven["period_months"].tolist() == [7]


def test_ranges_and_qualifiers(figures):
    r = pick(figures, "phuong-ngoc-thuy", "cultural_family_share")
    assert (r["value"], r["value_high"]) == (93.15, 93.9)
    assert pick(figures, "phuong-phu-chan", "income_per_capita_mn_vnd")["qualifier"] == "nearly"
    assert pick(figures, "phuong-ngoc-thuy", "livestock_households_stopped_outside")[["value", "out_of"]].tolist() == [4, 6]


def test_doubtful_print_is_kept_flagged_and_explained(figures):
    r = pick(figures, "phuong-phu-chan", "cultural_family_share")
    assert (r["value"], r["qualifier"], r["flag"]) == (9.23, "more_than", "doubtful_print")
    assert "92,3%" in r["note"]
    assert (figures["flag"].notna() <= figures["note"].str.len().gt(0)).all()


def test_every_figure_has_verbatim_evidence_and_annotator(figures):
    assert figures["evidence"].str.len().gt(0).all() and figures["annotator"].str.len().gt(0).all()


def test_gazetteer_reorganisation(figures):
    from helpers.io import read_table
    from helpers.schema import LOCALITIES

    locs = read_table(paths.DATA / "localities.csv", LOCALITIES).frame.set_index("locality_id")
    assert locs.loc["tp-hai-phong", "successor_id"] == "tp-hai-phong-2025"
    assert locs.loc["quan-kien-an", "valid_to"] == "2025-06-30"
    # ward mergers were not researched: validity is left empty, never invented
    assert (locs.loc[locs["level"] == "ward", ["valid_to", "successor_id"]] == "").all().all()
