"""Code officiel géographique: bring old INSEE commune codes to the current COG.

Communes merge, split and change code every 1 January. Any list keyed on INSEE codes
(France services 2024, FINESS, the density grid 2024, typed addresses) may carry codes
that no longer exist. :func:`recode_to_current` follows the events of INSEE's
``mouvements-communes.csv`` (``v_mvt_commune``) to the commune that holds the territory
today.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

import pandas as pd

#: Events that move a commune's territory to another commune code: fusion simple (31),
#: création de commune nouvelle (32), fusion-association (33), change of code due to a
#: change of département (41) or to a transfer of the chef-lieu (50).
SUCCESSION_MODS = frozenset({"31", "32", "33", "41", "50"})

_MAX_STEPS = 50


def read_mouvements(path: Path) -> pd.DataFrame:
    """Read INSEE's ``mouvements-communes.csv`` with every column as text.

    Parameters
    ----------
    path : Path
        The CSV file (comma-separated, header ``MOD,DATE_EFF,TYPECOM_AV,COM_AV,...``).

    Returns
    -------
    pandas.DataFrame
        One row per (event, before, after) triple; empty cells are ``""``.
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def successors(mouvements: pd.DataFrame) -> dict[str, str]:
    """Map each commune code that no longer exists to the code that took its territory.

    Events are replayed in date order. On a given date a code that appears after the
    event as a commune (``TYPECOM_AP == "COM"``) is alive, which wins over its
    disappearance on the same date (chef-lieu of a commune nouvelle, rename). Only the
    :data:`SUCCESSION_MODS` events make a code disappear; a later re-creation (MOD 20/21)
    makes it alive again.

    Parameters
    ----------
    mouvements : pandas.DataFrame
        As returned by :func:`read_mouvements`.

    Returns
    -------
    dict of str to str
        ``{old code: next code}``; follow it until the code is not a key.

    Examples
    --------
    >>> mvt = pd.DataFrame({
    ...     "MOD": ["32", "32", "32"], "DATE_EFF": ["2025-01-01"] * 3,
    ...     "TYPECOM_AV": ["COM", "COM", "COM"], "COM_AV": ["62447", "62461", "62461"],
    ...     "TYPECOM_AP": ["COM", "COM", "COMD"], "COM_AP": ["62447", "62447", "62461"]})
    >>> successors(mvt)
    {'62461': '62447'}
    """
    m = mouvements
    dead = m[m["MOD"].isin(SUCCESSION_MODS) & (m["TYPECOM_AV"] == "COM")
             & (m["TYPECOM_AP"] == "COM") & (m["COM_AV"] != m["COM_AP"])]
    alive = m[m["TYPECOM_AP"] == "COM"]
    events = pd.concat([
        pd.DataFrame({"date": dead["DATE_EFF"], "order": 0, "code": dead["COM_AV"],
                      "to": dead["COM_AP"]}),
        pd.DataFrame({"date": alive["DATE_EFF"], "order": 1, "code": alive["COM_AP"],
                      "to": ""}),
    ]).sort_values(["date", "order", "code", "to"], kind="stable")
    result: dict[str, str] = {}
    for code, to in zip(events["code"], events["to"], strict=True):
        if to:
            result[code] = to
        else:
            result.pop(code, None)
    return result


def recode_to_current(
    codes: Iterable[str],
    mouvements: pd.DataFrame,
    current: Collection[str] | None = None,
) -> pd.Series:
    """Return the current INSEE code of each commune code, following merges and code changes.

    A code is followed through fusions (MOD 31, 32, 33) and code changes (MOD 41, 50) to
    the latest commune that holds its territory, as many steps as needed (a commune merged
    in 1973 whose commune nouvelle merged again in 2019 ends at the 2019 code). Codes with
    no such event are returned unchanged. Communes suppressed and shared out between
    several communes (MOD 30) have no single successor and are returned as ``<NA>`` only
    when ``current`` is given.

    Parameters
    ----------
    codes : iterable of str
        INSEE commune codes of any vintage (``"49069"``, ``"93059"``); ``None``/NaN allowed.
    mouvements : pandas.DataFrame
        INSEE ``mouvements-communes.csv`` as returned by :func:`read_mouvements`.
    current : collection of str, optional
        The current codes (e.g. ``read_communes()["insee"]``). When given, a code already
        in it is returned as is, and a result not in it becomes ``<NA>``.

    Returns
    -------
    pandas.Series
        Current codes (dtype ``str``, missing as NaN), indexed like ``codes`` when it is a
        Series, else from 0.

    Examples
    --------
    >>> mvt = pd.DataFrame({
    ...     "MOD": ["50", "32", "32"], "DATE_EFF": ["2025-01-01", "2025-01-01", "2025-01-01"],
    ...     "TYPECOM_AV": ["COM", "COM", "COM"], "COM_AV": ["49069", "93059", "93066"],
    ...     "TYPECOM_AP": ["COM", "COM", "COM"], "COM_AP": ["49126", "93066", "93066"]})
    >>> recode_to_current(["49069", "93059", "62041", None], mvt).tolist()
    ['49126', '93066', '62041', nan]
    >>> recode_to_current(["93059", "99999"], mvt, current={"93066"}).tolist()
    ['93066', nan]
    """
    series = codes.copy() if isinstance(codes, pd.Series) else pd.Series(list(codes), dtype=object)
    succ = successors(mouvements)
    known = None if current is None else set(current)
    cache: dict[str, str | None] = {}
    values = [_follow(c, succ, known, cache) if isinstance(c, str) and c else None
              for c in series.tolist()]
    return pd.Series(values, index=series.index, dtype="str")


def _follow(code: str, succ: dict[str, str], known: set[str] | None,
            cache: dict[str, str | None]) -> str | None:
    """Follow ``succ`` from ``code`` to a current code (``None`` when not current)."""
    if code not in cache:
        step, seen = code, 0
        while (known is None or step not in known) and step in succ and seen < _MAX_STEPS:
            step, seen = succ[step], seen + 1
        cache[code] = step if known is None or step in known else None
    return cache[code]


def created_from(mouvements: pd.DataFrame) -> dict[str, str]:
    """Map communes re-created by a split (MOD 21, rétablissement) to the commune they left.

    Parameters
    ----------
    mouvements : pandas.DataFrame
        As returned by :func:`read_mouvements`.

    Returns
    -------
    dict of str to str
        ``{re-created code: code of the commune it was part of}`` (latest event wins).

    Examples
    --------
    >>> mvt = pd.DataFrame({"MOD": ["21", "21"], "DATE_EFF": ["2025-01-01"] * 2,
    ...     "TYPECOM_AV": ["COM", "COM"], "COM_AV": ["15141", "15141"],
    ...     "TYPECOM_AP": ["COM", "COM"], "COM_AP": ["15141", "15031"]})
    >>> created_from(mvt)
    {'15031': '15141'}
    """
    m = mouvements
    rows = m[(m["MOD"] == "21") & (m["TYPECOM_AP"] == "COM") & (m["TYPECOM_AV"] == "COM")
             & (m["COM_AV"] != m["COM_AP"])].sort_values(["DATE_EFF", "COM_AP"])
    return dict(zip(rows["COM_AP"], rows["COM_AV"], strict=True))
