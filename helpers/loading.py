"""From the data folder to one tidy table, with every problem reported and nothing dropped silently.

`check()` reads and validates everything and returns a Report; `load()` returns the tidy
figures (rows with errors are left out, each with its problem in `df.attrs["problems"]`),
or raises in strict mode.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths
from .io import CONTROL, RawTable, decode, read_records, read_table
from .periods import months_between, term_of
from .problems import ERROR, WARNING, DataError, Problem, Problems, capped
from .schema import (ANNOTATIONS, ARTICLES, LEVEL_TIER, LOCALITIES, METRICS, SUCCESSIONS, TIDY, VARIANTS,
                     tidy_dtypes)
from .texts import describe, fold, folders, safe_text_path, squash
from .units import UnitError, Units, conversion_factor, read_units
from .validate import check_fields


class DataWarning(UserWarning):
    """Rows were left out of the tidy table because of errors."""


@dataclass
class Report:
    figures: pd.DataFrame
    problems: list[Problem]
    articles: pd.DataFrame
    localities: pd.DataFrame
    metrics: pd.DataFrame
    texts_checked: int = 0
    rows_read: int = 0
    files: list[str] = field(default_factory=list)
    successions: pd.DataFrame = field(default_factory=pd.DataFrame)
    variants: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != ERROR]

    def render(self, texts=None) -> str:
        """The readable report: problems grouped by file, what was checked, then the summary line."""
        lines, by_file = [], {}
        for p in self.problems:
            by_file.setdefault(p.file, []).append(p)
        for file, items in by_file.items():
            lines.append(file)
            for p in sorted(items, key=lambda p: (p.severity != ERROR, p.row or 0)):
                where = f"row {p.row}" if p.row is not None else "file"
                col = f", column {p.column}" if p.column else ""
                val = f", value {p.value!r}" if p.value not in (None, "") else ""
                lines.append(f"  {p.severity.upper()} {where}{col}{val}: {p.message} [{p.code}]")
                if p.fix:
                    lines.append(f"    fix: {p.fix}")
            lines.append("")
        if not self.problems:
            lines.append("No problems found.")
        if texts is None:
            lines.append("Evidence not checked: pass --texts DIR with the article texts.")
        else:
            lines.append(f"Evidence checked against {self.texts_checked} article text(s) in {describe(texts)}.")
        left_out = self.rows_read - len(self.figures)
        if left_out:
            lines.append(f"{left_out} annotation row(s) left out because of the errors above.")
        lines.append(self.summary())
        return "\n".join(lines)

    def summary(self) -> str:
        return (f"{len(self.articles)} articles, {len(self.localities)} localities, {len(self.metrics)} metrics, "
                f"{len(self.figures)} figures, {len(self.errors)} errors, {len(self.warnings)} warnings")


def load(data_dir=None, texts=None, *, strict: bool = False, cache: bool = True) -> pd.DataFrame:
    """The tidy table of figures. Rows with errors are left out with a DataWarning; strict raises.

    With `cache` (the default) an unchanged data folder is served from the cache (helpers/cache.py):
    reopening a notebook does not validate everything again."""
    report = check(data_dir, texts, cache=cache)
    if strict and report.errors:
        raise DataError(report.problems)
    if report.errors:
        warnings.warn(f"{len(report.errors)} error(s) in the data; rows with errors were left out. "
                      f"Run `python -m helpers validate` for the list.", DataWarning, stacklevel=2)
    figures = report.figures
    figures.attrs["problems"] = report.problems
    return figures


def check(data_dir=None, texts=None, *, cache: bool = False) -> Report:
    """Read and validate the data folder (and the article texts, when given).

    With `cache`, the Report of byte-identical inputs is served from the cache instead."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    if cache:
        from . import cache as _cache

        report = _cache.cached_check(data_dir, texts, lambda: _check(data_dir, texts))
    else:
        report = _check(data_dir, texts)
    _remember_names(report)
    return report


def _remember_names(report: Report) -> None:
    """Caveats name units and scopes in words even when no figure of them is at hand (a successor): they
    take the words from the data folder just read, not only from the project's data/."""
    from .analysis import set_variant_labels
    from .localities import remember_gazetteer

    remember_gazetteer(report.localities)
    if not report.variants.empty:
        set_variant_labels(report.variants)


def _check(data_dir: Path, texts) -> Report:
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    problems = Problems()
    shown = lambda p: str(p)  # noqa: E731 - paths as the user typed them

    arts = read_table(data_dir / "articles.csv", ARTICLES, shown(data_dir / "articles.csv"))
    locs = read_table(data_dir / "localities.csv", LOCALITIES, shown(data_dir / "localities.csv"))
    mets = read_table(data_dir / "metrics.csv", METRICS, shown(data_dir / "metrics.csv"))
    vars_ = _optional_table(data_dir / "variants.csv", VARIANTS, shown)
    succ = _optional_table(data_dir / "successions.csv", SUCCESSIONS, shown)
    for raw in (arts, locs, mets, vars_, succ):
        problems.extend(raw.problems)
    units = read_units(data_dir, problems)  # the folder's units.csv, else the project's

    ids = {"articles": set(arts.frame["article_id"]), "localities": set(locs.frame["locality_id"]),
           "metrics": set(mets.frame["metric_id"]), "variants": set(vars_.frame["variant_id"])}
    art_ok, art_parsed = check_fields(arts, ARTICLES, problems, ids)
    loc_ok, loc_parsed = check_fields(locs, LOCALITIES, problems, ids)
    met_ok, met_parsed = check_fields(mets, METRICS, problems, ids, units=units)
    var_ok, _ = check_fields(vars_, VARIANTS, problems, ids)
    _check_localities(locs, loc_parsed, problems)
    _check_metric_names(mets, met_ok, problems)
    articles = arts.frame[art_ok].assign(published_parsed=art_parsed["published"].objects()[art_ok])
    localities = locs.frame[loc_ok]
    metrics = mets.frame[met_ok].assign(unit_parsed=met_parsed["unit"].objects()[met_ok])
    variants = vars_.frame[var_ok]
    ids = {"articles": set(articles["article_id"]), "localities": set(localities["locality_id"]),
           "metrics": set(metrics["metric_id"]), "variants": set(variants["variant_id"])}
    succ_ok, _ = check_fields(succ, SUCCESSIONS, problems, ids)
    successions = _check_successions(succ, succ_ok, problems)
    # Ids whose rows exist but were left out with errors: a reference to one says so, rather than 'unknown'.
    refused = {table: {v: int(row) for row, v in raw.frame.loc[~ok, col].items() if v and v not in ids[table]}
               for table, raw, ok, col in (("articles", arts, art_ok, "article_id"),
                                           ("localities", locs, loc_ok, "locality_id"),
                                           ("metrics", mets, met_ok, "metric_id"))}

    batch, files, rows_read = _Gather(), [], 0
    english = dict(zip(articles["article_id"], articles.get("language", pd.Series(dtype=object)) == "en"))
    ann_dir = data_dir / "annotations"
    if not ann_dir.is_dir():
        problems.error(str(ann_dir), None, None, None, "missing_folder", "there is no annotations folder",
                       "create data/annotations/ with one <article_id>.csv per article")
    for path in sorted(ann_dir.glob("*")) if ann_dir.is_dir() else []:
        name = shown(path)
        if path.name.startswith("~$"):
            problems.warning(name, None, None, None, "lock_file",
                             "a spreadsheet's lock file (the file is open in Excel); it is not read",
                             "close the workbook, or delete this file if Excel is no longer running")
            continue
        if path.suffix.lower() != ".csv" or path.name.startswith("."):
            if not path.name.startswith("."):
                problems.warning(name, None, None, None, "not_csv", "only .csv files are read from annotations/",
                                 "export it as CSV UTF-8 named <article_id>.csv, or move it out of the folder")
            continue
        try:
            regular = path.is_file()  # follows a link, as reading does
        except OSError:
            regular = False
        if not regular:  # a FIFO, socket or device named like a file: reading it could wait for ever
            problems.warning(name, None, None, None, "not_a_file",
                             "not a regular file (a pipe, socket, device or folder); it is not read",
                             "remove it from annotations/, or replace it with the CSV file itself")
            continue
        files.append(name)
        if not _inside(path, ann_dir):
            problems.error(name, None, None, None, "unsafe_path",
                           "the file is a link to a place outside the data folder and is not read",
                           "copy the file into data/annotations/ instead of linking to it")
            continue
        if path.stem not in ids["articles"]:
            if path.stem in refused["articles"]:
                row = refused["articles"][path.stem]
                problems.error(name, None, None, path.stem, "unknown_article",
                               f"the row of articles.csv for '{path.stem}' (row {row}) has errors, so this file's "
                               "figures are left out", f"fix row {row} of articles.csv (see its problems above)")
            else:
                problems.error(name, None, None, path.stem, "unknown_article",
                               f"no row of articles.csv has article_id '{path.stem}', so this file's figures are left out",
                               "add the article to data/articles.csv, or rename the file to <article_id>.csv")
            continue
        raw, rows, index = read_records(path, ANNOTATIONS, name)
        if raw.decimal is None and english.get(path.stem):
            raw.decimal = "."  # an English page: 99.91 is a decimal, 245,000 groups thousands
        problems.extend(raw.problems)
        rows_read += len(rows) + raw.skipped
        if raw.readable and rows:
            batch.add(raw, path.stem, rows, index)
    missing_files = sorted(ids["articles"] - {Path(f).stem for f in files})
    for aid in missing_files:
        problems.warning(str(ann_dir / f"{aid}.csv"), None, None, aid, "no_annotations",
                         "the article has no annotation file", f"create annotations/{aid}.csv")

    good = (_check_annotations(batch.build(), metrics, problems, ids, refused, units) if batch.counts
            else pd.DataFrame())
    texts_checked = 0
    if not good.empty:
        good = _drop_duplicates(good, problems)
        _report_conflicts(good, problems)
        if texts is not None:
            texts_checked = _check_evidence(good, articles, texts, problems, arts.name)
        good = good[~good["_bad"]]
    _report_unused(good, localities, metrics, problems, locs.name, mets.name, successions)
    _check_validity(good, localities, loc_parsed, loc_ok, problems)
    figures = _tidy(good, articles, localities, metrics, successions)
    _report_no_term(figures, problems)
    return Report(figures, capped(list(problems)), articles.drop(columns="published_parsed"), localities,
                  metrics.drop(columns="unit_parsed"), texts_checked, rows_read, files, successions, variants)


def _optional_table(path: Path, table, shown) -> RawTable:
    """A table a data folder may leave out (an older folder has no successions or variants): empty then."""
    if path.exists():
        return read_table(path, table, shown(path))
    return RawTable(shown(path), pd.DataFrame({c: pd.Series(dtype=object) for c in table.columns}))


def _check_metric_names(raw: RawTable, ok: pd.Series, problems: Problems) -> None:
    """The codebook's naming rule: an indicator id ends with the suffix of its unit and kind (see
    schema.metric_suffix), so the same quantity is named the same way everywhere."""
    from .schema import metric_suffix

    df = raw.frame[ok]
    for row, mid, unit, kind in zip(df.index, df["metric_id"], df["unit"], df["kind"]):
        suffixes = metric_suffix(unit, kind)
        if suffixes and not mid.endswith(suffixes):
            problems.warning(raw.name, int(row), "metric_id", mid, "metric_name",
                             f"an indicator in '{unit}' of kind '{kind}' is named with a suffix "
                             f"{' or '.join(suffixes)}", f"rename it, e.g. '{_renamed(mid, suffixes[0])}', and "
                             "its uses in the annotations")


def _renamed(mid: str, suffix: str) -> str:
    return mid if mid.endswith(suffix) else mid + suffix


def _check_successions(raw: RawTable, ok: pd.Series, problems: Problems) -> pd.DataFrame:
    """The crosswalk's rows that are valid; a unit cannot succeed itself, and a `whole` predecessor has
    exactly one successor."""
    df = raw.frame
    bad = ok & (df["predecessor_id"] == df["successor_id"])
    for row in df.index[bad]:
        problems.error(raw.name, int(row), "successor_id", df.at[row, "successor_id"], "self_successor",
                       "a unit cannot be its own successor", "name the unit it went into")
    good = df[ok & ~bad]
    whole = good[good["share"] == "whole"]
    counts = good.groupby(["predecessor_id", "effective"])["successor_id"].transform("count")  # one change at a time
    for row in whole.index[(counts[whole.index] > 1).to_numpy()]:
        problems.warning(raw.name, int(row), "share", "whole", "whole_and_others",
                         f"'{good.at[row, 'predecessor_id']}' went wholly into this successor but has other "
                         "successors too", "mark each successor of a unit that was split as part")
    return good.reset_index(drop=True)


def _report_no_term(figures: pd.DataFrame, problems: Problems) -> None:
    """A figure whose period lies outside every known term would leave every comparison by term: say so."""
    if figures.empty:
        return
    lost = figures[figures["term"].isna()]
    for r in lost.itertuples():
        problems.warning(r.source_file, int(r.source_row), "period_start", f"{r.period_start:%Y-%m}",
                         "no_term", "the period lies outside every congress term known to helpers/periods.py "
                         "(1991–1996 to 2030–2035); the figure is kept but no comparison by term shows it",
                         "check the period; for an earlier or later term add it to TERMS in helpers/periods.py")


class _Gather:
    """The rows of every annotation file, gathered for one frame (positional index) and one pass of checks."""

    def __init__(self):
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []
        self.names, self.articles, self.decimals, self.counts = [], [], [], []

    def add(self, raw: RawTable, article_id: str, rows: list[list[str]], numbers: list[int]) -> None:
        self.rows.extend(rows)
        self.numbers.extend(numbers)
        self.names.append(raw.name)
        self.articles.append(article_id)
        self.decimals.append(raw.decimal or "")
        self.counts.append(len(rows))

    def build(self) -> "_Batch":
        counts = np.array(self.counts)
        frame = pd.DataFrame(self.rows, columns=ANNOTATIONS.columns, dtype=object)
        self.rows = []  # half a million small lists: let them go before the checks fill the frame
        files = np.repeat(np.array(self.names, dtype=object), counts)
        decimal = pd.Series(np.repeat(np.array(self.decimals, dtype=object), counts)).replace("", None)
        return _Batch(frame, files, np.array(self.numbers, dtype=np.int64),
                      np.repeat(np.array(self.articles, dtype=object), counts), decimal)


@dataclass
class _Batch:
    """Rows of many files in one frame; `files` and `rows` say where each row came from (see validate._locator)."""

    frame: pd.DataFrame
    files: np.ndarray
    rows: np.ndarray
    article_ids: np.ndarray
    decimal: pd.Series
    name: str = "annotations"


def _check_localities(raw: RawTable, parsed: dict, problems: Problems) -> None:
    df = raw.frame
    nat = np.datetime64("NaT")
    begins = parsed["valid_from"].attr("first", nat, "datetime64[D]")
    ends = parsed["valid_to"].attr("last", nat, "datetime64[D]")
    reversed_ = ends < begins  # NaT compares False: a missing date is never reversed
    own_parent = ((df["parent_id"] != "") & (df["parent_id"] == df["locality_id"])).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(reversed_ | own_parent):
        row = int(df.index[i])
        if reversed_[i]:
            problems.error(raw.name, row, "valid_to", df["valid_to"].iat[i], "reversed_validity",
                           "valid_to is before valid_from", "swap the two dates or correct one")
        if own_parent[i]:
            problems.error(raw.name, row, "parent_id", df["parent_id"].iat[i], "self_parent",
                           "a unit cannot be its own parent", "name the unit it belongs to")


def _inside(path: Path, folder: Path) -> bool:
    """True when `path`, links resolved, lies inside `folder`. A plain file listed in `folder` is inside it,
    so only links are resolved (resolving every one of 10,000 files costs seconds)."""
    try:
        if not path.is_symlink() and path.parent == folder:
            return True
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _check_annotations(batch: "_Batch", metrics: pd.DataFrame, problems: Problems, ids: dict[str, set[str]],
                       refused: dict | None = None, units: Units | None = None) -> pd.DataFrame:
    """Field and row checks of every annotation row at once; returns the rows with their parsed values as
    plain columns (numbers, dates, unit facts) and a `_bad` mask. Python work is per distinct value, not per row."""
    ok, parsed = check_fields(batch, ANNOTATIONS, problems, ids, refused, units)
    df = batch.frame
    df["_article_id"] = batch.article_ids
    df["_file"] = batch.files
    df["_row"] = batch.rows
    df["_qualifier"] = parsed["qualifier"].fillna("exact")
    for col in ("figure_type", "period_basis", "reference", "reference_owner", "flag"):
        df["_" + col] = parsed[col]
    amount, high, unit = parsed["value"], parsed["value_high"], parsed["unit"]
    start, end = parsed["period_start"], parsed["period_end"]
    df["_v"] = amount.attr("value", dtype=float)
    df["_out_of"] = amount.attr("out_of", dtype=float)
    df["_vh"] = high.attr("value", dtype=float)
    df["_has_high"] = high.present
    df["_unit_dim"] = unit.attr("dimension", "")
    df["_per_year"] = unit.attr("per_year", False, dtype=bool)
    nat = np.datetime64("NaT")
    df["_first"] = start.attr("first", nat, "datetime64[D]")
    df["_first_year_prec"] = start.attr("precision", "") == "year"
    df["_last"] = end.attr("last", nat, "datetime64[D]")
    df["_last_year_prec"] = end.attr("precision", "") == "year"
    met = metrics.set_index("metric_id")
    df["_kind"] = pd.Series(_lookup(df["metric_id"], met["kind"]), index=df.index).fillna("")
    canon = met["unit_parsed"]
    df["_canon_dim"] = pd.Series(_lookup(df["metric_id"], canon.map(lambda u: u.dimension)), index=df.index).fillna("")
    factor, mismatch = _unit_factors(unit, df["metric_id"], canon)
    df["_fraction_share"] = ~np.isnan(df["_out_of"]) & (df["_canon_dim"] == "per cent") & (df["_unit_dim"] == "count")
    df["_factor"] = np.where(df["_fraction_share"], 100.0 / df["_out_of"], factor)
    df["_bad"] = ~ok.to_numpy() | _row_checks(df, ok.to_numpy(), mismatch, problems)
    return df


def _unit_factors(unit, metric_ids: pd.Series, canon: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Conversion factor of each row's unit to its metric's, worked out once per distinct (unit, metric);
    and the UnitError of rows whose unit measures something else (None elsewhere)."""
    codes, pairs = _distinct(unit.codes, metric_ids.to_numpy())
    factors = np.full(len(pairs), np.nan)
    errors = np.full(len(pairs), None, dtype=object)
    for i, (u, mid) in enumerate(pairs):
        if u < 0 or mid not in canon.index:
            continue
        try:
            factors[i] = conversion_factor(unit.uniques[u], canon[mid])
        except UnitError as exc:
            errors[i] = exc
    if not len(pairs):
        return np.array([], dtype=float), pd.Series([], dtype=object)
    return factors[codes], pd.Series(errors[codes], index=metric_ids.index)


UNREVIEWED = "unreviewed"  # the warning for a scaffolded row whose `why` is not yet cleared


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _row_checks(df: pd.DataFrame, ok: np.ndarray, mismatch: pd.Series, problems: Problems) -> np.ndarray:
    """Checks that need several cells of one row, as masks over every row. Returns the rows to leave out."""
    found: list[tuple] = []  # (position, order, severity, column, value, code, message, fix)

    def report(mask, order, severity, column, code, value, message, fix):
        for i in np.flatnonzero(mask):
            r = df.iloc[i]
            found.append((i, order, severity, column, value(r), code, message(r), fix(r)))

    v, vh, out_of = df["_v"].to_numpy(), df["_vh"].to_numpy(), df["_out_of"].to_numpy()
    has_high = df["_has_high"].to_numpy()
    reversed_period = ok & (df["_last"] < df["_first"]).to_numpy()
    report(reversed_period, 0, ERROR, "period_end", "reversed_period", lambda r: r["period_end"],
           lambda r: f"the period ends ({r['period_end']}) before it starts ({r['period_start']})",
           lambda r: "swap period_start and period_end, or correct the year")
    wrong_unit = ok & ~df["_fraction_share"].to_numpy() & mismatch.notna().to_numpy()
    report(wrong_unit, 1, ERROR, "unit", "unit_mismatch", lambda r: r["unit"],
           lambda r: mismatch[r.name].message, lambda r: mismatch[r.name].fix)
    reversed_range = ok & has_high & (vh < v)
    report(reversed_range, 2, ERROR, "value_high", "reversed_range", lambda r: r["value_high"],
           lambda r: f"value_high ({r['value_high']}) is below value ({r['value']})",
           lambda r: "put the low end in value and the high end in value_high")
    over = ok & ~np.isnan(out_of) & (v > out_of)
    report(over, 3, ERROR, "value", "fraction_over_total", lambda r: r["value"],
           lambda r: "the fraction's first number is larger than its total", lambda r: "check the fraction as printed")
    bad = reversed_period | wrong_unit | reversed_range | over
    kind = df["_kind"].to_numpy()
    share = ok & ~bad & (kind == "share") & ~df["_fraction_share"].to_numpy()
    outside = share & ((v < 0) | (v > 100) | (has_high & ((vh < 0) | (vh > 100))))
    report(outside, 4, ERROR, "value", "share_out_of_range", lambda r: r["value"],
           lambda r: "a share must lie between 0 and 100 per cent",
           lambda r: "check the print; if the figure is a % of plan, choose a *_pct_plan metric")
    bad |= outside
    signed = np.isin(kind, ["flow", "level", "pct_of_plan", "targets_met", "share"])
    negative = ok & ~bad & signed & (v < 0)
    report(negative, 5, ERROR, "value", "negative_value", lambda r: r["value"],
           lambda r: f"a {r['_kind']} cannot be negative",
           lambda r: "drop the minus sign, or use a 'change' metric for a fall")
    bad |= negative
    no_note = (df["note"] == "").to_numpy()
    unexplained = ok & df["_flag"].notna().to_numpy() & no_note
    report(unexplained, 6, ERROR, "note", "flag_without_note", lambda r: "",
           lambda r: f"the row is flagged '{r['_flag']}' but has no note",
           lambda r: "explain in note what was printed and why it is doubtful")
    bad |= unexplained
    report(ok & (df["_period_basis"] == "inferred").to_numpy() & no_note, 7, WARNING, "note",
           "inferred_period_without_note", lambda r: "",
           lambda r: "the period is marked inferred but the note does not say how",
           lambda r: "say in note how the period was worked out")
    first_year = df["_first"].dt.year.to_numpy()
    last_year = df["_last"].dt.year.to_numpy()
    six = (ok & (first_year == last_year - 5) & df["_first_year_prec"].to_numpy() & df["_last_year_prec"].to_numpy()
           & (last_year % 5 == 0))
    report(six, 8, WARNING, "period_start", "six_year_term", lambda r: r["period_start"],
           lambda r: f"{r['period_start']}–{r['period_end']} covers six years",
           lambda r: (f"if this is the whole term {r['_first'].year}–{r['_last'].year}, write period_start "
                      f"{r['_first'].year + 1}: a term's plan years are {r['_first'].year + 1}–{r['_last'].year}"))
    # A row new-article pre-filled carries its reasons in `why`; the annotator confirms the row by clearing it.
    unreviewed = (df["why"].fillna("").astype(str).str.strip() != "").to_numpy()
    report(unreviewed, 9, WARNING, "why", UNREVIEWED, lambda r: _short(r["why"]),
           lambda r: "the row was pre-filled by new-article and not yet confirmed: it does not count as annotated",
           lambda r: "check the suggestions, then clear why")
    files, rows = df["_file"].to_numpy(), df["_row"].to_numpy()
    for i, _, severity, column, value, code, message, fix in sorted(found, key=lambda f: (f[0], f[1])):
        problems.add(files[i], int(rows[i]), column, value, severity, code, message, fix)
    return bad


KEY = ["_article_id", "locality_id", "metric_id", "_figure_type", "period_start", "period_end", "_reference",
       "_reference_owner", "scope", "basis"]
FIGURE = ["_fv", "_fh", "_fy", "_typed"]


def _significant(x: np.ndarray, digits: int = 12) -> np.ndarray:
    """`x` rounded to `digits` significant digits, so 0.1 + 0.2 and 0.3 compare equal (as '%.12g' would)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(x))))
        out = np.round(x * scale) / scale
    return np.where(np.isfinite(scale) & (x != 0), out, x)


def _figure_columns(df: pd.DataFrame) -> None:
    """A row's figure in the metric's unit, so '0,58' and '0.58', or '11 tỷ 708 triệu đồng' and '11,708 tỷ đồng',
    compare equal; the cells as typed when the row could not be read."""
    f = df["_factor"].to_numpy()
    df["_fv"] = _significant(df["_v"].to_numpy() * f)
    df["_fh"] = _significant(np.where(df["_has_high"], df["_vh"].to_numpy() * f, np.nan))
    df["_fy"] = df["_per_year"]
    unreadable = np.isnan(df["_fv"].to_numpy())
    df["_typed"] = ""
    if unreadable.any():
        df.loc[unreadable, "_typed"] = (df.loc[unreadable, "value"] + "|" + df.loc[unreadable, "value_high"] + "|"
                                        + df.loc[unreadable, "unit"])


def _drop_duplicates(df: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Repeats within one article are errors: the later row is left out. A repeat is the same key and the
    same figure, however it was typed. `df` is the loader's own frame and gains the figure columns."""
    _figure_columns(df)
    cols = KEY + FIGURE + ["_qualifier"]
    dup = df.duplicated(subset=cols, keep="first").to_numpy() & ~df["_bad"].to_numpy()  # empty cells match
    if dup.any():
        first = df["_row"].groupby([df[c] for c in cols], sort=False, dropna=False).transform("first").to_numpy()
        for i in np.flatnonzero(dup):
            problems.error(df["_file"].iat[i], int(df["_row"].iat[i]), None, df["value"].iat[i], "duplicate_row",
                           f"this row repeats row {first[i]} of the same file and is left out",
                           "delete one of the two rows")
        df.loc[dup, "_bad"] = True
    return df


MAX_LISTED = 10  # other values named in one conflict message


def _report_conflicts(df: pd.DataFrame, problems: Problems) -> None:
    """Same locality, metric, period and reference with different values: reported, both kept."""
    live = df[~df["_bad"]]
    if live.empty:
        return
    # Compare periods by the days they cover, so '2021' and '2021-01'..'2021-12' are the same period.
    key = [live["locality_id"], live["metric_id"], live["_figure_type"].fillna(""), live["_first"], live["_last"],
           live["_reference"].fillna(""), live["_reference_owner"].fillna(""), live["scope"], live["basis"]]
    group = live.groupby(key, sort=False, dropna=False).ngroup()
    figure = live[FIGURE].fillna(-1.0).groupby([live[c].fillna(-1.0) for c in FIGURE], sort=False).ngroup()
    differing = figure.groupby(group).transform("nunique") > 1
    if not differing.any():
        return
    rows = live[differing.to_numpy()].assign(_group=group[differing])
    for _, g in rows.groupby("_group", sort=False):
        shown = [f"{Path(f).name} row {r}: {v}" for f, r, v in zip(g["_file"], g["_row"], g["value"])]
        for k, (file, row, value) in enumerate(zip(g["_file"], g["_row"], g["value"])):
            others = shown[:k] + shown[k + 1:]
            where = "; ".join(others[:MAX_LISTED]) + (f"; and {len(others) - MAX_LISTED} more"
                                                      if len(others) > MAX_LISTED else "")
            problems.warning(file, int(row), "value", value, "conflicting_values",
                             f"the same locality, metric and period has other values ({where}); both are kept",
                             "check both articles; keep both if they really differ, and say so in note")


def _article_text(path: Path | None) -> tuple[str | None, str | None]:
    """An article's text (decoded like the CSVs, stray control characters removed), or None and why not.

    The reason is None when the file is simply not there."""
    if path is None or not path.is_file():
        return None, None
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot open it ({exc.strerror or exc})"
    found = Problems()
    text, _ = decode(data, str(path), found)
    if text is None:
        return None, found.errors[0].message if found.errors else "it is not text"
    return CONTROL.sub("", text), None


def _check_evidence(df: pd.DataFrame, articles: pd.DataFrame, texts, problems: Problems,
                    articles_file: str) -> int:
    """Every evidence excerpt must be found verbatim (NFC, whitespace folded) in its article text.

    Each text is read and folded once and each distinct excerpt folded once; the search itself is one
    substring test per row, so the cost grows with the size of the texts and the number of excerpts."""
    texts_dir = describe(texts)
    if not any(f.is_dir() for f in folders(texts)):
        problems.warning(texts_dir, None, None, None, "texts_missing",
                         "the texts folder does not exist; evidence was not checked",
                         "pass --texts with the folder holding the article .txt files")
        return 0
    checked = 0
    files = articles.set_index("article_id")["text_file"]
    live = df[~df["_bad"]]
    folded_texts: dict[str, str] = {}
    for aid in sorted(set(live["_article_id"])):
        path = safe_text_path(texts, files.get(aid, ""))
        text, why = _article_text(path)
        if text is None:
            row = articles.index[articles["article_id"] == aid][0]
            if why:
                problems.warning(articles_file, int(row), "text_file", files.get(aid, ""), "text_unreadable",
                                 f"the text of '{aid}' ({path.name}) cannot be read: {why}; its evidence was not checked",
                                 "save the article as plain text (UTF-8) under that name")
            else:
                problems.warning(articles_file, int(row), "text_file", files.get(aid, ""), "text_missing",
                                 f"the text of '{aid}' is not in {texts_dir}; its evidence was not checked",
                                 "put the article's .txt in the texts folder or correct text_file")
            continue
        folded_texts[aid] = fold(text)
        checked += 1
    checkable = live[live["_article_id"].isin(list(folded_texts))]
    codes, excerpts = pd.factorize(checkable["evidence"])
    # The cells were normalised to NFC when read, so folding an excerpt is collapsing its whitespace.
    folded = np.array([squash(e) for e in excerpts] + [""], dtype=object)[codes]
    found = np.array([e in folded_texts[a] for e, a in zip(folded, checkable["_article_id"])], dtype=bool)
    missing = checkable.index[~found]
    text_names = {aid: Path(files.get(aid, "")).name for aid in folded_texts}
    for idx in sorted(missing, key=lambda i: (checkable.at[i, "_article_id"], i)):
        r = df.loc[idx]
        problems.error(r["_file"], int(r["_row"]), "evidence", r["evidence"][:120], "evidence_not_found",
                       f"the excerpt is not in the article text {text_names[r['_article_id']]}",
                       "copy the excerpt from the article exactly (diacritics and punctuation included)")
    df.loc[missing, "_bad"] = True
    return checked


def _report_unused(df: pd.DataFrame, localities: pd.DataFrame, metrics: pd.DataFrame, problems: Problems,
                   localities_file: str, metrics_file: str, successions: pd.DataFrame) -> None:
    used_m = set(df["metric_id"]) if not df.empty else set()
    used_l = set(df["locality_id"]) if not df.empty else set()
    used_l |= set(localities["parent_id"]) | set(localities["province_id"])
    used_l |= set(successions["predecessor_id"]) | set(successions["successor_id"])
    for row, mid in metrics.loc[~metrics["metric_id"].isin(used_m), "metric_id"].items():
        problems.warning(metrics_file, int(row), "metric_id", mid, "unused_metric",
                         "no figure uses this metric", "annotate a figure with it, or delete the row")
    for row, lid in localities.loc[~localities["locality_id"].isin(used_l), "locality_id"].items():
        problems.warning(localities_file, int(row), "locality_id", lid, "unused_locality",
                         "no figure, parent, province or successor names this unit",
                         "annotate a figure for it, or delete the row")


def _check_validity(df: pd.DataFrame, localities: pd.DataFrame, parsed: dict, ok: pd.Series,
                    problems: Problems) -> None:
    """A figure dated wholly outside its unit's validity is suspicious (wrong unit or wrong period)."""
    if df.empty:
        return
    nat = np.datetime64("NaT")
    ids = localities["locality_id"]
    ends = pd.Series(parsed["valid_to"].attr("last", nat, "datetime64[D]")[ok.to_numpy()], index=ids.to_numpy())
    begins = pd.Series(parsed["valid_from"].attr("first", nat, "datetime64[D]")[ok.to_numpy()], index=ids.to_numpy())
    valid_to = pd.Series(_lookup(df["locality_id"], ends), index=df.index, dtype="datetime64[ns]")
    valid_from = pd.Series(_lookup(df["locality_id"], begins), index=df.index, dtype="datetime64[ns]")
    after = (df["_first"] > valid_to).to_numpy()
    before = (df["_last"] < valid_from).to_numpy()
    text_to = _lookup(df["locality_id"], localities.set_index("locality_id")["valid_to"])
    text_from = _lookup(df["locality_id"], localities.set_index("locality_id")["valid_from"])
    for i in np.flatnonzero(after | before):
        file, row, lid = df["_file"].iat[i], int(df["_row"].iat[i]), df["locality_id"].iat[i]
        if after[i]:
            problems.warning(file, row, "locality_id", lid, "after_abolition",
                             f"the period starts after the unit ceased to exist ({text_to[i]})",
                             "use the successor unit, or check the period")
        if before[i]:
            problems.warning(file, row, "locality_id", lid, "before_creation",
                             f"the period ends before the unit existed ({text_from[i]})",
                             "use the predecessor unit, or check the period")


def _distinct(*columns) -> tuple[np.ndarray, list[tuple]]:
    """Codes of each row's combination of `columns` and the distinct combinations, in order of appearance;
    hashes integers (each column factorised once), not tuples of objects."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    codes = pd.factorize(combined)[0]
    _, firsts = np.unique(codes, return_index=True)
    arrays = [np.asarray(col) for col in columns]
    return codes, [tuple(a[i] for a in arrays) for i in firsts]


def _lookup(keys: pd.Series, table: pd.Series) -> np.ndarray:
    """`keys.map(table)` as an object array (None where a key is not in the table's index), looked up once
    per distinct key: a few thousand articles or localities, not half a million rows."""
    codes, distinct = pd.factorize(keys.to_numpy(dtype=object), use_na_sentinel=False)
    where = pd.Index(table.index.to_numpy(dtype=object)).get_indexer(distinct)
    values = np.append(table.to_numpy(dtype=object), None)  # position -1 (not found) picks the None
    return values[where][codes]


def _per_distinct(frame: pd.DataFrame, func) -> list[np.ndarray]:
    """`func(*row)` for each distinct row of `frame` (a few columns), spread back to every row: the Python
    work grows with the distinct combinations (periods, terms), not with the figures."""
    codes, distinct = _distinct(*(frame[c] for c in frame.columns))
    results = [func(*combo) for combo in distinct]
    return [np.array([r[k] for r in results], dtype=object)[codes] for k in range(len(results[0]))]


def _tidy(df: pd.DataFrame, articles: pd.DataFrame, localities: pd.DataFrame, metrics: pd.DataFrame,
          successions: pd.DataFrame) -> pd.DataFrame:
    """One row per valid figure, in canonical units, joined with articles, gazetteer and codebook."""
    dtypes = tidy_dtypes()
    if df.empty:
        return pd.DataFrame({c.name: pd.Series(dtype=dtypes[c.name]) for c in TIDY})
    art = articles.set_index("article_id")
    loc = localities.set_index("locality_id")
    met = metrics.set_index("metric_id")
    out = pd.DataFrame(index=range(len(df)))
    v = df.reset_index(drop=True)
    out["figure_id"] = v["_article_id"] + ":" + v["_row"].astype(str)
    out["article_id"] = v["_article_id"]
    out["article_title"] = _lookup(v["_article_id"], art["title"])
    out["publisher"] = _lookup(v["_article_id"], art["publisher"])
    out["published"] = _lookup(v["_article_id"], art["published"])
    out["published_precision"] = _lookup(v["_article_id"], art["published_parsed"].map(lambda p: p.precision))
    out["locality_id"] = v["locality_id"]
    out["locality_name"] = _lookup(v["locality_id"], loc["name"])
    out["level"] = _lookup(v["locality_id"], loc["level"])
    out["tier"] = out["level"].map(LEVEL_TIER)
    out["province_id"] = _lookup(v["locality_id"], loc["province_id"])
    out["locality_valid_to"] = _lookup(v["locality_id"], loc["valid_to"])
    out["official_code"] = _lookup(v["locality_id"], loc["official_code"])
    by_pred = successions.groupby("predecessor_id", sort=False)
    out["successor_ids"] = _lookup(v["locality_id"], by_pred["successor_id"].agg(";".join))
    out["successor_shares"] = _lookup(v["locality_id"], by_pred["share"].agg(";".join))
    out["metric_id"] = v["metric_id"]
    for col in ("label_vi", "label_en", "category", "kind", "direction"):
        out[col] = _lookup(v["metric_id"], met[col])
    out["figure_type"] = v["_figure_type"]

    def period_facts(first, last):
        first, last = pd.Timestamp(first).date(), pd.Timestamp(last).date()
        return (months_between(first, last), *term_of(first, last))

    months, term, spans = _per_distinct(v[["_first", "_last"]], period_facts)
    months = months.astype(float)
    years = months / 12.0
    per_year = v["_per_year"].to_numpy(dtype=bool)
    is_flow = (v["_kind"] == "flow").to_numpy()
    factor = v["_factor"].to_numpy(dtype=float)
    value = v["_v"].to_numpy(dtype=float) * factor
    high = np.where(v["_has_high"], v["_vh"].to_numpy(dtype=float) * factor, np.nan)
    # A yearly figure of a flow ('750 lao động/năm') is multiplied out to the period's total.
    total = np.where(per_year & is_flow, value * years, value)
    total_high = np.where(per_year & is_flow, high * years, high)
    out["value"], out["value_high"], out["out_of"] = total, total_high, v["_out_of"].to_numpy(dtype=float)
    out["unit"] = _lookup(v["metric_id"], met["unit"])
    out["unit_en"] = _lookup(v["metric_id"], met["unit_parsed"].map(lambda u: u.label_en or u.text))
    out["value_per_year"] = np.where(is_flow, np.where(per_year, value, total / years), np.nan)
    out["value_high_per_year"] = np.where(is_flow, np.where(per_year, high, total_high / years), np.nan)
    out["is_yearly"] = per_year
    out["value_as_written"] = v["value"]
    out["unit_as_written"] = v["unit"]
    out["qualifier"] = v["_qualifier"]
    out["period_start"] = pd.to_datetime(v["_first"])
    out["period_end"] = pd.to_datetime(v["_last"])
    out["period_months"] = months
    out["period_basis"] = v["_period_basis"].fillna("stated")
    out["period_text"] = v["period_text"]
    out["term"] = term
    out["spans_terms"] = spans.astype(bool)
    out["reference"] = v["_reference"]
    out["reference_owner"] = v["_reference_owner"]
    out["reference_period"] = v["reference_period"]
    out["scope"] = v["scope"]
    out["basis"] = v["basis"]
    out["evidence"] = v["evidence"]
    out["flag"] = v["_flag"]
    out["note"] = v["note"]
    out["annotator"] = v["annotator"]
    out["source_file"] = v["_file"]
    out["source_row"] = v["_row"]
    return out.astype(dtypes)[[c.name for c in TIDY]]
