"""The gazetteer seen by charts and comparisons: display names, fixed order, successors."""
from __future__ import annotations

from .schema import VOCABULARIES

# The kind word in front of a name (Vietnamese) or after it (English).
_KIND_VI = {"municipality": "TP.", "province": "Tỉnh", "provincial_city": "TP.", "town": "TX.",
            "urban_district": "Quận", "rural_district": "Huyện", "ward": "Phường", "commune": "Xã",
            "township": "TT.", "special_zone": "Đặc khu"}
_KIND_EN = {"municipality": "City", "province": "Province", "provincial_city": "City", "town": "Town",
            "urban_district": "District", "rural_district": "District", "ward": "Ward", "commune": "Commune",
            "township": "Township", "special_zone": "Special Zone"}


def display_name(name: str, level: str, lang: str = "vi") -> str:
    """'Phường Thành Tô' / 'Thành Tô Ward': the kind of unit is part of what a reader needs."""
    if level not in VOCABULARIES["level"]:
        return name
    return f"{_KIND_VI[level]} {name}" if lang == "vi" else f"{name} {_KIND_EN[level]}"


def successor_chain(successors: dict[str, list[str]], locality_id: str) -> list[str]:
    """Every later unit a locality went into, wholly or in part, nearest first (a split gives several;
    a loop stops)."""
    chain, seen, queue = [], {locality_id}, [locality_id]
    while queue:
        current = queue.pop(0)
        nxt = successors.get(current) or []
        for s in ([nxt] if isinstance(nxt, str) else nxt):
            if s and s not in seen:
                chain.append(s)
                seen.add(s)
                queue.append(s)
    return chain


# Display names of the gazetteer last loaded (helpers.load/check register it), by language: text about a
# unit with no figure at hand (a successor) names it from the data folder being analysed, not only data/.
_LOADED_NAMES: dict[str, dict[str, str]] = {"vi": {}, "en": {}}


def remember_gazetteer(localities) -> None:
    """Register the display names of a loaded gazetteer (a frame of localities.csv rows); a later load
    renames a unit it also holds."""
    for lang in ("vi", "en"):
        _LOADED_NAMES[lang].update({str(r.locality_id): display_name(str(r.name), str(r.level), lang)
                                    for r in localities.itertuples()})


def gazetteer_names(lang: str = "vi", data_dir=None) -> dict[str, str]:
    """Display names of every unit in the gazetteer, for text that names a unit with no figure at hand: the
    project's data/ (or `data_dir`), overlaid with the gazetteer last loaded when no `data_dir` is given."""
    from . import paths
    from .io import read_table
    from .schema import LOCALITIES

    path = (paths.DATA if data_dir is None else data_dir) / "localities.csv"
    names = {}
    if path.exists():
        frame = read_table(path, LOCALITIES).frame
        names = {str(r.locality_id): display_name(str(r.name), str(r.level), lang) for r in frame.itertuples()}
    if data_dir is None:
        names.update(_LOADED_NAMES[lang])
    return names


# The kind words an article prints before a unit's name, and the levels they name.
KIND_WORDS = {"phường": ("ward",), "xã": ("commune",), "thị trấn": ("township",), "đặc khu": ("special_zone",),
              "quận": ("urban_district",), "huyện": ("rural_district",), "thị xã": ("town",),
              "thành phố": ("provincial_city", "municipality"), "tp.": ("provincial_city", "municipality"),
              "tp": ("provincial_city", "municipality"), "tỉnh": ("province",)}


class Places:
    """Units named in a text ('phường Thành Tô', 'quận Hải An'), found in the gazetteer by kind word and name.

    `named_before(text, start, pos)` is the last unit named in text[start:pos] as (locality_id, words), the id
    empty when the gazetteer lacks the unit; such names gather in `unknown`, to be proposed for add-locality."""

    def __init__(self, localities, published: str = ""):
        import re
        import unicodedata

        self._re = re
        self.by_name: dict[tuple[str, str], list[dict]] = {}
        for r in (localities.to_dict("records") if hasattr(localities, "to_dict") else localities):
            key = (r["level"], unicodedata.normalize("NFC", r["name"]).lower())
            self.by_name.setdefault(key, []).append(r)
        self.published = published
        kinds = "|".join(re.escape(k) for k in sorted(KIND_WORDS, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)((?i:{kinds}))\s+(\w+(?:\s+\w+){{0,3}})")
        self.unknown: set[str] = set()

    def find(self, kind: str, name: str) -> str | None:
        """The id of the unit of that kind word and name valid at publication ('' when several and none is)."""
        hits = [r for level in KIND_WORDS[kind.lower()] for r in self.by_name.get((level, name.lower()), [])]
        if not hits:
            return None
        valid = [r for r in hits if (not r.get("valid_to") or r["valid_to"] >= self.published[:10])
                 and (not r.get("valid_from") or r["valid_from"][:7] <= (self.published[:7] or "9999"))]
        pick = valid or hits
        return pick[0]["locality_id"] if len(pick) == 1 else pick[-1]["locality_id"]

    def named_before(self, text: str, start: int, pos: int) -> tuple[str, str] | None:
        last = None
        for m in self.pattern.finditer(text, start, pos):
            words = []
            for w in m.group(2).split():  # a name is its capitalised words: 'Quận Hải An đã' -> Hải An
                if not w[0].isupper():
                    break
                words.append(w)
            if not words:
                continue
            for n in range(len(words), 0, -1):  # 'phường Thành Tô quận Hải An': the longest name known
                found = self.find(m.group(1), " ".join(words[:n]))
                if found:
                    last = (found, f"{m.group(1)} {' '.join(words[:n])}")
                    break
            else:
                self.unknown.add(f"{m.group(1).capitalize()} {' '.join(words[:2])}")
        return last
