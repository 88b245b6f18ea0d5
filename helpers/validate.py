"""Every check of the data, each turning what is wrong into a Problem naming file, row, column, value and fix:
the fields of each table, the rows of the gazetteer, codebook and crosswalk, then the annotation rows (checks
across cells, repeats, conflicts between articles, units valid at the figure's date) and ids nothing uses.
helpers/loading.py reads the files and calls these; the evidence check is helpers/texts.py's.

Field checks are driven by the schema and work column by column: each distinct value is
parsed once and the result mapped back, so a large file costs one pass per column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .frames import distinct_codes, lookup
from .io import RawTable, shorten
from .numbers import NumberError, parse_amount, parse_number
from .periods import PeriodError, parse_partial_date
from .problems import ERROR, WARNING, Problems
from .texts import slug
from .schema import ANNOTATIONS, NOT_QUALIFIERS, QUALIFIER_SYNONYMS, VOCABULARIES, Table
from .units import UnitError, Units, conversion_factor, parse_unit


# Longest cell each kind of field may hold. An id, code, number, date or unit longer than this is not
# one (a paste gone wrong); a text longer than MAX_TEXT is kept, with a warning.
MAX_CODE = 200
MAX_TEXT = 2000
SHOWN = 120  # characters of a value quoted in a problem
KIND_WORDS = {"id": "an id", "code": "a code", "ref": "an id", "vocab": "a code", "date": "a date", "amount": "a number",
              "unit": "a unit", "filename": "a file name", "word": "a unit word", "factor": "a number"}
# A text cell a spreadsheet would run as a formula: '=…', '@…', or '+'/'-' followed by '=', '@', a function
# call 'SUM(', a DDE link 'cmd|', a sheet reference 'Sheet1!' or arithmetic '2+3'. '- theo báo cáo',
# '-5% so với năm trước' and '+84 912 345 678' stay plain text.
FORMULA = re.compile(r"[=@]|[+\-]\s*(?:[=@]|[A-Za-z_][A-Za-z0-9_.]*\s*[(|!]|\d[\d.,]*\s*[-+*/^&]\s*[\d(])")


def _locator(raw):
    """(file, spreadsheet row) of a frame index: one file's rows are indexed by spreadsheet row; a batch of
    many files carries `files` and `rows` arrays aligned with its positional index."""
    files = getattr(raw, "files", None)
    if files is None:
        return lambda idx: (raw.name, int(idx))
    rows = raw.rows
    return lambda idx: (files[idx], int(rows[idx]))


def _report(problems: Problems, where, column: str, values: pd.Series, bad: pd.Series, code: str,
            message, fix, severity: str = "error") -> None:
    """Add one problem per row where `bad` is true; message/fix may be callables of the value."""
    if not bad.any():
        return
    for idx, value in values[bad].items():
        msg = message(value) if callable(message) else message
        fx = fix(value) if callable(fix) else fix
        file, row = where(idx)
        problems.add(file, row, column, shorten(value, SHOWN), severity, code, msg, fx)


def _amount(value: str, decimal: str | None):
    if value.startswith(("=", "@")):
        raise NumberError(f"{shorten(value, 40)!r} is a spreadsheet formula, not the number as printed",
                          "type the number itself as the article prints it, e.g. 118 rather than =100+18")
    return parse_amount(value, decimal=decimal)


class ParsedColumn:
    """A column parsed one distinct value at a time: `codes` point each row at `uniques` (-1: empty or refused).

    Attributes of the parsed objects come out as arrays (`attr`) without a Python step per row."""

    def __init__(self, index: pd.Index, codes: np.ndarray, uniques: list, errors: pd.Series):
        self.index, self.codes, self.uniques, self.errors = index, codes, uniques, errors

    def objects(self) -> pd.Series:
        """The parsed object of each row (NaN where empty or refused)."""
        table = np.empty(len(self.uniques) + 1, dtype=object)
        table[:-1] = self.uniques
        table[-1] = np.nan
        return pd.Series(table[self.codes], index=self.index, dtype=object)

    def attr(self, name: str, missing=np.nan, dtype=None) -> np.ndarray:
        """`getattr(object, name)` of each row's parsed object; `missing` where there is none."""
        table = np.array([getattr(u, name) for u in self.uniques] + [missing], dtype=dtype or object)
        return table[self.codes]

    @property
    def present(self) -> np.ndarray:
        return self.codes >= 0


def parse_column(values: pd.Series, parser, decimal=None) -> ParsedColumn:
    """Parse each distinct non-empty value once (per decimal mark, when files differ in it)."""
    if isinstance(decimal, pd.Series) and decimal.nunique(dropna=False) > 1:
        keys = pd.MultiIndex.from_arrays([values, decimal.fillna("")])
        codes, distinct = pd.factorize(keys)
        pairs = list(distinct)
    else:
        d = decimal.iloc[0] if isinstance(decimal, pd.Series) and len(decimal) else decimal
        d = None if isinstance(d, float) else d
        codes, distinct = pd.factorize(values)
        pairs = [(v, d) for v in distinct]
    results, error_of = np.full(len(pairs), -1, dtype=np.int64), {}
    uniques = []
    for i, (v, d) in enumerate(pairs):
        if v == "":
            continue
        try:
            uniques.append(parser(v, d))
            results[i] = len(uniques) - 1
        except (NumberError, UnitError, PeriodError) as exc:
            error_of[i] = exc
    row_codes = results[codes] if len(pairs) else np.full(len(values), -1, dtype=np.int64)
    errors = pd.Series(None, index=values.index, dtype=object)
    if error_of:
        err_table = np.empty(len(pairs), dtype=object)
        for i, exc in error_of.items():
            err_table[i] = exc
        errors = pd.Series(err_table[codes], index=values.index, dtype=object)
    return ParsedColumn(values.index, row_codes, uniques, errors)


@dataclass
class _Cells:
    """What the checks of one table's fields share: where a row came from, the problems found so far, the ids
    a field may name (and those refused with errors), the units table and the file's decimal mark."""

    problems: Problems
    where: Callable
    ids: dict
    refused: dict
    units: Units | None
    decimal: object

    def report(self, column, values, bad, code, message, fix, severity="error") -> None:
        _report(self.problems, self.where, column, values, bad, code, message, fix, severity)


def check_fields(raw, table: Table, problems: Problems, ids: dict[str, set[str]],
                 refused: dict[str, dict[str, int]] | None = None,
                 units: Units | None = None) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Check every field of `table` in `raw.frame`; returns (row is valid, parsed columns).

    `ids` are the valid ids of each table a field may name; `refused` maps, per table, the ids whose
    rows exist but have errors to their spreadsheet row, so a reference to one says so. `units` is the
    units table of the data folder (default: the project's data/units.csv).
    """
    df = raw.frame
    gathered = getattr(raw, "files", None) is not None  # the loader's batch: plain str cells, none missing
    cells = _Cells(problems, _locator(raw), ids, refused or {}, units, raw.decimal)
    ok = pd.Series(True, index=df.index)
    parsed: dict[str, pd.Series] = {}
    for f in table.fields:
        s, live, fits = _check_size(f, df[f.name] if gathered else _strings(df[f.name]), cells)
        ok &= fits
        if f.kind in _KIND_CHECKS:
            good, result = _KIND_CHECKS[f.kind](f, s, live, cells)
            ok &= good
            if result is not None:
                parsed[f.name] = result
    return ok, parsed


def _check_size(f, s: pd.Series, cells: _Cells) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Cells too long for their kind, and required cells left empty: reported once each, before any parsing.
    Returns the column (a refused long cell blanked, so it is not reported again as malformed), the cells
    worth checking further, and the rows these checks leave valid."""
    length = pd.Series(np.fromiter(map(len, s.to_numpy()), dtype=np.int64, count=len(s)), index=s.index)
    long = pd.Series(False, index=s.index)
    fits = pd.Series(True, index=s.index)
    if f.kind == "text":
        cells.report(f.name, s, length > MAX_TEXT, "long_cell",
                     lambda v: f"the cell holds {len(v)} characters; '{f.name}' is meant to be short",
                     f"keep '{f.name}' under {MAX_TEXT} characters: a short verbatim excerpt or note",
                     severity="warning")
        cells.report(f.name, s, _formula(s), "formula_cell",
                     "the cell starts like a spreadsheet formula, so a spreadsheet may compute or run it",
                     "keep it if it is the text as printed (the project's exports neutralise it); if a spreadsheet "
                     "turned it into a formula, retype the text", severity="warning")
    else:
        long = length > MAX_CODE
        what = KIND_WORDS.get(f.kind, f.kind)
        cells.report(f.name, s, long, "cell_too_long",
                     lambda v: f"the cell holds {len(v)} characters, too many for {what}; the row is left out",
                     f"'{f.name}' holds {what}: look for text pasted into the wrong cell")
        fits &= ~long
        s = s.mask(long, "")  # reported once: not again as malformed
    empty = length == 0  # a long cell was reported above, not again as empty
    if f.required:
        cells.report(f.name, s, empty, "required", f"'{f.name}' is required and empty",
                     f"fill in '{f.name}' ({f.description})")
        fits &= ~empty
    return s, ~empty & ~long, fits


def _matches(s: pd.Series, pattern: str) -> pd.Series:
    return s.str.fullmatch(pattern).fillna(False).astype(bool)


def _check_id(f, s, live, cells: _Cells):
    """An id: the schema's pattern (a fix spelled from the cell), and each once in its table."""
    bad = live & ~_matches(s, f.pattern)
    cells.report(f.name, s, bad, "bad_id", f"'{f.name}' must match {f.pattern}",
                 lambda v: f"use lower-case ASCII without diacritics, e.g. '{id_like(v, f.pattern)}'")
    dup = live & s.duplicated(keep="first")
    cells.report(f.name, s, dup, "duplicate_id", "this id is already used by an earlier row",
                 "give each row its own id, or delete the repeated row")
    return ~bad & ~dup, None


def _check_code(f, s, live, cells: _Cells):
    """An official code: digits, leading zeros kept (a spreadsheet drops them when it reads a number)."""
    bad = live & ~_matches(s, f.pattern)
    cells.report(f.name, s, bad, "bad_code", f"'{f.name}' must be digits matching {f.pattern}",
                 "copy the official code with its leading zeros (00133), and keep the cell as text in a spreadsheet")
    return ~bad, None


def _check_vocab(f, s, live, cells: _Cells):
    """A code of the field's vocabulary; a qualifier may be typed as its Vietnamese word (schema.py)."""
    codes = VOCABULARIES[f.vocab]
    if f.vocab == "qualifier":
        s = s.map({v: QUALIFIER_SYNONYMS.get(v.lower(), v.lower()) for v in s.unique()})
        live = s != ""
    bad = live & ~s.isin(list(codes))
    allowed = f"use one of: {', '.join(codes)}"
    cells.report(f.name, s, bad, "bad_vocabulary", f"not an allowed value of '{f.name}'",
                 lambda v: _not_a_qualifier(v) or allowed)
    return ~bad, s.where(~bad & live, None)


def _not_a_qualifier(word: str) -> str:
    """The fix for a word printed before figures that says something else than precision ('vượt')."""
    if word not in NOT_QUALIFIERS:
        return ""
    return (f"'{word}' ({NOT_QUALIFIERS[word]}) says how the figure relates to something, not how exact it is: "
            "leave qualifier empty and record what it is measured against in reference (for an excess over "
            "a plan, a *_pct_plan metric)")


def _check_ref(f, s, live, cells: _Cells):
    """An id another table must hold; one whose row there was refused says so, rather than 'unknown'."""
    known = cells.ids.get(f.ref, set())
    left_out = cells.refused.get(f.ref, {})
    bad = live & ~s.isin(list(known))
    code = f"unknown_{f.ref.rstrip('s').replace('ie', 'y')}"
    cells.report(f.name, s, bad & ~s.isin(list(left_out)), code, f"no row of {f.ref}.csv has this id",
                 lambda v: f"add it to data/{f.ref}.csv first, or correct the spelling" + _close(v, known))
    cells.report(f.name, s, bad & s.isin(list(left_out)), code,
                 lambda v: f"the row of {f.ref}.csv with this id (row {left_out[v]}) has errors and was left out",
                 lambda v: f"fix row {left_out[v]} of {f.ref}.csv first (see its problems above)")
    return ~bad, None


def _check_word(f, s, live, cells: _Cells):
    """A unit as annotators write it (units.csv): the unit alone, each form once whatever its case and spacing."""
    bad = live & ~_matches(s, f.pattern)
    cells.report(f.name, s, bad, "bad_unit_word", "not a unit word as annotators write it",
                 "write the unit alone, without '/năm' or '/người/năm' (the validator reads those itself)")
    folded = s.str.lower().str.replace(r"\s+", " ", regex=True).str.replace(r"\s*/\s*", "/", regex=True)
    dup = live & ~bad & folded.where(live & ~bad).duplicated(keep="first") & folded.ne("")
    cells.report(f.name, s, dup, "duplicate_unit", "this unit is already listed by an earlier row",
                 "keep one row per unit as written (case and spacing do not tell units apart)")
    return ~bad & ~dup, None


_PARSE_CODES = {"date": "bad_date", "amount": "bad_number", "unit": "bad_unit", "factor": "bad_factor"}


def _check_parsed(f, s, live, cells: _Cells):
    """A date, number, unit or factor, parsed once per distinct cell; the parser's message and fix reported."""
    units = cells.units
    parser = {"date": lambda v, d: parse_partial_date(v), "unit": lambda v, d: parse_unit(v, units),
              "amount": _amount, "factor": _factor}[f.kind]
    column = parse_column(s, parser, cells.decimal if f.kind in ("amount", "factor") else None)
    bad = column.errors.notna()
    for idx, exc in column.errors[bad].items():
        code = "ambiguous_number" if "ambiguous" in exc.message else _PARSE_CODES[f.kind]
        file, row = cells.where(idx)
        cells.problems.error(file, row, f.name, shorten(s[idx], SHOWN), code, exc.message, exc.fix)
    return ~bad, column


def _check_filename(f, s, live, cells: _Cells):
    """A bare file name: it may not name a folder or leave the texts folder."""
    bad = live & (s.str.contains(r"[/\\:]|^\.\.?$", regex=True) | s.str.startswith("."))
    cells.report(f.name, s, bad, "unsafe_file_name", "a file name must not contain a folder or leave the texts folder",
                 "write the bare file name, e.g. 000_article.txt")
    return ~bad, None


# The check of each kind of field (a text is only checked for its size and formulas, in _check_size).
_KIND_CHECKS = {"id": _check_id, "code": _check_code, "vocab": _check_vocab, "ref": _check_ref, "word": _check_word,
                "date": _check_parsed, "amount": _check_parsed, "unit": _check_parsed, "factor": _check_parsed,
                "filename": _check_filename}


def id_like(value: str, pattern: str) -> str:
    """An id made from `value` the way the schema's `pattern` asks ('_' or '-' between words): a fix to show."""
    return slug(value, "_" if "_" in pattern else "-") or "an-id"


def _factor(value: str, decimal: str | None) -> float:
    """A conversion factor: a positive number, '.' the decimal point unless the file uses ','."""
    x = parse_number(value, decimal=decimal or ".")
    if not x > 0:
        raise NumberError(f"{value!r} is not a positive number",
                          "write how many of the dimension's base one unit is, e.g. 1000000000 for tỷ đồng")
    return x


def _strings(column: pd.Series) -> pd.Series:
    """A column as Python strings, '' for a missing cell: rows gathered by the loader are that already."""
    if column.dtype == object and not column.hasnans:
        return column
    return column.astype(object).fillna("")


_FORMULA_START = frozenset("=@+-")


def _formula(s: pd.Series) -> pd.Series:
    """Cells a spreadsheet would run as a formula; only cells starting with = @ + - are matched against FORMULA."""
    values = s.to_numpy(dtype=object)
    start = np.isin(values.astype("U1"), list(_FORMULA_START))  # each cell's first character, cut in C
    hit = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(start):
        hit[i] = FORMULA.match(values[i]) is not None
    return pd.Series(hit, index=s.index)


def _close(value: str, known: set[str]) -> str:
    import difflib

    near = difflib.get_close_matches(value, sorted(known), n=1)
    return f" (did you mean '{near[0]}'?)" if near else ""


def check_metric_names(raw: RawTable, ok: pd.Series, problems: Problems) -> None:
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


def check_successions(raw: RawTable, ok: pd.Series, problems: Problems) -> pd.DataFrame:
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


def report_no_term(figures: pd.DataFrame, problems: Problems) -> None:
    """A figure whose period lies outside every known term would leave every comparison by term: say so."""
    if figures.empty:
        return
    lost = figures[figures["term"].isna()]
    for r in lost.itertuples():
        problems.warning(r.source_file, int(r.source_row), "period_start", f"{r.period_start:%Y-%m}",
                         "no_term", "the period lies outside every congress term known to helpers/periods.py "
                         "(1991–1996 to 2030–2035); the figure is kept but no comparison by term shows it",
                         "check the period; for an earlier or later term add it to TERMS in helpers/periods.py")


def check_gazetteer(raw: RawTable, parsed: dict, problems: Problems) -> None:
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


def check_annotations(batch, metrics: pd.DataFrame, problems: Problems, ids: dict[str, set[str]],
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
    df["_kind"] = pd.Series(lookup(df["metric_id"], met["kind"]), index=df.index).fillna("")
    canon = met["unit_parsed"]
    df["_canon_dim"] = pd.Series(lookup(df["metric_id"], canon.map(lambda u: u.dimension)), index=df.index).fillna("")
    factor, mismatch = _unit_factors(unit, df["metric_id"], canon)
    df["_fraction_share"] = ~np.isnan(df["_out_of"]) & (df["_canon_dim"] == "per cent") & (df["_unit_dim"] == "count")
    df["_factor"] = np.where(df["_fraction_share"], 100.0 / df["_out_of"], factor)
    df["_bad"] = ~ok.to_numpy() | _row_checks(df, ok.to_numpy(), mismatch, problems)
    return df


def _unit_factors(unit, metric_ids: pd.Series, canon: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Conversion factor of each row's unit to its metric's, worked out once per distinct (unit, metric);
    and the UnitError of rows whose unit measures something else (None elsewhere)."""
    codes, pairs = distinct_codes(unit.codes, metric_ids.to_numpy())
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

    bad = _row_errors(df, ok, mismatch, report)
    _row_warnings(df, ok, report)
    files, rows = df["_file"].to_numpy(), df["_row"].to_numpy()
    for i, _, severity, column, value, code, message, fix in sorted(found, key=lambda f: (f[0], f[1])):
        problems.add(files[i], int(rows[i]), column, value, severity, code, message, fix)
    return bad


def _row_errors(df: pd.DataFrame, ok: np.ndarray, mismatch: pd.Series, report) -> np.ndarray:
    """Rows whose cells contradict each other (a period or range reversed, a unit of another dimension, a share
    out of 0–100, a negative count, a flag with no note): reported, and returned to be left out. The range
    checks of a value skip a row already refused, so one wrong print is not reported three times."""
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
    return bad


def _row_warnings(df: pd.DataFrame, ok: np.ndarray, report) -> None:
    """Rows kept but worth a look: an inferred period with no note, a six-year term, a pre-filled row."""
    no_note = (df["note"] == "").to_numpy()
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


def drop_duplicates(df: pd.DataFrame, problems: Problems) -> pd.DataFrame:
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


def report_conflicts(df: pd.DataFrame, problems: Problems) -> None:
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


def report_unused(df: pd.DataFrame, localities: pd.DataFrame, metrics: pd.DataFrame, problems: Problems,
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


def check_validity(df: pd.DataFrame, localities: pd.DataFrame, parsed: dict, ok: pd.Series,
                    problems: Problems) -> None:
    """A figure dated wholly outside its unit's validity is suspicious (wrong unit or wrong period)."""
    if df.empty:
        return
    nat = np.datetime64("NaT")
    ids = localities["locality_id"]
    ends = pd.Series(parsed["valid_to"].attr("last", nat, "datetime64[D]")[ok.to_numpy()], index=ids.to_numpy())
    begins = pd.Series(parsed["valid_from"].attr("first", nat, "datetime64[D]")[ok.to_numpy()], index=ids.to_numpy())
    valid_to = pd.Series(lookup(df["locality_id"], ends), index=df.index, dtype="datetime64[ns]")
    valid_from = pd.Series(lookup(df["locality_id"], begins), index=df.index, dtype="datetime64[ns]")
    after = (df["_first"] > valid_to).to_numpy()
    before = (df["_last"] < valid_from).to_numpy()
    text_to = lookup(df["locality_id"], localities.set_index("locality_id")["valid_to"])
    text_from = lookup(df["locality_id"], localities.set_index("locality_id")["valid_from"])
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
