"""AppTest: every page runs, the département follows the user, the home page shows true figures."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
NNBSP = "\u202f"


def open_app(page: str | None = None, query: dict | None = None, **state) -> AppTest:
    """Open the app through app.py like a user, with session state preset, then switch page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


@pytest.fixture(autouse=True)
def _clear_caches():
    st.cache_data.clear()
    yield


@pytest.mark.parametrize("page", [None, *PAGES])
def test_every_page_runs_without_error(page):
    at = open_app(page, dep="62")
    assert not at.exception


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


@pytest.mark.parametrize(
    ("dep", "communes", "population"),
    [("62", "887", f"1{NNBSP}457{NNBSP}905"), ("59", "647", f"2{NNBSP}615{NNBSP}635"),
     ("03", "317", f"333{NNBSP}298")],
)
def test_home_page_shows_the_insee_counts_of_the_chosen_departement(dep, communes, population):
    at = open_app(query={"dep": dep})
    assert metric(at, "Communes") == communes
    assert metric(at, "Habitants") == population


def test_an_unknown_departement_in_the_url_is_refused_with_a_message():
    at = open_app(query={"dep": "<script>"})
    assert at.session_state["dep"] == "62"
    assert any("inconnu" in w.value for w in at.warning)


def test_the_departement_follows_the_user_to_another_page():
    at = open_app(query={"dep": "59"})
    if not PAGES:
        pytest.skip("no page besides the home page yet")
    at.switch_page(PAGES[0]).run()
    assert at.session_state["dep"] == "59"
    assert not at.exception


def test_a_departement_without_listings_says_so_instead_of_showing_nothing():
    at = open_app(query={"dep": "48"})
    assert not at.exception
    shown = " ".join(i.value for i in at.info) + " ".join(c.value for c in at.caption)
    assert "pas forcément sans service" in shown or "absence de données" in shown.lower()
