"""Read and write the listings (``services.csv``, ``figures.csv``) with fixed dtypes.

Every column is read as text except ``lat``, ``lon`` (float), ``capacity`` and ``value``
(float) and ``remote`` (bool), so INSEE and département codes keep their leading zeros.
Writing is atomic (a temporary file in the same folder, then :func:`os.replace`): a reader
never sees half a file, and a failed import leaves the previous file byte-identical.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from geo.schema import DATA, FIGURE_COLUMNS, FIGURES_FILE, SERVICE_COLUMNS, SERVICES_FILE

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
_SECRET_BLANKED = ("subcategory", "place", "address", "postcode", "phone", "website", "notes",
                   "host_id", "source_quote")


SECRET_TERMS_FILE = DATA / "sources" / "secret_terms.csv"
REDACTED = "[lieu confidentiel]"
_TEXT_COLUMNS = ("name", "subcategory", "operator", "place", "address", "schedule", "audience",
                 "notes")


def read_secret_terms(path: Path = SECRET_TERMS_FILE) -> tuple[str, ...]:
    """Names of secret places that must never be shown, even when another row mentions them.

    Examples
    --------
    >>> "Blanqui" in read_secret_terms()
    True
    """
    return tuple(t for t in read_table(path, ["term", "justification"])["term"] if t.strip())


def redact_terms(services: pd.DataFrame, terms: tuple[str, ...]) -> pd.DataFrame:
    """Replace every mention of a secret place in the text of other rows, and unlocate them.

    A public row that names a secret place (a crèche *inside* a shelter, a permanence held
    *at* a shelter) would reveal it: the name is replaced by ``[lieu confidentiel]`` and the
    row becomes "sur orientation", so :func:`public_view` removes its place and point.

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["Crèche du CHRS Blanqui", "CIDFF"], "place": ["x", "y"],
    ...     "confidentiality": ["public", "public"], "lat": [1.0, 2.0], "lon": [1.0, 2.0]})
    >>> redact_terms(s, ("blanqui",))[["name", "place", "confidentiality"]].values.tolist()
    [['Crèche du CHRS [lieu confidentiel]', 'x', 'sur_orientation'], ['CIDFF', 'y', 'public']]
    """
    table, hit = redact_text(services, _TEXT_COLUMNS, terms)
    table.loc[hit & table["confidentiality"].ne("secret"), "confidentiality"] = "sur_orientation"
    return table


def redact_text(
    table: pd.DataFrame, columns: Iterable[str], terms: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.Series]:
    """Replace the secret ``terms`` (any case) in ``columns``; return the copy and rows hit.

    Examples
    --------
    >>> f = pd.DataFrame({"what": ["femmes accueillies – résidence Abrioux", "TGD"]})
    >>> redact_text(f, ["what"], ("abrioux",))[0]["what"].tolist()
    ['femmes accueillies – résidence [lieu confidentiel]', 'TGD']
    """
    table = table.copy()
    hit = pd.Series(False, index=table.index)
    if not terms:
        return table, hit
    pattern = "|".join(re.escape(t) for t in terms)
    for column in (c for c in columns if c in table):
        text = table[column].fillna("").astype(str)
        found = text.str.contains(pattern, case=False, regex=True)
        table.loc[found, column] = text[found].str.replace(pattern, REDACTED, case=False,
                                                           regex=True)
        hit |= found
    return table, hit


def public_view(services: pd.DataFrame, terms: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return the listings as the public may see them: secret services made anonymous.

    A service given "sur orientation" (on referral) keeps its name and contact but loses
    its place, address and point: the public sees its commune only.

    A secret service (hébergement for victims) keeps its category, commune (``insee``),
    catchment, capacity, operator and status, so that it is counted in its territory; its
    name becomes a generic label, and everything that could locate it (place, address,
    postcode, phone, website, notes, coordinates) is emptied.

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["Foyer X", "CIDFF"], "place": ["rue Y", "mairie"],
    ...                   "confidentiality": ["secret", "public"], "lat": [1.0, 2.0],
    ...                   "lon": [1.0, 2.0]})
    >>> public_view(s)[["name", "place", "lat"]].values.tolist()
    [['Hébergement pour victimes (lieu confidentiel)', '', nan], ['CIDFF', 'mairie', 2.0]]
    """
    table = redact_terms(services, read_secret_terms() if terms is None else terms)
    secret = table["confidentiality"].eq("secret")
    table.loc[secret, "name"] = SECRET_NAME
    for column in _SECRET_BLANKED:
        if column in table:
            table.loc[secret, column] = ""
    table.loc[secret, ["lat", "lon"]] = float("nan")
    on_referral = table["confidentiality"].eq("sur_orientation")
    for column in ("place", "address", "postcode"):
        if column in table:
            table.loc[on_referral, column] = ""
    table.loc[on_referral, ["lat", "lon"]] = float("nan")
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
