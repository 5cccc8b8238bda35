"""Commune names as people write them -> current INSEE code, on the real commune names table."""

import os
from pathlib import Path

import pandas as pd
import pytest

from geo import schema
from geo.geocode import CommuneGeocoder, TerritoryResolver, normalise

PROCESSED = Path(os.environ.get("CARTO_VIF_PROCESSED", schema.PROCESSED))
pytestmark = pytest.mark.skipif(not (PROCESSED / "commune_names.parquet").exists(),
                                reason="data/processed absent: run `python -m geo prepare`")


@pytest.fixture(scope="module")
def geocoder() -> CommuneGeocoder:
    return CommuneGeocoder.from_files(PROCESSED / "commune_names.parquet",
                                      PROCESSED / "communes.parquet")


@pytest.mark.parametrize(("name", "dep", "insee", "how"), [
    ("St Omer", "62", "62765", "exact"),
    ("SAINT-OMER", "62", "62765", "exact"),
    ("Saint Omer (62)", None, "62765", "exact"),
    ("saint-omer", "62", "62765", "exact"),
    ("Hesdin", "62", "62447", "deleguee"),        # merged into Hesdin-la-Forêt (2025)
    ("Marconne", "62", "62447", "deleguee"),      # same merger
    ("Bermeries", "59", "59006", "deleguee"),     # L'Orée de Mormal
    ("Lomme", "59", "59350", "associee"),         # commune associée of Lille
    ("Hellemmes", "59", "59350", "associee"),     # "Hellemmes-Lille"
    ("mairie de Lens", "62", "62498", "host_site"),
    ("CH de Moulins", "03", "03190", "host_site"),
    ("Centre hospitalier de Montluçon", "03", "03185", "host_site"),
    ("Montluçon", "03", "03185", "exact"),
    ("MONTLUCON", "03", "03185", "exact"),
    ("Chenôve", "21", "21166", "exact"),
    ("Marseille 5e Arrondissement", None, "13055", "arrondissement"),
])
def test_name_resolves_to_current_commune(geocoder, name, dep, insee, how):
    match = geocoder.resolve(name, dep=dep)
    assert (match.insee, match.how) == (insee, how), match.reason


@pytest.mark.parametrize(("name", "dep", "insee"), [
    ("Lille", "62", "59350"),      # a Pas-de-Calais listing naming a resource in Lille
    ("Annonay", "03", "07010"),    # the PAMJ visited by the Allier
])
def test_commune_outside_the_departement_resolves_when_unique_in_france(geocoder, name, dep, insee):
    match = geocoder.resolve(name, dep=dep)
    assert (match.insee, match.outside) == (insee, True)


def test_postcode_chooses_between_homonyms(geocoder):
    assert geocoder.resolve("Saint-Omer", postcode="62500").insee == "62765"


def test_name_shared_across_france_is_unresolved_with_candidates(geocoder):
    match = geocoder.resolve("Saint-Martin")
    assert not match.ok
    assert "ambigu" in match.reason and len(match.candidates) >= 2
    assert all("dép." in c for c in match.candidates)


def test_name_absent_from_departement_and_ambiguous_elsewhere_is_unresolved(geocoder):
    match = geocoder.resolve("Saint-Martin", dep="03")
    assert not match.ok and "absente du département 03" in match.reason


def test_unknown_name_gives_a_french_reason(geocoder):
    match = geocoder.resolve("Montlucon-sur-Mer", dep="03")
    assert not match.ok
    assert match.reason == "introuvable dans le département 03 (aucune commune de ce nom)"


@pytest.mark.parametrize(("text", "key"), [
    ("Saint-Omer", "saint omer"), ("St-Omer", "saint omer"), ("Ste Marie", "sainte marie"),
    ("Le Portel", "portel"), ("L'Orée de Mormal", "oree de mormal"), ("", ""),
])
def test_normalise(text, key):
    assert normalise(text) == key


@pytest.fixture(scope="module")
def territories(geocoder) -> TerritoryResolver:
    curated = pd.DataFrame({"dep": ["62"], "territory": ["le Montreuillois"],
                            "catchment": ["arr:624"]})
    return TerritoryResolver(geocoder, pd.read_parquet(PROCESSED / "departements.parquet"),
                             pd.read_parquet(PROCESSED / "arrondissements.parquet"),
                             pd.read_parquet(PROCESSED / "epci.parquet"), curated)


@pytest.mark.parametrize(("text", "dep", "catchment"), [
    ("département du Pas-de-Calais", "62", "dep:62"),
    ("Côte-d'Or", "21", "dep:21"),
    ("ensemble du département", "21", "dep:21"),
    ("Allier – zone gendarmerie", "03", "dep:03"),
    ("arrondissement de Béthune", "62", "arr:622"),
    ("Communauté Urbaine d'Arras", "62", "epci:200033579"),
    ("CAPSO (Communauté d'Agglomération du Pays de Saint-Omer)", "62", "epci:200069037"),
    ("Moulins, Montluçon, Vichy", "03", "com:03190;com:03185;com:03310"),
    ("le Montreuillois", "62", "arr:624"),
    ("France (national)", "03", "national"),
])
def test_territory_text_becomes_catchment_codes(territories, text, dep, catchment):
    assert territories.resolve(text, dep).catchment == catchment


def test_unknown_territory_is_unresolved_with_reason(territories):
    result = territories.resolve("bassin de nulle part", "03")
    assert not result.ok and result.reason == "territoire « bassin de nulle part » non reconnu"
