"""Coordinate reference systems: display in WGS84, measure in a local metric CRS.

Metropolitan France and Corsica use Lambert-93 (EPSG:2154). Each overseas
département has its own projected CRS, because Lambert-93 is meaningless there.
Distances are only ever computed between points of the same *zone*: a service in
Guadeloupe never counts for a commune of Martinique.
"""

from __future__ import annotations

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"

#: Metric CRS of each overseas département (RGAF09 UTM 20N, RGFG95 UTM 22N,
#: RGR92 UTM 40S, RGM04 UTM 38S).
OVERSEAS_METRIC_CRS: dict[str, str] = {
    "971": "EPSG:5490",
    "972": "EPSG:5490",
    "973": "EPSG:2972",
    "974": "EPSG:2975",
    "976": "EPSG:4471",
}


def zone_of(dep: str) -> str:
    """Return the distance zone of a département: ``"metro"`` or the DROM code.

    Parameters
    ----------
    dep : str
        Département code as in the COG (``"03"``, ``"2A"``, ``"971"``).

    Returns
    -------
    str
        ``"metro"`` for metropolitan France and Corsica, else ``dep`` itself.

    Examples
    --------
    >>> zone_of("62"), zone_of("2B"), zone_of("974")
    ('metro', 'metro', '974')
    """
    return dep if dep in OVERSEAS_METRIC_CRS else "metro"


def metric_crs(dep_or_zone: str) -> str:
    """Return the projected CRS (metres) in which to measure for a département or zone.

    Parameters
    ----------
    dep_or_zone : str
        A département code or a zone as returned by :func:`zone_of`.

    Returns
    -------
    str
        An EPSG code string.

    Examples
    --------
    >>> metric_crs("59"), metric_crs("metro"), metric_crs("973")
    ('EPSG:2154', 'EPSG:2154', 'EPSG:2972')
    """
    return OVERSEAS_METRIC_CRS.get(dep_or_zone, LAMBERT93)
