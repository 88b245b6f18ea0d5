"""Adding a unit the data mentions to the gazetteer: found in the official lists, not typed by hand.

The lists come from the `vietnamadminunits` package, which ships them as a database and needs no network for
what is used here: the 63-province list as it stood on 30 June 2025 (province, district, ward, with GSO codes;
table `admin_units_legacy`) and the 34-province list from 1 July 2025 (province, ward; table `admin_units`).
Only its public API is used: `database.query` and `convert_address` on an address without a street part
(with a street part it may geocode over the network).

`add_locality()` finds the one unit a name means, builds its row of data/localities.csv (id, name, level,
parents, code, validity across 2025) and the rows of any parent the gazetteer lacks, and appends them in one
atomic write. What the package says about successors is printed as a suggestion, never written: a candidate
is not a fact, and data/successions.csv holds only what a resolution says.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import paths
from .io import AppendRefused, append_rows, read_table
from .problems import FixableError
from .schema import LOCALITIES, SLUG

PACKAGE = "vietnamadminunits"
ENDED, BEGAN = "2025-06-30", "2025-07-01"
LEGACY_LIST, NEW_LIST = "the list before 1 July 2025", "the list from 1 July 2025"
# The package's kind words and what they are in the gazetteer: (level, locality_id prefix).
WARD_KINDS = {"Phường": ("ward", "phuong"), "Xã": ("commune", "xa"), "Thị trấn": ("township", "thi-tran")}
DISTRICT_KINDS = {"Quận": ("urban_district", "quan"), "Huyện": ("rural_district", "huyen"),
                  "Thị xã": ("town", "tx"), "Thành phố": ("provincial_city", "tp")}
PROVINCE_KINDS = {"Thành phố": ("municipality", "tp"), "Tỉnh": ("province", "tinh")}
# Kind words a user may type before a name, and the levels each one means (longest first when matched).
TYPED_KINDS = {"phường": {"ward"}, "xã": {"commune"}, "thị trấn": {"township"}, "quận": {"urban_district"},
               "huyện": {"rural_district"}, "thị xã": {"town"}, "thành phố": {"provincial_city", "municipality"},
               "tp.": {"provincial_city", "municipality"}, "tp": {"provincial_city", "municipality"},
               "tỉnh": {"province"}, "đặc khu": {"special_zone"}}
TONES = "\u0300\u0301\u0303\u0309\u0323"


class GazetteerError(FixableError):
    """The unit was not added; `fix` says what to do. Nothing was written."""

    def __init__(self, message: str, fix: str = "", lines: list[str] | None = None):
        super().__init__(message, fix)
        self.lines = lines or []  # candidates or close names, one per line


@dataclass(frozen=True)
class Unit:
    """One unit of an official list."""

    kind: str  # the package's kind word: Phường, Quận, Tỉnh, ...
    name: str  # without the kind word
    level: str  # the gazetteer's level, or 'special_zone'
    prefix: str  # of its locality_id
    code: str
    new: bool  # in the list from 1 July 2025
    district: "Unit | None" = None
    province: "Unit | None" = None

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def parent(self) -> "Unit | None":
        return self.district or self.province

    def where(self) -> str:
        """'Phường Ngọc Lâm, Quận Long Biên, Thành phố Hà Nội (00133)'."""
        return ", ".join(u.full for u in (self, self.district, self.province) if u) + f" ({self.code})"


@dataclass
class Added:
    rows: list[dict]  # parents first, the unit last
    file: Path
    written: bool
    unit: Unit
    notes: list[str] = field(default_factory=list)  # suggestions (successors, predecessors) and cautions


def package_version() -> str | None:
    """The installed vietnamadminunits version, or None when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return None


def add_locality(name: str, *, district: str | None = None, province: str | None = None, new: bool = False,
                 locality_id: str | None = None, data_dir=None, dry_run: bool = False) -> Added:
    """Find `name` in the official list and append its row (and missing parents) to localities.csv."""
    if package_version() is None:
        raise GazetteerError(f"the {PACKAGE} package is not installed",
                             f"install it into this environment: pip install '{PACKAGE}>=1.0.4'")
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    file = data_dir / "localities.csv"
    raw = read_table(file, LOCALITIES)
    if not raw.readable:
        first = raw.problems.errors[0] if raw.problems.errors else None
        raise GazetteerError(f"{file} cannot be read" + (f": {first.message}" if first else ""),
                             first.fix if first else "run `python -m helpers validate` for the report")
    existing = {r.locality_id: r for r in raw.frame.fillna("").itertuples() if r.locality_id}
    if locality_id is not None and not re.fullmatch(SLUG, locality_id):
        raise GazetteerError(f"'{locality_id}' is not a valid locality id",
                             "use lower-case ASCII letters, digits and single hyphens, e.g. phuong-ngoc-lam")

    unit, notes = find_unit(name, district=district, province=province, new=new)
    rows: list[dict] = []
    planned: dict[str, dict] = {}
    parent_id = _ensure(unit.parent, existing, planned, rows)
    province_id = _ensure(unit.province, existing, planned, rows)
    present = _present(unit, existing, parent_id, province_id)
    if present:
        raise GazetteerError(f"{unit.full} is already in {file} as '{present}'",
                             "nothing to add: use that locality_id (check the row if it is not this unit)")
    uid = locality_id or unit_id(unit, existing)
    if uid in existing or uid in planned:
        row = existing.get(uid)
        what = f" ({row.name}, {row.level}, province {row.province_id or '-'})" if row is not None else ""
        example = f"{uid}-{_slug(unit.parent.name)}" if unit.parent else f"{uid}-2"
        raise GazetteerError(f"'{uid}' is already in {file}{what}, another unit",
                             f"give this one its own id with --id, e.g. {example}")
    rows.append(row_of(unit, uid, parent_id, province_id or uid))
    notes += crosswalk_notes(unit)
    if not dry_run:
        try:
            append_rows(file, LOCALITIES, rows)
        except AppendRefused as exc:
            raise GazetteerError(exc.message, exc.fix) from None
    return Added(rows, file, not dry_run, unit, notes)


def _ensure(unit: Unit | None, existing: dict, planned: dict, rows: list[dict]) -> str | None:
    """The id of a parent unit: its row in the gazetteer, else a new row added before the unit's."""
    if unit is None:
        return None
    parent_id = _ensure(unit.parent, existing, planned, rows)
    province_id = _ensure(unit.province, existing, planned, rows)
    present = _present(unit, existing, parent_id, province_id)
    if present:
        return present
    uid = unit_id(unit, existing)
    if uid in existing:
        row = existing[uid]
        raise GazetteerError(f"{unit.where()} would be '{uid}', but that id is {row.name} ({row.level}, province "
                             f"{row.province_id or '-'}) in localities.csv",
                             "add that unit by hand under another id first (or correct the row), then run again")
    if uid not in planned:
        planned[uid] = row_of(unit, uid, parent_id, province_id or uid)
        rows.append(planned[uid])
    return uid


def _present(unit: Unit, existing: dict, parent_id: str | None, province_id: str | None) -> str | None:
    """The id of the gazetteer row that is this unit: same level, name, parent and province, and nothing that
    places it on the other side of 1 July 2025 when the unit is on one side only (see `_era`)."""
    side = "both" if continued(unit) else ("new" if unit.new else "old")
    for uid, row in existing.items():
        if row.level != unit.level or canonical(row.name) != canonical(unit.name):
            continue
        if (row.parent_id or None) != parent_id or row.province_id != (province_id or uid):
            continue
        if row.official_code and row.official_code.lstrip("0") != unit.code.lstrip("0"):
            continue
        era = _era(uid, row)
        if side == "both" or era == side or (era == "unknown" and not (side == "new" and _older_namesake(unit))):
            return uid
    return None


def _era(uid: str, row) -> str:
    """Which side of 1 July 2025 a gazetteer row is on: 'new' (begins then, or the -2025 id the convention
    gives such units), 'old' (ends on or before 2025-06-30), or 'unknown' (validity not researched)."""
    if (row.valid_from and row.valid_from >= BEGAN) or uid.endswith("-2025"):
        return "new"
    if row.valid_to and row.valid_to <= ENDED:
        return "old"
    return "unknown"


def row_of(unit: Unit, uid: str, parent_id: str | None, province_id: str) -> dict:
    """The gazetteer row of `unit`: code from the package, validity across 2025 as the package has it."""
    version = package_version()
    listing = NEW_LIST if unit.new else LEGACY_LIST
    source = f"official_code from {PACKAGE} {version} ({listing})"
    valid_from = valid_to = ""
    validity = f"validity from {PACKAGE} {version}; confirm against the resolution"
    if continued(unit):
        validity = (f"not merged on 1 July 2025 according to {PACKAGE} {version}" if unit.province is None else
                    f"apparently unchanged on 1 July 2025 ({PACKAGE} {version} sends no other older ward to it; "
                    "parts of split wards cannot be seen)") + "; confirm against the resolution"
    elif unit.new:
        valid_from = BEGAN
    else:
        valid_to = ENDED
    return {"locality_id": uid, "name": unit.name, "level": unit.level, "parent_id": parent_id or "",
            "province_id": province_id, "official_code": unit.code, "valid_from": valid_from, "valid_to": valid_to,
            "validity_source": "", "notes": f"Added by add-locality: {source}; {validity}."}


def unit_id(unit: Unit, existing: dict) -> str:
    """The project's id: kind prefix and ASCII slug (phuong-ngoc-lam). A unit formed on 1 July 2025 whose id is
    taken in the gazetteer, or belongs to an older unit of its provinces, gets -2025 (tp-hai-phong-2025)."""
    base = f"{unit.prefix}-{_slug(unit.name)}"
    if not unit.new or continued(unit):
        return base
    return f"{base}-2025" if base in existing or _older_namesake(unit) else base


def _older_namesake(unit: Unit) -> bool:
    """A unit of the same kind and id existed before 1 July 2025 in the provinces this one was formed from."""
    slug = _slug(unit.name)
    if unit.province is None:  # a province: the provinces merged into it
        return any(_slug(p.name) == slug and p.level == unit.level for p in predecessor_provinces(unit))
    return any(_slug(w.name) == slug and w.prefix == unit.prefix
               for p in predecessor_provinces(unit.province) for w in _legacy_wards(p.code))


# ---- the official lists -------------------------------------------------------------------------------


def canonical(text: str) -> str:
    """A name as compared: lower case, one space, and the tone mark of each word moved to its end, so that
    'Hoà' and 'Hòa', 'Thuỵ' and 'Thụy', NFD and NFC all compare equal."""
    words = []
    for word in unicodedata.normalize("NFD", " ".join(str(text).split()).casefold()).split(" "):
        tones = "".join(c for c in word if c in TONES)
        words.append(unicodedata.normalize("NFC", "".join(c for c in word if c not in TONES)) + tones)
    return " ".join(words)


def _slug(name: str) -> str:
    from .validate import id_like

    return id_like(name, SLUG)


def split_kind(text: str) -> tuple[str, set[str] | None, str]:
    """'phường Ngọc Lâm' -> ('phường', {'ward'}, 'ngọc lâm' canonical); no kind word -> ('', None, name)."""
    name = canonical(text)
    for word in sorted(TYPED_KINDS, key=len, reverse=True):
        w = canonical(word)
        if name.startswith(w + " ") or (w.endswith(".") and name.startswith(w)):
            return word, TYPED_KINDS[word], name[len(w):].strip(" .")
    return "", None, name


def _strip_kind(full: str, kind: str) -> str:
    """The name without its kind word; the package's short names keep it for numbered units ('Phường 1')."""
    return full[len(kind):].strip() if kind and full.startswith(kind + " ") else full


def _query(sql: str) -> list[dict]:
    from vietnamadminunits.database import query

    return query(sql)


def _province(full: str, code: str, new: bool) -> Unit:
    kind = "Thành phố" if full.startswith("Thành phố ") else "Tỉnh"
    level, prefix = PROVINCE_KINDS[kind]
    return Unit(kind, _strip_kind(full, kind), level, prefix, code, new)


@lru_cache(maxsize=2)
def units(new: bool) -> tuple[Unit, ...]:
    """Every unit of one list: provinces, districts (older list only) and wards."""
    out: dict[tuple, Unit] = {}
    if new:
        records = _query("SELECT province, provinceCode, ward, wardType, wardCode FROM admin_units")
    else:
        records = _query("SELECT province, provinceCode, district, districtType, districtCode, ward, wardType, "
                         "wardCode FROM admin_units_legacy")
    for r in records:
        prov = out.setdefault(("p", r["provinceCode"]), _province(r["province"], r["provinceCode"], new))
        dist = None
        if not new and r.get("district"):
            kind = r["districtType"]
            level, prefix = DISTRICT_KINDS[kind]
            dist = out.setdefault(("d", r["districtCode"]), Unit(kind, _strip_kind(r["district"], kind), level, prefix,
                                                                 r["districtCode"], new, province=prov))
        if r.get("ward"):
            kind = r["wardType"]
            level, prefix = WARD_KINDS.get(kind, ("special_zone", "dac-khu"))
            out[("w", r["wardCode"])] = Unit(kind, _strip_kind(r["ward"], kind), level, prefix, r["wardCode"], new,
                                             district=dist, province=prov)
    return tuple(out.values())


def find_unit(name: str, *, district: str | None = None, province: str | None = None,
              new: bool = False) -> tuple[Unit, list[str]]:
    """The one unit `name` means in the chosen list, and notes; GazetteerError listing the candidates otherwise."""
    listing = NEW_LIST if new else LEGACY_LIST
    if new and district:
        raise GazetteerError("the list from 1 July 2025 has no districts, so --district cannot narrow it",
                             "use --province, or leave out --new to look in the older list")
    word, levels, key = split_kind(name)
    if not key:
        raise GazetteerError(f"'{name}' names no unit", "give the unit's name, e.g. \"Phường Ngọc Lâm\"")
    everything = units(new)
    named = [u for u in everything if canonical(u.name) == key]
    inside = [u for u in named if _inside(u, district, province)]
    notes: list[str] = []
    if levels:
        kinded = [u for u in inside if u.level in levels]
        if inside and not kinded:  # an article may use the kind a unit had before ('xã' for a ward since 2021)
            kinds = sorted({u.kind.lower() for u in inside})
            notes.append(f"no {word} of that name in {listing}; found as {' / '.join(kinds)}")
        else:
            inside = kinded
    where = "".join(f" in {label} '{v}'" for label, v in (("district", district), ("province", province)) if v)
    if len(inside) == 1:
        return inside[0], notes
    if len(inside) > 1:
        fix = ("narrow it with --district or --province" if not new else "narrow it with --province")
        if not levels and len({u.level for u in inside}) > 1:
            fix += ", or put the kind word before the name (\"phường …\", \"quận …\")"
        raise GazetteerError(f"'{name}'{where} matches {len(inside)} units in {listing}:",
                             fix + ", then run again", [u.where() for u in sorted(inside, key=_order)])
    if named:
        raise GazetteerError(f"no unit named '{name}'{where} in {listing}; units of that name elsewhere:",
                             "correct --district / --province, then run again",
                             [u.where() for u in sorted(named, key=_order)])
    close = difflib.get_close_matches(key, sorted({canonical(u.name) for u in everything}), n=5, cutoff=0.75)
    lines = [u.where() for c in close for u in sorted(everything, key=_order) if canonical(u.name) == c
             and (not levels or u.level in levels)][:8]
    other = "--new to look in the list from 1 July 2025" if not new else "leave out --new to look in the older list"
    raise GazetteerError(
        f"no unit named '{name}' in {listing} ({PACKAGE} {package_version()})" + (": closest names:" if lines else ""),
        f"check the spelling; for a unit formed on 1 July 2025 use {other}; a unit merged away before "
        "30 June 2025 is in neither list: add its row by hand (docs/annotating.md, 'Adding a locality')", lines)


def _inside(unit: Unit, district: str | None, province: str | None) -> bool:
    for wanted, container in ((district, unit.district), (province, unit.province)):
        if wanted:
            _, levels, key = split_kind(wanted)
            if container is None or canonical(container.name) != key or (levels and container.level not in levels):
                return False
    return True


def _order(u: Unit):
    return (u.province.code if u.province else u.code, u.code)


# ---- across 2025 ---------------------------------------------------------------------------------------


def _convert(address: str):
    """convert_address without a street part: the package then stays offline. None when it cannot say."""
    from vietnamadminunits import convert_address

    try:
        return convert_address(address)
    except Exception:  # noqa: BLE001 - the package raises plain exceptions for addresses it cannot place
        return None


def _address(unit: Unit) -> str:
    return ", ".join(u.full for u in (unit, unit.district, unit.province) if u)


@lru_cache(maxsize=None)
def _new_province_of(legacy_code: str) -> str | None:
    """The code of the 2025 province a province of the older list went into (by converting one of its wards)."""
    ward = next(iter(_legacy_wards(legacy_code)), None)
    if ward is None:
        return None
    new = _convert(_address(ward))
    return new.province_code if new is not None else None


@lru_cache(maxsize=None)
def _legacy_wards(province_code: str) -> tuple[Unit, ...]:
    return tuple(u for u in units(False) if u.province and u.province.code == province_code and u.district)


def _legacy_provinces() -> list[Unit]:
    return [u for u in units(False) if u.province is None]


def predecessor_provinces(province: Unit) -> list[Unit]:
    """The provinces of the older list a 2025 province was formed from; [itself] for an older one."""
    if not province.new:
        return [province]
    return [p for p in _legacy_provinces() if _new_province_of(p.code) == province.code]


@lru_cache(maxsize=None)
def _successor_map(new_province_code: str) -> dict[str, tuple[str, ...]]:
    """New ward code -> codes of the older wards `convert_address` sends there (one successor per older ward)."""
    out: dict[str, list[str]] = {}
    for p in _legacy_provinces():
        if _new_province_of(p.code) != new_province_code:
            continue
        for w in _legacy_wards(p.code):
            new = _convert(_address(w))
            if new is not None and new.ward_code:
                out.setdefault(new.ward_code, []).append(w.code)
    return {k: tuple(v) for k, v in out.items()}


def successor(unit: Unit):
    """The package's new unit for an older ward or province (its default one for a split ward), or None."""
    return _convert(_address(unit))


def ended(unit: Unit) -> bool:
    """Did the 2025 reorganisation end this unit of the older list? Every district did; a province did when
    merged; a ward did unless it went on unchanged (same name, same code, nothing else merged into it)."""
    if unit.new:
        return False
    if unit.district is None and unit.province is None:  # a province
        return len([p for p in _legacy_provinces() if _new_province_of(p.code) == _new_province_of(unit.code)]) > 1
    if unit.level in ("urban_district", "rural_district", "town", "provincial_city"):
        return True
    new = successor(unit)
    if new is None or not new.ward_code:
        return True
    same = canonical(_strip_kind(new.ward or "", new.ward_type or "")) == canonical(unit.name) and new.ward_code == unit.code
    return not (same and _successor_map(new.province_code).get(new.ward_code) == (unit.code,))


def continued(unit: Unit) -> bool:
    """Is this unit of the 2025 list an older unit gone on unchanged (so it keeps the older unit's id)?"""
    if not unit.new:
        return not ended(unit)
    if unit.province is None:
        older = predecessor_provinces(unit)
        return len(older) == 1 and canonical(older[0].name) == canonical(unit.name)
    before = _successor_map(unit.province.code).get(unit.code, ())
    if len(before) != 1 or before[0] != unit.code:
        return False
    old = next(u for p in predecessor_provinces(unit.province) for u in _legacy_wards(p.code) if u.code == unit.code)
    return canonical(old.name) == canonical(unit.name) and old.level == unit.level


def crosswalk_notes(unit: Unit) -> list[str]:
    """What the package suggests across 2025, worded as candidates to confirm."""
    confirm = "confirm against the resolution and add to data/successions.csv with share whole/part"
    if unit.new:
        if unit.province is None:
            older = ", ".join(p.full for p in predecessor_provinces(unit))
            return [f"formed from (per {PACKAGE}): {older}; {confirm}"] if not continued(unit) else []
        if continued(unit):
            return []
        codes = _successor_map(unit.province.code).get(unit.code, ())
        olds = [u for p in predecessor_provinces(unit.province) for u in _legacy_wards(p.code) if u.code in codes]
        if not olds:
            return [f"no older ward converts to it in {PACKAGE}; find its predecessors in the resolution"]
        return [f"candidate predecessor: {u.where()}; {confirm}" for u in sorted(olds, key=_order)] + [
            f"{PACKAGE} gives one new ward per older ward: parts of split wards that went here are not listed"]
    if unit.level in ("urban_district", "rural_district", "town", "provincial_city"):
        return ["district level abolished on 1 July 2025: its wards and communes went to new ones "
                "(add them one by one to see each candidate)"]
    if not ended(unit):
        return []
    new = successor(unit)
    if new is None or not (new.ward or new.province):
        return [f"{PACKAGE} gives no successor; find it in the resolution"]
    if unit.district is None and unit.province is None:
        return [f"candidate successor: {new.province} (code {new.province_code}); {confirm}"]
    return [f"candidate successor: {new.ward} (code {new.ward_code}), {new.province}; {confirm}",
            f"{PACKAGE} gives one new ward per older ward: if this one was split, the other parts are not shown"]
