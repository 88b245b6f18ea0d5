"""Faults found by hostile use (the faults issue): each test failed before its fix."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from helpers import charts, export, paths, theme, workbook
from helpers.export import export_pack
from tests import conftest
from tests.conftest import build_world

# ------------------------------------------------------------------ 1. '$' in chart text is text, not maths

DOLLARS = {"title": "US$ và 3 triệu US$", "publisher": r"Báo $\foo$", "a": "A $x^2$", "c": r"C $\foo$ US$"}


@pytest.fixture(scope="module")
def dollar_world(tmp_path_factory):
    """The small world with '$' in an article title, a publisher and two locality names."""
    mp = pytest.MonkeyPatch()
    arts = [dict(a) for a in conftest.WORLD_ARTICLES]
    arts[1].update(title=DOLLARS["title"], publisher=DOLLARS["publisher"])
    locs = [dict(loc) for loc in conftest.WORLD_LOCALITIES]
    for loc in locs:
        if loc["locality_id"] == "phuong-a":
            loc["name"] = DOLLARS["a"]
        if loc["locality_id"] == "phuong-c":
            loc["name"] = DOLLARS["c"]
    mp.setattr(conftest, "WORLD_ARTICLES", arts)
    mp.setattr(conftest, "WORLD_LOCALITIES", locs)
    try:
        return build_world(tmp_path_factory.mktemp("dollars"))
    finally:
        mp.undo()


def _drawn(fig) -> list:
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "_preprocess_math"))]


def test_dollar_signs_in_every_chart_are_drawn_as_text(dollar_world):
    from helpers import load

    data, texts = dollar_world
    df = load(data, texts, strict=True, cache=False)
    drawings = [
        lambda: charts.terms_chart(df, metric="party_members_admitted_count"),
        lambda: charts.localities_chart(df, metric="cultural_families_pct"),
        lambda: charts.plan_chart(df, metrics=["budget_revenue_pct_plan"], title="US$ $x^2$"),
        lambda: charts.targets_chart(df, title=r"$\foo$ US$"),
        lambda: charts.scorecard(df, locality="phuong-a", title="US$ $x^2$"),
        lambda: charts.coverage_heatmap(df, title=r"$\foo$"),
    ]
    with theme.set_theme(lang="vi"):
        for draw in drawings:
            obj = draw()
            fig = obj if hasattr(obj, "savefig") else obj.figure
            fig.canvas.draw()  # an invalid formula raised here (ParseFatalException) before the fix
            dollars = [t for t in _drawn(fig) if "$" in t.get_text()]
            assert dollars, "some text of the chart holds a '$'"
            for t in dollars:
                assert t._preprocess_math(t.get_text()) == (t.get_text(), False), t.get_text()
            joined = "\n".join(t.get_text() for t in dollars)
            assert any(s in joined for s in (*DOLLARS.values(), "US$ $x^2$", r"$\foo$ US$", r"$\foo$"))
            plt.close(fig)


def test_dollar_signs_do_not_stop_the_export(dollar_world, tmp_path, monkeypatch):
    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    data, texts = dollar_world
    out = export_pack(data, tmp_path / "out", texts=texts, today=date(2026, 1, 2), progress=lambda m: None)
    assert (out / "index.html").is_file()
    svg = next(out.glob("scorecard-phuong-a.svg"))
    assert svg.stat().st_size > 0


# ------------------------------------------------------------------ 3. a killed export leaves nothing behind


def _group(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group `pgid` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry.name))
    return out


@pytest.fixture(scope="module")
def world_data(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_export_leaves_no_process_and_the_next_export_no_folder(world_data, tmp_path, monkeypatch, sig):
    data, texts = world_data
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "LOCALITY_WORKERS": "2", "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "helpers", "export", "--data", str(data), "--out", str(out),
                             "--texts", str(texts)], cwd=paths.ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # kill it while the workers draw into the hidden folder
            hidden = [p for p in out.iterdir() if p.name.startswith(".")]
            if hidden and any(hidden[0].iterdir()):
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        else:
            pytest.fail("the export never started drawing")
        assert len(_group(proc.pid)) >= 3, "the export, its fork server and its workers run"
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 20
        while _group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group(proc.pid) == [], "no worker, fork server or resource tracker left running"
    finally:
        for pid in _group(proc.pid):
            os.kill(pid, signal.SIGKILL)
    if sig == signal.SIGTERM:
        assert proc.returncode != 0
        assert [p.name for p in out.iterdir()] == [], "SIGTERM removes the unfinished pack itself"
    # the next export removes what a killed one left
    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    real = export.briefing_charts
    monkeypatch.setattr(export, "briefing_charts", lambda df, lang="vi", rules=None: real(df, lang, rules)[:1])
    said = []
    pack = export_pack(data, out, texts=texts, today=date(2026, 1, 2), progress=said.append)
    assert [p.name for p in out.iterdir()] == [pack.name], "no temporary folder left"
    if sig == signal.SIGKILL:
        assert any("left by an export that was killed" in m for m in said)


def test_a_live_exports_folder_is_left_alone(tmp_path):
    live = tmp_path / f".2026-01-02-{os.getppid()}-abc"
    dead_pid = 2 ** 22 + 17  # above the default pid_max: no such process
    dead = tmp_path / f".2026-01-02-{dead_pid}-abc"
    other = tmp_path / ".hidden-notes"
    for d in (live, dead, other):
        d.mkdir()
    assert export.remove_stale_work(tmp_path) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


# ------------------------------------------------------------------ 4. new-article completes or changes nothing


def _csv_bytes(data: Path) -> dict:
    return {p: p.read_bytes() for p in data.rglob("*.csv")}


def test_new_article_with_a_cp1258_articles_file_writes_nothing_and_can_be_retried(make_data):
    from helpers.scaffold import ScaffoldError, new_article
    from tests.conftest import to_cp1258

    data, texts = make_data()
    arts = data / "articles.csv"
    arts.write_bytes(to_cp1258(arts.read_text(encoding="utf-8")))
    before = _csv_bytes(data)
    for _ in range(2):  # the retry gets the same refusal, not "the annotation file already exists"
        with pytest.raises(ScaffoldError, match="not UTF-8"):
            new_article(texts / "bai-thu.txt", "bai-moi", "phuong-a", data_dir=data, texts=texts, annotator="t",
                        title="Bài mới", published="2024")
        assert _csv_bytes(data) == before
        assert not (data / "annotations" / "bai-moi.csv").exists()


def test_new_article_rolls_back_the_annotation_file_when_the_article_row_fails(make_data, monkeypatch):
    from helpers import scaffold

    data, texts = make_data()
    before = _csv_bytes(data)

    def full_disk(path, row):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scaffold, "append_row", full_disk)
    with pytest.raises(OSError):
        scaffold.new_article(texts / "bai-thu.txt", "bai-moi", "phuong-a", data_dir=data, texts=texts,
                             annotator="t", title="Bài mới", published="2024")
    assert _csv_bytes(data) == before
    assert [p.name for p in (data / "annotations").iterdir()] == ["bai-thu.csv"], "no temporary file left"


def test_new_article_with_a_cr_only_articles_file_keeps_cr(make_data):
    from helpers.scaffold import new_article

    data, texts = make_data()
    arts = data / "articles.csv"
    arts.write_bytes(arts.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    new_article(texts / "bai-thu.txt", "bai-moi", "phuong-a", data_dir=data, texts=texts, annotator="t",
                title="Bài mới", published="2024")
    assert b"\n" not in arts.read_bytes()


@pytest.mark.parametrize("content", ["", "  \n\n\t \n"], ids=["empty", "blank"])
def test_new_article_refuses_an_empty_text(make_data, tmp_path, content):
    data, texts = make_data()
    empty = tmp_path / "empty.txt"
    empty.write_text(content, encoding="utf-8")
    before = _csv_bytes(data)
    result = subprocess.run([sys.executable, "-m", "helpers", "new-article", str(empty), "--id", "bai-moi",
                             "--locality", "phuong-a", "--data", str(data), "--texts", str(texts)],
                            cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"error: the article text {empty} is empty"), result.stderr
    assert "\nfix: " in result.stderr and "Traceback" not in result.stderr
    assert _csv_bytes(data) == before


# ------------------------------------------------------------------ 6. output files


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("umask, mode", [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700)])
def test_the_published_pack_has_the_umasks_mode(make_data, tmp_path, monkeypatch, umask, mode):
    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    real = export.briefing_charts
    monkeypatch.setattr(export, "briefing_charts", lambda df, lang="vi", rules=None: real(df, lang, rules)[:1])
    data, texts = make_data()
    old = os.umask(umask)
    try:
        pack = export_pack(data, tmp_path / "out", texts=texts, today=date(2026, 1, 2), progress=lambda m: None)
    finally:
        os.umask(old)
    assert pack.stat().st_mode & 0o777 == mode


def _failing_fsync(monkeypatch):
    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)


@pytest.mark.parametrize("name", ["table.csv", "table.xlsx"])
def test_table_out_on_a_full_disk_keeps_the_old_file(make_data, tmp_path, monkeypatch, capsys, name):
    from helpers.__main__ import main

    data, texts = make_data()
    out = tmp_path / name
    out.write_bytes(b"the previous table")
    _failing_fsync(monkeypatch)
    assert main(["table", str(data), "--out", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"the previous table"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data" and p.name != "texts") == [name], \
        "no temporary file left"


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_table_out_writes_a_new_file_with_the_umasks_mode(make_data, tmp_path):
    from helpers.__main__ import main

    data, texts = make_data()
    old = os.umask(0o022)
    try:
        main(["table", str(data), "--out", str(tmp_path / "t.csv")])
    finally:
        os.umask(old)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbffigure_id") or \
        (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# ------------------------------------------------------------------ 5. an export that checked no evidence says so


@pytest.mark.parametrize("how", ["--texts", "LOCALITY_TEXTS"])
def test_export_without_texts_says_no_evidence_was_checked(make_data, tmp_path, monkeypatch, capsys, how):
    from helpers.__main__ import main

    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    real = export.briefing_charts
    monkeypatch.setattr(export, "briefing_charts", lambda df, lang="vi", rules=None: real(df, lang, rules)[:1])
    data, texts = make_data()
    gone = tmp_path / "no-such-texts"
    args = ["export", "--data", str(data), "--out", str(tmp_path / "out")]
    if how == "--texts":
        args += ["--texts", str(gone)]
    else:
        monkeypatch.setenv("LOCALITY_TEXTS", str(gone))
    assert main(args) == 0
    err = capsys.readouterr().err
    assert f"WARNING: the texts folder {gone} does not exist: no evidence excerpt was checked" in err, err
    assert "0 errors, 0 warnings" not in err
    (pack,) = (tmp_path / "out").iterdir()
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert "no evidence excerpt was checked" in index or "evidence was not checked" in index


def test_export_pack_without_texts_warns_in_the_report(make_data, tmp_path, monkeypatch):
    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    real = export.briefing_charts
    monkeypatch.setattr(export, "briefing_charts", lambda df, lang="vi", rules=None: real(df, lang, rules)[:1])
    data, _ = make_data()
    said = []
    pack = export_pack(data, tmp_path / "out", texts=None, today=date(2026, 1, 2), progress=said.append)
    assert "WARNING: no texts folder was given: no evidence excerpt was checked against its article" in said
    assert "no texts folder was given" in (pack / "index.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ 7. sizes that blow up


def test_problems_are_capped_per_file_and_code(make_data, monkeypatch):
    from helpers import check, problems
    from tests.conftest import fig

    monkeypatch.setattr(problems, "MAX_PER_FILE_AND_CODE", 5)
    data, texts = make_data(conftest.GOOD_ROWS + [fig(value="abc")] * 12)
    report = check(data, texts)
    bad = [p for p in report.problems if p.code == "bad_number"]
    assert len(bad) == 6, [str(p) for p in bad]
    assert bad[-1].row is None
    assert bad[-1].message == ("7 more 'bad_number' errors in this file were left out of the report "
                               "(the first 5 are listed)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes (POSIX)")
def test_a_fifo_named_like_an_annotation_file_is_skipped(make_data):
    data, texts = make_data()
    os.mkfifo(data / "annotations" / "pipe.csv")
    result = subprocess.run([sys.executable, "-m", "helpers", "validate", str(data), "--texts", str(texts),
                             "--format", "json"], cwd=paths.ROOT, capture_output=True, text=True, timeout=60)
    import json

    found = [p for p in json.loads(result.stdout) if p["code"] == "not_a_file"]
    assert [p["file"].endswith("pipe.csv") for p in found] == [True]
    assert found[0]["severity"] == "warning"


# ------------------------------------------------------------------ 8. smaller


@pytest.mark.parametrize("value", ["two", "0", "-1", "1.5"])
def test_a_bad_worker_count_is_a_clear_error(make_data, tmp_path, value):
    data, texts = make_data()
    result = subprocess.run([sys.executable, "-m", "helpers", "export", "--data", str(data), "--out",
                             str(tmp_path / "out"), "--texts", str(texts)], cwd=paths.ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "LOCALITY_WORKERS": value})
    assert result.returncode == 2
    assert result.stderr == (f"error: $LOCALITY_WORKERS must be a whole number of at least 1, not {value!r}\n")
    assert not (tmp_path / "out").exists()


def _agreement_rows(n: int, offset: int, file: str):
    from helpers.agreement import Row
    from helpers.schema import ANNOTATIONS

    rows = []
    for k in range(n):
        i = k + offset
        cells = {c: "" for c in ANNOTATIONS.columns}
        cells.update(locality_id="phuong-a", metric_id="party_members_admitted_count", figure_type="result",
                     value=str(i), unit="người", period_start=str(1900 + i), period_end=str(1900 + i),
                     evidence=f"kết nạp {i} đảng viên năm {1900 + i}")
        rows.append(Row(file, k + 2, cells, (float(i), None, float(i)), None, (str(1900 + i), str(1900 + i)),
                        [(10 * i, 10 * i + 5)]))
    return rows


def test_agreement_is_linear_in_rows():
    from helpers.agreement import compare

    a, b = _agreement_rows(2000, 0, "a.csv"), _agreement_rows(2000, 1000, "b.csv")
    start = time.perf_counter()
    pairs, only_a, only_b = compare(a, b)
    elapsed = time.perf_counter() - start
    assert (len(pairs), len(only_a), len(only_b)) == (1000, 1000, 1000)
    assert all(p.a.cells["value"] == p.b.cells["value"] and not p.differences for p in pairs)
    assert elapsed < 5, f"2,000 × 2,000 rows compared in {elapsed:.1f} s"


@pytest.mark.parametrize("kind", ["png", "missing"])
def test_new_article_with_an_unreadable_text_says_why_and_exits_1(make_data, tmp_path, kind):
    data, texts = make_data()
    article = tmp_path / "bai.txt"
    if kind == "png":
        article.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 4)
    before = _csv_bytes(data)
    result = subprocess.run([sys.executable, "-m", "helpers", "new-article", str(article), "--id", "bai-moi",
                             "--locality", "phuong-a", "--data", str(data), "--texts", str(texts)],
                            cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: cannot read the article text {article}: ") and len(first) > len(
        f"error: cannot read the article text {article}: ") + 5, result.stderr
    if kind == "missing":
        assert "No such file or directory" in first
    assert _csv_bytes(data) == before


def test_xlsx_cells_too_long_are_cut_with_a_marker_and_reported(tmp_path):
    import warnings

    import pandas as pd
    from openpyxl import load_workbook

    cut = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no raw pandas or openpyxl warning
        workbook.write_xlsx(tmp_path / "t.xlsx", {"s": pd.DataFrame({"note": ["ngắn", "x" * 40_000]})}, cut=cut)
    assert cut == [("s", 3, "note", 40_000)]
    cell = load_workbook(tmp_path / "t.xlsx")["s"]["A3"].value
    assert len(cell) == workbook.XLSX_CELL_MAX and cell.endswith(" … [cut: 40,000 characters in all, see the CSV]")


def test_a_pack_with_a_cut_cell_says_so_in_its_index(make_data, tmp_path, monkeypatch):
    from tests.conftest import fig

    monkeypatch.setenv("LOCALITY_WORKERS", "1")
    real = export.briefing_charts
    monkeypatch.setattr(export, "briefing_charts", lambda df, lang="vi", rules=None: real(df, lang, rules)[:1])
    rows = [dict(r) for r in conftest.GOOD_ROWS]
    for r in rows:
        r["note"] = "ghi chú " * 5_000
    data, texts = make_data(rows)
    said = []
    pack = export_pack(data, tmp_path / "out", texts=texts, today=date(2026, 1, 2), progress=said.append, lang="en")
    assert any(m.startswith("WARNING: briefing.xlsx, sheet nguon-sources") for m in said), said
    assert "more than a cell holds (32,767); cut, with a marker" in (pack / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, message, fix", [
    ("١٢٣", "'١٢٣' is written with digits of another script ('١' is arabic-indic digit one)",
     "write it with the digits 0-9: 123"),
    ("１２３", "'１２３' is written with digits of another script ('１' is fullwidth digit one)",
     "write it with the digits 0-9: 123"),
    ("٣,٥", "'٣,٥' is written with digits of another script ('٣' is arabic-indic digit three)",
     "write it with the digits 0-9: 3,5"),
    ("-0", "'-0' is minus zero", "write 0, or the figure the article prints"),
    ("-0,00", "'-0,00' is minus zero", "write 0, or the figure the article prints"),
])
def test_foreign_digits_and_minus_zero_are_refused(text, message, fix):
    from helpers.numbers import NumberError, parse_number

    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert (info.value.message, info.value.fix) == (message, fix)


@pytest.mark.parametrize("text, value", [("0", 0.0), ("+0", 0.0), ("-0,5", -0.5), ("123", 123.0)])
def test_zero_and_negative_numbers_still_read(text, value):
    from helpers.numbers import parse_number

    assert parse_number(text) == value


def test_taken_spans_answer_as_a_scan_of_every_span_would():
    import random

    from helpers.mentions import _Taken

    rng = random.Random(7)
    for _ in range(200):
        taken, plain = _Taken(), []
        for _ in range(rng.randint(0, 30)):
            s = rng.randint(0, 200)
            span = (s, s + rng.randint(1, rng.choice([3, 10, 80])))
            taken.append(span)
            plain.append(span)
        for _ in range(30):
            s = rng.randint(0, 220)
            e = s + rng.randint(1, 15)
            assert taken.free(s, e) == (not any(s < te and ts < e for ts, te in plain))

