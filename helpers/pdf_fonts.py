"""Reuse a PDF's font subsets for the next PDF with the same glyphs.

Each PDF embeds DejaVu Sans (and its bold) cut down to the glyphs it uses; fontTools takes ~80 ms per
cut, about a sixth of a pack's drawing time, and a chart's slide and A4 PDFs use the same glyphs.
`subsets_reused()` remembers matplotlib's subsets by (font file, glyph set) for the duration of a
`with` block and hands the same bytes back: the PDFs do not change (tests compare them with and
without). It relies on a matplotlib internal, so it only acts where that internal has the shape it
knows (matplotlib 3.11: `get_glyphs_subset` returning a context manager of `SubsetResults`); with any
other matplotlib it does nothing and PDFs are written as usual.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext


class _SubsetFont:
    """Stands in for fontTools' subset font: matplotlib only saves it (`font_as_file`) and closes it."""

    def __init__(self, data: bytes):
        self._data = data

    def save(self, file, reorderTables=True):  # noqa: N803 (fontTools' keyword)
        file.write(self._data)

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _backend():
    """matplotlib's PDF/PS font helpers, or None when they are not the version this module knows."""
    try:
        from matplotlib.backends import _backend_pdf_ps as backend
    except ImportError:
        return None
    if not (callable(getattr(backend, "get_glyphs_subset", None)) and callable(getattr(backend, "font_as_file", None))
            and getattr(backend, "SubsetResults", None) is not None
            and getattr(backend.SubsetResults, "_fields", None) == ("font", "glyph_index_map")):
        return None
    return backend


@contextmanager
def subsets_reused():
    """Within the block, a font subset already made for the same font and glyphs is reused.

    For PDFs only: the PostScript backend reads the subset font's tables, which the stand-in lacks.
    """
    backend = _backend()
    if backend is None:
        yield
        return
    original, cache = backend.get_glyphs_subset, {}

    def get_glyphs_subset(fontfile, glyphs):
        glyphs = list(glyphs)  # matplotlib passes a dict view
        key = (str(fontfile), getattr(fontfile, "face_index", 0), frozenset(glyphs))
        if key not in cache:
            with original(fontfile, glyphs) as subset:
                cache[key] = (backend.font_as_file(subset.font).getvalue(), dict(subset.glyph_index_map))
        data, index_map = cache[key]
        return nullcontext(backend.SubsetResults(_SubsetFont(data), dict(index_map)))

    backend.get_glyphs_subset = get_glyphs_subset
    try:
        yield
    finally:
        backend.get_glyphs_subset = original
