"""Indicators per territory (arrondissement, EPCI, département) and map classes per commune.

Attribution rules, stated once (the pages repeat them):

* a service *concerns* a territory when it is held there, or when its catchment (the
  territory it serves without a single place) overlaps it: it is counted in
  ``services``;
* quantities (permanence hours, hébergement places, ISCG posts) are *attributed* to a
  territory only when every commune the service concerns lies inside it, so that a
  département-wide figure is never counted again in each arrondissement;
* remote and national services concern everyone and are listed apart, never counted here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import gaps
from geo.schedules import hours_per_month, parse_schedule

#: Council of Europe reference: one family place in a specialised shelter per 10,000 people.
SHELTER_REFERENCE_PER_10K = 1.0
PLACE_UNITS = ("place", "places")


def schedule_hours(schedules: pd.Series) -> pd.Series:
    """Return the hours per month of each schedule text, NaN when it cannot be computed.

    Examples
    --------
    >>> schedule_hours(pd.Series(["lundis et jeudis 9h-12h", "mensuel", ""])).tolist()
    [26.0, nan, nan]
    """
    cache: dict[str, float] = {}
    for text in schedules.dropna().unique():
        hours = hours_per_month(parse_schedule(text))
        cache[text] = np.nan if hours is None else round(hours, 1)
    return schedules.map(cache).astype(float)


def attribution(links: pd.DataFrame, communes: pd.DataFrame, level: str) -> pd.DataFrame:
    """Return, for each service, the territory of ``level`` that contains all its communes.

    Parameters
    ----------
    links : pandas.DataFrame
        (``id``, ``insee``) pairs, from :func:`geo.coverage.service_communes`.
    communes : pandas.DataFrame
        ``insee`` and the ``level`` column (``arr``, ``epci_siren``, ``dep``).
    level : str
        Column naming the territory.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``territory`` (empty when the service spans several territories),
        ``concerns`` (set of territories it touches).

    Examples
    --------
    >>> links = pd.DataFrame({"id": ["a", "b", "b"], "insee": ["1", "1", "2"]})
    >>> c = pd.DataFrame({"insee": ["1", "2"], "arr": ["X", "Y"]})
    >>> attribution(links, c, "arr")["territory"].tolist()
    ['X', '']
    """
    joined = links.merge(communes[["insee", level]], on="insee", how="inner")
    grouped = joined.groupby("id")[level].agg(lambda t: frozenset(t))
    return pd.DataFrame(
        {
            "id": grouped.index,
            "territory": [next(iter(t)) if len(t) == 1 else "" for t in grouped],
            "concerns": grouped.to_numpy(),
        }
    ).reset_index(drop=True)


def _quantities(services: pd.DataFrame) -> pd.DataFrame:
    """Per service: permanence hours, shelter places and ISCG posts it brings."""
    is_places = services["capacity_unit"].str.lower().isin(PLACE_UNITS)
    return pd.DataFrame(
        {
            "id": services["id"],
            "hours": services["hours_per_month"].where(services["category"] == "permanence"),
            "places": services["capacity"].where(
                (services["category"] == "hebergement") & is_places
            ),
            "iscg": np.where(
                services["category"] == "iscg", services["capacity"].fillna(1.0), np.nan
            ),
        }
    )


def territory_indicators(
    units: pd.DataFrame,
    distances: pd.Series,
    services: pd.DataFrame,
    links: pd.DataFrame,
    communes: pd.DataFrame,
    threshold_km: float,
    level: str,
) -> pd.DataFrame:
    """Return the indicators of every territory of ``level`` covered by ``units``.

    Parameters
    ----------
    units : pandas.DataFrame
        Map units with ``population`` and the ``level`` column.
    distances : pandas.Series
        Kilometres to the nearest located service, indexed like ``units`` (NaN: none).
    services : pandas.DataFrame
        ``id``, ``category``, ``capacity``, ``capacity_unit``, ``hours_per_month``.
    links : pandas.DataFrame
        (``id``, ``insee``) pairs of the services (see :func:`attribution`).
    communes : pandas.DataFrame
        ``insee`` and ``level``.
    threshold_km : float
        Kilometres, straight line; beyond means strictly farther or no located service.
    level : str
        ``arr``, ``epci_siren`` or ``dep``.

    Returns
    -------
    pandas.DataFrame
        Indexed by territory: ``population``, ``population_beyond``, ``share_beyond``,
        ``communes``, ``communes_beyond``, ``services``, ``permanence_hours``,
        ``unparsed_permanences``, ``shelter_places``, ``places_per_10k``, ``iscg_posts``.
    """
    table = gaps.population_beyond(units, distances, threshold_km, by=level)
    table = table[["population", "population_beyond", "share_beyond", "communes",
                   "communes_beyond"]]
    owner = attribution(links, communes, level)
    touched = owner.explode("concerns")
    table["services"] = touched.groupby("concerns")["id"].nunique().reindex(table.index)
    quantities = _quantities(services).merge(owner[["id", "territory"]], on="id")
    quantities = quantities[quantities["territory"] != ""]
    sums = quantities.groupby("territory")[["hours", "places", "iscg"]].sum(min_count=1)
    unparsed = quantities["hours"].isna() & quantities["id"].isin(
        services.loc[services["category"] == "permanence", "id"]
    )
    table["permanence_hours"] = sums["hours"].reindex(table.index)
    table["unparsed_permanences"] = (
        quantities[unparsed].groupby("territory").size().reindex(table.index)
    )
    table["shelter_places"] = sums["places"].reindex(table.index)
    table["places_per_10k"] = table["shelter_places"] / table["population"] * 10_000
    table["iscg_posts"] = sums["iscg"].reindex(table.index)
    counts = ["services", "unparsed_permanences"]
    table[counts] = table[counts].fillna(0).astype(int)
    return table


def map_classes(distances: pd.Series, any_located_in_dep: bool) -> pd.Series:
    """Return the special class of each unit for the maps, NaN when its distance class shows.

    Distance always drives the colour: a catchment of a service without a place never
    changes a unit's class (the maps draw it as a separate layer). The one special class,
    ``sans_lieu``, marks missing data, not distance: no located place in the zone
    (``NaN``), or none of the chosen kinds in the département, whose distances would only
    lead to its neighbours — the département is never painted as far away for lack of data.

    Examples
    --------
    >>> d = pd.Series([2.0, 30.0, float("nan")])
    >>> map_classes(d, True).tolist()
    [nan, nan, 'sans_lieu']
    >>> map_classes(d, False).tolist()
    ['sans_lieu', 'sans_lieu', 'sans_lieu']
    """
    classes = pd.Series(np.nan, index=distances.index, dtype=object)
    classes[distances.isna() | (not any_located_in_dep)] = "sans_lieu"
    return classes


def shelter_label(shelters: pd.DataFrame, min_places: int = 3) -> str:
    """Publishable text for the hébergement places of one commune.

    Places below ``min_places``, or a single structure, are not published as a number
    (statistical confidentiality: they could point at one place).

    Examples
    --------
    >>> s = pd.DataFrame({"capacity": [15.0, 8.0], "capacity_unit": ["places", "places"]})
    >>> shelter_label(s), shelter_label(s.head(1)), shelter_label(s.head(0))
    ('23 places (2 structures)', '< 3 structures', '')
    >>> shelter_label(pd.DataFrame({"capacity": [2.0, 0.0], "capacity_unit": ["places"] * 2}))
    '< 3 places'
    >>> shelter_label(pd.DataFrame({"capacity": [None, None], "capacity_unit": ["", ""]}))
    '2 structures (places non précisées)'
    """
    if shelters.empty:
        return ""
    if len(shelters) < 2:
        return "< 3 structures"
    is_places = shelters["capacity_unit"].str.lower().isin(PLACE_UNITS)
    if not (is_places & shelters["capacity"].notna()).any():
        return f"{len(shelters)} structures (places non précisées)"
    places = shelters.loc[is_places, "capacity"].sum()
    if places < min_places:
        return f"< {min_places} places"
    return f"{places:.0f} places ({len(shelters)} structures)"
