"""R1: a corpus of hostile files, generated here, never changes the stored data by accident.

Every file is built in code (no binary fixture). A *refused* file must be refused with a
French message naming what is wrong (row, column and value where there is one), and the
services and history tables keep the same checksum. An *accepted* file (odd encoding or
separator, renamed columns, formulas or script as text) must be read without altering a
single character.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

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

from store import imports
from store.services import StoreError, checksums

ASCII_HEADER = ["Nom", "Type", "Commune", "CP", "Tel", "Horaires", "Statut"]


def with_columns(extra: dict[str, str]) -> bytes:
    """The good row with extra columns (header → value)."""
    return csv_bytes([GOOD + list(extra.values())], header=HEADER + list(extra))


def encoded(name: str, encoding: str) -> bytes:
    """The good row named ``name``, ASCII headers, the whole file in ``encoding``."""
    return csv_bytes([[name, *GOOD[1:]]], header=ASCII_HEADER).decode().encode(encoding)


def lying_dimension() -> bytes:
    """A sheet whose ``<dimension>`` declares only its header row."""
    raw = xlsx_bytes([GOOD])
    xml = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:B1"/>', sheet_xml(raw))
    return rezip(raw, {SHEET: xml})


def unclosed_quote() -> bytes:
    """A quote opened in the last column of line 2 and never closed, three rows after it."""
    first = csv_bytes([[*GOOD, "voir aussi"]], header=[*HEADER, "Remarques"])
    rest = csv_bytes([[*GOOD, "x"]] * 3, header=[])
    return first.replace(b";voir aussi", b';"voir aussi') + rest.lstrip(b"\r\n")


def zip_bomb() -> bytes:
    """An XLSX-looking zip whose sheet inflates to 60 MB (compresses to about 60 kB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 60_000_000 + b"</a>")
    return out.getvalue()


def xml_bomb() -> bytes:
    """A real XLSX whose shared strings declare the "billion laughs" entities."""
    def entity(i: int) -> str:
        inner = f"&lol{i - 1};" if i > 1 else "&lol;"
        return f'<!ENTITY lol{i} "{inner * 10}">'
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(entity(i) for i in range(1, 10))
              + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<si><t>&lol9;</t></si></sst>')
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([GOOD])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("xl/sharedStrings.xml", laughs)
    return out.getvalue()


def junk() -> bytes:
    rng = random.Random(7)
    return b"\x00\x01" + bytes(rng.randrange(256) for _ in range(4000))


def big_rows(n: int) -> bytes:
    """Short rows, so that the file stays under the size cap (about 2 MB)."""
    return csv_bytes([["A", "leao", "Vichy"]] * n, header=["Nom", "Catégorie", "Commune"])


SCRIPT = "<img src=x onerror=alert(1)><script>alert(`x`)</script>\"'"

#: (case id, file name, content, fragments every message list must contain).
REFUSED = [
    ("mojibake", "f.csv", with_cell("Commune", "HÃ©nin-Beaumont"), ["mal encodé", "HÃ©nin"]),
    ("bytes-neither-utf8-nor-cp1252", "f.csv",
     csv_bytes([GOOD]) + b"Caf\x81;permanence;Vichy;03200;;;\r\n",
     ["ligne 3", "octets illisibles"]),
    ("empty", "f.csv", b"", ["fichier vide"]),
    ("blank-lines-only", "f.csv", b"\r\n\r\n  \r\n", ["fichier vide"]),
    ("bom-only", "f.csv", b"\xef\xbb\xbf", ["fichier vide"]),
    ("header-only", "f.csv", csv_bytes([]), ["en-tête seul"]),
    ("binary-junk", "f.csv", junk(), ["binaire"]),
    ("old-xls", "f.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, [".xls"]),
    ("utf16-without-bom", "f.csv", csv_bytes([GOOD]).decode().encode("utf-16-le"), ["binaire"]),
    ("missing-name-column", "f.csv",
     csv_bytes([GOOD[1:]], header=HEADER[1:]), ["Ligne 1", "« Nom »"]),
    ("renamed-to-unknown", "f.csv",
     csv_bytes([GOOD], header=["Dénomination", *HEADER[1:]]), ["« Nom »", "Dénomination"]),
    ("missing-place-columns", "f.csv",
     csv_bytes([GOOD[:2]], header=HEADER[:2]), ["aucune colonne de lieu"]),
    ("missing-category-column", "f.csv",
     csv_bytes([[GOOD[0], GOOD[2]]], header=["Nom", "Commune"]), ["« Catégorie »"]),
    ("duplicate-column", "f.csv", with_columns({"nom": "Autre nom"}),
     ["colonnes 1 « Nom » et 8 « nom »"]),
    ("extra-values-in-a-row", "f.csv", csv_bytes([GOOD + ["en trop"]]),
     ["Ligne 2", "8 valeurs pour 7 colonnes", "en trop"]),
    ("decimal-comma-with-comma-separator", "f.csv",
     csv_bytes([["CHRS", "hebergement", "Vichy", "03200", "", "", "en service", "12", "5"]],
               sep=",", header=[*HEADER, "Capacité"]), ["Ligne 2", "valeurs pour 8 colonnes"]),
    ("100000-rows", "f.csv", big_rows(100_000), ["plus de 20", "000 lignes"]),
    ("over-size-cap", "f.csv", with_columns({"Notes": "x" * 6_000_000}), ["limite de 5,0 Mo"]),
    ("xlsx-zip-bomb", "f.xlsx", zip_bomb(), ["bombe de décompression", "57,2 Mo"]),
    ("xlsx-xml-bomb", "f.xlsx", xml_bomb(), ["bombe XML", "sharedStrings.xml"]),
    ("xlsx-truncated", "f.xlsx", xlsx_bytes([GOOD])[:300], ["XLSX illisible"]),
    ("xlsx-postcode-as-number", "f.xlsx", xlsx_bytes([[*GOOD[:3], 3200, *GOOD[4:]]]),
     ["Ligne 2", "« Code postal »", "« 3200 »", "zéro initial perdu"]),
    ("unknown-commune", "f.csv", with_cell("Commune", "Trifouillis-les-Oies"),
     ["Ligne 2", "« Commune »", "Trifouillis-les-Oies", "introuvable"]),
    ("ambiguous-commune", "f.csv",
     csv_bytes([["Point écoute", "leao", "Saint-Martin", "", "", "", ""]]),
     ["« Commune »", "Saint-Martin", "ambigu"]),
    ("postcode-lost-zero", "f.csv", with_cell("Code postal", "3200"),
     ["Ligne 2", "« Code postal »", "« 3200 »", "« 03200 »"]),
    ("postcode-not-a-postcode", "f.csv", with_cell("Code postal", "VICHY"),
     ["« Code postal »", "« VICHY »"]),
    ("insee-lost-zero", "f.csv", with_columns({"Code INSEE": "3310"}),
     ["Ligne 2", "« Code INSEE »", "« 3310 »", "« 03310 »"]),
    ("insee-corsica-as-20", "f.csv",
     csv_bytes([["CIDFF Corse", "association", "20004"]],
               header=["Nom", "Catégorie", "Code INSEE"]), ["« 20004 »", "2A ou 2B"]),
    ("insee-unknown", "f.csv", with_columns({"Code INSEE": "99999"}),
     ["« Code INSEE »", "« 99999 »", "inconnu"]),
    ("xlsx-header-only", "f.xlsx", xlsx_bytes([]), ["en-tête seul"]),
    ("departement-lost-zero", "f.csv", with_columns({"Département": "3"}),
     ["« Département »", "« 3 »", "« 03 »"]),
    ("duplicate-ids", "f.csv",
     csv_bytes([[*GOOD, "03-X1"], [*GOOD, "03-X1"]], header=[*HEADER, "Identifiant"]),
     ["Ligne 3", "« 03-X1 »", "en double", "ligne 2"]),
    ("absurd-capacity", "f.csv", with_columns({"Capacité": "250000"}),
     ["« Capacité »", "« 250000 »", "invraisemblable"]),
    ("negative-capacity", "f.csv", with_columns({"Capacité": "-3"}), ["« -3 »", "positif"]),
    ("capacity-in-words", "f.csv", with_columns({"Capacité": "beaucoup"}), ["« beaucoup »"]),
    ("future-check-date", "f.csv", with_columns({"Dernière vérification": "01/01/2099"}),
     ["« Dernière vérification »", "« 01/01/2099 »", "futur"]),
    ("impossible-date", "f.csv", with_columns({"Dernière vérification": "32/13/2025"}),
     ["« 32/13/2025 »", "n'est pas une date"]),
    ("swapped-coordinates", "f.csv", with_columns({"Latitude": "3,4266", "Longitude": "46,1277"}),
     ["« Latitude »", "« 3,4266 ; 46,1277 »", "inversées"]),
    ("coordinates-outside-france", "f.csv",
     with_columns({"Latitude": "40.71", "Longitude": "-74.0"}),
     ["« 40.71 ; -74.0 »", "hors de France"]),
    ("half-coordinates", "f.csv", with_columns({"Latitude": "46.1", "Longitude": ""}),
     ["deux nombres"]),
    ("unknown-category", "f.csv", with_cell("Catégorie", "refuge"),
     ["Ligne 2", "« Catégorie »", "« refuge »", "catégorie"]),
    ("unknown-status", "f.csv", with_cell("Statut", "peut-être"),
     ["« Statut »", "« peut-être »", "statut"]),
    ("unknown-confidentiality", "f.csv", with_columns({"Confidentialité": "privé"}),
     ["« Confidentialité »", "« privé »"]),
    ("empty-name", "f.csv", with_cell("Nom", ""), ["Ligne 2", "« Nom »", "obligatoire"]),
    ("one-bad-row-among-good-ones", "f.csv", with_cell("Commune", "Nullepart", rows=5),
     ["Ligne 6", "« Nullepart »"]),
    ("json-junk", "f.json", b'{"services": [', ["JSON illisible"]),
    ("json-not-a-list", "f.json", b'{"services": 3}', ["liste « services »"]),
    ("figure-row-in-services-format", "f.csv", with_cell("Catégorie", "aggregate"),
     ["chiffre territorial"]),
    # issue 10: rows lost or altered, crashes, English messages
    ("unclosed-quote-in-last-column", "f.csv", unclosed_quote(),
     ["Ligne 2", "« Remarques »", "guillemet ouvert jamais fermé", "voir aussi"]),
    ("quote-swallowing-rows", "f.csv", csv_bytes([]) + b'A;permanence;Vichy;03200;;;"en service'
     b"\r\nB;permanence;Vichy;03200;;;x\r\n" + b'C;permanence;Vichy;03200;;;fin"\r\n',
     ["Ligne 2", "« Statut »", "lignes entières"]),
    ("xlsx-second-sheet-with-data", "f.xlsx",
     workbook(("Feuil1", [HEADER, GOOD]), ("Feuil2", [HEADER, GOOD])),
     ["plusieurs feuilles remplies", "« Feuil1 »", "« Feuil2 »"]),
    ("xlsx-only-hidden-sheet-has-data", "f.xlsx",
     workbook(("Vide", []), ("Cachée", [HEADER, GOOD]), hidden=("Cachée",)),
     ["feuilles masquées", "« Cachée »"]),
    ("mac-roman", "f.csv", encoded("Hénin-Beaumont", "mac_roman"),
     ["Ligne 2", "« Nom »", "HŽnin-Beaumont", "Mac Roman"]),
    ("shift-jis", "f.csv", encoded("Centre 日本", "shift_jis"),
     ["Ligne 2", "« Nom »", "“ú–{", "Shift-JIS"]),
    ("mixed-utf8-and-cp1252", "f.csv",
     csv_bytes([["LXEscale", *GOOD[1:]]]).decode().encode("cp1252").replace(
         b"LXEscale", "L’Escale".encode()), ["Ligne 2", "« Nom »", "Lâ€™Escale", "mal encodé"]),
    ("xlsx-phone-as-number", "f.xlsx", xlsx_bytes([[*GOOD[:4], 470000000, *GOOD[5:]]]),
     ["Ligne 2", "« Téléphone »", "« 470000000 »", "zéro initial"]),
    ("json-duplicate-key", "f.json",
     json_services(GOOD_JSON[:-1] + ', "nom": "Autre nom"}'), ["ligne 3", "« nom »", "deux fois"]),
    ("json-object-value", "f.json", json_services(GOOD_JSON[:-1] + ', "notes": {"a": 1}}'),
     ["Ligne 3", "« notes »", '« {"a": 1} »']),
    ("json-list-value", "f.json", json_services(GOOD_JSON[:-1] + ', "notes": ["a"]}'),
     ["Ligne 3", "« notes »", '« ["a"] »']),
    ("csv-first-line-over-128-kb", "f.csv",
     csv_bytes([[*GOOD, "x"]], header=[*HEADER, "Y" * 140_000]),
     ["Ligne 1", "« n° 8 »", "140\u202f000 caractères"]),
    ("value-over-an-excel-cell", "f.csv", with_cell("Horaires", "z" * 40_000),
     ["Ligne 2", "« Horaires »", "40\u202f000 caractères"]),
    ("json-nested-1500-deep", "f.json", nested_json(1_500), ["ligne 1, colonne", "imbriquées"]),
    ("json-5000-digit-number", "f.json",
     json_services(GOOD_JSON[:-1] + ', "capacite": ' + "9" * 5_000 + "}"),
     ["ligne 3", "nombre de 5\u202f000 caractères"]),
    ("json-unterminated-string", "f.json", b'{"services": [{"nom": "abc}]}',
     ["ligne 1, colonne 23", "jamais fermé"]),
    ("xlsx-bad-crc", "f.xlsx", bad_crc(), ["sheet1.xml", "CRC"]),
    ("xlsx-unsupported-compression", "f.xlsx", patch_headers(xlsx_bytes([GOOD]), SHEET, method=6),
     ["sheet1.xml", "méthode non prise en charge"]),
    ("xlsx-encrypted-member", "f.xlsx", patch_headers(xlsx_bytes([GOOD]), SHEET, flags=1),
     ["sheet1.xml", "chiffrée"]),
    ("xlsx-lying-sizes", "f.xlsx", lying_sizes(), ["sheet1.xml", "endommagée"]),
    ("not-a-zip", "f.xlsx", b"PK\x03\x04" + b"junk" * 50, ["XLSX illisible", "archive ZIP"]),
    ("zip-not-a-workbook", "f.xlsx",
     rezip(xlsx_bytes([GOOD]), {"[Content_Types].xml": b"<Types/>"}),
     ["XLSX illisible", "structure interne"]),
]

ACCEPTED = [
    ("utf8", "f.csv", with_cell("Nom", "Accueil de jour « L'Élan »"), "Accueil de jour « L'Élan »"),
    ("utf8-bom", "f.csv", b"\xef\xbb\xbf" + with_cell("Nom", "Écoute"), "Écoute"),
    ("cp1252", "f.csv", with_cell("Nom", "Hénin Œuvre").decode().encode("cp1252"), "Hénin Œuvre"),
    ("utf16-bom", "f.csv", with_cell("Nom", "Sœur").decode().encode("utf-16"), "Sœur"),
    ("comma-separated", "f.csv", csv_bytes([GOOD], sep=","), GOOD[0]),
    ("tab-separated", "f.csv", csv_bytes([GOOD], sep="\t"), GOOD[0]),
    ("renamed-columns", "f.csv",
     csv_bytes([GOOD], header=["Nom de la structure", "Type", "Ville", "CP", "Tél", "Horaires",
                               "État"]), GOOD[0]),
    ("unknown-extra-column", "f.csv", with_columns({"Âge du capitaine": "42"}), GOOD[0]),
    ("formula-as-text", "f.csv", with_cell("Nom", '=HYPERLINK("http://x","clic")'),
     '=HYPERLINK("http://x","clic")'),
    ("script-in-name", "f.csv", with_cell("Nom", SCRIPT), SCRIPT),
    ("postcode-only", "f.csv", csv_bytes([["CIDFF", "permanence", "", "03200", "", "", ""]]),
     "CIDFF"),
    ("insee-2A", "f.csv", csv_bytes([["CIDFF Corse", "association", "2A004"]],
                                    header=["Nom", "Catégorie", "Code INSEE"]), "CIDFF Corse"),
    ("xlsx-formula-cell", "f.xlsx", xlsx_bytes([["=1+1", *GOOD[1:]]]), "=1+1"),
    ("decimal-comma-capacity", "f.csv", with_columns({"Capacité": "12,5"}), GOOD[0]),
    # a service of one département's listing held in a neighbouring one, as the importer allows
    ("insee-outside-the-listing-departement", "f.csv",
     with_columns({"Département": "62", "Code INSEE": "03310"}), GOOD[0]),
    # issue 10: read exactly, every row
    ("row-after-40000-blank-lines", "f.csv",
     csv_bytes([]) + b"\r\n" * 40_001 + csv_bytes([GOOD], header=[]).lstrip(b"\r\n"), GOOD[0]),
    ("xlsx-row-50000-of-a-sparse-sheet", "f.xlsx",
     workbook(("Feuil1", [HEADER] + [[]] * 49_998 + [GOOD])), GOOD[0]),
    ("xlsx-lying-dimension", "f.xlsx", lying_dimension(), GOOD[0]),
    ("xlsx-hidden-first-sheet", "f.xlsx",
     workbook(("Ancienne", [HEADER, ["Ancien service", *GOOD[1:]]]), ("Annuaire", [HEADER, GOOD]),
              hidden=("Ancienne",)), GOOD[0]),
    ("xlsx-empty-second-sheet", "f.xlsx", workbook(("Feuil1", [HEADER, GOOD]), ("Feuil2", [])),
     GOOD[0]),
    ("cp1252-typography", "f.csv", encoded("L’Escale — « Œuvre » sœur…", "cp1252"),
     "L’Escale — « Œuvre » sœur…"),
    ("multi-line-note", "f.csv",
     csv_bytes([[*GOOD, "1er étage\nsonner"]], header=[*HEADER, "Remarques"]), GOOD[0]),
    ("xlsx-phone-with-digit-format", "f.xlsx",
     workbook(("Feuil1", [HEADER, [*GOOD[:4], 470000000, *GOOD[5:]]]),
              formats={"E2": "0# ## ## ## ##"}), GOOD[0]),
    ("json-export", "f.json", json_services(GOOD_JSON), GOOD[0]),
]


@pytest.mark.parametrize(("case", "name", "content", "fragments"), REFUSED,
                         ids=[c[0] for c in REFUSED])
def test_a_hostile_file_is_refused_in_french_and_changes_nothing(sqlite_engine, ref, case, name,
                                                                 content, fragments):
    before = checksums(sqlite_engine)
    result = imports.preview(sqlite_engine, name, content, ref)
    messages = " | ".join(result.all_errors)
    assert result.all_errors, f"{case}: accepted"
    for fragment in fragments:
        assert fragment in messages, f"{case}: « {fragment} » not in {messages[:400]}"
    with pytest.raises(StoreError, match="rien n'a été enregistré"):
        imports.apply(sqlite_engine, result, "marie")
    assert checksums(sqlite_engine) == before


@pytest.mark.parametrize(("case", "name", "content", "expected_name"), ACCEPTED,
                         ids=[c[0] for c in ACCEPTED])
def test_an_odd_but_valid_file_is_read_without_altering_a_character(sqlite_engine, ref, case,
                                                                    name, content, expected_name):
    before = checksums(sqlite_engine)
    result = imports.preview(sqlite_engine, name, content, ref)
    assert result.all_errors == [], case
    assert checksums(sqlite_engine) == before  # a preview writes nothing
    assert [r.state for r in result.rows] == ["nouveau"]
    assert result.rows[0].service["name"] == expected_name
    imports.apply(sqlite_engine, result, "marie")
    after = checksums(sqlite_engine)
    assert after["services"]["count"] == before["services"]["count"] + 1
    assert after["history"]["count"] == before["history"]["count"] + 1


def test_the_corpus_has_at_least_forty_hostile_files():
    assert len(REFUSED) + len(ACCEPTED) >= 40


def test_no_english_library_text_reaches_the_user(sqlite_engine, ref):
    english = re.compile(r"\b(Unable|File is|Unterminated|Expecting|Error|not a|field larger|"
                         r"expected|Bad|encrypted|password|compression method|Exceeds)\b")
    for case, name, content, _ in REFUSED:
        messages = " | ".join(imports.preview(sqlite_engine, name, content, ref).all_errors)
        assert not english.search(messages), f"{case}: {messages[:300]}"


def test_a_phone_with_a_digit_format_is_read_as_shown(sqlite_engine, ref):
    content = dict((c[0], c[2]) for c in ACCEPTED)["xlsx-phone-with-digit-format"]
    service = imports.preview(sqlite_engine, "f.xlsx", content, ref).rows[0].service
    assert service["phone"] == "04 70 00 00 00"


def test_a_decimal_comma_is_read_as_a_decimal(sqlite_engine, ref):
    result = imports.preview(sqlite_engine, "f.csv", with_columns({"Capacité": "12,5"}), ref)
    assert result.rows[0].service["capacity"] == "12.5"


def test_a_secret_place_is_stored_without_anything_that_locates_it(sqlite_engine, ref):
    content = csv_bytes([["Foyer Les Tilleuls", "hebergement", "Vichy", "03200", "04 70 99 99 99",
                          "", "en service", "12 rue Cachée"]], header=[*HEADER, "Adresse"])
    service = imports.preview(sqlite_engine, "f.csv", content, ref).rows[0].service
    assert service["confidentiality"] == "secret" and service["insee"] == "03310"
    assert service["address"] == service["phone"] == service["lat"] == service["postcode"] == ""


def test_the_commune_gives_the_point_and_the_host_site_wins(sqlite_engine, ref):
    content = csv_bytes([["Permanence", "permanence", "Lens", "", "", "", "",
                          "France services de Lens"]], header=[*HEADER, "Lieu"])
    service = imports.preview(sqlite_engine, "f.csv", content, ref).rows[0].service
    assert (service["insee"], service["precision"], service["host_id"]) == ("62498",
                                                                             "lieu_accueil", "fs:7")
