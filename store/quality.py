"""Freshness and quality of the listings (pure pandas, no Streamlit).

A directory is only as good as its last check. ``last_checked`` (ISO date) says when a
row was last checked; empty means *never* (rows imported from the seed extractions were
never checked on the ground). Thresholds: 6 months (to check), 12 months (old).
"""

from __future__ import annotations

import difflib
from datetime import date

import pandas as pd

from geo.geocode import normalise
from geo.listings import SECRET_NAME
from geo.schedules import parse_schedule

#: Freshness classes, in order, with their French label.
FRESHNESS = {"recent": "vérifié depuis moins de 6 mois", "six_months": "à revérifier (6 à 12 mois)",
             "old": "ancien (plus de 12 mois)", "never": "jamais vérifié"}
DUPLICATE_RATIO = 0.85


def months_since(checked: pd.Series, today: date) -> pd.Series:
    """Whole months elapsed since each ISO date; NaN when empty or unreadable.

    >>> months_since(pd.Series(["2026-01-15", "", "2025-12-01"]), date(2026, 7, 14)).tolist()
    [5.0, nan, 7.0]
    """
    when = pd.to_datetime(checked.replace("", None), errors="coerce", format="ISO8601")
    months = (today.year - when.dt.year) * 12 + (today.month - when.dt.month)
    return (months - (when.dt.day > today.day).astype(int)).astype(float).where(when.notna())


def freshness(checked: pd.Series, today: date) -> pd.Series:
    """Freshness class of each row: ``recent``, ``six_months``, ``old`` or ``never``.

    >>> freshness(pd.Series(["2026-06-01", "2025-12-01", "2024-01-01", ""]),
    ...           date(2026, 7, 1)).tolist()
    ['recent', 'six_months', 'old', 'never']
    """
    months = months_since(checked, today)
    classes = pd.Series("never", index=checked.index, dtype=object)
    classes[months < 6] = "recent"
    classes[(months >= 6) & (months < 12)] = "six_months"
    classes[months >= 12] = "old"
    return classes


def unparsed_schedules(services: pd.DataFrame) -> pd.Series:
    """True for rows whose written schedule :func:`geo.schedules.parse_schedule` cannot read."""
    written = services["schedule"].fillna("").str.strip() != ""
    parsed = services["schedule"].map(lambda s: bool(s) and parse_schedule(s).parsed)
    return written & ~parsed.astype(bool)


def likely_duplicates(services: pd.DataFrame, ratio: float = DUPLICATE_RATIO) -> pd.DataFrame:
    """Pairs of services with the same operator and commune and similar names (difflib).

    Anonymous secret rows (same generic name) are never paired.

    >>> s = pd.DataFrame({"id": ["a", "b", "c"], "operator": ["CIDFF"] * 3,
    ...     "insee": ["03310"] * 3, "name": ["Permanence CIDFF Vichy",
    ...     "Permanence du CIDFF - Vichy", "Accueil de jour"]})
    >>> likely_duplicates(s)[["id_1", "id_2"]].values.tolist()
    [['a', 'b']]
    """
    rows = services[(services["operator"].fillna("") != "") & (services["insee"].fillna("") != "")
                    & (services["name"] != SECRET_NAME)]
    pairs = []
    for (_, _), group in rows.groupby(["operator", "insee"]):
        names = [normalise(n) for n in group["name"]]
        records = group.to_dict("records")
        for i in range(len(records)):
            for j in range(i + 1, len(records)):
                score = difflib.SequenceMatcher(None, names[i], names[j]).ratio()
                if score >= ratio:
                    pairs.append({"id_1": records[i]["id"], "nom_1": records[i]["name"],
                                  "id_2": records[j]["id"], "nom_2": records[j]["name"],
                                  "similarité": round(score, 2)})
    return pd.DataFrame(pairs, columns=["id_1", "nom_1", "id_2", "nom_2", "similarité"])


def quality_figures(services: pd.DataFrame) -> dict[str, int]:
    """Counts of the quality checks (secret rows are not asked for a phone or schedule).

    >>> s = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "operator": ["", ""],
    ...     "confidentiality": ["public", "secret"], "schedule": ["le mardi 9h-12h", ""],
    ...     "phone": ["", ""], "insee": ["03310", ""], "catchment": ["", "dep:03"],
    ...     "remote": [False, False], "lat": [46.1, float("nan")]})
    >>> quality_figures(s)["sans téléphone"], quality_figures(s)["sans horaires"]
    (1, 0)
    """
    open_rows = services[services["confidentiality"] != "secret"]
    return {
        "services": len(services),
        "sans horaires": int((open_rows["schedule"].fillna("") == "").sum()),
        "horaires non lus": int(unparsed_schedules(open_rows).sum()),
        "sans téléphone": int((open_rows["phone"].fillna("") == "").sum()),
        "sans commune ni territoire": int(((services["insee"] == "") & (services["catchment"] == "")
                                           & ~services["remote"].astype(bool)).sum()),
        "placés sur la carte": int(services["lat"].notna().sum()),
        "doublons probables": len(likely_duplicates(services)),
    }


def freshness_by_territory(services: pd.DataFrame, communes: pd.DataFrame, level: str,
                           today: date) -> pd.DataFrame:
    """Services per territory (``arr`` or ``epci_siren`` of their commune) and freshness.

    ``communes`` has ``insee``, ``level`` and its name column (``arr_nom``, ``epci_nom``).
    Services without a commune are counted under "sans commune (territoire desservi)".
    """
    name_column = {"arr": "arr_nom", "epci_siren": "epci_nom"}[level]
    names = communes.drop_duplicates("insee").set_index("insee")[name_column]
    territory = services["insee"].map(names).fillna("sans commune (territoire desservi)")
    classes = freshness(services["last_checked"].fillna(""), today)
    table = pd.crosstab(territory, classes).reindex(columns=list(FRESHNESS), fill_value=0)
    table = table.rename(columns=FRESHNESS)
    table.insert(0, "services", table.sum(axis=1))
    return table.rename_axis("territoire").reset_index().sort_values("territoire")


def stale_share_by_arrondissement(services: pd.DataFrame, communes: pd.DataFrame,
                                  today: date) -> pd.Series:
    """Percentage of each arrondissement's services not checked for 12 months (or never).

    Services are placed by their commune (``insee``); those without a commune are left out.
    Indexed by arrondissement code; an arrondissement without any service is absent.

    Examples
    --------
    >>> s = pd.DataFrame({"insee": ["1", "1", "2", ""],
    ...                   "last_checked": ["2026-11-01", "", "2020-01-01", ""]})
    >>> c = pd.DataFrame({"insee": ["1", "2"], "arr": ["A", "B"]})
    >>> stale_share_by_arrondissement(s, c, date(2026, 12, 1)).to_dict()
    {'A': 50.0, 'B': 100.0}
    """
    arr_of = communes.drop_duplicates("insee").set_index("insee")["arr"]
    stale = freshness(services["last_checked"].fillna(""), today).isin(["old", "never"])
    table = pd.DataFrame({"arr": services["insee"].map(arr_of), "stale": stale}).dropna()
    return table.groupby("arr")["stale"].mean() * 100
