"""The README's map of helpers/ names every module, and only modules that exist."""
import re

from helpers import paths


def test_readme_maps_every_helpers_module():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `helpers/`, a module per concern"):]
    section = section[:section.index("\n\n", section.index("| module |"))]
    mapped = set(re.findall(r"^\| `(\w+)` \|", section, re.M))
    modules = {p.stem for p in (paths.ROOT / "helpers").glob("*.py")} - {"__init__"}
    assert mapped == modules
