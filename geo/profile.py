"""The profile of one territory (EPCI, arrondissement) beside its département: "Mon territoire".

An elected official asks what her intercommunalité has and how it compares with the rest of
the département. :func:`territory_profile` answers with one row per indicator and the same
figure for the département, the reference where one exists, and the vintage of the data.

Rules (those of :mod:`geo.indicators`, stated once there):

* a service *concerns* an area when it is held there or its catchment overlaps it (counts);
* quantities (permanence hours, hébergement places) are *attributed* to an area only when
  every commune the service concerns lies inside it: a département-wide figure is never
  counted again in each EPCI;
* ISCG posts are those *covering* the area (their sector overlaps it), so a post serving the
  whole département appears in every EPCI sheet; the note says how many are its own;
* remote and national services concern everyone: listed apart, never counted.

Distances are in kilometres, straight line, from each unit's population point.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import gaps
from geo.coverage import services_of_territory
from geo.indicators import PLACE_UNITS, SHELTER_REFERENCE_PER_10K, attribution, shelter_label
from geo.schema import CATEGORIES

POPULATION_VINTAGE = "Population municipale 2023 (INSEE), communes au 1er janvier 2026 (COG 2026)"
REFERENCE_SOURCE = "Conseil de l'Europe : 1 place familiale spécialisée pour 10 000 habitants"
THRESHOLDS_KM = (10.0, 20.0)
PER = 10_000
#: Columns of a profile, in order.
PROFILE_COLUMNS = ("indicateur", "territoire", "departement", "reference", "unite", "decimales",
                   "part_territoire", "part_departement", "source", "note")


def area_figures(
    units: pd.DataFrame,
    services: pd.DataFrame,
    links: pd.DataFrame,
    communes: pd.DataFrame,
    insee: pd.Index,
) -> dict[str, object]:
    """Return the raw figures of an area made of the communes ``insee``.

    Parameters
    ----------
    units : pandas.DataFrame
        Map units with ``insee``, ``population`` (int) and ``distance_km`` to the nearest
        permanence (NaN: none in the zone); only rows of ``insee`` are used.
    services : pandas.DataFrame
        Active listings with ``id``, ``category``, ``lat``, ``insee``, ``catchment``,
        ``remote``, ``capacity``, ``capacity_unit``, ``hours_per_month``.
    links : pandas.DataFrame
        (``id``, ``insee``) pairs of ``services`` (:func:`geo.coverage.service_communes`).
    communes : pandas.DataFrame
        Commune table with ``insee``, ``dep``, ``arr``, ``epci_siren``.
    insee : pandas.Index
        INSEE codes of the area.

    Returns
    -------
    dict
        ``population``, ``communes``, ``beyond`` ({km: population strictly beyond}),
        ``counts`` (Series: category code → services concerning the area), ``hours``
        (permanence hours per month attributed), ``unparsed`` (attributed permanences
        without a readable schedule), ``places`` (hébergement places attributed),
        ``shelters`` (label of :func:`geo.indicators.shelter_label`), ``iscg`` (posts
        covering the area), ``iscg_own`` (posts attributed).

    Examples
    --------
    >>> communes = pd.DataFrame({"insee": ["1", "2"], "dep": "62", "arr": "621",
    ...                          "epci_siren": ["A", "B"]})
    >>> units = pd.DataFrame({"insee": ["1", "2"], "population": [900, 100],
    ...                       "distance_km": [2.0, 15.0]})
    >>> services = pd.DataFrame({"id": ["p"], "dep": ["62"], "category": ["permanence"],
    ...     "lat": [50.0], "insee": ["1"], "catchment": [""], "remote": [False], "capacity": [None],
    ...     "capacity_unit": [""], "hours_per_month": [8.0]})
    >>> links = pd.DataFrame({"id": ["p"], "insee": ["1"]})
    >>> f = area_figures(units, services, links, communes, pd.Index(["1", "2"]))
    >>> f["population"], f["beyond"], f["hours"], int(f["counts"]["permanence"])
    (1000, {10.0: 100, 20.0: 0}, 8.0, 1)
    """
    own = units[units["insee"].isin(insee)]
    beyond = {
        km: int(gaps.population_beyond(own, own["distance_km"], km).loc["total",
                                                                        "population_beyond"])
        for km in THRESHOLDS_KM
    } if len(own) else {km: 0 for km in THRESHOLDS_KM}
    concerned = services_of_territory(services, communes, insee)
    concerned = concerned[concerned["presence"] != "distance"]
    counts = concerned["category"].value_counts()
    owned = _owned(links, communes, insee)
    mine = services[services["id"].isin(owned)]
    permanences = mine[mine["category"] == "permanence"]
    shelters = mine[mine["category"] == "hebergement"]
    is_places = shelters["capacity_unit"].str.lower().isin(PLACE_UNITS)
    iscg = concerned[concerned["category"] == "iscg"]
    return {
        "population": int(own["population"].sum()),
        "communes": int(own["insee"].nunique()),
        "unlocated": bool(len(own)) and bool(own["distance_km"].isna().all()
                                             or (own["distance_km"] > max(THRESHOLDS_KM)).all()),
        "beyond": beyond,
        "counts": counts,
        "hours": float(permanences["hours_per_month"].sum()),
        "unparsed": int(permanences["hours_per_month"].isna().sum()),
        "places": float(shelters.loc[is_places, "capacity"].sum()),
        "shelters": shelter_label(shelters),
        "iscg": float(iscg["capacity"].fillna(1.0).sum()),
        "iscg_own": float(iscg.loc[iscg["id"].isin(owned), "capacity"].fillna(1.0).sum()),
    }


def _owned(links: pd.DataFrame, communes: pd.DataFrame, insee: pd.Index) -> set[str]:
    """Ids of the services whose communes all lie in the area (attribution rule)."""
    inside = communes[["insee"]].assign(area=communes["insee"].isin(insee).map(
        {True: "in", False: "out"}))
    owner = attribution(links, inside, "area")
    return set(owner.loc[owner["territory"] == "in", "id"])


def _per_10k(value: float, population: int) -> float:
    return value / population * PER if population else np.nan


def territory_profile(
    territory: dict[str, object], departement: dict[str, object], sources: str,
    layer_sources: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Return the indicators of a territory beside those of its département.

    Parameters
    ----------
    territory, departement : dict
        Outputs of :func:`area_figures` for the territory and for the département.
    sources : str
        The listing documents and their dates ("Plan cadre 2024-2026 ; …"), quoted as the
        vintage of the service counts.
    layer_sources : dict, optional
        Category → the national layers its counts include ("annuaire 2016 ; FINESS 2020"),
        added to that category's source.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (index = key: ``population``, ``communes``, ``beyond_10``,
        ``beyond_20``, ``services:<category>``, ``hours_per_10k``, ``places_per_10k``,
        ``iscg_posts``) and :data:`PROFILE_COLUMNS`: ``territoire`` and ``departement``
        (float, NaN when not published), ``reference`` (float or NaN), ``unite``,
        ``decimales``, ``part_*`` (share of the population, 0-1, for the ``beyond_*``
        rows), ``source`` (vintage) and ``note``.

    Examples
    --------
    >>> t = {"population": 1000, "communes": 2, "beyond": {10.0: 100, 20.0: 0},
    ...      "counts": pd.Series({"permanence": 1}), "hours": 8.0, "unparsed": 0,
    ...      "places": 0.0, "shelters": "", "iscg": 1.0, "iscg_own": 0.0}
    >>> p = territory_profile(t, t | {"population": 4000}, "plan 2024")
    >>> p.loc["hours_per_10k", ["territoire", "departement"]].tolist()
    [80.0, 20.0]
    >>> float(p.loc["places_per_10k", "reference"])
    1.0
    """
    rows = [
        _row("population", "Habitants", territory["population"], departement["population"],
             unit="habitants", source=POPULATION_VINTAGE),
        _row("communes", "Communes", territory["communes"], departement["communes"],
             unit="communes", source="COG 2026"),
    ]
    for km in THRESHOLDS_KM:
        rows.append(_row(
            f"beyond_{km:.0f}", f"Habitants à plus de {km:.0f} km d'une permanence",
            territory["beyond"][km], departement["beyond"][km], unit="habitants",
            source=f"Distance à vol d'oiseau ; {POPULATION_VINTAGE}",
            shares=(_share(territory, km), _share(departement, km)),
            note=("aucune permanence localisée à proximité : celles du plan n'ont pas de lieu "
                  "précis" if territory.get("unlocated") else ""),
        ))
    for code, category in CATEGORIES.items():
        here, there = (int(f["counts"].get(code, 0)) for f in (territory, departement))
        if here or there:
            layers = (layer_sources or {}).get(code, "")
            rows.append(_row(f"services:{code}", category.plural, here, there,
                             unit="services", source=f"{sources} ; {layers}" if layers
                             else sources))
    rows += _quantity_rows(territory, departement, sources)
    return pd.DataFrame(rows).set_index("key")[list(PROFILE_COLUMNS)]


def _quantity_rows(t: dict[str, object], d: dict[str, object], sources: str) -> list[dict]:
    # shelter_label: "" (none), "< 3 …" (hidden), "n structures (places non précisées)"
    hidden = t["shelters"].startswith("<") or "non précisées" in t["shelters"]
    return [
        _row("hours_per_10k", "Heures de permanence par mois pour 10 000 habitants",
             _per_10k(t["hours"], t["population"]), _per_10k(d["hours"], d["population"]),
             unit="h / mois", decimals=1, source=sources,
             note=(f"{t['unparsed']} permanence(s) sans horaire lisible non comptée(s)"
                   if t["unparsed"] else "")),
        _row("places_per_10k", "Places d'hébergement spécialisé pour 10 000 habitants",
             np.nan if hidden else _per_10k(t["places"], t["population"]),
             _per_10k(d["places"], d["population"]), reference=SHELTER_REFERENCE_PER_10K,
             unit="places", decimals=2, source=f"{sources} ; {REFERENCE_SOURCE}",
             note=(f"non publié : {t['shelters']}" if hidden else t["shelters"])),
        _row("iscg_posts", "Postes ISCG couvrant le territoire", t["iscg"], d["iscg"],
             unit="postes", decimals=0 if float(t["iscg"]).is_integer() and float(
                 d["iscg"]).is_integer() else 1, source=sources,
             note=f"dont {t['iscg_own']:g} propre(s) au territoire" if t["iscg"] else ""),
    ]


def _share(figures: dict[str, object], km: float) -> float:
    return figures["beyond"][km] / figures["population"] if figures["population"] else np.nan


def _row(key: str, label: str, here: float, there: float, *, unit: str, source: str,
         reference: float = np.nan, decimals: int = 0, note: str = "",
         shares: tuple[float, float] = (np.nan, np.nan)) -> dict[str, object]:  # noqa: PLR0913
    return {"key": key, "indicateur": label, "territoire": float(here),
            "departement": float(there), "reference": reference, "unite": unit,
            "decimales": decimals, "part_territoire": shares[0], "part_departement": shares[1],
            "source": source, "note": note}


def figures_of_territory(figures: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    """Return the figures of the plans whose ``territory`` names one of ``codes``.

    Parameters
    ----------
    figures : pandas.DataFrame
        ``figures.csv`` rows; ``territory`` holds ``;``-joined codes (``epci:…``, ``arr:…``).
    codes : set of str
        Codes naming the territory (``{"epci:200069193"}``, plus ``com:`` of its communes).

    Returns
    -------
    pandas.DataFrame
        The matching rows, in file order.

    Examples
    --------
    >>> f = pd.DataFrame({"territory": ["epci:A;epci:B", "dep:62", "com:1"]})
    >>> figures_of_territory(f, {"epci:B", "com:1"}).index.tolist()
    [0, 2]
    """
    parts = figures["territory"].fillna("").str.split(";")
    return figures[parts.map(lambda p: bool(codes.intersection(p)))]


def services_near(
    located: pd.DataFrame, outline: gpd.GeoSeries, insee: pd.Index, within_km: float
) -> pd.DataFrame:
    """Return the located services outside the area but within ``within_km`` of its border.

    Parameters
    ----------
    located : pandas.DataFrame
        Located services with ``insee`` and ``x``/``y`` in metres of ``outline``'s CRS.
    outline : geopandas.GeoSeries
        The area's polygon(s) in a metric CRS (raises ValueError on a geographic CRS).
    insee : pandas.Index
        The area's communes: services held there are inside, never "near".
    within_km : float
        Kilometres, straight line, from the point to the nearest border of the area.

    Returns
    -------
    pandas.DataFrame
        Rows of ``located`` with ``distance_km`` to the border, nearest first.

    Examples
    --------
    >>> from shapely import box
    >>> area = gpd.GeoSeries([box(0, 0, 10_000, 10_000)], crs="EPSG:2154")
    >>> pts = pd.DataFrame({"id": ["in", "near", "far"], "insee": ["1", "2", "3"],
    ...                     "x": [5_000.0, 15_000.0, 40_000.0], "y": [5_000.0] * 3})
    >>> services_near(pts, area, pd.Index(["1"]), 10)[["id", "distance_km"]].values.tolist()
    [['near', 5.0]]
    """
    if outline.crs is None or outline.crs.is_geographic:
        raise ValueError(f"`outline` must be in a metric CRS, got {outline.crs}")
    outside = located[~located["insee"].isin(insee)]
    shape = shapely.union_all(outline.to_numpy())
    points = shapely.points(outside["x"].to_numpy(float), outside["y"].to_numpy(float))
    distance = shapely.distance(shape, points) / 1000.0
    keep = ~gaps.is_beyond(distance, within_km)  # exact: 10.001 km is beyond 10 km
    near = outside[keep].assign(distance_km=np.round(distance[keep], 2))
    return near.sort_values(["distance_km", "id"])
