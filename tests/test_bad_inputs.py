"""The corpus of broken and awkward files (tests/bad_inputs/): every case meets the outcome written beside it.

Each case is laid over the small valid data folder of tests/conftest.py and checked twice: through
`helpers.check` (the exact problems, the figures that still load and their values) and through the command
line `python -m helpers validate` in a subprocess, as users run it (exit code, JSON report, no traceback).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import check, load, paths
from helpers.problems import ERROR
from helpers.schema import ANNOTATIONS, ARTICLES, LOCALITIES, METRICS
from tests.bad_inputs import make_corpus
from tests.conftest import ARTICLE, GOOD_ROWS, LOCALITY_ROWS, METRIC_ROWS, TEXT, write_csv

CORPUS = Path(make_corpus.__file__).resolve().parent
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file())


def expected(case: str) -> dict:
    return json.loads((CORPUS / case / "expected.json").read_text(encoding="utf-8"))


def build(case: str, root: Path) -> tuple[Path, Path]:
    """The base data folder and texts in `root`, with the case's files laid over them."""
    exp = expected(case)
    data, texts = root / "data", root / "texts"
    write_csv(data / "articles.csv", [ARTICLE], ARTICLES.columns)
    write_csv(data / "localities.csv", LOCALITY_ROWS, LOCALITIES.columns)
    write_csv(data / "metrics.csv", METRIC_ROWS, METRICS.columns)
    write_csv(data / "annotations" / "bai-thu.csv", GOOD_ROWS, ANNOTATIONS.columns)
    texts.mkdir(parents=True, exist_ok=True)
    (texts / "bai-thu.txt").write_text(TEXT, encoding="utf-8")
    for rel in exp["files"]:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / case / rel, target)
    for rel in exp["remove"]:
        (root / rel).unlink()
    for link, source in exp["symlinks"].items():
        (root / link).unlink(missing_ok=True)
        try:
            os.symlink(root / source, root / link)
        except (OSError, NotImplementedError) as exc:  # e.g. Windows without the right to make links
            pytest.skip(f"cannot make a symbolic link here: {exc}")
    return data, texts


def as_expected(problems, root: Path) -> list[dict]:
    """Problems in the shape of expected.json: file relative to the case folder."""
    out = []
    for p in problems:
        p = p if isinstance(p, dict) else p.as_dict()
        out.append({"code": p["code"], "severity": p["severity"],
                    "file": Path(p["file"]).relative_to(root).as_posix(), "row": p["row"], "column": p["column"]})
    return sorted(out, key=lambda p: (p["file"], p["row"] or 0, p["code"], p["column"] or ""))


# Runs `python -m helpers ARGS…` for many argument lists in one fresh interpreter: runpy.run_module is what
# `-m` does, the exit code is the SystemExit's, and an exception escaping the command is printed as the
# interpreter prints it ("Traceback …"). One interpreter for the whole corpus keeps the test fast; a few
# cases also run as separate processes (test_separate_processes_report_without_a_traceback).
DRIVER = r"""
import contextlib, io, json, runpy, sys, traceback
jobs = json.load(sys.stdin)
results = {}
for key, argv in jobs.items():
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.argv = ["helpers", *argv]
        try:
            runpy.run_module("helpers", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
    results[key] = {"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
json.dump(results, sys.stdout)
"""


def validate_args(data: Path, texts: Path, fmt: str) -> list[str]:
    return ["validate", str(data), "--texts", str(texts), "--format", fmt]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Every case built once and validated by the command line, as JSON and as the readable report."""
    base = tmp_path_factory.mktemp("corpus-cli")
    jobs = {}
    for case in CASES:
        try:
            data, texts = build(case, base / case)
        except pytest.skip.Exception:
            continue
        for fmt in ("json", "text"):
            jobs[f"{case}|{fmt}"] = validate_args(data, texts, fmt)
    result = subprocess.run([sys.executable, "-c", DRIVER], input=json.dumps(jobs), capture_output=True, text=True,
                            cwd=paths.ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    runs = json.loads(result.stdout)
    return base, {tuple(key.split("|")): run for key, run in runs.items()}


def test_corpus_is_large_and_every_case_states_its_outcome():
    assert len(CASES) >= 30
    faults = set()
    for case in CASES:
        exp = expected(case)
        assert exp["fault"] and exp["fault"] not in faults, case
        faults.add(exp["fault"])
        assert exp["outcome"] in ("read_ok", "problems")
        assert (exp["outcome"] == "problems") == any(p["severity"] == ERROR for p in exp["problems"]), case
        assert exp["exit_code"] == (1 if exp["outcome"] == "problems" else 0)
        on_disk = sorted(p.relative_to(CORPUS / case).as_posix() for p in (CORPUS / case).rglob("*")
                         if p.is_file() and p.name != "expected.json")
        assert on_disk == exp["files"], f"{case}: the folder and expected.json list different files"
    outcomes = {expected(c)["outcome"] for c in CASES}
    assert outcomes == {"read_ok", "problems"}


def test_committed_corpus_is_what_the_generator_writes():
    generated = make_corpus.generate()
    committed = {p.relative_to(CORPUS).as_posix(): p.read_bytes() for p in CORPUS.rglob("*")
                 if p.is_file() and (p.parent != CORPUS or p.name == "CASES.md") and "__pycache__" not in p.parts}
    assert sorted(committed) == sorted(generated), "run `python -m tests.bad_inputs.make_corpus` and commit"
    stale = [rel for rel, data in generated.items() if committed[rel] != data]
    assert stale == [], "run `python -m tests.bad_inputs.make_corpus` and commit the files it changes"


@pytest.mark.parametrize("case", CASES)
def test_case_meets_its_expected_outcome(case, tmp_path):
    exp = expected(case)
    data, texts = build(case, tmp_path)
    report = check(data, texts)
    assert as_expected(report.problems, tmp_path) == exp["problems"]
    for p in report.problems:  # a clear message: what is wrong and how to fix it, with the value kept short
        assert p.message and p.fix, p
        assert p.value is None or len(p.value) <= 201, f"{p.code}: a value quoted in a report is kept short"
    assert len(report.figures) == exp["figures"]
    got = dict(zip(report.figures["figure_id"], report.figures["value"]))
    for figure_id, value in exp["values"].items():
        assert got[figure_id] == pytest.approx(value), figure_id
    assert report.rows_read >= len(report.figures)


@pytest.mark.parametrize("case", CASES)
def test_command_line_reports_the_case_without_a_traceback(case, cli_runs):
    base, runs = cli_runs
    if (case, "json") not in runs:
        pytest.skip("the case could not be built here")
    exp = expected(case)
    for fmt in ("json", "text"):
        run = runs[(case, fmt)]
        assert "Traceback" not in run["stderr"] + run["stdout"], f"{fmt}: {run['stderr'][-3000:]}"
        assert run["returncode"] == exp["exit_code"], f"{fmt}: {run['stderr'][-3000:]}"
    run = runs[(case, "json")]
    assert as_expected(json.loads(run["stdout"]), base / case) == exp["problems"]
    assert f"{exp['figures']} figures" in run["stderr"]
    # The readable report names the file, row and column of every problem and ends with the summary.
    text = runs[(case, "text")]["stdout"]
    errors = sum(p["severity"] == "error" for p in exp["problems"])
    assert text.rstrip().endswith(f"{exp['figures']} figures, {errors} errors, {len(exp['problems']) - errors} warnings")
    for p in exp["problems"]:
        assert Path(p["file"]).name in text
        where = f"row {p['row']}" if p["row"] is not None else "file"
        col = f", column {p['column']}" if p["column"] else ""
        assert f"{p['severity'].upper()} {where}{col}" in text, (p, text[-3000:])


SEPARATE = ["02-utf16-tabs-as-csv", "26-title-row-above-header", "40-annotation-file-linked-from-outside",
            "48-merge-conflict-markers", "52-very-long-cells", "53-nul-byte-in-utf8", "57-xlsx-saved-as-csv",
            "60-random-binary"]


def test_separate_processes_report_without_a_traceback(tmp_path):
    """A few of the nastiest cases through `python -m helpers validate` exactly as a user types it."""
    def run(case):
        data, texts = build(case, tmp_path / case)
        return case, subprocess.run([sys.executable, "-m", "helpers", *validate_args(data, texts, "json")],
                                    capture_output=True, text=True, cwd=paths.ROOT, timeout=120)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(run, SEPARATE))
    for case, result in results:
        exp = expected(case)
        assert "Traceback" not in result.stderr, (case, result.stderr[-2000:])
        assert result.returncode == exp["exit_code"], (case, result.stderr[-2000:])
        assert as_expected(json.loads(result.stdout), tmp_path / case) == exp["problems"], case


def test_lenient_load_keeps_the_valid_rows_beside_bad_ones(tmp_path):
    from helpers.loading import DataWarning

    data, texts = build("53-nul-byte-in-utf8", tmp_path)
    with pytest.warns(DataWarning, match="1 error"):
        df = load(data, texts)
    assert sorted(df["figure_id"]) == ["bai-thu:2", "bai-thu:4", "bai-thu:5"]
    assert [p.code for p in df.attrs["problems"] if p.severity == ERROR] == ["nul_byte"]
