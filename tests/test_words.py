"""Numbers, qualifiers, dates and periods in words: one behaviour for captions, chart labels and caveats."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import words


@pytest.mark.parametrize("value, lang, text", [(142.2, "vi", "142,2"), (7210, "vi", "7.210"), (7210, "en", "7,210"),
                                                (0.58, "vi", "0,58"), (93.9, "en", "93.9"), (11.708, "vi", "11,71"),
                                                (None, "vi", "–"), (float("nan"), "en", "–")])
def test_numbers(value, lang, text):
    assert words.number(value, lang) == text


def test_compact_numbers_drop_decimals_from_a_thousand_up():
    assert words.number(1234.56, "vi") == "1.234,6"
    assert words.number(1234.56, "vi", compact=True) == "1.235"
    assert words.number(142.2, "vi", compact=True) == "142,2"


@pytest.mark.parametrize("args, text", [
    ((53, None, "approx"), "≈53"), ((53, None, "nearly"), "≈53"), ((9.23, None, "more_than"), ">9,23"),
    ((9.23, None, "at_least"), "≥9,23"), ((5, None, "less_than"), "<5"), ((5, None, "at_most"), "≤5"),
    ((93.15, 93.9, "exact"), "93,15–93,9"), ((93.15, 93.15, "exact"), "93,15"), ((118, float("nan"), "exact"), "118"),
    ((118, None, "unknown_code"), "118"),
])
def test_figures_with_their_qualifier(args, text):
    assert words.figure(*args) == text


def test_figure_suffix_and_english():
    assert words.figure(118, None, "more_than", "vi", "%") == ">118%"
    assert words.figure(7210.5, 7300, "approx", "en", compact=True) == "≈7,210–7,300"  # 7210.5 rounds half to even


@pytest.mark.parametrize("text, lang, out", [("2024-05-22", "vi", "22/05/2024"), ("2023-04", "vi", "04/2023"),
                                             ("2020", "vi", "2020"), ("2024-05-22", "en", "2024-05-22")])
def test_dates(text, lang, out):
    assert words.date(text, lang) == out


@pytest.mark.parametrize("start, end, vi, en", [
    ("2021-01-01", "2021-12-31", "2021", "2021"),
    ("2016-01-01", "2020-12-31", "2016–2020", "2016–2020"),
    ("2023-04-01", "2023-04-30", "04/2023", "2023-04"),  # one month: never '04–04/2023'
    ("2023-01-01", "2023-07-31", "01–07/2023", "2023-01 to 07"),
    ("2021-01-01", "2023-06-30", "01/2021–06/2023", "2021-01 to 2023-06"),
])
def test_periods(start, end, vi, en):
    assert words.period(start, end, "vi") == vi and words.period(pd.Timestamp(start), pd.Timestamp(end), "en") == en


def test_april_2023_reads_alike_in_a_caveat_and_on_a_chart(make_data):
    """One month's figure: the same words in the analysis's caveat and the chart's tick label."""
    import matplotlib.pyplot as plt

    from helpers import analysis, charts, load
    from tests.conftest import GOOD_ROWS

    rows = [dict(r, qualifier="approx") if r["period_start"] == "2023-04" else r for r in GOOD_ROWS]
    df = load(*make_data(rows), strict=True)
    april = analysis.select(df, metric="party_members_count")
    caveat = " ".join(c.text("vi") for c in analysis.caveats(april))
    ax = charts.localities_chart(df, metric="party_members_count")
    ticks = " ".join(t.get_text() for t in ax.get_yticklabels())
    plt.close("all")
    assert "(04/2023)" in caveat and ticks.endswith("\n04/2023")
    assert "04–04/2023" not in caveat + ticks
