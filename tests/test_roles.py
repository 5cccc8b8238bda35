"""R8: every page, for every role, by navigation and by direct URL, shows nothing restricted.

The database of these tests is the committed listings plus two planted services in the
Pas-de-Calais: a secret shelter and a "sur orientation" group with a street address.
Restricted strings are searched in the serialised messages of every element sent to the
browser (tables, maps and widgets included), and a spy on ``components.data`` records
which views of the listings each page asked for: a page never asks for more than the
session's role, and the Gestion page stops before reading anything for a non-gestionnaire.

AppTest note: ``tests/conftest.py`` switches ``runner.enforceSerializableSessionState`` off
for the test process (AppTest keeps an unpicklable record in session state). The app's own
values stay plain strings: ``test_login_keeps_only_plain_strings_in_session_state`` pickles
them.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components import data
from components.formatting import plain
from geo.schema import SERVICE_COLUMNS
from store import make_engine, services, users
from store.views import rank

ROOT = Path(__file__).resolve().parents[1]
PAGES = [None, *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))]
ROLES = ("public", "professionnel", "gestionnaire")
PASSWORD = "mot de passe des tests"
SECRET = {"id": "62-GTEST1", "dep": "62", "category": "hebergement", "confidentiality": "secret",
          "name": "Foyer Secret des Tilleuls", "insee": "62041", "capacity": "9",
          "remote": "false", "status": "existing"}
REFERRAL = {"id": "62-GTEST2", "dep": "62", "category": "auteurs",
            "confidentiality": "sur_orientation", "name": "Groupe de parole Orientation",
            "place": "Salle Orientation Nord", "address": "12 rue des Orientations",
            "postcode": "62300", "insee": "62498", "lat": "50.432000", "lon": "2.831900",
            "precision": "adresse", "remote": "false", "status": "existing",
            "operator": "Association Test"}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A database with the planted services and two accounts; DATABASE_URL points to it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('roles') / 'roles.sqlite3'}"
    engine = make_engine(url)
    for row in (SECRET, REFERRAL):
        services.create(engine, {c: row.get(c, "") for c in SERVICE_COLUMNS}, "test")
    users.add_user(engine, "pro", "professionnel", PASSWORD)
    users.add_user(engine, "gest", "gestionnaire", PASSWORD)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        data.clear_listings_caches()
        yield engine
    data.clear_listings_caches()
    engine.dispose()


@pytest.fixture
def spy(database, monkeypatch):
    """Record the role of every listings view asked for, and every read of the history."""
    asked = {"roles": [], "restricted": []}
    real = data._services

    def recording(url: str, role: str):  # noqa: ANN202
        asked["roles"].append(role)
        return real(url, role)

    monkeypatch.setattr(data, "_services", recording)
    for name in ("history", "deleted_services", "get"):
        original = getattr(services, name)
        monkeypatch.setattr(services, name, lambda *a, _o=original, _n=name, **k:
                            asked["restricted"].append(_n) or _o(*a, **k))
    st.cache_data.clear()
    return asked


def rendered(at: AppTest) -> str:
    """Everything the page sent to the browser, as text (element protos, serialised)."""
    chunks = []

    def walk(node) -> None:  # noqa: ANN001
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            chunks.append(proto.SerializeToString())
        children = getattr(node, "children", None) or {}
        for child in (children.values() if isinstance(children, dict) else children):
            walk(child)

    walk(at._tree)
    return b"\n".join(chunks).decode("utf-8", errors="replace")


def open_as(role: str, page: str | None, direct: bool) -> AppTest:
    """Open ``page`` as ``role``: through the home page, or straight at its URL."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["dep"] = "62"
    if role != "public":
        at.session_state["role"], at.session_state["user"] = role, f"test-{role}"
    if page and direct:
        at.switch_page(page)
    at.run()
    if page and not direct:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("direct", [False, True], ids=["navigation", "url"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "app.py")
def test_no_page_shows_a_role_more_than_it_may_see(spy, page, role, direct):
    at = open_as(role, page, direct)
    assert not at.exception, at.exception
    text = rendered(at)
    if rank(role) < rank("gestionnaire"):
        assert SECRET["name"] not in text
    if role == "public":
        for restricted in (REFERRAL["address"], REFERRAL["place"]):
            assert restricted not in text
    assert all(rank(asked) <= rank(role) for asked in spy["roles"]), spy["roles"]
    if page == "pages/5_Donnees.py":  # tables are searched too: the public name is listed
        assert REFERRAL["name"] in text


@pytest.mark.parametrize("direct", [False, True], ids=["navigation", "url"])
@pytest.mark.parametrize("role", ["public", "professionnel"])
def test_gestion_stops_at_the_login_form_before_reading_anything(spy, role, direct):
    at = open_as(role, "pages/6_Gestion.py", direct)
    assert any("réservée" in m.value for m in [*at.info, *at.warning])
    assert at.text_input[0].label == "Nom d'utilisateur"
    assert not at.tabs
    assert spy["restricted"] == [] and "gestionnaire" not in spy["roles"]


def test_a_gestionnaire_sees_the_secret_place_in_gestion(spy):
    at = open_as("gestionnaire", "pages/6_Gestion.py", direct=True)
    assert SECRET["name"] in rendered(at)  # the detector above would see a leak
    assert len(at.tabs) == 6


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()


def test_login_with_the_right_password_opens_gestion(database):
    at = open_as("public", "pages/6_Gestion.py", direct=True)
    at = login(at, "gest", PASSWORD)
    assert at.session_state["role"] == "gestionnaire" and len(at.tabs) == 6


def test_a_wrong_password_is_refused_and_the_page_stays_closed(database):
    at = login(open_as("public", "pages/6_Gestion.py", direct=True), "gest", "mauvais")
    assert any("incorrect" in e.value for e in at.error)
    assert "role" not in at.session_state and not at.tabs


def test_a_professionnel_cannot_open_gestion_even_after_login(database):
    at = login(open_as("public", "pages/6_Gestion.py", direct=True), "pro", PASSWORD)
    assert at.session_state["role"] == "professionnel" and not at.tabs


def test_login_keeps_only_plain_strings_in_session_state(database):
    at = login(open_as("public", "pages/6_Gestion.py", direct=True), "gest", PASSWORD)
    for key in ("role", "user"):
        assert type(at.session_state[key]) is str
        pickle.dumps(at.session_state[key])


def test_an_edit_saved_in_gestion_reaches_the_public_listings(database):
    at = open_as("gestionnaire", "pages/6_Gestion.py", direct=True)
    label = next(o for o in at.selectbox(key="edit_choice").options if "62-GTEST2" in o)
    at.selectbox(key="edit_choice").set_value(label).run()
    at.text_input(key="f_phone_62-GTEST2").set_value("03 21 00 00 00")
    at = next(b for b in at.button if b.label == "Vérifier et prévisualiser").click().run()
    assert not at.exception, at.exception
    at = at.button(key="edit_save").click().run()
    assert any("Enregistré" in s.value for s in at.success)
    public = data.services()
    assert public.set_index("id").loc["62-GTEST2", "phone"] == "03 21 00 00 00"
    assert services.history(database, "62-GTEST2")["action"].iloc[0] == "update"


def test_an_edit_over_a_newer_save_is_refused_as_modified_meanwhile(database):
    at = open_as("gestionnaire", "pages/6_Gestion.py", direct=True)
    label = next(o for o in at.selectbox(key="edit_choice").options if "62-GTEST2" in o)
    at.selectbox(key="edit_choice").set_value(label).run()
    current = services.get(database, "62-GTEST2")
    services.update(database, "62-GTEST2", {"notes": "vu par une collègue"}, current["version"],
                    "collegue")
    at.text_input(key="f_schedule_62-GTEST2").set_value("le lundi 9h-12h")
    at = next(b for b in at.button if b.label == "Vérifier et prévisualiser").click().run()
    at = at.button(key="edit_save").click().run()
    assert any(plain("modifié entre-temps par collegue") in e.value for e in at.error)
    assert services.get(database, "62-GTEST2")["schedule"] == ""


def test_after_a_conflict_reloading_shows_the_colleagues_values(database):
    at = open_as("gestionnaire", "pages/6_Gestion.py", direct=True)
    label = next(o for o in at.selectbox(key="edit_choice").options if "62-GTEST2" in o)
    at.selectbox(key="edit_choice").set_value(label).run()
    current = services.get(database, "62-GTEST2")
    services.update(database, "62-GTEST2", {"audience": "femmes et enfants"},
                    current["version"], "collegue")
    at.text_input(key="f_website_62-GTEST2").set_value("https://exemple.fr")
    at = next(b for b in at.button if b.label == "Vérifier et prévisualiser").click().run()
    at = at.button(key="edit_save").click().run()
    at = at.button(key="reload").click().run()
    assert at.text_input(key="f_audience_62-GTEST2").value == "femmes et enfants"
    assert at.text_input(key="f_website_62-GTEST2").value == ""
