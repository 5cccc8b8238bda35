"""Carte de couverture: communes coloured by distance to the nearest chosen service."""

import streamlit as st
from streamlit_folium import st_folium

from components import data, mapviews, page, panels

filters = page.setup("Carte de couverture")
threshold = panels.threshold_slider()
panels.missing_locations(filters)

with st.container(key="carte"):
    clicked = st_folium(
        data.coverage_map(filters.dep, filters.categories, threshold),
        key="carte",
        returned_objects=["last_clicked"],
        height=620,
        use_container_width=True,
    )
panels.legend(mapviews.distance_legend())
panels.legend(data.categories_legend(filters.categories))
st.caption(
    "Distance à vol d'oiseau entre le point de population de chaque commune (sa mairie, ou un "
    "point intérieur) et le service le plus proche des types choisis, y compris hors du "
    "département. Services en projet ou arrêtés exclus. Les lieux d'hébergement ne sont "
    "jamais localisés. Populations municipales 2023, COG 2026."
)
panels.clicked_commune(filters, clicked)
