"""Checks of one imported value, beyond those of :func:`geo.importer.check_row` (no Streamlit).

Each function takes the text as written and returns ``(value, problem)``: the value to
store (normalised only in ways that lose nothing: ``"12,5"`` → ``"12.5"``, ``"01/05/2026"``
→ ``"2026-05-01"``) and a French problem or ``""``. Nothing is guessed: a postcode that
lost its leading zero is refused with the likely fix named, never repaired silently.
"""

from __future__ import annotations

import re
from datetime import date

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
