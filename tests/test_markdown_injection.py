"""Text from a URL, a user or a file is shown as text: no Markdown image or link (R10)."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
#: A Markdown image or link that Streamlit would turn into a request to another host.
ACTIVE_MARKDOWN = re.compile(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\((?!\s*\))")


def every_markdown_body(at: AppTest) -> list[str]:
    """The Markdown source of every text element the page drew (warnings, captions…)."""
    bodies = []
    for kind in ("markdown", "caption", "warning", "error", "info", "success", "title",
                 "header", "subheader"):
        bodies += [element.value for element in getattr(at, kind)]
    return bodies


def test_a_hostile_departement_in_the_url_is_shown_as_text():
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["dep"] = "![](//a.b)"
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning if "inconnu" in w.value]
    assert warnings and "\\!\\[\\]\\(//a\\.b\\)" in warnings[0]
    assert not [b for b in every_markdown_body(at) if ACTIVE_MARKDOWN.search(b)]
