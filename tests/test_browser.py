"""The notebooks as people open them: JupyterLab in headless Chromium, Run All through the menu.

Starts JupyterLab on loopback with a token in a copy of notebooks/, opens each notebook with
Debian's Chromium driven by Playwright (no browser download), runs every cell from the Run
menu, saves, and checks that no cell shows an error, that the charts appear and that the
widgets render. A screenshot of each notebook is kept in build/test-artifacts/ (or
$TEST_ARTIFACTS). Skips with a message where Chromium or Playwright is missing.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from helpers import paths

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOKS = sorted((paths.ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or paths.ROOT / "build" / "test-artifacts")
# Chromium flags for a closed network: no background connections, no sandbox as root.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package to run the browser test",
                allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebooks; stopped after the module."""
    work = tmp_path_factory.mktemp("lab")
    root = work / "notebooks"
    shutil.copytree(paths.ROOT / "notebooks", root)
    settings = work / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no virtual scrolling), so the page holds all outputs to check.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = work / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(work / "settings"), LOCALITY_EXPORTS=str(work / "exports"),
               JUPYTER_RUNTIME_DIR=str(work / "runtime"))
    log = open(work / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail(f"JupyterLab did not start within 90 s; see {work / 'jupyterlab.log'}")
    if proc.poll() is not None:
        pytest.fail(f"JupyterLab exited: {(work / 'jupyterlab.log').read_text()[-2000:]}")
    yield base, token, root
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


ALL_RUN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab(lab, browser, path):
    base, token, root = lab
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    try:
        page.goto(f"{base}/lab/tree/{path.name}?reset&token={token}", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        try:  # the notebook names the project's kernel; an unregistered one opens a 'Select Kernel' dialog
            playwright.expect(page.locator(".jp-KernelName").first).to_have_text("Python (locality-terms)",
                                                                                timeout=60_000)
        except AssertionError:
            dialog = page.locator(".jp-Dialog").all_inner_texts()
            pytest.fail(f"the notebook's kernel did not start: {dialog or page.locator('.jp-KernelName').first.inner_text()}")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
        # Not a speed goal (those are in benchmarks/): notebook 04 builds the whole pack, deck and report,
        # which on a loaded 2-core machine took over 5 minutes.
        page.wait_for_function(ALL_RUN, timeout=900_000, polling=1000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        images = page.locator(".jp-OutputArea-output img")
        assert images.count() > 0, "no chart appeared"
        if path.name.startswith(("02-", "03-")):
            # the explorers' controls: a metric list (02) or a search box that feeds a short list (03)
            page.wait_for_selector(".jp-OutputArea-output .widget-dropdown select, "
                                   ".jp-OutputArea-output .widget-text input", timeout=30_000)
            assert not page.get_by_text("Error displaying widget").count()
        images.first.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))
        page.keyboard.press("Control+s")
        page.wait_for_timeout(1500)
    finally:
        page.close()
    saved = nbformat.read(root / path.name, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    assert all(c.execution_count for c in code), "every cell ran"
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs)
