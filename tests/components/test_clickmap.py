"""The click-reporting map component: local, and it sends back coordinates only."""

import re
from pathlib import Path

from components import maps
from components.clickmap import _FRONTEND

FRONTEND = (Path(_FRONTEND) / "index.html").read_text(encoding="utf-8")


def test_the_frontend_loads_nothing_from_another_host():
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", FRONTEND)
    assert "http://" not in FRONTEND and "https://" not in FRONTEND


def test_the_frontend_only_forwards_clicks_from_its_own_map_frame():
    assert "event.source === frame.contentWindow" in FRONTEND
    assert "value = {lat: Number(data.lat), lng: Number(data.lng)" in FRONTEND


def test_the_map_posts_the_coordinates_of_a_click_and_nothing_else():
    m = maps.new_map()
    maps.ClickReporter().add_to(m)
    page = m.get_root().render()
    posted = re.findall(r"postMessage\((\{.*?\})", page)
    assert posted == ["{type: 'cvif-click', lat: e.latlng.lat, lng: e.latlng.lng}"]
