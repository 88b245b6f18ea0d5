"""Units as annotators write them, and how they convert to a metric's canonical unit.

A unit is read into a dimension (money, count, per cent, ...) and a factor to that
dimension's base. A trailing `/năm` marks a yearly rate (`750 lao động/năm`,
`11%/năm`); the loader turns a yearly rate of a flow into the period's total.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import clean

MONEY = {"đồng": 1.0, "nghìn đồng": 1e3, "ngàn đồng": 1e3, "triệu đồng": 1e6, "tỷ đồng": 1e9, "tỉ đồng": 1e9}
AREA = {"ha": 1.0, "héc-ta": 1.0, "hecta": 1.0, "m2": 1e-4, "m²": 1e-4, "km2": 100.0, "km²": 100.0}
# Count nouns: what was counted differs, the arithmetic does not. Add new nouns here.
COUNT_NOUNS = {
    "người", "đảng viên", "đồng chí", "quần chúng", "thanh niên", "công dân", "nam công dân", "lao động",
    "hộ", "hộ gia đình", "trường hợp", "vụ", "công trình", "hội nghị", "lượt", "lượt người", "buổi", "mô hình",
    "tổ chức", "đảng bộ", "chi bộ", "trường", "tuyến", "tuyến đường", "tuyến phố", "đội", "tổ", "tổ dân phố",
    "khu", "khu dân cư", "khu phố", "thôn", "đơn vị", "đơn vị máu", "chỉ tiêu", "nhóm", "văn bản", "dự án", "cơ sở",
    "doanh nghiệp", "dân", "tiêu chí", "cuộc", "nhân khẩu", "phường", "xã", "thị trấn", "đặc khu", "quận", "huyện",
}


class UnitError(ValueError):
    """A unit that is unknown or cannot become the metric's unit."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass(frozen=True)
class Unit:
    text: str
    dimension: str
    factor: float  # multiply a value in this unit by factor to get the dimension's base
    per_year: bool = False


def parse_unit(text: str) -> Unit:
    """Read a unit such as `tỷ đồng`, `triệu đồng/người/năm`, `%`, `ha`, `hộ` or `lao động/năm`."""
    raw = clean(text)
    s = re.sub(r"\s+", " ", raw.lower())
    s = re.sub(r"\s*/\s*", "/", s)
    if not s:
        raise UnitError("the unit is empty", "write the unit as printed, e.g. tỷ đồng, %, ha, người")
    per_year = False
    if s.endswith("/năm") and not s.endswith("/người/năm"):
        per_year, s = True, s[: -len("/năm")]
    base = _base_unit(s)
    if base is None:
        raise UnitError(f"unknown unit {raw!r}",
                        "use one of: đồng, triệu đồng, tỷ đồng, triệu đồng/người/năm, %, ha, lần, or a count noun "
                        "such as người, hộ, đảng viên (add new count nouns to helpers/units.py COUNT_NOUNS)")
    dimension, factor = base
    return Unit(raw, dimension, factor, per_year)


def _base_unit(s: str) -> tuple[str, float] | None:
    if s in MONEY:
        return "money", MONEY[s]
    if s.endswith("/người/năm") and s[: -len("/người/năm")] in MONEY:
        return "money per person per year", MONEY[s[: -len("/người/năm")]]
    if s in ("%", "phần trăm"):
        return "per cent", 1.0
    if s in AREA:
        return "area", AREA[s]
    if s == "lần":
        return "multiple", 1.0
    if s in COUNT_NOUNS:
        return "count", 1.0
    return None


def conversion_factor(written: Unit, canonical: Unit) -> float:
    """Factor taking a value in `written` to `canonical`; UnitError when they measure different things."""
    if written.dimension != canonical.dimension:
        raise UnitError(
            f"{written.text!r} ({written.dimension}) cannot be converted to the metric's unit "
            f"{canonical.text!r} ({canonical.dimension})",
            f"write the figure in {canonical.text!r} or a unit of the same kind, or choose another metric",
        )
    return written.factor / canonical.factor


# English names of the canonical units, for lang="en" charts.
UNIT_EN = {
    "người": "people", "tỷ đồng": "bn VND", "triệu đồng": "mn VND", "đồng": "VND",
    "triệu đồng/người/năm": "mn VND per person per year", "%": "%", "ha": "ha", "lần": "times",
    "tổ chức": "organisations", "lượt": "attendances", "buổi": "sessions", "mô hình": "models",
    "hội nghị": "conferences", "khu": "areas", "đơn vị": "units", "trường": "schools", "đội": "teams",
    "trường hợp": "cases", "công trình": "structures", "tuyến": "roads or streets", "hộ": "households",
    "tổ": "residential groups", "chỉ tiêu": "targets",
}


def unit_label(unit: str, lang: str = "vi", per_year: bool = False) -> str:
    """A canonical unit for a chart axis, with '/năm' or 'per year' for annualised flows."""
    text = unit if lang == "vi" else UNIT_EN.get(unit, unit)
    if per_year:
        text += "/năm" if lang == "vi" else " per year"
    return text
