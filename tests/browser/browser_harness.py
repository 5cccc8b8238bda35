"""Helpers for headless-Chromium tests: Streamlit server, request log, map frame, map timing.

Fixtures live in ``conftest.py`` next to this file; these plain functions can also be imported
by any test under ``tests/browser/`` (``from browser_harness import ...``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: BROWSER-TESTING.md §1 (Playwright adds its own headless switch).
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
HARMLESS_SCHEMES = {"data", "blob", "about"}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
SCREENS = Path("/tmp/screens")


def external_requests(urls: Iterable[str]) -> list[str]:
    """Return the URLs that leave the machine (data:, blob: and about: URLs stay).

    >>> external_requests(["http://127.0.0.1:8501/app/static/x.js", "data:image/png;base64,AA",
    ...                    "blob:http://localhost/1", "https://unpkg.com/leaflet.js"])
    ['https://unpkg.com/leaflet.js']
    """
    bad = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in HARMLESS_SCHEMES or parts.hostname in LOCAL_HOSTS:
            continue
        bad.append(url)
    return bad


def assert_no_external_requests(requests: Iterable[str]) -> None:
    """Fail, listing them, if any request went to a host other than 127.0.0.1/localhost."""
    bad = external_requests(requests)
    assert not bad, f"{len(bad)} request(s) left the app: {bad[:20]}"


def free_port() -> int:
    """Return a TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StreamlitServer:
    """A running ``streamlit run``: its base URL, process and log file."""

    url: str
    proc: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        """Return the end of the server log (for failure messages)."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _stage(script: Path, workdir: Path) -> Path:
    """Return the script to run: ``script`` itself next to ``static/``, else a staged copy.

    Streamlit serves ``static/`` from the *script's* folder, so a script outside the repo root
    is copied into ``workdir`` beside a symlink to the repo's ``static/``.
    """
    if script.parent == ROOT:
        return script
    staged = workdir / script.name
    shutil.copy(script, staged)
    (workdir / "static").symlink_to(ROOT / "static", target_is_directory=True)
    return staged


@contextlib.contextmanager
def streamlit_server(script: Path, timeout: float = 60) -> Iterator[StreamlitServer]:
    """Run ``script`` with ``streamlit run`` on a free loopback port (cwd = repo root).

    Yields once ``/_stcore/health`` answers; terminates the process (this one only) at exit.
    """
    workdir = Path(tempfile.mkdtemp(prefix="st-browser-"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                      os.environ.get("PYTHONPATH")])),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = workdir / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(_stage(Path(script), workdir)),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = StreamlitServer(f"http://127.0.0.1:{port}", proc, log)
    try:
        _wait_healthy(server, timeout)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_healthy(server: StreamlitServer, timeout: float) -> None:
    """Poll ``/_stcore/health`` until it answers ``ok``; raise with the log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"streamlit exited ({server.proc.returncode}):\n{server.log_tail()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        time.sleep(0.25)
    raise RuntimeError(f"streamlit not healthy after {timeout} s:\n{server.log_tail()}")


@dataclass
class Tab:
    """A Playwright page plus what it did: requested URLs, dialogs, console errors."""

    page: object
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        """Save a full-page PNG to ``/tmp/screens/<name>.png`` and return its path."""
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_tab(context: object) -> Tab:
    """Open a page in ``context`` that records requests and dialogs (dismissing them)."""
    page = context.new_page()
    tab = Tab(page)
    page.on("request", lambda request: tab.requests.append(request.url))
    page.on("websocket", lambda ws: tab.requests.append(ws.url))

    def on_dialog(dialog: object) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    return tab


def wait_until_idle(page: object, timeout_ms: float = 120_000) -> None:
    """Wait until the Streamlit script run is over and the page's requests have settled.

    120 s: on a 2-core CI runner, a page opened right after a heavy one (the first territory
    sheet, the national layers' caches) waited more than 60 s once while the server finished
    the previous page's run; alone, every page is idle in under 10 s (test_app_offline).
    """
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=timeout_ms)
    # "networkidle" (no request for 500 ms) is a heuristic: in three full runs it was never
    # reached once, each time on a different page that passes alone. The script state above
    # is the real condition; the tests then wait for what they check.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=30_000)


def map_frame(
    page: object, container_key: str | None = None, index: int = 0, timeout_ms: float = 30_000
) -> object:
    """Return the Frame of an ``st_folium`` map once its ``.leaflet-container`` is drawn.

    ``st_folium(key=...)`` does not reach the DOM (its element class is a hash): to pick a map
    by name, draw it inside ``with st.container(key="carte"):`` and pass
    ``container_key="carte"``. Otherwise the ``index``-th map of the page.
    """
    selector = f".st-key-{container_key} {MAP_IFRAME}" if container_key else MAP_IFRAME
    iframe = page.locator(selector).nth(index)
    iframe.wait_for(state="attached", timeout=timeout_ms)
    frame = iframe.element_handle().content_frame()
    frame.locator(".leaflet-container").first.wait_for(state="visible", timeout=timeout_ms)
    return frame


def time_until_map_drawn(
    page: object, url: str, min_paths: int = 1, container_key: str | None = None
) -> float:
    """Return seconds from ``page.goto(url)`` until an st_folium map shows ``min_paths`` shapes.

    Includes the Streamlit script run and the component round trip, so it is the user's
    wait for the map (a page-level figure; P10 itself is :func:`measure_map_load`).
    """
    start = time.perf_counter()
    page.goto(url)
    frame = map_frame(page, container_key=container_key)
    frame.locator("path.leaflet-interactive").nth(min_paths - 1).wait_for(state="attached")
    return time.perf_counter() - start


def measure_map_load(browser: object, base_url: str, map_html: str, runs: int = 5) -> list[float]:
    """Return the ``load`` event times (s) of ``map_html`` served from ``base_url``, cold cache.

    ``map_html`` is ``m.get_root().render()`` of a folium map from ``components.maps.new_map``;
    it is served at ``base_url/__map_probe.html`` so that ``/app/static/`` resolves to the app's
    vendored Leaflet. Each run uses a new browser context (empty cache). BUDGETS.md P10: the
    median for a département map must stay under 1.5 s.
    """
    probe = base_url.rstrip("/") + "/__map_probe.html"
    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.route(probe, lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=map_html))
            page.goto(probe, wait_until="load")
            ms = page.evaluate(
                "() => performance.getEntriesByType('navigation')[0].loadEventEnd")
            times.append(ms / 1000)
        finally:
            context.close()
    return times


def summary(times: list[float]) -> str:
    """Return ``"min X s, median Y s (n runs)"``."""
    return f"min {min(times):.3f} s, median {statistics.median(times):.3f} s ({len(times)} runs)"
