"""The only cache of the app: every loader and derived table is keyed by small hashable values.

Big immutable national tables are ``cache_resource`` (shared, never mutated: callers must
copy before changing them); per-département results are ``cache_data`` keyed by the
département code and plain filter values. No function here takes a DataFrame argument.
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from components import maps, mapviews, tables
from geo import coverage, gaps, indicators, listings, nearby, territories
from geo.directory import DirectoryFilters
from geo.schema import CATEGORIES, SECRET_CATEGORIES, SOURCES_FILE


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


# --------------------------------------------------------------------------- maps


@st.cache_resource(show_spinner=False, max_entries=32)
def display(dep: str) -> gpd.GeoDataFrame:
    """Display polygons (coverage-simplified) of the département's units (shared)."""
    return territories.read_display(dep)


@st.cache_resource(show_spinner=False, max_entries=32)
def outlines(dep: str) -> dict[str, gpd.GeoDataFrame]:
    """Arrondissement and EPCI outlines of the département; straddling EPCI are whole."""
    arr = territories.read_arrondissements()
    epci = territories.read_epci()
    touching = epci["deps"].str.split(";").map(lambda deps: dep in deps)
    return {
        "Arrondissements": arr[arr["dep"] == dep][["nom", "geometry"]],
        "EPCI": epci[touching][["nom", "geometry"]],
    }


@st.cache_data(show_spinner=False, max_entries=64)
def zone_services_catchment(dep: str, categories: tuple[str, ...]) -> pd.Index:
    """Communes of the département inside the catchment of a chosen service without a place."""
    table = services()
    zoned = table[table["category"].isin(categories) & table["status"].isin(ACTIVE_STATUSES)]
    zoned = zoned[coverage.presence(zoned) == "zone"]
    links = coverage.service_communes(zoned, communes())
    own = set(communes().loc[communes()["dep"] == dep, "insee"])
    return pd.Index(sorted(set(links["insee"]) & own))


@st.cache_data(show_spinner=False, max_entries=64)
def located_in_departement(dep: str, categories: tuple[str, ...]) -> pd.DataFrame:
    """The chosen located services held in the département (for its map and counts)."""
    table = located_services(categories)
    own = set(communes().loc[communes()["dep"] == dep, "insee"])
    return table[table["insee"].isin(own)].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=64)
def unit_classes(dep: str, categories: tuple[str, ...], threshold_km: float) -> pd.Series:
    """Special map class of each unit (no located place, covered without a place), by unit."""
    table = unit_distances(dep, categories)
    inside = table["insee"].isin(zone_services_catchment(dep, categories))
    any_here = not located_in_departement(dep, categories).empty
    classes = indicators.map_classes(table["distance_km"], inside, threshold_km, any_here)
    return classes.set_axis(table["unit"])


@st.cache_resource(show_spinner=False, max_entries=16)
def coverage_map(dep: str, categories: tuple[str, ...], threshold_km: float) -> folium.Map:
    """The coverage map of a département, built once per filter set (shared, read-only)."""
    table = unit_distances(dep, categories)
    near = located_services(categories)
    bbox = display(dep).total_bounds
    in_view = near[near["lon"].between(bbox[0] - 0.3, bbox[2] + 0.3)
                   & near["lat"].between(bbox[1] - 0.2, bbox[3] + 0.2)]
    return mapviews.distance_map(
        display(dep), table, unit_classes(dep, categories, threshold_km), in_view, outlines(dep)
    )


# --------------------------------------------------------------------------- one commune

#: Every category that can be located (secret ones never are).
LOCATABLE = tuple(c for c in CATEGORIES if c not in SECRET_CATEGORIES)


def unit_at(dep: str, lat: float, lon: float) -> str | None:
    """The unit of the département under a clicked point (degrees), if any."""
    return nearby.unit_at(display(dep), lat, lon)


@st.cache_data(show_spinner=False, max_entries=256)
def commune_nearby(dep: str, unit: str) -> tuple[dict, pd.DataFrame]:
    """A unit's figures and its nearest located service of each category (display table)."""
    row = units()[units()["unit"] == unit].iloc[0]
    ranked = nearby.rank_services(row["x"], row["y"], row["zone"], located_services(LOCATABLE))
    return row.to_dict(), tables.nearest_table(nearby.nearest_by_category(ranked))


@st.cache_data(show_spinner=False, max_entries=256)
def shelter_places_label(insee: str) -> str:
    """Hébergement places of a commune for publication ("< 3" below the threshold)."""
    table = services()
    own = table[(table["category"] == "hebergement") & (table["insee"] == insee)]
    return indicators.shelter_label(own)


def categories_legend(categories: tuple[str, ...]) -> list[tuple[str, str]]:
    """Legend of the service points drawn for the chosen categories."""
    return maps.categories_legend(categories)


# --------------------------------------------------------------------------- gaps


@st.cache_resource(show_spinner=False)
def services_with_hours() -> pd.DataFrame:
    """The public listings with ``hours_per_month`` derived from their schedule (shared)."""
    table = services()
    return table.assign(hours_per_month=indicators.schedule_hours(table["schedule"]))


@st.cache_data(show_spinner=False, max_entries=64)
def gap_summary(dep: str, categories: tuple[str, ...], threshold_km: float) -> pd.DataFrame:
    """Population and communes beyond the threshold: total, rural and urban."""
    table = unit_distances(dep, categories)
    total = gaps.population_beyond(table, table["distance_km"], threshold_km)
    by_class = gaps.population_beyond(
        table.assign(classe=table["rural"].map({True: "rurales", False: "urbaines"})),
        table["distance_km"], threshold_km, by="classe",
    )
    return pd.concat([total.rename(index={"total": "toutes"}), by_class])


@st.cache_data(show_spinner=False, max_entries=64)
def territory_indicators(
    dep: str, categories: tuple[str, ...], threshold_km: float, level: str
) -> pd.DataFrame:
    """Indicators per arrondissement or EPCI of the département (French display table)."""
    table = unit_distances(dep, categories)
    chosen = services_with_hours()
    chosen = chosen[chosen["status"].isin(ACTIVE_STATUSES)]
    links = coverage.service_communes(chosen, communes())
    result = indicators.territory_indicators(
        table, table["distance_km"], chosen, links, communes(), threshold_km, level
    )
    name_column = {"arr": "arr_nom", "epci_siren": "epci_nom"}[level]
    names = communes().drop_duplicates(level).set_index(level)[name_column]
    return tables.territory_table(result, names)


@st.cache_data(show_spinner=False, max_entries=64)
def accessibility(dep: str, categories: tuple[str, ...], radius_km: float) -> pd.DataFrame:
    """Two-step floating catchment index per unit (services per 10,000 within reach)."""
    own = units()[units()["dep"] == dep]
    zone_units = units()[units()["zone"].isin(own["zone"].unique())]
    index = gaps.two_step_fca(zone_units, located_services(categories), radius_km)
    return tables.access_table(own.assign(access=index.reindex(own.index)))


@st.cache_data(show_spinner=False, max_entries=64)
def candidate_sites(dep: str) -> pd.DataFrame:
    """Host sites where a permanence could be added: France services and validated mairies."""
    fs = located_services(("france_services",))
    fs = fs[fs["dep"] == dep]
    town = units()[(units()["dep"] == dep) & (units()["point_source"] == "mairie")]
    return pd.concat(
        [
            pd.DataFrame({"id": fs["id"], "label": fs["name"], "insee": fs["insee"],
                          "zone": fs["zone"], "x": fs["x"], "y": fs["y"]}),
            pd.DataFrame({"id": "mairie:" + town["unit"], "label": "Mairie de " + town["nom"],
                          "insee": town["insee"], "zone": town["zone"], "x": town["x"],
                          "y": town["y"]}),
        ],
        ignore_index=True,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def suggestions(dep: str, categories: tuple[str, ...], threshold_km: float, n: int) -> pd.DataFrame:
    """Greedy choice of the next ``n`` host sites covering the most population beyond."""
    own = units()[units()["dep"] == dep]
    chosen = gaps.greedy_max_coverage(
        own, candidate_sites(dep), located_services(categories), threshold_km, n
    )
    return tables.suggestions_table(chosen)


@st.cache_data(show_spinner=False, max_entries=64)
def what_if(
    dep: str, categories: tuple[str, ...], threshold_km: float, site_ids: tuple[str, ...]
) -> pd.DataFrame:
    """Population beyond the threshold before and after adding hypothetical sites."""
    own = units()[units()["dep"] == dep]
    sites = candidate_sites(dep)
    extra = sites[sites["id"].isin(site_ids)]
    result = gaps.what_if(own, located_services(categories), extra, threshold_km)
    return tables.what_if_table(result)


ACCESS_METHOD = (
    "Méthode (Luo et Wang, 2003 ; comme l'APL de la DREES pour les médecins) : 1) pour chaque "
    "service, on divise 1 par la population des communes à moins du rayon (à vol d'oiseau) ; "
    "2) pour chaque commune, on additionne ces rapports sur les services à moins du rayon, "
    "exprimés pour 10 000 habitants. Les communes les moins bien dotées sont listées, en "
    "comptant les services des départements voisins. Population municipale 2023."
)


@st.cache_resource(show_spinner=False, max_entries=16)
def beyond_map(dep: str, categories: tuple[str, ...], threshold_km: float) -> folium.Map:
    """Map of the units beyond the threshold (shared, read-only)."""
    table = unit_distances(dep, categories)
    return mapviews.beyond_map(
        display(dep), table, unit_classes(dep, categories, threshold_km), threshold_km,
        outlines(dep),
    )


# --------------------------------------------------------------------------- directory


@st.cache_data(show_spinner=False, max_entries=200)
def directory(dep: str) -> pd.DataFrame:
    """Services concerning the département, with commune name, presence and hours."""
    table = services_of_departement(dep)
    names = communes().set_index("insee")["nom"]
    return table.assign(
        commune=table["insee"].map(names).fillna(""),
        presence_label=table["presence"].map(coverage.PRESENCE_LABELS),
    ).reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=200)
def territory_choices(dep: str) -> dict[str, tuple[str, str, str]]:
    """Territories of the département a directory can be filtered on: label → (level, code)."""
    own = communes()[communes()["dep"] == dep]
    choices = {f"Département {dep}": ("dep", dep, departement_names()[dep])}
    for level, code, name, prefix in (("arr", "arr", "arr_nom", "Arrondissement"),
                                      ("epci", "epci_siren", "epci_nom", "EPCI"),
                                      ("com", "insee", "nom", "Commune")):
        rows = own[own[code] != ""].drop_duplicates(code).sort_values(name)
        choices |= {f"{prefix} : {n}": (level, c, n) for c, n in zip(rows[code], rows[name],
                                                                     strict=True)}
    return choices


@st.cache_data(show_spinner=False, max_entries=200)
def territory_service_ids(dep: str, level: str, code: str) -> pd.Index:
    """Ids of the services concerning a territory of the département (catchments included)."""
    column = {"dep": "dep", "arr": "arr", "epci": "epci_siren", "com": "insee"}[level]
    codes = pd.Index(communes().loc[communes()[column] == code, "insee"])
    return pd.Index(coverage.services_of_territory(services(), communes(), codes)["id"])


@st.cache_data(show_spinner=False, max_entries=128)
def filtered_directory(dep: str, chosen: DirectoryFilters) -> pd.DataFrame:
    """The directory rows that pass the filters (frozen, hashable)."""
    ids = None
    if chosen.territory is not None:
        ids = territory_service_ids(dep, chosen.territory[0], chosen.territory[1])
    return chosen.apply(directory(dep), ids)


@st.cache_resource(show_spinner=False, max_entries=32)
def directory_map(dep: str, chosen: DirectoryFilters) -> folium.Map:
    """Map twin of the filtered directory: its located services, over the outlines."""
    rows = filtered_directory(dep, chosen)
    return mapviews.points_map(display(dep), rows[rows["lat"].notna()], outlines(dep))


@st.cache_data(show_spinner=False)
def commune_choices(dep: str) -> dict[str, str]:
    """Search labels for the communes near which a woman may live: label → unit code.

    Current communes of the département with their postcodes, plus communes déléguées,
    associées and former names, which lead to their current commune.
    """
    return tables.commune_choices(territories.read_commune_names(), units(), dep)


@st.cache_data(show_spinner=False, max_entries=256)
def near_her(dep: str, unit: str) -> dict[str, pd.DataFrame]:
    """Everything a social worker needs for one commune: ranked places, zones, remote lines."""
    row = units()[units()["unit"] == unit].iloc[0]
    ranked = nearby.rank_services(row["x"], row["y"], row["zone"], located_services(LOCATABLE))
    concerned = coverage.services_of_territory(services(), communes(), pd.Index([row["insee"]]))
    return {
        "commune": pd.DataFrame([row]),
        "places": ranked,
        "zones": concerned[concerned["presence"].isin(["zone", "commune"])],
        "remote": concerned[concerned["presence"] == "distance"],
    }
