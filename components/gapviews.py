"""Streamlit blocks of the "Zones blanches" page: figures, tables, simulation, suggestions."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from components import data, exports, mapviews
from components.filters import Filters
from components.formatting import number, percent, plain
from geo import completeness
from geo.schema import CATEGORIES

VINTAGE = "Population municipale 2023 (INSEE), communes au 1er janvier 2026 (COG 2026)"


def summary(filters: Filters, threshold: float) -> None:
    """Population and communes beyond the threshold, in total and by rural/urban class."""
    table = data.gap_summary(filters.dep, filters.categories, threshold)
    total = table.loc["toutes"]
    rural = table.loc["rurales"] if "rurales" in table.index else None
    status = data.inventory_status(filters.dep, filters.categories)
    worded = completeness.beyond_wording(int(total["population_beyond"]), threshold, status,
                                         number)

    def shown(population: float) -> str:
        return completeness.beyond_wording(int(population), threshold, status, number).value

    share = (percent(total["population_beyond"], total["population"])
             + f" de la population du département ; {number(total['communes_beyond'])} "
             "commune(s), secteurs des services sans lieu précis compris."
             if status != "unknown" else worded.explanation)
    cols = st.columns(4)
    cols[0].metric(f"Habitants à plus de {threshold:.0f} km d'un lieu localisé",
                   worded.value, help=share)
    cols[1].metric("dont dans le secteur d'un service sans lieu précis",
                   shown(total["population_in_catchment"]),
                   help=f"{number(total['communes_in_catchment'])} commune(s) : un service les "
                   "dessert, mais son lieu n'est pas connu. Chiffre indicatif, déjà compris "
                   "dans le nombre d'habitants à plus du seuil, jamais retranché.")
    known = data.known_services_count(filters.dep, filters.categories)
    cols[2].metric("Habitants sans aucun service connu des types choisis",
                   shown(total["population_uncovered"]) if known else "non calculé",
                   help=f"{number(total['communes_uncovered'])} commune(s) : au-delà du seuil "
                   "et hors du secteur de tout service sans lieu précis.")
    cols[3].metric("dont en commune rurale",
                   shown(rural["population_uncovered"] if rural is not None else 0))
    inventory_notice(filters, worded)
    if not known:
        st.warning(
            "Aucun service des types choisis n'est recensé pour ce département, ni localisé ni "
            "sans lieu précis : les distances ci-dessus mènent aux départements voisins et "
            "mesurent l'absence de données, pas l'absence de service."
        )
    st.caption(
        f"Numérateurs : habitants des communes dont le point de population est à plus de "
        f"{threshold:.0f} km (à vol d'oiseau) du lieu localisé le plus proche des types "
        "choisis, y compris hors du département (une commune à exactement "
        f"{threshold:.0f} km n'est pas au-delà). Qu'un service sans lieu précis dessert la "
        "commune ne la retire pas de ce chiffre : elle est comptée à part, « dont dans le "
        "secteur… », pour information ; « sans aucun service connu » = au-delà du seuil et "
        "hors de tout secteur. "
        f"Dénominateur : {number(total['population'])} habitants, "
        f"{number(total['communes'])} communes (Paris, Lyon, Marseille par arrondissement). "
        f"{VINTAGE}. {data.measured_origins(filters.dep, filters.categories)} "
        "Rural = niveaux 5 à 7 de la grille communale de densité INSEE 2024. Services en "
        "projet ou arrêtés exclus."
    )


def map_caption(threshold: float) -> None:
    """How to read the map of the units beyond the threshold."""
    st.caption(
        f"Rouge : commune dont le point de population est à plus de {threshold:.0f} km (à vol "
        "d'oiseau) du lieu localisé le plus proche des types choisis, même règle que les "
        f"chiffres ci-dessus (à exactement {threshold:.0f} km, elle n'est pas au-delà). "
        "Hachures bleues : secteur d'un service sans lieu précis (il dessert ces communes, son "
        "lieu n'est pas connu) ; une commune rouge et hachurée est au-delà du seuil et dans ce "
        f"secteur. Case « {mapviews.SECTOR_LAYER} » de la carte pour masquer les hachures."
    )


def inventory_notice(filters: Filters, worded: completeness.Wording) -> None:
    """Say how complete the inventory behind the figures is, per chosen category, and who said."""
    said, listed = data.inventory(filters.dep), data.listed_categories(filters.dep)
    lines = []
    for code in filters.categories:
        st_ = completeness.statement_of(code, said, listed)
        who = (f", {st_.who}" if st_.who == completeness.LISTED_DEFAULT
               else f", selon {st_.who} ({st_.at[:10]})" if st_.who
               else " (personne ne l'a déclaré)")
        lines.append(f"{CATEGORIES[code].plural} : {completeness.STATUS_LABELS[st_.status]}{who}")
    text = "Inventaire des lieux — " + " ; ".join(lines) + ". " + worded.explanation
    (st.caption if worded.fact else st.info)(plain(text))


def downloadable(table: pd.DataFrame, name: str, key: str) -> None:
    """Show a table with CSV (Excel français) and XLSX downloads of exactly what is shown."""
    st.dataframe(table, hide_index=True, width="stretch")
    cols = st.columns(2)
    # Files are made only when asked for (callables), not at every rerun of the page.
    cols[0].download_button("Télécharger (CSV)", partial(exports.to_csv_bytes, table),
                            f"{name}.csv", "text/csv", key=f"{key}-csv")
    cols[1].download_button(
        "Télécharger (XLSX)", partial(exports.to_xlsx_bytes, table), f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx",
    )


def territory_tables(filters: Filters, threshold: float) -> None:
    """Indicators by arrondissement and by EPCI, downloadable."""
    for level, title in (("arr", "Par arrondissement"), ("epci_siren", "Par EPCI")):
        st.markdown(f"#### {title}")
        table = data.territory_indicators(filters.dep, filters.categories, threshold, level)
        downloadable(table, f"zones-blanches-{filters.dep}-{level}", key=level)
    st.caption(
        "Un service « concerne » un territoire s'il y est tenu ou si son territoire desservi le "
        "recoupe. Heures, places et postes ne sont attribués à un territoire que si le service "
        "ne dessert que lui (un chiffre départemental n'est pas recompté par arrondissement). "
        "Heures par mois : horaires lisibles seulement. Référence hébergement : une place "
        f"familiale pour 10 000 habitants (Conseil de l'Europe). {VINTAGE}."
    )


def simulation(filters: Filters, threshold: float) -> None:
    """ "Et si…": add hypothetical permanences at host sites; population before and after."""
    sites = data.candidate_sites(filters.dep)
    labels = dict(zip(sites["id"], sites["label"], strict=True))
    chosen = st.multiselect("Sites hypothétiques (France services ou mairies)", list(labels),
                            format_func=labels.get, key="what_if_sites",
                            placeholder="Choisissez un ou plusieurs sites")
    if chosen:
        st.dataframe(data.what_if(filters.dep, filters.categories, threshold, tuple(chosen)),
                     hide_index=True, width="stretch")


def suggestion_list(filters: Filters, threshold: float) -> None:
    """The next N host sites that cover the most population beyond the threshold."""
    n = st.number_input("Nombre de sites à proposer", 1, 10, 5, key="suggestions_n")
    table = data.suggestions(filters.dep, filters.categories, threshold, int(n))
    if table.empty:
        st.info("Aucun site candidat ne rapproche d'habitants supplémentaires sous le seuil.")
        return
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(
        "Choix glouton (couverture maximale) : à chaque rang, le site (France services de "
        "2024 ou mairie) qui ramène le plus d'habitants sous le seuil, compte tenu des sites "
        "déjà choisis. C'est une approximation (au moins 63 % de l'optimum), pas une "
        "optimisation exacte ; la distance est à vol d'oiseau."
    )
