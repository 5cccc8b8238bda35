"""Who is using the app: anyone (public), professionnel or gestionnaire; login and logout.

Accounts and Argon2id hashes live in the database (:mod:`store.users`), created with
``python -m store add-user --role gestionnaire NAME``; there is no default account.

Why a small form of our own rather than ``streamlit-authenticator``: that library keeps
credentials in a YAML file and the session in a signed cookie whose key must be configured
and shared, and its widgets and cookie component rerun the page in ways that fight
Streamlit 1.67's ``pages/`` navigation (state lost on ``switch_page``). Here the password
is checked once with ``argon2-cffi`` against the database and the session holds two plain
strings, ``role`` and ``user`` (serialisable session state). Closing the tab ends the session.

Throttling, locking and logging of failures are :func:`store.users.login`'s, stored in the
database, so a new session does not reset them. The client address is
``st.context.ip_address`` (the TCP peer); when ``CARTO_VIF_BEHIND_PROXY=1`` (the app behind
``deploy/nginx.conf``, which *replaces* ``X-Forwarded-For`` by the real peer) it is the first
hop of ``X-Forwarded-For``. Without a proxy that header is ignored: a client could forge it.
"""

from __future__ import annotations

import os
import time

import streamlit as st

from components import data
from components.formatting import plain
from store import users
from store.views import ROLE_LABELS, ROLES, at_least

ROLE_KEY, USER_KEY = "role", "user"
_NOTICE = "_login_notice"
PROXY_ENV = "CARTO_VIF_BEHIND_PROXY"


def current_role() -> str:
    """The session's role: ``public`` unless someone logged in (an unknown value is public)."""
    role = st.session_state.get(ROLE_KEY, "public")
    return role if role in ROLES else "public"


def current_user() -> str:
    """The logged-in name, or ``""``."""
    return str(st.session_state.get(USER_KEY, "")) if current_role() != "public" else ""


def client_address() -> str:
    """The client's address (``""`` when unknown, e.g. on localhost without a proxy)."""
    if os.environ.get(PROXY_ENV, "").strip() == "1":
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        first = forwarded.split(",")[0].strip() if isinstance(forwarded, str) else ""
        if first:
            return first[:64]
    peer = st.context.ip_address
    return peer[:64] if isinstance(peer, str) else ""  # None on localhost


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _login(name: str, password: str) -> None:
    answer = users.login(data.engine(), name, password, client_address())
    if answer.role is None:
        _pause(answer.delay)  # slows password guessing
        st.error(answer.message)
        return
    st.session_state.update({ROLE_KEY: answer.role, USER_KEY: name.strip()[:64],
                             _NOTICE: answer.message})
    st.rerun()


def login_form() -> None:
    """The login form (name, password)."""
    with st.form("connexion"):
        name = st.text_input("Nom d'utilisateur", autocomplete="username")
        password = st.text_input("Mot de passe", type="password", autocomplete="current-password")
        if st.form_submit_button("Se connecter"):
            _login(name, password)
    st.caption("Pas de compte ? Un·e gestionnaire le crée avec `python -m store add-user`.")


def logout() -> None:
    """Forget the role and user of this session."""
    for key in (ROLE_KEY, USER_KEY, _NOTICE):
        st.session_state.pop(key, None)


def sidebar_status() -> None:
    """Who is logged in, and a logout button, in the sidebar."""
    if current_role() == "public":
        return
    notice = st.session_state.pop(_NOTICE, "")
    if notice:
        st.warning(notice)
    st.sidebar.caption(f"Connecté·e : {plain(current_user())} ({ROLE_LABELS[current_role()]})")
    st.sidebar.button("Se déconnecter", on_click=logout, key="logout")


def require(role: str) -> None:
    """Stop the page (after a login form) unless the session has at least ``role``.

    Called before anything restricted is loaded: ``st.stop()`` ends the script here.
    """
    sidebar_status()
    if at_least(current_role(), role):
        return
    if current_role() != "public":
        st.warning(f"Cette page est réservée au rôle « {ROLE_LABELS[role]} ».")
    else:
        st.info(f"Cette page est réservée au rôle « {ROLE_LABELS[role]} » : connectez-vous.")
    login_form()
    st.stop()
