"""new-article: from an article text to a pre-filled annotation file, and on to the briefing pack."""
from __future__ import annotations

import csv
import functools
import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import check, export, paths
from helpers.io import read_table
from helpers.mentions import find_mentions
from helpers.schema import ANNOTATIONS, ARTICLES
from helpers.schema import METRICS as METRICS_TABLE
from helpers.scaffold import ScaffoldError, dateline, excerpt, new_article, prefill, value_cells
from helpers.texts import fold, read_text
from tests.conftest import TEXT, build_world

UNSEEN = Path(__file__).parent / "fixtures" / "unseen_article.txt"


def run(*args):
    """The command line in a real subprocess, as users run it."""
    return subprocess.run([sys.executable, "-m", "helpers", *map(str, args)], capture_output=True, text=True,
                          cwd=paths.ROOT, timeout=120)


@pytest.fixture
def world_copy(tmp_path) -> tuple[Path, Path]:
    """A writable copy of the small world of tests/conftest.py: (data folder, texts folder)."""
    return build_world(tmp_path / "world")


@pytest.fixture
def data_copy(world_copy) -> Path:
    """The world's data folder, where the unseen article is added (never data/: what it holds changes)."""
    return world_copy[0]


@pytest.fixture
def texts(world_copy) -> Path:
    """The world's texts folder, holding the unseen article too."""
    d = world_copy[1]
    shutil.copy(UNSEEN, d / "hai-an-2025.txt")
    return d


def test_new_article_writes_one_row_per_figure_and_appends_the_article(data_copy, texts):
    before = (data_copy / "articles.csv").read_bytes()
    made = new_article(texts / "hai-an-2025.txt", "hai-an-term-2020-2025", "quan-dong", data_dir=data_copy,
                       texts=texts, publisher="Báo Thử", annotator="tester")
    after = (data_copy / "articles.csv").read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1
    last = list(csv.DictReader(io.StringIO(after.decode("utf-8"))))[-1]
    assert last == {"article_id": "hai-an-term-2020-2025",
                    "title": "Quận Hải An: Hoàn thành 21/21 chỉ tiêu Nghị quyết Đại hội nhiệm kỳ 2020 - 2025",
                    "publisher": "Báo Thử", "url": "", "published": "2025-06-20", "text_file": "hai-an-2025.txt",
                    "language": "", "notes": "Added by new-article (title from the text's first line; date from the dateline "
                             "'08:18 | 20/06/2025'): check them."}
    raw = read_table(made.annotation_file, ANNOTATIONS)
    assert raw.readable and not raw.problems.items and raw.encoding == "utf-8-sig"
    figures = [m for m in find_mentions(read_text(UNSEEN)) if m.kind == "figure"]
    assert len(raw.frame) == len(figures) == 46
    codebook = set(read_table(data_copy / "metrics.csv", METRICS_TABLE).frame["metric_id"])
    assert set(raw.frame["metric_id"]) <= codebook | {""}  # every suggestion is an indicator of the codebook
    assert (raw.frame["metric_id"] != "").mean() > 0.5 and (raw.frame["why"] != "").all()  # with the words behind it
    assert set(raw.frame["annotator"]) == {"tester"}
    first = raw.frame.iloc[4]
    assert first[["value", "unit", "period_start", "period_end", "period_basis", "period_text"]].tolist() == [
        "4.215,6", "tỷ đồng", "2024", "2024", "stated", "năm 2024"]
    assert made.notes[:2] == [
        "title taken from the text's first line: 'Quận Hải An: Hoàn thành 21/21 chỉ tiêu Nghị quyết Đại hội nhiệm kỳ "
        "2020 - 2025'; check it",
        "published taken from the dateline '08:18 | 20/06/2025': 2025-06-20; check it"]
    # units the text names that the gazetteer lacks are proposed for add-locality
    assert all("add-locality" in n for n in made.notes[2:]) and any("Đông Hải" in n for n in made.notes[2:])


def test_evidence_and_values_pass_so_only_the_annotators_choices_are_missing(data_copy, texts):
    new_article(texts / "hai-an-2025.txt", "hai-an-term-2020-2025", "quan-dong", data_dir=data_copy, texts=texts,
                annotator="tester")
    report = check(data_copy, texts)
    mine = [p for p in report.errors if "hai-an-term-2020-2025" in p.file]
    # the evidence and the values are the scaffold's own work: none of them is refused
    assert not [p for p in mine if p.column in ("evidence", "value", "value_high", "qualifier", "figure_type")]
    # what remains is the annotator's: an indicator where none fits, a unit the units table lacks
    assert {p.value for p in mine if p.code == "bad_unit"} <= {
        "cá nhân", "chương trình", "nghị quyết", "suất quà", "thẻ", "tập thể"}
    assert not [p for p in report.errors if "hai-an-term-2020-2025" not in p.file]


def test_a_fresh_scaffold_is_unreviewed_until_why_is_cleared(data_copy, texts):
    from helpers.mentions import coverage_all

    made = new_article(texts / "hai-an-2025.txt", "hai-an", "quan-dong", data_dir=data_copy, texts=texts,
                       annotator="tester")
    report = check(data_copy, texts)
    unreviewed = [p for p in report.warnings if p.code == "unreviewed"]
    assert len(unreviewed) == len(made.rows) and all(r["why"] for r in made.rows)
    assert {(p.column, p.fix) for p in unreviewed} == {("why", "check the suggestions, then clear why")}
    assert [p.row for p in unreviewed] == list(range(2, len(made.rows) + 2))
    cov = next(c for c in coverage_all(data_copy, texts, report.problems) if c.article_id == "hai-an")
    assert (len(cov.annotated), cov.share, cov.unreviewed) == (0, 0.0, len(made.rows))

    # the annotator checks one valid row and clears its why: it counts, the others still wait
    refused = {p.row for p in report.errors if p.file.endswith("hai-an.csv")}
    raw = read_table(made.annotation_file, ANNOTATIONS)
    valid = next(int(i) for i in raw.frame.index if int(i) not in refused)
    raw.frame.loc[valid, "why"] = ""
    with open(made.annotation_file, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=ANNOTATIONS.columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(raw.frame.to_dict("records"))
    report = check(data_copy, texts)
    assert sum(p.code == "unreviewed" for p in report.warnings) == len(made.rows) - 1
    cov = next(c for c in coverage_all(data_copy, texts, report.problems) if c.article_id == "hai-an")
    assert len(cov.annotated) >= 1 and cov.unreviewed == len(made.rows) - 1


def test_prefilled_cells_read_as_the_printed_figures(data_copy, texts):
    made = new_article(texts / "hai-an-2025.txt", "hai-an", "quan-dong", data_dir=data_copy, texts=texts,
                       annotator="tester")
    by_value = {r["value"]: r for r in made.rows}
    assert by_value["7210"]["unit"] == "đảng viên"  # printed 7.210: ambiguous in a cell, so rewritten
    assert by_value["725,3180"]["unit"] == "tỷ đồng"  # printed 725,318 tỷ đồng: a trailing zero removes the doubt
    assert by_value["96 tỷ 450 triệu"]["unit"] == "đồng"
    assert (by_value["93,15"]["value_high"], by_value["118"]["value_high"]) == ("95,6", "121")
    assert by_value["98"]["qualifier"] == "nearly" and by_value["3500"]["qualifier"] == "more_than"
    assert by_value["9,2"]["qualifier"] == ""  # vượt 9,2% kế hoạch: an excess, not 'more than 9,2'
    assert (by_value["1,4"]["reference"], by_value["1,4"]["reference_period"]) == ("base_period", "2020")  # not 2023
    assert (by_value["112,4"]["reference"], by_value["112,4"]["reference_owner"]) == ("estimate", "city")
    assert (by_value["123"]["reference"], by_value["123"]["reference_owner"]) == ("congress_target", "")
    assert by_value["92"]["figure_type"] == "target" and by_value["93,15"]["figure_type"] == "result"
    assert (by_value["1862"]["period_start"], by_value["1862"]["period_end"]) == ("2025-01", "2025-05")


def test_value_cells_and_excerpt():
    text = "Tổng thu thực hiện 361,503 tỷ đồng, đạt 92,5% dự toán tỉnh; với tổng số đảng viên 7.210 đồng chí."
    ms = {m.text: m for m in find_mentions(text) if m.kind == "figure"}
    assert value_cells(ms["361,503 tỷ"]) == ("361,5030", "")
    assert value_cells(ms["7.210"]) == ("7210", "")
    assert value_cells(ms["92,5%"]) == ("92,5", "")
    assert excerpt(text, ms["7.210"]) == "với tổng số đảng viên 7.210 đồng chí"
    long = "Năm 2023, " + ", ".join(f"việc số {i} làm tốt" for i in range(30)) + ", kết nạp 40 đảng viên, đạt 100%."
    cut = excerpt(long, next(m for m in find_mentions(long) if m.text == "40"))
    assert "kết nạp 40 đảng viên" in cut and len(cut) <= 200 and fold(cut) in fold(long)


def test_dateline():
    assert dateline("Tiêu đề\n\n08:18 02/08/2023\n\nBài") == ("2023-08-02", "08:18 02/08/2023")
    assert dateline("Tiêu đề\n10:25, Thứ Tư, 22-5-2024\n") == ("2024-05-22", "10:25, Thứ Tư, 22-5-2024")
    assert dateline("Không có ngày tháng") == ("", "")


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_append_keeps_every_existing_byte_and_the_files_line_ending(make_data, ending):
    data, texts = make_data()
    original = (data / "articles.csv").read_text(encoding="utf-8").replace("\n", ending).rstrip("\r\n")
    (data / "articles.csv").write_bytes(original.encode("utf-8"))  # no final line break either
    new_article(texts / "bai-thu.txt", "bai-moi", "phuong-a", data_dir=data, texts=texts, annotator="t",
                title="Bài mới", published="2024-03")
    after = (data / "articles.csv").read_bytes().decode("utf-8")
    assert after.startswith(original + ending)
    assert after.endswith(ending) and ("\r" in after) == (ending == "\r\n")
    frame = read_table(data / "articles.csv", ARTICLES).frame
    assert frame["article_id"].tolist() == ["bai-thu", "bai-moi"]
    assert frame.iloc[1][["title", "published", "text_file", "notes"]].tolist() == ["Bài mới", "2024-03", "bai-thu.txt", ""]


def test_append_writes_under_headers_a_spreadsheet_renamed(make_data):
    """'Article ID' and 'Title' (as a spreadsheet user may retype them) still get the article's id and title."""
    data, texts = make_data()
    lines = (data / "articles.csv").read_text(encoding="utf-8").split("\n", 1)
    renamed = ",".join(h.replace("_", " ").title() for h in lines[0].split(","))
    (data / "articles.csv").write_text(renamed + "\n" + lines[1], encoding="utf-8")
    new_article(texts / "bai-thu.txt", "bai-moi", "phuong-a", data_dir=data, texts=texts, annotator="t",
                title="Bài mới", published="2024-03")
    frame = read_table(data / "articles.csv", ARTICLES).frame
    assert frame["article_id"].tolist() == ["bai-thu", "bai-moi"]
    assert frame.iloc[1][["title", "published"]].tolist() == ["Bài mới", "2024-03"]


@pytest.mark.parametrize("args, message", [
    (["--id", "Bad_ID", "--locality", "phuong-a"], "error: 'Bad_ID' is not a valid article id"),
    (["--id", "bai-moi", "--locality", "phuong-z"], "error: locality 'phuong-z' is not in "),
    (["--id", "bai-thu", "--locality", "phuong-a"], "error: article 'bai-thu' is already in "),
    (["--id", "bai-moi", "--locality", "phuong-a", "--published", "2024-13"],
     "error: --published: month 13 does not exist"),
])
def test_refusals_exit_1_and_change_nothing(make_data, args, message):
    data, texts = make_data()
    before = {p: p.read_bytes() for p in data.rglob("*.csv")}
    result = run("new-article", texts / "bai-thu.txt", *args, "--data", data, "--texts", texts)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(message) and "\nfix: " in result.stderr
    assert {p: p.read_bytes() for p in data.rglob("*.csv")} == before


def test_never_overwrites_an_annotation_file(make_data):
    data, texts = make_data()
    kept = data / "annotations" / "bai-moi.csv"
    kept.write_text("locality_id\nhand-made\n", encoding="utf-8")
    before = (data / "articles.csv").read_bytes()
    result = run("new-article", texts / "bai-thu.txt", "--id", "bai-moi", "--locality", "phuong-a", "--data", data)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {kept} already exists and is never overwritten",
        "fix: choose another id, or delete or rename the existing file yourself"]
    assert kept.read_text(encoding="utf-8") == "locality_id\nhand-made\n"
    assert (data / "articles.csv").read_bytes() == before


def test_says_when_the_text_is_not_in_the_texts_folder(make_data, tmp_path):
    data, texts = make_data()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(TEXT, encoding="utf-8")
    made = new_article(elsewhere, "bai-moi", "phuong-a", data_dir=data, texts=texts, annotator="t",
                       title="Bài mới", published="2024")
    assert made.notes == [f"the text is not in the texts folder {texts}: copy elsewhere.txt there so that "
                          f"`validate --texts {texts}` can check the evidence"]
    assert elsewhere.read_text(encoding="utf-8") == TEXT and not (texts / "elsewhere.txt").exists()


def test_unreadable_articles_file_is_refused(make_data):
    data, texts = make_data()
    (data / "articles.csv").write_bytes(b"PK\x03\x04 a workbook")
    with pytest.raises(ScaffoldError, match="cannot be read"):
        new_article(texts / "bai-thu.txt", "bai-moi", "phuong-a", data_dir=data, texts=texts)
    assert not (data / "annotations" / "bai-moi.csv").exists()


# The annotator's choices for some of the pre-filled rows of the unseen article; every other row is deleted.
CHOICES = {  # (value, unit) as pre-filled -> cells the annotator sets
    ("4.215,6", "tỷ đồng"): {"metric_id": "budget_revenue_bn_vnd"},
    ("112,4", "%"): {"metric_id": "budget_revenue_pct_plan"},
    ("98", "triệu đồng/người/năm"): {"metric_id": "income_per_capita_mn_vnd"},
    ("0,08", "%"): {"metric_id": "poverty_rate_pct"},
    ("615", "đảng viên"): {"metric_id": "party_members_admitted_count", "period_start": "2021", "period_end": "2025-05",
                           "period_basis": "inferred", "note": "The whole term up to the report (06/2025)."},
    ("123", "%"): {"metric_id": "party_members_admitted_pct_plan", "period_start": "2021", "period_end": "2025-05",
                   "period_basis": "inferred", "note": "Same period as the 615 members."},
    ("131", "đảng viên"): {"metric_id": "party_members_admitted_count"},
    ("7210", "đảng viên"): {"metric_id": "party_members_count", "period_start": "2025-06", "period_end": "2025-06",
                            "period_basis": "inferred", "note": "'hiện có' taken as the publication month."},
    ("1089", "thanh niên"): {"metric_id": "military_recruits_count", "period_start": "2021", "period_end": "2025-05",
                             "period_basis": "inferred", "note": "The term up to the report."},
}


def test_unseen_article_goes_from_text_to_the_briefing_pack_without_code_changes(data_copy, texts, tmp_path,
                                                                                 monkeypatch):
    text = texts / "hai-an-2025.txt"
    made = run("new-article", text, "--id", "hai-an-term-2020-2025", "--locality", "quan-dong", "--publisher",
               "Báo Thử", "--annotator", "tester", "--data", data_copy, "--texts", texts)
    assert made.returncode == 0, made.stderr
    assert "Confirm each row by clearing its 'why' cell" in made.stdout
    target = data_copy / "annotations" / "hai-an-term-2020-2025.csv"
    assert run("validate", data_copy, "--texts", texts).returncode == 1  # metric_id still to choose

    with open(target, encoding="utf-8-sig", newline="") as f:  # the annotator edits the file
        rows = list(csv.DictReader(f))
    kept = []
    for r in rows:
        choice = CHOICES.get((r["value"], r["unit"]))
        if choice:
            kept.append({**r, **choice, "why": ""})  # checked, corrected where needed, and confirmed
    assert len(kept) == len(CHOICES)
    with open(target, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=ANNOTATIONS.columns, lineterminator="\r\n")
        w.writeheader()
        w.writerows(kept)

    validated = run("validate", data_copy, "--texts", texts)
    assert validated.returncode == 0, validated.stdout
    assert f"  hai-an-term-2020-2025: 9 of 46 figure mentions annotated (20%); not annotated: 37" in validated.stdout

    # The briefing pack, as `make run` writes it; the chart images are test_export's business, so only the PNGs
    # the deck and the report place, and the numbers
    # (drawn in this process: the patched save_chart does not exist in worker processes).
    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    monkeypatch.setattr(export, "save_chart", functools.partial(export.save_chart, formats=("png",)))
    pack = export.export_pack(data_copy, tmp_path / "out", texts=texts, today=date(2025, 6, 21),
                              progress=lambda m: None)
    card = pd.read_csv(pack / "scorecard-quan-dong.csv", encoding="utf-8-sig")
    card = card[card["article_id"] == "hai-an-term-2020-2025"]  # beside the district's earlier figures
    assert sorted(card["metric_id"]) == sorted(c["metric_id"] for c in CHOICES.values())
    got = dict(zip(card["metric_id"] + "@" + card["period_start"], card["value"]))
    assert got["budget_revenue_bn_vnd@2024-01-01"] == pytest.approx(4215.6)
    assert got["party_members_count@2025-06-01"] == 7210
    budget = pd.read_csv(pack / "localities-budget-revenue-pct-plan.csv", encoding="utf-8-sig")
    assert 112.4 in budget.loc[budget["locality_id"] == "quan-dong", "value"].tolist()
    sources = pd.read_excel(pack / "briefing.xlsx", sheet_name="nguon-sources")
    assert (sources["article_id"] == "hai-an-term-2020-2025").sum() == len(CHOICES)


def test_reference_is_read_after_the_unit():
    text = "Hoàn thành 21/21 chỉ tiêu Nghị quyết Đại hội; năm 2021 đạt 118% kế hoạch; đạt 92,5% dự toán tỉnh."
    refs = {m.text: prefill(text, m, "x", "y")["reference"] for m in find_mentions(text) if m.kind == "figure"}
    assert refs == {"21/21": "congress_target", "118%": "plan", "92,5%": "estimate"}
    owners = {m.text: prefill(text, m, "x", "y")["reference_owner"] for m in find_mentions(text) if m.kind == "figure"}
    assert owners["92,5%"] == "province"  # the old plan_province: an estimate set by the province


# ---------------------------------------------------------------------------------------------
# The rules behind each pre-filled cell, on small invented sentences

from helpers.cues import Cues, load_cues  # noqa: E402
from helpers.localities import Places  # noqa: E402
from helpers.ranking import IndicatorRanker  # noqa: E402
from helpers.scaffold import Context, Frame, article_frame, text_language  # noqa: E402
from tests.conftest import LOCALITY_ROWS, METRIC_ROWS  # noqa: E402

METRICS = METRIC_ROWS + [
    {"metric_id": "budget_revenue_bn_vnd", "label_vi": "Thu ngân sách", "label_en": "Budget revenue", "unit": "tỷ đồng",
     "kind": "flow", "category": "economy_budget", "definition_vi": "Tổng thu ngân sách nhà nước trên địa bàn.",
     "definition_en": "d", "example": "thu ngân sách đạt 361 tỷ đồng"},
    {"metric_id": "budget_revenue_growth_pct", "label_vi": "Tăng thu ngân sách", "label_en": "Budget revenue growth",
     "unit": "%", "kind": "change", "category": "economy_budget", "definition_vi": "Mức tăng thu ngân sách.",
     "definition_en": "d", "example": "thu ngân sách tăng bình quân 12%/năm"},
    {"metric_id": "income_per_capita_mn_vnd", "label_vi": "Thu nhập bình quân đầu người", "label_en": "Income per head",
     "unit": "triệu đồng/người/năm", "kind": "level", "category": "economy_budget",
     "definition_vi": "Thu nhập bình quân đầu người một năm.", "definition_en": "d", "example": "thu nhập bình quân đầu người đạt 60 triệu đồng"},
    {"metric_id": "area_ha", "label_vi": "Diện tích tự nhiên", "label_en": "Area", "unit": "ha", "kind": "level",
     "category": "administration", "definition_vi": "Diện tích tự nhiên.", "definition_en": "d", "example": "diện tích 19,15 km2"},
]


def suggest(text: str, published: str = "2025-08-12", nth: int = 0, locality: str = "phuong-a", localities=None,
            language: str = "vi", title: str = "", **frame) -> dict:
    cues = Cues(load_cues(), language)
    made = article_frame(text, published, cues, title)
    for name, value in frame.items():  # what build_context adds from the gazetteer (founded, formed)
        setattr(made, name, value)
    ctx = Context(made, cues, IndicatorRanker(METRICS),
                  {m["metric_id"]: m["kind"] for m in METRICS} | {"_category:" + m["metric_id"]: m["category"] for m in METRICS},
                  Places(localities or LOCALITY_ROWS, published), language, units={m["metric_id"]: m["unit"] for m in METRICS})
    ms = [m for m in find_mentions(text, language=language) if m.kind == "figure"]
    return prefill(text, ms[nth], locality, "t", context=ctx)


def test_the_indicator_is_ranked_with_two_alternatives_and_the_words_behind_it():
    row = suggest("Năm 2024, thu ngân sách đạt 420 tỷ đồng.")
    assert row["metric_id"] == "budget_revenue_bn_vnd"
    assert "budget_revenue_bn_vnd" not in row["suggested"]
    assert 'indicator: "' in row["why"] and "~ budget_revenue_bn_vnd" in row["why"]
    assert suggest("Kết nạp được 45 đảng viên mới.")["metric_id"] == "party_members_admitted_count"
    assert suggest("Tỷ lệ hộ nghèo còn 0,5%.")["metric_id"] == "poverty_rate_pct"


def test_the_unit_filters_the_indicators():
    row = suggest("Thu ngân sách đạt 118% kế hoạch.")
    assert row["metric_id"] == "budget_revenue_pct_plan" and row["reference"] == "plan"


@pytest.mark.parametrize("text, expected", [
    ("Phấn đấu đến năm 2030, tỷ lệ hộ nghèo dưới 1%.", "target"),
    ("Đại hội đã xác định nhiều chỉ tiêu quan trọng, trong đó: thu ngân sách tăng 10%; tỷ lệ hộ nghèo dưới 1%.", "target"),
    ("Tỷ lệ gia đình văn hóa đạt 90% trở lên.", "target"),
    ("Trong nhiệm kỳ, phường hoàn thành 23/27 chỉ tiêu.", "result"),
    ("Công tác phát triển đảng viên vượt chỉ tiêu đề ra, kết nạp 32 đảng viên.", "result"),
])
def test_figure_type(text, expected):
    assert suggest(text)["figure_type"] == expected


def test_a_count_of_targets_met_is_no_target_against_plan():
    row = suggest("Trong nhiệm kỳ, phường hoàn thành 23/27 chỉ tiêu.")
    assert (row["figure_type"], row["reference"], row["unit"]) == ("result", "", "chỉ tiêu")


@pytest.mark.parametrize("text, reference, period", [
    ("Năm 2024 thu ngân sách tăng 1,7 lần so với năm 2020.", "base_period", "2020"),
    ("Năm 2024 thu ngân sách tăng 12% so với năm 2023.", "previous_year", "2023"),
    ("Thu ngân sách đạt 92,5% dự toán tỉnh giao.", "estimate", ""),
    ("Doanh thu tăng 22% so với cùng kỳ.", "same_period_last_year", ""),
])
def test_reference(text, reference, period):
    row = suggest(text)
    assert (row["reference"], row["reference_period"]) == (reference, period)


def test_reference_owner():
    assert suggest("Thu ngân sách đạt 105% kế hoạch thành phố giao.")["reference_owner"] == "city"


def test_a_base_year_is_not_the_period():
    row = suggest("Năm 2020, thu ngân sách gấp 3,5 lần năm 2015.", published="2020-06")
    assert (row["period_start"], row["period_end"]) == ("2020", "2020")


def test_the_congress_name_does_not_date_a_level():
    text = "Đại hội Đảng bộ phường A lần thứ I, nhiệm kỳ 2025 - 2030.\n\nĐảng bộ phường có hơn 6.000 đảng viên."
    row = suggest(text)
    assert (row["period_start"], row["period_end"], row["figure_type"]) == ("2025-08", "2025-08", "result")


def test_now_is_the_publication_month():
    row = suggest("Đến nay, toàn phường có 120 tổ dân phố.", published="2023-04-03")
    assert (row["period_start"], row["period_end"], row["period_basis"]) == ("2023-04", "2023-04", "inferred")
    assert '"Đến nay"' in row["why"]


def test_a_congress_report_dates_results_to_the_term_it_closes_and_targets_to_the_next():
    text = ("Đại hội Đảng bộ phường A nhiệm kỳ 2025 - 2030\n\nNhiệm kỳ qua, thu ngân sách tăng bình quân 12%/năm. "
            "Phấn đấu thu ngân sách tăng bình quân 10%/năm.")
    result, target = suggest(text, nth=0), suggest(text, nth=1)
    assert (result["figure_type"], result["period_start"], result["period_end"]) == ("result", "2021", "2025")
    assert (target["figure_type"], target["period_start"], target["period_end"]) == ("target", "2026", "2030")


def test_a_midterm_review_covers_the_first_half_of_the_term():
    text = "Sơ kết giữa nhiệm kỳ Đại hội Đảng bộ phường A\n\nKết nạp được 40 đảng viên mới."
    row = suggest(text, published="2023-04-03")
    assert (row["period_start"], row["period_end"]) == ("2021-01", "2023-06")


def test_a_yearly_rate_keeps_its_per_year_and_an_income_per_head_is_per_person_per_year():
    assert suggest("Thu ngân sách tăng bình quân 11%/ năm.")["unit"] == "%/năm"
    assert suggest("Thu ngân sách tăng bình quân hằng năm 12%.")["unit"] == "%/năm"
    assert suggest("Thu nhập bình quân đầu người đạt 72 triệu đồng.")["unit"] == "triệu đồng/người/năm"


def test_qualifiers_come_from_the_schema_synonyms():
    assert suggest("Kết nạp hơn 45 đảng viên.")["qualifier"] == "more_than"
    assert suggest("Tỷ lệ gia đình văn hóa đạt 90% trở lên.")["qualifier"] == "at_least"
    assert suggest("Thu ngân sách vượt 9,2% kế hoạch.")["qualifier"] == ""  # an excess, not 'more than'


def test_the_locality_is_found_by_its_name_and_an_unknown_unit_is_proposed():
    places = LOCALITY_ROWS + [dict(LOCALITY_ROWS[1], locality_id="phuong-b", name="Bình An")]
    row = suggest("Phường Bình An có 1.200 đảng viên.", localities=places)
    assert row["locality_id"] == "phuong-b" and 'locality: "Phường Bình An"' in row["why"]
    p = Places(places, "2025-08")
    assert p.named_before("Xã Hương Mạc có 300 hộ.", 0, 14) is None and p.unknown == {"Xã Hương Mạc"}


def test_an_english_page():
    text = "In 2025, Long Bien ward's budget revenue was over 427 billion VND."
    assert text_language(text) == "en" and text_language("Thu ngân sách đạt 420 tỷ đồng.") == "vi"
    row = suggest(text, language="en", published="2025-11")
    assert (row["value"], row["unit"], row["qualifier"], row["metric_id"]) == ("427", "tỷ đồng", "more_than",
                                                                             "budget_revenue_bn_vnd")
    assert suggest("The disbursement rate was 99.91%.", language="en")["value"] == "99.91"


def test_the_dateline_is_only_read_at_the_very_top():
    assert dateline("Tiêu đề\nNgày 15/3/1997, quận được thành lập theo Nghị định 123.") == ("", "")
    assert dateline("title: Bài\npublished: 2025-08-13\n\nBài") == ("2025-08-13", "published: 2025-08-13")
    assert dateline("Tiêu đề\n\n08:18 | 20/06/2025\n\nBài") == ("2025-06-20", "08:18 | 20/06/2025")


def test_every_cue_compiles_and_names_a_known_field():
    fields = {"figure_type", "figure_type_after", "target_list", "reference", "reference_owner", "period", "base",
              "frame", "kind", "kind_after", "unit", "qualifier", "period_change", "since", "unit_size"}
    cues = load_cues()
    assert cues and {c.field for c in cues} <= fields
    from helpers.schema import VOCABULARIES
    assert {c.value for c in cues if c.field == "reference"} <= set(VOCABULARIES["reference"])
    assert {c.value for c in cues if c.field == "reference_owner"} <= set(VOCABULARIES["reference_owner"])
    assert {c.value for c in cues if c.field == "qualifier"} <= set(VOCABULARIES["qualifier"])


# ---------------------------------------------------------------------------------------------
# Periods: conventions of Vietnamese reporting, one invented sentence each

def period(row: dict) -> tuple[str, str]:
    return row["period_start"], row["period_end"]


def test_a_year_printed_right_after_a_figure_is_its_own():
    text = "Thu ngân sách tăng từ 120 tỷ đồng năm 2012, lên 350 tỷ đồng năm 2018."
    assert period(suggest(text, published="2019-05", nth=1)) == ("2018", "2018")
    text = "Năm 2018 có 900 doanh nghiệp so với 300 doanh nghiệp năm 2010, tăng gấp 3 lần."
    assert [period(suggest(text, published="2019-05", nth=i)) for i in range(3)] == [
        ("2018", "2018"), ("2010", "2010"), ("2018", "2018")]


def test_a_value_in_brackets_after_a_base_year_is_the_base_years():
    text = "Năm 2018 thu ngân sách đạt 900 tỷ đồng, gấp 9 lần so với năm 2010 (100 tỷ)."
    assert period(suggest(text, published="2019-05", nth=2)) == ("2010", "2010")


@pytest.mark.parametrize("text, published, language, expected", [
    # 'tính đến', 'as of': a flow runs from January to that month, a level is measured then
    ("Tính đến tháng 9/2024, phường kết nạp 30 đảng viên mới.", "2024-10", "vi", ("2024-01", "2024-09")),
    ("Tính đến ngày 20/9/2024, Đảng bộ có 1.200 đảng viên.", "2024-10", "vi", ("2024-09", "2024-09")),
    ("Đến tháng 9/2018, toàn quận có 294 tổ dân phố, 1.400 đảng viên.", "2018", "vi", ("2018-09", "2018-09")),
    ("As of November 20, 2025, budget revenue reached 120 billion VND.", "2025-11", "en", ("2025-01", "2025-11")),
    # '6 tháng đầu năm' without its year: the year reported
    ("6 tháng đầu năm, thu ngân sách đạt 200 tỷ đồng.", "2024-08", "vi", ("2024-01", "2024-06")),
    # an English page's 'in 2025'
    ("The ward strives to collect budget revenue of 500 billion VND in 2025.", "2025-11", "en", ("2025", "2025")),
    # 'từ năm 2020 đến nay': from that year to the publication month
    ("Từ năm 2020 đến nay, phường kết nạp 45 đảng viên.", "2023-04", "vi", ("2020", "2023-04")),
    # a level at the end of a year, or of a printed term
    ("Tỷ lệ hộ nghèo đến cuối năm 2014 còn 2,5%.", "2015", "vi", ("2014-12", "2014-12")),
    ("Trong nhiệm kỳ 2015 - 2020, tỷ lệ hộ nghèo giảm còn 0,5%.", "2020-06", "vi", ("2020", "2020")),
    # 'hiện có' anywhere in the clause before the figure: the publication month
    ("Phường hiện có địa giới rộng nhất thành phố và trở thành phường có diện tích 16,61 km2.", "2025-08-13", "vi",
     ("2025-08", "2025-08")),
    # a sentence opened by its date reports that event
    ("Trong 2 ngày 30,31/7/2020, Đảng ủy phường tổ chức hội nghị cho trên 1000 đảng viên.", "2020-08", "vi",
     ("2020-07", "2020-07")),
    # a yearly average with no frame: the plan years of the running term
    ("Thu ngân sách bình quân hằng năm đạt 500 tỷ đồng.", "2019-09", "vi", ("2016", "2020")),
])
def test_period_words_of_reporting(text, published, language, expected):
    assert period(suggest(text, published=published, language=language)) == expected


def test_a_period_that_opens_a_sentence_carries_on_in_its_paragraph():
    text = "Giai đoạn 2016 - 2020, phường phát triển mạnh. Thu ngân sách tăng bình quân 12%/năm."
    assert period(suggest(text, published="2023-11")) == ("2016", "2020")
    text = "Từ năm 2021 đến nay, phường tập trung vào quản lý đất đai. Phường kết nạp 45 đảng viên."
    assert period(suggest(text, published="2022")) == ("2021", "2022")


def test_a_base_named_after_so_voi_is_not_the_period():
    text = "Thu ngân sách tăng 66%/năm so với nhiệm kỳ 2010-2015."
    row = suggest(text, published="2019-09")
    assert period(row) == ("2016", "2020") and row["reference"] == "previous_term"


def test_an_anniversary_spans_the_years_since_the_founding():
    text = "Quận A: 20 năm thành lập\n\nThu ngân sách tăng bình quân 15%/năm. Đến năm 2022 kết nạp 900 đảng viên."
    assert period(suggest(text, published="2023-11", nth=0)) == ("2004", "2023")
    assert period(suggest(text, published="2023-11", nth=1)) == ("2004", "2022")
    assert period(suggest(text, published="2023-02", nth=0)) == ("2003", "2022")  # early in a year: the year before
    text = "Sau 20 năm tái lập (1/9/1999 - 1/9/2019), thị xã A phát triển mạnh.\n\nKết nạp 900 đảng viên."
    assert period(suggest(text, published="2019-09")) == ("1999-09", "2019-08")
    # a year's review that mentions an anniversary is a year's review
    text = "Hội nghị tổng kết công tác năm 2017, chào mừng 15 năm thành lập quận.\n\nKết nạp 90 đảng viên."
    assert period(suggest(text, published="2018-01")) == ("2017", "2017")


def test_a_unit_as_a_change_made_it_is_dated_when_the_change_took_effect():
    title = "Từ 1/1/2025, thành phố A có 40 đơn vị hành chính cấp xã"
    text = "Sau khi điều chỉnh, phường B có diện tích tự nhiên 2,38 km2.\n\nPhường C có diện tích tự nhiên 0,88 km2."
    row = suggest(text, published="2024-11", title=title)
    assert (period(row), row["figure_type"]) == (("2025-01", "2025-01"), "result")  # announced ahead: not a target
    assert period(suggest(text, published="2024-11", title=title, nth=1)) == ("2024-11", "2024-11")
    # only the unit's size: its Party cells and members are counted at publication
    text = "Sau sắp xếp, phường có diện tích 12,94 km2, Đảng bộ có 7.425 đảng viên."
    assert period(suggest(text, published="2025-08-12", formed="2025-07")) == ("2025-07", "2025-07")
    assert period(suggest(text, published="2025-08-12", formed="2025-07", nth=1)) == ("2025-08", "2025-08")


def test_a_unit_as_founded_is_dated_at_the_founding():
    text = "Ngày 6-11-2003, Chính phủ ban hành Nghị định thành lập quận A với diện tích 6038 ha."
    assert period(suggest(text, published="2018")) == ("2003-11", "2003-11")


def test_levels_in_a_midterm_review_and_a_year_review():
    midterm = "Sơ kết giữa nhiệm kỳ Đại hội Đảng bộ phường A\n\n"
    assert period(suggest(midterm + "Đảng bộ giữ vững 350 đảng viên.", published="2023-04")) == ("2021-01", "2023-06")
    assert period(suggest(midterm + "Đảng bộ phường có 350 đảng viên.", published="2023-04")) == ("2023-04", "2023-04")
    review = "Tổng kết năm 2024 của phường A\n\n"
    assert period(suggest(review + "Toàn phường có 350 đảng viên.", published="2025-01")) == ("2024", "2024")


def test_a_per_head_average_is_no_yearly_average():
    assert period(suggest("Thu nhập bình quân đầu người đạt 72 triệu đồng.", published="2019-09")) == ("2019-09", "2019-09")
