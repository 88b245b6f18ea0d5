"""The cache of validated results (helpers/cache.py): served only for byte-identical inputs, identical when served."""
from __future__ import annotations

import os
import time
from pathlib import Path
import warnings

import pandas as pd
import pytest

from helpers import cache, check, load
from helpers.loading import DataWarning
from helpers.problems import DataError
from tests.conftest import GOOD_ROWS, fig


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("LOCALITY_CACHE", str(folder))
    monkeypatch.setitem(cache.stats, "hits", 0)
    monkeypatch.setitem(cache.stats, "misses", 0)
    return folder


@pytest.fixture(params=["default", "stat-memo"])
def memo_mode(request, monkeypatch):
    """'stat-memo' remembers every file's digest at once (no racy window), so the stat short cut is exercised."""
    if request.param == "stat-memo":
        monkeypatch.setattr(cache, "RACY_SECONDS", -1e9)
        monkeypatch.setattr(cache, "STAT_SHORTCUT", True)
    return request.param


def quiet_load(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return load(*args, **kw)


def rewrite_same_mtime(path, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` (same length) in the file and put its modification time back."""
    assert len(old) == len(new)
    st = os.stat(path)
    data = path.read_bytes()
    assert old in data
    time.sleep(0.02)  # a later clock tick than the one the cache saw
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == st.st_mtime_ns and os.stat(path).st_size == st.st_size


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.dtypes.to_dict() == b.dtypes.to_dict()
    assert a.attrs["problems"] == b.attrs["problems"]


def test_a_second_load_is_served_from_the_cache_and_identical(make_data, cache_dir, memo_mode):
    rows = GOOD_ROWS + [fig(value="abc"), fig(period_basis="inferred", value="119")]  # an error and a warning
    data, texts = make_data(rows)
    with pytest.warns(DataWarning):
        first = load(data, texts)
    with pytest.warns(DataWarning):  # the warning is given again when served from the cache
        second = load(data, texts)
    assert cache.stats == {"hits": 1, "misses": 1}
    assert_same(first, second)
    assert {p.code for p in second.attrs["problems"]} >= {"bad_number", "inferred_period_without_note"}
    assert_same(second, quiet_load(data, texts, cache=False))
    with pytest.raises(DataError):
        load(data, texts, strict=True)
    assert cache.stats["hits"] == 2


def test_check_can_use_the_cache_too(make_data, cache_dir):
    data, texts = make_data()
    fresh = check(data, texts)
    a, b = check(data, texts, cache=True), check(data, texts, cache=True)
    assert cache.stats == {"hits": 1, "misses": 1}
    for r in (a, b):
        assert r.problems == fresh.problems and r.summary() == fresh.summary()
        pd.testing.assert_frame_equal(r.figures, fresh.figures)
        pd.testing.assert_frame_equal(r.localities, fresh.localities)


def test_a_one_byte_change_under_the_same_mtime_is_seen(make_data, cache_dir, memo_mode):
    data, texts = make_data()
    assert quiet_load(data, texts)["value_as_written"].iloc[0] == "118"
    rewrite_same_mtime(data / "annotations" / "bai-thu.csv", b",118,", b",119,")
    df = quiet_load(data, texts)
    assert cache.stats == {"hits": 0, "misses": 2}
    assert df["value_as_written"].iloc[0] == "119"
    assert quiet_load(data, texts)["value_as_written"].iloc[0] == "119"
    assert cache.stats == {"hits": 1, "misses": 2}


def test_a_change_to_an_article_text_is_seen(make_data, cache_dir, memo_mode):
    data, texts = make_data()
    assert not quiet_load(data, texts).attrs["problems"]
    rewrite_same_mtime(texts / "bai-thu.txt", "118%".encode(), "119%".encode())
    df = quiet_load(data, texts)
    assert [p.code for p in df.attrs["problems"] if p.severity == "error"] == ["evidence_not_found"]
    assert cache.stats["misses"] == 2


@pytest.mark.parametrize("change", ["new file", "removed file", "lock file", "gazetteer", "codebook", "articles"])
def test_any_input_file_counts(make_data, cache_dir, change):
    data, texts = make_data()
    quiet_load(data, texts)
    if change == "new file":
        (data / "annotations" / "bai-khac.csv").write_text("x", encoding="utf-8")
    elif change == "removed file":
        (data / "annotations" / "bai-thu.csv").unlink()
    elif change == "lock file":
        (data / "annotations" / "~$bai-thu.csv").write_text("x", encoding="utf-8")
    else:
        name = {"gazetteer": "localities.csv", "codebook": "metrics.csv", "articles": "articles.csv"}[change]
        with open(data / name, "a", encoding="utf-8") as f:
            f.write("\n")
    quiet_load(data, texts)
    assert cache.stats == {"hits": 0, "misses": 2}


def test_touching_a_file_without_changing_it_still_hits(make_data, cache_dir, memo_mode):
    data, texts = make_data()
    quiet_load(data, texts)
    later = time.time() + 100
    for p in [data / "articles.csv", data / "annotations" / "bai-thu.csv", texts / "bai-thu.txt"]:
        os.utime(p, (later, later))
    quiet_load(data, texts)
    assert cache.stats == {"hits": 1, "misses": 1}


def test_with_and_without_texts_are_different_results(make_data, cache_dir):
    data, texts = make_data([fig(evidence="không có trong bài")])
    assert len(quiet_load(data)) == 1
    assert len(quiet_load(data, texts)) == 0
    assert len(quiet_load(data)) == 1
    assert cache.stats == {"hits": 1, "misses": 2}


def test_a_damaged_cache_is_a_miss_not_an_error(make_data, cache_dir):
    data, texts = make_data()
    first = quiet_load(data, texts)
    for p in cache_dir.glob("check-*"):
        p.write_bytes(p.read_bytes()[:70])
    assert_same(first, quiet_load(data, texts))
    assert cache.stats == {"hits": 0, "misses": 2}


def test_turned_off(make_data, tmp_path, monkeypatch):
    data, texts = make_data()
    monkeypatch.setenv("LOCALITY_CACHE", str(tmp_path / "c"))
    quiet_load(data, texts, cache=False)
    assert not (tmp_path / "c").exists()
    monkeypatch.setenv("LOCALITY_CACHE", "off")
    quiet_load(data, texts)
    assert not (tmp_path / "c").exists()


def test_only_the_latest_slots_are_kept(make_data, cache_dir, monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "MAX_SLOTS", 2)
    data, texts = make_data()
    for i in range(4):
        (tmp_path / f"copy{i}").mkdir()
        quiet_load(data, tmp_path / f"copy{i}")  # another texts folder: another slot
    assert len([p for p in cache_dir.glob("check-*.json") if not p.name.endswith(".files.json")]) == 2


def test_the_units_table_counts_the_folders_or_else_the_projects(make_data, cache_dir, monkeypatch, tmp_path):
    import shutil

    from helpers import paths

    project = tmp_path / "project-data"
    project.mkdir()
    shutil.copy(paths.DATA / "units.csv", project / "units.csv")
    monkeypatch.setattr(paths, "DATA", project)  # the fallback the loader reads when the folder has none
    data, texts = make_data()
    quiet_load(data, texts)
    with open(project / "units.csv", "a", encoding="utf-8") as f:
        f.write("camera,count,1,cameras,\n")
    quiet_load(data, texts)
    shutil.copy(project / "units.csv", data / "units.csv")  # the folder's own table replaces the project's
    quiet_load(data, texts)
    quiet_load(data, texts)
    assert cache.stats == {"hits": 1, "misses": 3}


# ------------------------------------------------------------------ a cache folder others can write


def test_the_cache_stores_nothing_executable(make_data, cache_dir):
    data, texts = make_data()
    quiet_load(data, texts)
    names = sorted(p.name for p in cache_dir.iterdir())
    assert names and all(Path(n).suffix in (".json", ".arrow") for n in names), names
    assert not list(cache_dir.glob("*.pickle"))


def test_a_planted_pickle_is_never_read(make_data, cache_dir, tmp_path):
    import pickle

    data, texts = make_data()
    quiet_load(data, texts)
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    stems = {p.name.split(".", 1)[0] for p in cache_dir.glob("check-*")}
    assert stems
    for stem in stems:
        for suffix in (".files.pickle", ".pickle"):
            (cache_dir / (stem + suffix)).write_bytes(pickle.dumps(Planted()))
    quiet_load(data, texts)
    assert not marker.exists(), "no file of the cache folder is unpickled"


def test_a_rewritten_arrow_file_is_not_served(make_data, cache_dir):
    import pyarrow as pa
    import pyarrow.ipc as ipc

    data, texts = make_data()
    first = quiet_load(data, texts)
    (path,) = cache_dir.glob("check-*.figures.arrow")
    table = ipc.open_file(pa.py_buffer(path.read_bytes())).read_all()
    frame = table.to_pandas()
    frame["value"] = frame["value"] * 1000  # the same file, other values
    forged = pa.Table.from_pandas(frame, preserve_index=True).replace_schema_metadata(table.schema.metadata)
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, forged.schema) as writer:
        writer.write_table(forged)
    again = quiet_load(data, texts)
    assert cache.stats == {"hits": 0, "misses": 2}, "the forged file is a miss"
    assert_same(first, again)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owner and mode bits (POSIX)")
def test_a_cache_folder_others_can_write_is_not_used(make_data, cache_dir):
    data, texts = make_data()
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o777)
    with pytest.warns(UserWarning, match="not owned by you or others can write to it"):
        quiet_load(data, texts)
    assert list(cache_dir.iterdir()) == [], "nothing written there"
    assert cache.stats == {"hits": 0, "misses": 0}


def test_a_new_cache_folder_is_private(make_data, cache_dir):
    data, texts = make_data()
    quiet_load(data, texts)
    assert cache_dir.stat().st_mode & 0o077 == 0
