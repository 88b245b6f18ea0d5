"""Two annotators of one article: pairing, differences and Cohen's kappa, on an example worked by hand."""
from __future__ import annotations

import json

import pytest

from helpers.__main__ import main
from helpers.agreement import NOT_RECORDED, AgreementError, agreement, cohen_kappa
from helpers.schema import ANNOTATIONS
from tests.conftest import fig, write_csv

TEXT = ("Năm 2021 đạt 118% kế hoạch. Kết nạp 40 đảng viên, đạt 120% kế hoạch. Có 67 tổ chức cơ sở đảng. "
        "Tỷ lệ hộ nghèo còn 0,58%. Tổng số đảng viên 7.210 đồng chí.")

A = [
    fig(annotator="an"),  # 118% of plan
    fig(annotator="an", metric_id="party_members_admitted_count", value="40", unit="người", reference="",
        evidence="Kết nạp 40 đảng viên"),
    fig(annotator="an", metric_id="poverty_rate_pct", value="0,58", reference="", evidence="Tỷ lệ hộ nghèo còn 0,58%"),
    fig(annotator="an", metric_id="party_members_count", value="7210", unit="người", reference="",
        evidence="Tổng số đảng viên 7.210 đồng chí"),
    fig(annotator="an", metric_id="party_members_count", value="67", unit="người", reference="",
        evidence="Có 67 tổ chức cơ sở đảng"),
]
B = [
    fig(annotator="binh"),  # the same
    fig(annotator="binh", metric_id="party_members_admitted_count", value="40", unit="đảng viên", reference="",
        period_start="2021-01", period_end="2021-06", evidence="Kết nạp 40 đảng viên"),  # unit and period differ
    fig(annotator="binh", metric_id="poverty_rate_pct", value="0,85", reference="",
        evidence="Tỷ lệ hộ nghèo còn 0,58%"),  # a typo: same slot, value differs
    fig(annotator="binh", metric_id="party_members_admitted_count", value="7210", unit="người", reference="",
        evidence="Tổng số đảng viên 7.210"),  # same printed figure, another metric
    fig(annotator="binh", value="120", evidence="đạt 120% kế hoạch"),  # A left this one out
]


@pytest.fixture
def files(make_data, tmp_path):
    data, texts = make_data(A, text=TEXT)
    b = write_csv(tmp_path / "bai-thu-binh.csv", B, ANNOTATIONS.columns, delimiter=";")  # another program's export
    return data, texts, data / "annotations" / "bai-thu.csv", b


def test_cohen_kappa_on_a_textbook_table():
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o 0,7, p_e 0,5, kappa 0,4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == (pytest.approx(0.4), pytest.approx(0.7), pytest.approx(0.5))


def test_cohen_kappa_edge_cases():
    assert cohen_kappa([], []) == (None, None, None)
    assert cohen_kappa(["m"] * 3, ["m"] * 3) == (None, 1.0, 1.0)
    assert cohen_kappa(["a", "b"], ["b", "a"])[0] == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        cohen_kappa(["a"], [])


def test_pairs_and_differences(files):
    data, texts, a, b = files
    result = agreement(a, b, data_dir=data, texts=texts)
    assert result.article_id == "bai-thu"
    assert [(p.a.row, p.b.row, p.differences) for p in result.pairs] == [
        (2, 2, []),
        (3, 3, ["unit", "period"]),
        (4, 4, ["value"]),
        (5, 5, ["metric_id"]),
    ]
    assert [r.row for r in result.only_a] == [6] and [r.row for r in result.only_b] == [6]


def test_kappa_worked_by_hand(files):
    # figures:      118%  40  0,58%  7.210  67       120%
    # A's metric:   B     P   V      T      T        -
    # B's metric:   B     P   V      P      -        B
    # p_o = 3/6; p_e = (1*2 [B] + 1*2 [P] + 1*1 [V] + 2*0 [T] + 1*1 [-]) / 36 = 1/6; kappa = (1/2 - 1/6) / (5/6) = 0,4
    data, texts, a, b = files
    result = agreement(a, b, data_dir=data, texts=texts)
    assert result.labels == (
        ["budget_revenue_pct_plan", "party_members_admitted_count", "poverty_rate_pct", "party_members_count",
         "party_members_count", NOT_RECORDED],
        ["budget_revenue_pct_plan", "party_members_admitted_count", "poverty_rate_pct", "party_members_admitted_count",
         NOT_RECORDED, "budget_revenue_pct_plan"])
    assert result.kappa == (pytest.approx(0.4), pytest.approx(0.5), pytest.approx(1 / 6))


def test_without_the_text_excerpts_are_compared_by_containment(files, tmp_path):
    data, _, a, b = files
    result = agreement(a, b, data_dir=data, texts=tmp_path / "no-texts")
    assert [p.differences for p in result.pairs] == [[], ["unit", "period"], ["value"], ["metric_id"]]


def test_one_file_with_two_annotators(files, tmp_path):
    data, texts, _, _ = files
    both = write_csv(tmp_path / "bai-thu.csv", A + B, ANNOTATIONS.columns)
    result = agreement(both, data_dir=data, texts=texts)
    assert result.label_a.endswith("(annotator an, 5 rows)") and result.label_b.endswith("(annotator binh, 5 rows)")
    assert result.kappa[0] == pytest.approx(0.4)


def test_one_file_needs_exactly_two_annotators(files):
    data, texts, a, _ = files
    with pytest.raises(AgreementError, match="has 1 annotator"):
        agreement(a, data_dir=data, texts=texts)


def test_cli_report(files, capsys):
    data, texts, a, b = files
    assert main(["agreement", str(a), str(b), "--data", str(data), "--texts", str(texts)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "Figures matched: 4 (same metric: 3); only in A: 1; only in B: 1"
    assert "Values differ (1):" in out and "Metrics differ (1):" in out and "Periods differ (1):" in out
    assert "  A row 4 / B row 4: 0,58 % | 0,85 % — Tỷ lệ hộ nghèo còn 0,58%" in out
    assert out[-1] == ("Cohen's kappa on the metric chosen for each figure (6 figures, 'not recorded' counted as a "
                       "choice): 0.40 (observed agreement 0.50, chance agreement 0.17)")


def test_cli_json_and_unreadable_file(files, tmp_path, capsys):
    data, texts, a, b = files
    assert main(["agreement", str(a), str(b), "--data", str(data), "--texts", str(texts), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["kappa"], report["figures"], len(report["matched"])) == (pytest.approx(0.4), 6, 4)
    assert report["matched"][2]["differences"] == ["value"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"PK\x03\x04")
    assert main(["agreement", str(a), str(bad), "--data", str(data)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {bad} cannot be read: this is an Excel/LibreOffice workbook")
