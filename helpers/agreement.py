"""Two annotators, one article: the figures they agree on, where they differ, and Cohen's kappa.

The two sets come from two files, or from one file holding two annotators' rows. Rows are
paired one to one in three passes; evidence excerpts *overlap* when their positions in the
article text intersect (when the text is at hand), else when one contains the other:

1. the same slot and the same place: locality, metric, figure type, period (compared by the
   days it covers, so `2021` equals `2021-01`..`2021-12`) and reference all equal, and the
   excerpts overlap. Value, unit or qualifier may still differ (a typo, another unit).
2. the same printed figure: excerpts that overlap and the same value. The same number read
   two ways: metric, period or unit differ.
3. the same slot quoted from different places (the headline and the body, say).

Rows left over were recorded by one annotator only.

The chance-corrected figure is Cohen's kappa over the metric each annotator gave each figure
of the union: every pair, plus every row only one of them recorded, for which the other's
choice is 'not recorded'. This rather than a kappa over the finder's mentions (annotated or
not) because choosing the metric is the judgement that differs between people and changes the
charts; leaving a figure out still counts (it is the 'not recorded' category); and it needs
neither the article text nor the finder, so it works on any two files. Chance agreement is
the sum over categories of the product of the two annotators' shares (Cohen 1960):
kappa = (p_o - p_e) / (1 - p_e).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .io import read_table
from .mentions import fold_map, row_amount
from .numbers import clean
from .periods import PeriodError, parse_partial_date
from .problems import FixableError
from .schema import ANNOTATIONS, ARTICLES, QUALIFIER_SYNONYMS
from .texts import fold, read_text, safe_text_path

NOT_RECORDED = "(not recorded)"
COMPARED = ("value", "value_high", "unit", "qualifier", "period", "metric_id", "locality_id", "figure_type", "reference")


class AgreementError(FixableError):
    """The two sets cannot be compared; `fix` says why and what to do."""


@dataclass
class Row:
    """One annotation row, with what the comparison needs already read."""

    file: str
    row: int
    cells: dict
    amount: tuple | None
    high: tuple | None
    period: tuple | None
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def metric(self) -> str:
        return self.cells["metric_id"] or NOT_RECORDED

    def label(self) -> str:
        period = f"{self.cells['period_start']}..{self.cells['period_end']}"
        return f"{self.cells['locality_id']} {self.cells['metric_id'] or '(no metric)'} {period}"


@dataclass
class Pair:
    a: Row
    b: Row
    differences: list[str]


@dataclass
class Agreement:
    article_id: str
    label_a: str
    label_b: str
    pairs: list[Pair]
    only_a: list[Row]
    only_b: list[Row]

    def differing(self, what: str) -> list[Pair]:
        return [p for p in self.pairs if what in p.differences]

    @property
    def labels(self) -> tuple[list[str], list[str]]:
        """Each annotator's metric for every figure of the union (pairs, then A only, then B only)."""
        a = [p.a.metric for p in self.pairs] + [r.metric for r in self.only_a] + [NOT_RECORDED] * len(self.only_b)
        b = [p.b.metric for p in self.pairs] + [NOT_RECORDED] * len(self.only_a) + [r.metric for r in self.only_b]
        return a, b

    @property
    def kappa(self) -> tuple[float | None, float | None, float | None]:
        """(kappa, observed agreement, chance agreement) over the metric choices."""
        return cohen_kappa(*self.labels)

    def as_dict(self) -> dict:
        kappa, observed, chance = self.kappa

        def pair(p: Pair) -> dict:
            return {"row_a": p.a.row, "row_b": p.b.row, "differences": p.differences,
                    "a": {k: p.a.cells[k] for k in ANNOTATIONS.columns}, "b": {k: p.b.cells[k] for k in ANNOTATIONS.columns}}

        return {"article_id": self.article_id, "a": self.label_a, "b": self.label_b,
                "matched": [pair(p) for p in self.pairs],
                "only_a": [dict(r.cells, row=r.row) for r in self.only_a],
                "only_b": [dict(r.cells, row=r.row) for r in self.only_b],
                "kappa": kappa, "observed_agreement": observed, "chance_agreement": chance,
                "figures": len(self.labels[0])}

    def render(self) -> str:
        """The readable report."""
        kappa, observed, chance = self.kappa
        same_metric = sum(1 for p in self.pairs if "metric_id" not in p.differences)
        lines = [f"Agreement on '{self.article_id}': A = {self.label_a}, B = {self.label_b}",
                 f"Figures matched: {len(self.pairs)} (same metric: {same_metric}); only in A: {len(self.only_a)}; "
                 f"only in B: {len(self.only_b)}"]
        titles = {"value": "Values differ", "value_high": "Upper ends of ranges differ", "unit": "Units differ",
                  "qualifier": "Qualifiers differ", "period": "Periods differ", "metric_id": "Metrics differ",
                  "locality_id": "Localities differ", "figure_type": "Result/target differs",
                  "reference": "References differ"}
        for what, title in titles.items():
            pairs = self.differing(what)
            if not pairs:
                continue
            lines.append(f"{title} ({len(pairs)}):")
            for p in pairs:
                lines.append(f"  A row {p.a.row} / B row {p.b.row}: {_show(p.a, what)} | {_show(p.b, what)}"
                             f" — {_short(p.a.cells['evidence'])}")
        for name, rows in (("A", self.only_a), ("B", self.only_b)):
            if rows:
                lines.append(f"Only in {name} ({len(rows)}):")
                lines += [f"  row {r.row}: {r.label()} = {r.cells['value']} {r.cells['unit']} — "
                          f"{_short(r.cells['evidence'])}" for r in rows]
        if kappa is None:
            lines.append("Cohen's kappa: not defined (no figures, or both annotators used one single category)")
        else:
            lines.append(f"Cohen's kappa on the metric chosen for each figure ({len(self.labels[0])} figures, "
                         f"'not recorded' counted as a choice): {kappa:.2f} "
                         f"(observed agreement {observed:.2f}, chance agreement {chance:.2f})")
        return "\n".join(lines)


def _show(r: Row, what: str) -> str:
    c = r.cells
    if what == "period":
        return f"{c['period_start']}..{c['period_end']}"
    if what == "value":
        return f"{c['value']} {c['unit']}"
    return c[what] or "(empty)"


def _short(text: str, n: int = 70) -> str:
    text = fold(text)
    return text if len(text) <= n else text[:n - 1] + "…"


def cohen_kappa(a: list[str], b: list[str]) -> tuple[float | None, float | None, float | None]:
    """Cohen's kappa of two annotators' labels for the same items: (kappa, p_o, p_e).

    None when there are no items, or when chance agreement is 1 (both used one and the same label).
    """
    if len(a) != len(b):
        raise ValueError("both annotators must label the same items")
    n = len(a)
    if n == 0:
        return None, None, None
    observed = sum(x == y for x, y in zip(a, b)) / n
    chance = sum((a.count(c) / n) * (b.count(c) / n) for c in set(a) | set(b))
    if math.isclose(chance, 1.0):
        return None, observed, chance
    return (observed - chance) / (1 - chance), observed, chance


def compare(rows_a: list[Row], rows_b: list[Row]) -> tuple[list[Pair], list[Row], list[Row]]:
    """Pair the rows of A and B (see the module docstring for the three passes); the rest is unmatched.

    Each row of A is paired with the first free row of B that the pass accepts, as a scan of B in order
    would find it, but only B's rows that can match are looked at: those of the same slot (indicator,
    locality, type, reference, period) or with a value close to A's. Two files of thousands of rows
    compare in linear time, not quadratic."""
    slots: dict[tuple, list[int]] = {}
    for j, rb in enumerate(rows_b):
        k = _slot_key(rb)
        if k is not None:
            slots.setdefault(k, []).append(j)
    values = _ValueIndex(rows_b)

    def same_slot(ra):
        k = _slot_key(ra)
        return slots.get(k, []) if k is not None else []

    passes = ((same_slot, lambda a, b: _same_slot(a, b) and _overlap(a, b)),
              (values.candidates, _same_figure),
              (same_slot, _same_slot))
    taken_a, taken_b, pairs = set(), set(), []
    for candidates, same in passes:
        for i, ra in enumerate(rows_a):
            if i in taken_a:
                continue
            j = next((j for j in candidates(ra) if j not in taken_b and same(ra, rows_b[j])), None)
            if j is not None:
                pairs.append(Pair(ra, rows_b[j], differences(ra, rows_b[j])))
                taken_a.add(i)
                taken_b.add(j)
    pairs.sort(key=lambda p: p.a.row)
    return (pairs, [r for i, r in enumerate(rows_a) if i not in taken_a],
            [r for j, r in enumerate(rows_b) if j not in taken_b])


def _slot_key(r: Row) -> tuple | None:
    """What `_same_slot` compares, as a key: None when the row has no slot (no metric or period)."""
    if not r.cells["metric_id"] or r.period is None:
        return None
    try:
        hash(r.period)
    except TypeError:
        return None
    return (*(_norm(r.cells[k]) for k in ("locality_id", "metric_id", "figure_type", "reference")), r.period)


class _ValueIndex:
    """B's rows sorted by value as written and by value in the base unit: the rows whose amount may be
    `_same_amount` as a given row's (a window a little wider than math.isclose's), in B's order."""

    def __init__(self, rows: list[Row]):
        import bisect

        self._bisect = bisect
        self.sorted = {0: [], 2: []}
        self.special: dict[tuple, list[int]] = {}
        for j, r in enumerate(rows):
            if r.amount is None:
                continue
            for pos in (0, 2):
                v = r.amount[pos]
                if isinstance(v, (int, float)) and math.isfinite(v):
                    self.sorted[pos].append((float(v), j))
                elif isinstance(v, (int, float)) and not math.isnan(v):
                    self.special.setdefault((pos, v), []).append(j)
        for pos in self.sorted:
            self.sorted[pos].sort()
        self.keys = {pos: [v for v, _ in items] for pos, items in self.sorted.items()}

    def candidates(self, r: Row) -> list[int]:
        if r.amount is None:
            return []
        found = set()
        for pos in (0, 2):
            v = r.amount[pos]
            if not isinstance(v, (int, float)) or math.isnan(v):
                continue
            if not math.isfinite(v):
                found.update(self.special.get((pos, v), []))
                continue
            tol = 3e-9 * abs(v) + 2e-12
            keys, items = self.keys[pos], self.sorted[pos]
            lo = self._bisect.bisect_left(keys, v - tol)
            hi = self._bisect.bisect_right(keys, v + tol)
            found.update(j for _, j in items[lo:hi])
        return sorted(found)


def _norm(value: str) -> str:
    return clean(value or "").lower()


def _same_slot(a: Row, b: Row) -> bool:
    keys = ("locality_id", "metric_id", "figure_type", "reference")
    return bool(a.cells["metric_id"]) and all(_norm(a.cells[k]) == _norm(b.cells[k]) for k in keys) \
        and a.period is not None and a.period == b.period


def _same_figure(a: Row, b: Row) -> bool:
    return _overlap(a, b) and _same_amount(a.amount, b.amount)


def _overlap(a: Row, b: Row) -> bool:
    if a.spans and b.spans:
        return any(s1 < e2 and s2 < e1 for s1, e1 in a.spans for s2, e2 in b.spans)
    ea, eb = fold(a.cells["evidence"]), fold(b.cells["evidence"])
    return bool(ea and eb) and (ea in eb or eb in ea)


def _same_amount(x, y) -> bool:
    if x is None or y is None:
        return False
    (va, oa, ba), (vb, ob, bb) = x, y
    if (oa is None) != (ob is None) or (oa is not None and not math.isclose(oa, ob)):
        return False
    return math.isclose(ba, bb, rel_tol=1e-9, abs_tol=1e-12) or math.isclose(va, vb, rel_tol=1e-9, abs_tol=1e-12)


def _same_cell(x, y, x_text: str, y_text: str) -> bool:
    """Two value cells agree: as amounts when both read, else as typed."""
    if x is not None and y is not None:
        return _same_amount(x, y)
    return _norm(x_text) == _norm(y_text)


def differences(a: Row, b: Row) -> list[str]:
    """The compared fields (COMPARED) on which two paired rows differ."""
    out = []
    if not _same_cell(a.amount, b.amount, a.cells["value"], b.cells["value"]):
        out.append("value")
    if not _same_cell(a.high, b.high, a.cells["value_high"], b.cells["value_high"]):
        out.append("value_high")
    if _norm(a.cells["unit"]) != _norm(b.cells["unit"]):
        out.append("unit")
    qa, qb = (QUALIFIER_SYNONYMS.get(_norm(r.cells["qualifier"]), _norm(r.cells["qualifier"])) for r in (a, b))
    if qa != qb:
        out.append("qualifier")
    if a.period != b.period:
        out.append("period")
    out += [k for k in ("metric_id", "locality_id", "figure_type", "reference") if _norm(a.cells[k]) != _norm(b.cells[k])]
    return out


def _period(cells: dict) -> tuple | None:
    try:
        return parse_partial_date(cells["period_start"]).first, parse_partial_date(cells["period_end"]).last
    except PeriodError:
        return None


def read_rows(path: Path, name: str | None = None, units=None) -> list[Row]:
    """An annotation file's rows, read like the loader reads them (any separator, encoding, BOM); units
    from `units` (default: the project's units table)."""
    raw = read_table(Path(path), ANNOTATIONS, name)
    if not raw.readable:
        first = raw.problems.errors[0]
        raise AgreementError(f"{raw.name} cannot be read: {first.message}", first.fix)
    out = []
    for row, cells in raw.frame.iterrows():
        cells = {k: (v if isinstance(v, str) else "") for k, v in cells.items()}
        high = row_amount(cells["value_high"], cells["unit"], raw.decimal, units) if cells["value_high"] else None
        out.append(Row(raw.name, int(row), cells, row_amount(cells["value"], cells["unit"], raw.decimal, units), high,
                       _period(cells)))
    return out


def _locate(rows: list[Row], text: str | None) -> None:
    """Where each row's evidence is in the article text (folded), for the overlap test."""
    if text is None:
        return
    folded, _ = fold_map(text)
    for r in rows:
        ev = fold(r.cells["evidence"])
        start = folded.find(ev) if ev else -1
        while start >= 0:
            r.spans.append((start, start + len(ev)))
            start = folded.find(ev, start + 1)


def agreement(file_a, file_b=None, *, data_dir=None, texts=None, article_id: str | None = None) -> Agreement:
    """Compare two annotation files of one article, or the two annotators of one file."""
    from .units import read_units

    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    units = read_units(data_dir)
    rows_a = read_rows(Path(file_a), units=units)
    if file_b is None:
        names = sorted({r.cells["annotator"] for r in rows_a})
        if len(names) != 2:
            raise AgreementError(f"{file_a} has {len(names)} annotator(s) ({', '.join(names) or 'none'}); "
                                 "one file is compared by annotator only when it holds exactly two",
                                 "give two files: python -m helpers agreement FILE_A FILE_B")
        rows_b = [r for r in rows_a if r.cells["annotator"] == names[1]]
        rows_a = [r for r in rows_a if r.cells["annotator"] == names[0]]
        label_a, label_b = (f"{file_a} (annotator {n}, {len(rs)} rows)" for n, rs in zip(names, (rows_a, rows_b)))
    else:
        rows_b = read_rows(Path(file_b), units=units)
        label_a, label_b = (f"{f} ({_who(rs)}, {len(rs)} rows)" for f, rs in ((file_a, rows_a), (file_b, rows_b)))
    article_id = article_id or _article_of(data_dir, Path(file_a), Path(file_b) if file_b else None)
    text = _text_of(data_dir, texts, article_id)
    _locate(rows_a, text)
    _locate(rows_b, text)
    pairs, only_a, only_b = compare(rows_a, rows_b)
    return Agreement(article_id or Path(file_a).stem, label_a, label_b, pairs, only_a, only_b)


def _who(rows: list[Row]) -> str:
    names = sorted({r.cells["annotator"] for r in rows})
    return "annotator " + ", ".join(names) if names else "no annotator"


def _article_of(data_dir: Path, *files: Path | None) -> str | None:
    """The article a file belongs to: its name (minus a suffix such as '-annotator2') in articles.csv."""
    if not (data_dir / "articles.csv").is_file():
        return None
    ids = set(read_table(data_dir / "articles.csv", ARTICLES).frame["article_id"])
    for f in files:
        if f is None:
            continue
        stem = f.stem
        while stem:
            if stem in ids:
                return stem
            stem = stem.rpartition("-")[0] if "-" in stem else ""
    return None


def _text_of(data_dir: Path, texts, article_id: str | None) -> str | None:
    if article_id is None:
        return None
    texts = texts if texts is not None else paths.texts_dir()
    arts = read_table(data_dir / "articles.csv", ARTICLES).frame
    hit = arts[arts["article_id"] == article_id]
    if hit.empty:
        return None
    path = safe_text_path(texts, hit["text_file"].iloc[0])
    return read_text(path) if path is not None else None
