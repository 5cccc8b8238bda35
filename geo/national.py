"""National open layers (``python -m geo build-national``) and the "one place, one service" rule.

Two national, geocoded sources of the ``geodata/raw`` folder (sections 8 and 9 of its README)
become layers of their own in ``data/national/``, beside the plans' listings:

* ``annuaire_2016.csv``: the DILA annuaire of local public services (service-public.fr,
  February 2016): gendarmerie, commissariats, CIDFF, bureaux d'aide aux victimes, legal-
  information sessions, MJD, CIVI, courts, SPIP, PMI (the types of :data:`ANNUAIRE_TYPES`);
* ``finess_2020.csv``: the public general hospitals of FINESS (March 2020, via Eurostat
  GISCO; the facility types of :data:`HOSPITAL_TYPES`).

Rows use the service schema (:data:`geo.schema.SERVICE_COLUMNS`) plus the provenance columns
:data:`PROVENANCE_COLUMNS`. Every row is "jamais vérifié" (``last_checked`` empty) and
``status`` "existing" *as of the source's date*. Commune codes of 2016 are re-coded to COG
2026 (:func:`geo.cog.recode_to_current`); hospitals get their commune from postcode + city
through :class:`geo.geocode.CommuneGeocoder`. The point of a row is chosen by
:func:`point_source` and checked against the commune polygons of ``data/processed/display``.
Nothing unresolved is guessed: such records go to ``unresolved.csv`` and the report.

:func:`match_plan_services` is the merge rule between a plan's service and a record of these
layers; :func:`merged_view` builds the merged services (the listings file is not rewritten).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import cog
from geo.crs import WGS84, metric_crs, zone_of
from geo.schema import DATA, SERVICE_COLUMNS
from geo.territories import normalise_name

NATIONAL = DATA / "national"
ANNUAIRE_FILE = NATIONAL / "annuaire_2016.csv"
FINESS_FILE = NATIONAL / "finess_2020.csv"
UNRESOLVED_FILE = NATIONAL / "unresolved.csv"
MERGES_FILE = NATIONAL / "merges.csv"
#: FINESS sites of kept hospitals left out as secondary sites (for review).
SECONDARY_SITES_FILE = NATIONAL / "hospital_sites_left_out.csv"
REPORT_FILE = NATIONAL / "report.md"

#: Provenance columns appended after the service columns.
PROVENANCE_COLUMNS = ("dataset", "vintage", "source_id", "source_updated", "source_type",
                      "point_source")
LAYER_COLUMNS = SERVICE_COLUMNS + PROVENANCE_COLUMNS
UNRESOLVED_COLUMNS = ("dataset", "source_id", "source_type", "source_dep", "name", "code_source",
                      "postcode", "city", "reason")
MERGE_COLUMNS = ("dep", "insee", "plan_id", "plan_name", "national_id", "national_name",
                 "source_type", "how")

ANNUAIRE_DATASET = "DILA – Annuaire de l'administration (service-public.fr), données locales"
ANNUAIRE_VINTAGE = "2016-02"
FINESS_DATASET = "FINESS via Eurostat GISCO – Healthcare services in Europe"
FINESS_VINTAGE = "2020-03"

#: Tolerance (m) around a commune polygon for a point to count as inside it.
TOLERANCE_M = 100.0
#: Minimum BAN score for an address-base point.
MIN_BAN_SCORE = 0.7

NOTE_2016 = "Données de février 2016, jamais vérifiées sur le terrain : à vérifier."
NOTE_TGI = ("Nom de 2016 : les tribunaux de grande instance sont devenus les tribunaux "
            "judiciaires le 1er janvier 2020.")
NOTE_TI = ("Nom de 2016 : les tribunaux d'instance ont été fondus dans les tribunaux judiciaires "
           "le 1er janvier 2020 (tribunaux de proximité quand ils sont hors du siège).")
NOTE_HOSPITAL = ("Site hospitalier FINESS (mars 2020) : la présence d'urgences, d'une UMJ ou "
                 "d'une maison des femmes n'est pas indiquée par la source.")


@dataclass(frozen=True)
class Kind:
    """How one source record type enters the layer: category, subcategory, note."""

    category: str
    subcategory: str
    note: str = ""


#: Annuaire record types kept, in display order (the mapping table of ``data/README.md``).
ANNUAIRE_TYPES: dict[str, Kind] = {
    "gendarmerie": Kind("forces_securite", "brigade de gendarmerie"),
    "commissariat_police": Kind("forces_securite", "commissariat de police"),
    "cidf": Kind("association", "CIDFF (centre d'information sur les droits des femmes et des "
                 "familles)"),
    "bav": Kind("association", "bureau d'aide aux victimes"),
    "permanence_juridique": Kind("justice", "permanence d'information juridique"),
    "mjd": Kind("justice", "maison de justice et du droit"),
    "civi": Kind("justice", "commission d'indemnisation des victimes d'infractions (CIVI)"),
    "tgi": Kind("justice", "tribunal de grande instance (nom de 2016)", NOTE_TGI),
    "ti": Kind("justice", "tribunal d'instance (nom de 2016)", NOTE_TI),
    "te": Kind("justice", "tribunal pour enfants"),
    "spip": Kind("justice", "service pénitentiaire d'insertion et de probation (SPIP)"),
    "pmi": Kind("sante", "protection maternelle et infantile (PMI)"),
}

#: FINESS facility types kept (GISCO ``facility_type``) → subcategory.
HOSPITAL_TYPES: dict[str, str] = {
    "Centre Hospitalier (C.H.)": "centre hospitalier",
    "Centre Hospitalier Régional (C.H.R.)": "centre hospitalier régional / universitaire",
    "Centre hospitalier, ex Hôpital local": "centre hospitalier (ex-hôpital local)",
}


# --------------------------------------------------------------------------- small pure helpers
def format_phone(raw: str) -> str:
    """Return a French phone number written ``03 21 64 44 44``; other numbers unchanged.

    Examples
    --------
    >>> format_phone("+33 3 21 64 44 44"), format_phone("474454647"), format_phone("3936")
    ('03 21 64 44 44', '04 74 45 46 47', '3936')
    >>> format_phone("+590 590 99 39 00"), format_phone("")
    ('05 90 99 39 00', '')
    """
    text = str(raw or "").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+590") or text.startswith("+594") or text.startswith("+262") \
            or text.startswith("+596") or text.startswith("+269"):
        digits = digits[3:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = digits[2:]
    if len(digits) == 9 and digits[0] != "0":
        digits = "0" + digits
    if len(digits) == 10 and digits[0] == "0":
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return text


def point_source(ban_housenumber: np.ndarray, ban_score: np.ndarray, ban_inside: np.ndarray,
                 own_inside: np.ndarray) -> np.ndarray:
    """Choose the point of each record: address base, the source's own point, or the commune.

    The address-base (BAN) point when it is a house number with a score of at least
    :data:`MIN_BAN_SCORE` and lies in its commune (+ :data:`TOLERANCE_M`); else the source's
    own point when it lies in its commune (+ 100 m); else the commune's population point.

    Parameters
    ----------
    ban_housenumber, ban_score, ban_inside, own_inside : numpy.ndarray
        Per record: BAN result is a house number; BAN score (NaN when absent); BAN point inside;
        own point inside (false when absent).

    Returns
    -------
    numpy.ndarray of str
        ``"ban"``, ``"source"`` or ``"commune"``.

    Examples
    --------
    >>> point_source(np.array([True, True, False, False]), np.array([0.9, 0.5, 0.9, np.nan]),
    ...              np.array([True, True, True, False]), np.array([False, True, False, False]))
    array(['ban', 'source', 'commune', 'commune'], dtype='<U7')
    """
    ban = np.asarray(ban_housenumber, bool) & (np.nan_to_num(ban_score, nan=0.0) >= MIN_BAN_SCORE) \
        & np.asarray(ban_inside, bool)
    return np.select([ban, np.asarray(own_inside, bool)], ["ban", "source"], "commune")


#: Precision written for each point source (closed list of ``geo.schema.PRECISIONS``).
PRECISION_OF = {"ban": "adresse", "source": "adresse", "finess": "adresse", "commune": "commune"}


# --------------------------------------------------------------------------- territories
@dataclass
class Territory:
    """Current communes: population points, polygons, names, and the 2016 → 2026 re-coding."""

    communes: gpd.GeoDataFrame  # insee, nom, dep, postcodes, geometry (population point)
    shapes: gpd.GeoDataFrame  # insee, geometry (polygon, WGS84), one row per commune
    arm: dict[str, str]  # arrondissement municipal → parent commune

    @classmethod
    def from_processed(cls, processed: Path | None = None) -> Territory:
        """Read ``communes.parquet``, ``units.parquet`` and the display polygons."""
        from geo import schema

        folder = processed or schema.PROCESSED
        communes = gpd.read_parquet(folder / "communes.parquet",
                                    columns=["insee", "nom", "dep", "postcodes", "geometry"])
        units = pd.read_parquet(folder / "units.parquet", columns=["unit", "insee"])
        arm = {u: i for u, i in zip(units["unit"], units["insee"], strict=True) if u != i}
        files = sorted((folder / "display").glob("*.parquet"))
        display = pd.concat([gpd.read_parquet(p) for p in files], ignore_index=True)
        return cls(communes, commune_shapes(gpd.GeoDataFrame(display, crs=WGS84)), arm)

    def recode(self, codes: pd.Series, mouvements: pd.DataFrame) -> pd.Series:
        """Return the current commune code (COG 2026) of each code, NaN when none."""
        current = set(self.communes["insee"]) | set(self.arm)
        unit = cog.recode_to_current(codes, mouvements, current)
        return unit.map(lambda c: self.arm.get(c, c) if isinstance(c, str) else c)


def commune_shapes(display: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One polygon per commune from map units (arrondissements of Paris, Lyon, Marseille joined).

    Examples
    --------
    >>> from shapely import box
    >>> units = gpd.GeoDataFrame({"unit": ["75101", "75102", "62041"],
    ...     "insee": ["75056", "75056", "62041"]},
    ...     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)], crs=WGS84)
    >>> shapes = commune_shapes(units)
    >>> shapes["insee"].tolist(), round(shapes.geometry.area.tolist()[1], 1)
    (['62041', '75056'], 2.0)
    """
    grouped = display.groupby("insee", sort=True).geometry.agg(
        lambda g: g.iloc[0] if len(g) == 1 else shapely.union_all(g.values))
    return gpd.GeoDataFrame({"insee": grouped.index}, geometry=list(grouped.values), crs=WGS84)


def inside_commune(lon: np.ndarray, lat: np.ndarray, insee: pd.Series, dep: pd.Series,
                   shapes: gpd.GeoDataFrame, tolerance: float = TOLERANCE_M) -> np.ndarray:
    """Return, per point, whether it lies within ``tolerance`` metres of its commune's polygon.

    Missing coordinates or communes give ``False``. Distances are measured in the metric CRS
    of the commune's zone (:func:`geo.crs.metric_crs`).

    Examples
    --------
    >>> from shapely import box
    >>> shapes = gpd.GeoDataFrame({"insee": ["62041"]}, geometry=[box(2.7, 50.2, 2.8, 50.3)],
    ...                           crs=WGS84)
    >>> inside_commune(np.array([2.75, 2.801, 3.5, np.nan]), np.array([50.25, 50.25, 50.25, 50.0]),
    ...                pd.Series(["62041"] * 4), pd.Series(["62"] * 4), shapes).tolist()
    [True, True, False, False]
    """
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    result = np.zeros(len(lon), dtype=bool)
    polygons = shapes.set_index("insee").geometry
    insee = pd.Series(np.asarray(insee, dtype=object))
    dep = pd.Series(np.asarray(dep, dtype=object))
    known = ~np.isnan(lon) & ~np.isnan(lat) & insee.isin(polygons.index).to_numpy()
    zones = dep.map(lambda d: zone_of(d) if isinstance(d, str) else "").to_numpy()
    for zone in sorted(set(zones[known])):
        rows = np.flatnonzero(known & (zones == zone))
        crs = metric_crs(zone)
        pts = gpd.GeoSeries(gpd.points_from_xy(lon[rows], lat[rows]), crs=WGS84).to_crs(crs)
        polys = gpd.GeoSeries(polygons.loc[insee.iloc[rows]].values, crs=WGS84).to_crs(crs)
        result[rows] = shapely.dwithin(pts.values, polys.values, tolerance)
    return result


# --------------------------------------------------------------------------- annuaire
def read_annuaire(folder: Path) -> pd.DataFrame:
    """Read every ``annuaire-{DEP}.sjson`` record, flattened, with the file's département.

    Returns
    -------
    pandas.DataFrame
        ``source_dep``, ``id``, ``type``, ``nom``, ``codeinsee``, ``update``, ``lat``, ``lon``
        (own point), ``ban_type``, ``ban_score``, ``ban_lat``, ``ban_lon``, ``street``,
        ``postcode``, ``city``, ``phone``, ``email``, ``website``; one row per record.
    """
    rows = []
    for path in sorted(Path(folder).glob("annuaire-*.sjson")):
        source_dep = path.stem.split("-", 1)[1]
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rows.append(_flatten(json.loads(line), source_dep))
    if not rows:
        raise ValueError(f"no annuaire-*.sjson file in {folder}")
    return pd.DataFrame(rows)


def _number(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _flatten(r: dict, source_dep: str) -> dict:
    geo = r.get("geo") or {}
    address = r.get("writeAddress") or {}
    website = r.get("website") or []
    return {
        "source_dep": source_dep, "id": r["id"], "type": r["type"], "nom": r.get("nom", ""),
        "codeinsee": r.get("codeinsee", ""), "update": r.get("update", ""),
        "lat": _number(r.get("latitude")), "lon": _number(r.get("longitude")),
        "ban_type": geo.get("address_type", ""), "ban_score": _number(geo.get("score")),
        "ban_lat": _number(geo.get("latitude")), "ban_lon": _number(geo.get("longitude")),
        "street": ", ".join(s.strip() for s in address.get("streetAddress", []) if s.strip()),
        "postcode": address.get("postalCode", ""), "city": address.get("addressLocality", ""),
        "phone": r.get("contact_phone", ""), "email": r.get("contact_email", ""),
        "website": website[0] if isinstance(website, list) and website else str(website or ""),
    }


def clean_name(name: str) -> str:
    """Drop the ``###`` marks and doubled spaces some source names carry.

    Examples
    --------
    >>> clean_name("### Brigade territoriale autonome de gendarmerie de Laval")
    'Brigade territoriale autonome de gendarmerie de Laval'
    >>> clean_name("Maison de justice et du droit  de Calais")
    'Maison de justice et du droit de Calais'
    """
    return re.sub(r"\s+", " ", str(name or "").replace("###", "")).strip()


def build_annuaire(records: pd.DataFrame, territory: Territory,
                   mouvements: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn annuaire records into the layer rows and the unresolved records.

    Parameters
    ----------
    records : pandas.DataFrame
        As returned by :func:`read_annuaire` (any types: only :data:`ANNUAIRE_TYPES` are kept).
    territory : Territory
        Current communes and polygons.
    mouvements : pandas.DataFrame
        INSEE ``mouvements-communes.csv``.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Layer rows (:data:`LAYER_COLUMNS`, sorted by ``id``) and unresolved records
        (:data:`UNRESOLVED_COLUMNS`).
    """
    kept = records[records["type"].isin(ANNUAIRE_TYPES)].copy()
    kept["insee"] = territory.recode(kept["codeinsee"], mouvements).to_numpy()
    com = territory.communes.set_index("insee")
    resolved = kept["insee"].notna()
    unresolved = kept[~resolved]
    reasons = np.where(unresolved["source_dep"].isin(("975", "977", "978", "986", "987", "988")),
                       "collectivité d'outre-mer : hors du territoire de l'application",
                       "code commune de 2016 sans commune actuelle unique")
    bad = pd.DataFrame({
        "dataset": ANNUAIRE_DATASET, "source_id": unresolved["id"],
        "source_type": unresolved["type"],
        "source_dep": unresolved["source_dep"], "name": unresolved["nom"].map(clean_name),
        "code_source": unresolved["codeinsee"], "postcode": unresolved["postcode"],
        "city": unresolved["city"], "reason": reasons})
    k = kept[resolved].reset_index(drop=True)
    dep = k["insee"].map(com["dep"])
    ban_in = inside_commune(k["ban_lon"], k["ban_lat"], k["insee"], dep, territory.shapes)
    own_in = inside_commune(k["lon"], k["lat"], k["insee"], dep, territory.shapes)
    source = point_source(k["ban_type"].eq("housenumber").to_numpy(), k["ban_score"].to_numpy(),
                          ban_in, own_in)
    fallback = com.geometry.reindex(k["insee"])
    lat = np.select([source == "ban", source == "source"], [k["ban_lat"], k["lat"]],
                    fallback.y.to_numpy())
    lon = np.select([source == "ban", source == "source"], [k["ban_lon"], k["lon"]],
                    fallback.x.to_numpy())
    kinds = k["type"].map(ANNUAIRE_TYPES)
    notes = kinds.map(lambda kind: " ".join(x for x in (NOTE_2016, kind.note) if x))
    notes = notes.where(k["insee"] == k["codeinsee"], notes + " Code commune de 2016 "
                        + k["codeinsee"] + " re-codé en " + k["insee"] + " (COG 2026).")
    layer = pd.DataFrame({
        "id": "ann-" + k["id"], "dep": dep, "category": kinds.map(lambda x: x.category),
        "subcategory": kinds.map(lambda x: x.subcategory), "name": k["nom"].map(clean_name),
        "operator": "", "place": "", "address": k["street"], "postcode": k["postcode"],
        "insee": k["insee"], "lat": np.round(lat, 6), "lon": np.round(lon, 6),
        "precision": pd.Series(source).map(PRECISION_OF), "host_id": "", "catchment": "",
        "remote": "false", "confidentiality": "public", "capacity": "", "capacity_unit": "",
        "schedule": "", "phone": k["phone"].map(format_phone), "website": k["website"],
        "audience": "", "status": "existing", "source_document": ANNUAIRE_DATASET,
        "source_line": k["id"], "source_year": "2016", "last_checked": "", "notes": notes,
        "dataset": ANNUAIRE_DATASET, "vintage": ANNUAIRE_VINTAGE, "source_id": k["id"],
        "source_updated": k["update"], "source_type": k["type"], "point_source": source})
    return _finish(layer), bad.sort_values("source_id", ignore_index=True)


def _finish(layer: pd.DataFrame) -> pd.DataFrame:
    layer = layer.sort_values("id", ignore_index=True)
    if not layer["id"].is_unique:
        raise ValueError(f"duplicate ids: {sorted(layer['id'][layer['id'].duplicated()])[:5]}")
    return layer[list(LAYER_COLUMNS)]


# --------------------------------------------------------------------------- FINESS hospitals
#: Sites of a kept hospital that are no place to send a victim: psychiatric and day units,
#: CMP/CATTP, SMUR antennas, rehabilitation, dialysis, long-stay, prison units, schools…
#: (FINESS gives every site of a C.H. the C.H.'s type). Matched on the site's full name.
SECONDARY_SITE = re.compile(
    r"\b(?:HJ|HDJ|HOP(?:ITAL|\.)? DE JOUR|HÔPITAL DE JOUR|HOSPITALISATION DE JOUR|CMPP?|"
    r"C\.?A\.?T\.?T\.?P\.?|CATTP|PSY\w*|PEDO ?PSY\w*|PÉDO ?PSY\w*|SMUR|SSR|SMR|MPR|USLD|EHPAD|"
    r"HAD|DIALYSE|ALCOOLOGIE|ADDICTOLOGIE|CSAPA|IFSI|SOINS DENTAIRES|MILIEU PENITENTI\w*|"
    r"HOTEL THERAPEUTIQUE|MAISON DE RETRAITE|UNITE SANITAIRE|CDAG|CEGIDD|MOYEN SEJOUR|"
    r"LONG SEJOUR|TH[EÉ]RAP\w*|POUPONNI[EÈ]RE|H[OÔ]P\.? JOUR|CENTRE M[EÉ]DICAL|SOINS DE SUITE|"
    r"R[EÉ]ADAPTATION|R[EÉ][EÉ]DUCATION|D[EÉ]PISTAGE|DENTAIRE|G[EÉ]RONTO\w*|MALADIES MENTALES|"
    r"REPOS)\b", re.IGNORECASE)


def hospital_site_name(sites: pd.DataFrame) -> pd.Series:
    """The name shown for a FINESS site: the hospital's, then `` – `` and the site's."""
    return pd.Series(np.where(sites["site_name"] != "",
                              sites["hospital_name"] + " – " + sites["site_name"],
                              sites["hospital_name"]), index=sites.index)


def kept_hospital_sites(sites: pd.DataFrame) -> pd.Series:
    """True for the FINESS sites kept: a public hospital type, and not a secondary site.

    >>> s = pd.DataFrame({"facility_type": ["Centre Hospitalier (C.H.)"] * 3,
    ...     "hospital_name": ["CENTRE HOSPITALIER D'HESDIN", "HJ PSY ESCALE CH HENIN",
    ...                       "CENTRE HOSPITALIER DE LENS"], "site_name": ["", "", "CMP ADULTES"]})
    >>> kept_hospital_sites(s).tolist()
    [True, False, False]
    """
    names = hospital_site_name(sites)
    return sites["facility_type"].isin(HOSPITAL_TYPES) & ~names.str.contains(SECONDARY_SITE)


def read_hospitals(path: Path) -> pd.DataFrame:
    """Read the GISCO France healthcare file with every column as text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _iso(date: str) -> str:
    """``"06/03/2020"`` → ``"2020-03-06"``."""
    d, m, y = (date.split("/") + ["", "", ""])[:3]
    return f"{y}-{m}-{d}" if y else date


def build_hospitals(sites: pd.DataFrame, territory: Territory,
                    geocoder) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn GISCO/FINESS hospital sites into layer rows and unresolved records.

    The commune comes from postcode + city through ``geocoder`` (a
    :class:`geo.geocode.CommuneGeocoder`), else from the postcode alone when it belongs to a
    single commune; the point is the source's when it lies in that commune (+ 100 m), else the
    commune's population point.
    """
    kept = sites[kept_hospital_sites(sites)].reset_index(drop=True)
    by_postcode: dict[str, list[str]] = {}
    communes = territory.communes
    for insee, codes in zip(communes["insee"], communes["postcodes"], strict=True):
        for p in str(codes or "").split(";"):
            by_postcode.setdefault(p.strip(), []).append(insee)
    insee, reasons = [], []
    for city, postcode in zip(kept["city"], kept["postcode"], strict=True):
        code, reason = _hospital_commune(city, postcode, geocoder, by_postcode)
        insee.append(code)
        reasons.append(reason)
    kept["insee"] = insee
    ok = kept["insee"].notna()
    bad = kept[~ok]
    unresolved = pd.DataFrame({
        "dataset": FINESS_DATASET, "source_id": bad["id"], "source_type": bad["facility_type"],
        "source_dep": bad["postcode"].map(lambda p: postcode_dep(p) or p[:2]),
        "name": bad["hospital_name"], "code_source": "",
        "postcode": bad["postcode"], "city": bad["city"],
        "reason": [r for r, good in zip(reasons, ok, strict=True) if not good]})
    k = kept[ok].reset_index(drop=True)
    com = territory.communes.set_index("insee")
    dep = k["insee"].map(com["dep"])
    lat, lon = k["lat"].map(_number).to_numpy(), k["lon"].map(_number).to_numpy()
    inside = inside_commune(lon, lat, k["insee"], dep, territory.shapes)
    source = np.where(inside, "finess", "commune")
    fallback = com.geometry.reindex(k["insee"])
    name = hospital_site_name(k)
    street = (k["house_number"] + " " + k["street"]).str.strip()
    layer = pd.DataFrame({
        "id": "finess-" + k["id"], "dep": dep, "category": "sante",
        "subcategory": k["facility_type"].map(HOSPITAL_TYPES), "name": name, "operator": "",
        "place": "", "address": street, "postcode": k["postcode"], "insee": k["insee"],
        "lat": np.round(np.where(inside, lat, fallback.y.to_numpy()), 6),
        "lon": np.round(np.where(inside, lon, fallback.x.to_numpy()), 6),
        "precision": pd.Series(source).map(PRECISION_OF), "host_id": "", "catchment": "",
        "remote": "false", "confidentiality": "public", "capacity": "", "capacity_unit": "",
        "schedule": "", "phone": k["tel"].map(format_phone), "website": k["url"], "audience": "",
        "status": "existing", "source_document": FINESS_DATASET, "source_line": k["id"],
        "source_year": "2020", "last_checked": "", "notes": NOTE_HOSPITAL,
        "dataset": FINESS_DATASET, "vintage": FINESS_VINTAGE, "source_id": k["id"],
        "source_updated": k["ref_date"].map(_iso), "source_type": k["facility_type"],
        "point_source": source})
    return _finish(layer), unresolved.sort_values("source_id", ignore_index=True)


def postcode_dep(postcode: str) -> str | None:
    """Return the département a postcode (or CEDEX code) points to, as a search hint only.

    Corsica's ``20`` is two départements: no hint. The hint orders the search; it never
    replaces the commune's own département.

    Examples
    --------
    >>> postcode_dep("03006"), postcode_dep("97300"), postcode_dep("20200"), postcode_dep("")
    ('03', '973', None, None)
    """
    code = str(postcode or "")
    if len(code) != 5 or not code.isdigit() or code.startswith("20"):
        return None
    return code[:3] if code.startswith("97") else code[:2]


def _hospital_commune(city: str, postcode: str, geocoder,
                      by_postcode: dict[str, list[str]]) -> tuple[str | None, str]:
    """Return the current commune of a hospital site, or ``None`` and a French reason."""
    name = re.sub(r"\bCEDEX\b.*$", "", str(city or ""), flags=re.IGNORECASE).strip()
    name = re.sub(r"^(PARIS|LYON|MARSEILLE)\s+\d+$", r"\1", name, flags=re.IGNORECASE)
    match = geocoder.resolve(name, postcode=postcode or None, dep=postcode_dep(postcode))
    if match.ok:
        return match.insee, ""
    only = by_postcode.get(postcode, [])
    if len(only) == 1:
        return only[0], ""
    return None, f"commune introuvable ({city} {postcode}) : {match.reason}"


# --------------------------------------------------------------------------- merge rule
#: Per layer record type: plan categories that can hold the same place, and how the plan's
#: service name must begin (normalised) to name that very place.
MERGE_EVIDENCE: dict[str, tuple[frozenset[str], str]] = {
    "gendarmerie": (frozenset({"forces_securite"}),
                    r"^(brigade|gendarmerie|communaute de brigades)\b"),
    "commissariat_police": (frozenset({"forces_securite"}),
                            r"^(commissariat|hotel de police|police nationale|police)\b"),
    "cidf": (frozenset({"association"}),
             r"^(cidff?|centre d information (sur |des )?(les )?droits des femmes)\b"),
    "bav": (frozenset({"justice", "association"}), r"^(bureau d aide aux victimes|bav)\b"),
    "mjd": (frozenset({"justice"}), r"^(maison de justice et du droit|mjd)\b"),
    "civi": (frozenset({"justice"}), r"^(civi|commission d indemnisation)\b"),
    "tgi": (frozenset({"justice"}), r"^(tribunal judiciaire|tribunal de grande instance|tgi)\b"),
    "ti": (frozenset({"justice"}), r"^(tribunal d instance|tribunal de proximite)\b"),
    "te": (frozenset({"justice"}), r"^tribunal pour enfants\b"),
    "spip": (frozenset({"justice", "auteurs"}), r"^(spip|service penitentiaire d insertion)\b"),
    "pmi": (frozenset({"sante", "institution"}), r"^(pmi|centre de pmi|protection maternelle)\b"),
}
_HOSPITAL_EVIDENCE = (frozenset({"sante"}), r"^(centre hospitalier|ch|chu|chr|hopital)\b")
#: Words that say a record is a secondary site (a branch), not the main one of its commune.
_SECONDARY = frozenset({"subdivisionnaire", "proximite", "antenne", "annexe", "permanence",
                        "secteur", "bureau"})
_GENERIC = frozenset({"de", "d", "du", "des", "la", "le", "les", "l", "et", "sur", "en", "a",
                      "police", "commissariat", "gendarmerie", "brigade", "territoriale",
                      "autonome", "nationale", "hotel", "centre", "information", "droits",
                      "femmes", "familles", "cidff", "cidf", "tribunal", "grande", "instance",
                      "judiciaire", "maison", "justice", "droit", "bureau", "aide", "victimes",
                      "hospitalier", "ch", "chu"})


def _evidence(source_type: str) -> tuple[frozenset[str], str] | None:
    if source_type in MERGE_EVIDENCE:
        return MERGE_EVIDENCE[source_type]
    return _HOSPITAL_EVIDENCE if source_type in HOSPITAL_TYPES else None


def plan_commune(service: pd.Series) -> str:
    """Return the one commune of a plan's service: its ``insee``, else a ``com:`` catchment.

    Examples
    --------
    >>> plan_commune(pd.Series({"insee": "", "catchment": "com:21515"}))
    '21515'
    >>> plan_commune(pd.Series({"insee": "", "catchment": "dep:21"}))
    ''
    """
    insee = str(service.get("insee") or "")
    if insee:
        return insee
    parts = [p for p in str(service.get("catchment") or "").split(";") if p]
    return parts[0][4:] if len(parts) == 1 and parts[0].startswith("com:") else ""


def match_plan_services(plan: pd.DataFrame, layer: pd.DataFrame,
                        commune_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Find the plan's services and layer records that are the same place.

    A plan's service (public, not hébergement) and a layer record are one place when:

    1. they are in the same commune (the service's ``insee``, or its single ``com:`` catchment);
    2. the categories are compatible and the service's name *begins* by naming that kind of
       place (:data:`MERGE_EVIDENCE`: "Police nationale de Béthune" names a commissariat,
       "Intervenant social en commissariat" or "Permanence CIDFF 21" do not);
    3. exactly one record of that type in the commune fits: the only one; else the only one
       whose own distinctive words (not generic, not the commune's name) are in the service's
       name; else, when the service's name has none of them, the only main site (a name
       without "subdivisionnaire", "de proximité", "antenne"…).

    Two records of one commune are never merged together, and a record claimed by two plan
    services is merged with neither (reported ``ambigu``).

    Parameters
    ----------
    plan : pandas.DataFrame
        Plan's services (``data/listings/services.csv`` columns).
    layer : pandas.DataFrame
        Layer rows (:data:`LAYER_COLUMNS`).
    commune_names : dict, optional
        ``{insee: current name}``; words of the commune's name are not distinctive.

    Returns
    -------
    pandas.DataFrame
        :data:`MERGE_COLUMNS`, one row per merge (``how`` = ``seul``, ``nom``, ``principal``),
        sorted by ``dep``, ``plan_id``.
    """
    names = commune_names or {}
    by_place = {key: grp for key, grp in layer.groupby(["insee", "source_type"], sort=False)}
    found = []
    for service in plan.itertuples(index=False):
        row = pd.Series(service._asdict())
        if row.get("confidentiality", "public") != "public" or row.get("category") == "hebergement":
            continue
        insee = plan_commune(row)
        if not insee:
            continue
        text = normalise_name(str(row.get("name") or ""))
        for source_type in sorted({t for (i, t) in by_place if i == insee}):
            evidence = _evidence(source_type)
            if evidence is None or row.get("category") not in evidence[0] \
                    or not re.match(evidence[1], text):
                continue
            pick, how = _pick_record(text, by_place[(insee, source_type)], names.get(insee, ""))
            if pick is not None:
                found.append((row["dep"], insee, row["id"], row["name"], pick["id"], pick["name"],
                              source_type, how))
    merges = pd.DataFrame(found, columns=list(MERGE_COLUMNS))
    claimed = merges["national_id"].duplicated(keep=False)
    return merges[~claimed].sort_values(["dep", "plan_id"], ignore_index=True)


def _pick_record(text: str, candidates: pd.DataFrame, commune: str) -> tuple[pd.Series | None, str]:
    """Return the one candidate record the plan's name designates, and how."""
    if len(candidates) == 1:
        return candidates.iloc[0], "seul"
    words = set(text.split())
    commune_words = set(normalise_name(commune).split())
    own = [set(normalise_name(n).split()) - _GENERIC - commune_words for n in candidates["name"]]
    common = set.intersection(*own)
    own = [w - common for w in own]  # a word every candidate has tells none apart
    by_name = [i for i, w in enumerate(own) if w & words]
    if len(by_name) == 1:
        return candidates.iloc[by_name[0]], "nom"
    if not by_name and not (words & set().union(*own)):
        main = [i for i, w in enumerate(own) if not (w & _SECONDARY)]
        if len(main) == 1:
            return candidates.iloc[main[0]], "principal"
    return None, ""


def merged_view(plan: pd.DataFrame, layer: pd.DataFrame, merges: pd.DataFrame) -> pd.DataFrame:
    """Return the plan's services with, for each merge, the layer record's place and phone.

    A merged service keeps the plan's id, category, description, notes and source line, and
    takes the layer's address, postcode, point, precision and phone (the plan's phone when the
    layer has none); both sources are cited in ``source_document`` and ``notes``;
    ``national_id`` names the record. Services not merged are returned unchanged, and layer
    records not merged are not included.

    Examples
    --------
    >>> plan = pd.DataFrame({"id": ["62-L1"], "name": ["Police nationale de Béthune"],
    ...     "address": [""], "postcode": [""], "lat": ["50.5"], "lon": ["2.6"],
    ...     "precision": ["commune"], "phone": [""], "website": [""],
    ...     "source_document": ["plan 62"], "notes": [""]})
    >>> layer = pd.DataFrame({"id": ["ann-x"], "address": ["1 rue A"], "postcode": ["62400"],
    ...     "lat": [50.52], "lon": [2.64], "precision": ["adresse"], "phone": ["03 21 00 00 00"],
    ...     "website": [""], "dataset": ["annuaire"], "vintage": ["2016-02"]})
    >>> merges = pd.DataFrame({"plan_id": ["62-L1"], "national_id": ["ann-x"]})
    >>> row = merged_view(plan, layer, merges).iloc[0]
    >>> row["phone"], row["precision"], row["source_document"]
    ('03 21 00 00 00', 'adresse', 'plan 62 ; annuaire (2016-02)')
    """
    out = plan.copy()
    out["national_id"] = ""
    records = layer.set_index("id")
    index = {pid: i for i, pid in enumerate(out["id"])}
    for plan_id, national_id in zip(merges["plan_id"], merges["national_id"], strict=True):
        i, rec = index[plan_id], records.loc[national_id]
        for col in ("address", "postcode", "lat", "lon", "precision"):
            text = pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object
            out.iat[i, out.columns.get_loc(col)] = str(rec[col]) if text else rec[col]
        if rec["phone"]:
            out.iat[i, out.columns.get_loc("phone")] = rec["phone"]
        if not out.iat[i, out.columns.get_loc("website")] and rec["website"]:
            out.iat[i, out.columns.get_loc("website")] = rec["website"]
        cite = f"{rec['dataset']} ({rec['vintage']})"
        doc = out.iat[i, out.columns.get_loc("source_document")]
        out.iat[i, out.columns.get_loc("source_document")] = f"{doc} ; {cite}" if doc else cite
        note = out.iat[i, out.columns.get_loc("notes")]
        extra = f"Adresse, point et téléphone : {cite}, fiche {national_id}, à vérifier."
        out.iat[i, out.columns.get_loc("notes")] = f"{note} {extra}".strip()
        out.iat[i, out.columns.get_loc("national_id")] = national_id
    return out


# --------------------------------------------------------------------------- report and command
PILOTS = ("03", "21", "38", "59", "62")


def figures(layer: pd.DataFrame, unresolved: pd.DataFrame, merges: pd.DataFrame,
            read: pd.Series) -> pd.DataFrame:
    """Per département: records read, kept, share at address precision, unresolved, merges.

    ``read`` counts the source records of the kept types per département (source file or
    postcode). The share at address precision counts the rows whose point is an address
    (``precision == "adresse"``), and separately those placed by a BAN house number.
    """
    deps = sorted(set(read.index) | set(layer["dep"]))
    kept = layer.groupby("dep").size()
    address = layer[layer["precision"] == "adresse"].groupby("dep").size()
    ban = layer[layer["point_source"] == "ban"].groupby("dep").size()
    bad = unresolved.groupby("source_dep").size()
    merged = merges.groupby("dep").size() if len(merges) else pd.Series(dtype=int)
    table = pd.DataFrame({"read": read.reindex(deps).fillna(0),
                          "kept": kept.reindex(deps).fillna(0),
                          "address": address.reindex(deps).fillna(0),
                          "ban": ban.reindex(deps).fillna(0),
                          "unresolved": bad.reindex(deps).fillna(0),
                          "merges": merged.reindex(deps).fillna(0)}, index=deps).astype(int)
    table.index.name = "dep"
    return table


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "—"


def report_markdown(table_ann: pd.DataFrame, table_fin: pd.DataFrame, layer: pd.DataFrame,
                    unresolved: pd.DataFrame, merges: pd.DataFrame) -> str:
    """Write the review report (French): figures per département, unresolved, merges."""
    lines = ["# Couches nationales : rapport de construction", "",
             "Écrit par `python -m geo build-national`. Aucune de ces fiches n'a été vérifiée sur "
             "le terrain (« jamais vérifié »). « adresse » = point d'adresse (BAN, numéro, score "
             f"≥ {MIN_BAN_SCORE}, ou point de la source) situé dans sa commune (+ 100 m) ; sinon "
             "point de population de la commune (« commune »).", ""]
    for title, table in (("Annuaire service-public.fr (février 2016)", table_ann),
                         ("Hôpitaux publics FINESS (mars 2020)", table_fin)):
        total = table.sum()
        lines += [f"## {title}", "",
                  "| dép. | lues | gardées | à l'adresse | dont BAN n° | non résolues | fusions |",
                  "|---|---|---|---|---|---|---|"]
        for dep, r in [*((d, table.loc[d]) for d in PILOTS if d in table.index), ("France", total)]:
            lines.append(f"| {dep} | {r['read']} | {r['kept']} | {_pct(r['address'], r['kept'])} | "
                         f"{_pct(r['ban'], r['kept'])} | {r['unresolved']} | {r['merges']} |")
        lines += ["", "<details><summary>Tous les départements</summary>", "",
                  "| dép. | lues | gardées | à l'adresse | non résolues | fusions |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {d} | {r['read']} | {r['kept']} | {_pct(r['address'], r['kept'])} | "
                  f"{r['unresolved']} | {r['merges']} |" for d, r in table.iterrows()]
        lines += ["", "</details>", ""]
    counts = layer.groupby(["source_type", "precision"]).size().unstack(fill_value=0)
    lines += ["## Précision par type", "", "| type | " + " | ".join(counts.columns) + " |",
              "|---|" + "---|" * len(counts.columns)]
    lines += [f"| {t} | " + " | ".join(str(v) for v in r) + " |" for t, r in counts.iterrows()]
    lines += ["", f"## Non résolues ({len(unresolved)})", "",
              "Rien n'est deviné : ces fiches ne sont pas dans les couches "
              "(détail dans `unresolved.csv`).", "",
              "| source | id | dép. | nom | raison |", "|---|---|---|---|---|"]
    lines += [f"| {'annuaire' if r.dataset == ANNUAIRE_DATASET else 'FINESS'} | {r.source_id} | "
              f"{r.source_dep} | {r.name} | {r.reason} |" for r in unresolved.itertuples()]
    lines += ["", f"## Fusions avec les services des plans ({len(merges)})", "",
              "Règle : `geo.national.match_plan_services` (même commune, catégorie compatible, "
              "nom du service qui désigne ce lieu). À relire par une personne.", ""]
    for dep, grp in merges.groupby("dep"):
        lines += [f"### {dep}", "", "| service du plan | fiche nationale | règle |",
                  "|---|---|---|"]
        lines += [f"| {r.plan_id} {r.plan_name} | {r.national_id} {r.national_name} | {r.how} |"
                  for r in grp.itertuples()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6f")


def read_layer(path: Path) -> pd.DataFrame:
    """Read a layer file written by :func:`run` (text columns; ``lat``/``lon`` as float)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("lat", "lon"):
        frame[col] = frame[col].astype(float)
    return frame


def run(raw: Path, out: Path = NATIONAL, processed: Path | None = None,
        services: Path | None = None) -> int:
    """Build the national layers, the unresolved list, the merges and the report into ``out``.

    Parameters
    ----------
    raw : Path
        The ``geodata/raw`` folder (annuaire, GISCO, mouvements des communes).
    out : Path
        Output folder (default ``data/national``).
    processed : Path, optional
        ``data/processed`` (communes, units, display polygons).
    services : Path, optional
        The plans' listings (default ``data/listings/services.csv``).

    Returns
    -------
    int
        Exit code, 0 on success.
    """
    from geo import schema
    from geo.geocode import CommuneGeocoder

    raw, out = Path(raw), Path(out)
    folder = processed or schema.PROCESSED
    territory = Territory.from_processed(folder)
    mouvements = cog.read_mouvements(
        raw / "decoupage-administratif-sources" / "mouvements-communes.csv")
    records = read_annuaire(raw / "annuaire-service-public-2016" / "data")
    annuaire, bad_ann = build_annuaire(records, territory, mouvements)
    geocoder = CommuneGeocoder.from_files(folder / "commune_names.parquet",
                                          folder / "communes.parquet")
    sites = read_hospitals(raw / "gisco-healthcare-2020" / "FR.csv")
    finess, bad_fin = build_hospitals(sites, territory, geocoder)
    layer = pd.concat([annuaire, finess], ignore_index=True)
    plan = pd.read_csv(services or schema.SERVICES_FILE, dtype=str, keep_default_na=False)
    names = dict(zip(territory.communes["insee"], territory.communes["nom"], strict=True))
    merges = match_plan_services(plan, layer, names)
    kept_records = records[records["type"].isin(ANNUAIRE_TYPES)]
    kept_sites = sites[kept_hospital_sites(sites)]
    secondary = sites[sites["facility_type"].isin(HOSPITAL_TYPES) & ~kept_hospital_sites(sites)]
    _write_csv(pd.DataFrame({"source_id": secondary["id"], "name": hospital_site_name(secondary),
                             "postcode": secondary["postcode"], "city": secondary["city"]}),
               out / SECONDARY_SITES_FILE.name)
    fin_read = layer_dep_or_postcode(finess, bad_fin, kept_sites)
    table_ann = figures(annuaire, bad_ann, merges[merges["national_id"].str.startswith("ann-")],
                        kept_records.groupby("source_dep").size())
    table_fin = figures(finess, bad_fin, merges[merges["national_id"].str.startswith("finess-")],
                        fin_read)
    _write_csv(annuaire, out / ANNUAIRE_FILE.name)
    _write_csv(finess, out / FINESS_FILE.name)
    _write_csv(pd.concat([bad_ann, bad_fin], ignore_index=True)[list(UNRESOLVED_COLUMNS)],
               out / UNRESOLVED_FILE.name)
    _write_csv(merges, out / MERGES_FILE.name)
    unresolved = pd.concat([bad_ann, bad_fin], ignore_index=True)
    text = report_markdown(table_ann, table_fin, layer, unresolved, merges)
    (out / REPORT_FILE.name).write_text(text, encoding="utf-8")
    for name, table in (("annuaire", table_ann), ("finess", table_fin)):
        t = table.sum()
        print(f"{name:9s} read {t['read']:6d} kept {t['kept']:6d} "
              f"address {_pct(t['address'], t['kept'])} unresolved {t['unresolved']:4d} "
              f"merges {t['merges']:3d}", flush=True)
    return 0


def layer_dep_or_postcode(layer: pd.DataFrame, unresolved: pd.DataFrame,
                          kept_sites: pd.DataFrame) -> pd.Series:
    """Hospital sites read per département: the resolved commune's, else the postcode's."""
    deps: Iterable[str] = list(layer["dep"]) + list(unresolved["source_dep"])
    series = pd.Series(list(deps), dtype=str).value_counts().sort_index()
    if series.sum() != len(kept_sites):
        raise ValueError("hospital sites lost between reading and writing")
    return series


# --------------------------------------------------------------------------- near a commune

#: What "Près de chez elle" lists from the national layers, one row each: (label, category,
#: subcategory pattern or ``None`` for any). A victim can file a complaint, be informed of
#: her rights, be helped as a victim or be examined at these places.
NEARBY_KINDS = (
    ("Gendarmerie ou commissariat", "forces_securite", None),
    ("CIDFF (droits des femmes)", "association", r"^CIDFF"),
    ("Bureau d'aide aux victimes", "association", r"^bureau d'aide aux victimes"),
    ("Information juridique gratuite", "justice",
     r"^(?:permanence d'information juridique|maison de justice et du droit)"),
    ("Hôpital", "sante", r"^centre hospitalier"),
)
#: How sure each layer is, said beside every row taken from it.
LAYER_CERTAINTY = {
    ANNUAIRE_DATASET: "annuaire service-public.fr, février 2016 — à vérifier",
    FINESS_DATASET: "FINESS, mars 2020 — à vérifier",
}


def nearby_kind(layer: pd.DataFrame) -> pd.Series:
    """The :data:`NEARBY_KINDS` label of each row of a layer, ``""`` for other records.

    >>> nearby_kind(pd.DataFrame({"category": ["association", "justice", "sante"],
    ...     "subcategory": ["bureau d'aide aux victimes", "tribunal pour enfants",
    ...                     "centre hospitalier"]})).tolist()
    ["Bureau d'aide aux victimes", '', 'Hôpital']
    """
    kind = pd.Series("", index=layer.index, dtype=object)
    for label, category, pattern in NEARBY_KINDS:
        hit = layer["category"].eq(category) & kind.eq("")
        if pattern:
            hit &= layer["subcategory"].str.contains(pattern, regex=True, case=False)
        kind[hit] = label
    return kind


def nearest_of_each_kind(ranked: pd.DataFrame, max_km: float = 100.0) -> pd.DataFrame:
    """The nearest place of each kind within ``max_km``, in the order of :data:`NEARBY_KINDS`.

    When the nearest has no phone, the nearest of that kind with a phone comes right after
    it (a social worker must be able to call someone). ``ranked`` is
    :func:`geo.nearby.rank_services` of a layer with ``kind`` and ``phone`` columns.

    >>> r = pd.DataFrame({"kind": ["Hôpital", "Gendarmerie ou commissariat", "Hôpital"],
    ...                   "distance_km": [3.0, 5.0, 1.0], "phone": ["03", "17", ""]})
    >>> nearest_of_each_kind(r)[["kind", "distance_km"]].values.tolist()
    [['Gendarmerie ou commissariat', 5.0], ['Hôpital', 1.0], ['Hôpital', 3.0]]
    """
    order = {label: i for i, (label, _, _) in enumerate(NEARBY_KINDS)}
    near = ranked[ranked["kind"].isin(order) & (ranked["distance_km"] <= max_km)]
    near = near.sort_values("distance_km", kind="stable")
    first = near.groupby("kind", sort=False).head(1)
    callable_ = near[near["phone"].fillna("").ne("")].groupby("kind", sort=False).head(1)
    extra = callable_[callable_["kind"].isin(first.loc[first["phone"].fillna("").eq(""), "kind"])]
    rows = pd.concat([first, extra])
    rows = rows.assign(_o=rows["kind"].map(order)).sort_values(["_o", "distance_km"],
                                                               kind="stable")
    return rows.drop(columns="_o").reset_index(drop=True)


# ------------------------------------------------------------------- where a place comes from
#: Id prefix of each layer's records (and of France services sites) → where they come from.
ORIGINS = (
    ("ann-", "de l'annuaire service-public.fr (février 2016, jamais vérifiés sur le terrain)"),
    ("finess-", "de FINESS (hôpitaux publics, mars 2020, jamais vérifiés sur le terrain)"),
    ("fs:", "sites France services (ANCT, août 2024)"),
)
#: Said of the rows of no layer: the plans' listings.
PLAN_ORIGIN = "des listings des plans départementaux"
#: Period said of each layer beside its count (home page, sources).
DATASET_PERIOD = {ANNUAIRE_DATASET: "février 2016, jamais vérifié sur le terrain",
                  FINESS_DATASET: "mars 2020, jamais vérifié sur le terrain"}
#: The layers in the list of reference sources (name, vintage, licence, attribution), as the
#: raw data's README asks them to be credited.
SOURCES = (
    {"name": ANNUAIRE_DATASET, "vintage": "février 2016 (codes communes recodés COG 2026)",
     "licence": "Licence Ouverte (Etalab) ; géocodage BAN sous ODbL 1.0",
     "attribution": "DILA – Annuaire de l'administration, service-public.fr (données locales, "
                    "février 2016) ; géocodage Base Adresse Nationale (ODbL)"},
    {"name": FINESS_DATASET, "vintage": "mars 2020",
     "licence": "Licence Ouverte 2.0 (FINESS)",
     "attribution": "© European Union, Eurostat/GISCO, d'après FINESS (mars 2020)"},
)
#: Short vintage of each layer, written beside a count that includes its records.
DATASET_SHORT = {ANNUAIRE_DATASET: "annuaire 2016", FINESS_DATASET: "FINESS 2020"}
#: Dataset of each layer's records, by id prefix.
DATASET_OF_PREFIX = {"ann-": ANNUAIRE_DATASET, "finess-": FINESS_DATASET}


def dataset_of(ids: pd.Series) -> pd.Series:
    """The national dataset each service comes from (by its id), ``""`` for the plans' rows.

    >>> dataset_of(pd.Series(["ann-bav-62041-01", "62-L1-1", "finess-1"])).str[:5].tolist()
    ['DILA ', '', 'FINES']
    """
    out = pd.Series("", index=ids.index, dtype=object)
    for prefix, dataset in DATASET_OF_PREFIX.items():
        out[ids.str.startswith(prefix)] = dataset
    return out


def is_layer_record(ids: pd.Series) -> pd.Series:
    """True for the records of the national layers (not the plans' services).

    >>> is_layer_record(pd.Series(["ann-x", "62-L1-1", "finess-2", "fs:7"])).tolist()
    [True, False, True, False]
    """
    return dataset_of(ids).ne("")


def origin_counts(ids: pd.Series) -> list[tuple[int, str]]:
    """How many places of a set come from each origin (plans first), origins with none left out.

    ``components.formatting.origins_sentence`` says it in French beside every figure.

    >>> origin_counts(pd.Series(["62-L1-1", "ann-a", "ann-b", "fs:1"]))[1][0]
    2
    >>> origin_counts(pd.Series([], dtype=str))
    []
    """
    rest = pd.Series(True, index=ids.index)
    counted = []
    for prefix, label in ORIGINS:
        hit = ids.str.startswith(prefix)
        rest &= ~hit
        counted.append((int(hit.sum()), label))
    counted.insert(0, (int(rest.sum()), PLAN_ORIGIN))
    return [(n, label) for n, label in counted if n]
