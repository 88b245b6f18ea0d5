"""Every figure a Vietnamese article mentions, with its sentence: the annotator's checklist.

The finder reads the article the way a careful reader does. Numbers are in Vietnamese notation
(`7.210` is seven thousand, `9,77` and `361,503` are decimals), so digits are read with
`parse_number(decimal=',')`; word multipliers (`73 nghìn`, `11 tỷ 708 triệu đồng`), fractions
(`12/12`, `04/06`), ranges (`93,15 – 93,9%`, `từ 86,48% đến 91,89%`), rates (`15%/năm`) and
multiples (`gấp 3,5 lần`) are read whole. Numbers that are not figures are told apart and
given a `kind` (see KINDS): dates and times, years and durations that frame a figure,
document numbers (`21-KL/TW`, `Kết luận số 01`), congress numbers, numbers inside names
(`phường Đông Hải 2`, `COVID-19`, `mức độ 1`), map scales and page furniture.

Each figure gets a suggested unit, the qualifier printed before it (gần, hơn, trên, khoảng,
đạt, vượt, bình quân, …) and the period words nearest to it in its sentence. Offsets
(`start`, `end`) refer to the NFC text, the form `helpers.texts.read_text` returns.

When is a mention *annotated*? Each annotation row of the article is located in the text by
its evidence excerpt (compared folded, as the evidence check does). A figure mention inside a
located excerpt is annotated by that row when its value equals the row's value; when no figure
inside the excerpt has the row's value (the annotator wrote it in another form), every figure
inside the excerpt counts. A row whose excerpt is not in the text falls back to its value: every
figure mention with that value counts. Figures written in words (`không có hộ nghèo`, `hai năm`)
are not found: the finder reads digits, so the annotator still reads the text.
"""
from __future__ import annotations

import bisect
import contextvars
import math
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .numbers import MULTIPLIER_WORDS, SPACES, NumberError, parse_amount, parse_number
from .schema import PRINTED_QUALIFIERS, QUALIFIER_WORDS
from .texts import fold
from .units import UnitError, Units, parse_unit, project_units

KINDS = {
    "figure": "a quantity a reader would annotate",
    "date": "a day, a day and month, a month of a year or a weekday (25/10/2021, 27/7, tháng 5/2016, thứ 2)",
    "time": "a clock time (08:18)",
    "year": "a year or a span of years framing a figure (năm 2021, nhiệm kỳ 2015 - 2020)",
    "duration": "a length of time or an age framing a figure (7 tháng, hơn 2 năm qua, tuổi 17)",
    "document_number": "the number of a document or of a part of one (21-KL/TW, 1669/NQ-UBTVQH15, Kết luận số 01, Điều 30)",
    "congress_number": "which congress, term or plenum (Đại hội lần thứ 13, Hội nghị Trung ương 4, khóa 15)",
    "ordinal": "a rank or list number that is not a figure (lần thứ 2, '1.' opening a line)",
    "name": "a number inside a name, code, grade or slogan (phường Đông Hải 2, COVID-19, mức độ 1, '4 tại chỗ')",
    "scale": "a map scale (tỷ lệ 1/2000)",
    "page": "page furniture rather than prose: photo codes, view counters, poll counts",
}

# Qualifiers printed before a figure, longest first (schema.PRINTED_QUALIFIERS); the scaffold turns the
# proper ones into codes.
QUALIFIERS = tuple(PRINTED_QUALIFIERS)
# Nouns the finder suggests as units besides the count nouns of the units table (data/units.csv):
# a suggestion only; the annotator picks a unit the codebook accepts.
EXTRA_NOUNS = {
    "cán bộ", "hội viên", "đoàn viên", "học sinh", "sinh viên", "giáo viên", "bệnh nhân", "thẻ", "suất", "suất quà",
    "phần quà", "xã", "phường", "thị trấn", "huyện", "doanh nghiệp", "hợp tác xã", "hồ sơ", "giấy chứng nhận",
    "căn hộ", "ngôi nhà", "nhà", "lớp", "cuộc", "đợt", "chương trình", "nghị quyết", "kế hoạch", "tập thể", "cá nhân",
    "tấn", "km", "m", "lít", "con", "cây", "nhóm nhiệm vụ", "loại văn bản", "đối tượng", "ca", "gia đình", "cháu",
    "thủ tục", "tin", "bài", "phiên", "lao động", "người dân",
}
PER_SUFFIXES = ("/người/năm", "/người/tháng", "/người", "/năm", "/tháng", "/ngày")
TIME_WORDS = ("năm", "tháng", "ngày", "tuần", "quý", "giờ", "phút", "tuổi")
DOC_WORDS = ("kết luận", "nghị quyết", "chỉ thị", "quyết định", "chương trình", "kế hoạch", "hướng dẫn", "thông tư",
             "nghị định", "công văn", "thông báo", "quy định", "đề án", "luật", "pháp lệnh", "tờ trình", "báo cáo",
             "quy chế", "văn bản")


@dataclass(frozen=True)
class UnitWords:
    """The unit words the finder looks for after a figure, from a units table: (as printed in lower case,
    as the table writes it), longest first. Money takes per-suffixes (`triệu đồng/người/năm`)."""

    money: tuple[tuple[str, str], ...]
    area: tuple[tuple[str, str], ...]
    multiple: tuple[tuple[str, str], ...]
    nouns: tuple[tuple[str, str], ...]


_WORDS: dict[int, tuple[Units, UnitWords]] = {}


def unit_words(units: Units | None = None) -> UnitWords:
    """The finder's unit words from `units` (default: the project's data/units.csv), worked out once per table."""
    units = units if units is not None else project_units()
    known = _WORDS.get(id(units))
    if known is not None and known[0] is units:
        return known[1]

    def pairs(words):
        return tuple(sorted(((w.lower(), w) for w in dict.fromkeys(words)), key=lambda p: len(p[0]), reverse=True))

    words = UnitWords(pairs(units.words("money", "US dollars")), pairs(units.words("area")),
                      pairs(units.words("multiple")), pairs([*units.words("count"), *sorted(EXTRA_NOUNS)]))
    if len(_WORDS) > 8:
        _WORDS.clear()
    _WORDS[id(units)] = (units, words)
    return words


@dataclass(frozen=True)
class Mention:
    """A number printed in the article; `kind` says whether it is a figure (see KINDS)."""

    text: str
    value: float | None
    value_high: float | None
    unit: str
    qualifier: str
    kind: str
    sentence: str
    start: int
    end: int
    annotated: bool | None = None
    out_of: float | None = None
    period: str = ""
    sentence_offset: int = 0  # where the mention starts in `sentence`

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Sentences and clauses

_ABBREVIATIONS = ("TP", "Tp", "TS", "ThS", "PGS", "GS", "BS", "Th", "St")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries: line breaks, and . ! ? … before a capital (not after TP., ThS., …)."""
    spans, start = [], 0
    for m in re.finditer(r"\n+|[.!?…]+(?=[\s”\"')\]]*(?:\s|$))", text):
        end = m.end()
        if m.group(0)[0] != "\n":
            nxt = text[end:end + 4].lstrip(" \t\"”')]")
            word = re.search(r"(\w+)\s*$", text[start:m.start()])
            if nxt and not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "“\"("):
                continue
            if word and word.group(1) in _ABBREVIATIONS:
                continue
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def enclosing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The span (sentence) holding position `pos`."""
    i = max(bisect.bisect_right(spans, pos, key=lambda span: span[0]) - 1, 0)  # no list per call: linear overall
    return spans[i] if spans else (0, 0)


def clause_span(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The part of the sentence between semicolons that holds [start, end)."""
    s, e = sentence
    left = text.rfind(";", s, start)
    right = text.find(";", end, e)
    return (left + 1 if left >= 0 else s), (right if right >= 0 else e)


# ---------------------------------------------------------------------------------------------
# Numbers that are not figures, found by their context (earlier rules win)

_Y = r"(?:19|20)\d{2}"
_NOT_MORE = r"(?!\d|[.,/]\d|\s*%)"  # the number ends here: not a decimal, fraction or per cent
_UP = "A-ZĐÀ-Ỹ"


@dataclass(frozen=True)
class _Rule:
    """A number (group 1 of `pattern`) whose context says what kind it is; `needs` must occur in it."""

    pattern: re.Pattern
    kind: str
    needs: str = ""


def _rule(pattern: str, kind: str, needs: str = "") -> _Rule:
    return _Rule(re.compile(pattern), kind, needs)


_CONTEXT_RULES: list[_Rule] = [
    # page furniture: a line of bare digits (photo codes), view counters, poll counts
    _rule(r"(?m)^[ \t]*(\d[\d \t]*\d|\d)[ \t]*$", "page"),
    _rule(r"(?i)lượt (?:xem|đọc|truy cập)\s*:?\s*(\d[\d.,]*)", "page"),
    _rule(r"(?i)(\d[\d.,]*)\s+(?:người|lượt)\s+(?:đã\s+)?(?:tham gia\s+)?bình chọn", "page"),
    _rule(r"(?i)bình luận\s*\((\d+)\)", "page"),
    # document numbers: 21-KL/TW, 1669/NQ-UBTVQH15, 202/2025/QH15, 02 –CTr/QU
    _rule(rf"(?<![\w/])(\d+(?:/{_Y})?\s?[-–/]\s?[{_UP}][A-Za-zĐđ0-9]*(?:\s?[-/]\s?[{_UP}0-9][A-Za-zĐđ0-9]*)*)",
          "document_number", needs="/"),
    # clock times: 08:18, 15h30
    _rule(r"(?<![\d:])(\d{1,2}:\d{2}(?::\d{2})?)(?![\d:])", "time"),
    _rule(r"(?<!\w)(\d{1,2}h\d{2})(?!\w)", "time"),
    # map scales: tỷ lệ 1/2000
    _rule(r"(?i)tỷ lệ\s+(1/\d{3,})", "scale"),
    # dates: 25/10/2021, 25-10-2021, 22-5-2024; month and year: 5/2016
    _rule(rf"(?<![\d/.\-])((?:[012]?\d|3[01])([/.\-])(?:0?\d|1[012])\2{_Y})(?![\d/])", "date"),
    _rule(rf"(?<![\d/.\-])((?:0?[1-9]|1[012])/{_Y})(?![\d/])", "date"),
    _rule(rf"(?<=[IVX]/)({_Y})(?!\d)", "year"),
    # names with a code: COVID-19, KA-2016
    _rule(r"(?<![\w-])([A-Za-zĐđ]+-\d+)(?![\d/])", "name"),
    # document references without a suffix: Kết luận số 01, Nghị quyết 35, Điều 30
    _rule(rf"(?i:{'|'.join(DOC_WORDS)})(?:\s+(?:hành động|liên tịch|chuyên đề|công tác))?\s+số\s+(\d+)(?![\d/])",
          "document_number"),
    _rule(rf"(?:Kết luận|Nghị quyết|Chỉ thị|Quyết định|Nghị định|Thông tư|Quy định)\s+(\d+){_NOT_MORE}",
          "document_number"),
    _rule(rf"(?:Điều|Khoản|Chương|Mục)\s+(\d+){_NOT_MORE}", "document_number"),
    # congresses and plenums: Đại hội ... lần thứ 13, Đại hội 13, khóa 15, Trung ương 4, 5, 6
    _rule(r"(?i)đại hội[^.;:()]{0,80}?lần thứ\s+(\d+)", "congress_number"),
    _rule(rf"(?i)đại hội\s+(\d+){_NOT_MORE}", "congress_number"),
    _rule(rf"(?i)kh[oó]a\s+(\d+){_NOT_MORE}", "congress_number"),
    _rule(rf"(?i)trung ương\s+(\d+(?:\s*,\s*\d+)*){_NOT_MORE}", "congress_number"),
    _rule(r"(?i)lần thứ\s+(\d+)", "ordinal"),
    _rule(r"(?m)^[ \t]*(\d{1,2})[.)][ \t]", "ordinal"),
    # a span of days in one month: 'các ngày 10 - 12/8', 'từ ngày 10 đến 12/8/2025'
    _rule(r"(?i)(?:ngày|hôm)\s+(\d{1,2}\s*(?:[-–]|đến)\s*\d{1,2}/\d{1,2}(?:/(?:19|20)\d{2})?)(?![\d/])", "date"),
    # a numbered unit's name, capitalised: 'Quân khu 3', 'Sư đoàn 312', 'Vùng 1 Hải quân', 'Khu phố 4'
    _rule(r"(?:Quân khu|Quân đoàn|Sư đoàn|Lữ đoàn|Trung đoàn|Tiểu đoàn|Binh đoàn|Vùng|Khu phố|Tổ dân phố|Tổ|Khối"
          r"|Ấp|Thôn|Xóm|Đội|Cụm|Khu)\s+(\d+)(?![\d.,/%])", "name"),
    # weekdays: sáng thứ 2, thứ 7 hàng tuần
    _rule(r"(?i)(?:sáng|chiều|tối|trưa|ngày|vào|các|mỗi)\s+thứ\s+([2-7])(?!\d)", "date"),
    _rule(r"(?i)thứ\s+([2-7])\s+(?:hàng |hằng )?tuần", "date"),
    # months and days named by a number: tháng 5, ngày 15
    _rule(rf"(?i)tháng\s+(0?[1-9]|1[012]){_NOT_MORE}", "date"),
    # grades, slogans and numbered places: mức độ 1, đô thị loại 1, '4 tại chỗ', tổ dân phố số 5, quốc lộ 5
    _rule(rf"(?i)(?:mức độ|cấp độ|loại|hạng|bậc)\s+(\d+){_NOT_MORE}", "name"),
    _rule(r"(?i)(\d+)\s+tại chỗ", "name"),
    _rule(r"[“\"](\d+)\s+[^\d“”\"]{1,20}[”\"]", "name"),
    _rule(r"(?i)(?:quốc lộ|tỉnh lộ|đường tỉnh|đường số|số nhà|tổ dân phố số|khu phố số|tổ số|ngõ|ngách|hẻm|kiệt)"
          r"\s+(\d+)", "name"),
    # ages: tuổi 17, 60 tuổi
    _rule(r"(?i)tuổi\s+(\d+)", "duration"),
]

_NUM = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_MULT = re.compile(rf"\s*({MULTIPLIER_WORDS})\b")
_CHAIN = re.compile(rf"\s+\d+(?:[.,]\d+)?\s*(?:{MULTIPLIER_WORDS})\b")
_RANGE = re.compile(r"\s*(?:–|—|-|đến|tới)\s*(?=\d)")
_PERCENT = re.compile(r"\s?%")
_YEARS = re.compile(rf"{_Y}(?:,{_Y})+")
_TIME_AFTER = re.compile(rf"\s*(?:{'|'.join(TIME_WORDS)})\b", re.I)
_COMMON_CAPITALS = {"Đảng", "Bác", "Nhà", "Tết"}


# The header a stored article text may open with: 'key: value' lines (title, url, published, publisher),
# then a blank line.
_HEADER = re.compile(r"(?:[ \t]*(?:title|url|published|publisher|source|author|date|language)[ \t]*:[^\n]*\n)+", re.IGNORECASE)


# The decimal mark of the page being read: ',' in Vietnamese, '.' on an English page.
_DECIMAL = contextvars.ContextVar("decimal", default=",")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_EN_RULES: list[_Rule] = [
    _rule(rf"(?:{_MONTHS})\s+(\d{{1,2}})(?!\d)", "date"),
    _rule(rf"(?<!\d)(\d{{1,2}})\s+(?:{_MONTHS})", "date"),
]


def find_mentions(text: str, units: Units | None = None, language: str = "vi") -> list[Mention]:
    """Every number printed in `text` (NFC), as mentions in reading order; units are suggested from the
    units table `units` (default: the project's data/units.csv); `language` 'en' reads an English page:
    99.91 and 245,000, English unit words and qualifiers (data/cues.csv), month names."""
    token = _DECIMAL.set("." if language == "en" else ",")
    try:
        found = _find(text, language, units)
    finally:
        _DECIMAL.reset(token)
    return found


class _Taken:
    """The spans already read, sorted by start: whether a span is free looks only at the spans that
    could overlap it (those starting less than the longest span before its end), not at every one, so
    finding the figures of an article is about linear in its length."""

    def __init__(self):
        self.spans: list[tuple[int, int]] = []
        self.longest = 0

    def append(self, span: tuple[int, int]) -> None:
        bisect.insort(self.spans, span)
        self.longest = max(self.longest, span[1] - span[0])

    def free(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.spans, (e,))  # spans starting before e
        while i > 0:
            i -= 1
            ts, te = self.spans[i]
            if ts < s - self.longest:
                break
            if s < te and ts < e:
                return False
        return True


def _find(text: str, language: str, units: Units | None = None) -> list[Mention]:
    words = unit_words(units)
    original = unicodedata.normalize("NFC", text)
    text = _plain_spaces(original)
    sentences = sentence_spans(text)
    found: list[tuple[int, int, str, dict]] = []
    taken = _Taken()
    free = taken.free

    header = _HEADER.match(text)
    if header:  # a stored page's 'title: … / url: … / published: …' lines are no part of the article
        taken.append((0, header.end()))

    for rule in (_EN_RULES if language == "en" else []) + _CONTEXT_RULES:
        for m in rule.pattern.finditer(text):
            s, e = m.span(1)
            if rule.needs in m.group(1) and free(s, e):
                found.append((s, e, rule.kind, {}))
                taken.append((s, e))
    pos = 0
    while True:
        m = _NUM.search(text, pos)
        if not m:
            break
        if not free(m.start(), m.end()):
            pos = m.end()
            continue
        for s, e, kind, info in _read_number(text, m, free, words):
            found.append((s, e, kind, info))
            taken.append((s, e))
            pos = max(pos, e)
        pos = max(pos, m.end())
    found.sort(key=lambda t: t[0])
    out = [replace(_mention(text, sentences, s, e, kind, info, words), text=original[s:e])
           for s, e, kind, info in found]
    return [_english(text, m) for m in out] if language == "en" else out


def _english(text: str, m: Mention) -> Mention:
    """An English page's unit and qualifier, from the words of data/cues.csv."""
    if m.kind != "figure":
        return m
    from .cues import Cues, load_cues

    cues = Cues(load_cues(), "en")
    unit = m.unit
    if not unit:
        after = text[m.end:m.end + 60]
        hit = cues.first("unit", after)
        if hit and len(after[:hit[1].start()].split()) <= 3 and not re.search(r"\d|[.;]", after[:hit[1].start()]):
            unit = hit[0].value
    qualifier = m.qualifier
    hit = cues.last("qualifier", text[max(0, m.start - 20):m.start])
    if hit and not text[max(0, m.start - 20):m.start][hit[1].end():].strip():
        vi_words = QUALIFIER_WORDS.get(hit[0].value, ((), ()))[0]
        qualifier = vi_words[0] if vi_words else ""
    return replace(m, unit=unit, qualifier=qualifier)


def _plain_spaces(text: str) -> str:
    """No-break and thin spaces as plain spaces (same length, so offsets still hold)."""
    for ch in SPACES:
        text = text.replace(ch, " ")
    return text


def _read_number(text: str, m: re.Match, free, words: UnitWords) -> list[tuple[int, int, str, dict]]:
    """One number token and what follows it: a fraction, range, multiplier, per cent sign."""
    s, e = m.span()
    token = m.group(0)
    if _YEARS.fullmatch(token):  # năm 2021,2022
        out, i = [], s
        for y in token.split(","):
            out.append((i, i + len(y), "year", {}))
            i += len(y) + 1
        return out
    after = text[e:e + 40]
    frac = re.match(r"/(\d+)(?![\d/])", after)
    if frac:
        return [_fraction(text, s, e + frac.end(), token, frac.group(1))]
    info: dict = {"tokens": [token]}
    end = e
    rng = _RANGE.match(text, end + (len(_PERCENT.match(text, end).group(0)) if _PERCENT.match(text, end) else 0))
    if rng:
        m2 = _NUM.match(text, rng.end())
        if m2 and free(m2.start(), m2.end()) and not re.match(r"/\d", text[m2.end():m2.end() + 2]):
            both_years = all(re.fullmatch(_Y, t) for t in (token, m2.group(0)))
            if both_years or not re.fullmatch(_Y, m2.group(0)):
                if both_years:
                    return [(s, m2.end(), "year", {})]
                info["tokens"].append(m2.group(0))
                end = m2.end()
    if len(info["tokens"]) == 1 and (mult := _MULT.match(text, end)):  # 73 nghìn, 11 tỷ 708 triệu
        end = mult.end()
        while chain := _CHAIN.match(text, end):
            end = chain.end()
        info["words"] = text[s:end]
    pct = _PERCENT.match(text, end)
    if pct:
        info["percent"] = True
        end = pct.end()
    kind = _kind_of_number(text, s, end, token, info, words)
    return [(s, end, kind, info)]


def _fraction(text: str, s: int, e: int, a: str, b: str) -> tuple[int, int, str, dict]:
    """`12/12 hộ` is a fraction; `27/7`, `ngày 11/6` and `(27/7)` are dates."""
    before = text[max(0, s - 12):s].lower()
    after = text[e:e + 3]
    if not (a.isdigit() and b.isdigit()):  # 165,300/231,300: grouped or decimal parts are no date
        return s, e, "figure", {"tokens": [a], "out_of": b}
    na, nb = int(a), int(b)
    if re.search(r"(ngày|hôm|sáng|chiều|tối|trưa|đêm)\s*$", before) or (before.endswith("(") and after.startswith(")")):
        return s, e, "date", {}
    if na > nb and 1 <= na <= 31 and 1 <= nb <= 12:
        return s, e, "date", {}
    return s, e, "figure", {"tokens": [a], "out_of": b}


def _word_before(text: str, s: int) -> tuple[str, bool]:
    """The word just before position s (one space apart), and whether it opens its sentence."""
    m = re.search(r"(\w+) $", text[max(0, s - 40):s])
    if not m:
        return "", False
    ws = s - 1 - len(m.group(1))
    prev = text[:ws].rstrip(" \t")
    initial = not prev or not (prev[-1].isalnum() or prev[-1] in ",")
    return m.group(1), initial


def _kind_of_number(text: str, s: int, e: int, token: str, info: dict, words: UnitWords) -> str:
    """Year, duration or a number inside a name; otherwise a figure."""
    word, initial = _word_before(text, s)
    if word and word[0].isupper() and not initial and word not in _COMMON_CAPITALS and len(info["tokens"]) == 1 \
            and "words" not in info and "percent" not in info:
        return "name"
    if len(info["tokens"]) == 1 and "words" not in info and "percent" not in info:
        if _TIME_AFTER.match(text, e):
            return "duration"
        if re.fullmatch(_Y, token) and not _unit_after(text, e, words) and word.lower() not in QUALIFIERS:
            return "year"
    return "figure"


# ---------------------------------------------------------------------------------------------
# Units, qualifiers and periods around a figure

def _unit_after(text: str, e: int, words: UnitWords) -> str:
    """The unit printed after a figure: money, area, lần, or a count noun (as a suggestion)."""
    rest = text[e:e + 60]
    m = re.match(r"\s?%(/năm|/tháng)?", rest)
    if m:
        return "%" + (m.group(1) or "")
    low = rest.lower()
    lead = len(low) - len(low.lstrip(" "))
    if lead > 1:
        return ""
    low = low[lead:]
    found = []  # (length of the printed words, unit)
    for word, unit in words.money:
        if re.match(re.escape(word) + r"\b", low):
            squeezed = low[len(word):].replace(" ", "")
            found.append((len(word), unit + next((p for p in PER_SUFFIXES if squeezed.startswith(p)), "")))
    for word, unit in words.area:
        if re.match(re.escape(word) + r"(?![\w²])", low):
            found.append((len(word), unit))
    for word, unit in words.multiple:
        if re.match(re.escape(word) + r"\b", low):
            found.append((len(word), unit))
    for noun, unit in words.nouns:
        if re.match(re.escape(noun) + r"\b", low):
            found.append((len(noun), unit + ("/năm" if low[len(noun):].startswith("/năm") else "")))
    return max(found, key=lambda f: f[0])[1] if found else ""


def _qualifier_before(text: str, s: int, clause_start: int) -> str:
    """The qualifier printed just before a figure (`đạt gần 53` -> gần, `đạt từ 90 – 95%` -> đạt)."""
    window = text[max(clause_start, s - 30):s]
    words = re.split(r"[\d,;:()“”\"]", window)[-1].lower().split()
    if words[-1:] == ["từ"]:  # opens a range or a change ('giảm từ 0,42% xuống 0,08%')
        words = words[:-1]
    return next((q for q in QUALIFIERS if words[-len(q.split()):] == q.split()), "")


_PERIOD = re.compile(
    rf"(?:(?:trong|sau)\s+)?(?:hơn\s+|gần\s+)?(?:\d+|một|hai|ba)\s+(?:năm|tháng)\s+(?:qua|gần đây|trở lại đây)"
    rf"|\d+\s+tháng\s+(?:đầu\s+|cuối\s+)?năm\s+{_Y}"
    rf"|quý\s+[IV]+(?:/|\s+năm\s+){_Y}"
    rf"|(?:nhiệm\s+kỳ|giai\s+đoạn|kế\s+hoạch\s+5\s+năm|5\s+năm)\s+{_Y}\s*[-–]\s*{_Y}"
    rf"|từ\s+(?:năm\s+)?{_Y}\s+đến\s+nay"
    rf"|(?:trong\s+)?năm\s+{_Y}"
    r"|nửa\s+đầu\s+nhiệm\s+kỳ|nửa\s+nhiệm\s+kỳ|giữa\s+nhiệm\s+kỳ|cả\s+nhiệm\s+kỳ|từ\s+đầu\s+nhiệm\s+kỳ\s+đến\s+nay"
    rf"|(?:trong\s+)?nhiệm\s+kỳ(?:\s+(?:qua|này))?(?!\s+(?:{_Y}|trước|thứ))"
    rf"|hằng\s+năm|hàng\s+năm|mỗi\s+năm|trong\s+năm(?!\s+{_Y})|năm\s+qua|năm\s+nay"
    r"|đến\s+nay|hiện\s+nay|hiện\s+tại|(?-i:Hiện)(?=\s)",
    re.I)


def period_near(text: str, sentence: tuple[int, int], clause: tuple[int, int], s: int, e: int) -> str:
    """The period words nearest to the figure in its sentence, preferring its own clause.

    A year printed right after a figure and its unit belongs to that figure ('lên 311 tỷ đồng năm 2016'), so it
    is not another figure's period ('6265 doanh nghiệp so với 647 doanh nghiệp năm 2004'); a figure in brackets
    right after a base year is the base's value ('so với năm 2004 (237 tỷ)')."""
    base = re.search(rf"(năm\s+{_Y})\s*\(\s*$", text[max(sentence[0], s - 20):s], re.I)
    if base:
        return fold(base.group(1))
    best, best_key = "", None
    for m in _PERIOD.finditer(text, sentence[0], sentence[1]):
        if re.search(r"(?:so với|lần|gấp|compared to|over)\s*$", text[max(0, m.start() - 14):m.start()], re.I):
            continue  # 'gấp 3,5 lần năm 2015', 'so với năm 2020': the base of a comparison, not the period
        attached = _ATTACHED.search(text[max(sentence[0], m.start() - 25):m.start()]) \
            if re.match(r"năm\s", m.group(0), re.I) else None
        if attached and m.end() <= s:
            continue  # another figure's year ('647 doanh nghiệp năm 2004, tăng gấp 9,68 lần')
        if attached and m.start() > e:
            gap = text[e:m.start()]
            if not _ATTACHED.fullmatch("0" + gap):
                continue  # the year of another figure printed between
            best, best_key = fold(m.group(0)), (False, -1, False)  # its own year, printed right after it
            continue
        if re.match(r"(?:nhiệm|giai)", m.group(0), re.I) and \
                re.search(r"đại hội[^.;]{0,80}$", text[sentence[0]:m.start()], re.I) and \
                not re.search(r"\d", text[m.end():s] if m.end() <= s else "x"):
            continue  # 'Đại hội … lần thứ I, nhiệm kỳ 2025 - 2030': the congress's name
        if m.start() < e and s < m.end():
            continue
        dist = s - m.end() if m.end() <= s else m.start() - e
        key = (not (clause[0] <= m.start() < clause[1]), dist, m.start() > s)
        if best_key is None or key < best_key:
            best, best_key = fold(m.group(0)), key
    return best


# a number followed only by words (its unit) up to a year: 'lên 311 tỷ đồng năm 2016'
_ATTACHED = re.compile(r"\d[^\W\d]*(?:[ \t/]+[^\W\d]+){0,3}[ \t]*$")

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def period_bounds(period: str) -> tuple[str, str] | None:
    """ISO period_start and period_end for printed periods that say them outright, else None.

    `năm 2021` -> 2021..2021; `7 tháng năm 2023` -> 2023-01..2023-07; `quý II/2024` -> 2024-04..2024-06;
    `nhiệm kỳ 2015 - 2020` -> 2016..2020 (a term's plan years); `giai đoạn 2021 - 2025` -> 2021..2025.
    """
    p = fold(period).lower()
    if m := re.fullmatch(r"(?:trong )?năm (\d{4})", p):
        return m.group(1), m.group(1)
    if (m := re.fullmatch(r"(\d+) tháng (?:đầu )?năm (\d{4})", p)) and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-01", f"{m.group(2)}-{int(m.group(1)):02d}"
    if m := re.fullmatch(r"quý (i|ii|iii|iv)(?:/| năm )(\d{4})", p):
        q = _ROMAN[m.group(1).upper()]
        return f"{m.group(2)}-{3 * q - 2:02d}", f"{m.group(2)}-{3 * q:02d}"
    if (m := re.fullmatch(r"nhiệm kỳ (\d{4}) ?[-–] ?(\d{4})", p)) and int(m.group(2)) - int(m.group(1)) == 5:
        return str(int(m.group(1)) + 1), m.group(2)
    if m := re.fullmatch(r"(?:giai đoạn|kế hoạch 5 năm|5 năm) (\d{4}) ?[-–] ?(\d{4})", p):
        y1, y2 = int(m.group(1)), int(m.group(2))
        if y2 - y1 == 5 and y1 % 5 == 0:  # 'giai đoạn 2020 - 2025' spans a congress term: its plan years
            return str(y1 + 1), m.group(2)
        return m.group(1), m.group(2)
    return None


# ---------------------------------------------------------------------------------------------
# Building a mention

def _read(token: str) -> float | None:
    try:
        return parse_number(token, decimal=_DECIMAL.get())
    except NumberError:
        return None


def _mention(text: str, sentences, s: int, e: int, kind: str, info: dict, words: UnitWords) -> Mention:
    sent = enclosing(sentences, s)
    sentence = fold(text[sent[0]:sent[1]])
    prefix = text[sent[0]:s]
    offset = len(fold(prefix)) + (1 if fold(prefix) and prefix[-1:].isspace() else 0)
    if kind != "figure":
        return Mention(text[s:e], None, None, "", "", kind, sentence, s, e, sentence_offset=offset)
    clause = clause_span(text, sent, s, e)
    tokens = info.get("tokens", [])
    value = _read(tokens[0]) if tokens else None
    high = _read(tokens[1]) if len(tokens) > 1 else None
    out_of = _read(info["out_of"]) if "out_of" in info else None
    unit = _unit_after(text, e, words)
    if "percent" in info:
        rate = re.match(r"/(năm|tháng)", text[e:e + 6])
        unit = "%" + (f"/{rate.group(1)}" if rate else "")
    if "words" in info:
        value = _words_value(info["words"])
        if re.fullmatch(rf"\S+\s*(?:{MULTIPLIER_WORDS})", info["words"]) and unit.startswith("đồng"):
            mult = re.search(rf"({MULTIPLIER_WORDS})$", info["words"]).group(1)
            value, unit = _read(tokens[0]), f"{mult} {unit}"
    qualifier = _qualifier_before(text, s, clause[0])
    period = period_near(text, sent, clause, s, e)
    return Mention(text[s:e], value, high, unit, qualifier, kind, sentence, s, e, None, out_of, period, offset)


def _words_value(words: str) -> float | None:
    """`11 tỷ 708 triệu` -> 11 708 000 000 (read with the decimal comma of prose)."""
    try:
        return parse_amount(words, decimal=_DECIMAL.get()).value
    except NumberError:
        return None


# ---------------------------------------------------------------------------------------------
# Annotated or not, and coverage

def fold_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, its offset in the NFC text."""
    text = unicodedata.normalize("NFC", text)
    out, index, pending = [], [], None
    for i, ch in enumerate(text):
        if ch.isspace() or ch in "\u00a0\u202f":
            if out and pending is None:
                pending = i
            continue
        if pending is not None:
            out.append(" ")
            index.append(pending)
            pending = None
        out.append(ch)
        index.append(i)
    return "".join(out), index


def folded_span(index: list[int], s: int, e: int) -> tuple[int, int]:
    """A span of the NFC text as a span of its folded form (index from fold_map)."""
    return bisect.bisect_left(index, s), bisect.bisect_left(index, e)


def _base(value: float | None, unit: str, units: Units | None = None) -> float | None:
    """A value in its dimension's base unit (money in đồng), so `361,503 tỷ` meets `361 tỷ 503 triệu` đồng."""
    if value is None:
        return None
    try:
        return value * parse_unit(unit, units).factor if unit else value
    except UnitError:
        return value


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def row_amount(value: str, unit: str, decimal: str | None,
               units: Units | None = None) -> tuple[float, float | None, float] | None:
    """An annotation row's (value, out_of, value in base units), or None when it does not parse."""
    try:
        amount = parse_amount(value, decimal=decimal)
    except NumberError:
        return None
    return amount.value, amount.out_of, _base(amount.value, unit, units)


def value_matches(mention: Mention, amount, units: Units | None = None) -> bool:
    """True when an annotation row's amount is the figure the mention prints (either end of a range)."""
    if amount is None or mention.value is None:
        return False
    value, out_of, base = amount
    if out_of is not None or mention.out_of is not None:
        return _close(value, mention.value) and _close(out_of, mention.out_of)
    ends = [mention.value] + ([mention.value_high] if mention.value_high is not None else [])
    return any(_close(value, v) or _close(base, _base(v, mention.unit, units)) for v in ends)


def mark_annotated(mentions: list[Mention], text: str, rows, decimal: str | None = None,
                   units: Units | None = None) -> list[Mention]:
    """The mentions with `annotated` set from the article's annotation rows (see the module docstring).

    `rows` is an iterable of mappings with `value`, `unit` and `evidence`; only figures are marked.
    """
    folded, index = fold_map(text)
    figures = [(i, folded_span(index, m.start, m.end)) for i, m in enumerate(mentions) if m.kind == "figure"]
    hit: set[int] = set()
    for r in rows:
        amount = row_amount(r["value"] or "", r["unit"] or "", decimal, units)
        ev = fold(r["evidence"] or "")
        places = [p.start() for p in re.finditer(re.escape(ev), folded)] if ev else []
        if places:
            inside = [i for i, (fs, fe) in figures if any(p < fe and fs < p + len(ev) for p in places)]
            same = [i for i in inside if value_matches(mentions[i], amount, units)]
            hit.update(same or inside)
        else:
            hit.update(i for i, _ in figures if value_matches(mentions[i], amount, units))
    return [replace(m, annotated=(i in hit)) if m.kind == "figure" else replace(m, annotated=None)
            for i, m in enumerate(mentions)]


@dataclass
class Coverage:
    """How many of an article's figure mentions are annotated, and which are left."""

    article_id: str
    text_file: str
    figures: list[Mention]
    unreviewed: int = 0  # rows pre-filled by new-article whose `why` is not yet cleared: awaiting review

    @property
    def annotated(self) -> list[Mention]:
        return [m for m in self.figures if m.annotated]

    @property
    def missing(self) -> list[Mention]:
        return [m for m in self.figures if not m.annotated]

    @property
    def share(self) -> float | None:
        return len(self.annotated) / len(self.figures) if self.figures else None

    def render(self, limit: int = 5) -> str:
        """Two or more lines: the share, then the first un-annotated mentions with their context."""
        if not self.figures:
            return f"  {self.article_id}: no figure mentions found in {self.text_file}"
        head = (f"  {self.article_id}: {len(self.annotated)} of {len(self.figures)} figure mentions annotated "
                f"({self.share:.0%})")
        lines = [head + (";" if self.missing else "")]
        if self.missing:
            lines[0] += f" not annotated: {len(self.missing)}"
        if self.unreviewed:
            lines[0] += (f"; {self.unreviewed} row{'' if self.unreviewed == 1 else 's'} awaiting review "
                         "(check the suggestions, then clear why)")
        for m in self.missing[:limit]:
            lines.append(f"    - {m.text!r} at {m.start}: {context(m)}")
        if len(self.missing) > limit:
            lines.append(f"    … and {len(self.missing) - limit} more (run `python -m helpers mentions` on the text)")
        return "\n".join(lines)


def context(m: Mention, width: int = 50) -> str:
    """The mention in its sentence, cut to `width` characters either side."""
    s, i, n = m.sentence, m.sentence_offset, len(fold(m.text))
    left, right = max(0, i - width), min(len(s), i + n + width)
    return ("…" if left else "") + s[left:right] + ("…" if right < len(s) else "")


def article_mentions(text_path, data_dir=None) -> tuple[list[Mention], str | None]:
    """The mentions of one article text, marked when the data knows the article; and its article_id."""
    from .texts import read_text

    text = read_text(Path(text_path))
    if text is None:
        from .texts import unreadable_reason

        raise OSError(f"cannot read the article text {text_path}: {unreadable_reason(Path(text_path))}")
    from .units import read_units

    units = read_units(data_dir)
    mentions = find_mentions(text, units)
    from .loading import annotations_of_text

    found = annotations_of_text(Path(text_path).name, data_dir)
    if found is None:
        return mentions, None
    article_id, rows, decimal = found
    return mark_annotated(mentions, text, rows, decimal, units), article_id


def coverage_all(data_dir=None, texts=None, problems=None) -> list[Coverage]:
    """Coverage of every article of the data whose text is in `texts` (none when texts is None).

    Only rows that are complete, valid and reviewed count: a row with any error (an empty metric_id, a unit the
    codebook cannot take, an excerpt not in the text) covers nothing, and neither does a row new-article
    pre-filled until the annotator confirms it by clearing its `why` (it is counted as awaiting review), so a
    fresh scaffold shows 0%, not 100%.
    `problems` are the validation's (helpers.loading.check); without them the data is checked here."""
    from . import paths
    from .loading import annotation_tables
    from .texts import folders, read_text, safe_text_path

    if texts is None or not any(f.is_dir() for f in folders(texts)):
        return []
    from .units import read_units

    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    if problems is None:
        from .loading import check

        problems = check(data_dir, texts).problems
    refused = {(Path(p.file).name, p.row) for p in problems if p.severity == "error" and p.row is not None}
    refused_files = {Path(p.file).name for p in problems if p.severity == "error" and p.row is None}
    units = read_units(data_dir)
    out = []
    for a, ann, raw in annotation_tables(data_dir):
        path = safe_text_path(texts, a["text_file"])
        text = read_text(path) if path is not None else None
        if text is None or raw is None or not raw.readable:
            continue
        records = list(zip(raw.frame.index, raw.frame.to_dict("records")))
        unreviewed = sum(1 for _, r in records if is_unreviewed(r))
        rows = [r for row, r in records
                if ann.name not in refused_files and (ann.name, int(row)) not in refused and not is_unreviewed(r)]
        language = a.get("language") or "vi"
        marked = mark_annotated(find_mentions(text, units, language=language), text, rows,
                                raw.decimal or ("." if language == "en" else None), units)
        out.append(Coverage(a["article_id"], a["text_file"], [m for m in marked if m.kind == "figure"], unreviewed))
    return out


def is_unreviewed(row) -> bool:
    """A row new-article pre-filled and the annotator has not yet confirmed: its `why` is not empty."""
    return bool(str(row.get("why") or "").strip())


def render_coverage(items: list[Coverage], limit: int = 5) -> str:
    """The 'Coverage of figure mentions' section of the validation report."""
    lines = ["Coverage of figure mentions (share of the figures printed in each article that are annotated by a "
             "complete, valid, reviewed row):"]
    if not items:
        lines.append("  no article text with an annotation file was found")
    lines += [c.render(limit) for c in items]
    return "\n".join(lines)
