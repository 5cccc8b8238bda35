"""A corrupt or unreachable database: a French message on every page, no traceback.

The details (file, host, port, exception) go to the server log; the browser receives
neither a path nor a host, and an uncaught error elsewhere shows no message, type or
traceback (``client.showErrorDetails = "none"``).
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest
from test_roles import rendered

from components import data

ROOT = Path(__file__).resolve().parents[1]
PAGES = [None, "pages/3_Annuaire.py", "pages/6_Gestion.py"]
DOWN = "postgresql+psycopg://carto:motdepasse@127.0.0.1:1/carto_vif"


@pytest.fixture(params=["corrupt-sqlite", "postgres-down"])
def broken(request, tmp_path, monkeypatch):
    """DATABASE_URL at a file of random bytes, or at a PostgreSQL port nobody listens on."""
    if request.param == "corrupt-sqlite":
        path = tmp_path / "carto-vif.sqlite3"
        path.write_bytes(os.urandom(16384))
        url, secrets = f"sqlite:///{path}", [str(tmp_path), "sqlite", "DatabaseError"]
    else:
        url, secrets = DOWN, ["127.0.0.1", "port 1", "motdepasse", "carto_vif", "psycopg"]
    monkeypatch.setenv("DATABASE_URL", url)
    data.clear_listings_caches()
    data._engine.clear()
    yield secrets
    data._engine.clear()
    data.clear_listings_caches()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "app.py")
def test_every_page_says_the_database_is_unavailable_in_french(broken, page, caplog):
    caplog.set_level(logging.ERROR, logger="carto_vif")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["dep"] = "62"
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception
    assert any("La base de données est indisponible" in e.value for e in at.error)
    text = rendered(at)
    for secret in [*broken, "Traceback", 'File "', "/work/", "site-packages"]:
        assert secret not in text, secret
    assert any(r.name == "carto_vif.page" for r in caplog.records)  # details in the log


def test_the_page_comes_back_once_the_database_is_readable_again(tmp_path, monkeypatch):
    path = tmp_path / "carto-vif.sqlite3"
    path.write_bytes(os.urandom(4096))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    data._engine.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["dep"] = "62"
    at.run()
    assert at.error
    path.unlink()  # a fresh install: no marker, the database is created and seeded
    at.run()
    assert not at.exception and not at.error
    data._engine.clear()
    data.clear_listings_caches()


def test_error_details_are_hidden_from_the_browser():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["showErrorDetails"] == config.ShowErrorDetailsConfigOptions.NONE
