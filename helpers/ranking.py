"""Which indicator a figure records: a transparent scorer over the codebook and the figures already annotated.

Each indicator is a document made of its labels, definitions and example (data/metrics.csv) and of the
evidence of every figure annotated with it (data/annotations/*.csv), the figures themselves taken out.
A figure's query is the words of its clause, the words just before it counting most. Documents and
queries are Vietnamese syllables and syllable pairs (English words on an English page), scored with
BM25 (Robertson and Zaragoza 2009), the usual search-engine formula: a word shared by few indicators
weighs more than one shared by many. The unit printed with the figure filters the indicators whose
canonical unit measures the same thing (%, money, area, counts). No network, no model: the reasons are
the shared words, which `Ranked.why` names.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from .units import UnitError, parse_unit

K1, B = 1.2, 0.75
# A figure's clause: the words just before it weigh most, those after it (its unit, what it is of) less.
NEAR_BEFORE, WEIGHT_NEAR, WEIGHT_FAR, WEIGHT_AFTER = 6, 3.0, 1.0, 1.5
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Words that carry no choice between indicators (function words of Vietnamese and English reporting).
STOP = set("""và của là có được các những cho với trong theo tại trên đã đạt đến từ này đó một năm
the of and in to a an was were is are by for on at with as from that this""".split())


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOP]


def terms(ws: list[str]) -> list[str]:
    """Syllables and adjacent pairs ('thu', 'ngân', 'thu ngân'): Vietnamese words are mostly two syllables."""
    return ws + [f"{a} {b}" for a, b in zip(ws, ws[1:])]


def dimension(unit: str) -> str:
    """What a unit measures: 'per cent', 'money', 'area', 'multiple', 'count' ('' when unknown)."""
    u = (unit or "").strip().lower()
    if not u:
        return ""
    if u.startswith("%"):
        return "per cent"
    try:
        dim = parse_unit(u).dimension
    except UnitError:
        return "count"  # an unknown noun is still a count (cá nhân, suất quà)
    return "money" if dim.startswith("money") else dim


@dataclass
class Ranked:
    metric_id: str
    score: float
    why: list[str] = field(default_factory=list)  # the shared words that weighed most


class IndicatorRanker:
    """BM25 over the codebook and the annotated evidence; `rank(before, after, unit)` best first."""

    def __init__(self, metrics: list[dict], annotated: list[dict] = ()):
        self.meta = {m["metric_id"]: m for m in metrics}
        docs: dict[str, list[str]] = {}
        self.text: dict[str, str] = {}
        for m in metrics:
            text = " ".join(m.get(k, "") for k in ("label_vi", "label_en", "definition_vi", "definition_en", "example"))
            self.text[m["metric_id"]] = text.lower()
            docs[m["metric_id"]] = terms(words(text))
        self.uses = Counter()
        for r in annotated:
            if r.get("metric_id") in docs:
                docs[r["metric_id"]] += terms(words(r.get("evidence", "")))
                self.uses[r["metric_id"]] += 1
        self.docs = {k: Counter(v) for k, v in docs.items()}
        self.length = {k: sum(v.values()) for k, v in self.docs.items()}
        self.avg = sum(self.length.values()) / max(1, len(self.length))
        df = Counter(t for d in self.docs.values() for t in d)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def query(self, before: str, after: str) -> Counter:
        q: Counter = Counter()
        bw = words(before)
        for i, w in enumerate(bw):
            near = i >= len(bw) - NEAR_BEFORE
            q[w] += WEIGHT_NEAR if near else WEIGHT_FAR
        for a, b in zip(bw, bw[1:]):
            q[f"{a} {b}"] += WEIGHT_NEAR if bw.index(b) >= len(bw) - NEAR_BEFORE else WEIGHT_FAR
        aw = words(after)[:8]
        for t in terms(aw):
            q[t] += WEIGHT_AFTER
        return q

    def rank(self, before: str, after: str, unit: str = "", kinds: set[str] | None = None) -> list[Ranked]:
        q = self.query(before, after)
        dim = dimension(unit)
        noun = (unit or "").lower().removesuffix("/năm").strip()
        out = []
        for mid, doc in self.docs.items():
            meta = self.meta[mid]
            if dim and dimension(meta.get("unit", "")) != dim:
                if not (dim == "per cent" and meta.get("kind") in ("change", "share", "pct_of_plan")):
                    continue
            score, parts = 0.0, []
            norm = K1 * (1 - B + B * self.length[mid] / self.avg)
            for t, w in q.items():
                tf = doc.get(t, 0)
                if tf:
                    s = w * self.idf[t] * tf * (K1 + 1) / (tf + norm)
                    score += s
                    parts.append((s, t))
            if kinds and meta.get("kind") in kinds:
                score *= 1.5
            if dim == "count" and noun and (meta.get("unit") == noun or noun in self.text[mid]):
                score *= 1.3  # counted in the noun it is printed with: 41 tổ chức, 1.100 đảng viên
            score += 0.05 * math.log1p(self.uses[mid])  # ties go to indicators analysts use often
            out.append(Ranked(mid, score, [t for _, t in sorted(parts, reverse=True)[:3]]))
        out.sort(key=lambda r: (-r.score, r.metric_id))
        return out
