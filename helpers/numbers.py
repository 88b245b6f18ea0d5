"""Vietnamese numbers as newspapers print them and analysts type them.

Vietnamese writes `7.210` for seven thousand two hundred and ten and `9,77` for nine point
seven seven; English-language software does the opposite. A lone separator before exactly
three digits (`7.210`, `1.089`, `361,503`) is therefore ambiguous and is refused with a fix
unless the file says which mark is the decimal one (a `;`-separated spreadsheet export uses
the decimal comma). Nothing here guesses.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .problems import FixableError
from .schema import NOT_QUALIFIERS, QUALIFIER_SYNONYMS

SPACES = "\u00a0\u202f\u2009\u2007"  # no-break, narrow no-break, thin, figure space
MULTIPLIERS = {"nghìn": 1e3, "ngàn": 1e3, "vạn": 1e4, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
# The multiplier words as a regex alternation, for every pattern that reads them (here and in mentions).
MULTIPLIER_WORDS = "|".join(sorted(MULTIPLIERS, key=len, reverse=True))
# Words that belong in the qualifier column, not before the number in the value cell (schema.py declares them).
WORDS_BEFORE_A_NUMBER = tuple(sorted({w for w in QUALIFIER_SYNONYMS if w} | set(NOT_QUALIFIERS), key=lambda w: (-len(w), w)))


class NumberError(FixableError):
    """A number that cannot be read without guessing; `fix` says how to write it."""


def clean(text: str) -> str:
    """NFC, ordinary spaces for the no-break kinds, trimmed: how every cell is compared."""
    text = unicodedata.normalize("NFC", str(text))
    for ch in SPACES:
        text = text.replace(ch, " ")
    return text.strip()


_INT = re.compile(r"\d+")
_ONE_SEP = re.compile(r"(\d+)([.,])(\d+)")
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+")  # 1.234.567 or 1,234,567
_VN_MIXED = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+")  # 1.234,5
_EN_MIXED = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+")  # 1,234.5
_SPACED = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")  # 7 210 or 1 234,5


def parse_number(text: str, *, decimal: str | None = None) -> float:
    """Read one number written the Vietnamese or the English way.

    `decimal` is the decimal mark the file is known to use (',' or '.'), or None when unknown.
    Digits of other scripts (Arabic-Indic ١٢٣, full-width １２３) are refused with the ASCII spelling as the
    fix: they are no Vietnamese or English print, so they came from a paste or an input method. Minus zero
    (`-0`, `-0,0`) is refused too: a sign on nothing is a typo for another figure or for 0.
    """
    raw = str(text)
    foreign = [ch for ch in clean(raw) if ch.isdigit() and not ch.isascii()]
    if foreign:
        spelt = "".join(str(unicodedata.digit(ch, 0)) if ch.isdigit() and not ch.isascii() else ch
                        for ch in clean(raw))
        raise NumberError(f"{raw!r} is written with digits of another script ({foreign[0]!r} is "
                          f"{unicodedata.name(foreign[0], 'not an ASCII digit').lower()})",
                          f"write it with the digits 0-9: {spelt}")
    value = _parse_number(raw, decimal=decimal)
    if value == 0 and math.copysign(1.0, value) < 0:
        raise NumberError(f"{raw!r} is minus zero", "write 0, or the figure the article prints")
    return value


def _parse_number(raw: str, *, decimal: str | None = None) -> float:
    s = clean(raw)
    if not s:
        raise NumberError("the cell is empty", "write a number")
    sign = 1.0
    if s[0] in "-−+":
        sign = -1.0 if s[0] != "+" else 1.0
        s = s[1:].strip()
    if len(s) > 60:
        raise NumberError(f"{raw[:20]!r}… is too long to be a figure", "write the number in digits, e.g. 1500")
    if _INT.fullmatch(s):
        return sign * float(s)
    if _SPACED.fullmatch(s):
        whole, frac = re.fullmatch(r"(\d+)(?:[.,](\d+))?", s.replace(" ", "")).groups()
        return sign * float(f"{whole}.{frac}" if frac else whole)
    if _VN_MIXED.fullmatch(s):
        return sign * float(s.replace(".", "").replace(",", "."))
    if _EN_MIXED.fullmatch(s):
        return sign * float(s.replace(",", ""))
    if _GROUPED.fullmatch(s):
        mark = _GROUPED.fullmatch(s).group(1)
        if decimal == mark:
            raise NumberError(f"{raw!r} has several '{mark}' but '{mark}' is this file's decimal mark",
                              "write the number without thousands separators, e.g. 1234567")
        return sign * float(s.replace(mark, ""))
    m = _ONE_SEP.fullmatch(s)
    if m:
        whole, mark, frac = m.groups()
        could_group = len(frac) == 3 and len(whole) <= 3 and whole != "0" and not whole.startswith("0")
        if not could_group or decimal == mark:
            return sign * float(f"{whole}.{frac}")
        if decimal is not None:  # the other mark is the decimal one, so this one groups thousands
            return sign * float(whole + frac)
        grouped, dec = whole + frac, f"{whole}.{frac}"
        raise NumberError(
            f"{raw!r} is ambiguous: {grouped} in Vietnamese notation or {dec} in English notation",
            f"write {grouped} for the whole number; for the decimal write {whole},{frac}0 (a trailing zero "
            f"removes the doubt) or use word units such as '361 tỷ 503 triệu'",
        )
    low = s.lower()
    if low in {"inf", "infinity", "nan", "-", "?", "n/a", "na"} or "e" in low and re.fullmatch(r"[\d.,]+e[+-]?\d+", low):
        raise NumberError(f"{raw!r} is not a finite number written in full", "write the number in digits, e.g. 1500")
    raise NumberError(f"{raw!r} is not a number", "write digits with at most one decimal mark, e.g. 9,77 or 7210")


@dataclass(frozen=True)
class Amount:
    """A value cell read: the number and, for `12/12`, what it is out of."""

    value: float
    out_of: float | None = None


_WORD_TERM = re.compile(rf"([\d][\d.,\s]*?)\s*({MULTIPLIER_WORDS})(?=\s|$)")


def parse_amount(text: str, *, decimal: str | None = None) -> Amount:
    """Read a value cell: a number, a fraction `12/12`, or words such as `11 tỷ 708 triệu`."""
    s = clean(text)
    low = s.lower()
    if not s:
        raise NumberError("the cell is empty", "write a number")
    if s.endswith("%"):
        raise NumberError(f"{s!r} carries a per cent sign", "write the number alone and put % in the unit column")
    for word in WORDS_BEFORE_A_NUMBER:
        if low.startswith(word + " "):
            raise NumberError(f"{s!r} starts with the qualifier '{word}'",
                              "put the number alone here and the qualifier in the qualifier column")
    if re.search(r"\d\s*[–—-]\s*\d", s) and not s.startswith("-"):
        raise NumberError(f"{s!r} looks like a range", "write the low end in value and the high end in value_high")
    if "/" in s:
        num, _, den = s.partition("/")
        a, b = parse_number(num, decimal=decimal), parse_number(den, decimal=decimal)
        if b == 0:
            raise NumberError(f"{s!r} is out of zero", "check the fraction as printed")
        return Amount(a, b)
    if any(w in low for w in MULTIPLIERS):
        return Amount(_parse_words(s, decimal))
    value = parse_number(s, decimal=decimal)
    if not math.isfinite(value):
        raise NumberError(f"{s!r} is not finite", "write the number in digits")
    return Amount(value)


def _parse_words(s: str, decimal: str | None) -> float:
    """`11 tỷ 708 triệu` -> 11_708_000_000; the multipliers must fall from left to right."""
    total, last, pos = 0.0, math.inf, 0
    low = s.lower()
    for m in _WORD_TERM.finditer(low):
        if low[pos:m.start()].strip():
            break
        mult = MULTIPLIERS[m.group(2)]
        if mult >= last:
            raise NumberError(f"{s!r} repeats or reverses its word units", "write e.g. '11 tỷ 708 triệu'")
        total += parse_number(m.group(1), decimal=decimal) * mult
        last, pos = mult, m.end()
    rest = low[pos:].strip()
    if rest:
        if pos and re.fullmatch(r"\d{1,3}", rest) and last >= 1e3:
            # Vietnamese drops the next unit down: '5 triệu 500' is 5 triệu 500 nghìn, '1 tỷ 708' is 1 tỷ 708 triệu.
            return total + float(rest) * last / 1e3
        raise NumberError(f"{s!r} has words that are not number units", "write e.g. '11 tỷ 708 triệu' or digits")
    return total


def format_number(value: float) -> str:
    """Write a number so that parse_number reads it back exactly and unambiguously (decimal comma)."""
    from decimal import Decimal

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written as a figure")
    if float(value).is_integer():
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")  # shortest exact digits, never an exponent
    whole, frac = text.split(".")
    if len(frac) == 3 and whole.lstrip("-") not in ("0",) and len(whole.lstrip("-")) <= 3:
        frac += "0"
    return f"{whole},{frac}"


def display_number(v, lang: str = "vi", *, compact: bool = False) -> str:
    """A number for readers: 7210 -> '7.210' (vi) / '7,210' (en); 93.15 -> '93,15' / '93.15'.

    `compact` (chart labels) drops decimals from 1000 up. Missing values show as '–'.
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    decimals = 0 if float(v).is_integer() or (compact and abs(v) >= 1000) else (1 if abs(v) >= 100 else 2)
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
