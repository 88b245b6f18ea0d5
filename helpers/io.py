"""Read CSV files the way people really save them, or refuse them with a clear message.

Handles UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), Windows-1258, CRLF,
and `,`, `;` or tab separators. The separator is chosen by which one turns the header into
the columns the schema expects, so a `;` file is never read as one wide column. A `;`
file comes from a spreadsheet in a decimal-comma locale, so its decimal mark is `,`.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .numbers import clean
from .problems import Problems
from .schema import Table

DELIMITERS = (",", ";", "\t")
# UTF-8 Vietnamese read as Windows-1252 and saved again: 'đ' -> 'Ä‘', 'ả' -> 'áº£', 'ư' -> 'Æ°', 'á' -> 'Ã¡'.
# 'Ã' before a no-break space is left alone: 'XÃ' followed by U+00A0 is real Vietnamese.
_MOJIBAKE = re.compile(r"áº|á»|Ä‘|Ä\u0090|Æ°|Æ¯|Ã[\u00a1-\u00bf]")


@dataclass
class RawTable:
    """A file read into strings: `frame` is indexed by spreadsheet row (header = row 1)."""

    name: str
    frame: pd.DataFrame
    encoding: str = ""
    delimiter: str = ","
    decimal: str | None = None
    problems: Problems = field(default_factory=Problems)
    readable: bool = True


def decode(data: bytes, name: str, problems: Problems) -> tuple[str | None, str]:
    """Bytes to NFC text, or None with an error in `problems`."""
    if data.startswith(b"PK\x03\x04"):
        problems.error(name, None, None, None, "spreadsheet_not_csv",
                       "this is an Excel/LibreOffice workbook (.xlsx/.ods) saved under a .csv name",
                       "open it and use 'Save as' → 'CSV UTF-8 (comma delimited)'")
        return None, ""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        problems.error(name, None, None, None, "spreadsheet_not_csv",
                       "this is an old Excel workbook (.xls) saved under a .csv name",
                       "open it and use 'Save as' → 'CSV UTF-8 (comma delimited)'")
        return None, ""
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
        else:
            problems.error(name, None, None, None, "binary_file",
                           "the file contains NUL bytes and is not text",
                           "check that this is the CSV you meant; re-export it as 'CSV UTF-8'")
            return None, ""
    try:
        text = data.decode(encoding or "utf-8")
        encoding = encoding or "utf-8"
    except UnicodeDecodeError as exc:
        if encoding.startswith("utf-16"):
            problems.error(name, None, None, None, "bad_encoding", f"the file is not valid UTF-16 ({exc.reason})",
                           "re-export it as 'CSV UTF-8'")
            return None, ""
        try:
            text, encoding = data.decode("cp1258"), "cp1258"
        except UnicodeDecodeError:
            problems.error(name, None, None, None, "bad_encoding",
                           "the file is neither UTF-8 nor Windows-1258 (Vietnamese)", "re-export it as 'CSV UTF-8'")
            return None, ""
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


def _header_key(name: str) -> str:
    return clean(name.replace("\ufeff", "")).lower()


def _pick_delimiter(text: str, expected: list[str]) -> tuple[str, int]:
    first = text.split("\n", 1)[0]
    best, best_hits = ",", -1
    for d in DELIMITERS:
        try:
            header = next(csv.reader([first], delimiter=d))
        except (csv.Error, StopIteration):
            continue
        hits = len({_header_key(h) for h in header} & set(expected))
        if hits > best_hits:
            best, best_hits = d, hits
    return best, best_hits


def read_table(path: Path, table: Table, name: str | None = None) -> RawTable:
    """Read one CSV into strings, reporting every problem against `name` (the path shown to users)."""
    name = name or str(path)
    problems = Problems()
    empty = pd.DataFrame(columns=table.columns, dtype="string")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        problems.error(name, None, None, None, "unreadable", f"cannot open the file ({exc.strerror})", "check the path")
        return RawTable(name, empty, problems=problems, readable=False)
    text, encoding = decode(data, name, problems)
    if text is None:
        return RawTable(name, empty, encoding, problems=problems, readable=False)
    if not text.strip():
        problems.error(name, None, None, None, "empty_file", "the file is empty",
                       f"it needs at least the header row: {','.join(table.columns)}")
        return RawTable(name, empty, encoding, problems=problems, readable=False)

    delimiter, hits = _pick_delimiter(text, table.columns)
    decimal = "," if delimiter == ";" else None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        records = _read_until_error(text, delimiter)
        problems.error(name, len(records) + 1, None, None, "malformed_csv",
                       f"the CSV breaks after row {len(records)} ({exc}); rows before it were read",
                       "look for an unclosed quote (\") at that row; the file may have been cut short")
    if hits <= 0:
        problems.error(name, 1, None, text.split("\n", 1)[0][:80], "no_header",
                       "the first row is not the expected header",
                       f"the first row must name the columns: {','.join(table.columns)}")
        return RawTable(name, empty, encoding, delimiter, decimal, problems, False)

    header_problems = Problems()
    header = [_header_key(h) for h in records[0]]
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            continue
        if h in positions:
            header_problems.error(name, 1, h, h, "duplicate_column", f"column '{h}' appears twice",
                                  "delete one of the two columns (keep the one with the data you mean)")
        elif h in table.columns:
            positions[h] = i
        else:
            close = difflib.get_close_matches(h, table.columns, n=1)
            hint = f"rename it to '{close[0]}' if that is what it holds" if close else "delete it or rename it to a known column"
            header_problems.warning(name, 1, h, h, "unknown_column",
                                    f"column '{h}' is not in the schema and is ignored", hint)
    for c in table.required:
        if c not in positions:
            header_problems.error(name, 1, c, None, "missing_column", f"required column '{c}' is missing",
                                  f"add a '{c}' column (see docs/data-dictionary.md)")
    problems.extend(header_problems)
    if header_problems.errors:
        return RawTable(name, empty, encoding, delimiter, decimal, problems, False)

    rows, index = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            more = len(record) > len(header)
            problems.error(name, number, None, delimiter.join(record)[:80], "wrong_cell_count",
                           f"the row has {len(record)} cells but the header has {len(header)}; the row is left out",
                           "a value containing the separator must be in quotes (e.g. \"9,77\")" if more
                           else "fill the missing cells (empty cells still need their separators)")
            continue
        rows.append([clean(record[positions[c]]) if c in positions else "" for c in table.columns])
        index.append(number)
    frame = pd.DataFrame(rows, columns=table.columns, index=pd.Index(index, name="row"), dtype="string")
    if frame.empty:
        problems.warning(name, None, None, None, "no_rows", "the file has a header but no data rows",
                         "add rows, or delete the file if the article has no figures")
    return RawTable(name, frame, encoding, delimiter, decimal, problems)


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
