"""A synthetic corpus in the project's own format, at national size, for the benchmarks.

    python benchmarks/generate.py OUT_DIR --articles 10000 [--seed 1] [--figures 50] [--text-scale 1]

writes

    OUT_DIR/data/articles.csv        one row per article
    OUT_DIR/data/localities.csv      2,970 units: 30 provincial units, 7 district-level units each,
                                     13 communes/wards per district, with levels, parents and provinces;
                                     district-level units end on 2025-06-30 (the 2025 reorganisation)
    OUT_DIR/data/metrics.csv         the project's real codebook (data/metrics.csv), byte for byte
    OUT_DIR/data/annotations/<id>.csv  `--figures` rows per article (default 50: 10,000 articles = 500,000 figures)
    OUT_DIR/texts/<nnnnn>_<hash>.txt   each article's text, holding every evidence excerpt verbatim

Every row is valid: the loader with full validation (evidence included) reports no error. The rows
exercise the parser as real ones do: decimal commas, ranges (93,15 – 93,9), fractions (45/48 chi bộ),
word amounts (11 tỷ 708 triệu đồng), grouped thousands (1.234.567), yearly flows (người/năm),
qualifiers typed as Vietnamese words, inferred periods with notes, flagged prints with notes,
no-break spaces and line breaks inside the texts' sentences. Each article covers one (locality, term)
pair, so articles never contradict each other; 2025–2030 articles hold targets only.

The same seed and sizes give the same bytes. A larger --text-scale pads every text with more prose
(the evidence check's cost against text size).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import shutil
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.schema import ANNOTATIONS, ARTICLES, LOCALITIES, METRICS  # noqa: E402

SYLLABLES = ["An", "Bình", "Hòa", "Phú", "Thành", "Tân", "Long", "Đông", "Tây", "Nam", "Bắc", "Hưng", "Thịnh",
             "Quang", "Minh", "Đức", "Phước", "Sơn", "Thủy", "Lâm", "Hải", "Ngọc", "Thụy", "Tô", "Kiến", "Hạ", "Mỹ",
             "Vĩnh", "Lạc", "Trung", "Hương", "Mạc", "Chẩn", "Từ", "Yên", "Khánh", "Lộc", "Thuận", "Định", "Xuân"]
# (level, id prefix, word in a sentence)
PROVINCIAL = [("municipality", "tp", "thành phố"), ("province", "tinh", "tỉnh")]
DISTRICT = [("urban_district", "quan", "quận"), ("rural_district", "huyen", "huyện"),
            ("provincial_city", "tp", "thành phố"), ("town", "tx", "thị xã")]
COMMUNE = [("ward", "phuong", "phường"), ("commune", "xa", "xã"), ("township", "tt", "thị trấn")]
TERMS = [(2010, 2015), (2015, 2020), (2020, 2025), (2025, 2030)]
N_PROVINCES, DISTRICTS_PER, COMMUNES_PER = 30, 7, 13  # 30 × (1 + 7 × (1 + 13)) = 2,970 units
REORGANISATION = "Nghị quyết số 1234/NQ-UBTVQH15 (tổng hợp): kết thúc hoạt động cấp huyện từ 01/7/2025"
FILLER = [
    "Đảng bộ đã bám sát chỉ đạo của cấp ủy cấp trên, triển khai đồng bộ các nhiệm vụ chính trị.",
    "Công tác xây dựng Đảng và hệ thống chính trị tiếp tục được quan tâm, đổi mới phương thức lãnh đạo.",
    "Tình hình an ninh chính trị, trật tự an toàn xã hội được giữ vững, đời sống nhân dân được nâng lên.",
    "Các phong trào thi đua yêu nước được phát động rộng khắp, thu hút đông đảo cán bộ, đảng viên tham gia.",
    "Bên cạnh kết quả đạt được, vẫn còn một số hạn chế cần khắc phục trong thời gian tới.",
    "Cấp ủy thường xuyên kiểm tra, giám sát việc thực hiện nghị quyết ở các chi bộ trực thuộc.",
    "Công tác cải cách hành chính được đẩy mạnh, chất lượng phục vụ người dân và doanh nghiệp được nâng cao.",
    "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội phát huy vai trò giám sát và phản biện xã hội.",
]
QUALIFIERS = [("", "", 70), ("exact", "", 10), ("khoảng", "khoảng ", 6), ("hơn", "hơn ", 5), ("gần", "gần ", 4),
              ("trên", "trên ", 3), ("approx", "xấp xỉ ", 2)]
COUNT_SYNONYMS = {"người": ["người", "người", "đảng viên", "lao động", "thanh niên"], "hộ": ["hộ", "hộ gia đình"]}


def slug(text: str) -> str:
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(ch for ch in t if unicodedata.category(ch) != "Mn").lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in t).split())


def comma(v: float, decimals: int) -> str:
    """A decimal written the Vietnamese way, never with exactly three decimals (that would be ambiguous)."""
    text = f"{v:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def localities(rng: random.Random) -> list[dict]:
    rows, used = [], set()

    def name() -> str:
        return f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"

    def make(level, prefix, parent, province, **extra):
        n = name()
        base = f"{prefix}-{slug(n)}"
        lid, k = base, 1
        while lid in used:
            k += 1
            lid = f"{base}-{k}"
        used.add(lid)
        row = {c: "" for c in LOCALITIES.columns}
        row.update(locality_id=lid, name=n, level=level, parent_id=parent, province_id=province or lid, **extra)
        rows.append(row)
        return row

    for _ in range(N_PROVINCES):
        level, prefix, _w = rng.choice(PROVINCIAL)
        prov = make(level, prefix, "", "", notes="synthetic")
        for _ in range(DISTRICTS_PER):
            level, prefix, _w = rng.choice(DISTRICT)
            dist = make(level, prefix, prov["locality_id"], prov["locality_id"], valid_to="2025-06-30",
                        validity_source=REORGANISATION)
            for _ in range(COMMUNES_PER):
                level, prefix, _w = rng.choice(COMMUNE)
                make(level, prefix, dist["locality_id"], prov["locality_id"])
    return rows


def read_metrics() -> tuple[bytes, list[dict]]:
    data = (ROOT / "data" / "metrics.csv").read_bytes()
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def periods(term: tuple[int, int]) -> list[tuple[str, str, str, str, str]]:
    """(start, end, period_text, basis, note) of the periods a figure of the term may cover."""
    a, b = term
    out = [(str(a + 1), str(b), f"cả nhiệm kỳ {a}–{b}", "stated", "")]
    out += [(str(y), str(y), f"năm {y}", "stated", "") for y in range(a + 1, b + 1)]
    out.append((f"{a + 3}-01", f"{a + 3}-07", f"7 tháng đầu năm {a + 3}", "stated", ""))
    out.append((f"{a + 4}-01", f"{a + 4}-06", f"6 tháng đầu năm {a + 4}", "stated", ""))
    out.append((f"{a + 1}-01", f"{a + 3}-06", "nửa đầu nhiệm kỳ", "inferred",
                f"Nửa đầu nhiệm kỳ {a}–{b}: từ 01/{a + 1} đến 06/{a + 3}."))
    return out


def amount(metric: dict, rng: random.Random) -> tuple[str, str, str, str]:
    """(value, value_high, unit as written, the figure as printed in the sentence) for one metric."""
    kind, unit = metric["kind"], metric["unit"]
    r = rng.random()
    if unit == "%":
        if kind == "share":
            if r < 0.05 and metric["metric_id"].startswith(("cells_", "members_")):
                total = rng.randint(10, 120)
                done = rng.randint(total // 2, total)
                u = "chi bộ" if metric["metric_id"].startswith("cells_") else "đảng viên"
                return f"{done}/{total}", "", u, f"{done}/{total} {u}"
            v = rng.uniform(30, 98)
            if r < 0.10:
                hi = min(100.0, v + rng.uniform(0.2, 2.0))
                lo_t, hi_t = comma(v, 2), comma(hi, 1)
                if float(hi_t.replace(",", ".")) <= float(lo_t.replace(",", ".")):
                    hi_t = lo_t
                return lo_t, hi_t, "%", f"{lo_t} – {hi_t}%"
            t = comma(v, rng.choice((0, 1, 2)))
            return t, "", "%", f"{t}%"
        if kind == "change":
            t = comma(rng.uniform(-2, 12), 1)
            t = "0" if t == "-0" else t  # -0,04 rounds to '-0', which the loader refuses (minus zero)
            return t, "", "%", f"{t}%"
        t = comma(rng.uniform(85, 180), rng.choice((0, 1)))
        return t, "", "%", f"{t}%"
    if unit == "tỷ đồng":
        v = rng.uniform(5, 2000) if kind != "change" else rng.uniform(0.5, 50)
        if r < 0.15 and v > 1:
            whole, mil = int(v), rng.randint(1, 999)
            t = f"{whole} tỷ {mil} triệu"
            return t, "", "đồng", f"{t} đồng"
        if r < 0.25:
            t = str(int(v * 1000))
            return t, "", "triệu đồng", f"{t} triệu đồng"
        t = comma(v, rng.choice((1, 2)))
        return t, "", "tỷ đồng", f"{t} tỷ đồng"
    if unit == "triệu đồng/người/năm":
        t = comma(rng.uniform(30, 150), 1)
        return t, "", unit, f"{t} {unit}"
    if unit == "ha":
        if r < 0.2:
            t = str(rng.randint(500, 90000))
            return t, "", "m2", f"{t} m2"
        t = comma(rng.uniform(0.5, 300), 1)
        return t, "", "ha", f"{t} ha"
    # counts
    u = rng.choice(COUNT_SYNONYMS.get(unit, [unit]))
    v = rng.randint(2, 5000)
    if kind == "flow" and r < 0.04 and unit == "người":
        y = rng.randint(20, 900)
        return str(y), "", "người/năm", f"{y} người/năm"
    if v >= 1000 and r < 0.15:
        v = v * 1000 + rng.randint(0, 999)
        t = f"{v:,}".replace(",", ".")  # 2.345.678: two groups, read without doubt
        return t, "", u, f"{t} {u}"
    return str(v), "", u, f"{v} {u}"


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def article(i: int, loc: dict, term: tuple[int, int], metrics: list[dict], rng: random.Random, n_figures: int,
            text_scale: float, level_word: dict) -> tuple[dict, list[dict], str]:
    """One article: its articles.csv row, its annotation rows and its text."""
    a, b = term
    where = f"{level_word[loc['level']]} {loc['name']}"
    aid = f"a{i:05d}-{loc['locality_id']}"[:80].rstrip("-")
    digest = hashlib.sha1(aid.encode()).hexdigest()[:16]
    text_file = f"{i:05d}_{digest}.txt"
    targets_only = a == 2025
    if b <= 2025:
        m, d = rng.randint(1, 12), rng.randint(1, 28)
        published = rng.choice([f"{b}-{m:02d}-{d:02d}"] * 18 + [f"{b}-{m:02d}", str(b)])
    else:
        published = "2025-10-15"
    title = (f"Đảng bộ {where} quyết tâm thực hiện thắng lợi nghị quyết nhiệm kỳ {a}–{b}" if targets_only else
             f"{where[0].upper() + where[1:]}: kết quả thực hiện nghị quyết nhiệm kỳ {a}–{b}")
    pool = periods(term)
    chosen: list[tuple[dict, tuple]] = []
    per_metric = 2
    ms = rng.sample(metrics, min(len(metrics), -(-n_figures // per_metric)))
    for metric in ms:
        for p in rng.sample(pool, per_metric):
            chosen.append((metric, p))
    chosen = chosen[:n_figures]
    rows, sentences = [], []
    for metric, (start, end, ptext, basis, pnote) in chosen:
        value, high, unit, printed = amount(metric, rng)
        q = rng.choices(QUALIFIERS, weights=[w for *_, w in QUALIFIERS])[0]
        ftype = "target" if targets_only or rng.random() < 0.2 else "result"
        reference, owner, ref_phrase = "", "", ""
        if metric["kind"] == "pct_of_plan":
            reference, owner, ref_phrase = rng.choice([("plan", "", " kế hoạch"),
                                                       ("quota", "higher", " chỉ tiêu cấp trên giao"),
                                                       ("estimate", "city", " dự toán thành phố giao")])
        elif ftype == "target" and rng.random() < 0.5:
            reference = "congress_target"
        flag, note = "", pnote
        if rng.random() < 0.005:
            flag = rng.choice(["doubtful_print", "ambiguous_wording"])
            note = (note + " " if note else "") + "Bản in có thể sai; giữ nguyên như bài báo in."
        verb = "phấn đấu đạt" if ftype == "target" else "đạt"
        label = metric["label_vi"][0].lower() + metric["label_vi"][1:]
        evidence = f"{label} của {where} {verb} {q[1]}{printed}{ref_phrase}"
        sentences.append(f"{ptext[0].upper() + ptext[1:]}, {evidence}.")
        rows.append({"locality_id": loc["locality_id"], "metric_id": metric["metric_id"], "figure_type": ftype,
                     "value": value, "value_high": high, "qualifier": q[0], "unit": unit, "period_start": start,
                     "period_end": end, "period_basis": basis, "period_text": ptext, "reference": reference,
                     "reference_owner": owner, "reference_period": "", "evidence": evidence, "flag": flag,
                     "annotator": rng.choice(["bench-a", "bench-b"]), "note": note})
    # The text: headline, dateline, then paragraphs of figure sentences among prose. Some spaces are
    # no-break spaces and some sentences wrap, as in pasted articles; the evidence check folds both.
    paras, filler_per_para = [], max(1, round(3 * text_scale))
    for k in range(0, len(sentences), 5):
        part = [s.replace(" đạt ", " đạt\u00a0", 1) if rng.random() < 0.1 else s for s in sentences[k:k + 5]]
        part = [s.replace(" của ", "\ncủa ", 1) if rng.random() < 0.05 else s for s in part]
        prose = [rng.choice(FILLER) for _ in range(filler_per_para)]
        paras.append(" ".join(prose[: len(prose) // 2] + part + prose[len(prose) // 2:]))
    text = f"{title}\n\n{published}\n\n" + "\n\n".join(paras) + "\n"
    art = {"article_id": aid, "title": title, "publisher": rng.choice(["Báo Thử", "Cổng TTĐT Thử", ""]), "url": "",
           "published": published, "text_file": text_file, "notes": "synthetic benchmark article"}
    return art, rows, text


def generate(out: Path, n_articles: int, *, seed: int = 1, n_figures: int = 50, text_scale: float = 1.0) -> dict:
    """Write the corpus under `out` (replacing data/ and texts/ there); returns counts and sizes."""
    rng = random.Random(seed)
    out = Path(out)
    data, texts = out / "data", out / "texts"
    for d in (data, texts):
        if d.exists():
            shutil.rmtree(d)
    (data / "annotations").mkdir(parents=True)
    texts.mkdir(parents=True)
    locs = localities(rng)
    metrics_bytes, metrics = read_metrics()
    level_word = {lv: w for group in (PROVINCIAL, DISTRICT, COMMUNE) for lv, _p, w in group}
    district_levels = {lv for lv, *_ in DISTRICT}
    # Every (locality, term) pair once, district-level units not after 2025 (they ended on 2025-06-30).
    slots = [(li, t) for li, loc in enumerate(locs) for t in range(len(TERMS))
             if not (loc["level"] in district_levels and TERMS[t][0] == 2025)]
    if n_articles > len(slots):
        raise SystemExit(f"at most {len(slots)} articles (one per locality and term)")
    rng.shuffle(slots)
    arts, n_rows, ann_bytes, text_bytes = [], 0, 0, 0
    for i, (li, t) in enumerate(slots[:n_articles], start=1):
        art, rows, text = article(i, locs[li], TERMS[t], metrics, random.Random(f"{seed}-{i}"), n_figures,
                                  text_scale, level_word)
        arts.append(art)
        path = data / "annotations" / f"{art['article_id']}.csv"
        write_csv(path, rows, ANNOTATIONS.columns)
        raw = text.encode("utf-8")
        (texts / art["text_file"]).write_bytes(raw)
        n_rows += len(rows)
        ann_bytes += path.stat().st_size
        text_bytes += len(raw)
    write_csv(data / "articles.csv", arts, ARTICLES.columns)
    write_csv(data / "localities.csv", locs, LOCALITIES.columns)
    (data / "metrics.csv").write_bytes(metrics_bytes)
    assert METRICS.columns == list(metrics[0])
    return {"articles": n_articles, "figures": n_rows, "localities": len(locs), "metrics": len(metrics),
            "annotation_bytes": ann_bytes, "text_bytes": text_bytes, "data_dir": str(data), "texts_dir": str(texts)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", help="folder that receives data/ and texts/ (replaced if present)")
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--figures", type=int, default=50, help="figures per article (default 50)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--text-scale", type=float, default=1.0, help="prose padding of each text (default 1)")
    args = p.parse_args(argv)
    info = generate(Path(args.out), args.articles, seed=args.seed, n_figures=args.figures, text_scale=args.text_scale)
    print(info)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
