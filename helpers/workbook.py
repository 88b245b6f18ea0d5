"""Spreadsheets that are safe to open: formula injection neutralised, names that cannot leave their folder,
cells cut to what Excel holds, and the same bytes for the same data.

Every spreadsheet the project writes (CSV and XLSX) neutralises formula injection: a text cell that
starts with =, +, -, @, tab or carriage return gets a leading apostrophe. File and sheet names that come
from the data pass through `safe_stem`/`sheet_name`, so they never leave the export folder. Workbooks get
fixed document dates and zip entry times, so the same data gives byte-identical files.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from .io import write_whole
from .texts import slug


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Characters an XLSX cannot hold (openpyxl refuses them); input validation already refuses them in cells.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# Windows refuses these as file names whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


# Workbook dates when the data gives none; the zip format cannot store dates before 1980.
FALLBACK_DATE = datetime(2000, 1, 1)


NUMBERS_COLUMNS = ["figure_id", "locality_id", "locality_name", "metric_id", "label_vi", "label_en", "figure_type",
                   "value", "value_high", "out_of", "value_per_year", "unit", "qualifier", "period_start", "period_end",
                   "term", "reference", "reference_owner", "scope", "basis", "flag", "note", "article_id",
                   "article_title", "publisher", "published", "evidence"]


def safe_stem(stem: str) -> str:
    """A file name that cannot leave the export folder, whatever the data called it.

    ASCII letters, digits, '-' and '_' only (Vietnamese letters lose their marks, 'đ' becomes 'd'), no
    leading or trailing '-', at most 100 characters, never empty and never a name Windows reserves.
    The same stem always gives the same name, and a safe name is returned unchanged.
    """
    cleaned = re.sub(r"-{2,}", "-", slug(stem, "-", lower=False, keep="_-")).strip("-")[:100].strip("-") or "chart"
    if cleaned.lower() in _RESERVED:
        cleaned = f"chart-{cleaned}"
    return cleaned


def neutralise(value):
    """Spreadsheet formula injection: a text cell starting with =, +, -, @, tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of `frame` neutralised (numbers, dates and missing values untouched)."""
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col) or isinstance(col.dtype, pd.CategoricalDtype):
            out[c] = col.astype(object).map(neutralise)
    return out


def workbook_date(df: pd.DataFrame | None) -> datetime:
    """The date a workbook is stamped with: the newest publication date of the figures' articles, so the
    same data always gives the same bytes (FALLBACK_DATE when there is none)."""
    from .periods import PeriodError, parse_partial_date

    newest = FALLBACK_DATE
    if df is not None and "published" in getattr(df, "columns", ()):
        for text in set(df["published"].dropna().astype(str)):
            try:
                first = parse_partial_date(text).first
            except PeriodError:
                continue
            newest = max(newest, datetime(first.year, first.month, first.day))
    return newest


# Excel holds at most this many characters in a cell; a longer one is cut, and says so at its end.
XLSX_CELL_MAX = 32_767


def _cut_marker(n: int) -> str:
    return f" … [cut: {n:,} characters in all, see the CSV]"


def _fit_cell(v):
    if isinstance(v, str) and len(v) > XLSX_CELL_MAX:
        marker = _cut_marker(len(v))
        return v[:XLSX_CELL_MAX - len(marker)] + marker
    return v


def write_xlsx(path, sheets: dict[str, pd.DataFrame], *, when: datetime | None = None,
               cut: list | None = None) -> Path:
    """Write one sheet per frame, neutralised, with the same bytes for the same frames.

    openpyxl stamps the workbook with the time of saving and the zip entries with the time of
    writing; both are replaced by `when` (default FALLBACK_DATE). A cell longer than Excel holds
    (XLSX_CELL_MAX) is cut with a marker saying so; each cut is added to `cut` as
    (sheet, spreadsheet row, column, length), for the caller to report.
    """
    path = Path(path)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            clean = frame.copy()
            for c in clean.columns:  # first what a workbook cannot hold, then formulas (so none is uncovered)
                if clean[c].dtype == object or pd.api.types.is_string_dtype(clean[c]):
                    clean[c] = clean[c].astype(object).map(
                        lambda v: _XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v)
            clean = neutralise_frame(clean)
            for c in clean.columns:
                if clean[c].dtype == object or pd.api.types.is_string_dtype(clean[c]):
                    clean[c] = clean[c].astype(object)
                    long = clean[c].map(lambda v: isinstance(v, str) and len(v) > XLSX_CELL_MAX)
                    if long.any():
                        for pos in long.to_numpy().nonzero()[0]:
                            if cut is not None:
                                cut.append((name, int(pos) + 2, str(c), len(clean[c].iloc[pos])))
                        clean[c] = clean[c].map(_fit_cell)
            clean.to_excel(xl, sheet_name=name, index=False)
    write_whole(path, stable_zip(buf.getvalue(), when or FALLBACK_DATE))
    return path


def stable_zip(data: bytes, when: datetime) -> bytes:
    """An XLSX rewritten with `when` as its created/modified dates and as every zip entry's time."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + stamp + m.group(3), body)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # the same bytes whatever system wrote them
            entry.external_attr = 0o644 << 16
            zout.writestr(entry, body)
    return out.getvalue()


def numbers_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind a chart: the figures it plots, traceable to their articles."""
    cols = [c for c in NUMBERS_COLUMNS if c in rows.columns]
    out = rows[cols].copy()
    for c in ("period_start", "period_end"):
        if c in out:
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return neutralise_frame(out)


def unique_name(base: str, taken: set[str], keep: int, suffix: str = "-{k}") -> str:
    """`base`, or `base` cut to `keep` characters and numbered (-2, -3, …) when `taken` holds it; compared
    ignoring case, as Windows and Excel do. The name is added to `taken`, so two charts or sheets never share
    (or overwrite) one."""
    name, k = base, 1
    while name.lower() in taken:
        k += 1
        name = base[:keep] + suffix.format(k=k)
    taken.add(name.lower())
    return name


def unique_stem(stem: str, taken: set[str]) -> str:
    """`stem`, or `stem-2`, `stem-3`, … when another chart has it (at most 100 characters, as safe_stem)."""
    return unique_name(stem, taken, 95)


def sheet_name(stem: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique ignoring case."""
    base = re.sub(r"[\[\]:*?/\\]", "-", stem).strip("'")[:31] or "sheet"
    return unique_name(base, taken, 28, "-{k:02d}")


def write_workbook(path: Path, built, df: pd.DataFrame, lang: str, omitted: pd.DataFrame | None = None) -> list:
    """A sheet per chart (its numbers), a sources sheet with every article and evidence excerpt used, and
    the indicators no comparison shows, with why."""
    used, sheets, taken = set(), {}, {"nguon-sources", "bo-ra-left-out"}
    for spec, _ in built:
        sheets[sheet_name(spec.stem, taken)] = numbers_table(spec.rows)
        used |= set(spec.rows["figure_id"])
    src = df[df["figure_id"].isin(used)].sort_values(["article_id", "source_row"])
    cols = ["article_id", "article_title", "publisher", "published", "figure_id", "locality_name", "metric_id",
            "value_as_written", "unit_as_written", "period_text", "evidence", "flag", "note"]
    sources = src[cols].copy()
    sources["figure_id"] = sources["figure_id"].astype(str)
    sheets["nguon-sources"] = sources  # neutralised by write_xlsx
    if omitted is not None and not omitted.empty:
        sheets["bo-ra-left-out"] = omitted
    cut: list = []
    write_xlsx(path, sheets, when=workbook_date(src), cut=cut)
    return cut
