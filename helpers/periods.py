"""Partial dates, periods and Party congress terms.

A term `2015–2020` runs from one congress to the next; its five plan years are 2016–2020
(the 5-year socio-economic plan 2016–2020), so a figure for "the whole term" is annotated
2016 to 2020 and a figure for the year 2020 belongs to 2015–2020. A period is placed in the
term that holds its midpoint, and marked when it reaches into another term.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .problems import FixableError

# Local Party congress terms from the 1990s on, in order. Congresses of districts and wards were held in
# 1991, 1996, 2000, 2005, 2010, 2015, 2020 and 2025; a term's plan years run from the year after its
# congress to the year of the next (1996–2000: 1997–2000). A figure outside them gets no term and a
# warning (`no_term`) that names it. Add the next term here when its congresses approach.
TERMS = ("1991–1996", "1996–2000", "2000–2005", "2005–2010", "2010–2015", "2015–2020", "2020–2025",
         "2025–2030", "2030–2035")
TERM_DTYPE = pd.CategoricalDtype(list(TERMS), ordered=True)
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class PeriodError(FixableError):
    """A period that cannot be read; `fix` says how to write it."""


@dataclass(frozen=True)
class PartialDate:
    text: str
    first: date  # first day it covers
    last: date  # last day it covers
    precision: str  # "year", "month" or "day"


def parse_partial_date(text: str) -> PartialDate:
    """Read `2023`, `2023-07` or `2023-07-15` (ISO 8601, possibly partial)."""
    s = str(text).strip()
    m = _PARTIAL.fullmatch(s)
    if not m:
        raise PeriodError(f"{s!r} is not an ISO date", "write 2023 for a year, 2023-07 for a month or 2023-07-15 for a day")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if not 1900 <= y <= 2100:
        raise PeriodError(f"year {y} is out of range", "check the year; it must be between 1900 and 2100")
    if mo is None:
        return PartialDate(s, date(y, 1, 1), date(y, 12, 31), "year")
    mo = int(mo)
    if not 1 <= mo <= 12:
        raise PeriodError(f"month {mo} does not exist", "write the month as 01 to 12")
    if d is None:
        return PartialDate(s, date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month")
    try:
        day = date(y, mo, int(d))
    except ValueError:
        raise PeriodError(f"{s!r} is not a real date", "check the day of the month") from None
    return PartialDate(s, day, day, "day")


def months_between(first: date, last: date) -> float:
    """Length of [first, last] in months: whole months count exactly, days as a fraction."""
    if first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]:
        return float((last.year - first.year) * 12 + last.month - first.month + 1)
    return ((last - first).days + 1) / (365.25 / 12)


def term_bounds(term: str) -> tuple[date, date]:
    """First and last day of a term's plan years: `2015–2020` -> 2016-01-01 .. 2020-12-31."""
    start, end = (int(x) for x in re.split(r"[–-]", term))
    return date(start + 1, 1, 1), date(end, 12, 31)


def term_of(first: date, last: date) -> tuple[str | None, bool]:
    """The term holding the period's midpoint, and whether the period reaches into another term."""
    mid = first + (last - first) / 2
    for term in TERMS:
        lo, hi = term_bounds(term)
        if lo <= mid <= hi:
            return term, not (lo <= first and last <= hi)
    return None, False
