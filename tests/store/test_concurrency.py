"""R5-R7: concurrent editors lose nothing, every change is in the history, backups restore.

R5 drill: 8 processes each make 200 edits of the *same* record (add 1 to its capacity),
re-reading and retrying when told "modifié entre-temps". Without optimistic concurrency
most increments would be lost; here the final capacity must be exactly 1,600, the version
1 + 1,600, and no process may ever see "database is locked".

R7 drill: 4 processes keep editing while a backup is taken; the backup, restored, gives the
same counts and checksums as the snapshot, and the snapshot is consistent (each service has
exactly ``version`` history rows).
"""

from __future__ import annotations

import multiprocessing
import time

import pytest
import sqlalchemy as sa

from store import backup, make_engine, services
from store.db import history_table
from store.services import ConflictError

PROCESSES, EDITS = 8, 200
RECORD = "03-L23-1"


def _edit_same_record(url: str, worker: int, edits: int, results) -> None:  # noqa: ANN001
    """Child process: ``edits`` increments of the record's capacity, retrying on conflict."""
    engine = make_engine(url, seed=None)
    done = conflicts = wrong_message = locked = 0
    while done < edits:
        row = services.get(engine, RECORD)
        try:
            services.update(engine, RECORD, {"capacity": str(int(row["capacity"] or 0) + 1)},
                            row["version"], f"editeur-{worker}")
            done += 1
        except ConflictError as err:
            conflicts += 1
            wrong_message += "modifié entre-temps" not in str(err)
        except sa.exc.OperationalError as err:  # must never happen: counted, then re-raised
            locked += "locked" in str(err)
            results.put((worker, done, conflicts, wrong_message, locked))
            raise
    results.put((worker, done, conflicts, wrong_message, locked))
    engine.dispose()


def _run(target, url: str, count: int, *args) -> list[tuple]:  # noqa: ANN001
    context = multiprocessing.get_context("spawn")  # no SQLite handle crosses a fork
    results = context.Queue()
    workers = [context.Process(target=target, args=(url, w, *args, results))
               for w in range(count)]
    for w in workers:
        w.start()
    outcome = [results.get(timeout=600) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    return outcome


def test_eight_editors_of_one_record_lose_no_update(engine):
    url = engine.url.render_as_string(hide_password=False)
    start = time.perf_counter()
    outcome = _run(_edit_same_record, url, PROCESSES, EDITS)
    elapsed = time.perf_counter() - start
    row = services.get(engine, RECORD)
    conflicts = sum(o[2] for o in outcome)
    print(f"\nR5 {engine.dialect.name}: {PROCESSES} processes x {EDITS} edits in {elapsed:.1f} s, "
          f"{conflicts} conflicts told 'modifié entre-temps', final capacity {row['capacity']}")
    assert sum(o[1] for o in outcome) == PROCESSES * EDITS
    assert int(row["capacity"]) == PROCESSES * EDITS  # 0 lost updates
    assert row["version"] == 1 + PROCESSES * EDITS
    assert sum(o[4] for o in outcome) == 0  # 0 "database is locked"
    assert sum(o[3] for o in outcome) == 0  # every conflict said "modifié entre-temps"
    updates = services.history(engine, RECORD, limit=10_000)
    assert (updates["action"] == "update").sum() == PROCESSES * EDITS  # R6


def _edit_many(url: str, worker: int, edits: int, results) -> None:  # noqa: ANN001
    engine = make_engine(url, seed=None)
    ids = services.raw_services(engine)["id"].tolist()[worker::4][:edits]
    for n, sid in enumerate(ids):
        row = services.get(engine, sid)
        services.update(engine, sid, {"notes": f"vérifié {worker}-{n}"}, row["version"],
                        f"editeur-{worker}")
    results.put((worker, len(ids)))
    engine.dispose()


def _consistent(engine) -> bool:
    """Each service has exactly ``version`` history rows (true of any committed state)."""
    with engine.connect() as conn:
        counts = dict(conn.execute(sa.select(history_table.c.service_id, sa.func.count())
                                   .group_by(history_table.c.service_id)).all())
    table = services.raw_services(engine, include_deleted=True)
    return all(counts.get(i, 0) == v for i, v in zip(table["id"], table["version"], strict=True))


def test_a_backup_taken_during_writes_restores_identically(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_edit_many, args=(url, w, 80, results)) for w in range(4)]
    for w in workers:
        w.start()
    seeded = services.checksums(engine)["history"]["count"]
    deadline = time.monotonic() + 120
    while services.checksums(engine)["history"]["count"] < seeded + 40:
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.05)
    target = backup.backup(engine, tmp_path / "sauvegarde")
    [results.get(timeout=600) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    after_writes = services.checksums(engine)

    snapshot = make_engine(f"sqlite:///{tmp_path / 'snapshot.sqlite3'}", seed=None)
    backup.restore(snapshot, target)
    expected = services.checksums(snapshot)
    restored = backup.restore(engine, target)
    print(f"\nR7 {engine.dialect.name}: backup during writes holds {restored['history']} history "
          f"rows of {after_writes['history']['count']} at the end of the writes")
    assert services.checksums(engine) == expected
    assert expected != after_writes  # the backup was taken in the middle of the writes
    assert seeded + 40 <= restored["history"] < after_writes["history"]["count"]
    assert _consistent(engine)
    snapshot.dispose()


def test_a_file_that_is_not_a_backup_changes_nothing(sqlite_engine, tmp_path):
    before = services.checksums(sqlite_engine)
    junk = tmp_path / "x.json"
    junk.write_text('{"format": "autre"}', encoding="utf-8")
    with pytest.raises(services.StoreError, match="pas une sauvegarde"):
        backup.restore(sqlite_engine, junk)
    assert services.checksums(sqlite_engine) == before
