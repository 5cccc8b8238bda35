"""The real dashboard in a real browser: every page loads nothing from another host (R10)."""

from __future__ import annotations

import re

import pytest
from browser_harness import ROOT, assert_no_external_requests, wait_until_idle

pytestmark = pytest.mark.browser
#: pages/1_Carte.py is served at /Carte (BROWSER-TESTING.md §3).
PAGES = ["", *sorted(re.sub(r"^\d+_", "", p.stem) for p in (ROOT / "pages").glob("*.py"))]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "accueil")
def test_page_requests_nothing_outside_the_app(tab, app_server, path):
    tab.page.goto(f"{app_server.url}/{path}")
    wait_until_idle(tab.page)
    tab.screenshot(f"page_{path or 'accueil'}")
    assert_no_external_requests(tab.requests)
