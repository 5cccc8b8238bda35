"""National layers (annuaire 2016, FINESS 2020) and the "one place, one service" merge rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import cog, national
from geo.schema import PRECISIONS, SERVICE_COLUMNS, SERVICES_FILE

RAW = Path(__file__).resolve().parents[3] / "shared" / "geodata" / "raw"
needs_raw = pytest.mark.skipif(not (RAW / "annuaire-service-public-2016").exists(),
                               reason="raw geodata not available")


@pytest.fixture(scope="module")
def annuaire() -> pd.DataFrame:
    return national.read_layer(national.ANNUAIRE_FILE)


@pytest.fixture(scope="module")
def finess() -> pd.DataFrame:
    return national.read_layer(national.FINESS_FILE)


@pytest.fixture(scope="module")
def unresolved() -> pd.DataFrame:
    return pd.read_csv(national.UNRESOLVED_FILE, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def territory() -> national.Territory:
    return national.Territory.from_processed()


# --------------------------------------------------------------------------- point rule
def test_point_rule_prefers_a_good_house_number_then_the_source_point_then_the_commune():
    source = national.point_source(
        ban_housenumber=np.array([True, True, True, False, True, False]),
        ban_score=np.array([0.93, 0.69, 0.95, 0.99, np.nan, np.nan]),
        ban_inside=np.array([True, True, False, True, False, False]),
        own_inside=np.array([True, True, True, True, False, False]))
    assert source.tolist() == ["ban", "source", "source", "source", "commune", "commune"]


def test_phone_numbers_are_written_the_french_way():
    assert national.format_phone("+33 3 21 68 68 17") == "03 21 68 68 17"
    assert national.format_phone("321646464") == "03 21 64 64 64"
    assert national.format_phone("+262 262 90 50 50") == "02 62 90 50 50"
    assert national.format_phone("0891 01 22 22") == "08 91 01 22 22"
    assert national.format_phone("3936") == "3936"


# --------------------------------------------------------------------------- committed layers
def test_layers_have_the_service_columns_unique_stable_ids_and_provenance(annuaire, finess):
    for layer, prefix, dataset in ((annuaire, "ann-", national.ANNUAIRE_DATASET),
                                   (finess, "finess-", national.FINESS_DATASET)):
        assert tuple(layer.columns) == national.LAYER_COLUMNS
        assert tuple(layer.columns[:len(SERVICE_COLUMNS)]) == SERVICE_COLUMNS
        assert layer["id"].is_unique
        assert (layer["id"] == prefix + layer["source_id"]).all()
        assert layer["id"].tolist() == sorted(layer["id"])
        assert (layer["dataset"] == dataset).all()
        assert (layer["source_updated"] != "").all()
        assert (layer["last_checked"] == "").all()  # jamais vérifié
        assert (layer["confidentiality"] == "public").all()
        assert layer["precision"].isin(PRECISIONS).all()
        assert (layer["category"] != "hebergement").all()
        assert layer[["lat", "lon"]].notna().all().all()


def test_every_point_lies_in_its_commune_or_says_commune(annuaire, finess, territory):
    layer = pd.concat([annuaire, finess], ignore_index=True)
    inside = national.inside_commune(layer["lon"], layer["lat"], layer["insee"], layer["dep"],
                                     territory.shapes)
    at_address = layer["precision"] == "adresse"
    assert inside[at_address.to_numpy()].all()
    assert set(layer.loc[~inside, "precision"]) <= {"commune"}
    assert layer["insee"].isin(territory.communes["insee"]).all()


def test_every_departement_has_located_police_or_gendarmerie_and_justice(annuaire, territory):
    """Done when of issue 11: every département's map can show these two layers."""
    located = annuaire[annuaire["lat"].notna()]
    for category in ("forces_securite", "justice"):
        deps = set(located.loc[located["category"] == category, "dep"])
        assert deps == set(territory.communes["dep"]), category


def test_courts_keep_their_2016_names_with_the_2020_note(annuaire):
    tgi = annuaire[annuaire["source_type"] == "tgi"]
    assert tgi["name"].str.startswith("Tribunal de grande instance").mean() > 0.9
    assert tgi["notes"].str.contains("tribunaux judiciaires le 1er janvier 2020").all()
    assert annuaire.loc[annuaire["source_type"] == "ti", "notes"].str.contains("2020").all()


def test_secondary_hospital_sites_are_left_out_but_main_sites_kept():
    names = pd.DataFrame({"facility_type": "Centre Hospitalier (C.H.)", "site_name": "",
                          "hospital_name": ["CENTRE HOSPITALIER D'HESDIN", "HJ PSY ESCALE CH HENIN",
                                            "HOPITAL DE JOUR AVION ( C.H LENS )",
                                            "CMP ADULTE CH VERDUN/ST MIHIEL",
                                            "CHU MONTPELLIER SMUR ANTENNE CH LUNEL",
                                            "CENTRE DE PLANIFICATION DU CH DE SAVERNE",
                                            "CH DE MARTIGUES HOPITAL DU VALLON"]})
    assert national.kept_hospital_sites(names).tolist() == [True, False, False, False, False,
                                                            True, True]


def test_types_map_to_the_documented_categories(annuaire, finess):
    for source_type, kind in national.ANNUAIRE_TYPES.items():
        rows = annuaire[annuaire["source_type"] == source_type]
        assert len(rows) > 0, source_type
        assert set(rows["category"]) == {kind.category}
        assert set(rows["subcategory"]) == {kind.subcategory}
    assert set(finess["source_type"]) == set(national.HOSPITAL_TYPES)
    assert set(finess["category"]) == {"sante"}
    readme = (Path(national.DATA) / "README.md").read_text(encoding="utf-8")
    for source_type in national.ANNUAIRE_TYPES:
        assert f"`{source_type}`" in readme


@needs_raw
def test_annuaire_counts_per_departement_and_type_equal_the_raw_files(annuaire, unresolved):
    raw = national.read_annuaire(RAW / "annuaire-service-public-2016" / "data")
    raw = raw[raw["type"].isin(national.ANNUAIRE_TYPES)]
    expected = raw.groupby(["source_dep", "type"]).size()
    kept = annuaire.groupby(["dep", "source_type"]).size()
    bad = unresolved[unresolved["dataset"] == national.ANNUAIRE_DATASET]
    bad = bad.rename(columns={"source_dep": "dep"}).groupby(["dep", "source_type"]).size()
    got = kept.add(bad, fill_value=0).astype(int).rename_axis(["source_dep", "type"])
    assert got.sort_index().equals(expected.sort_index())
    pilots = {d: int(annuaire["dep"].eq(d).sum()) for d in ("03", "21", "38", "59", "62")}
    assert pilots == {d: int(expected.loc[d].sum()) for d in pilots}  # nothing lost there
    gendarmerie = annuaire[annuaire["source_type"] == "gendarmerie"].groupby("dep").size()
    assert gendarmerie[["03", "21", "38", "59", "62"]].tolist() == [29, 36, 57, 54, 52]


@needs_raw
def test_hospital_counts_per_departement_equal_the_raw_file(finess, unresolved):
    sites = national.read_hospitals(RAW / "gisco-healthcare-2020" / "FR.csv")
    public = sites[sites["facility_type"].isin(national.HOSPITAL_TYPES)]
    assert len(public) == 1879
    left_out = pd.read_csv(national.SECONDARY_SITES_FILE, dtype=str, keep_default_na=False)
    sites = public[national.kept_hospital_sites(public)]
    assert set(left_out["source_id"]) == set(public["id"]) - set(sites["id"])
    bad = unresolved[unresolved["dataset"] == national.FINESS_DATASET]
    assert len(finess) + len(bad) == len(sites) == 1879 - len(left_out)
    assert set(finess["source_id"]) | set(bad["source_id"]) == set(sites["id"])
    by_dep = finess.groupby("dep").size()
    raw_dep = sites["postcode"].map(national.postcode_dep)
    for dep in ("03", "21", "38", "59", "62"):
        assert by_dep[dep] + bad["source_dep"].eq(dep).sum() == raw_dep.eq(dep).sum()


@needs_raw
def test_a_rebuild_gives_identical_bytes(tmp_path, territory, annuaire):
    folder = tmp_path / "ann"
    folder.mkdir()
    for dep in ("62", "75"):
        name = f"annuaire-{dep}.sjson"
        source = RAW / "annuaire-service-public-2016" / "data" / name
        (folder / name).write_bytes(source.read_bytes())
    mvt = cog.read_mouvements(RAW / "decoupage-administratif-sources" / "mouvements-communes.csv")
    outputs = []
    for run in ("a", "b"):
        layer, _ = national.build_annuaire(national.read_annuaire(folder), territory, mvt)
        national._write_csv(layer, tmp_path / f"{run}.csv")
        outputs.append((tmp_path / f"{run}.csv").read_bytes())
    assert outputs[0] == outputs[1]
    committed = annuaire[annuaire["dep"].isin(["62", "75"])].reset_index(drop=True)
    national._write_csv(committed, tmp_path / "committed.csv")
    assert (tmp_path / "committed.csv").read_bytes() == outputs[0]


# --------------------------------------------------------------------------- merge rule
def _plan(**rows) -> pd.DataFrame:
    base = {c: "" for c in SERVICE_COLUMNS}
    base.update(confidentiality="public", status="existing")
    return pd.DataFrame([{**base, "id": pid, **fields} for pid, fields in rows.items()])


def _layer(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """(id, source_type, insee, name) → minimal layer rows."""
    return pd.DataFrame([{"id": i, "source_type": t, "insee": c, "name": n, "address": "1 rue A",
                          "postcode": "62400", "lat": 50.52, "lon": 2.64, "precision": "adresse",
                          "phone": "03 21 54 77 77", "website": "", "dataset": "annuaire",
                          "vintage": "2016-02"} for i, t, c, n in rows])


NAMES = {"62119": "Béthune", "21231": "Dijon", "21515": "Quetigny", "59350": "Lille"}


def test_true_matches_police_gendarmerie_court_and_cidff_of_the_same_town():
    plan = _plan(**{
        "62-L1": {"dep": "62", "category": "forces_securite", "name": "Police nationale de Béthune",
                  "insee": "62119"},
        "62-L2": {"dep": "62", "category": "forces_securite", "name": "Gendarmerie de Béthune",
                  "insee": "62119"},
        "62-L3": {"dep": "62", "category": "justice", "name": "Tribunal judiciaire de Béthune",
                  "insee": "62119"},
        "21-L9": {"dep": "21", "category": "association", "name": "CIDFF 21 – siège",
                  "insee": "", "catchment": "com:21515"},
    })
    layer = _layer(
        ("ann-commissariat_police-62119-01", "commissariat_police", "62119",
         "Hôtel de police de Béthune"),
        ("ann-gendarmerie-62119-01", "gendarmerie", "62119",
         "Brigade territoriale autonome de gendarmerie de Béthune"),
        ("ann-tgi-62119-01", "tgi", "62119", "Tribunal de grande instance de Béthune"),
        ("ann-bav-62119-01", "bav", "62119", "Bureau d'aide aux victimes du TGI de Béthune"),
        ("ann-cidf-21515-01", "cidf", "21515", "Centre d'information sur les droits des femmes "
         "et des familles (CIDFF) - Côte-d'Or"))
    merges = national.match_plan_services(plan, layer, NAMES)
    assert dict(zip(merges["plan_id"], merges["national_id"], strict=True)) == {
        "21-L9": "ann-cidf-21515-01", "62-L1": "ann-commissariat_police-62119-01",
        "62-L2": "ann-gendarmerie-62119-01", "62-L3": "ann-tgi-62119-01"}


def test_false_matches_stay_two():
    plan = _plan(**{
        # a service held in a commissariat is not the commissariat
        "62-A": {"dep": "62", "category": "iscg", "insee": "62119",
                 "name": "Intervenant(e) social(e) en commissariat – Béthune"},
        "21-B": {"dep": "21", "category": "forces_securite", "insee": "21231",
                 "name": "Psychologue de la circonscription de Police nationale de Dijon"},
        # a CIDFF permanence (branch) is not the CIDFF's office
        "21-C": {"dep": "21", "category": "permanence", "insee": "21515",
                 "name": "Permanences CIDFF 21 (Quetigny)"},
        # a brigade of another commune
        "62-D": {"dep": "62", "category": "forces_securite", "insee": "62041",
                 "name": "Brigade de gendarmerie d'Arras"},
        # a confidential service never takes a public point
        "62-E": {"dep": "62", "category": "forces_securite", "insee": "62119",
                 "name": "Police nationale de Béthune", "confidentiality": "secret"},
        # no commune: a département-wide CIDFF
        "59-F": {"dep": "59", "category": "association", "catchment": "dep:59",
                 "name": "CIDFF du Nord"},
    })
    layer = _layer(
        ("ann-commissariat_police-62119-01", "commissariat_police", "62119",
         "Hôtel de police de Béthune"),
        ("ann-commissariat_police-21231-01", "commissariat_police", "21231",
         "Hôtel de police de Dijon"),
        ("ann-cidf-21515-01", "cidf", "21515", "CIDFF - Côte-d'Or"),
        ("ann-gendarmerie-62119-01", "gendarmerie", "62119", "Brigade de gendarmerie de Béthune"),
        ("ann-cidf-59350-01", "cidf", "59350", "CIDFF - Nord"))
    assert national.match_plan_services(plan, layer, NAMES).empty


def test_two_places_of_one_commune_are_told_apart_by_name_or_stay_unmerged():
    layer = _layer(
        ("ann-g1", "gendarmerie", "59350", "Brigade territoriale autonome de gendarmerie de Lille"),
        ("ann-g2", "gendarmerie", "59350", "Brigade de proximité de gendarmerie de Lille"),
        ("ann-c1", "cidf", "59350", "CIDFF - Nord - Lille Fives"),
        ("ann-c2", "cidf", "59350", "CIDFF - Nord - Lille Wazemmes"))
    plan = _plan(**{
        "59-1": {"dep": "59", "category": "forces_securite", "insee": "59350",
                 "name": "Brigade de proximité de Lille"},
        "59-2": {"dep": "59", "category": "association", "insee": "59350",
                 "name": "CIDFF du Nord – Wazemmes"},
        "59-3": {"dep": "59", "category": "association", "insee": "59350",
                 "name": "CIDFF du Nord"},  # head office or branch: not said → no merge
    })
    merges = national.match_plan_services(plan, layer, NAMES)
    assert dict(zip(merges["plan_id"], merges["national_id"], strict=True)) == {
        "59-1": "ann-g2", "59-2": "ann-c2"}
    assert set(merges["how"]) == {"nom"}


def test_one_record_claimed_by_two_plan_services_is_merged_with_neither():
    layer = _layer(("ann-p", "commissariat_police", "62119", "Hôtel de police de Béthune"))
    plan = _plan(**{
        "62-1": {"dep": "62", "category": "forces_securite", "insee": "62119",
                 "name": "Police nationale de Béthune"},
        "62-2": {"dep": "62", "category": "forces_securite", "insee": "62119",
                 "name": "Commissariat de Béthune (accueil des victimes)"},
    })
    assert national.match_plan_services(plan, layer, NAMES).empty


def test_merged_view_keeps_the_plan_text_and_takes_the_annuaire_place_and_phone():
    plan = _plan(**{"62-L1621-1": {"dep": "62", "category": "forces_securite", "insee": "62119",
                                   "name": "Police nationale de Béthune", "lat": "50.53",
                                   "lon": "2.63", "precision": "commune", "notes": "Signataire.",
                                   "source_document": "62_plan.txt", "source_line": "1621"}})
    layer = _layer(("ann-commissariat_police-62119-01", "commissariat_police", "62119",
                    "Hôtel de police de Béthune"))
    merges = national.match_plan_services(plan, layer, NAMES)
    row = national.merged_view(plan, layer, merges).iloc[0]
    assert row["name"] == "Police nationale de Béthune" and row["source_line"] == "1621"
    assert (row["address"], row["lat"], row["precision"], row["phone"]) == (
        "1 rue A", "50.52", "adresse", "03 21 54 77 77")
    assert row["source_document"] == "62_plan.txt ; annuaire (2016-02)"
    assert row["notes"].startswith("Signataire.")
    assert "ann-commissariat_police-62119-01" in row["notes"]
    assert row["national_id"] == "ann-commissariat_police-62119-01"


def test_committed_merges_include_bethune_and_no_iscg():
    merges = pd.read_csv(national.MERGES_FILE, dtype=str, keep_default_na=False)
    pairs = set(zip(merges["plan_id"], merges["national_id"], strict=True))
    assert ("62-L1621-1", "ann-commissariat_police-62119-01") in pairs
    assert ("62-L1621-2", "ann-gendarmerie-62119-01") in pairs
    plan = pd.read_csv(SERVICES_FILE, dtype=str, keep_default_na=False)
    merged = plan[plan["id"].isin(merges["plan_id"])]
    assert "iscg" not in set(merged["category"]) and "hebergement" not in set(merged["category"])
    assert merges["national_id"].is_unique and merges["plan_id"].is_unique
    report = national.REPORT_FILE.read_text(encoding="utf-8")
    assert "62-L1621-1" in report and "| 62 |" in report


def test_report_figures_count_read_kept_address_unresolved_merges():
    layer = pd.DataFrame({"dep": ["62", "62", "21"], "precision": ["adresse", "commune", "adresse"],
                          "point_source": ["ban", "commune", "source"]})
    bad = pd.DataFrame({"source_dep": ["62", "988"]})
    merges = pd.DataFrame({"dep": ["62"]})
    read = pd.Series({"62": 3, "21": 1, "988": 1})
    table = national.figures(layer, bad, merges, read)
    assert table.loc["62"].tolist() == [3, 2, 1, 1, 1, 1]
    assert table.loc["988"].tolist() == [1, 0, 0, 0, 1, 0]
    assert json.loads(table.sum().to_json())["kept"] == 3
