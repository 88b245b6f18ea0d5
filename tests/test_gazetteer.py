"""add-locality: a unit from the official lists into localities.csv in one command, or a refusal that changes nothing.

The expected codes are those of vietnamadminunits 1.0.4 (GSO codes as the package ships them)."""
from __future__ import annotations

import csv
import subprocess
import sys
import unicodedata

import pytest

try:
    import vietnamadminunits  # noqa: F401
except ImportError:
    pytest.skip("vietnamadminunits is not installed: `pip install 'vietnamadminunits>=1.0.4'` (a project dependency) "
                "to test add-locality", allow_module_level=True)

from helpers import check, paths
from helpers.gazetteer import GazetteerError, add_locality, canonical, package_version
from helpers.io import read_table
from helpers.schema import LOCALITIES
from tests.conftest import LOCALITY_ROWS, csv_text

V = package_version()
OLD_NOTE = (f"Added by add-locality: official_code from vietnamadminunits {V} (the list before 1 July 2025); "
            f"validity from vietnamadminunits {V}; confirm against the resolution.")
NEW_NOTE = OLD_NOTE.replace("before 1 July", "from 1 July")
KEPT_NOTE = (f"Added by add-locality: official_code from vietnamadminunits {V} (the list before 1 July 2025); "
             f"not merged on 1 July 2025 according to vietnamadminunits {V}; confirm against the resolution.")


def loc(locality_id, name, level, parent_id="", province_id="", **over) -> dict:
    row = dict.fromkeys(LOCALITIES.columns, "")
    row.update(locality_id=locality_id, name=name, level=level, parent_id=parent_id,
               province_id=province_id or locality_id, **over)
    return row


HA_NOI = [loc("tp-ha-noi", "Hà Nội", "municipality"),
          loc("quan-long-bien", "Long Biên", "urban_district", "tp-ha-noi", "tp-ha-noi", valid_to="2025-06-30")]


def run(*args):
    """The command line in a real subprocess, as users run it."""
    return subprocess.run([sys.executable, "-m", "helpers", "add-locality", *map(str, args)], capture_output=True,
                          text=True, cwd=paths.ROOT, timeout=120)


def rows_of(data) -> list[dict]:
    raw = read_table(data / "localities.csv", LOCALITIES)
    assert raw.readable, raw.problems.errors
    return raw.frame.fillna("").to_dict("records")


def no_errors(data):
    report = check(data, None)
    assert not report.errors, report.render(None)


def test_one_match_writes_the_exact_row_after_every_existing_byte(make_data):
    data, _ = make_data(localities=LOCALITY_ROWS + HA_NOI)
    before = (data / "localities.csv").read_bytes()
    added = add_locality("Phường Ngọc Lâm", data_dir=data)
    assert added.rows == [{
        "locality_id": "phuong-ngoc-lam", "name": "Ngọc Lâm", "level": "ward", "parent_id": "quan-long-bien",
        "province_id": "tp-ha-noi", "valid_from": "", "valid_to": "2025-06-30", "official_code": "00133",
        "validity_source": "", "notes": OLD_NOTE}]
    after = (data / "localities.csv").read_bytes()
    assert after.startswith(before)
    assert rows_of(data)[-1] == added.rows[0]
    assert not (data / "successions.csv").exists(), "a candidate successor is printed, never written"
    assert [p.name for p in data.iterdir() if p.name.startswith(".")] == [], "no temporary file left behind"
    no_errors(data)


def test_parents_are_added_in_the_same_write_and_names_tolerate_case_and_nfd(make_data):
    data, _ = make_data()
    added = add_locality(unicodedata.normalize("NFD", "phường ngọc lâm"), data_dir=data)
    assert [(r["locality_id"], r["level"], r["parent_id"], r["province_id"], r["official_code"], r["valid_to"])
            for r in added.rows] == [
        ("tp-ha-noi", "municipality", "", "tp-ha-noi", "01", ""),  # Hà Nội was not merged in 2025
        ("quan-long-bien", "urban_district", "tp-ha-noi", "tp-ha-noi", "004", "2025-06-30"),
        ("phuong-ngoc-lam", "ward", "quan-long-bien", "tp-ha-noi", "00133", "2025-06-30")]
    assert added.rows[0]["notes"] == KEPT_NOTE
    assert [r["locality_id"] for r in rows_of(data)] == ["tp-thu", "phuong-a", "tp-ha-noi", "quan-long-bien",
                                                          "phuong-ngoc-lam"]
    no_errors(data)


def test_a_new_unit_whose_id_belongs_to_an_older_unit_gets_2025(make_data):
    data, _ = make_data(localities=LOCALITY_ROWS + [loc("tinh-bac-ninh", "Bắc Ninh", "province", valid_to="2025-06-30")])
    added = add_locality("Phù Khê", new=True, data_dir=data)
    assert [(r["locality_id"], r["parent_id"], r["province_id"], r["official_code"], r["valid_from"], r["valid_to"])
            for r in added.rows] == [
        ("tinh-bac-ninh-2025", "", "tinh-bac-ninh-2025", "24", "2025-07-01", ""),
        ("phuong-phu-khe-2025", "tinh-bac-ninh-2025", "tinh-bac-ninh-2025", "09379", "2025-07-01", "")]
    assert added.rows[1]["notes"] == NEW_NOTE
    assert any(n.startswith("candidate predecessor: Phường Phù Khê, Thành phố Từ Sơn, Tỉnh Bắc Ninh (09379)")
               for n in added.notes)
    no_errors(data)


def test_the_cli_prints_the_row_and_a_candidate_successor_it_does_not_write(make_data):
    data, _ = make_data(localities=LOCALITY_ROWS + HA_NOI)
    result = run("Phường", "Ngọc", "Lâm", "--data", data)  # quotes are optional
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[:3] == ["Found Phường Ngọc Lâm, Quận Long Biên, Thành phố Hà Nội (00133).",
                       f"Added 1 row(s) to {data / 'localities.csv'}:", ",".join(LOCALITIES.columns)]
    assert "  note: candidate successor: Phường Bồ Đề (code 00118), Thành phố Hà Nội; confirm against the " \
           "resolution and add to data/successions.csv with share whole/part" in out
    assert not (data / "successions.csv").exists()


def test_an_older_kind_word_finds_the_unit_and_says_so(make_data):
    data, _ = make_data()
    added = add_locality("xã Hương Mạc", data_dir=data, dry_run=True)  # a phường since 2021
    assert added.rows[-1]["locality_id"] == "phuong-huong-mac"
    assert added.notes[0] == "no xã of that name in the list before 1 July 2025; found as phường"


def test_several_matches_exit_1_listing_them_and_how_to_narrow(make_data):
    data, _ = make_data()
    before = (data / "localities.csv").read_bytes()
    result = run("Ngọc Lâm", "--data", data)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: 'Ngọc Lâm' matches 3 units in the list before 1 July 2025:",
        "  Phường Ngọc Lâm, Quận Long Biên, Thành phố Hà Nội (00133)",
        "  Xã Ngọc Lâm, Thị xã Mỹ Hào, Tỉnh Hưng Yên (12136)",
        "  Xã Ngọc Lâm, Huyện Thanh Chương, Tỉnh Nghệ An (17759)",
        "fix: narrow it with --district or --province, or put the kind word before the name (\"phường …\", "
        "\"quận …\"), then run again"]
    assert (data / "localities.csv").read_bytes() == before
    narrowed = add_locality("Ngọc Lâm", province="tỉnh Hưng Yên", data_dir=data, dry_run=True)
    assert narrowed.rows[-1]["official_code"] == "12136" and narrowed.rows[-1]["locality_id"] == "xa-ngoc-lam"


def test_an_unknown_name_exits_1_with_the_closest_names(make_data):
    data, _ = make_data()
    result = run("Phường Ngọc Lâmm", "--data", data)
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert err[0] == f"error: no unit named 'Phường Ngọc Lâmm' in the list before 1 July 2025 (vietnamadminunits {V}): closest names:"
    assert err[1] == "  Phường Ngọc Lâm, Quận Long Biên, Thành phố Hà Nội (00133)"
    assert err[-1].startswith("fix: check the spelling; for a unit formed on 1 July 2025 use --new")


def test_an_id_already_in_the_gazetteer_is_refused_and_nothing_written(make_data):
    other = loc("phuong-ngoc-lam", "Ngọc Lâm", "ward", "tp-thu", "tp-thu")  # another unit of that name
    data, _ = make_data(localities=LOCALITY_ROWS + HA_NOI + [other])
    before = (data / "localities.csv").read_bytes()
    result = run("Phường Ngọc Lâm", "--data", data)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: 'phuong-ngoc-lam' is already in {data / 'localities.csv'} (Ngọc Lâm, ward, province tp-thu), another unit",
        "fix: give this one its own id with --id, e.g. phuong-ngoc-lam-long-bien"]
    assert (data / "localities.csv").read_bytes() == before
    added = add_locality("Phường Ngọc Lâm", locality_id="phuong-ngoc-lam-long-bien", data_dir=data)
    assert added.rows[0]["locality_id"] == "phuong-ngoc-lam-long-bien"
    with pytest.raises(GazetteerError, match="already in .* as 'phuong-ngoc-lam-long-bien'"):
        add_locality("Phường Ngọc Lâm", data_dir=data)  # the same unit again


def test_dry_run_writes_nothing(make_data):
    data, _ = make_data()
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    result = run("Phường Ngọc Lâm", "--data", data, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"Would add 3 row(s) to {data / 'localities.csv'} (dry run: nothing written):" in result.stdout
    assert "phuong-ngoc-lam,Ngọc Lâm,ward,quan-long-bien,tp-ha-noi,00133,,2025-06-30,," in result.stdout
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("delimiter, ending", [(",", "\r"), (";", "\n"), (";", "\r\n"), ("\t", "\r")])
def test_the_files_separator_and_line_ending_are_kept_and_it_stays_readable(make_data, delimiter, ending):
    data, _ = make_data()
    original = csv_text(LOCALITY_ROWS, LOCALITIES.columns, delimiter=delimiter, lineterminator=ending)
    (data / "localities.csv").write_bytes(original.encode("utf-8"))
    add_locality("Phường Ngọc Lâm", data_dir=data)
    after = (data / "localities.csv").read_bytes().decode("utf-8")
    assert after.startswith(original) and after.endswith(ending)
    appended = after[len(original):].split(ending)[:-1]
    assert [len(next(csv.reader([line], delimiter=delimiter))) for line in appended] == [len(LOCALITIES.columns)] * 3
    assert [r["locality_id"] for r in rows_of(data)][-1] == "phuong-ngoc-lam"
    no_errors(data)


def test_a_failed_write_leaves_the_file_unchanged(make_data, monkeypatch):
    import os

    data, _ = make_data()
    before = (data / "localities.csv").read_bytes()

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        add_locality("Phường Ngọc Lâm", data_dir=data)
    assert (data / "localities.csv").read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == ["annotations", "articles.csv", "localities.csv", "metrics.csv"]


def test_canonical_names_ignore_tone_placement_case_and_normal_form():
    assert canonical("Hoà Bình") == canonical("HÒA  bình") == canonical(unicodedata.normalize("NFD", "Hòa Bình"))
    assert canonical("Thuỵ") == canonical("Thụy") != canonical("Thủy")
