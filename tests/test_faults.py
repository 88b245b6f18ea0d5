"""Faults found by hostile use (the faults issue): each test failed before its fix."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from helpers import charts, export, paths, theme
from helpers.export import export_pack
from tests import conftest
from tests.conftest import build_world

# ------------------------------------------------------------------ 1. '$' in chart text is text, not maths

DOLLARS = {"title": "US$ và 3 triệu US$", "publisher": r"Báo $\foo$", "a": "A $x^2$", "c": r"C $\foo$ US$"}


@pytest.fixture(scope="module")
def dollar_world(tmp_path_factory):
    """The small world with '$' in an article title, a publisher and two locality names."""
    mp = pytest.MonkeyPatch()
    arts = [dict(a) for a in conftest.WORLD_ARTICLES]
    arts[1].update(title=DOLLARS["title"], publisher=DOLLARS["publisher"])
    locs = [dict(loc) for loc in conftest.WORLD_LOCALITIES]
    for loc in locs:
        if loc["locality_id"] == "phuong-a":
            loc["name"] = DOLLARS["a"]
        if loc["locality_id"] == "phuong-c":
            loc["name"] = DOLLARS["c"]
    mp.setattr(conftest, "WORLD_ARTICLES", arts)
    mp.setattr(conftest, "WORLD_LOCALITIES", locs)
    try:
        return build_world(tmp_path_factory.mktemp("dollars"))
    finally:
        mp.undo()


def _drawn(fig) -> list:
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "_preprocess_math"))]


def test_dollar_signs_in_every_chart_are_drawn_as_text(dollar_world):
    from helpers import load

    data, texts = dollar_world
    df = load(data, texts, strict=True, cache=False)
    drawings = [
        lambda: charts.terms_chart(df, metric="party_members_admitted_count"),
        lambda: charts.localities_chart(df, metric="cultural_families_pct"),
        lambda: charts.plan_chart(df, metrics=["budget_revenue_pct_plan"], title="US$ $x^2$"),
        lambda: charts.targets_chart(df, title=r"$\foo$ US$"),
        lambda: charts.scorecard(df, locality="phuong-a", title="US$ $x^2$"),
        lambda: charts.coverage_heatmap(df, title=r"$\foo$"),
    ]
    with theme.set_theme(lang="vi"):
        for draw in drawings:
            obj = draw()
            fig = obj if hasattr(obj, "savefig") else obj.figure
            fig.canvas.draw()  # an invalid formula raised here (ParseFatalException) before the fix
            dollars = [t for t in _drawn(fig) if "$" in t.get_text()]
            assert dollars, "some text of the chart holds a '$'"
            for t in dollars:
                assert t._preprocess_math(t.get_text()) == (t.get_text(), False), t.get_text()
            joined = "\n".join(t.get_text() for t in dollars)
            assert any(s in joined for s in (*DOLLARS.values(), "US$ $x^2$", r"$\foo$ US$", r"$\foo$"))
            plt.close(fig)


def test_dollar_signs_do_not_stop_the_export(dollar_world, tmp_path, monkeypatch):
    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    data, texts = dollar_world
    out = export_pack(data, tmp_path / "out", texts=texts, today=date(2026, 1, 2), progress=lambda m: None)
    assert (out / "index.html").is_file()
    svg = next(out.glob("scorecard-phuong-a.svg"))
    assert svg.stat().st_size > 0
