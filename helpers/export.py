"""The briefing pack: every chart in PNG, SVG and PDF at slide and A4 sizes, the numbers behind
each chart as CSV, one XLSX workbook with a sources sheet, and an index.html to browse it all.

The pack is written into a hidden temporary folder and renamed into place only when complete,
so an interrupted export never leaves a pack that looks finished; a second export on the same
day goes to `<date>_2`, never mixing its files with the first. The charts are drawn in worker
processes, one per CPU (`render_charts`; $LOCALITY_WORKERS=1 draws them in the calling process).

Every spreadsheet written here (CSV and XLSX) neutralises formula injection: a text cell that
starts with =, +, -, @, tab or carriage return gets a leading apostrophe. File and sheet names
that come from the data pass through `safe_stem`/`_sheet_name`, so they never leave the export
folder. The same data gives byte-identical files: charts carry no creation date and stable SVG
ids (helpers/theme.py), and workbooks get fixed document dates and zip entry times.
"""
from __future__ import annotations

import html
import io
import os
import pickle
import re
import shutil
import sys
import tempfile
import unicodedata
import warnings
import zipfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import pandas as pd

from . import analysis, paths, words
from .rules import pack_rules, view_rule  # pack_rules stays importable from here

FORMATS = ("png", "svg", "pdf")
PACK_SIZES = ("slide", "a4")
# $LOCALITY_WORKERS sets how many processes draw a pack's charts (1: all in the calling process).
WORKERS_ENV = "LOCALITY_WORKERS"
# Each worker peaks at ~210 MB; the largest chart is about a quarter of a pack's drawing, so more workers
# than this would mostly wait for it.
MAX_WORKERS = 4
_PACKAGE = str(Path(__file__).resolve().parent)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX cannot hold (openpyxl refuses them); input validation already refuses them in cells.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Windows refuses these as file names whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
# Workbook dates when the data gives none; the zip format cannot store dates before 1980.
FALLBACK_DATE = datetime(2000, 1, 1)
NUMBERS_COLUMNS = ["figure_id", "locality_id", "locality_name", "metric_id", "label_vi", "label_en", "figure_type",
                   "value", "value_high", "out_of", "value_per_year", "unit", "qualifier", "period_start", "period_end",
                   "term", "reference", "reference_owner", "scope", "basis", "flag", "note", "article_id",
                   "article_title", "publisher", "published", "evidence"]


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


def safe_stem(stem: str) -> str:
    """A file name that cannot leave the export folder, whatever the data called it.

    ASCII letters, digits, '-' and '_' only (Vietnamese letters lose their marks, 'đ' becomes 'd'), no
    leading or trailing '-', at most 100 characters, never empty and never a name Windows reserves.
    The same stem always gives the same name, and a safe name is returned unchanged.
    """
    text = str(stem).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-")[:100].strip("-") or "chart"
    if cleaned.lower() in _RESERVED:
        cleaned = f"chart-{cleaned}"
    return cleaned


def neutralise(value):
    """Spreadsheet formula injection: a text cell starting with =, +, -, @, tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of `frame` neutralised (numbers, dates and missing values untouched)."""
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col) or isinstance(col.dtype, pd.CategoricalDtype):
            out[c] = col.astype(object).map(neutralise)
    return out


def workbook_date(df: pd.DataFrame | None) -> datetime:
    """The date a workbook is stamped with: the newest publication date of the figures' articles, so the
    same data always gives the same bytes (FALLBACK_DATE when there is none)."""
    from .periods import PeriodError, parse_partial_date

    newest = FALLBACK_DATE
    if df is not None and "published" in getattr(df, "columns", ()):
        for text in set(df["published"].dropna().astype(str)):
            try:
                first = parse_partial_date(text).first
            except PeriodError:
                continue
            newest = max(newest, datetime(first.year, first.month, first.day))
    return newest


# Excel holds at most this many characters in a cell; a longer one is cut, and says so at its end.
XLSX_CELL_MAX = 32_767


def _cut_marker(n: int) -> str:
    return f" … [cut: {n:,} characters in all, see the CSV]"


def _fit_cell(v):
    if isinstance(v, str) and len(v) > XLSX_CELL_MAX:
        marker = _cut_marker(len(v))
        return v[:XLSX_CELL_MAX - len(marker)] + marker
    return v


def write_xlsx(path, sheets: dict[str, pd.DataFrame], *, when: datetime | None = None,
               cut: list | None = None) -> Path:
    """Write one sheet per frame, neutralised, with the same bytes for the same frames.

    openpyxl stamps the workbook with the time of saving and the zip entries with the time of
    writing; both are replaced by `when` (default FALLBACK_DATE). A cell longer than Excel holds
    (XLSX_CELL_MAX) is cut with a marker saying so; each cut is added to `cut` as
    (sheet, spreadsheet row, column, length), for the caller to report.
    """
    path = Path(path)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            clean = frame.copy()
            for c in clean.columns:  # first what a workbook cannot hold, then formulas (so none is uncovered)
                if clean[c].dtype == object or pd.api.types.is_string_dtype(clean[c]):
                    clean[c] = clean[c].astype(object).map(
                        lambda v: _XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v)
            clean = neutralise_frame(clean)
            for c in clean.columns:
                if clean[c].dtype == object or pd.api.types.is_string_dtype(clean[c]):
                    clean[c] = clean[c].astype(object)
                    long = clean[c].map(lambda v: isinstance(v, str) and len(v) > XLSX_CELL_MAX)
                    if long.any():
                        for pos in long.to_numpy().nonzero()[0]:
                            if cut is not None:
                                cut.append((name, int(pos) + 2, str(c), len(clean[c].iloc[pos])))
                        clean[c] = clean[c].map(_fit_cell)
            clean.to_excel(xl, sheet_name=name, index=False)
    write_whole(path, _stable_zip(buf.getvalue(), when or FALLBACK_DATE))
    return path


def umask_mode(mode: int = 0o666) -> int:
    """`mode` as the umask leaves it: the mode a file (0o666) or folder (0o777) made the ordinary way gets."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def write_whole(path, content: bytes) -> Path:
    """Write `content` to `path` complete or not at all: a hidden file beside it (same disk), flushed to disk,
    then renamed over it. A full disk leaves the previous file as it was, never a truncated one. The file
    gets the previous file's mode, or the umask's ordinary one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = umask_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _stable_zip(data: bytes, when: datetime) -> bytes:
    """An XLSX rewritten with `when` as its created/modified dates and as every zip entry's time."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + stamp + m.group(3), body)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # the same bytes whatever system wrote them
            entry.external_attr = 0o644 << 16
            zout.writestr(entry, body)
    return out.getvalue()


def numbers_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind a chart: the figures it plots, traceable to their articles."""
    cols = [c for c in NUMBERS_COLUMNS if c in rows.columns]
    out = rows[cols].copy()
    for c in ("period_start", "period_end"):
        if c in out:
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return neutralise_frame(out)


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
        from .deck import check_localities
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or a check this system does not allow: leave its folder
    return True


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


def _refuse_in_starting_worker() -> None:
    """Stop a script that calls export_pack without `if __name__ == "__main__":` from exporting again in
    each worker process, which runs the calling script anew as it starts (multiprocessing refuses to start
    processes there for the same reason). The parent then reports the broken pool with the same advice.

    A starting worker runs the script's top level under the module name `__mp_main__` (documented in
    multiprocessing's programming guidelines); a frame of that top level on the call stack is the sign."""
    import inspect

    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") == "__mp_main__":
            raise RuntimeError("export_pack was called while a chart worker process was starting: put the call "
                               "under `if __name__ == \"__main__\":` in your script, or set LOCALITY_WORKERS=1")
        frame = frame.f_back


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


def render_charts(specs: list[Chart], out_dir: Path, lang: str = "vi",
                  say: Callable[[str], None] = lambda msg: None, *,
                  pool=None) -> list[tuple[Chart, dict[str, list[str]]]]:
    """Draw and save every chart at both sizes; returns (chart, {size: file names}) in the charts' order.

    Charts are drawn in worker processes, one per CPU (see `worker_count`), since drawing is nearly all of
    an export's time and each chart is independent: in `pool` (from `chart_workers`), else in a pool
    started here. Each chart is drawn with the pack style set afresh, so its files are the same bytes
    whichever process draws it and in whichever order. The first error stops the export: charts not
    started are cancelled, running ones awaited, and the error raised here as it was raised in the worker.
    """
    with ExitStack() as stack:
        picklable = _picklable(specs)
        if pool is None and picklable:
            pool = stack.enter_context(chart_workers(len(specs)))
        if pool is not None and picklable:
            results = _render_in_workers(specs, out_dir, lang, pool, say)
        else:  # one CPU, $LOCALITY_WORKERS=1, or charts drawn by local functions (a notebook's, a test's)
            results = []
            for i, spec in enumerate(specs, start=1):
                say(f"[{i}/{len(specs)}] {spec.stem}")
                results.append(_render_both(spec, out_dir, lang))
    built = []
    for spec, (files, title) in zip(specs, results):
        spec.title = title  # a worker's copy of the chart learnt it from the drawn figure
        built.append((spec, files))
    return built


def _render_both(spec: Chart, out_dir: Path, lang: str) -> tuple[dict[str, list[str]], str]:
    """One chart at both sizes, in the pack style: (file names by size, the chart's title)."""
    with pack_style(lang):
        files = {size: [p.name for p in render_chart(spec, out_dir, size)] for size in PACK_SIZES}
    return files, spec.title


def worker_count(jobs: int) -> int:
    """Processes that draw the charts: $LOCALITY_WORKERS when set (1 draws in this process, for
    debugging), else one per CPU this process may use, at most MAX_WORKERS; never more than `jobs`."""
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise ValueError(f"${WORKERS_ENV} must be a whole number of at least 1, not {env!r}")
        wanted = int(env)
    else:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        wanted = min(cpus, MAX_WORKERS)
    return max(1, min(wanted, jobs))


@contextmanager
def chart_workers(jobs: int = MAX_WORKERS):
    """A pool of worker processes for `render_charts`, starting at once; None when one process draws.

    Starting the first worker waits ~0.9 s for the fork server to import matplotlib, so a warm-up job is
    submitted from a helper thread: the caller validates and plans the charts meanwhile. The pool spawns
    no more workers than it is given jobs. Leaving the block waits for the workers (after an error too:
    they stop before the caller removes the unfinished pack).
    """
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    workers = worker_count(jobs)
    if workers < 2 or multiprocessing.current_process().daemon:  # a daemonic process may not have children
        yield None
        return
    pool = ProcessPoolExecutor(workers, mp_context=_mp_context(), initializer=_init_worker,
                               initargs=(os.getpid(),))
    starter = threading.Thread(target=pool.submit, args=(_warm_up,), name="chart-workers-start", daemon=True)
    starter.start()
    try:
        yield pool
    finally:
        starter.join()
        pool.shutdown(wait=True, cancel_futures=True)


def _picklable(specs: list[Chart]) -> bool:
    """Whether the charts can be sent to worker processes (a chart drawn by a lambda cannot)."""
    try:
        pickle.dumps(specs)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _render_in_workers(specs: list[Chart], out_dir: Path, lang: str, pool,
                       say: Callable[[str], None]) -> list[tuple[dict[str, list[str]], str]]:
    """`_render_both` for every chart in `pool`; results in the charts' order.

    The costliest charts go first, so that the workers finish together. On any error (a worker's, or
    Ctrl-C here) charts not yet started are cancelled and the running ones awaited before the error
    propagates, so nothing writes into the pack folder once the caller removes it.
    """
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: list = [None] * len(specs)
    order = sorted(range(len(specs)), key=lambda i: -_rough_cost(specs[i]))
    say(f"Drawing {len(specs)} charts in {worker_count(len(specs))} processes …")
    try:
        futures = {pool.submit(_worker_render, specs[i], out_dir, lang, _PACKAGE): i for i in order}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()  # raises the worker's error
            say(f"[{done}/{len(specs)}] {specs[futures[future]].stem}")
    except BrokenProcessPool as exc:
        pool.shutdown(wait=True, cancel_futures=True)
        raise BrokenProcessPool(
            "a chart worker process stopped abruptly (killed, out of memory, or a script calling export_pack "
            "without `if __name__ == \"__main__\":`, which every worker runs again); "
            f"{WORKERS_ENV}=1 draws the charts in this process") from exc
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return results


def _rough_cost(spec: Chart) -> int:
    """How long a chart takes to draw, roughly: scorecards and the coverage map grow with the number of
    metrics (a panel or a row each)."""
    return spec.rows["metric_id"].nunique() if "metric_id" in spec.rows else 0


def _mp_context():
    """Worker processes start from a fresh interpreter ("forkserver", else "spawn"), never by forking this
    one: a notebook's kernel runs threads, and a forked copy of a threaded process can deadlock. The fork
    server imports the chart modules once; each worker is forked from it, ready to draw."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["helpers.export", "helpers.charts", "matplotlib.backends.backend_agg",
                                    "matplotlib.backends.backend_svg", "matplotlib.backends.backend_pdf"])
        return ctx
    return multiprocessing.get_context("spawn")


def _warm_up() -> None:
    """The first job of a pool: nothing to do, but submitting it starts the fork server and a worker."""


def _init_worker(parent: int | None = None) -> None:
    """A worker draws off-screen, leaves Ctrl-C to the parent, which stops the pool and removes the
    unfinished pack, and ends as soon as the exporting process is gone (killed by SIGKILL, it can stop
    nothing): a worker never outlives it nor writes into a folder the next export removes."""
    import signal
    import threading

    import matplotlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    matplotlib.use("Agg")
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with_parent(parent: int, every: float = 0.2) -> None:
    """End this worker when process `parent` has ended. Its parent process is the fork server, not the
    export, so the export's pid is watched: gone, or an orphan re-parented to init (pid reused)."""
    import time

    start_ppid = os.getppid()
    while True:
        time.sleep(every)
        if not _pid_alive(parent) or os.getppid() != start_ppid:
            os._exit(1)


def _worker_render(spec: Chart, out_dir: Path, lang: str, package: str):
    """`_render_both` in a worker, after checking it runs the parent's copy of this code (an editable
    install elsewhere could otherwise draw with another checkout's charts)."""
    if _PACKAGE != package:
        raise RuntimeError(f"worker process imported helpers from {_PACKAGE}, not {package}: "
                           f"run from the project folder, or set {WORKERS_ENV}=1")
    return _render_both(spec, out_dir, lang)


def _unique(stem: str, taken: set[str]) -> str:
    """`stem`, or `stem-2`, `stem-3`, … when another chart has it (compared ignoring case, as Windows does)."""
    out, k = stem, 1
    while out.lower() in taken:
        k += 1
        out = f"{stem[:95]}-{k}"
    taken.add(out.lower())
    return out


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


def _sheet_name(stem: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique ignoring case."""
    base = re.sub(r"[\[\]:*?/\\]", "-", stem).strip("'")[:31] or "sheet"
    name, k = base, 1
    while name.lower() in taken:
        k += 1
        name = f"{base[:28]}-{k:02d}"
    taken.add(name.lower())
    return name


def write_workbook(path: Path, built, df: pd.DataFrame, lang: str, omitted: pd.DataFrame | None = None) -> list:
    """A sheet per chart (its numbers), a sources sheet with every article and evidence excerpt used, and
    the indicators no comparison shows, with why."""
    used, sheets, taken = set(), {}, {"nguon-sources", "bo-ra-left-out"}
    for spec, _ in built:
        sheets[_sheet_name(spec.stem, taken)] = numbers_table(spec.rows)
        used |= set(spec.rows["figure_id"])
    src = df[df["figure_id"].isin(used)].sort_values(["article_id", "source_row"])
    cols = ["article_id", "article_title", "publisher", "published", "figure_id", "locality_name", "metric_id",
            "value_as_written", "unit_as_written", "period_text", "evidence", "flag", "note"]
    sources = src[cols].copy()
    sources["figure_id"] = sources["figure_id"].astype(str)
    sheets["nguon-sources"] = sources  # neutralised by write_xlsx
    if omitted is not None and not omitted.empty:
        sheets["bo-ra-left-out"] = omitted
    cut: list = []
    write_xlsx(path, sheets, when=workbook_date(src), cut=cut)
    return cut


def write_index(path: Path, built, report, lang: str, stamp: str, omitted: pd.DataFrame | None = None,
                cut: list | None = None) -> None:
    """A self-contained page: each chart with its title, caption, sources, caveats and downloads."""
    vi = lang == "vi"
    e = html.escape
    parts = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
             f"<title>{e('Gói tài liệu giao ban' if vi else 'Briefing pack')} {stamp}</title>",
             "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "figure{margin:2.5em 0;border-top:1px solid #ddd;padding-top:1em}img{width:100%}"
             "figcaption p{margin:.3em 0}.caveats li{color:#8a4b00}.files a{margin-right:.8em}</style></head><body>",
             f"<h1>{e('Gói tài liệu giao ban' if vi else 'Briefing pack')} — {stamp}</h1>",
             f"<p>{e(report.summary())}</p>",
             *(f"<p class='warning'><b>{'Cảnh báo' if vi else 'Warning'}:</b> {e(p.message)}</p>"
               for p in report.problems if p.code == "texts_missing"),
             *(f"<p class='warning'><b>{'Cảnh báo' if vi else 'Warning'}:</b> "
               + e(f"briefing.xlsx, {'trang' if vi else 'sheet'} {sheet}, {'dòng' if vi else 'row'} {row}, "
                   f"{'cột' if vi else 'column'} {column}: " + (
                       f"{n:,} ký tự, quá giới hạn {XLSX_CELL_MAX:,} của một ô; đã cắt bớt, có ghi chú ở cuối ô"
                       if vi else f"{n:,} characters, more than a cell holds ({XLSX_CELL_MAX:,}); cut, with a marker"))
               + "</p>" for sheet, row, column, n in (cut or [])),
             f"<p><a href='briefing.xlsx'>{e('Sổ tính (mỗi biểu đồ một trang, kèm trang nguồn)' if vi else 'Workbook (a sheet per chart, plus sources)')}</a></p>",
             "<nav><ol>"]
    parts += [f"<li><a href='#{e(spec.stem)}'>{e(spec.title)}</a></li>" for spec, _ in built]
    parts.append("</ol></nav>")
    for spec, files in built:
        arts = spec.rows.drop_duplicates("article_id").sort_values("published")
        sources = "".join(
            f"<li>{e(a['article_title'])} — {e(a['publisher'] or ('không rõ nơi đăng' if vi else 'publisher not stated'))}, "
            f"{e(words.date(a['published'], lang))}</li>" for _, a in arts.iterrows())
        cav = "".join(f"<li>{e(c.text(lang))}</li>" for c in spec.caveats)
        links = " ".join(f"<a href='{e(name)}'>{e(name)}</a>" for size in ("slide", "a4") for name in files[size])
        parts.append(
            f"<figure id='{e(spec.stem)}'><img src='{e(files['slide'][0])}' alt='{e(spec.title)}'>"
            f"<figcaption><h2>{e(spec.title)}</h2><p>{e(spec.caption)}</p>"
            f"<p><b>{'Nguồn' if vi else 'Sources'}</b></p><ul>{sources}</ul>"
            + (f"<p><b>{'Lưu ý khi so sánh' if vi else 'Caveats'}</b></p><ul class='caveats'>{cav}</ul>" if cav else "")
            + f"<p class='files'>{links}</p></figcaption></figure>")
    if omitted is not None and not omitted.empty:
        parts.append(f"<section id='left-out'><h2>{e('Chưa có biểu đồ so sánh' if vi else 'Left out of the comparisons')}</h2>"
                     f"<p>{e('Các chỉ số dưới đây có số liệu nhưng chưa đủ để so sánh; chúng vẫn có trong hồ sơ từng địa phương.' if vi else 'These indicators have figures but not enough to compare; they still appear in each locality’s scorecard.')}</p><ul>")
        parts += [f"<li><b>{e(r.label)}</b> (<code>{e(r.metric_id or r.locality_id)}</code>, {r.figures} "
                  f"{e('số liệu' if vi else 'figures')}): {e(r.reason)}</li>" for r in omitted.itertuples()]
        parts.append("</ul></section>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
