"""What a secret row shows below gestionnaire: an allow-list, folded redaction, referral names.

Every test plants its own rows; "7 rue des Tilleuls" stands for a street someone typed into a
field that was never meant to hold it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components import tables
from geo import listings
from geo.schema import SERVICE_COLUMNS
from store.views import view_for_role

STREET = "7 rue des Tilleuls"


def service(**values) -> dict:
    """One service with every column, text empty unless given."""
    row = {c: "" for c in SERVICE_COLUMNS}
    row.update(lat=float("nan"), lon=float("nan"), capacity=float("nan"), remote=False,
               status="existing", confidentiality="public", category="permanence", dep="62")
    row.update(values)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def street_everywhere(**values) -> dict:
    """A secret row whose every text column holds its street."""
    text = {c: f"{STREET} (sonner deux fois)" for c in SERVICE_COLUMNS
            if c not in ("lat", "lon", "capacity", "remote")}
    return service(**{**text, "category": "hebergement", "confidentiality": "secret",
                      "lat": 50.29, "lon": 2.78, **values})


def served(table: pd.DataFrame) -> str:
    return listings.fold(" ".join(map(str, table.to_numpy().ravel())))


@pytest.mark.parametrize("role", ["public", "professionnel"])
def test_a_secret_row_with_its_street_in_every_field_shows_none_of_it(role):
    shown = view_for_role(frame(street_everywhere()), role)
    assert "tilleuls" not in served(shown)
    assert math.isnan(shown.loc[0, "lat"]) and math.isnan(shown.loc[0, "lon"])


def test_a_secret_row_keeps_what_is_meant_for_the_public_when_well_formed():
    row = street_everywhere(id="62-L12-1", dep="62", insee="62041", catchment="epci:200033579",
                            capacity=9.0, capacity_unit="Places", status="planned",
                            source_document="Plan cadre 62", source_line="12")
    shown = listings.public_view(frame(row), terms=()).iloc[0]
    assert (shown["dep"], shown["insee"], shown["catchment"]) == ("62", "62041", "epci:200033579")
    assert (shown["capacity"], shown["capacity_unit"]) == (9.0, "places")
    assert shown["status"] == "planned"
    assert (shown["name"], shown["phone"]) == (listings.SECRET_NAME, listings.SECRET_CONTACT[1])
    assert shown["operator"] == listings.SECRET_CONTACT[0]
    assert shown["category"] == "hebergement" and shown["confidentiality"] == "secret"
    assert shown["source_line"] == "" and shown["schedule"] == shown["audience"] == ""


@pytest.mark.parametrize(("column", "value"), [
    ("insee", "7 rue"), ("insee", "620411"), ("catchment", "dep:62;rue des Tilleuls"),
    ("capacity_unit", "places, 7 rue des Tilleuls"), ("dep", "62 rue"), ("status", "au 7 rue"),
    ("id", "62-7 rue des Tilleuls"), ("capacity", float("inf")),
])
def test_an_allowed_column_holding_anything_but_its_format_is_blanked(column, value):
    shown = listings.public_view(frame(street_everywhere(**{column: value})), terms=()).iloc[0]
    assert "rue" not in listings.fold(str(shown[column]))
    if column == "capacity":
        assert math.isnan(shown["capacity"])


def test_secret_ids_are_opaque_stable_and_distinct():
    rows = frame(street_everywhere(id="21-L298-1"), street_everywhere(id="21-L298-2"))
    first, again = (listings.public_view(rows, terms=())["id"].tolist() for _ in range(2))
    assert first == again and len(set(first)) == 2
    assert not any("298" in i or i.startswith("21-") for i in first)


def test_a_shelter_category_is_secret_whatever_its_confidentiality_says():
    row = street_everywhere(confidentiality="public", name="Foyer des Tilleuls")
    for role in ("public", "professionnel"):
        assert "tilleuls" not in served(view_for_role(frame(row), role))


def test_no_source_line_for_secret_rows_below_gestionnaire():
    rows = frame(street_everywhere(source_document="Plan 21", source_line="298"),
                 service(source_document="Plan 21", source_line="12", name="CIDFF"))
    for role in ("public", "professionnel"):
        shown = view_for_role(rows, role).assign(commune="", presence_label="")
        sources = tables.directory_table(shown, pd.Timestamp("2026-01-05 10:00"))["Source"]
        assert sources.tolist() == ["", "Plan 21, l. 12"]
    assert view_for_role(rows, "gestionnaire").loc[0, "source_line"] == "298"


@pytest.mark.parametrize("written", [
    "Permanence au CHRS Blan\u00adqui", "Permanence au CHRS Blan\u200bqui",
    "Permanence au CHRS Blan\u200dqui", "Permanence au CHRS Blan\u2060qui",
    "Permanence au CHRS \ufeffBlanqui", "Permanence au CHRS BLANQUI",
    "Permanence au CHRS Blânqui", "Permanence au CHRS blanquí",
])
def test_redaction_matches_folded_text(written):
    table, hit = listings.redact_text(pd.DataFrame({"name": [written]}), ["name"], ("Blanqui",))
    assert hit.all()
    assert table.loc[0, "name"] == f"Permanence au CHRS {listings.REDACTED}"


def test_every_identifying_word_of_a_secret_name_is_a_term():
    rows = frame(street_everywhere(name="SF 21 × Alcyon le Tremplin – hébergement à Seurre"),
                 service(name="Logement ALT – Alcyon le Tremplin (Seurre)"))
    terms = {listings.fold(t) for t in listings.read_secret_terms(services=rows)}
    assert {"alcyon", "tremplin"} <= terms
    assert not {"le", "seurre", "hebergement", "sf"} & terms
    shown = listings.public_view(rows).loc[1, "name"]
    assert "tremplin" not in listings.fold(shown) and "alcyon" not in listings.fold(shown)
    assert "(Seurre)" in shown


def test_generic_words_and_public_organisations_of_secret_names_are_not_terms():
    rows = frame(street_everywhere(name="Foyer Blanqui (CHRS Blanqui) – places FVV"),
                 street_everywhere(name="Collectif d'hébergement sécurisé ADEFO – 13 logements"),
                 street_everywhere(name="Résidence Sociale Adoma (Dijon) – places FVV"))
    terms = {listings.fold(t) for t in listings.read_secret_terms(services=rows)}
    assert {"blanqui", "adoma"} <= terms
    assert not {"foyer", "chrs", "residence", "sociale", "places", "adefo", "dijon",
                "collectif"} & terms


def test_the_committed_listings_keep_public_rows_readable():
    raw = listings.read_services()
    shown = listings.public_view(raw)
    public = ~listings.is_secret(raw)
    hit = shown.loc[public, "name"].str.contains(listings.REDACTED, regex=False)
    assert 0 < hit.sum() <= 10  # the few rows that name a shelter, not every ADEFO service


def test_a_row_hit_by_redaction_loses_its_point_for_a_professional_too():
    rows = frame(service(name="Crèche du CHRS Blanqui", place="CHRS Blanqui", lat=47.3, lon=5.0,
                         address="1 rue X", confidentiality="public"))
    shown = listings.public_view(rows, terms=("Blanqui",), referral_places=True).iloc[0]
    assert math.isnan(shown["lat"]) and shown["address"] == "" and shown["place"] == ""


def test_a_referral_place_in_the_services_own_name_is_removed_for_the_public():
    rows = frame(service(name="CHRS Sadi Carnot – accueil 24h/24 des auteurs évincés",
                         place="CHRS Sa\u00addi Carnot", confidentiality="sur_orientation",
                         category="auteurs", schedule="24h/24 au chrs sadi carnot"))
    public = view_for_role(rows, "public").iloc[0]
    assert "carnot" not in listings.fold(public["name"] + public["schedule"])
    assert public["name"] == "accueil 24h/24 des auteurs évincés"
    assert view_for_role(rows, "professionnel").iloc[0]["name"].startswith("CHRS Sadi Carnot")


def test_a_referral_name_that_is_only_its_place_gets_a_generic_name():
    rows = frame(service(name="CHRS Sadi Carnot", place="CHRS Sadi Carnot",
                         confidentiality="sur_orientation", category="auteurs"))
    assert "carnot" not in listings.fold(listings.public_view(rows, terms=()).loc[0, "name"])
