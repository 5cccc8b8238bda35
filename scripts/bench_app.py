"""Benchmark of the app's pages (not a test): P1, P2, P4 and a per-département P3.

Run from the project root: ``python scripts/bench_app.py``. Prints min and median of
repeated runs; ratios are measured in the same run (these machines are shared and noisy).

- P1: warm rerun of the "Carte" and "Zones blanches" pages in AppTest (data and rendered map
  cached) against the same rerun with the map rebuilt and rendered each time.
- P2: first view of a département, server side: distances, classes and map built from cold
  caches (territory files already read once).
- P4: size of the map sent to the browser (rendered HTML of the folium map).
- P3 (per département): reading one processed display layer against the raw GeoJSON.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")

import geopandas as gpd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit import config as streamlit_config  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from components import data  # noqa: E402
from components.filters import DEFAULT_CATEGORIES  # noqa: E402
from geo import territories  # noqa: E402
from geo.schema import PLACE_FAMILIES  # noqa: E402

RAW = ROOT.parent / "shared" / "geodata" / "raw" / "communes-adminexpress2025-30m"
PILOTS = ("03", "21", "59", "62")
RUNS = 7


def timed(function, runs: int = RUNS) -> tuple[float, float]:
    """Min and median seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def line(label: str, result: tuple[float, float], budget: str = "") -> None:
    print(f"{label:<58} min {result[0] * 1000:8.1f} ms  "
          f"median {result[1] * 1000:8.1f} ms  {budget}")


def bench_rerun() -> None:
    streamlit_config.set_option("runner.enforceSerializableSessionState", False)
    pages = (("pages/1_Carte.py", data.coverage_map_html),
             ("pages/2_Zones_blanches.py", data.beyond_map_html))
    for page, cached_map in pages:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["dep"] = "62"
        at.run()
        at.switch_page(page).run()
        warm = timed(lambda at=at: at.run())
        rebuilt = timed(lambda at=at, cached_map=cached_map: (cached_map.clear(), at.run()))
        name = Path(page).stem
        line(f"P1 warm rerun of {name} (62), map cached", warm, "budget median <= 100 ms")
        line(f"P1 same rerun of {name}, map rebuilt every time", rebuilt)
        print(f"{'P1 ratio rebuilt / cached (median), ' + name:<58} "
              f"{rebuilt[1] / warm[1]:.1f}x  budget >= 10x")


#: P13: the same measures with every layer on (specialised and general places).
CHOICES = (("", DEFAULT_CATEGORIES), (" all layers", PLACE_FAMILIES["les_deux"][1]))


def bench_first_view() -> None:
    data.units(), data.communes(), data.services(), data.france_services()  # files read once
    for label, categories in CHOICES:
        data.located_services(categories), data.service_index(categories)  # national, shared
        for dep in PILOTS:
            def cold(dep=dep, categories=categories):
                st.cache_data.clear()
                data.coverage_map_html.clear()
                data.coverage_map_html(dep, categories, 15.0)
            line(f"P2 first view of {dep}{label}: distances + classes + map", timed(cold, 5),
                 "budget <= 1.5 s")


def bench_sizes() -> None:
    for label, categories in CHOICES:
        for dep in PILOTS:
            size = len(data.coverage_map_html(dep, categories, 15.0))
            print(f"{'P4 coverage map sent for ' + dep + label:<58} {size / 1e6:6.2f} MB  "
                  "budget <= 1.5 MB")


def bench_read() -> None:
    if not RAW.exists():
        print("P3 per département: raw GeoJSON not found next to the project, skipped")
        return
    for dep in PILOTS:
        processed = timed(lambda dep=dep: territories.read_display(dep))
        raw = timed(lambda dep=dep: gpd.read_file(RAW / f"{dep}.geojson"))
        print(f"{'P3 read display layer ' + dep + ' (processed vs raw)':<58} "
              f"{processed[1] * 1000:6.1f} ms vs {raw[1] * 1000:6.1f} ms = "
              f"{raw[1] / processed[1]:.0f}x  budget >= 10x")


if __name__ == "__main__":
    bench_read()
    bench_sizes()
    bench_first_view()
    bench_rerun()
