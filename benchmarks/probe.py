"""One measurement, run by benchmarks/run.py in a fresh interpreter so nothing leaks between measurements.

    python -m benchmarks.probe KIND [DATA_DIR [TEXTS_DIR]]

prints one JSON object: `seconds` (the operation alone, imports excluded unless KIND is an import),
`import_seconds` (what the probe imported first) and what the operation returned (figures, errors).
Peak memory is taken by the parent from the finished process (os.wait4).

KIND:
  floor          every CSV of the data folder read with pandas.read_csv(dtype=str), annotations
                 concatenated: no checks at all, the cost of reading the bytes into a frame
  floor-arrow    the same with pyarrow.csv (every column a string, tables concatenated, then one
                 pandas frame): the faster of the two is the floor the goals are measured against
  load           helpers.load(DATA_DIR) without texts, cache off
  check          helpers.load(DATA_DIR, TEXTS_DIR), cache off: every check, evidence included
  cached         helpers.load(DATA_DIR, TEXTS_DIR) with the cache on (run twice: a miss, then a hit)
  evidence       as `check`, also reporting the seconds spent in the evidence check alone
  import-base    import pandas, matplotlib, seaborn
  import-helpers import helpers, then helpers.load (its submodules load on first use)
  import-notebook  what notebooks 02 and 03 import: from helpers import analysis, charts, load, paths;
                 from helpers.theme import set_theme
"""
from __future__ import annotations

import inspect
import json
import sys
import time
import warnings
from pathlib import Path


def _load_kwargs(load, cache: bool) -> dict:
    return {"cache": cache} if "cache" in inspect.signature(load).parameters else {}


def main(argv: list[str]) -> dict:
    kind = argv[0]
    t0 = time.perf_counter()
    if kind == "import-base":
        import matplotlib  # noqa: F401
        import pandas  # noqa: F401
        import seaborn  # noqa: F401
        return {"seconds": time.perf_counter() - t0}
    if kind == "import-helpers":
        import helpers

        helpers.load  # noqa: B018 - submodules load on first use: this is `import helpers` made usable
        return {"seconds": time.perf_counter() - t0}
    if kind == "import-notebook":
        from helpers import analysis, charts, load, paths  # noqa: F401
        from helpers.theme import set_theme  # noqa: F401
        return {"seconds": time.perf_counter() - t0}

    data = Path(argv[1])
    texts = argv[2] if len(argv) > 2 else None
    if kind == "floor-arrow":
        import pyarrow as pa
        import pyarrow.csv as pacsv

        from helpers.schema import ANNOTATIONS

        t1 = time.perf_counter()

        def read(path, columns=None):
            convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in columns or []},
                                           strings_can_be_null=False)
            if columns is None:  # the small tables: every column a string, whatever its name
                names = pacsv.read_csv(path, read_options=pacsv.ReadOptions(use_threads=False)).column_names
                convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in names})
            return pacsv.read_csv(path, read_options=pacsv.ReadOptions(use_threads=False), convert_options=convert)

        tables = [read(data / f"{n}.csv").to_pandas() for n in ("articles", "localities", "metrics")]
        files = sorted((data / "annotations").glob("*.csv"))
        ann = pa.concat_tables([read(f, ANNOTATIONS.columns) for f in files], promote_options="permissive").to_pandas()
        return {"seconds": time.perf_counter() - t1, "import_seconds": t1 - t0, "figures": len(ann),
                "articles": len(tables[0])}
    if kind == "floor":
        import pandas as pd

        t1 = time.perf_counter()
        tables = [pd.read_csv(data / f"{n}.csv", dtype=str, keep_default_na=False)
                  for n in ("articles", "localities", "metrics")]
        files = sorted((data / "annotations").glob("*.csv"))
        ann = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
        return {"seconds": time.perf_counter() - t1, "import_seconds": t1 - t0, "figures": len(ann),
                "articles": len(tables[0])}

    from helpers import load

    t1 = time.perf_counter()
    stage = {}
    if kind == "evidence":
        import helpers.loading as loading

        name = next(n for n in ("_check_evidence", "check_evidence") if hasattr(loading, n))
        inner = getattr(loading, name)

        def timed(*a, **k):
            s = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                stage["evidence_seconds"] = stage.get("evidence_seconds", 0.0) + time.perf_counter() - s

        setattr(loading, name, timed)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "load":
            df = load(data, **_load_kwargs(load, False))
        elif kind in ("check", "evidence"):
            df = load(data, texts, **_load_kwargs(load, False))
        elif kind == "cached":
            if "cache" not in inspect.signature(load).parameters:
                return {"seconds": None, "unsupported": True}
            df = load(data, texts, cache=True)
        else:
            raise SystemExit(f"unknown probe {kind!r}")
    seconds = time.perf_counter() - t1
    problems = df.attrs.get("problems", [])
    return {"seconds": seconds, "import_seconds": t1 - t0, "figures": len(df),
            "errors": sum(p.severity == "error" for p in problems), "problems": len(problems), **stage}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
