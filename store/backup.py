"""Backup and restore of the listings and their history (R7).

* SQLite: :func:`backup` uses SQLite's online backup API (``sqlite3.Connection.backup``),
  which copies a consistent snapshot while other processes keep writing.
* Any database: :func:`dump_json` writes a logical dump of the ``services`` and ``history``
  tables read in one snapshot (``REPEATABLE READ`` on PostgreSQL). This is the backup of a
  PostgreSQL database and the file the Gestion page offers for download (it holds no
  account: password hashes never leave the database).

:func:`restore` reads either kind of file and replaces the tables in one transaction, so
the restored database has the same counts and checksums (:func:`store.services.checksums`)
as the snapshot. Accounts are left as they are.

:func:`scheduled` is the backup a timer runs (``python -m store backup --dir var/backups
--keep 14``, cron or systemd, see the README): a file named ``carto-vif-<UTC time>`` in the
folder, then only the ``keep`` newest such files are kept. :func:`store.db.last_backup`
finds the newest one for the message shown when the database is lost.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from store.db import (
    BACKUP_GLOB,
    history_table,
    inventory_table,
    layer_records_table,
    now,
    services_table,
    writing,
)
from store.services import StoreError

FORMAT = "carto-vif-backup"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _rows(conn: sa.Connection, table: sa.Table, key: str) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(table).order_by(table.c[key])).mappings()]


def dump(engine: sa.Engine) -> dict:
    """The tables as plain data, read in one consistent snapshot."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        else:
            conn.execution_options(readonly=True)
        with conn.begin():
            return {"format": FORMAT, "version": 1, "taken_at": now(),
                    "services": _rows(conn, services_table, "id"),
                    "history": _rows(conn, history_table, "hid"),
                    "layer_records": _rows(conn, layer_records_table, "id")
                    if sa.inspect(conn).has_table("layer_records") else [],
                    "inventory_statements": _rows(conn, inventory_table, "sid")
                    if sa.inspect(conn).has_table("inventory_statements") else []}


def dump_json(engine: sa.Engine) -> bytes:
    """The logical dump as UTF-8 JSON bytes."""
    return json.dumps(dump(engine), ensure_ascii=False, indent=1).encode("utf-8")


def backup(engine: sa.Engine, target: Path) -> Path:
    """Write a backup of the database to ``target`` and return it.

    SQLite: a database file made with the online backup API. PostgreSQL: the JSON dump.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name != "sqlite":
        target.write_bytes(dump_json(engine))
        return target
    source = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.driver_connection.backup(destination)
        destination.close()
    finally:
        source.close()
    return target


def scheduled(engine: sa.Engine, folder: Path, keep: int = 14) -> tuple[Path, list[Path]]:
    """Write ``folder/carto-vif-<UTC time>.sqlite3`` (``.json`` on PostgreSQL), keep ``keep``.

    The file is written under a hidden name and renamed when complete. Returns the file
    written and the older backups removed (only ``carto-vif-*`` files of
    ``folder`` are ever removed). Raises ValueError (French) when ``keep`` is below 1.
    """
    if keep < 1:
        raise ValueError(f"--keep {keep} : il faut garder au moins une sauvegarde")
    folder = Path(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = ".sqlite3" if engine.dialect.name == "sqlite" else ".json"
    name = f"{BACKUP_GLOB[:-1]}{stamp}{suffix}"
    partial = backup(engine, folder / f".{name}.partial")  # never a half file under the name
    written = partial.replace(folder / name)
    older = sorted(folder.glob(BACKUP_GLOB))[:-keep]
    for path in older:
        path.unlink()
    return written, older


def _load(data: bytes) -> dict:
    if data.startswith(_SQLITE_MAGIC):
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".sqlite3") as handle:
            handle.write(data)
            handle.flush()
            copy = sa.create_engine(f"sqlite:///{handle.name}")
            try:
                return dump(copy)
            finally:
                copy.dispose()
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise StoreError("Fichier de sauvegarde illisible : ni base SQLite ni JSON "
                         f"de sauvegarde ({err.__class__.__name__})") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise StoreError("Ce fichier n'est pas une sauvegarde Carto-VIF "
                         f"(champ « format » différent de « {FORMAT} »)")
    return content


def _check(rows: list, table: sa.Table, name: str) -> list[dict]:
    expected = {c.name for c in table.columns}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) != expected:
            raise StoreError(f"Sauvegarde, table {name}, ligne {number} : colonnes inattendues")
    return rows


def restore(engine: sa.Engine, source: Path | bytes) -> dict[str, int]:
    """Replace services and history by those of a backup, in one transaction.

    Returns the number of rows restored per table. Raises :class:`StoreError` (French) for a
    file that is not a Carto-VIF backup; then nothing changes.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    content = _load(data)
    services = _check(content.get("services", []), services_table, "services")
    history = _check(content.get("history", []), history_table, "history")
    # Backups older than the national layers have no baseline: every layer record then counts
    # as edited by a gestionnaire, and a rebuild keeps it (store.layers).
    records = _check(content.get("layer_records", []), layer_records_table, "layer_records")
    said = _check(content.get("inventory_statements", []), inventory_table,
                  "inventory_statements")
    with writing(engine) as conn:
        conn.execute(sa.delete(history_table))
        conn.execute(sa.delete(layer_records_table))
        conn.execute(sa.delete(inventory_table))
        conn.execute(sa.delete(services_table))
        if records:
            conn.execute(sa.insert(layer_records_table), records)
        if said:
            conn.execute(sa.insert(inventory_table), said)
        if services:
            conn.execute(sa.insert(services_table), services)
        if history:
            conn.execute(sa.insert(history_table), history)
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('history', 'hid'), "
                                 "COALESCE((SELECT MAX(hid) FROM history), 0) + 1, false)")
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('inventory_statements', 'sid'), "
                "COALESCE((SELECT MAX(sid) FROM inventory_statements), 0) + 1, false)")
    return {"services": len(services), "history": len(history)}
