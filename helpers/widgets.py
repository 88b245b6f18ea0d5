"""Interactive controls for notebooks 02 and 03: choose metric, locality, term and language, and redraw.

The explorers start from the notebook's parameters, so a headless run (tests, nbclient) shows
the same charts the parameters cell asks for; in JupyterLab the dropdowns redraw in place.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from . import analysis, charts
from .localities import display_name
from .periods import TERMS
from .theme import set_theme

LANGS = [("Tiếng Việt", "vi"), ("English", "en")]


def _show(obj) -> None:
    from IPython.display import display

    fig = obj if hasattr(obj, "savefig") else obj.figure
    display(fig)
    plt.close(fig)


def _print_caveats(found, lang: str) -> None:
    for caveat in found:
        print("•", caveat.text(lang))


def metric_options(df: pd.DataFrame, lang: str = "vi") -> list[tuple[str, str]]:
    """(label, metric_id) for every metric with a result, in label order."""
    col = "label_vi" if lang == "vi" else "label_en"
    metrics = df[df["figure_type"] == "result"].drop_duplicates("metric_id")
    return sorted(zip(metrics[col].astype(str), metrics["metric_id"].astype(str)))


def locality_options(df: pd.DataFrame, lang: str = "vi") -> list[tuple[str, str]]:
    units = df.drop_duplicates("locality_id").sort_values(["tier", "locality_name"])
    return [(display_name(r.locality_name, r.level, lang), r.locality_id) for r in units.itertuples()]


def draw_metric(df: pd.DataFrame, metric: str, term: str | None, lang: str) -> None:
    """What notebook 02 shows for one choice: terms, localities side by side, caveats."""
    with set_theme(lang=lang):
        _show(charts.terms_chart(df, metric=metric, lang=lang))
        _show(charts.localities_chart(df, metric=metric, term=term, lang=lang))
    _print_caveats(analysis.caveats(analysis.select(df, metric=metric, term=term)), lang)


def draw_locality(df: pd.DataFrame, locality: str, lang: str) -> None:
    """What notebook 03 shows for one choice: the scorecard and targets against results."""
    with set_theme(lang=lang):
        _show(charts.scorecard(df, locality=locality, lang=lang))
    mine = analysis.select(df, locality=locality, figure_type=None)
    _print_caveats(analysis.caveats(mine), lang)


def metric_explorer(df: pd.DataFrame, *, metric: str, term: str | None = None, lang: str = "vi"):
    """Dropdowns for metric, term and language above the charts of notebook 02."""
    import ipywidgets as w

    pick_metric = w.Dropdown(options=metric_options(df, lang), value=metric, description="Chỉ số / Metric",
                             style={"description_width": "initial"}, layout=w.Layout(width="55%"))
    # "" stands for all terms: a dropdown shows a None value as an empty box
    pick_term = w.Dropdown(options=[("Mọi nhiệm kỳ / all terms", "")] + [(t, t) for t in TERMS], value=term or "",
                           description="Nhiệm kỳ / Term", style={"description_width": "initial"})
    pick_lang = w.ToggleButtons(options=LANGS, value=lang)
    out = w.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            draw_metric(df, pick_metric.value, pick_term.value or None, pick_lang.value)

    for control in (pick_metric, pick_term, pick_lang):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([pick_metric, pick_term]), pick_lang, out])


def locality_explorer(df: pd.DataFrame, *, locality: str, lang: str = "vi"):
    """Dropdown for locality and language above the scorecard of notebook 03."""
    import ipywidgets as w

    pick = w.Dropdown(options=locality_options(df, lang), value=locality, description="Địa phương / Locality",
                      style={"description_width": "initial"}, layout=w.Layout(width="50%"))
    pick_lang = w.ToggleButtons(options=LANGS, value=lang)
    out = w.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            draw_locality(df, pick.value, pick_lang.value)

    pick.observe(redraw, names="value")
    pick_lang.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([pick, pick_lang]), out])


def briefing_picker(pack, df: pd.DataFrame, *, charts=None, localities=None, lang: str = "vi", **export_args):
    """Lists of the pack's charts and of the localities, and a button that exports the pack again with
    briefing.pptx and briefing.docx holding only the chosen ones (notebook 04). Nothing is written until
    the button is pressed, so a headless run only shows the choice the parameters made."""
    import ipywidgets as w

    from .export import export_pack

    stems = [p.stem for p in sorted(pack.glob("*.csv"), key=lambda p: p.name)]
    pick_charts = w.SelectMultiple(options=stems, value=tuple(charts or stems), rows=12,
                                   description="Biểu đồ / Charts", style={"description_width": "initial"},
                                   layout=w.Layout(width="60%"))
    units = locality_options(df, lang)
    pick_units = w.SelectMultiple(options=units, value=tuple(localities or [u for _, u in units]), rows=12,
                                  description="Địa phương / Localities", style={"description_width": "initial"})
    go = w.Button(description="Xuất lại / Export again", button_style="primary")
    out = w.Output()

    def export(_):
        with out:
            out.clear_output()
            chosen_units = list(pick_units.value)
            new = export_pack(charts=list(pick_charts.value) or None, lang=lang, progress=print,
                              localities=None if len(chosen_units) == len(units) else chosen_units, **export_args)
            print(new / "briefing.pptx", new / "briefing.docx", sep="\n")

    go.on_click(export)
    return w.VBox([w.HBox([pick_charts, pick_units]), go, out])
