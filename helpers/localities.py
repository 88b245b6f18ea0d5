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
