"""A map shown from cached HTML that reports where the user clicks.

streamlit-folium renders the whole folium map again at every rerun of the page (about
150 ms for a département); this component receives the map already rendered to HTML (cached
in ``components.data``) and only sends back the latitude and longitude of a click, which a
script in the map page posts to it (:class:`components.maps.ClickReporter`). The frontend is
one static HTML file served by Streamlit itself: no CDN, no build step.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

_FRONTEND = Path(__file__).resolve().parent / "clickmap_frontend"
_component = components.declare_component("carte_cliquable", path=str(_FRONTEND))


def click_map(html: str, key: str, height: int = 600) -> dict | None:
    """Show the map page ``html``; return the last click as ``{"lat", "lng"}``, or None."""
    return _component(html=html, height=height, key=key, default=None)
