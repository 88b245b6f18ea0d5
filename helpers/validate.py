"""Checks that turn a bad cell into a Problem naming file, row, column, value and fix.

Field checks are driven by the schema and work column by column: each distinct value is
parsed once and the result mapped back, so a large file costs one pass per column.
"""
from __future__ import annotations

import re

import pandas as pd

from .io import shorten
from .numbers import NumberError, parse_amount
from .periods import PeriodError, parse_partial_date
from .problems import Problems
from .schema import QUALIFIER_SYNONYMS, VOCABULARIES, Table
from .units import UnitError, parse_unit


# Longest cell each kind of field may hold. An id, code, number, date or unit longer than this is not
# one (a paste gone wrong); a text longer than MAX_TEXT is kept, with a warning.
MAX_CODE = 200
MAX_TEXT = 2000
SHOWN = 120  # characters of a value quoted in a problem
KIND_WORDS = {"id": "an id", "ref": "an id", "vocab": "a code", "date": "a date", "amount": "a number",
              "unit": "a unit", "filename": "a file name"}
# A text cell a spreadsheet would run as a formula: '=…', '@…', or '+'/'-' followed by '=', '@', a function
# call 'SUM(', a DDE link 'cmd|', a sheet reference 'Sheet1!' or arithmetic '2+3'. '- theo báo cáo',
# '-5% so với năm trước' and '+84 912 345 678' stay plain text.
FORMULA = re.compile(r"[=@]|[+\-]\s*(?:[=@]|[A-Za-z_][A-Za-z0-9_.]*\s*[(|!]|\d[\d.,]*\s*[-+*/^&]\s*[\d(])")


def _report(problems: Problems, name: str, column: str, values: pd.Series, bad: pd.Series, code: str,
            message, fix, severity: str = "error") -> None:
    """Add one problem per row where `bad` is true; message/fix may be callables of the value."""
    for row, value in values[bad].items():
        msg = message(value) if callable(message) else message
        fx = fix(value) if callable(fix) else fix
        problems.add(name, int(row), column, shorten(value, SHOWN), severity, code, msg, fx)


def _amount(value: str, decimal: str | None):
    if value.startswith(("=", "@")):
        raise NumberError(f"{shorten(value, 40)!r} is a spreadsheet formula, not the number as printed",
                          "type the number itself as the article prints it, e.g. 118 rather than =100+18")
    return parse_amount(value, decimal=decimal)


def parse_column(values: pd.Series, parser) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct non-empty value once: (parsed objects, errors) aligned with `values`."""
    parsed, errors = {}, {}
    for v in values[values != ""].unique():
        try:
            parsed[v] = parser(v)
        except (NumberError, UnitError, PeriodError) as exc:
            errors[v] = exc
    return values.map(parsed), values.map(errors)


def check_fields(raw, table: Table, problems: Problems, ids: dict[str, set[str]],
                 refused: dict[str, dict[str, int]] | None = None) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Check every field of `table` in `raw.frame`; returns (row is valid, parsed columns).

    `ids` are the valid ids of each table a field may name; `refused` maps, per table, the ids whose
    rows exist but have errors to their spreadsheet row, so a reference to one says so.
    """
    df, name = raw.frame, raw.name
    refused = refused or {}
    ok = pd.Series(True, index=df.index)
    parsed: dict[str, pd.Series] = {}
    for f in table.fields:
        s = df[f.name].fillna("")
        length = s.str.len()
        long = pd.Series(False, index=df.index)
        if f.kind == "text":
            _report(problems, name, f.name, s, length > MAX_TEXT, "long_cell",
                    lambda v: f"the cell holds {len(v)} characters; '{f.name}' is meant to be short",
                    f"keep '{f.name}' under {MAX_TEXT} characters: a short verbatim excerpt or note",
                    severity="warning")
            _report(problems, name, f.name, s, s.str.match(FORMULA).fillna(False).astype(bool), "formula_cell",
                    "the cell starts like a spreadsheet formula, so a spreadsheet may compute or run it",
                    "keep it if it is the text as printed (the project's exports neutralise it); if a spreadsheet "
                    "turned it into a formula, retype the text", severity="warning")
        else:
            long = (length > MAX_CODE).fillna(False).astype(bool)
            what = KIND_WORDS.get(f.kind, f.kind)
            _report(problems, name, f.name, s, long, "cell_too_long",
                    lambda v: f"the cell holds {len(v)} characters, too many for {what}; the row is left out",
                    f"'{f.name}' holds {what}: look for text pasted into the wrong cell")
            ok &= ~long
            s = s.mask(long, "")  # reported once: not again as malformed
        empty = (s == "") & ~long
        if f.required:
            _report(problems, name, f.name, s, empty, "required", f"'{f.name}' is required and empty",
                    f"fill in '{f.name}' ({f.description})")
            ok &= ~empty
        live = (s != "")
        if f.kind == "id":
            bad = live & ~s.str.fullmatch(f.pattern).fillna(False).astype(bool)
            _report(problems, name, f.name, s, bad, "bad_id", f"'{f.name}' must match {f.pattern}",
                    lambda v: f"use lower-case ASCII without diacritics, e.g. '{_slugify(v, f.pattern)}'")
            dup = live & s.duplicated(keep="first")
            _report(problems, name, f.name, s, dup, "duplicate_id", "this id is already used by an earlier row",
                    "give each row its own id, or delete the repeated row")
            ok &= ~bad & ~dup
        elif f.kind == "vocab":
            codes = VOCABULARIES[f.vocab]
            if f.vocab == "qualifier":
                s = s.str.lower().map(lambda v: QUALIFIER_SYNONYMS.get(v, v))
                live = s != ""
            bad = live & ~s.isin(list(codes))
            _report(problems, name, f.name, s, bad, "bad_vocabulary", f"not an allowed value of '{f.name}'",
                    f"use one of: {', '.join(codes)}")
            ok &= ~bad
            parsed[f.name] = s.where(~bad & live, None)
        elif f.kind == "ref":
            known = ids.get(f.ref, set())
            left_out = refused.get(f.ref, {})
            bad = live & ~s.isin(list(known))
            code = f"unknown_{f.ref.rstrip('s').replace('ie', 'y')}"
            _report(problems, name, f.name, s, bad & ~s.isin(list(left_out)), code,
                    f"no row of {f.ref}.csv has this id",
                    lambda v: f"add it to data/{f.ref}.csv first, or correct the spelling" + _close(v, known))
            _report(problems, name, f.name, s, bad & s.isin(list(left_out)), code,
                    lambda v: f"the row of {f.ref}.csv with this id (row {left_out[v]}) has errors and was left out",
                    lambda v: f"fix row {left_out[v]} of {f.ref}.csv first (see its problems above)")
            ok &= ~bad
        elif f.kind in ("date", "amount", "unit"):
            parser = {"date": parse_partial_date, "unit": parse_unit,
                      "amount": lambda v: _amount(v, raw.decimal)}[f.kind]
            values, errors = parse_column(s, parser)
            bad = errors.notna()
            code = {"date": "bad_date", "amount": "bad_number", "unit": "bad_unit"}[f.kind]
            for row, exc in errors[bad].items():
                c = "ambiguous_number" if "ambiguous" in exc.message else code
                problems.error(name, int(row), f.name, shorten(s[row], SHOWN), c, exc.message, exc.fix)
            ok &= ~bad
            parsed[f.name] = values
        elif f.kind == "filename":
            bad = live & (s.str.contains(r"[/\\:]|^\.\.?$", regex=True) | s.str.startswith("."))
            _report(problems, name, f.name, s, bad, "unsafe_file_name",
                    "a file name must not contain a folder or leave the texts folder",
                    "write the bare file name, e.g. 000_article.txt")
            ok &= ~bad
    return ok, parsed


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
