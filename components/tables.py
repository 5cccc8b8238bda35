"""Display tables: French column names, formatted values (no Streamlit import)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from geo.national import LAYER_CERTAINTY, format_phone
from geo.schedules import describe_next, parse_schedule
from geo.schema import CATEGORIES, NATIONAL_LINES, PRECISION_LABELS, STATUS_LABELS


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
    "population_in_catchment": "dont dans le secteur d'un service sans lieu précis",
    "population_uncovered": "dont sans aucun service connu des types choisis",
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


#: Places farther than this are not proposed as "near" (straight line, km).
NEAR_MAX_KM = 100.0

KIND_LABELS = {"deleguee": "commune déléguée", "associee": "commune associée",
               "ancienne": "ancienne commune", "arrondissement": "arrondissement"}


def commune_choices(names: pd.DataFrame, units: pd.DataFrame, dep: str) -> dict[str, str]:
    """Search labels → unit code for the communes of ``dep`` and their other names.

    Current units read "Lens (62300)"; other names lead to their current commune:
    "Hellemmes-Lille (commune associée) → Lille".
    """
    own = units[units["dep"] == dep].sort_values("nom")
    first_unit = own.drop_duplicates("insee").set_index("insee")["unit"]
    postcodes = names[names["kind"] == "commune"].drop_duplicates("insee").set_index("insee")[
        "postcodes"]
    choices = {
        f"{n} ({postcodes.get(i, '').replace(';', ', ')})".replace(" ()", ""): u
        for n, i, u in zip(own["nom"], own["insee"], own["unit"], strict=True)
    }
    current = own.drop_duplicates("insee").set_index("insee")["nom"]
    others = names[(names["dep"] == dep) & names["kind"].isin(KIND_LABELS)
                   & names["insee"].isin(first_unit.index)]
    for n, kind, i in sorted(zip(others["name"], others["kind"], others["insee"], strict=True)):
        if n != current[i]:
            choices.setdefault(f"{n} ({KIND_LABELS[kind]}) → {current[i]}", first_unit[i])
    return choices


def phone_link(phone: pd.Series) -> pd.Series:
    """``tel:`` links from phone numbers as written (``""`` when there is none).

    >>> phone_link(pd.Series(["03 21 00 00 00", "", "3919"])).tolist()
    ['tel:0321000000', '', 'tel:3919']
    """
    digits = phone.fillna("").str.replace(r"[^0-9+]", "", regex=True)
    return digits.where(digits == "", "tel:" + digits)


def _next_sessions(schedules: pd.Series, now: dt.datetime) -> pd.Series:
    cache = {text: describe_next(parse_schedule(text), now)
             for text in schedules.fillna("").unique()}
    return schedules.fillna("").map(cache)


def near_places_rows(ranked: pd.DataFrame, per_category: int = 3,
                     max_km: float = NEAR_MAX_KM) -> pd.DataFrame:
    """The rows of :func:`near_places_table`: a few per type within ``max_km``, types in order."""
    order = {code: i for i, code in enumerate(CATEGORIES)}
    near = ranked[ranked["distance_km"] <= max_km]
    top = near.groupby("category", sort=False).head(per_category)
    return top.assign(_o=top["category"].map(order)).sort_values(["_o", "distance_km"]).drop(
        columns="_o")


def near_places_table(ranked: pd.DataFrame, now: dt.datetime, per_category: int = 3,
                      max_km: float = NEAR_MAX_KM) -> pd.DataFrame:
    """The nearest places, a few per type within ``max_km``, in the schema's order of types."""
    top = near_places_rows(ranked, per_category, max_km)
    return pd.DataFrame(
        {
            "Type": category_label(top["category"]),
            "Service": top["name"],
            "Distance (km)": top["distance_km"].round(1),
            "Téléphone": phone_link(top["phone"]),
            "Prochaine séance": _next_sessions(top["schedule"], now),
            "Horaires (tels qu'écrits)": top["schedule"],
            "Lieu ou adresse": top["place"].where(top["place"] != "", top["address"]),
        }
    ).reset_index(drop=True)


def general_places_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The nearest place of each national kind: type, name, distance, phone, address, source."""
    return pd.DataFrame(
        {
            "Type": rows["kind"],
            "Lieu": rows["name"],
            "Distance (km)": rows["distance_km"].round(1),
            "Téléphone": phone_link(rows["phone"]),
            "Adresse": (rows["address"] + " " + rows["postcode"]).str.strip(),
            "Source": rows["dataset"].map(LAYER_CERTAINTY).fillna(rows["dataset"]),
        }
    ).reset_index(drop=True)


def zone_services_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Services covering a commune without a public place (secret ones: operator only)."""
    return pd.DataFrame(
        {
            "Type": category_label(rows["category"]),
            "Service": rows["name"],
            "Opérateur (contact)": rows["operator"],
            "Territoire desservi": rows["presence"].map(
                {"zone": "territoire (sans lieu précis)",
                 "commune": "la commune (lieu confidentiel)"}),
            "Lieu": rows["place"].fillna(""),
            "Horaires (tels qu'écrits)": rows["schedule"],
            "Téléphone": phone_link(rows["phone"]),
        }
    ).reset_index(drop=True)


def remote_table(rows: pd.DataFrame) -> pd.DataFrame:
    """National lines first, then the remote services of the listings not already there."""
    national = pd.DataFrame(
        {"Service": [f"{n} – {label}" for n, label, _, _ in NATIONAL_LINES],
         "Horaires": [hours for _, _, hours, _ in NATIONAL_LINES],
         "Téléphone": [f"tel:{digits}" for *_, digits in NATIONAL_LINES]}
    )
    listed = pd.DataFrame({"Service": rows["name"], "Horaires": rows["schedule"],
                           "Téléphone": phone_link(rows["phone"])})
    listed = listed[~listed["Téléphone"].isin(national["Téléphone"])]
    return pd.concat([national, listed], ignore_index=True)


def source_label(rows: pd.DataFrame) -> pd.Series:
    """"document, l. N" of each row; the document alone without a line (secret rows below
    gestionnaire have none), ``""`` without either.

    >>> source_label(pd.DataFrame({"source_document": ["p.txt", "p.txt", ""],
    ...                            "source_line": ["12", "", ""]})).tolist()
    ['p.txt, l. 12', 'p.txt', '']
    """
    document = rows["source_document"].fillna("").astype(str)
    line = rows["source_line"].fillna("").astype(str)
    return (document + (", l. " + line).where(line != "", "")).str.removeprefix(", ")


def directory_table(rows: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """The directory as shown: one row per service, contacts as links."""
    return pd.DataFrame(
        {
            "Type": category_label(rows["category"]),
            "Service": rows["name"],
            "Opérateur": rows["operator"],
            "Commune": rows["commune"],
            "Localisation": rows["presence_label"],
            "Horaires (tels qu'écrits)": rows["schedule"],
            "Prochaine séance": _next_sessions(rows["schedule"], now),
            "Téléphone": phone_link(rows["phone"]),
            "Site": rows["website"],
            "Public": rows["audience"],
            "Statut": rows["status"].map(STATUS_LABELS),
            "Source": source_label(rows),
        }
    ).reset_index(drop=True)


def plain_contacts(shown: pd.DataFrame) -> pd.DataFrame:
    """The shown table with phone numbers as text (for exports)."""
    return shown.assign(Téléphone=shown["Téléphone"].str.removeprefix("tel:"))


def print_rows(rows: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """Directory rows with the fields of the printable view."""
    return rows.assign(
        category_label=category_label(rows["category"]),
        next_session=_next_sessions(rows["schedule"], now),
        source=source_label(rows),
    )


# --------------------------------------------------------------------------- cards (phone view)
NOT_GIVEN = "non communiqué"
_PHONE_SPLIT = re.compile(r"\s*(?:/|;|,|\bou\b)\s*")


def phone_numbers(text: object) -> list[tuple[str, str]]:
    """Each phone number of a text as (shown ``03 21 23 27 53``, ``tel:`` link of digits only).

    Pieces that are not 3 to 15 digits (with an optional ``+``) are left out.

    >>> phone_numbers("0321232753 / 3919"), phone_numbers("javascript:x"), phone_numbers(None)
    ([('03 21 23 27 53', 'tel:0321232753'), ('3919', 'tel:3919')], [], [])
    """
    numbers = []
    for piece in _PHONE_SPLIT.split(str(text or "").strip()):
        digits = re.sub(r"[\s.\-\u202f\xa0()]", "", piece)
        if re.fullmatch(r"\+?\d{3,15}", digits):
            numbers.append((format_phone(piece), f"tel:{digits}"))
    return numbers


def _text(rows: pd.DataFrame, column: str) -> pd.Series:
    """A text column, ``""`` where missing (or where the table has no such column)."""
    if column not in rows:
        return pd.Series("", index=rows.index, dtype=object)
    return rows[column].fillna("").astype(str).str.strip()


def _where(rows: pd.DataFrame) -> pd.Series:
    place = _text(rows, "place").where(_text(rows, "place") != "", _text(rows, "address"))
    place = (place + " " + _text(rows, "postcode")).str.strip().where(place != "", "")
    referral = _text(rows, "confidentiality") == "sur_orientation"
    return place.where(place != "", referral.map({True: "lieu communiqué sur orientation",
                                                  False: NOT_GIVEN}))


def _source(rows: pd.DataFrame) -> pd.Series:
    layer = _text(rows, "dataset").map(LAYER_CERTAINTY)
    document = source_label(rows.assign(source_document=_text(rows, "source_document"),
                                        source_line=_text(rows, "source_line")))
    return layer.where(layer.notna(), document).replace("", NOT_GIVEN)


SOURCE_COLUMNS = ("source_document", "source_line", "last_checked")


def with_sources(rows: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with the source and date of last check of their listing (by ``id``).

    Columns ``rows`` already has are kept as they are; ids not in ``listings`` get ``""``.

    >>> listings = pd.DataFrame({"id": ["a"], "source_document": ["plan.txt"],
    ...     "source_line": ["3"], "last_checked": ["2026-01-05"]})
    >>> with_sources(pd.DataFrame({"id": ["a", "b"]}), listings)["last_checked"].tolist()
    ['2026-01-05', '']
    """
    missing = [c for c in SOURCE_COLUMNS if c not in rows and c in listings]
    if not missing:
        return rows
    known = listings.drop_duplicates("id").set_index("id")[missing]
    return rows.join(known, on="id").fillna({c: "" for c in missing})


def card_rows(rows: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """One card per place, every field as plain text: type, name, distance, phones, schedule…

    ``rows`` are places as :func:`near_places_rows` gives them, or national places (with
    ``kind``). ``distance`` is ``""`` when the rows have no ``distance_km``; ``phone`` keeps
    the text as written, :func:`phone_numbers` makes the links; ``checked`` is "jamais
    vérifié" when the source gives no date of last check.
    """
    kind = _text(rows, "kind")
    label = category_label(_text(rows, "category"))
    distance = (rows["distance_km"].map(lambda d: f"{d:.1f}".replace(".", ",") + " km")
                if "distance_km" in rows else pd.Series("", index=rows.index))
    checked = _text(rows, "last_checked")
    schedule = _text(rows, "schedule")
    return pd.DataFrame({
        "type": kind.where(kind != "", label),
        "name": _text(rows, "name"),
        "distance": distance,
        "phone": _text(rows, "phone"),
        "next": _next_sessions(schedule, now).fillna(""),
        "schedule": schedule.replace("", NOT_GIVEN),
        "where": _where(rows),
        "source": _source(rows),
        "checked": ("vérifié le " + checked).where(checked != "", "jamais vérifié"),
    }).reset_index(drop=True)
