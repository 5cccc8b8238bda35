"""The database: same shape as the CSV reader, history of every change, soft delete, exports."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from components.exports import to_csv_bytes, to_xlsx_bytes
from geo import listings
from geo.schema import SERVICE_COLUMNS
from store import exports, imports, make_engine, services, users, views
from store.services import ConflictError, StoreError

#: A few services in the synthetic communes of conftest.COMMUNES, one per kind of place.
SMALL = [
    {"id": "03-G1", "dep": "03", "category": "permanence", "name": "Permanence CIDFF",
     "operator": "CIDFF de l'Allier", "place": "Mairie", "address": "1 place de l'Hôtel de ville",
     "postcode": "03200", "insee": "03310", "lat": "46.127700", "lon": "3.426600",
     "precision": "commune", "remote": "false", "confidentiality": "public",
     "capacity": "12.5", "schedule": "le mardi 9h-12h", "phone": "+33 4 70 00 00 00",
     "status": "existing", "source_year": "2026", "last_checked": "2026-05-01"},
    {"id": "62-G2", "dep": "62", "category": "auteurs", "name": "Groupe de parole",
     "place": "France services de Lens", "address": "1 rue de la Gare", "postcode": "62300",
     "insee": "62498", "lat": "50.430100", "lon": "2.830100", "precision": "lieu_accueil",
     "host_id": "fs:7", "remote": "false", "confidentiality": "sur_orientation",
     "status": "planned"},
    {"id": "62-G3", "dep": "62", "category": "hebergement", "name": "Foyer Les Tilleuls",
     "insee": "62041", "remote": "false", "confidentiality": "secret", "capacity": "8",
     "status": "existing"},
    {"id": "03-G4", "dep": "03", "category": "ligne_ecoute", "name": "=HYPERLINK(\"http://x\")",
     "catchment": "dep:03", "remote": "true", "confidentiality": "public", "status": "unknown",
     "notes": "<script>alert('x')</script>\nsur deux lignes"},
]


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.csv"
    rows = pd.DataFrame([{c: r.get(c, "") for c in SERVICE_COLUMNS} for r in SMALL])
    listings.write_table(rows, path, SERVICE_COLUMNS)
    engine = make_engine(f"sqlite:///{tmp_path / 'small.sqlite3'}", seed=path)
    yield engine
    engine.dispose()


def test_the_database_reads_exactly_like_the_committed_csv(engine):
    assert_frame_equal(services.read_services(engine), listings.read_services())


def test_every_change_writes_one_history_row_with_before_and_after(engine):
    row = services.get(engine, "03-L23-1")
    version = services.update(engine, "03-L23-1", {"phone": "04 70 02 27 28"}, row["version"],
                              "marie")
    version = services.delete(engine, "03-L23-1", version, "marie")
    services.restore(engine, "03-L23-1", version, "paul")
    services.create(engine, {**{c: "" for c in SERVICE_COLUMNS}, "id": "03-G9", "dep": "03",
                             "name": "Nouveau"}, "paul")
    log = services.history(engine)
    assert log["action"].head(4).tolist() == ["create", "restore", "delete", "update"]
    update = log[log["action"] == "update"].iloc[0]
    assert json.loads(update["before"])["phone"] == ""
    assert json.loads(update["after"])["phone"] == "04 70 02 27 28"
    assert update["who"] == "marie"


def test_restore_gives_back_the_identical_row(engine):
    before = services.read_services(engine)
    version = services.delete(engine, "03-L24-1", 1, "marie")
    assert "03-L24-1" not in set(services.read_services(engine)["id"])
    services.restore(engine, "03-L24-1", version, "marie")
    assert_frame_equal(services.read_services(engine), before)


def test_a_stale_version_is_refused_naming_who_changed_it(engine):
    services.update(engine, "03-L23-1", {"notes": "vu"}, 1, "marie")
    with pytest.raises(ConflictError, match="modifié entre-temps par marie le"):
        services.update(engine, "03-L23-1", {"notes": "autre"}, 1, "paul")
    assert services.get(engine, "03-L23-1")["notes"] == "vu"


def test_an_unknown_column_is_refused(sqlite_engine):
    with pytest.raises(StoreError, match="colonnes inconnues"):
        services.update(sqlite_engine, "03-L23-1", {"couleur": "bleu"}, 1, "marie")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_an_export_reimports_to_the_same_data(small, ref, fmt):
    table = services.read_services(small)
    content = {"csv": to_csv_bytes, "xlsx": to_xlsx_bytes, "json": exports.to_json_bytes}[fmt]
    result = imports.preview(small, f"export.{fmt}", content(table), ref)
    assert result.all_errors == []
    assert result.counts() == {"nouveau": 0, "modifié": 0, "inchangé": 4, "erreur": 0}


def test_the_csv_export_neutralises_formulas():
    text = to_csv_bytes(pd.DataFrame({"name": ["=HYPERLINK(1)", "+33", "@x", "-1", "ok"]}))
    assert text.decode("utf-8-sig").splitlines()[1:] == ["'=HYPERLINK(1)", "'+33", "'@x", "'-1",
                                                         "ok"]


def test_the_json_export_uses_datainclusion_names(small):
    content = json.loads(exports.to_json_bytes(services.read_services(small)))
    first = content["services"][0]
    assert {"nom", "code_insee", "code_postal", "latitude", "telephone", "date_maj"} <= set(first)
    assert first["latitude"] == pytest.approx(46.1277)


@pytest.mark.parametrize(("role", "sees_referral_address", "sees_secret_name"),
                         [("public", False, False), ("professionnel", True, False),
                          ("gestionnaire", True, True)])
def test_each_role_sees_what_it_may(small, role, sees_referral_address, sees_secret_name):
    shown = views.view_for_role(services.read_services(small), role)
    text = shown.to_csv()
    assert ("1 rue de la Gare" in text) is sees_referral_address
    assert ("Foyer Les Tilleuls" in text) is sees_secret_name


def test_passwords_are_stored_hashed_and_checked(sqlite_engine):
    users.add_user(sqlite_engine, "marie", "gestionnaire", "un mot de passe long")
    assert users.authenticate(sqlite_engine, "marie", "un mot de passe long") == "gestionnaire"
    assert users.authenticate(sqlite_engine, "marie", "mauvais mot de passe") is None
    assert users.authenticate(sqlite_engine, "inconnue", "un mot de passe long") is None
    with sqlite_engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("$argon2id$") and "long" not in stored


def test_a_short_password_is_refused(sqlite_engine):
    with pytest.raises(ValueError, match="trop court"):
        users.add_user(sqlite_engine, "marie", "gestionnaire", "court")


def test_add_user_command_reads_the_password_from_the_environment(tmp_path, monkeypatch):
    from store.__main__ import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("CARTO_VIF_PASSWORD", "un mot de passe long")
    assert main(["add-user", "--role", "professionnel", "cidff62"]) == 0
    engine = make_engine()
    assert users.authenticate(engine, "cidff62", "un mot de passe long") == "professionnel"
    engine.dispose()


@pytest.fixture(scope="module")
def real_ref():
    from geo.importer import Reference
    from geo.schema import PROCESSED

    if not (PROCESSED / "commune_names.parquet").exists():
        pytest.skip("data/processed absent: run `python -m geo prepare`")
    return Reference.load()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_whole_listings_export_reimports_unchanged(sqlite_engine, real_ref, fmt):
    table = services.read_services(sqlite_engine)
    content = {"csv": to_csv_bytes, "xlsx": to_xlsx_bytes, "json": exports.to_json_bytes}[fmt]
    result = imports.preview(sqlite_engine, f"annuaire.{fmt}", content(table), real_ref)
    assert result.all_errors == []
    assert result.counts()["inchangé"] == len(table) == 357


def test_a_seed_extraction_reimports_unchanged(sqlite_engine, real_ref):
    from geo.importer import SOURCES

    seed = SOURCES / "seeds" / "03_allier.csv"
    result = imports.preview(sqlite_engine, seed.name, seed.read_bytes(), real_ref)
    assert result.all_errors == [] and set(result.counts()) >= {"inchangé"}
    assert result.counts()["nouveau"] == result.counts()["modifié"] == 0
