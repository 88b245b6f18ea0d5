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
           "reference_period": "", "scope": "", "basis": "", "evidence": "Năm 2021 đạt 118% kế hoạch", "flag": "", "annotator": "test", "note": "",
           "suggested": "", "why": ""}
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


# ---------------------------------------------------------------- a small world
# Four invented articles about four wards and districts of one city, across three congress terms and the 2025
# reorganisation (Phường A went wholly, Phường C in part, into Phường Mới): enough for every chart the pack
# draws, every comparison and caveat. Tests of charts, the pack and its rules run on it, never on data/.

def _unit(lid, name, level, parent="tp-thu", **over) -> dict:
    return dict(LOCALITY_ROWS[1], locality_id=lid, name=name, level=level, parent_id=parent, **over)


WORLD_LOCALITIES = [
    LOCALITY_ROWS[0],
    _unit("quan-dong", "Đông", "urban_district", valid_to="2025-06-30", validity_source="NQ thử", official_code="301"),
    _unit("phuong-a", "A", "ward", "quan-dong", valid_to="2025-06-30", validity_source="NQ thử", official_code="10001"),
    _unit("phuong-c", "C", "ward", "quan-dong", valid_to="2025-06-30", validity_source="NQ thử", official_code="10002"),
    _unit("phuong-moi", "Mới", "ward", valid_from="2025-07-01", validity_source="NQ thử", official_code="10009"),
]
WORLD_SUCCESSIONS = [
    {"predecessor_id": "phuong-a", "successor_id": "phuong-moi", "share": "whole", "effective": "2025-07-01",
     "source": "NQ thử", "notes": ""},
    {"predecessor_id": "phuong-c", "successor_id": "phuong-moi", "share": "part", "effective": "2025-07-01",
     "source": "NQ thử", "notes": ""},
]


def _metric(mid, label_vi, label_en, category, unit, kind, direction="higher") -> dict:
    return dict(METRIC_ROWS[0], metric_id=mid, label_vi=label_vi, label_en=label_en, category=category, unit=unit,
                kind=kind, direction=direction)


WORLD_METRICS = [
    METRIC_ROWS[0], METRIC_ROWS[1], METRIC_ROWS[2], METRIC_ROWS[3],
    _metric("party_members_admitted_pct_plan", "Kết nạp đảng viên so với kế hoạch", "New members as % of plan",
            "party_building", "%", "pct_of_plan"),
    _metric("cultural_families_pct", "Tỷ lệ gia đình văn hoá", "Cultural families", "culture_society", "%", "share"),
    _metric("income_per_capita_mn_vnd", "Thu nhập bình quân đầu người", "Income per head", "economy_budget",
            "triệu đồng/người/năm", "level"),
    _metric("military_recruits_count", "Số thanh niên nhập ngũ", "Military recruits", "defence_security", "người",
            "flow", "neutral"),
    _metric("budget_revenue_bn_vnd", "Thu ngân sách", "Budget revenue", "economy_budget", "tỷ đồng", "flow"),
    _metric("households_out_of_poverty_count", "Số hộ thoát nghèo", "Households out of poverty", "culture_society",
            "hộ", "flow"),
]
WORLD_ARTICLES = [
    dict(ARTICLE, article_id="bai-dong-2020", title="Quận Đông tổng kết nhiệm kỳ", publisher="Báo Đông",
         published="2020", text_file="bai-dong-2020.txt"),
    dict(ARTICLE, article_id="bai-a-2023", title="Phường A giữa nhiệm kỳ", publisher="Cổng phường A",
         published="2023-04-03", text_file="bai-a-2023.txt"),
    dict(ARTICLE, article_id="bai-c-2024", title="Phường C năm 2023", publisher="Báo C", published="2024-05-22",
         text_file="bai-c-2024.txt"),
    dict(ARTICLE, article_id="bai-moi-2026", title="Phường Mới sau sắp xếp", publisher="Báo Mới",
         published="2026-06-15", text_file="bai-moi-2026.txt"),
]


def _w(lid, mid, value, unit, start, end, evidence, **over) -> dict:
    return fig(**{"locality_id": lid, "metric_id": mid, "value": value, "unit": unit, "period_start": start,
                  "period_end": end, "period_text": "", "reference": "", "evidence": evidence, **over})


WORLD_ANNOTATIONS = {
    "bai-dong-2020": [
        _w("quan-dong", "party_members_admitted_count", "711", "đảng viên", "2016", "2020",
           "trong nhiệm kỳ kết nạp được 711 đảng viên"),
        _w("quan-dong", "party_members_admitted_pct_plan", "100", "%", "2016", "2020",
           "kết nạp đảng viên đạt hơn 100% kế hoạch", qualifier="hơn", reference="plan"),
        _w("quan-dong", "military_recruits_count", "557", "người", "2016", "2020", "đã giao 557 thanh niên nhập ngũ"),
        _w("quan-dong", "party_members_count", "7210", "người", "2020", "2020", "tổng số đảng viên 7.210 đồng chí"),
    ],
    "bai-a-2023": [
        _w("phuong-a", "party_members_admitted_count", "35", "đảng viên", "2016", "2020",
           "nhiệm kỳ trước kết nạp 35 đảng viên"),
        _w("phuong-a", "party_members_admitted_count", "40", "đảng viên", "2021-01", "2023-06",
           "nửa nhiệm kỳ kết nạp 40 đảng viên", period_basis="inferred", note="Half a term by convention."),
        _w("phuong-a", "budget_revenue_pct_plan", "118", "%", "2021", "2021", "năm 2021 đạt 118% kế hoạch",
           reference="plan", reference_owner="district"),
        _w("phuong-a", "budget_revenue_pct_plan", "143", "%", "2022", "2022", "năm 2022 đạt 143% kế hoạch",
           reference="plan", reference_owner="district"),
        _w("phuong-a", "cultural_families_pct", "93,15", "%", "2022", "2022", "hằng năm đạt từ 93,15 – 93,9%",
           value_high="93,9"),
        _w("phuong-a", "poverty_rate_pct", "0,5", "%", "2022", "2022", "tỷ lệ hộ nghèo còn 0,5%"),
        _w("phuong-a", "military_recruits_count", "30", "người", "2021", "2022", "giao 30 thanh niên nhập ngũ"),
    ],
    "bai-c-2024": [
        _w("phuong-c", "party_members_admitted_count", "175", "đảng viên", "2023", "2023",
           "năm 2023 kết nạp 175 đảng viên"),
        _w("phuong-c", "budget_revenue_pct_plan", "92,5", "%", "2023", "2023", "đạt 92,5% dự toán tỉnh",
           reference="estimate", reference_owner="province"),
        _w("phuong-c", "budget_revenue_pct_plan", "90,2", "%", "2023", "2023", "đạt 90,2% dự toán thành phố giao",
           reference="estimate", reference_owner="city"),
        _w("phuong-c", "cultural_families_pct", "9,23", "%", "2023", "2023", "hơn 9,23% số hộ đạt gia đình văn hoá",
           qualifier="hơn", flag="doubtful_print", note="Wards report 85–95%: 92,3% is likely."),
        _w("phuong-c", "income_per_capita_mn_vnd", "53", "triệu đồng/người/năm", "2023", "2023",
           "thu nhập gần 53 triệu đồng/người/năm", qualifier="gần"),
        _w("phuong-c", "poverty_rate_pct", "0,58", "%", "2023", "2023", "tỷ lệ hộ nghèo giảm còn 0,58%"),
        _w("phuong-c", "poverty_rate_pct", "0,4", "%", "2021", "2025", "phấn đấu đến năm 2025 tỷ lệ hộ nghèo còn 0,4%",
           figure_type="target"),
        _w("phuong-c", "households_out_of_poverty_count", "12", "hộ", "2023", "2023", "giúp 12 hộ thoát nghèo"),
        _w("phuong-c", "budget_revenue_bn_vnd", "11,7080", "tỷ đồng", "2023", "2023", "thu ngân sách đạt 11,708 tỷ đồng"),
    ],
    "bai-moi-2026": [
        _w("phuong-moi", "party_members_admitted_count", "25", "đảng viên", "2026-01", "2026-05",
           "5 tháng đầu năm 2026 kết nạp 25 đảng viên"),
    ],
}


def world_text(article_id: str) -> str:
    """The article's text: its title and every excerpt annotated from it, so each evidence check passes."""
    title = next(a["title"] for a in WORLD_ARTICLES if a["article_id"] == article_id)
    return title + "\n\n" + "; ".join(r["evidence"] for r in WORLD_ANNOTATIONS[article_id]) + ".\n"


def build_world(root: Path, *, pack=None) -> tuple[Path, Path]:
    """The small world in `root`: (data folder, texts folder). `pack` (rows) writes its own pack.csv."""
    data, texts = root / "data", root / "texts"
    write_csv(data / "articles.csv", WORLD_ARTICLES, ARTICLES.columns)
    write_csv(data / "localities.csv", WORLD_LOCALITIES, LOCALITIES.columns)
    write_csv(data / "successions.csv", WORLD_SUCCESSIONS, SUCCESSIONS.columns)
    write_csv(data / "metrics.csv", WORLD_METRICS, METRICS.columns)
    shutil.copyfile(paths.DATA / "variants.csv", data / "variants.csv")
    if pack is not None:
        write_csv(data / "pack.csv", pack, PACK.columns)
    texts.mkdir(parents=True, exist_ok=True)
    for aid, rows in WORLD_ANNOTATIONS.items():
        write_csv(data / "annotations" / f"{aid}.csv", rows, ANNOTATIONS.columns)
        (texts / f"{aid}.txt").write_text(world_text(aid), encoding="utf-8")
    return data, texts


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> tuple[Path, Path]:
    """The small world's (data folder, texts folder), built once per session: do not write into it."""
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="session")
def world_df(world):
    from helpers import load

    data, texts = world
    return load(data, texts, strict=True)
