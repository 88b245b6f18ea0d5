"""Checks that turn a bad cell into a Problem naming file, row, column, value and fix.

Field checks are driven by the schema and work column by column: each distinct value is
parsed once and the result mapped back, so a large file costs one pass per column.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .io import shorten
from .numbers import NumberError, parse_amount, parse_number
from .periods import PeriodError, parse_partial_date
from .problems import Problems
from .schema import QUALIFIER_SYNONYMS, VOCABULARIES, Table
from .units import UnitError, Units, parse_unit


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


def check_fields(raw, table: Table, problems: Problems, ids: dict[str, set[str]],
                 refused: dict[str, dict[str, int]] | None = None,
                 units: Units | None = None) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Check every field of `table` in `raw.frame`; returns (row is valid, parsed columns).

    `ids` are the valid ids of each table a field may name; `refused` maps, per table, the ids whose
    rows exist but have errors to their spreadsheet row, so a reference to one says so. `units` is the
    units table of the data folder (default: the project's data/units.csv).
    """
    df, where = raw.frame, _locator(raw)
    gathered = getattr(raw, "files", None) is not None  # the loader's batch: plain str cells, none missing
    refused = refused or {}
    ok = pd.Series(True, index=df.index)
    parsed: dict[str, pd.Series] = {}
    for f in table.fields:
        s = df[f.name] if gathered else _strings(df[f.name])
        length = pd.Series(np.fromiter(map(len, s.to_numpy()), dtype=np.int64, count=len(s)), index=s.index)
        long = pd.Series(False, index=df.index)
        if f.kind == "text":
            _report(problems, where, f.name, s, length > MAX_TEXT, "long_cell",
                    lambda v: f"the cell holds {len(v)} characters; '{f.name}' is meant to be short",
                    f"keep '{f.name}' under {MAX_TEXT} characters: a short verbatim excerpt or note",
                    severity="warning")
            _report(problems, where, f.name, s, _formula(s), "formula_cell",
                    "the cell starts like a spreadsheet formula, so a spreadsheet may compute or run it",
                    "keep it if it is the text as printed (the project's exports neutralise it); if a spreadsheet "
                    "turned it into a formula, retype the text", severity="warning")
        else:
            long = length > MAX_CODE
            what = KIND_WORDS.get(f.kind, f.kind)
            _report(problems, where, f.name, s, long, "cell_too_long",
                    lambda v: f"the cell holds {len(v)} characters, too many for {what}; the row is left out",
                    f"'{f.name}' holds {what}: look for text pasted into the wrong cell")
            ok &= ~long
            s = s.mask(long, "")  # reported once: not again as malformed
        empty = length == 0  # a long cell was reported above, not again as empty
        if f.required:
            _report(problems, where, f.name, s, empty, "required", f"'{f.name}' is required and empty",
                    f"fill in '{f.name}' ({f.description})")
            ok &= ~empty
        live = ~empty & ~long
        if f.kind == "id":
            bad = live & ~s.str.fullmatch(f.pattern).fillna(False).astype(bool)
            _report(problems, where, f.name, s, bad, "bad_id", f"'{f.name}' must match {f.pattern}",
                    lambda v: f"use lower-case ASCII without diacritics, e.g. '{_slugify(v, f.pattern)}'")
            dup = live & s.duplicated(keep="first")
            _report(problems, where, f.name, s, dup, "duplicate_id", "this id is already used by an earlier row",
                    "give each row its own id, or delete the repeated row")
            ok &= ~bad & ~dup
        elif f.kind == "code":
            bad = live & ~s.str.fullmatch(f.pattern).fillna(False).astype(bool)
            _report(problems, where, f.name, s, bad, "bad_code", f"'{f.name}' must be digits matching {f.pattern}",
                    "copy the official code with its leading zeros (00133), and keep the cell as text in a spreadsheet")
            ok &= ~bad
        elif f.kind == "vocab":
            codes = VOCABULARIES[f.vocab]
            if f.vocab == "qualifier":
                s = s.map({v: QUALIFIER_SYNONYMS.get(v.lower(), v.lower()) for v in s.unique()})
                live = s != ""
            bad = live & ~s.isin(list(codes))
            _report(problems, where, f.name, s, bad, "bad_vocabulary", f"not an allowed value of '{f.name}'",
                    f"use one of: {', '.join(codes)}")
            ok &= ~bad
            parsed[f.name] = s.where(~bad & live, None)
        elif f.kind == "ref":
            known = ids.get(f.ref, set())
            left_out = refused.get(f.ref, {})
            bad = live & ~s.isin(list(known))
            code = f"unknown_{f.ref.rstrip('s').replace('ie', 'y')}"
            _report(problems, where, f.name, s, bad & ~s.isin(list(left_out)), code,
                    f"no row of {f.ref}.csv has this id",
                    lambda v: f"add it to data/{f.ref}.csv first, or correct the spelling" + _close(v, known))
            _report(problems, where, f.name, s, bad & s.isin(list(left_out)), code,
                    lambda v: f"the row of {f.ref}.csv with this id (row {left_out[v]}) has errors and was left out",
                    lambda v: f"fix row {left_out[v]} of {f.ref}.csv first (see its problems above)")
            ok &= ~bad
        elif f.kind == "word":
            bad = live & ~s.str.fullmatch(f.pattern).fillna(False).astype(bool)
            _report(problems, where, f.name, s, bad, "bad_unit_word", "not a unit word as annotators write it",
                    "write the unit alone, without '/năm' or '/người/năm' (the validator reads those itself)")
            folded = s.str.lower().str.replace(r"\s+", " ", regex=True).str.replace(r"\s*/\s*", "/", regex=True)
            dup = live & ~bad & folded.where(live & ~bad).duplicated(keep="first") & folded.ne("")
            _report(problems, where, f.name, s, dup, "duplicate_unit", "this unit is already listed by an earlier row",
                    "keep one row per unit as written (case and spacing do not tell units apart)")
            ok &= ~bad & ~dup
        elif f.kind in ("date", "amount", "unit", "factor"):
            parser = {"date": lambda v, d: parse_partial_date(v), "unit": lambda v, d: parse_unit(v, units),
                      "amount": _amount, "factor": _factor}[f.kind]
            column = parse_column(s, parser, raw.decimal if f.kind in ("amount", "factor") else None)
            bad = column.errors.notna()
            code = {"date": "bad_date", "amount": "bad_number", "unit": "bad_unit", "factor": "bad_factor"}[f.kind]
            for idx, exc in column.errors[bad].items():
                c = "ambiguous_number" if "ambiguous" in exc.message else code
                file, row = where(idx)
                problems.error(file, row, f.name, shorten(s[idx], SHOWN), c, exc.message, exc.fix)
            ok &= ~bad
            parsed[f.name] = column
        elif f.kind == "filename":
            bad = live & (s.str.contains(r"[/\\:]|^\.\.?$", regex=True) | s.str.startswith("."))
            _report(problems, where, f.name, s, bad, "unsafe_file_name",
                    "a file name must not contain a folder or leave the texts folder",
                    "write the bare file name, e.g. 000_article.txt")
            ok &= ~bad
    return ok, parsed


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


def _slugify(value: str, pattern: str) -> str:
    import re
    import unicodedata

    v = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    v = "".join(ch for ch in v if unicodedata.category(ch) != "Mn").lower()
    sep = "_" if "_" in pattern else "-"
    return re.sub(r"[^a-z0-9]+", sep, v).strip(sep) or "an-id"
