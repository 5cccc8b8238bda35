"""Services in the database: read, create, update, soft delete, restore, with history.

Every change is one transaction that writes the row *and* one ``history`` row (who, when,
service id, action, the row before and after as JSON). Updates are optimistic: the caller
says which ``version`` it read, and ``UPDATE … WHERE id = ? AND version = ?`` refuses the
change when someone saved in between (:class:`ConflictError`, "modifié entre-temps").
A deletion only sets ``deleted``: :func:`restore` gives back the identical row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from geo import importer, listings
from geo.schema import SERVICE_COLUMNS
from store.db import (
    history_table,
    now,
    reading,
    services_table,
    writing,
)

EDITABLE = SERVICE_COLUMNS[1:]
ACTIONS = ("create", "update", "delete", "restore")
_T = services_table.c


class StoreError(ValueError):
    """A change refused, with a French message for the user."""


class ConflictError(StoreError):
    """The service changed since the caller read it (optimistic concurrency)."""


def french_time(iso: str) -> str:
    """An ISO UTC timestamp as French local time, e.g. ``"01/12/2026 à 17:40"``.

    >>> french_time("2026-07-01T10:05:00+00:00")
    '01/07/2026 à 12:05'
    """
    moment = datetime.fromisoformat(iso)
    try:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo("Europe/Paris"))
    except Exception:  # no tz database: say UTC rather than fail  # noqa: BLE001
        return moment.strftime("%d/%m/%Y à %H:%M UTC")
    return moment.strftime("%d/%m/%Y à %H:%M")


def _plain(row: Mapping) -> dict:
    """The listing values of a row (SERVICE_COLUMNS, text) plus ``deleted``."""
    return {**{c: str(row[c] if row[c] is not None else "") for c in SERVICE_COLUMNS},
            "deleted": bool(row["deleted"])}


def _history(conn: sa.Connection, service_id: str, action: str, who: str, at: str,
             before: dict | None, after: dict | None) -> None:
    conn.execute(sa.insert(history_table).values(
        at=at, who=who, service_id=service_id, action=action,
        before=None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
        after=None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True)))


def _clean(values: Mapping, columns: Iterable[str]) -> dict:
    unknown = sorted(set(values) - set(columns))
    if unknown:
        raise StoreError(f"colonnes inconnues : {', '.join(unknown)}")
    return {c: "" if values[c] is None else str(values[c]) for c in values}


def get(conn_or_engine: sa.Engine | sa.Connection, service_id: str) -> dict | None:
    """The stored row of ``service_id`` (with ``version``, ``deleted``…), or ``None``."""
    query = sa.select(services_table).where(_T.id == service_id)
    if isinstance(conn_or_engine, sa.Engine):
        with reading(conn_or_engine) as conn:
            row = conn.execute(query).mappings().first()
    else:
        row = conn_or_engine.execute(query).mappings().first()
    return dict(row) if row else None


def insert(conn: sa.Connection, row: Mapping, user: str, at: str | None = None) -> None:
    """Insert a new service (inside the caller's transaction) and its ``create`` history."""
    values = {c: "" for c in SERVICE_COLUMNS} | _clean(row, SERVICE_COLUMNS)
    if not values["id"]:
        raise StoreError("identifiant vide")
    if get(conn, values["id"]) is not None:
        raise StoreError(f"L'identifiant « {values['id']} » existe déjà.")
    at = at or now()
    conn.execute(sa.insert(services_table).values(
        **values, version=1, deleted=False, updated_at=at, updated_by=user))
    _history(conn, values["id"], "create", user, at, None, {**values, "deleted": False})


def _conflict(current: dict | None, service_id: str) -> ConflictError:
    if current is None:
        return ConflictError(f"Le service « {service_id} » n'existe pas.")
    return ConflictError(
        f"Ce service a été modifié entre-temps par {current['updated_by']} le "
        f"{french_time(current['updated_at'])} (version {current['version']}) : rechargez-le, "
        "vérifiez ses valeurs actuelles, puis refaites votre modification.")


def change(conn: sa.Connection, service_id: str, changes: Mapping, expected_version: int,
           user: str, action: str = "update") -> int:
    """Apply ``changes`` if the row is still at ``expected_version``; return the new version.

    Runs inside the caller's transaction and writes one history row. Raises
    :class:`ConflictError` when the version moved (or the row is absent).
    """
    changes = _clean(changes, [*EDITABLE, "deleted"])
    if "deleted" in changes:
        changes["deleted"] = changes["deleted"] in ("True", "true", "1")
    before = get(conn, service_id)
    if before is None or before["version"] != expected_version:
        raise _conflict(before, service_id)
    at = now()
    result = conn.execute(
        sa.update(services_table)
        .where(_T.id == service_id, _T.version == expected_version)
        .values(**changes, version=expected_version + 1, updated_at=at, updated_by=user))
    if result.rowcount != 1:
        raise _conflict(get(conn, service_id), service_id)
    after = {**_plain(before), **changes}
    _history(conn, service_id, action, user, at, _plain(before), after)
    return expected_version + 1


def create(engine: sa.Engine, row: Mapping, user: str) -> None:
    """Add a service (version 1) and its history row, in one transaction."""
    with writing(engine) as conn:
        insert(conn, row, user)


def update(engine: sa.Engine, service_id: str, changes: Mapping, expected_version: int,
           user: str) -> int:
    """Change a service if nobody saved it since ``expected_version``; return the new version.

    Raises :class:`ConflictError` ("Ce service a été modifié entre-temps par X le …").
    """
    if not changes:
        return expected_version
    with writing(engine) as conn:
        return change(conn, service_id, changes, expected_version, user)


def delete(engine: sa.Engine, service_id: str, expected_version: int, user: str) -> int:
    """Soft-delete a service (hidden everywhere, kept with its history; see :func:`restore`)."""
    with writing(engine) as conn:
        current = get(conn, service_id)
        if current is not None and current["deleted"]:
            raise StoreError(f"Le service « {service_id} » est déjà supprimé.")
        return change(conn, service_id, {"deleted": True}, expected_version, user, "delete")


def restore(engine: sa.Engine, service_id: str, expected_version: int, user: str) -> int:
    """Undo a deletion: the service comes back with exactly the values it had."""
    with writing(engine) as conn:
        current = get(conn, service_id)
        if current is not None and not current["deleted"]:
            raise StoreError(f"Le service « {service_id} » n'est pas supprimé.")
        return change(conn, service_id, {"deleted": False}, expected_version, user, "restore")


def raw_services(engine: sa.Engine, include_deleted: bool = False) -> pd.DataFrame:
    """Stored rows as text, with ``version``, ``deleted``, ``updated_at``, ``updated_by``."""
    query = sa.select(services_table)
    if not include_deleted:
        query = query.where(_T.deleted == sa.false())
    with reading(engine) as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    columns = [c.name for c in services_table.columns]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    table = pd.DataFrame(rows, columns=columns)
    order = importer.merged(table[["id", "dep"]].iloc[0:0], table[["id", "dep"]]
                            .to_dict("records"), set(), ("id", "dep"))["id"]
    return table.set_index("id", drop=False).loc[order.tolist()].reset_index(drop=True)


def deleted_services(engine: sa.Engine) -> pd.DataFrame:
    """Soft-deleted services (text, with ``version``, ``updated_at``, ``updated_by``)."""
    table = raw_services(engine, include_deleted=True)
    return table[table["deleted"].astype(bool)].reset_index(drop=True)


def read_services(engine: sa.Engine) -> pd.DataFrame:
    """Live services, exactly like :func:`geo.listings.read_services` (columns, dtypes, order).

    Deleted services are left out.
    """
    table = raw_services(engine)[list(SERVICE_COLUMNS)].astype(str)
    return listings._typed(table)  # the same typing as the CSV reader, on purpose


def history(engine: sa.Engine, service_id: str | None = None, limit: int = 500) -> pd.DataFrame:
    """The most recent history rows (newest first), optionally of one service."""
    query = sa.select(history_table).order_by(history_table.c.hid.desc()).limit(limit)
    if service_id is not None:
        query = query.where(history_table.c.service_id == service_id)
    with reading(engine) as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return pd.DataFrame(rows, columns=[c.name for c in history_table.columns])


def checksums(engine: sa.Engine) -> dict[str, dict]:
    """Row count and SHA-256 of the ``services`` and ``history`` tables (every column)."""
    out = {}
    with reading(engine) as conn:
        for table, key in ((services_table, "id"), (history_table, "hid")):
            digest, count = hashlib.sha256(), 0
            for row in conn.execute(sa.select(table).order_by(table.c[key])).mappings():
                digest.update(json.dumps({k: row[k] for k in sorted(row)}, default=str,
                                         ensure_ascii=False).encode() + b"\n")
                count += 1
            out[table.name] = {"count": count, "sha256": digest.hexdigest()}
    return out
