"""environment.yml (conda users) must list what pyproject.toml installs (pip users)."""
from __future__ import annotations

import re
import tomllib

import yaml

from helpers import paths


def names(specs) -> dict[str, str]:
    out = {}
    for spec in specs:
        m = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", spec)
        out[m.group(1).lower()] = m.group(2).replace(" ", "")
    return out


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    pip_side = names(project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda_side = names(d for d in env["dependencies"] if isinstance(d, str))
    conda_side.pop("python"), conda_side.pop("pip")
    # Packages conda-forge lacks come from pip inside the environment; `-e .` is the project itself.
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    from_pip = names(s for s in pip_list if not s.startswith("-"))
    assert not set(from_pip) & set(conda_side), "a package listed twice in environment.yml"
    conda_side.update(from_pip)
    assert conda_side == pip_side
    assert f">={project['requires-python'].lstrip('>=')}" == names(d for d in env["dependencies"] if isinstance(d, str))["python"]
