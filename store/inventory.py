"""Statements on the inventory of places: who said a category is complete, and when.

Append-only table ``inventory_statements``: :func:`declare` adds a row, :func:`statements`
returns the latest per (département, category) as :class:`geo.completeness.Statement`, and
:func:`history` all of them. Saying something is not an edit of a service: it does not make
the database the reference on its own, but it is kept in backups.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from geo.completeness import STATUSES, Statement
from geo.schema import CATEGORIES
from store.db import inventory_table, now, reading, writing
from store.services import StoreError

_T = inventory_table.c


def declare(engine: sa.Engine, dep: str, category: str, status: str, who: str,
            note: str = "") -> None:
    """Record that ``who`` says the inventory of ``category`` in ``dep`` is ``status``."""
    if category not in CATEGORIES:
        raise StoreError(f"Catégorie inconnue : « {category} »")
    if status not in STATUSES:
        raise StoreError(f"Statut d'inventaire inconnu : « {status} »")
    if not who:
        raise StoreError("Qui le dit ? Le nom de l'auteur est obligatoire.")
    with writing(engine) as conn:
        conn.execute(sa.insert(inventory_table).values(
            dep=dep, category=category, status=status, who=who, at=now(), note=note[:500]))


def history(engine: sa.Engine, dep: str | None = None) -> pd.DataFrame:
    """Every statement, newest first (optionally of one département)."""
    query = sa.select(inventory_table).order_by(_T.sid.desc())
    if dep is not None:
        query = query.where(_T.dep == dep)
    with reading(engine) as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return pd.DataFrame(rows, columns=[c.name for c in inventory_table.columns])


def statements(engine: sa.Engine, dep: str) -> dict[str, Statement]:
    """The latest statement of each category of ``dep`` (categories never spoken of absent)."""
    table = history(engine, dep)
    latest = table.drop_duplicates("category", keep="first")
    return {r.category: Statement(r.category, r.status, r.who, r.at)
            for r in latest.itertuples(index=False)}
