"""Fixtures of the storage tests: a synthetic territory, SQLite and PostgreSQL databases.

PostgreSQL runs in a throwaway cluster (``initdb`` + ``pg_ctl`` from
``/usr/lib/postgresql/*/bin``) in a temporary folder on a free port, as the ``postgres``
user when the tests run as root. Without PostgreSQL the tests using it are skipped with
the reason, except when the environment variable ``CI`` is set: then they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point

from geo.geocode import CommuneGeocoder, TerritoryResolver
from geo.importer import Reference
from store import make_engine, services

#: (insee, name, dep, postcodes, lon, lat): a few communes checkable by hand.
COMMUNES = (
    ("03310", "Vichy", "03", "03200", 3.4266, 46.1277),
    ("03185", "Montluçon", "03", "03100", 2.6061, 46.3437),
    ("03190", "Moulins", "03", "03000", 3.3333, 46.5662),
    ("62498", "Lens", "62", "62300", 2.8319, 50.4320),
    ("62041", "Arras", "62", "62000", 2.7775, 50.2910),
    ("59350", "Lille", "59", "59000;59160", 3.0586, 50.6311),
    ("2A004", "Ajaccio", "2A", "20000;20090", 8.7369, 41.9192),
    ("32400", "Saint-Martin", "32", "32300", 0.3461, 43.5047),
    ("65395", "Saint-Martin", "65", "65360", 0.0897, 43.1548),
)
DEPARTEMENTS = {"03": "Allier", "62": "Pas-de-Calais", "59": "Nord", "2A": "Corse-du-Sud",
                "32": "Gers", "65": "Hautes-Pyrénées"}


@pytest.fixture(scope="session")
def ref() -> Reference:
    """Territorial reference of the import, built from :data:`COMMUNES` (no parquet file)."""
    communes = gpd.GeoDataFrame(
        {"insee": [c[0] for c in COMMUNES], "nom": [c[1] for c in COMMUNES],
         "dep": [c[2] for c in COMMUNES], "postcodes": [c[3] for c in COMMUNES],
         "point_source": "polygone", "mairie_adresse": ""},
        geometry=[Point(c[4], c[5]) for c in COMMUNES], crs=4326)
    names = pd.DataFrame({"name": communes["nom"], "insee": communes["insee"],
                          "kind": "commune", "dep": communes["dep"],
                          "postcodes": communes["postcodes"]})
    names.loc[len(names)] = ["Lomme", "59350", "associee", "59", "59160"]
    geocoder = CommuneGeocoder(names, communes)
    fs = gpd.GeoDataFrame({"fs_id": ["7"], "nom": ["France services de Lens"],
                           "insee": ["62498"], "adresse": ["1 rue de la Gare"]},
                          geometry=[Point(2.8301, 50.4301)], crs=4326)
    territories = TerritoryResolver(
        geocoder, pd.DataFrame({"code": list(DEPARTEMENTS), "nom": list(DEPARTEMENTS.values())}),
        pd.DataFrame({"code": ["031", "621"], "nom": ["Montluçon", "Arras"], "dep": ["03", "62"]}),
        pd.DataFrame({"siren": ["200071082"], "nom": ["CA Vichy Communauté"], "deps": ["03"]}))
    return Reference(geocoder, territories, communes.set_index("insee", drop=False), fs,
                     frozenset(DEPARTEMENTS))


@pytest.fixture
def sqlite_engine(tmp_path):
    """A SQLite database in tmp_path, seeded from the committed services.csv."""
    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}", layers=())
    yield engine
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL required in CI: {reason}")
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def postgres_url():
    """URL of a throwaway PostgreSQL cluster (started once per session, removed after)."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        _unavailable("no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        _unavailable("running as root without runuser")
    bindir = Path(bins[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="carto-vif-pg-"))
    os.chmod(folder, 0o777)
    data, port = folder / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    run = lambda args: subprocess.run(_as_postgres(args), capture_output=True, text=True,  # noqa: E731
                                      timeout=120)
    done = run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                "--no-sync", "-E", "UTF8"])
    if done.returncode:
        _unavailable(f"initdb failed: {done.stderr[-300:]}")
    done = run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    if done.returncode:
        _unavailable(f"pg_ctl start failed: {done.stderr[-300:]}")
    try:
        time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_engine(postgres_url):
    """A fresh, seeded PostgreSQL database (tables dropped after the test)."""
    from store.db import metadata

    engine = make_engine(postgres_url, layers=())
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request):
    """Each test using ``engine`` runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_engine")


def table_checksum(engine) -> dict:
    """Counts and SHA-256 of the services and history tables."""
    return services.checksums(engine)
