"""Streamlit blocks shared by the map pages: threshold, legend, notices, clicked commune."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import data
from components.filters import Filters
from components.formatting import number
from geo.schema import CATEGORIES

THRESHOLD_KEY = "threshold_km"


def _keep_threshold() -> None:
    st.session_state[THRESHOLD_KEY] = st.session_state[f"_{THRESHOLD_KEY}"]


def threshold_slider() -> float:
    """Distance threshold (km), shared by the map pages."""
    st.session_state.setdefault(THRESHOLD_KEY, 15)
    st.session_state[f"_{THRESHOLD_KEY}"] = st.session_state[THRESHOLD_KEY]
    return float(
        st.slider(
            "Seuil de distance (km, à vol d'oiseau)", 5, 50, step=5,
            key=f"_{THRESHOLD_KEY}", on_change=_keep_threshold,
            help="Une commune est « au-delà » quand son point de population est à plus de "
            "cette distance du service le plus proche (ligne droite, pas le trajet routier).",
        )
    )


def legend(items: list[tuple[str, ...]]) -> None:
    """Draw a legend of (label, colour) squares or (label, colour, SVG path) symbols."""
    def mark(item: tuple[str, ...]) -> str:
        if len(item) > 2:
            return (f"<svg width='14' height='14' viewBox='0 0 20 20' style='margin:0 0.3em 0 "
                    f"0.9em;vertical-align:-2px'><path d='{item[2]}' fill='{item[1]}'/></svg>")
        return (f"<span style='display:inline-block;width:0.9em;height:0.9em;"
                f"background:{item[1]};border:1px solid #999;margin:0 0.3em 0 0.9em'></span>")
    marks = " ".join(mark(item) + html.escape(item[0]) for item in items)
    st.markdown(f"<div style='font-size:0.85em'>{marks}</div>", unsafe_allow_html=True)


def missing_locations(filters: Filters) -> None:
    """Say which chosen categories have no located place in the département, and why."""
    here = data.located_in_departement(filters.dep, filters.categories)
    absent = [c for c in filters.categories if c not in set(here["category"])]
    if not filters.categories:
        st.warning("Choisissez au moins un type de ressource dans le panneau de gauche.")
    if not absent:
        return
    labels = ", ".join(CATEGORIES[c].plural for c in absent)
    zoned = data.services_of_departement(filters.dep)
    zoned = zoned[zoned["category"].isin(absent) & (zoned["presence"] == "zone")]
    st.info(
        f"Aucun lieu localisé dans le département pour : {labels}. "
        + (f"{len(zoned)} service(s) de ces types couvrent le territoire sans lieu précis "
           "(secteur hachuré sur la carte ; les couleurs restent la distance au lieu localisé "
           "le plus proche). " if len(zoned) else "")
        + "L'absence de lieu recensé n'est pas l'absence de service : les plans "
        "départementaux ne nomment qu'une partie des lieux."
    )


def clicked_commune(filters: Filters, clicked: dict | None) -> None:
    """Show the figures of the commune the user clicked: population, nearest services."""
    point = clicked if isinstance(clicked, dict) and {"lat", "lng"} <= set(clicked) else None
    if not point:
        st.caption("Cliquez sur une commune de la carte pour voir ses services les plus proches.")
        return
    unit = data.unit_at(filters.dep, point["lat"], point["lng"])
    if unit is None:
        return
    row, nearest = data.commune_nearby(filters.dep, unit)
    st.markdown(f"#### {row['nom']} — {number(row['population'])} habitants (2023)")
    if nearest.empty:
        st.info("Aucun service localisé dans cette zone.")
    else:
        st.dataframe(nearest, hide_index=True, width="stretch")
    shelters = data.shelter_places_label(row["insee"])
    if shelters:
        st.caption(f"Hébergement spécialisé dans la commune : {shelters} (lieu confidentiel).")


def table_or_notice(table: pd.DataFrame, notice: str) -> None:
    """Show a table, or an information message when it is empty."""
    if table.empty:
        st.info(notice)
    else:
        st.dataframe(table, hide_index=True, width="stretch")
