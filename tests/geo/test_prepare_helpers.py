"""Small pure helpers of ``geo.prepare`` and ``geo.cog``, on synthetic data checkable by eye."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import Point, box

from geo.cog import created_from, recode_to_current, successors
from geo.prepare import (
    _density_2026,
    clean_coverage,
    drop_small_rings,
    fill_gaps,
    population_points,
)
from geo.territories import normalise_name

COLUMNS = ["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "TYPECOM_AP", "COM_AP"]


def mvt(*rows: tuple[str, ...]) -> pd.DataFrame:
    """Build a mouvements table from (MOD, date, type/code before, type/code after)."""
    return pd.DataFrame(list(rows), columns=COLUMNS)


def test_fill_gaps_gives_a_gap_to_the_neighbour_with_the_longest_border():
    cells = shapely.coverage_clean([box(0, 0, 10, 10), box(10.5, 0, 20, 10), box(0, 10, 20, 20),
                                    box(0, -10, 20, 0), box(10, 9, 10.5, 10)])
    out = fill_gaps(cells, max_area=100)
    # the 0.5 x 9 gap borders cells 0 and 1 over 9 m each: lowest index wins
    assert [round(g.area, 2) for g in out] == [104.5, 95.0, 200.0, 200.0, 0.5]
    assert shapely.coverage_is_valid(out)
    assert shapely.get_num_interior_rings(shapely.coverage_union_all(out)) == 0


def test_fill_gaps_keeps_large_voids():
    ring = shapely.coverage_clean([box(0, 0, 30, 10), box(0, 20, 30, 30), box(0, 10, 10, 20),
                                   box(20, 10, 30, 20)])
    out = fill_gaps(ring, max_area=50)  # the 100 m² hole in the middle is a lake, kept
    assert [g.area for g in out] == [g.area for g in ring]


def test_clean_coverage_removes_overlaps_and_invalid_rings():
    bowtie = shapely.Polygon([(20, 0), (30, 10), (30, 0), (20, 10)])  # self-intersecting
    out = clean_coverage(np.array([box(0, 0, 10, 10), box(9, 0, 20, 10), bowtie]))
    assert shapely.is_valid(out).all() and shapely.coverage_is_valid(out)
    assert sum(g.area for g in out[:2]) == pytest.approx(200.0)


def test_drop_small_rings_keeps_real_exclave_hole_and_drops_pinholes():
    shape = (box(0, 0, 1000, 1000).difference(box(100, 100, 600, 600))   # 0.25 km² enclave
             .difference(box(800, 800, 801, 801)))                       # 1 m² pin-hole
    out = drop_small_rings(shape.union(box(2000, 0, 2001, 1)), min_area=100_000)
    assert out.geom_type == "Polygon"
    assert [shapely.Polygon(r).area for r in out.interiors] == [250_000.0]


def test_drop_small_rings_never_empties_a_small_shape():
    assert drop_small_rings(box(0, 0, 1, 1), min_area=100).area == 1


def test_population_points_keeps_mairie_near_polygon_else_point_inside():
    polys = gpd.GeoSeries([box(0, 0, 1000, 1000), box(0, 0, 1000, 1000),
                           shapely.Polygon([(0, 0), (100, 0), (0, 100)])], crs="EPSG:2154")
    mairies = gpd.GeoSeries([Point(1099, 500), Point(1101, 500), None], crs="EPSG:2154")
    points, source = population_points(polys, mairies)
    assert source.tolist() == ["mairie", "polygone", "polygone"]
    assert points.iloc[1].within(polys.iloc[1]) and points.iloc[2].within(polys.iloc[2])


def test_recode_follows_chains_to_the_latest_commune():
    table = mvt(("31", "1973-01-01", "COM", "A", "COM", "B"),
                ("32", "2019-01-01", "COM", "B", "COM", "C"),
                ("32", "2019-01-01", "COM", "C", "COM", "C"),
                ("50", "2025-01-01", "COM", "C", "COM", "D"))
    assert recode_to_current(["A", "B", "C", "D", "Z"], table).tolist() == ["D"] * 4 + ["Z"]
    assert recode_to_current(["A", "Z"], table, current={"D"}).tolist() == ["D", np.nan]


def test_recode_keeps_a_commune_recreated_after_a_merger():
    table = mvt(("32", "2016-01-01", "COM", "A", "COM", "B"),
                ("21", "2025-01-01", "COM", "B", "COM", "A"))
    assert successors(table) == {}
    assert recode_to_current(["A"], table).tolist() == ["A"]
    assert created_from(table) == {"A": "B"}


def test_recode_keeps_series_index():
    codes = pd.Series(["49069"], index=[7])
    out = recode_to_current(codes, mvt(("50", "2025-01-01", "COM", "49069", "COM", "49126")))
    assert out.to_dict() == {7: "49126"}


def test_density_recode_chef_lieu_code_change_and_split():
    grid = pd.DataFrame({"CODGEO": ["62447", "62461", "49069", "15141"], "DENS": [3, 6, 5, 7]})
    table = mvt(("32", "2025-01-01", "COM", "62461", "COM", "62447"),
                ("50", "2025-01-01", "COM", "49069", "COM", "49126"),
                ("21", "2025-01-01", "COM", "15141", "COM", "15031"))
    level = _density_2026(grid, table, {"62447", "49126", "15141", "15031"})
    assert level.sort_index().to_dict() == {"15031": 7, "15141": 7, "49126": 5, "62447": 3}


@pytest.mark.parametrize(("text", "key"), [
    ("Saint-Étienne", "saint etienne"),
    ("St Etienne", "saint etienne"),
    ("ST-ÉTIENNE", "saint etienne"),
    ("Ste-Marie-aux-Mines", "sainte marie aux mines"),
    ("L'Orée de Mormal", "oree de mormal"),
    ("Le Mans", "mans"),
    ("La Baule-Escoublac", "baule escoublac"),
    ("Les Lilas", "lilas"),
    ("l’Île-d’Yeu", "ile d yeu"),
    ("Hesdin-la-Forêt", "hesdin la foret"),
    ("Bœurs-en-Othe", "boeurs en othe"),
    ("Marseille 1er Arrondissement", "marseille 1er arrondissement"),
    ("Le", "le"),
    ("", ""),
    (None, ""),
])
def test_normalise_name(text, key):
    assert normalise_name(text) == key
