"""The directory: filters declared once, applied to the listings, described in French.

Filters combine (logical AND); a filter left empty does not filter. Free text is matched
without accents or case over the name, the operator and the commune's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.listings import fold  # one folding rule: case, accents, invisible characters
from geo.schema import CATEGORIES, STATUS_LABELS

#: Audience keywords offered as filters, and the words that reveal them in ``audience``.
AUDIENCES: dict[str, tuple[str, ...]] = {
    "femmes": ("femme", "victime"),
    "enfants": ("enfant", "mineur", "pédiatr", "pediatr"),
    "jeunes": ("jeune", "adolescen", "étudiant", "etudiant", "scolaire"),
    "auteurs": ("auteur",),
    "professionnels": ("professionnel",),
}

LEVEL_LABELS = {"dep": "le département", "arr": "l'arrondissement", "epci": "l'EPCI",
                "com": "la commune"}


@dataclass(frozen=True)
class DirectoryFilters:
    """What the user filters on; empty tuples and strings mean "no filter"."""

    categories: tuple[str, ...] = ()
    territory: tuple[str, str, str] | None = None  # (level, code, label), level as LEVEL_LABELS
    audiences: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""

    def apply(self, services: pd.DataFrame, territory_ids: pd.Index | None = None) -> pd.DataFrame:
        """Return the services that pass every filter, in listing order.

        ``territory_ids`` are the ids of the services concerning the chosen territory
        (computed by the caller from catchments); ignored when no territory is chosen.

        Examples
        --------
        >>> s = pd.DataFrame({"id": ["a", "b"], "category": ["iscg", "leao"],
        ...     "name": ["ISCG Arras", "Lieu d'écoute"], "operator": ["", "CIDFF"],
        ...     "commune": ["Arras", "Béthune"], "audience": ["victimes", "femmes"],
        ...     "status": ["existing", "planned"]})
        >>> DirectoryFilters(text="bethune").apply(s)["id"].tolist()
        ['b']
        >>> DirectoryFilters(categories=("iscg",), statuses=("existing",)).apply(s)["id"].tolist()
        ['a']
        """
        keep = np.ones(len(services), dtype=bool)
        if self.categories:
            keep &= services["category"].isin(self.categories).to_numpy()
        if self.statuses:
            keep &= services["status"].isin(self.statuses).to_numpy()
        if self.territory is not None and territory_ids is not None:
            keep &= services["id"].isin(territory_ids).to_numpy()
        if self.audiences:
            keep &= _audience_mask(services["audience"], self.audiences)
        if self.text.strip():
            haystack = (services["name"] + " " + services["operator"] + " "
                        + services["commune"]).map(fold)
            keep &= haystack.str.contains(fold(self.text.strip()), regex=False).to_numpy()
        return services[keep]

    def describe(self, count: int) -> str:
        """Say in French how many services match and which filters are on.

        >>> DirectoryFilters(categories=("permanence",), text="cidff").describe(3)
        '3 services correspondent : types Permanences ; texte « cidff ».'
        >>> DirectoryFilters().describe(0)
        'Aucun service ne correspond (aucun filtre).'
        """
        parts = []
        if self.categories:
            parts.append("types " + ", ".join(CATEGORIES[c].plural for c in self.categories))
        if self.territory is not None:
            level, _, label = self.territory
            parts.append(f"territoire : {LEVEL_LABELS.get(level, level)} {label}")
        if self.audiences:
            parts.append("public : " + ", ".join(self.audiences))
        if self.statuses:
            parts.append("statut : " + ", ".join(STATUS_LABELS[s] for s in self.statuses))
        if self.text.strip():
            parts.append(f"texte « {self.text.strip()} »")
        head = ("Aucun service ne correspond" if count == 0 else
                "1 service correspond" if count == 1 else f"{count} services correspondent")
        if not parts:
            return f"{head} (aucun filtre)."
        return f"{head} : {' ; '.join(parts)}."


def _audience_mask(audience: pd.Series, chosen: tuple[str, ...]) -> np.ndarray:
    """True where ``audience`` mentions any of the chosen audiences (by keyword)."""
    folded = audience.fillna("").map(fold)
    words = [fold(w) for a in chosen for w in AUDIENCES.get(a, (a,))]
    return folded.map(lambda text: any(w in text for w in words)).to_numpy()
