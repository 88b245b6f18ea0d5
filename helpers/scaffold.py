"""A new article in minutes: its row in articles.csv and a pre-filled annotation file.

`new_article()` runs the figure finder (helpers.mentions) on the article text and writes
`data/annotations/<article_id>.csv` with one row per figure mention, every cell suggested so that an
annotator confirms rather than types:

- metric_id: the best indicator of helpers.ranking (the codebook's labels, definitions and examples and the
  evidence of the figures already annotated), the next two in `suggested`;
- figure_type, reference and reference_owner, the period and the unit's per-year or per-head: from the
  words of reporting in data/cues.csv (phấn đấu, dự toán, đến nay, hằng năm, so với …) and the article's
  frame (a congress closes one term and sets targets for the next; a midterm review covers the first half;
  a level is dated at publication, a new unit's size at its founding);
- locality_id: the unit named before the figure in its sentence, when the gazetteer holds it (a unit it
  lacks is proposed for `add-locality` in the notes);
- `why`: the printed words behind each choice.

An English page (language detected from its diacritics) is read with English numbers and words. Without
--published the date comes only from a dateline at the very top, never from the body. Nothing of the
article text is copied except the excerpts.

Refusals (bad id, unknown locality, an article or file that already exists) raise
ScaffoldError and change nothing; an existing annotation file is never overwritten.
"""
from __future__ import annotations

import csv
import io
import getpass
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import paths
from .io import AppendRefused, append_rows, hidden_copy, read_table
from .texts import describe, safe_text_path
from .cues import Cues, load_cues
from .mentions import _PERIOD, Mention, clause_span, enclosing, find_mentions, period_bounds, sentence_spans
from .numbers import MULTIPLIER_WORDS, MULTIPLIERS, NumberError, format_number, parse_amount
from .periods import PeriodError, parse_partial_date
from .problems import FixableError
from .ranking import IndicatorRanker, dimension
from .localities import Places
from .schema import ANNOTATIONS, ARTICLES, LOCALITIES, METRICS, PRINTED_QUALIFIERS, SLUG
from .texts import fold, read_text
from .units import read_units

# Printed qualifiers that are qualifiers in the codebook's sense; đạt, vượt and bình quân are not
# (schema.NOT_QUALIFIERS), and 'từ' before a figure opens a range.
QUALIFIER_CODES = {w: code for w, code in PRINTED_QUALIFIERS.items() if code}
EXCERPT_MAX = 200


class ScaffoldError(FixableError):
    """The scaffold was refused; `fix` says what to do. Nothing was written."""


@dataclass
class Scaffold:
    article_id: str
    articles_file: Path
    annotation_file: Path
    rows: list[dict]
    notes: list[str] = field(default_factory=list)  # what was guessed or needs doing, for the user


def new_article(text_path, article_id: str, locality_id: str, *, data_dir=None, texts=None, title: str | None = None,
                publisher: str = "", url: str = "", published: str | None = None,
                annotator: str | None = None, language: str | None = None) -> Scaffold:
    """Add the article's row to articles.csv and write its pre-filled annotation file."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    text_path = Path(text_path)
    text = _article_text(text_path)
    articles_file, locs, target = _refuse_before_writing(data_dir, article_id, locality_id, published)
    notes: list[str] = []
    title, published, guessed = _title_and_date(text, title, published, notes)
    notes += _texts_folder_note(text_path, texts)
    annotator = annotator or _login()
    if language is None:
        language = text_language(text)
        if language != "vi":
            notes.append(f"the text reads as {language}: its numbers were read the English way (99.91, 245,000)")
    mentions = [m for m in find_mentions(text, read_units(data_dir), language=language) if m.kind == "figure"]
    sentences = sentence_spans(text)
    context = build_context(text, published or "", data_dir, locs.frame, language, locality_id, title)
    rows = [prefill(text, m, locality_id, annotator, sentences, context) for m in mentions]
    missing = sorted({name for name in context.places.unknown} if context.places else set())
    for name in missing:
        notes.append(f"'{name}' is named in the text but not in the gazetteer: add it with "
                     f"`python -m helpers add-locality \"{name}\"` if figures are about it")
    row = {"article_id": article_id, "title": title, "publisher": publisher, "url": url, "published": published or "",
           "text_file": text_path.name, "language": "" if language == "vi" else language,
           "notes": f"Added by new-article ({'; '.join(guessed)}): check them." if guessed else ""}
    _write_both(target, rows, articles_file, row)
    return Scaffold(article_id, articles_file, target, rows, notes)


def _article_text(text_path: Path) -> str:
    """The article's text; an unreadable or empty one refuses the scaffold before anything is written."""
    text = read_text(text_path)
    if text is None:
        from .texts import unreadable_reason

        raise ScaffoldError(f"cannot read the article text {text_path}: {unreadable_reason(text_path)}",
                            "give the path of the article saved as plain text (UTF-8)")
    if not text.strip():
        raise ScaffoldError(f"the article text {text_path} is empty",
                            "save the article's text into the file (plain text, UTF-8), then run again")
    return text


def _refuse_before_writing(data_dir: Path, article_id: str, locality_id: str, published: str | None):
    """Everything that refuses the scaffold, checked before anything is written: a bad or taken id, an unknown
    locality, an annotation file already there, a bad --published. Returns (articles.csv, the gazetteer as
    read, the annotation file to write)."""
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
    return articles_file, locs, target


def _title_and_date(text: str, title: str | None, published: str | None,
                    notes: list[str]) -> tuple[str, str | None, list[str]]:
    """The title (else the text's first line) and publication date (else only a dateline at the top: a date in
    the body is a founding or a meeting, not the publication); what was guessed, and notes to check it."""
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
            notes.append("no dateline at the top of the text: fill 'published' in articles.csv (validate requires "
                         "it); a date in the body (a founding, a resolution, a meeting) is not the publication date, "
                         "so periods dated 'now' were left empty")
    return title, published, guessed


def _texts_folder_note(text_path: Path, texts) -> list[str]:
    """A note when the text is not (the same bytes) in the texts folder, where validate looks for evidence."""
    texts_dir = describe(texts if texts is not None else paths.texts_dir())
    in_texts = safe_text_path(texts if texts is not None else paths.texts_dir(), text_path.name)
    if in_texts is None or not in_texts.is_file() or in_texts.read_bytes() != text_path.read_bytes():
        return [f"the text is not in the texts folder {texts_dir}: copy {text_path.name} there so that "
                f"`validate --texts {texts_dir}` can check the evidence"]
    return []


def _write_both(target: Path, rows: list[dict], articles_file: Path, row: dict) -> None:
    """The annotation file, then the article's row: both files or neither, so a refused or failed append takes
    the new annotation file back."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=ANNOTATIONS.columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    _create_whole(target, buf.getvalue().encode("utf-8-sig"))
    try:
        append_row(articles_file, row)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _create_whole(target: Path, content: bytes) -> None:
    """Create `target` holding `content`, complete or not at all, never over an existing file (even in a
    race): written to a hidden file beside it, then hard-linked to its name (which fails if it exists)."""
    import os

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = hidden_copy(target, content)
    try:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise ScaffoldError(f"{target} already exists and is never overwritten",
                                "choose another id, or delete or rename the existing file yourself") from None
        except OSError:  # a file system without hard links: create exclusively and copy
            with open(target, "xb") as f:
                f.write(content)
    finally:
        Path(tmp).unlink(missing_ok=True)


def build_context(text: str, published: str, data_dir: Path, localities, language: str = "vi",
                  locality_id: str = "", title: str = "") -> Context:
    """The article's frame, the cues of its language, the indicator ranker (codebook and annotated figures)
    and the gazetteer's names."""
    cues = Cues(load_cues(data_dir), language)
    metrics = read_table(data_dir / "metrics.csv", METRICS).frame.to_dict("records")
    annotated = []
    for path in sorted((data_dir / "annotations").glob("*.csv")):
        raw = read_table(path, ANNOTATIONS)
        if raw.readable:
            annotated += raw.frame[["metric_id", "evidence"]].to_dict("records")
    frame = article_frame(text, published, cues, title)
    frame.founded = founded_month(localities, locality_id, published)
    frame.formed = founded_month(localities, locality_id, published, ahead=True) or reorganised_month(localities, published)
    kinds = {m["metric_id"]: m["kind"] for m in metrics}
    kinds.update({"_category:" + m["metric_id"]: m["category"] for m in metrics})
    return Context(frame, cues, IndicatorRanker(metrics, annotated), kinds, Places(localities, published), language,
                   units={m["metric_id"]: m["unit"] for m in metrics})


def founded_month(localities, locality_id: str, published: str, ahead: bool = False) -> str:
    """The month a unit was formed when that is within the year before publication: a new ward's area and
    population are those of the act that formed it. With `ahead`, also a formation announced up to a year
    ahead of publication ('After the arrangement, Hai Phong city has 114 communes')."""
    rows = localities[localities["locality_id"] == locality_id]
    start = rows["valid_from"].iloc[0] if len(rows) else ""
    if not start or not published:
        return ""
    if not ahead and start[:len(published[:7])] > published[:7]:
        return ""
    gap = int(published[:4]) * 12 + int((published[5:7] or "12")) - (int(start[:4]) * 12 + int(start[5:7] or "1"))
    if gap > 12 or gap < -12:
        return ""
    return start[:7]


def reorganised_month(localities, published: str) -> str:
    """The month most units of the gazetteer formed within a year of publication began (the 2025 reorganisation:
    2025-07), for 'Sau khi sắp xếp, Hà Nội có 126 đơn vị' when the article's own unit is an older one."""
    if not published[:4].isdigit():
        return ""
    pub = int(published[:4]) * 12 + int(published[5:7] or "6")
    months = []
    for start in localities["valid_from"]:
        if isinstance(start, str) and re.match(r"\d{4}-\d{2}", start):
            if abs(int(start[:4]) * 12 + int(start[5:7]) - pub) <= 12:
                months.append(start[:7])
    return max(set(months), key=months.count) if months else ""


def text_language(text: str) -> str:
    """'vi' when the words carry Vietnamese diacritics, else 'en': a page's language decides how its numbers read."""
    letters = re.findall(r"[^\W\d_]", _HEADER.sub("", text, count=1)[:4000])
    marked = sum(1 for ch in letters if ch.lower() in "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    return "vi" if letters and marked / len(letters) > 0.03 else "en"


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
    """The publication date printed at the very top ('08:18 02/08/2023' -> 2023-08-02), and its line.

    Only a dateline counts: an ISO 'published:' header line, or one of the first lines holding little but a
    date, a time and a weekday. A date inside a sentence (a founding, a resolution, a meeting) is not the
    publication date, so the body is never searched."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:6]
    for line in lines:
        iso = re.match(r"\s*(?:published|date)\s*:\s*((?:19|20)\d{2}-\d{2}-\d{2})\b", line, re.I)
        if iso:
            try:
                return parse_partial_date(iso.group(1)).text, fold(line)
            except PeriodError:
                continue
        m = re.search(r"(?<!\d)(\d{1,2})[/-](\d{1,2})[/-]((?:19|20)\d{2})(?!\d)", line)
        if not m:
            continue
        rest = line[:m.start()] + line[m.end():]
        rest = re.sub(r"\d{1,2}[:h]\d{2}(?::\d{2})?|GMT\s*[+-]?\d+|(?i:thứ\s+\w+|chủ\s+nhật|ngày|cập nhật)|[|,\-–:()]",
                      " ", rest)
        if len(rest.split()) > 1:  # a sentence that happens to hold a date
            continue
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


@dataclass
class Frame:
    """What the article as a whole says about its figures' periods: when it was published, whether it
    reports a congress (the term just ended and the new one), a midterm review or a year's results."""

    published: str = ""  # ISO, partial allowed; '' when unknown
    kind: str = ""  # congress, midterm, resolution, year_review or ''
    term: tuple[int, int] | None = None  # the term the article looks at (2025, 2030): plan years 2026–2030
    why: str = ""
    founded: str = ""  # the month the article's unit was formed, when that is within the year before publication
    effective: str = ""  # the month a change printed in the headline takes effect ('Từ 1/1/2025, …'): 2025-01
    formed: str = ""  # the month the article's unit was formed, within a year either side of publication
    years_since: int = 0  # an anniversary ('20 năm thành lập', 'tròn 10 tuổi'): its figures span that many years
    since_dates: tuple[str, str] | None = None  # the anniversary's span when its dates are printed

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published[:4].isdigit() else None

    @property
    def month(self) -> str:
        """The publication month (or year, when only the year is known): the date of a level 'now'."""
        return self.published[:7]

    def completed_term(self) -> tuple[str, str] | None:
        """The plan years of the term a congress closes: 2021–2025 for the 2025–2030 congress."""
        if self.term is None:
            return None
        y1 = self.term[0]
        return str(y1 - 4), str(y1)

    def new_term(self) -> tuple[str, str] | None:
        return (str(self.term[0] + 1), str(self.term[1])) if self.term else None

    @property
    def reported_year(self) -> int | None:
        """The year the article reports on: the year before when it appears in the first half of a year."""
        if self.year is None:
            return None
        return self.year - 1 if len(self.published) >= 7 and int(self.published[5:7]) <= 6 else self.year

    def since_founding(self) -> tuple[str, str] | None:
        """An anniversary's span: N years to the year reported (20 năm in November 2023: 2004–2023)."""
        if not self.years_since or self.year is None or self.kind:  # a congress or a year's review frames it first
            return None
        if self.since_dates:
            return self.since_dates
        end = self.year if self.published[5:7] == "" else self.reported_year
        return str(end - self.years_since + 1), str(end)

    def plan_years(self) -> tuple[str, str] | None:
        """The plan years of the term running when the article appeared: 2016–2020 in 2019."""
        if self.term is None or self.year is None:
            return None
        y1, y2 = self.term
        if not y1 < self.year <= y2:
            return None
        return str(y1 + 1), str(y2)

    def first_half(self) -> tuple[str, str] | None:
        """The first half of the running term: 2021-01 to 2023-06 for 2020–2025."""
        if self.term is None:
            return None
        y1 = self.term[0]
        return f"{y1 + 1}-01", f"{y1 + 3}-06"


def article_frame(text: str, published: str, cues: Cues, title: str = "") -> Frame:
    """The article's kind and term, from its headline and opening lines (see data/cues.csv, field 'frame')."""
    body = _HEADER.sub("", text, count=1)
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    head = fold(" ".join(paragraphs[:3])[:1200])
    headline = fold(title or "")
    year = int(published[:4]) if published[:4].isdigit() else None
    term, why = None, ""
    for m in re.finditer(r"(?:nhiệm\s+kỳ|term)\s+((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})", head, re.I):
        y1, y2 = int(m.group(1)), int(m.group(2))
        if y2 - y1 == 5 and (year is None or abs(y1 - year) <= 1 or y1 < year < y2):
            term, why = (y1, y2), m.group(0)
            break
    title = fold(next((ln for ln in body.splitlines() if ln.strip()), ""))
    kind = ""
    for where in (headline, title, head):
        hit = cues.first("frame", where)
        if hit:
            kind, why = hit[0].value, f'{why + "; " if why else ""}"{hit[1].group(0)}"'
            break
    if term is None and year is not None:
        y1 = year - (year % 5) if year % 5 else (year - 5 if kind == "midterm" else year)
        if kind in ("midterm", "congress", "resolution") or kind == "":
            term = (y1, y1 + 5) if kind != "congress" else (year - year % 5, year - year % 5 + 5)
    if kind == "midterm" and year is not None and term and not term[0] < year <= term[1]:
        term = (year - 1 - (year - 1) % 5, year - 1 - (year - 1) % 5 + 5)
    frame = Frame(published or "", kind, term, why)
    opening = headline + " " + title + " " + fold(" ".join(paragraphs[:6])[:1600])  # the lead, past a byline
    frame.effective = effective_month(opening, year)
    frame.years_since = years_since(opening, cues)
    dates = re.search(rf"\(\s*\d{{1,2}}\s*/\s*(\d{{1,2}})\s*/\s*({YEAR})\s*[-–]\s*\d{{1,2}}\s*/\s*(\d{{1,2}})\s*/\s*({YEAR})\s*\)",
                      opening)
    if frame.years_since and dates and int(dates.group(4)) - int(dates.group(2)) == frame.years_since:
        # 'Sau 20 năm tái lập (1/9/1999 - 1/9/2019)': the full years from the founding month
        end = int(dates.group(4)) * 12 + int(dates.group(3)) - 2
        frame.since_dates = (f"{dates.group(2)}-{int(dates.group(1)):02d}", f"{end // 12}-{end % 12 + 1:02d}")
    return frame


def effective_month(opening: str, year: int | None) -> str:
    """The month a change takes effect, printed in the headline or lead: 'Từ 1/1/2025, Đà Nẵng có 47 đơn vị' or
    'from July 1, 2025' -> 2025-01, 2025-07; only a date not before publication (a change announced ahead)."""
    m = re.search(rf"(?:\b[Tt]ừ|\bfrom)\s+(?:ngày\s+)?(\d{{1,2}})\s*/\s*(\d{{1,2}})\s*/\s*({YEAR})", opening)
    if m:
        y, mo = int(m.group(3)), int(m.group(2))
    else:
        m = re.search(rf"\bfrom\s+({'|'.join(EN_MONTHS)})\s+\d{{1,2}},?\s+({YEAR})", opening, re.I)
        if not m:
            return ""
        y, mo = int(m.group(2)), EN_MONTHS[m.group(1).lower()]
    if not 1 <= mo <= 12 or (year is not None and y < year):
        return ""
    return f"{y}-{mo:02d}"


def years_since(opening: str, cues: Cues) -> int:
    """N of an anniversary in the headline or lead ('15 năm thành lập', 'Sau 20 năm tái lập', 'tròn 10 tuổi'):
    a cue of field 'since' printed right after a number of years."""
    for c, m in cues.all("since", opening):
        n = re.search(r"(\d{1,3})\s*$", opening[:m.start()])
        if n and 1 < int(n.group(1)) <= 100:
            return int(n.group(1))
    return 0


YEAR = r"(?:19|20)\d{2}"
EN_MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"))}


_HEADER = re.compile(r"(?:[ \t]*(?:title|url|published|publisher|source|author)[ \t]*:[^\n]*\n)+", re.I)
NOW_KINDS = ("level",)


@dataclass
class Context:
    """Everything a row's suggestions draw on beyond its own words: the article's frame, the cues,
    the indicator ranker and the gazetteer."""

    frame: Frame
    cues: Cues
    ranker: IndicatorRanker | None = None
    kinds: dict[str, str] = field(default_factory=dict)  # metric_id -> kind
    places: "Places | None" = None
    language: str = "vi"
    current_metric: str = ""
    units: dict[str, str] = field(default_factory=dict)  # metric_id -> canonical unit


def prefill(text: str, m: Mention, locality_id: str, annotator: str, sentences=None, context: Context | None = None) -> dict:
    """One annotation row for a figure mention, every cell suggested and the words behind each in `why`."""
    sentences = sentences if sentences is not None else sentence_spans(text)
    ctx = context or Context(Frame(), Cues(load_cues()))
    sent = enclosing(sentences, m.start)
    clause = clause_span(text, sent, m.start, m.end)
    why: list[str] = []
    before = fold(text[clause[0]:m.start])
    after = fold(text[m.end:clause[1]])
    if m.unit and m.unit[0] != "%" and after.lower().startswith(m.unit.lower()):  # '21/21 chỉ tiêu': the unit
        after = after[len(m.unit):]
    near_after = _until_next_figure(after)
    low, high = value_cells(m, "." if ctx.language == "en" else ",")
    unit = "%/năm" if m.unit == "%" and re.match(r"\s*%?\s*/\s*năm", text[m.end:m.end + 8]) else m.unit  # '11%/ năm'

    # figure type: the nearest target or result cue before the figure in its sentence, a floor after it,
    # or a resolution's list opened earlier in the sentence
    figure_type, type_why = guess_figure_type(fold(text[sent[0]:m.start]), before, near_after, ctx)
    if type_why:
        why.append(f"{figure_type}: {type_why}")

    metric_id, suggested, kind, metric_why = guess_indicator(before, near_after, unit, ctx)
    if metric_why:
        why.append(f"indicator: {metric_why}")

    unit, unit_why = per_unit(unit, kind, metric_id, before, near_after, ctx)
    if unit_why:
        why.append(f"unit: {unit_why}")

    # reference, and the base year a comparison names
    reference, owner, reference_period, ref_why = guess_reference_full(near_after, before, kind, ctx, m)
    if ref_why:
        why.append(f"reference: {ref_why}")

    # period
    start, end, basis, period_text, period_why = guess_period(text, m, sent, clause, figure_type, kind, unit, ctx)
    if period_why:
        why.append(f"period: {period_why}")
    if figure_type == "result" and _after_publication(start, period_text, ctx):
        figure_type = "target"
        why.append(f"target: a period after publication ({start})")

    qualifier = guess_qualifier(text, m)
    if qualifier:
        why.append(f'qualifier: "{m.qualifier or "trở lên"}"')
    loc, place = _named_locality(text, m, sent, locality_id, ctx)
    if place:
        why.append(f'locality: "{place}"')
    return {
        "locality_id": loc, "metric_id": metric_id,
        "figure_type": figure_type,
        "value": low, "value_high": high, "qualifier": qualifier,
        "unit": unit, "period_start": start, "period_end": end,
        "period_basis": basis, "period_text": period_text,
        "reference": reference, "reference_owner": owner, "reference_period": reference_period,
        "evidence": excerpt(text, m, sentences=sentences), "flag": "", "annotator": annotator, "note": "",
        # `why` is never empty: a cleared `why` is how the annotator says the row was reviewed
        "suggested": suggested, "why": "; ".join(why) or "no printed words decided these suggestions: check every cell",
        "metric_candidates": [metric_id] + [x for x in suggested.split("; ") if x] if metric_id else [],
    }


def _after_publication(start: str, period_text: str, ctx: Context) -> bool:
    """A period starting after the year of publication: a 'result' there is a target, unless the period words
    announce a change of unit ('sau sắp xếp'), which the article reports as done."""
    ahead = ctx.cues.first("period_change", period_text or "") is not None
    return start[:4].isdigit() and bool(ctx.frame.year) and int(start[:4]) > ctx.frame.year and not ahead


def guess_indicator(before: str, near_after: str, unit: str, ctx: Context) -> tuple[str, str, str, str]:
    """The codebook's indicator ranked first for the words around a figure, the next two, its kind, and the
    shared words that decided it ('' when nothing scored). The kind words near it ('có' a level, 'tăng' a change)
    narrow the ranking; the choice is remembered in `ctx` for the figures after it."""
    cues = ctx.cues
    kinds = {c.value for c in (cues.all("kind", before[-30:]) and [cues.last("kind", before[-30:])[0]] or [])}
    kinds |= {c.value for c, _ in cues.all("kind_after", near_after[:25])}
    if ctx.ranker is None:
        return "", "", "", ""
    ranked = ctx.ranker.rank(before, near_after, unit, kinds)
    if not ranked or ranked[0].score <= 0:
        return "", "", "", ""
    metric_id = ranked[0].metric_id
    suggested = "; ".join(r.metric_id for r in ranked[1:3] if r.score > 0)
    ctx.current_metric = metric_id
    shared = ", ".join(f'"{w}"' for w in ranked[0].why)
    return metric_id, suggested, ctx.kinds.get(metric_id, ""), f"{shared or 'unit only'} ~ {metric_id}"


def guess_qualifier(text: str, m: Mention) -> str:
    """The qualifier code of the word printed before a figure (schema.PRINTED_QUALIFIERS), or at_least for
    '… trở lên' after it; '' for none (and for 'vượt', 'đạt', 'bình quân', which are no qualifiers)."""
    qualifier = QUALIFIER_CODES.get(m.qualifier, "")
    if not qualifier and re.match(r"\s*%?\s*trở lên", text[m.end:m.end + 12]):
        qualifier = "at_least"
    return qualifier


def _named_locality(text: str, m: Mention, sent: tuple[int, int], locality_id: str,
                    ctx: Context) -> tuple[str, str]:
    """Another unit of the gazetteer named earlier in the figure's sentence, with its words; else the article's."""
    if ctx.places is not None:
        found = ctx.places.named_before(text, sent[0], m.start)
        if found and found[0] and found[0] != locality_id:
            return found[0], found[1]
    return locality_id, ""


def per_unit(unit: str, kind: str, metric_id: str, before: str, after: str, ctx: Context) -> tuple[str, str]:
    """The unit with what reporting leaves implicit: a yearly average of a flow or a growth rate is per year
    ('tăng bình quân hằng năm 12%' is 12%/năm); an income per head is per person per year."""
    canonical = ctx.units.get(metric_id, "")
    per_head = re.search(r"đầu người|/\s*người|per (?:capita|head|person)", (before[-60:] + " " + after[:30]).lower())
    if unit and canonical.endswith("/người/năm") and dimension(unit) == "money" and "/người" not in unit and per_head:
        return re.sub(r"/năm$", "", unit) + "/người/năm", f'"{canonical}" is per person per year'
    if unit and not unit.endswith("/năm") and kind in ("flow", "change"):
        hit = ctx.cues.last("period", before[-45:])
        if hit and hit[0].value == "yearly":
            return unit + "/năm", f'"{hit[1].group(0)}"'
    return unit, ""


def _until_next_figure(after: str) -> str:
    """The words after a figure up to the next number (a year aside): what they say is about this figure."""
    m = re.search(r"(?<!\d)(?!(?:19|20)\d{2}(?!\d))\d", after)
    return after[:m.start()] if m else after


def guess_figure_type(sentence_before: str, before: str, after: str, ctx: Context) -> tuple[str, str]:
    cues, year = ctx.cues, ctx.frame.year
    hits = []
    for c, mt in cues.all("figure_type", sentence_before):
        if "(" in c.pattern.pattern and year and mt.lastindex and int(mt.group(1)) <= year:
            continue  # 'đến năm 2020' in 2023 is a result's date
        hits.append((mt.start(), c.value, mt.group(0)))
    for c, mt in cues.all("target_list", sentence_before):
        hits.append((mt.start(), "target", mt.group(0)))
    if hits:
        _, value, words = max(hits)
        if value == "target":
            return "target", f'"{words}"'
    floor = cues.first("figure_type_after", after[:14])
    if floor and floor[1].start() <= 3:
        return "target", f'"{floor[1].group(0)}"'
    if ctx.frame.kind == "resolution":
        return "target", f"a resolution's targets ({ctx.frame.why})"
    return "result", ""


def guess_reference_full(after: str, before: str, kind: str, ctx: Context, m: Mention) -> tuple[str, str, str, str]:
    """reference, reference_owner, reference_period and the words behind them."""
    cues = ctx.cues
    near = after[:70]
    hit = cues.first("reference", near)
    if hit is None:  # 'so với kế hoạch 10/16 chỉ tiêu', 'vượt chỉ tiêu Đại hội 6,4%': printed just before
        hit = cues.last("reference", before[-30:])
    if hit is None:
        if kind == "change" and cues.first("period", before[-40:] + " " + near[:12]) and \
                cues.first("period", before[-40:] + " " + near[:12])[0].value == "yearly":
            return "previous_year", "", "", "a yearly growth rate is measured against the year before"
        return "", "", "", ""
    c, mt = hit
    code, period = c.value, ""
    if mt.lastindex:
        period = mt.group(1)
        year = _figure_year(m, ctx)
        code = "previous_year" if year and int(period) == year - 1 else "base_period"
    elif code == "previous_term":
        span = re.match(r"\s*((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})", near[mt.end():])
        period = f"{span.group(1)}/{span.group(2)}" if span else ""
    elif code == "base_period":
        y = re.search(r"(?:19|20)\d{2}", near[mt.end():mt.end() + 25])
        period = y.group(0) if y else ""
    owner = ""
    if code in ("plan", "estimate", "quota"):
        o = cues.first("reference_owner", near[mt.end():mt.end() + 30])
        owner = o[0].value if o else ""
    return code, owner, period, f'"{mt.group(0)}"' + (f" ({owner})" if owner else "")


def _figure_year(m: Mention, ctx: Context) -> int | None:
    b = period_bounds(m.period) if m.period else None
    if b:
        return int(b[1][:4])
    return ctx.frame.year


@dataclass
class _PeriodScene:
    """What the period rules read about one figure: the words around it, what it is, and the article's frame."""

    text: str
    m: Mention
    sent: tuple[int, int]
    clause: tuple[int, int]
    figure_type: str
    kind: str
    unit: str
    ctx: Context

    @property
    def f(self) -> Frame:
        return self.ctx.frame

    @property
    def cues(self) -> Cues:
        return self.ctx.cues

    @cached_property
    def before(self) -> str:
        """The figure's clause up to the figure."""
        return fold(self.text[self.clause[0]:self.m.start])

    @cached_property
    def sent_before(self) -> str:
        """The figure's sentence up to the figure."""
        return fold(self.text[self.sent[0]:self.m.start])

    @property
    def level(self) -> bool:
        return self.kind in ("level", "share")  # a stock or a rate, measured at a date

    @property
    def flow(self) -> bool:
        return self.kind in ("flow", "pct_of_plan", "change", "targets_met")

    @cached_property
    def found(self) -> dict[str, str]:
        """The period cues near the figure ({value: words}), a base of comparison left out, 'now' from the
        sentence's opening or the clause, and 'yearly' from a unit per year."""
        text, m, cues = self.text, self.m, self.cues
        near = self.before[-60:] + " " + fold(text[m.end:self.clause[1]])[:20]
        # a period named after 'so với' or 'gấp' is the base of a comparison ('tăng 66% so với nhiệm kỳ 2010-2015')
        for c, mt in reversed(cues.all("base", near)):
            near = near[:mt.start()] + re.sub(r"[^,;.]", " ", near[mt.start():])
            break
        found = {c.value: mt.group(0) for c, mt in reversed(cues.all("period", near))}
        opening = cues.first("period", self.sent_before[:12])
        if opening and opening[0].value == "now":  # 'Đến nay, …' opening the sentence dates all of it
            found.setdefault("now", opening[1].group(0))
        now_in_clause = cues.last("period", self.before)
        if now_in_clause and now_in_clause[0].value == "now":  # 'phường hiện có địa giới … và có diện tích 16,61 km2'
            found.setdefault("now", now_in_clause[1].group(0))
        if m.period and cues.first("period", m.period) is None and re.fullmatch(r"hiện", m.period, re.I):
            found.setdefault("now", m.period)  # 'Hiện phường có …'
        if "/năm" in self.unit and "/người/năm" not in self.unit:  # income per head per year is no yearly average
            found.setdefault("yearly", "/năm")
        return found


def guess_period(text: str, m: Mention, sent, clause, figure_type: str, kind: str, unit: str,
                 ctx: Context) -> tuple[str, str, str, str, str]:
    """period_start, period_end, period_basis, period_text and the words behind them.

    Printed period words win; then 'đến nay' (the publication month), half a term, a yearly average or
    'nhiệm kỳ' (the frame's term); then the kind of indicator: a level is dated at publication, anything
    else covers the frame (a congress's term, a midterm's first half, the year reported). The rules are
    tried in the order of _PERIOD_RULES, and the first that dates the figure wins."""
    scene = _PeriodScene(text, m, sent, clause, figure_type, kind, unit, ctx)
    for rule in _PERIOD_RULES:
        dated = rule(scene)
        if dated is not None:
            return dated
    return "", "", "", "", ""


def _printed_period(s: _PeriodScene):
    """The period printed with the figure ('năm 2020', 'nhiệm kỳ 2015-2020'), unless it cannot be the figure's:
    a result's term not yet begun, a target's year printed in another clause of a resolution's list."""
    f, m = s.f, s.m
    bounds = period_bounds(m.period) if m.period else None
    if bounds and s.figure_type == "result" and f.month and bounds[0] > f.month:
        bounds = None  # a result cannot cover a term not yet begun: 'Đại hội … nhiệm kỳ 2025 - 2030' names the congress
    if bounds and s.figure_type == "target" and m.period.lower() not in fold(s.text[s.clause[0]:s.clause[1]]).lower():
        bounds = None  # a year printed in another clause of a resolution's list dates that clause only
    if not bounds:
        return None
    end_of_year = re.search(rf"cuối\s+{re.escape(m.period)}", s.sent_before, re.I)
    if end_of_year and s.level and bounds[0] == bounds[1]:  # 'đến cuối năm 2014': a level at the year's end
        return f"{bounds[1]}-12", f"{bounds[1]}-12", "stated", end_of_year.group(0), f'"{end_of_year.group(0)}"'
    if s.level and s.figure_type == "result" and bounds[0] != bounds[1] and \
            re.match(r"(?:trong\s+)?(?:nhiệm kỳ|giai đoạn)", m.period, re.I):
        return bounds[1], bounds[1], "stated", m.period, f'"{m.period}": a level at the end of the span'
    cumulative = re.search(rf"(?:đến|tới)\s+{re.escape(m.period)}", s.sent_before, re.I)
    if cumulative and s.flow and s.figure_type == "result" and f.since_founding() and bounds[0] == bounds[1]:
        # 'Đến năm 2017 có 817 dự án được triển khai' in an anniversary: counted from the founding
        s0 = f.since_founding()[0]
        return s0, bounds[1], "inferred", cumulative.group(0), \
            f'"{cumulative.group(0)}", counted from the founding ({f.years_since} years)'
    return bounds[0], bounds[1], "stated", m.period, f'"{m.period}"'


def _since_year(s: _PeriodScene):
    """'từ năm 2020 đến nay': from that year to the publication month."""
    f = s.f
    since = re.search(rf"từ\s+(?:năm\s+)?({YEAR})\s+đến\s+nay", s.sent_before, re.I)
    if since and f.month and since.group(1) <= f.month[:4]:
        return since.group(1), f.month, "stated", since.group(0), f'"{since.group(0)}" = to the publication month'
    return None


def _run_to_date(s: _PeriodScene):
    """A date a result runs to ('tính đến tháng 11/2025', 'as of November 20, 2025'): a flow runs from January
    of that year (year to date), a level is measured then."""
    upto = run_to(s.sent_before, s.ctx.language) if s.figure_type == "result" else None
    if not upto:
        return None
    iso, words = upto
    if s.flow:
        return f"{iso[:4]}-01", iso, "stated", words, f'"{words}" = January to that month'
    return iso, iso, "stated", words, f'"{words}"'


def _english_year(s: _PeriodScene):
    """An English page's 'in 2025', 'for the year 2025' in the figure's clause."""
    if s.ctx.language != "en":
        return None
    in_year = re.search(rf"\b(?:in|for|during)\s+(?:the\s+year\s+)?({YEAR})\b", fold(s.text[s.clause[0]:s.clause[1]]),
                        re.I)
    if in_year:
        return in_year.group(1), in_year.group(1), "stated", in_year.group(0), f'"{in_year.group(0)}"'
    return None


def _first_months(s: _PeriodScene):
    """'6 tháng đầu năm', 'first quarter' without their year: the months of the year reported."""
    f = s.f
    first_months = re.search(r"(?:(\d{1,2})\s+tháng\s+đầu\s+năm|first\s+(half|six\s+months|quarter))(?!\s*\d)",
                             s.sent_before, re.I)
    if not (first_months and f.year):
        return None
    n = int(first_months.group(1)) if first_months.group(1) else 3 if first_months.group(2).lower() == "quarter" else 6
    y = f.year if f.month[5:7] == "" or int(f.month[5:7]) > n else f.year - 1
    if 1 <= n <= 12:
        return f"{y}-01", f"{y}-{n:02d}", "inferred", first_months.group(0), f'"{first_months.group(0)}" of {y}'
    return None


def _by_year(s: _PeriodScene):
    """'đến năm 2020', 'by 2030' in the clause: a level at that year (its end after 'cuối'), a flow of an
    anniversary counted from the founding, a year after publication a target's (the new term's flows)."""
    f, kind = s.f, s.kind
    target_year = re.search(r"(?:đến|tới|by)\s+(?:cuối\s+)?(?:năm\s+)?((?:19|20)\d{2})", s.before, re.I)
    if not target_year:
        return None
    y, words = target_year.group(1), target_year.group(0)
    if f.year and int(y) <= f.year and kind in ("level", "share", ""):
        if "cuối" in words:
            return f"{y}-12", f"{y}-12", "stated", words, f'"{words}"'
        return y, y, "stated", words, f'"{words}"'
    if f.year and int(y) <= f.year and s.flow and f.since_founding():
        # 'Đến năm 2017 có 817 dự án' in an anniversary: counted from the founding
        return f.since_founding()[0], y, "inferred", words, f'"{words}", counted from the founding ({f.years_since} years)'
    if f.year is None or int(y) > f.year:
        if kind in ("level", "share", "") or not f.new_term():
            return y, y, "stated", words, f'"{words}"'
        return f.new_term()[0], y, "stated", words, f'"{words}"'
    return None


def _event_date(s: _PeriodScene):
    """'Trong 2 ngày 30,31/7/2020, … cho trên 1000 đảng viên': a sentence opened by its date reports that event."""
    dated = re.match(rf"\s*(?:(?:trong\s+)?(?:\d+|hai|ba)\s+ngày|ngày|sáng|chiều|tối)\s+"
                     rf"\d{{1,2}}(?:\s*[,–-]\s*\d{{1,2}})*\s*/\s*(\d{{1,2}})\s*/\s*({YEAR})", s.sent_before, re.I)
    if dated and s.figure_type == "result" and 1 <= int(dated.group(1)) <= 12:
        iso = f"{dated.group(2)}-{int(dated.group(1)):02d}"
        return iso, iso, "stated", dated.group(0).strip(), f'"{dated.group(0).strip()}": the event\'s month'
    return None


def _now(s: _PeriodScene):
    """'đến nay', 'hiện' near a level (or in an article that is no anniversary): the publication month."""
    f, found = s.f, s.found
    if "now" in found and f.month and (s.kind in NOW_KINDS or s.level or not f.since_founding()):
        return f.month, f.month, "inferred", found["now"], f'"{found["now"]}" = the publication month'
    return None


def _size_of_unit(s: _PeriodScene):
    """The size of a unit (area, population, sub-units: cues field 'unit_size') is what a reorganisation
    changes: dated when the change took effect, when the unit was founded, or when it was formed."""
    f, text = s.f, s.text
    unit_size = is_unit_size(s.before, s.unit, s.cues)
    if s.figure_type == "result" and (s.kind in NOW_KINDS or s.level) and unit_size:
        para = text.rfind("\n", 0, s.sent[0]) + 1
        change = s.cues.last("period_change", fold(text[para:s.m.start]))  # 'Sau khi điều chỉnh, …' opens a paragraph
        when = f.effective or f.formed
        if change and when:  # 'Sau sắp xếp, phường có diện tích …': the unit as the change made it
            return when, when, "inferred", change[1].group(0), f'"{change[1].group(0)}" = when the change took effect ({when})'
        founding, words = founding_date(text, s.sent)
        if founding:  # 'Ngày 6-11-2003, … thành lập quận … với diện tích …': the unit as founded
            return founding, founding, "inferred", words, f'"{words}": the unit as founded'
    if s.kind in NOW_KINDS and s.figure_type == "result" and f.founded and unit_size:
        return f.founded, f.founded, "inferred", "", f"the size of a unit formed in {f.founded}"
    return None


def _half_term(s: _PeriodScene):
    """'nửa nhiệm kỳ', 'giữa nhiệm kỳ': the first half of the term."""
    if "half_term" in s.found and s.f.first_half():
        start, end = s.f.first_half()
        return start, end, "inferred", s.found["half_term"], f'"{s.found["half_term"]}" = the first half of the term'
    return None


def _paragraph_heading(s: _PeriodScene):
    """'Giai đoạn 2005-2010, … Thu ngân sách tăng trung bình hằng năm 21%': the period that opens the paragraph."""
    heading = paragraph_period(s.text, s.sent, s.m.start, s.f.published)
    if heading and s.figure_type == "result" and not set(s.found) - {"yearly"}:
        (s0, e0), words = heading
        return s0, e0, "inferred", words, f'"{words}" opens the paragraph'
    return None


def _frame_span(s: _PeriodScene) -> tuple[tuple[str, str] | None, str]:
    """The span the article's frame gives a figure, and what it is: a target's new term, a midterm's first
    half, a congress's closing term, an anniversary's years, the plan years of a yearly average."""
    f, found = s.f, s.found
    if s.figure_type == "target":
        return f.new_term(), "the new term"
    if f.kind == "midterm":
        return f.first_half(), "the first half of the term (a midterm review)"
    if f.kind == "congress" or "term" in found:
        return f.completed_term(), "the term the congress closes"
    if f.since_founding() and not (s.kind in NOW_KINDS or s.level):
        return f.since_founding(), f"the {f.years_since} years since the founding"
    if "yearly" in found and f.plan_years():
        return f.plan_years(), "the plan years of the running term"
    return None, ""


def _by_frame(s: _PeriodScene):
    """No words date the figure: the frame's span with the words that call for it, a level at publication (a
    midterm's levels its half term, a year's review its year's end), else the frame's span or its year."""
    f = s.f
    span, what = _frame_span(s)
    words = s.found.get("yearly") or s.found.get("term") or s.found.get("now")
    if words and span:
        return span[0], span[1], "inferred", words, f'"{words}" = {what} ({f.why or what})'
    if s.kind in NOW_KINDS and f.month and s.figure_type == "result":
        if f.kind == "midterm" and f.first_half() and not re.search(r"(?<!\w)có(?!\w)", s.before[-40:], re.I):
            # a midterm review's levels are its half term's results ('giữ vững 06 trường chuẩn'); what the unit
            # has ('Đảng bộ có 14 chi bộ') is dated at publication
            start, end = f.first_half()
            return start, end, "inferred", "", "a level in a midterm review: the first half of the term"
        if f.kind == "year_review" and f.reported_year:  # a year's review: its levels at the year's end
            y = str(f.reported_year)
            return y, y, "inferred", "", "a level in a review of the year"
        return f.month, f.month, "inferred", "", "a level, dated at publication"
    if span:
        return span[0], span[1], "inferred", "", f"{what} ({f.why or what})"
    if f.year:
        y = str(f.reported_year if f.kind == "year_review" or len(f.published) >= 7 else f.year)
        return y, y, "inferred", "", "the year the article reports on"
    return None


# The order the period rules are tried in (the first that dates a figure wins): measured against the
# annotations by `make eval-scaffold`; change it only with that evaluation.
_PERIOD_RULES = (_printed_period, _since_year, _run_to_date, _english_year, _first_months, _by_year, _event_date,
                 _now, _size_of_unit, _half_term, _paragraph_heading, _by_frame)


def paragraph_period(text: str, sent, at: int, published: str = "") -> tuple[tuple[str, str], str] | None:
    """The period that opens an earlier sentence of the figure's paragraph, the nearest first ('Giai đoạn
    2005-2010, …', 'Năm 2025, …', 'Từ năm 2021 đến nay, …'): it carries on to the sentences after it."""
    para = text.rfind("\n", 0, sent[0]) + 1
    starts = [para] + [para + m.end() for m in re.finditer(r"[.!?…]\s+", text[para:sent[0]])]
    for st in reversed(starts):
        if st >= sent[0]:
            continue
        head = re.match(r"[\s“\"]*(?:trong\s+)?", text[st:st + 60], re.I)
        m = _PERIOD.match(text, st + head.end())
        if not m:
            continue
        words = fold(m.group(0))
        since = re.fullmatch(rf"từ\s+(?:năm\s+)?({YEAR})\s+đến\s+nay", words, re.I)
        if since and published:
            return (since.group(1), published[:7]), words
        b = period_bounds(m.group(0))
        if b:
            return b, words
    return None


def is_unit_size(before: str, unit: str, cues: Cues) -> bool:
    """Whether a figure is the size of a unit (cues field 'unit_size'): its unit says so ('37 tổ dân phố', '19,15
    km2'), or a size word is printed before it since the previous figure ('dân số 65.885 người')."""
    since_last = re.split(r"\d", before[-40:])[-1]
    if any(c.value == "words" for c, _ in cues.all("unit_size", since_last)):
        return True
    base = re.sub(r"/.*$", "", unit).strip()
    return any(c.value == "unit" and mt.start() == 0 and mt.end() == len(base) for c, mt in cues.all("unit_size", base))


def run_to(sent_before: str, language: str = "vi") -> tuple[str, str] | None:
    """The month the figures of a sentence run to, as printed before the figure: 'tính đến ngày 20/11/2025',
    'đến hết tháng 9/2018', 'as of November 20, 2025' -> ('2025-11', the words)."""
    m = re.search(rf"(?:tính\s+đến|đến)\s+(?:hết\s+|cuối\s+)?(?:ngày\s+\d{{1,2}}\s*[/-]\s*|tháng\s+)(\d{{1,2}})\s*[/-]\s*({YEAR})",
                  sent_before, re.I)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}", m.group(0)
    m = re.search(rf"\bas\s+of\s+(?:the\s+end\s+of\s+)?({'|'.join(EN_MONTHS)})(?:\s+\d{{1,2}})?,?\s+({YEAR})",
                  sent_before, re.I)
    if m:
        return f"{m.group(2)}-{EN_MONTHS[m.group(1).lower()]:02d}", m.group(0)
    return None


def founding_date(text: str, sent) -> tuple[str, str]:
    """The month of a founding printed in the sentence or the one before it in its paragraph: 'Ngày 6-11-2003,
    Chính phủ ban hành Nghị định … thành lập quận Long Biên' -> 2003-11."""
    para = text.rfind("\n", 0, sent[0]) + 1
    prev = max(para, text.rfind(".", para, max(para, sent[0] - 1)) + 1)
    window = fold(text[prev:sent[1]])
    if not re.search(r"thành lập|established", window, re.I):
        return "", ""
    m = re.search(rf"(?:ngày\s+)?(\d{{1,2}})\s*[/-]\s*(\d{{1,2}})\s*[/-]\s*({YEAR})", window, re.I)
    if m and 1 <= int(m.group(2)) <= 12 and re.search(r"thành lập|established", window[m.end():], re.I):
        return f"{m.group(3)}-{int(m.group(2)):02d}", m.group(0)
    return "", ""


def value_cells(m: Mention, decimal: str = ",") -> tuple[str, str]:
    """value and value_high as the validator reads them: as printed when that is unambiguous
    (`9,77`, `12/12`, `11 tỷ 708 triệu`), else rewritten (`7.210` -> 7210, `361,503` -> 361,5030)."""
    printed = re.sub(r"\s*%$", "", fold(m.text))
    if m.out_of is not None:
        return printed, ""
    parts = re.split(r"\s*(?:–|—|-|đến|tới)\s*", printed) if m.value_high is not None else [printed]
    if m.unit.split(" ")[0] in MULTIPLIERS:  # 361,503 tỷ đồng: the multiplier is the unit's
        parts = [re.sub(rf"\s*(?:{MULTIPLIER_WORDS})$", "", p) for p in parts]
    cells = [_cell(p.rstrip("%").strip(), v, decimal) for p, v in zip(parts, (m.value, m.value_high))]
    return cells[0], cells[1] if len(cells) > 1 else ""


def _cell(printed: str, value: float | None, decimal: str = ",") -> str:
    """The cell as printed when the validator reads it back to the same value, else rewritten. An English
    page's cells are read the English way (its article row says language en), so they are written so."""
    try:
        read = parse_amount(printed, decimal=decimal if decimal == "." else None).value
        if value is not None and abs(read - value) < 1e-9 * max(1.0, abs(value)):
            return printed
    except NumberError:
        pass
    if value is None:
        return printed
    return format_number(value).replace(",", ".") if decimal == "." else format_number(value)


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
