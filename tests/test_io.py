"""helpers.io: CSV files as people really save them, read into strings or refused with a clear problem."""
from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from helpers.io import RawTable, decode, read_table
from helpers.numbers import parse_amount
from helpers.problems import Problems
from helpers.schema import ANNOTATIONS, METRICS
from tests.conftest import GOOD_ROWS, METRIC_ROWS, codes, csv_text, fig, to_cp1258

NAME = "data/annotations/bai-thu.csv"  # the name shown to users; deliberately not the path on disk
COLS = ANNOTATIONS.columns


def read(tmp_path: Path, data: bytes, table=ANNOTATIONS, name: str = NAME) -> RawTable:
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    return read_table(path, table, name)


def records(raw: RawTable) -> list[dict]:
    return raw.frame.to_dict("records")


def one(raw: RawTable, code: str):
    found = [p for p in raw.problems if p.code == code]
    assert len(found) == 1, [str(p) for p in raw.problems]
    p = found[0]
    assert p.file == NAME
    assert p.fix, f"{code} must say how to fix it"
    return p


def assert_good(raw: RawTable, rows=GOOD_ROWS):
    assert raw.readable
    assert raw.problems.errors == []
    assert list(raw.frame.columns) == COLS
    assert list(raw.frame.index) == list(range(2, len(rows) + 2))
    assert raw.frame.index.name == "row"
    assert records(raw) == [dict(r) for r in rows]


# ------------------------------------------------------------------------------------- encodings


def test_utf8(tmp_path):
    raw = read(tmp_path, csv_text(GOOD_ROWS, COLS).encode("utf-8"))
    assert_good(raw)
    assert (raw.name, raw.encoding, raw.delimiter, raw.decimal) == (NAME, "utf-8", ",", None)
    assert len(raw.problems) == 0
    assert all(str(t) == "string" for t in raw.frame.dtypes)


def test_utf8_with_bom(tmp_path):
    raw = read(tmp_path, b"\xef\xbb\xbf" + csv_text(GOOD_ROWS, COLS).encode("utf-8"))
    assert_good(raw)
    assert raw.encoding == "utf-8-sig"
    assert raw.frame["locality_id"].tolist() == [r["locality_id"] for r in GOOD_ROWS]
    assert len(raw.problems) == 0


def test_crlf_line_endings(tmp_path):
    rows = [fig(note="ghi chú cuối dòng"), fig(value="5", note="")]
    raw = read(tmp_path, csv_text(rows, COLS, lineterminator="\r\n").encode("utf-8"))
    assert_good(raw, rows)
    assert not raw.frame.apply(lambda col: col.str.contains("\r")).any().any()
    assert len(raw.problems) == 0


def test_semicolon_file_has_decimal_commas(tmp_path):
    rows = [fig(value="9,77", evidence="Kinh tế tăng 9,77%, vượt kế hoạch"), fig(value="361,503", unit="tỷ đồng"),
            fig(value="0,58")]
    raw = read(tmp_path, csv_text(rows, COLS, delimiter=";").encode("utf-8"))
    assert_good(raw, rows)
    assert (raw.delimiter, raw.decimal) == (";", ",")
    assert raw.frame["value"].tolist() == ["9,77", "361,503", "0,58"]
    assert raw.frame.loc[2, "evidence"] == "Kinh tế tăng 9,77%, vượt kế hoạch"
    # the file's decimal mark settles what would otherwise be ambiguous
    assert parse_amount(raw.frame.loc[3, "value"], decimal=raw.decimal).value == 361.503


def test_semicolon_file_that_pandas_reads_as_one_column(tmp_path):
    rows = [fig(), fig(value="711", evidence="kết nạp được 711 đảng viên")]
    text = csv_text(rows, COLS, delimiter=";")
    naive = pd.read_csv(io.StringIO(text), dtype=str)
    assert naive.shape == (2, 1)  # the trap: one wide column, silently
    raw = read(tmp_path, text.encode("utf-8"))
    assert_good(raw, rows)
    assert raw.frame.shape == (2, len(COLS))
    assert raw.frame["value"].tolist() == ["118", "711"]


def test_semicolon_metrics_file(tmp_path):
    raw = read(tmp_path, csv_text(METRIC_ROWS, METRICS.columns, delimiter=";").encode("utf-8"), table=METRICS)
    assert raw.readable and raw.problems.errors == []
    assert list(raw.frame.columns) == METRICS.columns
    assert records(raw) == METRIC_ROWS
    assert raw.decimal == ","


def test_tab_separated(tmp_path):
    raw = read(tmp_path, csv_text(GOOD_ROWS, COLS, delimiter="\t").encode("utf-8"))
    assert_good(raw)
    assert (raw.delimiter, raw.decimal) == ("\t", None)


def test_utf16_with_bom_as_excel_unicode_text(tmp_path):
    data = csv_text(GOOD_ROWS, COLS, delimiter="\t", lineterminator="\r\n").encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    raw = read(tmp_path, data)
    assert_good(raw)
    assert (raw.encoding, raw.delimiter) == ("utf-16", "\t")
    assert len(raw.problems) == 0


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path, codec):
    raw = read(tmp_path, csv_text(GOOD_ROWS, COLS, delimiter="\t").encode(codec))
    assert_good(raw)
    assert (raw.encoding, raw.delimiter) == (codec, "\t")


def test_cp1258_is_read_to_nfc_with_a_warning(tmp_path):
    evidence = "Trong nhiệm kỳ kết nạp được 711 đảng viên; Đảng bộ phường đạt tỷ lệ hộ nghèo giảm"
    rows = [fig(evidence=evidence, unit="đảng viên", period_text="nhiệm kỳ")]
    data = to_cp1258(csv_text(rows, COLS))
    assert b"\xf0a\xd2ng" in data  # 'đảng' stored as đ, a, combining hook above (0xD2), n, g
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    raw = read(tmp_path, data)
    assert raw.readable
    assert raw.encoding == "cp1258"
    assert raw.frame.loc[2, "evidence"] == unicodedata.normalize("NFC", evidence)
    assert raw.frame.loc[2, "unit"] == "đảng viên"
    assert records(raw) == rows
    p = one(raw, "not_utf8")
    assert p.severity == "warning" and p.row is None
    assert codes(raw.problems, "error") == []


def test_nfd_text_comes_back_nfc(tmp_path):
    text = unicodedata.normalize("NFD", csv_text(GOOD_ROWS, COLS))
    raw = read(tmp_path, text.encode("utf-8"))
    assert_good(raw)
    assert raw.frame.loc[3, "unit"] == "đảng viên"
    assert all(unicodedata.is_normalized("NFC", v) for v in raw.frame.to_numpy().ravel())


def test_no_break_spaces_become_spaces_and_cells_are_stripped(tmp_path):
    row = fig(evidence="\u00a0Năm\u00a02021 đạt\u202f118% kế hoạch ", value=" 118\u00a0", unit="\u202f%")
    raw = read(tmp_path, csv_text([row], COLS).encode("utf-8"))
    assert raw.readable
    assert raw.frame.loc[2, "evidence"] == "Năm 2021 đạt 118% kế hoạch"
    assert raw.frame.loc[2, "value"] == "118"
    assert raw.frame.loc[2, "unit"] == "%"


def test_header_names_are_matched_loosely(tmp_path):
    text = csv_text(GOOD_ROWS, COLS).replace("flag,annotator,note", " FLAG ,Annotator,\u00a0note", 1)
    raw = read(tmp_path, text.encode("utf-8"))
    assert_good(raw)


def test_columns_in_any_order_and_optional_ones_missing(tmp_path):
    cols = list(reversed(ANNOTATIONS.required))
    rows = [{c: r[c] for c in cols} for r in GOOD_ROWS]
    raw = read(tmp_path, csv_text(rows, cols).encode("utf-8"))
    assert raw.readable and len(raw.problems) == 0
    assert list(raw.frame.columns) == COLS
    assert raw.frame["value"].tolist() == [r["value"] for r in GOOD_ROWS]
    assert raw.frame["note"].tolist() == [""] * len(GOOD_ROWS)


def test_blank_rows_skipped_and_rows_numbered_as_in_a_spreadsheet(tmp_path):
    head = csv_text([fig(evidence="dòng một\ndòng hai")], COLS)  # a cell over two lines is still one row
    tail = csv_text([fig(value="5")], COLS).split("\n", 1)[1]
    text = head + "\n" + "," * (len(COLS) - 1) + "\n" + tail
    raw = read(tmp_path, text.encode("utf-8"))
    assert raw.readable and len(raw.problems) == 0
    assert list(raw.frame.index) == [2, 5]
    assert raw.frame.loc[2, "evidence"] == "dòng một\ndòng hai"
    assert raw.frame.loc[5, "value"] == "5"


# --------------------------------------------------------------------------------- refused files


@pytest.mark.parametrize(
    "data, fragment",
    [(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40 + b"[Content_Types].xml", ".xlsx"),
     (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, ".xls")],
)
def test_workbook_saved_as_csv(tmp_path, data, fragment):
    raw = read(tmp_path, data)
    assert raw.readable is False
    p = one(raw, "spreadsheet_not_csv")
    assert p.severity == "error" and p.row is None
    assert fragment in p.message
    assert "CSV UTF-8" in p.fix
    assert raw.frame.empty and list(raw.frame.columns) == COLS


def test_stray_nul_byte_leaves_out_its_row_only(tmp_path):
    rows = [fig(), fig(value="5")]
    data = csv_text(rows, COLS).encode("ascii", "ignore")
    first, rest = data.split(b"phuong-a", 1)
    data = first + b"phuong\x00a" + rest  # a NUL in row 2's locality_id
    assert data.count(b"\x00") == 1
    raw = read(tmp_path, data)
    assert raw.readable is True
    p = one(raw, "nul_byte")
    assert (p.severity, p.row, p.column, p.value) == ("error", 2, "locality_id", "phuong\\x00a")
    assert "NUL" in p.message
    assert list(raw.frame.index) == [3] and raw.frame.loc[3, "value"] == "5"
    assert raw.skipped == 1


def test_other_control_character_leaves_out_its_row(tmp_path):
    data = csv_text([fig(note="a\x01b"), fig(value="5")], COLS).encode("utf-8")
    raw = read(tmp_path, data)
    p = one(raw, "control_character")
    assert (p.row, p.column) == (2, "note") and "\\x01" in p.message
    assert list(raw.frame.index) == [3]


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x00\x01\x02\x03" * 100,
                                  b"locality_id,metric_id\n" + b"\x00" * 50])
def test_binary_file_with_nul_bytes(tmp_path, data):
    raw = read(tmp_path, data)
    assert raw.readable is False
    p = one(raw, "binary_file")
    assert p.severity == "error" and p.row is None


@pytest.mark.parametrize("data, what", [(b"%PDF-1.7\n%\xe2\xe3", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"),
                                        (b"\xff\xd8\xff\xe0", "JPEG"), (b"\x1f\x8b\x08\x00", "gzip")])
def test_known_binary_formats_are_named(tmp_path, data, what):
    raw = read(tmp_path, data + b"locality_id,metric_id" * 3)
    p = one(raw, "binary_file")
    assert what in p.message


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, data):
    raw = read(tmp_path, data)
    assert raw.readable is False
    p = one(raw, "empty_file")
    assert p.severity == "error" and p.row is None
    assert ",".join(COLS) in p.fix


def test_header_only(tmp_path):
    raw = read(tmp_path, (",".join(COLS) + "\n").encode("utf-8"))
    assert raw.readable is True
    assert raw.frame.empty and list(raw.frame.columns) == COLS
    p = one(raw, "no_rows")
    assert p.severity == "warning"
    assert raw.problems.errors == []


def test_unrelated_header(tmp_path):
    raw = read(tmp_path, b"foo,bar\n1,2\n")
    assert raw.readable is False
    p = one(raw, "no_header")
    assert p.row == 1 and p.value == "foo,bar"
    assert ",".join(COLS) in p.fix


@pytest.mark.parametrize("column", ["unit", "locality_id", "evidence"])
def test_missing_required_column(tmp_path, column):
    cols = [c for c in COLS if c != column]
    rows = [{c: r[c] for c in cols} for r in GOOD_ROWS]
    raw = read(tmp_path, csv_text(rows, cols).encode("utf-8"))
    assert raw.readable is False
    assert raw.frame.empty
    p = one(raw, "missing_column")
    assert (p.row, p.column, p.severity) == (1, column, "error")
    assert f"'{column}'" in p.message and f"'{column}'" in p.fix


def test_missing_optional_column_is_fine(tmp_path):
    cols = [c for c in COLS if c != "flag"]
    rows = [{c: r[c] for c in cols} for r in GOOD_ROWS]
    raw = read(tmp_path, csv_text(rows, cols).encode("utf-8"))
    assert raw.readable and len(raw.problems) == 0
    assert raw.frame["flag"].tolist() == [""] * len(GOOD_ROWS)


def test_duplicate_column_disagreeing_leaves_out_that_row(tmp_path):
    header = ",".join(COLS + ["value"])
    cells = ["phuong-a", "budget_revenue_pct_plan", "result", "118"] + [""] * (len(COLS) - 4)
    text = f"{header}\n" + ",".join(cells + ["119"]) + "\n" + ",".join(cells + ["118"]) + "\n"
    raw = read(tmp_path, text.encode("utf-8"))
    assert raw.readable is True
    found = sorted((p.severity, p.row, p.column) for p in raw.problems if p.code == "duplicate_column")
    assert found == [("error", 2, "value"), ("warning", 1, "value")]
    head = next(p for p in raw.problems if p.row == 1)
    assert "twice" in head.message or "2 times" in head.message
    assert f"D and {chr(ord('A') + len(COLS))}" in head.message  # the copy sits after the last column
    row = next(p for p in raw.problems if p.row == 2)
    assert row.value == "118 | 119" and "left out" in row.message
    assert list(raw.frame.index) == [3] and raw.frame.loc[3, "value"] == "118"


def test_duplicate_column_agreeing_is_read(tmp_path):
    rows = [dict(r, extra=r["value"]) for r in GOOD_ROWS]
    text = csv_text(rows, COLS + ["extra"]).replace(",extra\n", ",Value\n", 1)
    raw = read(tmp_path, text.encode("utf-8"))
    assert raw.problems.errors == []
    assert records(raw) == GOOD_ROWS
    assert [p.code for p in raw.problems] == ["renamed_column", "duplicate_column"]


def test_duplicate_column_differing_in_case(tmp_path):
    header = ",".join(COLS + ["Value "])
    raw = read(tmp_path, f"{header}\n".encode("utf-8"))
    assert one(raw, "duplicate_column").column == "value"


def test_renamed_required_column(tmp_path):
    text = csv_text(GOOD_ROWS, COLS).replace("metric_id", "metric", 1)
    raw = read(tmp_path, text.encode("utf-8"))
    assert raw.readable is False
    unknown = one(raw, "unknown_column")
    assert (unknown.severity, unknown.row, unknown.column) == ("warning", 1, "metric")
    assert "rename it to 'metric_id'" in unknown.fix
    missing = one(raw, "missing_column")
    assert missing.column == "metric_id"


def test_renamed_optional_column_is_ignored_with_a_hint(tmp_path):
    text = csv_text(GOOD_ROWS, COLS).replace(",note,", ",notes,", 1)
    raw = read(tmp_path, text.encode("utf-8"))
    assert raw.readable is True
    p = one(raw, "unknown_column")
    assert (p.severity, p.row, p.column) == ("warning", 1, "notes")
    assert "rename it to 'note'" in p.fix
    assert raw.frame["note"].tolist() == [""] * len(GOOD_ROWS)
    assert raw.frame["value"].tolist() == [r["value"] for r in GOOD_ROWS]


def test_unrelated_extra_column_is_ignored(tmp_path):
    cols = COLS + ["xyz_qwerty"]
    rows = [dict(r, xyz_qwerty="rác") for r in GOOD_ROWS]
    raw = read(tmp_path, csv_text(rows, cols).encode("utf-8"))
    assert raw.readable is True
    p = one(raw, "unknown_column")
    assert p.column == "xyz_qwerty"
    assert "delete it or rename it" in p.fix
    assert records(raw) == GOOD_ROWS


def test_unquoted_decimal_comma_gives_wrong_cell_count_on_that_row(tmp_path):
    rows = [fig(), fig(value="9,77"), fig(value="5")]
    text = csv_text(rows, COLS).replace('"9,77"', "9,77")
    assert ",9,77," in text.splitlines()[2] and '"' not in text
    raw = read(tmp_path, text.encode("utf-8"))
    assert raw.readable is True
    p = one(raw, "wrong_cell_count")
    assert (p.severity, p.row) == ("error", 3)
    assert f"{len(COLS) + 1} cells" in p.message and f"header has {len(COLS)}" in p.message
    assert '"9,77"' in p.fix
    assert list(raw.frame.index) == [2, 4]
    assert raw.frame["value"].tolist() == ["118", "5"]


def test_short_row_gives_wrong_cell_count(tmp_path):
    text = csv_text([fig(), fig(value="5")], COLS) + "phuong-a,x\n"
    raw = read(tmp_path, text.encode("utf-8"))
    p = one(raw, "wrong_cell_count")
    assert (p.row, p.value) == (4, "phuong-a,x")
    assert "fill the missing cells" in p.fix
    assert list(raw.frame.index) == [2, 3]


def truncated(rows) -> str:
    return csv_text(rows, COLS) + 'phuong-a,budget_revenue_pct_plan,result,118,,exact,%,2021,2021,stated,"năm 20'


def test_truncated_file_reports_malformed_csv(tmp_path):
    raw = read(tmp_path, truncated(GOOD_ROWS).encode("utf-8"))
    p = one(raw, "malformed_csv")
    assert (p.severity, p.row) == ("error", len(GOOD_ROWS) + 2)
    assert f"after row {len(GOOD_ROWS) + 1}" in p.message
    assert "unclosed quote" in p.fix


def test_truncated_file_keeps_earlier_rows(tmp_path):
    raw = read(tmp_path, truncated(GOOD_ROWS).encode("utf-8"))
    assert list(raw.frame.index) == list(range(2, len(GOOD_ROWS) + 2))
    assert records(raw) == GOOD_ROWS


@pytest.mark.parametrize("garbled", ["Ä‘áº£ng viÃªn", "Ä‘"])
def test_mojibake(tmp_path, garbled):
    text = csv_text([fig(unit="đảng viên", evidence=f"kết nạp được 711 {garbled}")], COLS)
    raw = read(tmp_path, text.encode("utf-8"))
    assert raw.readable is False
    p = one(raw, "mojibake")
    assert p.severity == "error"
    assert p.value == "Ä‘"
    assert "double-encoded" in p.message


def test_real_mojibake_from_double_encoding(tmp_path):
    good = csv_text(GOOD_ROWS, COLS)
    garbled = good.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    raw = read(tmp_path, garbled)
    assert raw.readable is False
    assert codes(raw.problems) == ["mojibake"]


def test_capital_a_tilde_before_no_break_space_is_not_mojibake(tmp_path):
    text = csv_text([fig(evidence="UBND XÃ\u00a0TÂN LẬP: năm 2021 đạt 118% kế hoạch")], COLS)
    raw = read(tmp_path, text.encode("utf-8"))
    assert codes(raw.problems) == []
    assert raw.frame.loc[2, "evidence"] == "UBND XÃ TÂN LẬP: năm 2021 đạt 118% kế hoạch"


def test_missing_file(tmp_path):
    raw = read_table(tmp_path / "nope.csv", ANNOTATIONS, NAME)
    assert raw.readable is False
    p = one(raw, "unreadable")
    assert "cannot open" in p.message


def test_name_defaults_to_the_path(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    raw = read_table(path, ANNOTATIONS)
    assert raw.name == str(path)
    assert [p.file for p in raw.problems] == [str(path)]


# ---------------------------------------------------------------------------------------- decode


def test_decode_plain_and_nfd():
    problems = Problems()
    assert decode(unicodedata.normalize("NFD", "tỷ đồng").encode("utf-8"), "f", problems) == ("tỷ đồng", "utf-8")
    assert decode("tỷ".encode("utf-16"), "f", problems) == ("tỷ", "utf-16")
    assert decode(b"\xef\xbb\xbfabc", "f", problems) == ("abc", "utf-8-sig")
    assert len(problems) == 0


def test_decode_cp1258_warns():
    problems = Problems()
    text, encoding = decode(to_cp1258("Đảng viên"), "f", problems)
    assert (text, encoding) == ("Đảng viên", "cp1258")
    assert [(p.code, p.file, p.severity) for p in problems] == [("not_utf8", "f", "warning")]


@pytest.mark.parametrize(
    "data, fragment",
    [(b"\xff\xfe" + "abc".encode("utf-16-le")[:-1], "not valid UTF-16"),
     (b"abc\x81\x8d\x8e", "neither UTF-8 nor Windows-1258")],
)
def test_decode_bad_encoding(data, fragment):
    problems = Problems()
    assert decode(data, "f", problems)[0] is None
    assert [(p.code, p.file) for p in problems] == [("bad_encoding", "f")]
    assert fragment in problems.items[0].message
    assert "CSV UTF-8" in problems.items[0].fix


def test_raw_table_defaults():
    raw = RawTable("f", pd.DataFrame())
    assert (raw.encoding, raw.delimiter, raw.decimal, raw.readable) == ("", ",", None, True)
    assert len(raw.problems) == 0


# ------------------------------------------------------------------------ hostile layouts, clear messages


def test_excel_sep_line_sets_the_separator_and_is_not_a_row(tmp_path):
    raw = read(tmp_path, ("sep=;\r\n" + csv_text(GOOD_ROWS, COLS, delimiter=";", lineterminator="\r\n")).encode())
    assert_good(raw)
    assert (raw.delimiter, raw.decimal) == (";", ",")


def test_title_row_above_the_header_is_named(tmp_path):
    raw = read(tmp_path, ("Bảng số liệu\n" + csv_text(GOOD_ROWS, COLS)).encode())
    p = one(raw, "no_header")
    assert "the header seems to be on row 2" in p.message


def test_deleted_header_row_is_named(tmp_path):
    raw = read(tmp_path, csv_text(GOOD_ROWS, COLS).split("\n", 1)[1].encode())
    assert "header row may have been deleted" in one(raw, "no_header").message


def test_row_in_another_separator_says_so(tmp_path):
    extra = csv_text([fig(value="5")], COLS, delimiter=";").split("\n", 1)[1]
    raw = read(tmp_path, (csv_text(GOOD_ROWS, COLS) + extra).encode())
    p = one(raw, "wrong_cell_count")
    assert p.row == len(GOOD_ROWS) + 2 and "separated by ';' but the file by ','" in p.fix
    assert records(raw) == GOOD_ROWS


def test_merge_conflict_markers_are_named_and_both_versions_read(tmp_path):
    ours, theirs = (csv_text([fig(value=v)], COLS).split("\n", 1)[1] for v in ("120", "121"))
    text = csv_text(GOOD_ROWS[:1], COLS) + "<<<<<<< HEAD\n" + ours + "=======\n" + theirs + ">>>>>>> main\n"
    raw = read(tmp_path, text.encode())
    assert [(p.code, p.row) for p in raw.problems] == [("merge_conflict", 3), ("merge_conflict", 5),
                                                       ("merge_conflict", 7)]
    assert raw.frame["value"].tolist() == ["118", "120", "121"]


def test_headers_renamed_by_a_spreadsheet_are_read_and_reported(tmp_path):
    text = csv_text(GOOD_ROWS, COLS).replace("metric_id,figure_type", "Metric ID,Figure-Type", 1)
    raw = read(tmp_path, text.encode())
    assert_good(raw)
    assert sorted((p.code, p.column, p.value) for p in raw.problems) == [
        ("renamed_column", "figure_type", "Figure-Type"), ("renamed_column", "metric_id", "Metric ID")]


def test_invisible_characters_leave_ids_but_not_texts(tmp_path):
    row = fig(locality_id="phuong\u200b-a", unit="%\u2060", evidence="Năm 2021\u200b đạt 118% kế hoạch")
    raw = read(tmp_path, csv_text([row], COLS).encode())
    assert raw.frame.loc[2, "locality_id"] == "phuong-a" and raw.frame.loc[2, "unit"] == "%"
    assert raw.frame.loc[2, "evidence"] == "Năm 2021\u200b đạt 118% kế hoạch"


def test_cell_longer_than_the_csv_module_limit_is_read(tmp_path):
    raw = read(tmp_path, csv_text([fig(note="x" * 200_000), fig(value="5")], COLS).encode())
    assert raw.problems.errors == []
    assert len(raw.frame.loc[2, "note"]) == 200_000 and raw.frame.loc[3, "value"] == "5"


def test_word_document_under_a_csv_name(tmp_path):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    p = one(read(tmp_path, buf.getvalue()), "binary_file")
    assert "Word document" in p.message


def test_dos_end_of_file_mark_is_ignored(tmp_path):
    assert_good(read(tmp_path, csv_text(GOOD_ROWS, COLS).encode() + b"\x1a"))
