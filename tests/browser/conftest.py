"""Headless-Chromium fixtures: a Streamlit server per script, a browser, a recording tab.

Every test in this folder is marked ``browser``. Without ``/usr/bin/chromium`` (or the
``playwright`` package) they are skipped, except when the ``CI`` environment variable is set:
there a missing browser is a failure. Never run ``playwright install``: we drive Debian's
Chromium (see /work/shared/BROWSER-TESTING.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_harness import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    ROOT,
    StreamlitServer,
    Tab,
    open_tab,
    streamlit_server,
)

HERE = Path(__file__).resolve().parent
collect_ignore = ["map_fixture_app.py"]  # a Streamlit script, not a test module


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``."""
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    """Skip, or fail under CI (where the browser must be installed by .ci/run)."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (session-wide)."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is absent (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def tab(browser: object) -> Iterator[Tab]:
    """A fresh page (own context, 1280×1100) recording requests, dialogs and console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, locale="fr-FR")
    context.set_default_timeout(30_000)
    yield open_tab(context)
    context.close()


@pytest.fixture(scope="session")
def app_server(browser: object) -> Iterator[StreamlitServer]:
    """The dashboard (``app.py``) served on a free loopback port."""
    with streamlit_server(ROOT / "app.py") as server:
        yield server


@pytest.fixture(scope="session")
def map_fixture_server(browser: object) -> Iterator[StreamlitServer]:
    """``map_fixture_app.py`` (one offline map with hostile texts) on a free port."""
    with streamlit_server(HERE / "map_fixture_app.py") as server:
        yield server
