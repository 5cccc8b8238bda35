"""The pilot départements' gap figures, checked by an independent brute-force computation.

The app finds the nearest service with KD-trees per zone (geo.gaps) over cached layers read from
the database; here every distance from every unit to every located service is computed with
plain numpy on coordinates projected with pyproj, straight from the committed files (the plans'
listings and the national layers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from pyproj import Transformer

from components import data, mapviews
from components.filters import DEFAULT_CATEGORIES
from geo import national, territories
from geo.listings import public_view, read_services

PILOTS = ["03", "21", "59", "62"]
TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def committed_places() -> pd.DataFrame:
    """The plans' services and the national layers, straight from the committed files.

    A merged pair (``merges.csv``) is one place: the plan's service at the record's point.
    """
    plan = read_services()
    merges = pd.read_csv(national.MERGES_FILE, dtype=str, keep_default_na=False)
    layer = pd.concat([national.read_layer(national.ANNUAIRE_FILE),
                       national.read_layer(national.FINESS_FILE)], ignore_index=True)
    point = layer.set_index("id")[["lat", "lon"]]
    for plan_id, record in zip(merges["plan_id"], merges["national_id"], strict=True):
        plan.loc[plan["id"] == plan_id, ["lat", "lon"]] = point.loc[record].to_numpy()
    layer = layer[~layer["id"].isin(merges["national_id"])]
    layer["remote"] = False
    return pd.concat([plan, layer[plan.columns.intersection(layer.columns)]], ignore_index=True)


def brute_force_distances(dep: str, categories: tuple[str, ...]) -> pd.DataFrame:
    units = territories.read_units()
    units = units[units["dep"] == dep]
    services = public_view(committed_places())
    located = services[services["category"].isin(categories)
                       & services["status"].isin(["existing", "unknown"])
                       & services["lat"].notna()]
    ux, uy = TO_L93.transform(units.geometry.x.to_numpy(), units.geometry.y.to_numpy())
    sx, sy = TO_L93.transform(located["lon"].to_numpy(), located["lat"].to_numpy())
    d = np.hypot(ux[:, None] - sx[None, :], uy[:, None] - sy[None, :]) / 1000
    nearest = d.min(axis=1) if len(located) else np.full(len(units), np.nan)
    return pd.DataFrame({"unit": units["unit"].to_numpy(), "population": units["population"],
                         "distance_km": nearest})


@pytest.mark.parametrize("dep", PILOTS)
@pytest.mark.parametrize("threshold", [10.0, 20.0])
def test_population_beyond_matches_a_brute_force_computation(dep, threshold):
    expected = brute_force_distances(dep, DEFAULT_CATEGORIES)
    beyond = expected["distance_km"].isna() | (expected["distance_km"] > threshold)
    summary = data.gap_summary(dep, DEFAULT_CATEGORIES, threshold).loc["toutes"]
    assert summary["population_beyond"] == int(expected.loc[beyond, "population"].sum())
    assert summary["communes_beyond"] == int(beyond.sum())
    assert summary["population"] == int(expected["population"].sum())


@pytest.mark.parametrize("dep", PILOTS)
def test_every_unit_distance_matches_to_the_metre(dep):
    expected = brute_force_distances(dep, ("sante", "justice", "iscg"))
    app = data.unit_distances(dep, ("sante", "justice", "iscg"))
    merged = app.merge(expected, on="unit", suffixes=("", "_bf"))
    assert len(merged) == len(expected)
    assert np.allclose(merged["distance_km"], merged["distance_km_bf"], atol=0.01,
                       equal_nan=True)


def test_rural_and_urban_split_adds_up_to_the_total():
    summary = data.gap_summary("03", DEFAULT_CATEGORIES, 15.0)
    assert (summary.loc["rurales", "population"] + summary.loc["urbaines", "population"]
            == summary.loc["toutes", "population"] == 333_298)


def test_uncovered_population_never_exceeds_the_population_beyond():
    for dep in PILOTS:
        s = data.gap_summary(dep, DEFAULT_CATEGORIES, 15.0).loc["toutes"]
        assert 0 <= s["population_uncovered"] <= s["population_beyond"]


@pytest.mark.parametrize("dep", PILOTS)
def test_the_gap_page_figure_is_the_sum_of_its_arrondissement_table(dep):
    from test_pages import open_app

    at = open_app("pages/2_Zones_blanches.py", query={"dep": dep})
    assert not at.exception
    headline = next(m for m in at.metric if m.label.startswith("Habitants à plus de"))
    by_arr = at.dataframe[0].value
    total = int(by_arr["Habitants au-delà du seuil"].sum())
    status = data.inventory_status(dep, DEFAULT_CATEGORIES)
    assert status == "partial"  # the plans list some places of these types, never all
    assert headline.value == "au plus " + f"{total:,}".replace(",", "\u202f")
    assert int(by_arr["Habitants (2023)"].sum()) == int(
        brute_force_distances(dep, DEFAULT_CATEGORIES)["population"].sum())
    none = next(m for m in at.metric if m.label.startswith("Habitants sans aucun service"))
    column = int(by_arr["dont sans aucun service connu des types choisis"].sum())
    assert none.value == "au plus " + f"{column:,}".replace(",", "\u202f")


def test_a_departement_with_no_listed_permanence_is_not_called_a_white_zone():
    from test_pages import open_app

    at = open_app("pages/2_Zones_blanches.py", query={"dep": "59"}, categories=["permanence"])
    uncovered = next(m for m in at.metric if m.label.startswith("Habitants sans aucun service"))
    assert uncovered.value == "non calculé"
    assert any("absence de données" in w.value for w in at.warning)


@pytest.fixture
def two_communes_at_the_edge(monkeypatch):
    """Pas-de-Calais with every commune at 1 km, but one at 20.0 km and one at 20.0005 km."""
    table = data.unit_distances("62", DEFAULT_CATEGORIES).assign(distance_km=1.0)
    table = table.sort_values("population", ascending=False).reset_index(drop=True)
    table.loc[[0, 1], "distance_km"] = [20.0, 20.0005]
    table["in_catchment"] = True  # a département-wide service: it must change nothing
    original = data.unit_distances
    monkeypatch.setattr(data, "unit_distances", lambda dep, categories: table.copy()
                        if dep == "62" else original(dep, categories))
    st.cache_data.clear()
    yield table
    st.cache_data.clear()


def test_a_commune_at_20_0_km_is_not_beyond_20_and_one_at_20_0005_km_is(two_communes_at_the_edge):
    from test_pages import NNBSP, metric, open_app

    table = two_communes_at_the_edge
    at_edge, past = table.loc[0], table.loc[1]
    at = open_app("pages/2_Zones_blanches.py", query={"dep": "62"}, threshold_km=20)
    assert not at.exception
    # The plans' inventory is partial: every figure is an upper bound ("au plus").
    assert metric(at, "Habitants à plus de 20 km") == "au plus " + f"{past['population']:,}" \
        .replace(",", NNBSP)
    assert metric(at, "dont dans le secteur") == metric(at, "Habitants à plus de 20 km")
    assert metric(at, "Habitants sans aucun service") == "au plus 0"

    m = mapviews.beyond_map(data.display("62"), table,
                            data.unit_classes("62", DEFAULT_CATEGORIES, 20.0), 20.0, {})
    layer = next(c for c in m._children.values() if getattr(c, "layer_name", "").startswith(
        "Communes à plus de"))
    fill = {u: layer.style_function({"id": u})["fillColor"] for u in (at_edge["unit"],
                                                                      past["unit"])}
    assert fill == {at_edge["unit"]: mapviews.BEYOND_COLOURS[0],
                    past["unit"]: mapviews.BEYOND_COLOURS[1]}
