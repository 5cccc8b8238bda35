"""Gap analysis on plain arrays: nearest service, population beyond a distance, 2SFCA, new sites.

Every distance here is in **kilometres, straight line** ("à vol d'oiseau"), computed on
``x``/``y`` coordinates in **metres** of the zone's metric CRS (:func:`geo.crs.metric_crs`:
Lambert-93 in metropolitan France and Corsica, local UTM overseas). Use
:func:`project_points` to get them from WGS84 points. A service only counts for units of its
own *zone* (``"metro"`` or a DROM code): a service of Guadeloupe never serves Martinique, but
in mainland France a service of every département counts, so a commune of the Pas-de-Calais
may be nearest to a service of the Nord (border effects handled).

Input frames (column names fixed here, once):

- ``units``: one row per map unit (a commune, or an arrondissement municipal of Paris, Lyon,
  Marseille) with ``zone``, ``x``, ``y`` and, where people are counted, ``population`` (int).
- ``services``: one row per service with a unique ``id``, ``zone``, ``x``, ``y`` and optional
  ``weight`` (capacity or hours, default 1).

Shared rules:

- **Ties.** Two services are equidistant when their distances are equal to the millimetre;
  the one with the lowest ``id`` wins (ids are compared as the column's values: strings
  lexicographically, numbers numerically).
- **Beyond** a threshold means *strictly* farther: a unit exactly at 10 km is not beyond 10 km.
- **No service in the zone** gives a distance of ``NaN`` (not infinity, which would sort and
  format as a number); such units count as beyond every threshold and are also counted apart
  (``population_no_service``), so the app can say "aucun service localisé" instead of "loin".

The module is the numeric core (spopt's ``from_cost_matrix`` pattern); ``components/`` reads
files and caches. It is longer than the 300-line guide because each public function carries
the numpydoc text the "Zones blanches" page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

from geo.crs import OVERSEAS_METRIC_CRS, metric_crs

ID, ZONE, X, Y, POPULATION, WEIGHT = "id", "zone", "x", "y", "population", "weight"
ZONES = frozenset({"metro", *OVERSEAS_METRIC_CRS})
#: Distances equal to this many metres (one millimetre) are ties.
TIE_DECIMALS = 3
PER = 10_000

__all__ = [
    "ServiceIndex",
    "StepDecay",
    "greedy_max_coverage",
    "k_nearest",
    "nearest_distance",
    "population_beyond",
    "project_points",
    "step_fn",
    "suppress_small",
    "two_step_fca",
    "what_if",
]


# --------------------------------------------------------------------------- validation


def _require(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"`{name}` lacks column(s) {missing}; it has {list(df.columns)}")


def _xy(df: pd.DataFrame, name: str) -> np.ndarray:
    """Return the (n, 2) float array of ``x``/``y`` metres, raising on missing values."""
    _require(df, name, [ZONE, X, Y])
    xy = np.column_stack([df[X].to_numpy(float), df[Y].to_numpy(float)])
    bad = ~np.isfinite(xy).all(axis=1)
    if bad.any():
        raise ValueError(f"`{name}` has missing or infinite x/y at rows {list(df.index[bad][:10])}")
    return xy


def _zones(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Map each zone value to the positions of its rows (hash-based, no sort)."""
    codes, uniques = pd.factorize(df[ZONE].to_numpy(object))
    return {z: np.flatnonzero(codes == k) for k, z in enumerate(uniques)}


def _unique_ids(df: pd.DataFrame, name: str) -> np.ndarray:
    _require(df, name, [ID])
    ids = df[ID]
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.isna() | ids.duplicated(keep=False)].unique()[:10]
        raise ValueError(f"`{name}` ids must be unique and present; offending: {list(dup)}")
    try:
        return np.argsort(ids.to_numpy(), kind="stable")
    except TypeError as err:
        raise ValueError(f"`{name}` ids mix types that cannot be ordered: {err}") from None


def _population(units: pd.DataFrame) -> np.ndarray:
    _require(units, "units", [POPULATION])
    pop = units[POPULATION].to_numpy(float)
    bad = ~np.isfinite(pop) | (pop < 0)
    if bad.any():
        raise ValueError(
            f"`units` population is missing or negative at {list(units.index[bad][:10])}"
        )
    return pop


def _threshold_m(threshold_km: float, name: str = "threshold_km") -> float:
    if not np.isfinite(threshold_km) or threshold_km < 0:
        raise ValueError(f"`{name}` must be a finite number of km >= 0, got {threshold_km!r}")
    return float(threshold_km) * 1000.0


def _mm(d_m: np.ndarray) -> np.ndarray:
    return np.round(d_m, TIE_DECIMALS)


# --------------------------------------------------------------------------- projection


def project_points(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Add ``x``/``y`` in metres of each row's zone metric CRS to a layer of points.

    Each zone is projected in one vectorised call: EPSG:2154 (Lambert-93) for ``"metro"``,
    the local UTM CRS of :data:`geo.crs.OVERSEAS_METRIC_CRS` for a DROM.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Point geometries with a CRS (normally EPSG:4326) and a ``zone`` column
        (``"metro"`` or a DROM code, see :func:`geo.crs.zone_of`).

    Returns
    -------
    pandas.DataFrame
        Every column but the geometry, plus ``x`` and ``y`` (float, metres), same index.

    Raises
    ------
    ValueError
        If the CRS is missing, a zone is unknown, a geometry is not a non-empty point, or a
        point cannot be projected (e.g. latitude and longitude swapped).

    Examples
    --------
    >>> from shapely import Point
    >>> pts = gpd.GeoDataFrame({"zone": ["metro"]}, geometry=[Point(3.0, 46.5)], crs=4326)
    >>> project_points(pts).round(0)[["x", "y"]].values.tolist()  # Lambert-93 origin
    [[700000.0, 6600000.0]]
    """
    if gdf.crs is None:
        raise ValueError("`gdf` has no CRS; set it (normally EPSG:4326) before projecting")
    _require(gdf, "gdf", [ZONE])
    geom = gdf.geometry.array
    bad = ~(shapely.get_type_id(geom) == 0) | shapely.is_empty(geom)
    if bad.any():
        raise ValueError(f"`gdf` needs non-empty points; bad rows {list(gdf.index[bad][:10])}")
    unknown = set(gdf[ZONE].unique()) - ZONES
    if unknown:
        raise ValueError(f"unknown zone(s) {sorted(map(str, unknown))}; expected {sorted(ZONES)}")
    lon, lat = shapely.get_x(geom), shapely.get_y(geom)
    x, y = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
    for zone, pos in _zones(gdf).items():
        to_metric = Transformer.from_crs(gdf.crs, metric_crs(zone), always_xy=True)
        x[pos], y[pos] = to_metric.transform(lon[pos], lat[pos])
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        raise ValueError(f"points outside their zone's CRS at rows {list(gdf.index[bad][:10])}")
    out = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    return out.assign(**{X: x, Y: y})


# --------------------------------------------------------------------------- nearest


@dataclass(frozen=True)
class _Zone:
    """The services of one zone, in ``id`` order, and their distinct sites."""

    tree: cKDTree  # every service, position = rank of its id within the zone
    rows: np.ndarray  # row position in ``services`` of each tree point
    sites: cKDTree  # distinct coordinates, in order of their lowest id
    site_rows: np.ndarray  # row position of the lowest-id service at each site


class ServiceIndex:
    """Spatial index of service points, built once per zone; immutable, safe to cache.

    Holds, per zone, a :class:`scipy.spatial.cKDTree` of the services sorted by ``id`` and
    one of their distinct sites (several services often share a host's point), so that ties
    resolve to the lowest ``id``. Nothing changes after construction (arrays read-only,
    attributes frozen): share it through ``st.cache_resource``.

    Parameters
    ----------
    services : pandas.DataFrame
        Columns ``id`` (unique), ``zone``, ``x``, ``y`` (metres, zone metric CRS).

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["b", "a"], "zone": "metro",
    ...                          "x": [10_000.0, -10_000.0], "y": [0.0, 0.0]})
    >>> index = ServiceIndex(services)
    >>> index.k_nearest(0.0, 0.0, "metro", 2)["id"].tolist()  # equidistant: lowest id first
    ['a', 'b']
    """

    __slots__ = ("ids", "_id_or_missing", "_zones")

    def __init__(self, services: pd.DataFrame) -> None:
        xy = _xy(services, "services")
        order = _unique_ids(services, "services")
        ids = services[ID].to_numpy().copy()
        ids.flags.writeable = False
        zones = {}
        for zone, pos in _zones(services.iloc[order]).items():
            rows = order[pos]
            _, first = np.unique(xy[rows], axis=0, return_index=True)
            first.sort()
            for a in (rows, rows[first]):
                a.flags.writeable = False
            zones[zone] = _Zone(cKDTree(xy[rows]), rows, cKDTree(xy[rows[first]]), rows[first])
        object.__setattr__(self, "ids", ids)
        # ids then one missing value, taken by position -1 (units of a zone without service)
        missing = services[ID].reset_index(drop=True).reindex(range(len(ids) + 1))
        object.__setattr__(self, "_id_or_missing", missing)
        object.__setattr__(self, "_zones", zones)

    def __setattr__(self, name: str, value: object) -> None:  # noqa: D105
        raise AttributeError("ServiceIndex is immutable; build a new one")

    def __len__(self) -> int:  # noqa: D105
        return len(self.ids)

    def nearest_all(self, units: pd.DataFrame) -> pd.DataFrame:
        """Return the nearest service of every unit; see :func:`nearest_distance`.

        Examples
        --------
        >>> services = pd.DataFrame({"id": ["fs:7"], "zone": "metro", "x": [0.0], "y": [0.0]})
        >>> index = ServiceIndex(services)
        >>> index.nearest_all(pd.DataFrame({"zone": ["metro"], "x": [3000.0], "y": [4000.0]}))
           distance_km nearest_id
        0          5.0       fs:7
        """
        xy = _xy(units, "units")
        dist, row = np.full(len(units), np.nan), np.full(len(units), -1)
        for zone, pos in _zones(units).items():
            z = self._zones.get(zone)
            if z is not None:
                dist[pos], row[pos] = _nearest_in_zone(z, xy[pos])
        nearest = self._id_or_missing.take(row).set_axis(units.index)
        return pd.DataFrame({"distance_km": dist / 1000.0, "nearest_id": nearest})

    def k_nearest(self, x: float, y: float, zone: str, k: int) -> pd.DataFrame:
        """Return the ``k`` services nearest to one point of ``zone``, nearest first.

        Parameters
        ----------
        x, y : float
            Metres in the zone's metric CRS.
        zone : str
            ``"metro"`` or a DROM code; only services of this zone are searched.
        k : int
            How many services (>= 1); fewer are returned if the zone has fewer.

        Returns
        -------
        pandas.DataFrame
            ``id`` and ``distance_km`` (straight line), sorted by distance then ``id``;
            empty when the zone has no service.

        Examples
        --------
        >>> index = ServiceIndex(pd.DataFrame({"id": [1, 2, 3], "zone": "metro",
        ...                                    "x": [0.0, 5000.0, 1000.0], "y": 0.0}))
        >>> index.k_nearest(0.0, 0.0, "metro", 2)
           id  distance_km
        0   1          0.0
        1   3          1.0
        """
        if int(k) != k or k < 1:
            raise ValueError(f"`k` must be an integer >= 1, got {k!r}")
        z = self._zones.get(zone)
        if z is None:
            return pd.DataFrame({ID: self.ids[:0], "distance_km": np.empty(0)})
        k = min(int(k), z.tree.n)
        d, _ = z.tree.query([x, y], k=k)
        near = np.asarray(z.tree.query_ball_point([x, y], r=np.max(d) + 10.0**-TIE_DECIMALS))
        d_m = np.hypot(z.tree.data[near, 0] - x, z.tree.data[near, 1] - y)
        keep = np.lexsort((near, _mm(d_m)))[:k]  # by distance to the mm, then id rank
        return pd.DataFrame({ID: self.ids[z.rows[near[keep]]], "distance_km": d_m[keep] / 1000.0})


def _nearest_in_zone(z: _Zone, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distances (m) and service rows of the nearest site, ties to the lowest id."""
    if z.sites.n == 1:
        d, site = z.sites.query(xy, k=1)
        return d, z.site_rows[site]
    d, site = z.sites.query(xy, k=2)
    d, second, site = d[:, 0], d[:, 1], site[:, 0].copy()
    for i in np.flatnonzero(_mm(second) == _mm(d)):  # rare: distinct sites equidistant
        near = np.asarray(z.sites.query_ball_point(xy[i], r=d[i] + 10.0**-TIE_DECIMALS))
        d_near = np.hypot(*(z.sites.data[near] - xy[i]).T)
        site[i] = near[_mm(d_near) == _mm(d_near.min())].min()
    return d, z.site_rows[site]


def nearest_distance(units: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """Return, for every unit, its nearest service of the same zone and the distance in km.

    A thin wrapper building a :class:`ServiceIndex` (a ``cKDTree`` per zone) and calling
    :meth:`ServiceIndex.nearest_all`. Distance is straight line between the unit's point
    (population point: town hall or representative point) and the service's point.
    Services of every département count (border effects), only within the unit's zone.

    Parameters
    ----------
    units : pandas.DataFrame
        ``zone``, ``x``, ``y`` (metres, zone metric CRS).
    services : pandas.DataFrame
        ``id`` (unique), ``zone``, ``x``, ``y`` (metres, zone metric CRS).

    Returns
    -------
    pandas.DataFrame
        One row per unit, indexed like ``units``: ``distance_km`` (float; ``NaN`` when the
        zone has no service) and ``nearest_id`` (``NaN`` then). Equidistant services (to
        the millimetre): the lowest ``id`` is kept.

    Examples
    --------
    >>> units = pd.DataFrame({"zone": ["metro", "metro", "974"],
    ...                       "x": [0.0, 20_000.0, 0.0], "y": [0.0, 0.0, 0.0]})
    >>> services = pd.DataFrame({"id": ["B", "A"], "zone": "metro",
    ...                          "x": [10_000.0, 10_000.0], "y": [0.0, 0.0]})
    >>> nearest_distance(units, services)
       distance_km nearest_id
    0         10.0          A
    1         10.0          A
    2          NaN        NaN
    """
    return ServiceIndex(services).nearest_all(units)


def k_nearest(units_row_xy: Mapping[str, object], services: pd.DataFrame, k: int) -> pd.DataFrame:
    """Return the ``k`` services nearest to one unit, nearest first, ties by lowest ``id``.

    A thin wrapper over :meth:`ServiceIndex.k_nearest`; when answering many lookups, build
    the index once (and cache it) instead.

    Parameters
    ----------
    units_row_xy : Mapping
        One unit: a row or dict with ``x``, ``y`` (metres) and ``zone``.
    services : pandas.DataFrame
        ``id``, ``zone``, ``x``, ``y``.
    k : int
        Number of services wanted (>= 1).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``distance_km`` (straight line).

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["far", "near"], "zone": "metro",
    ...                          "x": [9000.0, 1000.0], "y": [0.0, 0.0]})
    >>> k_nearest({"x": 0.0, "y": 0.0, "zone": "metro"}, services, 5)["id"].tolist()
    ['near', 'far']
    """
    row = units_row_xy
    return ServiceIndex(services).k_nearest(float(row[X]), float(row[Y]), str(row[ZONE]), k)


# --------------------------------------------------------------------------- beyond


def is_beyond(distance_km: np.ndarray | pd.Series | float, threshold_km: float) -> np.ndarray:
    """Return whether each distance is *beyond* the threshold: the app's one rule.

    Beyond means strictly farther than ``threshold_km``, compared on the exact float (no
    rounding: 20.0005 km is beyond 20 km, 20.0 km is not), or no located place in the zone
    (``NaN``, which is beyond every threshold). Every figure, table and map class that says
    "au-delà du seuil" calls this function.

    Parameters
    ----------
    distance_km : array-like of float
        Kilometres, straight line; ``NaN`` when the zone has no located place.
    threshold_km : float
        Kilometres; the threshold itself is not beyond.

    Returns
    -------
    numpy.ndarray
        Booleans, one per distance (a 1-d array, also for a scalar).

    Examples
    --------
    >>> is_beyond([19.9, 20.0, 20.0005, float("nan")], 20).tolist()
    [False, False, True, True]
    """
    d_km = np.atleast_1d(np.asarray(distance_km, dtype=float))
    with np.errstate(invalid="ignore"):
        return ~(d_km <= float(threshold_km))


def _distance_values(units: pd.DataFrame, distances: pd.Series | pd.DataFrame) -> np.ndarray:
    if isinstance(distances, pd.DataFrame):
        _require(distances, "distances", ["distance_km"])
        distances = distances["distance_km"]
    if not distances.index.equals(units.index):
        raise ValueError(
            "`distances` must be indexed like `units` (use nearest_distance(units, …))"
        )
    return distances.to_numpy(float)


def population_beyond(
    units: pd.DataFrame,
    distances: pd.Series | pd.DataFrame,
    threshold_km: float,
    by: str | list[str] | None = None,
    in_catchment: pd.Series | None = None,
) -> pd.DataFrame:
    """Count the population and units farther than ``threshold_km`` from any service.

    A unit is *beyond* when its distance is strictly greater than the threshold, or when
    there is no located service in its zone (distance ``NaN``). The latter are also counted
    apart in ``*_no_service`` so that the page can tell "aucun service localisé" from "loin".
    ``communes`` counts map units: Paris, Lyon and Marseille count once per arrondissement.

    Parameters
    ----------
    units : pandas.DataFrame
        ``population`` (int >= 0) and the ``by`` column(s).
    distances : pandas.Series or pandas.DataFrame
        Kilometres, indexed like ``units``: the output of :func:`nearest_distance` or its
        ``distance_km`` column.
    threshold_km : float
        Kilometres, straight line.
    by : str or list of str, optional
        Column(s) of ``units`` to group by (``dep``, ``arr``, ``epci_siren``, ``rural``…).
    in_catchment : pandas.Series of bool, optional
        Indexed like ``units``: the unit lies in the territory served by a service without a
        place. It never changes who is beyond; it only splits them, adding
        ``population_in_catchment`` / ``communes_in_catchment`` (beyond *and* in a catchment)
        and ``population_uncovered`` / ``communes_uncovered`` (beyond and in none).

    Returns
    -------
    pandas.DataFrame
        ``population``, ``population_beyond``, ``share_beyond`` (0-1, NaN when nobody
        lives there), ``communes``, ``communes_beyond``, ``population_no_service``,
        ``communes_no_service`` (and the ``in_catchment`` split); one row per group, or one
        row ``"total"``.

    Examples
    --------
    >>> units = pd.DataFrame({"population": [100, 50, 10], "dep": ["62", "62", "59"]})
    >>> d = pd.Series([10.0, 10.5, float("nan")])
    >>> population_beyond(units, d, 10, by="dep")[["population_beyond", "communes_beyond",
    ...     "communes_no_service"]]  # doctest: +NORMALIZE_WHITESPACE
         population_beyond  communes_beyond  communes_no_service
    dep
    59                  10                1                    1
    62                  50                1                    0
    >>> split = population_beyond(units, d, 10, in_catchment=pd.Series([True, True, False]))
    >>> split[["population_beyond", "population_in_catchment", "population_uncovered"]].values
    array([[60, 50, 10]])
    """
    _threshold_m(threshold_km)
    d_km, pop = _distance_values(units, distances), _population(units)
    beyond, none = is_beyond(d_km, threshold_km), np.isnan(d_km)
    columns = {
        "population": pop,
        "population_beyond": pop * beyond,
        "communes": 1,
        "communes_beyond": beyond.astype(int),
        "population_no_service": pop * none,
        "communes_no_service": none.astype(int),
    }
    if in_catchment is not None:
        if not in_catchment.index.equals(units.index):
            raise ValueError("`in_catchment` must be indexed like `units`")
        inside = in_catchment.to_numpy(bool)
        columns |= {
            "population_in_catchment": pop * (beyond & inside),
            "communes_in_catchment": (beyond & inside).astype(int),
            "population_uncovered": pop * (beyond & ~inside),
            "communes_uncovered": (beyond & ~inside).astype(int),
        }
    counts = pd.DataFrame(columns, index=units.index)
    if by is None:
        table = counts.sum().to_frame("total").T
    else:
        keys = [by] if isinstance(by, str) else list(by)
        _require(units, "units", keys)
        table = counts.groupby([units[k] for k in keys], dropna=False, sort=True).sum()
    if np.array_equal(pop, np.round(pop)):
        table = table.astype({c: "int64" for c in table.columns if c.startswith("population")})
    with np.errstate(invalid="ignore", divide="ignore"):
        share = table["population_beyond"] / table["population"].where(table["population"] > 0)
    table.insert(2, "share_beyond", share)
    return table


def what_if(
    units: pd.DataFrame,
    services: pd.DataFrame,
    extra_points: pd.DataFrame,
    threshold_km: float,
    by: str | list[str] | None = None,
) -> pd.DataFrame:
    """Compare the population beyond ``threshold_km`` before and after adding service points.

    Parameters
    ----------
    units : pandas.DataFrame
        ``zone``, ``x``, ``y`` (metres), ``population`` and the ``by`` column(s).
    services : pandas.DataFrame
        Existing services: ``id``, ``zone``, ``x``, ``y``.
    extra_points : pandas.DataFrame
        Hypothetical sites: ``zone``, ``x``, ``y`` (an ``id`` column is optional).
    threshold_km : float
        Kilometres, straight line; beyond means strictly farther (or no service in zone).
    by : str or list of str, optional
        Grouping column(s) of ``units``.

    Returns
    -------
    pandas.DataFrame
        ``population``, ``population_beyond_before``, ``population_beyond_after``,
        ``population_covered`` (before - after), ``communes_beyond_before``,
        ``communes_beyond_after``; grouped like :func:`population_beyond`.

    Examples
    --------
    >>> units = pd.DataFrame({"zone": "metro", "x": [0.0, 30_000.0], "y": 0.0,
    ...                       "population": [100, 40]})
    >>> services = pd.DataFrame({"id": [1], "zone": "metro", "x": [0.0], "y": [0.0]})
    >>> extra = pd.DataFrame({"zone": ["metro"], "x": [25_000.0], "y": [0.0]})
    >>> what_if(units, services, extra, 10)[["population_beyond_before",
    ...                                      "population_beyond_after", "population_covered"]]
           population_beyond_before  population_beyond_after  population_covered
    total                        40                        0                  40
    """
    before = nearest_distance(units, services)["distance_km"]
    extra = extra_points.assign(**{ID: np.arange(len(extra_points))})
    after = np.fmin(before, nearest_distance(units, extra)["distance_km"])
    b = population_beyond(units, before, threshold_km, by)
    a = population_beyond(units, after, threshold_km, by)
    return pd.DataFrame(
        {
            "population": b["population"],
            "population_beyond_before": b["population_beyond"],
            "population_beyond_after": a["population_beyond"],
            "population_covered": b["population_beyond"] - a["population_beyond"],
            "communes_beyond_before": b["communes_beyond"],
            "communes_beyond_after": a["communes_beyond"],
        }
    )


# --------------------------------------------------------------------------- 2SFCA


@dataclass(frozen=True)
class StepDecay:
    """Step distance decay: weight of a distance in km, as pysal access ``step_fn``.

    ``steps`` maps upper bounds (km, inclusive) to weights; a distance gets the weight of
    the smallest bound it does not exceed, 0 beyond the largest. Frozen and hashable, so it
    can be a cache key; :func:`step_fn` builds and validates it.
    """

    bounds: tuple[float, ...]
    weights: tuple[float, ...]

    def __call__(self, d_km: np.ndarray) -> np.ndarray:
        """Return the weight of each distance (km)."""
        table = np.append(self.weights, 0.0)
        return table[np.searchsorted(self.bounds, np.asarray(d_km, float), side="left")]


def step_fn(steps: Mapping[float, float]) -> StepDecay:
    """Build a step distance-decay function from ``{upper bound km: weight}``.

    Parameters
    ----------
    steps : Mapping
        Upper bounds in km (> 0, inclusive) to weights (finite, >= 0). As in pysal access:
        ``{10: 1, 20: 0.68, 30: 0.22}`` weighs 1 up to 10 km, 0.68 in (10, 20], 0.22 in
        (20, 30] and 0 beyond 30 km.

    Returns
    -------
    StepDecay
        Callable on an array of km.

    Examples
    --------
    >>> decay = step_fn({10: 1, 20: 0.68, 30: 0.22})
    >>> decay(np.array([0, 10, 10.5, 30, 31])).tolist()
    [1.0, 1.0, 0.68, 0.22, 0.0]
    >>> step_fn({10: -1})
    Traceback (most recent call last):
    ...
    ValueError: step weights must be finite and >= 0, got {10: -1}
    """
    if not isinstance(steps, Mapping) or not steps:
        raise ValueError(f"`steps` must be a non-empty mapping of km to weight, got {steps!r}")
    bounds = np.array(sorted(steps), dtype=float)
    weights = np.array([steps[b] for b in sorted(steps)], dtype=float)
    if not (np.isfinite(bounds).all() and (bounds > 0).all()):
        raise ValueError(f"step bounds must be finite km > 0, got {dict(steps)}")
    if not (np.isfinite(weights).all() and (weights >= 0).all()):
        raise ValueError(f"step weights must be finite and >= 0, got {dict(steps)}")
    return StepDecay(tuple(bounds.tolist()), tuple(weights.tolist()))


def _pairs(a: np.ndarray, b: np.ndarray, r_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i in a, j in b) at most ``r_m`` metres apart, and their distances (m)."""
    if not (len(a) and len(b)):
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0)
    m = cKDTree(a).sparse_distance_matrix(cKDTree(b), r_m, output_type="ndarray")
    return m["i"], m["j"], m["v"]


def two_step_fca(
    units: pd.DataFrame,
    services: pd.DataFrame,
    radius_km: float,
    decay: Callable[[np.ndarray], np.ndarray] | None = None,
) -> pd.Series:
    """Two-step floating catchment area accessibility, per 10,000 inhabitants.

    Method (Luo & Wang 2003; with a distance decay as in the enhanced 2SFCA of Luo & Qi
    2009 and the DREES "accessibilité potentielle localisée"). Distances ``d_ij`` are in km,
    straight line, within a zone; a pair counts when ``d_ij <= radius_km``, with weight
    ``W(d_ij)`` (``decay``, default 1):

    1. for each service ``j``: ``R_j = S_j / sum_i P_i W(d_ij)``, its capacity ``S_j``
       (``weight``, default 1) over the population it can reach;
    2. for each unit ``i``: ``A_i = 10,000 * sum_j R_j W(d_ij)``, services per 10,000
       inhabitants within reach, each shared by everyone who can reach it.

    A service whose catchment holds nobody (demand 0) serves nobody (``R_j = 0``).

    Parameters
    ----------
    units : pandas.DataFrame
        ``zone``, ``x``, ``y`` (metres), ``population``.
    services : pandas.DataFrame
        ``zone``, ``x``, ``y`` (metres), optional ``weight`` (>= 0, capacity or hours).
    radius_km : float
        Catchment radius, km straight line (inclusive).
    decay : callable, optional
        Weight of an array of distances in km, e.g. ``step_fn({10: 1, 20: 0.68, 30: 0.22})``.

    Returns
    -------
    pandas.Series
        ``access_per_10k`` indexed like ``units``; 0 where no service is within reach.

    Examples
    --------
    >>> units = pd.DataFrame({"zone": "metro", "x": [0.0, 10_000.0], "y": 0.0,
    ...                       "population": [1000, 3000]})
    >>> services = pd.DataFrame({"zone": ["metro"], "x": [0.0], "y": [0.0]})
    >>> two_step_fca(units, services, 10).tolist()  # 1 service for 4,000 people
    [2.5, 2.5]
    >>> two_step_fca(units, services, 20, step_fn({5: 1, 20: 0.5})).tolist()  # 1/2,500
    [4.0, 2.0]
    """
    r_m = _threshold_m(radius_km, "radius_km")
    uxy, sxy, pop = _xy(units, "units"), _xy(services, "services"), _population(units)
    cap = services[WEIGHT].to_numpy(float) if WEIGHT in services else np.ones(len(services))
    if not (np.isfinite(cap).all() and (cap >= 0).all()):
        raise ValueError("`services` weight must be finite and >= 0")
    access = np.zeros(len(units))
    unit_zones = _zones(units)
    for zone, spos in _zones(services).items():
        upos = unit_zones.get(zone)
        if upos is None:
            continue
        i, j, d_m = _pairs(uxy[upos], sxy[spos], r_m)
        w = np.ones(len(i)) if decay is None else _checked_decay(decay, d_m / 1000.0)
        demand = np.bincount(j, weights=pop[upos][i] * w, minlength=len(spos))
        ratio = np.divide(cap[spos], demand, out=np.zeros(len(spos)), where=demand > 0)
        access[upos] = np.bincount(i, weights=ratio[j] * w, minlength=len(upos))
    return pd.Series(access * PER, index=units.index, name="access_per_10k")


def _checked_decay(decay: Callable[[np.ndarray], np.ndarray], d_km: np.ndarray) -> np.ndarray:
    w = np.asarray(decay(d_km), dtype=float)
    if w.shape != d_km.shape or not (np.isfinite(w).all() and (w >= 0).all()):
        raise ValueError("`decay` must map an array of km to finite weights >= 0 of same shape")
    return w


# --------------------------------------------------------------------------- new sites


def greedy_max_coverage(
    units: pd.DataFrame,
    candidates: pd.DataFrame,
    existing_services: pd.DataFrame,
    threshold_km: float,
    n: int,
) -> pd.DataFrame:
    """Choose up to ``n`` new sites covering the most population now beyond ``threshold_km``.

    Greedy maximal covering: at each step, take the candidate covering the most population
    still uncovered (a unit is covered by a site at ``<= threshold_km``, straight line, same
    zone), ties to the lowest ``id``. Greedy is a (1 - 1/e) ≈ 63 % approximation of the best
    set of ``n`` sites (Nemhauser, Wolsey & Fisher 1978), not the optimum; it stops early
    when no candidate adds anyone. Units with no service in their zone count as uncovered.
    Pass the units to serve (e.g. one département) and *all* existing services (neighbours
    included, for border effects).

    Parameters
    ----------
    units : pandas.DataFrame
        ``zone``, ``x``, ``y`` (metres), ``population``.
    candidates : pandas.DataFrame
        ``id`` (unique), ``label``, ``zone``, ``x``, ``y`` (e.g. town halls, France services).
    existing_services : pandas.DataFrame
        ``id``, ``zone``, ``x``, ``y``.
    threshold_km : float
        Kilometres, straight line.
    n : int
        Maximum number of sites (>= 0).

    Returns
    -------
    pandas.DataFrame
        One row per chosen site, in order: ``step`` (1…), ``id``, ``label``,
        ``population_added`` (people it brings within the threshold), ``communes_added``
        (inhabited units it brings within), ``population_beyond_after`` (cumulative: the
        population of ``units`` still beyond once this and the earlier sites are added).

    Examples
    --------
    >>> units = pd.DataFrame({"zone": "metro", "x": [0.0, 50_000.0, 52_000.0], "y": 0.0,
    ...                       "population": [500, 30, 20]})
    >>> existing = pd.DataFrame({"id": ["s"], "zone": "metro", "x": [0.0], "y": [0.0]})
    >>> candidates = pd.DataFrame({"id": ["c1", "c2"], "label": ["Mairie A", "Mairie B"],
    ...                            "zone": "metro", "x": [5_000.0, 51_000.0], "y": 0.0})
    >>> greedy_max_coverage(units, candidates, existing, 10, 3)[["id", "population_added",
    ...                                                      "population_beyond_after"]]
       id  population_added  population_beyond_after
    0  c2                50                        0
    """
    if int(n) != n or n < 0:
        raise ValueError(f"`n` must be an integer >= 0, got {n!r}")
    _require(candidates, "candidates", ["label"])
    order = _unique_ids(candidates, "candidates")
    candidates = candidates.iloc[order]  # lowest id first, so argmax breaks ties by id
    d = nearest_distance(units, existing_services)["distance_km"].to_numpy()
    weights = np.where(is_beyond(d, threshold_km), _population(units), 0.0)
    cover = _coverage(units, candidates, threshold_km, weights > 0)
    return _greedy(cover, weights, candidates, int(n))


def _coverage(
    units: pd.DataFrame, candidates: pd.DataFrame, threshold_km: float, uncovered: np.ndarray
) -> csr_matrix:
    """Sparse candidates × units matrix: 1 where a candidate is within the threshold."""
    r_m, uxy, cxy = _threshold_m(threshold_km), _xy(units, "units"), _xy(candidates, "candidates")
    rows, cols, unit_zones = [], [], _zones(units)
    for zone, cpos in _zones(candidates).items():
        upos = unit_zones.get(zone, np.empty(0, np.intp))
        upos = upos[uncovered[upos]]
        if len(upos):
            c, u, d_m = _pairs(cxy[cpos], uxy[upos], r_m + 1.0)
            keep = ~is_beyond(d_m / 1000.0, threshold_km)
            rows.append(cpos[c[keep]])
            cols.append(upos[u[keep]])
    rows = np.concatenate(rows) if rows else np.empty(0, np.intp)
    cols = np.concatenate(cols) if cols else np.empty(0, np.intp)
    shape = (len(candidates), len(units))
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)


def _greedy(
    cover: csr_matrix, weights: np.ndarray, candidates: pd.DataFrame, n: int
) -> pd.DataFrame:
    weights, remaining, steps = weights.copy(), weights.sum(), []
    for step in range(1, n + 1):
        gain = cover @ weights
        best = int(np.argmax(gain)) if len(gain) else 0
        if not len(gain) or gain[best] <= 0:
            break
        newly = cover.indices[cover.indptr[best] : cover.indptr[best + 1]]
        newly = newly[weights[newly] > 0]
        weights[newly] = 0.0
        remaining -= gain[best]
        row = candidates.iloc[best]
        steps.append((step, row[ID], row["label"], gain[best], len(newly), remaining))
    columns = ["step", ID, "label", "population_added", "communes_added", "population_beyond_after"]
    table = pd.DataFrame(steps, columns=columns)
    if len(table) and np.array_equal(weights, np.round(weights)):
        table = table.astype({"population_added": "int64", "population_beyond_after": "int64"})
    return table


# --------------------------------------------------------------------------- publication


def suppress_small(values: pd.Series | Sequence[float], min_count: int = 3) -> pd.Series:
    """Format counts for publication, hiding small ones as ``"< {min_count}"``.

    Counts from 1 to ``min_count - 1`` become ``"< 3"`` (statistical secrecy: hébergement
    places are counted with ``min_count=3``, structures with ``min_count=2``). ``0`` stays
    ``"0"``: an absence reveals no place, and it is the very information of a gap map.
    Missing values become ``""``. Other counts are written as plain integers.

    Parameters
    ----------
    values : pandas.Series or sequence
        Non-negative integer counts (or missing).
    min_count : int, default 3
        Smallest count shown as is (>= 1).

    Returns
    -------
    pandas.Series
        Strings, same index as ``values``.

    Examples
    --------
    >>> suppress_small(pd.Series([0, 1, 2, 3, 12, None])).tolist()
    ['0', '< 3', '< 3', '3', '12', '']
    """
    if int(min_count) != min_count or min_count < 1:
        raise ValueError(f"`min_count` must be an integer >= 1, got {min_count!r}")
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    num = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = (s.notna() & num.isna()) | (num < 0) | (num.notna() & (num != num.round()))
    if bad.any():
        raise ValueError(f"counts must be integers >= 0; bad values {s[bad].tolist()[:10]}")
    text = num.map(lambda v: "" if np.isnan(v) else str(int(v)))
    return text.mask((num > 0) & (num < min_count), f"< {int(min_count)}").astype(object)
