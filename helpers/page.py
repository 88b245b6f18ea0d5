"""The briefing pack's index.html: one self-contained page with each chart, its caption, sources, caveats
and downloads, and the indicators left out of the comparisons."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from . import words
from .workbook import XLSX_CELL_MAX


def write_index(path: Path, built, report, lang: str, stamp: str, omitted: pd.DataFrame | None = None,
                cut: list | None = None) -> None:
    """A self-contained page: each chart with its title, caption, sources, caveats and downloads."""
    vi = lang == "vi"
    e = html.escape
    parts = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
             f"<title>{e('Gói tài liệu giao ban' if vi else 'Briefing pack')} {stamp}</title>",
             "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "figure{margin:2.5em 0;border-top:1px solid #ddd;padding-top:1em}img{width:100%}"
             "figcaption p{margin:.3em 0}.caveats li{color:#8a4b00}.files a{margin-right:.8em}</style></head><body>",
             f"<h1>{e('Gói tài liệu giao ban' if vi else 'Briefing pack')} — {stamp}</h1>",
             f"<p>{e(report.summary())}</p>",
             *(f"<p class='warning'><b>{'Cảnh báo' if vi else 'Warning'}:</b> {e(p.message)}</p>"
               for p in report.problems if p.code == "texts_missing"),
             *(f"<p class='warning'><b>{'Cảnh báo' if vi else 'Warning'}:</b> "
               + e(f"briefing.xlsx, {'trang' if vi else 'sheet'} {sheet}, {'dòng' if vi else 'row'} {row}, "
                   f"{'cột' if vi else 'column'} {column}: " + (
                       f"{n:,} ký tự, quá giới hạn {XLSX_CELL_MAX:,} của một ô; đã cắt bớt, có ghi chú ở cuối ô"
                       if vi else f"{n:,} characters, more than a cell holds ({XLSX_CELL_MAX:,}); cut, with a marker"))
               + "</p>" for sheet, row, column, n in (cut or [])),
             f"<p><a href='briefing.xlsx'>{e('Sổ tính (mỗi biểu đồ một trang, kèm trang nguồn)' if vi else 'Workbook (a sheet per chart, plus sources)')}</a></p>",
             "<nav><ol>"]
    parts += [f"<li><a href='#{e(spec.stem)}'>{e(spec.title)}</a></li>" for spec, _ in built]
    parts.append("</ol></nav>")
    for spec, files in built:
        arts = spec.rows.drop_duplicates("article_id").sort_values("published")
        sources = "".join(
            f"<li>{e(a['article_title'])} — {e(a['publisher'] or ('không rõ nơi đăng' if vi else 'publisher not stated'))}, "
            f"{e(words.date(a['published'], lang))}</li>" for _, a in arts.iterrows())
        cav = "".join(f"<li>{e(c.text(lang))}</li>" for c in spec.caveats)
        links = " ".join(f"<a href='{e(name)}'>{e(name)}</a>" for size in ("slide", "a4") for name in files[size])
        parts.append(
            f"<figure id='{e(spec.stem)}'><img src='{e(files['slide'][0])}' alt='{e(spec.title)}'>"
            f"<figcaption><h2>{e(spec.title)}</h2><p>{e(spec.caption)}</p>"
            f"<p><b>{'Nguồn' if vi else 'Sources'}</b></p><ul>{sources}</ul>"
            + (f"<p><b>{'Lưu ý khi so sánh' if vi else 'Caveats'}</b></p><ul class='caveats'>{cav}</ul>" if cav else "")
            + f"<p class='files'>{links}</p></figcaption></figure>")
    if omitted is not None and not omitted.empty:
        parts.append(f"<section id='left-out'><h2>{e('Chưa có biểu đồ so sánh' if vi else 'Left out of the comparisons')}</h2>"
                     f"<p>{e('Các chỉ số và địa phương dưới đây có số liệu nhưng không có biểu đồ riêng trong gói này; lý do ghi ở từng dòng. Số liệu của chúng vẫn có trong dữ liệu và vẽ được trong các notebook.' if vi else 'The indicators and localities below have figures but no chart of their own in this pack; each line says why. Their figures stay in the data and can be drawn in the notebooks.')}</p><ul>")
        parts += [f"<li><b>{e(r.label)}</b> (<code>{e(r.metric_id or r.locality_id)}</code>, {r.figures} "
                  f"{e('số liệu' if vi else 'figures')}): {e(r.reason)}</li>" for r in omitted.itertuples()]
        parts.append("</ul></section>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
