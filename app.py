"""Accueil: the chosen département's key figures, its services by category, and the sources."""

import streamlit as st

from components import data, home, page

filters = page.setup("Carto-VIF : ressources contre les violences faites aux femmes",
                     with_categories=False)
names = data.departement_names()
st.subheader(f"{names[filters.dep]} ({filters.dep})")
home.key_figures(data.territory_summary(filters.dep))

st.markdown("#### Services recensés, par type")
counts = data.category_counts(filters.dep)
if counts.empty:
    st.info(
        "Aucun service n'est encore recensé pour ce département : seules les structures "
        "France services sont connues. L'absence de données n'est pas l'absence de service."
    )
else:
    st.caption(home.listing_caption(data.listing_sources(filters.dep)))
    st.dataframe(counts, hide_index=True, width="stretch")

figures = data.figures_of_departement(filters.dep)
if not figures.empty:
    st.markdown("#### Chiffres du plan départemental (sans lieu précis)")
    st.dataframe(figures, hide_index=True, width="stretch")

home.sources(data.sources())
