"""Where things are: resolved once here, never as '../data' inside notebooks."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DOCS = ROOT / "docs"
# $LOCALITY_EXPORTS moves the briefing packs elsewhere (the browser test keeps its packs out of exports/).
EXPORTS = Path(os.environ.get("LOCALITY_EXPORTS") or ROOT / "exports")


def texts_dir() -> Path:
    """Folder of the article texts: $LOCALITY_TEXTS, else ../shared/seeds beside the project."""
    env = os.environ.get("LOCALITY_TEXTS")
    if env:
        p = Path(env)
        return p if p.is_absolute() else (Path.cwd() / p)
    return ROOT.parent / "shared" / "seeds"
