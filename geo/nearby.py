"""Services near one place: ranking by straight-line distance, and the unit under a click.

Used by the coverage map (clicked commune) and by the directory ("Près de chez elle").
Distances are kilometres, straight line ("à vol d'oiseau"), in the zone's metric CRS.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def rank_services(x: float, y: float, zone: str, services: pd.DataFrame) -> pd.DataFrame:
    """Return the located services of ``zone`` sorted by distance from (``x``, ``y``).

    Parameters
    ----------
    x, y : float
        Metres in the zone's metric CRS (e.g. a commune's population point).
    zone : str
        ``"metro"`` or a DROM code; services of other zones are left out.
    services : pandas.DataFrame
        ``id``, ``zone``, ``x``, ``y`` and any columns to carry along.

    Returns
    -------
    pandas.DataFrame
        The services of the zone with ``distance_km``, nearest first, ties by ``id``.

    Examples
    --------
    >>> s = pd.DataFrame({"id": ["b", "a", "c"], "zone": ["metro", "metro", "974"],
    ...                   "x": [3000.0, 0.0, 0.0], "y": [4000.0, 5000.0, 0.0]})
    >>> rank_services(0.0, 0.0, "metro", s)[["id", "distance_km"]].values.tolist()
    [['a', 5.0], ['b', 5.0]]
    """
    same = services[services["zone"] == zone]
    d_km = np.hypot(same["x"].to_numpy() - x, same["y"].to_numpy() - y) / 1000.0
    ranked = same.assign(distance_km=np.round(d_km, 3))
    return ranked.sort_values(["distance_km", "id"], kind="stable").reset_index(drop=True)


def nearest_by_category(ranked: pd.DataFrame, per_category: int = 1) -> pd.DataFrame:
    """Keep the ``per_category`` nearest services of each category of a ranked table.

    Examples
    --------
    >>> r = pd.DataFrame({"id": ["a", "b", "c"], "category": ["iscg", "iscg", "leao"],
    ...                   "distance_km": [1.0, 2.0, 3.0]})
    >>> nearest_by_category(r)["id"].tolist()
    ['a', 'c']
    """
    return ranked.groupby("category", sort=False).head(per_category).reset_index(drop=True)


def unit_at(polygons: gpd.GeoDataFrame, lat: float, lon: float) -> str | None:
    """Return the ``unit`` whose polygon contains the point (degrees), else ``None``.

    Examples
    --------
    >>> from shapely import box
    >>> p = gpd.GeoDataFrame({"unit": ["62001"]}, geometry=[box(2, 50, 3, 51)], crs=4326)
    >>> unit_at(p, 50.5, 2.5), unit_at(p, 10.0, 2.5)
    ('62001', None)
    """
    hits = polygons.sindex.query(shapely.Point(lon, lat), predicate="intersects")
    return None if len(hits) == 0 else str(polygons["unit"].iloc[int(hits[0])])
