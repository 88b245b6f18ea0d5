"""The benchmark's synthetic corpus is valid data in the project's format, and the one command runs end to end.

The timings themselves live in benchmarks/README.md, not in tests: here only that the machinery works.
"""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

from benchmarks.generate import generate
from helpers import check, paths


def test_the_synthetic_corpus_is_valid_and_repeatable(tmp_path):
    a = generate(tmp_path / "a", 12, seed=3, n_figures=20)
    b = generate(tmp_path / "b", 12, seed=3, n_figures=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = check(a["data_dir"], a["texts_dir"])
    assert report.errors == []
    assert len(report.figures) == a["figures"] == 12 * 20
    assert report.texts_checked == 12
    assert set(report.figures["term"].dropna()) <= {"2010–2015", "2015–2020", "2020–2025", "2025–2030"}
    assert len(report.localities) > 2900
    for name in ("articles.csv", "localities.csv", "annotations"):
        left, right = Path(a["data_dir"]) / name, Path(b["data_dir"]) / name
        files = sorted(left.iterdir()) if left.is_dir() else [left]
        for f in files:
            assert f.read_bytes() == (right / f.name if left.is_dir() else right).read_bytes(), f


def test_one_command_measures_and_writes_the_table(tmp_path):
    out = tmp_path / "bench.md"
    out.write_text("# Benchmarks\n\nIntro kept.\n\n<!-- results:start -->\nold\n<!-- results:end -->\n\nAfter.\n",
                   encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "benchmarks.run", "--sizes", "15", "--text-scales", "",
                             "--export-repeat", "0", "--no-imports", "--repeat", "1", "--out", str(out),
                             "--work", str(tmp_path / "work")],
                            cwd=paths.ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nIntro kept.") and text.rstrip().endswith("After.")
    assert "old" not in text
    assert "| bare read, no checks" in text and "served from the cache (hit)" in text
    assert "load with full validation within 2× the bare read at 750 figures" in text
