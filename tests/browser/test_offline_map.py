"""An offline map in a real browser: drawn, no script injected, no request leaves the app."""

from __future__ import annotations

import statistics

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser_harness import (
    assert_no_external_requests,
    map_frame,
    measure_map_load,
    summary,
    time_until_map_drawn,
)
from shapely import box

from components import maps
from geo.schema import DISPLAY

pytestmark = pytest.mark.browser
N_POINTS, N_SQUARES = 5, 3


@pytest.fixture
def fixture_map(tab, map_fixture_server):
    """The fixture app opened in a tab, with its map frame drawn."""
    seconds = time_until_map_drawn(tab.page, map_fixture_server.url, N_SQUARES,
                                   container_key="carte-test")
    assert seconds < 30
    return tab, map_frame(tab.page, container_key="carte-test")


def test_map_draws_every_point_and_square(fixture_map):
    tab, frame = fixture_map
    assert frame.locator("path.cvif-point").count() == N_POINTS
    assert frame.locator(".leaflet-marker-icon").count() == N_POINTS  # one symbol each
    assert frame.locator("path.leaflet-interactive").count() == N_SQUARES
    assert frame.locator(".leaflet-control-layers").count() == 1
    tab.screenshot("offline_map")


OPEN_EVERY_POPUP_AND_TOOLTIP = """() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const texts = [];
  map.eachLayer((layer) => {
    if (layer.getTooltip && layer.getTooltip()) {
      layer.openTooltip(); texts.push(layer.getTooltip().getElement().innerText);
    }
    if (layer.getPopup && layer.getPopup()) {
      layer.openPopup(); texts.push(layer.getPopup().getElement().innerText);
    }
  });
  return texts;
}"""


def test_hostile_texts_are_shown_as_text_and_never_run(fixture_map):
    tab, frame = fixture_map
    frame.locator("path.cvif-point").first.click()  # as a user would
    frame.locator(".leaflet-popup-content").wait_for()
    tab.page.wait_for_timeout(400)  # let the popup fade in and pan
    tab.screenshot("offline_map_popup")
    texts = frame.evaluate(OPEN_EVERY_POPUP_AND_TOOLTIP)  # then every popup and tooltip
    assert len(texts) == 2 * N_POINTS + N_SQUARES
    shown = "\n".join(texts)
    for payload in ['<img src=x onerror="window.__xss=1">', "</script><script>window.__xss=3",
                    "`${window.__xss=5}` l'Écoute & co"]:
        assert payload in shown  # displayed literally: escaped once, not twice
    assert tab.dialogs == []
    assert frame.evaluate("() => typeof window.__xss") == "undefined"
    assert tab.page.evaluate("() => typeof window.__xss") == "undefined"
    assert frame.locator(".leaflet-container img[src='x'], .leaflet-container svg svg").count() == 0


def test_no_request_leaves_the_app(fixture_map):
    tab, _ = fixture_map
    tab.page.wait_for_load_state("networkidle")
    assert any("/app/static/vendor/leaflet/leaflet.js" in url for url in tab.requests)
    assert_no_external_requests(tab.requests)


def synthetic_department(n_side: int = 30) -> gpd.GeoDataFrame:
    """Return ``n_side²`` square communes of ~2 km with 4-vertex-per-200-m edges."""
    cells = [box(2 + i / 40, 50 + j / 40, 2 + (i + 1) / 40, 50 + (j + 1) / 40).segmentize(0.002)
             for j in range(n_side) for i in range(n_side)]
    codes = [f"{k:05d}" for k in range(len(cells))]
    return gpd.GeoDataFrame({"unit": codes, "insee": codes}, geometry=cells, crs=4326)


def department_map_html(polys: gpd.GeoDataFrame, n_points: int = 300) -> str:
    """Return the rendered HTML of a département-like map (communes, outline, points)."""
    rng = np.random.default_rng(0)
    w, s, e, n = polys.total_bounds
    points = pd.DataFrame({
        "lat": s + rng.random(n_points) * (n - s), "lon": w + rng.random(n_points) * (e - w),
        "category": "permanence", "name": [f"Permanence {i}" for i in range(n_points)],
        "operator": "CIDFF", "address": "1 place de la Mairie", "schedule": "lundi 9h-12h",
        "phone": "03 21 00 00 00"})
    m = maps.new_map(bounds=[[s, w], [n, e]])
    values = pd.Series(np.arange(len(polys)) % 7, index=polys["unit"].to_numpy())
    maps.choropleth_layer(polys, values, [0, 1, 5, float("inf")],
                          ["#fee5d9", "#fcae91", "#de2d26"], "Lieux",
                          {"Commune": "insee", "Lieux": "value"}).add_to(m)
    maps.service_points_layer(points).add_to(m)
    return maps.add_layer_control(m).get_root().render()


def test_department_map_loads_within_p10(browser, map_fixture_server, capsys):
    path = DISPLAY / "62.parquet"
    polys = gpd.read_parquet(path).to_crs(4326) if path.is_file() else synthetic_department()
    html = department_map_html(polys)
    times = measure_map_load(browser, map_fixture_server.url, html)
    with capsys.disabled():
        print(f"\nP10 map load ({len(polys)} units, {len(html) / 1e6:.2f} MB): {summary(times)}")
    assert statistics.median(times) <= 1.5
