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
from .io import CONTROL, RawTable, decode, read_table
from .periods import months_between, term_of
from .problems import ERROR, DataError, Problem, Problems
from .schema import ANNOTATIONS, ARTICLES, LEVEL_TIER, LOCALITIES, METRICS, TIDY, tidy_dtypes
from .texts import fold, safe_text_path
from .units import UnitError, conversion_factor, parse_unit
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
            lines.append(f"Evidence checked against {self.texts_checked} article text(s) in {texts}.")
        left_out = self.rows_read - len(self.figures)
        if left_out:
            lines.append(f"{left_out} annotation row(s) left out because of the errors above.")
        lines.append(self.summary())
        return "\n".join(lines)

    def summary(self) -> str:
        return (f"{len(self.articles)} articles, {len(self.localities)} localities, {len(self.metrics)} metrics, "
                f"{len(self.figures)} figures, {len(self.errors)} errors, {len(self.warnings)} warnings")


def load(data_dir=None, texts=None, *, strict: bool = False) -> pd.DataFrame:
    """The tidy table of figures. Rows with errors are left out with a DataWarning; strict raises."""
    report = check(data_dir, texts)
    if strict and report.errors:
        raise DataError(report.problems)
    if report.errors:
        warnings.warn(f"{len(report.errors)} error(s) in the data; rows with errors were left out. "
                      f"Run `python -m helpers validate` for the list.", DataWarning, stacklevel=2)
    figures = report.figures
    figures.attrs["problems"] = report.problems
    return figures


def check(data_dir=None, texts=None) -> Report:
    """Read and validate the data folder (and the article texts, when given)."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    problems = Problems()
    shown = lambda p: str(p)  # noqa: E731 - paths as the user typed them

    arts = read_table(data_dir / "articles.csv", ARTICLES, shown(data_dir / "articles.csv"))
    locs = read_table(data_dir / "localities.csv", LOCALITIES, shown(data_dir / "localities.csv"))
    mets = read_table(data_dir / "metrics.csv", METRICS, shown(data_dir / "metrics.csv"))
    for raw in (arts, locs, mets):
        problems.extend(raw.problems)

    ids = {"articles": set(arts.frame["article_id"]), "localities": set(locs.frame["locality_id"]),
           "metrics": set(mets.frame["metric_id"])}
    art_ok, art_parsed = check_fields(arts, ARTICLES, problems, ids)
    loc_ok, loc_parsed = check_fields(locs, LOCALITIES, problems, ids)
    met_ok, met_parsed = check_fields(mets, METRICS, problems, ids)
    _check_localities(locs, loc_parsed, problems)
    articles = arts.frame[art_ok].assign(published_parsed=art_parsed["published"][art_ok])
    localities = locs.frame[loc_ok]
    metrics = mets.frame[met_ok].assign(unit_parsed=met_parsed["unit"][met_ok])
    ids = {"articles": set(articles["article_id"]), "localities": set(localities["locality_id"]),
           "metrics": set(metrics["metric_id"])}
    # Ids whose rows exist but were left out with errors: a reference to one says so, rather than 'unknown'.
    refused = {table: {v: int(row) for row, v in raw.frame.loc[~ok, col].items() if v and v not in ids[table]}
               for table, raw, ok, col in (("articles", arts, art_ok, "article_id"),
                                           ("localities", locs, loc_ok, "locality_id"),
                                           ("metrics", mets, met_ok, "metric_id"))}

    parts, files, rows_read = [], [], 0
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
        raw = read_table(path, ANNOTATIONS, name)
        problems.extend(raw.problems)
        rows_read += len(raw.frame) + raw.skipped
        if raw.readable and not raw.frame.empty:
            parts.append(_check_annotation_file(raw, path.stem, metrics, problems, ids, refused))
    missing_files = sorted(ids["articles"] - {Path(f).stem for f in files})
    for aid in missing_files:
        problems.warning(str(ann_dir / f"{aid}.csv"), None, None, aid, "no_annotations",
                         "the article has no annotation file", f"create annotations/{aid}.csv")

    good = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    texts_checked = 0
    if not good.empty:
        good = _drop_duplicates(good, problems)
        _report_conflicts(good, problems)
        if texts is not None:
            texts_checked = _check_evidence(good, articles, Path(texts), problems, arts.name)
        good = good[~good["_bad"]]
    _report_unused(good, localities, metrics, problems, locs.name, mets.name)
    _check_validity(good, localities, problems)
    figures = _tidy(good, articles, localities, metrics)
    return Report(figures, list(problems), articles.drop(columns="published_parsed"), localities,
                  metrics.drop(columns="unit_parsed"), texts_checked, rows_read, files)


def _check_localities(raw: RawTable, parsed: dict, problems: Problems) -> None:
    df = raw.frame
    lo, hi = parsed["valid_from"], parsed["valid_to"]
    for row in df.index:
        a, b = lo.get(row), hi.get(row)
        if not pd.isna(a) and not pd.isna(b) and b.last < a.first:
            problems.error(raw.name, int(row), "valid_to", df.at[row, "valid_to"], "reversed_validity",
                           "valid_to is before valid_from", "swap the two dates or correct one")
        if df.at[row, "parent_id"] and df.at[row, "parent_id"] == df.at[row, "locality_id"]:
            problems.error(raw.name, int(row), "parent_id", df.at[row, "parent_id"], "self_parent",
                           "a unit cannot be its own parent", "name the unit it belongs to")


def _inside(path: Path, folder: Path) -> bool:
    """True when `path`, links resolved, lies inside `folder`."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _check_annotation_file(raw: RawTable, article_id: str, metrics: pd.DataFrame, problems: Problems,
                           ids: dict[str, set[str]], refused: dict | None = None) -> pd.DataFrame:
    """Field and row checks of one annotation file; returns its rows with parsed values and a `_bad` mask."""
    ok, parsed = check_fields(raw, ANNOTATIONS, problems, ids, refused)
    df = raw.frame.copy()
    name = raw.name
    df["_article_id"] = article_id
    df["_file"] = name
    df["_row"] = df.index
    df["_qualifier"] = parsed["qualifier"].fillna("exact")
    for col in ("figure_type", "period_basis", "reference", "flag"):
        df["_" + col] = parsed[col]
    df["_amount"], df["_amount_high"] = parsed["value"], parsed["value_high"]
    df["_unit"] = parsed["unit"]
    df["_start"], df["_end"] = parsed["period_start"], parsed["period_end"]
    met = metrics.set_index("metric_id")
    df["_kind"] = df["metric_id"].map(met["kind"])
    df["_canon"] = df["metric_id"].map(met["unit_parsed"])

    bad = ~ok
    for row in df.index[ok]:
        r = df.loc[row]
        bad[row] = not _check_row(r, name, int(row), problems)
    df["_bad"] = bad
    return df


def _check_row(r: pd.Series, name: str, row: int, problems: Problems) -> bool:
    """Checks that need several cells of one row. Returns False when the row must be left out."""
    ok = True
    amount, high, unit, canon, kind = r["_amount"], r["_amount_high"], r["_unit"], r["_canon"], r["_kind"]
    start, end = r["_start"], r["_end"]
    if end.last < start.first:
        problems.error(name, row, "period_end", r["period_end"], "reversed_period",
                       f"the period ends ({r['period_end']}) before it starts ({r['period_start']})",
                       "swap period_start and period_end, or correct the year")
        ok = False
    fraction_share = amount.out_of is not None and canon.dimension == "per cent" and unit.dimension == "count"
    if not fraction_share:
        try:
            conversion_factor(unit, canon)
        except UnitError as exc:
            problems.error(name, row, "unit", r["unit"], "unit_mismatch", exc.message, exc.fix)
            ok = False
    if not pd.isna(high) and high.value < amount.value:
        problems.error(name, row, "value_high", r["value_high"], "reversed_range",
                       f"value_high ({r['value_high']}) is below value ({r['value']})",
                       "put the low end in value and the high end in value_high")
        ok = False
    if amount.out_of is not None and amount.value > amount.out_of:
        problems.error(name, row, "value", r["value"], "fraction_over_total",
                       "the fraction's first number is larger than its total", "check the fraction as printed")
        ok = False
    if ok and kind in ("share",) and not fraction_share:
        values = [amount.value] + ([] if pd.isna(high) else [high.value])
        if any(v < 0 or v > 100 for v in values):
            problems.error(name, row, "value", r["value"], "share_out_of_range",
                           "a share must lie between 0 and 100 per cent",
                           "check the print; if the figure is a % of plan, choose a *_pct_plan metric")
            ok = False
    if ok and kind in ("flow", "level", "pct_of_plan", "targets_met", "share") and amount.value < 0:
        problems.error(name, row, "value", r["value"], "negative_value",
                       f"a {kind} cannot be negative", "drop the minus sign, or use a 'change' metric for a fall")
        ok = False
    if r["_flag"] is not None and not pd.isna(r["_flag"]) and not r["note"]:
        problems.error(name, row, "note", "", "flag_without_note", f"the row is flagged '{r['_flag']}' but has no note",
                       "explain in note what was printed and why it is doubtful")
        ok = False
    if r["_period_basis"] == "inferred" and not r["note"]:
        problems.warning(name, row, "note", "", "inferred_period_without_note",
                         "the period is marked inferred but the note does not say how",
                         "say in note how the period was worked out")
    if start.first.year == end.last.year - 5 and start.precision == end.precision == "year" and end.last.year % 5 == 0:
        problems.warning(name, row, "period_start", r["period_start"], "six_year_term",
                         f"{r['period_start']}–{r['period_end']} covers six years",
                         f"if this is the whole term {start.first.year}–{end.last.year}, write period_start "
                         f"{start.first.year + 1}: a term's plan years are {start.first.year + 1}–{end.last.year}")
    return ok


KEY = ["_article_id", "locality_id", "metric_id", "_figure_type", "period_start", "period_end", "_reference"]


def _canonical_value(a, h, u, c, typed: tuple) -> str:
    """A row's figure in the metric's unit, so '0,58' and '0.58', or '11 tỷ 708 triệu đồng' and '11,708 tỷ đồng',
    compare equal; the cells as typed when the row could not be read."""
    try:
        if a.out_of is not None and c.dimension == "per cent" and u.dimension == "count":
            f = 100.0 / a.out_of
        else:
            f = conversion_factor(u, c)
        high = "" if h is None or pd.isna(h) else f"{h.value * f:.12g}"
        return f"{a.value * f:.12g}|{high}|{'/năm' if u.per_year else ''}"
    except (AttributeError, TypeError, UnitError, ZeroDivisionError):
        return "as typed: " + "|".join(map(str, typed))


def _drop_duplicates(df: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Repeats within one article are errors: the later row is left out. A repeat is the same key and the
    same figure, however it was typed."""
    df = df.copy()
    df["_figure"] = [_canonical_value(a, h, u, c, (v, vh, un)) for a, h, u, c, v, vh, un in zip(
        df["_amount"], df["_amount_high"], df["_unit"], df["_canon"], df["value"], df["value_high"], df["unit"])]
    cols = KEY + ["_figure", "_qualifier"]
    dup = df.duplicated(subset=cols, keep="first") & ~df["_bad"]
    for _, r in df[dup].iterrows():
        first = df[(df[cols].fillna("") == r[cols].fillna("")).all(axis=1)]["_row"].iloc[0]
        problems.error(r["_file"], int(r["_row"]), None, r["value"], "duplicate_row",
                       f"this row repeats row {first} of the same file and is left out", "delete one of the two rows")
    df.loc[dup, "_bad"] = True
    return df


def _report_conflicts(df: pd.DataFrame, problems: Problems) -> None:
    """Same locality, metric, period and reference with different values: reported, both kept."""
    live = df[~df["_bad"]]
    # Compare periods by the days they cover, so '2021' and '2021-01'..'2021-12' are the same period.
    key = [live["locality_id"], live["metric_id"], live["_figure_type"].fillna(""),
           live["_start"].map(lambda d: d.first), live["_end"].map(lambda d: d.last), live["_reference"].fillna("")]
    groups = live.groupby(key, sort=False)
    for _, g in groups:
        if g["_figure"].nunique() < 2:
            continue
        for _, r in g.iterrows():
            others = g[g.index.to_series() != r.name]
            where = "; ".join(f"{Path(o['_file']).name} row {o['_row']}: {o['value']}" for _, o in others.iterrows())
            problems.warning(r["_file"], int(r["_row"]), "value", r["value"], "conflicting_values",
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


def _check_evidence(df: pd.DataFrame, articles: pd.DataFrame, texts_dir: Path, problems: Problems,
                    articles_file: str) -> int:
    """Every evidence excerpt must be found verbatim (NFC, whitespace folded) in its article text."""
    if not texts_dir.is_dir():
        problems.warning(str(texts_dir), None, None, None, "texts_missing",
                         "the texts folder does not exist; evidence was not checked",
                         "pass --texts with the folder holding the article .txt files")
        return 0
    checked = 0
    files = articles.set_index("article_id")["text_file"]
    for aid, g in df[~df["_bad"]].groupby("_article_id"):
        path = safe_text_path(texts_dir, files.get(aid, ""))
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
        folded = fold(text)
        checked += 1
        for idx, r in g.iterrows():
            if fold(r["evidence"]) not in folded:
                problems.error(r["_file"], int(r["_row"]), "evidence", r["evidence"][:120], "evidence_not_found",
                               f"the excerpt is not in the article text {path.name}",
                               "copy the excerpt from the article exactly (diacritics and punctuation included)")
                df.at[idx, "_bad"] = True
    return checked


def _report_unused(df: pd.DataFrame, localities: pd.DataFrame, metrics: pd.DataFrame, problems: Problems,
                   localities_file: str, metrics_file: str) -> None:
    used_m = set(df["metric_id"]) if not df.empty else set()
    used_l = set(df["locality_id"]) if not df.empty else set()
    used_l |= set(localities["parent_id"]) | set(localities["province_id"]) | set(localities["successor_id"])
    for row, mid in metrics["metric_id"].items():
        if mid not in used_m:
            problems.warning(metrics_file, int(row), "metric_id", mid, "unused_metric",
                             "no figure uses this metric", "annotate a figure with it, or delete the row")
    for row, lid in localities["locality_id"].items():
        if lid not in used_l:
            problems.warning(localities_file, int(row), "locality_id", lid, "unused_locality",
                             "no figure, parent, province or successor names this unit",
                             "annotate a figure for it, or delete the row")


def _check_validity(df: pd.DataFrame, localities: pd.DataFrame, problems: Problems) -> None:
    """A figure dated wholly outside its unit's validity is suspicious (wrong unit or wrong period)."""
    if df.empty:
        return
    from .periods import parse_partial_date

    loc = localities.set_index("locality_id")
    for _, r in df.iterrows():
        vf, vt = loc.at[r["locality_id"], "valid_from"], loc.at[r["locality_id"], "valid_to"]
        if vt and r["_start"].first > parse_partial_date(vt).last:
            problems.warning(r["_file"], int(r["_row"]), "locality_id", r["locality_id"], "after_abolition",
                             f"the period starts after the unit ceased to exist ({vt})",
                             "use the successor unit, or check the period")
        if vf and r["_end"].last < parse_partial_date(vf).first:
            problems.warning(r["_file"], int(r["_row"]), "locality_id", r["locality_id"], "before_creation",
                             f"the period ends before the unit existed ({vf})", "use the predecessor unit, or check the period")


def _tidy(df: pd.DataFrame, articles: pd.DataFrame, localities: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
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
    out["article_title"] = v["_article_id"].map(art["title"])
    out["publisher"] = v["_article_id"].map(art["publisher"])
    out["published"] = v["_article_id"].map(art["published"])
    out["published_precision"] = v["_article_id"].map(art["published_parsed"].map(lambda p: p.precision))
    out["locality_id"] = v["locality_id"]
    out["locality_name"] = v["locality_id"].map(loc["name"])
    out["level"] = v["locality_id"].map(loc["level"])
    out["tier"] = out["level"].map(LEVEL_TIER)
    out["province_id"] = v["locality_id"].map(loc["province_id"])
    out["locality_valid_to"] = v["locality_id"].map(loc["valid_to"])
    out["successor_id"] = v["locality_id"].map(loc["successor_id"])
    out["metric_id"] = v["metric_id"]
    for col in ("label_vi", "label_en", "category", "kind", "direction"):
        out[col] = v["metric_id"].map(met[col])
    out["figure_type"] = v["_figure_type"]

    months = np.array([months_between(s.first, e.last) for s, e in zip(v["_start"], v["_end"])])
    years = months / 12.0
    per_year = np.array([u.per_year for u in v["_unit"]])
    is_flow = (v["_kind"] == "flow").to_numpy()
    factor, value, high, out_of = [], [], [], []
    for a, h, u, c in zip(v["_amount"], v["_amount_high"], v["_unit"], v["_canon"]):
        if a.out_of is not None and c.dimension == "per cent" and u.dimension == "count":
            f, val, of = 100.0 / a.out_of, a.value, a.out_of
        else:
            f, val, of = conversion_factor(u, c), a.value, a.out_of
        factor.append(f)
        value.append(val * f)
        high.append(np.nan if h is None or pd.isna(h) else h.value * f)
        out_of.append(np.nan if of is None else of)
    value, high = np.array(value, dtype=float), np.array(high, dtype=float)
    # A yearly figure of a flow ('750 lao động/năm') is multiplied out to the period's total.
    total = np.where(per_year & is_flow, value * years, value)
    total_high = np.where(per_year & is_flow, high * years, high)
    out["value"], out["value_high"], out["out_of"] = total, total_high, out_of
    out["unit"] = v["metric_id"].map(met["unit"])
    out["value_per_year"] = np.where(is_flow, np.where(per_year, value, total / years), np.nan)
    out["value_high_per_year"] = np.where(is_flow, np.where(per_year, high, total_high / years), np.nan)
    out["is_yearly"] = per_year
    out["value_as_written"] = v["value"]
    out["unit_as_written"] = v["unit"]
    out["qualifier"] = v["_qualifier"]
    out["period_start"] = pd.to_datetime([s.first for s in v["_start"]])
    out["period_end"] = pd.to_datetime([e.last for e in v["_end"]])
    out["period_months"] = months
    out["period_basis"] = v["_period_basis"].fillna("stated")
    out["period_text"] = v["period_text"]
    terms = [term_of(s.first, e.last) for s, e in zip(v["_start"], v["_end"])]
    out["term"] = [t for t, _ in terms]
    out["spans_terms"] = [s for _, s in terms]
    out["reference"] = v["_reference"]
    out["reference_period"] = v["reference_period"]
    out["evidence"] = v["evidence"]
    out["flag"] = v["_flag"]
    out["note"] = v["note"]
    out["annotator"] = v["annotator"]
    out["source_file"] = v["_file"]
    out["source_row"] = v["_row"]
    return out.astype(dtypes)[[c.name for c in TIDY]]
