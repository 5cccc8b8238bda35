"""Gap analysis on synthetic grids whose answers can be checked by hand.

Units are 1 km communes 10 km apart on a line (x, y in metres, Lambert-93-like values);
services sit on the same line, so every distance is a round number of kilometres.
"""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import LineString, Point

from geo.gaps import (
    ServiceIndex,
    greedy_max_coverage,
    k_nearest,
    nearest_distance,
    population_beyond,
    project_points,
    step_fn,
    suppress_small,
    two_step_fca,
    what_if,
)

X0, Y0 = 650_000.0, 6_860_000.0  # a Lambert-93 point near Paris


def units_at(*km: float, zone: str = "metro", dep: str = "62", population=None) -> pd.DataFrame:
    """Units at ``km`` kilometres east of X0 (10 km apart in most tests)."""
    population = [1000] * len(km) if population is None else population
    return pd.DataFrame(
        {
            "unit": [f"{dep}{i:03d}" for i in range(len(km))],
            "insee": [f"{dep}{i:03d}" for i in range(len(km))],
            "dep": dep,
            "zone": zone,
            "population": population,
            "x": [X0 + 1000 * k for k in km],
            "y": Y0,
        }
    )


def services_at(*km: float, ids=None, zone: str = "metro", weight=None) -> pd.DataFrame:
    ids = [f"s{i}" for i in range(len(km))] if ids is None else ids
    frame = pd.DataFrame(
        {
            "id": ids,
            "category": "permanence",
            "zone": zone,
            "x": [X0 + 1000 * k for k in km],
            "y": Y0,
        }
    )
    return frame if weight is None else frame.assign(weight=weight)


NO_SERVICES = services_at()


# --------------------------------------------------------------------------- nearest


def test_distance_is_zero_at_the_service_and_grows_by_ten_km_per_commune():
    result = nearest_distance(units_at(0, 10, 20), services_at(0))
    assert result["distance_km"].tolist() == pytest.approx([0.0, 10.0, 20.0])
    assert result["nearest_id"].tolist() == ["s0", "s0", "s0"]


def test_a_service_of_another_departement_can_be_the_nearest():
    units = pd.concat([units_at(0, dep="62"), units_at(10, dep="59")], ignore_index=True)
    services = services_at(12, 40, ids=["nord", "pas-de-calais"])
    assert nearest_distance(units, services)["nearest_id"].tolist() == ["nord", "nord"]


def test_a_service_of_another_zone_never_counts_even_with_close_coordinates():
    units = pd.concat([units_at(0), units_at(0, zone="974")], ignore_index=True)
    services = services_at(0, ids=["reunion"], zone="974")
    result = nearest_distance(units, services)
    assert math.isnan(result["distance_km"][0]) and pd.isna(result["nearest_id"][0])
    assert result.loc[1].tolist() == [0.0, "reunion"]


@pytest.mark.parametrize(
    ("km", "ids"),
    [
        ((-10, 10), ["b", "a"]),  # symmetric, lowest id listed second
        ((10, -10), ["a", "b"]),
        ((5, 5, 5), ["c", "a", "b"]),  # three services sharing one host site
        ((5, -5, 5), ["c", "b", "a"]),  # co-located pair and a mirrored one
    ],
)
def test_equidistant_services_resolve_to_the_lowest_id(km, ids):
    result = nearest_distance(units_at(0), services_at(*km, ids=ids))
    assert result.loc[0].tolist() == [abs(km[0]), "a"]


def test_one_row_per_unit_indexed_like_units_even_with_ties():
    units = units_at(0, 10, 20).set_axis(["x", "y", "z"])
    result = nearest_distance(units, services_at(5, 5, 15, 15))
    assert result.index.tolist() == ["x", "y", "z"] and len(result) == 3


def test_no_service_gives_nan_distances():
    result = nearest_distance(units_at(0, 10), NO_SERVICES)
    assert result["distance_km"].isna().all() and result["nearest_id"].isna().all()


def test_no_unit_gives_an_empty_table():
    result = nearest_distance(units_at(), services_at(0))
    assert result.empty and list(result.columns) == ["distance_km", "nearest_id"]


@pytest.mark.parametrize("column", ["x", "y", "zone"])
def test_a_missing_coordinate_column_is_named(column):
    with pytest.raises(ValueError, match=column):
        nearest_distance(units_at(0).drop(columns=column), services_at(0))


def test_duplicate_service_ids_are_refused_and_named():
    with pytest.raises(ValueError, match="twice"):
        nearest_distance(units_at(0), services_at(1, 2, ids=["twice", "twice"]))


def test_missing_coordinates_are_refused():
    units = units_at(0, 10)
    units.loc[1, "x"] = np.nan
    with pytest.raises(ValueError, match="x/y"):
        nearest_distance(units, services_at(0))


# --------------------------------------------------------------------------- k nearest


def test_k_nearest_lists_services_nearest_first_ties_by_id():
    services = services_at(30, -10, 10, 0, ids=["far", "west", "east", "here"])
    result = k_nearest({"x": X0, "y": Y0, "zone": "metro"}, services, 3)
    assert result["id"].tolist() == ["here", "east", "west"]
    assert result["distance_km"].tolist() == [0.0, 10.0, 10.0]


def test_k_nearest_counts_co_located_services_one_by_one():
    services = services_at(5, 5, 5, 1, ids=["c", "a", "b", "d"])
    assert k_nearest({"x": X0, "y": Y0, "zone": "metro"}, services, 3)["id"].tolist() == [
        "d",
        "a",
        "b",
    ]


@pytest.mark.parametrize(("zone", "k", "expected"), [("metro", 10, 2), ("971", 1, 0)])
def test_k_nearest_returns_what_the_zone_has(zone, k, expected):
    assert len(k_nearest({"x": X0, "y": Y0, "zone": zone}, services_at(1, 2), k)) == expected


@pytest.mark.parametrize("k", [0, -1, 1.5])
def test_k_must_be_a_positive_integer(k):
    with pytest.raises(ValueError, match="k"):
        k_nearest({"x": X0, "y": Y0, "zone": "metro"}, services_at(1), k)


def test_service_index_cannot_be_changed_once_built():
    index = ServiceIndex(services_at(0, 10))
    with pytest.raises(AttributeError, match="immutable"):
        index.ids = None
    with pytest.raises(ValueError, match="read-only"):
        index.ids[0] = "other"


def test_service_index_answers_like_the_functions():
    units, services = units_at(0, 10, 20), services_at(4, 18)
    index = ServiceIndex(services)
    pd.testing.assert_frame_equal(index.nearest_all(units), nearest_distance(units, services))


# --------------------------------------------------------------------------- beyond


@pytest.mark.parametrize(
    ("threshold_km", "beyond"),
    [(9.999, 2), (10, 1), (10.001, 1), (20, 0), (0, 2)],
)
def test_beyond_means_strictly_farther_than_the_threshold(threshold_km, beyond):
    units = units_at(0, 10, 20)
    table = population_beyond(units, nearest_distance(units, services_at(0)), threshold_km)
    assert table.loc["total", "communes_beyond"] == beyond
    assert table.loc["total", "population_beyond"] == 1000 * beyond


def test_without_any_service_everyone_is_beyond_and_flagged_as_having_none():
    units = units_at(0, 10)
    table = population_beyond(units, nearest_distance(units, NO_SERVICES), 30)
    assert table.loc["total"].to_dict() == {
        "population": 2000,
        "population_beyond": 2000,
        "share_beyond": 1.0,
        "communes": 2,
        "communes_beyond": 2,
        "population_no_service": 2000,
        "communes_no_service": 2,
    }


def test_population_beyond_groups_by_a_column():
    units = units_at(0, 10, 20, 30, population=[100, 200, 300, 400]).assign(
        rural=[False, False, True, True]
    )
    table = population_beyond(units, nearest_distance(units, services_at(0)), 15, by="rural")
    assert table["population_beyond"].tolist() == [0, 700]
    assert table["share_beyond"].tolist() == [0.0, 1.0]
    assert table["communes"].tolist() == [2, 2]


def test_share_beyond_is_nan_where_nobody_lives():
    units = units_at(20, population=[0])
    table = population_beyond(units, nearest_distance(units, services_at(0)), 10)
    assert math.isnan(table.loc["total", "share_beyond"])


def test_population_beyond_of_no_unit_is_zero():
    units = units_at()
    table = population_beyond(units, nearest_distance(units, services_at(0)), 10)
    assert table.loc["total", "population"] == 0 and table.loc["total", "communes"] == 0


def test_distances_must_be_indexed_like_the_units():
    units = units_at(0, 10)
    with pytest.raises(ValueError, match="indexed like"):
        population_beyond(units, pd.Series([1.0, 2.0], index=[5, 6]), 10)


@pytest.mark.parametrize("threshold_km", [-1, float("nan"), float("inf")])
def test_threshold_must_be_a_finite_positive_distance(threshold_km):
    units = units_at(0)
    with pytest.raises(ValueError, match="threshold_km"):
        population_beyond(units, nearest_distance(units, services_at(0)), threshold_km)


def test_what_if_counts_the_population_a_new_site_brings_within_reach():
    units = units_at(0, 30, 60, population=[500, 200, 100]).assign(dep=["62", "62", "59"])
    table = what_if(units, services_at(0), services_at(25).drop(columns="id"), 10, by="dep")
    assert table.loc["62"].to_dict() == {
        "population": 700,
        "population_beyond_before": 200,
        "population_beyond_after": 0,
        "population_covered": 200,
        "communes_beyond_before": 1,
        "communes_beyond_after": 0,
    }
    assert table.loc["59", "population_covered"] == 0


def test_what_if_with_nothing_added_changes_nothing():
    units = units_at(0, 30)
    table = what_if(units, services_at(0), services_at().drop(columns="id"), 10)
    assert table.loc["total", "population_covered"] == 0


# --------------------------------------------------------------------------- 2SFCA


def test_two_step_fca_by_hand_on_two_services_and_three_units():
    # Units A (0 km, 1,000 people), B (10 km, 2,000), C (20 km, 4,000); radius 10 km.
    # Service S1 at 0 km reaches A, B: R1 = 1 / 3,000. S2 at 20 km (weight 2) reaches B, C:
    # R2 = 2 / 6,000. A = R1, B = R1 + R2, C = R2; times 10,000.
    units = units_at(0, 10, 20, population=[1000, 2000, 4000])
    access = two_step_fca(units, services_at(0, 20, weight=[1, 2]), 10)
    assert access.tolist() == pytest.approx([10 / 3, 20 / 3, 10 / 3])
    assert access.name == "access_per_10k"


def test_two_step_fca_with_a_step_decay_by_hand():
    # Radius 20 km, weight 1 up to 10 km, 0.5 in (10, 20]. One service at 0 km.
    # Demand = 1,000 * 1 + 2,000 * 1 + 4,000 * 0.5 = 5,000; R = 1 / 5,000.
    units = units_at(0, 10, 20, population=[1000, 2000, 4000])
    access = two_step_fca(units, services_at(0), 20, decay=step_fn({10: 1, 20: 0.5}))
    assert access.tolist() == pytest.approx([2.0, 2.0, 1.0])


def test_two_step_fca_is_zero_out_of_reach_and_in_another_zone():
    units = pd.concat([units_at(0, 50), units_at(0, zone="972")], ignore_index=True)
    access = two_step_fca(units, services_at(0), 30)
    assert access.tolist() == pytest.approx([10.0, 0.0, 0.0])


def test_a_service_reaching_only_empty_communes_serves_nobody():
    units = units_at(0, 50, population=[0, 1000])
    assert two_step_fca(units, services_at(0), 10).tolist() == [0.0, 0.0]


def test_two_step_fca_without_services_or_units():
    assert two_step_fca(units_at(0), NO_SERVICES, 30).tolist() == [0.0]
    assert two_step_fca(units_at(), services_at(0), 30).empty


@pytest.mark.parametrize(
    ("km", "weight"), [(0, 1.0), (10, 1.0), (10.01, 0.68), (20, 0.68), (29.9, 0.22), (30.1, 0.0)]
)
def test_step_decay_weighs_each_distance_band(km, weight):
    assert step_fn({10: 1, 20: 0.68, 30: 0.22})(np.array([km])).tolist() == [weight]


@pytest.mark.parametrize("steps", [{}, {10: -1}, {0: 1}, {10: float("nan")}, [(10, 1)]])
def test_step_decay_refuses_meaningless_steps(steps):
    with pytest.raises(ValueError, match="step"):
        step_fn(steps)


def test_a_decay_returning_negative_weights_is_refused():
    with pytest.raises(ValueError, match="decay"):
        two_step_fca(units_at(0), services_at(0), 10, decay=lambda d: -np.ones_like(d))


# --------------------------------------------------------------------------- new sites


def candidates_at(*km: float, ids=None) -> pd.DataFrame:
    ids = [f"c{i}" for i in range(len(km))] if ids is None else ids
    return services_at(*km, ids=ids).assign(label=[f"Mairie {i}" for i in ids])


def test_greedy_picks_the_obviously_best_site_first_then_stops_without_gain():
    # Existing service at 0 km covers the first unit; 40-50 km hold 5,000 people, 100 km 10.
    units = units_at(0, 40, 50, 100, population=[9000, 2000, 3000, 10])
    candidates = candidates_at(45, 100, 2, ids=["middle", "lonely", "useless"])
    result = greedy_max_coverage(units, candidates, services_at(0), 10, 5)
    assert result["id"].tolist() == ["middle", "lonely"]
    assert result["population_added"].tolist() == [5000, 10]
    assert result["population_beyond_after"].tolist() == [10, 0]
    assert result["step"].tolist() == [1, 2]
    assert result["label"].tolist() == ["Mairie middle", "Mairie lonely"]


def test_greedy_does_not_count_twice_a_population_already_covered():
    units = units_at(40, 50, 60, population=[100, 100, 100])
    candidates = candidates_at(45, 50, 70, ids=["a", "b", "c"])
    result = greedy_max_coverage(units, candidates, NO_SERVICES, 10, 3)
    assert result["id"].tolist() == ["b"]  # 50 km reaches all three; then nobody is left


def test_greedy_breaks_ties_by_lowest_id():
    units = units_at(0, 100, population=[500, 500])
    result = greedy_max_coverage(units, candidates_at(100, 0, ids=["z", "y"]), NO_SERVICES, 5, 1)
    assert result["id"].tolist() == ["y"]


def test_threshold_exactly_reached_by_a_candidate_counts_as_covered():
    units = units_at(0, 10, population=[500, 300])
    result = greedy_max_coverage(units, candidates_at(10), services_at(0), 10, 1)
    assert result.empty  # 10 km is not beyond 10 km: nobody to cover


@pytest.mark.parametrize("n", [0, 3])
def test_greedy_with_no_candidates_or_no_sites_wanted_returns_no_row(n):
    units = units_at(0, 50)
    result = greedy_max_coverage(
        units, candidates_at() if n else candidates_at(50), NO_SERVICES, 10, n
    )
    assert result.empty and "population_added" in result.columns


# --------------------------------------------------------------------------- publication


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "< 3"), (2, "< 3"), (3, "3"), (4, "4"), (1250, "1250"), (None, "")],
)
def test_small_counts_are_suppressed_for_publication(count, shown):
    assert suppress_small(pd.Series([count], dtype="float64")).tolist() == [shown]


def test_suppression_threshold_for_structures():
    assert suppress_small([0, 1, 2], min_count=2).tolist() == ["0", "< 2", "2"]


def test_suppression_keeps_the_index():
    assert suppress_small(pd.Series([1, 5], index=["62001", "62002"])).index.tolist() == [
        "62001",
        "62002",
    ]


@pytest.mark.parametrize("values", [[-1], [1.5], ["beaucoup"]])
def test_suppression_refuses_what_is_not_a_count(values):
    with pytest.raises(ValueError, match="counts"):
        suppress_small(pd.Series(values))


# --------------------------------------------------------------------------- projection


def test_notre_dame_de_paris_projects_to_lambert_93():
    gdf = gpd.GeoDataFrame({"zone": ["metro"]}, geometry=[Point(2.3499, 48.8530)], crs=4326)
    result = project_points(gdf)
    assert result.loc[0, "x"] == pytest.approx(652_000, abs=1_000)
    assert result.loc[0, "y"] == pytest.approx(6_862_000, abs=1_000)
    assert "geometry" not in result.columns


def test_reunion_projects_to_its_own_utm_zone_in_the_same_call():
    gdf = gpd.GeoDataFrame(
        {"zone": ["974", "metro"]}, geometry=[Point(55.45, -20.88), Point(3.0, 46.5)], crs=4326
    )
    result = project_points(gdf)
    # Saint-Denis in UTM 40 S (EPSG:2975): ~161 km west of the 57° E meridian (500,000 m).
    assert result.loc[0, ["x", "y"]].tolist() == pytest.approx([338_600, 7_690_000], abs=2_000)
    assert result.loc[1, ["x", "y"]].tolist() == pytest.approx([700_000, 6_600_000], abs=1)


def test_projecting_points_without_crs_is_refused():
    gdf = gpd.GeoDataFrame({"zone": ["metro"]}, geometry=[Point(2.35, 48.85)])
    with pytest.raises(ValueError, match="CRS"):
        project_points(gdf)


@pytest.mark.parametrize(
    ("zone", "geometry", "message"),
    [
        ("975", Point(-56.2, 46.8), "zone"),  # Saint-Pierre-et-Miquelon: out of scope
        ("metro", LineString([(2, 48), (3, 49)]), "points"),
        ("metro", Point(), "points"),
    ],
)
def test_projecting_unsupported_rows_is_refused(zone, geometry, message):
    gdf = gpd.GeoDataFrame({"zone": [zone]}, geometry=[geometry], crs=4326)
    with pytest.raises(ValueError, match=message):
        project_points(gdf)


def test_projected_points_feed_the_distance_functions():
    gdf = gpd.GeoDataFrame(
        {"zone": ["metro", "metro"]},
        geometry=[Point(2.3499, 48.8530), Point(2.2945, 48.8584)],
        crs=4326,
    )  # Notre-Dame and the Eiffel Tower: about 4.1 km apart
    xy = project_points(gdf)
    services = xy.iloc[[1]].assign(id=["tour"])
    assert nearest_distance(xy.iloc[[0]], services)["distance_km"].iloc[0] == pytest.approx(
        4.1, abs=0.1
    )


def test_suppression_accepts_a_plain_list_with_missing_values():
    assert suppress_small([2, None, 7]).tolist() == ["< 3", "", "7"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nearest_matches_a_brute_force_search_on_a_grid_full_of_ties(seed):
    # Units and services on a 1 km lattice: many exact ties and shared sites.
    rng = np.random.default_rng(seed)
    units = units_at(*rng.integers(0, 8, 200)).assign(y=Y0 + 1000.0 * rng.integers(0, 8, 200))
    services = services_at(*rng.integers(0, 8, 40), ids=[f"s{i:02d}" for i in rng.permutation(40)])
    services["y"] = Y0 + 1000.0 * rng.integers(0, 8, 40)
    d = np.hypot(
        units["x"].to_numpy()[:, None] - services["x"].to_numpy(),
        units["y"].to_numpy()[:, None] - services["y"].to_numpy(),
    )
    order = np.lexsort((services["id"].to_numpy()[None, :].repeat(200, 0), d), axis=1)
    expected = services["id"].to_numpy()[order[:, 0]]
    result = nearest_distance(units, services)
    assert result["nearest_id"].tolist() == expected.tolist()
    assert result["distance_km"].to_numpy() == pytest.approx(d.min(axis=1) / 1000)
    index = ServiceIndex(services)
    for i in range(0, 200, 20):
        row = units.iloc[i]
        got = index.k_nearest(row["x"], row["y"], "metro", 5)["id"].tolist()
        assert got == services["id"].to_numpy()[order[i, :5]].tolist()
