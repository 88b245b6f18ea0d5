"""Article texts and the evidence check: is each excerpt really in the article?"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from .problems import Problems


def fold(text: str) -> str:
    """NFC with every run of whitespace (no-break spaces included) made one space: what 'verbatim' compares."""
    return squash(unicodedata.normalize("NFC", text))


def squash(text: str) -> str:
    """Every run of whitespace made one space, trimmed: `fold` for text already in NFC (cells as read).

    str.split() splits on the same whitespace as the regex \\s+ (no-break spaces included), several times faster."""
    return " ".join(text.split())


def read_text(path: Path) -> str | None:
    """An article's text, decoded like the CSVs; None when it cannot be read."""
    from .io import decode  # io imports pandas; keep this module light

    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    text, _ = decode(data, str(path), Problems())
    return text


def unreadable_reason(path: Path) -> str:
    """Why `read_text(path)` gives None, in words: the system's reason, or what the bytes are instead of text."""
    from .io import decode

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return f"cannot open it ({exc.strerror or exc})"
    found = Problems()
    text, _ = decode(data, str(path), found)
    if text is not None:
        return ""
    return found.errors[0].message if found.errors else "it is not text"


def folders(texts) -> list[Path]:
    """The texts folders named by `texts`: one folder, several joined by os.pathsep (as PATH is), or a list.

    Articles come in batches kept in separate folders (../shared/seeds, ../shared/articles), so every
    command that reads texts looks in each folder in turn."""
    import os

    if texts is None:
        return []
    if isinstance(texts, (list, tuple)):
        return [Path(t) for t in texts]
    return [Path(t) for t in str(texts).split(os.pathsep) if t]


def describe(texts) -> str:
    """The texts folders for a message: 'a, b'."""
    return ", ".join(str(f) for f in folders(texts))


def safe_text_path(texts, file_name: str) -> Path | None:
    """The text's path in the first of the `texts` folders that holds it (the first folder when none
    does), or None if the name tries to leave its folder."""
    if not file_name or Path(file_name).name != file_name or file_name in (".", ".."):
        return None
    places = folders(texts)
    for folder in places:
        if (folder / file_name).is_file():
            return folder / file_name
    return places[0] / file_name if places else None
