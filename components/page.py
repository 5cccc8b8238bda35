"""One ``setup()`` for every page: config, navigation, quick exit, database check, filters.

When the database is unavailable (a SQLite file unreadable or lost, PostgreSQL down) every
page shows the same French message and stops; the details (file, host, error) go to the
server log (logger ``carto_vif.page``), never to the browser. With
``client.showErrorDetails = "none"`` (``.streamlit/config.toml``) any other uncaught error
shows Streamlit's generic text, without message, type or traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from components import data, filters, safety, uploads
from components.formatting import plain
from store.db import PUBLIC_MESSAGE, DatabaseUnavailable

ROOT = Path(__file__).resolve().parents[1]
LOG = logging.getLogger("carto_vif.page")

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


def database_or_stop() -> None:
    """Stop the page with a French message (details in the server log) if the database fails."""
    try:
        data.check_database()
    except DatabaseUnavailable as err:
        LOG.error("Base de données indisponible : %s", err, exc_info=err.__cause__)
        st.error(plain(PUBLIC_MESSAGE))
        if err.backup is not None:
            st.caption(plain(f"Pour la ou le gestionnaire : la base n'est pas recréée "
                             f"automatiquement. Dernière sauvegarde : « {err.backup.name} » "
                             "(python -m store restore)."))
        st.stop()


def setup(title: str, with_categories: bool = True) -> filters.Filters:
    """Configure the page, draw navigation, quick exit and filters; return the filters.

    Stops the page (:func:`database_or_stop`) when the database is unavailable.
    """
    st.set_page_config(page_title=f"{title} – Carto-VIF", layout="wide")
    uploads.install()
    safety.quick_exit()
    _navigation()
    database_or_stop()
    chosen = filters.sidebar(with_categories=with_categories)
    st.sidebar.caption(PRIVACY_NOTE)
    st.title(title)
    return chosen
