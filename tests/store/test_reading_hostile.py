"""Issue 10, R1: rows lost or altered, reading crashes and English messages (read_upload alone).

Each file is read exactly (every row, every character) or refused with a French message that
names the line, the column and the value. No library's English text reaches the user.
"""

from __future__ import annotations

import re

import pytest
from hostile_files import (
    GOOD,
    GOOD_JSON,
    HEADER,
    SHEET,
    bad_crc,
    csv_bytes,
    json_services,
    lying_sizes,
    nested_json,
    patch_headers,
    rezip,
    sheet_xml,
    with_cell,
    workbook,
    xlsx_bytes,
)

from store.reading import read_upload

ENGLISH = re.compile(r"\b(Unable|File is|Unterminated|Expecting|Error|not a|field larger|"
                     r"expected|Bad|encrypted|password|compression method|Exceeds)\b")


def refused(name: str, raw: bytes, *fragments: str) -> str:
    upload = read_upload(name, raw)
    messages = " | ".join(upload.errors)
    assert upload.errors, "accepted"
    for fragment in fragments:
        assert fragment in messages, messages[:500]
    assert not ENGLISH.search(messages), messages[:500]
    return messages


def values(name: str, raw: bytes) -> list[list[object]]:
    upload = read_upload(name, raw)
    assert upload.errors == [], upload.errors
    return upload.rows.values.tolist()


# --- rows lost or altered ------------------------------------------------------------------

def test_a_row_after_forty_thousand_blank_lines_is_read_with_its_line():
    raw = csv_bytes([]) + b"\r\n" * 40_001 + csv_bytes([GOOD]).split(b"\r\n", 1)[1]
    assert values("f.csv", raw) == [[*GOOD, 40_003]]


def test_an_unclosed_quote_in_the_last_column_is_refused_not_swallowing_rows():
    raw = (csv_bytes([[*GOOD, '"voir aussi']], header=[*HEADER, "Remarques"]).replace(
        b'"""voir aussi"', b'"voir aussi') + csv_bytes([[*GOOD, "x"]] * 3,
                                                       header=[]).lstrip(b"\r\n"))
    refused("f.csv", raw, "Ligne 2", "« Remarques »", "guillemet ouvert jamais fermé",
            "voir aussi")


def test_a_quote_closed_rows_later_is_refused():
    rows = b"A;permanence;Vichy;03200;;;\"en service\r\n" + b"B;permanence;Vichy;03200;;;x\r\n" \
        + b'C;permanence;Vichy;03200;;;fin"\r\n'
    refused("f.csv", csv_bytes([]) + rows, "Ligne 2", "« Statut »", "lignes entières")


def test_a_multi_line_note_is_read_exactly():
    note = "1er étage\nsonner à l'interphone"
    assert values("f.csv", csv_bytes([[*GOOD, note]], header=[*HEADER, "Remarques"])) == [
        [*GOOD, note, 2]]


def test_row_fifty_thousand_of_a_sparse_sheet_is_read():
    assert values("f.xlsx", workbook(("Feuil1", [HEADER] + [[]] * 49_998 + [GOOD])))[-1] == [
        *GOOD, 50_000]


def test_a_sheet_whose_declared_dimension_lies_is_read_whole():
    raw = xlsx_bytes([GOOD, [*GOOD[:6], "en service", "en plus"]], header=[*HEADER, "Notes"])
    xml = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:B1"/>', sheet_xml(raw))
    assert b'"A1:B1"' in xml
    assert [r[-1] for r in values("f.xlsx", rezip(raw, {SHEET: xml}))] == [2, 3]
    assert values("f.xlsx", rezip(raw, {SHEET: xml}))[1][:8] == [*GOOD, "en plus"]


def test_a_second_sheet_with_data_is_not_ignored_silently():
    raw = workbook(("Feuil1", [HEADER, GOOD]), ("Feuil2", [HEADER, GOOD]))
    refused("f.xlsx", raw, "plusieurs feuilles remplies", "« Feuil1 »", "« Feuil2 »")


def test_an_empty_second_sheet_is_no_problem():
    assert values("f.xlsx", workbook(("Feuil1", [HEADER, GOOD]), ("Feuil2", []))) == [
        [*GOOD, 2]]


def test_a_hidden_first_sheet_is_not_read_instead_of_the_visible_one():
    raw = workbook(("Ancienne", [HEADER, ["Ancien service", *GOOD[1:]]]),
                   ("Annuaire", [HEADER, GOOD]), hidden=("Ancienne",))
    upload = read_upload("f.xlsx", raw)
    assert upload.errors == [] and upload.rows.values.tolist() == [[*GOOD, 2]]
    assert "Feuille masquée « Ancienne » ignorée." in upload.notes


@pytest.mark.parametrize(("encoding", "typed", "shown"), [
    ("mac_roman", "Hénin-Beaumont", "HŽnin-Beaumont"),
    ("mac_roman", "Accueil à Vichy", "ˆ"),
    ("mac_roman", "Hôtel social", "H™tel"),
    ("shift_jis", "Centre 日本", "“ú–{"),
    ("shift_jis", "東京都", "“Œ‹ž“s"),
])
def test_another_encoding_read_as_windows_1252_is_refused(encoding, typed, shown):
    ascii_header = ["Nom", "Type", "Commune", "CP", "Tel", "Horaires", "Statut"]
    raw = csv_bytes([[typed, *GOOD[1:]]], header=ascii_header).decode().encode(encoding)
    refused("f.csv", raw, "Ligne 2", "« Nom »", shown, "Mac Roman")


def test_mixed_utf8_and_windows_1252_is_refused():
    raw = csv_bytes([["LXEscale", *GOOD[1:]]]).decode().encode("cp1252").replace(
        b"LXEscale", "L’Escale".encode())
    refused("f.csv", raw, "Ligne 2", "« Nom »", "Lâ€™Escale", "mal encodé")


def test_windows_1252_french_typography_is_read_exactly():
    name = "L’Escale — « Hénin » Œuvre sœur… 5 €"
    raw = csv_bytes([[name, *GOOD[1:]]]).decode().encode("cp1252")
    assert values("f.csv", raw)[0][0] == name


def test_a_phone_typed_as_a_number_is_refused():
    raw = xlsx_bytes([[*GOOD[:4], 470000000, *GOOD[5:]]])
    refused("f.xlsx", raw, "Ligne 2", "« Téléphone »", "« 470000000 »", "zéro initial")


def test_a_number_is_read_as_its_cell_format_shows_it():
    raw = workbook(("Feuil1", [HEADER, [*GOOD[:3], 3200, 470000000, *GOOD[5:]]]),
                   formats={"D2": "00000", "E2": '0# ## ## ## ##'})
    assert values("f.xlsx", raw)[0][3:5] == ["03200", "04 70 00 00 00"]


def test_duplicate_json_keys_are_refused():
    item = GOOD_JSON[:-1] + ', "nom": "Autre nom"}'
    refused("f.json", json_services(GOOD_JSON, item), "ligne 4", "« nom »", "deux fois")


def test_a_json_object_or_list_as_a_value_is_refused():
    item = GOOD_JSON[:-1] + ', "notes": {"a": 1}}'
    refused("f.json", json_services(GOOD_JSON, item), "Ligne 4", "« notes »",
            '« {"a": 1} »', "valeur simple")
    item = GOOD_JSON[:-1] + ', "notes": [1, 2]}'
    refused("f.json", json_services(item), "Ligne 3", "« [1, 2] »")


def test_json_rows_keep_the_line_of_their_object():
    assert [r[-1] for r in values("f.json", json_services(GOOD_JSON, GOOD_JSON))] == [3, 4]


# --- crashes ---------------------------------------------------------------------------------

def test_a_csv_first_line_over_128_kb_is_refused_naming_its_column():
    raw = csv_bytes([[*GOOD, "x"]], header=[*HEADER, "Y" * 140_000])
    refused("f.csv", raw, "Ligne 1", "« n° 8 »", "140\u202f000 caractères", "YYYY")


def test_a_value_over_an_excel_cell_is_refused_naming_line_and_column():
    refused("f.csv", with_cell("Horaires", "z" * 40_000), "Ligne 2", "« Horaires »",
            "40\u202f000 caractères")


def test_json_nested_1500_deep_is_refused():
    refused("f.json", nested_json(1_500), "ligne 1, colonne", "imbriquées")


def test_a_5000_digit_json_number_is_refused():
    item = GOOD_JSON[:-1] + ', "capacite": ' + "9" * 5_000 + "}"
    refused("f.json", json_services(item), "ligne 3", "nombre de 5\u202f000 caractères")


@pytest.mark.parametrize(("case", "raw", "fragments"), [
    ("bad-crc", bad_crc(), ["CRC", "sheet1.xml"]),
    ("unsupported-method", patch_headers(xlsx_bytes([GOOD]), SHEET, method=6),
     ["méthode non prise en charge"]),
    ("encrypted-member", patch_headers(xlsx_bytes([GOOD]), SHEET, flags=1),
     ["chiffrée", "mot de passe"]),
    ("lying-sizes", lying_sizes(), ["sheet1.xml", "endommagée"]),
    ("not-a-zip", b"PK\x03\x04" + b"junk" * 50, ["XLSX illisible", "archive ZIP"]),
    ("not-a-workbook", rezip(xlsx_bytes([GOOD]), {"[Content_Types].xml": b"<Types/>"}),
     ["XLSX illisible", "structure interne"]),
    ("huge-number-cell", rezip(xlsx_bytes([GOOD]), {SHEET: sheet_xml(xlsx_bytes([GOOD])).replace(
        b"</row></sheetData>", b'<c r="H2"><v>' + b"9" * 5000 + b"</v></c></row></sheetData>")}),
     ["XLSX illisible"]),
])
def test_a_damaged_xlsx_is_refused_in_french(case, raw, fragments):
    refused("f.xlsx", raw, *fragments)


def test_the_zip_is_streamed_with_a_cap_on_bytes_actually_inflated(monkeypatch):
    from store import reading_xlsx

    raw = xlsx_bytes([GOOD])
    monkeypatch.setattr(reading_xlsx, "MAX_UNZIPPED", 10_000)
    big = sheet_xml(raw).replace(b"</sheetData>", b"</sheetData>" + b" " * 8_000)
    refused("f.xlsx", rezip(raw, {SHEET: big}), "bombe de décompression")


# --- French and true messages ----------------------------------------------------------------

@pytest.mark.parametrize(("raw", "fragments"), [
    (b'{"services": [{"nom": "abc}]}', ["ligne 1, colonne 23", "jamais fermé"]),
    (b'{"services": [\n{"nom" "abc"}]}', ["ligne 2, colonne 8", "deux-points attendus"]),
    (b'{"services": [\n{"nom": "abc",}]}', ["ligne 2"]),
    (b'{"services": [{"nom": NaN}]}', ["JSON illisible"]),
])
def test_json_errors_give_line_and_column_in_french(raw, fragments):
    refused("f.json", raw, *fragments)


def test_unreadable_bytes_name_line_position_and_value():
    raw = csv_bytes([GOOD]) + b"Caf\x81 ;permanence;Vichy;;;;\r\n"
    refused("f.csv", raw, "ligne 3", "position 4", "« Caf")
