"""One ``setup()`` for every page: config, navigation, quick exit, shared filters."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components import filters, safety, uploads

ROOT = Path(__file__).resolve().parents[1]

#: Navigation, in order: (script path relative to the root, label). A page is listed
#: only when its file exists, so a link never leads nowhere.
NAVIGATION = (
    ("app.py", "Accueil"),
    ("pages/1_Carte.py", "Carte de couverture"),
    ("pages/2_Zones_blanches.py", "Zones blanches"),
    ("pages/3_Annuaire.py", "Annuaire"),
    ("pages/4_Mon_territoire.py", "Mon territoire"),
    ("pages/5_Donnees.py", "Données"),
    ("pages/6_Gestion.py", "Gestion"),
)


PRIVACY_NOTE = (
    "Sur un ordinateur partagé, naviguez en privé (Ctrl+Maj+N ou Ctrl+Maj+P) : rien ne restera "
    "dans l'historique. « Quitter rapidement » ou la touche Échap quittent le site."
)


def _navigation() -> None:
    for path, label in NAVIGATION:
        if (ROOT / path).exists():
            st.sidebar.page_link(path, label=label)


def setup(title: str, with_categories: bool = True) -> filters.Filters:
    """Configure the page, draw navigation, quick exit and filters; return the filters."""
    st.set_page_config(page_title=f"{title} – Carto-VIF", layout="wide")
    uploads.install()
    safety.quick_exit()
    _navigation()
    chosen = filters.sidebar(with_categories=with_categories)
    st.sidebar.caption(PRIVACY_NOTE)
    st.title(title)
    return chosen
