"""The theme: one function, restorable, fonts that carry Vietnamese, a stable colour per locality."""
from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from helpers import theme


def test_set_theme_restores_on_exit():
    before = mpl.rcParams["pdf.fonttype"]
    with theme.set_theme(lang="en"):
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["svg.fonttype"] == "path"
        assert theme.current_lang() == "en"
    assert mpl.rcParams["pdf.fonttype"] == before
    assert theme.current_lang() == "vi"


def test_bad_language_refused():
    with pytest.raises(ValueError, match="'vi' or 'en'"):
        theme.set_theme(lang="fr")


def test_vietnamese_text_has_every_glyph():
    with theme.set_theme(), warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns 'Glyph ... missing from font'
        fig, ax = plt.subplots()
        ax.set_title("Đảng viên mới kết nạp — Phường Ngọc Thụy, Thành Tô, Phù Chẩn: ằẳẵặẫẩậ ữựửừứ ỹỷỵỳ ổộồốỗ")
        fig.canvas.draw()
        plt.close(fig)


def test_a_locality_keeps_its_colour_whatever_else_is_drawn():
    one = theme.palette_for(["phuong-a", "quan-dong", "tp-thu"])
    other = theme.palette_for(["phuong-a", "xa-khac", "phuong-ngoc-thuy", "tp-tu-son"])
    assert one["phuong-a"] == other["phuong-a"] == theme.palette_for(["phuong-a"])["phuong-a"]
    assert theme.palette_for(reversed(list(one))) == one  # the order given changes nothing


@pytest.mark.parametrize("n", [2, 5, 16])
def test_localities_drawn_together_are_told_apart(n):
    assert n <= len(theme.PALETTE)
    ids = [f"phuong-{i}" for i in range(n)]
    colours = theme.palette_for(ids)
    assert set(colours) == set(ids) and len(set(colours.values())) == n
    assert set(colours.values()) <= set(theme.PALETTE) and theme.NEUTRAL not in colours.values()


def test_more_localities_than_colours_repeat_colours_but_keep_each_one():
    ids = [f"xa-{i}" for i in range(40)]
    colours = theme.palette_for(ids)
    assert set(colours.values()) == set(theme.PALETTE)
    assert all(theme.palette_for(ids)[i] == colours[i] for i in ids)
