"""Give a plan's service the point of the host it is held at, when its text names the host.

The plans say where a service is held in words: "Intervenant social en commissariat –
Arras", "Permanence psychologue – Hospices Civils de Beaune", place "Maison de Justice et du
Droit de l'agglomération dijonnaise". :func:`find_named_host` turns such a text into the
point of one known host, or into nothing, with the reason in French. It never guesses.

Rules, in order:

1. **Never for a secret or non-public row.** Hébergement (category ``hebergement``) and
   every row whose confidentiality is not ``public`` get no host point: their place is
   secret or given on referral only (``geo.listings`` rules); they keep what the importer
   gives them (commune at most).
2. **Which text.** ``place`` first; when it names no host, ``name`` and ``subcategory``
   together. A ``place`` that names something else ("Espace André Gervais") means the
   service is held there: no host from its name.
3. **Which kind of host** (:data:`KINDS`, on the normalised text): France services,
   mairie / hôtel de ville, commissariat (or hôtel de police), brigade de gendarmerie,
   hospital (centre hospitalier, CH, CHU, CHR, hôpital, hospices civils), tribunal
   judiciaire / TGI / TJ, tribunal d'instance, tribunal pour enfants, maison de justice et du
   droit (MJD). "Zone police" and "zone gendarmerie" name a zone, not a place; "ressort du
   TGI" names a jurisdiction. A gendarmerie counts only as a named brigade ("brigade de
   gendarmerie", "brigade territoriale…") or "gendarmerie de <the service's commune>":
   "intervenant social en gendarmerie" (a post covering a zone) is at no one brigade. A text
   naming two kinds ("en commissariat et en gendarmerie") gets no host.
4. **Which commune.** The host is searched in the service's commune only. When the words
   after the host ("Commissariat de police de Dijon") name *another* commune, no host.
5. **Which record.** France services and mairies: :func:`geo.geocode.find_host_site`. The
   national layers (``data/national/annuaire_2016.csv``, ``finess_2020.csv``): among the
   records of that kind in the commune, the only one (``seul``); else the only one whose full
   name is in the field that names the host (``place``, else ``name``, else ``subcategory``;
   a description such as "enfants en danger" designates nothing) (``nom complet``); else the
   only one whose own distinctive words are in that field (``nom``); else, when the field has
   none of them, the only main site, i.e. without words of a secondary site such as
   "subdivisionnaire", "antenne", "hôpital de jour", "psychiatrie" (``principal``; never
   for brigades: a brigade de proximité is a brigade of its own, not a branch).
   Otherwise no host, and the reason says how many records there are.
6. **A real point.** A layer record whose own point is only its commune's
   (``precision == "commune"``) gives no host point.

The host point has precision ``lieu_accueil`` (``mairie`` for a mairie) and ``host_id`` the
host's id: ``fs:<id>``, ``mairie:<insee>`` or the layer record's id (``ann-…``,
``finess-…``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.geocode import HostSite, find_host_site, normalise
from geo.schema import DATA, SECRET_CATEGORIES

NATIONAL = DATA / "national"
#: Layer files read for host points, in ``data/national`` (built by ``geo build-national``).
LAYER_FILES = ("annuaire_2016.csv", "finess_2020.csv")
#: Columns of a layer record that a host needs.
LAYER_COLUMNS = ("id", "insee", "name", "address", "lat", "lon", "precision", "source_type")

#: Kind of host -> pattern on the normalised text (``geo.geocode.normalise``).
KINDS: dict[str, str] = {
    "france_services": r"\b(?:espace |maison )?france services?\b",
    "mairie": r"\b(?:mairie|hotel de ville)\b",
    "commissariat": r"\b(?:commissariats?|hotel de police)\b",
    "gendarmerie": r"\bgendarmerie\b",
    "hopital": (r"\b(?:centres? hospitaliers?|ch|chu|chr|chru|hopital|hopitaux"
                r"|hospices civils|groupe hospitalier)\b"),
    "tribunal": r"\b(?:tribunal judiciaire|tribunal de grande instance|tgi|tj)\b",
    "tribunal_instance": r"\b(?:tribunal d instance|tribunal de proximite)\b",
    "tribunal_enfants": r"\btribunal pour enfants\b",
    "mjd": r"\b(?:maisons? de justice et du droit|mjd)\b",
}
#: Kind of host -> layer ``source_type`` values (hospitals: the FINESS ``finess-`` ids).
LAYER_TYPES: dict[str, frozenset[str]] = {
    "commissariat": frozenset({"commissariat_police"}),
    "gendarmerie": frozenset({"gendarmerie"}),
    "tribunal": frozenset({"tgi"}),
    "tribunal_instance": frozenset({"ti"}),
    "tribunal_enfants": frozenset({"te"}),
    "mjd": frozenset({"mjd"}),
}
#: Kind of host -> French label used in reasons.
LABELS = {"france_services": "espace France services", "mairie": "mairie",
          "commissariat": "commissariat", "gendarmerie": "brigade de gendarmerie",
          "hopital": "site hospitalier", "tribunal": "tribunal judiciaire (TGI)",
          "tribunal_instance": "tribunal d'instance", "tribunal_enfants": "tribunal pour enfants",
          "mjd": "maison de justice et du droit"}
# Zones and jurisdictions are not places.
_NOT_A_PLACE = re.compile(r"\bzones? (?:de )?(?:police|gendarmerie)\b"
                          r"|\bressort (?:du|de la|des|de l) (?:tgi|tribunal \w+(?: \w+)*?)\b")
_BRIGADE = re.compile(r"\bbrigades? (?:territoriales? |autonomes? |de proximite )*"
                      r"(?:de |d )?gendarmerie\b")
_ARTICLES = re.compile(r"^(?:(?:de|d|du|des|la|le|les|l|a|au|aux|en)\s+)+")
_AFTER_HOST = re.compile(r"^(?:(?:de|d|du|des|la|l)\s+)*(?:police|gendarmerie)(?: nationale)?\s+")
#: Words of a record name that tell nothing apart (kinds of host, articles).
_GENERIC = frozenset("""
    de d du des la le les l et sur en a au aux police commissariat gendarmerie brigade
    territoriale autonome nationale hotel centre centres hospitalier hospitaliere ch chu chr
    chru hopital tribunal grande instance judiciaire maison justice droit site regional
    regionale universitaire
""".split())
#: Words or phrases of a record name that say it is a secondary site, not the main one.
_SECONDARY = re.compile(
    r"\b(?:subdivisionnaire|proximite|antenne|annexe|permanence|secteur|bureau|hopital de jour"
    r"|hj|psy|psychiatrie|psychiatrique|pedopsychiatrie|sante mentale|planification|dialyse"
    r"|hemodialyse|laboratoire|biologie|antituberculeux|vaccination|had|ssr|soins palliatifs"
    r"|moyen sejour|dependances|imagerie|consultation|odontologie|gcs)\b")


@dataclass(frozen=True)
class HostAnswer:
    """What :func:`find_named_host` found: a host, or why not (French; empty if none named).

    ``kind`` is the kind of host the text names (a key of :data:`KINDS`), ``how`` the rule
    that picked the record (``seul``, ``nom complet``, ``nom``, ``principal``, ``geocode``).
    """

    host: HostSite | None = None
    kind: str = ""
    how: str = ""
    reason: str = ""


def empty_layers() -> pd.DataFrame:
    """Return an empty table of host records (:data:`LAYER_COLUMNS` plus ``kind``).

    >>> empty_layers().columns.tolist()[-1]
    'kind'
    """
    return pd.DataFrame({c: pd.Series(dtype=str) for c in (*LAYER_COLUMNS, "kind")})


def host_layers(layers: pd.DataFrame) -> pd.DataFrame:
    """Keep the layer records that can host a service, with their ``kind``.

    Parameters
    ----------
    layers : pandas.DataFrame
        Rows of ``data/national/*.csv`` (at least :data:`LAYER_COLUMNS`, all text).

    Returns
    -------
    pandas.DataFrame
        :data:`LAYER_COLUMNS` and ``kind`` (``commissariat``, ``gendarmerie``, ``hopital``…);
        CIDFF, BAV, PMI… records are dropped (they do not host others' services here).

    Examples
    --------
    >>> rows = pd.DataFrame({"id": ["ann-gendarmerie-1", "finess-2", "ann-pmi-3"],
    ...     "insee": ["62041"] * 3, "name": ["B", "CH", "PMI"], "address": [""] * 3,
    ...     "lat": ["50.3"] * 3, "lon": ["2.7"] * 3, "precision": ["adresse"] * 3,
    ...     "source_type": ["gendarmerie", "Centre Hospitalier (C.H.)", "pmi"]})
    >>> host_layers(rows)["kind"].tolist()
    ['gendarmerie', 'hopital']
    """
    if layers.empty:
        return empty_layers()
    kind_of = {t: kind for kind, types in LAYER_TYPES.items() for t in types}
    kind = layers["source_type"].map(kind_of)
    kind = kind.where(~layers["id"].astype(str).str.startswith("finess-"), "hopital")
    table = layers.loc[kind.notna(), list(LAYER_COLUMNS)].astype(str)
    return table.assign(kind=kind[kind.notna()]).reset_index(drop=True)


def load_layers(folder: Path = NATIONAL) -> pd.DataFrame:
    """Read the host records of the national layers in ``folder``; absent files are skipped.

    No network and nothing outside ``folder``: without the files, no layer host point.

    >>> load_layers(Path("/nonexistent")).empty
    True
    """
    frames = [pd.read_csv(folder / name, dtype=str, keep_default_na=False,
                          usecols=list(LAYER_COLUMNS))
              for name in LAYER_FILES if (folder / name).exists()]
    return host_layers(pd.concat(frames, ignore_index=True)) if frames else empty_layers()


def _mentions(text: str) -> dict[str, list[re.Match]]:
    """Kinds of host the normalised text mentions, with their matches (zones removed)."""
    text = _NOT_A_PLACE.sub(" ", text)
    found = {kind: list(re.finditer(pattern, text)) for kind, pattern in KINDS.items()}
    return {kind: hits for kind, hits in found.items() if hits}


def _named_commune(tail: str, names: frozenset[str]) -> str:
    """The commune name the words after a host begin with ("de police de dijon" -> dijon)."""
    tail = _ARTICLES.sub("", _AFTER_HOST.sub("", tail.strip()))
    words = tail.split()
    for size in range(min(len(words), 6), 0, -1):
        if " ".join(words[:size]) in names:
            return " ".join(words[:size])
    return ""


def _designates_brigade(text: str, commune: str, hits: list[re.Match]) -> bool:
    """True when the text names a brigade, or "gendarmerie de <the service's commune>"."""
    if _BRIGADE.search(text):
        return True
    for hit in hits:
        tail = _ARTICLES.sub("", re.sub(r"^\s*nationale\b", "", text[hit.end():]).strip())
        if commune and (tail == commune or tail.startswith(commune + " ")):
            return True
    return False


def _pick(text: str, records: pd.DataFrame, commune: str,
          main_site: bool = True) -> tuple[int | None, str]:
    """Position of the one record the text designates, and the rule; ``None`` if none.

    ``main_site`` allows the last rule (the only site that is not a secondary one).
    """
    if len(records) == 1:
        return 0, "seul"
    names = [normalise(n) for n in records["name"]]
    padded = f" {text} "
    full = [i for i, n in enumerate(names) if n and f" {n} " in padded]
    if len(full) == 1:
        return full[0], "nom complet"
    words, commune_words = set(text.split()), set(commune.split())
    own = [set(n.split()) - _GENERIC - commune_words for n in names]
    common = set.intersection(*own)
    own = [w - common for w in own]  # a word every record has tells none apart
    by_name = [i for i, w in enumerate(own) if w & words]
    if len(by_name) == 1:
        return by_name[0], "nom"
    if not by_name and main_site:
        main = [i for i, n in enumerate(names) if not _SECONDARY.search(n)]
        if len(main) == 1:
            return main[0], "principal"
    return None, ""


def _layer_host(kind: str, text: str, insee: str, commune: str,
                layers: pd.DataFrame) -> HostAnswer:
    label = LABELS[kind]
    records = layers[(layers["insee"] == insee) & (layers["kind"] == kind)]
    if records.empty:
        return HostAnswer(kind=kind, reason=f"{label} nommé, aucun dans la commune "
                                            "(couches nationales)")
    pos, how = _pick(text, records, commune, main_site=kind != "gendarmerie")
    if pos is None:
        return HostAnswer(kind=kind, reason=f"{label} nommé, {len(records)} dans la commune ; "
                                            "le texte n'en désigne aucun")
    record = records.iloc[pos]
    if record["precision"] == "commune" or not record["lat"] or not record["lon"]:
        return HostAnswer(kind=kind, how=how, reason=f"{label} « {record['name']} » "
                          f"({record['id']}) : son point n'est que celui de la commune")
    return HostAnswer(HostSite(record["id"], record["name"], round(float(record["lat"]), 6),
                               round(float(record["lon"]), 6), "lieu_accueil",
                               record["address"]), kind, how)


def _host_in(text: str, designation: str, insee: str, ctx: dict) -> HostAnswer | None:
    """The host ``text`` names (``None`` when it names none); ``designation`` picks the record."""
    mentions = _mentions(text)
    if not mentions:
        return None
    commune, names = ctx["commune"], ctx["names"]
    if len(mentions) > 1:
        kinds = ", ".join(LABELS[k] for k in mentions)
        return HostAnswer(kind="", reason=f"plusieurs lieux nommés ({kinds})")
    kind, hits = next(iter(mentions.items()))
    label = LABELS[kind]
    for hit in hits:
        other = _named_commune(text[hit.end():], names)
        if other and other != commune:
            return HostAnswer(kind=kind, reason=f"{label} d'une autre commune (« {other} »)")
    if kind == "gendarmerie" and not _designates_brigade(text, commune, hits):
        return HostAnswer(kind=kind, reason="gendarmerie nommée sans brigade (zone ou poste "
                                            "couvrant plusieurs brigades)")
    if kind in ("france_services", "mairie"):
        segment = text[hits[0].start():]
        site = find_host_site(segment, insee, ctx["france_services"], ctx["communes"])
        if site is not None:
            return HostAnswer(site, kind, "geocode")
        why = ("plusieurs espaces ou aucun dans la commune" if kind == "france_services"
               else "point de la mairie inconnu")
        return HostAnswer(kind=kind, reason=f"{label} nommée, {why}")
    return _layer_host(kind, designation, insee, commune, ctx["layers"])


def commune_keys(communes: pd.DataFrame) -> frozenset[str]:
    """Normalised names of all communes (to tell "de Dijon" from "de l'agglomération").

    >>> sorted(commune_keys(pd.DataFrame({"nom": ["Saint-Omer", "Arras"]})))
    ['arras', 'saint omer']
    """
    return frozenset(normalise(n) for n in communes["nom"].dropna().unique())


def find_named_host(service: dict | pd.Series, insee: str, *, layers: pd.DataFrame,
                    france_services: pd.DataFrame, communes: pd.DataFrame,
                    names: frozenset[str] | None = None) -> HostAnswer:
    """Return the host a service's text names in its commune, or why there is none.

    Parameters
    ----------
    service : dict or pandas.Series
        ``place``, ``name``, ``subcategory``, ``category`` (closed list) and
        ``confidentiality`` (``public`` when absent) of the service.
    insee : str
        The service's commune, already resolved.
    layers : pandas.DataFrame
        Host records (:func:`load_layers` or :func:`host_layers`).
    france_services, communes : pandas.DataFrame
        As for :func:`geo.geocode.find_host_site`; ``communes`` has ``insee`` and ``nom``.
    names : frozenset of str, optional
        :func:`commune_keys` of all communes (computed from ``communes`` when absent).

    Returns
    -------
    HostAnswer
        ``host`` is set when one host fits; else ``reason`` says why (empty when the text
        names no host, or the row is secret or not public).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> com = gpd.GeoDataFrame({"insee": ["62041"], "nom": ["Arras"], "point_source": ["x"],
    ...     "mairie_adresse": [""]}, geometry=[Point(2.78, 50.29)], crs=4326)
    >>> fs = com.iloc[0:0].assign(fs_id=[], adresse=[])
    >>> layers = host_layers(pd.DataFrame({"id": ["ann-c-1", "ann-c-2"],
    ...     "insee": ["62041", "62041"], "address": ["", ""], "lat": ["50.29", "50.28"],
    ...     "lon": ["2.77", "2.79"], "precision": ["adresse", "adresse"],
    ...     "name": ["Commissariat de police d'Arras", "Commissariat subdivisionnaire d'Arras"],
    ...     "source_type": ["commissariat_police", "commissariat_police"]}))
    >>> iscg = {"name": "Intervenant(e) social(e) en commissariat – Arras", "place": "",
    ...     "subcategory": "ISCG police (zone police)", "category": "iscg"}
    >>> answer = find_named_host(iscg, "62041", layers=layers, france_services=fs, communes=com)
    >>> answer.host.host_id, answer.host.precision, answer.how
    ('ann-c-1', 'lieu_accueil', 'principal')
    >>> zone = {**iscg, "name": "Intervenante sociale en gendarmerie",
    ...     "subcategory": "ISCG gendarmerie (zone gendarmerie)"}
    >>> find_named_host(zone, "62041", layers=layers, france_services=fs, communes=com).reason
    'gendarmerie nommée sans brigade (zone ou poste couvrant plusieurs brigades)'
    >>> shelter = {**iscg, "category": "hebergement"}
    >>> find_named_host(shelter, "62041", layers=layers, france_services=fs, communes=com)
    HostAnswer(host=None, kind='', how='', reason='')
    """
    get = service.get
    if (get("category") in SECRET_CATEGORIES
            or (get("confidentiality") or "public") != "public" or not insee):
        return HostAnswer()
    row = communes[communes["insee"] == insee]
    ctx = {"commune": normalise(str(row["nom"].iloc[0])) if len(row) else "",
           "names": names if names is not None else commune_keys(communes),
           "layers": layers, "france_services": france_services, "communes": communes}
    place = normalise(str(get("place") or ""))
    name, subcategory = normalise(str(get("name") or "")), normalise(str(get("subcategory") or ""))
    if place:
        answer = _host_in(place, place, insee, ctx)
    else:  # the record is designated by the field that names the host, not by a description
        answer = _host_in(f"{name} {subcategory}".strip(),
                          name if _mentions(name) else subcategory, insee, ctx)
    return answer if answer is not None else HostAnswer()
