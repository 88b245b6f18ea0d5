"""The briefing pack: every chart in PNG, SVG and PDF at slide and A4 sizes, the numbers behind
each chart as CSV, one XLSX workbook with a sources sheet, and an index.html to browse it all.

The pack is written into a hidden temporary folder and renamed into place only when complete,
so an interrupted export never leaves a pack that looks finished; a second export on the same
day goes to `<date>_2`, never mixing its files with the first. The charts are drawn in worker
processes (helpers/workers.py); the workbook and every CSV are made safe by helpers/workbook.py,
index.html is written by helpers/page.py. The same data gives byte-identical files: charts carry no
creation date and stable SVG ids (helpers/theme.py).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd

from . import analysis, paths, words
from .rules import pack_rules, view_rule  # pack_rules stays importable from here
from .io import umask_mode
from .page import write_index
from .workbook import XLSX_CELL_MAX, numbers_table, safe_stem, workbook_date, write_workbook
from .workbook import unique_stem as _unique
from .workers import chart_workers, render_charts
from .workers import pid_alive as _pid_alive, refuse_in_starting_worker as _refuse_in_starting_worker

FORMATS = ("png", "svg", "pdf")
PACK_SIZES = ("slide", "a4")


def save_chart(fig, stem: str, out_dir: Path, *, data: pd.DataFrame | None = None,
               formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write `fig` as PNG (300 dpi), SVG and PDF, and `data` as CSV, all under one stem.

    A PDF saved after the SVG reuses the SVG's layout (see `_without_layout_engine`).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = safe_stem(stem)
    written = []
    meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
    with _layout_engine_restored(fig):
        for fmt in formats:
            if fmt == "pdf" and "svg" in formats[:formats.index(fmt)]:
                _without_layout_engine(fig)
            path = out_dir / f"{safe}.{fmt}"
            fig.savefig(path, format=fmt, dpi=300, metadata=meta[fmt])
            written.append(path)
    if data is not None:
        path = out_dir / f"{safe}.csv"
        numbers_table(data).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        written.append(path)
    return written


def _without_layout_engine(fig) -> None:
    """Keep the positions the last save laid out, so that the next save skips its own layout.

    With a layout engine (every chart here uses constrained layout), each `savefig` first draws the
    whole figure without output to lay it out with that format's text measurements. SVG and PDF both
    measure and draw the unhinted glyph outlines (only their rounding differs), so the PDF can keep the
    SVG's layout: that skips the costliest of the three layouts (the pack's charts render in 33 s of CPU
    instead of 37 s). The PNG keeps its own: Agg's hinted text is up to ~1% wider or narrower than the
    outlines, enough to push a long label onto the page edge in one format or the other if the PNG and
    the vector formats shared a layout.
    """
    import matplotlib as mpl

    # set_layout_engine(None) removes the engine only when these rcParams do not ask for one
    auto = {k: mpl.rcParams[k] for k in ("figure.autolayout", "figure.constrained_layout.use")}
    try:
        mpl.rcParams.update(dict.fromkeys(auto, False))
        fig.set_layout_engine(None)
    finally:
        mpl.rcParams.update(auto)


@contextmanager
def _layout_engine_restored(fig):
    """Give the figure its layout engine back after saving: a notebook showing it afterwards lays it out."""
    engine = fig.get_layout_engine()
    try:
        yield
    finally:
        if engine is not None and fig.get_layout_engine() is None:
            fig.set_layout_engine(engine)


@dataclass
class Chart:
    """One chart of the pack: how to draw it, and the figures and caveats behind it."""

    stem: str
    title: str
    caption: str
    draw: Callable[[str], object]  # size -> Axes or Figure
    rows: pd.DataFrame
    caveats: list = field(default_factory=list)


@dataclass
class Plot:
    """A chart recipe that can be pickled, so a worker process can draw it: a plot helper of
    `helpers.charts` (a module-level function), the data and the helper's other arguments.
    Called with a size like any `Chart.draw`."""

    function: Callable
    data: pd.DataFrame
    kwargs: dict = field(default_factory=dict)

    def __call__(self, size: str):
        return self.function(self.data, size=size, **self.kwargs)


def _fig(obj):
    return obj if hasattr(obj, "savefig") else obj.figure


def _stem(*parts: str) -> str:
    """A file stem from the chart kind and the ids it shows: stable whatever else the data holds."""
    return "--".join(p.replace("_", "-") for p in parts)


def briefing_charts(df: pd.DataFrame, lang: str = "vi", rules: dict | None = None, localities=None) -> list[Chart]:
    """The pack's charts, each earned by what the data holds under the rules of data/pack.csv: no
    indicator or locality is named here, so a new article, locality or indicator needs no code change.
    The pack is bounded by the rules' `max_charts`: the indicators most localities report, and scorecards
    for the chosen `localities` (else the most-reported ones); `left_out` lists the rest."""
    from . import charts

    rules = pack_rules() if rules is None else rules
    out: list[Chart] = []
    caption = lambda kind: rules[kind]["caption_vi" if lang == "vi" else "caption_en"]  # noqa: E731
    chosen = scorecard_localities(df, localities, rules.get("scorecard", {}).get("max_charts"))

    def add(stem, kind, draw, rows, found=None):
        if not rows.empty:
            out.append(Chart(stem, "", caption(kind), draw, rows, analysis.caveats(rows) if found is None else found))

    def view(kind):  # the highlight/context rule of a kind, and the localities chosen for the briefing
        return dict(lang=lang, highlight=localities, rule=view_rule(kind, rules))

    def labelled(kind, rows):  # caveats concern the figures a chart labels, not its grey context
        found = charts.view_focus(rows, kind, highlight=localities, rule=view_rule(kind, rules))
        return analysis.caveats(rows[rows["locality_id"].astype(str).isin(found.highlighted)])

    if "across_terms" in rules:
        pairs = across_term_pairs(df, rules["across_terms"]["min_terms"])
        for metric in most_reported(df, pairs, rules["across_terms"].get("max_charts")):
            rows = analysis.select(df, metric=metric, locality=pairs[metric])
            add(_stem("across-terms", metric), "across_terms",
                Plot(charts.terms_chart, df, dict(metric=metric, localities=pairs[metric], **view("across_terms"))),
                rows[rows["term"].notna()], labelled("across_terms", rows[rows["term"].notna()]))
    if "localities" in rules:
        shared = shared_indicators(df, rules["localities"]["min_localities"])
        for metric in most_reported(df, shared, rules["localities"].get("max_charts")):
            rows = analysis.select(df, metric=metric)
            add(_stem("localities", metric), "localities",
                Plot(charts.localities_chart, df, dict(metric=metric, **view("localities"))), rows,
                labelled("localities", rows))
    if "reorganisation" in rules:
        _add_reorganisations(df, rules["reorganisation"], lang, add)
    if "targets" in rules:
        _add_targets(df, rules["targets"], chosen, lang, add)
    if "scorecard" in rules:
        for lid in chosen:
            rows = analysis.select(df, locality=lid, figure_type=None)
            add(_stem("scorecard", lid), "scorecard", Plot(charts.scorecard, df, dict(locality=lid, lang=lang)), rows)
    if "coverage" in rules:
        limit = view_rule("coverage", rules)["max_labelled"]
        summed = limit is not None and df["locality_id"].nunique() > limit  # counts by province compare no figure
        add("coverage", "coverage", Plot(charts.coverage_heatmap, df, dict(lang=lang, rule=view_rule("coverage", rules))),
            df, [] if summed else None)
    return out


def _add_reorganisations(df: pd.DataFrame, rule: dict, lang: str, add) -> None:
    """A new unit beside its predecessors, for each reorganisation the data holds, up to `max_charts`."""
    from . import charts

    found = [r for r in analysis.reorganisations(df).itertuples()
             if len([r.successor_id, *r.predecessor_ids]) >= rule["min_localities"]]
    for r in found[:rule.get("max_charts") or len(found)]:
        units = [r.successor_id, *r.predecessor_ids]
        rows = analysis.compare_reorganisation(df, r.successor_id, r.metric_id)
        add(_stem("reorganisation", r.successor_id, r.metric_id), "reorganisation",
            Plot(charts.localities_chart, df, dict(metric=r.metric_id, localities=units, lang=lang,
                                                   rule={"max_labelled": None})), rows, rows.attrs["caveats"])


def _add_targets(df: pd.DataFrame, rule: dict, chosen: list[str], lang: str, add) -> None:
    """Targets against results: of every locality while they are few (`max_labelled`), else of the
    localities chosen for the briefing, so the chart stays a page and not thousands of rows."""
    from . import charts

    limit = rule.get("max_labelled")
    with_targets = df.loc[df["figure_type"].astype(object) == "target", "locality_id"].nunique()
    units = list(chosen) if limit is not None and with_targets > limit else None
    data = df if units is None else analysis.select(df, locality=units, figure_type=None)
    tvr = analysis.targets_vs_results(data)
    used = data[data["figure_id"].isin(set(tvr["target_figure_id"].dropna()) | set(tvr["result_figure_id"].dropna()))]
    add("targets-vs-results", "targets", Plot(charts.targets_chart, data, dict(lang=lang)), used,
        tvr.attrs.get("caveats"))


def scorecard_localities(df: pd.DataFrame, localities=None, limit: int | None = None) -> list[str]:
    """The localities that get a scorecard: those chosen for the briefing, else the `limit` with most
    figures (ties: higher tier first, then id), else every one, in tier and id order."""
    units = df.drop_duplicates("locality_id").sort_values(["tier", "locality_id"])["locality_id"].astype(str).tolist()
    if localities is not None:
        return [u for u in units if u in set(map(str, localities))]
    if limit is None or len(units) <= limit:
        return units
    counts = df["locality_id"].astype(str).value_counts()
    top = set(sorted(units, key=lambda u: (-counts.get(u, 0), units.index(u)))[:limit])
    return [u for u in units if u in top]


def most_reported(df: pd.DataFrame, metrics, limit: int | None) -> list[str]:
    """The `limit` indicators (of `metrics`) that most localities report, kept in their own order."""
    metrics = list(metrics)
    if limit is None or len(metrics) <= limit:
        return metrics
    res = df[df["figure_type"].astype(object) == "result"]
    counts = res.groupby(res["metric_id"].astype(str))["locality_id"].nunique()
    top = set(sorted(metrics, key=lambda m: (-counts.get(m, 0), m))[:limit])
    return [m for m in metrics if m in top]


def across_term_pairs(df: pd.DataFrame, min_terms: int = 2) -> dict[str, list[str]]:
    """Indicator -> the localities whose results fall in `min_terms` terms or more: the comparisons across
    terms the data makes possible."""
    rows = df[(df["figure_type"].astype(object) == "result") & df["term"].notna()]
    terms = rows.groupby(["metric_id", "locality_id"], observed=True)["term"].nunique()
    terms = terms[terms >= min_terms]
    out: dict[str, list[str]] = {}
    for (metric, lid) in sorted(terms.index):
        out.setdefault(str(metric), []).append(str(lid))
    return out


def shared_indicators(df: pd.DataFrame, min_localities: int = 2) -> list[str]:
    """Indicators whose results come from `min_localities` localities or more."""
    rows = df[df["figure_type"].astype(object) == "result"]
    counts = rows.groupby("metric_id", observed=True)["locality_id"].nunique()
    return sorted(str(m) for m in counts[counts >= min_localities].index)


def left_out(df: pd.DataFrame, specs: list[Chart], lang: str = "vi") -> pd.DataFrame:
    """What the pack does not show, and why: indicators with results that no comparison chart shows, and,
    when the pack holds scorecards, the localities without one (the index and workbook list them)."""
    shown = {m for spec in specs if not spec.stem.startswith(("scorecard", "coverage", "targets"))
             for m in spec.rows["metric_id"].astype(str)}
    rows = df[df["figure_type"].astype(object) == "result"]
    out = []
    vi = lang == "vi"
    for metric, g in rows.groupby("metric_id", observed=True, sort=True):
        if str(metric) in shown:
            continue
        n_loc, n_terms = g["locality_id"].nunique(), g["term"].dropna().nunique()
        label_ = str(g["label_vi" if vi else "label_en"].iloc[0])
        why = (f"một địa phương ({n_loc}), một nhiệm kỳ: chưa có gì để so sánh" if vi else
               f"one locality ({n_loc}), one term: nothing to compare yet")
        if n_loc > 1 or n_terms > 1:
            why = ("ngoài số biểu đồ tối đa của gói (max_charts trong pack.csv): chỉ số ít địa phương báo cáo hơn"
                   if vi else "beyond the pack's number of charts (max_charts in pack.csv): fewer localities report it")
        if g["term"].isna().all():
            why = "không thuộc nhiệm kỳ nào" if vi else "outside every term"
        out.append({"metric_id": str(metric), "locality_id": "", "label": label_, "figures": len(g),
                    "localities": n_loc, "terms": n_terms, "reason": why})
    no_term = df[df["term"].isna()]
    for r in no_term.itertuples():
        out.append({"metric_id": str(r.metric_id), "locality_id": str(r.locality_id),
                    "label": str(r.label_vi if vi else r.label_en), "figures": 1, "localities": 1, "terms": 0,
                    "reason": (f"số liệu {r.figure_id} nằm ngoài mọi nhiệm kỳ" if vi else
                               f"figure {r.figure_id} lies outside every term")})
    out += _without_scorecard(df, specs, lang)
    return pd.DataFrame(out, columns=LEFT_OUT_COLUMNS)


LEFT_OUT_COLUMNS = ["metric_id", "locality_id", "label", "figures", "localities", "terms", "reason"]


def _without_scorecard(df: pd.DataFrame, specs: list[Chart], lang: str) -> list[dict]:
    """A row per locality the pack has no scorecard for, when it has scorecards at all (a bounded pack)."""
    cards = {str(x) for spec in specs if spec.stem.startswith("scorecard")
             for x in spec.rows["locality_id"].astype(str).unique()}
    if not cards:
        return []
    from .charts import locality_text

    rest = df[~df["locality_id"].astype(str).isin(cards)]
    if rest.empty:
        return []
    names = locality_text(rest, lang)
    stats = rest.groupby(rest["locality_id"].astype(str)).agg(
        figures=("figure_id", "size"), metrics=("metric_id", "nunique"), terms=("term", "nunique"))
    why = (f"không có trang tổng hợp riêng: gói chỉ gồm {len(cards)} địa phương được chọn hoặc có nhiều số liệu nhất; "
           "chọn thêm bằng --localities" if lang == "vi" else
           f"no scorecard of its own: the pack holds the {len(cards)} localities chosen or with most figures; "
           "add it with --localities")
    return [{"metric_id": "", "locality_id": lid, "label": names.get(lid, lid), "figures": int(r.figures),
             "localities": 1, "terms": int(r.terms), "reason": why} for lid, r in stats.iterrows()]


def export_pack(data_dir=None, out_dir=None, *, lang: str = "vi", texts=None, today: date | None = None,
                progress: Callable[[str], None] | None = None, charts=None, localities=None) -> Path:
    """Validate, then write the whole pack to `<out_dir>/<date>/`; returns that folder.

    Raises DataError (with the report) when the data has errors: a briefing is never built on them.
    `charts` (stems) and `localities` (ids) choose what goes into briefing.pptx and briefing.docx
    (None: what the pack holds; see helpers/deck.py `choose`).
    The pack is built in a hidden folder beside it and renamed into place only when every file is
    written; on any failure or interruption that folder is removed, so no half-written pack remains.
    """
    from .loading import check
    from .problems import DataError

    _refuse_in_starting_worker()
    say = progress or (lambda msg: print(msg, file=sys.stderr, flush=True))
    with _terminated_as_exit(), chart_workers() as pool:  # the workers start while this process validates and plans the charts
        say("Validating the data …")
        report = check(data_dir, texts)
        if report.errors:
            raise DataError(report.problems)
        unchecked = evidence_unchecked(report, texts)
        df = report.figures
        say(f"  {report.summary()}")
        if unchecked:
            say(f"WARNING: {unchecked}")
        from .deck import check_charts, check_localities
        check_localities(df, localities)
        out_root = Path(out_dir or paths.EXPORTS)
        out_root.mkdir(parents=True, exist_ok=True)
        stamp = (today or date.today()).isoformat()
        remove_stale_work(out_root, say)
        # The pid in the name lets the next export remove this folder if this process is killed.
        work = Path(tempfile.mkdtemp(prefix=f".{stamp}-{os.getpid()}-", dir=out_root))
        try:
            with pack_style(lang):
                specs = pack_charts(df, lang, pack_rules(data_dir), localities)
            check_charts(specs, charts)  # before minutes of drawing, not after
            omitted = left_out(df, specs, lang)
            built = render_charts(specs, work, lang, say, pool=pool)
            say("Writing the workbook and index.html …")
            cut = write_workbook(work / "briefing.xlsx", built, df, lang, omitted)
            for sheet, row, column, n in cut:
                say(f"WARNING: briefing.xlsx, sheet {sheet}, row {row}, column {column}: {n:,} characters, "
                    f"more than a cell holds ({XLSX_CELL_MAX:,}); cut, with a marker")
            write_index(work / "index.html", built, report, lang, stamp, omitted, cut=cut)
            write_briefings(work, built, df, lang, stamp, charts, localities, say)
            target = _publish(work, out_root, stamp)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)  # render_charts has stopped every worker by now
            raise
    say(f"Briefing pack written to {target}")
    return target


_WORK_NAME = re.compile(r"^\.\d{4}-\d{2}-\d{2}-(\d+)-")


def remove_stale_work(out_root: Path, say: Callable[[str], None] = lambda msg: None) -> list[Path]:
    """Remove the hidden temporary folders (`.<date>-<pid>-…`) of exports whose process has died (killed by
    SIGKILL, a power cut): nothing else can remove them. A live export's folder is left alone."""
    removed = []
    for entry in Path(out_root).iterdir():
        m = _WORK_NAME.match(entry.name)
        if not m or not entry.is_dir() or entry.is_symlink():
            continue
        pid = int(m.group(1))
        if pid == os.getpid() or _pid_alive(pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        say(f"Removed {entry.name}, left by an export that was killed (process {pid})")
        removed.append(entry)
    return removed


class Terminated(SystemExit):
    """SIGTERM during an export: raised in the main thread so that the pool is stopped and the unfinished
    pack removed, as after Ctrl-C; exits with 128 + 15 as a process killed by the signal would."""

    def __init__(self):
        super().__init__(128 + 15)


@contextmanager
def _terminated_as_exit():
    """SIGTERM raises Terminated while an export runs (main thread only: signals are delivered there)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def evidence_unchecked(report, texts) -> str:
    """Why no evidence excerpt was checked against its article ('' when they were): no texts folder given, or
    none of those given exists. Recorded as a `texts_missing` warning in the report (so the pack's summary
    counts it) and returned, to be said loudly: a pack whose figures were never traced is not a checked one."""
    from .problems import Problem
    from .texts import describe, folders

    if texts is not None and any(f.is_dir() for f in folders(texts)):
        return ""
    where = describe(texts) if texts is not None else ""
    message = (f"the texts folder {where} does not exist: no evidence excerpt was checked against its article"
               if where else "no texts folder was given: no evidence excerpt was checked against its article")
    if not any(p.code == "texts_missing" for p in report.problems):
        report.problems.append(Problem(where or "(texts)", None, None, None, "warning", "texts_missing", message,
                                       "pass --texts with the folder(s) holding the article .txt files"))
    return message
def write_briefings(work: Path, built, df: pd.DataFrame, lang: str, stamp: str, charts=None, localities=None,
                    say: Callable[[str], None] = lambda msg: None) -> None:
    """briefing.pptx (helpers/deck.py) and briefing.docx (helpers/report.py) for the chosen charts."""
    from .deck import choose, write_deck
    from .report import write_report

    chosen = choose(built, charts, localities)
    say("Writing briefing.pptx and briefing.docx …")
    when = workbook_date(df[df["figure_id"].isin(set().union(*(set(s.rows["figure_id"]) for s, _ in chosen)))]
                         if chosen else None)
    write_deck(work / "briefing.pptx", chosen, work, lang, stamp=stamp, when=when, localities=localities)
    write_report(work / "briefing.docx", chosen, work, df, lang, stamp=stamp, when=when)


@contextmanager
def pack_style(lang: str = "vi"):
    """The chart style of a pack, from matplotlib's defaults up, whatever the caller changed before
    (a notebook's rcParams), and restored afterwards: the same data draws the same bytes everywhere."""
    import matplotlib as mpl

    from .theme import set_theme

    with mpl.rc_context():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated aliases among the defaults
            mpl.rcdefaults()
        with set_theme(lang=lang):
            yield


def pack_charts(df: pd.DataFrame, lang: str = "vi", rules: dict | None = None, localities=None) -> list[Chart]:
    """The pack's charts, each with a file stem of its own that cannot leave the export folder; `localities`
    (ids chosen for the briefing) get the scorecards and are highlighted in every comparison."""
    chosen = {} if localities is None else {"localities": list(localities)}
    specs, taken = briefing_charts(df, lang, rules, **chosen), set()
    for spec in specs:
        spec.stem = _unique(safe_stem(spec.stem), taken)  # two charts never share (or overwrite) a file
    return specs


def render_chart(spec: Chart, out_dir: Path, size: str) -> list[Path]:
    """Draw one chart at `size` ('slide' or 'a4') and save it, as the pack does (the slide size with its CSV)."""
    import matplotlib.pyplot as plt

    fig = _fig(spec.draw(size))
    try:
        stem = spec.stem if size == "slide" else f"{spec.stem}_a4"
        written = save_chart(fig, stem, out_dir, data=spec.rows if size == "slide" else None)
        if size == "slide" and not spec.title:
            spec.title = fig.get_suptitle().split("\n")[0]
    finally:
        plt.close(fig)
    return written


def _free_name(root: Path, stamp: str) -> Path:
    target, k = root / stamp, 1
    while target.exists():
        k += 1
        target = root / f"{stamp}_{k}"
    return target


def _publish(work: Path, root: Path, stamp: str) -> Path:
    """Rename the finished pack into `<stamp>`, or `<stamp>_2`, … : never into a folder that holds files,
    even when another export finishes at the same moment."""
    os.chmod(work, umask_mode(0o777))  # mkdtemp made it private (0700): published, it is an ordinary folder
    while True:
        target = _free_name(root, stamp)
        try:
            os.rename(work, target)
            return target
        except OSError:
            if not target.exists():
                raise
            # another export took the name between the check and the rename: try the next one


