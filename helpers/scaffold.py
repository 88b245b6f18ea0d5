"""A new article in minutes: its row in articles.csv and a pre-filled annotation file.

`new_article()` runs the figure finder (helpers.mentions) on the article text and writes
`data/annotations/<article_id>.csv` with one row per figure mention: the evidence excerpt
(verbatim, so the evidence check passes), the value as the validator reads it, the unit,
qualifier, period and reference the words around the figure suggest, and the locality given.
`metric_id` is left empty on purpose: choosing the indicator is the annotator's judgement, and
until it is filled `validate` reports the row as a 'required' error. Rows the annotator does not
want are deleted. Nothing of the article text is copied except those excerpts; the text stays
where it is and articles.csv names its file.

Refusals (bad id, unknown locality, an article or file that already exists) raise
ScaffoldError and change nothing; an existing annotation file is never overwritten.
"""
from __future__ import annotations

import csv
import getpass
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .io import AppendRefused, append_rows, read_table
from .texts import describe, safe_text_path
from .mentions import Mention, clause_span, enclosing, find_mentions, period_bounds, sentence_spans
from .numbers import NumberError, format_number, parse_amount
from .periods import PeriodError, parse_partial_date
from .schema import ANNOTATIONS, ARTICLES, LOCALITIES, SLUG
from .texts import fold, read_text
from .units import read_units

# Printed qualifiers that are qualifiers in the codebook's sense; đạt, vượt and bình quân are not.
QUALIFIER_CODES = {"gần": "nearly", "hơn": "more_than", "trên": "more_than", "khoảng": "approx", "xấp xỉ": "approx",
                   "dưới": "less_than", "chưa đến": "less_than", "ít nhất": "at_least", "tối đa": "at_most",
                   "không quá": "at_most"}
# What a figure is measured against, and who set it, from the words printed just after it.
REFERENCES = (
    (r"dự toán (?:tỉnh|của tỉnh)", "estimate", "province"),
    (r"dự toán (?:thành phố|tp)", "estimate", "city"),
    (r"chỉ tiêu (?:quận|huyện|thị xã) giao", "plan", "district"),
    (r"chỉ tiêu (?:nghị quyết )?đại hội|mục tiêu nghị quyết", "congress_target", ""),
    (r"kế hoạch|chỉ tiêu|dự toán", "plan", ""),
    (r"so với nhiệm kỳ trước", "previous_term", ""),
    (r"so với (?:cùng kỳ )?năm (?:19|20)\d{2}", "previous_year", ""),
)
EXCERPT_MAX = 200


class ScaffoldError(ValueError):
    """The scaffold was refused; `fix` says what to do. Nothing was written."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass
class Scaffold:
    article_id: str
    articles_file: Path
    annotation_file: Path
    rows: list[dict]
    notes: list[str] = field(default_factory=list)  # what was guessed or needs doing, for the user


def new_article(text_path, article_id: str, locality_id: str, *, data_dir=None, texts=None, title: str | None = None,
                publisher: str = "", url: str = "", published: str | None = None,
                annotator: str | None = None) -> Scaffold:
    """Add the article's row to articles.csv and write its pre-filled annotation file."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    text_path = Path(text_path)
    text = read_text(text_path)
    if text is None:
        raise OSError(f"cannot read the article text {text_path}")
    if not re.fullmatch(SLUG, article_id or ""):
        raise ScaffoldError(f"'{article_id}' is not a valid article id",
                            "use lower-case ASCII letters, digits and single hyphens, e.g. hai-an-term-2020-2025")
    articles_file = data_dir / "articles.csv"
    arts = _readable(articles_file, ARTICLES)
    if article_id in set(arts.frame["article_id"]):
        raise ScaffoldError(f"article '{article_id}' is already in {articles_file}",
                            "choose another id, or annotate the existing article's file")
    locs = _readable(data_dir / "localities.csv", LOCALITIES)
    if locality_id not in set(locs.frame["locality_id"]):
        raise ScaffoldError(f"locality '{locality_id}' is not in {data_dir / 'localities.csv'}",
                            "add the unit to localities.csv first (see docs/annotating.md), or check the id")
    target = data_dir / "annotations" / f"{article_id}.csv"
    if target.exists():
        raise ScaffoldError(f"{target} already exists and is never overwritten",
                            "choose another id, or delete or rename the existing file yourself")
    if published:
        try:
            parse_partial_date(published)
        except PeriodError as exc:
            raise ScaffoldError(f"--published: {exc.message}", exc.fix) from None

    notes: list[str] = []
    guessed = []
    if title is None:
        title = first_line(text)
        guessed.append("title from the text's first line")
        notes.append(f"title taken from the text's first line: {title!r}; check it")
    if published is None:
        published, line = dateline(text)
        if published:
            guessed.append(f"date from the dateline '{line}'")
            notes.append(f"published taken from the dateline '{line}': {published}; check it")
        else:
            notes.append("no dateline found: fill 'published' in articles.csv (validate requires it)")
    texts_dir = describe(texts if texts is not None else paths.texts_dir())
    in_texts = safe_text_path(texts if texts is not None else paths.texts_dir(), text_path.name)
    if in_texts is None or not in_texts.is_file() or in_texts.read_bytes() != text_path.read_bytes():
        notes.append(f"the text is not in the texts folder {texts_dir}: copy {text_path.name} there so that "
                     f"`validate --texts {texts_dir}` can check the evidence")

    annotator = annotator or _login()
    mentions = [m for m in find_mentions(text, read_units(data_dir)) if m.kind == "figure"]
    sentences = sentence_spans(text)
    rows = [prefill(text, m, locality_id, annotator, sentences) for m in mentions]
    row = {"article_id": article_id, "title": title, "publisher": publisher, "url": url, "published": published or "",
           "text_file": text_path.name,
           "notes": f"Added by new-article ({'; '.join(guessed)}): check them." if guessed else ""}
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8-sig", newline="") as f:  # "x": never overwrite, even in a race
        writer = csv.DictWriter(f, fieldnames=ANNOTATIONS.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    append_row(articles_file, row)
    return Scaffold(article_id, articles_file, target, rows, notes)


def _readable(path: Path, table):
    raw = read_table(path, table)
    if not raw.readable:
        first = raw.problems.errors[0] if raw.problems.errors else None
        raise ScaffoldError(f"{path} cannot be read" + (f": {first.message}" if first else ""),
                            first.fix if first else "run `python -m helpers validate` for the report")
    return raw


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


def first_line(text: str) -> str:
    """The headline: the first non-empty line of the text."""
    return next((fold(line) for line in text.splitlines() if line.strip()), "")


def dateline(text: str) -> tuple[str, str]:
    """The publication date printed near the top ('08:18 02/08/2023' -> 2023-08-02), and its line."""
    for line in text.splitlines()[:12]:
        m = re.search(r"(?<!\d)(\d{1,2})[/-](\d{1,2})[/-]((?:19|20)\d{2})(?!\d)", line)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            try:
                return parse_partial_date(f"{y}-{mo:02d}-{d:02d}").text, fold(line)
            except PeriodError:
                continue
    return "", ""


def append_row(path: Path, row: dict) -> None:
    """Append the article's row, leaving every existing byte as it was (helpers.io.append_rows)."""
    try:
        append_rows(path, ARTICLES, [row])
    except AppendRefused as exc:
        raise ScaffoldError(exc.message, exc.fix) from None


def prefill(text: str, m: Mention, locality_id: str, annotator: str, sentences=None) -> dict:
    """One annotation row for a figure mention, with everything but metric_id suggested."""
    sentences = sentences if sentences is not None else sentence_spans(text)
    sent = enclosing(sentences, m.start)
    clause = clause_span(text, sent, m.start, m.end)
    bounds = period_bounds(m.period) if m.period else None
    after = fold(text[m.end:clause[1]])
    if m.unit and m.unit[0] != "%" and after.lower().startswith(m.unit.lower()):  # '21/21 chỉ tiêu': the unit
        after = after[len(m.unit):]
    reference, reference_owner, reference_period = guess_reference(after)
    low, high = value_cells(m)
    before = text[clause[0]:m.start].lower()
    return {
        "locality_id": locality_id, "metric_id": "",
        "figure_type": "target" if re.search(r"phấn đấu|mục tiêu", before) else "result",
        "value": low, "value_high": high, "qualifier": QUALIFIER_CODES.get(m.qualifier, ""),
        "unit": m.unit, "period_start": bounds[0] if bounds else "", "period_end": bounds[1] if bounds else "",
        "period_basis": "stated" if bounds else "", "period_text": m.period,
        "reference": reference, "reference_owner": reference_owner, "reference_period": reference_period,
        "evidence": excerpt(text, m, sentences=sentences), "flag": "", "annotator": annotator, "note": "",
    }


def value_cells(m: Mention) -> tuple[str, str]:
    """value and value_high as the validator reads them: as printed when that is unambiguous
    (`9,77`, `12/12`, `11 tỷ 708 triệu`), else rewritten (`7.210` -> 7210, `361,503` -> 361,5030)."""
    printed = re.sub(r"\s*%$", "", fold(m.text))
    if m.out_of is not None:
        return printed, ""
    parts = re.split(r"\s*(?:–|—|-|đến|tới)\s*", printed) if m.value_high is not None else [printed]
    if m.unit.split(" ")[0] in ("nghìn", "ngàn", "triệu", "tỷ", "tỉ"):  # 361,503 tỷ đồng: the multiplier is the unit's
        parts = [re.sub(r"\s*(?:nghìn|ngàn|triệu|tỷ|tỉ)$", "", p) for p in parts]
    cells = [_cell(p.rstrip("%").strip(), v) for p, v in zip(parts, (m.value, m.value_high))]
    return cells[0], cells[1] if len(cells) > 1 else ""


def _cell(printed: str, value: float | None) -> str:
    try:
        if value is not None and abs(parse_amount(printed).value - value) < 1e-9 * max(1.0, abs(value)):
            return printed
    except NumberError:
        pass
    return format_number(value) if value is not None else printed


def guess_reference(after: str) -> tuple[str, str, str]:
    """reference, reference_owner and reference_period from the words printed after a figure, within its
    clause: 'dự toán tỉnh' is an estimate set by the province."""
    near = fold(after)[:60].lower()
    for pattern, code, owner in REFERENCES:
        m = re.search(pattern, near)
        if m and not re.search(r"\d", near[:m.start()]):  # not past the next figure
            year = re.search(r"(?:19|20)\d{2}", m.group(0)) if code == "previous_year" else None
            return code, owner, year.group(0) if year else ""
    return "", "", ""


def excerpt(text: str, m: Mention, limit: int = EXCERPT_MAX, sentences=None) -> str:
    """A short verbatim excerpt holding the figure: its clause, cut at ', ' when longer than `limit`."""
    sentences = sentences if sentences is not None else sentence_spans(text)
    s, e = clause_span(text, enclosing(sentences, m.start), m.start, m.end)
    if len(fold(text[s:e])) > limit:
        commas = list(re.finditer(r", ", text[s:e]))
        left = max([s] + [s + c.end() for c in commas if s + c.end() <= m.start])
        right = min([e] + [s + c.start() for c in commas if s + c.start() >= m.end])
        for c in reversed([s] + [s + c.end() for c in commas if s + c.end() < left]):
            if len(fold(text[c:right])) > limit:
                break
            left = c
        s, e = left, right
    return fold(text[s:e]).strip(" ,;:.")
