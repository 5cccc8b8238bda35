"""Commune search as people type names: accents, "St", hyphens, postcodes, typos, homonyms.

Runs on the committed ``data/processed`` names (COG 2026): the cases are real names that
Streamlit's fuzzy select box got wrong.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geo import territories
from geo.communesearch import CommuneIndex, search_communes


@pytest.fixture(scope="module")
def index() -> CommuneIndex:
    units = pd.DataFrame(territories.read_units().drop(columns="geometry"))
    return CommuneIndex(territories.read_commune_names(), units,
                        territories.read_departements()[["code", "nom"]])


@pytest.mark.parametrize(("query", "unit", "current"), [
    ("Hesdin", "62447", "Hesdin-la-Forêt"),  # commune déléguée, not Hesdin-l'Abbé (62448)
    ("Bethune", "62119", "Béthune"),
    ("St Pol sur Ternoise", "62767", "Saint-Pol-sur-Ternoise"),
    ("saint pol sur ternoise", "62767", "Saint-Pol-sur-Ternoise"),
    ("Hesdin-la-Foret", "62447", "Hesdin-la-Forêt"),
    ("Le Touquet", "62826", "Le Touquet-Paris-Plage"),
    ("62140 Hesdin", "62447", "Hesdin-la-Forêt"),
    ("75001", "75101", "Paris 1er Arrondissement"),
])
def test_a_name_as_typed_answers_one_commune_directly(index, query, unit, current):
    found = search_communes(query, index, dep="62")
    assert found.direct
    assert (found.candidates[0].unit, found.candidates[0].current) == (unit, current)


def test_hesdin_is_shown_as_the_delegated_commune_of_hesdin_la_foret(index):
    label = search_communes("Hesdin", index, dep="62").candidates[0].label
    assert label == "Hesdin, commune déléguée → Hesdin-la-Forêt (62, Pas-de-Calais – 62140)"


def test_a_postcode_gives_every_commune_that_has_it(index):
    found = search_communes("62000", index, dep="62")
    assert [c.current for c in found.candidates] == ["Arras", "Dainville"]
    assert not found.direct


def test_an_empty_field_answers_nothing(index):
    for query in ("", "   "):
        found = search_communes(query, index, dep="62")
        assert found.candidates == () and not found.direct


def test_homonyms_are_all_proposed_with_their_departement(index):
    found = search_communes("Saint-Martin", index, dep="32")
    assert not found.direct and found.total >= 5
    assert found.candidates[0].label == "Saint-Martin (32, Gers – 32300)"
    assert len({c.dep for c in found.candidates}) > 3


def test_communes_of_the_current_departement_come_first(index):
    assert search_communes("Saint-Martin", index, dep="65").candidates[0].dep == "65"


def test_a_small_typo_is_proposed_but_never_answered_silently(index):
    found = search_communes("Bethnue", index, dep="62")
    assert found.how == "fuzzy" and not found.direct
    assert found.candidates[0].current == "Béthune"


def test_nothing_found_says_so(index):
    found = search_communes("Xqzwv", index, dep="62")
    assert found.candidates == () and found.how == "none"


def test_a_city_name_lists_its_arrondissements_in_order(index):
    found = search_communes("Paris", index, dep="62")
    assert not found.direct
    assert [c.unit for c in found.candidates] == [f"751{i:02d}" for i in range(1, 21)]


def test_the_start_of_a_name_proposes_choices_not_an_answer(index):
    found = search_communes("Hesdin-la", index, dep="62")
    assert [c.current for c in found.candidates] == ["Hesdin-la-Forêt"] and found.direct
    partial = search_communes("Hesd", index, dep="62")
    assert partial.how == "prefix" and not partial.direct and partial.total > 1


def test_a_commune_of_the_departement_is_answered_when_the_homonym_is_a_former_name(index):
    here = search_communes("Beaune", index, dep="21")
    assert here.direct and here.candidates[0].unit == "21054"
    assert [c.dep for c in here.candidates] == ["21", "73"]  # the other one is still named
    assert not search_communes("Beaune", index, dep="73").direct
