"""How long the briefing pack's plan takes on a data folder: which charts, their rows and caveats
(`export.pack_charts`), without drawing. Run on a corpus kept by `python -m benchmarks.calls --keep --work W`:

    python -m benchmarks.plan W/corpus-3000/data
"""
from __future__ import annotations

import argparse
import time
import warnings


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="a data folder")
    args = parser.parse_args(argv)
    from helpers import export
    from helpers.loading import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a synthetic corpus's few invalid rows are left out, as load() says
        df = load(args.data, cache=False)
    start = time.perf_counter()
    with export.pack_style("vi"):
        specs = export.pack_charts(df, "vi", export.pack_rules(args.data))
    print(f"{len(df):,} figures: planned {len(specs)} charts in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
