"""Accounts: names, roles and Argon2id password hashes stored in the database.

Passwords are hashed with ``argon2-cffi`` (Argon2id, the OWASP first choice); only the hash
is stored, in the ``users`` table, never in the repository. There is no default account
and no default password: accounts are created with ``python -m store add-user``.

:func:`login` is what the login form calls. Every attempt is a row of ``login_attempts``
(when, name as typed, client address, outcome; never the password), so the throttle holds
across sessions, tabs and server processes:

* an account is **locked for 15 minutes** once 5 failures since its last success fall
  within 15 minutes, even for the right password (attempts while locked are recorded as
  ``locked`` and do not extend the lock);
* a client address is blocked the same way after 20 failures on any accounts;
* a refused attempt is answered after a delay growing with the recent failures (0.5 s
  each, at most 5 s; the caller sleeps);
* every failure is logged (logger ``carto_vif.auth``, name and address, never the
  password), and a successful login reports the failed attempts since the previous one.

Rows older than 90 days are removed as new ones are written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from store.db import login_attempts_table, now, reading, users_table, writing
from store.views import ROLES

LOG = logging.getLogger("carto_vif.auth")
MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
LOCK = timedelta(minutes=15)
KEEP = timedelta(days=90)
_A = login_attempts_table.c

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


@dataclass(frozen=True)
class Login:
    """The answer to one login attempt.

    ``role`` is ``None`` when refused; ``message`` is the French text for the user;
    ``delay`` the seconds to wait before answering; ``failures`` (on success) the failed
    attempts on this account since its previous successful login.
    """

    role: str | None
    message: str = ""
    delay: float = 0.0
    failures: int = 0


def locked_until(failures: list[str], limit: int) -> datetime | None:
    """End of the lock set by the newest ``limit`` failures if they fall within 15 minutes.

    ``failures`` are ISO times, newest first.

    >>> t = ["2026-01-01T10:04:00+00:00", "2026-01-01T10:01:00+00:00",
    ...      "2026-01-01T10:00:00+00:00"]
    >>> locked_until(t, 3).isoformat(), locked_until(t, 4), locked_until(t[:1] + t[2:], 3)
    ('2026-01-01T10:19:00+00:00', None, None)
    """
    if len(failures) < limit:
        return None
    newest = datetime.fromisoformat(failures[0])
    oldest = datetime.fromisoformat(failures[limit - 1])
    return newest + LOCK if newest - oldest <= LOCK else None


def notice(failures: int) -> str:
    """What a user is told on login about failed attempts on the account (``""`` if none).

    >>> notice(0), notice(1)
    ('', '1 tentative de connexion échouée depuis votre dernière connexion.')
    """
    if not failures:
        return ""
    plural = "s" if failures > 1 else ""
    return (f"{failures} tentative{plural} de connexion échouée{plural} depuis votre dernière "
            "connexion.")


def _minutes(until: datetime, moment: datetime) -> int:
    return max(1, -(-int((until - moment).total_seconds()) // 60))


def login(engine: sa.Engine, name: str, password: str, address: str = "",
          moment: datetime | None = None) -> Login:
    """Check one login attempt against the throttle, the lock and the password; record it.

    ``address`` is the client's address (``""`` when unknown: then only the account is
    throttled); ``moment`` defaults to now (a parameter for the tests).
    """
    moment = moment or datetime.now(UTC)
    at = moment.isoformat(timespec="microseconds")
    since = (moment - LOCK * 4).isoformat(timespec="microseconds")
    name, address = name.strip()[:64], (address or "")[:64]
    with reading(engine) as conn:
        last_success = conn.execute(sa.select(sa.func.max(_A.at)).where(
            _A.name == name, _A.outcome == "success")).scalar() or ""
        account = conn.execute(sa.select(_A.at).where(
            _A.name == name, _A.outcome == "failure", _A.at > max(last_success, since))
            .order_by(_A.at.desc()).limit(MAX_ACCOUNT_FAILURES)).scalars().all()
        by_address = conn.execute(sa.select(_A.at).where(
            _A.address == address, _A.outcome == "failure", _A.at > since)
            .order_by(_A.at.desc()).limit(MAX_ADDRESS_FAILURES)).scalars().all() if address else []
    delay = min(0.5 * (len(account) + 1), 5.0)
    locks = [(locked_until(account, MAX_ACCOUNT_FAILURES), "Ce compte est verrouillé"),
             (locked_until(by_address, MAX_ADDRESS_FAILURES), "Les connexions depuis votre "
              "adresse sont bloquées")]
    for until, what in locks:
        if until is not None and until > moment:
            _record(engine, at, name, address, "locked")
            LOG.warning("Connexion refusée (verrouillage) : compte %r depuis %s", name,
                        address or "adresse inconnue")
            return Login(None, f"{what} après trop d'échecs : réessayez dans "
                               f"{_minutes(until, moment)} minute(s).", delay)
    role = authenticate(engine, name, password)
    if role is None:
        _record(engine, at, name, address, "failure")
        LOG.warning("Échec de connexion : compte %r depuis %s (%d échec(s) récent(s))", name,
                    address or "adresse inconnue", len(account) + 1)
        return Login(None, "Nom ou mot de passe incorrect.", delay)
    with reading(engine) as conn:
        failures = conn.execute(sa.select(sa.func.count()).select_from(login_attempts_table)
                                .where(_A.name == name, _A.outcome != "success",
                                       _A.at > last_success)).scalar()
    _record(engine, at, name, address, "success")
    LOG.info("Connexion : compte %r depuis %s", name, address or "adresse inconnue")
    return Login(role, notice(failures), 0.0, failures)


def _record(engine: sa.Engine, at: str, name: str, address: str, outcome: str) -> None:
    oldest = (datetime.fromisoformat(at) - KEEP).isoformat()
    with writing(engine) as conn:
        conn.execute(sa.delete(login_attempts_table).where(_A.at < oldest))
        conn.execute(sa.insert(login_attempts_table).values(
            at=at, name=name, address=address, outcome=outcome))
