"""Browser-test fixture: one offline map with hostile texts in every field.

Run by ``tests/browser/conftest.py`` (staged beside the app's ``static/``), never collected.
Each payload would set ``window.__xss`` if it ever ran.
"""

import geopandas as gpd
import pandas as pd
import streamlit as st
from shapely import box
from streamlit_folium import st_folium

from components import maps

XSS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    "</script><script>window.__xss=3</script>",
    '"><svg onload=window.__xss=4>',
    "`${window.__xss=5}` l'Écoute & co",
]
points = pd.DataFrame({
    "lat": [50.05, 50.05, 50.05, 50.02, 50.08],
    "lon": [2.05, 2.15, 2.25, 2.10, 2.20],
    "category": ["permanence", "iscg", "association", "permanence", "sante"],
    "name": XSS, "operator": XSS[::-1], "address": XSS, "schedule": XSS, "phone": XSS,
    "distance_km": [0.0, 1.5, 3.25, None, 12.0],
})
squares = gpd.GeoDataFrame(
    {"unit": ["u0", "u1", "u2"], "insee": ["62001", "62002", "62003"], "nom": XSS[:3]},
    geometry=[box(2 + i / 10, 50, 2.1 + i / 10, 50.1) for i in range(3)], crs=4326,
)
m = maps.new_map(bounds=[[50, 2], [50.1, 2.3]])
maps.choropleth_layer(
    squares, pd.Series([0, 3, 12], index=["u0", "u1", "u2"]), [0, 1, 5, float("inf")],
    ["#fee5d9", "#fcae91", "#de2d26"], XSS[3], {"Commune": "nom", "Lieux": "value"},
).add_to(m)
maps.service_points_layer(points, name=XSS[4]).add_to(m)
maps.add_layer_control(m)

st.title("Carte de test")
with st.container(key="carte-test"):  # gives the DOM class st-key-carte-test
    st_folium(m, key="carte", returned_objects=[], height=500, use_container_width=True)
