"""The notebook controls: they start from the parameters and redraw when a choice changes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from helpers import widgets


@pytest.fixture(scope="module")
def df(world_df):
    return world_df


def test_metric_explorer_redraws_on_each_choice(df, monkeypatch):
    calls = []
    monkeypatch.setattr(widgets, "draw_metric",
                        lambda d, m, t, lang, highlight=None: calls.append((m, t, lang, highlight, set(d["metric_id"]))))
    box = widgets.metric_explorer(df, metric="party_members_admitted_count", lang="vi")
    pick_metric, pick_term = box.children[0].children
    pick_lang = box.children[1]
    pick_metric.value = "military_recruits_count"
    pick_term.value = "2020–2025"
    pick_lang.value = "en"
    assert [c[:4] for c in calls] == [
        ("party_members_admitted_count", None, "vi", None), ("military_recruits_count", None, "vi", None),
        ("military_recruits_count", "2020–2025", "vi", None), ("military_recruits_count", "2020–2025", "en", None)]
    # each redraw gets only the figures of its metric (the table is split once)
    assert calls[-1][4] == {"military_recruits_count"}


def test_typing_a_name_highlights_a_locality(df, monkeypatch):
    calls = []
    monkeypatch.setattr(widgets, "draw_metric", lambda d, m, t, lang, highlight=None: calls.append(highlight))
    box = widgets.metric_explorer(df, metric="party_members_admitted_count")
    finder, chosen = box.children[2].children
    search, short = finder.children
    search.value = "phuong c"  # no diacritics, any case
    assert [v for _, v in short.options] == ["phuong-c"]
    short.value = "phuong-c"
    assert chosen.value == ["Phường C"] and calls[-1] == ["phuong-c"]


def test_search_offers_a_short_list_whatever_the_number_of_localities():
    many = [(f"Phường {i}", f"phuong-{i}") for i in range(5000)]
    assert len(widgets.search(many, "")) == widgets.SHORT_LIST
    assert widgets.search(many, "phuong 4999") == [("Phường 4999", "phuong-4999")]
    assert widgets.folded("Phường Ngọc Lâm, ĐỒNG") == "phuong ngoc lam, dong"


def test_locality_explorer_finds_every_locality_by_name(df, monkeypatch):
    calls = []
    monkeypatch.setattr(widgets, "draw_locality", lambda d, loc, lang: calls.append((loc, lang, set(d["locality_id"]))))
    box = widgets.locality_explorer(df, locality="phuong-a")
    finder, pick_lang = box.children[0].children
    search, pick = finder.children
    assert pick.value == "phuong-a"
    search.value = "đông"
    assert [v for _, v in pick.options] == ["quan-dong"]
    pick.value = "quan-dong"
    assert calls == [("phuong-a", "vi", {"phuong-a"}), ("quan-dong", "vi", {"quan-dong"})]
    assert {v for _, v in widgets.locality_options(df)} == set(df["locality_id"])


def test_a_name_several_units_share_is_told_apart_by_its_id(df):
    twin = df[df["locality_id"] == "phuong-a"].assign(locality_id="phuong-a-2")
    import pandas as pd

    options = widgets.locality_options(pd.concat([df, twin]))
    assert ("Phường A (phuong-a)", "phuong-a") in options and ("Phường A (phuong-a-2)", "phuong-a-2") in options


def test_metric_options_are_labelled_in_the_chosen_language(df):
    assert ("New Party members", "party_members_admitted_count") in widgets.metric_options(df, "en")
    assert ("Số đảng viên mới kết nạp", "party_members_admitted_count") in widgets.metric_options(df, "vi")


def test_draw_metric_shows_two_charts_and_caveats(df, monkeypatch, capsys):
    shown = []
    monkeypatch.setattr(widgets, "_show", lambda obj: (shown.append(obj), plt.close("all")))
    widgets.draw_metric(df, "party_members_admitted_count", None, "en")
    assert len(shown) == 2
    assert "•" in capsys.readouterr().out


def test_briefing_picker_offers_the_packs_charts_and_exports_the_choice(df, tmp_path, monkeypatch):
    for stem in ("coverage", "localities-poverty-rate-pct"):
        (tmp_path / f"{stem}.csv").write_text("x\n")
    calls = []
    monkeypatch.setattr("helpers.export.export_pack", lambda **kw: calls.append(kw) or tmp_path)
    box = widgets.briefing_picker(tmp_path, df, charts=["coverage"])
    pick_charts, units = box.children[0].children
    finder, chosen = units.children
    assert pick_charts.options == ("coverage", "localities-poverty-rate-pct")
    assert pick_charts.value == ("coverage",)
    assert chosen.value == []  # none chosen: the pack's default set
    assert not calls, "nothing is exported until the button is pressed"
    finder.children[0].value = "phuong a"
    finder.children[1].value = "phuong-a"
    box.children[1].click()
    assert calls[0]["charts"] == ["coverage"] and calls[0]["localities"] == ["phuong-a"]
