"""Property-based tests (hypothesis): the number and unit parsers, file names and spreadsheet cells from the
data, and annotation files written by other programs then read back.

Every test is derandomised, so CI sees the same examples on every run; the example counts keep the file
under twenty seconds.
"""
from __future__ import annotations

import csv
import io
import math
import shutil
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import check
from helpers.workbook import neutralise, safe_stem
from helpers.io import read_table
from helpers.numbers import NumberError, clean, format_number, parse_amount, parse_number
from helpers.schema import ANNOTATIONS, ARTICLES, LOCALITIES, METRICS, QUALIFIER_SYNONYMS
from helpers.units import UnitError, parse_unit
from tests.conftest import ARTICLE, LOCALITY_ROWS, METRIC_ROWS, write_csv

COLS = ANNOTATIONS.columns
TEXT_FIELDS = {f.name for f in ANNOTATIONS.fields if f.kind == "text"}
FAST = settings(max_examples=200, deadline=None, derandomize=True)
SLOW = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------------------------------- numbers


def _sane(v: float) -> bool:
    """A figure an article could print: zero, or between a millionth and ten trillion in size."""
    return v == 0 or 1e-6 <= abs(v) <= 1e13


@FAST
@given(st.floats(min_value=-1e13, max_value=1e13, allow_nan=False, allow_infinity=False).filter(_sane))
def test_format_number_round_trips_through_parse_number(v):
    written = format_number(v)
    for decimal in (None, ",", "."):  # a file's decimal mark never changes how our own numbers read
        assert parse_number(written, decimal=decimal) == v
    if v >= 0:  # a value cell reads the same (negative figures are refused there as ranges only when spaced)
        assert parse_amount(written).value == v


@FAST
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_decimals_with_two_places_round_trip(d):
    v = float(d)
    written = format_number(v)
    assert parse_number(written) == v
    assert Decimal(written.replace(",", ".")) == d  # the digits written are the decimal's own, nothing rounded


def _group(n: int, mark: str) -> str:
    s = str(n)
    head = len(s) % 3 or 3
    return mark.join([s[:head]] + [s[i:i + 3] for i in range(head, len(s), 3)])


@FAST
@given(st.integers(min_value=1000, max_value=10**13))
def test_groupings_of_an_integer_read_back_to_it(n):
    vi, en = _group(n, "."), _group(n, ",")
    assert parse_number(_group(n, " ")) == n  # 7 210: spaces group in both notations
    assert parse_number(_group(n, "\u00a0")) == n  # no-break space, as Word and Excel insert
    assert parse_number(vi, decimal=",") == n  # a ';' spreadsheet: the comma is decimal, so dots group
    assert parse_number(en, decimal=".") == n
    if n >= 10**6:  # two or more separators can only group thousands
        assert parse_number(vi) == parse_number(en) == n
        with pytest.raises(NumberError):
            parse_number(vi, decimal=".")  # dots cannot group when the dot is the decimal mark
    else:  # one separator before three digits: Vietnamese thousands or an English decimal; refused, never guessed
        for text in (vi, en):
            with pytest.raises(NumberError, match="ambiguous"):
                parse_number(text)


@FAST
@given(st.integers(min_value=1000, max_value=10**12), st.integers(min_value=1, max_value=99))
def test_mixed_notation_with_a_fraction(n, frac):
    assert parse_number(f"{_group(n, '.')},{frac:02d}") == pytest.approx(n + frac / 100)
    assert parse_number(f"{_group(n, ',')}.{frac:02d}") == pytest.approx(n + frac / 100)


NUMBERISH = st.from_regex(r"[-+−]?[0-9.,\u00a0 /eE%–-]{0,14}( ?(tỷ|triệu|nghìn|ngàn|inf|nan))?[0-9 ]{0,4}", fullmatch=True)


@FAST
@given(st.one_of(st.text(), NUMBERISH), st.sampled_from([None, ",", "."]))
def test_number_parsers_fail_only_with_number_error(text, decimal):
    for parse in (parse_number, parse_amount):
        try:
            value = parse(text, decimal=decimal)
        except NumberError as exc:
            assert exc.message and exc.fix
            continue
        v = value.value if hasattr(value, "value") else value
        assert math.isfinite(v), f"{text!r} read as {v}"


UNITISH = st.one_of(st.text(), st.from_regex(r"(tỷ|triệu|nghìn)? ?(đồng|người|ha|%|hộ|lần)(/người)?(/năm)?", fullmatch=True))


@FAST
@given(UNITISH)
def test_unit_parser_fails_only_with_unit_error(text):
    try:
        unit = parse_unit(text)
    except UnitError as exc:
        assert exc.message and exc.fix
        return
    assert unit.factor > 0 and unit.dimension


# ------------------------------------------------------------------------- names and cells from the data


@FAST
@given(st.text(max_size=300))
def test_safe_stem_never_leaves_the_folder(stem):
    safe = safe_stem(stem)
    assert safe and len(safe) <= 100
    assert all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in safe)
    assert not safe.startswith("-") and safe.lower() not in {"con", "prn", "aux", "nul"}
    assert safe_stem(safe) == safe  # idempotent: a safe name is kept
    folder = Path(tempfile.gettempdir()) / "exports"
    assert (folder / f"{safe}.png").resolve().parent == folder.resolve()


@FAST
@given(st.text())
def test_neutralised_cells_never_start_a_formula(text):
    safe = neutralise(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe == text or safe == "'" + text


# --------------------------------------------------------------------------- files written, then read

# Cells as analysts type them: Vietnamese (NFC and NFD), the separators, quotes, line breaks and no-break
# spaces that break naive readers, and characters that start spreadsheet formulas.
# (A lone CR is left out: Python's csv writer does not quote it in a file with LF line endings, so any
# reader, Excel's too, would end the row there; spreadsheets quote it. A Windows line break "\r\n" is in.)
ALPHABET = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƠ0123456789 .,;|\t\"'\n=+-@%/()") + \
    ["ạ", "ả", "ấ", "ầ", "ệ", "ố", "ữ", "ỹ", "\u00a0", "\u202f", unicodedata.normalize("NFD", "ộ"), "“", "”", "–",
     "\r\n"]
CELL = st.lists(st.sampled_from(ALPHABET), max_size=25).map("".join)
WRITERS = {
    "comma-utf8-lf": dict(delimiter=",", lineterminator="\n", encoding="utf-8"),
    "semicolon-utf8-bom-crlf": dict(delimiter=";", lineterminator="\r\n", encoding="utf-8-sig"),
    "tab-utf16-crlf": dict(delimiter="\t", lineterminator="\r\n", encoding="utf-16"),
}


def write(rows: list[list[str]], header: list[str], *, delimiter: str, lineterminator: str, encoding: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def expected_cell(column: str, cell: str) -> str:
    """What the reader makes of a cell: NFC, no-break spaces made spaces, trimmed."""
    return clean(cell)


@FAST
@given(st.lists(st.lists(CELL, min_size=len(COLS), max_size=len(COLS)), max_size=6), st.sampled_from(sorted(WRITERS)))
def test_any_cells_written_by_a_csv_writer_read_back_exactly(rows, writer):
    data = write(rows, COLS, **WRITERS[writer])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bai-thu.csv"
        path.write_bytes(data)
        raw = read_table(path, ANNOTATIONS, "bai-thu.csv")
    kept = [(i, r) for i, r in enumerate(rows, start=2) if any(c.strip() for c in r)]  # blank rows are skipped
    assert raw.problems.errors == [], [str(p) for p in raw.problems]
    assert list(raw.frame.index) == [i for i, _ in kept]
    for (i, r), (_, got) in zip(kept, raw.frame.iterrows()):
        assert [got[c] for c in COLS] == [expected_cell(c, v) for c, v in zip(COLS, r)]
    assert raw.delimiter == WRITERS[writer]["delimiter"]


# Valid figures: a metric, a value in range for its kind, written the way the file's locale writes it.
METRIC_KINDS = {m["metric_id"]: (m["kind"], m["unit"]) for m in METRIC_ROWS}


@st.composite
def figure_rows(draw, n_max=6):
    rows, expected = [], []
    n = draw(st.integers(min_value=1, max_value=n_max))
    for i in range(n):
        metric = draw(st.sampled_from(sorted(METRIC_KINDS)))
        kind, unit = METRIC_KINDS[metric]
        top = 100 if kind == "share" else 10**7
        value = float(draw(st.decimals(min_value=0, max_value=top, places=draw(st.integers(0, 2)),
                                       allow_nan=False, allow_infinity=False)))
        high = draw(st.one_of(st.none(), st.floats(min_value=value, max_value=top).map(lambda x: round(x, 2))))
        assume(high is None or high >= value)
        qualifier = draw(st.sampled_from(sorted(QUALIFIER_SYNONYMS)))
        written_unit = unit if unit == "%" else draw(st.sampled_from(["người", "đảng viên", "Người"]))
        start = 1950 + 4 * i  # a period of its own per row: no duplicates or conflicts between rows
        end = start + draw(st.integers(0, 3))
        monthly = draw(st.booleans())
        evidence = draw(st.sampled_from("aăđươệĐ0123456789")) + draw(CELL)  # required: never blank
        note = draw(CELL)
        rows.append({"locality_id": "phuong-a", "metric_id": metric, "figure_type": "result", "value": value,
                     "value_high": high, "qualifier": qualifier, "unit": written_unit,
                     "period_start": f"{start}-01" if monthly else str(start),
                     "period_end": f"{end}-12" if monthly else str(end), "evidence": evidence, "note": note})
        expected.append({"value": value, "value_high": high, "qualifier": QUALIFIER_SYNONYMS[qualifier],
                         "evidence": clean(evidence), "note": clean(note), "start": f"{start}-01-01",
                         "end": f"{end}-12-31"})
    return rows, expected


def cells(row: dict, decimal: str) -> list[str]:
    def num(v):
        if v is None:
            return ""
        text = format_number(v)  # decimal comma, never ambiguous
        if decimal == "," and float(v).is_integer() and v >= 1000:
            text = f"{int(v):,}".replace(",", ".")  # a ';' spreadsheet groups thousands with dots
        return text
    out = dict(row, value=num(row["value"]), value_high=num(row["value_high"]), period_basis="stated",
               period_text="", reference="", reference_owner="", reference_period="", scope="", basis="",
               flag="", annotator="test", suggested="", why="")
    return [out[c] for c in COLS]


@SLOW
@given(figure_rows(), st.sampled_from(sorted(WRITERS)))
def test_annotation_file_written_then_loaded_gives_the_same_figures(figures, writer):
    rows, expected = figures
    decimal = "," if WRITERS[writer]["delimiter"] == ";" else None
    tmp = Path(tempfile.mkdtemp())
    try:
        data = tmp / "data"
        write_csv(data / "articles.csv", [ARTICLE], ARTICLES.columns)
        write_csv(data / "localities.csv", LOCALITY_ROWS, LOCALITIES.columns)
        write_csv(data / "metrics.csv", METRIC_ROWS, METRICS.columns)
        (data / "annotations").mkdir()
        (data / "annotations" / "bai-thu.csv").write_bytes(
            write([cells(r, decimal) for r in rows], COLS, **WRITERS[writer]))
        report = check(data)
    finally:
        shutil.rmtree(tmp)
    assert report.errors == [], [str(p) for p in report.errors]
    df = report.figures.sort_values("source_row")
    assert list(df["source_row"]) == list(range(2, len(rows) + 2))
    for (_, got), exp in zip(df.iterrows(), expected):
        assert got["value"] == pytest.approx(exp["value"], rel=1e-12, abs=1e-12)
        if exp["value_high"] is None:
            assert math.isnan(got["value_high"])
        else:
            assert got["value_high"] == pytest.approx(exp["value_high"], rel=1e-12, abs=1e-12)
        assert got["qualifier"] == exp["qualifier"]
        assert (got["evidence"], got["note"]) == (exp["evidence"], exp["note"])
        assert str(got["period_start"].date()) == exp["start"] and str(got["period_end"].date()) == exp["end"]


@st.composite
def damaged_files(draw):
    """A good annotation file with bytes replaced, inserted or cut, or plain noise."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=400))
    data = bytearray(write([cells(r, None) for r in draw(figure_rows(n_max=3))[0]], COLS,
                           **WRITERS[draw(st.sampled_from(sorted(WRITERS)))]))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["replace", "insert", "cut"]))
        chunk = draw(st.one_of(st.binary(min_size=1, max_size=4),
                               st.sampled_from([b'"', b",", b";", b"\t", b"\n", b"\r", b"\x00", b"\xef\xbb\xbf",
                                                b"\xff\xfe", b"=", b"<<<<<<< HEAD\n", b"sep=;\n"])))
        if edit == "replace":
            data[at:at + len(chunk)] = chunk
        elif edit == "insert":
            data[at:at] = chunk
        else:
            del data[at:at + draw(st.integers(1, 40))]
    return bytes(data)


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_files())
def test_check_never_raises_on_a_damaged_annotation_file(data):
    """Whatever the bytes, check() returns a report (the command line's 'no traceback' rests on this)."""
    tmp = Path(tempfile.mkdtemp())
    try:
        root = tmp / "data"
        write_csv(root / "articles.csv", [ARTICLE], ARTICLES.columns)
        write_csv(root / "localities.csv", LOCALITY_ROWS, LOCALITIES.columns)
        write_csv(root / "metrics.csv", METRIC_ROWS, METRICS.columns)
        (root / "annotations").mkdir()
        (root / "annotations" / "bai-thu.csv").write_bytes(data)
        report = check(root)
    finally:
        shutil.rmtree(tmp)
    assert report.rows_read >= len(report.figures)
    for p in report.problems:
        assert p.code and p.message and p.severity in ("error", "warning")
        assert p.value is None or len(p.value) <= 201
