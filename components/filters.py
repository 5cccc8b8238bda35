"""The shared filters: département and categories, persisted across pages.

Widgets reset when the user changes page, so each widget has a private key
(``_dep``) copied into a lasting key (``dep``) on change: Option 2 of the
Streamlit multipage docs. URL state is a département code, validated against the
known codes; nothing else from the URL is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components import data
from components.formatting import plain
from geo.schema import CATEGORIES, PLACE_FAMILIES, SECRET_CATEGORIES, SPECIALISED_CATEGORIES

DEFAULT_DEP = "62"
DEP_KEY = "dep"
CATEGORIES_KEY = "categories"
#: Categories selected by default on maps: the services specialised in violence.
DEFAULT_CATEGORIES = SPECIALISED_CATEGORIES


@dataclass(frozen=True)
class Filters:
    """What the user chose: a département and the service categories to show."""

    dep: str
    categories: tuple[str, ...]


def _keep(name: str) -> None:
    st.session_state[name] = st.session_state[f"_{name}"]
    if name == DEP_KEY:
        st.query_params["dep"] = st.session_state[name]


def _initial_dep(known: dict[str, str]) -> str:
    """The département from session state, else from ``?dep=`` if valid, else the default."""
    if st.session_state.get(DEP_KEY) in known:
        return st.session_state[DEP_KEY]
    asked = st.query_params.get("dep", "")
    if asked and asked not in known:
        st.warning(f"Département « {plain(asked[:10])} » inconnu : affichage du {DEFAULT_DEP}.")
    return asked if asked in known else DEFAULT_DEP


def departement_choice() -> str:
    """Draw the département selector in the sidebar and return the chosen code."""
    known = data.departement_names()
    st.session_state[DEP_KEY] = _initial_dep(known)
    st.query_params["dep"] = st.session_state[DEP_KEY]
    st.session_state["_dep"] = st.session_state[DEP_KEY]
    st.sidebar.selectbox(
        "Département",
        list(known),
        key="_dep",
        format_func=lambda code: f"{code} – {known[code]}",
        on_change=_keep,
        args=(DEP_KEY,),
    )
    return st.session_state[DEP_KEY]


def family_of(categories: tuple[str, ...] | list[str]) -> str | None:
    """The :data:`geo.schema.PLACE_FAMILIES` code whose categories are exactly these, or None."""
    chosen = set(categories)
    return next((code for code, (_, cats) in PLACE_FAMILIES.items() if set(cats) == chosen), None)


def _keep_family() -> None:
    family = st.session_state["_family"]
    if family in PLACE_FAMILIES:
        st.session_state[CATEGORIES_KEY] = list(PLACE_FAMILIES[family][1])


def categories_choice() -> tuple[str, ...]:
    """Draw the family choice and the category multiselect; return the chosen codes."""
    choices = [c for c in CATEGORIES if c not in SECRET_CATEGORIES]
    st.session_state.setdefault(CATEGORIES_KEY, list(DEFAULT_CATEGORIES))
    st.session_state["_family"] = family_of(st.session_state[CATEGORIES_KEY])
    st.sidebar.radio(
        "Lieux mesurés", list(PLACE_FAMILIES), key="_family",
        format_func=lambda code: PLACE_FAMILIES[code][0], on_change=_keep_family,
        help="Services spécialisés : listings des plans, CIDFF, bureaux d'aide aux victimes. "
             "Lieux généraux : annuaire service-public.fr (2016), hôpitaux FINESS (2020), "
             "France services (2024). Les types ci-dessous affinent le choix.",
    )
    st.session_state["_categories"] = [
        c for c in st.session_state[CATEGORIES_KEY] if c in CATEGORIES
    ]
    st.sidebar.multiselect(
        "Types de ressources",
        choices,
        key="_categories",
        format_func=lambda code: CATEGORIES[code].plural,
        on_change=_keep,
        args=(CATEGORIES_KEY,),
        help="L'hébergement n'est jamais localisé : il est compté par commune ou territoire.",
        placeholder="Choisissez un ou plusieurs types",
    )
    return tuple(st.session_state[CATEGORIES_KEY])


def sidebar(with_categories: bool = True) -> Filters:
    """Draw the shared filters; their values survive a change of page."""
    dep = departement_choice()
    categories = categories_choice() if with_categories else tuple(DEFAULT_CATEGORIES)
    return Filters(dep=dep, categories=categories)
