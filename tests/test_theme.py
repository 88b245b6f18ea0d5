"""The theme: one function, restorable, fonts that carry Vietnamese, a fixed colour per locality."""
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


def test_one_fixed_colour_per_locality():
    colours = theme.locality_colours()
    plotted = ["quan-kien-an", "tp-tu-son", "tp-dong-ha", "phuong-thanh-to", "phuong-ngoc-thuy", "phuong-phu-chan"]
    assert len({colours[c] for c in plotted}) == len(plotted)
    assert colours["tp-hai-phong"] == theme.NEUTRAL  # provincial units are context, in grey
    assert theme.locality_colours() == colours  # the same on every call
