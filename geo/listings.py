"""Read and write the listings (``services.csv``, ``figures.csv``) with fixed dtypes.

Every column is read as text except ``lat``, ``lon`` (float), ``capacity`` and ``value``
(float) and ``remote`` (bool), so INSEE and département codes keep their leading zeros.
Writing is atomic (a temporary file in the same folder, then :func:`os.replace`): a reader
never sees half a file, and a failed import leaves the previous file byte-identical.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from geo.schema import (
    CATEGORIES,
    DATA,
    FIGURE_COLUMNS,
    FIGURES_FILE,
    SECRET_CATEGORIES,
    SERVICE_COLUMNS,
    SERVICES_FILE,
    STATUSES,
)

_FLOAT_COLUMNS = ("lat", "lon", "capacity", "value")


def read_table(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    """Read a listings CSV as text; an absent file gives an empty table with ``columns``.

    Parameters
    ----------
    path : pathlib.Path
        ``services.csv`` or ``figures.csv``.
    columns : iterable of str
        Expected columns, in order (missing ones are added empty).

    Returns
    -------
    pandas.DataFrame
        All columns ``str``; empty cells are ``""``.

    Examples
    --------
    >>> read_table(Path("/nonexistent.csv"), ["id", "dep"]).columns.tolist()
    ['id', 'dep']
    """
    columns = list(columns)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in columns:
        if column not in table:
            table[column] = ""
    return table[columns]


def write_table(table: pd.DataFrame, path: Path, columns: Iterable[str]) -> None:
    """Write ``table[columns]`` to ``path`` atomically, UTF-8, ``\\n`` line ends.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows to write; every value already formatted as text.
    path : pathlib.Path
        Destination; its folder is created if needed.
    columns : iterable of str
        Columns, in order.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_table(pd.DataFrame({"id": ["a"], "dep": ["03"]}), target, ["id", "dep"])
    >>> target.read_text()
    'id,dep\\na,03\\n'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            table[list(columns)].to_csv(out, index=False, lineterminator="\n")
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; the listings are public files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    for column in _FLOAT_COLUMNS:
        if column in table:
            table[column] = pd.to_numeric(table[column].replace("", None), errors="raise")
    if "remote" in table:
        table["remote"] = table["remote"].eq("true")
    return table


def read_services(path: Path = SERVICES_FILE) -> pd.DataFrame:
    """Return the services, with ``lat``, ``lon``, ``capacity`` as floats and ``remote`` as bool.

    Secret services (``confidentiality == "secret"``) have no ``lat``/``lon`` in the file
    itself; nothing here can add one.

    Examples
    --------
    >>> read_services(Path("/nonexistent.csv")).empty
    True
    """
    return _typed(read_table(path, SERVICE_COLUMNS))


def read_figures(path: Path = FIGURES_FILE) -> pd.DataFrame:
    """Return the territorial figures, with ``value`` as float.

    Examples
    --------
    >>> list(read_figures(Path("/nonexistent.csv")).columns[:3])
    ['id', 'dep', 'territory']
    """
    return _typed(read_table(path, FIGURE_COLUMNS))


#: What every role below gestionnaire sees of a secret service, instead of its name.
SECRET_NAME = "Hébergement pour victimes (lieu confidentiel)"
#: The one public contact of every secret service below gestionnaire: (operator, phone).
#: The 115 is the SIAO's free emergency number, which orients women towards a shelter.
SECRET_CONTACT = ("SIAO – appeler le 115 (gratuit, 24 h/24)", "115")

SECRET_TERMS_FILE = DATA / "sources" / "secret_terms.csv"
REDACTED = "[lieu confidentiel]"
_TEXT_COLUMNS = ("name", "subcategory", "operator", "place", "address", "schedule", "audience",
                 "notes", "source_quote")
#: Unicode categories removed by :func:`fold`: combining marks (accents) and format
#: characters (soft hyphen U+00AD, zero-width U+200B-U+200D, word joiner U+2060, BOM U+FEFF,
#: bidirectional marks…), which are invisible on screen.
_INVISIBLE = frozenset({"Mn", "Me", "Cf"})


def _fold_chars(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each folded character, the index of its original character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.category(part) in _INVISIBLE:
                continue
            for folded in part.casefold():
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


def fold(text: str) -> str:
    """Text as compared for confidentiality: case folded, no accent, no invisible character.

    Examples
    --------
    >>> fold("Blan\\u00adQUÍ"), fold("Ten\\u200bdre Élan")
    ('blanqui', 'tendre elan')
    """
    text = str(text)
    if text.isascii():  # no accent nor invisible character: the common case, fast
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) not in _INVISIBLE).casefold()


def is_secret(services: pd.DataFrame) -> pd.Series:
    """True for a secret row: confidentiality ``secret`` or a category of SECRET_CATEGORIES.

    >>> is_secret(pd.DataFrame({"confidentiality": ["secret", "public", "public"],
    ...                         "category": ["permanence", "hebergement", "iscg"]})).tolist()
    [True, True, False]
    """
    return (services["confidentiality"].eq("secret")
            | services["category"].isin(SECRET_CATEGORIES))


#: Words of secret names that never identify a place by themselves (folded): kinds of
#: service and of building, the people served, territories. Commune names are left out too.
_GENERIC_WORDS = frozenset("""
    accueil accueils agglomeration appartement appartements association associations bassin
    centre centres chambre chambres chrs club collectif collectifs cote departement diffus
    dispositif dispositifs enfance enfants famille familles femme femmes foyer foyers haute
    hebergement hebergements hotel hotels logement logements maison maisons maternel metropole
    nord nuitee nuitees ouest parental petit petite place places residence residences second
    seconde service services sociale sociales social sociaux structure structures transition
    urgence urgences victime victimes ville violence violences
""".split())
#: Shortest word of a secret name taken as a term (shorter ones are acronyms like SF, FVV).
_MIN_TERM = 4


@functools.lru_cache(maxsize=1)
def _single_word_communes() -> frozenset[str]:
    """Folded names of communes that are one word (Seurre, Dijon…); empty without the file."""
    from geo import territories  # lazy: reading the listings needs no territory file

    try:
        names = territories.read_commune_names()["name"]
    except ValueError:
        return frozenset()
    return frozenset(n for n in map(fold, names) if re.fullmatch(r"[^\W\d_]+", n))


def identifying_words(name: str, excluded: frozenset[str] = frozenset()) -> list[str]:
    """The words of a secret place's name that identify it, as written.

    A word identifies the place when it is capitalised, at least four letters long and
    neither a generic word (foyer, CHRS, résidence, hébergement…), a commune name nor one
    of ``excluded`` (folded words of public organisations, from ``secret_terms.csv``).

    Examples
    --------
    >>> identifying_words("SF 21 × Alcyon le Tremplin – hébergement à Seurre")
    ['Alcyon', 'Tremplin']
    >>> identifying_words("Foyer Blanqui (CHRS Blanqui) – places FVV")
    ['Blanqui']
    """
    communes = _single_word_communes()
    words: dict[str, str] = {}
    for word in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", name)):
        key = fold(word)
        if (len(key) >= _MIN_TERM and word[0].isupper() and key not in _GENERIC_WORDS
                and key not in communes and key not in excluded):
            words.setdefault(key, word)
    return list(words.values())


def read_secret_terms(path: Path = SECRET_TERMS_FILE,
                      services: pd.DataFrame | None = None) -> tuple[str, ...]:
    """Names of secret places that must never be shown, even when another row mentions them.

    The terms of ``secret_terms.csv`` (``identifies`` empty or ``oui``) and the identifying
    words (:func:`identifying_words`) of the names of the secret rows of ``services`` (the
    committed listings when ``None``); the words listed with ``identifies = non`` (public
    organisations such as ADEFO) are never terms.

    Examples
    --------
    >>> terms = read_secret_terms()
    >>> "Blanqui" in terms and "Tremplin" in terms and "ADEFO" not in terms
    True
    """
    listed = read_table(path, ["term", "identifies", "justification"])
    listed = listed[listed["term"].str.strip() != ""]
    public = listed["identifies"].map(fold).str.strip().eq("non")
    excluded = frozenset(fold(t.strip()) for t in listed.loc[public, "term"])
    terms = {fold(t.strip()): t.strip() for t in listed.loc[~public, "term"]}
    rows = read_services() if services is None else services
    for name in rows.loc[is_secret(rows), "name"].fillna("").astype(str):
        for word in identifying_words(name, excluded):
            terms.setdefault(fold(word), word)
    return tuple(terms.values())


def _pattern(needles: Iterable[str]) -> re.Pattern | None:
    """A regex of the folded ``needles`` as whole words (longest first), or None."""
    folded = sorted({fold(n).strip() for n in needles} - {""}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, folded)) + r")(?!\w)")


def _replace_folded(text: str, pattern: re.Pattern, by: str) -> str:
    """Replace in ``text`` every span whose folded form matches ``pattern``."""
    if not pattern.search(fold(text)):
        return text
    folded, origin = _fold_chars(text)
    spans: list[list[int]] = []
    for match in pattern.finditer(folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        while start > 0 and unicodedata.category(text[start - 1]) == "Cf":
            start -= 1  # an invisible character glued before the name goes with it
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    for start, end in reversed(spans):
        text = text[:start] + by + text[end:]
    return text


def redact_terms(services: pd.DataFrame, terms: tuple[str, ...]) -> pd.DataFrame:
    """Replace every mention of a secret place in the text of other rows, and unlocate them.

    A public row that names a secret place (a crèche *inside* a shelter, a permanence held
    *at* a shelter) would reveal it: the name is replaced by ``[lieu confidentiel]``, the row
    becomes "sur orientation" and loses its place, address, postcode and point for every
    role below gestionnaire (its point would be the shelter's).

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["Crèche du CHRS Blanqui", "CIDFF"], "place": ["x", "y"],
    ...     "confidentiality": ["public", "public"], "lat": [1.0, 2.0], "lon": [1.0, 2.0]})
    >>> shown = redact_terms(s, ("blanqui",))
    >>> shown[["name", "place", "confidentiality"]].values.tolist()
    [['Crèche du CHRS [lieu confidentiel]', '', 'sur_orientation'], ['CIDFF', 'y', 'public']]
    >>> shown["lat"].isna().tolist()
    [True, False]
    """
    table, hit = redact_text(services, _TEXT_COLUMNS, terms)
    table.loc[hit & table["confidentiality"].ne("secret"), "confidentiality"] = "sur_orientation"
    _unlocate(table, hit)
    return table


def redact_text(
    table: pd.DataFrame, columns: Iterable[str], terms: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.Series]:
    """Replace the secret ``terms`` in ``columns``; return the copy and rows hit.

    Terms match whole words on folded text (:func:`fold`): case, accents and invisible
    characters (soft hyphen, zero-width space…) do not hide a name.

    Examples
    --------
    >>> f = pd.DataFrame({"what": ["femmes accueillies – résidence Ab\\u00adrïoux", "TGD"]})
    >>> redact_text(f, ["what"], ("abrioux",))[0]["what"].tolist()
    ['femmes accueillies – résidence [lieu confidentiel]', 'TGD']
    """
    table = table.copy()
    hit = pd.Series(False, index=table.index)
    pattern = _pattern(terms)
    if pattern is None:
        return table, hit
    for column in (c for c in columns if c in table):
        text = table[column].fillna("").astype(str)
        redacted = {v: _replace_folded(v, pattern, REDACTED) for v in text.unique()}
        new = text.map(redacted)
        found = new.ne(text)
        table.loc[found, column] = new[found]
        hit |= found
    return table, hit


_LOCATING = ("place", "address", "postcode")


def _unlocate(table: pd.DataFrame, rows: pd.Series) -> None:
    """Empty, in place, the place, address, postcode and point of ``rows``."""
    for column in (c for c in _LOCATING if c in table):
        table.loc[rows, column] = ""
    for column in (c for c in ("lat", "lon") if c in table):
        table.loc[rows, column] = float("nan")


_REFERRAL_TEXT = ("name", "subcategory", "schedule", "audience", "notes")
_SEPARATORS = " \t–—-,;:/·|"


def _tidy(text: str) -> str:
    """A name after a part was cut out: no empty brackets, doubled spaces or loose dashes."""
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;:)])", r"\1", text)
    return text.strip(_SEPARATORS)


def _place_needles(place: str, address: str) -> list[str]:
    """The place and address texts to hide, and the place without its leading generic words."""
    needles = [place, address]
    words = fold(place).split()
    while words and words[0] in _GENERIC_WORDS:
        words.pop(0)
    needles.append(" ".join(words))
    return [n for n in needles if len(fold(n).strip()) >= _MIN_TERM]


def _without_referral_place(table: pd.DataFrame, rows: pd.Series) -> None:
    """Cut, in place, the place and address of ``rows`` out of their name and other texts."""
    for index in table.index[rows]:
        pattern = _pattern(_place_needles(str(table.at[index, "place"] or ""),
                                          str(table.at[index, "address"] or "")
                                          if "address" in table else ""))
        if pattern is None:
            continue
        for column in (c for c in _REFERRAL_TEXT if c in table):
            value = str(table.at[index, column] or "")
            cut = _replace_folded(value, pattern, "")
            if cut != value:
                table.at[index, column] = _tidy(cut)
        if not str(table.at[index, "name"]).strip():
            category = CATEGORIES.get(table.at[index, "category"])
            label = category.label if category else "Service"
            table.at[index, "name"] = f"{label} (lieu communiqué sur orientation)"


_INSEE = r"[0-9][0-9AB][0-9]{3}"
_DEP = r"[0-9][0-9AB]|97[1-6]"
_CATCHMENT_PART = re.compile(
    rf"national|dep:(?:{_DEP})|arr:[0-9][0-9AB][0-9]{{1,2}}|epci:[0-9]{{9}}|com:{_INSEE}")
#: Units of a capacity a secret row may show (folded); anything else is blanked.
_CAPACITY_UNITS = frozenset({"place", "places", "logement", "logements", "lit", "lits",
                             "chambre", "chambres", "appartement", "appartements"})
_MAX_CAPACITY = 10_000


def _text(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str)


def _matching(column: pd.Series, pattern: str) -> pd.Series:
    text = _text(column)
    return text.where(text.str.fullmatch(pattern), "")


def _catchment(column: pd.Series) -> pd.Series:
    text = _text(column)
    valid = text.map(lambda t: all(_CATCHMENT_PART.fullmatch(p) for p in t.split(";")))
    return text.where(valid, "")


#: Key of the opaque ids of secret rows, new at every start: stable within the running app
#: (views of different roles join on ids) but not reversible to the stored id.
_ID_KEY = secrets.token_bytes(32)


def _secret_id(column: pd.Series) -> pd.Series:
    """Opaque ids ("secret-…"): a stored id ("21-L298-1") would give the plan's line."""
    return _text(column).map(
        lambda t: "secret-" + hmac.new(_ID_KEY, t.encode(), hashlib.sha256).hexdigest()[:16])


def _capacity(column: pd.Series) -> pd.Series:
    number = pd.to_numeric(column, errors="coerce").astype(float)
    return number.where(number.between(0, _MAX_CAPACITY))


def _capacity_unit(column: pd.Series) -> pd.Series:
    folded = _text(column).map(fold).str.strip()
    return folded.where(folded.isin(_CAPACITY_UNITS), "")


#: What a secret row shows below gestionnaire: each allowed column and the check its value
#: must pass (else it is blanked). Every other column is blanked, whatever it holds.
_SECRET_ALLOWED = {
    "id": _secret_id,
    "dep": lambda c: _matching(c, _DEP),
    "category": lambda c: _text(c).where(_text(c).isin(CATEGORIES), "hebergement"),
    "insee": lambda c: _matching(c, _INSEE),
    "catchment": _catchment,
    "remote": lambda c: c.isin([True, "true"]),
    "capacity": _capacity,
    "capacity_unit": _capacity_unit,
    "status": lambda c: _text(c).where(_text(c).isin(STATUSES), "unknown"),
    "source_document": lambda c: _text(c).where(
        _text(c).isin(read_documents()["source_document"]), ""),
    "source_year": lambda c: _matching(c, r"(?:19|20)[0-9]{2}"),
    "last_checked": lambda c: _matching(c, r"20[0-9]{2}-[01][0-9]-[0-3][0-9]"),
}
#: Fixed values of every secret row below gestionnaire.
_SECRET_FIXED = {"name": SECRET_NAME, "operator": SECRET_CONTACT[0], "phone": SECRET_CONTACT[1],
                 "confidentiality": "secret"}


def secret_view(rows: pd.DataFrame) -> pd.DataFrame:
    """Secret rows as every role below gestionnaire sees them: an allow-list.

    Kept, when well formed: dep, category, commune (``insee``), catchment codes,
    ``remote``, a numeric capacity and its unit (places, logements…), status, the plan's
    document (never its line), source year and date of the last check. The id becomes an
    opaque one (the stored id names the plan's line). Fixed: the generic name, the SIAO/115
    contact, ``secret``. Every other column is blank (``""``, NaN for
    numbers, False for flags): a street typed into any field never reaches a page.

    Examples
    --------
    >>> rows = pd.DataFrame({"id": ["21-L298-1"], "name": ["Foyer X"], "insee": ["7 rue Y"],
    ...     "schedule": ["sonner au 7 rue Y"], "capacity": [15.0], "lat": [47.3],
    ...     "category": ["hebergement"], "confidentiality": ["secret"]})
    >>> secret_view(rows).iloc[0][["name", "insee", "schedule"]].tolist()
    ['Hébergement pour victimes (lieu confidentiel)', '', '']
    """
    out = pd.DataFrame(index=rows.index)
    for column in rows.columns:
        values = rows[column]
        if column in _SECRET_FIXED:
            out[column] = _SECRET_FIXED[column]
        elif column in _SECRET_ALLOWED:
            out[column] = _SECRET_ALLOWED[column](values)
        elif pd.api.types.is_bool_dtype(values):
            out[column] = False
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = float("nan")
        else:
            out[column] = ""
    return out


def public_view(services: pd.DataFrame, terms: tuple[str, ...] | None = None, *,
                referral_places: bool = False) -> pd.DataFrame:
    """Return the listings as a role below gestionnaire may see them (a copy).

    * Secret rows (:func:`is_secret`) show only :func:`secret_view`'s allow-list.
    * Any other row that names a secret place (``terms``; by default
      :func:`read_secret_terms` of ``services``) has the name redacted and loses its place
      and point (:func:`redact_terms`).
    * A "sur orientation" row keeps its name and contact but, unless ``referral_places``
      (a professionnel), loses its place, address and point, and its place is cut out of
      its name and texts ("CHRS Sadi Carnot – accueil…" → "accueil…").

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["Foyer X", "CIDFF"], "place": ["rue Y", "mairie"],
    ...     "address": ["", ""], "category": ["hebergement", "permanence"],
    ...     "confidentiality": ["secret", "public"], "lat": [1.0, 2.0], "lon": [1.0, 2.0]})
    >>> public_view(s, terms=())[["name", "place", "lat"]].values.tolist()
    [['Hébergement pour victimes (lieu confidentiel)', '', nan], ['CIDFF', 'mairie', 2.0]]
    """
    if terms is None:
        terms = read_secret_terms(services=services)
    table = redact_terms(services, terms)
    secret = is_secret(table)
    on_referral = table["confidentiality"].eq("sur_orientation") & ~secret
    if not referral_places and on_referral.any():
        _without_referral_place(table, on_referral)
        _unlocate(table, on_referral)
    if secret.any():
        hidden = secret_view(table.loc[secret])
        for column in hidden.columns:
            if table[column].dtype != hidden[column].dtype:  # e.g. a capacity read as text
                table[column] = table[column].astype(object)
            table.loc[secret, column] = hidden[column]
    return table


DOCUMENTS_FILE = DATA / "sources" / "documents.csv"


def read_documents(path: Path = DOCUMENTS_FILE) -> pd.DataFrame:
    """Return the source documents of the listings: ``dep``, ``source_document``, ``period``.

    Examples
    --------
    >>> read_documents().set_index("dep").loc["62", "period"]
    '2024-2026'
    """
    return read_table(path, ["dep", "source_document", "period"])
