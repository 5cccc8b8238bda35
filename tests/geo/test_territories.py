"""Checks of the committed reference territories (``data/processed``) against COG 2026 figures.

They read the processed files only (fast); the raw INSEE file is read when available.
"""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import territories as t
from geo.crs import metric_crs, zone_of

RAW = Path(__file__).resolve().parents[2].parent / "shared/geodata/raw"
PILOTS = {"03": (317, 333_298), "21": (698, 540_100), "38": (512, 1_298_990),
          "59": (647, 2_615_635), "62": (887, 1_457_905)}
ISLANDS = ["22016", "29083", "29155", "85113"]


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    return t.read_communes()


@pytest.fixture(scope="module")
def units() -> gpd.GeoDataFrame:
    return t.read_units()


def metric(frame: gpd.GeoDataFrame, dep: str) -> gpd.GeoDataFrame:
    return frame.to_crs(metric_crs(zone_of(dep)))


def test_scope_is_cog_2026(communes):
    assert len(communes) == 34_875 and communes["insee"].is_unique
    assert communes["insee"].is_monotonic_increasing
    assert communes["dep"].nunique() == 101 and len(t.departement_codes()) == 101
    assert communes["population"].dtype == "int64" and communes.crs == "EPSG:4326"


@pytest.mark.parametrize("dep", sorted(PILOTS))
def test_pilot_counts_and_population(communes, dep):
    sub = t.read_communes(dep)
    assert (len(sub), int(sub["population"].sum())) == PILOTS[dep]
    assert len(communes[communes["dep"] == dep]) == PILOTS[dep][0]


def test_population_equals_raw_insee_for_every_departement(units):
    path = RAW / "decoupage-administratif-sources/donnees_communes.csv"
    if not path.exists():
        pytest.skip(f"raw INSEE file not available at {path}")
    raw = pd.read_csv(path, sep=";", dtype=str, usecols=["DEP", "COM", "PMUN"])
    raw_units = raw.set_index("COM")["PMUN"].astype("int64")
    ours = units.set_index("unit")["population"]
    assert ours.reindex(raw_units.index).eq(raw_units).all()  # PLM by arrondissement
    by_dep = raw.assign(PMUN=raw_units.to_numpy()).groupby("DEP")["PMUN"].sum()
    communes = t.read_communes()
    ours_dep = communes[communes["dep"] != "976"].groupby("dep")["population"].sum()
    pd.testing.assert_series_equal(ours_dep, by_dep, check_names=False, check_index_type=False)


def test_every_commune_has_one_epci_except_four_islands(communes):
    assert sorted(communes.loc[communes["epci_siren"] == "", "insee"]) == ISLANDS
    assert set(communes["epci_nature"]) == {"", "CC", "CA", "CU", "METRO", "MET69"}


def test_units_population_sums_to_communes(communes, units):
    by_commune = units.groupby("insee")["population"].sum()
    assert by_commune.reindex(communes["insee"]).tolist() == communes["population"].tolist()
    assert len(units) == 34_875 - 3 + 45


def test_density_and_rural_cover_every_commune(communes):
    assert communes["dens7"].between(1, 7).all()
    assert (communes["rural"] == (communes["dens7"] >= 5)).all()
    pas_de_calais = communes[communes["dep"] == "62"]["dens7"].value_counts().sort_index()
    assert pas_de_calais.tolist() == [26, 24, 24, 113, 107, 563, 30]


def test_every_point_lies_in_its_unit_polygon(units):
    for dep in t.departement_codes():
        polygons = metric(t.read_display(dep), dep).set_index("unit").geometry
        points = metric(units[units["dep"] == dep], dep).set_index("unit").geometry
        assert sorted(points.index) == sorted(polygons.index), dep
        near = shapely.dwithin(points.to_numpy(), polygons.reindex(points.index).to_numpy(), 100)
        assert near.all(), (dep, list(points.index[~near]))


@pytest.mark.parametrize("dep", sorted(PILOTS))
def test_display_layer_is_small_and_a_valid_coverage(dep):
    layer = t.read_display(dep)
    assert len(layer.to_json().encode()) <= 1_500_000
    assert shapely.coverage_is_valid(layer.geometry.to_numpy())
    assert shapely.is_valid(layer.geometry.to_numpy()).all()


def test_flandre_lys_is_whole_across_nord_and_pas_de_calais(communes):
    epci = t.read_epci().set_index("siren")
    members = communes[communes["epci_nom"] == "CC Flandre Lys"]
    assert set(members["dep"]) == {"59", "62"}
    siren = members["epci_siren"].iloc[0]
    assert epci.loc[siren, "deps"] == "59;62"
    assert epci.loc[siren, "population"] == members["population"].sum()
    shape = metric(epci.loc[[siren]], "59").buffer(100).iloc[0]
    assert metric(members, "59").within(shape).all()


@pytest.mark.parametrize("reader", [t.read_arrondissements, t.read_epci, t.read_departements])
def test_outlines_have_no_small_holes(reader):
    outlines = reader()
    dep = outlines["dep"] if "dep" in outlines else outlines.get("dep_siege", outlines.get("code"))
    for zone in sorted(set(dep.map(zone_of))):
        part = outlines[dep.map(zone_of) == zone].to_crs(metric_crs(zone))
        holes = [shapely.Polygon(r).area for g in part.geometry for p in shapely.get_parts(g)
                 for r in p.interiors]
        assert min(holes, default=np.inf) >= 100_000, zone


def test_arras_keeps_the_nord_exclave():
    arras = t.read_arrondissements("62").set_index("code").to_crs(2154).loc["621", "geometry"]
    assert [round(shapely.Polygon(r).area / 1e6) for r in arras.interiors] == [22]


def test_outline_populations(communes):
    assert t.read_departements().set_index("code")["population"].to_dict() == (
        communes.groupby("dep")["population"].sum().to_dict())
    assert len(t.read_arrondissements("62")) == 7
    assert t.read_epci()["population"].sum() == communes["population"].sum() - communes.loc[
        communes["insee"].isin(ISLANDS), "population"].sum()


def test_france_services_are_current(communes):
    fs = t.read_france_services()
    assert len(fs) == 2_845
    # 2 sites in Saint-Martin (978, a COM, out of the communes' scope); PLM sites by arrondissement
    assert sorted(fs.loc[~fs["insee"].isin(communes["insee"]), "insee"]) == ["97801", "97801"]
    assert fs["unit"].str[:5].ne(fs["insee"]).sum() == 31 - 2
    recoded = fs[fs["insee_source"] != fs["unit"]].set_index("insee_source")["unit"].to_dict()
    assert recoded == {"49069": "49126", "93059": "93066"}
    assert fs[fs["dep"].isin(PILOTS)]["dep"].value_counts().sort_index().tolist() == [
        24, 26, 28, 52, 50]


def test_commune_names_find_former_and_delegated_communes():
    names = t.read_commune_names()
    found = {k: set(names.loc[names["key"] == k, "insee"]) for k in
             ("marconne", "bermeries", "lomme", "pierrefitte sur seine",
              "paris 15e arrondissement")}
    assert found == {"marconne": {"62447"}, "bermeries": {"59006"}, "lomme": {"59350"},
                     "pierrefitte sur seine": {"93066"}, "paris 15e arrondissement": {"75056"}}
    assert not names.duplicated(["key", "insee"]).any()
    assert (names["key"] == names["name"].map(t.normalise_name)).all()


def test_sources_list_every_input():
    sources = t.read_sources()
    assert len(sources) >= 6
    assert all(set(s) == {"name", "file", "vintage", "licence", "attribution"} for s in sources)
