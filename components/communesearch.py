"""The commune search of "Près de chez elle": one shared index of every commune name.

The index is built once per server (``cache_resource``: it is never mutated) from the
processed files; a search itself takes about 10 ms and is not cached. It lives here, beside
``components/data.py``, so that the search does not depend on the loaders being changed there.
"""

from __future__ import annotations

import streamlit as st

from components import data
from geo import territories
from geo.communesearch import CommuneIndex, Search, search_communes


@st.cache_resource(show_spinner=False)
def commune_index() -> CommuneIndex:
    """Every name of every commune of France joined to its map units (shared, read-only)."""
    units = data.units()
    return CommuneIndex(territories.read_commune_names(),
                        units[["unit", "insee", "nom", "population"]],
                        territories.read_departements()[["code", "nom"]])


def search(query: str, dep: str) -> Search:
    """The communes ``query`` may name, those of département ``dep`` first."""
    return search_communes(query, commune_index(), dep)
