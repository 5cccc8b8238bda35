"""Exports open in French Excel and never carry a live formula (R2)."""

import io

import openpyxl
import pandas as pd
import pytest

from components.exports import FORMULA_STARTS, to_csv_bytes, to_xlsx_bytes
from components.printview import directory_html

HOSTILE = pd.DataFrame(
    {
        "Service": ["=1+1", "+33 3 21", "-2", "@SUM(A1)", "\tx", "\rx", "ok", "Hénin"],
        "Nombre": [1, 2, 3, 4, 5, 6, 7, 8],
    }
)


def test_csv_is_utf8_with_bom_and_semicolons_and_keeps_accents():
    data = to_csv_bytes(HOSTILE)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Service;Nombre"
    assert "Hénin" in text and "HÃ©nin" not in text


def test_no_csv_cell_starts_with_a_formula_character():
    table = pd.read_csv(io.BytesIO(to_csv_bytes(HOSTILE)), sep=";", dtype=str,
                        encoding="utf-8-sig", keep_default_na=False)
    cells = table["Service"].tolist()
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert cells[0] == "'=1+1"


def test_no_xlsx_cell_is_a_formula():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(HOSTILE)))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert not [v for v in values if isinstance(v, str) and v.startswith(FORMULA_STARTS)]
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)


@pytest.mark.parametrize("per_page", [True, False])
def test_print_view_escapes_every_text(per_page):
    rows = pd.DataFrame({"name": ["<script>alert(1)</script>"], "phone": ["<img src=x>"]})
    page = directory_html(rows, "Annuaire", "<b>", per_page)
    assert "<script>alert" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;" in page
