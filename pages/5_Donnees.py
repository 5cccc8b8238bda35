"""Données: how fresh and how complete the listings of the département are (everyone).

Figures are computed on what the session's role may see (secret places anonymous).
"""

import streamlit as st

from components import auth, data, dataviews, page

filters = page.setup("Données : fraîcheur et qualité", with_categories=False)
auth.sidebar_status()
role = auth.current_role()

figures = data.listing_quality(role, filters.dep)
if figures["services"] == 0:
    st.info("Aucun service n'est recensé pour ce département : rien à vérifier encore. "
            "L'absence de données n'est pas l'absence de service.")
    st.stop()

st.subheader("Fraîcheur")
st.caption("Un annuaire ne vaut que par sa dernière mise à jour. Signalé à 6 mois, "
           "surligné à 12 mois ; « jamais vérifié » quand la date de vérification est vide.")
dataviews.freshness(data.freshness_counts(role, filters.dep))
dataviews.by_territory(role, filters.dep)

st.subheader("À vérifier")
dataviews.to_check(data.services_to_check(role, filters.dep))

st.subheader("Qualité")
dataviews.quality_figures(figures)
dataviews.quality_lists(data.quality_lists(role, filters.dep))
