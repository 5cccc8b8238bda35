"""R11: an import of new services never overwrites existing ones.

A row matches a stored service only by its explicit id, by the seed-extraction identity
(same département, document, source line and name) or by the rule "same département, same
commune (or territory), same name, exactly one live service": every other row gets a new id
that no service, live or deleted, has ever had. A change of confidentiality or category of a
stored service is listed apart and saved only with an explicit confirmation.
"""

from __future__ import annotations

import pytest
from hostile_files import HEADER, csv_bytes

from geo.schema import SERVICE_COLUMNS
from store import imports, services
from store.services import StoreError

ALLIER = (("Vichy", "03200"), ("Moulins", "03000"), ("Montluçon", "03100"))


@pytest.fixture(scope="module")
def real_ref():
    from geo.importer import Reference
    from geo.schema import PROCESSED

    if not (PROCESSED / "commune_names.parquet").exists():
        pytest.skip("data/processed absent: run `python -m geo prepare`")
    return Reference.load()


def _rows(engine) -> dict[str, dict]:
    table = services.raw_services(engine, include_deleted=True)
    return {r["id"]: {c: r[c] for c in [*SERVICE_COLUMNS, "version", "deleted"]}
            for r in table.to_dict("records")}


def new_allier_services(n: int = 229) -> bytes:
    """``n`` new Allier services, one per line: lines 2 … n + 1 (line 225 among them)."""
    rows = [[f"Permanence d'essai numéro {i}", "permanence", *ALLIER[i % 3], "04 70 00 00 00",
             "le lundi 9h-12h", "en service"] for i in range(n)]
    return csv_bytes(rows, header=HEADER)


def test_a_file_of_new_services_changes_no_stored_service(sqlite_engine, real_ref):
    before = _rows(sqlite_engine)
    assert "03-L225-1" in before and before["03-L225-1"]["confidentiality"] == "secret"
    result = imports.preview(sqlite_engine, "allier.csv", new_allier_services(), real_ref)
    assert result.all_errors == []
    assert result.counts()["nouveau"] == 229 and result.counts()["modifié"] == 0
    ids = [r.service["id"] for r in result.rows]
    assert len(set(ids)) == 229 and not set(ids) & set(before)
    assert not any("-L" in i for i in ids)  # never {dep}-L{line in the file}-1
    imports.apply(sqlite_engine, result, "marie")
    after = _rows(sqlite_engine)
    assert {i: after[i] for i in before} == before  # every stored service is untouched
    assert len(after) == len(before) + 229


def test_a_new_id_never_reuses_a_deleted_one(sqlite_engine, ref):
    first = imports.preview_records(sqlite_engine, [{"name": "Permanence A", "dep": "03",
                                                     "category": "permanence",
                                                     "insee": "03310"}], ref, match=False)
    imports.apply(sqlite_engine, first, "marie")
    gone = first.rows[0].service["id"]
    services.delete(sqlite_engine, gone, 1, "marie")
    taken = set(services.raw_services(sqlite_engine, include_deleted=True)["id"])
    made = imports._new_id("03", taken, set())
    assert made not in taken and made.startswith("03-G")


def test_two_creations_in_the_form_give_two_services(sqlite_engine, ref):
    count = len(_rows(sqlite_engine))
    for name in ("Nouvelle permanence", "Autre permanence"):
        record = {"name": name, "dep": "03", "category": "permanence", "insee": "03310",
                  "id": ""}  # what the form sends for "— nouveau service —"
        result = imports.preview_records(sqlite_engine, [record], ref)
        assert [r.state for r in result.rows] == ["nouveau"], result.all_errors
        imports.apply(sqlite_engine, result, "marie")
    rows = _rows(sqlite_engine)
    assert len(rows) == count + 2
    assert {"Nouvelle permanence", "Autre permanence"} <= {r["name"] for r in rows.values()}


def test_a_form_creation_twin_of_a_service_is_named_in_a_note(sqlite_engine, ref):
    record = {"name": "Permanence jumelle", "dep": "03", "category": "permanence",
              "insee": "03310"}
    imports.apply(sqlite_engine, imports.preview_records(sqlite_engine, [record], ref,
                                                         match=False), "marie")
    second = imports.preview_records(sqlite_engine, [record], ref, match=False)
    assert second.rows[0].state == "nouveau"
    assert any("même nom" in n for n in second.notes)


def test_a_row_without_id_matches_one_live_service_of_same_commune_and_name(sqlite_engine, ref):
    content = csv_bytes([["Permanence CIDFF", "permanence", "Vichy", "03200", "", "", ""]],
                        header=HEADER)
    first = imports.preview(sqlite_engine, "f.csv", content, ref)
    imports.apply(sqlite_engine, first, "marie")
    again = csv_bytes([["permanence  cidff", "permanence", "Vichy", "03200", "", "le jeudi", ""]],
                      header=HEADER)
    second = imports.preview(sqlite_engine, "g.csv", again, ref)
    row = second.rows[0]
    assert row.state == "modifié" and row.service["id"] == first.rows[0].service["id"]
    assert "même commune" in second.table()["Correspondance"][0]
    assert "horaires" in second.table()["Détail"][0]  # the changed column, named in French
    assert "schedule" not in second.table()["Détail"][0]


def test_a_seed_row_of_another_document_is_new(sqlite_engine, real_ref):
    import csv
    import io

    from geo.importer import SOURCES

    table = list(csv.DictReader(io.StringIO(
        (SOURCES / "seeds" / "03_allier.csv").read_text(encoding="utf-8-sig"))))
    extra = {**dict.fromkeys(table[0], ""), "dept_code": "03", "dept_name": "Allier",
             "category": "permanence", "name": "Permanence d'un autre plan",
             "commune": "Vichy", "status": "existing", "year": "2026", "source_line": "225",
             "source_document": "autre_plan.txt"}
    out = io.StringIO()
    writer = csv.DictWriter(out, [*table[0], "source_document"])
    writer.writeheader()
    writer.writerows([*table, extra])
    before = _rows(sqlite_engine)
    result = imports.preview(sqlite_engine, "seed.csv", out.getvalue().encode(), real_ref)
    assert result.all_errors == []
    assert result.counts()["nouveau"] == 1 and result.counts()["modifié"] == 0
    new = next(r for r in result.rows if r.state == "nouveau")
    assert new.service["id"] not in before and new.match == "new"
    assert {r.match for r in result.rows if r.state == "inchangé"} == {"seed"}
    imports.apply(sqlite_engine, result, "marie")
    after = _rows(sqlite_engine)
    assert {i: after[i] for i in before} == before


def test_the_secret_shelter_is_not_made_public_without_confirmation(sqlite_engine, real_ref):
    content = csv_bytes([["03-L225-1", "Permanence publique", "permanence", "Vichy", "03200",
                          "7 rue de la Paix", "public"]],
                        header=["Identifiant", "Nom", "Catégorie", "Commune", "Code postal",
                                "Adresse", "Confidentialité"])
    before = services.checksums(sqlite_engine)
    result = imports.preview(sqlite_engine, "f.csv", content, real_ref)
    assert result.all_errors == [] and result.rows[0].state == "modifié"
    table = result.sensitive_table()
    assert table["Identifiant"].tolist() == ["03-L225-1"]
    assert "secret → public" in table["Changement"][0]
    assert "hébergement → permanence" in table["Changement"][0]
    with pytest.raises(StoreError, match="confirm"):
        imports.apply(sqlite_engine, result, "marie")
    assert services.checksums(sqlite_engine) == before
    imports.apply(sqlite_engine, result, "marie", confirm_sensitive=True)
    assert services.get(sqlite_engine, "03-L225-1")["confidentiality"] == "public"


def test_an_unchanged_confidentiality_needs_no_confirmation(sqlite_engine, ref):
    content = csv_bytes([["Permanence CIDFF", "permanence", "Vichy", "03200", "", "", ""]],
                        header=HEADER)
    result = imports.preview(sqlite_engine, "f.csv", content, ref)
    assert result.sensitive_table().empty
    imports.apply(sqlite_engine, result, "marie")


# The Gestion page (AppTest): two "nouveau service" give two services; a secret shelter made
# public waits for its checkbox.

@pytest.fixture
def gestion(app_database):
    return app_database


def _gestion_page(dep: str):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"),
                           default_timeout=120)
    at.session_state["dep"] = dep
    at.session_state["role"], at.session_state["user"] = "gestionnaire", "marie"
    at.switch_page("pages/6_Gestion.py")
    return at.run()


def _preview_button(at):
    return next(b for b in at.button if b.label == "Vérifier et prévisualiser")


def test_two_new_services_in_the_gestion_form_give_two_services(gestion):
    count = len(_rows(gestion))
    for name in ("Permanence du lundi", "Permanence du mardi"):
        at = _gestion_page("03")
        at.text_input(key="f_name_nouveau").set_value(name)
        at.text_input(key="f_insee_nouveau").set_value("03310")
        at = _preview_button(at).click().run()
        assert not at.exception, at.exception
        at = at.button(key="edit_save").click().run()
        assert any("Enregistré : 1 nouveau" in s.value for s in at.success), at.error
    rows = _rows(gestion)
    assert len(rows) == count + 2
    assert {"Permanence du lundi", "Permanence du mardi"} <= {r["name"] for r in rows.values()}


def test_the_gestion_form_saves_a_secret_made_public_only_once_confirmed(gestion):
    at = _gestion_page("03")
    label = next(o for o in at.selectbox(key="edit_choice").options if "03-L225-1" in o)
    at = at.selectbox(key="edit_choice").set_value(label).run()
    at.selectbox(key="f_category_03-L225-1").set_value("permanence")
    at.selectbox(key="f_conf_03-L225-1").set_value("public")
    at = _preview_button(at).click().run()
    assert not at.exception, at.exception
    assert any("changent de confidentialité" in w.value for w in at.warning)
    assert at.button(key="edit_save").disabled
    assert services.get(gestion, "03-L225-1")["confidentiality"] == "secret"
    at = at.checkbox(key="edit_confirm").check().run()
    assert not at.button(key="edit_save").disabled
    at.button(key="edit_save").click().run()
    assert services.get(gestion, "03-L225-1")["confidentiality"] == "public"
