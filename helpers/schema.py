"""Every column and every controlled vocabulary, declared once.

The validator reads required fields, kinds and vocabularies from here; the loader takes
its dtypes from `TIDY`; `data_dictionary()` renders docs/data-dictionary.md from the same
declarations (a test keeps the file current).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .periods import TERMS

# code -> (Vietnamese label, English label); order is display order.
VOCABULARIES: dict[str, dict[str, tuple[str, str]]] = {
    "category": {
        "party_building": ("Xây dựng Đảng, hệ thống chính trị", "Party building"),
        "economy_budget": ("Kinh tế, ngân sách", "Economy and budget"),
        "culture_society": ("Văn hóa, xã hội", "Culture and society"),
        "defence_security": ("Quốc phòng, an ninh", "Defence and security"),
        "land_urban_order": ("Đất đai, trật tự đô thị", "Land and urban order"),
        "administration": ("Quy mô, hành chính", "Size and administration"),
    },
    "kind": {
        "flow": ("Lượng trong kỳ (cộng dồn)", "Flow summed over the period"),
        "level": ("Mức tại một thời điểm", "Level at a date"),
        "share": ("Tỷ lệ (0–100%)", "Share or rate (0–100%)"),
        "pct_of_plan": ("% so với kế hoạch", "Per cent of plan"),
        "change": ("Thay đổi so với kỳ trước", "Change against an earlier period"),
        "targets_met": ("Số chỉ tiêu đạt", "Count of targets met"),
    },
    "direction": {
        "higher": ("Càng cao càng tốt", "Higher is better"),
        "lower": ("Càng thấp càng tốt", "Lower is better"),
        "neutral": ("Trung tính", "Neutral"),
    },
    "level": {
        "municipality": ("Thành phố trực thuộc trung ương", "Centrally governed city"),
        "province": ("Tỉnh", "Province"),
        "provincial_city": ("Thành phố thuộc tỉnh", "Provincial city"),
        "town": ("Thị xã", "Town"),
        "urban_district": ("Quận", "Urban district"),
        "rural_district": ("Huyện", "Rural district"),
        "ward": ("Phường", "Ward"),
        "commune": ("Xã", "Commune"),
        "township": ("Thị trấn", "Township"),
        "special_zone": ("Đặc khu", "Special zone"),
    },
    "tier": {
        "provincial": ("Cấp tỉnh", "Provincial level"),
        "district": ("Cấp huyện", "District level"),
        "commune": ("Cấp xã", "Commune level"),
    },
    # The language an article is written in decides how its numbers are read: 99.91 and 245,000 on an
    # English page, 99,91 and 245.000 on a Vietnamese one.
    "language": {
        "vi": ("Tiếng Việt", "Vietnamese"),
        "en": ("Tiếng Anh", "English"),
    },
    "figure_type": {
        "result": ("Kết quả đạt được", "Result achieved"),
        "target": ("Chỉ tiêu đề ra", "Target set"),
    },
    "qualifier": {
        "exact": ("Chính xác", "Exact"),
        "approx": ("Khoảng, xấp xỉ", "Approximately"),
        "nearly": ("Gần", "Nearly (just under)"),
        "more_than": ("Hơn, trên", "More than"),
        "at_least": ("Ít nhất, từ … trở lên", "At least"),
        "less_than": ("Dưới, chưa đến", "Less than"),
        "at_most": ("Tối đa, không quá", "At most"),
    },
    "period_basis": {
        "stated": ("Bài báo nêu rõ", "Stated in the article"),
        "inferred": ("Người chú giải suy ra (xem ghi chú)", "Inferred by the annotator (see note)"),
    },
    "reference": {
        "plan": ("Kế hoạch", "Plan"),
        "estimate": ("Dự toán", "Budget estimate"),
        "quota": ("Chỉ tiêu được giao", "Assigned quota"),
        "congress_target": ("Chỉ tiêu Nghị quyết Đại hội", "Congress resolution target"),
        "previous_year": ("Năm trước", "Previous year"),
        "same_period_last_year": ("Cùng kỳ năm trước", "Same period of the previous year"),
        "previous_term": ("Nhiệm kỳ trước", "Previous term"),
        "base_period": ("Một kỳ gốc được nêu", "A named base period"),
    },
    # Who set the plan, estimate or quota a figure is measured against.
    "reference_owner": {
        "own": ("Của địa phương", "The locality's own"),
        "district": ("Quận, huyện, thị xã giao", "Set by the district"),
        "city": ("Thành phố giao", "Set by the city"),
        "province": ("Tỉnh giao", "Set by the province"),
        "higher": ("Cấp trên giao (không nêu rõ)", "Set by a higher level (not named)"),
    },
    # The kinds of chart data/pack.csv can admit into the briefing pack.
    "chart": {
        "across_terms": ("Một chỉ số qua các nhiệm kỳ", "One indicator across terms"),
        "localities": ("Các địa phương cạnh nhau", "Localities side by side"),
        "reorganisation": ("Đơn vị mới và các đơn vị tiền thân", "A new unit and its predecessors"),
        "targets": ("Kết quả so với chỉ tiêu", "Results against targets"),
        "scorecard": ("Hồ sơ một địa phương", "One locality's scorecard"),
        "coverage": ("Độ phủ số liệu", "What the data covers"),
    },
    # How much of a unit went into its successor in a reorganisation.
    "share": {
        "whole": ("Toàn bộ", "Whole"),
        "part": ("Một phần", "Part"),
    },
    # What a scope-or-basis entry of data/variants.csv qualifies.
    "aspect": {
        "scope": ("Phạm vi (gồm, trừ)", "Scope (what is included)"),
        "basis": ("Cơ sở tính (giá, chuẩn)", "Basis (prices, standard)"),
    },
    "flag": {
        "doubtful_print": ("Số in có vẻ sai", "Printed figure looks wrong"),
        "ambiguous_wording": ("Câu chữ hiểu được hai cách", "Wording can be read two ways"),
    },
    "term": {t: (f"Nhiệm kỳ {t}", f"{t} term") for t in TERMS},
    # What a unit of data/units.csv measures; units convert into each other only within one dimension. A
    # written unit 'X/người/năm' measures '<X's dimension> per person per year' when that dimension is listed.
    "dimension": {
        "money": ("Tiền (gốc: đồng)", "Money (base: đồng)"),
        "money per person per year": ("Tiền trên người mỗi năm (gốc: đồng/người/năm)",
                                      "Money per person per year (base: đồng per person per year)"),
        "US dollars": ("Đô la Mỹ (gốc: USD)", "US dollars (base: USD)"),
        "US dollars per person per year": ("Đô la Mỹ trên người mỗi năm (gốc: USD/người/năm)",
                                           "US dollars per person per year (base: USD per person per year)"),
        "per cent": ("Phần trăm (gốc: %)", "Per cent (base: %)"),
        "per mille": ("Phần nghìn (gốc: ‰)", "Per mille (base: ‰)"),
        "area": ("Diện tích (gốc: ha)", "Area (base: ha)"),
        "multiple": ("Số lần (gốc: lần)", "Multiple (base: times)"),
        "count": ("Số đếm: người, hộ, đảng viên, … (gốc: 1)", "Count: people, households, Party members, … (base: 1)"),
    },
}

# The words of each qualifier, once: (Vietnamese, English) as articles print them. The first Vietnamese word
# is the one a mention of an English page is given; annotators may type any Vietnamese word for the code.
QUALIFIER_WORDS = {
    "exact": (("chính xác",), ()),
    "approx": (("khoảng", "xấp xỉ"), ("about", "approximately")),
    "nearly": (("gần",), ("nearly", "almost")),
    "more_than": (("hơn", "trên"), ("over", "more than")),
    "at_least": (("ít nhất", "từ"), ("at least",)),
    "less_than": (("dưới", "chưa đến"), ("under", "less than")),
    "at_most": (("tối đa", "không quá"), ()),
}
# Words printed before a figure that say something else than its precision, so they are no qualifier: 'vượt'
# (exceeds) relates the figure to a reference ('vượt 9,2% kế hoạch' is an excess over the plan: record it
# against its reference, e.g. a *_pct_plan metric), 'đạt' (reaches) and 'bình quân' (on average) say nothing
# of how exact the number is.
NOT_QUALIFIERS = {"vượt": "exceeds", "đạt": "reaches", "bình quân": "on average"}
# Words annotators may type instead of a qualifier code.
QUALIFIER_SYNONYMS = {"": "exact", **{w: code for code, (vi, _) in QUALIFIER_WORDS.items() for w in vi}}
# Qualifier words as printed just before a figure (the figure finder's, helpers/mentions.py), longest first,
# each with its code ('' for NOT_QUALIFIERS): not 'chính xác' (never printed so) nor 'từ' (it opens a range,
# 'từ 90 – 95%').
PRINTED_QUALIFIERS = dict(sorted(
    [(w, code) for w, code in QUALIFIER_SYNONYMS.items() if w not in ("", "chính xác", "từ")]
    + [(w, "") for w in NOT_QUALIFIERS], key=lambda item: -len(item[0].split())))

LEVEL_TIER = {
    "municipality": "provincial", "province": "provincial",
    "provincial_city": "district", "town": "district", "urban_district": "district", "rural_district": "district",
    "ward": "commune", "commune": "commune", "township": "commune", "special_zone": "commune",
}

# The codebook's naming rule: an indicator's id ends with the suffix of its unit and kind, so the same
# quantity is named the same way everywhere (budget_revenue_bn_vnd, budget_revenue_pct_plan,
# budget_revenue_growth_pct). Kinds first (a share in % is _pct), then money and area units; any other
# unit is a count noun (người, hộ, đảng viên) and takes _count. `validate` warns about an id that breaks it.
KIND_SUFFIX = {"share": ("_pct",), "pct_of_plan": ("_pct_plan", "_pct_quota", "_pct_estimate"),
               "targets_met": ("_count",)}
UNIT_SUFFIX = {"%": ("_pct",), "tỷ đồng": ("_bn_vnd",), "triệu đồng": ("_mn_vnd",), "đồng": ("_vnd",),
               "triệu đồng/người/năm": ("_mn_vnd",), "ha": ("_ha",), "km2": ("_km2",), "m2": ("_m2",),
               "lần": ("_times",), "USD": ("_usd",), "USD/người/năm": ("_usd",)}


def metric_suffix(unit: str, kind: str) -> tuple[str, ...]:
    """The id suffixes the naming rule allows for an indicator of this unit and kind."""
    if kind in KIND_SUFFIX:
        return KIND_SUFFIX[kind]
    return UNIT_SUFFIX.get(unit, ("_count",))


SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SNAKE = r"[a-z][a-z0-9_]*"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # id, code, ref, text, date, amount, unit, vocab, filename, word, factor
    description: str
    required: bool = False
    vocab: str | None = None  # for kind 'vocab'
    ref: str | None = None  # for kind 'ref': the table whose id it names
    pattern: str | None = None  # for kind 'id'


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    description: str
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


ARTICLES = Table("articles", "data/articles.csv", "One row per source article.", (
    Field("article_id", "id", "Stable ASCII slug; also the name of the article's annotation file.", True, pattern=SLUG),
    Field("title", "text", "Headline, verbatim.", True),
    Field("publisher", "text", "Newspaper or portal; empty when the text does not say (explain in notes)."),
    Field("url", "text", "Web address, if known."),
    Field("published", "date", "Publication date, ISO; a partial date (2022, 2023-04) is allowed and marked partial.", True),
    Field("text_file", "filename", "File name of the article's plain text in the texts folder, for the evidence check.", True),
    Field("language", "vocab", "vi (default) or en: the language of the page. On an English page values are typed as printed there (99.91, 245,000) and read the English way; the evidence stays in that language.", vocab="language"),
    Field("notes", "text", "How the date or publisher was established, and anything else a reader should know."),
))

LOCALITIES = Table("localities", "data/localities.csv", "The gazetteer: one row per administrative unit, with its validity across the 2025 reorganisation.", (
    Field("locality_id", "id", "Stable ASCII slug, prefixed by the unit's kind (phuong-, quan-, tp-, tinh-).", True, pattern=SLUG),
    Field("name", "text", "Name with diacritics (NFC), without the kind word: 'Thành Tô'.", True),
    Field("level", "vocab", "Kind of unit.", True, vocab="level"),
    Field("parent_id", "ref", "The unit it belongs to (ward -> district -> province).", ref="localities"),
    Field("province_id", "ref", "Its province-level unit.", ref="localities"),
    Field("official_code", "code", "Official administrative code (GSO): the pre-July-2025 code for a unit that ended, the current code for a unit that exists now; empty only when no source gives it (say why in notes).", pattern=r"\d{2}|\d{3}|\d{5}"),
    Field("valid_from", "date", "First day the unit existed in this form; empty when the sources do not say."),
    Field("valid_to", "date", "Last day it existed in this form; empty when still valid or not known."),
    Field("validity_source", "text", "The legal act behind valid_from and valid_to."),
    Field("notes", "text", "Anything else, e.g. why validity is left empty."),
))

METRICS = Table("metrics", "data/metrics.csv", "The codebook: one row per indicator.", (
    Field("metric_id", "id", "Stable snake_case name; a unit suffix where it helps (_bn_vnd, _pct, _ha).", True, pattern=SNAKE),
    Field("label_vi", "text", "Vietnamese label, used in charts by default.", True),
    Field("label_en", "text", "English label, used with lang='en'.", True),
    Field("category", "vocab", "Field of work.", True, vocab="category"),
    Field("unit", "unit", "Canonical unit every figure is converted to.", True),
    Field("kind", "vocab", "What kind of number it is; decides annualising and range checks.", True, vocab="kind"),
    Field("direction", "vocab", "Whether a higher value is better; decides target status.", True, vocab="direction"),
    Field("definition_vi", "text", "Definition in Vietnamese.", True),
    Field("definition_en", "text", "Definition in English.", True),
    Field("example", "text", "A phrasing from an article that this metric records.", True),
))

ANNOTATIONS = Table("annotations", "data/annotations/<article_id>.csv", "One file per article, one row per figure.", (
    Field("locality_id", "ref", "The unit the figure describes; a figure about several units is repeated for each.", True, ref="localities"),
    Field("metric_id", "ref", "The indicator, from the codebook.", True, ref="metrics"),
    Field("figure_type", "vocab", "A result achieved or a target set.", True, vocab="figure_type"),
    Field("value", "amount", "The number: digits (9,77 or 7210), a fraction (12/12) or words (11 tỷ 708 triệu). A lone separator before three digits (7.210) is refused as ambiguous.", True),
    Field("value_high", "amount", "Upper end of a printed range (93,15 – 93,9%: value 93,15, value_high 93,9)."),
    Field("qualifier", "vocab", "exact, approx (khoảng), nearly (gần), more_than (hơn, trên), at_least, less_than, at_most. Vietnamese words are accepted.", vocab="qualifier"),
    Field("unit", "unit", "The unit as written (tỷ đồng, triệu đồng/người/năm, %, ha, hộ); '/năm' marks a yearly figure.", True),
    Field("period_start", "date", "First month or year the figure covers (ISO, partial allowed).", True),
    Field("period_end", "date", "Last month or year it covers; a whole term 2015–2020 is 2016 to 2020.", True),
    Field("period_basis", "vocab", "Whether the article states the period or the annotator inferred it (explain in note).", vocab="period_basis"),
    Field("period_text", "text", "The period as printed: 'năm 2021', '7 tháng năm 2023', 'nửa đầu nhiệm kỳ'."),
    Field("reference", "vocab", "What the figure is measured against, when the article names it.", vocab="reference"),
    Field("reference_owner", "vocab", "Who set the plan, estimate or quota in `reference`: own, district, city, province, higher.", vocab="reference_owner"),
    Field("reference_period", "text", "The earlier period of a comparison: 2022, or 2011/2015 for a term."),
    Field("scope", "ref", "What the figure includes, when it is not the indicator's whole (excl_land_use_fees); from data/variants.csv.", ref="variants"),
    Field("basis", "ref", "How it is measured, when the article says (constant prices, a poverty standard); from data/variants.csv.", ref="variants"),
    Field("evidence", "text", "Short verbatim excerpt of the article stating the figure.", True),
    Field("flag", "vocab", "Set when the printed figure looks wrong or reads two ways; the note must explain.", vocab="flag"),
    Field("annotator", "text", "Who recorded the figure.", True),
    Field("note", "text", "Doubts, conventions applied, and what the print says when it was flagged."),
    Field("suggested", "text", "Written by `new-article`: the next two indicators after the one in metric_id ('alt1; alt2'). The annotator may leave or clear it; nothing reads it."),
    Field("why", "text", "Written by `new-article`: the printed words behind each pre-filled choice ('target: \"phấn đấu\"; period: \"năm 2025\"'), so it can be confirmed in seconds. Clear it once the row is checked: a row with a non-empty `why` is unreviewed (a warning) and does not count in coverage."),
))

# Columns `new-article` writes for the annotator (its alternatives and reasons); a file may keep or drop them.
SCAFFOLD_COLUMNS = ("suggested", "why")

SUCCESSIONS = Table("successions", "data/successions.csv", "The crosswalk across reorganisations: one row per (predecessor, successor) pair. A unit split between several new units has several rows, each `part`.", (
    Field("predecessor_id", "ref", "The unit that ended.", True, ref="localities"),
    Field("successor_id", "ref", "A unit that took over all or part of it.", True, ref="localities"),
    Field("share", "vocab", "`whole` when all of the predecessor went into this successor, `part` when only part did.", True, vocab="share"),
    Field("effective", "date", "First day of the successor's existence in this form (2025-07-01); empty when the sources do not give it (say so in notes)."),
    Field("source", "text", "The legal act that made the change (number, date, body).", True),
    Field("notes", "text", "Where the act was confirmed; anything a reader should know."),
))

VARIANTS = Table("variants", "data/variants.csv", "Scopes and bases that tell related figures of one indicator apart (excluding land-use fees; 2021–2025 multidimensional poverty standard).", (
    Field("variant_id", "id", "Stable snake_case name, used in the annotations' scope or basis column.", True, pattern=SNAKE),
    Field("aspect", "vocab", "Whether it is a scope (what is included) or a basis (prices, standard).", True, vocab="aspect"),
    Field("label_vi", "text", "Vietnamese label, used in captions and caveats.", True),
    Field("label_en", "text", "English label.", True),
    Field("definition_en", "text", "What it includes or how it is measured.", True),
))

PACK = Table("pack", "data/pack.csv", "The briefing pack's rules: which charts the data earns, with their captions. The pack names no indicator or locality; it draws every chart a rule admits.", (
    Field("chart", "vocab", "The kind of chart the rule admits.", True, vocab="chart"),
    Field("figure_type", "vocab", "The figures it draws: result or target (empty: both).", vocab="figure_type"),
    Field("min_localities", "amount", "Localities an indicator needs before the chart is drawn.", True),
    Field("min_terms", "amount", "Terms one locality needs before the chart is drawn (across_terms).", True),
    Field("max_labelled", "amount", "Localities a view draws and labels one by one; with more, it labels the chosen and notable ones and shows the rest of their level as context (empty: no limit; coverage: rows before it sums by province and level)."),
    Field("notable", "amount", "Localities at the top and as many at the bottom that a view over `max_labelled` highlights by default, besides the chosen ones."),
    Field("max_charts", "amount", "Charts of this kind the pack holds at most: the indicators most localities report, or the localities with most figures when none are chosen (empty: no limit); the rest are listed as left out."),
    Field("caption_vi", "text", "Caption under the chart, Vietnamese.", True),
    Field("caption_en", "text", "Caption under the chart, English.", True),
))

# A unit word is stored as annotators write it; the grammar adds '/năm' (a yearly figure) and '/người/năm'
# (per person per year), so a word never ends with '/năm'.
UNIT_WORD = r"(?i)(?!.*/\s*năm$)\S(?:.*\S)?"

UNITS = Table("units", "data/units.csv", "The units annotators may write, one row per written form: a new count noun is a new row, never a code change. '/năm' after a unit marks a yearly figure and 'X/người/năm' is X per person per year (grammar, not rows). A data folder without units.csv uses the project's.", (
    Field("unit", "word", "The unit as annotators write it (NFC; matched without regard to case or spacing): 'tỷ đồng', 'ha', 'km2', 'người', 'nhân khẩu', 'USD'. Each form once.", True, pattern=UNIT_WORD),
    Field("dimension", "vocab", "What it measures; only units of one dimension convert into each other (a count noun is `count`).", True, vocab="dimension"),
    Field("factor", "factor", "A value in this unit times factor is in the dimension's base (đồng, ha, %, 1): 1000000000 for tỷ đồng, 0.0001 for m2, 1 for a count noun. '.' is the decimal point.", True),
    Field("label_en", "text", "English name in charts with lang='en' (bn VND, households, Party members).", True),
    Field("note", "text", "Where the form comes from, a spelling it stands for, anything a reader should know."),
))

CUES = Table("cues", "data/cues.csv", "Words of reporting that say what a figure is, read by `new-article` to pre-fill a row: a target (phấn đấu), a reference (dự toán, cùng kỳ), a period (đến nay, hằng năm), a base year (so với), the kind of article (đại hội, giữa nhiệm kỳ). Extend it rather than the code.", (
    Field("cue", "text", "The phrase as printed, lower case; `YYYY` stands for a year and `…` for a few words between ('đề ra … chỉ tiêu').", True),
    Field("language", "vocab", "vi or en: the pages whose words it is.", True, vocab="language"),
    Field("field", "text", "What it decides: figure_type (before the figure), figure_type_after, target_list (the figures after it in the sentence), reference, reference_owner, period, base, frame (the article's kind), kind, kind_after (which kind of indicator).", True),
    Field("value", "text", "The value it gives: a figure_type, reference or reference_owner code; for period now, yearly, term or half_term; for frame congress, midterm, resolution or year_review; for kind a codebook kind.", True),
    Field("note", "text", "Why, or when the cue holds."),
))

INPUT_TABLES = (ARTICLES, LOCALITIES, SUCCESSIONS, METRICS, VARIANTS, ANNOTATIONS, PACK, UNITS, CUES)


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str


def _cat(vocab: str, ordered: bool = False) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(VOCABULARIES[vocab]), ordered=ordered)


# The tidy table `load()` returns: one row per figure.
TIDY: tuple[Column, ...] = (
    Column("figure_id", "string", "`<article_id>:<row>`: the file and spreadsheet row the figure came from."),
    Column("article_id", "string", "Source article."),
    Column("article_title", "string", "Its headline."),
    Column("publisher", "string", "Its publisher (may be empty)."),
    Column("published", "string", "Its publication date as recorded (possibly partial)."),
    Column("published_precision", "category:precision", "year, month or day: how precise `published` is."),
    Column("locality_id", "string", "Unit the figure describes."),
    Column("locality_name", "string", "Its name (NFC)."),
    Column("level", "category:level", "Its kind of unit."),
    Column("tier", "category:tier:ordered", "provincial, district or commune level."),
    Column("province_id", "string", "Its province-level unit."),
    Column("locality_valid_to", "string", "Last day the unit existed in this form (empty: still valid or not known)."),
    Column("official_code", "string", "Its official administrative code."),
    Column("successor_ids", "string", "Units it went into in a reorganisation, ';'-separated (data/successions.csv)."),
    Column("successor_shares", "string", "For each successor, whole or part, ';'-separated in the same order."),
    Column("metric_id", "string", "Indicator."),
    Column("label_vi", "string", "Indicator label, Vietnamese."),
    Column("label_en", "string", "Indicator label, English."),
    Column("category", "category:category", "Field of work."),
    Column("kind", "category:kind", "Kind of number."),
    Column("direction", "category:direction", "Whether higher is better."),
    Column("figure_type", "category:figure_type", "Result or target."),
    Column("value", "float64", "The figure in the canonical unit (for a yearly figure of a flow, the period's total)."),
    Column("value_high", "float64", "Upper end of a range, canonical unit."),
    Column("out_of", "float64", "Denominator of a fraction such as 12/12."),
    Column("unit", "string", "Canonical unit."),
    Column("unit_en", "string", "Its English name, from units.csv (label_en), for charts with lang='en'."),
    Column("value_per_year", "float64", "For flows: the figure per year of its period, so terms and periods of different lengths compare."),
    Column("value_high_per_year", "float64", "Upper end per year, for flows."),
    Column("is_yearly", "bool", "True when the figure was written per year ('/năm'): a yearly flow or an average yearly rate."),
    Column("value_as_written", "string", "The value cell as typed."),
    Column("unit_as_written", "string", "The unit cell as typed."),
    Column("qualifier", "category:qualifier", "exact, approx, nearly, more_than, at_least, less_than, at_most."),
    Column("period_start", "datetime64[ns]", "First day of the period."),
    Column("period_end", "datetime64[ns]", "Last day of the period."),
    Column("period_months", "float64", "Length of the period in months."),
    Column("period_basis", "category:period_basis", "Stated or inferred."),
    Column("period_text", "string", "The period as printed."),
    Column("term", "category:term:ordered", "Congress term holding the period's midpoint."),
    Column("spans_terms", "bool", "True when the period reaches into another term."),
    Column("reference", "category:reference", "What the figure is measured against."),
    Column("reference_owner", "category:reference_owner", "Who set the plan, estimate or quota."),
    Column("reference_period", "string", "The earlier period of a comparison."),
    Column("scope", "string", "What the figure includes, when not the indicator's whole."),
    Column("basis", "string", "How it is measured, when the article says."),
    Column("evidence", "string", "Verbatim excerpt."),
    Column("flag", "category:flag", "doubtful_print or ambiguous_wording."),
    Column("note", "string", "Annotator's note."),
    Column("annotator", "string", "Who recorded it."),
    Column("source_file", "string", "Annotation file, relative to the data folder."),
    Column("source_row", "Int64", "Spreadsheet row in that file (header is row 1)."),
)


def tidy_dtypes() -> dict[str, object]:
    """pandas dtypes of the tidy table, from TIDY."""
    out: dict[str, object] = {}
    for col in TIDY:
        if col.dtype.startswith("category:"):
            parts = col.dtype.split(":")
            if parts[1] == "precision":
                out[col.name] = pd.CategoricalDtype(["year", "month", "day"], ordered=True)
            else:
                out[col.name] = _cat(parts[1], ordered=len(parts) > 2)
        else:
            out[col.name] = col.dtype
    return out


def label(vocab: str, code: str, lang: str = "vi") -> str:
    """Human label of a vocabulary code in Vietnamese (default) or English."""
    vi, en = VOCABULARIES[vocab][code]
    return vi if lang == "vi" else en


def data_dictionary() -> str:
    """Markdown data dictionary rendered from the declarations above."""
    out = ["# Data dictionary", "",
           "Generated from `helpers/schema.py` by `python -m helpers dictionary`; do not edit by hand "
           "(a test fails when this file and the schema disagree).", "",
           "All files are UTF-8 CSV. Spreadsheet exports (BOM, `;` separators with decimal commas, UTF-16, "
           "Windows-1258) are also read; see the README.", ""]
    for table in INPUT_TABLES:
        out += [f"## `{table.path}`", "", table.description, "",
                "| column | required | type | description |", "| --- | --- | --- | --- |"]
        for f in table.fields:
            kind = f"one of `{f.vocab}`" if f.vocab else (f"id of a row in `{f.ref}`" if f.ref else f.kind)
            if f.pattern:
                kind += f" matching `{f.pattern}`"
            out.append(f"| `{f.name}` | {'yes' if f.required else ''} | {kind} | {f.description} |")
        out.append("")
    out += ["## The tidy table (`load()`, `python -m helpers table`)", "",
            "| column | dtype | description |", "| --- | --- | --- |"]
    out += [f"| `{c.name}` | {c.dtype} | {c.description} |" for c in TIDY]
    out += ["", "## Vocabularies", ""]
    for name, codes in VOCABULARIES.items():
        out += [f"### `{name}`", "", "| code | Tiếng Việt | English |", "| --- | --- | --- |"]
        out += [f"| `{code}` | {vi} | {en} |" for code, (vi, en) in codes.items()]
        out.append("")
    return "\n".join(out)
