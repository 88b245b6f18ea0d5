"""Spreadsheet round trips: an annotation file opened and saved again by Excel, LibreOffice Calc or Google Sheets
loads to the same figures, and what a spreadsheet mangles (a fraction turned into a date) is refused, never misread.

Each program is imitated on the five shipped annotation files by writing them the way it writes CSV:

- Excel, Vietnamese locale, 'CSV UTF-8': a BOM, ';' between cells (the locale's list separator), CRLF, quotes only
  where needed, numbers with a decimal comma and without leading zeros (02 -> 2).
- LibreOffice Calc, Vietnamese locale, 'Text CSV': UTF-8 without BOM, ';' or ',' as chosen, LF, quotes only where
  needed (so '9,77' is quoted in a ',' file), numbers as Excel does.
- Google Sheets, 'Download -> CSV' of a sheet in the Vietnamese locale: ',' between cells, UTF-8 without BOM, quotes
  only where needed, no line break after the last row; both line endings are tried.

The last test runs the real LibreOffice (`soffice --headless`) when it is installed.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from helpers import check, paths

SHIPPED = sorted((paths.DATA / "annotations").glob("*.csv"))
NUMERIC = ("value", "value_high")  # the cells a spreadsheet reads as numbers
COMPARED = ["figure_id", "locality_id", "metric_id", "figure_type", "value", "value_high", "out_of", "unit",
            "qualifier", "period_start", "period_end", "period_basis", "period_text", "reference", "reference_period",
            "evidence", "flag", "annotator", "note", "unit_as_written", "source_row"]


def _texts():
    return paths.texts_dir() if paths.texts_dir().is_dir() else None


def figures(data_dir: Path) -> tuple[pd.DataFrame, list]:
    """The figures of a data folder (evidence checked when the texts are here) and its errors."""
    report = check(data_dir, _texts())
    return report.figures[COMPARED].sort_values("figure_id").reset_index(drop=True), report.errors


@pytest.fixture(scope="module")
def original() -> pd.DataFrame:
    table, errors = figures(paths.DATA)
    assert not errors and len(table) == 65
    return table


def as_number(cell: str) -> str:
    """What a spreadsheet in a decimal-comma locale writes back for a cell it read as a number."""
    if re.fullmatch(r"\d+(,\d+)?", cell):
        whole, _, frac = cell.partition(",")
        return str(int(whole)) + ("," + frac.rstrip("0") if frac.rstrip("0") else "")
    return cell  # fractions and words stay text


def rewrite(path: Path, *, delimiter: str, lineterminator: str, bom: bool, final_newline: bool = True,
            cell=as_number) -> bytes:
    """The file `path` as a spreadsheet program saves it."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    numeric = [i for i, h in enumerate(rows[0]) if h in NUMERIC]
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    w.writerow(rows[0])
    w.writerows([[cell(c) if i in numeric else c for i, c in enumerate(r)] for r in rows[1:]])
    text = out.getvalue() if final_newline else out.getvalue()[:-len(lineterminator)]
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


PROGRAMS = {
    "excel-vn-csv-utf8": dict(delimiter=";", lineterminator="\r\n", bom=True),
    "libreoffice-vn-semicolon": dict(delimiter=";", lineterminator="\n", bom=False),
    "libreoffice-vn-comma": dict(delimiter=",", lineterminator="\n", bom=False),
    "google-sheets-crlf": dict(delimiter=",", lineterminator="\r\n", bom=False, final_newline=False),
    "google-sheets-lf": dict(delimiter=",", lineterminator="\n", bom=False, final_newline=False),
}


@pytest.mark.parametrize("program", PROGRAMS)
def test_saved_again_by_a_spreadsheet_the_figures_are_the_same(program, data_copy, original):
    for path in SHIPPED:
        (data_copy / "annotations" / path.name).write_bytes(rewrite(path, **PROGRAMS[program]))
    sample = (data_copy / "annotations" / "dong-ha-2023-review.csv").read_bytes()
    assert sample.startswith(b"\xef\xbb\xbf") == PROGRAMS[program]["bom"]
    assert (b"\r\n" in sample) == (PROGRAMS[program]["lineterminator"] == "\r\n")
    again, errors = figures(data_copy)
    assert errors == []
    pd.testing.assert_frame_equal(again, original)


def test_the_rewrites_really_change_the_cells():
    saved = rewrite(paths.DATA / "annotations" / "ngoc-thuy-midterm-2023.csv", **PROGRAMS["excel-vn-csv-utf8"])
    text = saved.decode("utf-8-sig")
    assert ";2;;exact;tuyến;" in text and ";93,15;93,9;exact;" in text  # 02 lost its zero, decimals unquoted
    assert ";12/12;;" in text and ";11 tỷ 708 triệu;;" in text


def as_date(cell: str) -> str:
    """Excel or Sheets importing with 'convert to numbers and dates': 12/12 becomes a date (dd/mm/yyyy)."""
    return f"{cell}/2025" if re.fullmatch(r"\d{1,2}/\d{1,2}", cell) else as_number(cell)


def test_a_fraction_turned_into_a_date_is_refused_not_misread(data_copy, original):
    for path in SHIPPED:
        (data_copy / "annotations" / path.name).write_bytes(
            rewrite(path, **PROGRAMS["excel-vn-csv-utf8"], cell=as_date))
    again, errors = figures(data_copy)
    assert sorted(p.value for p in errors if p.column == "value") == ["04/06/2025", "12/12/2025", "3/3/2025"]
    assert all(p.severity == "error" for p in errors)
    kept = original[original["figure_id"].isin(again["figure_id"])].reset_index(drop=True)
    assert len(kept) == len(original) - 3
    pd.testing.assert_frame_equal(again, kept)  # everything that loads is exactly what was annotated


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice(files: list[Path], out: Path, profile: Path, *, separator: str, detect_special_numbers: bool):
    """Open each CSV in LibreOffice Calc (Vietnamese locale) and save it again as CSV, headless."""
    # Import: ',' separated, '"' quotes, UTF-8 (76), from line 1, standard columns, Vietnamese (1066),
    # quoted fields not forced to text, special numbers (dates) detected or not.
    infilter = f"CSV:44,34,76,1,,1066,false,{str(detect_special_numbers).lower()}"
    # Export: the chosen separator, '"' quotes, UTF-8, quote only where needed, cells saved as shown.
    outfilter = f"csv:Text - txt - csv (StarCalc):{ord(separator)},34,76,1,,1066,false,true,true"
    env = {**os.environ, "LC_ALL": "vi_VN.UTF-8", "LANG": "vi_VN.UTF-8", "LANGUAGE": "vi"}
    result = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                             f"--infilter={infilter}", "--convert-to", outfilter, "--outdir", str(out),
                             *map(str, files)], env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    return [out / f.name for f in files]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (soffice not on PATH): "
                                            "apt-get install libreoffice-calc-nogui to run the real round trip")
@pytest.mark.parametrize("separator", [";", ","])
def test_real_libreoffice_round_trip(separator, data_copy, tmp_path, original):
    saved = libreoffice(SHIPPED, tmp_path / "out", tmp_path / "profile", separator=separator,
                        detect_special_numbers=False)
    for path in saved:
        shutil.copy(path, data_copy / "annotations" / path.name)
    text = (data_copy / "annotations" / "ngoc-thuy-midterm-2023.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].count(separator) == 16
    assert "93,15" in text and "12/12" in text  # Vietnamese decimal comma; fractions kept as text
    again, errors = figures(data_copy)
    assert errors == []
    pd.testing.assert_frame_equal(again, original)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (soffice not on PATH): "
                                            "apt-get install libreoffice-calc-nogui to run the real round trip")
def test_real_libreoffice_with_date_detection_refuses_the_fractions(data_copy, tmp_path, original):
    saved = libreoffice(SHIPPED, tmp_path / "out", tmp_path / "profile", separator=";", detect_special_numbers=True)
    for path in saved:
        shutil.copy(path, data_copy / "annotations" / path.name)
    again, errors = figures(data_copy)
    assert {p.file.rsplit("/", 1)[-1] for p in errors} == {"ngoc-thuy-midterm-2023.csv", "tu-son-kl01-2022.csv"}
    assert len({(p.file, p.row) for p in errors}) == 3 and {p.column for p in errors} == {"value"}
    kept = original[original["figure_id"].isin(again["figure_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(again, kept)
