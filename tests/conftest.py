"""Small data folders built in tmp_path, so each test states exactly what it feeds the code."""
from __future__ import annotations

import csv
import io
import os
import shutil
import unicodedata
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
# Every test validates afresh (and writes nothing under ~/.cache); tests/test_cache.py turns the cache on.
os.environ["LOCALITY_CACHE"] = "off"

from helpers import paths  # noqa: E402
from helpers.schema import ANNOTATIONS, ARTICLES, LOCALITIES, METRICS, PACK, SUCCESSIONS, VARIANTS  # noqa: E402

TEXT = ("Bài báo thử. Năm 2021 đạt 118% kế hoạch. Trong nhiệm kỳ kết nạp được 711 đảng viên. "
        "Tỷ lệ hộ nghèo giảm còn 0,58%. Tổng số đảng viên 7.210 đồng chí.")

ARTICLE = {"article_id": "bai-thu", "title": "Bài thử", "publisher": "Báo Thử", "url": "", "published": "2023-04",
           "text_file": "bai-thu.txt", "language": "vi", "notes": ""}
LOCALITY_ROWS = [
    {"locality_id": "tp-thu", "name": "Thử", "level": "municipality", "parent_id": "", "province_id": "tp-thu",
     "valid_from": "", "valid_to": "", "official_code": "", "validity_source": "", "notes": ""},
    {"locality_id": "phuong-a", "name": "Phường A", "level": "ward", "parent_id": "tp-thu", "province_id": "tp-thu",
     "valid_from": "", "valid_to": "", "official_code": "", "validity_source": "", "notes": ""},
]
METRIC_ROWS = [
    {"metric_id": "budget_revenue_pct_plan", "label_vi": "Thu ngân sách so với kế hoạch", "label_en": "Budget revenue as % of plan",
     "category": "economy_budget", "unit": "%", "kind": "pct_of_plan", "direction": "higher",
     "definition_vi": "d", "definition_en": "d", "example": "đạt 118% kế hoạch"},
    {"metric_id": "party_members_admitted_count", "label_vi": "Số đảng viên mới kết nạp", "label_en": "New Party members",
     "category": "party_building", "unit": "người", "kind": "flow", "direction": "higher",
     "definition_vi": "d", "definition_en": "d", "example": "kết nạp được 711 đảng viên"},
    {"metric_id": "poverty_rate_pct", "label_vi": "Tỷ lệ hộ nghèo", "label_en": "Poverty rate", "category": "culture_society",
     "unit": "%", "kind": "share", "direction": "lower", "definition_vi": "d", "definition_en": "d", "example": "0,58%"},
    {"metric_id": "party_members_count", "label_vi": "Tổng số đảng viên", "label_en": "Party members", "category": "party_building",
     "unit": "người", "kind": "level", "direction": "neutral", "definition_vi": "d", "definition_en": "d", "example": "7.210"},
]


def fig(**over) -> dict:
    """One valid annotation row (118% of plan in 2021), with fields overridden."""
    row = {"locality_id": "phuong-a", "metric_id": "budget_revenue_pct_plan", "figure_type": "result", "value": "118",
           "value_high": "", "qualifier": "exact", "unit": "%", "period_start": "2021", "period_end": "2021",
           "period_basis": "stated", "period_text": "năm 2021", "reference": "plan", "reference_owner": "",
           "reference_period": "", "scope": "", "basis": "", "evidence": "Năm 2021 đạt 118% kế hoạch", "flag": "", "annotator": "test", "note": ""}
    row.update(over)
    return row


GOOD_ROWS = [
    fig(),
    fig(metric_id="party_members_admitted_count", value="711", unit="đảng viên", period_start="2016", period_end="2020",
        reference="", evidence="kết nạp được 711 đảng viên"),
    fig(metric_id="poverty_rate_pct", value="0,58", reference="", evidence="Tỷ lệ hộ nghèo giảm còn 0,58%"),
    fig(metric_id="party_members_count", value="7210", unit="người", reference="", period_start="2023-04",
        period_end="2023-04", evidence="Tổng số đảng viên 7.210 đồng chí"),
]


def csv_text(rows: list[dict], columns: list[str], delimiter: str = ",", lineterminator: str = "\n") -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, delimiter=delimiter, lineterminator=lineterminator)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: list[dict], columns: list[str], **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(rows, columns, **kw), encoding="utf-8")
    return path


@pytest.fixture
def make_data(tmp_path):
    """Build a data folder: make_data(rows=[...]) -> (data_dir, texts_dir). successions, variants and pack
    (lists of rows) write data/successions.csv, variants.csv and pack.csv; left out when None."""

    def build(rows=None, *, articles=None, localities=None, metrics=None, successions=None, variants=None,
              pack=None, text=TEXT, ann_name="bai-thu.csv"):
        data = tmp_path / "data"
        texts = tmp_path / "texts"
        write_csv(data / "articles.csv", articles or [ARTICLE], ARTICLES.columns)
        write_csv(data / "localities.csv", localities or LOCALITY_ROWS, LOCALITIES.columns)
        write_csv(data / "metrics.csv", metrics or METRIC_ROWS, METRICS.columns)
        # The crosswalk, the scopes and bases, and the pack's rules are optional tables: written when given.
        for name, table, given in (("successions.csv", SUCCESSIONS, successions), ("variants.csv", VARIANTS, variants),
                                   ("pack.csv", PACK, pack)):
            if given is not None:
                write_csv(data / name, given, table.columns)
        write_csv(data / "annotations" / ann_name, GOOD_ROWS if rows is None else rows, ANNOTATIONS.columns)
        texts.mkdir(exist_ok=True)
        (texts / "bai-thu.txt").write_text(text, encoding="utf-8")
        return data, texts

    return build


@pytest.fixture
def seeds() -> Path:
    """The five source articles; tests that need them skip with a clear reason where absent."""
    found = [d for d in paths.texts_dirs() if d.is_dir() and any(d.glob("*.txt"))]
    if not found:
        pytest.skip(f"article texts not found in {paths.texts_dir()}: set LOCALITY_TEXTS to the folders with the "
                    "article .txt files (../shared/seeds and ../shared/articles), joined by ':'")
    return os.pathsep.join(str(d) for d in found)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the shipped data folder."""
    dst = tmp_path / "data"
    shutil.copytree(paths.DATA, dst)
    return dst


def codes(problems, severity=None) -> list[str]:
    return [p.code for p in problems if severity is None or p.severity == severity]


TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five Vietnamese tone marks cp1258 stores as combining marks


def to_cp1258(text: str) -> bytes:
    """Encode as Windows does: precomposed where cp1258 has the letter, else base letter + combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")
