"""Every notebook runs top to bottom on the shipped data, as committed: no outputs, a parameters cell that names
no id of its own (the data chooses)."""
from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import paths

NOTEBOOKS = sorted((paths.ROOT / "notebooks").glob("*.ipynb"))


def test_every_notebook_names_the_registered_kernel():
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    assert "locality-terms" in specs, "the set-up registers the kernel: run `make test` or `make lab`"
    for path in NOTEBOOKS:
        assert nbformat.read(path, as_version=4).metadata["kernelspec"]["name"] == "locality-terms", path.name


def test_there_are_four_numbered_notebooks():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01-", "02-", "03-", "04-"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_clean_with_parameters(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell is the parameters cell"
    assert nb.cells[0].cell_type == "markdown" and "Inputs" in nb.cells[0].source
    assert max(len(c.source.splitlines()) for c in code) <= 8, "logic lives in helpers/, cells stay short"
    for line in code[0].source.splitlines():  # an id written here may not exist in tomorrow's data
        name, _, value = line.partition("=")
        if name.strip() in ("METRIC", "LOCALITY"):
            assert value.split("#")[0].strip() == "None", f"{name.strip()} is chosen from the data by default"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_end_to_end(path, tmp_path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    if path.name.startswith("04-"):
        nb.cells[1].source += f"\nOUT_DIR = {str(tmp_path)!r}"  # keep the test's pack out of exports/
    # The kernel runs this checkout's helpers/ (a worktree's too), not whichever the venv was installed from.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(paths.ROOT), os.environ.get("PYTHONPATH")])))
    nb.cells.append(nbformat.v4.new_code_cell("import helpers\nprint(helpers.__file__)"))
    # 04 exports the whole shipped pack (a chart per indicator the data earns, each in six files): minutes on a
    # busy machine, so its cells get longer than the others'.
    timeout = 900 if path.name.startswith("04-") else 300
    NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, [e.get("evalue") for e in errors]
    assert nb.cells[-1].outputs[0]["text"].strip() == str(paths.ROOT / "helpers" / "__init__.py")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "the charts appear"
