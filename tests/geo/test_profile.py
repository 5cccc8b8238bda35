"""The profile of a territory beside its département: synthetic cases, then real checks.

The real checks recompute each figure independently (plain pandas groupby, a bare cKDTree,
services counted from ``services.csv`` by hand) and compare with the sheet's numbers.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from geo.coverage import service_communes
from geo.profile import area_figures, figures_of_territory, services_near, territory_profile
from geo.schema import COMMUNES_FILE, EPCI_FILE, SERVICES_FILE, UNITS_FILE

# Four communes in a row, 10 km apart: EPCI A = 1, 2; EPCI B = 3, 4; one département.
COMMUNES = pd.DataFrame({"insee": ["1", "2", "3", "4"], "dep": "62",
                         "arr": ["621", "621", "622", "622"],
                         "epci_siren": ["A", "A", "B", "B"]})
UNITS = COMMUNES.assign(population=[1000, 500, 300, 200],
                        distance_km=[0.0, 12.0, 25.0, np.nan])
EPCI_A = pd.Index(["1", "2"])
ALL = pd.Index(COMMUNES["insee"])


def service(sid, category="permanence", insee="", catchment="", lat=None, **extra):
    row = {"id": sid, "dep": "62", "category": category, "insee": insee, "catchment": catchment,
           "lat": lat,
           "remote": False, "capacity": np.nan, "capacity_unit": "", "hours_per_month": np.nan,
           "confidentiality": "public"}
    return row | extra


def figures(*rows, area=EPCI_A):
    table = pd.DataFrame([service("z", lat=0.0)] + list(rows)).iloc[1:]
    return area_figures(UNITS, table, service_communes(table, COMMUNES), COMMUNES, area)


def test_population_and_people_beyond_10_and_20_km_are_those_of_the_territory_only():
    f = figures()
    assert (f["population"], f["communes"]) == (1500, 2)
    assert f["beyond"] == {10.0: 500, 20.0: 0}


def test_a_unit_without_any_permanence_in_its_zone_counts_beyond_every_threshold():
    assert figures(area=ALL)["beyond"] == {10.0: 1000, 20.0: 500}


def test_hours_of_a_permanence_held_in_the_territory_are_its_own():
    f = figures(service("p", insee="1", lat=50.0, hours_per_month=8.0))
    assert f["hours"] == 8.0 and f["counts"]["permanence"] == 1


def test_a_departement_wide_permanence_concerns_the_epci_but_its_hours_stay_departmental():
    dep_wide = service("d", catchment="dep:62", hours_per_month=40.0)
    assert figures(dep_wide)["counts"]["permanence"] == 1
    assert figures(dep_wide)["hours"] == 0.0
    assert figures(dep_wide, area=ALL)["hours"] == 40.0


def test_a_permanence_without_readable_schedule_is_counted_apart():
    assert figures(service("p", insee="2", lat=50.0))["unparsed"] == 1


def test_iscg_posts_covering_the_territory_include_a_shared_post_and_say_which_are_own():
    f = figures(service("i", "iscg", catchment="arr:621", capacity=2.0),
                service("j", "iscg", catchment="dep:62"))
    assert (f["iscg"], f["iscg_own"]) == (3.0, 2.0)


@pytest.mark.parametrize(
    ("capacities", "label"),
    [
        ([2.0, 0.0], "< 3 places"),
        ([15.0], "< 3 structures"),
        ([15.0, 8.0], "23 places (2 structures)"),
    ],
)
def test_shelter_places_are_published_only_in_aggregate(capacities, label):
    rows = [service(f"h{i}", "hebergement", insee="1", capacity=c, capacity_unit="places",
                    confidentiality="secret") for i, c in enumerate(capacities)]
    assert figures(*rows)["shelters"] == label


def _profile(territory_rows=(), dep_rows=()):
    return territory_profile(figures(*territory_rows), figures(*dep_rows, area=ALL), "plan 2024")


def test_profile_sets_each_territory_value_beside_the_departement_value():
    table = _profile()
    assert table.loc["population", ["territoire", "departement"]].tolist() == [1500.0, 2000.0]
    assert table.loc["beyond_10", "part_territoire"] == pytest.approx(500 / 1500)
    assert table.loc["beyond_20", "part_departement"] == pytest.approx(500 / 2000)


def test_hours_per_10000_inhabitants_are_per_population():
    table = _profile([service("p", insee="1", lat=50.0, hours_per_month=3.0)])
    assert table.loc["hours_per_10k", "territoire"] == pytest.approx(3.0 / 1500 * 10_000)


def test_few_shelter_places_are_not_published_as_a_ratio():
    small = [service("h", "hebergement", insee="1", capacity=2.0, capacity_unit="places",
                     confidentiality="secret")]
    row = _profile(small).loc["places_per_10k"]
    assert np.isnan(row["territoire"]) and "non publié" in row["note"]
    assert row["reference"] == 1.0


def test_every_indicator_states_its_vintage():
    assert _profile()["source"].str.len().gt(0).all()


def test_figures_match_a_code_among_several_of_a_row():
    table = pd.DataFrame({"territory": ["epci:A;epci:B", "dep:62", "", "com:3"]})
    assert figures_of_territory(table, {"epci:B", "com:3"}).index.tolist() == [0, 3]


SQUARE = gpd.GeoSeries([box(0, 0, 10_000, 10_000)], crs="EPSG:2154")


@pytest.mark.parametrize(("x", "kept"), [(5_000.0, False), (15_000.0, True), (20_000.0, True),
                                         (20_001.0, False)])
def test_services_near_are_outside_and_within_the_distance_of_the_border(x, kept):
    points = pd.DataFrame({"id": ["s"], "insee": ["9"], "x": [x], "y": [5_000.0]})
    inside = pd.Index(["9"]) if x < 10_000 else pd.Index(["1"])
    assert (len(services_near(points, SQUARE, inside, 10.0)) == 1) is kept


def test_services_near_refuses_degrees():
    points = pd.DataFrame({"id": [], "insee": [], "x": [], "y": []})
    with pytest.raises(ValueError, match="metric"):
        services_near(points, SQUARE.to_crs(4326), pd.Index([]), 10.0)


# --------------------------------------------------------------------------- real data

real = pytest.mark.skipif(not EPCI_FILE.exists(), reason="data/processed not built yet")
BOULONNAIS, ARRAS_ARR = "246200729", "621"


@pytest.fixture(scope="module")
def sheet_data():
    from components import data
    return data


def _communes():
    return pd.read_parquet(COMMUNES_FILE, columns=["insee", "dep", "arr", "epci_siren",
                                                   "population"])


def _beyond_by_hand(insee: pd.Index) -> dict[float, int]:
    """Population beyond 10/20 km of a permanence: bare cKDTree on Lambert-93 points."""
    from pyproj import Transformer
    from scipy.spatial import cKDTree

    units = gpd.read_parquet(UNITS_FILE)
    units = units[units["insee"].isin(insee)]
    s = pd.read_csv(SERVICES_FILE, dtype=str, keep_default_na=False)
    s = s[(s["category"] == "permanence") & s["status"].isin(["existing", "unknown"])
          & (s["lat"] != "") & (s["confidentiality"] != "secret")]
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    sx, sy = to_l93.transform(s["lon"].astype(float).to_numpy(), s["lat"].astype(float).to_numpy())
    ux, uy = to_l93.transform(units.geometry.x.to_numpy(), units.geometry.y.to_numpy())
    d_km = cKDTree(np.column_stack([sx, sy])).query(np.column_stack([ux, uy]))[0] / 1000
    return {km: int(units["population"].to_numpy()[d_km > km].sum()) for km in (10.0, 20.0)}


def _permanences_by_hand(insee: set[str], arrs: set[str], epci: set[str], dep: str) -> int:
    """Active permanences held in, or with a catchment touching, the territory."""
    s = pd.read_csv(SERVICES_FILE, dtype=str, keep_default_na=False)
    s = s[(s["category"] == "permanence") & s["status"].isin(["existing", "unknown"])
          & (s["remote"] != "true") & ~s["catchment"].str.contains("national")]

    def touches(row):
        if row["lat"] != "" or row["insee"] != "":
            return row["insee"] in insee
        codes = set(row["catchment"].split(";"))
        return bool(codes & ({f"dep:{dep}"} | {f"arr:{a}" for a in arrs}
                             | {f"epci:{e}" for e in epci} | {f"com:{c}" for c in insee}))
    return int(s.apply(touches, axis=1).sum())


@real
@pytest.mark.parametrize(("key", "column", "code"), [(f"epci:{BOULONNAIS}", "epci_siren",
                                                      BOULONNAIS), (f"arr:{ARRAS_ARR}", "arr",
                                                                    ARRAS_ARR)])
def test_real_territory_figures_match_an_independent_computation(sheet_data, key, column, code):
    table = sheet_data.sheet_profile(key, "62")
    communes = _communes()
    own = communes[communes[column] == code]
    assert table.loc["population", "territoire"] == own["population"].sum()
    dep_population = communes.groupby("dep")["population"].sum()["62"]
    assert table.loc["population", "departement"] == dep_population
    assert table.loc["communes", "territoire"] == len(own)
    expected = _beyond_by_hand(pd.Index(own["insee"]))
    assert table.loc["beyond_10", "territoire"] == expected[10.0]
    assert table.loc["beyond_20", "territoire"] == expected[20.0]
    by_hand = _permanences_by_hand(set(own["insee"]), set(own["arr"]), set(own["epci_siren"]), "62")
    shown = (table.loc["services:permanence", "territoire"]
             if "services:permanence" in table.index else 0)
    assert shown == by_hand
