"""Shared test configuration.

AppTest keeps an internal, unpicklable object in session state, so the app's
``runner.enforceSerializableSessionState = true`` (which guards our own values on the
server) would make every AppTest fail; it is switched off for the test process only.
"""

from streamlit import config as _streamlit_config

_streamlit_config.set_option("runner.enforceSerializableSessionState", False)
