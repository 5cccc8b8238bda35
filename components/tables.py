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


def access_table(units: pd.DataFrame, lowest: int = 15) -> pd.DataFrame:
    """The communes with the lowest accessibility index (inhabited ones only)."""
    inhabited = units[units["population"] > 0].sort_values(["access", "population"],
                                                             ascending=[True, False])
    return pd.DataFrame(
        {
            "Commune": inhabited["nom"],
            "Habitants (2023)": inhabited["population"],
            "Indice d'accessibilité (services pour 10 000 hab.)": inhabited["access"].round(3),
            "Rurale": inhabited["rural"].map({True: "oui", False: "non"}),
        }
    ).head(lowest).reset_index(drop=True)


def suggestions_table(chosen: pd.DataFrame) -> pd.DataFrame:
    """Suggested sites in order, with the population each adds within the threshold."""
    return pd.DataFrame(
        {
            "Rang": chosen["step"],
            "Site proposé": chosen["label"],
            "Habitants ajoutés sous le seuil": chosen["population_added"],
            "Communes ajoutées": chosen["communes_added"],
            "Habitants encore au-delà après ce site": chosen["population_beyond_after"],
        }
    )


def what_if_table(result: pd.DataFrame) -> pd.DataFrame:
    """Before/after figures of the "Et si…" simulation."""
    row = result.iloc[0]
    return pd.DataFrame(
        {
            "": ["Habitants au-delà du seuil", "Communes au-delà du seuil"],
            "Avant": [row["population_beyond_before"], row["communes_beyond_before"]],
            "Après": [row["population_beyond_after"], row["communes_beyond_after"]],
            "Différence": [row["population_beyond_after"] - row["population_beyond_before"],
                           row["communes_beyond_after"] - row["communes_beyond_before"]],
        }
    )
