"""Article texts in several folders (one per batch: ../shared/seeds, ../shared/articles), joined by os.pathsep."""
from __future__ import annotations

import os

from helpers import check, paths
from helpers.texts import describe, folders, safe_text_path
from tests.conftest import ARTICLE, GOOD_ROWS, TEXT


def joined(*dirs) -> str:
    return os.pathsep.join(str(d) for d in dirs)


def test_folders_reads_one_folder_several_or_a_list(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert folders(None) == []
    assert folders(a) == [a] and folders(str(a)) == [a]
    assert folders(joined(a, b)) == [a, b] and folders([a, str(b)]) == [a, b]
    assert folders(joined(a, "", b)) == [a, b]  # an empty entry (a trailing ':') names no folder
    assert describe(joined(a, b)) == f"{a}, {b}"


def test_a_text_is_found_in_the_first_folder_that_holds_it(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (b / "only-b.txt").write_text("b", encoding="utf-8")
    (a / "both.txt").write_text("a", encoding="utf-8")
    (b / "both.txt").write_text("b", encoding="utf-8")
    assert safe_text_path(joined(a, b), "only-b.txt") == b / "only-b.txt"
    assert safe_text_path(joined(a, b), "both.txt") == a / "both.txt"
    assert safe_text_path(joined(a, b), "nowhere.txt") == a / "nowhere.txt"  # named in the first, for the message
    assert safe_text_path(joined(a, b), "../b/only-b.txt") is None
    assert safe_text_path(None, "x.txt") is None


def test_evidence_is_checked_against_texts_in_two_folders(make_data, tmp_path):
    second = dict(ARTICLE, article_id="bai-hai", title="Bài hai", text_file="bai-hai.txt")
    data, texts = make_data(articles=[ARTICLE, second])
    (data / "annotations" / "bai-hai.csv").write_text(
        (data / "annotations" / "bai-thu.csv").read_text(encoding="utf-8").replace(
            "Năm 2021 đạt 118% kế hoạch", "Năm 2022 đạt 120% kế hoạch").replace(",2021,2021,", ",2022,2022,")
        .replace(",118,", ",120,"), encoding="utf-8")
    other = tmp_path / "articles"
    other.mkdir()
    (other / "bai-hai.txt").write_text(TEXT.replace("Năm 2021 đạt 118% kế hoạch", "Năm 2022 đạt 120% kế hoạch"),
                                       encoding="utf-8")
    report = check(data, joined(texts, other))
    assert report.errors == [] and report.texts_checked == 2
    assert report.figures.groupby("article_id").size().to_dict() == {"bai-hai": len(GOOD_ROWS), "bai-thu": len(GOOD_ROWS)}
    assert f"in {texts}, {other}." in report.render(joined(texts, other))
    alone = check(data, texts)  # without the second folder, its article's text is missing (not its evidence)
    assert [(p.code, p.value) for p in alone.problems] == [("text_missing", "bai-hai.txt")]


def test_texts_dirs_from_the_environment_or_beside_the_project(monkeypatch, tmp_path):
    a, b = tmp_path / "a", tmp_path / "missing"
    a.mkdir()
    monkeypatch.setenv("LOCALITY_TEXTS", joined(a, b))
    assert paths.texts_dirs() == [a, b]
    assert paths.texts_dir() == joined(a, b)
    assert paths.default_texts() == str(a)  # only the folders that exist
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOCALITY_TEXTS", "a")
    assert paths.texts_dirs() == [tmp_path / "a"]  # relative to where the command runs
    monkeypatch.setenv("LOCALITY_TEXTS", str(b))
    assert paths.default_texts() is None
    monkeypatch.delenv("LOCALITY_TEXTS")
    assert paths.texts_dirs() == [paths.ROOT.parent / "shared" / "seeds", paths.ROOT.parent / "shared" / "articles"]
