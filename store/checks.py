"""Checks of one imported value, beyond those of :func:`geo.importer.check_row` (no Streamlit).

Each function takes the text as written and returns ``(value, problem)``: the value to
store (normalised only in ways that lose nothing: ``"12,5"`` → ``"12.5"``, ``"01/05/2026"``
→ ``"2026-05-01"``) and a French problem or ``""``. Nothing is guessed: a postcode that
lost its leading zero is refused with the likely fix named, never repaired silently.

Caps and formats (one rule, one function):

- :data:`MAX_LENGTH`: every field has a cap, checked first by :func:`length` (id 64, name,
  operator, place, address 300, phone 40, website 500, commune 100, free text 2 000…);
- :func:`identifier`: letters, digits and ``. _ : -``, 64 at most;
- :func:`phone`: French numbers (10 digits from 0, ``+33`` and the DROM codes, short numbers
  such as 3919, 115, 17, 114, 116 006), spaces, dots, dashes allowed, several joined by
  ``/``, ``;`` or ``ou``;
- :func:`website`: ``http``/``https`` only, a host with a dot, no space or control character;
- :func:`postcode_of_commune` and :func:`point_of_commune`: the postcode and the point must
  belong to the commune (INSEE code) of the row. A CEDEX code listed for no commune is
  accepted when it starts like the commune's département. The département of a listing
  may differ from the commune's (a court of appeal in the next département), as the
  seed importer allows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

from geo.geocode import normalise
from geo.importer import CATEGORY_MAP
from geo.schema import CATEGORIES, CONFIDENTIALITY, STATUS_LABELS, STATUSES

#: (south, north, west, east) in degrees: metropolitan France and the five DROM.
FRANCE_BOXES = ((41.3, 51.2, -5.3, 9.7), (15.8, 16.6, -61.9, -60.9), (14.3, 15.0, -61.3, -60.7),
                (2.0, 6.0, -54.7, -51.5), (-21.5, -20.8, 55.1, 55.9), (-13.1, -12.5, 44.9, 45.4))
_CATEGORY_WORDS = {normalise(c.label): code for code, c in CATEGORIES.items()}
_CATEGORY_WORDS |= {normalise(c.plural): code for code, c in CATEGORIES.items()}
_CATEGORY_WORDS |= {normalise(code): code for code in CATEGORY_MAP}
_STATUS_WORDS = {normalise(label): code for code, label in STATUS_LABELS.items()}
_STATUS_WORDS |= {normalise(c): c for c in STATUSES} | {
    "": "unknown", "inconnu": "unknown", "ouvert": "existing", "actif": "existing",
    "en activite": "existing", "prevu": "planned", "projet": "planned", "ferme": "ended",
    "termine": "ended", "arrete": "ended"}
_CONFIDENTIALITY_WORDS = {normalise(c): c for c in CONFIDENTIALITY}
_BOOLEANS = {"": "", "true": "true", "vrai": "true", "oui": "true", "1": "true",
             "false": "false", "faux": "false", "non": "false", "0": "false"}
_FREE_TEXT = 2000
#: Longest text accepted per field (characters).
MAX_LENGTH: dict[str, int] = {
    "id": 64, "dep": 3, "category": 60, "subcategory": _FREE_TEXT, "name": 300,
    "operator": 300, "place": 300, "address": 300, "postcode": 10, "insee": 10,
    "commune": 100, "lat": 30, "lon": 30, "precision": 30, "host_id": 64,
    "catchment": _FREE_TEXT, "territory_served": 300, "remote": 10, "confidentiality": 30,
    "capacity": 30, "capacity_unit": 100, "schedule": _FREE_TEXT, "phone": 40,
    "website": 500, "audience": _FREE_TEXT, "status": 30, "source_document": 200,
    "source_line": 10, "source_year": 30, "last_checked": 30, "notes": _FREE_TEXT,
    # the seed-extraction format's own columns
    "dept_code": 3, "dept_name": 100, "year": 30, "source_quote": _FREE_TEXT,
}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_PHONE_SPLIT = re.compile(r"\s*(?:/|;|\bou\b)\s*")
_PHONE = re.compile(r"0[1-9]\d{8}|\+33[1-9]\d{8}|\+(?:262|269|508|590|594|596)\d{9}"
                    r"|3\d{3}|1[1-9]|11[0-9]|116\d{3}")
_CATCHMENT = re.compile(r"^(national|dep:(\d{2}|2[AB]|97\d)|arr:\w{3,4}|epci:\d{9}|"
                        r"com:(\d{5}|2[AB]\d{3}))$")


def category(text: str) -> tuple[str, str]:
    """A category code (closed list or seed code) from a code or French label.

    >>> category("Accueil de jour"), category("hebergement_victimes"), category("refuge")[1]
    (('accueil_de_jour', ''), ('hebergement_victimes', ''), "n'est pas une catégorie connue")
    """
    code = _CATEGORY_WORDS.get(normalise(text))
    return (code, "") if code else (text, "n'est pas une catégorie connue")


def status(text: str) -> tuple[str, str]:
    """A status code from a code or French label; empty means ``unknown``.

    >>> status("en service"), status("Arrêté"), status("")
    (('existing', ''), ('ended', ''), ('unknown', ''))
    """
    code = _STATUS_WORDS.get(normalise(text))
    return (code, "") if code else (text, "n'est pas un statut connu (en service, en projet, "
                                          "arrêté, statut inconnu)")


def confidentiality(text: str) -> tuple[str, str]:
    """``public``, ``sur_orientation`` or ``secret`` ("sur orientation" accepted)."""
    code = _CONFIDENTIALITY_WORDS.get(normalise(text))
    return (code, "") if code else (text, "doit être public, sur_orientation ou secret")


def boolean(text: str) -> tuple[str, str]:
    """``true``/``false`` from true, false, oui, non, vrai, faux, 1, 0 (or empty)."""
    value = _BOOLEANS.get(normalise(text))
    return (value, "") if value is not None else (text, "doit être oui ou non")


def number(text: str) -> float | None:
    """A number written the French or English way ("1 234,5"), or ``None``.

    >>> number("1 234,5"), number("12"), number("douze")
    (1234.5, 12.0, None)
    """
    cleaned = re.sub(r"[\s\u202f\xa0]", "", text).replace(",", ".")
    try:
        return float(cleaned) if re.fullmatch(r"[-+]?\d+(\.\d+)?", cleaned) else None
    except ValueError:
        return None


def capacity_text(text: str) -> str:
    """The stored text of a capacity: ``"12,0"`` → ``"12"``, ``"0,4"`` → ``"0.4"``.

    >>> capacity_text("12,0"), capacity_text("0,4"), capacity_text("")
    ('12', '0.4', '')
    """
    value = number(text)
    if value is None:
        return text
    return str(int(value)) if value.is_integer() else repr(value)


def insee(text: str, known: set[str] | frozenset[str]) -> tuple[str, str]:
    """Check an INSEE commune code (COG 2026): 5 characters, 2A/2B for Corsica, known.

    >>> insee("3185", {"03185"})[1]
    'code INSEE de 4 chiffres : zéro initial perdu ? (« 03185 »)'
    >>> insee("20004", {"2A004"})[1]
    "code INSEE corse : s'écrit 2A ou 2B (« 2A004 » ?)"
    >>> insee("2a004", {"2A004"})
    ('2A004', '')
    """
    code = text.strip().upper()
    if re.fullmatch(r"\d{4}", code):
        return text, f"code INSEE de 4 chiffres : zéro initial perdu ? (« 0{code} »)"
    if re.fullmatch(r"20\d{3}", code):
        return text, f"code INSEE corse : s'écrit 2A ou 2B (« 2A{code[2:]} » ?)"
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        return text, "n'est pas un code INSEE (5 caractères, 2A/2B pour la Corse)"
    if code not in known:
        return text, "code INSEE inconnu (communes au 1er janvier 2026)"
    return code, ""


def postcode(text: str) -> tuple[str, str]:
    """Check a French postcode (5 digits).

    >>> postcode("3200")[1]
    'code postal de 4 chiffres : zéro initial perdu ? (« 03200 »)'
    """
    code = text.strip()
    if re.fullmatch(r"\d{4}", code):
        return text, f"code postal de 4 chiffres : zéro initial perdu ? (« 0{code} »)"
    if not re.fullmatch(r"\d{5}", code):
        return text, "n'est pas un code postal (5 chiffres)"
    return code, ""


def checked_on(text: str, today: date | None = None) -> tuple[str, str]:
    """A check date (ISO or dd/mm/yyyy) as ISO text; not in the future, not before 1990.

    >>> checked_on("01/05/2026", date(2026, 12, 1)), checked_on("2031-01-01", date(2026, 12, 1))[1]
    (('2026-05-01', ''), 'date dans le futur')
    """
    today = today or date.today()
    found = (re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text.strip())
             or re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip()))
    try:
        if found is None:
            raise ValueError
        parts = [int(p) for p in found.groups()]
        when = date(*parts) if parts[0] > 31 else date(parts[2], parts[1], parts[0])
    except ValueError:
        return text, "n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)"
    if when > today:
        return text, "date dans le futur"
    if when.year < 1990:
        return text, "date invraisemblable (avant 1990)"
    return when.isoformat(), ""


def in_france(lat: float, lon: float) -> bool:
    """True when the point is in metropolitan France or a DROM (rough boxes)."""
    return any(s <= lat <= n and w <= lon <= e for s, n, w, e in FRANCE_BOXES)


def coordinates(lat_text: str, lon_text: str) -> tuple[str, str, str]:
    """``(lat, lon, problem)`` as 6-decimal text; both or neither; in France; not swapped.

    >>> coordinates("46,3437", "2.6061")
    ('46.343700', '2.606100', '')
    >>> coordinates("2.6061", "46.3437")[2]
    'hors de France : latitude et longitude inversées ?'
    """
    if not lat_text and not lon_text:
        return "", "", ""
    lat, lon = number(lat_text), number(lon_text)
    if lat is None or lon is None:
        return lat_text, lon_text, "latitude et longitude doivent être deux nombres"
    if not in_france(lat, lon):
        swapped = in_france(lon, lat)
        return lat_text, lon_text, ("hors de France : latitude et longitude inversées ?"
                                    if swapped else "point hors de France")
    return f"{lat:.6f}", f"{lon:.6f}", ""


def catchment(text: str) -> tuple[str, str]:
    """Check ``;``-joined catchment codes (``dep:62``, ``arr:621``, ``epci:…``, ``national``).

    >>> catchment("dep:62;arr:621")
    ('dep:62;arr:621', '')
    >>> catchment("partout")[1][:24]
    'code « partout » inconnu'
    """
    for code in text.split(";"):
        if not _CATCHMENT.match(code.strip()):
            return text, (f"code « {code} » inconnu (dep:62, arr:621, epci:SIREN, com:INSEE, "
                          "national)")
    return ";".join(c.strip() for c in text.split(";")), ""


def length(field_name: str, text: str) -> str:
    """A problem when ``text`` is longer than the field's cap (:data:`MAX_LENGTH`), else ``""``.

    >>> length("phone", "0" * 41)
    'texte trop long : 41 caractères (au plus 40 caractères)'
    """
    cap = MAX_LENGTH.get(field_name, _FREE_TEXT)
    if len(text) <= cap:
        return ""
    return (f"texte trop long : {len(text):,} caractères (au plus {cap:,} caractères)"
            .replace(",", " "))


def quoted(text: str, limit: int = 40) -> str:
    """The value as a message may quote it: cut after ``limit`` characters.

    >>> quoted("a" * 50, 5)
    'aaaaa…'
    """
    return text if len(text) <= limit else text[:limit] + "…"


def identifier(text: str) -> tuple[str, str]:
    """A service id: letters, digits and ``. _ : -`` (64 at most).

    >>> identifier("03-G1a2b"), identifier("03 x")[1]
    (('03-G1a2b', ''), 'identifiant invalide : lettres, chiffres et . _ : - seulement')
    """
    if _ID.fullmatch(text) and len(text) <= MAX_LENGTH["id"]:
        return text, ""
    return text, "identifiant invalide : lettres, chiffres et . _ : - seulement"


def phone(text: str) -> tuple[str, str]:
    """French phone numbers as written (kept as is), one or several joined by ``/`` or ``;``.

    >>> phone("04 70 00 00 00"), phone("3919")[1], phone("04 70")[1][:25]
    (('04 70 00 00 00', ''), '', "« 04 70 » n'est pas un nu")
    """
    for number_text in _PHONE_SPLIT.split(text.strip()):
        digits = re.sub(r"[\s.\-\u202f\xa0]", "", number_text).replace("(0)", "")
        if not _PHONE.fullmatch(digits):
            return text, (f"« {quoted(number_text)} » n'est pas un numéro de téléphone français "
                          "(10 chiffres commençant par 0, +33…, ou numéro court comme 3919, "
                          "115, 116 006)")
    return text.strip(), ""


def website(text: str) -> tuple[str, str]:
    """A web address: ``http``/``https``, a host with a dot, no space or control character.

    >>> website("https://www.cidff03.fr"), website("javascript:alert(1)")[1][:30]
    (('https://www.cidff03.fr', ''), 'doit commencer par http:// ou ')
    """
    url = text.strip()
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in url):
        return text, "adresse web invalide : espace ou caractère invisible"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return text, "adresse web invalide"
    if parts.scheme.lower() not in ("http", "https"):
        return text, "doit commencer par http:// ou https://"
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+",
                        host):
        return text, "adresse web invalide : nom de site absent ou incorrect"
    return url, ""


def postcode_of_commune(code: str, postcodes: str, dep: str, commune: str,
                        known_postcodes: frozenset[str] | set[str]) -> str:
    """A problem when ``code`` is not a postcode of the commune, else ``""``.

    ``postcodes`` is the commune's ``;``-joined list, ``dep`` its département and
    ``known_postcodes`` every postcode of some commune: a code listed for no commune (a
    CEDEX code) is accepted when it starts like the commune's département.

    >>> postcode_of_commune("62300", "03200", "03", "Vichy", {"03200", "62300"})
    "n'est pas un code postal de Vichy (03200)"
    >>> postcode_of_commune("62033", "62000", "62", "Arras", {"62000"})
    ''
    """
    if code in postcodes.split(";"):
        return ""
    prefix = "20" if dep in ("2A", "2B") else dep[:3] if dep.startswith("97") else dep
    if code not in known_postcodes and code.startswith(prefix):
        return ""
    return f"n'est pas un code postal de {commune} ({postcodes.replace(';', ', ')})"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres.

    >>> round(distance_km(46.1277, 3.4266, 50.6311, 3.0586))
    501
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def point_of_commune(lat: float, lon: float, commune_lat: float, commune_lon: float,
                     area_km2: float | None, commune: str) -> str:
    """A problem when the point is too far from its commune's point, else ``""``.

    Allowed: 10 km, or three times the radius of a disc of the commune's area when larger
    (about 150 km for Maripasoula).

    >>> point_of_commune(50.6311, 3.0586, 46.1277, 3.4266, 5.9, "Vichy")[:26]
    'point à 501 km de Vichy (a'
    """
    allowed = max(10.0, 3 * math.sqrt((area_km2 or 0) / math.pi))
    far = distance_km(lat, lon, commune_lat, commune_lon)
    if far <= allowed:
        return ""
    return f"point à {far:.0f} km de {commune} (au plus {allowed:.0f} km) : point ou commune faux ?"
