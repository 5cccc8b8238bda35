"""Which services concern a territory, and how: at a place, over a catchment, at a distance.

A service of the listings is in exactly one of three situations:

* ``lieu`` — it is held at a place with a point (``lat``/``lon``): it counts for the
  territory where that point lies;
* ``zone`` — it has no single place but serves a territory (``catchment`` codes such as
  ``dep:62``, ``arr:621``, ``epci:200069193``, ``com:62041``): it counts for every commune
  of that territory, and is *never* given an invented point;
* ``distance`` — it is reached by phone or online (``remote``), or serves the whole
  country (``national``).

Secret services (hébergement) have no point by construction; they count for their commune
(``insee``) and are only ever shown in aggregate.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.gaps import project_points
from geo.schema import CATEGORIES

PRESENCE_LABELS = {
    "lieu": "localisé",
    "commune": "commune connue, lieu confidentiel",
    "zone": "sans lieu précis (territoire desservi)",
    "distance": "à distance ou national",
}

_LEVELS = {"com": "insee", "arr": "arr", "epci": "epci_siren", "dep": "dep"}


def presence(services: pd.DataFrame) -> pd.Series:
    """Classify each service as ``lieu``, ``commune``, ``zone`` or ``distance``.

    Parameters
    ----------
    services : pandas.DataFrame
        Listings with ``lat``, ``insee``, ``catchment``, ``remote``.

    Returns
    -------
    pandas.Series
        One code per service, indexed like ``services``.

    Examples
    --------
    >>> s = pd.DataFrame({"lat": [50.0, None, None, None], "insee": ["62041", "62041", "", ""],
    ...                   "catchment": ["", "", "dep:62", "national"],
    ...                   "remote": [False, False, False, False]})
    >>> presence(s).tolist()
    ['lieu', 'commune', 'zone', 'distance']
    """
    national = services["catchment"].str.contains("national", regex=False)
    result = np.select(
        [
            services["remote"].astype(bool) | national,
            services["lat"].notna(),
            services["insee"].fillna("").ne(""),
        ],
        ["distance", "lieu", "commune"],
        default="zone",
    )
    return pd.Series(result, index=services.index, name="presence")


def catchment_communes(catchment: str, communes: pd.DataFrame) -> pd.Index:
    """Return the INSEE codes of the communes covered by a catchment string.

    Parameters
    ----------
    catchment : str
        ``;``-joined codes: ``dep:62``, ``arr:621``, ``epci:<SIREN>``, ``com:<INSEE>``,
        or ``national`` (every commune).
    communes : pandas.DataFrame
        Commune table with ``insee``, ``dep``, ``arr``, ``epci_siren``.

    Returns
    -------
    pandas.Index
        Sorted unique INSEE codes; empty for an empty catchment.

    Raises
    ------
    ValueError
        On an unknown level prefix.

    Examples
    --------
    >>> c = pd.DataFrame({"insee": ["1", "2", "3"], "dep": ["62", "62", "59"],
    ...                   "arr": ["621", "622", "591"], "epci_siren": ["A", "B", "B"]})
    >>> catchment_communes("arr:621;epci:B", c).tolist()
    ['1', '2', '3']
    >>> catchment_communes("", c).tolist()
    []
    """
    mask = pd.Series(False, index=communes.index)
    for code in filter(None, (part.strip() for part in catchment.split(";"))):
        if code == "national":
            return pd.Index(sorted(communes["insee"]))
        level, _, value = code.partition(":")
        if level not in _LEVELS:
            raise ValueError(f"catchment level {level!r} of {code!r} is not one of {list(_LEVELS)}")
        mask |= communes[_LEVELS[level]].eq(value)
    return pd.Index(sorted(communes.loc[mask, "insee"].unique()))


def service_communes(services: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Return the long table (``id``, ``insee``) of the communes each service concerns.

    A located service or a secret one concerns its own commune (``insee``); a catchment
    service concerns every commune of its catchment; remote and national services are left
    out (they concern everyone equally and are listed apart).

    Examples
    --------
    >>> c = pd.DataFrame({"insee": ["1", "2"], "dep": ["62", "62"], "arr": ["621", "621"],
    ...                   "epci_siren": ["A", "A"]})
    >>> s = pd.DataFrame({"id": ["x", "y"], "lat": [50.0, None], "insee": ["1", ""],
    ...                   "catchment": ["", "dep:62"], "remote": [False, False]})
    >>> service_communes(s, c).values.tolist()
    [['x', '1'], ['y', '1'], ['y', '2']]
    """
    kind = presence(services)
    placed = services.loc[kind.isin(["lieu", "commune"]), ["id", "insee"]]
    zoned = services.loc[kind.eq("zone"), ["id", "catchment"]]
    rows = [placed]
    for sid, catchment in zip(zoned["id"], zoned["catchment"], strict=True):
        codes = catchment_communes(catchment, communes)
        rows.append(pd.DataFrame({"id": sid, "insee": codes}))
    table = pd.concat(rows, ignore_index=True)
    return table[table["insee"].ne("")].drop_duplicates().reset_index(drop=True)


def services_of_territory(
    services: pd.DataFrame, communes: pd.DataFrame, insee_codes: pd.Index,
    links: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the services that concern a territory, with their ``presence``.

    Parameters
    ----------
    services : pandas.DataFrame
        The listings.
    communes : pandas.DataFrame
        Commune table (see :func:`catchment_communes`).
    insee_codes : pandas.Index
        The communes of the territory (a département, EPCI, arrondissement…).
    links : pandas.DataFrame, optional
        :func:`service_communes` of ``services`` when the caller already has it (cached).

    Returns
    -------
    pandas.DataFrame
        The services held in, or serving, at least one of those communes, plus the national
        lines and the remote services of the territory's own départements (a remote service
        whose catchment is another département's is left out), with a ``presence`` column;
        in listing order.
    """
    links = service_communes(services, communes) if links is None else links
    concerned = set(links.loc[links["insee"].isin(insee_codes), "id"])
    kind = presence(services)
    deps = set(communes.loc[communes["insee"].isin(insee_codes), "dep"])
    catchment = services["catchment"].fillna("")
    reachable = catchment.str.contains("national", regex=False) | (
        catchment.eq("") & services["dep"].isin(deps))
    remote = kind.eq("distance") & reachable & ~_repeated_line(services, kind)
    keep = services["id"].isin(concerned) | remote
    return services[keep].assign(presence=kind[keep])


def _repeated_line(services: pd.DataFrame, kind: pd.Series) -> pd.Series:
    """True for a remote service whose phone number an earlier remote service already has.

    Several plans list the same national lines (3919, 17, 114): each is kept once.
    """
    phone = services["phone"] if "phone" in services else pd.Series("", index=services.index)
    digits = phone.fillna("").astype(str).str.replace(r"[^0-9]", "", regex=True)
    remote = kind.eq("distance") & digits.ne("")
    repeated = digits[remote].duplicated(keep="first")
    return repeated.reindex(services.index, fill_value=False)


def count_by_category(services: pd.DataFrame) -> pd.DataFrame:
    """Count services by category and presence, with French labels, in the schema's order.

    Parameters
    ----------
    services : pandas.DataFrame
        Output of :func:`services_of_territory` (needs ``category`` and ``presence``).

    Returns
    -------
    pandas.DataFrame
        Columns ``Catégorie`` and one column per presence label, plus ``Total``; categories
        with no service are left out.

    Examples
    --------
    >>> s = pd.DataFrame({"category": ["iscg", "iscg", "permanence"],
    ...                   "presence": ["lieu", "zone", "lieu"]})
    >>> count_by_category(s)["Total"].tolist()
    [1, 2]
    """
    table = pd.crosstab(services["category"], services["presence"])
    table = table.reindex(columns=list(PRESENCE_LABELS), fill_value=0)
    table = table.reindex([c for c in CATEGORIES if c in table.index])
    table["Total"] = table.sum(axis=1)
    table = table.rename(columns=PRESENCE_LABELS)
    table.insert(0, "Catégorie", [CATEGORIES[c].plural for c in table.index])
    return table.reset_index(drop=True)


#: Columns a located service carries to maps and tables (never more: R4).
POINT_COLUMNS = ("id", "dep", "category", "subcategory", "name", "operator", "place", "address",
                 "postcode", "insee", "schedule", "phone", "website", "audience", "status", "lat",
                 "lon", "precision", "confidentiality", "last_checked")


def france_services_as_services(sites: pd.DataFrame) -> pd.DataFrame:
    """Return France services sites in the listings' shape (category ``france_services``).

    Examples
    --------
    >>> from shapely import Point
    >>> fs = gpd.GeoDataFrame({"fs_id": ["12"], "nom": ["France services de Lens"],
    ...     "adresse": ["1 rue A"], "code_postal": ["62300"], "insee": ["62498"],
    ...     "commune": ["Lens"], "dep": ["62"], "telephone": ["03"], "horaires": [""]},
    ...     geometry=[Point(2.83, 50.43)], crs=4326)
    >>> france_services_as_services(fs)[["id", "category", "lat"]].values.tolist()
    [['fs:12', 'france_services', 50.43]]
    """
    return pd.DataFrame(
        {
            "id": "fs:" + sites["fs_id"].astype(str),
            "dep": sites["dep"],
            "category": "france_services",
            "subcategory": "France services",
            "name": sites["nom"],
            "operator": "France services (ANCT, liste du 1er août 2024)",
            "place": sites["nom"],
            "address": (sites["adresse"].fillna("") + ", " + sites["code_postal"].fillna("")
                        + " " + sites["commune"].fillna("")),
            "postcode": sites["code_postal"].fillna(""),
            "insee": sites["insee"],
            "schedule": sites["horaires"].fillna(""),
            "phone": sites["telephone"].fillna(""),
            "website": "",
            "audience": "tout public",
            "status": "existing",
            "lat": sites.geometry.y.to_numpy(),
            "lon": sites.geometry.x.to_numpy(),
            "precision": "adresse",
            "confidentiality": "public",
            "last_checked": "",
        }
    ).reset_index(drop=True)


def located_services(
    services: pd.DataFrame,
    france_services: pd.DataFrame,
    categories: tuple[str, ...],
    statuses: tuple[str, ...],
    zones: pd.Series,
) -> pd.DataFrame:
    """Return the located services of ``categories`` with their zone and x/y in metres.

    Parameters
    ----------
    services : pandas.DataFrame
        The (public view of the) listings.
    france_services : pandas.DataFrame
        Output of :func:`france_services_as_services`, used when ``"france_services"`` is
        one of the ``categories``.
    categories, statuses : tuple of str
        Which services count.
    zones : pandas.Series
        Zone of each commune, indexed by INSEE code.

    Returns
    -------
    pandas.DataFrame
        :data:`POINT_COLUMNS` plus ``zone``, ``x``, ``y``; secret services never appear.
    """
    chosen = services[
        services["category"].isin(categories)
        & services["status"].isin(statuses)
        & services["lat"].notna()
        & services["confidentiality"].ne("secret")
    ]
    if "france_services" in categories:
        chosen = pd.concat([chosen, france_services], ignore_index=True)
    table = chosen[list(POINT_COLUMNS)].assign(zone=chosen["insee"].map(zones).to_numpy())
    table = table[table["zone"].notna()].reset_index(drop=True)
    points = gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326"
    )
    return project_points(points)
