"""The only cache of the app: every loader and derived table is keyed by small hashable values.

Big immutable national tables are ``cache_resource`` (shared, never mutated: callers must
copy before changing them); per-département results are ``cache_data`` keyed by the
département code and plain filter values. No function here takes a DataFrame argument.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from geo import coverage, gaps, listings, territories
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


# --------------------------------------------------------------------------- distances


#: Commune attributes carried by every map unit.
UNIT_ATTRIBUTES = ("insee", "arr", "arr_nom", "epci_siren", "epci_nom", "rural", "dens7")
#: Statuses that count as a service a woman can use today.
ACTIVE_STATUSES = ("existing", "unknown")


@st.cache_resource(show_spinner=False)
def units() -> pd.DataFrame:
    """Map units (communes; PLM arrondissements) with x/y in metres and commune attributes."""
    table = territories.read_units()
    projected = gaps.project_points(table)
    projected["lat"], projected["lon"] = table.geometry.y.to_numpy(), table.geometry.x.to_numpy()
    attrs = pd.DataFrame(communes()[list(UNIT_ATTRIBUTES)])
    return projected.merge(attrs, on="insee", how="left", validate="many_to_one")


@st.cache_resource(show_spinner=False)
def france_services() -> pd.DataFrame:
    """France services sites as located services (category ``france_services``), shared."""
    return coverage.france_services_as_services(territories.read_france_services())


@st.cache_resource(show_spinner=False, max_entries=64)
def located_services(categories: tuple[str, ...]) -> pd.DataFrame:
    """Active located services of the chosen categories, everywhere (border effects), x/y."""
    zones = pd.Series(communes()["zone"].to_numpy(), index=communes()["insee"])
    return coverage.located_services(
        services(), france_services(), categories, ACTIVE_STATUSES, zones
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def service_index(categories: tuple[str, ...]) -> gaps.ServiceIndex:
    """Spatial index of the located services of the chosen categories (immutable)."""
    return gaps.ServiceIndex(located_services(categories))


@st.cache_data(show_spinner=False, max_entries=64)
def unit_distances(dep: str, categories: tuple[str, ...]) -> pd.DataFrame:
    """Units of the département with the distance (km) to the nearest chosen service."""
    own = units()[units()["dep"] == dep].reset_index(drop=True)
    nearest = service_index(categories).nearest_all(own)
    names = located_services(categories).set_index("id")["name"]
    return own.assign(
        distance_km=nearest["distance_km"].round(2),
        nearest_id=nearest["nearest_id"],
        nearest_name=nearest["nearest_id"].map(names),
    )
