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
    monkeypatch.setattr(widgets, "draw_metric", lambda d, m, t, lang: calls.append((m, t, lang)))
    box = widgets.metric_explorer(df, metric="party_members_admitted_count", lang="vi")
    pick_metric, pick_term = box.children[0].children
    pick_lang = box.children[1]
    pick_metric.value = "military_recruits_count"
    pick_term.value = "2020–2025"
    pick_lang.value = "en"
    assert calls == [("party_members_admitted_count", None, "vi"), ("military_recruits_count", None, "vi"),
                     ("military_recruits_count", "2020–2025", "vi"), ("military_recruits_count", "2020–2025", "en")]


def test_locality_explorer_offers_every_locality(df, monkeypatch):
    calls = []
    monkeypatch.setattr(widgets, "draw_locality", lambda d, loc, lang: calls.append((loc, lang)))
    box = widgets.locality_explorer(df, locality="phuong-a")
    pick, pick_lang = box.children[0].children
    assert {v for _, v in pick.options} == set(df["locality_id"])
    assert ("Phường A", "phuong-a") in pick.options
    pick.value = "quan-dong"
    assert calls == [("phuong-a", "vi"), ("quan-dong", "vi")]


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
    pick_charts, pick_units = box.children[0].children
    assert pick_charts.options == ("coverage", "localities-poverty-rate-pct")
    assert pick_charts.value == ("coverage",)
    assert not calls, "nothing is exported until the button is pressed"
    pick_units.value = ("phuong-a",)
    box.children[1].click()
    assert calls[0]["charts"] == ["coverage"] and calls[0]["localities"] == ["phuong-a"]
