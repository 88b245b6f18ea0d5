"""briefing.pptx: titles, notes, native charts holding the numbers of the chart's CSV, colours, sources,
the analyst's choice of charts and localities, and the LibreOffice conversion keeping Vietnamese."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pandas as pd
import pytest

pptx = pytest.importorskip("pptx")

from helpers.deck import is_picture
from helpers.export import export_pack
from helpers.theme import palette_for
from tests.test_export import world_data  # noqa: F401  (the small world with fixed pack rules, a fixture)

CHOSEN = ["across-terms-party-members-admitted-count", "localities-poverty-rate-pct", "targets-vs-results",
          "coverage"]


@pytest.fixture(scope="module")
def packs(world_data):
    """The world's pack with every chart (the default), and one with four charts chosen."""
    data, texts = world_data
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOCALITY_WORKERS", "1")
        full = export_pack(data, data.parent / "all", texts=texts, today=date(2026, 11, 21), progress=lambda m: None)
        chosen = export_pack(data, data.parent / "chosen", texts=texts, today=date(2026, 11, 21),
                             progress=lambda m: None, charts=CHOSEN)
    return full, chosen


def slides(pack):
    return list(pptx.Presentation(str(pack / "briefing.pptx")).slides)


def texts_of(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def chart_of(slide):
    charts = [s.chart for s in slide.shapes if s.has_chart]
    return charts[0] if charts else None


def test_title_slide_then_one_slide_per_chart(packs):
    full, _ = packs
    pngs = sorted(p.stem for p in full.glob("*.png") if not p.stem.endswith("_a4"))
    deck = slides(full)
    assert "Gói tài liệu giao ban" in texts_of(deck[0])
    assert len(deck) == 1 + len(pngs)


def test_chosen_charts_in_the_chosen_order(packs):
    _, chosen = packs
    deck = slides(chosen)[1:]
    assert len(deck) == len(CHOSEN)
    notes = [s.notes_slide.notes_text_frame.text for s in deck]
    assert [n for n in notes if "Chú thích: chú thích" in n] == notes
    # the first is the across-terms chart: a native line chart
    assert chart_of(deck[0]) is not None and chart_of(deck[0]).chart_type == pptx.enum.chart.XL_CHART_TYPE.LINE_MARKERS


def test_slide_carries_title_subtitle_sources_and_notes(packs):
    _, chosen = packs
    slide = slides(chosen)[2]  # localities-poverty-rate-pct
    texts = texts_of(slide)
    csv = pd.read_csv(chosen / "localities-poverty-rate-pct.csv")
    assert texts[0].strip()  # the title
    assert "%" in texts[1] and "nhiệm kỳ" in texts[1]  # the subtitle: unit and terms
    assert texts[2].startswith("Nguồn:")
    for publisher in csv["publisher"].dropna().unique():
        assert publisher in texts[2]
    notes = slide.notes_slide.notes_text_frame.text
    assert "Trích dẫn nguyên văn" in notes
    for excerpt in csv["evidence"]:
        assert excerpt in notes


def test_native_bar_chart_holds_the_csv_numbers_and_colours(packs):
    _, chosen = packs
    chart = chart_of(slides(chosen)[2])
    csv = pd.read_csv(chosen / "localities-poverty-rate-pct.csv")
    series = chart.plots[0].series[0]
    assert sorted(series.values) == pytest.approx(sorted(csv["value"]))  # a stock: the value as printed
    colours = {str(series.points[i].format.line.color.rgb) for i in range(len(series.values))}
    assert colours <= {c.lstrip("#").upper() for c in palette_for(csv["locality_id"]).values()} | {"C00000"}


def test_native_line_chart_a_series_per_locality(packs):
    _, chosen = packs
    chart = chart_of(slides(chosen)[1])
    csv = pd.read_csv(chosen / "across-terms-party-members-admitted-count.csv")
    assert len(chart.plots[0].series) == csv["locality_id"].nunique()
    cats = list(chart.plots[0].categories)
    assert set(csv["term"]) <= set(cats)
    for s in chart.plots[0].series:
        colour = str(s.format.line.color.rgb)
        assert colour in {c.lstrip("#").upper() for c in palette_for(csv["locality_id"]).values()}
        lid = next(x for x, c in palette_for(csv["locality_id"]).items() if c.lstrip("#").upper() == colour)
        mine = csv[csv["locality_id"] == lid]
        for term, value in zip(cats, s.values):
            if value is None:
                assert term not in set(mine["term"])
                continue
            per_year = mine[mine["term"] == term]["value_per_year"]
            assert per_year.min() - 1e-9 <= value <= per_year.max() + 1e-9  # a term's median of its figures


def test_data_labels_print_the_figure_with_its_qualifier(packs):
    _, chosen = packs
    chart = chart_of(slides(chosen)[2])
    series = chart.plots[0].series[0]
    labels = [series.points[i].data_label.text_frame.text for i in range(len(series.values))]
    assert all(labels)
    assert all("," in x or x.replace("≈", "").replace(">", "").isdigit() for x in labels)  # Vietnamese decimals


def test_pictures_only_where_a_native_chart_cannot_say_it(packs):
    _, chosen = packs
    for slide, stem in zip(slides(chosen)[1:], CHOSEN):
        pictures = [s for s in slide.shapes if s.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.PICTURE]
        notes = slide.notes_slide.notes_text_frame.text
        if is_picture(stem):
            assert pictures and chart_of(slide) is None and "là ảnh của biểu đồ" in notes
            assert not texts_of(slide)  # the picture carries title, subtitle and sources: not said twice
        else:
            assert not pictures and chart_of(slide) is not None and "Biểu đồ PowerPoint gốc" in notes


def test_text_in_a_font_office_and_libreoffice_both_have(packs):
    _, chosen = packs
    names = {r.font.name for s in slides(chosen) for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs}
    assert names == {"Arial"}


def test_localities_choice_keeps_their_figures_only(world_data, tmp_path):
    data, texts = world_data
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOCALITY_WORKERS", "1")
        pack = export_pack(data, tmp_path, texts=texts, today=date(2026, 11, 21), progress=lambda m: None,
                           charts=["localities-poverty-rate-pct"], localities=["phuong-a"])
    deck = slides(pack)
    assert len(deck) == 2
    series = chart_of(deck[1]).plots[0].series[0]
    csv = pd.read_csv(pack / "localities-poverty-rate-pct.csv")
    assert sorted(series.values) == pytest.approx(sorted(csv[csv["locality_id"] == "phuong-a"]["value"]))


def test_unknown_chart_or_locality_refused_with_the_known_ones(world_data, tmp_path):
    data, texts = world_data
    with pytest.raises(ValueError, match="no chart named nope.*coverage"):
        export_pack(data, tmp_path, texts=texts, progress=lambda m: None, charts=["nope"])
    with pytest.raises(ValueError, match="no locality nowhere.*phuong-a"):
        export_pack(data, tmp_path, texts=texts, progress=lambda m: None, localities=["nowhere"])


def test_a_misspelt_chart_is_refused_before_any_chart_is_drawn(world_data, tmp_path):
    data, texts = world_data
    said = []
    with pytest.raises(ValueError, match="no chart named coverag; did you mean: coverage"):
        export_pack(data, tmp_path, texts=texts, progress=said.append, charts=["coverag"])
    assert not [m for m in said if m.startswith("[")]  # no '[1/N] stem' line: nothing was drawn
    assert not list(tmp_path.iterdir())  # and nothing is left behind


def soffice_pdf(path, out):
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: .ci/run installs it in CI")
    subprocess.run([exe, f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    pdf = out / (path.stem + ".pdf")
    assert pdf.is_file()
    return pdf


def pdf_text(pdf) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: .ci/run installs it in CI")
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_libreoffice_converts_the_deck_keeping_vietnamese(packs, tmp_path):
    _, chosen = packs
    text = pdf_text(soffice_pdf(chosen / "briefing.pptx", tmp_path))
    assert "Gói tài liệu giao ban" in text
    assert "So sánh các địa phương qua các nhiệm kỳ" in text
    assert "Nguồn:" in text


def test_native_charts_hold_only_the_highlighted_units_and_say_how_many_are_summarised(world_df):
    """Past the rule's max_labelled, the slide's native chart keeps the units the pack's picture highlights."""
    from helpers import analysis, charts
    from helpers.deck import localities_points, notes_text, sources_of, subtitle_of, terms_series
    from helpers.export import Chart, Plot

    rule = {"max_labelled": 2, "notable": 1}
    metric = "party_members_admitted_count"
    rows = analysis.select(world_df, metric=metric)
    spec = Chart(f"localities-{metric}", "", "caption", Plot(charts.localities_chart, world_df,
                                                             dict(metric=metric, rule=rule)), rows)
    pts = localities_points(spec, "vi")
    assert pts["category"].str.startswith("Phường").all() and pts["figure_id"].nunique() < len(rows)
    assert "nền xám: 1 phường khác" in subtitle_of(spec, "vi")
    assert "chỉ gồm các đơn vị tô màu" in notes_text(spec, "vi")
    assert "Báo Đông" not in sources_of(spec, "vi")  # Quận Đông is another level, not drawn
    terms = Chart(f"across-terms-{metric}", "", "caption", Plot(charts.terms_chart, world_df,
                                                                dict(metric=metric, rule=rule, highlight=["quan-dong"])),
                  rows[rows["term"].notna()])
    _, series = terms_series(terms, "vi")
    assert [lid for lid, *_ in series] == ["quan-dong"]
