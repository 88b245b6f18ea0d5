"""The gazetteer seen by charts and comparisons: display names, fixed order, successors."""
from __future__ import annotations

from .schema import VOCABULARIES

# The kind word in front of a name (Vietnamese) or after it (English).
_KIND_VI = {"municipality": "TP.", "province": "Tỉnh", "provincial_city": "TP.", "town": "TX.",
            "urban_district": "Quận", "rural_district": "Huyện", "ward": "Phường", "commune": "Xã",
            "township": "TT."}
_KIND_EN = {"municipality": "City", "province": "Province", "provincial_city": "City", "town": "Town",
            "urban_district": "District", "rural_district": "District", "ward": "Ward", "commune": "Commune",
            "township": "Township"}


def display_name(name: str, level: str, lang: str = "vi") -> str:
    """'Phường Thành Tô' / 'Thành Tô Ward': the kind of unit is part of what a reader needs."""
    if level not in VOCABULARIES["level"]:
        return name
    return f"{_KIND_VI[level]} {name}" if lang == "vi" else f"{name} {_KIND_EN[level]}"


def successor_chain(successors: dict[str, str], locality_id: str) -> list[str]:
    """Every later unit a locality was merged into, oldest first (stops on a loop)."""
    chain, seen = [], {locality_id}
    nxt = successors.get(locality_id) or ""
    while nxt and nxt not in seen:
        chain.append(nxt)
        seen.add(nxt)
        nxt = successors.get(nxt) or ""
    return chain
