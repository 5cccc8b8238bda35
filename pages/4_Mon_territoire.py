"""Mon territoire: what an EPCI or arrondissement has, beside its département (?epci=, ?arr=)."""

import streamlit as st

from components import data, page
from components import territoryviews as territory

notice = territory.territory_from_url()  # before the sidebar: may switch the département
filters = page.setup("Mon territoire", with_categories=False)
if notice:
    st.warning(notice)
key = territory.choose(filters.dep)
territory.header(key, filters.dep)
territory.download(key, filters.dep)

with st.container(key="territoire"):
    st.iframe(data.sheet_map_html(key), height=520)
territory.map_legend(key)
territory.indicators(key, filters.dep)
territory.services(key)
territory.plan_figures(key)
