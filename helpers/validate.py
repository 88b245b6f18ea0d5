"""Checks that turn a bad cell into a Problem naming file, row, column, value and fix.

Field checks are driven by the schema and work column by column: each distinct value is
parsed once and the result mapped back, so a large file costs one pass per column.
"""
from __future__ import annotations

import pandas as pd

from .numbers import NumberError, parse_amount
from .periods import PeriodError, parse_partial_date
from .problems import Problems
from .schema import QUALIFIER_SYNONYMS, VOCABULARIES, Table
from .units import UnitError, parse_unit


def _report(problems: Problems, name: str, column: str, values: pd.Series, bad: pd.Series, code: str,
            message, fix, severity: str = "error") -> None:
    """Add one problem per row where `bad` is true; message/fix may be callables of the value."""
    for row, value in values[bad].items():
        msg = message(value) if callable(message) else message
        fx = fix(value) if callable(fix) else fix
        problems.add(name, int(row), column, value, severity, code, msg, fx)


def parse_column(values: pd.Series, parser) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct non-empty value once: (parsed objects, errors) aligned with `values`."""
    parsed, errors = {}, {}
    for v in values[values != ""].unique():
        try:
            parsed[v] = parser(v)
        except (NumberError, UnitError, PeriodError) as exc:
            errors[v] = exc
    return values.map(parsed), values.map(errors)


def check_fields(raw, table: Table, problems: Problems, ids: dict[str, set[str]]) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Check every field of `table` in `raw.frame`; returns (row is valid, parsed columns)."""
    df, name = raw.frame, raw.name
    ok = pd.Series(True, index=df.index)
    parsed: dict[str, pd.Series] = {}
    for f in table.fields:
        s = df[f.name].fillna("")
        empty = s == ""
        if f.required:
            _report(problems, name, f.name, s, empty, "required", f"'{f.name}' is required and empty",
                    f"fill in '{f.name}' ({f.description})")
            ok &= ~empty
        if f.kind == "id":
            bad = ~empty & ~s.str.fullmatch(f.pattern).fillna(False)
            _report(problems, name, f.name, s, bad, "bad_id", f"'{f.name}' must match {f.pattern}",
                    lambda v: f"use lower-case ASCII without diacritics, e.g. '{_slugify(v, f.pattern)}'")
            dup = ~empty & s.duplicated(keep="first")
            _report(problems, name, f.name, s, dup, "duplicate_id", "this id is already used by an earlier row",
                    "give each row its own id, or delete the repeated row")
            ok &= ~bad & ~dup
        elif f.kind == "vocab":
            codes = VOCABULARIES[f.vocab]
            if f.vocab == "qualifier":
                s = s.str.lower().map(lambda v: QUALIFIER_SYNONYMS.get(v, v))
                empty = s == ""
            bad = ~empty & ~s.isin(list(codes))
            _report(problems, name, f.name, s, bad, "bad_vocabulary", f"not an allowed value of '{f.name}'",
                    f"use one of: {', '.join(codes)}")
            ok &= ~bad
            parsed[f.name] = s.where(~bad & ~empty, None)
        elif f.kind == "ref":
            known = ids.get(f.ref, set())
            bad = ~empty & ~s.isin(list(known))
            _report(problems, name, f.name, s, bad, f"unknown_{f.ref.rstrip('s').replace('ie', 'y')}",
                    f"no row of {f.ref}.csv has this id",
                    lambda v: f"add it to data/{f.ref}.csv first, or correct the spelling" + _close(v, known))
            ok &= ~bad
        elif f.kind in ("date", "amount", "unit"):
            parser = {"date": parse_partial_date, "unit": parse_unit,
                      "amount": lambda v: parse_amount(v, decimal=raw.decimal)}[f.kind]
            values, errors = parse_column(s, parser)
            bad = errors.notna()
            code = {"date": "bad_date", "amount": "bad_number", "unit": "bad_unit"}[f.kind]
            for row, exc in errors[bad].items():
                c = "ambiguous_number" if "ambiguous" in exc.message else code
                problems.error(name, int(row), f.name, s[row], c, exc.message, exc.fix)
            ok &= ~bad
            parsed[f.name] = values
        elif f.kind == "filename":
            bad = ~empty & (s.str.contains(r"[/\\]|^\.\.?$", regex=True) | s.str.startswith("."))
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
