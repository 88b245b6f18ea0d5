"""The briefing as a Word report (briefing.docx): headings, each chosen chart as a numbered figure
('Hình 1') with its caption and sources and the caveats under it, and an appendix listing every article
behind the figures with the evidence excerpts used. Set in Arial, like the deck (see helpers/deck.py).
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .deck import FONT, _stamp, _write_stable, evidence_lines, sources_of, subtitle_of

TEXT = {
    "title": ("Báo cáo giao ban: so sánh các địa phương qua các nhiệm kỳ",
              "Briefing report: localities compared across congress terms"),
    "intro": ("Báo cáo gồm {n} biểu đồ. Mỗi số liệu đều dẫn nguyên văn bài báo gốc (xem Phụ lục); số in đáng ngờ "
              "được giữ nguyên và ghi chú, không sửa.",
              "The report holds {n} charts. Every figure quotes its article verbatim (see the Appendix); a doubtful "
              "print is kept as printed and flagged, never corrected."),
    "charts": ("Biểu đồ", "Charts"),
    "figure": ("Hình", "Figure"),
    "source": ("Nguồn", "Sources"),
    "caveats": ("Lưu ý khi so sánh", "Caveats"),
    "appendix": ("Phụ lục: các bài báo và trích dẫn", "Appendix: articles and evidence excerpts"),
    "no_publisher": ("không rõ nơi đăng", "publisher not stated"),
}


def tr(key: str, lang: str) -> str:
    vi, en = TEXT[key]
    return vi if lang == "vi" else en


def _fonts(doc) -> None:
    """Arial for body and headings, in every script slot Word reads (ascii, hAnsi, cs, eastAsia)."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet"):
        style = doc.styles[name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), FONT)
        for theme_slot in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme_slot), None)
        if name != "Normal":
            style.font.color.rgb = RGBColor(0x22, 0x22, 0x22)


def write_report(path: Path, chosen, pack_dir: Path, df: pd.DataFrame, lang: str = "vi", *, stamp: str = "",
                 when=None) -> Path:
    """briefing.docx for the chosen (chart, files) pairs, with the A4-size PNG of each chart."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    _fonts(doc)
    doc.styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    doc.core_properties.language = "vi-VN" if lang == "vi" else "en-GB"
    doc.core_properties.title = tr("title", lang)

    doc.add_heading(tr("title", lang), level=0)
    if stamp:
        doc.add_paragraph(stamp)
    doc.add_paragraph(tr("intro", lang).format(n=len(chosen)))
    doc.add_heading(tr("charts", lang), level=1)
    for n, (spec, files) in enumerate(chosen, start=1):
        head = doc.add_heading(spec.title or spec.stem, level=2)
        sub = doc.add_paragraph(subtitle_of(spec, lang))
        for para in (head, sub):
            para.paragraph_format.keep_with_next = True  # a heading never ends a page without its figure
        a4 = [f for f in files.get("a4", []) if f.endswith(".png")] or [f for f in files["slide"] if f.endswith(".png")]
        doc.add_picture(str(Path(pack_dir) / a4[0]), width=Cm(16.5))
        doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the figure stays with its caption
        cap = doc.add_paragraph(style="Caption")
        run = cap.add_run(f"{tr('figure', lang)} {n}. ")
        run.bold = True
        cap.add_run(f"{spec.title}. {spec.caption}")
        doc.add_paragraph(sources_of(spec, lang))
        if spec.caveats:
            p = doc.add_paragraph()
            p.add_run(f"{tr('caveats', lang)}:").bold = True
            for c in spec.caveats:
                doc.add_paragraph(c.text(lang), style="List Bullet")

    doc.add_heading(tr("appendix", lang), level=1)
    used = pd.concat([spec.rows for spec, _ in chosen]) if chosen else df.iloc[:0]
    used = used.drop_duplicates("figure_id")
    for aid, rows in used.groupby("article_id", sort=True, observed=True):
        a = rows.iloc[0]
        publisher = a["publisher"] if isinstance(a["publisher"], str) and a["publisher"] else tr("no_publisher", lang)
        doc.add_heading(f"{a['article_title']}", level=2)
        doc.add_paragraph(f"{aid} — {publisher}, {a['published']}")
        for line in evidence_lines(rows, lang):
            doc.add_paragraph(line, style="List Bullet")
    _stamp(doc.core_properties, when)
    buf = io.BytesIO()
    doc.save(buf)
    return _write_stable(path, buf.getvalue(), when)
