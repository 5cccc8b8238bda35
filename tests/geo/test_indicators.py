"""Indicators per territory on a hand-checkable grid."""

import numpy as np
import pandas as pd
import pytest

from geo.indicators import attribution, map_classes, shelter_label, territory_indicators

COMMUNES = pd.DataFrame({"insee": ["1", "2", "3"], "arr": ["A", "A", "B"],
                         "dep": ["62", "62", "62"]})
UNITS = pd.DataFrame({"unit": ["1", "2", "3"], "insee": ["1", "2", "3"],
                      "population": [1000, 3000, 6000], "arr": ["A", "A", "B"]})
SERVICES = pd.DataFrame(
    {
        "id": ["perm", "dep-wide", "shelter", "iscg"],
        "category": ["permanence", "permanence", "hebergement", "iscg"],
        "capacity": [np.nan, np.nan, 6.0, np.nan],
        "capacity_unit": ["", "", "places", ""],
        "hours_per_month": [12.0, 40.0, np.nan, np.nan],
    }
)
LINKS = pd.DataFrame({"id": ["perm", "dep-wide", "dep-wide", "dep-wide", "shelter", "iscg"],
                      "insee": ["1", "1", "2", "3", "3", "3"]})


@pytest.fixture
def table():
    distances = pd.Series([0.0, 12.0, 25.0])
    return territory_indicators(UNITS, distances, SERVICES, LINKS, COMMUNES, 10, "arr")


def test_population_beyond_is_counted_per_territory(table):
    assert table["population_beyond"].tolist() == [3000, 6000]
    assert table["share_beyond"].tolist() == [0.75, 1.0]


def test_a_departement_wide_service_concerns_every_territory_but_adds_hours_to_none(table):
    assert table["services"].tolist() == [2, 3]
    assert table["permanence_hours"].fillna(0).tolist() == [12.0, 0.0]


def test_shelter_places_per_10000_inhabitants(table):
    assert table.loc["B", "shelter_places"] == 6
    assert table.loc["B", "places_per_10k"] == pytest.approx(10.0)


def test_an_iscg_without_capacity_counts_as_one_post(table):
    assert table.loc["B", "iscg_posts"] == 1
    assert np.isnan(table.loc["A", "iscg_posts"])


def test_attribution_only_to_a_territory_that_contains_all_communes():
    owner = attribution(LINKS, COMMUNES, "arr").set_index("id")["territory"]
    assert owner.to_dict() == {"dep-wide": "", "iscg": "B", "perm": "A", "shelter": "B"}


def test_missing_data_is_never_painted_as_far_away():
    distances = pd.Series([50.0, 50.0])
    classes = map_classes(distances, any_located_in_dep=False)
    assert classes.tolist() == ["sans_lieu", "sans_lieu"]


def test_a_far_commune_keeps_its_distance_class_whatever_the_catchments():
    assert map_classes(pd.Series([50.0, 3.0]), any_located_in_dep=True).isna().all()


@pytest.mark.parametrize(
    ("capacities", "expected"),
    [([], ""), ([10.0], "< 3 structures"), ([1.0, 1.0], "< 3 places"),
     ([2.0, 1.0], "3 places (2 structures)")],
)
def test_small_shelter_counts_are_suppressed(capacities, expected):
    rows = pd.DataFrame({"capacity": capacities, "capacity_unit": ["places"] * len(capacities)})
    assert shelter_label(rows) == expected
