"""Plot helpers shaped like seaborn's: `f(data, *, metric=..., lang=None, ax=None) -> Axes`.

`data` is the tidy table from `load()`. Each helper draws, titles the chart (title, subtitle
with metric, unit and period, footer naming the articles behind the plotted figures) and returns
the Axes (or Figure for multi-panel charts). Saving lives in `export.save_chart`. Uncertain
figures are marked: hollow = approximate, ▲ = lower bound ("hơn"), a bar = a range.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from . import analysis, words
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
}


def t(key: str, lang: str) -> str:
    vi, en = TEXT[key]
    return vi if lang == "vi" else en


# ---------------------------------------------------------------- formatting

def sources_line(rows: pd.DataFrame, lang: str = "vi") -> str:
    """'Nguồn: Thành ủy Đông Hà (22/05/2024); …' for the articles behind `rows`."""
    arts = rows.drop_duplicates("article_id").sort_values(["published", "article_id"])
    items = []
    for _, a in arts.iterrows():
        who = a["publisher"] if isinstance(a["publisher"], str) and a["publisher"] else (
            f"“{textwrap.shorten(a['article_title'], 60, placeholder='…')}” ({t('no_publisher', lang)})")
        items.append(f"{who}, {words.date(a['published'], lang)}")
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


def decorate(fig, ax, *, title: str, subtitle: str, rows: pd.DataFrame, lang: str) -> None:
    """Title, subtitle and the footer naming the articles behind the plotted rows."""
    def fit(text: str, points: float) -> str:
        """Wrapped to the figure's width (a bold DejaVu Sans character is about 0.62 em), so an A4 title is not cut."""
        return textwrap.fill(text, max(30, int(fig.get_figwidth() * 72 / (points * 0.62))))

    if ax is not None:
        fig.suptitle(fit(title, 14), x=0.01, ha="left", fontweight="bold", fontsize=14)
        ax.set_title(fit(subtitle, 10), loc="left", fontsize=10, fontweight="normal", color="#444444")
    else:  # several panels: the subtitle rides in the suptitle, which the layout makes room for
        fig.suptitle(f"{fit(title, 12)}\n{fit(subtitle, 12)}", x=0.01, ha="left", fontweight="bold", fontsize=12)
    footer = textwrap.fill(sources_line(rows, lang), 150 if fig.get_figwidth() > 8 else 95)
    fig.supxlabel(footer, x=0.01, ha="left", fontsize=7.5, color="#555555").set_gid("footer")


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
    if not present:
        return
    idx = 0 if lang == "vi" else 1
    leg = ax.legend([h for _, h in present], [MARK_LABELS[k][idx] for k, _ in present], title=t("marks", lang),
                    loc=loc, fontsize=8, title_fontsize=8, frameon=True)
    leg.set_gid("marks-legend")
    ax.add_artist(leg)


def _no_data(ax, lang):
    ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center", transform=ax.transAxes, color=NEUTRAL)


# ---------------------------------------------------------------- charts

def terms_chart(data: pd.DataFrame, *, metric: str, figure_type: str = "result", localities=None,
                lang: str | None = None, title: str | None = None, ax=None, size: str = "slide",
                palette: dict[str, str] | None = None):
    """One metric across congress terms, a line per locality (flows per year so terms compare);
    `localities` limits it to those units; `palette` ({locality_id: colour}) overrides
    `theme.palette_for` the localities drawn."""
    lang = current_lang(lang)
    fig, ax = _axes(ax, size)
    if localities is not None:
        data = analysis.select(data, locality=list(localities), figure_type=None)
    view = analysis.term_view(data, metric, figure_type=figure_type)
    rows = analysis.select(data, metric=metric, figure_type=figure_type)
    if view.empty:
        _no_data(ax, lang)
        return ax
    label_, unit, _ = metric_text(rows, metric, lang)
    terms = [tm for tm in TERMS if tm in set(view["term"].astype(str))]
    first, last = TERMS.index(terms[0]), TERMS.index(terms[-1])
    shown = list(TERMS[first:last + 1])
    names = locality_text(rows, lang)
    palette = {**palette_for(view["locality_id"]), **(palette or {})}
    for lid, g in view.groupby("locality_id", sort=False):
        colour = palette[lid]
        xs = [shown.index(str(tm)) for tm in g["term"]]
        if len(xs) > 1:
            ax.plot(xs, g["value"], color=colour, lw=1.5, alpha=0.8)
        for x, (_, r) in zip(xs, g.iterrows()):
            sub = rows[rows["figure_id"].isin(r["figure_ids"])]
            q = r["qualifier"] if r["qualifier"] != "mixed" else "exact"
            draw_figure(ax, x, r["value"], low=r["low"], high=r["high"], qualifier=q,
                        flagged=sub["flag"].notna().any(), colour=colour, size=90)
            ax.annotate(f"{names[lid]}: {_cell_text(r, q, lang)}", (x, r["value"]),
                        xytext=(9, 0), textcoords="offset points", va="center", fontsize=9, color=colour)
    ax.set_xticks(range(len(shown)), [label("term", tm, lang) for tm in shown])
    ax.set_xlim(-0.5, len(shown) - 0.3)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(unit)
    ax.grid(axis="x", visible=False)
    marks_legend(ax, rows, lang, loc="best")
    decorate(fig, ax, title=title or label_, subtitle=f"{unit}; {terms_text(terms, lang)}", rows=rows, lang=lang)
    return ax


def _cell_text(r, qualifier, lang: str) -> str:
    """A term's label: its one figure as printed, or the span of its figures and how many, never a median
    no article printed."""
    if r["n_figures"] <= 1 or r["low"] == r["high"]:
        return words.figure(r["value"], None, qualifier, lang, compact=True)
    n = int(r["n_figures"])
    return f"{words.figure(r['low'], r['high'], 'exact', lang, compact=True)} ({n} {'số liệu' if lang == 'vi' else 'figures'})"


def localities_chart(data: pd.DataFrame, *, metric: str, term: str | None = None, figure_type: str = "result",
                     localities=None, lang: str | None = None, title: str | None = None, ax=None,
                     size: str = "slide", palette: dict[str, str] | None = None):
    """Localities side by side on one metric: one dot per figure, annualised for flows, period in the label;
    `localities` limits it to those units (a new unit and its predecessors); `palette` as in terms_chart."""
    lang = current_lang(lang)
    fig, ax = _axes(ax, size)
    rows = analysis.select(data, metric=metric, term=term, figure_type=figure_type,
                           locality=None if localities is None else list(localities))
    if rows.empty:
        _no_data(ax, lang)
        return ax
    rows = rows.assign(_v=analysis.comparable(rows).to_numpy(), _h=analysis.comparable_high(rows).to_numpy())
    rows = rows.sort_values("_v")
    label_, unit, kind = metric_text(rows, metric, lang)
    names = locality_text(rows, lang)
    palette = {**palette_for(rows["locality_id"]), **(palette or {})}
    ticks = []
    for y, (_, r) in enumerate(rows.iterrows()):
        colour = palette[r["locality_id"]]
        draw_figure(ax, r["_v"], y, qualifier=r["qualifier"], flagged=pd.notna(r["flag"]), colour=colour, size=90)
        if pd.notna(r["_h"]) and r["_h"] > r["_v"]:
            ax.hlines(y, r["_v"], r["_h"], colors=colour, lw=3, alpha=0.55, gid="interval")
        ax.annotate(words.figure(r["_v"], r["_h"], r["qualifier"], lang, compact=True),
                    (max(r["_v"], r["_h"] if pd.notna(r["_h"]) else r["_v"]), y),
                    xytext=(8, 0), textcoords="offset points", va="center", fontsize=9)
        ticks.append(f"{names[r['locality_id']]}\n{words.period(r['period_start'], r['period_end'], lang)}")
    ax.set_yticks(range(len(rows)), ticks)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    hi = np.nanmax(np.r_[rows["_v"], rows["_h"]])
    ax.set_xlim(0, hi * 1.18 if hi > 0 else 1)
    ax.set_xlabel(unit)
    ax.grid(axis="y", visible=False)
    marks_legend(ax, rows, lang, loc="lower right")
    terms = terms_text(sorted(rows["term"].dropna().astype(str).unique()), lang)
    decorate(fig, ax, title=title or label_, subtitle=f"{unit}; {terms}", rows=rows, lang=lang)
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


def plan_chart(data: pd.DataFrame, *, metrics: list[str], lang: str | None = None, title: str | None = None,
               ax=None, size: str = "slide", palette: dict[str, str] | None = None):
    """Figures given as % of plan, by period, against the 100% line; the reference is named at each dot;
    `palette` as in terms_chart."""
    lang = current_lang(lang)
    fig, ax = _axes(ax, size)
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
    labels = "; ".join(dict.fromkeys(rows["label_vi" if lang == "vi" else "label_en"]))
    decorate(fig, ax, title=title or labels, subtitle=("% so với kế hoạch hoặc dự toán được giao" if lang == "vi"
                                                       else "% of the assigned plan or estimate"), rows=rows, lang=lang)
    return ax


def targets_chart(data: pd.DataFrame, *, lang: str | None = None, title: str | None = None, ax=None,
                  size: str = "slide"):
    """Each target against its result, as % of the target (100 = met), coloured by status."""
    lang = current_lang(lang)
    fig, ax = _axes(ax, size)
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
    used = data[data["figure_id"].isin(set(tvr["target_figure_id"].dropna()) | set(tvr["result_figure_id"].dropna()))]
    decorate(fig, ax, title=title or t("targets", lang),
             subtitle=("100 = đạt đúng chỉ tiêu; % kế hoạch so với mốc 100%" if lang == "vi"
                       else "100 = target met exactly; % of plan against 100%"), rows=used, lang=lang)
    return ax


def _status_text(status: str, lang: str) -> str:
    vi = {"exceeded": "vượt", "met": "đạt", "missed": "chưa đạt", "interim": "giữa kỳ", "no_result": "chưa có kết quả"}
    en = {"exceeded": "exceeded", "met": "met", "missed": "missed", "interim": "interim", "no_result": "no result"}
    return (vi if lang == "vi" else en)[status]


def scorecard(data: pd.DataFrame, *, locality: str, lang: str | None = None, metrics: list[str] | None = None,
              ncols: int = 5, title: str | None = None, size: str = "slide", palette: dict[str, str] | None = None):
    """Every figure of one locality as small multiples, one panel per metric, terms on the x axis;
    `palette` as in terms_chart."""
    lang = current_lang(lang)
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
    for ax, metric in zip(axes.flat, cats):
        g = rows[rows["metric_id"] == metric]
        v, h = analysis.comparable(g), analysis.comparable_high(g)
        xs = np.arange(len(g))
        for x, (_, r), vv, hh in zip(xs, g.iterrows(), v, h):
            draw_figure(ax, x, vv, low=vv, high=hh, qualifier=r["qualifier"], flagged=pd.notna(r["flag"]),
                        colour=colour if r["figure_type"] == "result" else NEUTRAL, size=45)
            ax.annotate(words.figure(vv, hh, r["qualifier"], lang, compact=True), (x, vv), xytext=(0, 6),
                        textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
        ax.set_xticks(xs, [words.period(s, e, lang) for s, e in zip(g["period_start"], g["period_end"])], fontsize=6.5)
        top = np.nanmax(np.r_[v, h]) if len(g) else 1
        ax.set_ylim(0, top * 1.45 if top > 0 else 1)
        ax.set_xlim(-0.6, len(g) - 0.4)
        ax.tick_params(axis="y", labelsize=6.5)
        lbl, unit, _ = metric_text(g, metric, lang)
        ax.set_title(textwrap.fill(lbl, wrap) + f"\n({unit})", fontsize=7.5, fontweight="bold", loc="left")
        ax.grid(axis="x", visible=False)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    name = locality_text(rows, lang)[locality]
    terms = terms_text(sorted(rows["term"].dropna().astype(str).unique()), lang)
    decorate(fig, None, title=title or f"{t('scorecard', lang)}: {name}", subtitle=f"{n} " + (
        "chỉ số" if lang == "vi" else "metrics") + f"; {terms}; " + (
        "dòng chảy tính bình quân mỗi năm" if lang == "vi" else "flows per year"), rows=rows, lang=lang)
    return fig


def coverage_heatmap(data: pd.DataFrame, *, lang: str | None = None, title: str | None = None, ax=None,
                     size: str = "slide"):
    """Which locality reports in which term: each cell counts the indicators with figures there, so the
    view stays one row per locality and one column per term however many indicators the codebook holds."""
    lang = current_lang(lang)
    cov = analysis.coverage(data)
    if cov.empty:
        fig, ax = _axes(ax, size)
        _no_data(ax, lang)
        return ax
    matrix = (cov > 0).T.sum(axis=1).unstack("term").reindex(columns=cov.columns.unique("term")).fillna(0).astype(int)
    matrix = matrix.loc[(matrix > 0).any(axis=1)]
    if ax is None:
        fig, ax = plt.subplots(figsize=(SIZES[size][0], max(SIZES[size][1], 0.22 * len(matrix) + 2.2)),
                               layout="constrained")
    fig = ax.figure
    names = locality_text(data, lang)
    matrix.index = [names.get(lid, lid) for lid in matrix.index]
    matrix.columns = [label("term", str(tm), lang) for tm in matrix.columns]
    sns.heatmap(matrix, ax=ax, cmap="Blues", annot=True, fmt="d", cbar=False, linewidths=0.5, linecolor="white",
                mask=matrix == 0, annot_kws={"fontsize": 7}, vmin=0, xticklabels=True, yticklabels=True)
    ax.set_facecolor("#F4F4F4")
    ax.tick_params(axis="y", labelsize=7)
    ax.tick_params(axis="x", labelsize=8, rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    decorate(fig, ax, title=title or t("coverage", lang), subtitle=t("coverage_sub", lang), rows=data, lang=lang)
    return ax
