"""The database behind the listings: engine, tables, first-use seeding (no Streamlit).

SQLite by default, in ``var/carto-vif.sqlite3`` (created and filled from the committed
``data/listings/services.csv`` and the national layers of ``data/national`` on first use,
nothing to set up; :mod:`store.layers`); PostgreSQL when the
environment variable ``DATABASE_URL`` is set (``postgresql+psycopg://user:pw@host/db``; a
plain ``postgresql://`` URL is given the psycopg 3 driver).

SQLite is opened in WAL mode with a 30 s ``busy_timeout``, and every *write* transaction
starts with ``BEGIN IMMEDIATE``: a writer waits for the write lock instead of failing later
with "database is locked" when it upgrades a read lock (``SQLITE_BUSY_SNAPSHOT``, which the
busy timeout cannot wait out). Reads use a plain deferred ``BEGIN`` and never block writers.

Every value of ``geo.schema.SERVICE_COLUMNS`` is stored as text, exactly as in
``services.csv``, so a row round-trips byte for byte; ``read_services`` types it like
``geo.listings.read_services``.

**After the first edit the database is the reference.** The first history row written by
someone other than the seed (an edit, an import, a restore) leaves a *reference marker*, a
small JSON file kept outside the database: next to the SQLite file
(``var/carto-vif.sqlite3.reference``), or for PostgreSQL in ``var/state/`` under a name
derived from host, port, database and user (a row in the database could not outlive a
dropped database). When the marker exists, a missing database file, a PostgreSQL database
without its tables, or empty tables stop :func:`make_engine` with :class:`DatabaseLost`
(French, naming the last backup of :func:`last_backup`); the database is never re-created
from ``services.csv``. Without a marker (a fresh install) it is created and seeded. A file
that is not a readable database, or a server that does not answer, raises
:class:`DatabaseUnavailable` and is never overwritten. Dropping the tables through
:data:`metadata` (``metadata.drop_all``, a deliberate reset: the tests do it) removes the
marker; ``DROP TABLE`` or ``dropdb`` outside the app does not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from geo.schema import ROOT, SERVICE_COLUMNS, SERVICES_FILE

DEFAULT_PATH = ROOT / "var" / "carto-vif.sqlite3"
#: Default folder of scheduled backups (``python -m store backup --dir``); ``CARTO_VIF_BACKUP_DIR``.
DEFAULT_BACKUP_DIR = ROOT / "var" / "backups"
#: Folder of the PostgreSQL reference markers; ``CARTO_VIF_STATE_DIR``.
DEFAULT_STATE_DIR = ROOT / "var" / "state"
#: Names of the files written by scheduled backups (sorted by name = sorted by time).
BACKUP_GLOB = "carto-vif-*"
LOG = logging.getLogger("carto_vif.store")
#: Who wrote the rows seeded from ``services.csv`` (in the history).
SEED_USER = "import initial (services.csv)"

metadata = sa.MetaData()
services_table = sa.Table(
    "services", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    *(sa.Column(c, sa.Text, nullable=False, server_default="") for c in SERVICE_COLUMNS[1:]),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Column("updated_by", sa.Text, nullable=False),
)
history_table = sa.Table(
    "history", metadata,
    sa.Column("hid", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("service_id", sa.Text, nullable=False, index=True),
    sa.Column("action", sa.Text, nullable=False),  # create, update, delete, restore
    sa.Column("before", sa.Text),  # JSON of the row's SERVICE_COLUMNS (+ deleted), or NULL
    sa.Column("after", sa.Text),
)
#: Provenance of the national layers' records and each record *as last built* (``built``,
#: JSON of its SERVICE_COLUMNS): the baseline that tells a gestionnaire's edit from a rebuild
#: (:mod:`store.layers`).
layer_records_table = sa.Table(
    "layer_records", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("dataset", sa.Text, nullable=False),
    sa.Column("vintage", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("source_updated", sa.Text, nullable=False),
    sa.Column("source_type", sa.Text, nullable=False),
    sa.Column("point_source", sa.Text, nullable=False),
    sa.Column("built", sa.Text, nullable=False),
)
#: What gestionnaires said of the inventory of places, per département and category
#: (complete / partial / unknown), append-only: the latest row of a pair holds, the others are
#: its history (:mod:`store.inventory`, :mod:`geo.completeness`).
inventory_table = sa.Table(
    "inventory_statements", metadata,
    sa.Column("sid", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dep", sa.Text, nullable=False, index=True),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)
users_table = sa.Table(
    "users", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
)
meta_table = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
login_attempts_table = sa.Table(
    "login_attempts", metadata,
    sa.Column("aid", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Text, nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False, index=True),
    sa.Column("address", sa.Text, nullable=False, server_default="", index=True),
    sa.Column("outcome", sa.Text, nullable=False),  # success, failure, locked
)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used (unreadable file, server down): a French message.

    ``str(error)`` is meant for the gestionnaire and the server log (it may name a file);
    pages show :data:`PUBLIC_MESSAGE` and the backup's file name only.
    """

    def __init__(self, message: str, backup: Path | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class DatabaseLost(DatabaseUnavailable):
    """The database was edited once (reference marker) and is now missing or empty."""


#: What every page shows when the database is unavailable (no path, host or port).
PUBLIC_MESSAGE = ("La base de données est indisponible : l'application ne peut pas afficher "
                  "les services pour le moment. Réessayez plus tard ; la ou le gestionnaire "
                  "trouvera le détail dans le journal du serveur.")


def now() -> str:
    """Current UTC time as ISO 8601 text, to the microsecond (sorts as it reads)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def database_url() -> str:
    """The database URL: ``DATABASE_URL`` if set, else the default SQLite file.

    >>> os.environ.pop("DATABASE_URL", None) and None
    >>> database_url().endswith("var/carto-vif.sqlite3")
    True
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_PATH}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _sqlite_pragmas(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def _sqlite_file(url: str | sa.URL) -> Path | None:
    """The file of a SQLite URL (``None`` for memory or another database)."""
    url = sa.make_url(url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def backup_dir() -> Path:
    """Folder of the scheduled backups: ``CARTO_VIF_BACKUP_DIR``, else ``var/backups``."""
    folder = os.environ.get("CARTO_VIF_BACKUP_DIR", "").strip()
    return Path(folder) if folder else DEFAULT_BACKUP_DIR


def last_backup(folder: Path | None = None) -> Path | None:
    """The newest scheduled backup (``carto-vif-*``) of ``folder``, or ``None``.

    >>> last_backup(Path("/nonexistent")) is None
    True
    """
    folder = backup_dir() if folder is None else Path(folder)
    files = sorted(folder.glob(BACKUP_GLOB)) if folder.is_dir() else []
    return files[-1] if files else None


def marker_path(url: str | sa.URL) -> Path | None:
    """Where the reference marker of the database at ``url`` lives (``None``: in memory).

    >>> marker_path("sqlite:////srv/carto.sqlite3").as_posix()
    '/srv/carto.sqlite3.reference'
    >>> a = marker_path("postgresql+psycopg://u:secret@db:5432/carto")
    >>> a == marker_path("postgresql+psycopg://u:other@db:5432/carto"), "secret" in str(a)
    (True, False)
    """
    url = sa.make_url(url)
    if url.get_backend_name() == "sqlite":
        path = _sqlite_file(url)
        return path.with_name(path.name + ".reference") if path else None
    identity = f"{url.get_backend_name()}://{url.username}@{url.host}:{url.port}/{url.database}"
    folder = os.environ.get("CARTO_VIF_STATE_DIR", "").strip()
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    name = f"{url.get_backend_name()}-{digest}.reference"
    return (Path(folder) if folder else DEFAULT_STATE_DIR) / name


def is_reference(url: str | sa.URL) -> bool:
    """Whether the database at ``url`` has been edited once (its marker exists)."""
    marker = marker_path(url)
    return marker is not None and marker.exists()


def mark_reference(url: str | sa.URL) -> None:
    """Write the reference marker of ``url`` (once; a failure is logged, never raised)."""
    marker = marker_path(url)
    if marker is None or marker.exists():
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"database": _shown(url), "first_edit": now()}) + "\n",
                          encoding="utf-8")
    except OSError as err:  # a read-only folder must not fail the edit itself
        LOG.warning("Marqueur de référence non écrit (%s) : %s", marker, err)


def _shown(url: str | sa.URL) -> str:
    """``url`` without its password (for messages and logs)."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(adresse de base de données invalide)"


def _lost(reason: str) -> DatabaseLost:
    found = last_backup()
    pointer = (f"Dernière sauvegarde trouvée : {found}. Restaurez-la avec "
               f"« python -m store restore {found} »." if found else
               f"Aucune sauvegarde trouvée dans {backup_dir()} : cherchez la dernière copie "
               "de la base, puis « python -m store restore FICHIER ».")
    return DatabaseLost(f"{reason} Elle a déjà été modifiée : elle n'est pas recréée à partir "
                        f"de services.csv, pour ne rien écraser. {pointer}", found)


def _watch_edits(engine: sa.Engine) -> None:
    """Write the marker at the first history row not written by the seed."""
    state = {"marked": is_reference(engine.url)}

    @event.listens_for(engine, "after_execute")
    def _after(conn, clause, multiparams, params, _options, _result) -> None:  # noqa: ANN001
        if (state["marked"] or not isinstance(clause, sa.Insert)
                or clause.table is not history_table):
            return
        rows = multiparams or [params or clause.compile().params]
        if any(isinstance(r, dict) and r.get("who") != SEED_USER for r in rows):
            mark_reference(engine.url)
            state["marked"] = True


@event.listens_for(metadata, "after_drop")
def _forget_marker(_target, connection, **_kw) -> None:  # noqa: ANN001
    marker = marker_path(connection.engine.url)
    if marker is not None:
        marker.unlink(missing_ok=True)


def _check_reference(conn: sa.Connection) -> None:
    """Raise :class:`DatabaseLost` if a reference database lost its tables or rows."""
    if not sa.inspect(conn).has_table("services"):
        raise _lost("La base de données n'a plus ses tables.")
    if conn.execute(sa.select(sa.func.count()).select_from(history_table)).scalar() == 0:
        raise _lost("La base de données est vide.")


def _open(url: str, recovering: bool) -> sa.Engine:
    path = _sqlite_file(url)
    if path is not None:
        if not path.exists() and is_reference(url) and not recovering:
            raise _lost(f"La base de données {path} est introuvable.")
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        _sqlite_pragmas(engine)
    elif url.startswith("sqlite"):
        engine = sa.create_engine(url)
        _sqlite_pragmas(engine)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    return engine


def make_engine(url: str | None = None, seed: Path | None = SERVICES_FILE,
                recovering: bool = False, layers: tuple[Path, ...] | None = None) -> sa.Engine:
    """Open (and on first use create and seed) the database at ``url``.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default :func:`database_url`.
    seed : pathlib.Path or None
        Listings CSV filling an empty database (``None``: leave it empty); with the
        committed ``services.csv``, the national layers come too (:func:`store.layers.seed`).
        Never used once the database has been edited (its reference marker exists).
    recovering : bool
        Create missing tables even for a lost reference database (to restore a backup).
    layers : tuple of pathlib.Path, optional
        National layer files seeded with ``seed``; default: those of ``data/national`` with
        the committed ``services.csv``, none with another file; ``()``: none.

    Returns
    -------
    sqlalchemy.Engine

    Raises
    ------
    DatabaseLost
        The database was edited once and is now missing or empty (see the module's notes).
    DatabaseUnavailable
        The file is not a readable database, or the server does not answer.
    """
    url = url or database_url()
    engine = None
    try:
        engine = _open(url, recovering)
        reference = is_reference(url)
        with writing(engine) as conn:
            if reference and not recovering:
                _check_reference(conn)
            metadata.create_all(conn)
            edited = conn.execute(sa.select(history_table.c.hid).where(
                history_table.c.who != SEED_USER).limit(1)).first() is not None
        if edited:
            mark_reference(url)
        _watch_edits(engine)
        if seed is not None and not reference and not edited:
            from store import layers as store_layers

            store_layers.seed(engine, seed, layers)
    except DatabaseUnavailable:
        if engine is not None:
            engine.dispose()
        raise
    except (sa.exc.SQLAlchemyError, sqlite3.Error, OSError) as err:
        if engine is not None:
            engine.dispose()
        shown = _shown(url)
        LOG.error("Base de données %s inutilisable : %s", shown, err)
        raise DatabaseUnavailable(
            f"La base de données {shown} est illisible ou ne répond pas "
            f"({err.__class__.__name__}) : elle n'est ni écrasée ni recréée. Vérifiez le "
            "fichier ou le serveur, ou restaurez la dernière sauvegarde "
            f"({last_backup() or 'aucune trouvée'}).", last_backup()) from err
    return engine


def health_check(engine: sa.Engine) -> None:
    """Raise :class:`DatabaseUnavailable` unless the database answers a tiny read now.

    Catches a SQLite file deleted or damaged, or a server stopped, after the engine opened.
    """
    path = _sqlite_file(engine.url)
    if path is not None and not path.exists():
        raise _lost(f"La base de données {path} est introuvable.") if is_reference(
            engine.url) else DatabaseUnavailable(f"La base de données {path} est introuvable.")
    try:
        with reading(engine) as conn:
            conn.execute(sa.select(services_table.c.id).limit(1)).first()
    except (sa.exc.SQLAlchemyError, sqlite3.Error) as err:
        raise DatabaseUnavailable(f"La base de données ne répond pas ({err.__class__.__name__}).",
                                  last_backup()) from err


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
    with engine.begin() as conn:
        yield conn


@contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One read-only transaction (a consistent snapshot; never takes the write lock)."""
    with engine.connect() as conn:
        conn.execution_options(readonly=True)
        with conn.begin():
            yield conn


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, hex (``""`` when absent)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def get_meta(conn: sa.Connection, key: str) -> str | None:
    """A value of the ``meta`` table, or ``None``."""
    return conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == key)).scalar()


def set_meta(conn: sa.Connection, key: str, value: str) -> None:
    """Set a value of the ``meta`` table."""
    conn.execute(sa.delete(meta_table).where(meta_table.c.key == key))
    conn.execute(sa.insert(meta_table).values(key=key, value=value))
