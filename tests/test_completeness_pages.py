"""Zones blanches and the territory sheet say no more than the inventory's completeness allows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import data
from components.filters import DEFAULT_CATEGORIES
from store import inventory

ROOT = Path(__file__).resolve().parents[1]


def _headline(dep: str) -> str:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["dep"] = dep
    at.switch_page("pages/2_Zones_blanches.py").run()
    assert not at.exception, at.exception
    return next(m for m in at.metric if m.label.startswith("Habitants à plus de")).value


def test_the_headline_follows_what_is_said_of_the_inventory(app_database):
    # Pas-de-Calais: the plan lists places of these types, nobody said it lists them all.
    assert _headline("62").startswith("au plus ")
    # Finistère: the annuaire lists its CIDFF and bureaux d'aide aux victimes (associations),
    # nothing else: an upper bound; with the permanences alone, nothing is known: no figure.
    assert _headline("29").startswith("au plus ")
    assert data.inventory_status("29", ("permanence", "iscg")) == "unknown"
    for code in DEFAULT_CATEGORIES:
        inventory.declare(app_database, "62", code, "complete", "marie.dupont", "recensement DDFE")
    data.clear_listings_caches()
    figure = _headline("62")
    total = data.gap_summary("62", DEFAULT_CATEGORIES, 15.0).loc["toutes", "population_beyond"]
    assert figure == data.formatting.number(total)


def test_the_sheet_gives_no_share_beyond_without_a_complete_inventory_of_permanences(app_database):
    unknown = data.sheet_profile("epci:242900314", "29")  # Brest Métropole: no permanence listed
    assert unknown.loc["beyond_10", "note"].startswith("non calculé")
    assert unknown["territoire"].loc[["beyond_10", "beyond_20"]].isna().all()
    inventory.declare(app_database, "29", "permanence", "complete", "marie.dupont")
    data.clear_listings_caches()
    said = data.sheet_profile("epci:242900314", "29")
    assert said.loc["beyond_10", "territoire"] > 0  # now a fact: nobody within 10 km listed
