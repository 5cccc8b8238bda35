"""Blocks of the home page: key figures, listing provenance, sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.formatting import number, percent


def key_figures(summary: dict) -> None:
    """Draw the département's key figures as metrics."""
    cols = st.columns(4)
    cols[0].metric("Communes", number(summary["communes"]), help="COG au 1er janvier 2026.")
    cols[1].metric("Habitants", number(summary["population"]),
                   help="Population municipale 2023 (INSEE), en vigueur au 1er janvier 2026.")
    cols[2].metric(
        "Communes rurales",
        number(summary["rural_communes"]),
        help="Niveaux 5 à 7 de la grille communale de densité INSEE 2024, recodée COG 2026.",
    )
    cols[3].metric(
        "Population rurale",
        percent(summary["rural_population"], summary["population"]),
    )
    st.caption(
        f"{number(summary['arrondissements'])} arrondissement(s), "
        f"{number(summary['epci'])} EPCI à fiscalité propre (DGCL, 1er janvier 2025)."
    )


def listing_caption(listing_sources: pd.DataFrame) -> str:
    """Say where the département's listings come from, and what that means."""
    if listing_sources.empty:
        return (
            "Services recensés ailleurs qui desservent ce département (lignes nationales, "
            "structures voisines). Aucun recensement propre à ce département n'a été importé : "
            "l'absence de données n'est pas l'absence de service."
        )
    docs = "; ".join(
        f"{row.Document} (période {row.Période}, {row.Services} services)"
        for row in listing_sources.itertuples(index=False)
    )
    return (
        f"Sources du recensement : {docs}. Ces documents ne nomment qu'une partie des lieux : "
        "un territoire sans service recensé n'est pas forcément sans service."
    )


def sources(items: list[dict]) -> None:
    """Draw the list of reference data sources with their vintage and licence."""
    with st.expander("Sources des données de référence et millésimes"):
        for item in items:
            st.markdown(
                f"- **{item['name']}** — {item['vintage']} — {item['licence']}. "
                f"_{item['attribution']}_"
            )
