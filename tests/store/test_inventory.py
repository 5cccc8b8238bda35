"""Statements on the inventory of places: who said it, when, kept with history and backups."""

from __future__ import annotations

import pytest

from store import backup, inventory, services


def test_the_latest_statement_holds_and_the_earlier_ones_stay_as_history(sqlite_engine):
    inventory.declare(sqlite_engine, "62", "permanence", "partial", "marie", "plan 2024")
    inventory.declare(sqlite_engine, "62", "permanence", "complete", "paul", "recensement DDFE")
    inventory.declare(sqlite_engine, "03", "iscg", "complete", "marie")
    said = inventory.statements(sqlite_engine, "62")
    assert set(said) == {"permanence"}
    assert (said["permanence"].status, said["permanence"].who) == ("complete", "paul")
    assert len(inventory.history(sqlite_engine, "62")) == 2


@pytest.mark.parametrize(("category", "status", "who", "message"), [
    ("cantine", "complete", "marie", "Catégorie inconnue"),
    ("permanence", "presque", "marie", "Statut d'inventaire inconnu"),
    ("permanence", "complete", "", "auteur"),
])
def test_a_bad_statement_is_refused_in_french_and_writes_nothing(sqlite_engine, category, status,
                                                                 who, message):
    with pytest.raises(services.StoreError, match=message):
        inventory.declare(sqlite_engine, "62", category, status, who)
    assert inventory.history(sqlite_engine).empty


def test_statements_survive_a_backup_and_restore(sqlite_engine, tmp_path):
    inventory.declare(sqlite_engine, "62", "permanence", "complete", "marie")
    saved = backup.backup(sqlite_engine, tmp_path / "sauvegarde.sqlite3")
    inventory.declare(sqlite_engine, "62", "permanence", "unknown", "paul")
    backup.restore(sqlite_engine, saved)
    assert inventory.statements(sqlite_engine, "62")["permanence"].who == "marie"
