"""Carte de couverture: communes coloured by distance to the nearest chosen service."""

import streamlit as st

from components import clickmap, data, mapviews, page, panels

filters = page.setup("Carte de couverture")
threshold = panels.threshold_slider()
panels.missing_locations(filters)

with st.container(key="carte"):
    clicked = clickmap.click_map(
        data.coverage_map_html(filters.dep, filters.categories, threshold),
        key="carte-cliquable",
        height=620,
    )
panels.legend(mapviews.distance_legend())
panels.legend(data.categories_legend(filters.categories))
st.caption(
    "Couleur : distance à vol d'oiseau entre le point de population de chaque commune (sa "
    "mairie, ou un point intérieur) et le lieu localisé le plus proche des types choisis, y "
    "compris hors du département (une commune à exactement 15 km est dans la classe « 10 à "
    "15 km »). Hachures bleues : secteur d'un service sans lieu précis, qui dessert ces "
    "communes sans que son lieu soit connu ; elles ne changent ni la couleur ni les "
    "chiffres (case « " + mapviews.SECTOR_LAYER + " » pour les masquer). Services en projet "
    "ou arrêtés exclus. Les lieux d'hébergement ne sont jamais localisés. Populations "
    "municipales 2023, COG 2026. " + data.measured_origins(filters.dep, filters.categories)
)
panels.clicked_commune(filters, clicked)
