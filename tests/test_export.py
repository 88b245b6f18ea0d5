"""The briefing pack, built in a temporary folder: every file written, links resolve, the workbook opens."""
from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook

from helpers import paths
from helpers.export import export_pack, neutralise, safe_stem, save_chart
from helpers.problems import DataError
from tests.conftest import GOOD_ROWS, fig


@pytest.fixture(scope="module")
def pack(tmp_path_factory, request):
    out = tmp_path_factory.mktemp("exports")
    texts = paths.texts_dir() if paths.texts_dir().is_dir() else None
    return export_pack(paths.DATA, out, lang="vi", texts=texts, today=date(2026, 11, 21), progress=lambda m: None)


def test_pack_folder_is_dated(pack):
    assert pack.name == "2026-11-21"
    assert not [p for p in pack.parent.iterdir() if p.name.startswith(".")], "no temporary folder left behind"


def test_every_chart_in_every_format_and_size(pack):
    stems = {p.stem for p in pack.glob("*.csv")}
    expected = {"01-budget-vs-plan", "02-party-vs-plan", "03-military-vs-plan", "04-party-members-admitted-by-term",
                "05-military-recruits-by-term", "coverage"}
    assert expected <= stems
    assert {f"scorecard-{lid}" for lid in ("quan-kien-an", "phuong-ngoc-thuy", "tp-dong-ha", "phuong-thanh-to",
                                           "phuong-phu-chan", "tp-tu-son")} <= stems
    for stem in stems:
        for suffix in ("png", "svg", "pdf"):
            assert (pack / f"{stem}.{suffix}").stat().st_size > 1000
            assert (pack / f"{stem}_a4.{suffix}").stat().st_size > 1000


def test_pdf_embeds_its_font(pack):
    data = (pack / "01-budget-vs-plan.pdf").read_bytes()
    assert b"/FontFile2" in data and b"DejaVuSans" in data


def test_index_links_resolve(pack):
    page = (pack / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"(?:href|src)='([^'#]+)'", page)
    assert links and all((pack / link).exists() for link in links)
    assert "Thành ủy Đông Hà" in page and "Lưu ý khi so sánh" in page


def test_workbook_has_a_sheet_per_chart_and_sources(pack):
    wb = load_workbook(pack / "briefing.xlsx", read_only=True)
    charts = {p.stem for p in pack.glob("*.csv")}
    assert set(wb.sheetnames) == {s[:31] for s in charts} | {"nguon-sources"}
    rows = list(wb["nguon-sources"].iter_rows(values_only=True))
    header = rows[0]
    assert "evidence" in header and "article_title" in header
    evidence = {r[header.index("evidence")] for r in rows[1:]}
    assert "trong nhiệm kỳ kết nạp được 711 đảng viên" in evidence


def test_numbers_behind_a_chart(pack):
    import pandas as pd

    numbers = pd.read_csv(pack / "01-budget-vs-plan.csv", encoding="utf-8-sig")
    assert sorted(numbers["value"]) == [90.2, 92.5, 118.0, 143.0]
    assert numbers["evidence"].notna().all()


def test_second_export_same_day_goes_elsewhere(make_data, tmp_path):
    data, texts = make_data()
    first = export_pack(data, tmp_path / "out", texts=texts, today=date(2026, 1, 2), progress=lambda m: None)
    second = export_pack(data, tmp_path / "out", texts=texts, today=date(2026, 1, 2), progress=lambda m: None)
    assert (first.name, second.name) == ("2026-01-02", "2026-01-02_2")
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())


def test_export_refuses_data_with_errors(make_data, tmp_path):
    data, texts = make_data(GOOD_ROWS + [fig(value="7.210")])
    with pytest.raises(DataError):
        export_pack(data, tmp_path / "out", texts=texts, progress=lambda m: None)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_save_chart_writes_one_stem(tmp_path):
    import matplotlib.pyplot as plt

    f, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    written = save_chart(f, "../../escape me", tmp_path)
    plt.close(f)
    assert {p.name for p in written} == {"escape-me.png", "escape-me.svg", "escape-me.pdf"}
    assert all(p.parent == tmp_path for p in written)


@pytest.mark.parametrize("value, safe", [("=1+1", "'=1+1"), ("+84", "'+84"), ("-x", "'-x"), ("@SUM", "'@SUM"),
                                         ("Đông Hà", "Đông Hà"), (5, 5)])
def test_formula_injection_neutralised(value, safe):
    assert neutralise(value) == safe


def test_safe_stem():
    assert safe_stem("scorecard-phuong-ngoc-thuy") == "scorecard-phuong-ngoc-thuy"
    assert "/" not in safe_stem("a/b/../c")
