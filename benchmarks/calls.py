"""The notebooks' own calls timed at national size, next to a pandas group-by floor measured in the same run.

    .venv/bin/python -m benchmarks.calls                        # sizes 1000,3000,10000 (or: make bench-calls)
    .venv/bin/python -m benchmarks.calls --sizes 1000 --out /tmp/calls.md --json /tmp/calls.json
    .venv/bin/python -m benchmarks.calls --profile /tmp/c3000/data   # cProfile of each analysis call

For the shipped data (data/) and for each synthetic corpus (benchmarks/generate.py, in a temporary folder),
the table is loaded as notebooks 02 and 03 load it (`load(data_dir)`, cache on, the cache in the work folder),
then each call of notebooks 01-03 is timed with the notebooks' own arguments: best of 3 runs for a call
under 2 s, one run otherwise (time.perf_counter). A chart is drawn on the Agg canvas, as the notebook's
inline backend does, then closed; nothing is saved. A call that raises is recorded (exception type and
message), never stops the run.

The floor: `df.groupby(["locality_id", "metric_id", "term"], observed=True)["value"].agg(["min", "max",
"count"])` over the same tidy table (without its attrs), best of 3. Analysis calls are given as a ratio to
it, charts as a ratio to the same chart drawn from the shipped data. The results replace the part of --out
between the `calls` markers; the rest of the file is left alone.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from benchmarks.run import machine, publish  # noqa: E402

START, END = "<!-- calls:start -->", "<!-- calls:end -->"
GOALS = {"analysis_x_floor": 10.0, "chart_x_shipped": 3.0, "from_articles": 3000}
QUICK = 2.0  # a call under this many seconds is run 3 times and the best kept
LANG, TERM = "vi", None  # the notebooks' default parameters


def timed(fn, *, quick: float = QUICK, repeat: int = 3) -> dict:
    """Best-of-`repeat` seconds of fn() (one run when the first is slow); an exception is recorded, not raised."""
    best = None
    for k in range(repeat):
        t = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - the benchmark records every failure and goes on
            return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]}
        seconds = time.perf_counter() - t
        best = seconds if best is None else min(best, seconds)
        if k == 0 and seconds >= quick:
            break
    return {"seconds": best}


def floor(df):
    """The pandas group-by the analysis calls are held against (on the columns alone: no attrs copied)."""
    import pandas as pd

    bare = pd.DataFrame(df, copy=False)
    return bare.groupby(["locality_id", "metric_id", "term"], observed=True)["value"].agg(["min", "max", "count"])


def drawn(obj) -> None:
    """Render a chart's figure on its canvas, as the notebook shows it, then close it."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.figure import Figure

    fig = obj if isinstance(obj, Figure) else getattr(obj, "figure", None)
    if fig is None:  # an array of Axes
        fig = np.asarray(obj).flat[0].figure
    fig.canvas.draw()
    plt.close(fig)


def calls(df) -> list[tuple[str, str, object]]:
    """(label, 'analysis' or 'chart', a no-argument function) for each call of notebooks 01-03, with their
    arguments: the metric most localities report, the locality with the most figures, TERM=None, LANG='vi'."""
    from helpers import analysis, charts

    metric = analysis.most_reported(df, "metric_id", by="locality_id")
    locality = analysis.most_reported(df, "locality_id")
    mine = analysis.select(df, locality=locality, figure_type=None)
    multi = mine.groupby("metric_id", observed=True)["term"].nunique()
    across = str(multi[multi > 1].index[0]) if (multi > 1).any() else metric
    return [
        ("`analysis.most_reported(df, \"metric_id\", by=\"locality_id\")`", "analysis",
         lambda: analysis.most_reported(df, "metric_id", by="locality_id")),
        ("`analysis.most_reported(df, \"locality_id\")`", "analysis", lambda: analysis.most_reported(df, "locality_id")),
        ("`analysis.select(df, metric=METRIC)`", "analysis", lambda: analysis.select(df, metric=metric)),
        ("`analysis.select(df, locality=LOCALITY, figure_type=None)`", "analysis",
         lambda: analysis.select(df, locality=locality, figure_type=None)),
        ("`analysis.caveats(analysis.select(df, metric=METRIC))`", "analysis",
         lambda: analysis.caveats(analysis.select(df, metric=metric))),
        ("`analysis.rank(df, METRIC, term=TERM)`", "analysis", lambda: analysis.rank(df, metric, term=TERM)),
        ("`analysis.targets_vs_results(mine)` (one locality)", "analysis", lambda: analysis.targets_vs_results(mine)),
        ("`analysis.compare_terms(df, m, LOCALITY)` (one indicator of the loop)", "analysis",
         lambda: analysis.compare_terms(df, across, locality)),
        ("`analysis.caveats(mine)`", "analysis", lambda: analysis.caveats(mine)),
        ("`charts.terms_chart(df, metric=METRIC, lang=LANG)`", "chart",
         lambda: drawn(charts.terms_chart(df, metric=metric, lang=LANG))),
        ("`charts.localities_chart(df, metric=METRIC, term=TERM, lang=LANG)`", "chart",
         lambda: drawn(charts.localities_chart(df, metric=metric, term=TERM, lang=LANG))),
        ("`charts.scorecard(df, locality=LOCALITY, lang=LANG)`", "chart",
         lambda: drawn(charts.scorecard(df, locality=locality, lang=LANG))),
        ("`charts.coverage_heatmap(df, lang=LANG)`", "chart", lambda: drawn(charts.coverage_heatmap(df, lang=LANG))),
    ]


def bench_table(name: str, data_dir, corpus: dict | None, log) -> dict:
    """Load one data folder as the notebooks do, measure the floor, then every call."""
    from helpers import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        df = load(data_dir, cache=True)
        miss = time.perf_counter() - t
        hit = timed(lambda: load(data_dir, cache=True))
        res = {"name": name, "corpus": corpus, "figures": len(df), "localities": int(df["locality_id"].nunique()),
               "load_first_s": miss, "load_cached": hit, "floor": timed(lambda: floor(df)), "calls": {}}
        log(f"  {name}: {len(df):,} figures; load {miss:.2f} s, cached {_cell(hit)}, floor {_cell(res['floor'])}")
        try:
            todo = calls(df)
        except Exception as exc:  # noqa: BLE001
            res["setup_error"] = f"{type(exc).__name__}: {exc}"[:200]
            log(f"    setup failed: {res['setup_error']}")
            return res
        for label, kind, fn in todo:
            res["calls"][label] = {"kind": kind, **timed(fn)}
            log(f"    {label:70s} {_cell(res['calls'][label])}")
    return res


def _s(x) -> str:
    return f"{x:.3f} s" if x < 1 else f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def _cell(m: dict | None, base: float | None = None) -> str:
    if not m:
        return "n/a"
    if "error" in m:
        return f"fails: {m['error'].replace('|', '/')}"
    return _s(m["seconds"]) + (f" ({m['seconds'] / base:.1f}×)" if base else "")


def render(results: dict) -> str:
    tables = results["tables"]
    shipped, sizes = tables[0], tables[1:]
    m = results["machine"]
    head = ["call", f"shipped ({shipped['figures']:,} figures)"] + [
        f"{t['corpus']['articles']:,} articles ({t['figures']:,} figures)" for t in sizes]
    lines = [START, "", f"Run on {results['when']} with `{results['command']}`, {results['elapsed'] / 60:.0f} min in all.",
             "", f"Machine: {m['nproc']} CPUs ({m.get('cpu', '?')}), {m.get('ram_gb', '?')} GB RAM; Python {m['python']}, "
             f"pandas {m['pandas']}, matplotlib {m['matplotlib']}, seaborn {m['seaborn']}; code at {m.get('commit', '?')}.", "",
             "Seconds (best of 3 under 2 s, else one run); in brackets the ratio to the floor of the same table for "
             "analysis calls, to the same chart drawn from the shipped data for charts.", "",
             "| " + " | ".join(head) + " |", "|" + " --- |" * len(head),
             "| floor: `df.groupby([\"locality_id\", \"metric_id\", \"term\"], observed=True)[\"value\"]"
             ".agg([\"min\", \"max\", \"count\"])` | " + " | ".join(_cell(t["floor"]) for t in tables) + " |",
             "| `load(data_dir)`, first (cache miss) / cached | "
             + " | ".join(f"{_s(t['load_first_s'])} / {_cell(t['load_cached'])}" for t in tables) + " |"]
    for label in (shipped.get("calls") or (sizes[0]["calls"] if sizes else {})):
        cells = []
        for t in tables:
            c = t["calls"].get(label)
            kind = (c or {}).get("kind")
            if kind == "chart":
                base = shipped["calls"].get(label, {}).get("seconds") if t is not shipped else None
            else:
                base = (t["floor"] or {}).get("seconds")
            cells.append(_cell(c, base) if "setup_error" not in t else f"fails: {t['setup_error']}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Goals (issue 14), at 3,000 articles and above:", ""] + [f"- {g}" for g in goals(results)] + ["", END]
    return "\n".join(lines)


def goals(results: dict) -> list[str]:
    tables = results["tables"]
    shipped = tables[0]
    big = [t for t in tables[1:] if t["corpus"]["articles"] >= GOALS["from_articles"]]
    worst_a, worst_c, failures = None, None, []
    for t in tables:
        failures += [f"{lab} ({t['name']}): {c['error']}" for lab, c in t["calls"].items() if "error" in c]
        if "setup_error" in t:
            failures.append(f"{t['name']}: {t['setup_error']}")
    for t in big:
        for label, c in t["calls"].items():
            if "seconds" not in c:
                continue
            if c["kind"] == "analysis" and t["floor"].get("seconds"):
                r = c["seconds"] / t["floor"]["seconds"]
                worst_a = max(worst_a or (0, "", ""), (r, label, t["name"]))
            base = shipped["calls"].get(label, {}).get("seconds")
            if c["kind"] == "chart" and base:
                r = c["seconds"] / base
                worst_c = max(worst_c or (0, "", ""), (r, label, t["name"]))
    out = []
    for worst, goal, what in ((worst_a, GOALS["analysis_x_floor"], "every analysis call at most {g:g}× the group-by floor"),
                              (worst_c, GOALS["chart_x_shipped"], "every chart at most {g:g}× the same chart from the shipped data")):
        if worst is None:
            out.append(what.format(g=goal) + ": not measured (no size of 3,000 articles or more, or every call failed)")
            continue
        r, label, name = worst
        verdict = "met" if r <= goal else f"missed by {r / goal:.1f}× ({r:.1f}× against {goal:g}×)"
        out.append(what.format(g=goal) + f": worst {r:.1f}×, {label} at {name} — {verdict}")
    out.append("nothing fails: " + ("met" if not failures else f"missed, {len(failures)} failure(s): " + "; ".join(
        f.replace("|", "/") for f in failures)))
    return out


def profile(data_dir: str, top: int = 12) -> None:
    """cProfile of each analysis call on one data folder (`--profile DATA_DIR`): where the time goes."""
    import cProfile
    import pstats

    from helpers import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = load(data_dir, cache=False)
        print(f"{len(df):,} figures; floor {_cell(timed(lambda: floor(df)))}")
        for label, kind, fn in calls(df):
            if kind != "analysis":
                continue
            print(f"\n{label}: {_cell(timed(fn))}")
            prof = cProfile.Profile()
            prof.runcall(fn)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


def main(argv=None) -> int:
    from benchmarks.run import corpus_options  # noqa: F811

    p = corpus_options(__doc__.splitlines()[0])
    p.add_argument("--profile", metavar="DATA_DIR", help="only profile each analysis call on this data folder")
    args = p.parse_args(argv)
    if args.profile:
        profile(args.profile)
        return 0
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]

    def log(msg):
        print(msg, flush=True)

    import matplotlib

    matplotlib.use("Agg")
    started = time.perf_counter()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="locality-calls-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["LOCALITY_CACHE"] = str(work / "cache")
    command = "python -m benchmarks.calls" + ("" if argv is None and len(sys.argv) == 1 else " " + " ".join(
        sys.argv[1:] if argv is None else argv))
    results = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "command": command,
               "machine": machine(), "tables": []}
    from helpers.theme import set_theme

    set_theme(lang=LANG)
    try:
        log("Shipped data …")
        results["tables"].append(bench_table("shipped", None, None, log))
        for n in sizes:
            log(f"Corpus of {n} articles …")
            corpus = generate(work / f"corpus-{n}", n, seed=args.seed)
            results["tables"].append(bench_table(f"{n:,} articles", corpus["data_dir"], corpus, log))
            if not args.keep:
                shutil.rmtree(work / f"corpus-{n}", ignore_errors=True)
    finally:
        if not args.work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    publish(results, args, started, render, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
