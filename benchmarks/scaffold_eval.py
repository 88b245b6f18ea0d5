"""How close `new-article`'s scaffold comes to the final annotation: each shipped article left out in turn.

    .venv/bin/python -m benchmarks.scaffold_eval                 # the whole corpus (or: make eval-scaffold)
    .venv/bin/python -m benchmarks.scaffold_eval --article ID    # one article, printed only
    .venv/bin/python -m benchmarks.scaffold_eval --json results.json

For each article A of data/ whose text is in the texts folders: data/ is copied to a temporary folder
without A (its row in articles.csv and its annotation file), and the scaffold (helpers.scaffold.new_article,
what `new-article` runs) scaffolds A from its text with everything else as knowledge, given what an analyst
would type: A's id, its main locality (the locality most of A's figures name; the first of them on a tie),
and the title, publisher, url and published date of A's row (`language` cannot be passed: new_article takes
none). Each annotated figure of A is then matched to a scaffold row and compared field by field.

Matching (one scaffold row matches at most one figure, one figure at most one row):

- a figure's *place* is where its evidence is in the text (helpers.agreement locates excerpts, folded, every
  occurrence); a scaffold row's place is the figure mention (helpers.mentions.find_mentions) inside the row's
  evidence whose value is the row's value, the first not already taken, or the row's evidence when none is;
- pass 1, the same printed figure: the row's place is inside the figure's evidence and the values are equal
  (either end of the row's range; compared as helpers.agreement compares amounts: as printed or in base units);
- pass 2, the same place read another way: the row's place is inside the figure's evidence, any value (a
  misread number, a value the annotator derived, such as 110% from "vượt hơn 10%");
- each pass is a maximum one-to-one matching (augmenting paths), figures in file order and rows in text order,
  so the result does not depend on the order in which rows happen to be tried.

A figure is *found* when some row matches it. Fields are compared on found figures, normalised:
value (and value_high) as numbers in the metric's unit; unit as parsed (dimension, factor, per year);
qualifier as its code (an empty cell is `exact`); the period as the days it covers; figure_type;
reference with reference_owner; locality_id; the indicator first time (metric_id, else the first candidate)
and within the top three, when the scaffold offers candidates (a `metric_candidates` list on the rows it
returns; 'n/a' when it offers none).

The results replace the part of --out between the `scaffold-eval` markers; the rest of the file is left alone.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import write_readme  # noqa: E402
from helpers import paths  # noqa: E402
from helpers.agreement import Row, _locate, _period, _same_amount, read_rows  # noqa: E402
from helpers.io import read_table  # noqa: E402
from helpers.mentions import find_mentions, fold_map, folded_span, row_amount, value_matches  # noqa: E402
from helpers.numbers import clean  # noqa: E402
from helpers.schema import ARTICLES, METRICS, QUALIFIER_SYNONYMS  # noqa: E402
from helpers.scaffold import new_article  # noqa: E402
from helpers.texts import read_text, safe_text_path  # noqa: E402
from helpers.units import UnitError, parse_unit  # noqa: E402

START, END = "<!-- scaffold-eval:start -->", "<!-- scaffold-eval:end -->"
# The goals, as shares of the figures compared (found is a share of all annotated figures).
GOALS = {"found": 0.95, "value": 0.90, "unit": 0.90, "qualifier": 0.90, "period": 0.90, "figure_type": 0.90,
         "reference": 0.90, "metric_top1": 0.70, "metric_top3": 0.90}
FIELDS = ("value", "unit", "qualifier", "period", "figure_type", "reference", "locality_id", "metric_top1",
          "metric_top3")
LABELS = {"found": "figures found", "value": "value (and value_high)", "unit": "unit", "qualifier": "qualifier",
          "period": "period", "figure_type": "figure type", "reference": "reference (+ reference_owner)",
          "locality_id": "locality", "metric_top1": "indicator right first time", "metric_top3": "indicator within the top three"}
SCAFFOLD_ANNOTATOR = "scaffold-eval"


# ---------------------------------------------------------------------------------------------
# One article left out and scaffolded

@dataclass
class Figure:
    """An annotated figure or a scaffold row, placed in the text (spans of the folded text)."""

    row: Row
    spans: list[tuple[int, int]]
    candidates: list[str] | None = None  # the scaffold's indicator candidates, best first (rows only)

    @property
    def start(self) -> int:
        return min((s for s, _ in self.spans), default=-1)


@dataclass
class Result:
    article_id: str
    status: str = "ok"  # ok, failed (the scaffold raised), no_text, no_annotations
    error: str = ""
    locality_id: str = ""
    figures: list[dict] = field(default_factory=list)  # one per annotated figure
    scaffold_rows: int = 0
    unmatched_rows: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def corpus(data_dir: Path, texts) -> list[dict]:
    """The articles of `data_dir`, in articles.csv order, each with its text's path (None when not found)."""
    arts = read_table(data_dir / "articles.csv", ARTICLES).frame.fillna("")
    out = []
    for _, a in arts.iterrows():
        path = safe_text_path(texts, a["text_file"])
        out.append({**{k: str(v) for k, v in a.items()},
                    "text_path": path if path is not None and path.is_file() else None})
    return out


def leave_out(data_dir: Path, article_id: str, into: Path) -> Path:
    """A copy of `data_dir` in `into`/data without the article: its annotation file and its articles.csv row."""
    target = into / "data"
    shutil.copytree(data_dir, target, ignore=lambda d, names: [n for n in names if n == f"{article_id}.csv"
                                                               and Path(d).name == "annotations"])
    arts = read_table(data_dir / "articles.csv", ARTICLES).frame.fillna("")
    with open(target / "articles.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=ARTICLES.columns, lineterminator="\n")
        w.writeheader()
        w.writerows(r for r in arts.to_dict("records") if r["article_id"] != article_id)
    return target


def main_locality(rows: list[Row]) -> str:
    """The locality most of the article's figures name; the first of them on a tie."""
    counts = Counter(r.cells["locality_id"] for r in rows)
    best = max(counts.values(), default=0)
    return next((r.cells["locality_id"] for r in rows if counts[r.cells["locality_id"]] == best), "")


def evaluate_article(article: dict, data_dir: Path, texts, scaffold=new_article, work: Path | None = None) -> Result:
    """Leave the article out, scaffold it, match and compare (see the module docstring)."""
    started = time.perf_counter()
    aid = article["article_id"]
    res = Result(aid)
    ann_file = data_dir / "annotations" / f"{aid}.csv"
    if article["text_path"] is None:
        res.status, res.error = "no_text", f"text {article['text_file']} not in the texts folders"
        return res
    if not ann_file.is_file():
        res.status, res.error = "no_annotations", f"{ann_file} does not exist"
        return res
    text = read_text(article["text_path"])
    annotated = read_rows(ann_file)
    if article.get("language") == "en":  # the loader reads an English page's values the English way
        for r in annotated:
            r.amount = row_amount(r.cells["value"], r.cells["unit"], ".")
            r.high = row_amount(r.cells["value_high"], r.cells["unit"], ".") if r.cells["value_high"] else None
    res.locality_id = main_locality(annotated)
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="scaffold-eval-")) if own else work
    try:
        copy = leave_out(data_dir, aid, work / aid)
        try:
            made = scaffold(article["text_path"], aid, res.locality_id, data_dir=copy, texts=texts,
                            title=article.get("title") or None, publisher=article.get("publisher", ""),
                            url=article.get("url", ""), published=article.get("published") or None,
                            annotator=SCAFFOLD_ANNOTATOR)
            rows = read_rows(copy / "annotations" / f"{aid}.csv")
        except Exception as exc:  # noqa: BLE001 — a crash is a result to record, not a reason to stop
            res.status = "failed"
            res.error = f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"
            res.figures = [dict(describe(aid, Figure(r, []), None, None, None), miss="the scaffold failed on this article")
                           for r in annotated]
            res.seconds = time.perf_counter() - started
            traceback.print_exc()
            return res
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
        else:
            shutil.rmtree(work / aid, ignore_errors=True)
    returned = getattr(made, "rows", None)
    choices = [_candidates(r) for r in returned] if isinstance(returned, list) and len(returned) == len(rows) else None
    figures, proposals = place(text, annotated, rows, choices)
    pairs = match(figures, proposals)
    units = metric_units(data_dir)
    res.figures = [describe(aid, f, *pairs.get(i, (None, None, None)), units) for i, f in enumerate(figures)]
    for x, f in zip(res.figures, figures):
        if not x["found"]:
            x["miss"] = miss_reason(f, proposals)
    res.scaffold_rows = len(rows)
    res.unmatched_rows = len(rows) - len(pairs)
    res.seconds = time.perf_counter() - started
    return res


def _candidates(row) -> list[str] | None:
    """The indicator candidates a scaffold row offers, best first ('a|b|c' or a list); None when it has no such key."""
    if not isinstance(row, dict) or row.get("metric_candidates") is None:
        return None
    c = row["metric_candidates"]
    return [x.strip() for x in (re.split(r"[|;,]", c) if isinstance(c, str) else c) if str(x).strip()]


def place(text: str, annotated: list[Row], rows: list[Row], choices) -> tuple[list[Figure], list[Figure]]:
    """Where each annotated figure and each scaffold row is in the folded text (see the module docstring)."""
    _locate(annotated, text)
    _locate(rows, text)
    figures = [Figure(r, list(r.spans)) for r in annotated]
    _, index = fold_map(text)
    mentions = [(m, folded_span(index, m.start, m.end)) for m in find_mentions(text) if m.kind == "figure"]
    taken: set[int] = set()
    proposals = []
    for k, r in enumerate(rows):
        spot = None
        for i, (m, (fs, fe)) in enumerate(mentions):
            if i not in taken and _inside((fs, fe), r.spans) and (value_matches(m, r.amount) or _same_text(m, r)):
                spot = i
                break
        if spot is not None:
            taken.add(spot)
        spans = [mentions[spot][1]] if spot is not None else list(r.spans)
        proposals.append(Figure(r, spans, choices[k] if choices else None))
    return figures, proposals


def _same_text(m, r: Row) -> bool:
    """A row whose value did not parse: the mention printed as its value cell."""
    return r.amount is None and bool(r.cells["value"]) and clean(m.text).rstrip("% ") == clean(r.cells["value"])


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    s, e = span
    return any(s < e2 and s2 < e for s2, e2 in spans)


def _same_value(f: Figure, p: Figure) -> bool:
    return _same_amount(f.row.amount, p.row.amount) or _same_amount(f.row.amount, p.row.high)


def match(figures: list[Figure], proposals: list[Figure]) -> dict[int, tuple[int, Figure, str]]:
    """Figure index -> (row index, row, pass) for the matched figures, one to one (see the module docstring)."""
    order = sorted(range(len(proposals)), key=lambda k: (proposals[k].start, k))
    passes = (
        ("same_value", lambda f, p: _same_value(f, p) and (not f.spans or any(_inside(s, f.spans) for s in p.spans))),
        ("same_place", lambda f, p: bool(f.spans) and any(_inside(s, f.spans) for s in p.spans)),
    )
    pairs: dict[int, tuple[int, Figure, str]] = {}
    for name, ok in passes:
        free_f = [i for i in range(len(figures)) if i not in pairs]
        used = {k for k, _, _ in pairs.values()}
        edges = {i: [k for k in order if k not in used and ok(figures[i], proposals[k])] for i in free_f}
        for i, k in _max_matching(free_f, edges).items():
            pairs[i] = (k, proposals[k], name)
    return pairs


def _max_matching(left: list[int], edges: dict[int, list[int]]) -> dict[int, int]:
    """A maximum bipartite matching by augmenting paths (Kuhn), deterministic in the order of `left` and `edges`."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for k in edges[i]:
            if k in seen:
                continue
            seen.add(k)
            if k not in owner or augment(owner[k], seen):
                owner[k] = i
                return True
        return False

    for i in left:
        augment(i, set())
    return {i: k for k, i in owner.items()}


# ---------------------------------------------------------------------------------------------
# Field by field

def metric_units(data_dir: Path) -> dict[str, str]:
    """metric_id -> the codebook's canonical unit."""
    frame = read_table(data_dir / "metrics.csv", METRICS).frame.fillna("")
    return dict(zip(frame["metric_id"], frame["unit"]))


def _norm(x: str) -> str:
    return clean(x or "").lower()


def _unit(text: str):
    try:
        return parse_unit(text)
    except UnitError:
        return None


def unit_key(text: str) -> tuple:
    """A unit as parsed: (dimension, factor, per year); the cleaned text when it does not parse."""
    u = _unit(text)
    return (u.dimension, u.factor, u.per_year) if u else ("unparsed", _norm(text))


def _scale(unit: str, canonical: str, fallback: float | None = None) -> float | None:
    """Factor taking a value in `unit` to the metric's unit `canonical` (the dimension's base when unknown)."""
    u, c = _unit(unit), _unit(canonical)
    if u is None:
        return fallback
    if c is not None and c.dimension == u.dimension:
        return u.factor / c.factor
    return u.factor


def same_number(a, a_unit: str, s, s_unit: str, canonical: str) -> bool:
    """Two amounts (value, out_of, base) equal in the metric's unit; both empty counts as equal.

    A scaffold unit that does not parse, or measures something else, says nothing about the scale: the number
    is then right when it equals the annotated number as printed or in base units (`237 tỷ` with no unit against
    237 tỷ đồng); the unit is judged on its own."""
    if a is None or s is None:
        return a is None and s is None
    (av, ao, _), (sv, so, _) = a, s
    if (ao is None) != (so is None) or (ao is not None and not math.isclose(ao, so)):
        return False
    su, au = _unit(s_unit), _unit(a_unit)
    if su is not None and au is not None and su.dimension == au.dimension:
        return _close(av * _scale(a_unit, canonical, 1.0), sv * _scale(s_unit, canonical, 1.0))
    return _close(av, sv) or (au is not None and _close(av * au.factor, sv))


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _qualifier(x: str) -> str:
    return QUALIFIER_SYNONYMS.get(_norm(x), _norm(x))


def _period_text(c: dict) -> str:
    return f"{c['period_start']}..{c['period_end']}" if c["period_start"] or c["period_end"] else "(empty)"


def compare(f: Figure, p: Figure, units: dict[str, str]) -> dict[str, dict]:
    """Each field of FIELDS: right or not, and what was expected and got (as readable text)."""
    a, s = f.row.cells, p.row.cells
    canonical = units.get(a["metric_id"], a["unit"])
    out = {}
    low = same_number(f.row.amount, a["unit"], p.row.amount, s["unit"], canonical)
    high = same_number(f.row.high, a["unit"], p.row.high, s["unit"], canonical)
    out["value"] = {"right": low and high, "expected": _value_text(a), "got": _value_text(s),
                    "reason": "" if low and high else value_reason(f, p, low, canonical)}
    out["unit"] = {"right": unit_key(a["unit"]) == unit_key(s["unit"]), "expected": a["unit"] or "(empty)",
                   "got": s["unit"] or "(empty)"}
    out["qualifier"] = {"right": _qualifier(a["qualifier"]) == _qualifier(s["qualifier"]),
                        "expected": _qualifier(a["qualifier"]), "got": _qualifier(s["qualifier"])}
    right = f.row.period is not None and f.row.period == p.row.period
    out["period"] = {"right": right, "expected": _period_text(a), "got": _period_text(s),
                     "reason": "" if right else period_reason(f, p)}
    out["figure_type"] = {"right": _norm(a["figure_type"]) == _norm(s["figure_type"]), "expected": a["figure_type"],
                          "got": s["figure_type"] or "(empty)"}
    ref_a = "/".join(x for x in (_norm(a["reference"]), _norm(a["reference_owner"])) if x) or "(none)"
    ref_s = "/".join(x for x in (_norm(s["reference"]), _norm(s["reference_owner"])) if x) or "(none)"
    out["reference"] = {"right": ref_a == ref_s, "expected": ref_a, "got": ref_s}
    out["locality_id"] = {"right": _norm(a["locality_id"]) == _norm(s["locality_id"]), "expected": a["locality_id"],
                          "got": s["locality_id"]}
    choices = ([s["metric_id"]] if s["metric_id"] else []) + [c for c in (p.candidates or []) if c != s["metric_id"]]
    top1 = choices[0] if choices else "(empty)"
    out["metric_top1"] = {"right": top1 == a["metric_id"], "expected": a["metric_id"], "got": top1,
                          "reason": "" if choices else "metric_id left empty and no candidates offered"}
    out["metric_top3"] = ({"right": a["metric_id"] in choices[:3], "expected": a["metric_id"],
                           "got": " | ".join(choices[:3]) or "(none)"} if p.candidates is not None else None)
    return out


def _value_text(c: dict) -> str:
    v = c["value"] + (f" – {c['value_high']}" if c["value_high"] else "")
    return f"{v} {c['unit']}".strip() or "(empty)"


def value_reason(f: Figure, p: Figure, low_right: bool, canonical: str) -> str:
    """Why two values differ, in a few words (the mismatch groups)."""
    a, s = f.row, p.row
    if s.amount is None:
        return "scaffold value unreadable"
    if a.amount is None:
        return "annotated value unreadable"
    if low_right:
        return "range: upper end missed" if s.high is None else "range: upper end differs" if a.high else \
            "scaffold reads a range, the annotation one number"
    if a.high is not None and s.high is None and _same_amount(a.high, s.amount):
        return "range: scaffold took the upper end alone"
    (av, ao, _), (sv, so, _) = a.amount, s.amount
    if (ao is None) != (so is None):
        return "fraction against a single number"
    fa, fs = _scale(a.cells["unit"], canonical, 1.0), _scale(s.cells["unit"], canonical, 1.0)
    x, y = av * (fa or 1.0), sv * (fs or 1.0)
    if x and y:
        k = math.log10(abs(x / y))
        if abs(k - round(k)) < 1e-6 and round(k) != 0:
            return f"off by 10^{round(k)} (thousands mark read as a decimal, or a unit's multiplier)"
    if p.spans and f.spans and not _same_amount(a.amount, s.amount):
        return "another number at the same place (derived by the annotator, or misread)"
    return "different number"


def period_reason(f: Figure, p: Figure) -> str:
    a, s = f.row, p.row
    basis = "annotator inferred it" if _norm(a.cells["period_basis"]) == "inferred" else "stated in the article"
    if s.period is None:
        return f"scaffold left it empty; {basis}"
    if a.period is None:
        return "annotated period unreadable"
    (a0, a1), (s0, s1) = a.period, s.period
    if a0.year == a1.year and s0.year == s1.year and a0.year != s0.year:
        return f"another year; {basis}"
    if (a0, a1) != (s0, s1) and a0 <= s0 and s1 <= a1:
        return f"scaffold period inside the annotated one; {basis}"
    if (a0, a1) != (s0, s1) and s0 <= a0 and a1 <= s1:
        return f"annotated period inside the scaffold's; {basis}"
    return f"another period; {basis}"


def miss_reason(f: Figure, proposals: list[Figure]) -> str:
    """Why no scaffold row matched an annotated figure."""
    if not f.spans:
        return "evidence not found in the text"
    there = [p for p in proposals if any(_inside(s, f.spans) for s in p.spans)]  # all matched to other figures
    if any(_same_value(f, p) for p in there):
        return "its printed number matched another annotated figure (one number, several figures)"
    if not re.search(r"\d", f.row.cells["evidence"]):
        return "written in words (no digits in the evidence)"
    if there:
        return "no row with its value there, only other figures' (written in words or misprinted)"
    return "digits in the evidence, but no scaffold row there (the finder read no figure)"


def describe(aid: str, f: Figure, k, p: Figure | None, how, units=None) -> dict:
    c = f.row.cells
    out = {"article_id": aid, "row": f.row.row, "evidence": c["evidence"], "metric_id": c["metric_id"],
           "value": c["value"], "unit": c["unit"], "found": p is not None, "match": how,
           "scaffold_row": p.row.row if p is not None else None, "fields": None, "miss": None}
    if p is not None:
        out["fields"] = compare(f, p, units or {})
    return out


# ---------------------------------------------------------------------------------------------
# The corpus

def evaluate(data_dir=None, texts=None, articles: list[str] | None = None, scaffold=new_article, log=print) -> dict:
    """Every article (or those named) left out in turn; the raw results as a dict (see render)."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    texts = texts if texts is not None else (paths.default_texts() or paths.texts_dir())
    items = corpus(data_dir, texts)
    if items and all(a["text_path"] is None for a in items):
        raise SystemExit(f"error: none of the article texts is in {texts}\n"
                         "fix: pass --texts DIR[:DIR] or set LOCALITY_TEXTS to the folders holding them "
                         "(../shared/seeds and ../shared/articles beside the project)")
    if articles:
        unknown = sorted(set(articles) - {a["article_id"] for a in items})
        if unknown:
            raise SystemExit(f"error: not in {data_dir / 'articles.csv'}: {', '.join(unknown)}")
        items = [a for a in items if a["article_id"] in articles]
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="scaffold-eval-"))
    results = []
    try:
        for a in items:
            r = evaluate_article(a, data_dir, texts, scaffold, work)
            results.append(r.as_dict())
            found = sum(x["found"] for x in r.figures)
            log(f"  {r.article_id}: {r.status}" + (f" ({r.error})" if r.error else "")
                + (f", {found}/{len(r.figures)} figures found, {r.scaffold_rows} scaffold rows" if r.status == "ok" else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    shown = "data/" if data_dir.resolve() == paths.DATA.resolve() else str(data_dir)
    return {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "data": shown,
            "texts": str(texts), "commit": _commit(), "articles": results,
            "elapsed": time.perf_counter() - started, "summary": summarise(results)}


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "helpers", "benchmarks", ":!benchmarks/README.md"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return (head or "?") + (" + uncommitted changes" if dirty else "")
    except OSError:
        return "?"


def summarise(results: list[dict]) -> dict:
    """Counts over the corpus: found, and right/compared per field."""
    figs = [x for r in results if r["status"] in ("ok", "failed") for x in r["figures"]]
    found = [x for x in figs if x["found"]]
    out = {"articles": len(results), "evaluated": sum(r["status"] == "ok" for r in results),
           "failed": [r["article_id"] for r in results if r["status"] == "failed"],
           "skipped": {r["article_id"]: r["status"] for r in results if r["status"] in ("no_text", "no_annotations")},
           "figures": len(figs), "found": len(found),
           "by_pass": dict(Counter(x["match"] for x in found)),
           "scaffold_rows": sum(r["scaffold_rows"] for r in results),
           "unmatched_rows": sum(r["unmatched_rows"] for r in results), "fields": {}}
    for name in FIELDS:
        cells = [x["fields"][name] for x in found if x["fields"][name] is not None]
        out["fields"][name] = {"right": sum(c["right"] for c in cells), "compared": len(cells)}
    return out


def mismatches(results: list[dict], name: str, limit: int = 10) -> list[tuple[str, int, list[dict]]]:
    """The most common mismatches of a field: (what, count, examples), most common first."""
    groups: dict[str, list[dict]] = {}
    for r in results:
        for x in r["figures"]:
            if name == "found":
                if not x["found"]:
                    key = x["miss"] or ("the scaffold failed on this article" if r["status"] == "failed" else "not found")
                    groups.setdefault(key, []).append({"article_id": x["article_id"], "evidence": x["evidence"],
                                                       "expected": f"{x['value']} {x['unit']}".strip(), "got": "—"})
                continue
            c = (x["fields"] or {}).get(name)
            if c is None or c["right"]:
                continue
            key = c.get("reason") or f"{c['expected']} → {c['got']}"
            groups.setdefault(key, []).append({"article_id": x["article_id"], "evidence": x["evidence"],
                                               "expected": c["expected"], "got": c["got"]})
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(k, len(v), v) for k, v in ranked[:limit]]


# ---------------------------------------------------------------------------------------------
# The report

def _pct(right: int, n: int) -> str:
    return "n/a" if not n else f"{100 * right / n:.1f}%"


def goal_line(name: str, right: int, n: int, results: list[dict]) -> str:
    """Met, or missed by how many points and the most common reason."""
    goal = GOALS.get(name)
    if goal is None:
        return "no goal"
    if not n:
        return f"≥ {goal:.0%}: n/a — " + ("the scaffold offers no indicator candidates (no `metric_candidates`)"
                                           if name == "metric_top3" else "nothing compared")
    share = right / n
    if share >= goal:
        return f"≥ {goal:.0%}: met"
    top = mismatches(results, name, 2)
    why = "; ".join(f"{k} ({c})" for k, c, _ in top)
    return f"≥ {goal:.0%}: missed by {100 * (goal - share):.1f} points ({math.ceil(goal * n - right - 1e-9)} more right needed); mostly: {why}"


def _short(text: str, n: int = 90) -> str:
    text = " ".join((text or "").split()).replace("|", "\\|")
    return text if len(text) <= n else text[:n - 1] + "…"


def render(res: dict, command: str) -> str:
    s = res["summary"]
    results = res["articles"]
    lines = [START, "",
             f"Run on {res['when']} with `{command}`, {res['elapsed']:.0f} s in all; code at {res['commit']}.", "",
             f"Corpus: {s['articles']} article{'' if s['articles'] == 1 else 's'} in {res['data']} (texts from {res['texts']}); {s['evaluated']} scaffolded and compared"
             + (f", {len(s['failed'])} failed (the scaffold raised: {', '.join(s['failed'])})" if s["failed"] else ", none failed")
             + (f", {len(s['skipped'])} skipped (" + ", ".join(f"{k}: {v}" for k, v in s["skipped"].items()) + ")"
                if s["skipped"] else "")
             + f". {s['figures']} annotated figures; the scaffold wrote {s['scaffold_rows']} rows, "
               f"{s['unmatched_rows']} of which match no annotated figure.", "",
             "| measure | right | compared | share | goal |", "| --- | --- | --- | --- | --- |"]
    by_pass = s["by_pass"]
    lines.append(f"| {LABELS['found']} (of all annotated; {by_pass.get('same_value', 0)} by value, "
                 f"{by_pass.get('same_place', 0)} by place only) | {s['found']} | {s['figures']} | "
                 f"{_pct(s['found'], s['figures'])} | {goal_line('found', s['found'], s['figures'], results)} |")
    for name in FIELDS:
        f = s["fields"][name]
        lines.append(f"| {LABELS[name]} | {f['right']} | {f['compared']} | {_pct(f['right'], f['compared'])} | "
                     f"{goal_line(name, f['right'], f['compared'], results)} |")
    lines += ["", "Fields are compared on the figures found; 'found' counts every annotated figure, including "
              "those of an article on which the scaffold failed.", ""]
    lines += ["Per article (shares of its figures found, then of those found right):", "",
              "| article | figures | found | value | unit | qualifier | period | type | reference | locality | "
              "indicator | scaffold rows (unmatched) | status |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        figs = r["figures"]
        found = [x for x in figs if x["found"]]
        cells = []
        for name in FIELDS[:-1]:
            right = sum(x["fields"][name]["right"] for x in found)
            cells.append(_pct(right, len(found)) if found else "—")
        status = r["status"] + (f": {_short(r['error'], 80)}" if r["error"] else "")
        lines.append(f"| {r['article_id']} | {len(figs)} | {_pct(len(found), len(figs)) if figs else '—'} | "
                     + " | ".join(cells) + f" | {r['scaffold_rows']} ({r['unmatched_rows']}) | {status} |")
    lines += ["", "The most common mismatches per field (count; one example: article, evidence, expected → got):", ""]
    for name in ("found",) + FIELDS:
        groups = mismatches(results, name)
        if not groups:
            continue
        lines.append(f"**{LABELS[name]}**" + (" (figures not found)" if name == "found" else "") + ":")
        lines.append("")
        for what, count, ex in groups:
            e = ex[0]
            lines.append(f"- {_short(what, 110)} — {count}; e.g. `{e['article_id']}`: “{_short(e['evidence'])}” — "
                         f"{_short(e['expected'], 60)} → {_short(e['got'], 60)}")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=str(paths.DATA), help="the corpus (default: data/)")
    p.add_argument("--texts", help="folders of the article texts, joined by ':' (default: as the other commands)")
    p.add_argument("--article", action="append", help="evaluate only this article (repeatable); printed, not written "
                                                      "into --out")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "README.md"), help="file that receives the results")
    p.add_argument("--json", help="also write the raw results here")
    args = p.parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    command = "python -m benchmarks.scaffold_eval" + ("".join(f" {a}" for a in argv))
    res = evaluate(args.data, args.texts, args.article, log=lambda m: print(m, file=sys.stderr, flush=True))
    block = render(res, command)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    if not args.article:
        write_readme(Path(args.out), block, START, END)
    print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
