"""Annuaire: the nearest services to a woman's commune, and the filterable directory."""

import streamlit as st

from components import data, directoryviews, page

filters = page.setup("Annuaire", with_categories=False)
near, listing = st.tabs(["Près de chez elle", "Annuaire complet"])
with near:
    directoryviews.near_her(filters)
with listing:
    chosen = directoryviews.directory_filters(filters)
    directoryviews.directory_table(filters, chosen)
    if st.toggle("Voir ces services sur une carte", key="dir_map"):
        with st.container(key="annuaire-carte"):
            st.iframe(data.directory_map_html(filters.dep, chosen), height=500)
        st.caption("Seuls les services tenus en un lieu public sont sur la carte ; "
                   "l'hébergement n'est jamais localisé.")
