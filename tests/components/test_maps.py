"""Map builders tested on their HTML: offline assets, escaping, secrets, columns, size."""

from __future__ import annotations

import re
import time
from pathlib import Path

import branca.colormap
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from components import maps
from geo.schema import CATEGORIES, DISPLAY, SECRET_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "`${alert(1)}` back`ticks`",
    "\"double\" and 'single' quotes",
    "</script><script>alert(2)</script>",
    "Aide & Écoute",
]
#: Substrings that must never appear unescaped anywhere in a rendered map.
RAW = ["<img src=x", "<script>alert", "`${alert", '"double"', "'single'", "Aide & "]
BINS, COLOURS = [0, 1, 5, float("inf")], ["#fee5d9", "#fcae91", "#de2d26"]
PUBLIC = [c for c in CATEGORIES if c not in SECRET_CATEGORIES]


def points_frame(n: int, text: str = "Permanence", seed: int = 0) -> pd.DataFrame:
    """Return ``n`` public service points in a 1-degree square of the Pas-de-Calais."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "lat": 50 + rng.random(n), "lon": 2 + rng.random(n),
        "category": [PUBLIC[i % len(PUBLIC)] for i in range(n)],
        "name": [f"{text} {i}" for i in range(n)],
        "operator": "CIDFF du Pas-de-Calais",
        "address": "12 rue de la République, 62000 Arras",
        "schedule": "Lundi 9h-12h, jeudi 14h-17h",
        "phone": "03 21 00 00 00",
        "distance_km": rng.random(n) * 30,
        "confidentiality": "public",
    })


def squares(n: int = 3, names: list[str] | None = None) -> gpd.GeoDataFrame:
    """Return ``n`` 0.1-degree squares side by side, units ``u0``, ``u1``..."""
    return gpd.GeoDataFrame(
        {"unit": [f"u{i}" for i in range(n)], "insee": [f"6200{i}" for i in range(n)],
         "nom": names or [f"Commune {i}" for i in range(n)]},
        geometry=[box(2 + i / 10, 50, 2.1 + i / 10, 50.1) for i in range(n)], crs=4326,
    )


def hostile_map() -> folium.Map:
    """Return a map with every layer kind, hostile text in every text field."""
    n = len(HOSTILE)
    pts = points_frame(n)
    for col in maps.POINT_FIELDS:
        pts[col] = HOSTILE
    m = maps.new_map(basemap=maps.Basemap("/tiles/{z}/{x}/{y}.png", HOSTILE[0], name=HOSTILE[1]))
    maps.service_points_layer(pts, name=HOSTILE[2]).add_to(m)
    polys = squares(n, HOSTILE)
    values = pd.Series(range(n), index=polys["unit"])
    maps.choropleth_layer(polys, values, BINS, COLOURS, HOSTILE[3],
                          {HOSTILE[4]: "nom", "Nombre": "value"}).add_to(m)
    maps.outline_layer(polys, HOSTILE[5]).add_to(m)
    return maps.add_layer_control(m)


def js_decoded(page: str) -> str:
    """Return ``page`` with JSON ``\\uXXXX`` escapes decoded, as the browser's JS sees it."""
    page = page.replace('\\"', '"').replace("\\'", "'")
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g.group(1), 16)), page)


def walk(element):
    """Yield ``element`` and all its descendants (as streamlit-folium does)."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from walk(child)


# Offline assets -----------------------------------------------------------------------------


def test_every_js_and_css_asset_is_served_by_the_app():
    urls = [url for el in walk(hostile_map())
            for _, url in [*getattr(el, "default_js", []), *getattr(el, "default_css", [])]]
    assert urls, "the map should load Leaflet"
    for url in urls:
        assert url.startswith("/app/static/"), url
        assert (ROOT / "static" / url.removeprefix("/app/static/")).is_file(), url


def test_no_branca_colormap_in_a_map():
    assert not any(isinstance(el, branca.colormap.ColorMap) for el in walk(hostile_map()))


def test_rendered_map_names_no_external_host():
    page = hostile_map().get_root().render()
    assert re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page) == []


def test_marker_images_are_vendored_where_leaflet_is_told_to_look():
    page = maps.new_map().get_root().render()
    assert f'L.Icon.Default.imagePath = "{maps.ICON_PATH}"' in page
    images = ROOT / "static" / maps.ICON_PATH.removeprefix("/app/static/")
    assert (images / "marker-icon.png").is_file()


def test_no_basemap_unless_configured():
    assert not any(isinstance(el, folium.TileLayer) for el in walk(maps.new_map()))
    m = maps.new_map(basemap=maps.Basemap("/tiles/{z}/{x}/{y}.png", "© IGN"))
    tiles = [el.tiles for el in walk(m) if isinstance(el, folium.TileLayer)]
    assert tiles == ["/tiles/{z}/{x}/{y}.png"]


# Escaping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_appears_only_escaped(text):
    page = js_decoded(hostile_map().get_root().render())
    assert maps.escape_text(text) in page


@pytest.mark.parametrize("raw", RAW)
def test_hostile_text_never_appears_raw(raw):
    page = hostile_map().get_root().render()
    assert raw not in page and raw not in js_decoded(page)


def test_escape_text_escapes_markup_quotes_and_backticks():
    assert maps.escape_text("<a href='x'>`&`</a>") == (
        "&lt;a href=&#x27;x&#x27;&gt;&#96;&amp;&#96;&lt;/a&gt;")
    assert maps.escape_text(None) == maps.escape_text(float("nan")) == ""


# Secret places and serialised columns ------------------------------------------------------


@pytest.mark.parametrize("column, value", [("category", "hebergement"),
                                           ("confidentiality", "secret")])
def test_a_secret_place_is_refused(column, value):
    pts = points_frame(3, text="Refuge des Tilleuls")
    pts.loc[1, column] = value
    with pytest.raises(ValueError, match="secret") as error:
        maps.service_points_layer(pts)
    assert "Tilleuls" not in str(error.value)


def test_only_displayed_columns_are_serialised():
    pts = points_frame(4).assign(secret_phone="06 99 88 77 66", notes="NOTE-PRIVEE")
    polys = squares().assign(population_cachee=123_456_789)
    m = maps.new_map()
    maps.service_points_layer(pts).add_to(m)
    maps.choropleth_layer(polys, pd.Series([1, 2, 3], index=polys["unit"]), BINS, COLOURS,
                          "Ressources", {"Commune": "nom"}).add_to(m)
    page = m.get_root().render()
    for hidden in ["secret_phone", "06 99 88 77 66", "NOTE-PRIVEE", "population_cachee",
                   "123456789", "confidentiality"]:
        assert hidden not in page


def test_one_geojson_layer_per_category_not_one_marker_per_point():
    group = maps.service_points_layer(points_frame(100))
    layers = list(group._children.values())
    assert all(isinstance(layer, folium.GeoJson) for layer in layers)
    assert len(layers) == len(PUBLIC)
    assert sum(len(layer.data["features"]) for layer in layers) == 100


def test_points_without_coordinates_are_skipped():
    pts = points_frame(3)
    pts.loc[0, "lat"] = np.nan
    group = maps.service_points_layer(pts)
    assert sum(len(layer.data["features"]) for layer in group._children.values()) == 2


# Choropleth, outlines, legends ---------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(0, 0), (0.5, 0), (1, 0), (1.0001, 1), (4.9, 1),
                                             (5, 1), (5.0005, 2), (1e9, 2), (-1, -1),
                                             (np.nan, -1)])
def test_bin_index_puts_an_edge_in_the_class_below_as_is_beyond_does(value, expected):
    assert maps.bin_index(pd.Series([value]), BINS).tolist() == [expected]


def test_choropleth_colours_units_by_bin_and_special_class():
    polys = squares(4)
    layer = maps.choropleth_layer(
        polys, pd.Series([0, 3, 12], index=["u0", "u1", "u2"]), BINS, COLOURS, "Ressources",
        classes=pd.Series({"u2": "sans_lieu"}))
    fills = [layer.style_function(f)["fillColor"] for f in layer.data["features"]]
    assert fills == ["#fee5d9", "#fcae91", maps.SPECIAL_CLASSES["sans_lieu"].fill,
                     maps.NO_DATA.fill]


def test_the_sector_layer_is_one_hatched_outline_that_lets_the_mouse_through():
    group, m = maps.sector_layer(squares(3)), maps.new_map()
    group.add_to(m)
    page = maps.add_layer_control(m).get_root().render()
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    assert len(layer.data["features"]) == 1  # three touching squares merged into one
    style = layer.style_function(layer.data["features"][0])
    assert style["fillColor"] == f"url(#{maps.HATCH_ID})" and style["dashArray"]
    assert f'<pattern id="{maps.HATCH_ID}"' in page and '"interactive": false' in page
    assert maps.escape_text(maps.SECTOR_NAME) in js_decoded(page)  # a box of the control
    assert maps.sector_layer(squares(0))._children == {}


def test_choropleth_rejects_projected_polygons_and_bad_bins():
    with pytest.raises(ValueError, match="EPSG:4326"):
        maps.choropleth_layer(squares().to_crs(2154), pd.Series(dtype=float), BINS, COLOURS, "x")
    with pytest.raises(ValueError, match="bin edges"):
        maps.choropleth_layer(squares(), pd.Series(dtype=float), [0, 1], COLOURS, "x")


def test_outline_keeps_only_geometry_and_name_and_is_in_the_layer_control():
    m = maps.new_map()
    maps.outline_layer(squares().assign(code="X-CODE"), "Arrondissements").add_to(m)
    page = maps.add_layer_control(m).get_root().render()
    assert "L.control.layers" in page and '"Arrondissements"' in page
    assert "X-CODE" not in page and "Commune 1" in page


def test_legends_are_label_colour_pairs():
    assert maps.bins_legend(BINS, COLOURS, unit="lieux", special_classes=None) == [
        ("0 à 1 lieux", "#fee5d9"), ("1 à 5 lieux", "#fcae91"), ("plus de 5 lieux", "#de2d26")]
    assert "Hébergement" not in dict(maps.categories_legend())


# Size and speed budgets (BUDGETS.md P4, P5) --------------------------------------------------


def test_3000_points_render_under_1_mb_in_half_a_second():
    pts = points_frame(3000)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        m = maps.new_map()
        maps.service_points_layer(pts).add_to(m)
        page = m.get_root().render()
        times.append(time.perf_counter() - start)
    assert len(page.encode()) <= 1_000_000
    assert min(times) <= 0.5


def department_map(polys: gpd.GeoDataFrame, n_points: int = 300) -> folium.Map:
    """Return a map like a département page: choropleth, outline, points, layer control."""
    values = pd.Series(np.arange(len(polys)) % 7, index=polys["unit"].to_numpy())
    m = maps.new_map(bounds=[[polys.total_bounds[1], polys.total_bounds[0]],
                             [polys.total_bounds[3], polys.total_bounds[2]]])
    maps.choropleth_layer(polys, values, BINS, COLOURS, "Lieux par commune",
                          {"Commune": "insee", "Lieux": "value"}).add_to(m)
    maps.outline_layer(polys.dissolve().assign(nom="Département"), "Département").add_to(m)
    maps.service_points_layer(points_frame(n_points)).add_to(m)
    return maps.add_layer_control(m)


def test_a_synthetic_department_of_900_communes_renders_under_1_5_mb():
    """900 squares of ~50 vertices (about 1.1 MB with 300 points), like a real département."""
    grid = gpd.GeoDataFrame(
        {"unit": [f"{i:05d}" for i in range(900)], "insee": [f"{i:05d}" for i in range(900)]},
        geometry=[box(2 + (i % 30) / 30, 50 + (i // 30) / 30,
                      2 + (i % 30 + 1) / 30, 50 + (i // 30 + 1) / 30).segmentize(0.003)
                  for i in range(900)], crs=4326)
    assert len(department_map(grid).get_root().render().encode()) < 1_500_000


@pytest.mark.skipif(not (DISPLAY / "62.parquet").is_file(), reason="no data/processed/display/62")
def test_pas_de_calais_map_renders_under_1_5_mb():
    polys = gpd.read_parquet(DISPLAY / "62.parquet").to_crs(4326)
    assert len(department_map(polys).get_root().render().encode()) < 1_500_000
