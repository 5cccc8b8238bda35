"""AppTest: "Mon territoire" page for an EPCI, an arrondissement, a bad URL, a straddling EPCI."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from test_pages import open_app

from components.formatting import number
from geo.schema import COMMUNES_FILE, EPCI_FILE

pytestmark = pytest.mark.skipif(not EPCI_FILE.exists(), reason="data/processed not built yet")
PAGE = "pages/4_Mon_territoire.py"
BOULONNAIS, FLANDRE_LYS = "246200729", "245900758"


@pytest.fixture(autouse=True)
def _clear_caches():
    st.cache_data.clear()
    yield


def shown(at) -> str:
    return " ".join([*(h.value for h in at.subheader), *(c.value for c in at.caption)])


def test_the_page_shows_the_epci_named_in_the_url():
    at = open_app(PAGE, query={"epci": BOULONNAIS}, dep="62")
    assert not at.exception
    assert at.subheader[0].value == "CA du Boulonnais"
    assert at.session_state["territory"] == f"epci:{BOULONNAIS}"


def test_the_page_shows_the_arrondissement_named_in_the_url():
    at = open_app(PAGE, query={"arr": "621"}, dep="62")
    assert not at.exception
    assert at.subheader[0].value.startswith("Arrondissement")
    assert "621" in shown(at)


def test_an_unknown_epci_in_the_url_is_refused_in_french_and_a_choice_is_shown():
    at = open_app(PAGE, query={"epci": "123"}, dep="62")
    assert not at.exception
    assert any("EPCI « 123 » inconnu" in w.value for w in at.warning)
    assert at.subheader[0].value  # fell back to the first territory of the département


def test_an_epci_of_another_departement_switches_the_departement_filter():
    at = open_app(PAGE, query={"epci": "200093201"}, dep="62")  # Métropole Européenne de Lille
    assert not at.exception
    assert at.session_state["dep"] == "59"


def test_a_straddling_epci_shows_the_population_of_both_sides():
    at = open_app(PAGE, query={"epci": FLANDRE_LYS}, dep="62")
    communes = pd.read_parquet(COMMUNES_FILE, columns=["epci_siren", "dep", "population"])
    own = communes[communes["epci_siren"] == FLANDRE_LYS]
    assert set(own["dep"]) == {"59", "62"}
    assert f"{number(own['population'].sum())} habitants" in shown(at)


def test_changing_the_choice_writes_only_that_code_to_the_url():
    at = open_app(PAGE, dep="62")
    at.selectbox(key="_territory").set_value("arr:621").run()
    assert at.query_params.get("arr") in ("621", ["621"])
    assert "epci" not in at.query_params
    assert set(at.query_params) <= {"arr", "dep"}
