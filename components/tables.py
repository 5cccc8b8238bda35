"""Display tables: French column names, formatted values (no Streamlit import)."""

from __future__ import annotations

import pandas as pd

from geo.schema import CATEGORIES, PRECISION_LABELS


def category_label(codes: pd.Series) -> pd.Series:
    """French label of each category code."""
    return codes.map(lambda c: CATEGORIES[c].label if c in CATEGORIES else c)


def nearest_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """Nearest services (one per category) as a table a social worker reads."""
    return pd.DataFrame(
        {
            "Type": category_label(ranked["category"]),
            "Service": ranked["name"],
            "Distance (km, à vol d'oiseau)": ranked["distance_km"].round(1),
            "Lieu": ranked["place"].where(ranked["place"].fillna("") != "", ranked["address"]),
            "Horaires (tels qu'écrits)": ranked["schedule"],
            "Téléphone": ranked["phone"],
            "Précision du point": ranked["precision"].map(PRECISION_LABELS),
        }
    )


TERRITORY_COLUMNS = {
    "nom": "Territoire",
    "population": "Habitants (2023)",
    "population_beyond": "Habitants au-delà du seuil",
    "share_beyond": "Part au-delà (%)",
    "communes": "Communes",
    "communes_beyond": "Communes au-delà",
    "services": "Services concernant le territoire",
    "permanence_hours": "Heures de permanence par mois (horaires lisibles)",
    "unparsed_permanences": "Permanences sans horaire lisible",
    "shelter_places": "Places d'hébergement",
    "places_per_10k": "Places pour 10 000 hab. (réf. 1)",
    "iscg_posts": "Postes ISCG",
}


def territory_table(indicators: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """Indicators per territory with French headers; shares in percent, one decimal."""
    table = indicators.assign(nom=names.reindex(indicators.index).fillna(indicators.index.
                                                                          to_series()))
    table["share_beyond"] = (100 * table["share_beyond"]).round(1)
    table["places_per_10k"] = table["places_per_10k"].round(2)
    table["permanence_hours"] = table["permanence_hours"].round(1)
    return table[list(TERRITORY_COLUMNS)].rename(columns=TERRITORY_COLUMNS).reset_index(drop=True)
