"""Field checks: commune, postcode, département and point agree; lengths capped; phones, URLs."""

from __future__ import annotations

import pytest
from hostile_files import HEADER, csv_bytes

from store import checks, imports
from store.services import StoreError, checksums

GOOD = ["Permanence juridique CIDFF", "permanence", "Vichy", "03200", "04 70 00 00 00",
        "le mardi 9h-12h", "en service"]


def _with(extra: dict[str, str], row: list[str] = GOOD) -> bytes:
    return csv_bytes([list(row) + list(extra.values())], header=HEADER + list(extra))


def _refused(engine, ref, content: bytes, *fragments: str) -> str:
    before = checksums(engine)
    result = imports.preview(engine, "f.csv", content, ref)
    messages = " | ".join(result.all_errors)
    assert result.all_errors, "accepted"
    for fragment in fragments:
        assert fragment in messages, messages[:500]
    with pytest.raises(StoreError):
        imports.apply(engine, result, "marie")
    assert checksums(engine) == before
    return messages


def _accepted(engine, ref, content: bytes) -> dict:
    result = imports.preview(engine, "f.csv", content, ref)
    assert result.all_errors == []
    return result.rows[0].service


def test_a_vichy_insee_code_with_a_62_postcode_is_refused(sqlite_engine, ref):
    row = ["Permanence", "permanence", "", "62300", "", "", ""]
    _refused(sqlite_engine, ref, _with({"Code INSEE": "03310"}, row),
             "Ligne 2", "« Code postal » : « 62300 »", "Vichy")


def test_a_postcode_of_another_commune_is_refused(sqlite_engine, ref):
    _refused(sqlite_engine, ref, _with({"Code INSEE": "03310"}, [*GOOD[:3], "03100", *GOOD[4:]]),
             "Ligne 2", "« Code postal » : « 03100 »")


def test_a_cedex_postcode_of_the_commune_departement_is_accepted(sqlite_engine, ref):
    row = ["Tribunal", "justice", "Arras", "62033", "", "", ""]
    assert _accepted(sqlite_engine, ref, _with({}, row))["postcode"] == "62033"


def test_a_point_in_lille_for_an_allier_service_is_refused(sqlite_engine, ref):
    _refused(sqlite_engine, ref, _with({"Latitude": "50.6311", "Longitude": "3.0586"}),
             "Ligne 2", "« Latitude »", "« Longitude »", "50.6311", "Vichy")


def test_a_point_in_its_commune_is_accepted(sqlite_engine, ref):
    service = _accepted(sqlite_engine, ref, _with({"Latitude": "46.1300", "Longitude": "3.4300"}))
    assert (service["lat"], service["lon"]) == ("46.130000", "3.430000")


def test_a_5005_character_id_is_refused(sqlite_engine, ref):
    _refused(sqlite_engine, ref, _with({"Identifiant": "x" * 5005}),
             "Ligne 2", "« Identifiant »", "au plus 64 caractères")


def test_an_id_with_odd_characters_is_refused(sqlite_engine, ref):
    _refused(sqlite_engine, ref, _with({"Identifiant": "03 ![](//a.b)"}),
             "Ligne 2", "« Identifiant »")


def test_a_long_phone_is_refused(sqlite_engine, ref):
    messages = _refused(sqlite_engine, ref,
                        csv_bytes([[*GOOD[:4], "0" * 10_000, *GOOD[5:]]], header=HEADER),
                        "Ligne 2", "« Téléphone »", "au plus 40 caractères")
    assert len(messages) < 1000  # the value is quoted cut short


@pytest.mark.parametrize(("column", "cap"), [("Nom", 300), ("Horaires", 2000)])
def test_every_field_is_capped(sqlite_engine, ref, column, cap):
    row = list(GOOD)
    row[HEADER.index(column)] = "a" * (cap + 1)
    _refused(sqlite_engine, ref, csv_bytes([row], header=HEADER),
             "Ligne 2", f"« {column} »", f"au plus {cap:,}".replace(",", " "))


def test_every_field_has_a_cap():
    from store.columns import FIELDS

    assert set(FIELDS) <= set(checks.MAX_LENGTH)


@pytest.mark.parametrize("phone", ["04 70 00 00 00", "04.70.00.00.00", "04-70-00-00-00",
                                   "0470000000", "+33 4 70 00 00 00", "+33 (0)4 70 00 00 00",
                                   "3919", "115", "17", "114", "116 006", "+262 262 00 00 00",
                                   "04 70 00 00 00 / 06 00 00 00 00"])
def test_french_phone_numbers_are_accepted(phone):
    assert checks.phone(phone)[1] == ""


@pytest.mark.parametrize("phone", ["abc", "04 70 00 00", "4 70 00 00 00", "+33 4 70",
                                   "04 70 00 00 00 00", "=1+1", "12345"])
def test_other_phone_numbers_are_refused(phone):
    assert checks.phone(phone)[1]


def test_a_bad_phone_in_a_file_names_row_column_value(sqlite_engine, ref):
    _refused(sqlite_engine, ref, csv_bytes([[*GOOD[:4], "04 70 00", *GOOD[5:]]], header=HEADER),
             "Ligne 2", "« Téléphone » : « 04 70 00 »", "numéro")


@pytest.mark.parametrize("url", ["https://www.cidff03.fr/contact", "http://exemple.fr",
                                 "https://exemple.fr/a?b=c#d"])
def test_web_addresses_are_accepted(url):
    assert checks.website(url) == (url, "")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://exemple.fr", "http://exa mple.fr",
                                 "www.exemple.fr", "https://", "https://localhost/",
                                 "data:text/html,<b>x</b>", "http://exemple.fr/\u202e"])
def test_other_web_addresses_are_refused(url):
    assert checks.website(url)[1]


def test_a_javascript_url_in_a_file_is_refused(sqlite_engine, ref):
    _refused(sqlite_engine, ref, _with({"Site web": "javascript:alert(1)"}),
             "Ligne 2", "« Site web » : « javascript:alert(1) »")


def test_a_seed_row_with_a_postcode_of_another_commune_is_refused(sqlite_engine, ref):
    from geo.importer import INPUT_COLUMNS

    values = {c: "" for c in INPUT_COLUMNS} | {
        "dept_code": "03", "dept_name": "Allier", "category": "permanence",
        "name": "Permanence", "commune": "Vichy", "postcode": "62300", "status": "existing",
        "year": "2026", "source_line": "9"}
    content = csv_bytes([list(values.values())], sep=",", header=list(INPUT_COLUMNS))
    result = imports.preview(sqlite_engine, "seed.csv", content, ref)
    messages = " | ".join(result.all_errors)
    assert "Ligne 2, colonne « postcode » : « 62300 » n'est pas un code postal de Vichy" in messages
