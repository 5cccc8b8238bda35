"""Streamlit blocks of the "Annuaire" page: near her, filters, table, exports, map, print."""

from __future__ import annotations

import datetime as dt
from functools import partial
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from components import auth, data, exports, printview, tables
from components.filters import Filters
from geo.directory import AUDIENCES, DirectoryFilters
from geo.schema import CATEGORIES, STATUS_LABELS

PARIS = ZoneInfo("Europe/Paris")
#: Contacts as links: phone numbers open the dialer, web sites a new tab.
CONTACT_COLUMNS = {
    "Téléphone": st.column_config.LinkColumn("Téléphone", display_text=r"tel:(.*)"),
    "Site": st.column_config.LinkColumn("Site"),
}


def now() -> dt.datetime:
    """The current time in Paris, naive (schedules are local times)."""
    return dt.datetime.now(PARIS).replace(tzinfo=None)


def near_her(filters: Filters) -> None:
    """Commune search → nearest places by type, services covering it, remote lines."""
    choices = data.commune_choices(filters.dep)
    label = st.selectbox(
        "Commune où elle vit (nom ou code postal)", list(choices), index=None,
        placeholder="Tapez un nom de commune ou un code postal…", key="near_her_commune",
    )
    if label is None:
        st.caption("Les communes déléguées et les anciennes communes mènent à leur commune "
                   "actuelle. La recherche n'est jamais écrite dans l'adresse de la page.")
        return
    found = data.near_her(filters.dep, choices[label], auth.current_role())
    places = tables.near_places_table(found["places"], now())
    st.markdown("##### Lieux les plus proches, par type (distance à vol d'oiseau, "
                f"{tables.NEAR_MAX_KM:.0f} km au plus)")
    st.dataframe(places, hide_index=True, width="stretch",
                 column_config=CONTACT_COLUMNS)
    st.markdown("##### Gendarmerie, police, droits, aide aux victimes, hôpital : le plus "
                "proche de chaque type")
    st.dataframe(tables.general_places_table(found["general"]), hide_index=True,
                 width="stretch", column_config=CONTACT_COLUMNS)
    st.caption("Sources nationales : annuaire de l'administration (service-public.fr, février "
               "2016) et FINESS (mars 2020). Jamais vérifiées sur le terrain : appeler avant "
               "d'orienter. Les tribunaux gardent leur nom de 2016.")
    st.markdown("##### Services qui couvrent la commune sans lieu public")
    zones = tables.zone_services_table(found["zones"])
    st.dataframe(zones, hide_index=True, width="stretch",
                 column_config=CONTACT_COLUMNS)
    st.markdown("##### À distance, toujours joignables")
    st.dataframe(tables.remote_table(found["remote"]), hide_index=True,
                 width="stretch", column_config=CONTACT_COLUMNS)


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
