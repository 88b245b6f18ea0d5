"""Read CSV files the way people really save them, or refuse them with a clear message.

Handles UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), Windows-1258, CRLF,
and `,`, `;`, tab or `|` separators (and Excel's `sep=;` first line). The separator is chosen
by which one turns the header into the columns the schema expects, so a `;` file is never
read as one wide column. A `;` file comes from a spreadsheet in a decimal-comma locale, so
its decimal mark is `,`.

Nothing is dropped silently: a file that cannot be read gets one problem naming it, and a row
that cannot be read (wrong number of cells, a NUL byte, two copies of a column that disagree,
a merge-conflict marker) gets a problem naming its spreadsheet row, while the rows beside it
are still read.
"""
from __future__ import annotations

import csv
import difflib
import io
import operator
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from .numbers import SPACES, clean
from .problems import FixableError, Problems
from .schema import Table

DELIMITERS = (",", ";", "\t", "|")
# UTF-8 Vietnamese read as Windows-1252 and saved again: 'đ' -> 'Ä‘', 'ả' -> 'áº£', 'ư' -> 'Æ°', 'á' -> 'Ã¡'.
# 'Ã' before a no-break space is left alone: 'XÃ' followed by U+00A0 is real Vietnamese.
_MOJIBAKE = re.compile(r"áº|á»|Ä‘|Ä\u0090|Æ°|Æ¯|Ã[\u00a1-\u00bf]")
# Files that are not text at all, by their first bytes.
SIGNATURES = (
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"), (b"{\\rtf", "an RTF document (WordPad or Word)"),
)
# Control characters that never belong in a cell (tab, line feed and carriage return do).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20)) + b"\x7f"
# Characters that cannot be seen but make two ids differ (zero-width space, word joiner, BOM, soft hyphen);
# removed from ids, codes, numbers and dates, kept in texts (the evidence is compared with the article as is).
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
# A line git leaves in a file it could not merge.
_MERGE_MARKER = re.compile(r"(<{7}|={7}|>{7}|\|{7})(?:\s.*)?")
_SPACE_TABLE = str.maketrans(SPACES, " " * len(SPACES))
MAX_SHOWN = 80  # characters of a cell or line quoted in a message

# A cell may legitimately be long (a pasted paragraph of evidence); the csv module's default limit of
# 131072 characters would otherwise make the whole rest of the file unreadable. Long cells are reported
# by the validator instead.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class _Empty:
    """An empty frame with the table's columns, made only when it is used (most files never need one)."""

    def __init__(self, table: Table):
        self.table = table


@dataclass
class RawTable:
    """A file read into strings: `frame` is indexed by spreadsheet row (header = row 1).

    `skipped` counts data rows that were not read into `frame` (each has its problem).
    """

    name: str
    frame: pd.DataFrame
    encoding: str = ""
    delimiter: str = ","
    decimal: str | None = None
    problems: Problems = field(default_factory=Problems)
    readable: bool = True
    skipped: int = 0

    def __post_init__(self):
        if isinstance(self.frame, _Empty):
            self.frame = pd.DataFrame(columns=self.frame.table.columns, dtype="string")


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """A cell as quoted in a message: control characters made visible, long ones cut with '…'."""
    text = CONTROL.sub(lambda m: "\\x%02x" % ord(m.group(0)), str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def _zip_kind(data: bytes) -> str:
    """What a zip file holds: a workbook, a word-processor document, or something else."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return "workbook"
    if any(n.startswith("xl/") for n in names) or "content.xml" in names and any("spreadsheet" in n for n in names):
        return "workbook"
    if any(n.startswith("word/") for n in names):
        return "document"
    if "mimetype" in names or "content.xml" in names:
        return "workbook"  # an OpenDocument file; spreadsheets are by far the likeliest here
    return "zip"


_NOT_TEXT_FIX = "check that this is the CSV you meant; re-export it as 'CSV UTF-8'"
_RESAVE = "open it and use 'Save as' → 'CSV UTF-8 (comma delimited)'"


def decode(data: bytes, name: str, problems: Problems) -> tuple[str | None, str]:
    """Bytes to NFC text, or None with an error in `problems`.

    A few stray NUL bytes in otherwise readable text are kept: `read_table` reports the cells
    holding them, so the rows beside them are still read.
    """
    if _refused_by_signature(data, name, problems):
        return None, ""
    encoding, data = _byte_order(data, name, problems)
    if encoding is None:
        return None, ""
    text, encoding = _decoded(data, encoding, name, problems)
    if text is None:
        return None, ""
    return _checked_text(text, encoding, name, problems)


def _refused_by_signature(data: bytes, name: str, problems: Problems) -> bool:
    """A workbook, document, archive or image saved under a .csv name, told by its first bytes: refused
    with what it is, so the annotator knows which 'Save as' to use."""
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind == "workbook":
            problems.error(name, None, None, None, "spreadsheet_not_csv",
                           "this is an Excel/LibreOffice workbook (.xlsx/.ods) saved under a .csv name", _RESAVE)
        else:
            what = "a Word document (.docx)" if kind == "document" else "a zip archive"
            problems.error(name, None, None, None, "binary_file", f"the file is {what}, not a CSV",
                           "check that this is the file you meant; export the table as 'CSV UTF-8'")
        return True
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        problems.error(name, None, None, None, "spreadsheet_not_csv",
                       "this is an old Excel workbook (.xls) saved under a .csv name", _RESAVE)
        return True
    for magic, what in SIGNATURES:
        if data.startswith(magic):
            problems.error(name, None, None, None, "binary_file", f"the file is {what}, not a CSV",
                           "check that this is the file you meant; export the table as 'CSV UTF-8'")
            return True
    return False


def _byte_order(data: bytes, name: str, problems: Problems) -> tuple[str | None, bytes]:
    """The encoding the bytes declare or show ('' when they only may be UTF-8) and the bytes without a BOM;
    None when they are binary (mostly NUL or control bytes), with the error in `problems`. UTF-16 without a
    BOM is told by the NUL bytes of every other position."""
    encoding = ""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, data = "utf-8-sig", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data:
        even, odd = data[0::2], data[1::2]
        if odd and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            encoding = "utf-16-le"
        elif even and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            encoding = "utf-16-be"
        elif data.count(0) * 100 > len(data):
            problems.error(name, None, None, None, "binary_file", "the file contains NUL bytes and is not text",
                           _NOT_TEXT_FIX)
            return None, data
        # else: text with a few stray NUL bytes (a bad copy or a crash); read_table names their cells
    if not encoding.startswith("utf-16") and (len(data) - len(data.translate(None, _CONTROL_BYTES))) * 20 > len(data):
        problems.error(name, None, None, None, "binary_file", "the file is mostly control characters and is not text",
                       _NOT_TEXT_FIX)
        return None, data
    return encoding, data


def _decoded(data: bytes, encoding: str, name: str, problems: Problems) -> tuple[str | None, str]:
    """The text in `encoding`, else UTF-8, else Windows-1258 (what a Vietnamese Excel saves); None when it is
    none of them, with the error in `problems`."""
    try:
        return data.decode(encoding or "utf-8"), encoding or "utf-8"
    except UnicodeDecodeError as exc:
        if encoding.startswith("utf-16"):
            problems.error(name, None, None, None, "bad_encoding", f"the file is not valid UTF-16 ({exc.reason})",
                           "re-export it as 'CSV UTF-8'")
            return None, encoding
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:
        problems.error(name, None, None, None, "bad_encoding",
                       "the file is neither UTF-8 nor Windows-1258 (Vietnamese)", "re-export it as 'CSV UTF-8'")
        return None, encoding


def _checked_text(text: str, encoding: str, name: str, problems: Problems) -> tuple[str | None, str]:
    """Decoded text made NFC with '\\n' line ends; refused when it is control characters or double-encoded
    (mojibake), warned about when it was not UTF-8."""
    text = text.rstrip("\x1a")  # DOS end-of-file mark
    if encoding.startswith("utf-16") and len(CONTROL.findall(text)) * 20 > len(text):
        problems.error(name, None, None, None, "binary_file", "the file is mostly control characters and is not text",
                       _NOT_TEXT_FIX)
        return None, ""
    if encoding == "cp1258":
        problems.warning(name, None, None, None, "not_utf8",
                         "the file is not UTF-8; it was read as Windows-1258 (Vietnamese) and normalised to NFC",
                         "check the diacritics, then re-save it as 'CSV UTF-8' to silence this warning")
    text = unicodedata.normalize("NFC", text)
    if "\r" in text and "\n" not in text:  # classic Mac line endings
        text = text.replace("\r", "\n")
    hit = _MOJIBAKE.search(text)
    if hit:
        problems.error(name, None, None, hit.group(0), "mojibake",
                       "the text looks double-encoded (UTF-8 read as Western European and saved again), "
                       "e.g. 'Ä‘' where 'đ' was meant",
                       "go back to the original file, or open it declaring UTF-8 and save as 'CSV UTF-8'")
        return None, encoding
    return text, encoding


@lru_cache(maxsize=4096)
def _header_key(name: str) -> str:
    """A header cell as compared: NFC, trimmed, lower case, without BOM, NUL or invisible characters."""
    return clean(_INVISIBLE.sub("", name.replace("\x00", ""))).lower()


def _loose_key(key: str) -> str:
    """'metric id', 'Metric-ID', 'metric.id' -> 'metric_id': how spreadsheets and people rename headers."""
    return re.sub(r"[\s\-.]+", "_", key).strip("_")


def column_of(header_cell: str, columns: list[str]) -> str | None:
    """The schema column a header cell names (exactly, or ignoring case, spaces, hyphens and dots), or None."""
    return _column_of(header_cell, tuple(columns))


@lru_cache(maxsize=4096)
def _column_of(header_cell: str, columns: tuple[str, ...]) -> str | None:
    """column_of, remembered: thousands of annotation files share the same few header cells."""
    key = _header_key(header_cell)
    if key in columns:
        return key
    loose = _loose_key(key)
    return loose if loose in columns else None


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


def _pick_delimiter(text: str, expected: list[str]) -> tuple[str, int]:
    first = text.split("\n", 1)[0]
    best, best_hits = ",", -1
    for d in DELIMITERS:
        hits = len({column_of(h, expected) for h in _split(first, d)} - {None})
        if hits > best_hits:
            best, best_hits = d, hits
    return best, best_hits


def read_table(path: Path, table: Table, name: str | None = None) -> RawTable:
    """Read one CSV into strings, reporting every problem against `name` (the path shown to users)."""
    raw, rows, index = read_records(path, table, name)
    if raw.readable:
        raw.frame = pd.DataFrame(rows, columns=table.columns, index=pd.Index(index, name="row"), dtype="string")
    return raw


def read_records(path: Path, table: Table, name: str | None = None) -> tuple[RawTable, list[list[str]], list[int]]:
    """`read_table` without building the frame: the RawTable (its frame None when the file was read), the rows' cells in
    `table.columns` order, and their spreadsheet row numbers. The loader gathers the rows of thousands
    of annotation files into one frame this way, rather than building and concatenating one per file."""
    name = name or str(path)
    problems = Problems()
    empty = _Empty(table)
    text, encoding = _file_text(Path(path), name, table, problems)
    if text is None:
        return RawTable(name, empty, encoding, problems=problems, readable=False), [], []
    records, delimiter, hits = _records(text, table, name, problems)
    decimal = "," if delimiter == ";" else None
    if hits <= 0 or not records:
        problems.error(name, 1, None, shorten(text.split("\n", 1)[0]), "no_header",
                       "the first row is not the expected header" + _header_hint(records, table),
                       f"the first row must name the columns: {','.join(table.columns)}")
        return RawTable(name, empty, encoding, delimiter, decimal, problems, False), [], []
    positions, header_problems = _read_header(records[0], table, name)
    problems.extend(header_problems)
    if header_problems.errors:
        return RawTable(name, empty, encoding, delimiter, decimal, problems, False), [], []
    reader = _RowReader(name, table, records[0], positions, delimiter, problems, text)
    rows, index, skipped = reader.read(records[1:])
    if not rows and not skipped and not problems.errors:
        problems.warning(name, None, None, None, "no_rows", "the file has a header but no data rows",
                         "add rows, or delete the file if the article has no figures")
    return RawTable(name, None, encoding, delimiter, decimal, problems, skipped=skipped), rows, index


def _file_text(path: Path, name: str, table: Table, problems: Problems) -> tuple[str | None, str]:
    """The file's text with ordinary spaces for no-break ones, and its encoding; None when it cannot be
    opened, is not text, or is empty (the error in `problems`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(name, None, None, None, "unreadable", f"cannot open the file ({exc.strerror or exc})",
                       "check the path")
        return None, ""
    text, encoding = decode(data, name, problems)
    if text is None:
        return None, encoding
    if not text.replace("\x00", "").strip():
        problems.error(name, None, None, None, "empty_file", "the file is empty",
                       f"it needs at least the header row: {','.join(table.columns)}")
        return None, encoding
    if any(ch in text for ch in SPACES):  # no-break and thin spaces are ordinary spaces in every cell (see clean)
        text = text.translate(_SPACE_TABLE)
    return text, encoding


def _records(text: str, table: Table, name: str, problems: Problems) -> tuple[list[list[str]], str, int]:
    """The CSV's records, its separator (Excel's `sep=` line, else the one that makes the header the schema's
    columns) and how many known columns the header names; records up to a malformed one, with an error."""
    forced = re.match(r"sep=(.)[ \t]*\r?\n", text)  # Excel's separator line; Excel does not show it as a row
    if forced:
        text = text[forced.end():]
        delimiter = forced.group(1)
        hits = len({column_of(h, table.columns) for h in _split(text.split("\n", 1)[0], delimiter)} - {None})
    else:
        delimiter, hits = _pick_delimiter(text, table.columns)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        records = _read_until_error(text, delimiter)
        problems.error(name, len(records) + 1, None, None, "malformed_csv",
                       f"the CSV breaks after row {len(records)} ({exc}); rows before it were read",
                       "look for an unclosed quote (\") at that row; the file may have been cut short")
    return records, delimiter, hits


def _read_header(header: list[str], table: Table, name: str) -> tuple[dict[str, list[int]], Problems]:
    """Where each known column is (every position of a repeated one), and what is wrong with the header:
    unknown, renamed or repeated columns warned about, a missing required column an error."""
    found = Problems()
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(header):
        h = _header_key(cell)
        if not h:
            continue
        col = column_of(cell, table.columns)
        if col is None:
            close = difflib.get_close_matches(h, table.columns, n=1)
            hint = f"rename it to '{close[0]}' if that is what it holds" if close else "delete it or rename it to a known column"
            found.warning(name, 1, h, shorten(h), "unknown_column",
                          f"column '{shorten(h)}' is not in the schema and is ignored", hint)
            continue
        positions.setdefault(col, []).append(i)
        shown = clean(cell.replace("\ufeff", ""))
        if shown != col:
            found.warning(name, 1, col, shorten(shown), "renamed_column",
                          f"the header '{shorten(shown)}' was read as column '{col}'",
                          f"rename the header to '{col}' (spreadsheets sometimes change case or spaces)")
    for col, where in positions.items():
        if len(where) > 1:
            letters = " and ".join(get_column_letter(i + 1) for i in where)
            found.warning(name, 1, col, col, "duplicate_column",
                          f"column '{col}' appears {len(where)} times (spreadsheet columns {letters}); "
                          "a row is read only where the copies agree", "delete the copies you do not mean")
    for c in table.required:
        if c not in positions:
            found.error(name, 1, c, None, "missing_column", f"required column '{c}' is missing",
                        f"add a '{c}' column (see docs/data-dictionary.md)")
    return positions, found


class _RowReader:
    """The data rows of one file, each as its cells in the schema's column order, or passed over with a problem
    naming its spreadsheet row: blank rows, the header again, merge-conflict markers, a wrong number of cells,
    control characters, and repeated columns that disagree."""

    def __init__(self, name: str, table: Table, header: list[str], positions: dict[str, list[int]],
                 delimiter: str, problems: Problems, text: str):
        self.name, self.table, self.header, self.positions = name, table, header, positions
        self.delimiter, self.problems = delimiter, problems
        self.text_fields = {f.name for f in table.fields if f.kind == "text"}
        # Fast path: most files hold no control or invisible characters and no repeated column.
        plain = CONTROL.search(text) is None and _INVISIBLE.search(text) is None
        single = all(len(where) == 1 for where in positions.values())
        order = [(c, positions[c][0] if c in positions else None) for c in table.columns]
        self.fast = _fast_row(order) if single and plain else None
        self.first_key = _header_key(header[0]) if header else ""
        self.header_cols = None

    def read(self, records: list[list[str]]) -> tuple[list[list[str]], list[int], int]:
        """(rows, their spreadsheet row numbers, how many rows were left out with an error)."""
        rows, index, skipped = [], [], 0
        for number, record in enumerate(records, start=2):
            if not "".join(record).strip() or self._not_data(record, number):  # a blank row, or one of empty cells
                continue
            if len(record) != len(self.header):
                more = len(record) > len(self.header)
                self.problems.error(self.name, number, None, shorten(self.delimiter.join(record)), "wrong_cell_count",
                                    f"the row has {len(record)} cells but the header has {len(self.header)}; "
                                    "the row is left out", _cell_count_fix(record, self.delimiter, len(self.header), more))
                skipped += 1
                continue
            row = self.fast(record) if self.fast is not None else self._checked_row(record, number)
            if row is None:
                skipped += 1
                continue
            rows.append(row)
            index.append(number)
        return rows, index, skipped

    def _not_data(self, record: list[str], number: int) -> bool:
        """The header again (two files pasted together) or a merge-conflict marker line: reported, passed over."""
        header = self.header
        if self.first_key and record and len(record) == len(header) and _header_key(record[0]) == self.first_key:
            if self.header_cols is None:
                self.header_cols = [column_of(c, self.table.columns) for c in header]
            if [column_of(c, self.table.columns) for c in record] == self.header_cols:  # one message, not one per cell
                self.problems.warning(self.name, number, None, shorten(self.delimiter.join(record)), "repeated_header",
                                      "the header row appears again here (two files pasted together?); the row is "
                                      "skipped", "delete this row")
                return True
        if len(record) == 1 and _MERGE_MARKER.fullmatch(record[0].strip()):
            self.problems.error(self.name, number, None, shorten(record[0]), "merge_conflict",
                                "an unresolved merge-conflict marker: the rows around it hold two versions of the "
                                "same lines", "keep the version you mean, then delete the other one and the marker "
                                "lines (<<<<<<<, =======, >>>>>>>)")
            return True
        return False

    def _checked_row(self, record: list[str], number: int) -> list[str] | None:
        """The row's cells, invisible characters removed but in texts; None when a cell holds a control
        character or the copies of a repeated column disagree (reported)."""
        cells, bad = {}, False
        for col, where in self.positions.items():
            values = [record[i] for i in where]
            for value in values:
                hit = CONTROL.search(value)
                if hit:
                    nul = hit.group(0) == "\x00"
                    self.problems.error(self.name, number, col, shorten(value), "nul_byte" if nul else "control_character",
                                        ("the cell holds a NUL byte" if nul else
                                         f"the cell holds the control character \\x{ord(hit.group(0)):02x}")
                                        + ", so it may be cut or garbled; the row is left out",
                                        "retype the cell, or re-export the file from the spreadsheet as 'CSV UTF-8'")
                    bad = True
                    break
            cleaned = [clean(v) if col in self.text_fields else clean(_INVISIBLE.sub("", v)) for v in values]
            if len(set(cleaned)) > 1:
                self.problems.error(self.name, number, col, shorten(" | ".join(cleaned)), "duplicate_column",
                                    f"the {len(cleaned)} '{col}' columns disagree in this row; the row is left out",
                                    "delete the copy of the column you do not mean")
                bad = True
            cells[col] = cleaned[0]
        return None if bad else [cells.get(c, "") for c in self.table.columns]


def _fast_row(order: list[tuple[str, int | None]]):
    """A record's cells in schema order, trimmed (= clean(): the text is NFC and its no-break spaces are
    already plain), done by C-level map and itemgetter rather than a Python step per cell."""
    where = [i for _, i in order]
    if None in where or len(where) == 1:
        return lambda record: [record[i].strip() if i is not None else "" for i in where]
    if where == list(range(len(where))):
        return lambda record: list(map(str.strip, record[: len(where)]))
    pick = operator.itemgetter(*where)
    return lambda record: list(map(str.strip, pick(record)))


def _cell_count_fix(record: list[str], delimiter: str, width: int, more: bool) -> str:
    line = delimiter.join(record)
    for other in DELIMITERS:
        if other != delimiter and len(_split(line, other)) == width:
            shown = {"\t": "tab"}.get(other, other)
            mine = {"\t": "tab"}.get(delimiter, delimiter)
            return (f"this row is separated by '{shown}' but the file by '{mine}' (two files merged?): "
                    f"retype its separators as '{mine}'")
    if more:
        return "a value containing the separator must be in quotes (e.g. \"9,77\")"
    return "fill the missing cells (empty cells still need their separators)"


def _header_hint(records: list[list[str]], table: Table) -> str:
    """Where the header seems to be, when it is not on the first row."""
    for number, record in enumerate(records[1:10], start=2):
        if len({column_of(c, table.columns) for c in record} - {None}) >= max(1, len(table.required) // 2):
            return f"; the header seems to be on row {number}: delete the rows above it"
    if records and len(records[0]) == len(table.columns):
        return "; it looks like a data row: the header row may have been deleted"
    return ""


def _read_until_error(text: str, delimiter: str) -> list[list[str]]:
    """The records a strict reader gets through before the first malformed one."""
    out: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record in reader:
            out.append(record)
    except csv.Error:
        pass
    return out


class AppendRefused(FixableError):
    """A file rows cannot be appended to safely; `fix` says what to do. The file was not changed."""


def append_rows(path: Path, table: Table, rows: list[dict]) -> None:
    """Append rows to a CSV, leaving every existing byte as it was: the file's own encoding (UTF-8 with or
    without BOM, UTF-16), separator, line ending (CRLF, LF, or CR alone) and header names. Atomic: the new
    file is written beside the old one and renamed over it, so the file is either complete or unchanged.

    A Windows-1258 file is refused rather than rewritten: its diacritics are stored in more than one way."""
    path = Path(path)
    raw = read_table(path, table)
    if not raw.readable:
        first = raw.problems.errors[0] if raw.problems.errors else None
        raise AppendRefused(f"{path} cannot be read" + (f": {first.message}" if first else ""),
                            first.fix if first else "run `python -m helpers validate` for the report")
    data = path.read_bytes()
    if raw.encoding in ("utf-8", "utf-8-sig"):
        codec, data = "utf-8", data.rstrip(b"\x1a")  # a DOS end-of-file mark would land inside the new row
    elif raw.encoding == "utf-16":
        codec = "utf-16-be" if data.startswith(b"\xfe\xff") else "utf-16-le"
    elif raw.encoding.startswith("utf-16"):
        codec = raw.encoding
    else:
        raise AppendRefused(f"{path} is {raw.encoding}, not UTF-8", "open it and save it as 'CSV UTF-8', then run again")
    text = data.decode(codec).lstrip("\ufeff")
    ending = "\r\n" if "\r\n" in text else ("\r" if "\r" in text and "\n" not in text else "\n")
    lines = text.splitlines()
    if lines and re.match(r"sep=.[ \t]*$", lines[0]):  # Excel's separator line comes before the header
        lines = lines[1:]
    header = next(csv.reader(io.StringIO(lines[0] if lines else ""), delimiter=raw.delimiter), [])
    header = [column_of(h, table.columns) for h in header]  # 'Locality ID' is locality_id, as the reader sees it
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=raw.delimiter, lineterminator=ending)
    writer.writerows([[row.get(h, "") if h else "" for h in header] for row in rows])
    prefix = ending if text and not text.endswith(("\n", "\r")) else ""
    write_whole(path, data + (prefix + buf.getvalue()).encode(codec))


def umask_mode(mode: int = 0o666) -> int:
    """`mode` as the umask leaves it: the mode a file (0o666) or folder (0o777) made the ordinary way gets."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def hidden_copy(path: Path, content: bytes) -> str:
    """A hidden file beside `path` (same folder: same disk) holding `content`, flushed to disk: what an atomic
    write renames or links into place. The caller removes it if that fails."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_whole(path, content: bytes) -> Path:
    """Write `content` to `path` complete or not at all: a hidden file beside it (same disk), flushed to disk,
    then renamed over it. A full disk leaves the previous file as it was, never a truncated one. The file
    gets the previous file's mode, or the umask's ordinary one."""
    path = Path(path)
    tmp = hidden_copy(path, content)
    try:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = umask_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
