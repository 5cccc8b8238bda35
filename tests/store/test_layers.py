"""The national layers in the database: seeded beside the plans, rebuilt without losing an edit."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa

from geo import national
from geo.schema import SERVICE_COLUMNS, SERVICES_FILE
from store import layers, make_engine, services
from store.db import history_table, metadata

PLAN_IDS = ("62-L1621-1", "62-L1621-2", "03-L212-1")  # Police and gendarmerie of Béthune, JEC 03
LAYER_IDS = ("ann-commissariat_police-62119-01", "ann-gendarmerie-62119-01",
             "ann-cidf-62041-01", "ann-bav-62041-01", "finess-620000349")


@pytest.fixture
def files(tmp_path):
    """A small plan file and a small layer file cut from the committed ones."""
    plan = pd.read_csv(SERVICES_FILE, dtype=str, keep_default_na=False)
    plan_path = tmp_path / "services.csv"
    plan[plan["id"].isin(PLAN_IDS)].to_csv(plan_path, index=False)
    layer = pd.read_csv(national.ANNUAIRE_FILE, dtype=str, keep_default_na=False)
    layer = pd.concat([layer, pd.read_csv(national.FINESS_FILE, dtype=str,
                                          keep_default_na=False)])
    assert set(LAYER_IDS) <= set(layer["id"])
    layer_path = tmp_path / "layer.csv"
    layer[layer["id"].isin(LAYER_IDS)].to_csv(layer_path, index=False)
    return plan_path, layer_path


def _db(url, files):
    plan_path, layer_path = files
    return make_engine(url, seed=plan_path, layers=(layer_path,))


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'layers.sqlite3'}"
        return
    pg = request.getfixturevalue("postgres_url")
    yield pg
    engine = sa.create_engine(pg)
    metadata.drop_all(engine)
    engine.dispose()


def _rows(engine) -> dict[str, dict]:
    return {r["id"]: r for r in services.raw_services(engine).to_dict("records")}


def test_the_seed_holds_the_plans_and_the_layers_one_row_per_merged_place(url, files):
    engine = _db(url, files)
    rows = _rows(engine)
    # The two Béthune records are merged into the plan's services (merges.csv): one row each.
    assert set(rows) == {*PLAN_IDS, "ann-cidf-62041-01", "ann-bav-62041-01", "finess-620000349"}
    police = rows["62-L1621-1"]
    record = pd.read_csv(national.ANNUAIRE_FILE, dtype=str, keep_default_na=False)
    record = record[record["id"] == "ann-commissariat_police-62119-01"].iloc[0]
    assert police["phone"] == record["phone"] != ""
    assert police["address"] == record["address"]
    assert police["precision"] == "adresse"
    assert "service-public.fr" in police["source_document"]
    assert "ann-commissariat_police-62119-01" in police["notes"]
    assert rows["ann-bav-62041-01"]["last_checked"] == ""  # jamais vérifié
    prov = layers.provenance(engine).set_index("id")
    assert set(prov.index) == {"ann-cidf-62041-01", "ann-bav-62041-01", "finess-620000349"}
    assert prov.loc["finess-620000349", "source_id"] == "620000349"
    assert prov.loc["ann-bav-62041-01", "vintage"] == "2016-02"
    engine.dispose()


def test_a_rebuild_of_the_same_files_changes_nothing(url, files):
    engine = _db(url, files)
    preview = layers.preview_rebuild(engine, (files[1],))
    assert preview.counts() == {"nouveau": 0, "modifié": 0, "disparu": 0, "conservé": 0,
                                "inchangé": 3}
    engine.dispose()


def test_a_rebuild_never_overwrites_what_a_gestionnaire_changed(url, files):
    engine = _db(url, files)
    cidf = services.get(engine, "ann-cidf-62041-01")
    services.update(engine, cidf["id"], {"phone": "03 21 00 00 01", "last_checked": "2026-11-30"},
                    cidf["version"], "marie.dupont")
    bav = services.get(engine, "ann-bav-62041-01")
    services.delete(engine, bav["id"], bav["version"], "marie.dupont")
    # The next build: every kept record changed its phone, the hospital is gone, one is new.
    layer = pd.read_csv(files[1], dtype=str, keep_default_na=False)
    layer["phone"] = "03 21 99 99 99"
    layer = layer[layer["id"] != "finess-620000349"]
    new = layer[layer["id"] == "ann-cidf-62041-01"].assign(id="ann-cidf-62041-02",
                                                         name="CIDFF, antenne nouvelle")
    rebuilt = files[1].with_name("rebuilt.csv")
    pd.concat([layer, new]).to_csv(rebuilt, index=False)
    preview = layers.preview_rebuild(engine, (rebuilt,))
    assert preview.outcome == {"ann-cidf-62041-01": "conservé", "ann-bav-62041-01": "conservé",
                               "ann-cidf-62041-02": "nouveau", "finess-620000349": "disparu"}
    assert preview.reasons["ann-bav-62041-01"] == "supprimé dans l'application"
    before = services.history(engine)
    layers.apply_rebuild(engine, preview)
    rows = _rows(engine)
    assert rows["ann-cidf-62041-01"]["phone"] == "03 21 00 00 01"  # the edit is kept
    assert "ann-bav-62041-01" not in rows  # still deleted, as the gestionnaire chose
    assert "finess-620000349" not in rows  # gone from the source: deleted, restorable
    assert services.get(engine, "finess-620000349")["deleted"]
    assert rows["ann-cidf-62041-02"]["name"] == "CIDFF, antenne nouvelle"
    written = services.history(engine)
    assert len(written) == len(before) + 2
    assert set(written["who"].head(2)) == {layers.REBUILD_USER}
    # Applied, the rebuild is the new baseline: the same files again change nothing.
    again = layers.preview_rebuild(engine, (rebuilt,))
    assert again.counts()["nouveau"] == again.counts()["modifié"] == 0
    assert again.counts()["disparu"] == 0
    engine.dispose()


def test_a_record_changed_only_by_the_source_is_updated(url, files):
    engine = _db(url, files)
    layer = pd.read_csv(files[1], dtype=str, keep_default_na=False)
    layer.loc[layer["id"] == "ann-bav-62041-01", "phone"] = "03 21 99 99 99"
    rebuilt = files[1].with_name("rebuilt.csv")
    layer.to_csv(rebuilt, index=False)
    preview = layers.preview_rebuild(engine, (rebuilt,))
    assert preview.ids("modifié") == ["ann-bav-62041-01"]
    layers.apply_rebuild(engine, preview)
    assert services.get(engine, "ann-bav-62041-01")["phone"] == "03 21 99 99 99"
    with engine.connect() as conn:
        last = conn.execute(sa.select(history_table).order_by(history_table.c.hid.desc())
                            .limit(1)).mappings().first()
    assert json.loads(last["before"])["phone"] != json.loads(last["after"])["phone"]
    engine.dispose()


def test_a_rebuild_stops_whole_when_a_record_moved_since_the_preview(url, files):
    engine = _db(url, files)
    layer = pd.read_csv(files[1], dtype=str, keep_default_na=False)
    layer["phone"] = "03 21 99 99 99"
    rebuilt = files[1].with_name("rebuilt.csv")
    layer.to_csv(rebuilt, index=False)
    preview = layers.preview_rebuild(engine, (rebuilt,))
    hospital = services.get(engine, "finess-620000349")
    services.update(engine, hospital["id"], {"notes": "vu"}, hospital["version"], "marie.dupont")
    before = services.checksums(engine)
    with pytest.raises(services.ConflictError):
        layers.apply_rebuild(engine, preview)
    assert services.checksums(engine) == before
    engine.dispose()


def test_the_committed_seed_has_every_layer_record_but_the_merged_ones():
    rows, layer = layers.compose()
    plan = pd.read_csv(SERVICES_FILE, dtype=str, keep_default_na=False)
    merges = pd.read_csv(national.MERGES_FILE, dtype=str, keep_default_na=False)
    assert rows["id"].is_unique
    assert len(rows) == len(plan) + len(layer)
    assert not set(merges["national_id"]) & set(rows["id"])
    assert list(rows.columns) == list(SERVICE_COLUMNS)
    assert not rows["category"].eq("hebergement")[national.is_layer_record(rows["id"])].any()
