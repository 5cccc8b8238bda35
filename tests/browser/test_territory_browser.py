"""Real browser: the territory page draws its map offline and serves its sheet as a PDF."""

from __future__ import annotations

import pytest
from browser_harness import assert_no_external_requests, wait_until_idle

from geo.schema import EPCI_FILE

pytestmark = pytest.mark.skipif(not EPCI_FILE.exists(), reason="data/processed not built yet")
DESVRES_SAMER = "200018083"


def test_territory_page_draws_its_map_and_downloads_a_pdf(tab, app_server):
    page = tab.page
    page.goto(f"{app_server.url}/Mon_territoire?epci={DESVRES_SAMER}")
    wait_until_idle(page)
    page.locator(".st-key-territoire iframe").scroll_into_view_if_needed(timeout=60_000)
    frame = page.frame_locator(".st-key-territoire iframe")
    frame.locator(".leaflet-container").wait_for(timeout=90_000)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached")
    assert page.get_by_text("CC de Desvres-Samer").first.is_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger la fiche (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"fiche-epci-{DESVRES_SAMER}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert_no_external_requests(tab.requests)
