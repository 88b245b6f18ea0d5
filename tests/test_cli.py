"""The command line is a contract: exit codes, the summary line, JSON keys, no traceback for bad data."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from helpers import paths
from helpers.__main__ import main
from tests.conftest import GOOD_ROWS, fig

JSON_KEYS = {"file", "row", "column", "value", "severity", "code", "message"}


def run(*args, cwd=None):
    """Run the CLI in a real subprocess, as users do."""
    return subprocess.run([sys.executable, "-m", "helpers", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or paths.ROOT, timeout=120)


def test_validate_clean_data_exits_0_with_summary(make_data, capsys):
    data, texts = make_data()
    assert main(["validate", str(data), "--texts", str(texts)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "1 articles, 2 localities, 4 metrics, 4 figures, 0 errors, 0 warnings"
    assert "Evidence checked against 1 article text(s)" in out[-2]


def test_validate_bad_data_exits_1_without_traceback(make_data):
    data, texts = make_data(GOOD_ROWS + [fig(value="7.210")])
    result = run("validate", data, "--texts", texts)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "ERROR row 6, column value, value '7.210'" in result.stdout
    assert "fix: write 7210 for the whole number" in result.stdout
    assert "1 annotation row(s) left out" in result.stdout
    assert result.stdout.strip().endswith("4 figures, 1 errors, 0 warnings")


def test_validate_json_lists_problems(make_data, capsys):
    data, texts = make_data(GOOD_ROWS + [fig(unit="bananas")])
    assert main(["validate", str(data), "--texts", str(texts), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert len(problems) == 1 and JSON_KEYS <= set(problems[0])
    assert (problems[0]["code"], problems[0]["row"], problems[0]["column"], problems[0]["severity"]) == (
        "bad_unit", 6, "unit", "error")


def test_strict_fails_on_warnings(make_data, tmp_path):
    data, _ = make_data()
    assert main(["validate", str(data), "--texts", str(tmp_path / "none")]) == 0
    assert main(["validate", str(data), "--texts", str(tmp_path / "none"), "--strict"]) == 1


def test_unreadable_file_is_reported_not_raised(make_data):
    data, texts = make_data()
    (data / "metrics.csv").write_bytes(b"PK\x03\x04 not really a workbook")
    result = run("validate", data, "--texts", texts)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "spreadsheet_not_csv" in result.stdout


def test_missing_data_folder_exits_2(tmp_path):
    result = run("validate", tmp_path / "nope")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_table_csv_and_xlsx(make_data, tmp_path, capsys):
    data, texts = make_data()
    assert main(["table", str(data), "--out", str(tmp_path / "t.csv")]) == 0
    df = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    for col in ("article_title", "locality_name", "metric_id", "value", "value_high", "unit", "qualifier",
                "period_start", "period_end", "term", "evidence"):
        assert col in df.columns
    assert df["period_start"].tolist()[0] == "2021-01-01"
    assert main(["table", str(data), "--out", str(tmp_path / "t.xlsx")]) == 0
    xl = pd.read_excel(tmp_path / "t.xlsx", sheet_name="figures")
    assert len(xl) == len(df) == 4
    assert xl["locality_name"].iloc[0] == "Phường A"


def test_table_to_stdout(make_data, capsys):
    data, _ = make_data()
    assert main(["table", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("figure_id,") and out.count("\n") == 5


def test_dictionary_check_detects_drift(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DOCS", tmp_path)
    assert main(["dictionary", "--check"]) == 1
    assert main(["dictionary"]) == 0
    assert main(["dictionary", "--check"]) == 0


@pytest.mark.parametrize("args", [["validate", "--format", "xml"], ["nonsense"]])
def test_usage_errors_exit_2(args):
    assert run(*args).returncode == 2
