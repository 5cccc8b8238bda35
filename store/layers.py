"""The national layers in the database: first seed, provenance, and rebuilds that keep edits.

The annuaire service-public.fr (2016) and FINESS (2020) layers of ``data/national`` are
services like the plans' listings: stored in the ``services`` table, shown, checked, edited,
marked closed or verified like any other (their ``last_checked`` starts empty: "jamais
vérifié"). Each record also has a row in ``layer_records``: its provenance (dataset,
vintage, id and update date in the source, type, where its point comes from) and the record
*as last built* (``built``), the baseline that tells a gestionnaire's edit from a rebuild.

**Seed** (:func:`seed`, first use of a database nobody has edited): the plans' listings of
``services.csv`` with the merges of ``data/national/merges.csv`` applied
(:func:`geo.national.merged_view`: the plan's service keeps its id, description and source
line and takes the record's address, point and phone), then every layer record that was not
merged. A database with human edits is never re-seeded.

**Rebuild** (:func:`preview_rebuild`, :func:`apply_rebuild`; ``python -m store
sync-layers``), after ``python -m geo build-national`` rewrote the files. Each record is:

- ``nouveau``: in the files, not in the database (nor deleted there);
- ``modifié``: changed in the files, and the database still holds it as last built;
- ``disparu``: gone from the files, still as last built: it is marked deleted (restorable);
- ``conservé``: changed or gone in the files, but a gestionnaire edited or deleted it in the
  database: the database's version is kept, never overwritten;
- ``inchangé``.

Everything is applied in one transaction, with history (who: :data:`REBUILD_USER`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from geo import listings, national
from geo.schema import SERVICE_COLUMNS, SERVICES_FILE
from store.db import (
    SEED_USER,
    file_sha256,
    get_meta,
    history_table,
    layer_records_table,
    now,
    services_table,
    set_meta,
    writing,
)

#: The national layers seeded with the plans' listings (``python -m geo build-national``).
LAYER_FILES = (national.ANNUAIRE_FILE, national.FINESS_FILE)
#: Who writes a rebuild of the layers (in the history).
REBUILD_USER = "reconstruction des couches nationales"
#: The outcome of a rebuild for one record, in display order.
OUTCOMES = ("nouveau", "modifié", "disparu", "conservé", "inchangé")


def _text(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame``'s ``columns`` as text, written as in the CSV files (6 decimals for points)."""
    out = pd.DataFrame(index=frame.index)
    for col in columns:
        values = frame[col] if col in frame else pd.Series("", index=frame.index)
        if pd.api.types.is_float_dtype(values):
            values = values.map(lambda v: "" if pd.isna(v) else f"{v:.6f}")
        out[col] = values.fillna("").astype(str)
    return out


def read_layers(files: Iterable[Path] = LAYER_FILES) -> pd.DataFrame:
    """The layer records of ``files`` as text (:data:`geo.national.LAYER_COLUMNS`)."""
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in files if p.exists()]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in national.LAYER_COLUMNS})
    return _text(pd.concat(frames, ignore_index=True), national.LAYER_COLUMNS)


def read_merges(layer: pd.DataFrame, plan: pd.DataFrame,
                path: Path = national.MERGES_FILE) -> pd.DataFrame:
    """The merges of ``path`` whose plan service and layer record both exist."""
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in national.MERGE_COLUMNS})
    merges = pd.read_csv(path, dtype=str, keep_default_na=False)
    keep = merges["plan_id"].isin(plan["id"]) & merges["national_id"].isin(layer["id"])
    return merges[keep].reset_index(drop=True)


def compose(plan_path: Path = SERVICES_FILE, files: Iterable[Path] = LAYER_FILES,
            merges_path: Path = national.MERGES_FILE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows to seed: the plans' services (merges applied), then the layers' other records.

    Returns ``(services, layer)``: ``services`` has :data:`SERVICE_COLUMNS` as text, in the
    order to store; ``layer`` is the provenance of the layer records it contains.
    """
    plan = listings.read_table(plan_path, SERVICE_COLUMNS).astype(str)
    layer = read_layers(files)
    merges = read_merges(layer, plan, merges_path)
    merged = _text(national.merged_view(plan, layer, merges), SERVICE_COLUMNS)
    rest = layer[~layer["id"].isin(merges["national_id"])].reset_index(drop=True)
    rows = pd.concat([merged, rest[list(SERVICE_COLUMNS)]], ignore_index=True)
    return rows, rest


def digest(paths: Iterable[Path]) -> str:
    """One SHA-256 over the contents of ``paths`` (absent files count as empty)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes() if path.exists() else b"")
        h.update(b"\0")
    return h.hexdigest()


def _built(row: dict) -> str:
    return json.dumps({c: row[c] for c in SERVICE_COLUMNS}, ensure_ascii=False, sort_keys=True)


def _provenance(layer: pd.DataFrame) -> list[dict]:
    rows = layer.to_dict("records")
    return [{"id": r["id"], **{c: r[c] for c in national.PROVENANCE_COLUMNS},
             "built": _built(r)} for r in rows]


def insert_rows(conn: sa.Connection, rows: list[dict], who: str, at: str) -> None:
    """Insert new services and their ``create`` history in bulk (caller's transaction)."""
    if not rows:
        return
    conn.execute(sa.insert(services_table), [
        {**{c: r[c] for c in SERVICE_COLUMNS}, "version": 1, "deleted": False,
         "updated_at": at, "updated_by": who} for r in rows])
    conn.execute(sa.insert(history_table), [
        {"at": at, "who": who, "service_id": r["id"], "action": "create", "before": None,
         "after": json.dumps({**{c: r[c] for c in SERVICE_COLUMNS}, "deleted": False},
                             ensure_ascii=False, sort_keys=True)} for r in rows])


def seed(engine: sa.Engine, plan_path: Path = SERVICES_FILE,
         files: Iterable[Path] | None = None) -> int:
    """Fill a database on first use (plans + layers); return the rows written.

    ``files`` defaults to :data:`LAYER_FILES` when ``plan_path`` is the committed
    ``services.csv`` and to none otherwise (a test's own small file). Also refreshes a
    database nobody has edited yet (only seed history) when the committed files changed
    since it was seeded. A database with human edits is never overwritten.
    """
    files = tuple(LAYER_FILES if files is None and plan_path == SERVICES_FILE else files or ())
    merges_path = national.MERGES_FILE if files else Path("/nonexistent")
    key = digest((plan_path, *files, merges_path)) if files else file_sha256(plan_path)
    with writing(engine) as conn:
        seeded = get_meta(conn, "seed_sha256")
        if seeded == key:
            return 0
        edited = conn.execute(sa.select(sa.func.count()).select_from(history_table)
                              .where(history_table.c.who != SEED_USER)).scalar()
        stored = conn.execute(sa.select(sa.func.count()).select_from(services_table)).scalar()
        if edited or (stored and seeded is None):
            return 0
        rows, layer = compose(plan_path, files, merges_path)
        conn.execute(sa.delete(history_table))
        conn.execute(sa.delete(layer_records_table))
        conn.execute(sa.delete(services_table))
        insert_rows(conn, rows.to_dict("records"), SEED_USER, now())
        if len(layer):
            conn.execute(sa.insert(layer_records_table), _provenance(layer))
        set_meta(conn, "seed_sha256", key)
    return len(rows)


def provenance(engine: sa.Engine) -> pd.DataFrame:
    """``layer_records`` without the baseline: id, dataset, vintage, source id and date…"""
    columns = ["id", *national.PROVENANCE_COLUMNS]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*(layer_records_table.c[c] for c in columns))).all()
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- rebuild
@dataclass(frozen=True)
class RebuildPreview:
    """What a rebuild of the layers would do, record by record (see the module's notes)."""

    outcome: dict[str, str]  # id → one of OUTCOMES
    rows: dict[str, dict] = field(repr=False)  # id → new built row (SERVICE_COLUMNS)
    provenance: dict[str, dict] = field(repr=False)  # id → layer_records row to write
    reasons: dict[str, str] = field(default_factory=dict)  # id → why it is "conservé"
    versions: dict[str, int] = field(default_factory=dict)  # id → stored version seen

    def counts(self) -> dict[str, int]:
        """Records per outcome, every outcome listed (0 included)."""
        values = list(self.outcome.values())
        return {o: values.count(o) for o in OUTCOMES}

    def ids(self, outcome: str) -> list[str]:
        """The ids of one outcome, sorted."""
        return sorted(i for i, o in self.outcome.items() if o == outcome)


def preview_rebuild(engine: sa.Engine, files: Iterable[Path] = LAYER_FILES,
                    merges_path: Path = national.MERGES_FILE) -> RebuildPreview:
    """Compare the layer files with the database and its baseline; write nothing."""
    layer = read_layers(files)
    with engine.connect() as conn:
        stored = {r["id"]: dict(r) for r in conn.execute(sa.select(services_table)).mappings()}
        base = {r["id"]: dict(r) for r in
                conn.execute(sa.select(layer_records_table)).mappings()}
    plan = pd.DataFrame({"id": [i for i in stored if i not in base]})
    merged = set(read_merges(layer, plan, merges_path)["national_id"])
    layer = layer[~layer["id"].isin(merged)]
    new_rows = {r["id"]: {c: r[c] for c in SERVICE_COLUMNS} for r in layer.to_dict("records")}
    prov = {p["id"]: p for p in _provenance(layer)}
    outcome, reasons = {}, {}
    for rid, row in new_rows.items():
        current = stored.get(rid)
        if current is None:
            outcome[rid] = "nouveau"
            continue
        as_built = json.loads(base[rid]["built"]) if rid in base else None
        current_row = {c: current[c] for c in SERVICE_COLUMNS}
        if row == current_row and not current["deleted"]:
            outcome[rid] = "inchangé"
        elif as_built is None or current_row != as_built or current["deleted"]:
            outcome[rid] = "conservé"
            reasons[rid] = ("supprimé dans l'application" if current["deleted"]
                            else "modifié dans l'application")
        else:
            outcome[rid] = "modifié"
    for rid, b in base.items():
        if rid in new_rows or rid not in stored or stored[rid]["deleted"]:
            continue
        current_row = {c: stored[rid][c] for c in SERVICE_COLUMNS}
        if current_row == json.loads(b["built"]):
            outcome[rid] = "disparu"
        else:
            outcome[rid] = "conservé"
            reasons[rid] = "absent de la nouvelle source, mais modifié dans l'application"
    versions = {rid: int(stored[rid]["version"]) for rid in outcome if rid in stored}
    return RebuildPreview(outcome, new_rows, prov, reasons, versions)


def apply_rebuild(engine: sa.Engine, preview: RebuildPreview, who: str = REBUILD_USER) -> dict:
    """Apply a preview in one transaction; return its counts.

    A record that changed in the database since the preview (its version moved) stops the
    whole rebuild with :class:`store.services.ConflictError`: nothing is written.
    """
    from store import services

    at = now()
    with writing(engine) as conn:
        fresh = [preview.rows[i] for i in preview.ids("nouveau")]
        for row in fresh:
            if services.get(conn, row["id"]) is not None:
                raise services.ConflictError(
                    f"Le service « {row['id']} » a été créé entre l'aperçu et l'enregistrement.")
        insert_rows(conn, fresh, who, at)
        for rid in preview.ids("modifié"):
            current = services.get(conn, rid) or {}
            changes = {c: v for c, v in preview.rows[rid].items()
                       if c != "id" and current.get(c) != v}
            services.change(conn, rid, changes, preview.versions[rid], who, "update")
        for rid in preview.ids("disparu"):
            services.change(conn, rid, {"deleted": True}, preview.versions[rid], who, "delete")
        for rid in [*preview.ids("nouveau"), *preview.ids("modifié")]:
            conn.execute(sa.delete(layer_records_table).where(layer_records_table.c.id == rid))
            conn.execute(sa.insert(layer_records_table), preview.provenance[rid])
    return preview.counts()
