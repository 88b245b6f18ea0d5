"""Write the corpus of broken and awkward input files: `python -m tests.bad_inputs.make_corpus`.

Each case is a folder `tests/bad_inputs/<NN-short-name>/` holding

- the file(s) that replace or join the small valid data folder of tests/conftest.py (ARTICLE, LOCALITY_ROWS,
  METRIC_ROWS, GOOD_ROWS, TEXT), at the path they take there: `data/annotations/bai-thu.csv`,
  `data/articles.csv`, `texts/bai-thu.txt`, …;
- `expected.json`: the fault, those files, what is removed or linked, and the expected outcome —
  `read_ok` (no errors) or `problems` (errors), the exact list of problems (code, severity, file, row, column),
  how many figures still load (and some of their values), and the exit code of `python -m helpers validate`.

The expected outcomes are written here by hand, case by case; they are never copied from what the code does.
tests/test_bad_inputs.py builds every case and checks it, and checks that the committed files are exactly what
this script writes (run it again after changing a case or tests/conftest.py).
"""
from __future__ import annotations

import binascii
import io
import json
import shutil
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from helpers.schema import ANNOTATIONS, ARTICLES, LOCALITIES, METRICS, SUCCESSIONS  # noqa: E402
from tests.conftest import ARTICLE, GOOD_ROWS, LOCALITY_ROWS, METRIC_ROWS, TEXT, csv_text, fig, to_cp1258  # noqa: E402

HERE = Path(__file__).resolve().parent
ANN = "data/annotations/bai-thu.csv"
ARTS = "data/articles.csv"
LOCS = "data/localities.csv"
METS = "data/metrics.csv"
SUCC = "data/successions.csv"
COLS = ANNOTATIONS.columns
GOOD = csv_text(GOOD_ROWS, COLS)  # ',' UTF-8, LF; "0,58" is quoted
# The four good figures and their values in the metric's unit.
VALUES = {"bai-thu:2": 118.0, "bai-thu:3": 711.0, "bai-thu:4": 0.58, "bai-thu:5": 7210.0}
METRIC_ROW = {m["metric_id"]: i for i, m in enumerate(METRIC_ROWS, start=2)}  # spreadsheet row in metrics.csv
# A real 1×1 PNG image.
PNG = binascii.unhexlify(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def problem(code, severity, file=ANN, row=None, column=None) -> dict:
    return {"code": code, "severity": severity, "file": file, "row": row, "column": column}


def err(code, row=None, column=None, file=ANN) -> dict:
    return problem(code, "error", file, row, column)


def warn(code, row=None, column=None, file=ANN) -> dict:
    return problem(code, "warning", file, row, column)


def unused(*metrics: str, locality: bool = False) -> list[dict]:
    """The warnings for codebook and gazetteer rows no loaded figure uses (all four metrics when none given)."""
    out = [warn("unused_metric", METRIC_ROW[m], "metric_id", METS) for m in (metrics or METRIC_ROW)]
    if locality or not metrics:
        out.append(warn("unused_locality", 3, "locality_id", LOCS))  # phuong-a; tp-thu is its own province
    return out


def rows(*extra: dict, base=GOOD_ROWS, **kw) -> str:
    return csv_text(list(base) + list(extra), COLS, **kw)


def stored_zip(entries: dict[str, str]) -> bytes:
    """A zip with fixed dates and no compression, so the bytes never depend on the machine."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, body in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system, info.external_attr = 3, 0o644 << 16
            z.writestr(info, body)
    return buf.getvalue()


@dataclass
class Case:
    name: str
    fault: str
    files: dict[str, bytes]
    problems: list[dict] = field(default_factory=list)
    figures: int = 4
    values: dict[str, float] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def outcome(self) -> str:
        return "problems" if any(p["severity"] == "error" for p in self.problems) else "read_ok"

    def expected(self) -> dict:
        out = {"fault": self.fault, "files": sorted(self.files), "remove": self.remove, "symlinks": self.symlinks,
               "outcome": self.outcome, "figures": self.figures, "values": self.values,
               "problems": sorted(self.problems, key=lambda p: (p["file"], p["row"] or 0, p["code"], p["column"] or "")),
               "exit_code": 1 if self.outcome == "problems" else 0}
        if self.note:
            out["note"] = self.note
        return out


def cases() -> list[Case]:
    second_article = dict(ARTICLE, article_id="bai-hai", title="Bài hai", text_file="bai-hai.txt")
    two_articles = csv_text([ARTICLE, second_article], ARTICLES.columns).encode()
    extra = fig(period_start="2022", period_end="2022")  # a second, distinct budget figure for 2022
    long_paste = "Bài báo thử. " * 10100  # 131 300 characters: over the csv module's default cell limit (131 072)
    merge = (rows() + "<<<<<<< HEAD\n" + rows(fig(value="120", period_start="2022", period_end="2022"), base=[]).split("\n", 1)[1]
             + "=======\n" + rows(fig(value="121", period_start="2022", period_end="2022"), base=[]).split("\n", 1)[1]
             + ">>>>>>> ban-cua-lan\n")
    semicolon_row = csv_text([extra], COLS, delimiter=";").split("\n", 1)[1]
    head, r2, r3, r4, r5 = GOOD.splitlines()
    with_blanks = "\n".join([head, r2, "," * (len(COLS) - 1), r3, r4, "", r5]) + "\n"  # rows 3 and 6 are blank
    return [
        # ---------------------------------------------------------------- encodings, separators, decimal marks
        Case("01-utf8-bom", "UTF-8 with a byte-order mark (Excel's 'CSV UTF-8')",
             {ANN: b"\xef\xbb\xbf" + GOOD.encode()}, values=VALUES),
        Case("02-utf16-tabs-as-csv", "Excel 'Unicode text' (UTF-16 LE with BOM, tab-separated, CRLF) saved as .csv",
             {ANN: b"\xff\xfe" + rows(delimiter="\t", lineterminator="\r\n").encode("utf-16-le")}, values=VALUES),
        Case("03-utf16-be-without-bom", "UTF-16 big-endian without a byte-order mark, tab-separated",
             {ANN: rows(delimiter="\t").encode("utf-16-be")}, values=VALUES),
        Case("04-cp1258-windows-vietnamese", "Windows-1258 with combining tone marks, as old Vietnamese Windows saves",
             {ANN: to_cp1258(GOOD)}, [warn("not_utf8")], values=VALUES),
        Case("05-nfd-text", "every cell in NFD (decomposed diacritics, as macOS copies them)",
             {ANN: unicodedata.normalize("NFD", GOOD).encode()}, values=VALUES),
        Case("06-semicolon-decimal-comma-thousands-dot",
             "';' separated (Vietnamese-locale spreadsheet): decimal comma 0,58 and thousands dot 7.210 unquoted",
             {ANN: rows(base=[GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[2], dict(GOOD_ROWS[3], value="7.210")],
                        delimiter=";", lineterminator="\r\n").encode()}, values=VALUES),
        Case("07-excel-sep-line", "Excel's 'sep=;' first line before a ';' header",
             {ANN: ("sep=;\r\n" + rows(delimiter=";", lineterminator="\r\n")).encode()}, values=VALUES),
        Case("08-tab-separated-utf8", "tab-separated UTF-8 (copied out of a spreadsheet)",
             {ANN: rows(delimiter="\t").encode()}, values=VALUES),
        Case("09-pipe-separated", "'|' separated, as some database exports write",
             {ANN: rows(delimiter="|").encode()}, values=VALUES),
        Case("10-classic-mac-line-endings", "CR-only line endings (classic Mac)",
             {ANN: GOOD.replace("\n", "\r").encode()}, values=VALUES),
        Case("11-english-decimal-point", "English decimal point 0.58 in a ',' file (not ambiguous: two decimals)",
             {ANN: rows(base=[*GOOD_ROWS[:2], dict(GOOD_ROWS[2], value="0.58"), GOOD_ROWS[3]]).encode()}, values=VALUES),
        Case("12-unquoted-decimal-comma", "decimal comma 0,58 not quoted in a ',' file: the row splits into 18 cells",
             {ANN: GOOD.replace('"0,58"', "0,58").encode()},
             [err("wrong_cell_count", 4)] + unused("poverty_rate_pct"), 3),
        Case("13-ambiguous-thousands", "7.210 in a ',' file: seven thousand or seven point two one?",
             {ANN: rows(base=[*GOOD_ROWS[:3], dict(GOOD_ROWS[3], value="7.210")]).encode()},
             [err("ambiguous_number", 5, "value")] + unused("party_members_count"), 3),
        Case("14-rows-from-two-locales-merged", "a ';' row pasted into a ',' file (two files merged)",
             {ANN: (GOOD + semicolon_row).encode()}, [err("wrong_cell_count", 6)], values=VALUES),
        # ---------------------------------------------------------------- truncated, empty, structure
        Case("15-truncated-inside-quotes", "file cut short inside a quoted cell (unclosed quote on the last row)",
             {ANN: (GOOD + 'phuong-a,budget_revenue_pct_plan,result,143,,exact,%,2022,2022,stated,"năm 20').encode()},
             [err("malformed_csv", 6)], values=VALUES),
        Case("16-truncated-mid-row", "file cut short in the middle of the last row",
             {ANN: (GOOD + "phuong-a,budget_revenue_pct_plan,res").encode()}, [err("wrong_cell_count", 6)], values=VALUES),
        Case("17-empty-file", "a 0-byte file", {ANN: b""}, [err("empty_file")] + unused(), 0),
        Case("18-bom-only", "a file holding only a UTF-8 byte-order mark", {ANN: b"\xef\xbb\xbf"},
             [err("empty_file")] + unused(), 0),
        Case("19-header-only", "the header and no rows", {ANN: header_only()},
             [warn("no_rows")] + unused(), 0),
        Case("20-missing-required-column", "the 'unit' column deleted",
             {ANN: csv_text([{k: v for k, v in r.items() if k != "unit"} for r in GOOD_ROWS],
                            [c for c in COLS if c != "unit"]).encode()},
             [err("missing_column", 1, "unit")] + unused(), 0),
        Case("21-extra-column", "an extra column the schema does not know",
             {ANN: csv_text([dict(r, ghi_chu_rieng="x") for r in GOOD_ROWS], COLS + ["ghi_chu_rieng"]).encode()},
             [warn("unknown_column", 1, "ghi_chu_rieng")], values=VALUES),
        Case("22-duplicated-column-agreeing", "the 'note' column twice, both copies the same",
             {ANN: csv_text([dict(r, note2=r["note"]) for r in GOOD_ROWS], COLS + ["note2"]).replace(",note2\n", ",note\n", 1).encode()},
             [warn("duplicate_column", 1, "note")], values=VALUES),
        Case("23-duplicated-column-disagreeing", "the 'value' column twice; the copies differ in row 3",
             {ANN: csv_text([dict(r, value2=r["value"] if i != 1 else "712") for i, r in enumerate(GOOD_ROWS)],
                            COLS + ["value2"]).replace(",value2\n", ",value\n", 1).encode()},
             [warn("duplicate_column", 1, "value"), err("duplicate_column", 3, "value")]
             + unused("party_members_admitted_count"), 3),
        Case("24-headers-renamed-by-a-spreadsheet", "headers retyped: 'Locality ID', 'Metric ID', 'Period Start', 'period-end'",
             {ANN: GOOD.replace("locality_id,metric_id", "Locality ID,Metric ID", 1)
                       .replace("period_start,period_end", "Period Start,period-end", 1).encode()},
             [warn("renamed_column", 1, c) for c in ("locality_id", "metric_id", "period_start", "period_end")],
             values=VALUES),
        Case("25-required-column-renamed", "'metric_id' renamed to 'metric'",
             {ANN: GOOD.replace("metric_id", "metric", 1).encode()},
             [warn("unknown_column", 1, "metric"), err("missing_column", 1, "metric_id")] + unused(), 0),
        Case("26-title-row-above-header", "a title row above the header", {ANN: ("Bảng số liệu bài thử\n" + GOOD).encode()},
             [err("no_header", 1)] + unused(), 0),
        Case("27-blank-rows-and-quoted-line-breaks", "blank rows between rows, and line breaks inside quoted cells",
             {ANN: with_blanks.replace("Năm 2021 đạt 118% kế hoạch", '"Năm 2021 đạt\n118% kế hoạch"', 1).encode()},
             values={"bai-thu:2": 118.0, "bai-thu:4": 711.0, "bai-thu:5": 0.58, "bai-thu:7": 7210.0},
             note="row numbers are spreadsheet rows: the blank rows 3 (separators only) and 6 (empty) keep their numbers"),
        # ---------------------------------------------------------------- values
        Case("28-not-a-number", "value 'mười tám' (words, not digits)",
             {ANN: rows(dict(extra, value="mười tám")).encode()}, [err("bad_number", 6, "value")], values=VALUES),
        Case("29-formula-as-value", "value '=100+18': a formula, not the number as printed",
             {ANN: rows(dict(extra, value="=100+18")).encode()}, [err("bad_number", 6, "value")], values=VALUES),
        Case("30-infinities", "values inf, 1e309, ∞ and -Infinity",
             {ANN: rows(*(dict(extra, value=v, period_start=str(2022 + i), period_end=str(2022 + i))
                          for i, v in enumerate(["inf", "1e309", "∞", "-Infinity"]))).encode()},
             [err("bad_number", r, "value") for r in (6, 7, 8, 9)], values=VALUES),
        Case("31-percent-sign-and-qualifier-in-value", "values '118%' and 'hơn 118' (sign and word belong elsewhere)",
             {ANN: rows(dict(extra, value="118%"), dict(extra, value="hơn 118", period_start="2023", period_end="2023")).encode()},
             [err("bad_number", 6, "value"), err("bad_number", 7, "value")], values=VALUES),
        Case("32-negative-share", "a poverty rate of -0,58 per cent",
             {ANN: rows(dict(GOOD_ROWS[2], value="-0,58", period_start="2022", period_end="2022")).encode()},
             [err("share_out_of_range", 6, "value")], values=VALUES),
        Case("33-reversed-range", "value 120 with value_high 110",
             {ANN: rows(dict(extra, value="120", value_high="110")).encode()}, [err("reversed_range", 6, "value_high")],
             values=VALUES),
        Case("34-reversed-period", "period_start 2022 after period_end 2021",
             {ANN: rows(dict(extra, period_end="2021")).encode()}, [err("reversed_period", 6, "period_end")], values=VALUES),
        # ---------------------------------------------------------------- unknown ids, paths
        Case("35-unknown-metric", "metric_id 'budget_revenue' is not in the codebook",
             {ANN: rows(dict(extra, metric_id="budget_revenue")).encode()}, [err("unknown_metric", 6, "metric_id")],
             values=VALUES),
        Case("36-unknown-locality", "locality_id 'phuong-b' is not in the gazetteer",
             {ANN: rows(dict(extra, locality_id="phuong-b")).encode()}, [err("unknown_locality", 6, "locality_id")],
             values=VALUES),
        Case("37-unknown-article", "an annotation file named for an article articles.csv does not have",
             {"data/annotations/khong-co.csv": GOOD.encode()},
             [err("unknown_article", file="data/annotations/khong-co.csv")], values=VALUES),
        Case("38-article-id-leaving-the-folder", "an article_id '../../etc' and text_file '../../etc/passwd' in articles.csv",
             {ARTS: csv_text([dict(ARTICLE, article_id="../../etc", text_file="../../etc/passwd"), ARTICLE],
                             ARTICLES.columns).encode()},
             [err("bad_id", 2, "article_id", ARTS), err("unsafe_file_name", 2, "text_file", ARTS)], values=VALUES),
        Case("39-text-file-with-a-path", "text_file '../texts/bai-thu.txt': a path, not a file name",
             {ARTS: csv_text([dict(ARTICLE, text_file="../texts/bai-thu.txt")], ARTICLES.columns).encode()},
             [err("unsafe_file_name", 2, "text_file", ARTS), err("unknown_article")] + unused(), 0,
             note="the article's row is refused, so its figures are left out; unknown_article says which row to fix"),
        Case("40-annotation-file-linked-from-outside", "data/annotations/bai-thu.csv is a link to a file outside the data folder",
             {"outside/bai-thu.csv": GOOD.encode()}, [err("unsafe_path")] + unused(), 0,
             symlinks={ANN: "outside/bai-thu.csv"}),
        Case("41-refused-metric-row", "metrics.csv row 4 has a unit nobody knows; the figure using it says why it is left out",
             {METS: csv_text([*METRIC_ROWS[:2], dict(METRIC_ROWS[2], unit="bananas"), METRIC_ROWS[3]], METRICS.columns).encode()},
             [err("bad_unit", 4, "unit", METS), err("unknown_metric", 4, "metric_id")], 3,
             {"bai-thu:2": 118.0, "bai-thu:3": 711.0, "bai-thu:5": 7210.0}),
        Case("42-duplicate-locality-id", "localities.csv lists phuong-a twice",
             {LOCS: csv_text(LOCALITY_ROWS + [dict(LOCALITY_ROWS[1], name="Phường A (lặp)")], LOCALITIES.columns).encode()},
             [err("duplicate_id", 4, "locality_id", LOCS)], values=VALUES),
        Case("42a-official-code-lost-its-leading-zero", "a spreadsheet read phuong-a's official code 04321 as a number: 4321",
             {LOCS: csv_text([LOCALITY_ROWS[0], dict(LOCALITY_ROWS[1], official_code="4321")], LOCALITIES.columns).encode()},
             [err("bad_code", 3, "official_code", LOCS)] + [err("unknown_locality", r, "locality_id") for r in range(2, 6)]
             + unused(*METRIC_ROW), 0,
             note="The locality row is left out, so every figure of phuong-a says its locality is unknown."),
        Case("42b-successor-not-in-the-gazetteer", "successions.csv names a successor that localities.csv does not hold",
             {SUCC: csv_text([{"predecessor_id": "phuong-a", "successor_id": "phuong-moi", "share": "whole",
                               "effective": "2025-07-01", "source": "NQ thử", "notes": ""}], SUCCESSIONS.columns).encode()},
             [err("unknown_locality", 2, "successor_id", SUCC)], values=VALUES),
        Case("43-articles-semicolon-cp1258", "articles.csv saved by Vietnamese Excel: ';' separated, Windows-1258",
             {ARTS: to_cp1258(csv_text([ARTICLE], ARTICLES.columns, delimiter=";", lineterminator="\r\n"))},
             [warn("not_utf8", file=ARTS)], values=VALUES),
        Case("43a-english-page-groups-thousands-with-a-comma", "an English page (language en): '7,210' as printed there is 7210, not ambiguous",
             {ARTS: csv_text([dict(ARTICLE, language="en")], ARTICLES.columns).encode(),
              ANN: rows(base=[*GOOD_ROWS[:2], dict(GOOD_ROWS[2], value="0.58"), dict(GOOD_ROWS[3], value="7,210")]).encode()},
             values=VALUES),
        # ---------------------------------------------------------------- duplicates and conflicts
        Case("44-duplicate-row", "row 2 pasted again at the end", {ANN: rows(GOOD_ROWS[0]).encode()},
             [err("duplicate_row", 6)], values=VALUES),
        Case("45-duplicate-typed-differently", "row 2 again with value '118,0' instead of '118'",
             {ANN: rows(dict(GOOD_ROWS[0], value="118,0")).encode()}, [err("duplicate_row", 6)], values=VALUES),
        Case("46-conflicting-values", "the same locality, metric and year with 118 and 120",
             {ANN: rows(dict(GOOD_ROWS[0], value="120")).encode()},
             [warn("conflicting_values", 2, "value"), warn("conflicting_values", 6, "value")], 5,
             {**VALUES, "bai-thu:6": 120.0}),
        Case("47-rows-pasted-into-another-article", "bai-thu's rows pasted into bai-hai.csv, whose text does not hold them",
             {ARTS: two_articles, "data/annotations/bai-hai.csv": GOOD.encode(),
              "texts/bai-hai.txt": "Bài hai: một bài khác, không có số liệu của bài thử.".encode()},
             [err("evidence_not_found", r, "evidence", "data/annotations/bai-hai.csv") for r in (2, 3, 4, 5)],
             values=VALUES),
        Case("48-merge-conflict-markers", "an unresolved git merge: <<<<<<<, ======= and >>>>>>> lines with two versions",
             {ANN: merge.encode()},
             [err("merge_conflict", 6), err("merge_conflict", 8), err("merge_conflict", 10),
              warn("conflicting_values", 7, "value"), warn("conflicting_values", 9, "value")], 6,
             {**VALUES, "bai-thu:7": 120.0, "bai-thu:9": 121.0}),
        Case("48a-header-repeated-mid-file", "two exports pasted together: the header row again between the rows",
             {ANN: (GOOD.split("\n", 1)[0] + "\n" + csv_text(GOOD_ROWS[:2], COLS).split("\n", 1)[1]
                    + csv_text(GOOD_ROWS[2:], COLS)).encode()},
             [warn("repeated_header", 4)], values={"bai-thu:2": 118.0, "bai-thu:3": 711.0, "bai-thu:5": 0.58,
                                                    "bai-thu:6": 7210.0}),
        # ---------------------------------------------------------------- evidence and texts
        Case("49-evidence-not-in-text", "an evidence excerpt the article does not contain",
             {ANN: rows(dict(extra, value="143", evidence="Năm 2022 đạt 143% kế hoạch")).encode()},
             [err("evidence_not_found", 6, "evidence")], values=VALUES),
        Case("50-text-in-cp1258", "the article text saved as Windows-1258", {"texts/bai-thu.txt": to_cp1258(TEXT)},
             values=VALUES),
        Case("51-text-is-a-png", "the article's .txt is really an image", {"texts/bai-thu.txt": PNG},
             [warn("text_unreadable", 2, "text_file", ARTS)], values=VALUES),
        # ---------------------------------------------------------------- cells
        Case("52-very-long-cells", "a 5 000-character note, a 131 300-character note, and a 3 000-character locality_id",
             {ANN: rows(dict(extra, locality_id="phuong-a" * 375),
                        base=[GOOD_ROWS[0], dict(GOOD_ROWS[1], note="x" * 5000), GOOD_ROWS[2],
                              dict(GOOD_ROWS[3], note=long_paste)]).encode()},
             [warn("long_cell", 3, "note"), warn("long_cell", 5, "note"), err("cell_too_long", 6, "locality_id")],
             values=VALUES),
        Case("53-nul-byte-in-utf8", "a NUL byte inside a Vietnamese note (UTF-8)",
             {ANN: rows(base=[GOOD_ROWS[0], dict(GOOD_ROWS[1], note="đã kiểm tra\x00 lại"), *GOOD_ROWS[2:]]).encode()},
             [err("nul_byte", 3, "note")] + unused("party_members_admitted_count"), 3),
        Case("54-dos-end-of-file-mark", "a Ctrl-Z (0x1A) after the last row, as old DOS tools write",
             {ANN: GOOD.encode() + b"\x1a"}, values=VALUES),
        Case("55-zero-width-spaces-in-ids", "zero-width spaces pasted from the web inside locality_id and metric_id",
             {ANN: GOOD.replace("phuong-a,budget_revenue_pct_plan", "phuong-a\u200b,budget_\u200brevenue_pct_plan").encode()},
             values=VALUES),
        Case("56-formula-cells-in-text",
             "notes starting with =HYPERLINK(…), @SUM(…), -cmd|…!A0 and +cmd|…!A0 (DDE); a note '- theo …' is plain text",
             {ANN: rows(dict(extra, note="+cmd|' /C notepad'!A0"),
                        base=[dict(GOOD_ROWS[0], note="- theo báo cáo quý"),
                              dict(GOOD_ROWS[1], note='=HYPERLINK("http://x.example","xem")'),
                              dict(GOOD_ROWS[2], note="@SUM(1+1)"),
                              dict(GOOD_ROWS[3], note="-cmd|' /C calc'!A0")]).encode()},
             [warn("formula_cell", r, "note") for r in (3, 4, 5, 6)], 5, {**VALUES, "bai-thu:6": 118.0},
             note="text cells are kept (a warning, not an error); the project's CSV and XLSX outputs neutralise them"),
        # ---------------------------------------------------------------- not CSV at all
        Case("57-xlsx-saved-as-csv", "an Excel workbook renamed to .csv",
             {ANN: stored_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                               "xl/worksheets/sheet1.xml": "<worksheet/>"})},
             [err("spreadsheet_not_csv")] + unused(), 0),
        Case("58-xls-saved-as-csv", "an old Excel (.xls) workbook renamed to .csv",
             {ANN: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504}, [err("spreadsheet_not_csv")] + unused(), 0),
        Case("59-png-saved-as-csv", "an image renamed to .csv", {ANN: PNG}, [err("binary_file")] + unused(), 0),
        Case("60-random-binary", "binary noise under a .csv name",
             {ANN: bytes((i * 73 + 41) % 256 for i in range(2048))}, [err("binary_file")] + unused(), 0),
        Case("61-double-encoded", "UTF-8 read as Windows-1252 and saved again (mojibake: 'Ä‘' for 'đ')",
             {ANN: GOOD.encode().decode("cp1252", errors="replace").encode()}, [err("mojibake")] + unused(), 0),
        Case("62-excel-lock-file", "Excel's lock file ~$bai-thu.csv beside the real file (the file is open in Excel)",
             {"data/annotations/~$bai-thu.csv": b"\x04test" + b" " * 50 + b"\x00" * 110},
             [warn("lock_file", file="data/annotations/~$bai-thu.csv")], values=VALUES),
    ]


def header_only() -> bytes:
    return (",".join(COLS) + "\n").encode()


def index(all_cases: list[Case]) -> str:
    """CASES.md: every case on one line, with its expected outcome."""
    lines = ["# The corpus of broken and awkward inputs", "",
             "Generated by `python -m tests.bad_inputs.make_corpus`; each folder's `expected.json` is the contract "
             "that `tests/test_bad_inputs.py` checks. Problems are `code@row:column` (file-level problems have no row); "
             "the files are relative to the case folder.", "",
             "| case | fault | outcome | figures that load | problems |", "| --- | --- | --- | --- | --- |"]
    for case in all_cases:
        exp = case.expected()
        shown = []
        for p in exp["problems"]:
            if p["code"] in ("unused_metric", "unused_locality"):
                continue
            where = "" if p["row"] is None else f"@{p['row']}" + (f":{p['column']}" if p["column"] else "")
            shown.append(f"{p['severity']} `{p['code']}{where}` ({Path(p['file']).name})")
        unused = sum(p["code"] in ("unused_metric", "unused_locality") for p in exp["problems"])
        if unused:
            shown.append(f"{unused} unused-codebook warning(s)")
        fault = case.fault.replace("|", "\\|")
        lines.append(f"| `{case.name}` | {fault} | {exp['outcome']} (exit {exp['exit_code']}) | "
                     f"{exp['figures']} | {'; '.join(shown) or '—'} |")
    return "\n".join(lines) + "\n"


def generate() -> dict[str, bytes]:
    """Every file of the corpus, by its path under tests/bad_inputs/."""
    out: dict[str, bytes] = {}
    names = set()
    all_cases = cases()
    for case in all_cases:
        assert case.name not in names, case.name
        names.add(case.name)
        for rel, data in case.files.items():
            out[f"{case.name}/{rel}"] = data
        out[f"{case.name}/expected.json"] = (json.dumps(case.expected(), ensure_ascii=False, indent=2) + "\n").encode()
    out["CASES.md"] = index(all_cases).encode()
    return out


def main() -> None:
    files = generate()
    for child in HERE.iterdir():
        if child.is_dir() and child.name[:2].isdigit():
            shutil.rmtree(child)
    for rel, data in files.items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files ({len(cases())} cases and CASES.md) under {HERE}")


if __name__ == "__main__":
    main()
