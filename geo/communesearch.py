"""Find the map unit of the commune where someone lives, from a name or postcode as typed.

A social worker types what the woman says: "Bethune", "St Pol sur Ternoise", "Le Touquet",
"Hesdin" (a commune déléguée of Hesdin-la-Forêt since 2025), "62000", or a small typo.
:func:`search_communes` returns the candidates, never a silent first guess: the caller
answers directly only when :attr:`Search.direct` is true (one exact or whole-word match),
otherwise it lets the user choose. All of France is searched; the communes of the current
département come first.

Names are compared through :func:`geo.territories.normalise_name` (no accents, "St" →
"saint", hyphens and spaces alike, leading article dropped), the same key the geocoder uses.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from geo.geocode import KIND_RANK
from geo.territories import normalise_name as normalise

#: How a former or secondary name is shown before its current commune.
KIND_LABELS = {"deleguee": "commune déléguée", "associee": "commune associée",
               "ancienne": "ancienne commune", "arrondissement": "arrondissement"}
#: Smallest :class:`difflib.SequenceMatcher` ratio for a typo to be proposed.
FUZZY_CUTOFF = 0.8
_POSTCODE = re.compile(r"\b(\d{5})\b")
#: PLM arrondissement unit → its postcode: Paris 751NN → 750NN, Lyon 6938N → 6900N,
#: Marseille 132NN → 130NN (Paris 16e also has 75116).
_PLM_POSTCODE = (("751", "750"), ("6938", "6900"), ("132", "130"))


@dataclass(frozen=True)
class Candidate:
    """One commune (map unit) that a search may mean, with what tells it apart."""

    unit: str
    insee: str
    name: str
    current: str
    kind: str
    dep: str
    dep_name: str
    postcodes: tuple[str, ...]

    @property
    def current_name(self) -> bool:
        """True when the name found is a current commune's or an arrondissement's."""
        return self.kind in ("commune", "arrondissement")

    @property
    def label(self) -> str:
        """French label: "Hesdin, commune déléguée → Hesdin-la-Forêt (62, Pas-de-Calais – 62140)".

        Names of current communes and arrondissements are shown alone.
        """
        where = ", ".join(p for p in (self.dep, self.dep_name) if p)
        codes = ", ".join(self.postcodes[:3]) + (" …" if len(self.postcodes) > 3 else "")
        suffix = f"({where}{' – ' + codes if codes else ''})"
        if self.current_name or self.name == self.current:
            return f"{self.current} {suffix}"
        return f"{self.name}, {KIND_LABELS.get(self.kind, self.kind)} → {self.current} {suffix}"


@dataclass(frozen=True)
class Search:
    """The answer of :func:`search_communes`.

    ``how`` is ``""`` (empty query), ``postcode``, ``exact``, ``word`` (the query is the
    start of a name, whole words), ``prefix`` (start of a name), ``fuzzy`` (close spelling)
    or ``none``. ``total`` counts the candidates before ``limit``.
    """

    query: str
    candidates: tuple[Candidate, ...] = ()
    how: str = ""
    total: int = 0
    dep: str | None = None

    @property
    def direct(self) -> bool:
        """True when the search means one commune without doubt (the page answers at once).

        That is one exact, whole-word or postcode candidate; or a current commune of the
        département whose other candidates are only former or associated names elsewhere
        ("Beaune" in the Côte-d'Or, also a commune associée in Savoie): the page then
        answers and names the others.
        """
        if self.how not in ("exact", "word", "postcode") or not self.candidates:
            return False
        first, others = self.candidates[0], self.candidates[1:]
        return not others or (first.current_name and first.dep == self.dep and all(
            not o.current_name and o.dep != self.dep for o in others))


class CommuneIndex:
    """Every name of every commune, joined to its map units, ready to be searched.

    Parameters
    ----------
    names : pandas.DataFrame
        Commune names table: ``name``, ``insee``, ``kind``, ``dep``, ``postcodes``
        (``;``-joined).
    units : pandas.DataFrame
        Map units: ``unit``, ``insee``, ``nom`` and optionally ``population`` (used to
        order homonyms). Paris, Lyon and Marseille have one unit per arrondissement.
    departements : pandas.DataFrame, optional
        ``code``, ``nom``, for labels.

    Examples
    --------
    >>> names = pd.DataFrame({"name": ["Arras", "Dainville"], "insee": ["62041", "62263"],
    ...     "kind": ["commune", "commune"], "dep": ["62", "62"],
    ...     "postcodes": ["62000", "62000"]})
    >>> units = pd.DataFrame({"unit": ["62041", "62263"], "insee": ["62041", "62263"],
    ...     "nom": ["Arras", "Dainville"]})
    >>> len(CommuneIndex(names, units).rows)
    2
    """

    def __init__(self, names: pd.DataFrame, units: pd.DataFrame,
                 departements: pd.DataFrame | None = None) -> None:
        units = units.assign(population=units.get("population", 0))
        joined = names[["name", "insee", "kind", "dep", "postcodes"]].merge(
            pd.DataFrame(units[["unit", "insee", "nom", "population"]]), on="insee")
        per_insee = joined.groupby("insee")["unit"].transform("nunique")
        # A PLM arrondissement name keeps its own unit; the city's other names, all of them.
        keep = (per_insee == 1) | (joined["kind"] != "arrondissement") | (
            joined["name"] == joined["nom"])
        rows = joined[keep].copy()
        plm = rows["unit"] != rows["insee"]
        rows["postcodes"] = rows["postcodes"].fillna("").astype(str).where(
            ~plm, rows["unit"].map(_plm_postcode))
        rows["key"] = rows["name"].map(normalise)
        rows["rank"] = rows["kind"].map(KIND_RANK).fillna(9)
        deps = {} if departements is None else dict(
            zip(departements["code"], departements["nom"], strict=True))
        rows["dep_name"] = rows["dep"].map(deps).fillna("")
        self.rows = rows.reset_index(drop=True)
        self.keys = sorted(set(self.rows["key"]))


def _plm_postcode(unit: str) -> str:
    for unit_prefix, postcode_prefix in _PLM_POSTCODE:
        if unit.startswith(unit_prefix):
            code = postcode_prefix + unit[len(unit_prefix):]
            return code + (";75116" if code == "75016" else "")
    return ""


def search_communes(query: str, index: CommuneIndex, dep: str | None = None,
                    limit: int = 20) -> Search:
    """Return the communes ``query`` may name, those of ``dep`` first.

    Rules, in order, the first that finds something wins: a postcode (5 digits) gives every
    commune with it (with a name too, "62140 Hesdin", the name is searched among them);
    the exact name (current, délégué, associé, former, arrondissement); names that start
    with the query's whole words ("Le Touquet" → Le Touquet-Paris-Plage); names that start
    with the query; close spellings (``difflib`` ratio ≥ :data:`FUZZY_CUTOFF`).
    A commune reached by several names is one candidate (its best name).

    Parameters
    ----------
    query : str
        Text as typed: name with or without accents, hyphens, "St"/"Ste", article; postcode.
    index : CommuneIndex
    dep : str, optional
        Current département: its communes are listed first.
    limit : int
        Most candidates returned (``Search.total`` tells how many there were).

    Returns
    -------
    Search
        ``search.direct`` is true only for one exact (or whole-word) candidate.

    Examples
    --------
    >>> names = pd.DataFrame({"name": ["Hesdin-la-Forêt", "Hesdin", "Hesdin-l'Abbé"],
    ...     "insee": ["62447", "62447", "62448"], "kind": ["commune", "deleguee", "commune"],
    ...     "dep": ["62"] * 3, "postcodes": ["62140", "62140", "62360"]})
    >>> units = pd.DataFrame({"unit": ["62447", "62448"], "insee": ["62447", "62448"],
    ...     "nom": ["Hesdin-la-Forêt", "Hesdin-l'Abbé"]})
    >>> index = CommuneIndex(names, units)
    >>> found = search_communes("hesdin", index)
    >>> found.direct, found.candidates[0].label
    (True, 'Hesdin, commune déléguée → Hesdin-la-Forêt (62 – 62140)')
    >>> [c.current for c in search_communes("Hesdin-la-Foret", index).candidates]
    ['Hesdin-la-Forêt']
    >>> search_communes("Hesdn l abe", index).how, search_communes("  ", index).candidates
    ('fuzzy', ())
    """
    text = str(query or "").strip()
    if not text:
        return Search(text)
    rows, how = index.rows, ""
    postcode = _POSTCODE.search(text)
    if postcode:
        rows = rows[rows["postcodes"].str.contains(postcode.group(1), regex=False)]
        text = (text[:postcode.start()] + " " + text[postcode.end():]).strip()
        how = "postcode"
        if not text:
            rows = rows[rows["kind"].isin(["commune", "arrondissement"])]
            return _answer(query, rows, how, dep, limit)
    key = normalise(text)
    if not key:
        return Search(query, how="none")
    for name_how, found in (("exact", rows["key"] == key),
                            ("word", rows["key"].str.startswith(key + " ")),
                            ("prefix", rows["key"].str.startswith(key))):
        if found.any():
            return _answer(query, rows[found], how or name_how, dep, limit)
    keys = sorted(set(rows["key"])) if postcode else index.keys
    close = difflib.get_close_matches(key, keys, n=limit, cutoff=FUZZY_CUTOFF)
    if not close:
        return Search(query, how="none")
    order = {k: i for i, k in enumerate(close)}
    fuzzy = rows[rows["key"].isin(order)]
    return _answer(query, fuzzy.assign(_close=fuzzy["key"].map(order)), "fuzzy", dep, limit)


def _answer(query: str, rows: pd.DataFrame, how: str, dep: str | None, limit: int) -> Search:
    """Candidates ordered: closest spelling, the département, best kind, largest, name."""
    # A city's arrondissements share its population and follow one another in code order.
    rows = rows.assign(_away=rows["dep"] != dep, _close=rows.get("_close", 0),
                       _pop=-rows.groupby("insee")["population"].transform("sum").fillna(0))
    rows = rows.sort_values(["_close", "_away", "rank", "_pop", "unit", "name"], kind="stable")
    rows = rows.drop_duplicates("unit")
    candidates = tuple(
        Candidate(r.unit, r.insee, r.name, r.nom, r.kind, r.dep, r.dep_name,
                  tuple(p for p in str(r.postcodes).split(";") if p))
        for r in rows.head(limit).itertuples(index=False))
    return Search(query, candidates, how if candidates else "none", len(rows), dep)
