"""Host points of the plans' services (geo.hosts) on small hand-made frames, then on the
committed national layers and listings."""

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point

from geo import hosts, listings, schema

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "data" / "national"

#: insee, name, point_source, lon, lat (commune points; Lens's point is its mairie).
COMMUNES = [("62041", "Arras", "polygone", 2.78, 50.29),
            ("21231", "Dijon", "polygone", 5.04, 47.32),
            ("21166", "Chenôve", "polygone", 5.01, 47.29),
            ("62498", "Lens", "mairie", 2.83, 50.43),
            ("62080", "Bapaume", "polygone", 2.85, 50.10),
            ("62119", "Béthune", "polygone", 2.64, 50.53)]
#: id, insee, name, source_type, lat, lon, precision (a few records of the national layers).
RECORDS = [
    ("ann-commissariat_police-62041-01", "62041", "Commissariat de police d'Arras",
     "commissariat_police", "50.297019", "2.764161", "adresse"),
    ("ann-commissariat_police-62041-02", "62041", "Commissariat subdivisionnaire de police d'Arras",
     "commissariat_police", "50.280000", "2.790000", "adresse"),
    ("ann-gendarmerie-62041-01", "62041", "Brigade territoriale autonome de gendarmerie d'Arras",
     "gendarmerie", "50.300000", "2.750000", "adresse"),
    ("ann-commissariat_police-21231-01", "21231", "Hôtel de police de Dijon",
     "commissariat_police", "47.315951", "5.033588", "adresse"),
    ("ann-commissariat_police-21231-02", "21231",
     "Commissariat subdivisionnaire de police de Dijon", "commissariat_police",
     "47.330000", "5.020000", "adresse"),
    ("ann-commissariat_police-21166-01", "21166", "Commissariat subdivisionnaire de Chenôve",
     "commissariat_police", "47.290000", "5.000000", "adresse"),
    ("ann-gendarmerie-62080-01", "62080", "Brigade territoriale autonome de gendarmerie de Bapaume",
     "gendarmerie", "50.100000", "2.850000", "adresse"),
    ("ann-gendarmerie-62080-02", "62080", "Brigade de proximité de gendarmerie de Bapaume",
     "gendarmerie", "50.110000", "2.860000", "adresse"),
    ("ann-tgi-62119-01", "62119", "Tribunal de grande instance de Béthune", "tgi",
     "50.534256", "2.638276", "adresse"),
    ("finess-620000034", "62041", "CENTRE HOSPITALIER D'ARRAS", "Centre Hospitalier (C.H.)",
     "50.295630", "2.760050", "finess"),
    ("finess-620032383", "62041", "HOPITAL DE JOUR DE PSYCHIATRIE CH ARRAS",
     "Centre Hospitalier (C.H.)", "50.290000", "2.770000", "finess"),
    ("finess-620000224", "62119", "CENTRE HOSPITALIER GERMON ET GAUTHIER BETHUNE BEUVRY",
     "Centre Hospitalier (C.H.)", "50.53", "2.64", "commune"),
]


@pytest.fixture(scope="module")
def frames() -> dict:
    communes = gpd.GeoDataFrame(
        {"insee": [c[0] for c in COMMUNES], "nom": [c[1] for c in COMMUNES],
         "point_source": [c[2] for c in COMMUNES], "mairie_adresse": "Place de la mairie"},
        geometry=[Point(c[3], c[4]) for c in COMMUNES], crs=4326)
    france_services = gpd.GeoDataFrame(
        {"fs_id": ["7"], "nom": ["France services de Lens"], "insee": ["62498"],
         "adresse": ["1 rue de la Gare"]}, geometry=[Point(2.8301, 50.4301)], crs=4326)
    layers = hosts.host_layers(pd.DataFrame(
        [{"id": r[0], "insee": r[1], "name": r[2], "source_type": r[3], "lat": r[4],
          "lon": r[5], "precision": "commune" if r[6] == "commune" else "adresse",
          "address": ""} for r in RECORDS]))
    return {"layers": layers, "france_services": france_services, "communes": communes}


def host(frames: dict, insee: str, **service: str) -> hosts.HostAnswer:
    base = {"place": "", "name": "", "subcategory": "", "category": "permanence",
            "confidentiality": "public"}
    return hosts.find_named_host({**base, **service}, insee, **frames)


# ------------------------------------------------------------------ the host is found
def test_arras_iscg_police_post_is_at_the_commissariat_of_arras(frames):
    answer = host(frames, "62041", category="iscg",
                  name="Intervenant(e) social(e) en commissariat – Arras",
                  subcategory="ISCG police (zone police)")
    assert (answer.host.host_id, answer.host.precision) == (
        "ann-commissariat_police-62041-01", "lieu_accueil")
    assert (answer.host.lat, answer.host.lon) == (50.297019, 2.764161)


def test_dijon_iscg_with_the_commissariat_as_place_is_at_the_hotel_de_police(frames):
    answer = host(frames, "21231", category="iscg", place="Commissariat de Police de Dijon",
                  name="Intervenant social en commissariat (poste 1) – Commissariat de Police "
                       "de Dijon", subcategory="ISC police")
    assert (answer.host.host_id, answer.how) == ("ann-commissariat_police-21231-01", "principal")


def test_a_france_services_named_in_place_gives_the_site(frames):
    answer = host(frames, "62498", place="Espace France Services")
    assert (answer.host.host_id, answer.host.precision) == ("fs:7", "lieu_accueil")


def test_a_mairie_named_in_the_name_gives_the_mairie_point(frames):
    answer = host(frames, "62498", name="Permanence juridique CIDFF – mairie de Lens")
    assert (answer.host.host_id, answer.host.precision) == ("mairie:62498", "mairie")


@pytest.mark.parametrize(("name", "host_id"), [
    ("Brigade de gendarmerie d'Arras", "ann-gendarmerie-62041-01"),
    ("Gendarmerie d'Arras", "ann-gendarmerie-62041-01"),
    ("Commissariat de police d'Arras", "ann-commissariat_police-62041-01"),
])
def test_brigade_and_commissariat_are_not_confused(frames, name, host_id):
    assert host(frames, "62041", category="forces_securite", name=name).host.host_id == host_id


def test_a_hospital_is_designated_by_its_full_name(frames):
    answer = host(frames, "62041", category="sante", place="Centre hospitalier d'Arras",
                  name="UAPED du Centre hospitalier d'Arras")
    assert (answer.host.host_id, answer.how) == ("finess-620000034", "nom complet")


def test_a_court_alone_in_its_commune_is_the_host(frames):
    answer = host(frames, "62119", category="justice", name="Tribunal judiciaire de Béthune")
    assert (answer.host.host_id, answer.how) == ("ann-tgi-62119-01", "seul")


# ------------------------------------------------------------------ no host
def test_a_gendarmerie_zone_iscg_post_is_at_no_brigade(frames):
    answer = host(frames, "62080", category="iscg", name="Intervenante sociale en gendarmerie",
                  subcategory="ISCG gendarmerie (zone gendarmerie)")
    assert answer.host is None
    assert "sans brigade" in answer.reason


def test_two_brigades_and_a_name_designating_neither_give_no_host(frames):
    answer = host(frames, "62080", category="forces_securite",
                  name="Brigade de gendarmerie de Bapaume")
    assert answer.host is None
    assert answer.reason == ("brigade de gendarmerie nommé, 2 dans la commune ; le texte n'en "
                             "désigne aucun")


def test_a_name_designating_one_of_two_brigades_picks_it(frames):
    answer = host(frames, "62080", category="forces_securite",
                  name="Brigade de proximité de gendarmerie de Bapaume")
    assert answer.host.host_id == "ann-gendarmerie-62080-02"


@pytest.mark.parametrize("service", [
    {"category": "hebergement", "place": "Commissariat de police d'Arras"},
    {"category": "hebergement", "name": "Mise à l'abri – Centre hospitalier d'Arras"},
    {"category": "auteurs", "confidentiality": "sur_orientation",
     "name": "Logement des auteurs – commissariat d'Arras"},
    {"category": "permanence", "confidentiality": "secret", "place": "Mairie d'Arras"},
])
def test_secret_and_non_public_rows_never_get_a_host(frames, service):
    assert host(frames, "62041", **service) == hosts.HostAnswer()


def test_a_host_of_another_commune_is_not_taken(frames):
    answer = host(frames, "21166", category="iscg", place="Commissariat de Police de Dijon")
    assert answer.host is None
    assert answer.reason == "commissariat d'une autre commune (« dijon »)"


def test_a_kind_of_host_absent_from_the_commune_gives_none(frames):
    answer = host(frames, "62498", name="Intervenant social en commissariat – Lens")
    assert answer.host is None and "aucun dans la commune" in answer.reason


@pytest.mark.parametrize(("insee", "service", "reason"), [
    ("62041", {"name": "Réponse sociale en commissariat et/ou gendarmerie"},
     "plusieurs lieux nommés"),
    ("62041", {"place": "Espace André Gervais", "name": "Permanence – commissariat d'Arras"}, ""),
    ("62119", {"name": "Stage de responsabilisation – ressort du TGI de Béthune"}, ""),
    ("62041", {"name": "Brigade de protection de la famille", "category": "forces_securite"}, ""),
    ("62041", {"name": "Permanence CIDFF"}, ""),
])
def test_texts_that_name_no_single_host(frames, insee, service, reason):
    answer = host(frames, insee, **service)
    assert answer.host is None and answer.reason.startswith(reason)


def test_a_record_whose_point_is_only_the_communes_gives_no_host(frames):
    answer = host(frames, "62119", category="sante",
                  name="Centre hospitalier Germon et Gauthier Béthune Beuvry")
    assert answer.host is None and "que celui de la commune" in answer.reason


def test_a_description_does_not_designate_a_secondary_site(frames):
    answer = host(frames, "62041", category="sante", name="EPRED du CH d'Arras",
                  subcategory="équipe pédiatrique – psychiatrie de jour")
    assert answer.host.host_id == "finess-620000034"


# ------------------------------------------------------------------ committed files
needs_layers = pytest.mark.skipif(not (NATIONAL / "annuaire_2016.csv").exists(),
                                  reason="data/national absent: run `python -m geo build-national`")


@needs_layers
def test_the_committed_layers_give_the_commissariats_of_arras_and_dijon(frames):
    real = {**frames, "layers": hosts.load_layers(NATIONAL)}
    arras = hosts.find_named_host({"category": "iscg", "place": "",
                                   "name": "Intervenant(e) social(e) en commissariat – Arras",
                                   "subcategory": "ISCG police (zone police)"}, "62041", **real)
    dijon = hosts.find_named_host({"category": "iscg", "place": "Commissariat de Police de Dijon",
                                   "name": "", "subcategory": ""}, "21231", **real)
    assert arras.host.host_id == "ann-commissariat_police-62041-01"
    assert dijon.host.host_id == "ann-commissariat_police-21231-01"


@needs_layers
def test_committed_listings_take_host_points_from_the_layers_and_never_for_secret_rows():
    services = listings.read_table(schema.LISTINGS / "services.csv", schema.SERVICE_COLUMNS)
    layers = hosts.load_layers(NATIONAL).set_index("id")
    placed = services[services["host_id"].isin(layers.index)]
    assert len(placed) > 0
    assert (placed["confidentiality"] == "public").all()
    assert not placed["category"].isin(schema.SECRET_CATEGORIES).any()
    assert (placed["precision"] == "lieu_accueil").all()
    records = layers.loc[placed["host_id"]]
    assert (placed["insee"].to_numpy() == records["insee"].to_numpy()).all()
    assert (placed["lat"].astype(float).to_numpy()
            == records["lat"].astype(float).round(6).to_numpy()).all()
    assert not listings.is_secret(services)[services["host_id"] != ""].any()
