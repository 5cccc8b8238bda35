"""Zones blanches: who lives far from the chosen services, where, and what would help."""

import streamlit as st

from components import data, gapviews, mapviews, page, panels

filters = page.setup("Zones blanches")
threshold = panels.threshold_slider()
panels.missing_locations(filters)
gapviews.summary(filters, threshold)

with st.container(key="zones-blanches"):
    st.iframe(data.beyond_map_html(filters.dep, filters.categories, threshold), height=520)
panels.legend(mapviews.beyond_legend(threshold))
gapviews.map_caption(threshold)

gapviews.territory_tables(filters, threshold)

st.markdown("#### Indice d'accessibilité (deux étapes, 2SFCA)")
radius = st.select_slider("Rayon de recherche (km)", [10, 20, 30, 40], 30, key="fca_radius")
panels.table_or_notice(data.accessibility(filters.dep, filters.categories, float(radius)),
                       "Aucune commune habitée.")
st.caption(data.ACCESS_METHOD)

st.markdown("#### Et si… une permanence de plus ?")
gapviews.simulation(filters, threshold)
st.markdown("#### Suggestions de sites")
gapviews.suggestion_list(filters, threshold)
