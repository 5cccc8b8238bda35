"""Streamlit blocks of the "Gestion" page: edit form, import, history, bin, backup.

No caching here (the gestionnaire must see the database as it is); every save clears the
listings caches (:func:`components.data.clear_listings_caches`) so that maps and directory
show the change. Texts from the data are shown in tables or as plain text, never as HTML;
every message that quotes a file, a user or the database goes through
:func:`components.formatting.plain`. A change of confidentiality or category of a stored
service is listed apart and saved only once its checkbox is ticked.
"""

from __future__ import annotations

import hashlib
import json
from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from components import data, exports, maps, uploads
from components.formatting import plain
from geo import completeness
from geo.schema import CATEGORIES, CONFIDENTIALITY, SECRET_CATEGORIES, STATUS_LABELS
from store import backup, imports
from store import exports as store_exports
from store import inventory as store_inventory
from store import services as store
from store.services import StoreError

NEW = "— nouveau service —"
ACTIONS = {"create": "créé", "update": "modifié", "delete": "supprimé", "restore": "restauré"}
_TEXT = {"name": "Nom *", "subcategory": "Description courte", "operator": "Structure",
         "place": "Lieu d'accueil (France services, mairie…)", "address": "Adresse",
         "postcode": "Code postal", "commune": "Commune (nom)", "insee": "Code INSEE",
         "catchment": "Territoire desservi (codes dep:62, arr:621, epci:…)",
         "schedule": "Horaires", "phone": "Téléphone", "website": "Site web",
         "audience": "Public accueilli", "capacity": "Capacité", "capacity_unit": "Unité",
         "notes": "Notes"}


def _forget_form() -> None:
    """Drop the form's values and loaded version: the next display reads the database again."""
    for key in [k for k in st.session_state if str(k).startswith("f_")]:
        del st.session_state[key]
    for key in ("edit_loaded", "edit_preview"):
        st.session_state.pop(key, None)


def _saved(message: str) -> None:
    data.clear_listings_caches()
    _forget_form()
    st.session_state.pop("import_preview", None)
    st.session_state["gestion_message"] = message


def show_message() -> None:
    """The confirmation of the last save, once."""
    if "gestion_message" in st.session_state:
        st.success(st.session_state.pop("gestion_message"))  # built with plain() ids


def _choose(dep: str) -> dict | None:
    live = data.services("gestionnaire")
    live = live[live["dep"] == dep].sort_values("name")
    labels = {f"{n} ({i})": i for n, i in zip(live["name"], live["id"], strict=True)}
    label = st.selectbox("Service à modifier", [NEW, *labels], key="edit_choice")
    if label == NEW:
        return None
    row = store.get(data.engine(), labels[label])
    loaded = st.session_state.get("edit_loaded")
    if not loaded or loaded[0] != row["id"]:  # the version the form was filled from
        st.session_state["edit_loaded"] = (row["id"], row["version"])
    return row


def _form(row: dict | None, dep: str) -> dict | None:
    row = row or {}
    suffix = row.get("id", "nouveau")
    with st.form(f"service-{suffix}"):
        values = {k: st.text_input(label, row.get(k, ""), key=f"f_{k}_{suffix}")
                  for k, label in _TEXT.items()}
        codes = [c for c in CATEGORIES if c != "france_services"]
        values["category"] = st.selectbox(
            "Catégorie", codes, codes.index(row["category"]) if row.get("category") in codes else 0,
            format_func=lambda c: CATEGORIES[c].label, key=f"f_category_{suffix}")
        values["confidentiality"] = st.selectbox(
            "Confidentialité", CONFIDENTIALITY,
            CONFIDENTIALITY.index(row.get("confidentiality") or "public"),
            key=f"f_conf_{suffix}", help="« secret » : hébergement, jamais localisé.")
        values["status"] = st.selectbox(
            "Statut", list(STATUS_LABELS),
            list(STATUS_LABELS).index(row.get("status") or "existing"),
            format_func=STATUS_LABELS.get, key=f"f_status_{suffix}")
        checked = st.date_input(
            "Dernière vérification", value=None, key=f"f_checked_{suffix}", format="DD/MM/YYYY",
            help=f"Actuelle : {row.get('last_checked') or 'jamais'}")
        values["remote"] = "true" if st.checkbox("À distance (ligne d'écoute, chat)",
                                                 row.get("remote") == "true",
                                                 key=f"f_remote_{suffix}") else "false"
        if not st.form_submit_button("Vérifier et prévisualiser"):
            return None
    values["last_checked"] = checked.isoformat() if checked else row.get("last_checked", "")
    keep = ("id", "source_document", "source_line", "source_year")
    if row.get("precision") == "adresse":  # a point measured at the address is kept
        keep += ("lat", "lon", "precision")
    return {**{k: row.get(k, "") for k in keep}, "dep": row.get("dep") or dep, **values}


def _map(service: dict) -> None:
    if not service.get("lat") or service["category"] in SECRET_CATEGORIES:
        st.caption("Pas de point sur la carte (service secret ou sans lieu unique).")
        return
    point = pd.DataFrame([service]).assign(lat=float(service["lat"]), lon=float(service["lon"]))
    m = maps.new_map(location=(point["lat"][0], point["lon"][0]), zoom_start=13)
    maps.service_points_layer(point, name="Aperçu").add_to(m)
    st_folium(m, key="gestion-apercu", returned_objects=[], height=320, use_container_width=True)


def _show_preview(result: imports.Preview) -> None:
    counts = result.counts()
    cols = st.columns(len(counts))
    for col, (state, n) in zip(cols, counts.items(), strict=True):
        col.metric(state.capitalize(), n)
    for note in result.notes:
        st.caption(plain(note))
    if result.all_errors:
        st.error(f"{len(result.all_errors)} erreur(s) : rien ne sera enregistré.")
        st.dataframe(pd.DataFrame({"Erreur": result.all_errors}), hide_index=True,
                     width="stretch")
    st.dataframe(result.table(), hide_index=True, width="stretch")


def _confirmed(result: imports.Preview, key: str) -> bool:
    """List the changes of confidentiality or category apart; True once they are confirmed."""
    if not result.sensitive or result.all_errors:
        return True
    st.warning(f"{len(result.sensitive)} service(s) changent de confidentialité ou de "
               "catégorie. Un hébergement secret rendu public montrerait son lieu : vérifier "
               "chaque ligne ci-dessous.")
    st.dataframe(result.sensitive_table(), hide_index=True, width="stretch")
    return st.checkbox("Je confirme ces changements de confidentialité ou de catégorie",
                       key=key)


def _save(result: imports.Preview, user: str, loaded: tuple | None,
          confirmed: bool = False) -> None:
    if loaded:
        for row in result.rows:
            if row.service.get("id") == loaded[0] and row.expected_version is not None:
                row.expected_version = loaded[1]  # concurrency from the moment the form loaded
    try:
        counts = imports.apply(data.engine(), result, user, confirm_sensitive=confirmed)
    except StoreError as err:
        st.error(plain(err))
        st.button("Recharger le service depuis la base", on_click=_forget_form, key="reload")
        return
    _saved(f"Enregistré : {counts['nouveau']} nouveau(x), {counts['modifié']} modifié(s).")
    st.rerun()


def edit_service(dep: str, user: str) -> None:
    """Add or edit a service with the importer's checks, preview it on a map, save or delete."""
    row = _choose(dep)
    record = _form(row, dep)
    if record is not None:
        # a "nouveau service" is always new: never matched to a service by commune and name
        st.session_state["edit_preview"] = imports.preview_records(
            data.engine(), [record], data.reference(), match=row is not None)
    result = st.session_state.get("edit_preview")
    if result is not None and result.rows:
        _show_preview(result)
        if not result.all_errors:
            _map(result.rows[0].service)
        confirmed = _confirmed(result, "edit_confirm")
        if result.ok and st.button("Enregistrer", type="primary", key="edit_save",
                                   disabled=not confirmed):
            _save(result, user, st.session_state.get("edit_loaded"), confirmed)
    if row is not None and st.button("Supprimer ce service", key="edit_delete"):
        try:
            store.delete(data.engine(), row["id"], st.session_state["edit_loaded"][1], user)
        except StoreError as err:
            st.error(plain(err))
            return
        _saved(f"Service « {plain(row['id'])} » supprimé (restaurable dans la corbeille).")
        st.rerun()


def import_file(user: str) -> None:
    """Upload a CSV/XLSX/JSON file, preview every row, save all or nothing."""
    upload = uploads.file_uploader("Fichier CSV, XLSX ou JSON (5 Mo, 20 000 lignes au plus)",
                              type=["csv", "txt", "xlsx", "json"], key="import_file")
    if upload is None:
        return
    raw = upload.getvalue()
    digest = hashlib.sha256(raw).hexdigest()
    cached = st.session_state.get("import_preview")
    if not cached or cached[0] != digest:
        cached = (digest, imports.preview(data.engine(), upload.name, raw, data.reference()))
        st.session_state["import_preview"] = cached
    _show_preview(cached[1])
    confirmed = _confirmed(cached[1], "import_confirm")
    if cached[1].ok and st.button("Enregistrer tout", type="primary", key="import_save",
                                  disabled=not confirmed):
        _save(cached[1], user, None, confirmed)


def _changed(before: str | None, after: str | None) -> str:
    old, new = json.loads(before or "{}"), json.loads(after or "{}")
    return ", ".join(k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k))


def history() -> None:
    """The latest changes: when, who, which service, what changed."""
    wanted = st.text_input("Identifiant du service (vide : tous)", key="history_id").strip()
    log = store.history(data.engine(), wanted or None, limit=300)
    if log.empty:
        st.info("Aucun changement enregistré.")
        return
    st.dataframe(pd.DataFrame({
        "Quand": log["at"].map(store.french_time), "Qui": log["who"],
        "Service": log["service_id"], "Action": log["action"].map(ACTIONS),
        "Colonnes modifiées": [_changed(b, a) if act == "update" else ""
                               for b, a, act in zip(log["before"], log["after"], log["action"],
                                                    strict=True)],
    }), hide_index=True, width="stretch")


def deleted(user: str) -> None:
    """Deleted services, restorable one by one (identical to what they were)."""
    bin_ = store.deleted_services(data.engine())
    if bin_.empty:
        st.info("La corbeille est vide.")
        return
    labels = {f"{n} ({i}), supprimé par {b}": (i, v) for n, i, b, v in
              zip(bin_["name"], bin_["id"], bin_["updated_by"], bin_["version"], strict=True)}
    label = st.selectbox("Service supprimé", list(labels), key="bin_choice")
    if st.button("Restaurer", key="bin_restore"):
        try:
            store.restore(data.engine(), *labels[label], user)
        except StoreError as err:
            st.error(plain(err))
            return
        _saved(f"Service « {plain(labels[label][0])} » restauré.")
        st.rerun()


def backup_and_exports() -> None:
    """Downloads: logical backup (services and history) and exports of the whole dataset.

    Each file is made only when its button is pressed (a callable), never at every rerun:
    with the national layers the whole dataset is about 9,500 services.
    """
    engine = data.engine()
    st.download_button("Sauvegarde complète (JSON : services et historique)",
                       partial(backup.dump_json, engine), "carto-vif-sauvegarde.json",
                       "application/json")
    st.caption("Restauration : `python -m store restore FICHIER` (remplace tout, comptes gardés).")

    def export(make) -> bytes:  # noqa: ANN001
        return make(store.read_services(engine))

    st.download_button("Export CSV", partial(export, exports.to_csv_bytes), "annuaire.csv",
                       "text/csv")
    st.download_button("Export XLSX",
                       partial(export, partial(exports.to_xlsx_bytes, sheet="Annuaire")),
                       "annuaire.xlsx")
    st.download_button("Export JSON (noms data·inclusion)",
                       partial(export, store_exports.to_json_bytes), "annuaire.json",
                       "application/json")


def inventory_form(dep: str, user: str) -> None:
    """Say, per category, whether the département's inventory of places is complete.

    Every gap figure is worded from it (:mod:`geo.completeness`): complete → a fact; partial →
    an upper bound "d'après les lieux recensés"; unknown → no figure. Categories fed by a
    national layer are complete as of its vintage unless a gestionnaire says otherwise.
    """
    said, listed = data.inventory(dep), data.listed_categories(dep)
    st.markdown("Pour chaque type, l'inventaire des lieux de ce département est-il complet ? "
                "Les chiffres de « Zones blanches », « Mon territoire » et des fiches en "
                "dépendent : complet, un chiffre ; partiel, « au plus » d'après les lieux "
                "recensés ; inconnu, aucun chiffre.")
    chosen = {}
    for code, category in CATEGORIES.items():
        if code in SECRET_CATEGORIES:
            continue
        current = completeness.statement_of(code, said, listed)
        who = (current.who if current.who == completeness.LISTED_DEFAULT
               else f"selon {current.who}, {current.at[:10]}" if current.who
               else "personne ne l'a déclaré")
        cols = st.columns([2, 2, 3])
        cols[0].markdown(plain(category.plural))
        chosen[code] = cols[1].selectbox(
            f"Inventaire : {category.plural}", list(completeness.STATUSES),
            index=completeness.STATUSES.index(current.status),
            format_func=completeness.STATUS_LABELS.get, key=f"inv_{code}",
            label_visibility="collapsed")
        cols[2].caption(plain(who))
    note = st.text_input("Sur quoi repose cette déclaration ? (facultatif)", key="inv_note",
                         max_chars=500)
    changed = {c: s for c, s in chosen.items()
               if s != completeness.statement_of(c, said, listed).status}
    if st.button("Enregistrer les déclarations", key="inv_save", disabled=not changed):
        try:
            for code, status in changed.items():
                store_inventory.declare(data.engine(), dep, code, status, user, note)
        except StoreError as err:
            st.error(plain(err))
            return
        _saved(f"Inventaire enregistré : {len(changed)} type(s) déclaré(s).")
        st.rerun()
