"""The briefing as a PowerPoint deck (briefing.pptx): a title slide, then a slide per chosen chart with its
title, subtitle, chart and a footer naming its sources; caveats and evidence excerpts in the speaker notes.

Charts of one indicator (across terms, localities side by side, a new unit beside its predecessors) are
native, editable PowerPoint charts holding the numbers of the chart's CSV, one fixed colour per locality
(`theme.palette_for`), the printed figure as each data label ('>9,23', '≈53', '93,15–93,9'). The targets
chart, the scorecards and the coverage map are many panels or a heat map that a PowerPoint chart cannot
hold: those slides carry the pack's PNG, and their notes say so (`PICTURE_KINDS`).

Text is set in Arial: Office has it everywhere, it covers every Vietnamese letter, and LibreOffice
replaces it with the metric-compatible Liberation Sans, so the layout holds in both.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from . import analysis

FONT = "Arial"
# Chart kinds (by stem prefix) drawn as the pack's picture, and why.
PICTURE_KINDS = {
    "targets-vs-results": ("nhiều chỉ tiêu, mỗi chỉ tiêu một mốc 100% riêng", "one 100% mark per target, many targets"),
    "scorecard": ("nhiều ô, mỗi ô một chỉ số với đơn vị riêng", "many panels, each indicator in its own unit"),
    "coverage": ("bản đồ nhiệt, PowerPoint không có loại biểu đồ này", "a heat map, which PowerPoint has no chart type for"),
}
NATIVE_KINDS = ("across-terms", "localities", "reorganisation")
TEXT = {
    "deck_title": ("Gói tài liệu giao ban", "Briefing pack"),
    "deck_sub": ("So sánh các địa phương qua các nhiệm kỳ", "Localities compared across congress terms"),
    "charts": ("biểu đồ", "charts"),
    "caption": ("Chú thích", "Caption"),
    "caveats": ("Lưu ý khi so sánh", "Caveats"),
    "evidence": ("Trích dẫn nguyên văn", "Evidence excerpts"),
    "marks": ("Ký hiệu", "Marks"),
    "picture": ("Trang này là ảnh của biểu đồ (không sửa được số): {why}.",
                "This slide is a picture of the chart (its numbers cannot be edited): {why}."),
    "native": ("Biểu đồ PowerPoint gốc: bấm chuột phải › Sửa dữ liệu để xem số liệu (cùng số với tệp {csv}).",
               "Native PowerPoint chart: right-click › Edit Data to see its numbers (the same as {csv})."),
    "approx": ("Cột/điểm rỗng (chỉ có viền) là số xấp xỉ (gần, khoảng); nhãn có dấu ≈.",
               "A hollow bar or point (outline only) is approximate (nearly, about); its label starts with ≈."),
    "lower": ("Nhãn có dấu > hoặc ≥ là cận dưới (hơn, trên); điểm hình tam giác.",
              "A label starting with > or ≥ is a lower bound (more than, over); its point is a triangle."),
    "range": ("Nhãn dạng a–b là khoảng số được in; cột/điểm đặt ở đầu thấp a.",
              "A label a–b is a printed range; the bar or point sits at its low end a."),
    "flagged": ("Viền đỏ: số in đáng ngờ (giữ nguyên như bài báo, xem ghi chú số liệu).",
                "A red outline: a doubtful print (kept as printed, see the figure's note)."),
    "summarised": ("Biểu đồ gốc chỉ gồm các đơn vị tô màu trong ảnh của gói ({note}); số của mọi đơn vị có trong tệp {csv}.",
                   "The native chart holds only the units highlighted in the pack's picture ({note}); every unit's numbers are in {csv}."),
    "all_localities": ("Ảnh cho thấy mọi địa phương trong dữ liệu, không chỉ những địa phương đã chọn.",
                       "The picture shows every locality in the data, not only those chosen."),
}
FLAG_RED = "C00000"


def tr(key: str, lang: str) -> str:
    vi, en = TEXT[key]
    return vi if lang == "vi" else en


def kind_of(stem: str) -> str:
    for kind in (*NATIVE_KINDS, *PICTURE_KINDS):
        if stem.startswith(kind):
            return kind
    return "other"


def is_picture(stem: str) -> bool:
    """Whether a chart goes into the deck as the pack's picture rather than a native chart."""
    return kind_of(stem) not in NATIVE_KINDS


def choose(built, charts=None, localities=None):
    """The (chart, files) pairs the analyst chose: `charts` a list of stems (None: all the pack has, in its
    order) and `localities` a list of ids (None: all). A chart showing none of the chosen localities is left
    out; a native chart keeps only their figures. Unknown names raise ValueError listing the known ones."""
    check_charts([spec for spec, _ in built], charts)
    out = []
    for spec, files in built:
        if charts is not None and spec.stem not in charts:
            continue
        if localities is not None:
            mine = spec.rows[spec.rows["locality_id"].astype(str).isin(localities)]
            if mine.empty:
                continue
            if not is_picture(spec.stem):
                from dataclasses import replace
                spec = replace(spec, rows=mine)
        out.append((spec, files))
    if charts is not None:
        out.sort(key=lambda pair: list(charts).index(pair[0].stem))
    return out


def _unknown_names(what: str, unknown: list[str], known: list[str]) -> str:
    """'no chart named X in this pack; did you mean …': the nearest known names, not all of them (a national
    pack knows thousands of localities)."""
    import difflib

    near = sorted({m for u in unknown for m in difflib.get_close_matches(u, known, n=5, cutoff=0.5)})
    hint = (f"did you mean: {', '.join(near)}" if near
            else f"known: {', '.join(known[:30])}{f' … ({len(known):,} in all)' if len(known) > 30 else ''}")
    return f"no {what} {', '.join(unknown)}; {hint}"


def check_charts(specs, charts) -> None:
    """Refuse chart names the pack does not hold, as soon as the pack is planned (before minutes of drawing)."""
    if charts is None:
        return
    stems = [spec.stem for spec in specs]
    unknown = [c for c in charts if c not in stems]
    if unknown:
        raise ValueError(_unknown_names("chart named", unknown, stems) + " (charts of this pack)")


def check_localities(df: pd.DataFrame, localities) -> None:
    if localities is None:
        return
    known = sorted(set(df["locality_id"].astype(str)))
    unknown = [x for x in localities if x not in known]
    if unknown:
        raise ValueError(_unknown_names("locality", unknown, known) + " (ids in the data)")


# ---------------------------------------------------------------- what a chart says, in words

def focus_of(spec):
    """The highlight/context split of a native chart, as the pack's picture of it drew it (same rows, same
    highlight and rule): a slide of 3,000 wards holds the few highlighted, and says how many it summarises."""
    from .charts import view_focus

    kwargs = getattr(spec.draw, "kwargs", {})
    kind = "across_terms" if kind_of(spec.stem) == "across-terms" else "localities"
    return view_focus(spec.rows, kind, highlight=kwargs.get("highlight"), province=kwargs.get("province"),
                      rule=kwargs.get("rule"))


def highlighted_rows(spec) -> pd.DataFrame:
    """The rows a native chart draws: those of the highlighted localities."""
    return spec.rows[spec.rows["locality_id"].astype(str).isin(focus_of(spec).highlighted)]


def subtitle_of(spec, lang: str) -> str:
    """The chart's subtitle as the drawn chart has it (unit, terms, how many units the context summarises)."""
    from .charts import metric_text, terms_text

    rows = spec.rows
    if kind_of(spec.stem) in NATIVE_KINDS and not rows.empty:
        metric = str(rows["metric_id"].iloc[0])
        _, unit, _ = metric_text(rows, metric, lang)
        shown = highlighted_rows(spec) if kind_of(spec.stem) != "across-terms" else rows
        note = focus_of(spec).note(lang)
        text = f"{unit}; {terms_text(sorted(shown['term'].dropna().astype(str).unique()), lang)}"
        return f"{text}; {note}" if note else text
    return spec.caption


def labelled_rows(spec) -> pd.DataFrame:
    """The figures a chart names one by one (their articles listed, their excerpts quoted): a native chart's
    highlighted units; none for a coverage map summed by province; else every row."""
    kind = kind_of(spec.stem)
    if kind in NATIVE_KINDS:
        return highlighted_rows(spec)
    if kind == "coverage":
        from .charts import view_settings

        limit = view_settings("coverage", getattr(spec.draw, "kwargs", {}).get("rule"))["max_labelled"]
        if limit is not None and spec.rows["locality_id"].nunique() > limit:
            return spec.rows.iloc[0:0]
    return spec.rows


def sources_of(spec, lang: str) -> str:
    """The footer: the articles behind the labelled figures, and how many more behind the context."""
    from .charts import sources_line

    return sources_line(labelled_rows(spec), lang, spec.rows)


def evidence_lines(rows: pd.DataFrame, lang: str) -> list[str]:
    """'Phường A — bài X: “…excerpt…”' for every figure behind a chart, in article order."""
    from .charts import locality_text

    names = locality_text(rows, lang) if not rows.empty else {}
    out = []
    for r in rows.sort_values(["article_id", "figure_id"]).itertuples():
        written = f"{r.value_as_written} {r.unit_as_written}".strip() if hasattr(r, "value_as_written") else ""
        out.append(f"{names.get(r.locality_id, r.locality_id)} — {r.article_id} ({written}): “{r.evidence}”")
    return out


def marks_used(rows: pd.DataFrame) -> list[str]:
    keys = []
    q = set(rows["qualifier"].astype(object).dropna().astype(str))
    if q & {"approx", "nearly"}:
        keys.append("approx")
    if q & {"more_than", "at_least", "less_than", "at_most"}:
        keys.append("lower")
    if "value_high" in rows and rows["value_high"].notna().any():
        keys.append("range")
    if "flag" in rows and rows["flag"].notna().any():
        keys.append("flagged")
    return keys


def notes_text(spec, lang: str, chosen_localities: bool = False) -> str:
    """The speaker notes: caption, how the chart is made, marks, caveats, evidence excerpts."""
    kind = kind_of(spec.stem)
    parts = [f"{tr('caption', lang)}: {spec.caption}"]
    if is_picture(spec.stem):
        why = PICTURE_KINDS.get(kind, ("", ""))[0 if lang == "vi" else 1]
        parts.append(tr("picture", lang).format(why=why))
        if chosen_localities and kind in ("targets-vs-results", "coverage"):
            parts.append(tr("all_localities", lang))
    else:
        parts.append(tr("native", lang).format(csv=f"{spec.stem}.csv"))
        note = focus_of(spec).note(lang)
        if note:
            parts.append(tr("summarised", lang).format(note=note, csv=f"{spec.stem}.csv"))
    marks = marks_used(spec.rows)
    if marks:
        parts.append(f"{tr('marks', lang)}:\n" + "\n".join(f"• {tr(m, lang)}" for m in marks))
    if spec.caveats:
        parts.append(f"{tr('caveats', lang)}:\n" + "\n".join(f"• {c.text(lang)}" for c in spec.caveats))
    ev = evidence_lines(labelled_rows(spec), lang)
    if ev:
        parts.append(f"{tr('evidence', lang)}:\n" + "\n".join(f"• {line}" for line in ev))
    return "\n\n".join(parts)


# ---------------------------------------------------------------- native chart data

def terms_series(spec, lang: str):
    """(categories = terms, [(locality_id, name, [value or None], [label or None], [qualifier], [flagged])])
    as `charts.terms_chart` plots them: a term's median per year for flows, its label the printed figure or span."""
    from .charts import _cell_text, locality_text
    from .periods import TERMS

    rows = highlighted_rows(spec)
    metric = str(rows["metric_id"].iloc[0])
    view = analysis.term_view(rows, metric)
    terms = [tm for tm in TERMS if tm in set(view["term"].astype(str))]
    shown = list(TERMS[TERMS.index(terms[0]):TERMS.index(terms[-1]) + 1])
    names = locality_text(rows, lang)
    series = []
    for lid, g in view.groupby("locality_id", sort=False, observed=True):
        values, labels, quals, flags = [None] * len(shown), [None] * len(shown), [None] * len(shown), [False] * len(shown)
        for _, r in g.iterrows():
            i = shown.index(str(r["term"]))
            q = r["qualifier"] if r["qualifier"] != "mixed" else "exact"
            values[i], labels[i], quals[i] = float(r["value"]), _cell_text(r, q, lang), q
            flags[i] = bool(rows[rows["figure_id"].isin(r["figure_ids"])]["flag"].notna().any())
        series.append((str(lid), names[lid], values, labels, quals, flags))
    return shown, series


def localities_points(spec, lang: str) -> pd.DataFrame:
    """One row per figure as `charts.localities_chart` plots it: category, value (per year for flows),
    label, colour, qualifier, flagged; smallest first, as the drawn chart."""
    from . import words
    from .charts import locality_text
    from .theme import palette_for

    mine = highlighted_rows(spec)
    rows = mine.assign(cmp_v=analysis.comparable(mine).to_numpy(),
                       cmp_h=analysis.comparable_high(mine).to_numpy()).sort_values("cmp_v")
    names = locality_text(rows, lang)
    colours = palette_for(rows["locality_id"])
    return pd.DataFrame({
        "figure_id": rows["figure_id"].astype(str).to_numpy(),
        "category": [f"{names[r.locality_id]} ({words.period(r.period_start, r.period_end, lang)})"
                     for r in rows.itertuples()],
        "value": rows["cmp_v"].to_numpy(dtype=float),
        "label": [words.figure(r.cmp_v, r.cmp_h, r.qualifier, lang) for r in rows.itertuples()],
        "colour": [colours[str(x)].lstrip("#") for x in rows["locality_id"]],
        "qualifier": rows["qualifier"].astype(object).astype(str).to_numpy(),
        "flagged": rows["flag"].notna().to_numpy(),
    })


# ---------------------------------------------------------------- the deck

def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _textbox(slide, left, top, width, height, text, size, *, bold=False, colour="222222"):
    from pptx.util import Pt

    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(str(text).split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.name, run.font.size, run.font.bold = FONT, Pt(size), bold
        run.font.color.rgb = _rgb(colour)
    return box


def _label(point, text: str, colour: str = "222222"):
    from pptx.util import Pt

    frame = point.data_label.text_frame
    frame.text = text
    for run in frame.paragraphs[0].runs:
        run.font.name, run.font.size = FONT, Pt(11)
        run.font.color.rgb = _rgb(colour)


def _terms_chart(slide, spec, lang, box):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE, XL_LABEL_POSITION
    from pptx.util import Pt

    from .theme import palette_for

    terms, series = terms_series(spec, lang)
    colours = palette_for(lid for lid, *_ in series)
    data = CategoryChartData()
    data.categories = terms
    for _, name, values, *_ in series:
        data.add_series(name, values, number_format="#,##0.##")
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *box, data).chart
    for plot_series, (lid, _, values, labels, quals, flags) in zip(chart.plots[0].series, series):
        colour = colours[lid].lstrip("#")
        plot_series.smooth = False
        plot_series.format.line.color.rgb = _rgb(colour)
        plot_series.format.line.width = Pt(2)
        plot_series.marker.style = XL_MARKER_STYLE.CIRCLE
        plot_series.marker.size = 10
        plot_series.marker.format.fill.solid()
        plot_series.marker.format.fill.fore_color.rgb = _rgb(colour)
        plot_series.marker.format.line.color.rgb = _rgb(colour)
        for i, (value, text, q, flagged) in enumerate(zip(values, labels, quals, flags)):
            if value is None:
                continue
            point = plot_series.points[i]
            if q in ("more_than", "at_least"):
                point.marker.style = XL_MARKER_STYLE.TRIANGLE
                point.marker.size = 11
            if q in ("approx", "nearly"):
                point.marker.format.fill.solid()
                point.marker.format.fill.fore_color.rgb = _rgb("FFFFFF")
                point.marker.format.line.color.rgb = _rgb(colour)
            if flagged:
                point.marker.format.line.color.rgb = _rgb(FLAG_RED)
                point.marker.format.line.width = Pt(2.5)
            _label(point, text, colour.lstrip("#"))
            point.data_label.position = XL_LABEL_POSITION.RIGHT
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.minimum_scale = 0
    return chart


def _localities_chart(slide, spec, lang, box):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Pt

    pts = localities_points(spec, lang)
    data = CategoryChartData()
    data.categories = list(pts["category"])
    data.add_series(spec.title or spec.stem, list(pts["value"]), number_format="#,##0.##")
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *box, data).chart
    chart.has_legend = False
    series = chart.plots[0].series[0]
    chart.plots[0].gap_width = 60
    for i, r in enumerate(pts.itertuples()):
        point = series.points[i]
        point.format.fill.solid()
        hollow = r.qualifier in ("approx", "nearly")
        point.format.fill.fore_color.rgb = _rgb("FFFFFF" if hollow else r.colour)
        point.format.line.color.rgb = _rgb(FLAG_RED if r.flagged else r.colour)
        point.format.line.width = Pt(2.5 if (r.flagged or hollow) else 0.75)
        _label(point, r.label)
        point.data_label.position = XL_LABEL_POSITION.OUTSIDE_END
    chart.value_axis.minimum_scale = 0
    return chart


def _style_chart(chart) -> None:
    from pptx.util import Pt

    chart.has_title = False  # the slide's own title says it
    chart.font.name = FONT
    chart.font.size = Pt(12)
    chart.value_axis.tick_labels.number_format = "#,##0.##"
    chart.value_axis.tick_labels.number_format_is_linked = False


def write_deck(path: Path, chosen, pack_dir: Path, lang: str = "vi", *, stamp: str = "",
               when=None, localities=None) -> Path:
    """briefing.pptx: a title slide and a slide per chosen (chart, files) pair; see the module's docstring."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    W = prs.slide_width
    margin = Inches(0.5)

    slide = prs.slides.add_slide(blank)
    _textbox(slide, margin, Inches(2.4), W - 2 * margin, Inches(1.2), tr("deck_title", lang), 40, bold=True)
    _textbox(slide, margin, Inches(3.6), W - 2 * margin, Inches(0.8), tr("deck_sub", lang), 24, colour="444444")
    _textbox(slide, margin, Inches(4.5), W - 2 * margin, Inches(0.6),
             f"{stamp} · {len(chosen)} {tr('charts', lang)}".strip(" ·"), 16, colour="666666")

    for spec, files in chosen:
        slide = prs.slides.add_slide(blank)
        kind = kind_of(spec.stem)
        if kind in ("across-terms", "localities", "reorganisation"):
            _textbox(slide, margin, Inches(0.3), W - 2 * margin, Inches(0.7), spec.title or spec.stem, 26, bold=True)
            _textbox(slide, margin, Inches(0.95), W - 2 * margin, Inches(0.5), subtitle_of(spec, lang), 15,
                     colour="444444")
            _textbox(slide, margin, Inches(6.7), W - 2 * margin, Inches(0.6), sources_of(spec, lang), 10,
                     colour="555555")
            box = (margin, Inches(1.5), W - 2 * margin, Inches(5.1))
            draw = _terms_chart if kind == "across-terms" else _localities_chart
            _style_chart(draw(slide, spec, lang, box))
        else:
            png = Path(pack_dir) / files["slide"][0]
            # the pack's slide PNG carries its own title, subtitle and sources: it alone fills the slide, so
            # they are not said twice
            box = (margin, Inches(0.3), W - 2 * margin, prs.slide_height - Inches(0.6))
            pic = slide.shapes.add_picture(str(png), box[0], box[1], height=box[3])  # its own aspect ratio
            if pic.width > box[2]:
                pic.height = int(pic.height * box[2] / pic.width)
                pic.width = box[2]
            pic.left = int((W - pic.width) / 2)
        slide.notes_slide.notes_text_frame.text = notes_text(spec, lang, localities is not None)
    _stamp(prs.core_properties, when)
    buf = io.BytesIO()
    prs.save(buf)
    return _write_stable(path, buf.getvalue(), when)


def _stamp(core, when) -> None:
    from .workbook import FALLBACK_DATE

    when = when or FALLBACK_DATE
    core.created = core.modified = core.last_printed = when
    core.revision = 1
    core.author = core.last_modified_by = "locality-terms"


def _write_stable(path: Path, data: bytes, when) -> Path:
    """The same chosen charts give the same bytes: fixed dates inside and on every zip entry, in the
    workbooks embedded behind each native chart too (xlsxwriter stamps them with the time of writing)."""
    import zipfile

    from .workbook import FALLBACK_DATE, stable_zip as _stable_zip

    when = when or FALLBACK_DATE
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename.endswith(".xlsx"):
                body = _stable_zip(body, when)
            zout.writestr(info, body)
    path = Path(path)
    path.write_bytes(_stable_zip(out.getvalue(), when))
    return path
