"""Login brute force: throttle and lock per account and per address, across sessions.

Attempts are stored in the database (``login_attempts``), so a new session, tab or server
process starts from the same count. Times are given to ``users.login`` (``moment``), never
measured: no test waits 15 minutes or asserts a duration.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import auth, data
from store import users

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mot de passe des tests"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def accounts(sqlite_engine):
    users.add_user(sqlite_engine, "gest", "gestionnaire", PASSWORD)
    users.add_user(sqlite_engine, "pro", "professionnel", PASSWORD)
    return sqlite_engine


def _fail(engine, n, name="gest", address="198.51.100.7", start=T0):
    for i in range(n):
        answer = users.login(engine, name, f"essai {i}", address, start + timedelta(seconds=i))
        assert answer.role is None
    return answer


def test_five_failures_lock_the_account_even_for_the_right_password(accounts):
    _fail(accounts, 5)
    answer = users.login(accounts, "gest", PASSWORD, "203.0.113.9", T0 + timedelta(minutes=1))
    assert answer.role is None and "verrouillé" in answer.message
    assert "15 minute" in answer.message  # 14 min 4 s left, rounded up


def test_the_lock_ends_after_15_minutes_and_the_user_is_told(accounts):
    _fail(accounts, 5)
    users.login(accounts, "gest", PASSWORD, "", T0 + timedelta(minutes=3))  # locked
    answer = users.login(accounts, "gest", PASSWORD, "", T0 + timedelta(minutes=16))
    assert answer.role == "gestionnaire"
    assert answer.failures == 6
    assert answer.message == ("6 tentatives de connexion échouées depuis votre dernière "
                              "connexion.")
    again = users.login(accounts, "gest", PASSWORD, "", T0 + timedelta(minutes=17))
    assert again.role == "gestionnaire" and again.failures == 0 and again.message == ""


def test_failures_spread_over_more_than_15_minutes_do_not_lock(accounts):
    for i in range(6):
        users.login(accounts, "gest", "faux", "", T0 + timedelta(minutes=4 * i))
    assert users.login(accounts, "gest", PASSWORD, "", T0 + timedelta(minutes=25)).role


def test_a_success_resets_the_account_count(accounts):
    _fail(accounts, 4)
    assert users.login(accounts, "gest", PASSWORD, "", T0 + timedelta(seconds=10)).role
    _fail(accounts, 4, start=T0 + timedelta(seconds=20))
    assert users.login(accounts, "gest", PASSWORD, "", T0 + timedelta(seconds=30)).role


def test_twenty_failures_from_one_address_block_it_for_every_account(accounts):
    for i in range(20):
        users.login(accounts, f"inconnu{i}", "faux", "198.51.100.7", T0 + timedelta(seconds=i))
    blocked = users.login(accounts, "pro", PASSWORD, "198.51.100.7", T0 + timedelta(minutes=1))
    assert blocked.role is None and "adresse" in blocked.message
    other = users.login(accounts, "pro", PASSWORD, "203.0.113.9", T0 + timedelta(minutes=1))
    assert other.role == "professionnel"


def test_the_delay_grows_with_failures_and_is_capped(accounts):
    delays = [users.login(accounts, "gest", "faux", "", T0 + timedelta(minutes=5 * i)).delay
              for i in range(12)]
    assert delays[0] < delays[1] < delays[2] and max(delays) <= 5


def test_every_failure_is_logged_with_name_and_address_never_the_password(accounts, caplog):
    caplog.set_level(logging.INFO, logger="carto_vif.auth")
    _fail(accounts, 6, name="gest\x1b[2J")
    failures = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(failures) == 6
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "198.51.100.7" in text and "'gest\\x1b[2J'" in text and "\x1b" not in text
    assert "essai" not in text


# --- the login form, in new sessions (AppTest) ---------------------------------------


@pytest.fixture
def app_database(accounts, monkeypatch):
    url = accounts.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(auth, "_pause", lambda seconds: None)
    data.clear_listings_caches()
    yield accounts
    data.clear_listings_caches()


def _new_session_login(name: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["dep"] = "62"
    at.switch_page("pages/6_Gestion.py")
    at.run()
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()


def test_new_sessions_do_not_reset_the_lock(app_database):
    for i in range(5):
        at = _new_session_login("gest", f"essai {i}")
        assert any("incorrect" in e.value for e in at.error)
    at = _new_session_login("gest", PASSWORD)
    assert not at.exception
    assert "role" not in at.session_state and not at.tabs
    assert any("verrouillé" in e.value for e in at.error)


def test_the_next_login_tells_the_failed_attempts(app_database):
    _new_session_login("gest", "faux 1")
    _new_session_login("gest", "faux 2")
    at = _new_session_login("gest", PASSWORD)
    assert at.session_state["role"] == "gestionnaire"
    assert any("2 tentatives de connexion échouées" in w.value for w in at.warning)


class _Context:
    def __init__(self, ip, headers):
        self.ip_address, self.headers = ip, headers


@pytest.mark.parametrize(("proxy", "expected"), [("", "192.0.2.1"), ("1", "203.0.113.5")])
def test_the_client_address_trusts_x_forwarded_for_only_behind_the_proxy(
        monkeypatch, proxy, expected):
    monkeypatch.setenv(auth.PROXY_ENV, proxy)
    monkeypatch.setattr(auth.st, "context",
                        _Context("192.0.2.1", {"X-Forwarded-For": "203.0.113.5, 10.0.0.1"}))
    assert auth.client_address() == expected
