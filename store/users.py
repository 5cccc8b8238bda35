"""Accounts: names, roles and Argon2id password hashes stored in the database.

Passwords are hashed with ``argon2-cffi`` (Argon2id, the OWASP first choice); only the hash
is stored, in the ``users`` table, never in the repository. There is no default account
and no default password: accounts are created with ``python -m store add-user``.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from store.db import now, reading, users_table, writing
from store.views import ROLES

MIN_PASSWORD = 12
_HASHER = PasswordHasher()
_NAME = re.compile(r"^[\w.@-]{2,64}$")
#: Hash checked when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY = _HASHER.hash("compte-inexistant-carto-vif")


def add_user(engine: sa.Engine, name: str, role: str, password: str) -> None:
    """Create an account (or replace its role and password when it exists).

    Raises ValueError (French) for an invalid name, role or a password under 12 characters.
    """
    if not _NAME.match(name):
        raise ValueError(f"Nom « {name} » invalide : 2 à 64 lettres, chiffres, . _ @ -")
    if role not in ROLES[1:]:
        raise ValueError(f"Rôle « {role} » inconnu : {', '.join(ROLES[1:])}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"Mot de passe trop court : au moins {MIN_PASSWORD} caractères")
    with writing(engine) as conn:
        conn.execute(sa.delete(users_table).where(users_table.c.name == name))
        conn.execute(sa.insert(users_table).values(
            name=name, role=role, password_hash=_HASHER.hash(password), created_at=now()))


def authenticate(engine: sa.Engine, name: str, password: str) -> str | None:
    """The role of ``name`` if ``password`` is right, else ``None`` (same cost either way)."""
    with reading(engine) as conn:
        row = conn.execute(sa.select(users_table).where(users_table.c.name == name)).first()
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return row.role if row else None


def list_users(engine: sa.Engine) -> list[tuple[str, str]]:
    """(name, role) of every account, by name."""
    with reading(engine) as conn:
        rows = conn.execute(sa.select(users_table.c.name, users_table.c.role)
                            .order_by(users_table.c.name)).all()
    return [(r.name, r.role) for r in rows]
