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


# ---------------------------------------------------------------------------------------------
# The scaffold evaluation (benchmarks/scaffold_eval.py) on a corpus of two small articles built here

SECOND_TEXT = "Bài hai. Năm 2022 thu ngân sách đạt 105% dự toán. Phường không còn hộ nghèo. Kết nạp 12 đảng viên."


def _eval_corpus(tmp_path) -> tuple[Path, Path]:
    """Two articles: bai-mot (the four figures of tests/conftest.py) and bai-hai (three, one of them in words)."""
    from helpers.schema import ANNOTATIONS, ARTICLES, LOCALITIES, METRICS
    from tests.conftest import ARTICLE, GOOD_ROWS, LOCALITY_ROWS, METRIC_ROWS, TEXT, fig, write_csv

    data, texts = tmp_path / "data", tmp_path / "texts"
    texts.mkdir()
    (texts / "bai-mot.txt").write_text(TEXT, encoding="utf-8")
    (texts / "bai-hai.txt").write_text(SECOND_TEXT, encoding="utf-8")
    articles = [dict(ARTICLE, article_id="bai-mot", text_file="bai-mot.txt"),
                dict(ARTICLE, article_id="bai-hai", title="Bài hai", text_file="bai-hai.txt", published="2023")]
    write_csv(data / "articles.csv", articles, ARTICLES.columns)
    write_csv(data / "localities.csv", LOCALITY_ROWS, LOCALITIES.columns)
    write_csv(data / "metrics.csv", METRIC_ROWS, METRICS.columns)
    write_csv(data / "annotations" / "bai-mot.csv", GOOD_ROWS, ANNOTATIONS.columns)
    write_csv(data / "annotations" / "bai-hai.csv", [
        fig(value="105", period_start="2022", period_end="2022", reference="estimate",
            evidence="thu ngân sách đạt 105% dự toán"),
        fig(metric_id="poverty_rate_pct", value="0", qualifier="", reference="", period_start="2022", period_end="2022",
            evidence="Phường không còn hộ nghèo"),
        fig(locality_id="tp-thu", metric_id="party_members_admitted_count", value="12", unit="đảng viên", reference="",
            period_start="2022", period_end="2022", evidence="Kết nạp 12 đảng viên"),
    ], ANNOTATIONS.columns)
    return data, texts


# What the stand-in scaffold writes for each article: every kind of agreement and disagreement, once or twice.
def _row(**over) -> dict:
    row = {"locality_id": "", "metric_id": "", "figure_type": "result", "value": "", "value_high": "", "qualifier": "",
           "unit": "%", "period_start": "", "period_end": "", "period_basis": "", "period_text": "", "reference": "",
           "reference_owner": "", "reference_period": "", "scope": "", "basis": "", "evidence": "", "flag": "",
           "annotator": "stub", "note": ""}
    row.update(over)
    return row


STUB_ROWS = {
    "bai-mot": [
        # right in every field; the indicator right first time through its candidates
        _row(value="118", period_start="2021", period_end="2021", reference="plan",
             evidence="Năm 2021 đạt 118% kế hoạch", metric_candidates=["budget_revenue_pct_plan", "poverty_rate_pct"]),
        # period missing; indicator second of its candidates (top three only)
        _row(value="711", unit="đảng viên", evidence="kết nạp được 711 đảng viên",
             metric_candidates=["party_members_count", "party_members_admitted_count"]),
        # misread value and no unit: found by place only; no candidates offered
        _row(value="0,85", unit="", period_start="2021", period_end="2021", evidence="Tỷ lệ hộ nghèo giảm còn 0,58%",
             metric_candidates=[]),
        # off by a thousand and a wrong qualifier: found by place only
        _row(value="7,21", unit="người", qualifier="more_than", period_start="2023-04", period_end="2023-04",
             evidence="Tổng số đảng viên 7.210 đồng chí", metric_candidates=["party_members_count"]),
        # a row that matches no annotated figure
        _row(value="1", unit="", evidence="Bài báo thử", metric_candidates=[]),
    ],
    "bai-hai": [  # no candidates at all: the top three is not compared here
        _row(value="105", period_start="2022", period_end="2022", reference="plan",
             evidence="Năm 2022 thu ngân sách đạt 105% dự toán"),
        _row(value="12", unit="đảng viên", figure_type="target", period_start="2022", period_end="2022",
             evidence="Kết nạp 12 đảng viên"),
    ],
}


def _stub_scaffold(text_path, article_id, locality_id, *, data_dir, texts, title, publisher, url, published, annotator):
    """Stands in for helpers.scaffold.new_article: writes STUB_ROWS with the locality it is given."""
    from types import SimpleNamespace

    from helpers.schema import ANNOTATIONS
    from tests.conftest import write_csv

    assert not (Path(data_dir) / "annotations" / f"{article_id}.csv").exists()  # the article was left out
    rows = [dict(r, locality_id=locality_id) for r in STUB_ROWS[article_id]]
    path = write_csv(Path(data_dir) / "annotations" / f"{article_id}.csv", rows, ANNOTATIONS.columns + ["metric_candidates"])
    return SimpleNamespace(rows=rows, annotation_file=path)


def test_scaffold_eval_counts_what_it_compares(tmp_path):
    from benchmarks.scaffold_eval import evaluate, mismatches

    data, texts = _eval_corpus(tmp_path)
    res = evaluate(data, texts, scaffold=_stub_scaffold, log=lambda m: None)
    s = res["summary"]
    assert (s["articles"], s["evaluated"], s["failed"], s["skipped"]) == (2, 2, [], {})
    assert (s["figures"], s["found"], s["by_pass"]) == (7, 6, {"same_value": 4, "same_place": 2})
    assert (s["scaffold_rows"], s["unmatched_rows"]) == (7, 1)
    got = {k: (v["right"], v["compared"]) for k, v in s["fields"].items()}
    assert got == {"value": (4, 6), "unit": (5, 6), "qualifier": (5, 6), "period": (5, 6), "figure_type": (5, 6),
                   "reference": (5, 6), "locality_id": (5, 6), "metric_top1": (2, 6), "metric_top3": (3, 4)}
    hai = next(r for r in res["articles"] if r["article_id"] == "bai-hai")
    assert hai["locality_id"] == "phuong-a"  # the locality most of its figures name
    assert [x["miss"] for x in hai["figures"] if not x["found"]] == ["written in words (no digits in the evidence)"]
    assert mismatches(res["articles"], "reference") == [
        ("estimate → plan", 1, [{"article_id": "bai-hai", "evidence": "thu ngân sách đạt 105% dự toán",
                                 "expected": "estimate", "got": "plan"}])]
    assert [(k, n) for k, n, _ in mismatches(res["articles"], "value")] == [
        ("another number at the same place (derived by the annotator, or misread)", 1),
        ("off by 10^3 (thousands mark read as a decimal, or a unit's multiplier)", 1)]
    assert (data / "annotations" / "bai-mot.csv").is_file()  # the corpus itself is left as it was


def test_scaffold_eval_records_a_crash_and_goes_on(tmp_path):
    from benchmarks.scaffold_eval import evaluate, render

    def crashes_on_bai_hai(text_path, article_id, *args, **kw):
        if article_id == "bai-hai":
            raise ValueError("boom")
        return _stub_scaffold(text_path, article_id, *args, **kw)

    data, texts = _eval_corpus(tmp_path)
    res = evaluate(data, texts, scaffold=crashes_on_bai_hai, log=lambda m: None)
    s = res["summary"]
    assert s["failed"] == ["bai-hai"] and (s["figures"], s["found"]) == (7, 4)
    hai = next(r for r in res["articles"] if r["article_id"] == "bai-hai")
    assert (hai["status"], hai["error"]) == ("failed", "ValueError: boom")
    assert "| bai-hai | 3 | 0.0% |" in render(res, "cmd") and "failed: ValueError: boom" in render(res, "cmd")


def test_scaffold_eval_runs_with_one_command(tmp_path):
    """The real scaffold, end to end: the table written between its markers, the raw results as JSON."""
    import json

    data, texts = _eval_corpus(tmp_path)
    out = tmp_path / "README.md"
    out.write_text("# B\n\n<!-- scaffold-eval:start -->\nstale table\n<!-- scaffold-eval:end -->\n\nAfter.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "benchmarks.scaffold_eval", "--data", str(data), "--texts",
                             str(texts), "--out", str(out), "--json", str(tmp_path / "r.json")],
                            cwd=paths.ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "stale table" not in text and text.rstrip().endswith("After.")
    assert "| figures found" in text and "| indicator within the top three |" in text
    s = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert (s["articles"], s["figures"]) == (2, 7) and s["found"] <= 7
    assert all(f["compared"] <= s["found"] for f in s["fields"].values())


# ---------------------------------------------------------------------------------------------
# The notebooks' calls (benchmarks/calls.py): the table and the verdicts, on results made up here

def _table(name, articles, floor, calls):
    return {"name": name, "corpus": None if articles is None else {"articles": articles}, "figures": 10,
            "load_first_s": 1.0, "load_cached": {"seconds": 0.1}, "floor": {"seconds": floor},
            "calls": {label: {"kind": kind, **m} for label, (kind, m) in calls.items()}}


def test_calls_table_gives_ratios_and_says_which_goal_is_missed_by_how_much(tmp_path):
    from benchmarks import calls

    shipped = _table("shipped", None, 0.01, {"`a`": ("analysis", {"seconds": 0.02}), "`c`": ("chart", {"seconds": 1.0})})
    small = _table("1,000 articles", 1000, 0.1, {"`a`": ("analysis", {"seconds": 5.0}),
                                                 "`c`": ("chart", {"seconds": 9.0})})
    big = _table("3,000 articles", 3000, 0.2, {"`a`": ("analysis", {"seconds": 1.0}),
                                               "`c`": ("chart", {"error": "ValueError: too many | labels"})})
    results = {"when": "now", "command": "python -m benchmarks.calls", "elapsed": 60, "tables": [shipped, small, big],
               "machine": {"nproc": 2, "python": "3", "pandas": "p", "matplotlib": "m", "seaborn": "s"}}
    block = calls.render(results)
    assert block.startswith(calls.START) and block.endswith(calls.END)
    assert "| `a` | 0.020 s (2.0×) | 5.00 s (50.0×) | 1.00 s (5.0×) |" in block  # 1,000 articles: not a goal size
    assert "| `c` | 1.00 s | 9.00 s (9.0×) | fails: ValueError: too many / labels |" in block
    verdicts = calls.goals(results)
    assert verdicts[0].endswith("worst 5.0×, `a` at 3,000 articles — met")
    assert verdicts[1].startswith("every chart at most 3× the same chart from the shipped data: not measured")
    assert verdicts[2] == "nothing fails: missed, 1 failure(s): `c` (3,000 articles): ValueError: too many / labels"
    out = tmp_path / "README.md"
    out.write_text(f"# B\n\n{calls.START}\nold\n{calls.END}\n\nAfter.\n", encoding="utf-8")
    from benchmarks.run import write_readme

    write_readme(out, block, calls.START, calls.END)
    assert "old" not in out.read_text(encoding="utf-8") and out.read_text(encoding="utf-8").endswith("After.\n")
