"""Leak test in the browser: the websocket frames served to the public hold no secret row.

The live server reads a database made of the committed listings plus the planted rows of
``tests/test_secret_leaks.py`` (a secret shelter whose every field holds its street, public
rows naming it in disguise). Every frame the public's browser receives while it opens each
page (maps, tables and the "Près de chez elle" answer for Arras included) is searched on
folded text for the street, the name's words, the source line and the id: 0 hits.
"""

from __future__ import annotations

import os
import sys

import pytest
from browser_harness import ROOT, open_tab, streamlit_server, wait_until_idle

sys.path.insert(0, str(ROOT / "tests"))
import test_secret_leaks as leaks  # noqa: E402

from geo.schema import SERVICE_COLUMNS  # noqa: E402
from store import make_engine, services  # noqa: E402

PAGES = ("", "Carte", "Zones_blanches", "Annuaire", "Mon_territoire?epci=200033579",
         "Donnees")


@pytest.fixture(scope="module")
def leaky_server(browser, tmp_path_factory):
    """The app on a database holding the planted secret rows."""
    url = f"sqlite:///{tmp_path_factory.mktemp('frames') / 'leaks.sqlite3'}"
    engine = make_engine(url)
    for row in leaks.planted_rows():
        services.create(engine, {c: row.get(c, "") for c in SERVICE_COLUMNS}, "test")
    engine.dispose()
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        with streamlit_server(ROOT / "app.py") as server:
            yield server
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def test_no_websocket_frame_serves_the_secret_row(browser, leaky_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, locale="fr-FR")
    context.set_default_timeout(60_000)
    tab = open_tab(context)
    frames: list[str] = []

    def on_socket(ws: object) -> None:
        ws.on("framereceived", lambda payload: frames.append(
            payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload))

    tab.page.on("websocket", on_socket)
    try:
        for page in PAGES:
            sep = "&" if "?" in page else "?"
            tab.page.goto(f"{leaky_server.url}/{page}{sep}dep=62")
            wait_until_idle(tab.page)
            if page == "Annuaire":  # "Près de chez elle" for Arras
                box = tab.page.get_by_role("textbox", name="Commune où elle vit").first
                box.fill("Arras")
                box.press("Enter")
                wait_until_idle(tab.page)
                tab.page.get_by_text("Commune : Arras").first.wait_for(timeout=60_000)
        text = "\n".join(frames)
        assert len(text) > 100_000, "too little was received to prove anything"
        assert "Hébergement pour victimes" in text  # the secret row itself was served, anonymous
        assert "Atelier" in text and "[lieu confidentiel]" in text  # and the rows naming it
        assert not leaks.hits(text, "public")
    finally:
        context.close()
