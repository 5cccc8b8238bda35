""""Près de chez elle" lists, for any commune, the nearest place of each national kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_roles import rendered

from components import data, tables
from geo import national, nearby

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("dep", "unit"), [("62", "62447"), ("29", "29019"), ("974", "97411")])
def test_every_commune_gets_a_police_or_gendarmerie_phone_within_100_km(dep, unit):
    general = data.near_her(dep, unit)["general"]
    table = tables.general_places_table(general)
    assert (general["distance_km"] <= 100).all()
    order = [k for k, _, _ in national.NEARBY_KINDS if k in set(general["kind"])]
    assert list(dict.fromkeys(general["kind"])) == order  # kinds in the documented order
    police = table[table["Type"] == "Gendarmerie ou commissariat"]
    assert police["Téléphone"].iloc[-1].startswith("tel:")
    assert table["Source"].str.endswith("à vérifier").all()
    assert not general["category"].isin(["hebergement"]).any()


def _first_unit_of_each_departement():
    units = data.units()
    return units.sort_values("unit").groupby("dep", sort=True).head(1)[["dep", "unit"]]


def test_in_every_departement_each_kind_within_100_km_comes_with_a_phone():
    """Done when of issue 11: for any commune, a phone for each layer with a place ≤ 100 km."""
    checked, places, units = 0, data.national_places(), data.units().set_index("unit")
    for dep, unit in _first_unit_of_each_departement().itertuples(index=False):
        general = data.near_her(dep, unit)["general"]
        assert "Gendarmerie ou commissariat" in set(general["kind"]), (dep, unit)
        here = units.loc[unit]
        ranked = nearby.rank_services(here["x"], here["y"], here["zone"], places)
        reachable = ranked[(ranked["distance_km"] <= 100) & ranked["phone"].ne("")]
        for kind in set(reachable["kind"]):  # a kind with a phone within 100 km is called
            shown = general[general["kind"] == kind]
            assert shown["phone"].ne("").any(), (dep, unit, kind)
        checked += 1
    assert checked == data.units()["dep"].nunique() == 101


def test_hesdin_gets_its_own_brigade_and_hospital():
    general = data.near_her("62", "62447")["general"].set_index("kind")
    assert "Hesdin" in general.loc["Gendarmerie ou commissariat", "name"]
    assert general.loc["Hôpital", "distance_km"] < 5


def test_the_directory_page_shows_the_national_places_with_their_vintage():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["dep"] = "29"
    at.switch_page("pages/3_Annuaire.py").run()
    box = next(t for t in at.text_input if t.label.startswith("Commune où elle vit"))
    at = box.set_value("Brest").run()
    assert not at.exception
    text = rendered(at)
    assert "Gendarmerie ou commissariat" in text and "février 2016" in text
