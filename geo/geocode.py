"""Find the current commune behind a name as people write it, and the host site of a service.

Listings name places loosely: "St Omer", "SAINT-OMER", "Saint Omer (62)", "CH de Moulins",
"mairie de Lens", "Hesdin" (merged into Hesdin-la-Forêt in 2025), "Lomme" (associated with
Lille). :class:`CommuneGeocoder` turns such a name into the INSEE code of the *current* commune
(COG 2026), or says in French why it cannot. It never guesses: a name shared by several
communes is unresolved, with the candidates listed.

The search order is: the listing's département first; all of France only when the name is
unique nationally. Within one search, a current commune name beats an arrondissement municipal,
which beats a commune déléguée or associée, which beats an old (merged) name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.schema import COMMUNE_NAMES_FILE, COMMUNES_FILE, FRANCE_SERVICES_FILE
from geo.territories import normalise_name as normalise  # one search key for every name

#: Preference between kinds of names within one search (lower wins).
KIND_RANK = {"commune": 0, "arrondissement": 1, "deleguee": 2, "associee": 2, "ancienne": 3}
#: How a match was found, by kind of name.
KIND_HOW = {"commune": "exact", "arrondissement": "arrondissement", "deleguee": "deleguee",
            "associee": "associee", "ancienne": "ancienne"}


# Host places written before a commune name: "mairie de X", "CH de Moulins"...
_HOST = re.compile(
    r"^(?P<host>mairie|hotel de ville|(?:espace |maison )?france services?|centre hospitalier"
    r"|chu|chr|ch|maison de justice et du droit|mjd|ccas|commissariat(?: de police)?"
    r"|brigade de gendarmerie|gendarmerie|tribunal judiciaire|centre social)"
    r"(?: de la| de l| des| du| de| d| a)? (?P<rest>.+)$"
)
_DEP_IN_PARENTHESES = re.compile(r"\(\s*(\d{2,3}|2[abAB])\s*\)")
_POSTCODE_PREFIX = re.compile(r"^\s*(\d{5})\s+")


@dataclass(frozen=True)
class Match:
    """The answer of :meth:`CommuneGeocoder.resolve`.

    ``insee`` is ``None`` when the name is unresolved; ``reason`` then says why, in French,
    and ``candidates`` lists the communes it could be ("Saint-Martin (32400, dép. 32)").
    ``how`` says which rule matched: ``exact``, ``postcode``, ``arrondissement``,
    ``deleguee``, ``associee``, ``ancienne``, ``host_site``; ``outside`` is true when the
    commune is not in the requested département.
    """

    query: str
    insee: str | None = None
    name: str | None = None
    dep: str | None = None
    how: str = ""
    reason: str = ""
    candidates: tuple[str, ...] = ()
    outside: bool = False

    @property
    def ok(self) -> bool:
        """True when one current commune was found."""
        return self.insee is not None


@dataclass(frozen=True)
class HostSite:
    """A place that hosts a service (France services site, mairie) with its WGS84 point."""

    host_id: str
    label: str
    lat: float
    lon: float
    precision: str
    address: str = ""


@dataclass(frozen=True)
class _Entry:
    insee: str
    kind: str
    dep: str
    postcodes: frozenset[str]


class CommuneGeocoder:
    """Resolve commune names (current, délégué, associé, merged, arrondissement) to INSEE codes.

    Parameters
    ----------
    names : pandas.DataFrame
        The commune names table (``commune_names.parquet``): ``name``, ``insee`` (current
        commune), ``kind``, ``dep``, ``postcodes`` (``;``-joined). Keys are recomputed with
        :func:`normalise`, so the table's own ``key`` column is not needed.
    communes : pandas.DataFrame, optional
        Current communes (``insee``, ``nom``) to report the current name; by default the
        name of the ``commune`` row of ``names``.

    Examples
    --------
    >>> names = pd.DataFrame({
    ...     "name": ["Saint-Omer", "Lille", "Lomme", "Saint-Martin", "Saint-Martin"],
    ...     "insee": ["62765", "59350", "59350", "32400", "65395"],
    ...     "kind": ["commune", "commune", "associee", "commune", "commune"],
    ...     "dep": ["62", "59", "59", "32", "65"],
    ...     "postcodes": ["62500", "59000", "59160", "32300", "65360"]})
    >>> geocoder = CommuneGeocoder(names)
    >>> geocoder.resolve("St Omer (62)").insee, geocoder.resolve("Lomme", dep="59").how
    ('62765', 'associee')
    >>> geocoder.resolve("Saint-Martin").candidates
    ('Saint-Martin (32400, dép. 32)', 'Saint-Martin (65395, dép. 65)')
    >>> geocoder.resolve("Mairie de Lille", dep="59").how
    'host_site'
    """

    def __init__(self, names: pd.DataFrame, communes: pd.DataFrame | None = None) -> None:
        self._index: dict[str, list[_Entry]] = {}
        for row in names.itertuples(index=False):
            postcodes = frozenset(p for p in str(row.postcodes or "").split(";") if p)
            entry = _Entry(str(row.insee), str(row.kind), str(row.dep), postcodes)
            self._index.setdefault(normalise(row.name), []).append(entry)
        if communes is None:
            communes = names[names["kind"] == "commune"].rename(columns={"name": "nom"})
        self.current_name = dict(zip(communes["insee"], communes["nom"], strict=True))
        self._add_short_names()

    def _add_short_names(self) -> None:
        """Index "Hellemmes" for "Hellemmes-Lille": a délégué/associé name ending in its parent."""
        for key, entries in list(self._index.items()):
            for e in entries:
                parent = normalise(self.current_name.get(e.insee, ""))
                if e.kind in ("deleguee", "associee") and parent and key.endswith(" " + parent):
                    short = key[: -len(parent) - 1]
                    if short and short not in self._index:
                        self._index[short] = [e]

    @classmethod
    def from_files(cls, names_file: Path = COMMUNE_NAMES_FILE,
                   communes_file: Path = COMMUNES_FILE) -> CommuneGeocoder:
        """Build the geocoder from the processed parquet files."""
        names = pd.read_parquet(names_file, columns=["name", "insee", "kind", "dep", "postcodes"])
        communes = pd.read_parquet(communes_file, columns=["insee", "nom"])
        return cls(names, communes)

    def resolve(self, name: str, postcode: str | None = None, dep: str | None = None) -> Match:
        """Return the current commune named ``name``, preferably in département ``dep``.

        Parameters
        ----------
        name : str
            Commune name as written; may carry a postcode before it ("62500 Saint-Omer"),
            a département code in parentheses ("Saint Omer (62)", which wins over ``dep``)
            or a host place ("mairie de Lens", "CH de Moulins", "France services de Lens").
        postcode : str, optional
            Postcode written with the name; used to choose between homonyms.
        dep : str, optional
            Département of the listing, searched first.

        Returns
        -------
        Match
            ``match.ok`` is false when the name is unknown or ambiguous (see ``reason``).
        """
        text = str(name or "").strip()
        found = _POSTCODE_PREFIX.match(text)
        if found:
            postcode, text = postcode or found.group(1), text[found.end():]
        in_parentheses = _DEP_IN_PARENTHESES.search(text)
        if in_parentheses:
            dep = in_parentheses.group(1).upper().zfill(2)
        key = normalise(re.sub(r"\([^)]*\)", " ", text))
        if not key:
            return Match(str(name), reason="nom de commune vide")
        host = _HOST.match(key)
        if key not in self._index and host and host.group("rest") in self._index:
            match = self._search(host.group("rest"), name, postcode, dep)
            return Match(**{**match.__dict__, "how": "host_site"}) if match.ok else match
        return self._search(key, name, postcode, dep)

    def _search(self, key: str, query: str, postcode: str | None, dep: str | None) -> Match:
        entries = self._index.get(key, [])
        where = f" dans le département {dep}" if dep else ""
        if not entries:
            return Match(query, reason=f"introuvable{where} (aucune commune de ce nom)")
        if postcode and any(postcode in e.postcodes for e in entries):
            narrowed = [e for e in entries if postcode in e.postcodes]
            if len({e.insee for e in narrowed}) < len({e.insee for e in entries}):
                match = self._pick(query, narrowed)
                return Match(**{**match.__dict__, "how": "postcode"}) if match.ok else match
        local = [e for e in entries if e.dep == dep] if dep else entries
        if local:
            return self._pick(query, local)
        match = self._pick(query, entries)
        if match.ok:
            return Match(**{**match.__dict__, "outside": True})
        return Match(query, reason=f"absente du département {dep} et ambiguë ailleurs en France "
                     f"({len(match.candidates)} communes de ce nom)", candidates=match.candidates)

    def _pick(self, query: str, entries: list[_Entry]) -> Match:
        best = min(KIND_RANK.get(e.kind, 9) for e in entries)
        kept = {e.insee: e for e in sorted(entries, key=lambda e: KIND_RANK.get(e.kind, 9))
                if KIND_RANK.get(e.kind, 9) == best}
        if len(kept) == 1:
            entry = next(iter(kept.values()))
            return Match(query, entry.insee, self.current_name.get(entry.insee), entry.dep,
                         KIND_HOW.get(entry.kind, entry.kind))
        candidates = tuple(sorted(f"{self.current_name.get(e.insee, '?')} ({e.insee}, dép. {e.dep})"
                                  for e in kept.values()))
        return Match(query, reason=f"ambigu : {len(candidates)} communes possibles",
                     candidates=candidates)


def find_host_site(place: str, insee: str | None, france_services: pd.DataFrame,
                   communes: pd.DataFrame) -> HostSite | None:
    """Return the France services site or mairie named by ``place``, if the data knows it.

    A place mentioning "France services" matches the France services sites of commune
    ``insee``: the only one, or the only one whose name shares the most words with ``place``.
    A place that is the mairie ("mairie de X", "hôtel de ville") matches the commune's point
    only when that point *is* the mairie (``point_source == "mairie"``).

    Parameters
    ----------
    place : str
        Host place as written in the listing.
    insee : str or None
        Commune already resolved for the service.
    france_services : pandas.DataFrame or geopandas.GeoDataFrame
        ``fs_id``, ``nom``, ``insee``, ``adresse``, geometry (EPSG:4326 points).
    communes : pandas.DataFrame or geopandas.GeoDataFrame
        ``insee``, ``nom``, ``point_source``, ``mairie_adresse``, geometry (EPSG:4326 points).

    Returns
    -------
    HostSite or None
        ``precision`` is ``lieu_accueil`` for a France services site, ``mairie`` for a mairie.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> fs = gpd.GeoDataFrame({"fs_id": ["7"], "nom": ["France services de Lens"],
    ...     "insee": ["62498"], "adresse": ["1 rue X"]}, geometry=[Point(2.83, 50.43)], crs=4326)
    >>> com = gpd.GeoDataFrame({"insee": ["62498"], "nom": ["Lens"], "point_source": ["mairie"],
    ...     "mairie_adresse": ["Place"]}, geometry=[Point(2.8, 50.4)], crs=4326)
    >>> find_host_site("Espace France Services", "62498", fs, com).host_id
    'fs:7'
    >>> find_host_site("Mairie de Lens", "62498", fs, com).precision
    'mairie'
    >>> find_host_site("Salle des fêtes", "62498", fs, com) is None
    True
    """
    key = normalise(place or "")
    if "france service" in key:
        sites = france_services[france_services["insee"] == insee] if insee else france_services
        words = set(key.split()) - {"france", "services", "service", "de", "d", "du", "la"}
        scores = sites["nom"].map(lambda n: len(words & set(normalise(n).split())))
        if len(sites) > 1:
            sites = sites[scores == scores.max()] if scores.max() > 0 else sites.iloc[0:0]
        if len(sites) == 1:
            site = sites.iloc[0]
            return HostSite(f"fs:{site['fs_id']}", str(site["nom"]), round(site.geometry.y, 6),
                            round(site.geometry.x, 6), "lieu_accueil",
                            str(site.get("adresse") or ""))
        return None
    if insee and re.match(r"^(mairie|hotel de ville)\b", key):
        rows = communes[(communes["insee"] == insee) & (communes["point_source"] == "mairie")]
        if len(rows) == 1:
            row = rows.iloc[0]
            return HostSite(f"mairie:{insee}", f"Mairie de {row['nom']}",
                            round(row.geometry.y, 6), round(row.geometry.x, 6), "mairie",
                            str(row.get("mairie_adresse") or ""))
    return None


def load_france_services(path: Path = FRANCE_SERVICES_FILE) -> pd.DataFrame:
    """Read the France services sites, or an empty table when the file is absent."""
    if not path.exists():
        return pd.DataFrame(columns=["fs_id", "nom", "insee", "adresse", "geometry"])
    import geopandas as gpd

    return gpd.read_parquet(path)


@dataclass(frozen=True)
class Territory:
    """The answer of :meth:`TerritoryResolver.resolve`: catchment codes, or a French reason."""

    text: str
    codes: tuple[str, ...] = ()
    how: str = ""
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the text was turned into at least one code."""
        return bool(self.codes)

    @property
    def catchment(self) -> str:
        """The codes ``;``-joined, as in the ``catchment`` column."""
        return ";".join(self.codes)


_DEP_PREFIX = re.compile(
    r"^(?:ensemble du |tout le )?departement(?: de la| de l| des| du| de| d)?\s*")
_ARR_PREFIX = re.compile(r"^arrondissement(?: de la| de l| des| du| de| d) (?P<rest>.+)$")
_NATURE = {"cc ": "communaute de communes ", "ca ": "communaute d agglomeration ",
           "cu ": "communaute urbaine "}


class TerritoryResolver:
    """Turn a "territory served" text into catchment codes (``dep:62``, ``arr:621``, ...).

    Rules, in order: the curated table (exact text per département), "national",
    a département ("département du Nord", "Côte-d'Or", "ensemble du département"),
    "arrondissement de X", an EPCI name ("CA du Pays de Saint-Omer" or written in full),
    a commune name, then a list of these ("Moulins, Montluçon, Vichy"); text after an en dash
    is a qualifier, tried last ("Allier – zone police" is the Allier). Anything else is
    unresolved with a reason: local names go in ``data/sources/territories.csv``.

    Parameters
    ----------
    geocoder : CommuneGeocoder
    departements : pandas.DataFrame
        ``code``, ``nom``.
    arrondissements : pandas.DataFrame
        ``code``, ``nom``, ``dep``.
    epci : pandas.DataFrame
        ``siren``, ``nom``, ``deps`` (``;``-joined).
    curated : pandas.DataFrame, optional
        ``dep``, ``territory``, ``catchment``.

    Examples
    --------
    >>> names = pd.DataFrame({"name": ["Arras"], "insee": ["62041"], "kind": ["commune"],
    ...     "dep": ["62"], "postcodes": ["62000"]})
    >>> resolver = TerritoryResolver(CommuneGeocoder(names),
    ...     pd.DataFrame({"code": ["62"], "nom": ["Pas-de-Calais"]}),
    ...     pd.DataFrame({"code": ["621"], "nom": ["Arras"], "dep": ["62"]}),
    ...     pd.DataFrame({"siren": ["200033579"], "nom": ["CU d'Arras"], "deps": ["62"]}))
    >>> [resolver.resolve(t, "62").catchment for t in ("département du Pas-de-Calais",
    ...     "arrondissement d'Arras", "Communauté urbaine d'Arras", "Arras", "national")]
    ['dep:62', 'arr:621', 'epci:200033579', 'com:62041', 'national']
    >>> resolver.resolve("le Grand Nulle-Part", "62").reason
    'territoire « le Grand Nulle-Part » non reconnu'
    """

    def __init__(self, geocoder: CommuneGeocoder, departements: pd.DataFrame,
                 arrondissements: pd.DataFrame, epci: pd.DataFrame,
                 curated: pd.DataFrame | None = None) -> None:
        self.geocoder = geocoder
        self.deps = {normalise(n): c for c, n in zip(departements["code"], departements["nom"],
                                                     strict=True)}
        self.arrs = {(d, normalise(n)): c for c, n, d in
                     zip(arrondissements["code"], arrondissements["nom"], arrondissements["dep"],
                         strict=True)}
        self.epci: dict[str, list[tuple[str, str]]] = {}
        for siren, nom, deps in zip(epci["siren"], epci["nom"], epci["deps"], strict=True):
            key = normalise(nom)
            for short, full in _NATURE.items():
                if key.startswith(short):
                    self.epci.setdefault(full + key[len(short):], []).append((siren, deps))
            self.epci.setdefault(key, []).append((siren, deps))
        self.curated: dict[tuple[str, str], tuple[str, ...]] = {}
        if curated is not None:
            for dep, text, codes in zip(curated["dep"], curated["territory"],
                                        curated["catchment"], strict=True):
                self.curated[(str(dep), normalise(text))] = tuple(codes.split(";"))

    def resolve(self, text: str, dep: str) -> Territory:
        """Return the catchment codes of ``text`` read in département ``dep``.

        Parameters
        ----------
        text : str
            Territory as written ("arrondissement de Béthune", "Sud Artois").
        dep : str
            Département of the listing: "ensemble du département" means this one.

        Returns
        -------
        Territory
            ``territory.ok`` is false with a French ``reason`` when nothing matched.
        """
        text = str(text or "").strip()
        if not text:
            return Territory(text, reason="territoire vide")
        codes = self._one(text, dep)
        if codes is None and " – " in text:  # "département du Nord – par territoire"
            codes = self._one(text.split(" – ")[0], dep)
        if codes is None and re.search(r",|/| et |;", text):
            parts = [self._one(p, dep) for p in re.split(r",|/| et |;", text) if p.strip()]
            if parts and all(parts):
                codes = tuple(dict.fromkeys(c for part in parts for c in part))
        if codes is None:
            return Territory(text, reason=f"territoire « {text} » non reconnu")
        return Territory(text, codes, "regle")

    def _one(self, text: str, dep: str) -> tuple[str, ...] | None:
        key = normalise(text)
        if (dep, key) in self.curated:
            return self.curated[(dep, key)]
        key = normalise(re.sub(r"\([^)]*\)", " ", text))
        if (dep, key) in self.curated:
            return self.curated[(dep, key)]
        if key in ("national", "france", "france entiere", "territoire national"):
            return ("national",)
        rest = _DEP_PREFIX.sub("", key) if key.startswith(("departement", "ensemble du",
                                                            "tout le")) else key
        if rest == "" or rest in self.deps:
            return (f"dep:{self.deps.get(rest, dep)}",)
        arr = _ARR_PREFIX.match(key)
        if arr and (dep, arr.group("rest")) in self.arrs:
            return (f"arr:{self.arrs[(dep, arr.group('rest'))]}",)
        epci = self.epci.get(key, [])
        local = [s for s, deps in epci if dep in deps.split(";")] or [s for s, _ in epci]
        if len(local) == 1:
            return (f"epci:{local[0]}",)
        match = self.geocoder.resolve(text, dep=dep)
        if match.ok and match.how != "host_site":
            return (f"com:{match.insee}",)
        for inner in re.findall(r"\(([^)]*)\)", text):  # "CAPSO (Communauté d'Agglomération...)"
            epci = [s for s, deps in self.epci.get(normalise(inner), []) if dep in deps.split(";")]
            if len(epci) == 1:
                return (f"epci:{epci[0]}",)
        return None
