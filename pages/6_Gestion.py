"""Gestion: add, edit, import, restore, history and backup (gestionnaires only).

Anyone else gets a login form and the page stops there, before any restricted data is read.
"""

import streamlit as st

from components import auth, gestionviews, page

filters = page.setup("Gestion des données", with_categories=False)
auth.require("gestionnaire")  # st.stop() unless gestionnaire
user = auth.current_user()

gestionviews.show_message()
edit, upload, stock, log, bin_, save = st.tabs(
    ["Ajouter ou modifier", "Importer un fichier", "Inventaire", "Historique", "Corbeille",
     "Sauvegarde"])
with edit:
    gestionviews.edit_service(filters.dep, user)
with upload:
    gestionviews.import_file(user)
with stock:
    gestionviews.inventory_form(filters.dep, user)
with log:
    gestionviews.history()
with bin_:
    gestionviews.deleted(user)
with save:
    gestionviews.backup_and_exports()
