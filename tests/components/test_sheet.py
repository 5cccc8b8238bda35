"""The printable sheet: a valid PDF, one page for a small EPCI, with its name and figures."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box

from components import sheet
from components.formatting import number
from geo.profile import territory_profile
from geo.schema import EPCI_FILE


def pdf_pages_text(pdf: bytes) -> list[str]:
    """Text of each page, read back with pypdf, else poppler's pdftotext."""
    try:
        from pypdf import PdfReader
    except ImportError:
        if not shutil.which("pdftotext"):
            pytest.skip("neither pypdf nor pdftotext is available")
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                             check=True).stdout.decode()
        return out.rstrip("\f").split("\f")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Collapse spaces (PDF text extraction splits and joins words freely)."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


FIGURES = {"population": 23211, "communes": 31, "beyond": {10.0: 5210, 20.0: 0},
           "counts": pd.Series({"permanence": 2, "iscg": 1}), "hours": 16.0, "unparsed": 0,
           "places": 0.0, "shelters": "", "iscg": 1.0, "iscg_own": 0.0}
DEPARTEMENT = FIGURES | {"population": 1457905, "communes": 887,
                         "beyond": {10.0: 120000, 20.0: 3500}, "hours": 300.0}
INFO = {"nom": "CC de <Desvres> & Samer", "level": "epci", "code": "200018083",
        "deps": ("62",), "nature": "Communauté de communes"}


def synthetic_sheet(services: int = 6) -> sheet.Sheet:
    polygons = gpd.GeoDataFrame({"unit": ["a", "b"]}, geometry=[box(1.8, 50.6, 1.9, 50.7),
                                                                box(1.9, 50.6, 2.0, 50.7)],
                                crs=4326)
    outline = gpd.GeoSeries([polygons.union_all()], crs=4326)
    points = pd.DataFrame({"lat": [50.65], "lon": [1.85], "category": ["permanence"]})
    png = sheet.static_map_png(polygons, pd.Series([2.0, 14.0], index=["a", "b"]), outline,
                               points, points.iloc[:0])
    row = {"Type": "Permanence", "Service": "Permanence juridique – CIDFF",
           "Lieu": "France services, Desvres", "Horaires": "2e mardi, 9h-12h",
           "Contact": "03 21 00 00 00"}
    lists = {"territoire": pd.DataFrame([row] * services), "proximite": pd.DataFrame([row]),
             "departement": pd.DataFrame([row] * 40)}
    profile = territory_profile(FIGURES, DEPARTEMENT, "plans : 62_plan.txt (2024-2026)")
    empty = pd.DataFrame(columns=["what", "value", "unit", "year", "source_document",
                                  "source_line"])
    return sheet.make_sheet(INFO, "62", {"62": "Pas-de-Calais"}, profile, lists, empty, png,
                            ["permanence"], dt.date(2026, 12, 1))


def test_the_sheet_is_a_one_page_pdf_with_the_name_and_the_figures():
    pdf = sheet.build_pdf(synthetic_sheet())
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages_text(pdf)
    assert len(pages) == 1
    text = flat(pages[0])
    assert "CC de <Desvres> & Samer" in text
    assert "23 211" in text and "1 457 905" in text and "5 210 (22,4 %)" in text
    assert "1er décembre 2026" in text and "Licence Ouverte 2.0" in text


def test_a_long_service_list_continues_on_a_second_page():
    assert len(pdf_pages_text(sheet.build_pdf(synthetic_sheet(services=60)))) >= 2


def test_profile_text_formats_shares_and_missing_values_the_french_way():
    table = sheet.profile_text(territory_profile(FIGURES, DEPARTEMENT, "plan (2024-2026)"))
    shown = table.set_index("Indicateur")
    assert shown.loc["Habitants à plus de 10 km d'une permanence", "Territoire"] == (
        f"{number(5210)} (22,4\u202f%)".replace("\u202f%", " %"))
    assert shown.loc["Places d'hébergement spécialisé pour 10 000 habitants", "Référence"] == "1"


def test_secret_shelters_are_one_aggregated_row_without_their_commune():
    concerned = pd.DataFrame({
        "id": ["h1", "h2"], "category": "hebergement", "presence": "commune",
        "confidentiality": "secret", "insee": ["62001", "62002"], "catchment": "",
        "name": "Hébergement pour victimes (lieu confidentiel)", "operator": "", "place": "",
        "address": "", "schedule": "", "phone": "", "website": "", "status": "existing",
        "capacity": [10.0, 5.0], "capacity_unit": "places"})
    near = pd.DataFrame(columns=["id", "category", "place", "insee", "distance_km", "name",
                                 "operator", "schedule", "phone", "website", "status"])
    lists = sheet.service_lists(concerned, near, pd.Series({"62001": "Desvres",
                                                            "62002": "Samer"}), {})
    rows = lists["territoire"]
    assert len(rows) == 1 and rows.loc[0, "Lieu"].startswith("15 places (2 structures)")
    assert "Desvres" not in rows.to_string() and "Samer" not in rows.to_string()


@pytest.mark.skipif(not EPCI_FILE.exists(), reason="data/processed not built yet")
def test_the_real_sheet_of_a_small_epci_is_one_page_with_its_population():
    from components import data

    key = "epci:200018083"  # CC de Desvres-Samer, 31 communes
    pdf = data.sheet_pdf(key, "62")
    pages = pdf_pages_text(pdf)
    population = data.sheet_profile(key, "62").loc["population", "territoire"]
    assert len(pages) == 1
    text = flat(pages[0])
    assert "CC de Desvres-Samer" in text
    assert number(population).replace("\u202f", " ") in text
