"""Where things are: resolved once here, never as '../data' inside notebooks."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DOCS = ROOT / "docs"
# $LOCALITY_EXPORTS moves the briefing packs elsewhere (the browser test keeps its packs out of exports/).
EXPORTS = Path(os.environ.get("LOCALITY_EXPORTS") or ROOT / "exports")


# The article texts sit beside the project, one folder per batch; none is copied into it.
DEFAULT_TEXTS = (ROOT.parent / "shared" / "seeds", ROOT.parent / "shared" / "articles")


def texts_dirs() -> list[Path]:
    """Folders of the article texts: $LOCALITY_TEXTS (several joined by os.pathsep, as PATH is), else
    ../shared/seeds and ../shared/articles beside the project."""
    env = os.environ.get("LOCALITY_TEXTS")
    if env:
        return [p if p.is_absolute() else Path.cwd() / p for p in map(Path, env.split(os.pathsep)) if str(p)]
    return list(DEFAULT_TEXTS)


def texts_dir() -> str:
    """The texts folders as one os.pathsep-joined value, as every `texts=` argument accepts it."""
    return os.pathsep.join(str(p) for p in texts_dirs())


def default_texts() -> str | None:
    """The default texts folders that exist, joined by os.pathsep; None when none does."""
    found = [p for p in texts_dirs() if p.is_dir()]
    return os.pathsep.join(str(p) for p in found) if found else None
