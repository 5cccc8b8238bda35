"""The committed listings: complete, secret rows without coordinates, current INSEE codes."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from geo import schema
from geo.importer import CATEGORY_MAP
from geo.listings import read_figures, read_services

SEEDS = schema.DATA / "sources" / "seeds"
pytestmark = pytest.mark.skipif(not schema.SERVICES_FILE.exists(),
                                reason="data/listings/services.csv not built yet")


def seed_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.csv")), ids=lambda p: p.stem)
def test_every_seed_row_is_imported_as_service_or_figure(seed):
    rows = seed_rows(seed)
    dep = rows[0]["dept_code"]
    services, figures = read_services(), read_figures()
    expected_services = sum(CATEGORY_MAP[r["category"]] is not None for r in rows)
    assert (services["dep"] == dep).sum() == expected_services
    assert (figures["dep"] == dep).sum() == len(rows) - expected_services


def test_no_secret_service_has_coordinates_address_phone_or_place():
    services = read_services()
    secret = services[services["confidentiality"] == "secret"]
    assert len(secret) > 0
    assert secret[["lat", "lon"]].isna().all().all()
    assert (secret[["address", "postcode", "phone", "place", "host_id"]] == "").all().all()
    assert set(secret["category"]) <= schema.SECRET_CATEGORIES
    assert (services[services["category"].isin(schema.SECRET_CATEGORIES)]["confidentiality"]
            == "secret").all()


needs_processed = pytest.mark.skipif(not schema.COMMUNES_FILE.exists(),
                                     reason="data/processed absent: run `python -m geo prepare`")


@needs_processed
def test_insee_codes_are_current_communes():
    communes = pd.read_parquet(schema.COMMUNES_FILE, columns=["insee"])
    codes = set(read_services()["insee"]) - {""}
    assert codes <= set(communes["insee"])


@needs_processed
def test_catchment_codes_are_known_territories():
    known = {f"dep:{c}" for c in pd.read_parquet(schema.DEPARTEMENTS_FILE)["code"]}
    known |= {f"arr:{c}" for c in pd.read_parquet(schema.ARRONDISSEMENTS_FILE)["code"]}
    known |= {f"epci:{c}" for c in pd.read_parquet(schema.EPCI_FILE)["siren"]}
    known |= {f"com:{c}" for c in pd.read_parquet(schema.COMMUNES_FILE)["insee"]} | {"national"}
    used = {c for text in pd.concat([read_services()["catchment"], read_figures()["territory"]])
            for c in text.split(";") if c}
    assert used <= known


def test_services_are_located_or_have_a_catchment_and_columns_follow_the_contract():
    services = read_services()
    assert tuple(services.columns) == schema.SERVICE_COLUMNS
    assert services["id"].is_unique
    assert set(services["category"]) <= set(schema.CATEGORIES)
    no_place = services["lat"].isna() & (services["insee"] == "")
    assert (services.loc[no_place, "catchment"] != "").all()
    located = services.dropna(subset=["lat"])
    assert set(located["precision"]) <= set(schema.PRECISIONS)
