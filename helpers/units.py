"""Units as annotators write them, and how they convert to a metric's canonical unit.

The vocabulary is data: `data/units.csv` (schema.UNITS) gives each written unit its dimension (money,
count, per cent, ...), its factor to that dimension's base and its English name, so a new count noun is
a new row, never a code change. The grammar stays here: a trailing `/năm` marks a yearly rate
(`750 lao động/năm`, `11%/năm`; the loader turns a yearly rate of a flow into the period's total), and
`X/người/năm` is X per person per year when X's dimension has such a variant (money, US dollars).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .numbers import clean
from .problems import FixableError
from .schema import VOCABULARIES

YEARLY = "/năm"
PER_PERSON_YEAR = "/người/năm"
EXAMPLES = "tỷ đồng, triệu đồng/người/năm, %, ha, lần, người, hộ"


class UnitError(FixableError):
    """A unit that is unknown or cannot become the metric's unit."""


@dataclass(frozen=True)
class Unit:
    text: str
    dimension: str
    factor: float  # multiply a value in this unit by factor to get the dimension's base
    per_year: bool = False
    label_en: str = field(default="", compare=False)  # English name, for lang="en" charts


@dataclass(frozen=True)
class UnitRow:
    unit: str  # as written in units.csv
    dimension: str
    factor: float
    label_en: str


class Units:
    """The units table: each written form (matched in lower case, spaces folded) to its row. `source` names
    the file it came from, so a fix can say where to add a unit."""

    def __init__(self, rows, source: str = "data/units.csv"):
        self.rows: dict[str, UnitRow] = {}
        for r in rows:
            self.rows.setdefault(_key(r.unit), r)  # the first of two spellings that fold alike
        self.source = source

    @classmethod
    def from_frame(cls, frame, source: str = "data/units.csv") -> "Units":
        """From the valid rows of units.csv, `factor` already a number."""
        return cls((UnitRow(u, d, float(f), e) for u, d, f, e in
                    zip(frame["unit"], frame["dimension"], frame["factor"], frame["label_en"])), source)

    def __contains__(self, text: str) -> bool:
        return _key(text) in self.rows

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, text: str) -> UnitRow | None:
        return self.rows.get(_key(text))

    def words(self, *dimensions: str) -> tuple[str, ...]:
        """The written forms of these dimensions, as in the table."""
        return tuple(r.unit for r in self.rows.values() if r.dimension in dimensions)

    @cached_property
    def _keys(self) -> list[str]:
        return sorted(self.rows)

    def closest(self, text: str, n: int = 3) -> list[str]:
        """Known units written most like `text`, as in the table."""
        s = _key(text)
        bare = re.sub(r"[\d.,]+", "", s).strip()  # '11 tỷ' -> 'tỷ'
        near = sorted((k for k in self._keys if bare and (_within(bare, k) or _within(k, bare))),
                      key=lambda k: (not k.startswith(bare), len(k)))
        near += difflib.get_close_matches(s, self._keys, n=n, cutoff=0.5)
        return [self.rows[k].unit for k in dict.fromkeys(near)][:n]

    def label_en(self, unit: str) -> str:
        """The English name of a unit as written (composed for '/người/năm'), or the unit itself if unknown."""
        try:
            return parse_unit(unit, self).label_en or unit
        except UnitError:
            return unit


def _within(part: str, whole: str) -> bool:
    """`part` is whole words of `whole` ('tỷ' in 'tỷ đồng', not 'ha' in 'thanh niên')."""
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", whole) is not None


def _key(text: str) -> str:
    s = re.sub(r"\s+", " ", clean(text).lower())
    return re.sub(r"\s*/\s*", "/", s)


def parse_unit(text: str, units: Units | None = None) -> Unit:
    """Read a unit such as `tỷ đồng`, `triệu đồng/người/năm`, `%`, `ha`, `hộ` or `lao động/năm` against the
    units table (default: the project's data/units.csv)."""
    units = units if units is not None else project_units()
    raw = clean(text)
    s = _key(raw)
    if not s:
        raise UnitError("the unit is empty", f"write the unit as printed, e.g. {EXAMPLES}")
    per_year = False
    if s.endswith(YEARLY) and not s.endswith(PER_PERSON_YEAR):
        per_year, s = True, s[: -len(YEARLY)]
    found = _base_unit(s, units)
    if found is None:
        near = units.closest(s)
        raise UnitError(f"unknown unit {raw!r}",
                        f"add a row to {units.source} with the unit as written and its dimension (count for a "
                        f"count noun such as người, hộ), factor and English name; or write a known unit"
                        + (f": closest {', '.join(near)}" if near else f", e.g. {EXAMPLES}"))
    dimension, factor, label_en = found
    return Unit(raw, dimension, factor, per_year, label_en)


def _base_unit(s: str, units: Units) -> tuple[str, float, str] | None:
    row = units.get(s)
    if row is not None:
        return row.dimension, row.factor, row.label_en
    if s.endswith(PER_PERSON_YEAR):
        row = units.get(s[: -len(PER_PERSON_YEAR)])
        composed = f"{row.dimension} per person per year" if row is not None else ""
        if composed in VOCABULARIES["dimension"]:
            return composed, row.factor, f"{row.label_en} per person per year"
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


def read_units(data_dir=None, problems=None) -> Units:
    """The units table of a data folder: its units.csv, else the project's (as export.pack_rules does for
    pack.csv). Rows with errors are left out; they are reported into `problems` when given."""
    from . import paths

    path = Path(data_dir) / "units.csv" if data_dir is not None else paths.DATA / "units.csv"
    if not path.exists():
        path = paths.DATA / "units.csv"
    return _read(path, problems)


def _read(path: Path, problems=None) -> Units:
    from .io import read_table
    from .problems import Problems
    from .schema import UNITS
    from .validate import check_fields

    raw = read_table(path, UNITS, str(path))
    found = Problems()
    found.extend(raw.problems)
    ok, parsed = check_fields(raw, UNITS, found, {})
    if problems is not None:
        problems.extend(found)
    frame = raw.frame[ok].assign(factor=parsed["factor"].objects()[ok])
    return Units.from_frame(frame, _shown(path))


def _shown(path: Path) -> str:
    """The path as a fix names it: 'data/units.csv' for the project's, else as given."""
    from . import paths

    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def project_units() -> Units:
    """The project's data/units.csv, read again only when the file changes."""
    from . import paths

    path = paths.DATA / "units.csv"
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        stamp = None
    return _project_units(str(path), stamp)


@lru_cache(maxsize=4)
def _project_units(path: str, stamp) -> Units:
    return _read(Path(path))


def unit_label(unit: str, lang: str = "vi", per_year: bool = False, label_en: str | None = None) -> str:
    """A canonical unit for a chart axis, with '/năm' or 'per year' for annualised flows. In English the
    unit's `label_en` (the tidy table's `unit_en`), else its name in the project's units table."""
    text = unit if lang == "vi" else (label_en or project_units().label_en(unit))
    if per_year:
        text += "/năm" if lang == "vi" else " per year"
    return text
