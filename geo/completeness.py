"""Is the inventory of places complete? The one rule that words every gap figure.

A distance to "the nearest place" is a fact only when every place of the chosen types is
known. Whether it is, is data said by the person who knows it: for each département and
category, a gestionnaire declares the inventory ``complete``, ``partial`` or ``unknown``
(with who and when; :mod:`store.inventory`). Categories fed by a national layer that lists
every place of its kind carry their own statement: complete as of the layer's vintage
(:data:`LAYER_STATEMENTS`). Nobody's word: ``unknown``.

:func:`beyond_wording` turns a population beyond a threshold into French that says no more
than the inventory allows:

- every chosen category complete → the figure, as a fact ("12 345 habitants à plus de
  15 km");
- some inventory, not all complete → an upper bound: places not yet listed can only be
  nearer, so the people beyond are *at most* that many ("au plus 12 345 habitants …,
  d'après les lieux recensés");
- no inventory of any chosen category → no figure ("non calculé").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

#: The three statements, in the order of their strength.
STATUSES = ("complete", "partial", "unknown")
STATUS_LABELS = {"complete": "complet", "partial": "partiel", "unknown": "inconnu"}

#: Categories whose places a national layer lists whole, everywhere: (status, who, when).
#: Gendarmerie brigades and commissariats, courts and legal-information points: the annuaire
#: service-public.fr of February 2016; public hospitals: FINESS of March 2020; France services:
#: the ANCT list of August 2024. Complete *as of that date*, and said so.
LAYER_STATEMENTS: dict[str, tuple[str, str, str]] = {
    "forces_securite": ("complete", "annuaire service-public.fr (DILA)", "2016-02"),
    "justice": ("complete", "annuaire service-public.fr (DILA)", "2016-02"),
    "sante": ("complete", "FINESS (hôpitaux publics)", "2020-03"),
    "france_services": ("complete", "ANCT, liste des France services", "2024-08"),
}


@dataclass(frozen=True)
class Statement:
    """What is said of one category's inventory in one département, by whom and when."""

    category: str
    status: str
    who: str = ""
    at: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"statut d'inventaire inconnu : {self.status!r}")


#: Who "says" the default of a category the département's listings hold places of.
LISTED_DEFAULT = "par défaut : les listings ne nomment qu'une partie des lieux"


def statement_of(category: str, declared: Mapping[str, Statement] | None = None,
                 listed: Iterable[str] = ()) -> Statement:
    """The statement that holds for ``category`` in a département.

    A gestionnaire's, else its national layer's (complete as of its vintage), else
    ``partial`` when the département's listings hold places of that category (a plan names
    some of them, never all), else ``unknown``.

    >>> statement_of("permanence").status, statement_of("permanence", listed={"permanence"}).status
    ('unknown', 'partial')
    >>> statement_of("forces_securite").status, statement_of("forces_securite").at
    ('complete', '2016-02')
    >>> said = {"permanence": Statement("permanence", "complete", "marie", "2026-12-02")}
    >>> statement_of("permanence", said).who
    'marie'
    """
    if declared and category in declared:
        return declared[category]
    if category in LAYER_STATEMENTS:
        status, who, at = LAYER_STATEMENTS[category]
        return Statement(category, status, who, at)
    if category in set(listed):
        return Statement(category, "partial", LISTED_DEFAULT)
    return Statement(category, "unknown")


def overall(categories: Iterable[str], declared: Mapping[str, Statement] | None = None,
            listed: Iterable[str] = ()) -> str:
    """What can be said of the chosen categories together.

    ``complete`` when every one is complete; ``unknown`` when none has any inventory (every
    one unknown, or none chosen); otherwise ``partial``. A distance to the nearest place of
    several types measured on the places known is an upper bound as soon as one type is not
    complete (places not listed can only be nearer); it says nothing when no type is known.

    >>> overall(["forces_securite", "justice"])
    'complete'
    >>> said = {"permanence": Statement("permanence", "partial")}
    >>> overall(["permanence", "sante"], said), overall(["permanence", "iscg"], said)
    ('partial', 'partial')
    >>> overall(["iscg", "leao"]), overall([])
    ('unknown', 'unknown')
    """
    listed = set(listed)
    statuses = {statement_of(c, declared, listed).status for c in categories}
    if statuses == {"complete"}:
        return "complete"
    if not statuses or statuses == {"unknown"}:
        return "unknown"
    return "partial"


@dataclass(frozen=True)
class Wording:
    """A gap figure as it may be shown: ``value`` (French text), ``fact`` and why."""

    value: str
    fact: bool
    explanation: str


def beyond_wording(population: int, threshold_km: float, status: str,
                   number: Callable[[int], str] = str) -> Wording:
    """Word "people beyond ``threshold_km``" as the inventory ``status`` allows.

    ``number`` formats the count (the app passes ``components.formatting.number``).

    >>> beyond_wording(12345, 15, "complete").value
    '12345'
    >>> w = beyond_wording(12345, 15, "partial")
    >>> w.value, w.fact
    ('au plus 12345', False)
    >>> beyond_wording(12345, 15, "unknown").value
    'non calculé'
    """
    if status == "complete":
        return Wording(number(population), True,
                       f"Inventaire complet : {number(population)} habitants vivent à plus de "
                       f"{threshold_km:g} km de tout lieu des types choisis.")
    if status == "partial":
        return Wording(f"au plus {number(population)}", False,
                       "Inventaire partiel : d'après les lieux recensés seulement. Des lieux non "
                       "recensés ne peuvent qu'être plus proches : le nombre réel est inférieur "
                       "ou égal.")
    return Wording("non calculé", False,
                   "Inventaire non déclaré complet pour au moins un des types choisis : "
                   "l'absence de lieu recensé n'est pas l'absence de service, aucun chiffre "
                   "n'est donné. Un gestionnaire déclare l'inventaire sur la page Gestion.")


def guard_profile(profile, status: str):  # noqa: ANN001, ANN201 (pandas, kept import-free)
    """A territory profile whose "people beyond" rows say no more than ``status`` allows.

    ``profile`` is :func:`geo.profile.territory_profile`; its ``beyond_*`` rows measure the
    distance to a permanence, so ``status`` is the permanences' inventory statement. Complete:
    unchanged. Partial: the values stay, the note says they are an upper bound. Unknown: the
    values are removed (NaN) and the note says why.
    """
    out = profile.copy()
    rows = [k for k in out.index if str(k).startswith("beyond_")]
    if status == "complete" or not rows:
        return out
    if status == "partial":
        out.loc[rows, "note"] = ("au plus ce nombre : inventaire des permanences partiel, "
                                 "d'après les lieux recensés")
        return out
    for col in ("territoire", "departement", "part_territoire", "part_departement"):
        out.loc[rows, col] = float("nan")
    out.loc[rows, "note"] = ("non calculé : inventaire des permanences non déclaré complet "
                             "(l'absence de lieu recensé n'est pas l'absence de service)")
    return out
