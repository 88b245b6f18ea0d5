"""Interactive controls for notebooks 02 and 03: choose metric, locality, term and language, and redraw.

The explorers start from the notebook's parameters, so a headless run (tests, nbclient) shows
the same charts the parameters cell asks for; in JupyterLab the controls redraw in place. At national
size (thousands of localities) a locality is found by typing part of its name, diacritics optional,
into a box that feeds a short list, and each explorer splits the table once, so a redraw only touches
the figures of the metric or locality shown.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from . import analysis, charts
from .localities import display_name
from .frames import without_attrs
from .periods import TERMS
from .texts import unmarked
from .theme import set_theme

LANGS = [("Tiếng Việt", "vi"), ("English", "en")]
SHORT_LIST = 12  # matches a search box offers at once: a list to read, not to scroll


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
    """(display name, id) of every locality, higher tiers first; a name several units share (Phường 1) is
    followed by its id, so the list never offers two identical entries."""
    units = df.drop_duplicates("locality_id").sort_values(["tier", "locality_name"])
    names = pd.Series([display_name(r.locality_name, r.level, lang) for r in units.itertuples()], dtype=object)
    twice = names.duplicated(keep=False).to_numpy()
    return [(f"{n} ({lid})" if dup else n, str(lid)) for n, lid, dup in zip(names, units["locality_id"], twice)]


def folded(text: str) -> str:
    """'Phường Ngọc Lâm' -> 'phuong ngoc lam': what typed searches compare, diacritics optional."""
    return " ".join(unmarked(text).casefold().split())


def search(options: list[tuple[str, str]], query: str, limit: int = SHORT_LIST) -> list[tuple[str, str]]:
    """The first `limit` options whose name holds every typed word (diacritics and case ignored)."""
    words_ = folded(query).split()
    hits = [o for o in options if all(w in folded(o[0]) for w in words_)] if words_ else options
    return hits[:limit]


class LocalityPicker:
    """A search box feeding a short list: typing 'ngoc lam' lists Phường Ngọc Lâm among at most SHORT_LIST
    matches, however many thousands of localities there are. `on_pick(fn)` calls fn(id) when the reader
    picks an entry, never while the list is being refilled as they type."""

    def __init__(self, options: list[tuple[str, str]], value: str | None = None, *,
                 description: str = "Địa phương / Locality"):
        import ipywidgets as w

        self.options, self._filling, self._callbacks = options, False, []
        self.search = w.Text(placeholder="gõ tên / type a name", description=description,
                             style={"description_width": "initial"})
        first = search(options, "")
        if value is not None and value not in {v for _, v in first}:
            first = [o for o in options if o[1] == value] + first[:-1]
        self.list = w.Select(options=first, value=value if value in {v for _, v in first} else None, rows=6,
                             layout=w.Layout(width="40%"))
        self.box = w.VBox([self.search, self.list])
        self.search.observe(self._refill, names="value")
        self.list.observe(self._picked, names="value")

    @property
    def value(self) -> str | None:
        return self.list.value

    def on_pick(self, fn) -> None:
        self._callbacks.append(fn)

    def _refill(self, change) -> None:
        keep = self.list.value
        hits = search(self.options, change["new"])
        self._filling = True
        try:
            self.list.options = hits
            self.list.value = keep if keep in {v for _, v in hits} else None
        finally:
            self._filling = False

    def _picked(self, change) -> None:
        if not self._filling and change["new"] is not None:
            for fn in self._callbacks:
                fn(change["new"])


def draw_metric(df: pd.DataFrame, metric: str, term: str | None, lang: str, highlight=None) -> None:
    """What notebook 02 shows for one choice: terms, localities side by side, and the caveats of the
    figures labelled (the grey context is summarised, not read figure by figure)."""
    with set_theme(lang=lang):
        first = charts.terms_chart(df, metric=metric, lang=lang, highlight=highlight)
        second = charts.localities_chart(df, metric=metric, term=term, lang=lang, highlight=highlight)
        labelled = pd.concat([charts.drawn_rows(first), charts.drawn_rows(second)]).drop_duplicates("figure_id")
        _show(first)
        _show(second)
    _print_caveats(analysis.caveats(labelled) if not labelled.empty else [], lang)


def draw_locality(df: pd.DataFrame, locality: str, lang: str) -> None:
    """What notebook 03 shows for one choice: the scorecard and targets against results."""
    with set_theme(lang=lang):
        _show(charts.scorecard(df, locality=locality, lang=lang))
    mine = analysis.select(df, locality=locality, figure_type=None)
    _print_caveats(analysis.caveats(mine), lang)


def split_by(df: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    """The table split once by `column` (one group-by), so each redraw handles one metric's or locality's
    figures, not the national table."""
    bare = without_attrs(df)
    return {str(k): g for k, g in bare.groupby(bare[column].astype(str), sort=False)}


def metric_explorer(df: pd.DataFrame, *, metric: str, term: str | None = None, lang: str = "vi", highlight=None):
    """Metric, term and language above the charts of notebook 02, and a search box that adds localities to
    highlight (the rest of their level stays grey context)."""
    import ipywidgets as w

    by_metric = split_by(df, "metric_id")
    pick_metric = w.Dropdown(options=metric_options(df, lang), value=metric, description="Chỉ số / Metric",
                             style={"description_width": "initial"}, layout=w.Layout(width="55%"))
    # "" stands for all terms: a dropdown shows a None value as an empty box
    pick_term = w.Dropdown(options=[("Mọi nhiệm kỳ / all terms", "")] + [(t, t) for t in TERMS], value=term or "",
                           description="Nhiệm kỳ / Term", style={"description_width": "initial"})
    pick_lang = w.ToggleButtons(options=LANGS, value=lang)
    units = locality_options(df, lang)
    picker, chosen = chosen_localities(units, highlight)
    ids = {n: v for n, v in units}
    out = w.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            picked = [ids[n] for n in chosen.value if n in ids] or None
            draw_metric(by_metric.get(pick_metric.value, df.iloc[0:0]), pick_metric.value, pick_term.value or None,
                        pick_lang.value, highlight=picked)

    for control in (pick_metric, pick_term, pick_lang, chosen):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([pick_metric, pick_term]), pick_lang, w.HBox([picker.box, chosen]), out])


def locality_explorer(df: pd.DataFrame, *, locality: str, lang: str = "vi"):
    """A search box for the locality and the language above the scorecard of notebook 03."""
    import ipywidgets as w

    by_locality = split_by(df, "locality_id")
    picker = LocalityPicker(locality_options(df, lang), locality)
    pick_lang = w.ToggleButtons(options=LANGS, value=lang)
    out = w.Output()
    shown = {"id": locality}

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            draw_locality(by_locality.get(shown["id"], df.iloc[0:0]), shown["id"], pick_lang.value)

    def pick(lid):
        shown["id"] = lid
        redraw()

    picker.on_pick(pick)
    pick_lang.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([picker.box, pick_lang]), out])


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
    picker, chosen = chosen_localities(units, localities, "Địa phương / Localities")
    ids = {n: v for n, v in units}
    go = w.Button(description="Xuất lại / Export again", button_style="primary")
    out = w.Output()

    def export(_):
        with out:
            out.clear_output()
            picked = [ids[n] for n in chosen.value if n in ids]
            new = export_pack(charts=list(pick_charts.value) or None, lang=lang, progress=print,
                              localities=picked or None, **export_args)  # none chosen: the pack's default set
            print(new / "briefing.pptx", new / "briefing.docx", sep="\n")

    go.on_click(export)
    return w.VBox([w.HBox([pick_charts, w.VBox([picker.box, chosen])]), go, out])


def chosen_localities(units: list[tuple[str, str]], value=None, description: str = "Tô màu / Highlight"):
    """A search box, its short list and the tags of the localities chosen so far: picking in the list adds a
    tag, deleting a tag removes it. Returns (LocalityPicker, tags of display names)."""
    import ipywidgets as w

    picker = LocalityPicker(units, description=description)
    chosen = w.TagsInput(value=[n for n, v in units if v in set(value or [])], allow_duplicates=False)
    names = {v: n for n, v in units}

    def add(lid):
        if names.get(lid) and names[lid] not in chosen.value:
            chosen.value = [*chosen.value, names[lid]]

    picker.on_pick(add)
    return picker, chosen
