"""One rule for "beyond": strictly farther than the threshold on the exact float, NaN beyond.

Every unit here sits on a line east of the origin, so its distance is its ``x`` in metres
divided by 1,000, checkable by hand: 20,000 m is exactly 20.0 km, 20,000.5 m is 20.0005 km.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components import maps
from geo import gaps
from geo.indicators import map_classes


@pytest.mark.parametrize(
    ("distance", "expected"),
    [(0.0, False), (19.9999, False), (20.0, False), (20.0005, True), (20.000000001, True),
     (1e9, True), (np.inf, True), (np.nan, True)],
)
def test_is_beyond_20_km(distance, expected):
    assert gaps.is_beyond(distance, 20.0).tolist() == [expected]


def test_a_threshold_of_zero_leaves_only_the_commune_that_has_a_place():
    assert gaps.is_beyond([0.0, 0.001], 0).tolist() == [False, True]


def line_units(*metres: float) -> pd.DataFrame:
    """Units of 1,000, 100, 10… inhabitants at ``metres`` east of the origin (Lambert-93)."""
    return pd.DataFrame({"unit": [f"u{i}" for i in range(len(metres))],
                         "zone": "metro", "x": list(metres), "y": 0.0,
                         "population": [1000 // 10**i for i in range(len(metres))]})


ORIGIN = pd.DataFrame({"id": ["s0"], "zone": ["metro"], "x": [0.0], "y": [0.0]})


def test_the_headline_counts_20_0005_km_as_beyond_20_and_20_0_km_not():
    units = line_units(20_000.0, 20_000.5)
    d = gaps.nearest_distance(units, ORIGIN)["distance_km"]
    assert d.tolist() == [20.0, 20.0005]  # no rounding anywhere on the way
    table = gaps.population_beyond(units, d, 20.0)
    assert table.loc["total", "population_beyond"] == 100
    assert table.loc["total", "communes_beyond"] == 1


def test_a_catchment_never_takes_a_unit_out_of_the_beyond_figure():
    units = line_units(30_000.0, 30_000.0, 5_000.0)
    d = gaps.nearest_distance(units, ORIGIN)["distance_km"]
    inside = pd.Series([True, False, True])
    split = gaps.population_beyond(units, d, 20.0, in_catchment=inside).loc["total"]
    plain = gaps.population_beyond(units, d, 20.0).loc["total"]
    assert split["population_beyond"] == plain["population_beyond"] == 1100
    assert split["population_in_catchment"] == 1000  # informative: beyond and in a sector
    assert split["population_uncovered"] == 100  # beyond and in no sector
    assert split["communes_in_catchment"] + split["communes_uncovered"] == split[
        "communes_beyond"]


def test_the_map_class_changes_exactly_where_the_figure_does():
    values = pd.Series([20.0, 20.0005], index=["u0", "u1"])
    assert maps.bin_index(values, [0.0, 20.0, np.inf]).tolist() == [0, 1]
    assert maps.bin_index(values, [0.0, 5, 10, 15, 20, 30, np.inf]).tolist() == [3, 4]


def test_catchments_do_not_change_the_map_class():
    assert map_classes(pd.Series([50.0, 20.0005]), any_located_in_dep=True).isna().all()


def test_what_if_and_suggestions_use_the_same_edge():
    units = line_units(40_000.0)
    site = pd.DataFrame({"id": ["m"], "label": ["Mairie"], "zone": ["metro"],
                         "x": [20_000.0], "y": [0.0]})  # exactly 20.0 km from the unit
    after = gaps.what_if(units, ORIGIN, site, 20.0).loc["total"]
    assert (after["population_beyond_before"], after["population_beyond_after"]) == (1000, 0)
    chosen = gaps.greedy_max_coverage(units, site, ORIGIN, 20.0, 1)
    assert chosen["population_added"].tolist() == [1000]
    farther = site.assign(x=[19_999.5])  # 20.0005 km: beyond, brings nobody within
    assert gaps.what_if(units, ORIGIN, farther, 20.0).loc["total",
                                                          "population_beyond_after"] == 1000
    assert gaps.greedy_max_coverage(units, farther, ORIGIN, 20.0, 1).empty
