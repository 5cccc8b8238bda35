"""Streamlit blocks of the "Données" page: freshness and quality of the listings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, mapviews, panels
from components.formatting import number

LEVELS = {"arr": "Arrondissement", "epci_siren": "EPCI"}


def quality_figures(figures: dict[str, int]) -> None:
    """The quality counts as metrics (one row)."""
    shown = {k: v for k, v in figures.items() if k != "services"}
    for col, (label, value) in zip(st.columns(len(shown)), shown.items(), strict=True):
        col.metric(label.capitalize(), number(value))
    st.caption(f"Sur {figures['services']} service(s). Les hébergements secrets ne sont pas "
               "comptés comme « sans téléphone » ni « sans horaires » : ils n'en publient pas.")


def freshness(counts: dict[str, int]) -> None:
    """Freshness counts, with the never-checked rows said plainly."""
    for col, (label, value) in zip(st.columns(len(counts)), counts.items(), strict=True):
        col.metric(label.capitalize(), number(value))
    never = counts.get("jamais vérifié", 0)
    if never:
        st.warning(f"{number(never)} service(s) n'ont jamais été vérifiés : ils viennent des "
                   "plans départementaux ou des couches nationales (annuaire service-public.fr "
                   "de février 2016, hôpitaux FINESS de mars 2020) et personne ne les a "
                   "confirmés sur le terrain. Une vérification se note sur la page Gestion "
                   "(date de vérification).")


def by_territory(role: str, dep: str) -> None:
    """Freshness per arrondissement or EPCI."""
    level = st.radio("Par", list(LEVELS), format_func=LEVELS.get, horizontal=True,
                     key="data_level")
    st.dataframe(data.freshness_by_territory(role, dep, level), hide_index=True,
                 width="stretch")
    with st.container(key="fraicheur-carte"):
        st.iframe(data.freshness_map_html(role, dep), height=420)
    panels.legend(mapviews.freshness_legend())
    st.caption("Part des services de chaque arrondissement (placés par leur commune) qui n'ont "
               "pas été vérifiés depuis 12 mois ou jamais.")


def _highlight(row: pd.Series) -> list[str]:
    colour = "background-color: #fde2e1" if row["Mois"] != row["Mois"] or row["Mois"] >= 12 \
        else "background-color: #fff4d6"
    return [colour] * len(row)


def to_check(table: pd.DataFrame) -> None:
    """Services to check: 6 months and more in amber, 12 months and never in red."""
    if table.empty:
        st.success("Tous les services ont été vérifiés il y a moins de 6 mois.")
        return
    st.dataframe(table.style.apply(_highlight, axis=1), hide_index=True,
                 width="stretch",
                 column_config={"Mois": st.column_config.NumberColumn("Mois", format="%d")})


def quality_lists(lists: dict[str, pd.DataFrame]) -> None:
    """Rows to fix: schedules the app cannot read, likely duplicates, point precision."""
    st.markdown("##### Horaires que l'application ne sait pas lire")
    st.dataframe(lists["horaires"], hide_index=True, width="stretch")
    st.markdown("##### Doublons probables (même structure, même commune, noms proches)")
    if lists["doublons"].empty:
        st.caption("Aucun.")
    else:
        st.dataframe(lists["doublons"], hide_index=True, width="stretch")
    st.markdown("##### Précision des points sur la carte")
    st.dataframe(lists["précision"], hide_index=True)
