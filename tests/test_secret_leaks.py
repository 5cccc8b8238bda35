"""Leak test: a secret row whose every field holds its street, searched in everything served.

The database is the committed listings plus planted Pas-de-Calais rows (Arras):

* ``62-GLEAK1``: a secret shelter with a well-formed commune and capacity, and its street
  ("7 rue des Tilleuls") or its name in every other text field, a point and a source line;
* a second secret row whose *every* column holds the street (id, dep, commune, catchment…);
* public rows that name the shelter with a soft hyphen, a zero-width space, a word joiner,
  a BOM, accents or capitals, or by one word only of its name, at a point of their own;
* a "sur orientation" group whose place is part of its own name.

Everything the public and a professionnel can be served is searched on folded text (case,
accents and invisible characters removed): every page rendered by AppTest (with a commune
chosen in "Près de chez elle" and the Arras sheet opened), the directory downloads (CSV,
XLSX, printable HTML, JSON), the territory PDF sheets (text extracted with pypdf) and every
map's HTML. Expected: 0 hits.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from test_roles import PAGES, ROOT, rendered

from components import data, exports, printview, tables
from geo.directory import DirectoryFilters
from geo.listings import fold
from geo.schema import SERVICE_COLUMNS
from store import exports as store_exports
from store import make_engine, services

STREET = "7 rue des Tilleuls"
NAME = "Résidence Mimozella Capuzine"
DOCUMENT = "62_pas_de_calais_plan_cadre_2024-2026.txt"
ARRAS_EPCI = "epci:200033579"
NUMERIC = {"lat", "lon", "capacity"}

SHELTER = {
    **{c: f"{NAME} – {STREET} (sonner deux fois)" for c in SERVICE_COLUMNS},
    "id": "62-GLEAK1", "dep": "62", "category": "hebergement", "confidentiality": "secret",
    "insee": "62041", "catchment": ARRAS_EPCI, "capacity": "9", "capacity_unit": "places",
    "remote": "false", "status": "existing", "lat": "50.2910", "lon": "2.7775",
    "source_document": DOCUMENT, "source_line": "4242", "last_checked": "2026-11-02",
}
EVERY_FIELD = {**{c: STREET for c in SERVICE_COLUMNS if c not in NUMERIC},
               "confidentiality": "secret", "remote": "false", "capacity": "",
               "lat": "50.2911", "lon": "2.7776"}
#: Public rows that name the shelter in disguise; each has a point of its own (Arras).
MENTIONS = [
    {"name": "Permanence CIDFF au foyer Mimo\u00adzella", "place": "Foyer Mimo\u200bzella",
     "schedule": "lundi 9h-12h, chez MIMOZELLA", "notes": "Mimözella"},
    {"name": "Crèche de la résidence Capu\u2060zine", "operator": "Association \ufeffCapuzine",
     "audience": "enfants de la résidence CAPÙZINE"},
    {"name": "Atelier – Capuzine (Arras)", "address": "2 place Capu\u200czine"},
]
REFERRAL = {"id": "62-GLEAK9", "dep": "62", "category": "auteurs",
            "confidentiality": "sur_orientation", "insee": "62041", "status": "existing",
            "name": "Salle des Vergnollières – groupe de parole des auteurs",
            "place": "Salle des Vergnol\u00adlières", "address": "12 rue des Vergnollières",
            "postcode": "62000", "lat": "50.2890", "lon": "2.7700", "precision": "adresse",
            "remote": "false", "operator": "Association Orientation Arras"}
#: What nobody below gestionnaire may be served (folded): words no real record contains (the
#: national layers have "rue des Peupliers" addresses, so the referral place is invented).
SECRET = ("tilleuls", "mimozella", "capuzine", "sonner", "l. 4242", "gleak1")
ROLES = ("public", "professionnel")


def forbidden(role: str) -> tuple[str, ...]:
    return SECRET + (("vergnollieres",) if role == "public" else ())


def hits(text: str, role: str) -> list[str]:
    folded = fold(text)
    return [word for word in forbidden(role) if word in folded]


def planted_rows() -> list[dict]:
    """The secret rows, the referral group and the public rows naming the shelter."""
    return [SHELTER, EVERY_FIELD, REFERRAL] + [
        {"id": f"62-GLEAKM{i}", "dep": "62", "category": "permanence",
         "confidentiality": "public", "insee": "62041", "status": "existing",
         "remote": "false", "lat": f"50.29{i}", "lon": "2.78", "precision": "adresse", **row}
        for i, row in enumerate(MENTIONS)]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The committed listings plus the planted rows; DATABASE_URL points to them."""
    url = f"sqlite:///{tmp_path_factory.mktemp('leaks') / 'leaks.sqlite3'}"
    engine = make_engine(url)
    for row in planted_rows():
        services.create(engine, {c: row.get(c, "") for c in SERVICE_COLUMNS}, "test")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        data.clear_listings_caches()
        st.cache_data.clear()
        yield engine
    data.clear_listings_caches()
    engine.dispose()


def test_the_planted_rows_are_in_the_database_and_seen_by_a_gestionnaire(database):
    stored = data.services("gestionnaire")
    assert {"62-GLEAK1", STREET, "62-GLEAK9"} <= set(stored["id"])
    assert hits(" ".join(stored["name"]), "public")  # the detector finds the names


def open_page(role: str, page: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["dep"] = "62"
    at.session_state["territory"] = ARRAS_EPCI
    if role != "public":
        at.session_state["role"], at.session_state["user"] = role, f"test-{role}"
    if page:
        at.switch_page(page)
    at.run()
    return at


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/6_Gestion.py"],
                         ids=lambda p: p or "app.py")
def test_no_page_serves_the_secret_row(database, role, page):
    at = open_page(role, page)
    assert not at.exception, at.exception
    served = [rendered(at)]
    if page == "pages/3_Annuaire.py":  # "Près de chez elle" for Arras: zones and places
        box = next(t for t in at.text_input if t.label.startswith("Commune où elle vit"))
        at = box.set_value("Arras").run()
        assert not at.exception, at.exception
        cards = rendered(at)
        assert "115" in cards  # the secret row is listed, with its public contact
        at = at.toggle(key="near_her_tables").set_value(True).run()  # the same as tables
        assert not at.exception, at.exception
        served += [cards, rendered(at)]
    assert not hits("\n".join(served), role)


def directory_rows(role: str) -> pd.DataFrame:
    rows = data.filtered_directory("62", DirectoryFilters(statuses=("existing", "unknown")),
                                   role)
    assert len(rows) > 50 and (rows["name"] == data.listings.SECRET_NAME).any()
    return rows


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "\n".join(book.read(n).decode("utf-8") for n in book.namelist())


@pytest.mark.parametrize("role", ROLES)
def test_no_download_of_the_directory_serves_the_secret_row(database, role):
    rows = directory_rows(role)
    now = dt.datetime(2026, 12, 1, 10, 0)
    plain = tables.plain_contacts(tables.directory_table(rows, now))
    printable = tables.print_rows(rows, now)
    files = {
        "csv": exports.to_csv_bytes(plain).decode("utf-8-sig"),
        "xlsx": xlsx_text(exports.to_xlsx_bytes(plain, "Annuaire")),
        "html": printview.directory_html(printable, "Annuaire", "62", False),
        "html, one per page": printview.directory_html(printable, "Annuaire", "62", True),
        "json": store_exports.to_json_bytes(data.services(role)).decode("utf-8"),
    }
    assert {name: hits(text, role) for name, text in files.items()} == dict.fromkeys(files, [])


@pytest.mark.parametrize("key", [ARRAS_EPCI, "arr:621"])
def test_no_pdf_sheet_serves_the_secret_row(database, key):
    reader = PdfReader(io.BytesIO(data.sheet_pdf(key, "62")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Arras" in text
    assert not hits(text, "public")


@pytest.mark.parametrize("role", ROLES)
def test_no_map_serves_the_secret_row(database, role):
    chosen = DirectoryFilters(statuses=("existing", "unknown"))
    located = tuple(data.LOCATABLE)
    maps = {
        "coverage": data.coverage_map_html("62", located, 15.0),
        "beyond": data.beyond_map_html("62", located, 15.0),
        "directory": data.directory_map_html("62", chosen),
        "sheet": data.sheet_map_html(ARRAS_EPCI),
        "freshness": data.freshness_map_html(role, "62"),
    }
    assert {name: hits(html, role) for name, html in maps.items()} == dict.fromkeys(maps, [])


def test_the_public_mentions_lose_their_point_for_every_role_below_gestionnaire(database):
    for role in ROLES:
        shown = data.services(role).set_index("id")
        mentions = shown.loc[[f"62-GLEAKM{i}" for i in range(len(MENTIONS))]]
        assert mentions["lat"].isna().all() and (mentions["place"] == "").all()


def test_a_professionnel_sees_the_referral_place_the_public_does_not(database):
    pro = data.services("professionnel").set_index("id").loc["62-GLEAK9"]
    public = data.services("public").set_index("id").loc["62-GLEAK9"]
    assert "vergnollieres" in fold(pro["place"]) and "vergnollieres" in fold(pro["name"])
    assert public["name"] == "groupe de parole des auteurs"
