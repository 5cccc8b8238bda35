"""The database behind the listings: engine, tables, first-use seeding (no Streamlit).

SQLite by default, in ``var/carto-vif.sqlite3`` (created and filled from the committed
``data/listings/services.csv`` on first use, nothing to set up); PostgreSQL when the
environment variable ``DATABASE_URL`` is set (``postgresql+psycopg://user:pw@host/db``; a
plain ``postgresql://`` URL is given the psycopg 3 driver).

SQLite is opened in WAL mode with a 30 s ``busy_timeout``, and every *write* transaction
starts with ``BEGIN IMMEDIATE``: a writer waits for the write lock instead of failing later
with "database is locked" when it upgrades a read lock (``SQLITE_BUSY_SNAPSHOT``, which the
busy timeout cannot wait out). Reads use a plain deferred ``BEGIN`` and never block writers.

Every value of ``geo.schema.SERVICE_COLUMNS`` is stored as text, exactly as in
``services.csv``, so a row round-trips byte for byte; ``read_services`` types it like
``geo.listings.read_services``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from geo.schema import ROOT, SERVICE_COLUMNS, SERVICES_FILE

DEFAULT_PATH = ROOT / "var" / "carto-vif.sqlite3"
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


def make_engine(url: str | None = None, seed: Path | None = SERVICES_FILE) -> sa.Engine:
    """Open (and on first use create and seed) the database at ``url``.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default :func:`database_url`.
    seed : pathlib.Path or None
        Listings CSV filling an empty database (``None``: leave it empty).

    Returns
    -------
    sqlalchemy.Engine
    """
    url = url or database_url()
    if url.startswith("sqlite"):
        path = sa.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        _sqlite_pragmas(engine)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    with writing(engine) as conn:
        metadata.create_all(conn)
    if seed is not None:
        from store import services

        services.seed_from_csv(engine, seed)
    return engine


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
