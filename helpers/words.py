"""Numbers, qualifiers, dates and periods in words, in one place, so a caption, a chart label and a
caveat never disagree (April 2023 is '04/2023' in all of them).

Vietnamese first, English with `lang="en"`; no matplotlib here, so analysis and export use it too.
"""
from __future__ import annotations

import pandas as pd

from .numbers import display_number

# The sign before a figure for its qualifier: '≈53', '>9,23'.
QUALIFIER_SIGNS = {"approx": "≈", "nearly": "≈", "more_than": ">", "at_least": "≥", "less_than": "<",
                   "at_most": "≤"}


def number(v, lang: str = "vi", *, compact: bool = False) -> str:
    """142.2 -> '142,2' (vi) or '142.2' (en); 7210 -> '7.210' / '7,210'; missing -> '–'.
    `compact` (chart labels) drops decimals from 1000 up."""
    return display_number(None if v is None or pd.isna(v) else v, lang, compact=compact)


def figure(value, high=None, qualifier="exact", lang: str = "vi", suffix: str = "", *,
           compact: bool = False) -> str:
    """A figure as printed for a reader: '≈53', '>9,23', '93,15–93,9', with an optional unit suffix."""
    text = number(value, lang, compact=compact)
    if high is not None and not pd.isna(high) and high != value:
        text += "–" + number(high, lang, compact=compact)
    return QUALIFIER_SIGNS.get(str(qualifier), "") + text + suffix


def date(text, lang: str = "vi") -> str:
    """An ISO date, possibly partial: '2024-05-22' -> '22/05/2024', '2023-04' -> '04/2023' (vi); as is in English."""
    parts = str(text).split("-")
    return "/".join(reversed(parts)) if lang == "vi" else str(text)


def period(start, end, lang: str = "vi") -> str:
    """A period from its first and last day: whole years '2021', '2016–2020'; one month '04/2023'
    ('2023-04'); months of one year '01–07/2023' ('2023-01 to 07'); else '01/2021–06/2023'
    ('2021-01 to 2023-06')."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31:
        return str(s.year) if s.year == e.year else f"{s.year}–{e.year}"
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.month:02d}/{s.year}" if lang == "vi" else f"{s.year}-{s.month:02d}"
    if s.year == e.year:
        return f"{s.month:02d}–{e.month:02d}/{s.year}" if lang == "vi" else f"{s.year}-{s.month:02d} to {e.month:02d}"
    if lang == "vi":
        return f"{s.month:02d}/{s.year}–{e.month:02d}/{e.year}"
    return f"{s.year}-{s.month:02d} to {e.year}-{e.month:02d}"
