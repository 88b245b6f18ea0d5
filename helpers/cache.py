"""A content-addressed cache of what `check()` found, so reopening a notebook does not re-validate.

The key is a SHA-256 over the bytes of every input the loader reads — articles.csv, localities.csv,
metrics.csv, units.csv (the project's when the folder has none), every file in annotations/ (names, links and contents), every file in the texts folder
when evidence is checked — and over the source of the `helpers` package and the Python, pandas and
numpy (and pyarrow) versions. Any change to any of them, even one byte under an unchanged modification time, gives
another key, so a stale result is never served; the same bytes give the same key wherever they came
from (a copy, a checkout, a touched file).

Reading every byte again costs time at national size (~220 MB in 20,000 files at 500,000 figures), so
each file's digest is remembered with its size, inode, modification time and *change* time (ctime).
Any write to a file, and any `os.utime`, sets its ctime to the current time, and no program can set it
back, so a file whose stat is unchanged has unchanged bytes and is not re-read; a file whose stat
changed in any way is read and hashed again. Files changed within the last RACY_SECONDS are never
remembered (timestamps are coarse: two writes in one clock tick would look alike). On Windows, where
st_ctime is the creation time, every file is always re-read.

One slot is kept per (data folder, texts folder) as typed, holding the latest result; at most
MAX_SLOTS slots are kept, the least recently used dropped first. The folder is $LOCALITY_CACHE, else
$XDG_CACHE_HOME/locality-terms, else ~/.cache/locality-terms; LOCALITY_CACHE=off turns caching off.
Nothing stored is executable: each table of the Report is an Arrow file, the rest (problems, counts) and
the remembered file digests are JSON. The folder must be this user's and writable by nobody else, else it is
not used (with a warning), and each Arrow file's SHA-256 is recorded in the slot's JSON index and checked
before it is served. Any failure to read or write the cache falls back to validating afresh.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from .texts import folders

FORMAT = 3  # bump when the stored layout changes
MAX_SLOTS = 16
RACY_SECONDS = 3.0
STAT_SHORTCUT = os.name != "nt"
_OFF = {"off", "0", "no", "false", "none", ""}
# What this process got from the cache: a hit was served, a miss validated afresh (and stored the result).
stats = {"hits": 0, "misses": 0}


def root() -> Path | None:
    """The cache folder, or None when caching is turned off (LOCALITY_CACHE=off)."""
    env = os.environ.get("LOCALITY_CACHE")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "locality-terms"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The helpers package's source and the versions that shape the result (computed once per process)."""
    import numpy
    import pandas

    try:
        import pyarrow
        arrow = pyarrow.__version__
    except ImportError:
        arrow = "none"
    h = hashlib.sha256(f"{FORMAT}|{sys.version}|{pandas.__version__}|{numpy.__version__}|{arrow}".encode())
    pkg = Path(__file__).resolve().parent
    for path in sorted(pkg.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


class _Hasher:
    """Digests of files, re-using a remembered digest when a file's stat has not changed."""

    def __init__(self, memo: dict):
        self.memo = memo
        self.fresh: dict[str, tuple] = {}
        self.racy_after = int((time.time() - RACY_SECONDS) * 1e9)
        self.read_bytes = 0

    def digest(self, path: str, st=None) -> str:
        if st is None:
            try:
                st = os.stat(path)
            except OSError as exc:
                return f"stat-error:{exc.errno}"
        if not stat.S_ISREG(st.st_mode):
            return "dir" if stat.S_ISDIR(st.st_mode) else "special"
        sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        known = self.memo.get(path)
        if STAT_SHORTCUT and known is not None and known[0] == sig:
            self.fresh[path] = known
            return known[1]
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            return f"read-error:{exc.errno}"
        self.read_bytes += len(data)
        d = hashlib.sha256(data).hexdigest()
        if max(st.st_mtime_ns, st.st_ctime_ns) < self.racy_after:
            self.fresh[path] = (sig, d)
        return d


def _folder(h, hasher: _Hasher, folder: Path, label: str) -> None:
    """Every entry of `folder` (not recursive): name, where a link points, and the bytes."""
    h.update(f"\0{label}\0{folder}\0{os.path.realpath(folder)}\0".encode())
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        h.update(f"no-folder:{type(exc).__name__}".encode())
        return
    parts = []
    for e in entries:
        link = os.path.realpath(e.path) if e.is_symlink() else ""
        try:
            st = e.stat()  # follows a link, as reading the file does
        except OSError as exc:
            parts.append(f"{e.name}\0{link}\0stat-error:{exc.errno}")
            continue
        parts.append(f"{e.name}\0{link}\0{hasher.digest(e.path, st)}")
    h.update("\0".join(parts).encode())


def _table_files() -> list[str]:
    """Every table file of a data folder, from the schema (annotations are a folder, hashed apart)."""
    from .schema import INPUT_TABLES

    return [Path(t.path).name for t in INPUT_TABLES if "<" not in t.path]


def key(data_dir: Path, texts, memo: dict) -> tuple[str, _Hasher]:
    """The cache key of check(data_dir, texts): every input's bytes, the code, the versions, the paths as typed."""
    hasher = _Hasher(memo)
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(f"\0{data_dir}\0{os.path.abspath(data_dir)}\0{os.path.realpath(data_dir)}\0{texts!s}".encode())
    for name in _table_files():
        path = os.path.join(data_dir, name)
        h.update(f"\0{name}\0{os.path.realpath(path)}\0{hasher.digest(path)}".encode())
    units = os.path.join(data_dir, "units.csv")
    if not os.path.exists(units):  # the loader falls back to the project's units table
        from . import paths

        units = str(paths.DATA / "units.csv")
    h.update(f"\0units.csv\0{os.path.realpath(units)}\0{hasher.digest(units)}".encode())
    _folder(h, hasher, Path(data_dir) / "annotations", "annotations")
    for i, folder in enumerate(folders(texts)):  # several folders joined by os.pathsep: each one counts
        _folder(h, hasher, folder, f"texts{i}")
    return h.hexdigest(), hasher


def _slot(folder: Path, data_dir: Path, texts) -> Path:
    where = f"{data_dir}|{os.path.abspath(data_dir)}|{texts!s}|{os.path.abspath(texts) if texts else ''}"
    return folder / ("check-" + hashlib.sha256(where.encode()).hexdigest()[:24])


FRAMES = ("figures", "articles", "localities", "metrics", "successions", "variants")


def usable(folder: Path) -> bool:
    """Whether `folder` may hold the cache: created here (mode 0700) if missing, owned by this user and
    writable by nobody else. A folder another user can write (a shared $LOCALITY_CACHE) could serve
    results they forged, so it is not used, with a warning."""
    import warnings

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):  # Windows: no owner or mode bits to check
        return True
    if st.st_uid != os.getuid() or st.st_mode & 0o022 or not stat.S_ISDIR(st.st_mode):
        warnings.warn(f"the cache folder {folder} is not owned by you or others can write to it: not used "
                      f"(make it yours with mode 0700, or set LOCALITY_CACHE to a private folder)", stacklevel=3)
        return False
    return True


def cached_check(data_dir: Path, texts, compute):
    """`compute()` (a Report), served from the cache when every input is byte-for-byte unchanged."""
    folder = root()
    if folder is None or not usable(folder):
        return compute()
    slot = _slot(folder, data_dir, texts)
    memo_path = slot.with_suffix(".files.json")
    memo = _load_memo(memo_path)
    try:
        digest, hasher = key(data_dir, texts, memo)
    except OSError:
        return compute()
    report = _read(slot, digest)
    if report is None:
        stats["misses"] += 1
        report = compute()
        _write(folder, slot, digest, report)
    else:
        stats["hits"] += 1
        try:
            os.utime(slot.with_suffix(".json"))  # recently used: kept when older slots are dropped
        except OSError:
            pass
    if hasher.fresh != memo:
        memo_json = {p: [list(sig), d] for p, (sig, d) in hasher.fresh.items()}
        _write_bytes(folder, memo_path, json.dumps(memo_json).encode("utf-8"))
    return report


def _load_memo(path: Path) -> dict:
    """The remembered file digests (JSON: path -> [stat signature, digest]); anything odd starts afresh."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {str(p): (tuple(int(x) for x in sig), str(d)) for p, (sig, d) in raw.items()}
    except Exception:  # missing, truncated or foreign  # noqa: BLE001
        return {}


def _frame_path(slot: Path, name: str) -> Path:
    return slot.with_suffix(f".{name}.arrow")


def _read(slot: Path, digest: str):
    """The stored Report of `digest`, or None. The index (JSON) holds the Report's plain fields and the
    SHA-256 of each frame's Arrow file; a file whose bytes differ from its recorded digest is a miss."""
    from .loading import Report
    from .problems import Problem

    try:
        index = json.loads(slot.with_suffix(".json").read_text(encoding="utf-8"))
        if index.get("format") != FORMAT or index.get("key") != digest:
            return None
        import pyarrow as pa
        import pyarrow.ipc as ipc

        frames = {}
        for name in FRAMES:
            data = _frame_path(slot, name).read_bytes()
            if hashlib.sha256(data).hexdigest() != index["frames"][name]:
                return None  # rewritten or damaged since it was stored
            frames[name] = ipc.open_file(pa.py_buffer(data)).read_all().to_pandas()
        fields = index["report"]
        problems = [Problem(**p) for p in fields["problems"]]
        return Report(problems=problems, texts_checked=int(fields["texts_checked"]),
                      rows_read=int(fields["rows_read"]), files=[str(f) for f in fields["files"]], **frames)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file is a miss, never an error  # noqa: BLE001
        return None


def _write(folder: Path, slot: Path, digest: str, report) -> None:
    """Each frame of the Report as an Arrow file, then the JSON index holding the rest and each Arrow file's
    digest; every file written whole under a temporary name, then renamed. Nothing stored is executable.
    A Report that does not convert is not cached."""
    try:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        hashes = {}
        for name in FRAMES:
            table = pa.Table.from_pandas(getattr(report, name), preserve_index=True)
            sink = pa.BufferOutputStream()
            with ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            data = sink.getvalue().to_pybytes()
            hashes[name] = hashlib.sha256(data).hexdigest()
            _write_bytes(folder, _frame_path(slot, name), data, strict=True)
        index = {"format": FORMAT, "key": digest, "frames": hashes,
                 "report": {"problems": [p.as_dict() for p in report.problems], "texts_checked": report.texts_checked,
                            "rows_read": report.rows_read, "files": list(report.files)}}
        _write_bytes(folder, slot.with_suffix(".json"), json.dumps(index, ensure_ascii=False).encode("utf-8"),
                     strict=True)
        _evict(folder)
    except Exception:  # noqa: BLE001  pyarrow missing, a frame that does not convert, a full disk: not cached
        pass


def _write_bytes(folder: Path, path: Path, data: bytes, strict: bool = False) -> None:
    """Write `data` to `path` whole (temporary file, then rename); errors are swallowed unless `strict`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        if strict:
            raise


def _evict(folder: Path) -> None:
    """Keep the MAX_SLOTS most recently used slots."""
    slots = []
    for p in folder.glob("check-*.json"):
        if p.name.endswith(".files.json"):
            continue
        try:
            slots.append((p.stat().st_mtime, p))
        except OSError:
            continue
    for _, p in sorted(slots, reverse=True)[MAX_SLOTS:]:
        for q in (p, p.with_suffix(".files.json"), *(_frame_path(p, name) for name in FRAMES)):
            q.unlink(missing_ok=True)


def clear() -> None:
    """Delete every cached result."""
    folder = root()
    if folder is None or not folder.is_dir():
        return
    for p in list(folder.glob("check-*")) + list(folder.glob(".tmp-*")):
        p.unlink(missing_ok=True)
