"""Real browser: home figures, coverage map with markers, gap page, and a social worker's search."""

from __future__ import annotations

import csv
import io

import pytest
from browser_harness import assert_no_external_requests, wait_until_idle

NNBSP = "\u202f"


def test_home_page_shows_the_insee_figures_of_the_pilot_departement(tab, app_server):
    page = tab.page
    page.goto(f"{app_server.url}/?dep=59")
    wait_until_idle(page)
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[:2] == ["647", f"2{NNBSP}615{NNBSP}635"]
    assert_no_external_requests(tab.requests)


def test_coverage_map_draws_communes_and_markers_and_a_click_shows_the_commune(tab, app_server):
    page = tab.page
    page.goto(f"{app_server.url}/Carte?dep=62")
    wait_until_idle(page)
    outer = page.locator(".st-key-carte iframe")
    outer.scroll_into_view_if_needed(timeout=60_000)
    frame = page.frame_locator(".st-key-carte iframe").frame_locator("iframe#carte")
    frame.locator(".leaflet-container").wait_for(timeout=90_000)
    assert frame.locator("path.leaflet-interactive").count() > 800  # 887 communes + outlines
    assert frame.locator("path.cvif-point").count() >= 6  # the six police-zone ISCG posts
    box = outer.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55)
    page.get_by_text("habitants (2023)").first.wait_for(timeout=60_000)  # the commune's panel
    assert tab.dialogs == []
    tab.screenshot("carte_62_clic")
    assert_no_external_requests(tab.requests)


def test_gap_page_figures_match_its_map_and_tables(tab, app_server):
    page = tab.page
    page.goto(f"{app_server.url}/Zones_blanches?dep=03")
    wait_until_idle(page)
    page.locator(".st-key-zones-blanches iframe").scroll_into_view_if_needed(timeout=60_000)
    page.frame_locator(".st-key-zones-blanches iframe").locator(".leaflet-container").wait_for(
        timeout=90_000)
    assert page.get_by_text("Habitants à plus de 15 km").first.is_visible()
    tab.screenshot("zones_blanches_03")
    assert_no_external_requests(tab.requests)


@pytest.mark.parametrize(("dep", "commune"), [("21", "Beaune"), ("03", "Montluçon")])
def test_a_social_worker_types_a_commune_and_gets_a_permanence_and_a_phone(
    tab, app_server, dep, commune
):
    page = tab.page
    page.goto(f"{app_server.url}/Annuaire?dep={dep}")
    wait_until_idle(page)
    box = page.get_by_role("textbox", name="Commune où elle vit")
    box.fill(commune)
    box.press("Enter")
    wait_until_idle(page)
    page.get_by_text("Lieux les plus proches").wait_for(timeout=60_000)
    page.locator('a[href="tel:3919"]').first.wait_for(state="attached", timeout=60_000)
    page.locator('a[href^="tel:0"]').first.wait_for(state="attached", timeout=60_000)
    assert commune not in page.url  # the search never reaches the URL or the history
    tab.screenshot(f"pres_de_chez_elle_{dep}")
    assert_no_external_requests(tab.requests)


def test_the_directory_csv_download_is_what_the_table_shows(tab, app_server):
    page = tab.page
    page.goto(f"{app_server.url}/Annuaire?dep=62")
    wait_until_idle(page)
    page.get_by_role("tab", name="Annuaire complet").click()
    wait_until_idle(page)
    # The file is made when asked for (a rerun, then the download): on a busy 2-core runner
    # with the national layers (270 rows in the 62) that took more than the default 30 s.
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="CSV (Excel)").click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Type", "Service", "Opérateur"]
    sentence = page.get_by_text("services correspondent").first.inner_text()
    assert sentence.startswith(f"{len(rows) - 1} services")
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@")]
