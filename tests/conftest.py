"""Shared test configuration.

AppTest keeps an internal, unpicklable object in session state, so the app's
``runner.enforceSerializableSessionState = true`` (which guards our own values on the
server) would make every AppTest fail; it is switched off for the test process only.
"""

import pytest
from streamlit import config as _streamlit_config

_streamlit_config.set_option("runner.enforceSerializableSessionState", False)


@pytest.fixture
def app_database(tmp_path, monkeypatch):
    """A fresh database (the plans and the national layers) that the app uses for one test."""
    from components import data
    from store import make_engine

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    engine = make_engine(url)
    monkeypatch.setenv("DATABASE_URL", url)
    data.clear_listings_caches()
    yield engine
    data.clear_listings_caches()
    engine.dispose()
