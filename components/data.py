"""The only cache of the app: every loader and derived table is keyed by small hashable values.

Big immutable national tables are ``cache_resource`` (shared, never mutated: callers must
copy before changing them); per-département results are ``cache_data`` keyed by the
département code and plain filter values. No function here takes a DataFrame argument.
"""

from __future__ import annotations

import json
from datetime import date

import folium
import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
import streamlit as st
from streamlit.runtime.caching.cache_utils import CachedFunc

from components import formatting, maps, mapviews, sheet, tables
from geo import (
    completeness,
    coverage,
    gaps,
    importer,
    indicators,
    listings,
    national,
    nearby,
    profile,
    territories,
)
from geo.communesearch import CommuneIndex, Search, search_communes
from geo.crs import metric_crs
from geo.directory import DirectoryFilters
from geo.schema import CATEGORIES, SECRET_CATEGORIES, SOURCES_FILE
from store import db as store_db
from store import inventory as store_inventory
from store import quality
from store import services as store_services
from store.views import ROLES, view_for_role


@st.cache_resource(show_spinner=False)
def communes() -> pd.DataFrame:
    """All communes (COG 2026) with their attributes and population point (shared, read-only)."""
    return territories.read_communes()


@st.cache_resource(show_spinner=False, max_entries=8)
def _links(url: str, role: str) -> pd.DataFrame:
    return coverage.service_communes(_services(url, role), communes())


def links(role: str = "public") -> pd.DataFrame:
    """The communes each service concerns (``id``, ``insee``), as ``role`` sees the services."""
    return _links(storage_url(), role if role in ROLES else "public")


def services(role: str = "public") -> pd.DataFrame:
    """All live service listings, from the database, as ``role`` may see them (read-only).

    Below gestionnaire, secret places are anonymous; the public (the default, so every
    caller without a role) sees no place of "sur orientation" services either
    (:func:`store.views.view_for_role`). Cached per database and role.
    """
    return _services(storage_url(), role if role in ROLES else "public")


@st.cache_resource(show_spinner=False)
def figures() -> pd.DataFrame:
    """All territorial figures, secret place names redacted (shared, read-only)."""
    table = listings.read_figures()
    return listings.redact_text(table, ("what", "territory_label"), listings.read_secret_terms())[0]


@st.cache_data(show_spinner=False)
def departement_names() -> dict[str, str]:
    """Département code → name, in COG order."""
    deps = territories.read_departements()
    return dict(zip(deps["code"], deps["nom"], strict=True))


@st.cache_data(show_spinner=False)
def sources() -> list[dict]:
    """The data sources with their vintage, licence and attribution."""
    return [*json.loads(SOURCES_FILE.read_text(encoding="utf-8")), *national.SOURCES]


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
def services_of_departement(dep: str, role: str = "public") -> pd.DataFrame:
    """Services held in, or serving, the département as ``role`` may see them, with presence."""
    codes = territory_insee(f"dep:{dep}")
    return coverage.services_of_territory(services(role), communes(), codes, links(role))


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
    """The documents the département's listings come from, with their period and counts."""
    own = services()[services()["dep"] == dep]
    # A plan's service merged with a layer record cites both ("plan ; annuaire"): the plan's.
    document = own["source_document"].str.split(" ; ").str[0].rename("source_document")
    counts = own.groupby(document).size().rename("Services").reset_index()
    docs = listings.read_documents()
    table = counts.merge(docs[["source_document", "period"]], on="source_document", how="left")
    layer_period = table["source_document"].map(national.DATASET_PERIOD)
    table["period"] = table["period"].where(layer_period.isna(), layer_period)
    return table.rename(columns={"source_document": "Document", "period": "Période"})


# --------------------------------------------------------------------------- distances


#: Commune attributes carried by every map unit.
UNIT_ATTRIBUTES = ("insee", "arr", "arr_nom", "epci_siren", "epci_nom")
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
def commune_index() -> CommuneIndex:
    """Every name of every commune of France joined to its map units (shared, read-only)."""
    return CommuneIndex(territories.read_commune_names(),
                        units()[["unit", "insee", "nom", "population"]],
                        territories.read_departements()[["code", "nom"]])


def commune_search(query: str, dep: str) -> Search:
    """The communes ``query`` may name, those of département ``dep`` first (not cached: ~10 ms)."""
    return search_communes(query, commune_index(), dep)


@st.cache_resource(show_spinner=False)
def france_services() -> pd.DataFrame:
    """France services sites as located services (category ``france_services``), shared."""
    return coverage.france_services_as_services(territories.read_france_services())


def national_places() -> pd.DataFrame:
    """The located records of the national layers a victim can be sent to, with ``kind``, x/y.

    Gendarmeries and commissariats, CIDFF, bureaux d'aide aux victimes, legal information
    (annuaire 2016) and public hospitals (FINESS 2020), as stored in the database (so a
    gestionnaire's edit or closure counts), with their ``dataset``.
    """
    located = located_services(LOCATABLE)
    layer = located[national.is_layer_record(located["id"])]
    layer = layer.assign(kind=national.nearby_kind(layer), dataset=national.dataset_of(layer["id"]))
    return layer[layer["kind"] != ""].reset_index(drop=True)


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
    """Units of the département with the distance (km) to the nearest chosen service.

    ``distance_km`` is the distance to the nearest *located* place, whatever catchments say;
    ``in_catchment``: the unit lies in the territory served by a chosen service without a
    place. It never changes the distance nor who is beyond (``geo.gaps.is_beyond``): the
    figures only split the units beyond by it.
    """
    own = units()[units()["dep"] == dep].reset_index(drop=True)
    nearest = service_index(categories).nearest_all(own)
    names = located_services(categories).set_index("id")["name"]
    # Full precision: "beyond the threshold" compares the exact distance (a commune at
    # 20.004 km is beyond 20 km); tables and maps round only what they show.
    distance = nearest["distance_km"]
    inside = own["insee"].isin(zone_services_catchment(dep, categories))
    return own.assign(
        distance_km=distance,
        nearest_id=nearest["nearest_id"],
        nearest_name=nearest["nearest_id"].map(names),
        in_catchment=inside,
    )


# --------------------------------------------------------------------------- maps


@st.cache_resource(show_spinner=False, max_entries=32)
def display(dep: str) -> gpd.GeoDataFrame:
    """Display polygons (coverage-simplified) of the département's units (shared)."""
    return territories.read_display(dep)


@st.cache_resource(show_spinner=False, max_entries=32)
def outlines(dep: str) -> dict[str, gpd.GeoDataFrame]:
    """Arrondissement and EPCI outlines of the département; straddling EPCI are whole."""
    arr, groups = arrondissements(), epci()
    touching = groups["deps"].str.split(";").map(lambda deps: dep in deps)
    return {
        "Arrondissements": arr[arr["dep"] == dep][["nom", "geometry"]],
        "EPCI": groups[touching][["nom", "geometry"]],
    }


@st.cache_data(show_spinner=False, max_entries=64)
def zone_services_catchment(dep: str, categories: tuple[str, ...]) -> pd.Index:
    """Communes of the département inside the catchment of a chosen service without a place."""
    table = services()
    zoned = table[table["category"].isin(categories) & table["status"].isin(ACTIVE_STATUSES)]
    zoned = zoned[coverage.presence(zoned) == "zone"]
    links = coverage.service_communes(zoned, communes())
    return territory_insee(f"dep:{dep}").intersection(links["insee"])


@st.cache_data(show_spinner=False, max_entries=64)
def measured_origins(dep: str, categories: tuple[str, ...]) -> str:
    """Where the département's located places of ``categories`` come from, in French."""
    ids = located_in_departement(dep, categories)["id"]
    return formatting.origins_sentence(national.origin_counts(ids),
                                       "Lieux localisés du département")


@st.cache_data(show_spinner=False, max_entries=64)
def located_in_departement(dep: str, categories: tuple[str, ...]) -> pd.DataFrame:
    """The chosen located services held in the département (for its map and counts)."""
    table = located_services(categories)
    return table[table["insee"].isin(territory_insee(f"dep:{dep}"))].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=64)
def unit_classes(dep: str, categories: tuple[str, ...], threshold_km: float) -> pd.Series:
    """Special map class of each unit (no located place), by unit; NaN = its distance class.

    ``threshold_km`` is unused since catchments stopped overriding the distance class; it
    stays in the key so the callers (and their caches) keep one signature.
    """
    table = unit_distances(dep, categories)
    any_here = not located_in_departement(dep, categories).empty
    classes = indicators.map_classes(table["distance_km"], any_here)
    return classes.set_axis(table["unit"])


@st.cache_data(show_spinner=False, max_entries=16)
def coverage_map_html(dep: str, categories: tuple[str, ...], threshold_km: float) -> str:
    """The coverage map rendered once to a page that reports clicks (``components.clickmap``).

    Every map of the app is built and rendered once into cached HTML: a folium map keeps
    state when rendered (rendered twice, it duplicates its layers and stops drawing), and
    streamlit-folium would render it again at every rerun.
    """
    m = coverage_map(dep, categories, threshold_km)
    maps.ClickReporter().add_to(m)
    return m.get_root().render()


def coverage_map(dep: str, categories: tuple[str, ...], threshold_km: float) -> folium.Map:
    """A new coverage map of a département (communes by distance, points, outlines)."""
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
    ranked = ranked[ranked["distance_km"] <= tables.NEAR_MAX_KM]
    return row.to_dict(), tables.nearest_table(nearby.nearest_by_category(ranked))


@st.cache_data(show_spinner=False, max_entries=256)
def shelter_places_label(insee: str) -> str:
    """Hébergement places of a commune for publication ("< 3" below the threshold)."""
    table = services()
    own = table[(table["category"] == "hebergement") & (table["insee"] == insee)]
    return indicators.shelter_label(own)


def categories_legend(categories: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Legend of the service points drawn for the chosen categories (label, colour, symbol)."""
    return maps.categories_symbols(categories)


# --------------------------------------------------------------------------- gaps


@st.cache_resource(show_spinner=False)
def services_with_hours() -> pd.DataFrame:
    """The public listings with ``hours_per_month`` derived from their schedule (shared)."""
    table = services()
    return table.assign(hours_per_month=indicators.schedule_hours(table["schedule"]))


@st.cache_data(show_spinner=False, max_entries=64)
def gap_summary(dep: str, categories: tuple[str, ...], threshold_km: float) -> pd.DataFrame:
    """Population beyond the threshold; among them, in a catchment, and without any service.

    Rows ``toutes``, ``rurales``, ``urbaines``. Beyond = farther than the threshold from every
    located place (``geo.gaps.is_beyond``), catchments or not; ``*_in_catchment`` = beyond
    *and* in the territory served by a service without a place (informative, never
    subtracted); ``*_uncovered`` = beyond and in no such territory.
    """
    table = unit_distances(dep, categories)
    table = table.assign(classe=table["rural"].map({True: "rurales", False: "urbaines"}))
    split = {"in_catchment": table["in_catchment"]}
    total = gaps.population_beyond(table, table["distance_km"], threshold_km, **split)
    by_class = gaps.population_beyond(table, table["distance_km"], threshold_km, by="classe",
                                      **split)
    return pd.concat([total.rename(index={"total": "toutes"}), by_class])


@st.cache_data(show_spinner=False, max_entries=64)
def known_services_count(dep: str, categories: tuple[str, ...]) -> int:
    """Active services of the chosen kinds that the listings place in, or on, the département."""
    table = services_of_departement(dep)
    known = table[table["category"].isin(categories) & table["status"].isin(ACTIVE_STATUSES)
                  & (table["presence"] != "distance")]
    return len(known) + len(located_in_departement(dep, categories))


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
    split = gaps.population_beyond(table, table["distance_km"], threshold_km, by=level,
                                   in_catchment=table["in_catchment"])
    result.insert(2, "population_in_catchment", split["population_in_catchment"])
    result.insert(3, "population_uncovered", split["population_uncovered"])
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


@st.cache_data(show_spinner=False, max_entries=16)
def beyond_map_html(dep: str, categories: tuple[str, ...], threshold_km: float) -> str:
    """Map of the units beyond the threshold, rendered once to a standalone HTML page.

    A display-only map needs no round trip to Python: sending cached HTML costs a few
    milliseconds per rerun, where ``st_folium`` renders the whole map again every time.
    """
    table = unit_distances(dep, categories)
    m = mapviews.beyond_map(
        display(dep), table, unit_classes(dep, categories, threshold_km), threshold_km,
        outlines(dep),
    )
    return m.get_root().render()


# --------------------------------------------------------------------------- directory


@st.cache_data(show_spinner=False, max_entries=200)
def directory(dep: str, role: str = "public") -> pd.DataFrame:
    """Services concerning the département as ``role`` may see them, with commune name."""
    table = services_of_departement(dep, role)
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
    codes = territory_insee(f"{level}:{code}")  # levels are catchment prefixes
    return pd.Index(coverage.services_of_territory(services(), communes(), codes, links())["id"])


@st.cache_data(show_spinner=False, max_entries=128)
def filtered_directory(dep: str, chosen: DirectoryFilters, role: str = "public") -> pd.DataFrame:
    """The directory rows that pass the filters (frozen, hashable), as ``role`` may see them."""
    ids = None
    if chosen.territory is not None:
        ids = territory_service_ids(dep, chosen.territory[0], chosen.territory[1])
    return chosen.apply(directory(dep, role), ids)


@st.cache_data(show_spinner=False, max_entries=32)
def directory_map_html(dep: str, chosen: DirectoryFilters) -> str:
    """Map twin of the filtered directory (its located services over the outlines), as HTML."""
    rows = filtered_directory(dep, chosen)
    m = mapviews.points_map(display(dep), rows[rows["lat"].notna()], outlines(dep))
    return m.get_root().render()


@st.cache_data(show_spinner=False)
def commune_choices(dep: str) -> dict[str, str]:
    """Search labels for the communes near which a woman may live: label → unit code.

    Current communes of the département with their postcodes, plus communes déléguées,
    associées and former names, which lead to their current commune.
    """
    return tables.commune_choices(territories.read_commune_names(), units(), dep)


@st.cache_data(show_spinner=False, max_entries=256)
def near_her(dep: str, unit: str, role: str = "public") -> dict[str, pd.DataFrame]:
    """Everything a social worker needs for one commune: ranked places, zones, remote lines.

    ``places`` are the public located services of the plans' listings; ``general`` the
    nearest record of each national kind (:func:`national_places`, within 100 km); the
    services without a public place come as
    ``role`` may see them (a professional sees the place of "sur orientation" services).
    """
    row = units()[units()["unit"] == unit].iloc[0]
    located = located_services(LOCATABLE)
    ranked = nearby.rank_services(row["x"], row["y"], row["zone"],
                                  located[~national.is_layer_record(located["id"])])
    concerned = coverage.services_of_territory(services(role), communes(),
                                               pd.Index([row["insee"]]), links(role))
    return {
        "commune": pd.DataFrame([row]),
        "places": ranked,
        "zones": concerned[concerned["presence"].isin(["zone", "commune"])],
        "remote": concerned[concerned["presence"] == "distance"],
        "general": national.nearest_of_each_kind(
            nearby.rank_services(row["x"], row["y"], row["zone"], national_places())),
    }


# --------------------------------------------------------------------------- territory sheet
# Keys name a territory as a catchment does: "epci:<SIREN>" or "arr:<code>".

#: Distance shown on the sheet: to the nearest permanence; "near" services: within 10 km.
SHEET_CATEGORIES = ("permanence",)
NEAR_KM = 10.0
#: Services drawn and listed on a sheet (France services sites are hosts, not services).
SHEET_POINTS = tuple(c for c in LOCATABLE if c != "france_services")
NATURE_LABELS = {"CC": "Communauté de communes", "CA": "Communauté d'agglomération",
                 "CU": "Communauté urbaine", "METRO": "Métropole", "MET69": "Métropole de Lyon"}


@st.cache_resource(show_spinner=False)
def epci() -> gpd.GeoDataFrame:
    """EPCI (DGCL 2025) with their whole outline, even across a border (shared, read-only)."""
    return territories.read_epci()


@st.cache_resource(show_spinner=False)
def arrondissements() -> gpd.GeoDataFrame:
    """Arrondissements with their outline (shared, read-only)."""
    return territories.read_arrondissements()


def _of(name: str) -> str:
    """French "de" before a name: d'Arras, du Havre, de Béthune."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    return ("d'" if name[:1].lower() in "aeiouyéèêâîôh" else "de ") + name


@st.cache_data(show_spinner=False)
def sheet_territories() -> dict[str, dict]:
    """Every territory a sheet exists for: key → name, label, level, code, deps, nature."""
    table = {}
    for siren, nom, nature, deps in zip(epci()["siren"], epci()["nom"], epci()["nature"],
                                        epci()["deps"], strict=True):
        table[f"epci:{siren}"] = {"nom": nom, "label": f"{nom} ({siren})", "level": "epci",
                                  "code": siren, "deps": tuple(deps.split(";")),
                                  "nature": NATURE_LABELS.get(nature, nature)}
    for code, nom, dep in zip(arrondissements()["code"], arrondissements()["nom"],
                              arrondissements()["dep"], strict=True):
        table[f"arr:{code}"] = {"nom": f"Arrondissement {_of(nom)}", "level": "arr",
                                "label": f"Arrondissement {_of(nom)} ({code})", "code": code,
                                "deps": (dep,), "nature": "Arrondissement"}
    return table


@st.cache_data(show_spinner=False, max_entries=200)
def sheet_choices(dep: str) -> dict[str, str]:
    """Territories of a département's sheets, key → label: EPCI touching it, then arr."""
    known = sheet_territories()
    own = {k: v for k, v in known.items() if dep in v["deps"]}
    ordered = sorted(own, key=lambda k: (own[k]["level"] != "epci", own[k]["label"].lower()))
    return {k: own[k]["label"] for k in ordered}


@st.cache_data(show_spinner=False, max_entries=256)
def territory_insee(key: str) -> pd.Index:
    """INSEE codes of the communes of a territory."""
    return coverage.catchment_communes(key, communes())


@st.cache_resource(show_spinner=False)
def active_services() -> pd.DataFrame:
    """Listings in service (existing or unknown status) with their hours per month (shared)."""
    table = services_with_hours()
    return table[table["status"].isin(ACTIVE_STATUSES)].reset_index(drop=True)


@st.cache_resource(show_spinner=False)
def active_links() -> pd.DataFrame:
    """(id, insee): the communes each active service concerns (shared)."""
    return coverage.service_communes(active_services(), communes())


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_units(key: str) -> pd.DataFrame:
    """Units of a territory (every département it touches) with distance to a permanence."""
    insee = territory_insee(key)
    table = pd.concat([unit_distances(d, SHEET_CATEGORIES)
                       for d in sheet_territories()[key]["deps"]], ignore_index=True)
    return table[table["insee"].isin(insee)].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=200)
def _area(key: str) -> dict:
    """Raw figures of a territory ("epci:…", "arr:…") or a département ("dep:62")."""
    units_table = (unit_distances(key[4:], SHEET_CATEGORIES) if key.startswith("dep:")
                   else sheet_units(key))
    return profile.area_figures(units_table, active_services(), active_links(), communes(),
                                territory_insee(key))


@st.cache_data(show_spinner=False)
def listing_documents(deps: tuple[str, ...]) -> str:
    """The plans the listings of these départements come from, with their period."""
    docs = listings.read_documents()
    own = docs[docs["dep"].isin(deps)]
    return "plans départementaux : " + " ; ".join(
        f"{d} ({p})" for d, p in zip(own["source_document"], own["period"], strict=True))


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_profile(key: str, dep: str) -> pd.DataFrame:
    """Indicators of a territory beside its département's (see geo.profile)."""
    deps = tuple(sorted({dep, *sheet_territories()[key]["deps"]}))
    table = profile.territory_profile(_area(key), _area(f"dep:{dep}"), listing_documents(deps),
                                      layer_sources(deps))
    return completeness.guard_profile(table, inventory_status(dep, SHEET_CATEGORIES))


@st.cache_data(show_spinner=False, max_entries=200)
def _inventory(url: str, dep: str) -> dict[str, completeness.Statement]:
    return store_inventory.statements(_engine(url), dep)


def inventory(dep: str) -> dict[str, completeness.Statement]:
    """What gestionnaires said of the inventory of each category in ``dep`` (latest)."""
    return _inventory(storage_url(), dep)


@st.cache_data(show_spinner=False, max_entries=200)
def listed_categories(dep: str) -> frozenset[str]:
    """The categories the département's own listings hold services of."""
    table = services()
    return frozenset(table.loc[table["dep"] == dep, "category"])


def inventory_status(dep: str, categories: tuple[str, ...]) -> str:
    """The weakest inventory statement of the chosen categories in ``dep``."""
    return completeness.overall(categories, inventory(dep), listed_categories(dep))


@st.cache_data(show_spinner=False, max_entries=256)
def layer_sources(deps: tuple[str, ...]) -> dict[str, str]:
    """Category → the national layers its services in these départements come from."""
    own = services()[services()["dep"].isin(deps)]
    datasets = national.dataset_of(own["id"])
    out = {}
    for code, group in datasets[datasets != ""].groupby(own["category"]):
        out[str(code)] = " ; ".join(national.DATASET_SHORT[d] for d in sorted(set(group)))
    return out


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_outline(key: str) -> gpd.GeoSeries:
    """Outline of a territory (EPSG:4326)."""
    info = sheet_territories()[key]
    frame, column = (epci(), "siren") if info["level"] == "epci" else (arrondissements(), "code")
    return frame.loc[frame[column] == info["code"]].geometry.reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_points(key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Located services of a territory, and those outside within NEAR_KM of its border."""
    located = located_services(SHEET_POINTS)
    insee = territory_insee(key)
    zone = metric_crs(sheet_territories()[key]["deps"][0])
    near = profile.services_near(located, sheet_outline(key).to_crs(zone), insee, NEAR_KM)
    return located[located["insee"].isin(insee)].reset_index(drop=True), near


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_polygons(key: str) -> gpd.GeoDataFrame:
    """Display polygons of a territory's units, from every département it touches."""
    insee = territory_insee(key)
    frames = [display(d) for d in sheet_territories()[key]["deps"]]
    table = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(table[table["insee"].isin(insee)], crs=frames[0].crs)


@st.cache_data(show_spinner=False, max_entries=32)
def sheet_map_html(key: str) -> str:
    """Map of a territory (units by distance to a permanence, its services, those near), HTML."""
    inside, near = sheet_points(key)
    m = mapviews.territory_map(sheet_polygons(key), sheet_units(key), sheet_outline(key),
                               inside, near, sheet_classes(key))
    return m.get_root().render()


#: Threshold of the sheet's map classes (which no longer depend on it, see ``unit_classes``).
SHEET_THRESHOLD_KM = 20.0


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_classes(key: str) -> pd.Series:
    """Special map classes of a territory's units (no located permanence, catchment only)."""
    parts = [unit_classes(d, SHEET_CATEGORIES, SHEET_THRESHOLD_KM)
             for d in sheet_territories()[key]["deps"]]
    classes = pd.concat(parts)
    return classes[classes.index.isin(sheet_units(key)["unit"])]


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_services(key: str) -> dict[str, pd.DataFrame]:
    """The sheet's service lists: own ("territoire"), département-wide, near, and shelters."""
    concerned = coverage.services_of_territory(services(), communes(), territory_insee(key),
                                               links())
    _, near = sheet_points(key)
    names = communes().set_index("insee")["nom"]
    labels = {k: v["nom"] for k, v in sheet_territories().items()}
    return sheet.service_lists(concerned, near, names, labels)


@st.cache_data(show_spinner=False, max_entries=256)
def sheet_figures(key: str) -> pd.DataFrame:
    """Figures of the plans naming the territory or one of its communes."""
    codes = {key, *("com:" + territory_insee(key))}
    return profile.figures_of_territory(figures(), codes)


@st.cache_data(show_spinner=False, max_entries=64, ttl=6 * 3600)
def sheet_pdf(key: str, dep: str) -> bytes:
    """The printable A4 sheet of a territory (PDF bytes)."""
    info = sheet_territories()[key]
    inside, near = sheet_points(key)
    distances = sheet_units(key).set_index("unit")["distance_km"]
    png = sheet.static_map_png(sheet_polygons(key),
                               distances.mask(sheet_classes(key).reindex(distances.index).notna()),
                               sheet_outline(key), inside, near)
    content = sheet.make_sheet(info, dep, departement_names(), sheet_profile(key, dep),
                               sheet_services(key), sheet_figures(key), png,
                               sorted(set(inside["category"]) | set(near["category"])))
    return sheet.build_pdf(content)


# --------------------------------------------------------------------------- storage
# The listings live in a database (store/: SQLite by default, PostgreSQL with DATABASE_URL).
# Everything below is keyed by the database URL and the role, never by a user name.


def storage_url() -> str:
    """The database URL in use (``DATABASE_URL``, else the SQLite file in ``var/``)."""
    return store_db.database_url()


@st.cache_resource(show_spinner=False, max_entries=4)
def _engine(url: str) -> sa.Engine:
    """The database engine (created and seeded from services.csv on first use), shared."""
    return store_db.make_engine(url)


def engine() -> sa.Engine:
    """The engine of the database in use."""
    return _engine(storage_url())


def check_database() -> None:
    """Raise ``store.db.DatabaseUnavailable`` unless the database answers now.

    After a failure the engine and every listings cache are dropped, so the next run
    reopens the database (and a fresh install that lost an unedited file seeds it again).
    """
    try:
        store_db.health_check(engine())
    except store_db.DatabaseUnavailable:
        _engine.clear()
        clear_listings_caches()
        raise


@st.cache_resource(show_spinner=False, max_entries=12)
def _services(url: str, role: str) -> pd.DataFrame:
    """Live services of the database at ``url`` as ``role`` sees them (shared, read-only)."""
    return view_for_role(store_services.read_services(_engine(url)), role)


@st.cache_resource(show_spinner=False)
def reference() -> importer.Reference:
    """Territorial data of the import and of the edit form (geocoder, communes), shared."""
    return importer.Reference.load()


#: Cached functions that do not depend on the listings: kept when the listings change.
_INDEPENDENT = {"communes", "figures", "departement_names", "sources", "territory_summary",
                "units", "france_services", "display", "outlines", "commune_choices",
                "territory_choices", "reference", "_engine", "commune_index"}


def clear_listings_caches() -> None:
    """Forget every cached result that depends on the listings (after a save or restore).

    Every cached function of this module is cleared except those of ``_INDEPENDENT``, so a
    function added later is cleared by default (stale data is worse than a recompute).
    """
    for name, value in list(globals().items()):
        if name not in _INDEPENDENT and isinstance(value, CachedFunc):
            value.clear()


def _own(role: str, dep: str) -> pd.DataFrame:
    table = services(role)
    return table[table["dep"] == dep]


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def listing_quality(role: str, dep: str) -> dict[str, int]:
    """Quality figures of the département's listings (missing schedule, phone…)."""
    return quality.quality_figures(_own(role, dep))


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def freshness_counts(role: str, dep: str) -> dict[str, int]:
    """Services of the département per freshness class (French labels)."""
    classes = quality.freshness(_own(role, dep)["last_checked"], date.today())
    return {label: int((classes == code).sum()) for code, label in quality.FRESHNESS.items()}


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def freshness_by_territory(role: str, dep: str, level: str) -> pd.DataFrame:
    """Freshness of the département's services per arrondissement or EPCI."""
    return quality.freshness_by_territory(_own(role, dep), communes(), level, date.today())


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def services_to_check(role: str, dep: str) -> pd.DataFrame:
    """Services not checked for 6 months or never, oldest first (display table)."""
    own = _own(role, dep)
    months = quality.months_since(own["last_checked"], date.today())
    table = pd.DataFrame({"Service": own["name"], "Structure": own["operator"],
                          "Dernière vérification": own["last_checked"].replace("", "jamais"),
                          "Mois": months, "État": quality.freshness(own["last_checked"],
                                                                    date.today())})
    table = table[table["État"] != "recent"].sort_values("Mois", ascending=False,
                                                        na_position="first")
    return table.assign(État=table["État"].map(quality.FRESHNESS)).reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def quality_lists(role: str, dep: str) -> dict[str, pd.DataFrame]:
    """Rows to fix: unread schedules, likely duplicates, points by precision."""
    own = _own(role, dep)
    unread = own[quality.unparsed_schedules(own) & (own["confidentiality"] != "secret")]
    return {
        "horaires": unread[["name", "schedule"]].rename(
            columns={"name": "Service", "schedule": "Horaires tels qu'écrits"}),
        "doublons": quality.likely_duplicates(own),
        "précision": own.loc[own["lat"].notna(), "precision"].replace("", "non précisée")
        .value_counts().rename_axis("Précision du point").reset_index(name="Services"),
    }


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def freshness_map_html(role: str, dep: str) -> str:
    """Map of the département's arrondissements by share of services not checked for a year."""
    arr = arrondissements()
    share = quality.stale_share_by_arrondissement(_own(role, dep), communes(), date.today())
    return mapviews.freshness_map(arr[arr["dep"] == dep], share).get_root().render()
