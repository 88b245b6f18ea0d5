"""The shipped data: only what must hold whatever it holds.

Articles are added to data/ all the time, so nothing here names an article, a locality, an indicator or a
count. The same checks run on data/ and on a changed copy of it (one article taken out, a new one added five
years later with its own text), so a test that passes today keeps passing when the data changes. What a
particular figure, chart or caveat must look like is tested on the small fixtures of tests/conftest.py.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import analysis, check, export, paths, workbook
from helpers.io import read_table
from helpers.schema import ANNOTATIONS, ARTICLES, LOCALITIES
from tests.conftest import csv_text, write_csv

SHIFT_YEARS = 5


def available_texts() -> str | None:
    """The texts folders that hold article texts, joined by os.pathsep; None when there are none."""
    found = [d for d in paths.texts_dirs() if d.is_dir() and any(d.glob("*.txt"))]
    return os.pathsep.join(str(d) for d in found) if found else None


NO_TEXTS = (f"article texts not found in {paths.texts_dir()}: set LOCALITY_TEXTS to the folders with the article "
            ".txt files (../shared/seeds and ../shared/articles), joined by ':'")


# ---------------------------------------------------------------- the changed copy

def _shift(cell: str, years: int) -> str:
    """A partial ISO date ('2021', '2021-06', '2021-06-30') moved by whole years; anything else as it is."""
    m = re.fullmatch(r"((?:19|20)\d{2})((?:-\d{2}){0,2})", (cell or "").strip())
    if not m:
        return cell
    shifted = f"{int(m.group(1)) + years}{m.group(2)}"
    return "2028-02-28" if shifted.endswith("-02-29") else shifted  # no 29 February in most years


def change_data(data: Path, texts_dir: Path) -> dict:
    """Take one article out of the data folder `data` (its articles.csv row and annotation file) and add a new
    one: another article's figures moved five years later, with a text of its own in `texts_dir` that holds
    every excerpt. Returns what was done."""
    arts = read_table(data / "articles.csv", ARTICLES)
    ids = [a for a in arts.frame["article_id"] if (data / "annotations" / f"{a}.csv").is_file()]
    removed, source = ids[0], ids[-1]
    rows = [r for r in arts.frame.to_dict("records") if r["article_id"] != removed]
    (data / "annotations" / f"{removed}.csv").unlink()

    new_id = f"{source}-five-years-on"
    ann = read_table(data / "annotations" / f"{source}.csv", ANNOTATIONS)
    figures = ann.frame.to_dict("records")
    for r in figures:
        r["period_start"], r["period_end"] = _shift(r["period_start"], SHIFT_YEARS), _shift(r["period_end"], SHIFT_YEARS)
    (data / "annotations" / f"{new_id}.csv").write_text(
        csv_text(figures, ANNOTATIONS.columns, delimiter=ann.delimiter or ","), encoding="utf-8")
    old = next(r for r in arts.frame.to_dict("records") if r["article_id"] == source)
    rows.append(dict(old, article_id=new_id, title=f"{old['title']} (five years on)", text_file=f"{new_id}.txt",
                     published=_shift(old["published"], SHIFT_YEARS), notes="An invented article for the tests."))
    write_csv(data / "articles.csv", rows, ARTICLES.columns)
    texts_dir.mkdir(parents=True, exist_ok=True)
    (texts_dir / f"{new_id}.txt").write_text(
        f"{old['title']}\n\n" + "\n".join(str(r["evidence"]) for r in figures) + "\n", encoding="utf-8")
    return {"removed": removed, "added": new_id, "from": source, "figures": len(figures)}


@pytest.fixture(scope="module", params=["shipped", "changed"])
def folder(request, tmp_path_factory):
    """(data folder, texts folders or None, what was changed) for data/ and for a changed copy of it."""
    texts = available_texts()
    if request.param == "shipped":
        return paths.DATA, texts, {}
    root = tmp_path_factory.mktemp("changed")
    data = root / "data"
    shutil.copytree(paths.DATA, data)
    changes = change_data(data, root / "texts")
    return data, (os.pathsep.join([texts, str(root / "texts")]) if texts else None), changes


@pytest.fixture(scope="module")
def report(folder):
    data, texts, _ = folder
    return check(data, texts)


@pytest.fixture(scope="module")
def figures(folder):
    data, _, _ = folder
    return check(data).figures


@pytest.fixture(scope="module")
def pack(folder, tmp_path_factory):
    """The briefing pack of the folder, built as `make run` builds it (two worker processes)."""
    data, texts, _ = folder
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOCALITY_WORKERS", "2")
        return export.export_pack(data, tmp_path_factory.mktemp("pack"), lang="vi", texts=texts,
                                  today=date(2026, 11, 21), progress=lambda m: None)


@pytest.fixture(scope="module")
def specs(folder, figures):
    data, _, _ = folder
    with export.pack_style("vi"):
        return export.pack_charts(figures, "vi", export.pack_rules(data))


# ---------------------------------------------------------------- the checks

def test_the_changed_copy_is_changed(folder):
    data, _, changes = folder
    if not changes:
        pytest.skip("data/ itself")
    ids = set(read_table(data / "articles.csv", ARTICLES).frame["article_id"])
    assert changes["removed"] not in ids and changes["added"] in ids and changes["figures"] > 0
    assert not (data / "annotations" / f"{changes['removed']}.csv").exists()


def test_validate_reports_no_errors(folder):
    data, _, _ = folder
    errors = check(data).errors
    assert errors == [], "\n".join(map(str, errors))


def test_every_evidence_excerpt_is_found_in_its_article(folder, report):
    data, texts, _ = folder
    if texts is None:
        pytest.skip(NO_TEXTS)
    assert report.errors == [], "\n".join(map(str, report.errors))
    missing = [p for p in report.problems if p.code in ("text_missing", "text_unreadable", "texts_missing")]
    assert missing == [], "\n".join(map(str, missing))
    assert report.texts_checked == report.figures["article_id"].nunique()


def test_every_file_has_exactly_the_schema_columns(folder):
    """Each column once, none missing and none unknown (the reader matches columns by name, in any order)."""
    data, _, _ = folder
    from helpers.schema import INPUT_TABLES

    files = [(t, data / Path(t.path).name) for t in INPUT_TABLES if t is not ANNOTATIONS]
    files += [(ANNOTATIONS, f) for f in sorted((data / "annotations").glob("*.csv"))]
    for table, path in files:
        if not path.exists():
            continue  # successions, variants and pack are optional
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        from helpers.schema import SCAFFOLD_COLUMNS

        optional = set(SCAFFOLD_COLUMNS) if table is ANNOTATIONS else set()  # new-article's working columns
        assert set(header) <= set(table.columns) and len(header) == len(set(header)), path.name
        assert set(table.columns) - set(header) <= optional, path.name


def test_every_figure_has_a_term_or_a_no_term_warning_naming_it(report):
    warned = {(Path(p.file).name, p.row) for p in report.problems if p.code == "no_term"}
    lost = report.figures[report.figures["term"].isna()]
    assert [(Path(f).name, int(r)) for f, r in zip(lost["source_file"], lost["source_row"])
            if (Path(f).name, int(r)) not in warned] == []
    assert len(warned) == len(lost)


def test_the_pack_builds(pack, specs):
    assert (pack / "index.html").is_file() and (pack / "briefing.xlsx").is_file()
    for spec in specs:
        for suffix in ("csv", "png", "svg", "pdf"):
            assert (pack / f"{spec.stem}.{suffix}").stat().st_size > 0, (spec.stem, suffix)
        for suffix in ("png", "svg", "pdf"):
            assert (pack / f"{spec.stem}_a4.{suffix}").stat().st_size > 0, (spec.stem, suffix)
    assert {p.stem for p in pack.glob("*.csv")} == {s.stem for s in specs}


def test_every_across_term_pair_gets_its_chart(folder, figures, pack):
    data, _, _ = folder
    rules = export.pack_rules(data)
    if "across_terms" not in rules:
        pytest.skip("data/pack.csv draws no across_terms chart")
    for metric, localities in export.across_term_pairs(figures, rules["across_terms"]["min_terms"]).items():
        stem = workbook.safe_stem(export._stem("across-terms", metric))
        assert (pack / f"{stem}.csv").is_file(), stem
        shown = pd.read_csv(pack / f"{stem}.csv", encoding="utf-8-sig")
        assert set(shown["locality_id"]) == set(localities), stem


def test_every_reorganisation_pair_gets_its_chart(folder, figures, pack):
    data, _, _ = folder
    rules = export.pack_rules(data)
    if "reorganisation" not in rules:
        pytest.skip("data/pack.csv draws no reorganisation chart")
    for r in analysis.reorganisations(figures).itertuples():
        if 1 + len(r.predecessor_ids) < rules["reorganisation"]["min_localities"]:
            continue
        stem = workbook.safe_stem(export._stem("reorganisation", r.successor_id, r.metric_id))
        assert (pack / f"{stem}.csv").is_file(), stem
        shown = pd.read_csv(pack / f"{stem}.csv", encoding="utf-8-sig")
        assert set(shown["locality_id"]) == {r.successor_id, *r.predecessor_ids}, stem


def test_every_charts_csv_holds_exactly_its_rows(pack, specs, figures):
    values = dict(zip(figures["figure_id"].astype(str), figures["value"]))
    for spec in specs:
        shown = pd.read_csv(pack / f"{spec.stem}.csv", encoding="utf-8-sig", dtype={"figure_id": str})
        assert sorted(shown["figure_id"]) == sorted(spec.rows["figure_id"].astype(str)), spec.stem
        assert [values[f] for f in shown["figure_id"]] == pytest.approx(shown["value"].tolist()), spec.stem


def test_no_caveat_names_a_unit_by_its_raw_id(folder, specs):
    data, _, _ = folder
    named = read_table(data / "localities.csv", LOCALITIES).frame
    ids = [lid for lid, name in zip(named["locality_id"], named["name"]) if lid and name]
    raw = re.compile(r"(?<![\w:/-])(" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")(?![\w:/-])")
    found = [(spec.stem, m.group(1)) for spec in specs for c in spec.caveats
             for text in (c.message_vi, c.message_en) for m in raw.finditer(text)]
    assert found == []
