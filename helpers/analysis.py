"""Comparisons the notebooks and charts make, each returned with the caveats a reader must see.

Everything here takes the tidy table from `load()` (one row per figure) and never draws a
conclusion on its own: a figure that is approximate, a lower bound, flagged, measured against
a different plan, or belongs to a unit that ended in the 2025 reorganisation is still used, but
the comparison carries a `Caveat` saying so (in `result.attrs["caveats"]`), in Vietnamese first.

Flows (members admitted, revenue collected) are compared per year (`comparable`), so a whole
term, half a term and one year line up; levels, shares and % of plan are compared as printed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import words
from .frames import without_attrs
from .localities import display_name, successor_chain
from .periods import TERM_DTYPE, TERMS
from .schema import VOCABULARIES, label

__all__ = [
    "select", "comparable", "comparable_high", "annualise", "Caveat", "caveats", "term_view",
    "compare_terms", "compare_reorganisation", "reorganisations", "rank", "targets_vs_results", "coverage",
    "coverage_long", "reference_text",
]

CAVEAT_CODES = (
    "mixed_levels", "mixed_period_lengths", "mixed_references", "approximate", "lower_bound", "upper_bound",
    "range", "flagged", "inferred_period", "spans_terms", "conflicting_values", "merged_2025", "mixed_metrics",
    "mixed_scopes",
)
# The columns the checks read: working on these alone keeps caveats() quick on the whole table.
CAVEAT_COLUMNS = ["figure_id", "article_id", "source_row", "locality_id", "locality_name", "level", "tier",
                  "metric_id", "label_vi", "label_en", "kind", "figure_type", "value", "value_high", "qualifier",
                  "period_start", "period_end", "period_months", "period_basis", "term", "spans_terms", "reference",
                  "flag", "locality_valid_to", "successor_ids", "successor_shares", "scope", "basis",
                  "reference_owner"]
APPROXIMATE = ("approx", "nearly")
LOWER_BOUND = ("more_than", "at_least")
UPPER_BOUND = ("less_than", "at_most")
# targets_vs_results()["status"]; 'interim' is a target judged only at its period's end, held against a
# result that ends earlier (a 2021–2025 target and a 2023 result): shown, never called met or missed.
STATUSES = ("exceeded", "met", "missed", "interim", "no_result")

TERM_VIEW_COLUMNS = ["locality_id", "locality_name", "level", "tier", "term", "value", "low", "high", "n_figures",
                     "figure_ids", "qualifier", "reference"]
TVR_COLUMNS = ["locality_id", "locality_name", "metric_id", "label_vi", "label_en", "term", "target",
               "target_qualifier", "achieved", "achieved_qualifier", "status", "target_figure_id",
               "result_figure_id", "basis"]


# ---------------------------------------------------------------- selecting and the number to compare

def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple, set, frozenset, pd.Index, pd.Series, np.ndarray)) else [value]


def _term_code(term: str) -> str:
    """'2020-2025' (ASCII hyphen, as people type it) -> '2020–2025' (the en dash of TERMS)."""
    return str(term).replace("-", "–")


def select(df: pd.DataFrame, *, metric=None, locality=None, level=None, tier=None, term=None,
           figure_type="result", category=None) -> pd.DataFrame:
    """The figures matching every filter (a value or a list; None = all), as a copy.

    Results only by default, because a target is a promise, not an achievement; pass
    figure_type=None for both. The selection carries no `attrs`: the load's problems describe the
    whole folder, and pandas would deep-copy them on every later operation on the selection.
    """
    df = without_attrs(df)
    filters = {"metric_id": metric, "locality_id": locality, "level": level, "tier": tier, "term": term,
               "figure_type": figure_type, "category": category}
    mask = np.ones(len(df), dtype=bool)
    for column, wanted in filters.items():
        if wanted is None:
            continue
        values = _as_list(wanted)
        if column == "term":
            values = [_term_code(v) for v in values]
        mask &= df[column].isin(values).to_numpy(dtype=bool, na_value=False)
    return df[mask].copy()


def comparable(df: pd.DataFrame) -> pd.Series:
    """The number to compare: per year for flows (periods differ in length), as printed otherwise."""
    is_flow = (df["kind"].astype(object) == "flow").to_numpy()
    return pd.Series(np.where(is_flow, df["value_per_year"], df["value"]), index=df.index, name="comparable",
                     dtype=float)


def comparable_high(df: pd.DataFrame) -> pd.Series:
    """The high end of a printed range on the same footing as `comparable` (NaN when not a range)."""
    is_flow = (df["kind"].astype(object) == "flow").to_numpy()
    return pd.Series(np.where(is_flow, df["value_high_per_year"], df["value_high"]), index=df.index,
                     name="comparable_high", dtype=float)


def annualise(value: float, months: float) -> float:
    """A flow over `months` as a yearly rate (711 over 60 months -> 142.2), so periods compare."""
    months = float(months)
    if not months > 0:
        raise ValueError(f"a period must last more than 0 months to be annualised, got {months}")
    return float(value) * 12.0 / months


# ---------------------------------------------------------------- text helpers (no matplotlib here)

def _place(r, lang: str) -> str:
    return display_name(str(r.locality_name), str(r.level), lang)


def _listing(items: list[str], lang: str, limit: int = 4, noun: str = "số liệu") -> str:
    """'a; b; c; d; và 3 số liệu khác': specific, but short enough for a chart caption."""
    items = list(dict.fromkeys(items))
    shown = "; ".join(items[:limit])
    more = len(items) - limit
    if more > 0:
        shown += f"; và {more} {noun} khác" if lang == "vi" else f"; and {more} more"
    return shown


def _join(items, lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    word = " và " if lang == "vi" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def _metric_label(r, lang: str) -> str:
    return str(r.label_vi if lang == "vi" else r.label_en)


def _ids(rows: pd.DataFrame) -> tuple[str, ...]:
    return tuple(rows["figure_id"].astype(object).map(str).tolist())


def _filled(series: pd.Series) -> pd.Series:
    """True where a text cell holds something (not NA, not blank)."""
    return series.astype(object).map(lambda x: isinstance(x, str) and x.strip() != "").astype(bool)


# ---------------------------------------------------------------- caveats

@dataclass(frozen=True)
class Caveat:
    """One thing a reader must know before trusting a comparison, and the figures it concerns."""

    code: str
    message_vi: str
    message_en: str
    figure_ids: tuple[str, ...]

    def text(self, lang: str = "vi") -> str:
        """The message in Vietnamese (default) or English."""
        return self.message_vi if lang == "vi" else self.message_en


def caveats(df: pd.DataFrame) -> list[Caveat]:
    """What a reader must know before comparing these rows side by side, one Caveat per code.

    Codes come in the order of CAVEAT_CODES; a code appears only when some row triggers it.
    """
    df = without_attrs(df)
    if df is None or df.empty:
        return []
    rows = df[[c for c in CAVEAT_COLUMNS if c in df.columns]]
    order = ["article_id", "source_row"] if {"article_id", "source_row"} <= set(rows.columns) else ["figure_id"]
    rows = rows.sort_values(order, kind="stable")  # article by article, in spreadsheet order
    out: list[Caveat] = []
    for code in CAVEAT_CODES:
        found = _CHECKS[code](rows)
        if found is not None:
            out.append(found)
    return out


def _cav_mixed_levels(rows):
    present = set(rows["tier"].astype(object).dropna())
    if len(present) < 2:
        return None
    tiers = [t for t in VOCABULARIES["tier"] if t in present]
    if len(tiers) < 2:
        return None

    units = rows[["tier", "locality_id", "locality_name", "level"]].drop_duplicates(["tier", "locality_id"])
    tier_of = units["tier"].astype(object).to_numpy()

    def say(lang):
        names = _mapped(units, ["locality_name", "level"], lambda r: _place(r, lang))
        return "; ".join(f"{label('tier', t, lang)} ({', '.join(names[tier_of == t])})" for t in tiers)

    return Caveat("mixed_levels",
                  f"Đặt cạnh nhau đơn vị thuộc các cấp khác nhau: {say('vi')}. Quy mô khác nhau nên số tuyệt đối "
                  "không so sánh trực tiếp được.",
                  f"Units of different levels side by side: {say('en')}. Their sizes differ, so absolute numbers "
                  "do not compare directly.",
                  _ids(rows[rows["tier"].notna()]))


def _months(values, lang) -> str:
    nums = [words.number(m, lang) for m in sorted(set(values))]
    return _join(nums, lang) + (" tháng" if lang == "vi" else " months")


def _cav_mixed_period_lengths(rows):
    """Lengths matter only within one metric; different metrics are `mixed_metrics`."""
    is_flow = rows["kind"].astype(object).eq("flow")
    keys = [rows["metric_id"].astype(str), is_flow]
    lengths = rows["period_months"].round(2).groupby(keys).transform("nunique")
    hit = rows[(lengths > 1).to_numpy()]
    if hit.empty:
        return None
    parts = {(flow, lang): [] for flow in (True, False) for lang in ("vi", "en")}
    work = pd.DataFrame({"m": hit["metric_id"].astype(str).to_numpy(), "f": is_flow.to_numpy()[(lengths > 1).to_numpy()],
                         "months": hit["period_months"].round(2).to_numpy(),
                         "vi": hit["label_vi"].astype(object).to_numpy(), "en": hit["label_en"].astype(object).to_numpy()})
    labels = work.drop_duplicates(["m", "f"]).set_index(["m", "f"])  # each metric's words from its first row
    for (m, flow), months in work.groupby(["m", "f"], sort=True)["months"]:
        for lang in ("vi", "en"):
            parts[bool(flow), lang].append(f"{labels.at[(m, flow), lang]}: {_months(months, lang)}")
    vi, en = [], []
    if parts[True, "vi"]:
        vi.append(f"Kỳ số liệu dài ngắn khác nhau ({'; '.join(parts[True, 'vi'])}): số cộng dồn được quy về "
                  "bình quân mỗi năm để so sánh.")
        en.append(f"Periods differ in length ({'; '.join(parts[True, 'en'])}): flows are compared per year.")
    if parts[False, "vi"]:
        vi.append(f"Số mức hoặc tỷ lệ đo trên kỳ dài ngắn khác nhau ({'; '.join(parts[False, 'vi'])}); "
                  "không quy đổi theo năm được, cần so sánh thận trọng.")
        en.append(f"Levels or rates measured over periods of different length ({'; '.join(parts[False, 'en'])}); "
                  "they cannot be put per year, so compare with care.")
    return Caveat("mixed_period_lengths", " ".join(vi), " ".join(en), _ids(hit))


def reference_text(reference, owner, lang: str) -> str:
    """'dự toán (thành phố giao)' / 'budget estimate (set by the city)': what a figure is measured against."""
    if not _ok(str(reference)) or pd.isna(reference):
        return ""
    text = label("reference", str(reference), lang)
    if isinstance(owner, str) and owner in VOCABULARIES["reference_owner"]:
        text += f" ({label('reference_owner', owner, lang).lower()})"
    return text


def _cav_mixed_references(rows):
    has = rows[rows["reference"].notna()]
    owners = has["reference_owner"].astype(object).where(has["reference_owner"].notna(), "")
    pairs = sorted(set(zip(has["reference"].astype(str), owners)),
                   key=lambda p: (list(VOCABULARIES["reference"]).index(p[0]), p[1]))
    if len(pairs) < 2:
        return None
    vi = _join([reference_text(r, o, "vi") for r, o in pairs], "vi")
    en = _join([reference_text(r, o, "en") for r, o in pairs], "en")
    return Caveat("mixed_references",
                  f"Số liệu so với các mốc khác nhau: {vi}; các tỷ lệ này không so sánh trực tiếp được.",
                  f"Figures are measured against different references: {en}; they do not compare directly.",
                  _ids(has))


def _cav_mixed_scopes(rows):
    """Figures of one indicator whose scope or basis differ (with and without land-use fees)."""
    parts = {"vi": [], "en": []}
    hit = []
    for col in ("scope", "basis"):
        if col not in rows:
            continue
        values = rows[col].astype(object).where(rows[col].notna() & (rows[col].astype(object) != ""), "")
        if values.nunique() < 2:
            continue
        hit.append(rows)
        for lang in ("vi", "en"):
            for code in sorted(set(values)):
                sub = rows[values == code]
                what = _variant_label(code, lang) if code else ("toàn bộ, như chỉ số" if lang == "vi"
                                                               else "the indicator's whole")
                parts[lang].append(f"{what}: {_figures_text(sub, lang)}")
    if not hit:
        return None
    return Caveat("mixed_scopes",
                  f"Cùng chỉ số nhưng phạm vi hoặc cách tính khác nhau ({'; '.join(parts['vi'])}); so sánh thận trọng.",
                  f"One indicator, different scopes or bases ({'; '.join(parts['en'])}); compare with care.",
                  _ids(rows))


_VARIANT_LABELS: dict[str, tuple[str, str]] = {}


def set_variant_labels(variants: pd.DataFrame) -> None:
    """Labels of the scopes and bases in a variants.csv, so caveats name them in words (added to those known;
    an id keeps one meaning across data folders)."""
    for r in variants.itertuples():
        _VARIANT_LABELS[str(r.variant_id)] = (str(r.label_vi), str(r.label_en))


def _variant_label(code: str, lang: str) -> str:
    if code not in _VARIANT_LABELS:  # labels of the project's data/ for codes the loaded folder did not name
        from . import paths
        from .io import read_table
        from .schema import VARIANTS

        path = paths.DATA / "variants.csv"
        if path.exists():
            for r in read_table(path, VARIANTS).frame.itertuples():
                _VARIANT_LABELS.setdefault(str(r.variant_id), (str(r.label_vi), str(r.label_en)))
    vi, en = _VARIANT_LABELS.get(code, (code.replace("_", " "), code.replace("_", " ")))
    return vi if lang == "vi" else en


def _mapped(frame: pd.DataFrame, columns: list[str], fn) -> np.ndarray:
    """fn(row) for each distinct combination of `columns`, spread back to every row (an object array):
    the words are built once per distinct value, not once per row."""
    codes = frame.groupby([frame[c] for c in columns], dropna=False, observed=True, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(frame))).groupby(codes, sort=True).first().to_numpy()
    texts = np.array([fn(r) for r in frame[columns].iloc[first].itertuples()] + [None], dtype=object)[:-1]
    return texts[codes]


def _figures_text(sub, lang, *, extra=None) -> str:
    """'Phường A ≈53 (2021); …' for the figures of `sub` in order; `extra` = (columns, fn(row, lang))
    appends what one caveat adds (the flag, the term)."""
    if sub.empty:
        return _listing([], lang)
    place = _mapped(sub, ["locality_name", "level"], lambda r: _place(r, lang))
    number = _mapped(sub, ["value", "value_high", "qualifier"],
                     lambda r: words.figure(r.value, r.value_high, r.qualifier, lang))
    period = _mapped(sub, ["period_start", "period_end"], lambda r: words.period(r.period_start, r.period_end, lang))
    text = place + " " + number + " (" + period + ")"
    if extra is not None:
        columns, fn = extra
        text = text + _mapped(sub, columns, lambda r: fn(r, lang))
    return _listing(text.tolist(), lang)


def _qualified(rows, codes, code, vi, en):
    sub = rows[rows["qualifier"].astype(object).isin(codes)]
    if sub.empty:
        return None
    return Caveat(code, f"{vi}: {_figures_text(sub, 'vi')}.", f"{en}: {_figures_text(sub, 'en')}.", _ids(sub))


def _cav_approximate(rows):
    return _qualified(rows, APPROXIMATE, "approximate", "Số gần đúng (khoảng, gần)",
                      "Approximate figures (about, nearly)")


def _cav_lower_bound(rows):
    return _qualified(rows, LOWER_BOUND, "lower_bound",
                      "Số là cận dưới (hơn, trên, ít nhất), giá trị thật có thể cao hơn",
                      "Lower bounds (more than, at least); the true value may be higher")


def _cav_upper_bound(rows):
    return _qualified(rows, UPPER_BOUND, "upper_bound",
                      "Số là cận trên (dưới, tối đa), giá trị thật có thể thấp hơn",
                      "Upper bounds (less than, at most); the true value may be lower")


def _cav_range(rows):
    sub = rows[rows["value_high"].notna()]
    if sub.empty:
        return None
    return Caveat("range", f"Số in dưới dạng khoảng, thể hiện thành một đoạn: {_figures_text(sub, 'vi')}.",
                  f"Printed as a range and shown as an interval: {_figures_text(sub, 'en')}.", _ids(sub))


def _cav_flagged(rows):
    sub = rows[rows["flag"].notna()]
    if sub.empty:
        return None
    extra = (["flag"], lambda r, lang: f": {label('flag', str(r.flag), lang).lower()}")
    return Caveat("flagged",
                  f"Số liệu bị gắn cờ, giữ nguyên như bản in: {_figures_text(sub, 'vi', extra=extra)}.",
                  f"Flagged figures, kept as printed: {_figures_text(sub, 'en', extra=extra)}.", _ids(sub))


def _cav_inferred_period(rows):
    sub = rows[rows["period_basis"].astype(object) == "inferred"]
    if sub.empty:
        return None
    n = len(sub)
    return Caveat("inferred_period",
                  f"{n} số liệu có thời kỳ do người chú giải suy ra, bài báo không nêu rõ (xem ghi chú): "
                  f"{_figures_text(sub, 'vi')}.",
                  f"{n} figure(s) have a period inferred by the annotator, not stated in the article (see note): "
                  f"{_figures_text(sub, 'en')}.", _ids(sub))


def _cav_spans_terms(rows):
    sub = rows[rows["spans_terms"].astype(bool)]
    if sub.empty:
        return None
    extra = (["term"], lambda r, lang: f" → {label('term', str(r.term), lang)}" if pd.notna(r.term) else "")
    return Caveat("spans_terms",
                  "Thời kỳ vắt qua hai nhiệm kỳ, xếp vào nhiệm kỳ chứa điểm giữa: "
                  f"{_figures_text(sub, 'vi', extra=extra)}.",
                  f"Periods reaching into another term, placed in the term holding their midpoint: "
                  f"{_figures_text(sub, 'en', extra=extra)}.", _ids(sub))


# Two figures conflict only when they claim the same thing: the loader's key (reference owner, scope and basis
# included: 92,5% of the province's estimate and 90,2% of the city's are two figures, not a conflict).
CONFLICT_KEY = ["locality_id", "metric_id", "figure_type", "period_start", "period_end", "reference",
                "reference_owner", "scope", "basis"]


def _key_frame(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Columns as plain text with missing values as '', so groupby keeps NaN references together."""
    return pd.DataFrame({c: rows[c].astype(object).where(rows[c].notna(), "").astype(str) for c in columns},
                        index=rows.index)


def _cav_conflicting_values(rows):
    key = [c for c in CONFLICT_KEY if c in rows.columns]
    same = rows[rows.duplicated(key, keep=False)]  # NaN equals NaN here, as it should
    if same.empty:
        return None
    keys = _key_frame(same, key)
    grouped = same.groupby([keys[c] for c in key], sort=False)
    hit = (grouped["value"].transform("nunique") > 1) & (grouped["figure_id"].transform("nunique") > 1)
    if not hit.any():
        return None
    parts = {"vi": [], "en": []}
    ids = []
    for _, idx in keys[hit].groupby(key, sort=True).groups.items():
        g = same.loc[idx]
        first = g.iloc[0]
        lo, hi = g["value"].min(), g["value"].max()
        for lang in ("vi", "en"):
            n = f"{len(g)} số liệu" if lang == "vi" else f"{len(g)} figures"
            parts[lang].append(f"{display_name(str(first['locality_name']), str(first['level']), lang)}, "
                               f"{_metric_label(first, lang)}, "
                               f"{words.period(first['period_start'], first['period_end'], lang)}: "
                               f"{words.number(lo, lang)}–{words.number(hi, lang)} ({n})")
        ids += list(_ids(g))
    return Caveat("conflicting_values",
                  f"Cùng địa phương, chỉ số, thời kỳ và mốc so sánh nhưng các bài cho số khác nhau: "
                  f"{_listing(parts['vi'], 'vi')}. Cả hai số được giữ.",
                  f"Same locality, metric, period and reference with different values: "
                  f"{_listing(parts['en'], 'en')}. Both are kept.", tuple(ids))


def successors_of(r) -> list[tuple[str, str]]:
    """(successor id, whole or part) of a tidy row, from its successor_ids and successor_shares."""
    ids = str(getattr(r, "successor_ids", "") or "") if _ok(getattr(r, "successor_ids", None)) else ""
    shares = str(getattr(r, "successor_shares", "") or "") if _ok(getattr(r, "successor_shares", None)) else ""
    ids_, shares_ = ids.split(";") if ids else [], shares.split(";") if shares else []
    return [(i, shares_[k] if k < len(shares_) else "") for k, i in enumerate(ids_) if i]


def successors_text(succ: list[tuple[str, str]], names: dict[str, str], lang: str) -> str:
    """'Phường Long Biên (một phần) và Phường Bồ Đề (một phần)': where a unit went, in words."""
    parts, gazetteer = [], None
    for sid, share in succ:
        name = names.get(sid)
        if not name:  # read the gazetteer once, and only when a successor has no figure at hand
            gazetteer = _gazetteer_names(lang) if gazetteer is None else gazetteer
            name = gazetteer.get(sid, sid)
        if share == "part":
            name += " (một phần)" if lang == "vi" else " (part)"
        parts.append(name)
    return _join(parts, lang)


def _gazetteer_names(lang: str) -> dict[str, str]:
    """Display names from the default gazetteer, for a unit with no figure at hand (never a raw id when
    the gazetteer has the unit). It reads a file: call it once per text, not once per unit."""
    from .localities import gazetteer_names

    return gazetteer_names(lang)


def _names_of(df: pd.DataFrame, lang: str) -> dict[str, str]:
    first = df.drop_duplicates("locality_id")
    return {str(r.locality_id): _place(r, lang) for r in first.itertuples()}


def _cav_merged_2025(rows):
    sub = rows[_filled(rows["locality_valid_to"])]
    if sub.empty:
        return None
    parts = {"vi": [], "en": []}
    names = {lang: _names_of(rows, lang) for lang in ("vi", "en")}
    units = sub.drop_duplicates("locality_id")
    if any(sid not in names["vi"] for r in units.itertuples() for sid, _ in successors_of(r)):
        names = {lang: {**_gazetteer_names(lang), **names[lang]} for lang in names}
    for r in units.itertuples():
        succ = successors_of(r)
        for lang in ("vi", "en"):
            name, end = _place(r, lang), words.date(r.locality_valid_to, lang)
            into = successors_text(succ, names[lang], lang)
            if lang == "vi":
                parts[lang].append(f"{name} kết thúc ngày {end}, " + (
                    f"nhập vào {into}" if succ else "chưa ghi nhận đơn vị kế thừa"))
            else:
                parts[lang].append(f"{name} ended on {end}, " + (
                    f"merged into {into}" if succ else "no successor is recorded"))
    return Caveat("merged_2025",
                  f"Đơn vị đã kết thúc khi sắp xếp đơn vị hành chính năm 2025: {'; '.join(parts['vi'])}.",
                  f"Units that ended in the 2025 reorganisation: {'; '.join(parts['en'])}.", _ids(sub))


def _cav_mixed_metrics(rows):
    metrics = rows.drop_duplicates("metric_id").sort_values("metric_id")
    if len(metrics) < 2:
        return None
    vi = _listing([str(x) for x in metrics["label_vi"]], "vi", limit=6, noun="chỉ số")
    en = _listing([str(x) for x in metrics["label_en"]], "en", limit=6)
    return Caveat("mixed_metrics",
                  f"Đặt cạnh nhau {len(metrics)} chỉ số khác nhau: {vi}; không phải cùng một đại lượng.",
                  f"{len(metrics)} different metrics side by side: {en}; they are not the same quantity.",
                  _ids(rows))


_CHECKS = {
    "mixed_levels": _cav_mixed_levels, "mixed_period_lengths": _cav_mixed_period_lengths,
    "mixed_references": _cav_mixed_references, "approximate": _cav_approximate, "lower_bound": _cav_lower_bound,
    "upper_bound": _cav_upper_bound, "range": _cav_range, "flagged": _cav_flagged,
    "inferred_period": _cav_inferred_period, "spans_terms": _cav_spans_terms,
    "conflicting_values": _cav_conflicting_values, "merged_2025": _cav_merged_2025,
    "mixed_metrics": _cav_mixed_metrics, "mixed_scopes": _cav_mixed_scopes,
}


def _replace_caveat(found: list[Caveat], new: Caveat) -> list[Caveat]:
    """Put `new` where its code belongs in CAVEAT_CODES order, replacing one of the same code."""
    out = [c for c in found if c.code != new.code] + [new]
    order = {code: i for i, code in enumerate(CAVEAT_CODES)}
    return sorted(out, key=lambda c: order.get(c.code, len(order)))


# ---------------------------------------------------------------- one metric across terms

def _singles(values: pd.Series, codes: np.ndarray, order: np.ndarray, cuts: np.ndarray) -> list:
    """Per cell (rows ordered by cell code), the one value all its rows share, 'mixed' when they differ,
    None when all are missing."""
    text = values.astype(object).where(values.notna(), None).to_numpy(dtype=object)[order]
    first = text[np.concatenate([[0], cuts]).astype(int)]
    distinct = pd.Series(text, dtype=object).groupby(codes).nunique(dropna=False).to_numpy()
    return [("mixed" if n > 1 else (None if f is None else str(f))) for f, n in zip(first, distinct)]


def _empty_view() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=object) for c in TERM_VIEW_COLUMNS})
    out["term"] = out["term"].astype(TERM_DTYPE)
    for c in ("value", "low", "high"):
        out[c] = out[c].astype(float)
    out["n_figures"] = out["n_figures"].astype(int)
    return out


def _view_of(rows: pd.DataFrame) -> pd.DataFrame:
    """Cells (locality, term) of already selected rows: median, min–max over figures and ranges."""
    rows = rows[rows["term"].notna()]
    if rows.empty:
        return _empty_view()
    rows = rows.sort_values(["period_end", "period_start", "figure_id"], kind="stable")
    v, h = comparable(rows), comparable_high(rows)
    work = pd.DataFrame({
        "locality_id": rows["locality_id"].astype(str), "term": rows["term"].astype(TERM_DTYPE),
        "_v": v, "_lo": np.fmin(v, h), "_hi": np.fmax(v, h), "figure_id": rows["figure_id"].astype(str),
        "qualifier": rows["qualifier"].astype(object), "reference": rows["reference"].astype(object),
        "locality_name": rows["locality_name"].astype(object),
        "level": rows["level"], "tier": rows["tier"]}, index=rows.index)
    grouped = work.groupby(["locality_id", "term"], observed=True, sort=True)
    out = grouped.agg(
        locality_name=("locality_name", "first"), value=("_v", "median"), low=("_lo", "min"), high=("_hi", "max"),
        n_figures=("figure_id", "size")).reset_index()
    codes = grouped.ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")  # each cell's figures together, in period order
    cuts = np.cumsum(np.bincount(codes, minlength=len(out)))[:-1]
    out["figure_ids"] = [tuple(ids) for ids in np.split(work["figure_id"].to_numpy(dtype=object)[order], cuts)]
    for column in ("qualifier", "reference"):
        out[column] = _singles(work[column], codes[order], order, cuts)
    first = work.drop_duplicates("locality_id").set_index("locality_id")
    out["level"] = out["locality_id"].map(first["level"].astype(object)).astype(rows["level"].dtype)
    out["tier"] = out["locality_id"].map(first["tier"].astype(object)).astype(rows["tier"].dtype)
    out["term"] = out["term"].astype(TERM_DTYPE)
    out["n_figures"] = out["n_figures"].astype(int)
    out["locality_name"] = out["locality_name"].astype(object)
    return out[TERM_VIEW_COLUMNS].sort_values(["locality_id", "term"], kind="stable").reset_index(drop=True)


def _rows_of(df: pd.DataFrame, view: pd.DataFrame) -> pd.DataFrame:
    used = {f for ids in view["figure_ids"] for f in ids}
    return df[df["figure_id"].astype(str).isin(used)]


def term_view(df: pd.DataFrame, metric: str, *, figure_type="result") -> pd.DataFrame:
    """One row per (locality, term) holding figures of `metric`: the cell's median, its spread, its figures.

    Flows are per year, so a term and half a term fall in one comparable column. Figures whose
    period lies outside every term are left out (they have no term to sit in).
    """
    df = without_attrs(df)
    rows = select(df, metric=metric, figure_type=figure_type)
    view = _view_of(rows)
    view.attrs = {"caveats": caveats(_rows_of(rows, view))}
    return view


def _related(df: pd.DataFrame, locality: str) -> tuple[list[str], list[str]]:
    """Units joined to `locality` by the 2025 reorganisation: (its successors, its predecessors)."""
    units = df.drop_duplicates("locality_id")
    succ = {str(r.locality_id): [s for s, _ in successors_of(r)] for r in units.itertuples()}
    after = successor_chain(succ, locality)
    before = sorted(lid for lid in succ if lid != locality and locality in successor_chain(succ, lid))
    return after, [lid for lid in before if lid not in after]


def reorganisations(df: pd.DataFrame, figure_type: str = "result") -> pd.DataFrame:
    """Every successor and its predecessors that both have figures of one indicator: the pairs a briefing
    puts side by side across the 2025 reorganisation. Columns: successor_id, metric_id, predecessor_ids
    (a tuple), shares (a tuple of whole/part, same order)."""
    df = without_attrs(df)
    rows = df[df["figure_type"].astype(object) == figure_type] if figure_type else df
    have = rows.groupby("metric_id", observed=True)["locality_id"].agg(lambda s: set(s.astype(str)))
    units = rows.drop_duplicates("locality_id")
    links = [(str(r.locality_id), s, share) for r in units.itertuples() for s, share in successors_of(r)]
    out = []
    for metric, present in have.items():
        for succ in sorted({s for _, s, _ in links if s in present}):
            preds = sorted((p, share) for p, s, share in links if s == succ and p in present)
            if preds:
                out.append({"successor_id": succ, "metric_id": str(metric),
                            "predecessor_ids": tuple(p for p, _ in preds), "shares": tuple(sh for _, sh in preds)})
    return pd.DataFrame(out, columns=["successor_id", "metric_id", "predecessor_ids", "shares"])


def compare_terms(df: pd.DataFrame, metric: str, locality: str) -> pd.DataFrame:
    """One locality's metric term by term, with the change from the previous term that has a figure.

    A unit merged in 2025 is followed through its successor (and a successor back through its
    predecessors): their rows are included, marked in `through`, and a merged_2025 caveat says so.
    When two units share a term, the change is taken from the locality's own row where it has one.
    change_pct is the change as a per cent of the previous value's size (NaN when that is 0 or missing).
    """
    df = without_attrs(df)
    after, before = _related(df, locality)
    rows = select(df, metric=metric, locality=[locality] + after + before)
    view = _view_of(rows)
    view.insert(1, "through", np.where(view["locality_id"] == locality, "", view["locality_id"]).astype(object))
    view = view.assign(_other=view["through"] != "").sort_values(["term", "_other", "locality_id"], kind="stable")
    view = view.drop(columns="_other").reset_index(drop=True)
    # Each term's first row is the locality's own where it has one (sorted so): it is the term's value,
    # and the change is taken from the value of the previous term present.
    heads = view.drop_duplicates("term")
    prior = pd.Series(heads["value"].to_numpy(dtype=float), index=heads["term"].astype(str)).shift(1)
    prev = pd.Series(view["term"].astype(str).map(prior).to_numpy(dtype=float), index=view.index, dtype=float)
    view["change"] = view["value"] - prev
    view["change_pct"] = view["change"] / prev.abs().where(prev != 0) * 100
    used = _rows_of(rows, view)
    found = caveats(used)
    present = set(view["locality_id"])
    if present - {locality}:
        found = _replace_caveat(found, _through_caveat(used, locality, [x for x in after if x in present],
                                                       [x for x in before if x in present]))
    view.attrs = {"caveats": found}
    return view


def _through_caveat(rows: pd.DataFrame, locality: str, after: list[str], before: list[str]) -> Caveat:
    """merged_2025 for a comparison that crosses the reorganisation through a successor or predecessor."""
    units = rows.drop_duplicates("locality_id").set_index("locality_id")

    def end_of(lid, lang):
        end = units.at[lid, "locality_valid_to"] if lid in units.index else ""
        if not _ok(end):
            return ""
        return f" (đến {words.date(end, lang)})" if lang == "vi" else f" (until {words.date(end, lang)})"

    msgs = {"vi": [], "en": []}
    for lang in ("vi", "en"):
        names = _names_of(rows, lang)
        me = names.get(locality, locality)
        for lid in before:
            other = names.get(lid, lid)
            msgs[lang].append(f"số liệu của {other}{end_of(lid, lang)} được so sánh qua đơn vị kế thừa {me}"
                              if lang == "vi" else
                              f"figures of {other}{end_of(lid, lang)} are compared through its successor {me}")
        for lid in after:
            other = names.get(lid, lid)
            msgs[lang].append(f"{me}{end_of(locality, lang)} được so sánh qua đơn vị kế thừa {other}, "
                              "đơn vị có quy mô khác" if lang == "vi" else
                              f"{me}{end_of(locality, lang)} is compared through its successor {other}, "
                              "a unit of a different size")
    return Caveat("merged_2025", "Sắp xếp đơn vị hành chính năm 2025: " + "; ".join(msgs["vi"]) + ".",
                  "The 2025 reorganisation: " + "; ".join(msgs["en"]) + ".", _ids(rows))


def compare_reorganisation(df: pd.DataFrame, successor: str, metric: str, *, figure_type="result") -> pd.DataFrame:
    """A unit formed in the 2025 reorganisation beside its predecessors, on one indicator: their figures
    (successor first), with a merged_2025 caveat that names the merge in words. The units differ in size,
    so nothing is added up or derived."""
    df = without_attrs(df)
    _, before = _related(df, successor)
    rows = select(df, metric=metric, locality=[successor] + before, figure_type=figure_type)
    order = {lid: i for i, lid in enumerate([successor] + before)}
    rows = rows.assign(_o=rows["locality_id"].astype(str).map(order))
    rows = rows.sort_values(["_o", "period_end", "figure_id"], kind="stable").drop(columns="_o")
    found = caveats(rows)
    present = set(rows["locality_id"].astype(str))
    if present - {successor}:
        found = _replace_caveat(found, _through_caveat(rows, successor, [], [b for b in before if b in present]))
    rows.attrs = {"caveats": found}
    return rows


def _ok(text) -> bool:
    return isinstance(text, str) and text.strip() != ""


def rank(df: pd.DataFrame, metric: str, *, tier=None, term=None) -> pd.DataFrame:
    """Localities ranked within each term (1 = best) by the metric's direction.

    Ties share the better rank. A neutral metric (members in total, recruits) is ranked by
    size, and a `neutral_direction` caveat says that a higher rank is not better.
    """
    df = without_attrs(df)
    rows = select(df, metric=metric, tier=tier, term=term)
    view = _view_of(rows)
    direction = str(rows["direction"].iloc[0]) if not rows.empty else "higher"
    ascending = direction == "lower"
    view["rank"] = view.groupby("term", observed=True)["value"].rank(ascending=ascending, method="min").astype("Int64")
    view = view.sort_values(["term", "rank", "locality_id"], kind="stable").reset_index(drop=True)
    found = caveats(_rows_of(rows, view))
    if direction == "neutral" and not view.empty:
        first = rows.iloc[0]
        found.append(Caveat(
            "neutral_direction",
            f"Chỉ số “{first['label_vi']}” là trung tính: thứ hạng chỉ xếp theo độ lớn (lớn nhất là 1), "
            "không có nghĩa tốt hơn hay kém hơn.",
            f"“{first['label_en']}” is neutral: the ranking only orders by size (largest = 1) and means "
            "neither better nor worse.", _ids(_rows_of(rows, view))))
    view.attrs = {"caveats": found}
    return view


# ---------------------------------------------------------------- targets against results

# Where the true value lies from the printed one (+1 above, -1 below), for a figure equal to its target.
_SIDE = {"more_than": 1.0, "nearly": -1.0, "less_than": -1.0}


def _statuses(achieved, target, qualifier, direction) -> np.ndarray:
    """exceeded / met / missed by the metric's direction, for arrays; a strict qualifier decides a tie.

    'Hơn 100%' against 100 is exceeded (the true value is above it); 'gần 2%' of a
    lower-is-better rate against 2 is exceeded (just under); 'gần 100%' against 100 is missed.
    A neutral metric is read as higher-is-better, so only 'met' carries meaning.
    """
    a, t = np.asarray(achieved, dtype=float), np.asarray(target, dtype=float)
    sign = np.where(pd.Series(direction, dtype=object).to_numpy() == "lower", -1.0, 1.0)
    side = pd.Series(qualifier, dtype=object).map(_SIDE).fillna(0.0).to_numpy(dtype=float) * sign
    with np.errstate(invalid="ignore"):
        out = np.where(sign * (a - t) > 0, "exceeded", "missed")
        tie = np.where(side > 0, "exceeded", np.where(side < 0, "missed", "met"))
        out = np.where(np.isclose(a, t, rtol=1e-9, atol=1e-9), tie, out)
    return np.where(np.isnan(a) | np.isnan(t), "no_result", out).astype(object)


def _picked(targets: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """For each target (by position), the result it is judged by: same locality, metric, scope and basis, a
    period that overlaps; same period end first, else the latest one in its period. One merge and one sort
    over all targets at once; columns t (target position) and r (result position)."""
    key = ["locality_id", "metric_id", "scope", "basis"]
    left = _key_frame(targets, key).assign(t=np.arange(len(targets)), ts=targets["period_start"].to_numpy(),
                                           te=targets["period_end"].to_numpy())
    right = _key_frame(results, key).assign(r=np.arange(len(results)), rs=results["period_start"].to_numpy(),
                                            re=results["period_end"].to_numpy(),
                                            rid=results["figure_id"].astype(object).to_numpy())
    pairs = left.merge(right, on=key)
    pairs = pairs[(pairs["rs"] <= pairs["te"]) & (pairs["re"] >= pairs["ts"])]
    pairs = pairs.assign(same_end=pairs["re"] == pairs["te"], same_start=pairs["rs"] == pairs["ts"],
                         within=(pairs["re"] <= pairs["te"]) & (pairs["rs"] >= pairs["ts"]))
    pairs = pairs.sort_values(["t", "same_end", "within", "re", "same_start", "rid", "r"],
                              ascending=[True, False, False, False, False, True, True], kind="stable")
    return pairs.drop_duplicates("t")[["t", "r"]]


def _same(column: pd.Series, value) -> pd.Series:
    """Rows whose cell equals `value`, an empty cell matching an empty value (a scope or basis)."""
    cells = column.astype(object).where(column.notna(), "")
    return cells == ("" if value is None or pd.isna(value) else str(value))


def targets_vs_results(df: pd.DataFrame) -> pd.DataFrame:
    """Every target with the result it is judged by, and % of plan / targets-met figures on their own scale.

    Status follows the metric's direction (a lower poverty rate beats its target). Flows are
    compared per year, so a term target can be judged by a half-term result. `basis` says where
    the target came from: 'target' (an annotated target), 'plan_100' (a % of plan figure against
    100%) or 'targets_met' (21/21: the count against its total).
    """
    df = without_attrs(df)
    if df.empty:
        return _empty_tvr()
    kinds = df["figure_type"].astype(object)
    targets = df[(kinds == "target").to_numpy()].sort_values("figure_id")
    results = df[(kinds == "result").to_numpy()]
    r_of = np.full(len(targets), -1)
    pick = _picked(targets, results)
    r_of[pick["t"].to_numpy()] = pick["r"].to_numpy()
    judged = _judged(targets, results, r_of)
    implicit = results[~np.isin(np.arange(len(results)), r_of)]
    kind = implicit["kind"].astype(object)
    plan, met = implicit[(kind == "pct_of_plan").to_numpy()], implicit[((kind == "targets_met") & implicit["out_of"].notna()).to_numpy()]
    columns = [judged,
               _tvr_columns(plan, np.full(len(plan), 100.0), ["exact"] * len(plan), comparable(plan).to_numpy(),
                            plan["qualifier"], plan["direction"], None, plan["figure_id"], "plan_100"),
               _tvr_columns(met, met["out_of"].to_numpy(dtype=float), ["exact"] * len(met), met["value"].to_numpy(dtype=float),
                            met["qualifier"], ["higher"] * len(met), None, met["figure_id"], "targets_met")]
    records = [row for block in columns for row in zip(*(block[c] for c in TVR_COLUMNS))]
    if not records:
        return _empty_tvr()
    out = pd.DataFrame.from_records(records, columns=TVR_COLUMNS)
    out["term"] = out["term"].astype(TERM_DTYPE)
    out = out.sort_values(["locality_id", "metric_id", "term", "target_figure_id", "result_figure_id"],
                          kind="stable", na_position="last").reset_index(drop=True)
    ids = set(out["target_figure_id"].dropna()) | set(out["result_figure_id"].dropna())
    found = caveats(df[df["figure_id"].astype(str).isin(ids)])
    # Each row stays within one locality and one metric: levels, metrics and period lengths are only
    # compared within a row, so those codes are judged pair by pair.
    found = [c for c in found if c.code not in ("mixed_levels", "mixed_metrics", "mixed_period_lengths")]
    periods = _pair_periods_caveat(targets, results, r_of)
    out.attrs = {"caveats": found if periods is None else _replace_caveat(found, periods)}
    return out


def _take(frame: pd.DataFrame, column: str, pos: np.ndarray, missing=None) -> np.ndarray:
    """frame[column] at positions `pos` (an object array), `missing` where pos is -1 (no row)."""
    out = np.full(len(pos), missing, dtype=object)
    ok = pos >= 0
    out[ok] = frame[column].astype(object).to_numpy()[pos[ok]]
    return out


def _judged(targets: pd.DataFrame, results: pd.DataFrame, r_of: np.ndarray) -> dict:
    """The columns of the annotated targets' rows; a result ending before a non-flow target's end is interim."""
    has = r_of >= 0
    achieved = np.full(len(targets), np.nan)
    achieved[has] = comparable(results).to_numpy()[r_of[has]]
    r_q = _take(results, "qualifier", r_of)
    r_q[has] = [str(q) for q in r_q[has]]
    block = _tvr_columns(targets, comparable(targets).to_numpy(), targets["qualifier"], achieved, r_q,
                         targets["direction"], targets["figure_id"], _take(results, "figure_id", r_of), "target",
                         raw_achieved_q=True)
    ends = _take(results, "period_end", r_of, pd.NaT)
    interim = has & (targets["kind"].astype(object).to_numpy() != "flow")
    interim[interim] = pd.to_datetime(ends[interim]) < targets["period_end"].to_numpy()[interim]
    block["status"] = np.where(interim, "interim", block["status"]).astype(object)
    return block


def _tvr_columns(rows, target, target_q, achieved, achieved_q, direction, target_id, result_id, basis, *,
                 raw_achieved_q=False) -> dict:
    """TVR_COLUMNS of a block of rows as arrays (target_id / result_id: a column, or None for none)."""
    n = len(rows)
    term = rows["term"].astype(object)
    qual = pd.Series(achieved_q, dtype=object)
    return {"locality_id": rows["locality_id"].astype(object).to_numpy(),
            "locality_name": rows["locality_name"].astype(object).to_numpy(),
            "metric_id": rows["metric_id"].astype(object).to_numpy(), "label_vi": rows["label_vi"].astype(object).to_numpy(),
            "label_en": rows["label_en"].astype(object).to_numpy(),
            "term": term.where(term.notna(), None).map(lambda x: x if x is None else str(x)).to_numpy(),
            "target": np.asarray(target, dtype=float), "target_qualifier": pd.Series(target_q, dtype=object).map(str).to_numpy(),
            "achieved": np.asarray(achieved, dtype=float),
            "achieved_qualifier": qual.to_numpy() if raw_achieved_q else qual.map(str).to_numpy(),
            "status": _statuses(achieved, target, qual.to_numpy(), pd.Series(direction, dtype=object).map(str).to_numpy()),
            "target_figure_id": np.full(n, None, dtype=object) if target_id is None else np.asarray(target_id, dtype=object),
            "result_figure_id": np.full(n, None, dtype=object) if result_id is None else np.asarray(result_id, dtype=object),
            "basis": np.full(n, basis, dtype=object)}


def _pair_periods_caveat(targets: pd.DataFrame, results: pd.DataFrame, r_of: np.ndarray) -> Caveat | None:
    """mixed_period_lengths for targets judged by a result of another period (e.g. half the term)."""
    has = r_of >= 0
    t, r = targets[has], results.iloc[r_of[has]]
    other = ((t["period_start"].to_numpy() != r["period_start"].to_numpy())
             | (t["period_end"].to_numpy() != r["period_end"].to_numpy()))
    if not other.any():
        return None
    t, r = t[other], r[other]
    pairs = pd.DataFrame({"locality_name": t["locality_name"].to_numpy(), "level": t["level"].to_numpy(),
                          "label_vi": t["label_vi"].to_numpy(), "label_en": t["label_en"].to_numpy(),
                          "ts": t["period_start"].to_numpy(), "te": t["period_end"].to_numpy(),
                          "rs": r["period_start"].to_numpy(), "re": r["period_end"].to_numpy(),
                          "flow": t["kind"].astype(object).to_numpy() == "flow"})
    pairs["interim"] = ~pairs["flow"] & (pairs["re"] < pairs["te"])
    parts = {lang: _mapped(pairs, list(pairs.columns), lambda p, lang=lang: _pair_text(p, lang)).tolist()
             for lang in ("vi", "en")}
    ids = [str(x) for pair in zip(t["figure_id"], r["figure_id"]) for x in pair]
    return Caveat("mixed_period_lengths",
                  f"Chỉ tiêu được đối chiếu với kết quả của thời kỳ khác: {_listing(parts['vi'], 'vi')}.",
                  f"Targets judged by a result for another period: {_listing(parts['en'], 'en')}.", tuple(ids))


def _pair_text(p, lang: str) -> str:
    place, metric = display_name(str(p.locality_name), str(p.level), lang), _metric_label(p, lang)
    tp, rp = words.period(p.ts, p.te, lang), words.period(p.rs, p.re, lang)
    if lang == "vi":
        how = ("so sánh bình quân mỗi năm" if p.flow else
               "kết quả giữa kỳ, chưa đánh giá đạt hay không" if p.interim else "so sánh như in")
        return f"{place}, {metric}: chỉ tiêu {tp}, kết quả {rp} ({how})"
    how = ("compared per year" if p.flow else
           "an interim result, not judged met or missed" if p.interim else "compared as printed")
    return f"{place}, {metric}: target {tp}, result {rp} ({how})"


def _empty_tvr() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=object) for c in TVR_COLUMNS})
    out["term"] = out["term"].astype(TERM_DTYPE)
    out["target"] = out["target"].astype(float)
    out["achieved"] = out["achieved"].astype(float)
    out.attrs = {"caveats": []}
    return out


# ---------------------------------------------------------------- what the data covers

def _metric_order(df: pd.DataFrame) -> list[str]:
    cats = {c: i for i, c in enumerate(VOCABULARIES["category"])}
    pairs = df[["metric_id", "category"]].drop_duplicates("metric_id")
    keyed = sorted((cats.get(str(c), len(cats)), str(m)) for m, c in zip(pairs["metric_id"], pairs["category"]))
    return [m for _, m in keyed]


def _locality_order(df: pd.DataFrame) -> list[str]:
    tiers = {t: i for i, t in enumerate(VOCABULARIES["tier"])}
    pairs = df[["locality_id", "tier"]].drop_duplicates("locality_id")
    keyed = sorted((tiers.get(str(t), len(tiers)), str(lid)) for lid, t in zip(pairs["locality_id"], pairs["tier"]))
    return [lid for _, lid in keyed]


def coverage(df: pd.DataFrame) -> pd.DataFrame:
    """Figures per metric (rows) and (locality, term) (columns): where comparisons are possible at all.

    Metrics follow the category order of the codebook; localities go provincial, district,
    commune, then by id; every term present in the data is a column for every locality.
    """
    df = without_attrs(df)
    placed = df[df["term"].notna()]
    terms = [t for t in TERMS if t in set(placed["term"].astype(str))]
    columns = pd.MultiIndex.from_product([_locality_order(df), terms], names=["locality_id", "term"])
    index = pd.Index(_metric_order(df), name="metric_id")
    if placed.empty:
        return pd.DataFrame(0, index=index, columns=columns, dtype=int)
    counts = (placed.assign(term=placed["term"].astype(str), locality_id=placed["locality_id"].astype(str),
                            metric_id=placed["metric_id"].astype(str))
              .groupby(["metric_id", "locality_id", "term"]).size())
    wide = counts.unstack(["locality_id", "term"])
    return wide.reindex(index=index, columns=columns).fillna(0).astype(int)


def coverage_long(df: pd.DataFrame) -> pd.DataFrame:
    """The non-empty cells of `coverage` as rows: locality_id, metric_id, term, n_figures."""
    wide = coverage(df)
    if wide.empty:
        out = pd.DataFrame({"locality_id": pd.Series(dtype=object), "metric_id": pd.Series(dtype=object),
                            "term": pd.Series(dtype=TERM_DTYPE), "n_figures": pd.Series(dtype=int)})
        return out
    long = wide.stack(["locality_id", "term"], future_stack=True) if _has_future_stack() else \
        wide.stack(["locality_id", "term"])
    long = long[long > 0].rename("n_figures").reset_index()
    loc_order = {lid: i for i, lid in enumerate(wide.columns.get_level_values(0).unique())}
    met_order = {m: i for i, m in enumerate(wide.index)}
    long["term"] = long["term"].astype(TERM_DTYPE)
    long = long.assign(_l=long["locality_id"].map(loc_order), _m=long["metric_id"].map(met_order))
    long = long.sort_values(["_l", "_m", "term"], kind="stable").drop(columns=["_l", "_m"]).reset_index(drop=True)
    long["n_figures"] = long["n_figures"].astype(int)
    return long[["locality_id", "metric_id", "term", "n_figures"]]


def _has_future_stack() -> bool:
    import inspect

    return "future_stack" in inspect.signature(pd.DataFrame.stack).parameters


def most_reported(df: pd.DataFrame, column: str = "metric_id", by: str | None = None) -> str | None:
    """The value of `column` with the most figures (or, with `by`, the most distinct `by` values, e.g. the
    indicator the most localities report); ties go to the first id in order. A notebook's default choice, so
    no id that may not exist is written into a notebook. None when the table is empty."""
    df = without_attrs(df)
    ids = df[column].astype(str)
    counts = (df.assign(_id=ids).groupby("_id")[by].nunique() if by else ids.value_counts())
    if counts.empty:
        return None
    return sorted(counts[counts == counts.max()].index)[0]
