"""Who is using the app: anyone (public), professionnel or gestionnaire; login and logout.

Accounts and Argon2id hashes live in the database (:mod:`store.users`), created with
``python -m store add-user --role gestionnaire NAME``; there is no default account.

Why a small form of our own rather than ``streamlit-authenticator``: that library keeps
credentials in a YAML file and the session in a signed cookie whose key must be configured
and shared, and its widgets and cookie component rerun the page in ways that fight
Streamlit 1.67's ``pages/`` navigation (state lost on ``switch_page``). Here the password
is checked once with ``argon2-cffi`` against the database and the session holds two plain
strings, ``role`` and ``user`` (serialisable session state). Closing the tab ends the session.
"""

from __future__ import annotations

import time

import streamlit as st

from components import data
from store import users
from store.views import ROLE_LABELS, ROLES, at_least

ROLE_KEY, USER_KEY = "role", "user"
_FAILURES = "_login_failures"


def current_role() -> str:
    """The session's role: ``public`` unless someone logged in (an unknown value is public)."""
    role = st.session_state.get(ROLE_KEY, "public")
    return role if role in ROLES else "public"


def current_user() -> str:
    """The logged-in name, or ``""``."""
    return str(st.session_state.get(USER_KEY, "")) if current_role() != "public" else ""


def _login(name: str, password: str) -> None:
    role = users.authenticate(data.engine(), name.strip(), password)
    if role is None:
        st.session_state[_FAILURES] = st.session_state.get(_FAILURES, 0) + 1
        time.sleep(min(0.5 * st.session_state[_FAILURES], 5))  # slows password guessing
        st.error("Nom ou mot de passe incorrect.")
        return
    st.session_state.update({ROLE_KEY: role, USER_KEY: name.strip(), _FAILURES: 0})
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
    for key in (ROLE_KEY, USER_KEY):
        st.session_state.pop(key, None)


def sidebar_status() -> None:
    """Who is logged in, and a logout button, in the sidebar."""
    if current_role() == "public":
        return
    st.sidebar.caption(f"Connecté·e : {current_user()} ({ROLE_LABELS[current_role()]})")
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
