"""Storage of the listings in a database (SQLAlchemy 2; SQLite by default, PostgreSQL by URL).

Pure Python: no Streamlit. Modules:

* :mod:`store.db`: engine, tables (``services``, ``history``, ``users``, ``meta``), seeding;
* :mod:`store.services`: read, create, update (optimistic), soft delete, restore, history;
* :mod:`store.views`: what each role may see;
* :mod:`store.users`: accounts with Argon2id hashes;
* :mod:`store.reading`, :mod:`store.columns`, :mod:`store.checks`, :mod:`store.imports`:
  import of CSV/XLSX/JSON with preview and one-transaction save;
* :mod:`store.exports`, :mod:`store.backup`: exports, backup and restore.

Command line: ``python -m store --help``.
"""

from store.db import database_url, make_engine
from store.services import ConflictError, StoreError, read_services

__all__ = ["ConflictError", "StoreError", "database_url", "make_engine", "read_services"]
