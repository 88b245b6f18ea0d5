"""Which localities a view draws and labels, and which it shows only as context (Our World in Data's
grapher: a few entities highlighted, the rest faint), so a chart of 3,000 wards stays readable.

No matplotlib here: the charts, the deck's native charts and the pack's choice all ask the same question.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import analysis, words
from .schema import label

# Why a locality is highlighted: the analyst chose it, it is among the highest or lowest, it is the province.
REASONS = ("chosen", "province", "top", "bottom", "all")


@dataclass
class Focus:
    """The localities of one view: `highlighted` drawn and labelled (id -> reason), `context` drawn faint,
    `other_levels` the units of other levels not drawn at all (a ward is not compared with a province)."""

    highlighted: dict[str, str]
    context: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    other_levels: int = 0

    @property
    def summarised(self) -> bool:
        return bool(self.context)

    def note(self, lang: str) -> str:
        """'Tô màu 7 đơn vị; nền xám: 640 phường, xã khác' for the subtitle; '' when every unit is labelled."""
        if not self.summarised and not self.other_levels:
            return ""
        n, m, kinds = len(self.highlighted), words.number(len(self.context), lang), level_words(self.levels, lang)
        text = (f"tô màu {n} đơn vị" if lang == "vi" else f"{n} units highlighted")
        if self.context:
            text += f"; nền xám: {m} {kinds} khác" if lang == "vi" else f"; grey: {m} other {kinds}"
        if self.other_levels:
            other = words.number(self.other_levels, lang)
            text += (f"; không vẽ {other} đơn vị cấp khác" if lang == "vi" else
                     f"; {other} units of other levels not drawn")
        return text


def level_words(levels, lang: str) -> str:
    """'phường, xã' / 'wards, communes': the kinds of unit a context summarises, from the schema's labels."""
    def plural(word: str) -> str:
        return word[:-1] + "ies" if word.endswith("y") else word + "s"

    return ", ".join(label("level", lv, lang).lower() if lang == "vi" else plural(label("level", lv, lang).lower())
                     for lv in levels)


def locality_values(rows: pd.DataFrame) -> pd.Series:
    """Each locality's median comparable value (per year for flows): what 'top' and 'bottom' rank by."""
    values = pd.Series(analysis.comparable(rows).to_numpy(), index=rows["locality_id"].astype(str).to_numpy())
    return values.groupby(level=0).median().dropna()


def focus(rows: pd.DataFrame, *, highlight=None, province: str | None = None, max_labelled: int | None = None,
          notable: int | None = None) -> Focus:
    """Split the localities of `rows` (one indicator) into highlighted and context.

    Up to `max_labelled` units (or with no limit), every one is highlighted, as a small data set always was.
    Beyond it, the view keeps the level of the chosen units (else the level most units report at); when
    that level has no more than `max_labelled` units they are all labelled, else the view highlights the
    chosen ones, the `province` unit and the `notable` highest and lowest of that level."""
    ids = rows["locality_id"].astype(str)
    units = list(dict.fromkeys(ids))
    if max_labelled is None or len(units) <= max_labelled:
        return Focus({u: "all" for u in units}, levels=_levels(rows))
    chosen = [str(u) for u in (highlight or []) if str(u) in set(units)]
    level = rows["level"].astype(str)
    levels = list(dict.fromkeys(level[ids.isin(chosen)])) or [_commonest_level(rows)]
    pool = rows[level.isin(levels)]
    if pool["locality_id"].nunique() <= max_labelled:  # the level alone is few enough: label all of it
        kept = list(dict.fromkeys(pool["locality_id"].astype(str)))
        return Focus({u: "all" for u in kept}, [], levels, int(ids[~level.isin(levels)].nunique()))
    picked = {u: "chosen" for u in chosen}
    if province and province in set(units):
        picked.setdefault(province, "province")
    ranked = locality_values(pool).sort_values(kind="stable")
    n = notable or 0
    for u in ranked.index[::-1][:n]:
        picked.setdefault(u, "top")
    for u in ranked.index[:n]:
        picked.setdefault(u, "bottom")
    context = [u for u in dict.fromkeys(pool["locality_id"].astype(str)) if u not in picked]
    others = ids[~level.isin(levels)].nunique() - sum(1 for u in picked if u not in set(pool["locality_id"].astype(str)))
    return Focus(picked, context, levels, max(0, int(others)))


def _levels(rows: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(rows["level"].astype(str)))


def _commonest_level(rows: pd.DataFrame) -> str:
    """The level most units report at (ties: the first in the data's order)."""
    counts = rows.drop_duplicates("locality_id")["level"].astype(str).value_counts(sort=False)
    return str(counts.idxmax())
