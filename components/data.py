"""The only cache of the app: every loader and derived table is keyed by small hashable values.

Big immutable national tables are ``cache_resource`` (shared, never mutated: callers must
copy before changing them); per-département results are ``cache_data`` keyed by the
département code and plain filter values. No function here takes a DataFrame argument.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from geo import coverage, listings, territories
from geo.schema import SOURCES_FILE


@st.cache_resource(show_spinner=False)
def communes() -> pd.DataFrame:
    """All communes (COG 2026) with their attributes and population point (shared, read-only)."""
    return territories.read_communes()


@st.cache_resource(show_spinner=False)
def services() -> pd.DataFrame:
    """All service listings as the public may see them (shared, read-only)."""
    return listings.public_view(listings.read_services())


@st.cache_resource(show_spinner=False)
def figures() -> pd.DataFrame:
    """All territorial figures (shared, read-only)."""
    return listings.read_figures()


@st.cache_data(show_spinner=False)
def departement_names() -> dict[str, str]:
    """Département code → name, in COG order."""
    deps = territories.read_departements()
    return dict(zip(deps["code"], deps["nom"], strict=True))


@st.cache_data(show_spinner=False)
def sources() -> list[dict]:
    """The data sources with their vintage, licence and attribution."""
    return json.loads(SOURCES_FILE.read_text(encoding="utf-8"))


@st.cache_data(show_spinner=False, max_entries=200)
def territory_summary(dep: str) -> dict:
    """Key figures of a département: communes, population, rural share."""
    table = communes()
    own = table[table["dep"] == dep]
    rural = own[own["rural"]]
    return {
        "communes": len(own),
        "population": int(own["population"].sum()),
        "rural_communes": len(rural),
        "rural_population": int(rural["population"].sum()),
        "arrondissements": own.loc[own["arr"] != "", "arr"].nunique(),
        "epci": own.loc[own["epci_siren"] != "", "epci_siren"].nunique(),
    }


@st.cache_data(show_spinner=False, max_entries=200)
def services_of_departement(dep: str) -> pd.DataFrame:
    """Services held in, or serving, the département, with their presence."""
    table = communes()
    codes = pd.Index(table.loc[table["dep"] == dep, "insee"])
    return coverage.services_of_territory(services(), table, codes)


@st.cache_data(show_spinner=False, max_entries=200)
def category_counts(dep: str) -> pd.DataFrame:
    """Services of the département by category and presence (French labels)."""
    return coverage.count_by_category(services_of_departement(dep))


@st.cache_data(show_spinner=False, max_entries=200)
def figures_of_departement(dep: str) -> pd.DataFrame:
    """The territorial figures of the département's plan, as a display table."""
    table = figures()
    own = table[table["dep"] == dep]
    return pd.DataFrame(
        {
            "Territoire": own["territory_label"],
            "Indicateur": own["what"],
            "Valeur": own["value"],
            "Unité": own["unit"],
            "Année": own["year"],
            "Source": own["source_document"] + ", l. " + own["source_line"],
        }
    ).reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=200)
def listing_sources(dep: str) -> pd.DataFrame:
    """The documents the département's listings come from, with their date."""
    own = services()[services()["dep"] == dep]
    table = own.groupby(["source_document", "source_year"]).size().reset_index(name="n")
    return table.rename(
        columns={"source_document": "Document", "source_year": "Période", "n": "Services"}
    )
