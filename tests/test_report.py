"""briefing.docx: numbered figures with captions, sources and caveats, the appendix of articles and
evidence, and the LibreOffice conversion keeping Vietnamese."""
from __future__ import annotations

import pandas as pd
import pytest

docx = pytest.importorskip("docx")

from tests.test_deck import CHOSEN, packs, pdf_text, soffice_pdf, world_data  # noqa: F401  (fixtures)


def paragraphs(pack) -> list:
    return docx.Document(str(pack / "briefing.docx")).paragraphs


def test_numbered_figures_with_caption_and_sources(packs):
    _, chosen = packs
    paras = paragraphs(chosen)
    captions = [p.text for p in paras if p.style.name == "Caption"]
    assert [c.split(".")[0] for c in captions] == [f"Hình {i}" for i in range(1, len(CHOSEN) + 1)]
    assert all("chú thích" in c for c in captions)
    texts = [p.text for p in paras]
    for i, stem in enumerate(CHOSEN):
        csv = pd.read_csv(chosen / f"{stem}.csv")
        after = texts[texts.index(captions[i]) + 1]
        assert after.startswith("Nguồn:")
        for publisher in csv["publisher"].dropna().unique():
            assert publisher in after
    pictures = docx.Document(str(chosen / "briefing.docx")).inline_shapes
    assert len(pictures) == len(CHOSEN)


def test_caveats_under_each_figure(packs):
    _, chosen = packs
    texts = [p.text for p in paragraphs(chosen)]
    assert "Lưu ý khi so sánh:" in texts
    bullets = [p.text for p in paragraphs(chosen) if p.style.name == "List Bullet"]
    assert any("Kỳ số liệu dài ngắn khác nhau" in b for b in bullets)


def test_appendix_lists_every_article_with_its_excerpts(packs):
    _, chosen = packs
    texts = "\n".join(p.text for p in paragraphs(chosen))
    appendix = texts[texts.index("Phụ lục: các bài báo và trích dẫn"):]
    used = pd.concat([pd.read_csv(chosen / f"{stem}.csv") for stem in CHOSEN])
    for title in used["article_title"].unique():
        assert title in appendix
    for excerpt in used["evidence"].unique():
        assert excerpt in appendix


def test_english_report(world_data, tmp_path):  # noqa: F811
    from datetime import date

    from helpers.export import export_pack

    data, texts = world_data
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOCALITY_WORKERS", "1")
        pack = export_pack(data, tmp_path, lang="en", texts=texts, today=date(2026, 11, 21), progress=lambda m: None,
                           charts=["localities-poverty-rate-pct"])
    texts_ = [p.text for p in paragraphs(pack)]
    assert any(t.startswith("Figure 1.") for t in texts_)
    assert "Appendix: articles and evidence excerpts" in texts_


def test_libreoffice_converts_the_report_keeping_vietnamese(packs, tmp_path):
    _, chosen = packs
    text = pdf_text(soffice_pdf(chosen / "briefing.docx", tmp_path))
    assert "Báo cáo giao ban" in text
    assert "Hình 1." in text
    assert "Phụ lục: các bài báo và trích dẫn" in text
