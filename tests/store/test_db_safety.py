"""After the first edit the database is the reference: never re-seeded, never overwritten.

A fresh install (no database, no marker) still creates and seeds itself. Once a person has
edited it, a deleted SQLite file, a PostgreSQL database whose tables were dropped, or
emptied tables stop ``make_engine`` with a French message naming the last backup; a file
of random bytes is never replaced. Scheduled backups keep the last N files, and
``python -m store restore`` brings a lost database back.
"""

from __future__ import annotations

import csv
import os

import pytest
import sqlalchemy as sa

from geo import national
from geo.schema import SERVICE_COLUMNS, SERVICES_FILE
from store import backup, db, make_engine, services
from store.__main__ import main

NEW = {"id": "03-TSAFE1", "dep": "03", "category": "ecoute", "name": "Service de test",
       "confidentiality": "public", "remote": "false", "status": "existing"}


@pytest.fixture(autouse=True)
def folders(tmp_path, monkeypatch):
    """Backups and PostgreSQL markers of these tests live in tmp_path."""
    monkeypatch.setenv("CARTO_VIF_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("CARTO_VIF_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


def _edit(engine) -> None:
    services.create(engine, {c: NEW.get(c, "") for c in SERVICE_COLUMNS}, "marie.dupont")


def _sqlite(tmp_path):
    return f"sqlite:///{tmp_path / 'base.sqlite3'}"


def _lines(path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


#: A fresh install holds the plans' services and the national layers, one row per merged pair.
SEEDED = (_lines(SERVICES_FILE) + _lines(national.ANNUAIRE_FILE) + _lines(national.FINESS_FILE)
          - _lines(national.MERGES_FILE))


def test_a_fresh_install_creates_and_seeds_itself(tmp_path):
    engine = make_engine(_sqlite(tmp_path))
    assert services.checksums(engine)["services"]["count"] == SEEDED
    assert not db.is_reference(engine.url)  # seeding is not an edit
    engine.dispose()


def test_an_unedited_database_deleted_is_seeded_again(tmp_path):
    make_engine(_sqlite(tmp_path)).dispose()
    (tmp_path / "base.sqlite3").unlink()
    engine = make_engine(_sqlite(tmp_path))
    assert services.checksums(engine)["services"]["count"] == SEEDED
    engine.dispose()


def test_an_edited_sqlite_database_deleted_is_not_reseeded(tmp_path):
    engine = make_engine(_sqlite(tmp_path))
    _edit(engine)
    assert db.is_reference(engine.url)
    main_backup = backup.scheduled(engine, tmp_path / "backups", keep=3)[0]
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"base.sqlite3{suffix}").unlink(missing_ok=True)
    with pytest.raises(db.DatabaseLost) as lost:
        make_engine(_sqlite(tmp_path))
    message = str(lost.value)
    assert "introuvable" in message and "n'est pas recréée" in message
    assert main_backup.name in message and lost.value.backup == main_backup
    assert not (tmp_path / "base.sqlite3").exists()  # nothing created in its place


def test_a_lost_database_comes_back_with_the_restore_command(tmp_path, monkeypatch):
    engine = make_engine(_sqlite(tmp_path))
    _edit(engine)
    expected = services.checksums(engine)
    saved = backup.scheduled(engine, tmp_path / "backups")[0]
    engine.dispose()
    (tmp_path / "base.sqlite3").unlink()
    monkeypatch.setenv("DATABASE_URL", _sqlite(tmp_path))
    assert main(["users"]) == 2  # refused: the database is lost
    assert main(["restore", str(saved)]) == 0
    engine = make_engine()
    assert services.checksums(engine) == expected
    engine.dispose()


def test_emptied_tables_of_an_edited_database_are_not_reseeded(tmp_path):
    engine = make_engine(_sqlite(tmp_path))
    _edit(engine)
    with db.writing(engine) as conn:
        conn.execute(sa.delete(db.history_table))
        conn.execute(sa.delete(db.services_table))
    engine.dispose()
    with pytest.raises(db.DatabaseLost, match="vide"):
        make_engine(_sqlite(tmp_path))


def test_a_corrupt_sqlite_file_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "base.sqlite3"
    junk = os.urandom(8192)
    path.write_bytes(junk)
    with pytest.raises(db.DatabaseUnavailable, match="illisible"):
        make_engine(_sqlite(tmp_path))
    assert path.read_bytes() == junk


def test_a_database_deleted_while_open_fails_the_health_check(tmp_path):
    engine = make_engine(_sqlite(tmp_path))
    _edit(engine)
    db.health_check(engine)
    (tmp_path / "base.sqlite3").unlink()
    with pytest.raises(db.DatabaseLost):
        db.health_check(engine)
    engine.dispose()


def test_a_restore_marks_the_database_as_the_reference(tmp_path):
    source = make_engine(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    _edit(source)
    saved = backup.backup(source, tmp_path / "copie.sqlite3")
    target = make_engine(_sqlite(tmp_path))
    assert not db.is_reference(target.url)
    backup.restore(target, saved)
    assert db.is_reference(target.url)
    source.dispose()
    target.dispose()


def test_postgres_tables_dropped_after_an_edit_are_not_recreated(postgres_engine, folders):
    _edit(postgres_engine)
    url = postgres_engine.url.render_as_string(hide_password=False)
    marker = db.marker_path(url)
    assert marker.exists() and marker.parent == folders / "state"
    with postgres_engine.begin() as conn:
        for table in ("history", "services"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
    with pytest.raises(db.DatabaseLost, match="n'a plus ses tables"):
        make_engine(url)
    with postgres_engine.connect() as conn:
        assert not sa.inspect(conn).has_table("services")


def test_postgres_down_is_a_french_error_without_password(monkeypatch):
    url = "postgresql+psycopg://carto:motdepasse@127.0.0.1:1/carto_vif"
    with pytest.raises(db.DatabaseUnavailable) as down:
        make_engine(url)
    assert "ne répond pas" in str(down.value) and "motdepasse" not in str(down.value)


def test_scheduled_backups_keep_the_last_n(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", _sqlite(tmp_path))
    folder = tmp_path / "backups"
    for _ in range(4):
        assert main(["backup", "--dir", str(folder), "--keep", "2"]) == 0
    kept = sorted(folder.iterdir())
    assert len(kept) == 2 and all(p.name.startswith("carto-vif-") for p in kept)
    assert db.last_backup(folder) == kept[-1]
    engine = make_engine()
    expected = services.checksums(engine)
    check = make_engine(f"sqlite:///{tmp_path / 'check.sqlite3'}", seed=None)
    backup.restore(check, kept[-1])
    assert services.checksums(check) == expected
    engine.dispose()
    check.dispose()


def test_backup_refuses_keep_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", _sqlite(tmp_path))
    assert main(["backup", "--dir", str(tmp_path / "b"), "--keep", "0"]) == 1
