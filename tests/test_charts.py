"""Charts are tested on what they contain: titles, footers naming the right articles, colours, marks."""
from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest

from helpers import charts, load, theme


@pytest.fixture(scope="module")
def df(world_df):
    """The small world of tests/conftest.py: four articles, four units, three terms, one reorganisation."""
    return world_df


@pytest.fixture(autouse=True)
def styled():
    with theme.set_theme(lang="vi"):
        yield
    plt.close("all")


def footer(fig) -> str:
    return next(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_gid") and a.get_gid() == "footer"))


def texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_terms_chart_titles_footer_and_colours(df):
    ax = charts.terms_chart(df, metric="party_members_admitted_count")
    fig = ax.figure
    assert fig.get_suptitle() == "Số đảng viên mới kết nạp"
    assert ax.get_title(loc="left") == "người/năm; nhiệm kỳ 2015–2020, 2020–2025 và 2025–2030"
    foot = footer(fig)
    assert foot.startswith("Nguồn:")
    assert "Báo Đông" in foot and "Báo C, 22/05/2024" in foot
    # one colour per locality drawn, from the ids drawn, none of them grey (this world is not data/)
    drawn = ("quan-dong", "phuong-a", "phuong-c", "phuong-moi")
    expected = {c.lower() for c in theme.palette_for(drawn).values()}
    assert dot_colours(ax) == expected and len(expected) == len(drawn)
    assert theme.NEUTRAL.lower() not in dot_colours(ax)
    labels = texts(fig)
    assert "Quận Đông: 142,2" in labels and "Phường A: 16" in labels


def dot_colours(ax) -> set[str]:
    import matplotlib.colors as mcolors

    return {mcolors.to_hex(c) for coll in ax.collections for c in coll.get_edgecolors()} - {"#c00000"}  # flag ring


def test_colours_follow_the_ids_not_the_gazetteer(tmp_path):
    """A gazetteer in another order, with a unit added above the others, colours every locality alike."""
    from tests.conftest import LOCALITY_ROWS, WORLD_LOCALITIES, build_world, write_csv

    from helpers.schema import LOCALITIES

    data, texts = build_world(tmp_path / "w")
    before = charts.terms_chart(load(data, texts, strict=True), metric="party_members_admitted_count")
    added = {**LOCALITY_ROWS[1], "locality_id": "phuong-dau", "name": "Đầu", "parent_id": "tp-thu"}
    write_csv(data / "localities.csv", [added] + WORLD_LOCALITIES[::-1], LOCALITIES.columns)
    after = charts.terms_chart(load(data, texts, strict=True), metric="party_members_admitted_count")
    assert dot_colours(before) == dot_colours(after) and len(dot_colours(after)) == 4


def test_a_palette_given_overrides_the_default(df):
    ax = charts.localities_chart(df, metric="cultural_families_pct", palette={"phuong-a": "#123456"})
    assert "#123456" in dot_colours(ax)


def test_footer_names_only_the_articles_behind_the_plotted_figures(df):
    foot = footer(charts.localities_chart(df, metric="cultural_families_pct").figure)
    assert "Cổng phường A" in foot and "Báo C" in foot
    assert "Báo Đông" not in foot and "Báo Mới" not in foot


def test_terms_chart_limited_to_some_localities(df):
    ax = charts.terms_chart(df, metric="party_members_admitted_count", localities=["phuong-a"])
    labels = texts(ax.figure)
    assert "Phường A: 16" in labels and "Quận Đông" not in labels
    assert "Cổng phường A" in footer(ax.figure) and "Báo Đông" not in footer(ax.figure)


def test_english_labels_from_the_codebook(df):
    ax = charts.terms_chart(df, metric="party_members_admitted_count", lang="en")
    assert ax.figure.get_suptitle() == "New Party members"
    assert ax.get_title(loc="left") == "people per year; terms 2015–2020, 2020–2025 and 2025–2030"
    assert footer(ax.figure).startswith("Sources:")
    assert "Đông District" in texts(ax.figure) and "Quận Đông" not in texts(ax.figure)


def test_range_is_drawn_as_an_interval(df):
    ax = charts.localities_chart(df, metric="cultural_families_pct")
    intervals = [c for c in ax.collections if c.get_gid() == "interval"]
    assert len(intervals) == 1
    (seg,) = intervals[0].get_segments()
    assert [round(v, 2) for v in (seg[0][0], seg[1][0])] == [93.15, 93.9]
    labels = texts(ax.figure)
    assert ">9,23" in labels and "93,15–93,9" in labels
    assert "số in đáng ngờ" in labels, "the doubtful print is marked and explained in the legend"


def test_approximate_value_is_hollow(df):
    ax = charts.localities_chart(df, metric="income_per_capita_mn_vnd")
    dots = [c for c in ax.collections if c.get_gid() != "interval"]
    face = dots[0].get_facecolors()[0]
    assert tuple(face[:3]) == (1.0, 1.0, 1.0)
    assert "≈53" in texts(ax.figure)


def test_plan_chart_has_the_100_line_and_names_references(df):
    ax = charts.plan_chart(df, metrics=["budget_revenue_pct_plan", "party_members_admitted_pct_plan"])
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "plan-line"]
    assert len(lines) == 1 and lines[0].get_ydata()[0] == 100
    labels = texts(ax.figure)
    for s in ("118%", "143%", "92,5%", "90,2%", "DT tỉnh giao", "DT TP giao", "KH quận giao"):
        assert s in labels
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2016–2020", "2021", "2022", "2023"]


@pytest.mark.parametrize("reference, owner, lang, short", [
    ("estimate", "city", "vi", "DT TP giao"), ("estimate", "city", "en", "city estimate"),
    ("plan", "district", "vi", "KH quận giao"), ("plan", "own", "vi", "KH"), ("plan", None, "en", "plan"),
    ("quota", "higher", "en", "higher level quota"), ("previous_year", None, "vi", "")])
def test_reference_short_names_who_set_the_plan(reference, owner, lang, short):
    assert charts.reference_short(reference, owner, lang) == short


def test_scorecard_has_a_panel_per_metric(df):
    fig = charts.scorecard(df, locality="phuong-c")
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == df.query("locality_id == 'phuong-c'")["metric_id"].nunique() == 7
    assert "Phường C" in fig.get_suptitle()


def test_coverage_heatmap_counts_indicators_per_locality_and_term(df):
    ax = charts.coverage_heatmap(df)
    annotated = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    placed = df[df["term"].notna()]
    assert sum(map(int, annotated)) == placed.groupby(["locality_id", "term"], observed=True)["metric_id"].nunique().sum()
    assert len(ax.get_yticklabels()) == placed["locality_id"].nunique()  # one row per locality, every one labelled


def test_targets_chart_colours_by_status(df):
    ax = charts.targets_chart(df)
    labels = texts(ax.figure)
    assert "vượt" in labels and "chưa đạt" in labels  # Phường A 118% exceeded; Phường C 92,5% missed
    assert "giữa kỳ" in labels  # Phường C's 2023 poverty rate against its 2021–2025 target


@pytest.mark.parametrize("draw", [
    lambda d, lang: charts.terms_chart(d, metric="military_recruits_count", lang=lang),
    lambda d, lang: charts.localities_chart(d, metric="poverty_rate_pct", lang=lang),
    lambda d, lang: charts.plan_chart(d, metrics=["party_members_admitted_pct_plan"], lang=lang),
    lambda d, lang: charts.targets_chart(d, lang=lang),
    lambda d, lang: charts.scorecard(d, locality="phuong-a", lang=lang),
    lambda d, lang: charts.localities_chart(d, metric="party_members_admitted_count",
                                            localities=["phuong-moi", "phuong-a", "phuong-c"], lang=lang),
    lambda d, lang: charts.coverage_heatmap(d, lang=lang),
])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_missing_glyphs_in_any_chart(df, draw, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        obj = draw(df, lang)
        fig = obj if hasattr(obj, "savefig") else obj.figure
        fig.canvas.draw()


def test_no_data_says_so(df):
    ax = charts.localities_chart(df.iloc[0:0], metric="poverty_rate_pct")
    assert "Không có số liệu" in texts(ax.figure)


def test_english_unit_names_come_from_the_data_folders_units_table(make_data):
    from helpers.schema import UNITS
    from tests.conftest import GOOD_ROWS, METRIC_ROWS, fig, write_csv
    from tests.test_units import UNIT_ROWS

    metric = dict(METRIC_ROWS[3], metric_id="security_cameras_count", unit="camera", label_en="Security cameras")
    data, texts = make_data(GOOD_ROWS + [fig(metric_id="security_cameras_count", value="35", unit="camera",
                                             reference="", evidence="Bài báo thử")], metrics=METRIC_ROWS + [metric])
    write_csv(data / "units.csv", UNIT_ROWS + [{"unit": "camera", "dimension": "count", "factor": "1",
                                               "label_en": "CCTV cameras", "note": ""}], UNITS.columns)
    df = load(data, texts, cache=False)
    assert charts.metric_text(df, "security_cameras_count", "en") == ("Security cameras", "CCTV cameras", "level")
    assert charts.metric_text(df, "party_members_admitted_count", "en")[1] == "people per year"
    assert charts.metric_text(df, "party_members_admitted_count", "vi")[1] == "người/năm"


# ---------------------------------------------------------------- highlight and context (issue 14)

SMALL_RULE = {"max_labelled": 2, "notable": 1}  # four units report new Party members: past two, context


def labelled_names(ax) -> set[str]:
    return {t.get_text().split("\n")[0] for t in ax.get_yticklabels()}


def test_under_the_rule_every_locality_is_labelled_and_no_context_drawn(df):
    ax = charts.localities_chart(df, metric="party_members_admitted_count")
    assert not [a for a in ax.get_children() if getattr(a, "get_gid", lambda: None)() == "context"]
    assert "nền xám" not in ax.get_title(loc="left")


def test_past_the_rule_notable_units_are_labelled_and_the_rest_of_their_level_is_context(df):
    ax = charts.localities_chart(df, metric="party_members_admitted_count", rule=SMALL_RULE)
    contexts = [a for a in ax.get_children() if getattr(a, "get_gid", lambda: None)() == "context"]
    assert contexts, "the rest is drawn as context"
    names = labelled_names(ax)
    # the highest and lowest ward are labelled; the third ward is one faint dot; the district is another level
    assert "1 phường khác" in names and "Quận Đông" not in names
    assert len([n for n in names if n.startswith("Phường")]) == 2
    sub = ax.get_title(loc="left")
    assert "Tô màu 2 đơn vị; nền xám: 1 phường khác; không vẽ 1 đơn vị cấp khác" in sub
    en = charts.localities_chart(df, metric="party_members_admitted_count", rule=SMALL_RULE, lang="en")
    assert "2 units highlighted; grey: 1 other wards; 1 units of other levels not drawn" in en.get_title(loc="left")


def test_a_chosen_locality_is_highlighted_with_its_own_level(df):
    ax = charts.localities_chart(df, metric="party_members_admitted_count", rule=SMALL_RULE, highlight=["quan-dong"])
    assert "Quận Đông" in labelled_names(ax)
    assert "không vẽ 3 đơn vị cấp khác" in ax.get_title(loc="left")


def test_terms_chart_draws_context_as_a_band_and_names_lines_once(df):
    ax = charts.terms_chart(df, metric="party_members_admitted_count", rule={"max_labelled": 1, "notable": 0},
                            highlight=["phuong-a"])
    gids = {getattr(a, "get_gid", lambda: None)() for a in ax.get_children()}
    assert {"context", "context-median"} <= gids
    labels = [t.get_text() for t in ax.texts]
    assert sum("Phường A" in x for x in labels) == 1  # the name at the line's end only
    assert "nền xám: 2 phường khác" in ax.get_title(loc="left")


def test_axes_level_helpers_leave_titles_to_the_figure_and_keep_each_others_sources(df):
    fig, (left, right) = plt.subplots(1, 2)
    charts.terms_plot(df, metric="military_recruits_count", ax=left)
    charts.localities_plot(df, metric="cultural_families_pct", ax=right)
    assert fig.get_suptitle() == "" and left.get_title(loc="left") == "" and right.get_title(loc="left") == ""
    assert not fig.findobj(lambda a: hasattr(a, "get_gid") and a.get_gid() == "footer")
    charts.finish(fig, title="Hai biểu đồ", subtitle="thử", lang="vi")
    foot = footer(fig)
    assert "Báo Đông" in foot  # behind the recruits of Quận Đông, left
    assert "Cổng phường A" in foot and "Báo C" in foot  # behind the cultural families, right
    assert set(charts.drawn_rows(fig)["metric_id"]) == {"military_recruits_count", "cultural_families_pct"}


def test_axes_level_colours_follow_the_localities_drawn(df):
    ax = charts.localities_plot(df, metric="cultural_families_pct")
    expected = {c.lower() for c in theme.palette_for(["phuong-a", "phuong-c"]).values()}
    assert dot_colours(ax) and dot_colours(ax) <= expected  # a flagged figure's ring is red, not its colour


def test_coverage_sums_by_province_and_level_past_the_rule(df):
    ax = charts.coverage_heatmap(df, rule={"max_labelled": 2})
    assert ax.get_gid() == "coverage-by-province"
    assert len(ax.get_yticklabels()) == df["province_id"].nunique()
    assert any("Cấp xã" in t.get_text() for t in ax.get_xticklabels())
    assert "theo tỉnh và cấp" in ax.get_title(loc="left")
    assert charts.coverage_heatmap(df).get_gid() == "coverage-by-locality"


def test_huge_spreads_get_a_log_scale_said_in_the_label(df):
    df2 = df.copy()
    is_a = (df2["locality_id"] == "phuong-a") & (df2["metric_id"] == "cultural_families_pct")
    df2.loc[is_a, ["value", "value_per_year"]] = 1e6
    ax = charts.localities_chart(df2, metric="cultural_families_pct")
    assert ax.get_xscale() == "symlog" and "thang logarit" in ax.get_xlabel()
    assert "e" not in "".join(t.get_text() for t in ax.get_xticklabels())  # numbers as printed, no 1e6


def test_log_axis_labels_at_most_five_decades():
    from helpers.charts import decade_ticks

    assert decade_ticks(5, 800) == [1.0, 10.0, 100.0, 1000.0]
    wide = decade_ticks(0.5, 9_000_000)
    assert len(wide) <= 5 and wide[0] <= 0.5 and wide[-1] >= 9_000_000


def test_term_labels_break_onto_two_lines_only_on_a_narrow_chart():
    from helpers.charts import fit_ticks

    labels = ["Nhiệm kỳ 2010–2015", "Nhiệm kỳ 2015–2020", "Nhiệm kỳ 2020–2025"]
    wide, ax_wide = plt.subplots(figsize=(11, 6))
    narrow, ax_narrow = plt.subplots(figsize=(6.3, 4.4))
    try:
        assert fit_ticks(labels, ax_wide) == labels
        assert fit_ticks(labels, ax_narrow) == [x.replace("kỳ ", "kỳ\n") for x in labels]
    finally:
        plt.close(wide)
        plt.close(narrow)
