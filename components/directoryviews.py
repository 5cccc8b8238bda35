"""Streamlit blocks of the "Annuaire" page: near her, filters, table, exports, map, print."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import partial
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from components import auth, data, exports, printview, tables
from components.filters import Filters
from components.formatting import plain
from geo.directory import AUDIENCES, DirectoryFilters
from geo.schema import CATEGORIES, NATIONAL_LINES, STATUS_LABELS

PARIS = ZoneInfo("Europe/Paris")
#: Contacts as links: phone numbers open the dialer, web sites a new tab.
CONTACT_COLUMNS = {
    "Téléphone": st.column_config.LinkColumn("Téléphone", display_text=r"tel:(.*)"),
    "Site": st.column_config.LinkColumn("Site"),
}


def now() -> dt.datetime:
    """The current time in Paris, naive (schedules are local times)."""
    return dt.datetime.now(PARIS).replace(tzinfo=None)


#: Streamlit's English "Press Enter to apply" under the search field: hidden (constant CSS).
_HIDE_INPUT_HINT = ("<style>.st-key-near-her-search [data-testid='InputInstructions']"
                    "{display:none}</style>")
SEARCH_LABEL = "Commune où elle vit (nom ou code postal)"


def _chosen_unit(dep: str) -> str | None:
    """Search field → the map unit of her commune: at once when sure, else her choice."""
    with st.container(key="near-her-search"):
        st.html(_HIDE_INPUT_HINT)
        query = st.text_input(SEARCH_LABEL, key="near_her_query",
                              placeholder="Ex. : Béthune, St Pol sur Ternoise, 62000")
    found = data.commune_search(query, dep)
    if not query.strip():
        st.caption("Nom avec ou sans accents, « St » pour Saint, ancienne commune ou code "
                   "postal : toute la France. La recherche n'est jamais écrite dans "
                   "l'adresse de la page.")
        return None
    if not found.candidates:
        st.warning(plain(f"Aucune commune trouvée pour « {query.strip()} ». Vérifiez "
                         "l'orthographe ou tapez le code postal."))
        return None
    if found.direct:
        st.success(plain(f"Commune : {found.candidates[0].label}"))
        if len(found.candidates) > 1:
            others = " ; ".join(c.label for c in found.candidates[1:])
            st.caption(plain(f"Même nom ailleurs : {others}. Pour l'une d'elles, ajoutez le "
                             "code postal au nom."))
        return found.candidates[0].unit
    labels = {c.unit: c.label for c in found.candidates}
    more = found.total - len(labels)
    question = ("Vouliez-vous dire :" if found.how == "fuzzy" else
                f"{found.total} communes possibles, laquelle ?")
    # One radio per search text: a new search never keeps a choice made for another one.
    key = "near_her_choice_" + hashlib.sha1(query.strip().lower().encode()).hexdigest()[:10]
    unit = st.radio(question, list(labels), format_func=labels.get, index=None, key=key)
    if more > 0:
        st.caption(f"… et {more} autres : précisez le nom ou tapez le code postal.")
    return unit


def _national_lines() -> None:
    """The national lines, 3919 first, as tappable numbers (constants, never data)."""
    with st.container(border=True, key="near-her-national"):
        st.markdown("**Toujours joignables, gratuits :**")
        for shown, label, hours, digits in NATIONAL_LINES:
            st.markdown(f"[**{plain(shown)}**](tel:{re.sub(r'[^0-9]', '', digits)}) "
                        f"{plain(label)} · {plain(hours)}")


def _card(card: pd.Series) -> None:
    """One place: type and distance, name, phone buttons, schedule, place, source."""
    with st.container(border=True):
        st.caption(plain(" · ".join(t for t in (card["type"], card["distance"]) if t)))
        st.markdown(f"**{plain(card['name'])}**")
        numbers = tables.phone_numbers(card["phone"])
        for shown, link in numbers:
            st.link_button(f"Appeler le {shown}", link, icon=":material/call:")
        lines = [] if numbers else [f"Téléphone : {card['phone'] or tables.NOT_GIVEN}"]
        if card["next"]:
            lines.append(f"Prochaine séance : {card['next']}")
        lines += [f"Horaires : {card['schedule']}", f"Lieu : {card['where']}"]
        st.markdown("  \n".join(plain(line) for line in lines))  # one block: a compact card
        st.caption(plain(f"Source : {card['source']} · {card['checked']}"))


def _cards(rows: pd.DataFrame, notice: str) -> None:
    """A card per row, or a French notice when there is none."""
    if rows.empty:
        st.info(notice)
    for _, card in tables.card_rows(rows, now()).iterrows():
        _card(card)


def _tables(found: dict[str, pd.DataFrame]) -> None:
    """The four tables of the desktop view (the exports use the same tables)."""
    places = tables.near_places_table(found["places"], now())
    st.markdown("##### Lieux les plus proches, par type (distance à vol d'oiseau, "
                f"{tables.NEAR_MAX_KM:.0f} km au plus)")
    st.dataframe(places, hide_index=True, width="stretch", column_config=CONTACT_COLUMNS)
    st.markdown("##### Gendarmerie, police, droits, aide aux victimes, hôpital : le plus "
                "proche de chaque type")
    st.dataframe(tables.general_places_table(found["general"]), hide_index=True,
                 width="stretch", column_config=CONTACT_COLUMNS)
    st.caption(NATIONAL_SOURCES)
    st.markdown("##### Services qui couvrent la commune sans lieu public")
    st.dataframe(tables.zone_services_table(found["zones"]), hide_index=True, width="stretch",
                 column_config=CONTACT_COLUMNS)
    st.markdown("##### À distance, toujours joignables")
    st.dataframe(tables.remote_table(found["remote"]), hide_index=True, width="stretch",
                 column_config=CONTACT_COLUMNS)


NATIONAL_SOURCES = ("Sources nationales : annuaire de l'administration (service-public.fr, "
                    "février 2016) et FINESS (mars 2020). Jamais vérifiées sur le terrain : "
                    "appeler avant d'orienter. Les tribunaux gardent leur nom de 2016.")


def near_her(filters: Filters) -> None:
    """Commune search → national lines, then the nearest places as cards (or tables)."""
    unit = _chosen_unit(filters.dep)
    if unit is None:
        return
    role = auth.current_role()
    found = data.near_her(filters.dep, unit, role)
    _national_lines()
    if st.toggle("Voir en tableau", key="near_her_tables"):
        _tables(found)
        return
    listings = data.services(role)
    st.markdown(f"##### Lieux les plus proches (à vol d'oiseau, "
                f"{tables.NEAR_MAX_KM:.0f} km au plus)")
    _cards(tables.with_sources(tables.near_places_rows(found["places"]), listings),
           "Aucun lieu recensé à moins de 100 km.")
    st.markdown("##### Gendarmerie, police, droits, aide aux victimes, hôpital")
    _cards(found["general"], "Aucun lieu national recensé à moins de 100 km.")
    st.caption(NATIONAL_SOURCES)
    st.markdown("##### Services qui couvrent la commune sans lieu public")
    _cards(found["zones"], "Aucun service sans lieu public connu pour cette commune.")
    others = found["remote"][~tables.phone_link(found["remote"]["phone"]).isin(
        [f"tel:{digits}" for *_, digits in NATIONAL_LINES])]
    if not others.empty:
        st.markdown("##### Autres services à distance")
        _cards(others, "")


def directory_filters(filters: Filters) -> DirectoryFilters:
    """Draw the directory's filters (combined) and return them as a frozen value."""
    territories = data.territory_choices(filters.dep)
    cols = st.columns(3)
    categories = cols[0].multiselect("Types", [c for c in CATEGORIES if c != "france_services"],
                                     format_func=lambda c: CATEGORIES[c].plural, key="dir_types",
                                     placeholder="Tous les types")
    territory = cols[1].selectbox("Territoire", list(territories), key="dir_territory")
    audiences = cols[2].multiselect("Public", list(AUDIENCES), key="dir_audience",
                                   placeholder="Tous les publics")
    cols = st.columns([1, 2])
    statuses = cols[0].multiselect("Statut", list(STATUS_LABELS), format_func=STATUS_LABELS.get,
                                   default=["existing", "unknown"], key="dir_status",
                                   placeholder="Tous les statuts")
    text = cols[1].text_input("Recherche (nom, opérateur, commune)", key="dir_text")
    return DirectoryFilters(tuple(categories), territories[territory], tuple(audiences),
                            tuple(statuses), text)


def _print_page(rows: pd.DataFrame, subtitle: str, one_per_page: bool) -> bytes:
    return printview.directory_html(rows, "Annuaire – Carto-VIF", subtitle,
                                    one_per_page).encode("utf-8")


def directory_table(filters: Filters, chosen: DirectoryFilters) -> pd.DataFrame:
    """Show the filtered directory with its sentence and exports; return the shown table."""
    rows = data.filtered_directory(filters.dep, chosen, auth.current_role())
    st.caption(chosen.describe(len(rows)))
    shown = tables.directory_table(rows, now())
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config=CONTACT_COLUMNS)
    plain = tables.plain_contacts(shown)
    cols = st.columns(4)
    # Files are made only when asked for (callables), not at every rerun of the page.
    cols[0].download_button("CSV (Excel)", partial(exports.to_csv_bytes, plain),
                            f"annuaire-{filters.dep}.csv", "text/csv", key="dir-csv")
    cols[1].download_button(
        "XLSX", partial(exports.to_xlsx_bytes, plain, "Annuaire"), f"annuaire-{filters.dep}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dir-xlsx")
    printable = tables.print_rows(rows, now())
    for col, per_page, label in ((cols[2], False, "Liste imprimable"),
                                 (cols[3], True, "Une fiche par page")):
        col.download_button(
            label, partial(_print_page, printable, chosen.describe(len(rows)), per_page),
            f"annuaire-{filters.dep}.html", "text/html", key=f"dir-print-{per_page}")
    return rows
