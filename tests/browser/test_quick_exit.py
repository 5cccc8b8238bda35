"""Real browser: the quick exit leaves the app at once, by button or Escape key."""

from __future__ import annotations

import pytest
from browser_harness import wait_until_idle

from components.safety import EXIT_URL

NEUTRAL = "<html><body>site neutre</body></html>"


@pytest.mark.parametrize("how", ["button", "escape"])
def test_quick_exit_replaces_the_page_with_a_neutral_site(tab, app_server, how):
    page = tab.page
    # The neutral site is answered locally: the test machine has no internet.
    page.route(f"{EXIT_URL}**", lambda route: route.fulfill(status=200, body=NEUTRAL,
                                                           content_type="text/html"))
    page.goto(f"{app_server.url}/Annuaire?dep=62")
    wait_until_idle(page)
    page.locator("#quitter-rapidement").wait_for(timeout=30_000)
    if how == "button":
        page.locator("#quitter-rapidement").click()
    else:
        page.keyboard.press("Escape")
    page.wait_for_url(f"{EXIT_URL}**", timeout=15_000)
    assert "site neutre" in page.content()
    # location.replace: the app's page is not the previous entry of the history.
    page.go_back()
    assert "/Annuaire" not in page.url


def _route_neutral(page) -> None:
    page.route(f"{EXIT_URL}**", lambda route: route.fulfill(status=200, body=NEUTRAL,
                                                           content_type="text/html"))


def test_back_after_the_exit_never_shows_the_app(tab, app_server):
    page = tab.page
    _route_neutral(page)
    page.goto(f"{app_server.url}/?dep=62")
    wait_until_idle(page)
    page.locator("#quitter-rapidement").wait_for(timeout=30_000)
    for label in ("Annuaire", "Carte de couverture"):  # pages visited through the menu
        page.get_by_role("link", name=label).first.click()
        wait_until_idle(page)
    page.locator("#quitter-rapidement").click()
    page.wait_for_url(f"{EXIT_URL}**", timeout=15_000)
    page.go_back()
    assert not page.url.startswith(app_server.url), page.url


def test_the_exit_is_the_first_tab_stop_and_the_page_is_french(tab, app_server):
    page = tab.page
    page.goto(f"{app_server.url}/Annuaire?dep=62")
    wait_until_idle(page)
    page.locator("#quitter-rapidement").wait_for(timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quitter-rapidement"
