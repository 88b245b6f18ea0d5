"""From the data folder to one tidy table, with every problem reported and nothing dropped silently.

This module reads (the tables, the annotation folder) and builds the tidy table; every check lives in
helpers/validate.py, the evidence check in helpers/texts.py. `check()` reads and validates everything
and returns a Report; `load()` returns the tidy
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
from .frames import lookup, per_distinct
from .io import RawTable, read_records, read_table
from .periods import months_between, term_of
from .problems import ERROR, DataError, Problem, Problems, SharedList, capped
from .schema import ANNOTATIONS, ARTICLES, LEVEL_TIER, LOCALITIES, METRICS, SUCCESSIONS, TIDY, VARIANTS, tidy_dtypes
from .texts import check_evidence, describe
from .units import Units, read_units
from .validate import (check_annotations, check_fields, check_gazetteer, check_metric_names, check_successions,
                       check_validity, drop_duplicates, report_conflicts, report_no_term, report_unused)

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
    figures.attrs["problems"] = SharedList(report.problems)
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


@dataclass
class _Tables:
    """The reference tables of a data folder as read (`raw`), their valid rows, and the ids a figure may name."""

    raw: dict[str, RawTable]
    articles: pd.DataFrame
    localities: pd.DataFrame
    metrics: pd.DataFrame
    variants: pd.DataFrame
    successions: pd.DataFrame
    ids: dict[str, set[str]]
    refused: dict[str, dict[str, int]]
    units: Units
    loc_parsed: dict
    loc_ok: pd.Series


def _check(data_dir: Path, texts) -> Report:
    """Read every table and annotation file, check them, and build the tidy table of the valid figures."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    problems = Problems()
    tables = _read_tables(data_dir, problems)
    batch, files, rows_read = _read_annotations(data_dir / "annotations", tables, problems)
    good, texts_checked = _check_figures(batch, tables, texts, problems)
    figures = _tidy(good, tables.articles, tables.localities, tables.metrics, tables.successions)
    report_no_term(figures, problems)
    return Report(figures, capped(list(problems)), tables.articles.drop(columns="published_parsed"),
                  tables.localities, tables.metrics.drop(columns="unit_parsed"), texts_checked, rows_read, files,
                  tables.successions, tables.variants)


def _read_tables(data_dir: Path, problems: Problems) -> _Tables:
    """The articles, gazetteer, codebook, scopes, crosswalk and units of a data folder, read and checked field
    by field: the annotations are checked against their valid rows."""
    arts = read_table(data_dir / "articles.csv", ARTICLES, str(data_dir / "articles.csv"))
    locs = read_table(data_dir / "localities.csv", LOCALITIES, str(data_dir / "localities.csv"))
    mets = read_table(data_dir / "metrics.csv", METRICS, str(data_dir / "metrics.csv"))
    vars_ = _optional_table(data_dir / "variants.csv", VARIANTS)
    succ = _optional_table(data_dir / "successions.csv", SUCCESSIONS)
    for raw in (arts, locs, mets, vars_, succ):
        problems.extend(raw.problems)
    units = read_units(data_dir, problems)  # the folder's units.csv, else the project's

    ids = {"articles": set(arts.frame["article_id"]), "localities": set(locs.frame["locality_id"]),
           "metrics": set(mets.frame["metric_id"]), "variants": set(vars_.frame["variant_id"])}
    art_ok, art_parsed = check_fields(arts, ARTICLES, problems, ids)
    loc_ok, loc_parsed = check_fields(locs, LOCALITIES, problems, ids)
    met_ok, met_parsed = check_fields(mets, METRICS, problems, ids, units=units)
    var_ok, _ = check_fields(vars_, VARIANTS, problems, ids)
    check_gazetteer(locs, loc_parsed, problems)
    check_metric_names(mets, met_ok, problems)
    articles = arts.frame[art_ok].assign(published_parsed=art_parsed["published"].objects()[art_ok])
    localities = locs.frame[loc_ok]
    metrics = mets.frame[met_ok].assign(unit_parsed=met_parsed["unit"].objects()[met_ok])
    variants = vars_.frame[var_ok]
    ids = {"articles": set(articles["article_id"]), "localities": set(localities["locality_id"]),
           "metrics": set(metrics["metric_id"]), "variants": set(variants["variant_id"])}
    succ_ok, _ = check_fields(succ, SUCCESSIONS, problems, ids)
    successions = check_successions(succ, succ_ok, problems)
    # Ids whose rows exist but were left out with errors: a reference to one says so, rather than 'unknown'.
    refused = {table: {v: int(row) for row, v in raw.frame.loc[~ok, col].items() if v and v not in ids[table]}
               for table, raw, ok, col in (("articles", arts, art_ok, "article_id"),
                                           ("localities", locs, loc_ok, "locality_id"),
                                           ("metrics", mets, met_ok, "metric_id"))}
    return _Tables({"articles": arts, "localities": locs, "metrics": mets}, articles, localities, metrics, variants,
                   successions, ids, refused, units, loc_parsed, loc_ok)


def _read_annotations(ann_dir: Path, tables: _Tables, problems: Problems) -> tuple["_Gather", list[str], int]:
    """Every annotation file of a known article, gathered for one pass of checks; the files listed and the rows
    read. A file of no known article is reported and left out, and so is an article without a file."""
    batch, files, rows_read = _Gather(), [], 0
    articles = tables.articles
    english = dict(zip(articles["article_id"], articles.get("language", pd.Series(dtype=object)) == "en"))
    for path in _annotation_files(ann_dir, problems):
        name = str(path)
        files.append(name)
        if not _inside(path, ann_dir):
            problems.error(name, None, None, None, "unsafe_path",
                           "the file is a link to a place outside the data folder and is not read",
                           "copy the file into data/annotations/ instead of linking to it")
            continue
        if path.stem not in tables.ids["articles"]:
            _report_unknown_article(name, path.stem, tables.refused["articles"], problems)
            continue
        raw, rows, index = read_records(path, ANNOTATIONS, name)
        if raw.decimal is None and english.get(path.stem):
            raw.decimal = "."  # an English page: 99.91 is a decimal, 245,000 groups thousands
        problems.extend(raw.problems)
        rows_read += len(rows) + raw.skipped
        if raw.readable and rows:
            batch.add(raw, path.stem, rows, index)
    for aid in sorted(tables.ids["articles"] - {Path(f).stem for f in files}):
        problems.warning(str(ann_dir / f"{aid}.csv"), None, None, aid, "no_annotations",
                         "the article has no annotation file", f"create annotations/{aid}.csv")
    return batch, files, rows_read


def _annotation_files(ann_dir: Path, problems: Problems) -> list[Path]:
    """The regular .csv files of the annotations folder; a lock file, another kind of file or something that
    is not a file (a pipe could make reading wait for ever) is reported and passed over."""
    if not ann_dir.is_dir():
        problems.error(str(ann_dir), None, None, None, "missing_folder", "there is no annotations folder",
                       "create data/annotations/ with one <article_id>.csv per article")
        return []
    found = []
    for path in sorted(ann_dir.glob("*")):
        name = str(path)
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
        found.append(path)
    return found


def _report_unknown_article(name: str, stem: str, refused: dict[str, int], problems: Problems) -> None:
    """An annotation file named for no valid article: its figures are left out, and the message says why."""
    if stem in refused:
        row = refused[stem]
        problems.error(name, None, None, stem, "unknown_article",
                       f"the row of articles.csv for '{stem}' (row {row}) has errors, so this file's "
                       "figures are left out", f"fix row {row} of articles.csv (see its problems above)")
    else:
        problems.error(name, None, None, stem, "unknown_article",
                       f"no row of articles.csv has article_id '{stem}', so this file's figures are left out",
                       "add the article to data/articles.csv, or rename the file to <article_id>.csv")


def _check_figures(batch: "_Gather", tables: _Tables, texts, problems: Problems) -> tuple[pd.DataFrame, int]:
    """Every check of the annotation rows (helpers/validate.py, the evidence in helpers/texts.py); returns the
    valid rows and how many article texts were read."""
    good = (check_annotations(batch.build(), tables.metrics, problems, tables.ids, tables.refused, tables.units)
            if batch.counts else pd.DataFrame())
    texts_checked = 0
    if not good.empty:
        good = drop_duplicates(good, problems)
        report_conflicts(good, problems)
        if texts is not None:
            texts_checked = check_evidence(good, tables.articles, texts, problems, tables.raw["articles"].name)
        good = good[~good["_bad"]]
    raw = tables.raw
    report_unused(good, tables.localities, tables.metrics, problems, raw["localities"].name, raw["metrics"].name,
                  tables.successions)
    check_validity(good, tables.localities, tables.loc_parsed, tables.loc_ok, problems)
    return good, texts_checked


def annotations_of_text(file_name: str, data_dir=None) -> tuple[str, list[dict], str | None] | None:
    """(article_id, annotation rows as read, decimal mark) of the article whose text_file is `file_name`;
    None when no row of articles.csv names it. For marking an article's mentions, not for analysis: the rows
    are unchecked."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    if not (data_dir / "articles.csv").is_file():
        return None
    arts = read_table(data_dir / "articles.csv", ARTICLES).frame
    hits = arts[arts["text_file"] == file_name]
    if hits.empty:
        return None
    article_id = hits["article_id"].iloc[0]
    path = data_dir / "annotations" / f"{article_id}.csv"
    if not path.is_file():
        return article_id, [], None
    raw = read_table(path, ANNOTATIONS)
    return article_id, raw.frame.to_dict("records"), raw.decimal


def annotation_tables(data_dir=None):
    """Each row of articles.csv with its annotation file's path and table as read (None when there is no
    file), in the order of articles.csv: the rows unchecked, for coverage rather than analysis."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    for _, article in read_table(data_dir / "articles.csv", ARTICLES).frame.iterrows():
        path = data_dir / "annotations" / f"{article['article_id']}.csv"
        yield article, path, read_table(path, ANNOTATIONS) if path.is_file() else None


def _optional_table(path: Path, table) -> RawTable:
    """A table a data folder may leave out (an older folder has no successions or variants): empty then."""
    if path.exists():
        return read_table(path, table, str(path))
    return RawTable(str(path), pd.DataFrame({c: pd.Series(dtype=object) for c in table.columns}))


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


def _inside(path: Path, folder: Path) -> bool:
    """True when `path`, links resolved, lies inside `folder`. A plain file listed in `folder` is inside it,
    so only links are resolved (resolving every one of 10,000 files costs seconds)."""
    try:
        if not path.is_symlink() and path.parent == folder:
            return True
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _tidy(df: pd.DataFrame, articles: pd.DataFrame, localities: pd.DataFrame, metrics: pd.DataFrame,
          successions: pd.DataFrame) -> pd.DataFrame:
    """One row per valid figure, in canonical units, joined with articles, gazetteer and codebook."""
    dtypes = tidy_dtypes()
    if df.empty:
        return pd.DataFrame({c.name: pd.Series(dtype=dtypes[c.name]) for c in TIDY})
    out = pd.DataFrame(index=range(len(df)))
    v = df.reset_index(drop=True)
    _join_sources(out, v, articles, localities, metrics, successions)
    _add_values(out, v, metrics.set_index("metric_id"))
    _add_cells(out, v)
    return out.astype(dtypes)[[c.name for c in TIDY]]


def _join_sources(out: pd.DataFrame, v: pd.DataFrame, articles: pd.DataFrame, localities: pd.DataFrame,
                  metrics: pd.DataFrame, successions: pd.DataFrame) -> None:
    """The tidy columns that come from the article, the gazetteer (with successors) and the codebook."""
    art = articles.set_index("article_id")
    loc = localities.set_index("locality_id")
    met = metrics.set_index("metric_id")
    out["figure_id"] = v["_article_id"] + ":" + v["_row"].astype(str)
    out["article_id"] = v["_article_id"]
    out["article_title"] = lookup(v["_article_id"], art["title"])
    out["publisher"] = lookup(v["_article_id"], art["publisher"])
    out["published"] = lookup(v["_article_id"], art["published"])
    out["published_precision"] = lookup(v["_article_id"], art["published_parsed"].map(lambda p: p.precision))
    out["locality_id"] = v["locality_id"]
    out["locality_name"] = lookup(v["locality_id"], loc["name"])
    out["level"] = lookup(v["locality_id"], loc["level"])
    out["tier"] = out["level"].map(LEVEL_TIER)
    out["province_id"] = lookup(v["locality_id"], loc["province_id"])
    out["locality_valid_to"] = lookup(v["locality_id"], loc["valid_to"])
    out["official_code"] = lookup(v["locality_id"], loc["official_code"])
    by_pred = successions.groupby("predecessor_id", sort=False)
    out["successor_ids"] = lookup(v["locality_id"], by_pred["successor_id"].agg(";".join))
    out["successor_shares"] = lookup(v["locality_id"], by_pred["share"].agg(";".join))
    out["metric_id"] = v["metric_id"]
    for col in ("label_vi", "label_en", "category", "kind", "direction"):
        out[col] = lookup(v["metric_id"], met[col])
    out["figure_type"] = v["_figure_type"]


def _add_values(out: pd.DataFrame, v: pd.DataFrame, met: pd.DataFrame) -> None:
    """The period's length and term, and the value in the metric's unit: a flow's total over its period and
    its rate per year, whichever of the two the article printed."""
    def period_facts(first, last):
        first, last = pd.Timestamp(first).date(), pd.Timestamp(last).date()
        return (months_between(first, last), *term_of(first, last))

    months, term, spans = per_distinct(v[["_first", "_last"]], period_facts)
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
    out["unit"] = lookup(v["metric_id"], met["unit"])
    out["unit_en"] = lookup(v["metric_id"], met["unit_parsed"].map(lambda u: u.label_en or u.text))
    out["value_per_year"] = np.where(is_flow, np.where(per_year, value, total / years), np.nan)
    out["value_high_per_year"] = np.where(is_flow, np.where(per_year, high, total_high / years), np.nan)
    out["is_yearly"] = per_year
    out["period_start"] = pd.to_datetime(v["_first"])
    out["period_end"] = pd.to_datetime(v["_last"])
    out["period_months"] = months
    out["term"] = term
    out["spans_terms"] = spans.astype(bool)


def _add_cells(out: pd.DataFrame, v: pd.DataFrame) -> None:
    """The tidy columns that keep an annotation row's cells as written or as checked, and where the row is."""
    out["value_as_written"] = v["value"]
    out["unit_as_written"] = v["unit"]
    out["qualifier"] = v["_qualifier"]
    out["period_basis"] = v["_period_basis"].fillna("stated")
    out["period_text"] = v["period_text"]
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
