"""The briefing pack's rules (data/pack.csv): which charts the data earns, and how many localities a view
labels before the rest become context. Numbers an analyst may want to change live there, not in code."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from . import paths

# Columns of pack.csv that are counts; an empty cell means "no limit" (None).
LIMITS = ("max_labelled", "notable", "max_charts")


def pack_rules(data_dir=None) -> dict[str, dict]:
    """data/pack.csv keyed by chart kind; a rule missing from the file is a chart the pack leaves out.
    A data folder without pack.csv gets the project's rules."""
    path = Path(data_dir or paths.DATA) / "pack.csv"
    if not path.exists():
        path = paths.DATA / "pack.csv"
    stat = path.stat()
    return {kind: dict(rule) for kind, rule in _read(str(path), stat.st_mtime_ns, stat.st_size).items()}


@lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> dict[str, dict]:
    """Read once per file version: a widget redraw asks for the rules each time."""
    from .io import read_table
    from .schema import PACK

    rules = {}
    for r in read_table(Path(path), PACK).frame.to_dict("records"):
        r["min_localities"] = int(float(r["min_localities"] or 1))
        r["min_terms"] = int(float(r["min_terms"] or 1))
        for key in LIMITS:
            cell = r.get(key)
            r[key] = int(float(cell)) if isinstance(cell, str) and cell.strip() else None
        rules[r["chart"]] = r
    return rules


def view_rule(kind: str, rules: dict | None = None) -> dict:
    """{max_labelled, notable} of a chart kind: with no rule for it, every locality is labelled."""
    rule = (pack_rules() if rules is None else rules).get(kind, {})
    return {key: rule.get(key) for key in LIMITS}
