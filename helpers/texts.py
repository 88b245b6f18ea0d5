"""Article texts and the evidence check: is each excerpt really in the article? Also the text normalisations
the checks share: whitespace folded (`fold`) and the one slug of Vietnamese words (`slug`)."""
from __future__ import annotations

import re
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


def _decoded(path: Path) -> tuple[str | None, str]:
    """An article's text decoded like the CSVs, or None and why not in words (the system's reason, or what
    the bytes are instead of text)."""
    from .io import decode  # io imports pandas; keep this module light

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, f"cannot open it ({exc.strerror or exc})"
    found = Problems()
    text, _ = decode(data, str(path), found)
    if text is None:
        return None, found.errors[0].message if found.errors else "it is not text"
    return text, ""


def unmarked(text: str) -> str:
    """Vietnamese without its marks ('Ngọc Lâm' -> 'Ngoc Lam', 'Đồng' -> 'Dong'): what ids and typed searches
    compare, so a reader may type without diacritics."""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def slug(text: str, sep: str = "-", *, lower: bool = True, keep: str = "") -> str:
    """ASCII letters and digits (marks removed, 'đ' made 'd'), every other run of characters one `sep`, trimmed:
    the one way an id, a file name or a sheet name is made from Vietnamese words ('Ngọc Lâm' -> 'ngoc-lam')."""
    text = unmarked(text)
    text = text.lower() if lower else text
    return re.sub(rf"[^A-Za-z0-9{re.escape(keep)}]+", sep, text).strip(sep)


def read_text(path: Path) -> str | None:
    """An article's text, decoded like the CSVs; None when it cannot be read."""
    return _decoded(path)[0]


def unreadable_reason(path: Path) -> str:
    """Why `read_text(path)` gives None, in words: the system's reason, or what the bytes are instead of text."""
    return _decoded(path)[1]


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


def article_text(path: Path | None) -> tuple[str | None, str | None]:
    """An article's text (decoded like the CSVs, stray control characters removed), or None and why not.

    The reason is None when the file is simply not there."""
    from .io import CONTROL

    if path is None or not path.is_file():
        return None, None
    text, why = _decoded(path)
    return (CONTROL.sub("", text), None) if text is not None else (None, why)


def check_evidence(df, articles, texts, problems: Problems, articles_file: str) -> int:
    """Every evidence excerpt must be found verbatim (NFC, whitespace folded) in its article text.

    Each text is read and folded once and each distinct excerpt folded once; the search itself is one
    substring test per row, so the cost grows with the size of the texts and the number of excerpts.
    `df` is the loader's frame of annotation rows (helpers/loading.py); rows whose excerpt is not found
    are marked `_bad`. Returns how many article texts were read."""
    import numpy as np
    import pandas as pd

    texts_dir = describe(texts)
    if not any(f.is_dir() for f in folders(texts)):
        problems.warning(texts_dir, None, None, None, "texts_missing",
                         "the texts folder does not exist; evidence was not checked",
                         "pass --texts with the folder holding the article .txt files")
        return 0
    checked = 0
    files = articles.set_index("article_id")["text_file"]
    live = df[~df["_bad"]]
    folded_texts: dict[str, str] = {}
    for aid in sorted(set(live["_article_id"])):
        path = safe_text_path(texts, files.get(aid, ""))
        text, why = article_text(path)
        if text is None:
            row = articles.index[articles["article_id"] == aid][0]
            if why:
                problems.warning(articles_file, int(row), "text_file", files.get(aid, ""), "text_unreadable",
                                 f"the text of '{aid}' ({path.name}) cannot be read: {why}; its evidence was not checked",
                                 "save the article as plain text (UTF-8) under that name")
            else:
                problems.warning(articles_file, int(row), "text_file", files.get(aid, ""), "text_missing",
                                 f"the text of '{aid}' is not in {texts_dir}; its evidence was not checked",
                                 "put the article's .txt in the texts folder or correct text_file")
            continue
        folded_texts[aid] = fold(text)
        checked += 1
    checkable = live[live["_article_id"].isin(list(folded_texts))]
    codes, excerpts = pd.factorize(checkable["evidence"])
    # The cells were normalised to NFC when read, so folding an excerpt is collapsing its whitespace.
    folded = np.array([squash(e) for e in excerpts] + [""], dtype=object)[codes]
    found = np.array([e in folded_texts[a] for e, a in zip(folded, checkable["_article_id"])], dtype=bool)
    missing = checkable.index[~found]
    text_names = {aid: Path(files.get(aid, "")).name for aid in folded_texts}
    for idx in sorted(missing, key=lambda i: (checkable.at[i, "_article_id"], i)):
        r = df.loc[idx]
        problems.error(r["_file"], int(r["_row"]), "evidence", r["evidence"][:120], "evidence_not_found",
                       f"the excerpt is not in the article text {text_names[r['_article_id']]}",
                       "copy the excerpt from the article exactly (diacritics and punctuation included)")
    df.loc[missing, "_bad"] = True
    return checked
