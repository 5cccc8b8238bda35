"""Which services concern a territory: located, catchment, remote."""

import pandas as pd
import pytest

from geo.coverage import catchment_communes, count_by_category, presence, services_of_territory

COMMUNES = pd.DataFrame(
    {
        "insee": ["62001", "62002", "62003", "59001"],
        "dep": ["62", "62", "62", "59"],
        "arr": ["621", "621", "622", "591"],
        "epci_siren": ["E1", "E2", "E2", "E3"],
    }
)


def services(*rows):
    base = {"id": "", "dep": "62", "category": "permanence", "lat": None, "insee": "",
            "catchment": "", "remote": False}
    return pd.DataFrame([{**base, **row} for row in rows])


@pytest.mark.parametrize(
    ("catchment", "expected"),
    [
        ("dep:62", ["62001", "62002", "62003"]),
        ("arr:622", ["62003"]),
        ("epci:E2", ["62002", "62003"]),
        ("com:59001;arr:621", ["59001", "62001", "62002"]),
        ("national", ["59001", "62001", "62002", "62003"]),
        ("", []),
    ],
)
def test_a_catchment_expands_to_its_communes(catchment, expected):
    assert catchment_communes(catchment, COMMUNES).tolist() == expected


def test_an_unknown_catchment_level_is_refused_by_name():
    with pytest.raises(ValueError, match="canton"):
        catchment_communes("canton:6201", COMMUNES)


def test_a_service_just_across_the_border_is_not_counted_in_the_departement():
    table = services({"id": "a", "lat": 50.0, "insee": "59001"})
    assert services_of_territory(table, COMMUNES, pd.Index(["62001"])).empty


def test_a_catchment_service_counts_for_its_territory_without_a_point():
    table = services({"id": "b", "catchment": "epci:E2"})
    found = services_of_territory(table, COMMUNES, pd.Index(["62003"]))
    assert found["presence"].tolist() == ["zone"]


def test_national_lines_concern_every_territory():
    table = services({"id": "c", "remote": True, "category": "ligne_ecoute",
                      "catchment": "national"})
    assert services_of_territory(table, COMMUNES, pd.Index(["62001"]))["id"].tolist() == ["c"]
    assert services_of_territory(table, COMMUNES, pd.Index(["59001"]))["id"].tolist() == ["c"]


def test_a_remote_service_of_another_departement_is_left_out():
    """The Côte-d'Or's "115 – SIAO de Côte-d'Or" is not a line for the Pas-de-Calais."""
    table = services({"id": "siao21", "dep": "21", "remote": True, "category": "ligne_ecoute",
                      "catchment": "dep:21"},
                     {"id": "bar21", "dep": "21", "remote": True, "category": "ligne_ecoute"})
    assert services_of_territory(table, COMMUNES, pd.Index(["62001"])).empty


def test_a_remote_service_without_catchment_concerns_its_own_departement_only():
    table = services({"id": "r", "remote": True, "category": "ligne_ecoute"})
    assert services_of_territory(table, COMMUNES, pd.Index(["62001"]))["id"].tolist() == ["r"]
    assert services_of_territory(table, COMMUNES, pd.Index(["59001"])).empty


def test_a_secret_place_counts_for_its_commune_only():
    table = services({"id": "d", "category": "hebergement", "insee": "62002"})
    assert presence(table).tolist() == ["commune"]
    assert services_of_territory(table, COMMUNES, pd.Index(["62001"])).empty
    assert len(services_of_territory(table, COMMUNES, pd.Index(["62002"]))) == 1


def test_counts_by_category_follow_the_schema_order_and_add_up():
    table = pd.DataFrame({"category": ["iscg", "permanence", "iscg"],
                          "presence": ["lieu", "zone", "zone"]})
    counts = count_by_category(table)
    assert counts["Catégorie"].tolist() == ["Permanences", "ISCG"]
    assert counts["Total"].tolist() == [1, 2]


def test_a_national_line_listed_by_two_plans_counts_once():
    line = {"remote": True, "category": "ligne_ecoute", "catchment": "national"}
    table = services({"id": "a", "phone": "3919", **line}, {"id": "b", "phone": "39 19", **line},
                     {"id": "c", "phone": "17", **line})
    found = services_of_territory(table, COMMUNES, pd.Index(["62001"]))
    assert found["id"].tolist() == ["a", "c"]
