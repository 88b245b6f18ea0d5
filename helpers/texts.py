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


def safe_text_path(texts_dir: Path, file_name: str) -> Path | None:
    """The text's path inside `texts_dir`, or None if the name tries to leave it."""
    if not file_name or Path(file_name).name != file_name or file_name in (".", ".."):
        return None
    return Path(texts_dir) / file_name
