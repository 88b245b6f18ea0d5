"""The words of Vietnamese (and English) reporting that say what a figure is: data/cues.csv.

Each cue is a phrase, a field and a value: 'phấn đấu' marks a target, 'dự toán' after a figure an
estimate, 'đến nay' the publication month, 'so với' a base rather than a period. In a cue, `YYYY`
stands for a year and `…` for a few words between. Analysts extend the file, not the code; the
scaffold (helpers.scaffold) reads the rules of each field from here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths
from .io import read_table
from .schema import CUES, QUALIFIER_WORDS

YEAR = r"(?:19|20)\d{2}"


@dataclass(frozen=True)
class Cue:
    cue: str
    language: str
    field: str
    value: str
    pattern: re.Pattern


def compile_cue(cue: str) -> re.Pattern:
    parts = [re.escape(p.strip()) for p in cue.split("…")]
    body = r"[^.;:\d]{0,60}?".join(parts)
    body = body.replace("YYYY", f"({YEAR})").replace(r"\ ", r"\s+")
    left = "" if cue[:1] in "/%" else r"(?<!\w)"
    return re.compile(left + body + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[Cue, ...]:
    raw = read_table(Path(path), CUES)
    out = []
    for r in raw.frame.to_dict("records"):
        if r["cue"] and r["field"]:
            out.append(Cue(r["cue"], r["language"] or "vi", r["field"], r["value"], compile_cue(r["cue"])))
    out += _english_qualifiers({(c.cue.lower(), c.language) for c in out if c.field == "qualifier"})
    # the longest cue first: 'chỉ tiêu giao quân' before 'chỉ tiêu'
    return tuple(sorted(out, key=lambda c: -len(c.cue)))


def _english_qualifiers(listed: set[tuple[str, str]]) -> list[Cue]:
    """The qualifier words of English pages, declared once with the Vietnamese ones (schema.QUALIFIER_WORDS),
    as cues; a data folder's cues.csv may add its own."""
    return [Cue(w, "en", "qualifier", code, compile_cue(w))
            for code, (_, english) in QUALIFIER_WORDS.items() for w in english if (w, "en") not in listed]


def load_cues(data_dir=None) -> tuple[Cue, ...]:
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    path = data_dir / "cues.csv"
    if not path.is_file():
        path = paths.DATA / "cues.csv"
    return _load(str(path))


class Cues:
    """The cues of one language, by field."""

    def __init__(self, cues, language: str = "vi"):
        self.language = language
        self.by_field: dict[str, list[Cue]] = {}
        for c in cues:
            if c.language == language:
                self.by_field.setdefault(c.field, []).append(c)

    def all(self, field: str, text: str) -> list[tuple[Cue, re.Match]]:
        """Every cue of `field` in `text`, in reading order (longest first at one place)."""
        hits = [(c, m) for c in self.by_field.get(field, []) for m in c.pattern.finditer(text)]
        hits.sort(key=lambda h: (h[1].start(), -(h[1].end() - h[1].start())))
        out, end = [], -1
        for c, m in hits:
            if m.start() >= end or not out:
                out.append((c, m))
                end = m.end()
        return out

    def first(self, field: str, text: str) -> tuple[Cue, re.Match] | None:
        found = self.all(field, text)
        return found[0] if found else None

    def last(self, field: str, text: str) -> tuple[Cue, re.Match] | None:
        found = self.all(field, text)
        return found[-1] if found else None
