"""Plot helpers shaped like seaborn's, in its two kinds.

Axes-level helpers (`terms_plot`, `localities_plot`, `plan_plot`, `targets_plot`, `coverage_plot`,
`metric_panel`) take `data, *, …, ax=None`, draw only into that Axes and return it: no title, footer or
sources, colours from `theme.palette_for` over the localities drawn (or `palette`). Each records the rows it
plotted (`drawn_rows`), so a figure holding several of them names every article behind them.
Figure-level helpers (`terms_chart`, `localities_chart`, `plan_chart`, `targets_chart`, `scorecard`,
`coverage_heatmap`) own a figure and add title, subtitle and the footer of sources (`finish`).
Saving lives in `export.save_chart`. Uncertain figures are marked: hollow = approximate,
▲ = lower bound ("hơn"), a bar = a range. Past a number of localities set in data/pack.csv a view
labels the chosen and notable ones and shows the rest as context (`helpers/focus.py`).
"""
from __future__ import annotations

import textwrap
import weakref

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter
import pandas as pd
import seaborn as sns

from . import analysis, words
from .frames import without_attrs
from .focus import Focus, focus
from .rules import view_rule
from .localities import display_name
from .periods import TERMS
from .schema import label
from .theme import MARK_LABELS, MARKS, NEUTRAL, SIZES, STATUS_COLOURS, current_lang, palette_for
from .units import unit_label

TEXT = {
    "source": ("Nguồn", "Sources"),
    "no_publisher": ("không rõ nơi đăng", "publisher not stated"),
    "per_year": ("tính bình quân mỗi năm", "per year"),
    "plan_line": ("100% kế hoạch", "100% of plan"),
    "target_line": ("= chỉ tiêu", "= target"),
    "pct_of_target": ("% so với chỉ tiêu", "% of target"),
    "coverage": ("Số liệu theo địa phương và nhiệm kỳ", "Figures by locality and term"),
    "coverage_sub": ("Số chỉ số có số liệu ở mỗi địa phương, mỗi nhiệm kỳ", "Indicators with figures for each locality and term"),
    "targets": ("Kết quả so với chỉ tiêu", "Results against targets"),
    "scorecard": ("Tổng hợp số liệu", "Scorecard"),
    "marks": ("Ký hiệu", "Marks"),
    "no_data": ("Không có số liệu", "No figures"),
    "context_band": ("10–90% của {n} {kinds} khác", "10–90% of {n} other {kinds}"),
    "context_median": ("trung vị của phần nền xám", "median of the grey context"),
    "context_row": ("{n} {kinds} khác", "{n} other {kinds}"),
    "log_scale": ("thang logarit", "log scale"),
    "n_sources": ("{n} bài báo (danh sách trong tệp số liệu)", "{n} articles (listed in the numbers file)"),
    "more_sources": ("và {n} bài báo khác cho phần nền xám (xem tệp số liệu)",
                     "and {n} other articles behind the grey context (see the numbers file)"),
    "coverage_agg": ("Số địa phương có số liệu, theo tỉnh và cấp, mỗi nhiệm kỳ ({n} địa phương)",
                     "Localities with figures, by province and level, in each term ({n} localities)"),
}


def t(key: str, lang: str) -> str:
    vi, en = TEXT[key]
    return vi if lang == "vi" else en


# ---------------------------------------------------------------- formatting

def sources_line(rows: pd.DataFrame, lang: str = "vi", context: pd.DataFrame | None = None) -> str:
    """'Nguồn: Thành ủy Đông Hà (22/05/2024); …' for the articles behind `rows`; the articles behind the
    `context` (figures drawn unlabelled) are counted, not listed: a thousand names help no reader."""
    arts = rows.drop_duplicates("article_id").sort_values(["published", "article_id"])
    items = []
    for _, a in arts.iterrows():
        who = a["publisher"] if isinstance(a["publisher"], str) and a["publisher"] else (
            f"“{textwrap.shorten(a['article_title'], 60, placeholder='…')}” ({t('no_publisher', lang)})")
        items.append(f"{who}, {words.date(a['published'], lang)}")
    more = 0 if context is None else len(set(context["article_id"].astype(str)) - set(arts["article_id"].astype(str)))
    if more:
        key = "more_sources" if items else "n_sources"
        items.append(t(key, lang).format(n=words.number(more, lang)))
    return f"{t('source', lang)}: " + "; ".join(items) if items else ""


def terms_text(terms, lang: str) -> str:
    """'nhiệm kỳ 2015–2020 và 2020–2025' / 'terms 2015–2020 and 2020–2025'."""
    terms = [str(x) for x in terms]
    if not terms:
        return ""
    joined = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + (" và " if lang == "vi" else " and ") + terms[-1]
    return ("nhiệm kỳ " if lang == "vi" else ("term " if len(terms) == 1 else "terms ")) + joined


def metric_text(rows: pd.DataFrame, metric: str, lang: str) -> tuple[str, str, str]:
    """(label, unit label, kind) of a metric from the tidy rows."""
    r = rows[rows["metric_id"] == metric].iloc[0]
    per_year = r["kind"] == "flow"
    label_en = r.get("unit_en")
    return ((r["label_vi"] if lang == "vi" else r["label_en"]),
            unit_label(r["unit"], lang, per_year, label_en if isinstance(label_en, str) else None), r["kind"])


def locality_text(rows: pd.DataFrame, lang: str) -> dict[str, str]:
    first = rows.drop_duplicates("locality_id").set_index("locality_id")
    return {lid: display_name(r["locality_name"], r["level"], lang) for lid, r in first.iterrows()}


# ---------------------------------------------------------------- frame and marks

def _axes(ax, size="slide"):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=SIZES[size], layout="constrained")
    return fig, ax


# What each axes-level helper drew, by Axes: its rows (for the sources) and its focus (for the subtitle).
# Weak keys, so a closed figure's entries go with it.
_DRAWN: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _record(ax, rows: pd.DataFrame, found: Focus | None = None, context: pd.DataFrame | None = None) -> None:
    _DRAWN[ax] = {"rows": rows, "focus": found, "context": context}


def drawn_rows(target, *, context: bool = False) -> pd.DataFrame:
    """The figures plotted in an Axes, or in every Axes of a Figure: the labelled ones, whose articles the
    footer names, and with `context=True` also those drawn only as context."""
    axes = target.axes if hasattr(target, "savefig") else [target]
    parts = [part for ax in axes if ax in _DRAWN
             for part in (_DRAWN[ax]["rows"], _DRAWN[ax]["context"] if context else None) if part is not None]
    return pd.concat(parts) if parts else pd.DataFrame(columns=["article_id", "publisher", "published"])


def drawn_focus(ax) -> Focus | None:
    return _DRAWN.get(ax, {}).get("focus")


def finish(fig, *, title: str, subtitle: str, lang: str, panels: bool = False) -> None:
    """Figure-level: title, subtitle and the footer naming the articles behind every Axes drawn in `fig`."""
    def fit(text: str, points: float, indent: float = 0.0) -> str:
        """Wrapped to the figure's width less `indent` inches (a bold DejaVu Sans character is about 0.62 em),
        so an A4 title is not cut."""
        width = max(30, int((fig.get_figwidth() - indent) * 72 / (points * 0.62)))
        return "\n".join(textwrap.fill(line, width) for line in text.split("\n"))

    if not panels:
        fig.suptitle(fit(title, 14), x=0.01, ha="left", fontweight="bold", fontsize=14)
        ax = fig.axes[0]
        ax.set_title(fit(subtitle, 10, _tick_label_inches(ax)), loc="left", fontsize=10, fontweight="normal",
                     color="#444444")
    else:  # several panels: the subtitle rides in the suptitle, which the layout makes room for
        fig.suptitle(f"{fit(title, 12)}\n{fit(subtitle, 12)}", x=0.01, ha="left", fontweight="bold", fontsize=12)
    footer = textwrap.fill(sources_line(drawn_rows(fig), lang, drawn_rows(fig, context=True)),
                           150 if fig.get_figwidth() > 8 else 95)
    fig.supxlabel(footer, x=0.01, ha="left", fontsize=7.5, color="#555555").set_gid("footer")


def _tick_label_inches(ax) -> float:
    """About how far the axes start from the figure's left edge: the widest y tick label (names, in a
    localities chart) and the axis label. The subtitle starts there, so it is wrapped that much narrower."""
    labels = [line for tick in ax.get_yticklabels() for line in tick.get_text().split("\n")]
    size = ax.yaxis.get_ticklabels()[0].get_fontsize() if labels else 10
    return max((len(x) for x in labels), default=8) * size * 0.6 / 72 + 0.5


def _with_note(subtitle: str, found: Focus | None, lang: str) -> str:
    """The subtitle, and on its own line how many units the grey context summarises."""
    note = found.note(lang) if found is not None else ""
    return f"{subtitle}\n{note[0].upper()}{note[1:]}" if note else subtitle


def value_axis(ax, values, unit: str, lang: str, axis: str = "y") -> None:
    """Label the value axis with its unit and numbers as the text prints them ('7.210', never '1e6'); when
    the values drawn span three orders of magnitude or more, a log scale (said in the label), or the
    smallest would all sit on zero."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    log = len(v) > 1 and v.max() / v.min() >= 1000
    if log:
        (ax.set_yscale if axis == "y" else ax.set_xscale)("symlog", linthresh=float(v.min()))
        (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(FixedLocator(decade_ticks(v.min(), v.max())))
        unit = f"{unit} ({t('log_scale', lang)})"
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(unit)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(
        FuncFormatter(lambda x, _: words.number(x, lang, compact=True)))


def decade_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Powers of ten covering low..high, every second or third one when there are more than `most`, so the
    labels of a log axis never collide on an A4 chart ('1.000.000' is wide)."""
    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    step = int(np.ceil((last - first + 1) / most))
    return [10.0 ** d for d in range(first, last + 1, step)]


def draw_figure(ax, x, y, *, low=None, high=None, qualifier="exact", flagged=False, colour=NEUTRAL,
                size=70, zorder=3):
    """One figure as a mark: filled or hollow, ▲/▼ for bounds, a bar for a range, red edge if flagged."""
    marker, filled = MARKS.get(qualifier, ("o", True))
    if low is not None and high is not None and not pd.isna(low) and not pd.isna(high) and high > low:
        ax.vlines(x, low, high, colors=colour, linewidth=3, alpha=0.55, zorder=zorder - 1, gid="interval")
    ax.scatter([x], [y], marker=marker, s=size, zorder=zorder, facecolors=colour if filled else "white",
               edgecolors="#C00000" if flagged else colour, linewidths=2.2 if flagged else 1.6)


def marks_legend(ax, rows: pd.DataFrame, lang: str, loc="upper right") -> None:
    """A small legend of the marks that actually appear, so a reader can decode them."""
    from matplotlib.lines import Line2D

    present = []
    q = set(rows["qualifier"].astype(str))
    if q & {"approx", "nearly"}:
        present.append(("approx", Line2D([], [], marker="o", ls="", mfc="white", mec="#333333")))
    if q & {"more_than", "at_least"}:
        present.append(("more_than", Line2D([], [], marker="^", ls="", color="#333333")))
    if q & {"less_than", "at_most"}:
        present.append(("less_than", Line2D([], [], marker="v", ls="", color="#333333")))
    if rows["value_high"].notna().any():
        present.append(("range", Line2D([], [], color="#333333", lw=3, alpha=0.55)))
    if rows["flag"].notna().any():
        present.append(("flagged", Line2D([], [], marker="o", ls="", mfc="white", mec="#C00000", mew=2)))
    idx = 0 if lang == "vi" else 1
    labelled = [(h, MARK_LABELS[k][idx]) for k, h in present] + [
        (a, a.get_label()) for a in [*ax.collections, *ax.lines]
        if str(a.get_gid()).startswith("context") and not a.get_label().startswith("_")]
    if not labelled:
        return
    leg = ax.legend([h for h, _ in labelled], [x for _, x in labelled], title=t("marks", lang),
                    loc=loc, fontsize=8, title_fontsize=8, frameon=True)
    leg.set_gid("marks-legend")
    ax.add_artist(leg)


def _no_data(ax, lang):
    ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center", transform=ax.transAxes, color=NEUTRAL)


# ---------------------------------------------------------------- one indicator across terms

def view_focus(rows: pd.DataFrame, kind: str, *, highlight=None, province=None, rule=None) -> Focus:
    """The highlight/context split a chart of `kind` ('across_terms' or 'localities') makes of its rows:
    the deck's native charts ask it too, so a slide and the pack's picture agree."""
    if kind == "across_terms":
        rows = rows[rows["term"].notna()]
    return focus(rows, highlight=highlight, province=province, **view_settings(kind, rule))


def view_settings(kind: str, rule: dict | None) -> dict:
    """The rule of a chart kind from data/pack.csv, overridden by the caller's (e.g. {'max_labelled': None})."""
    out = {k: v for k, v in view_rule(kind).items() if k in ("max_labelled", "notable")}
    return {**out, **{k: v for k, v in (rule or {}).items() if k in out}}


def _kinds(found: Focus, lang: str) -> str:
    from .focus import level_words

    return level_words(found.levels, lang)


def terms_plot(data: pd.DataFrame, *, metric: str, figure_type: str = "result", localities=None, highlight=None,
               province: str | None = None, lang: str | None = None, ax=None, palette: dict[str, str] | None = None,
               rule: dict | None = None):
    """Axes-level: one metric across congress terms, a labelled line per highlighted locality (flows per
    year so terms compare) and, past the rule's `max_labelled`, the rest of their level as a grey band.
    `localities` limits the data to those units; `highlight` and `province` are drawn whatever the ranks."""
    lang = current_lang(lang)
    data = without_attrs(data)
    _, ax = _axes(ax)
    rows = analysis.select(data, metric=metric, figure_type=figure_type, locality=localities)
    rows = rows[rows["term"].notna()]
    if rows.empty:
        _no_data(ax, lang)
        return ax
    found = view_focus(rows, "across_terms", highlight=highlight, province=province, rule=rule)
    mine = rows[rows["locality_id"].astype(str).isin(found.highlighted)]
    view = analysis.term_view(mine, metric, figure_type=figure_type)
    band = _term_band(rows[rows["locality_id"].astype(str).isin(found.context)])
    present = set(view["term"].astype(str)) | set(band.index)
    terms = [tm for tm in TERMS if tm in present]
    shown = list(TERMS[TERMS.index(terms[0]):TERMS.index(terms[-1]) + 1])
    if not band.empty:
        _draw_band(ax, band, shown, t("context_band", lang).format(n=words.number(len(found.context), lang),
                                                                   kinds=_kinds(found, lang)), lang)
    names = locality_text(mine, lang)
    palette = {**palette_for(view["locality_id"]), **(palette or {})}
    notes = [note for lid, g in view.groupby("locality_id", sort=False)
             for note in _term_line(ax, g, shown, mine, names[lid], palette[lid], lang, name_last=found.summarised)]
    ticks = fit_ticks([label("term", tm, lang) for tm in shown], ax)
    ax.set_xticks(range(len(shown)), ticks)
    if ticks and not _fits(max(len(x) for tk in ticks for x in tk.split("\n")), len(ticks), ax):
        ax.tick_params(axis="x", labelrotation=30)  # even two lines run together: tilt them
    ax.set_xlim(-0.5, len(shown) - 0.3)
    ax.set_ylim(bottom=0)
    value_axis(ax, np.r_[view["value"], band.to_numpy().ravel()], metric_text(rows, metric, lang)[1], lang)
    spread_labels(ax, notes)
    ax.grid(axis="x", visible=False)
    marks_legend(ax, mine, lang, loc="best")
    _record(ax, mine, found, rows[rows["locality_id"].astype(str).isin(found.context)])
    return ax


def _term_line(ax, g, shown, rows, name, colour, lang, *, name_last=False):
    """One locality's line: a mark per term and its printed figure; its name at every mark, or only at the
    last one when a band of context lies beneath (fewer words on a busy chart)."""
    xs = [shown.index(str(tm)) for tm in g["term"]]
    notes = []
    if len(xs) > 1:
        ax.plot(xs, g["value"], color=colour, lw=1.8 if name_last else 1.5, alpha=0.9, gid="highlight")
    for i, (x, (_, r)) in enumerate(zip(xs, g.iterrows())):
        sub = rows[rows["figure_id"].isin(r["figure_ids"])]
        q = r["qualifier"] if r["qualifier"] != "mixed" else "exact"
        draw_figure(ax, x, r["value"], low=r["low"], high=r["high"], qualifier=q,
                    flagged=sub["flag"].notna().any(), colour=colour, size=90)
        text = _cell_text(r, q, lang)
        if not name_last or i == len(xs) - 1:
            text = f"{name}: {text}"
        notes.append(ax.annotate(text, (x, r["value"]), xytext=(9, 0), textcoords="offset points", va="center",
                                 fontsize=9, color=colour))
    return notes


def fit_ticks(labels: list[str], ax) -> list[str]:
    """Category labels on two lines ('Nhiệm kỳ' over '2010–2015') when one line would run into the next on
    a narrow (A4) chart."""
    if _fits(max((len(x) for x in labels), default=0), len(labels), ax):
        return labels
    return ["\n".join(x.rsplit(" ", 1)) for x in labels]


def _fits(chars: int, categories: int, ax) -> bool:
    """Whether a tick label of `chars` characters fits its category's share of the axis width."""
    from matplotlib.font_manager import FontProperties

    size = FontProperties(size=plt.rcParams["xtick.labelsize"]).get_size_in_points()
    room = ax.figure.get_figwidth() * 0.7 / max(categories, 1) * 72  # points per category
    return chars * size * 0.62 <= room


def spread_labels(ax, notes, gap: float = 13.0) -> None:
    """Move labels of one column apart (at least `gap` points) so close values stay legible; each label stays
    beside its mark, only its offset changes. Positions are read with the axis limits already set."""
    ax.figure.canvas.draw_idle()
    to_points = 72 / ax.figure.dpi
    by_x: dict[float, list] = {}
    for note in notes:
        by_x.setdefault(round(float(note.xy[0]), 6), []).append(note)
    for column in by_x.values():
        placed = sorted(((ax.transData.transform(n.xy)[1] * to_points, n) for n in column), key=lambda p: p[0])
        last = -np.inf
        for y, note in placed:
            target = max(y, last + gap)
            note.set_position((note.get_position()[0], target - y))
            last = target


def _term_band(rows: pd.DataFrame) -> pd.DataFrame:
    """Per term, the 10th, 50th and 90th percentiles of the context localities' medians: one group-by."""
    if rows.empty:
        return pd.DataFrame(columns=[0.1, 0.5, 0.9])
    cells = pd.DataFrame({"term": rows["term"].astype(str).to_numpy(), "lid": rows["locality_id"].astype(str).to_numpy(),
                          "v": analysis.comparable(rows).to_numpy()}).dropna()
    per = cells.groupby(["term", "lid"])["v"].median()
    return per.groupby(level="term").quantile([0.1, 0.5, 0.9]).unstack()


def _draw_band(ax, band: pd.DataFrame, shown: list[str], text: str, lang: str) -> None:
    """The context: a grey band from the 10th to the 90th percentile and a dashed median, named in the
    legend (an annotation ran into the labels of the highlighted units)."""
    band = band.reindex([tm for tm in shown if tm in band.index])
    xs = [shown.index(tm) for tm in band.index]
    ax.fill_between(xs, band[0.1], band[0.9], color=NEUTRAL, alpha=0.18, lw=0, gid="context", zorder=1, label=text)
    ax.plot(xs, band[0.5], color=NEUTRAL, lw=1, ls="--", gid="context-median", zorder=1,
            label=t("context_median", lang))
    if len(xs) == 1:  # one term: a band has no width, so a bar shows it
        ax.vlines(xs, band[0.1], band[0.9], colors=NEUTRAL, lw=8, alpha=0.25, gid="context")


def terms_chart(data: pd.DataFrame, *, metric: str, figure_type: str = "result", localities=None, highlight=None,
                province: str | None = None, lang: str | None = None, title: str | None = None,
                size: str = "slide", palette: dict[str, str] | None = None, rule: dict | None = None):
    """Figure-level `terms_plot`: title (the metric), subtitle (unit, terms, how many units are summarised)
    and the sources."""
    lang = current_lang(lang)
    fig, ax = _axes(None, size)
    terms_plot(data, metric=metric, figure_type=figure_type, localities=localities, highlight=highlight,
               province=province, lang=lang, ax=ax, palette=palette, rule=rule)
    rows = drawn_rows(ax)
    if rows.empty:
        return ax
    label_, unit, _ = metric_text(rows, metric, lang)
    terms = terms_text([tm for tm in TERMS if tm in set(rows["term"].astype(str))], lang)
    finish(fig, title=title or label_, subtitle=_with_note(f"{unit}; {terms}", drawn_focus(ax), lang), lang=lang)
    return ax


def _cell_text(r, qualifier, lang: str) -> str:
    """A term's label: its one figure as printed, or the span of its figures and how many, never a median
    no article printed."""
    if r["n_figures"] <= 1 or r["low"] == r["high"]:
        return words.figure(r["value"], None, qualifier, lang, compact=True)
    n = int(r["n_figures"])
    return f"{words.figure(r['low'], r['high'], 'exact', lang, compact=True)} ({n} {'số liệu' if lang == 'vi' else 'figures'})"


# ---------------------------------------------------------------- localities side by side

def localities_plot(data: pd.DataFrame, *, metric: str, term: str | None = None, figure_type: str = "result",
                    localities=None, highlight=None, province: str | None = None, lang: str | None = None, ax=None,
                    palette: dict[str, str] | None = None, rule: dict | None = None):
    """Axes-level: localities side by side on one metric, one labelled dot per figure of a highlighted unit
    (annualised for flows, period in the label); past the rule's `max_labelled`, the rest of their level as
    one row of faint dots and a grey 10–90% band, unlabelled. `localities` limits the data to those units."""
    lang = current_lang(lang)
    data = without_attrs(data)
    _, ax = _axes(ax)
    rows = analysis.select(data, metric=metric, term=term, figure_type=figure_type, locality=localities)
    if rows.empty:
        _no_data(ax, lang)
        return ax
    rows = rows.assign(cmp_v=analysis.comparable(rows).to_numpy(), cmp_h=analysis.comparable_high(rows).to_numpy())
    found = view_focus(rows, "localities", highlight=highlight, province=province, rule=rule)
    ids = rows["locality_id"].astype(str)
    mine = rows[ids.isin(found.highlighted)].sort_values("cmp_v", kind="stable")
    names = locality_text(mine, lang)
    palette = {**palette_for(mine["locality_id"]), **(palette or {})}
    rows_per_inch = (len(mine) + 1) / ax.figure.get_figheight()
    sep = "\n" if rows_per_inch <= 1.0 else " · "  # two-line labels only where the rows have room for them
    ticks = [f"{names[r.locality_id]}{sep}{words.period(r.period_start, r.period_end, lang)}" for r in mine.itertuples()]
    for y, r in enumerate(mine.itertuples()):
        colour = palette[r.locality_id]
        draw_figure(ax, r.cmp_v, y, qualifier=r.qualifier, flagged=pd.notna(r.flag), colour=colour, size=90)
        if pd.notna(r.cmp_h) and r.cmp_h > r.cmp_v:
            ax.hlines(y, r.cmp_v, r.cmp_h, colors=colour, lw=3, alpha=0.55, gid="interval")
        ax.annotate(words.figure(r.cmp_v, r.cmp_h, r.qualifier, lang, compact=True), (np.nanmax([r.cmp_v, r.cmp_h]), y),
                    xytext=(8, 0), textcoords="offset points", va="center", fontsize=9)
    context = rows[ids.isin(found.context)]
    if not context.empty:
        ticks.append(t("context_row", lang).format(n=words.number(len(found.context), lang), kinds=_kinds(found, lang)))
        _context_row(ax, context["cmp_v"].to_numpy(dtype=float), len(mine))
    ax.set_yticks(range(len(ticks)), ticks)
    ax.set_ylim(-0.7, len(ticks) - 0.3)
    hi = np.nanmax(np.r_[rows["cmp_v"], rows["cmp_h"]])
    value_axis(ax, rows["cmp_v"], metric_text(rows, metric, lang)[1], lang, axis="x")
    ax.set_xlim(0, hi * (1.18 if ax.get_xscale() == "linear" else 3) if hi > 0 else 1)
    ax.grid(axis="y", visible=False)
    marks_legend(ax, mine, lang, loc="lower right")
    _record(ax, mine, found, context)
    return ax


def _context_row(ax, values: np.ndarray, y: float) -> None:
    """The context as one row of faint dots (spread a little so they do not stack) and, behind every row,
    a grey band from its 10th to its 90th percentile and a dashed median: where a highlighted figure sits."""
    values = values[~np.isnan(values)]
    jitter = np.random.default_rng(0).uniform(-0.28, 0.28, len(values))  # seeded: the same bytes every export
    ax.scatter(values, y + jitter, s=9, color=NEUTRAL, alpha=0.35, linewidths=0, zorder=2, gid="context")
    lo, mid, hi = np.percentile(values, [10, 50, 90])
    ax.axvspan(lo, hi, color=NEUTRAL, alpha=0.10, lw=0, zorder=0, gid="context")
    ax.axvline(mid, color=NEUTRAL, lw=1, ls="--", zorder=1, gid="context-median")


def localities_chart(data: pd.DataFrame, *, metric: str, term: str | None = None, figure_type: str = "result",
                     localities=None, highlight=None, province: str | None = None, lang: str | None = None,
                     title: str | None = None, size: str = "slide", palette: dict[str, str] | None = None,
                     rule: dict | None = None):
    """Figure-level `localities_plot`: title, subtitle (unit, terms, how many units are summarised), sources."""
    lang = current_lang(lang)
    fig, ax = _axes(None, size)
    localities_plot(data, metric=metric, term=term, figure_type=figure_type, localities=localities,
                    highlight=highlight, province=province, lang=lang, ax=ax, palette=palette, rule=rule)
    rows = drawn_rows(ax, context=True)
    if rows.empty:
        return ax
    label_, unit, _ = metric_text(rows, metric, lang)
    terms = terms_text(sorted(rows["term"].dropna().astype(str).unique()), lang)
    finish(fig, title=title or label_, subtitle=_with_note(f"{unit}; {terms}", drawn_focus(ax), lang), lang=lang)
    return ax


_REF_SHORT = {"plan": ("KH", "plan"), "estimate": ("DT", "estimate"), "quota": ("CT giao", "quota"),
              "congress_target": ("CT Đại hội", "congress target")}
_OWNER_SHORT = {"own": ("", ""), "district": ("quận giao", "district"), "city": ("TP giao", "city"),
                "province": ("tỉnh giao", "province"), "higher": ("cấp trên giao", "higher level")}


def reference_short(reference, owner, lang: str) -> str:
    """'DT TP giao' / 'city estimate': the short label of a % of plan figure's reference at its dot."""
    idx = 0 if lang == "vi" else 1
    ref = _REF_SHORT.get(str(reference), ("", ""))[idx]
    who = _OWNER_SHORT.get(str(owner), ("", ""))[idx]
    if not ref or not who:
        return ref
    return f"{ref} {who}" if lang == "vi" else f"{who} {ref}"


def plan_plot(data: pd.DataFrame, *, metrics: list[str], lang: str | None = None, ax=None,
              palette: dict[str, str] | None = None):
    """Axes-level: figures given as % of plan, by period, against the 100% line; the reference is named at
    each dot; `palette` ({locality_id: colour}) overrides `theme.palette_for` the localities drawn."""
    lang = current_lang(lang)
    data = without_attrs(data)
    _, ax = _axes(ax)
    rows = analysis.select(data, metric=list(metrics))
    rows = rows[rows["kind"] == "pct_of_plan"].sort_values(["period_end", "locality_id", "reference"])
    if rows.empty:
        _no_data(ax, lang)
        return ax
    rows = rows.assign(_period=[words.period(s, e, lang) for s, e in zip(rows["period_start"], rows["period_end"])])
    periods = list(dict.fromkeys(rows["_period"]))
    names = locality_text(rows, lang)
    palette = {**palette_for(rows["locality_id"]), **(palette or {})}
    idx = 0 if lang == "vi" else 1
    for p, g in rows.groupby("_period", sort=False):
        n = len(g)
        for k, (_, r) in enumerate(g.iterrows()):
            x = periods.index(p) + (k - (n - 1) / 2) * 0.3
            colour = palette[r["locality_id"]]
            draw_figure(ax, x, r["value"], qualifier=r["qualifier"], flagged=pd.notna(r["flag"]), colour=colour, size=110)
            ref = reference_short(r["reference"], r["reference_owner"], lang)
            text = f"{words.figure(r['value'], None, r['qualifier'], lang, '%', compact=True)}\n{names[r['locality_id']]}" + (
                f"\n{ref}" if ref else "")
            # one dot: label above; several: the left half labelled leftwards, the right half rightwards
            side = 0 if n == 1 else (-1 if k < n / 2 else 1)
            ax.annotate(text, (x, r["value"]), xytext=(10 * side, 12 if side == 0 else 0), textcoords="offset points",
                        ha={0: "center", -1: "right", 1: "left"}[side], va="bottom" if side == 0 else "center",
                        fontsize=8, color=colour)
    ax.axhline(100, color="#333333", lw=1, ls="--", zorder=1, gid="plan-line")
    ax.text(-0.55, 101, t("plan_line", lang), va="bottom", ha="left", fontsize=8, color="#333333")
    ax.set_xticks(range(len(periods)), periods)
    ax.set_xlim(-0.6, len(periods) - 0.4)
    top = max(rows["value"].max(), 100)
    ax.set_ylim(0, top * 1.3)
    ax.set_ylabel("%")
    ax.grid(axis="x", visible=False)
    marks_legend(ax, rows, lang, loc="lower right")
    _record(ax, rows)
    return ax


def plan_chart(data: pd.DataFrame, *, metrics: list[str], lang: str | None = None, title: str | None = None,
               size: str = "slide", palette: dict[str, str] | None = None):
    """Figure-level `plan_plot`: title (the indicators), subtitle and sources."""
    lang = current_lang(lang)
    fig, ax = _axes(None, size)
    plan_plot(data, metrics=metrics, lang=lang, ax=ax, palette=palette)
    rows = drawn_rows(ax)
    if rows.empty:
        return ax
    labels = "; ".join(dict.fromkeys(rows["label_vi" if lang == "vi" else "label_en"]))
    finish(fig, title=title or labels, subtitle=("% so với kế hoạch hoặc dự toán được giao" if lang == "vi"
                                                 else "% of the assigned plan or estimate"), lang=lang)
    return ax


def targets_plot(data: pd.DataFrame, *, lang: str | None = None, ax=None):
    """Axes-level: each target against its result, as % of the target (100 = met), coloured by status."""
    lang = current_lang(lang)
    data = without_attrs(data)
    _, ax = _axes(ax)
    tvr = analysis.targets_vs_results(data)
    tvr = tvr[tvr["status"] != "no_result"].reset_index(drop=True)
    if tvr.empty:
        _no_data(ax, lang)
        return ax
    ratio = tvr["achieved"] / tvr["target"].replace(0, np.nan) * 100
    names = locality_text(data[data["locality_id"].isin(tvr["locality_id"])], lang)
    ticks = []
    for y, (_, r) in enumerate(tvr.iterrows()):
        colour = STATUS_COLOURS[r["status"]]
        x = ratio.iloc[y] if pd.notna(ratio.iloc[y]) else 100
        draw_figure(ax, x, y, qualifier=str(r["achieved_qualifier"]), colour=colour, size=90)
        ax.annotate(_status_text(r["status"], lang), (x, y),
                    xytext=(8, 0), textcoords="offset points", va="center", fontsize=8, color=colour)
        metric_label = r["label_vi"] if lang == "vi" else r["label_en"]
        ticks.append(f"{textwrap.shorten(metric_label, 42, placeholder='…')}\n{names.get(r['locality_id'], r['locality_id'])}, "
                     f"{label('term', str(r['term']), lang) if pd.notna(r['term']) else ''}")
    ax.axvline(100, color="#333333", lw=1, ls="--", gid="target-line")
    ax.set_yticks(range(len(tvr)), ticks, fontsize=8)
    ax.set_ylim(-0.7, len(tvr) - 0.3)
    ax.set_xlim(0, max(150, np.nanmax(ratio) * 1.2))
    ax.set_xlabel(t("pct_of_target", lang))
    ax.grid(axis="y", visible=False)
    _record(ax, data[data["figure_id"].isin(set(tvr["target_figure_id"].dropna()) | set(tvr["result_figure_id"].dropna()))])
    return ax


def targets_chart(data: pd.DataFrame, *, lang: str | None = None, title: str | None = None, size: str = "slide"):
    """Figure-level `targets_plot`: title, subtitle and sources."""
    lang = current_lang(lang)
    fig, ax = _axes(None, size)
    targets_plot(data, lang=lang, ax=ax)
    if ax in _DRAWN:
        finish(fig, title=title or t("targets", lang), lang=lang,
               subtitle=("100 = đạt đúng chỉ tiêu; % kế hoạch so với mốc 100%" if lang == "vi"
                         else "100 = target met exactly; % of plan against 100%"))
    return ax


def _status_text(status: str, lang: str) -> str:
    vi = {"exceeded": "vượt", "met": "đạt", "missed": "chưa đạt", "interim": "giữa kỳ", "no_result": "chưa có kết quả"}
    en = {"exceeded": "exceeded", "met": "met", "missed": "missed", "interim": "interim", "no_result": "no result"}
    return (vi if lang == "vi" else en)[status]


def scorecard(data: pd.DataFrame, *, locality: str, lang: str | None = None, metrics: list[str] | None = None,
              ncols: int = 5, title: str | None = None, size: str = "slide", palette: dict[str, str] | None = None):
    """Figure-level: every figure of one locality as small multiples (`metric_panel`), one panel per metric;
    `palette` ({locality_id: colour}) overrides `theme.palette_for`."""
    lang = current_lang(lang)
    data = without_attrs(data)
    rows = analysis.select(data, locality=locality, metric=metrics, figure_type=None)
    if rows.empty:
        fig, ax = _axes(None, size)
        _no_data(ax, lang)
        return fig
    cats = list(dict.fromkeys(rows.sort_values(["category", "metric_id"])["metric_id"]))
    n = len(cats)
    width = SIZES[size][0]
    # A panel needs about 1.55 in for its title and ticks: an A4 page takes 4 columns, not 5.
    ncols = min(ncols, n, max(2, int(width / 1.55)))
    nrows = int(np.ceil(n / ncols))
    wrap = min(30, max(16, int(width / ncols * 12)))  # characters of a bold 7.5 pt panel title per line
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 1.0 + 1.55 * nrows), layout="constrained", squeeze=False)
    colour = {**palette_for([locality]), **(palette or {})}[locality]
    for ax, (metric, g) in zip(axes.flat, _by_metric(rows, cats)):
        metric_panel(g, metric=metric, lang=lang, ax=ax, colour=colour, wrap=wrap)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    name = locality_text(rows, lang)[locality]
    terms = terms_text(sorted(rows["term"].dropna().astype(str).unique()), lang)
    finish(fig, title=title or f"{t('scorecard', lang)}: {name}", panels=True, lang=lang, subtitle=f"{n} " + (
        "chỉ số" if lang == "vi" else "metrics") + f"; {terms}; " + (
        "dòng chảy tính bình quân mỗi năm" if lang == "vi" else "flows per year"))
    return fig


def _by_metric(rows: pd.DataFrame, order: list[str]):
    """(metric, its rows) in `order`, split by one group-by rather than a mask per panel."""
    groups = dict(tuple(rows.groupby(rows["metric_id"].astype(str), sort=False)))
    return [(m, groups[m]) for m in order]


def metric_panel(data: pd.DataFrame, *, metric: str, lang: str | None = None, ax=None, colour: str = NEUTRAL,
                 wrap: int = 24):
    """Axes-level: one locality's figures of one metric, a labelled mark per figure by period (targets grey)."""
    lang = current_lang(lang)
    data = without_attrs(data)
    _, ax = _axes(ax)
    g = data[data["metric_id"].astype(str) == metric]
    v, h = analysis.comparable(g).to_numpy(), analysis.comparable_high(g).to_numpy()
    xs = np.arange(len(g))
    for x, r, vv, hh in zip(xs, g.itertuples(), v, h):
        draw_figure(ax, x, vv, low=vv, high=hh, qualifier=r.qualifier, flagged=pd.notna(r.flag),
                    colour=colour if r.figure_type == "result" else NEUTRAL, size=45)
        ax.annotate(words.figure(vv, hh, r.qualifier, lang, compact=True), (x, vv), xytext=(0, 6),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(xs, [words.period(s, e, lang) for s, e in zip(g["period_start"], g["period_end"])], fontsize=6.5)
    top = np.nanmax(np.r_[v, h]) if len(g) else 1
    ax.set_ylim(0, top * 1.45 if top > 0 else 1)
    ax.set_xlim(-0.6, len(g) - 0.4)
    ax.tick_params(axis="y", labelsize=6.5)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: words.number(x, lang, compact=True)))  # '20.000'
    if len(g) >= 4:  # periods side by side run into each other in a small panel
        ax.tick_params(axis="x", labelrotation=45)
    lbl, unit, _ = metric_text(g, metric, lang)
    ax.set_title(textwrap.fill(lbl, wrap) + f"\n({unit})", fontsize=7.5, fontweight="bold", loc="left")
    ax.grid(axis="x", visible=False)
    _record(ax, g)
    return ax


# ---------------------------------------------------------------- coverage

def coverage_plot(data: pd.DataFrame, *, lang: str | None = None, ax=None, rule: dict | None = None):
    """Axes-level: which locality reports in which term, each cell counting its indicators with figures;
    past the rule's `max_labelled` localities, a province a row and a term and level a column, each cell
    counting the localities with figures (a row per ward would be thousands of unreadable rows)."""
    lang = current_lang(lang)
    data = without_attrs(data)
    _, ax = _axes(ax)
    limit = view_settings("coverage", rule)["max_labelled"]
    n_units = data["locality_id"].nunique()
    matrix = _coverage_by_province(data, lang) if limit is not None and n_units > limit else _coverage_by_locality(data, lang)
    if matrix.empty:
        _no_data(ax, lang)
        return ax
    sns.heatmap(matrix, ax=ax, cmap="Blues", annot=True, fmt="d", cbar=False, linewidths=0.5, linecolor="white",
                mask=matrix == 0, annot_kws={"fontsize": 7}, vmin=0, xticklabels=True, yticklabels=True)
    ax.set_facecolor("#F4F4F4")
    ax.tick_params(axis="y", labelsize=7)
    ax.tick_params(axis="x", labelsize=8 if matrix.shape[1] <= 6 else 7, rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    by_province = matrix.attrs.get("by_province", False)
    _record(ax, data.iloc[0:0] if by_province else data, None, data if by_province else None)  # sources counted, not listed
    ax.set_gid("coverage-by-province" if matrix.attrs.get("by_province") else "coverage-by-locality")
    return ax


def _coverage_by_locality(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    cov = analysis.coverage(data)
    if cov.empty:
        return pd.DataFrame()
    matrix = (cov > 0).T.sum(axis=1).unstack("term").reindex(columns=cov.columns.unique("term")).fillna(0).astype(int)
    matrix = matrix.loc[(matrix > 0).any(axis=1)]
    names = locality_text(data, lang)
    matrix.index = [names.get(lid, lid) for lid in matrix.index]
    matrix.columns = [label("term", str(tm), lang) for tm in matrix.columns]
    return matrix


def _coverage_by_province(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Localities with figures per province (rows) and term × tier (columns): one group-by."""
    from .localities import gazetteer_names

    cells = data[data["term"].notna()].drop_duplicates(["locality_id", "term"])
    cells = cells.groupby([cells["province_id"].astype(str), cells["term"].astype(str), cells["tier"].astype(str)]).size()
    matrix = cells.unstack(["term", "tier"], fill_value=0).astype(int)
    tiers = [tr for tr in ("provincial", "district", "commune") if tr in set(matrix.columns.get_level_values(1))]
    order = [(tm, tr) for tm in TERMS for tr in tiers if (tm, tr) in matrix.columns]
    matrix = matrix.reindex(columns=order).sort_index()
    names = {**gazetteer_names(lang), **locality_text(data[data["locality_id"] == data["province_id"]], lang)}
    per = data.groupby(data["province_id"].astype(str))["locality_id"].nunique()
    matrix.index = [f"{names.get(p, p)} ({words.number(per.get(p, 0), lang)})" for p in matrix.index]
    matrix.columns = [f"{tm}\n{label('tier', tr, lang)}" for tm, tr in order]  # 'Nhiệm kỳ …' twelve times would overlap
    matrix.attrs["by_province"] = True
    return matrix


def coverage_heatmap(data: pd.DataFrame, *, lang: str | None = None, title: str | None = None,
                     size: str = "slide", rule: dict | None = None):
    """Figure-level `coverage_plot`: as tall as its rows need, with title, subtitle and sources."""
    lang = current_lang(lang)
    data = without_attrs(data)
    limit = view_settings("coverage", rule)["max_labelled"]
    n_units = data["locality_id"].nunique()
    n_rows = data["province_id"].nunique() if limit is not None and n_units > limit else n_units
    fig, ax = plt.subplots(figsize=(SIZES[size][0], max(SIZES[size][1], 0.22 * n_rows + 2.2)), layout="constrained")
    coverage_plot(data, lang=lang, ax=ax, rule=rule)
    if ax not in _DRAWN:
        return ax
    by_province = ax.get_gid() == "coverage-by-province"
    subtitle = t("coverage_agg", lang).format(n=words.number(n_units, lang)) if by_province else t("coverage_sub", lang)
    finish(fig, title=title or t("coverage", lang), subtitle=subtitle, lang=lang)
    return ax
