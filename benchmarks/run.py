"""The benchmark in one command: synthetic corpora from 1,000 to 10,000 articles, every cost measured on the
same files, each measurement in a fresh interpreter, results written into benchmarks/README.md.

    .venv/bin/python -m benchmarks.run                      # sizes 1000,3000,10000 (or: make bench)
    .venv/bin/python -m benchmarks.run --sizes 1000 --out /tmp/bench.md

Corpora are generated in a temporary folder (--work to choose it, --keep to keep them), never in the repo.
The results replace the part of --out between the `results` markers; the rest of the file is left alone.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

START, END = "<!-- results:start -->", "<!-- results:end -->"
GOALS = {"validate_x_floor": 2.0, "cached_s": 0.2, "import_x": 1.3, "export_s": 15.0, "peak_mb": 2048}


def run(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run `cmd` to the end; its JSON output (if any), wall seconds and peak RSS in MB (from wait4)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    text, errors = out.read().decode(), err.read().decode()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{errors[-3000:]}")
    lines = [line for line in text.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    result.update(wall=wall, peak_mb=usage.ru_maxrss / 1024)
    return result


def probe(kind: str, *args, env=None) -> dict:
    return run([sys.executable, "-m", "benchmarks.probe", kind, *map(str, args)], env=env)


def repeated(kind: str, *args, repeat: int, quick: float, env=None, log=print) -> dict:
    """The probe run once, and `repeat` times in all when it is quick; the median of `seconds` and `wall`."""
    runs = [probe(kind, *args, env=env)]
    if (runs[0].get("seconds") or 0) < quick:
        runs += [probe(kind, *args, env=env) for _ in range(repeat - 1)]
    out = dict(runs[-1])
    for key in ("seconds", "wall", "evidence_seconds"):
        values = [r[key] for r in runs if r.get(key) is not None]
        if values:
            out[key] = statistics.median(values)
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    out["runs"] = len(runs)
    log(f"    {kind:16s} {_s(out.get('seconds'))} (median of {len(runs)}), peak {out['peak_mb']:.0f} MB")
    return out


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "python": platform.python_version(), "os": platform.platform()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if ln.startswith("model name")), "?")
        mem = Path("/proc/meminfo").read_text()
        kb = int(next(ln.split()[1] for ln in mem.splitlines() if ln.startswith("MemTotal")))
        info["ram_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        info.setdefault("cpu", platform.processor() or "?")
    versions = run([sys.executable, "-c", "import json, pandas, numpy, matplotlib, seaborn; print(json.dumps({"
                    "'pandas': pandas.__version__, 'numpy': numpy.__version__, 'matplotlib': matplotlib.__version__,"
                    "'seaborn': seaborn.__version__}))"])
    info.update({k: versions[k] for k in ("pandas", "numpy", "matplotlib", "seaborn")})
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "helpers"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        info["commit"] = head + (" + uncommitted changes in helpers/" if dirty else "")
    except OSError:
        info["commit"] = "?"
    return info


def bench_size(n: int, work: Path, args, log) -> dict:
    folder = work / f"corpus-{n}"
    t = time.perf_counter()
    corpus = generate(folder, n, seed=args.seed)
    log(f"  {n} articles: {corpus['figures']} figures, {corpus['annotation_bytes'] / 1e6:.0f} MB of annotations, "
        f"{corpus['text_bytes'] / 1e6:.0f} MB of texts (generated in {time.perf_counter() - t:.1f} s)")
    data, texts = corpus["data_dir"], corpus["texts_dir"]
    r, q = args.repeat, args.quick
    probe("floor", data)  # warm the page cache: every measurement then reads from memory
    res = {"corpus": corpus}
    res["floor"] = repeated("floor", data, repeat=r, quick=q, log=log)
    res["floor_arrow"] = repeated("floor-arrow", data, repeat=r, quick=q, log=log)
    res["load"] = repeated("load", data, repeat=r, quick=q, log=log)
    res["check"] = repeated("evidence", data, texts, repeat=r, quick=q, log=log)
    env = {"LOCALITY_CACHE": str(work / "cache")}
    shutil.rmtree(work / "cache", ignore_errors=True)
    res["cache_miss"] = probe("cached", data, texts, env=env)
    if not res["cache_miss"].get("unsupported"):
        log(f"    {'cache miss':16s} {_s(res['cache_miss']['seconds'])}")
        res["cached"] = repeated("cached", data, texts, repeat=r, quick=q, env=env, log=log)
    shutil.rmtree(work / "cache", ignore_errors=True)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return res


def bench_linearity(work: Path, args, log) -> list[dict]:
    """The evidence check against the size of the texts: the same articles and excerpts, more prose around them."""
    out = []
    for scale in args.text_scales:
        folder = work / f"texts-x{scale:g}"
        corpus = generate(folder, args.linearity_articles, seed=args.seed, text_scale=scale)
        probe("floor", corpus["data_dir"])
        res = repeated("evidence", corpus["data_dir"], corpus["texts_dir"], repeat=args.repeat, quick=args.quick,
                       log=log)
        out.append({"scale": scale, "text_mb": corpus["text_bytes"] / 1e6, "evidence_s": res.get("evidence_seconds"),
                    "check_s": res["seconds"], "figures": corpus["figures"]})
        log(f"    text ×{scale:g}: {corpus['text_bytes'] / 1e6:.0f} MB, evidence {_s(res.get('evidence_seconds'))}")
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return out


def bench_imports(args, log) -> dict:
    out = {}
    for kind in ("import-base", "import-helpers", "import-notebook"):
        probe(kind)  # compiled files and the disk cache warm
        runs = [probe(kind) for _ in range(max(args.repeat, 5))]
        out[kind] = {"seconds": statistics.median(r["seconds"] for r in runs),
                     "wall": statistics.median(r["wall"] for r in runs), "runs": len(runs)}
        log(f"    {kind:16s} {_s(out[kind]['seconds'])} (process {_s(out[kind]['wall'])})")
    return out


def bench_export(work: Path, args, log) -> dict:
    """`python -m helpers export` on the shipped data, start to finish, as `make run` does it."""
    from helpers import paths

    texts = paths.texts_dir()
    cmd = [sys.executable, "-m", "helpers", "export", "--data", str(ROOT / "data"), "--out", str(work / "exports")]
    if texts.is_dir():
        cmd += ["--texts", str(texts)]
    runs = []
    for _ in range(args.export_repeat):
        shutil.rmtree(work / "exports", ignore_errors=True)
        r = run(cmd)
        runs.append(r["wall"])
        log(f"    export {_s(r['wall'])}, peak {r['peak_mb']:.0f} MB (main process)")
    shutil.rmtree(work / "exports", ignore_errors=True)
    return {"seconds": statistics.median(runs), "all": runs, "texts": str(texts) if texts.is_dir() else None,
            "peak_mb": r["peak_mb"]}


def _s(x) -> str:
    if x is None:
        return "n/a"
    return f"{x:.3f} s" if x < 1 else f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def _x(x) -> str:
    return "" if x is None else f"{x:.2f}×"


def render(results: dict) -> str:
    sizes = results["sizes"]
    m = results["machine"]
    lines = [START, "", f"Run on {results['when']} with `{results['command']}`, {results.get('elapsed', 0) / 60:.0f} min in all.", "",
             f"Machine: {m['nproc']} CPUs ({m.get('cpu', '?')}), {m.get('ram_gb', '?')} GB RAM, {m['os']}; Python {m['python']}, "
             f"pandas {m['pandas']}, numpy {m['numpy']}, matplotlib {m['matplotlib']}, seaborn {m['seaborn']}; "
             f"code at {m.get('commit', '?')}.", ""]
    if sizes:
        head = "| cost | " + " | ".join(f"{s['corpus']['articles']:,} articles ({s['corpus']['figures']:,} figures)"
                                        for s in sizes) + " | growth " + (
            f"{sizes[0]['corpus']['articles']:,} → {sizes[-1]['corpus']['articles']:,}" if len(sizes) > 1 else "") + " |"
        lines += ["Seconds of the operation alone in a fresh interpreter (imports excluded; median of up to "
                  f"{results['args']['repeat']} runs when quick), and the ratio to the bare read (the floor).", "",
                  head, "|" + " --- |" * (len(sizes) + 2)]

        def row(label, key, field="seconds", ratio=True):
            cells = []
            for s in sizes:
                v = s.get(key, {}).get(field) if s.get(key) else None
                floor = s["floor"]["seconds"]
                cells.append("n/a" if v is None else _s(v) + (f" ({_x(v / floor)})" if ratio else ""))
            first = sizes[0].get(key, {}).get(field) if sizes[0].get(key) else None
            last = sizes[-1].get(key, {}).get(field) if sizes[-1].get(key) else None
            growth = f"{last / first:.1f}×" if first and last and len(sizes) > 1 else ""
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {growth} |")

        row("bare read, no checks (floor: pandas.read_csv, dtype=str, concatenated)", "floor")
        row("bare read with pyarrow.csv (all strings, concatenated, one pandas frame)", "floor_arrow")
        row("`load()`: read + field, row and cross-file checks, tidy table (no texts)", "load")
        row("`load(texts=…)`: full validation, evidence included", "check")
        row("… of which the evidence check", "check", "evidence_seconds")
        row("first `load(cache=True)`: full validation + writing the cache (miss)", "cache_miss")
        row("second `load(cache=True)` in a new process: served from the cache (hit)", "cached")
        cells = []
        for s in sizes:
            cells.append(" / ".join(f"{s[k]['peak_mb']:,.0f}" if s.get(k) else "n/a" for k in ("floor", "check", "cached")))
        lines.append("| peak memory, MB (max RSS of the process): floor / full validation / cached reload | "
                     + " | ".join(cells) + " | |")
        cells = [f"{s['corpus']['annotation_bytes'] / 1e6:,.0f} / {s['corpus']['text_bytes'] / 1e6:,.0f}" for s in sizes]
        lines.append("| input size, MB: annotation CSVs / article texts | " + " | ".join(cells) + " | |")
        lines.append("")
    lin = results.get("linearity")
    if lin:
        lines += [f"Evidence check against text size ({lin[0]['figures']:,} excerpts of {results['args']['linearity_articles']:,} "
                  "articles; the same excerpts, more prose around them):", "",
                  "| texts | MB of text | evidence check | seconds per MB |", "| --- | --- | --- | --- |"]
        for r in lin:
            per = r["evidence_s"] / r["text_mb"] if r["evidence_s"] is not None else None
            lines.append(f"| ×{r['scale']:g} | {r['text_mb']:.0f} | {_s(r['evidence_s'])} | "
                         f"{'n/a' if per is None else f'{per:.4f}'} |")
        lines.append("")
    imp = results.get("imports")
    if imp:
        base = imp["import-base"]["seconds"]
        lines += ["Imports (fresh interpreter, median of "
                  f"{imp['import-base']['runs']}; the whole process including interpreter start-up in brackets):", "",
                  "| import | seconds | ratio to pandas + matplotlib + seaborn |", "| --- | --- | --- |",
                  f"| `import pandas, matplotlib, seaborn` | {_s(base)} ({_s(imp['import-base']['wall'])}) | 1.00× |",
                  f"| `import helpers` and first use (`helpers.load`) | {_s(imp['import-helpers']['seconds'])} ({_s(imp['import-helpers']['wall'])}) | "
                  f"{_x(imp['import-helpers']['seconds'] / base)} |",
                  f"| notebooks' imports: `from helpers import analysis, charts, load, paths` + `from helpers.theme import set_theme` | "
                  f"{_s(imp['import-notebook']['seconds'])} ({_s(imp['import-notebook']['wall'])}) | "
                  f"{_x(imp['import-notebook']['seconds'] / base)} |", ""]
    exp = results.get("export")
    if exp:
        lines += [f"Briefing pack of the shipped data (`python -m helpers export`, whole process, evidence "
                  f"{'checked against ' + exp['texts'] if exp['texts'] else 'not checked: no texts'}): "
                  f"{_s(exp['seconds'])} (median of runs: {', '.join(_s(x) for x in exp['all'])}).", ""]
    lines += ["Goals:", ""] + [f"- {g}" for g in goals(results)] + ["", END]
    return "\n".join(lines)


def goals(results: dict) -> list[str]:
    out = []
    sizes = results["sizes"]
    if sizes:
        big = sizes[-1]
        n = f"{big['corpus']['figures']:,} figures"
        ratio = big["check"]["seconds"] / big["floor"]["seconds"]
        out.append(f"load with full validation within {GOALS['validate_x_floor']:g}× the bare read at {n}: "
                   f"{ratio:.2f}× ({_s(big['check']['seconds'])} against {_s(big['floor']['seconds'])}) — "
                   + ("met" if ratio <= GOALS["validate_x_floor"] else
                      f"missed by {ratio / GOALS['validate_x_floor']:.2f}×"))
        if big.get("floor_arrow"):
            arrow = big["check"]["seconds"] / big["floor_arrow"]["seconds"]
            out.append(f"the same against pyarrow's bare read ({_s(big['floor_arrow']['seconds'])}): {arrow:.2f}× — "
                       + ("met" if arrow <= GOALS["validate_x_floor"] else
                          f"missed by {arrow / GOALS['validate_x_floor']:.2f}× (see 'Against pyarrow' above the table)"))
        ratio = big["load"]["seconds"] / big["floor"]["seconds"]
        out.append(f"load without texts at {n}: {ratio:.2f}× the bare read — "
                   + ("within" if ratio <= GOALS["validate_x_floor"] else "above") + f" {GOALS['validate_x_floor']:g}×")
        hits = [(s["corpus"]["figures"], s["cached"]["seconds"]) for s in sizes if s.get("cached")]
        if hits:
            limit = GOALS["cached_s"]
            out.append(f"cached reload under {limit} s: " + ", ".join(
                f"{f:,} figures {_s(t)} (" + ("met" if t < limit else f"missed by {t - limit:.2f} s") + ")"
                for f, t in hits))
        else:
            out.append("cached reload: no cache in this code (n/a)")
        peak = max(big[k]["peak_mb"] for k in ("load", "check", "cached", "cache_miss") if big.get(k) and "peak_mb" in big[k])
        out.append(f"peak memory under {GOALS['peak_mb']:,} MB at {n}: {peak:,.0f} MB — "
                   + ("met" if peak < GOALS["peak_mb"] else f"missed by {peak - GOALS['peak_mb']:,.0f} MB"))
    imp = results.get("imports")
    if imp:
        base = imp["import-base"]["seconds"]
        for kind, label in (("import-helpers", "`import helpers`"), ("import-notebook", "the notebooks' imports")):
            r = imp[kind]["seconds"] / base
            out.append(f"{label} at most {GOALS['import_x']}× pandas + matplotlib + seaborn: {r:.2f}× — "
                       + ("met" if r <= GOALS["import_x"] else f"missed by {r / GOALS['import_x']:.2f}×"))
    exp = results.get("export")
    if exp:
        out.append(f"export of the pack from the shipped data under {GOALS['export_s']:g} s: {_s(exp['seconds'])} — "
                   + ("met" if exp["seconds"] < GOALS["export_s"] else f"missed by {exp['seconds'] - GOALS['export_s']:.1f} s"))
    return out


def write_readme(path: Path, block: str, start: str = START, end: str = END) -> None:
    """Put `block` in place of the part of `path` between the markers `start` and `end` (appended when absent)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def publish(results: dict, args, started: float, render, *markers: str) -> None:
    """The run's table into the README (between its markers), the raw results as JSON when asked, and out."""
    results["elapsed"] = time.perf_counter() - started
    block = render(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    write_readme(Path(args.out), block, *markers)
    print(block)


def corpus_options(description: str) -> argparse.ArgumentParser:
    """The options every benchmark over generated corpora shares: sizes, where results and corpora go, seed."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--sizes", default="1000,3000,10000", help="articles per corpus, comma-separated (50 figures each)")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "README.md"), help="file that receives the results")
    p.add_argument("--json", help="also write the raw results here")
    p.add_argument("--work", help="folder for the corpora (default: a new temporary folder, removed at the end)")
    p.add_argument("--keep", action="store_true", help="keep the generated corpora")
    p.add_argument("--seed", type=int, default=1)
    return p


def main(argv=None) -> int:
    p = corpus_options(__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3, help="runs of each quick measurement (median reported)")
    p.add_argument("--quick", type=float, default=10.0, help="a measurement under this many seconds is repeated")
    p.add_argument("--text-scales", default="1,4,16", help="text sizes for the evidence check's linearity ('' to skip)")
    p.add_argument("--linearity-articles", type=int, default=1000)
    p.add_argument("--export-repeat", type=int, default=2, help="runs of the export (0 to skip)")
    p.add_argument("--no-imports", action="store_true", help="skip the import measurements")
    args = p.parse_args(argv)
    args.text_scales = [float(x) for x in args.text_scales.split(",") if x.strip()]
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]

    def log(msg):
        print(msg, flush=True)

    started = time.perf_counter()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="locality-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    command = "python -m benchmarks.run" + ("" if argv is None and len(sys.argv) == 1 else " " + " ".join(
        sys.argv[1:] if argv is None else argv))
    results = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "command": command,
               "args": {"repeat": args.repeat, "linearity_articles": args.linearity_articles}}
    try:
        log("Machine …")
        results["machine"] = machine()
        log(json.dumps(results["machine"]))
        results["sizes"] = []
        for n in sizes:
            log(f"Corpus of {n} articles …")
            results["sizes"].append(bench_size(n, work, args, log))
        if args.text_scales:
            log("Evidence check against text size …")
            results["linearity"] = bench_linearity(work, args, log)
        if not args.no_imports:
            log("Imports …")
            results["imports"] = bench_imports(args, log)
        if args.export_repeat:
            log("Export of the shipped data …")
            results["export"] = bench_export(work, args, log)
    finally:
        if not args.work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    publish(results, args, started, render)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
