"""One look for every chart: fonts with Vietnamese diacritics, a stable colour per locality, marks for
uncertain figures.

`set_theme()` applies it and also works as a context manager that restores the previous
settings. The font is DejaVu Sans, shipped inside matplotlib itself, so every machine
renders Vietnamese identically without installing fonts; PDFs embed it (TrueType, fonttype 42)
and SVGs draw text as paths, so no viewer needs the font either.
"""
from __future__ import annotations

import hashlib

import matplotlib as mpl
import seaborn as sns

FONT = "DejaVu Sans"
# Okabe & Ito's colour-blind-safe palette, then Paul Tol's muted scheme for more units.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#882255", "#000000",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#AA4499"]
NEUTRAL = "#777777"
STATUS_COLOURS = {"exceeded": "#009E73", "met": "#0072B2", "missed": "#D55E00", "interim": "#E69F00",
                  "no_result": "#999999"}
# Inches. Slides are 16:9; the A4 size fits the text width of a portrait page.
SIZES = {"slide": (11.0, 6.1875), "a4": (6.3, 4.4)}
RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "locality-terms",  # stable SVG ids, so two exports of the same data are identical
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    # Titles, names, publishers and labels come from the data: a '$' in them ("US$") is text, never a
    # formula (an invalid one such as $\foo$ would stop the export). Covers every Text: titles, labels,
    # annotations, footers, legends and tick labels.
    "text.parse_math": False,
}

# How a qualifier is drawn: marker, filled or hollow. Ranges add an interval line.
MARKS = {
    "exact": ("o", True), "approx": ("o", False), "nearly": ("o", False),
    "more_than": ("^", True), "at_least": ("^", True), "less_than": ("v", True), "at_most": ("v", True),
}
MARK_LABELS = {
    "exact": ("chính xác", "exact"), "approx": ("xấp xỉ, gần", "approximate"),
    "more_than": ("hơn, trên (cận dưới)", "more than (lower bound)"),
    "less_than": ("dưới (cận trên)", "less than (upper bound)"), "range": ("khoảng từ … đến …", "range"),
    "flagged": ("số in đáng ngờ", "doubtful print"),
}
_ACTIVE = {"lang": "vi"}


# Left alone on restore: matplotlib's own rc_context would also reset interactive state, which
# stops Jupyter's inline backend from showing figures made inside the block.
_KEEP = ("backend", "backend_fallback", "interactive")


class _Theme:
    """Returned by set_theme: leaving a `with` block restores the previous settings."""

    def __init__(self, saved, previous_lang):
        self._saved, self._previous_lang = saved, previous_lang

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _ACTIVE["lang"] = self._previous_lang
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # some saved keys are deprecated aliases
            mpl.rcParams.update(self._saved)
        return False


def set_theme(lang: str = "vi", context: str = "notebook") -> _Theme:
    """Apply the project's chart style; `lang` becomes the default language of chart text."""
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        saved = {k: v for k, v in mpl.rcParams.items() if k not in _KEEP}
    previous = _ACTIVE["lang"]
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE, font=FONT, rc=RC)
    mpl.rcParams.update(RC)
    _ACTIVE["lang"] = lang
    return _Theme(saved, previous)


def current_lang(lang: str | None = None) -> str:
    return lang or _ACTIVE["lang"]


def _preferred_slot(locality_id: str) -> int:
    """The palette slot a locality asks for: from a hash of its id alone, the same in every process
    (Python's own str hash changes with PYTHONHASHSEED)."""
    return int.from_bytes(hashlib.sha256(str(locality_id).encode("utf-8")).digest()[:8], "big") % len(PALETTE)


def palette_for(locality_ids) -> dict[str, str]:
    """A colour for each locality drawn, as seaborn's palette for the `hue` levels: {id: colour}.

    Each id asks for the slot its hash picks, so a locality keeps its colour whatever else is in the data
    (another data folder, a new gazetteer row). Ids that ask for a taken slot, considered in the order of
    their hashes (not the order given), take the next free one, so the localities drawn together are told
    apart while there are no more of them than colours in PALETTE; beyond that, colours repeat.
    """
    ids = sorted(dict.fromkeys(str(i) for i in locality_ids),
                 key=lambda i: (hashlib.sha256(i.encode("utf-8")).digest(), i))
    colours, taken = {}, set()
    for lid in ids:
        slot = _preferred_slot(lid)
        if len(taken) < len(PALETTE):
            while slot in taken:
                slot = (slot + 1) % len(PALETTE)
            taken.add(slot)
        colours[lid] = PALETTE[slot]
    return colours
