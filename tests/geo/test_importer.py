"""The listings importer on small synthetic files written to a temporary folder."""

import csv
import os
from pathlib import Path

import pandas as pd
import pytest

from geo import importer, schema

PROCESSED = Path(os.environ.get("CARTO_VIF_PROCESSED", schema.PROCESSED))
pytestmark = pytest.mark.skipif(not (PROCESSED / "commune_names.parquet").exists(),
                                reason="data/processed absent: run `python -m geo prepare`")


def row(**values: str) -> dict:
    """One listings row: a public permanence in Montluçon unless told otherwise."""
    base = {c: "" for c in importer.INPUT_COLUMNS}
    base.update(dept_code="03", dept_name="Allier", category="permanence", name="Permanence CIDFF",
                commune="Montluçon", status="existing", source_line="10", year="2018")
    base.update(values)
    return base


def write_csv(path: Path, rows: list[dict], header: tuple[str, ...] = importer.INPUT_COLUMNS,
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(header), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "sources").mkdir()
    return {"processed": PROCESSED, "listings_dir": tmp_path / "listings",
            "sources": tmp_path / "sources", "national": tmp_path / "national"}


def run(folders: dict[str, Path], *files: Path) -> int:
    return importer.run(list(files), write=True, **folders)


def services(folders: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(folders["listings_dir"] / "services.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize(("extraction", "category"), [
    ("accueil_de_jour", "accueil_de_jour"), ("hebergement_victimes", "hebergement"),
    ("hebergement_auteurs", "auteurs"), ("association_siege", "association"),
    ("bureau_aide_victimes", "justice"), ("mobile", "dispositif_mobile"),
    ("telephone", "ligne_ecoute"), ("logement_alt", "logement"), ("other", "institution"),
    ("iscg", "iscg"), ("leao", "leao"), ("sante", "sante"), ("forces_securite", "forces_securite"),
])
def test_extraction_category_maps_to_closed_list(folders, tmp_path, extraction, category):
    assert run(folders, write_csv(tmp_path / "l.csv", [row(category=extraction)])) == 0
    assert services(folders)["category"].tolist() == [category]


def test_public_service_gets_the_commune_point_and_an_id(folders, tmp_path):
    run(folders, write_csv(tmp_path / "l.csv", [row(), row()]))
    table = services(folders)
    assert table["id"].tolist() == ["03-L10-1", "03-L10-2"]
    assert table.loc[0, ["insee", "precision", "confidentiality"]].tolist() == [
        "03185", "commune", "public"]
    assert float(table.loc[0, "lat"]) == pytest.approx(46.34, abs=0.05)


def test_hebergement_never_has_point_address_phone_or_place(folders, tmp_path):
    shelter = row(category="hebergement_victimes", place="Foyer X", address="1 rue Y",
                  postcode="03100", phone="04 00 00 00 00", notes="au 1 rue Y")
    run(folders, write_csv(tmp_path / "l.csv", [shelter]))
    out = services(folders).iloc[0]
    assert out["confidentiality"] == "secret" and out["insee"] == "03185"
    assert (out[["lat", "lon", "address", "postcode", "phone", "place", "notes"]] == "").all()
    text = (folders["listings_dir"] / "services.csv").read_text() + (
        folders["listings_dir"] / "import_report.md").read_text()
    assert "rue Y" not in text and "Foyer X" not in text


def test_perpetrators_housing_is_on_referral_without_address(folders, tmp_path):
    run(folders, write_csv(tmp_path / "l.csv", [row(category="hebergement_auteurs",
                                                    address="2 rue Z")]))
    out = services(folders).iloc[0]
    assert (out["confidentiality"], out["address"]) == ("sur_orientation", "")


@pytest.mark.parametrize(("territory", "catchment"), [
    ("département de l'Allier", "dep:03"),
    ("arrondissement de Vichy", "arr:033"),
    ("CA Vichy Communauté", "epci:200071363"),
    ("France (national)", "national"),
])
def test_service_without_commune_has_catchment_and_no_point(folders, tmp_path, territory,
                                                            catchment):
    run(folders, write_csv(tmp_path / "l.csv", [row(commune="", territory_served=territory)]))
    out = services(folders).iloc[0]
    assert out["catchment"] == catchment
    assert (out[["lat", "lon", "insee", "precision"]] == "").all()


def test_helpline_is_remote(folders, tmp_path):
    run(folders, write_csv(tmp_path / "l.csv", [
        row(category="telephone", name="3919 – Violences Femmes Info", commune="",
            territory_served="national"),
        row(category="other", name="115 – SIAO", commune="", territory_served="Allier")]))
    assert services(folders)["remote"].tolist() == ["true", "true"]


def test_aggregate_becomes_a_territorial_figure_never_a_point(folders, tmp_path):
    figure = row(category="aggregate", name="Places d'hébergement d'urgence", capacity="135",
                 capacity_unit="places", commune="", territory_served="département de l'Allier")
    run(folders, write_csv(tmp_path / "l.csv", [figure, row()]))
    figures = pd.read_csv(folders["listings_dir"] / "figures.csv", dtype=str,
                          keep_default_na=False)
    assert figures[["territory", "value", "unit", "category"]].values.tolist() == [
        ["dep:03", "135", "places", "hebergement"]]
    assert services(folders)["name"].tolist() == ["Permanence CIDFF"]


@pytest.mark.parametrize(("values", "column", "value", "says"), [
    ({"commune": "Montlucon-sur-Mer"}, "commune", "Montlucon-sur-Mer",
     "introuvable dans le département 03 (aucune commune de ce nom)"),
    ({"category": "refuge"}, "category", "refuge", "n'est pas une catégorie connue"),
    ({"status": "ouvert"}, "status", "ouvert", "n'est pas un statut connu"),
    ({"capacity": "-3"}, "capacity", "-3", "doit être un nombre positif ou nul"),
    ({"capacity": "douze"}, "capacity", "douze", "doit être un nombre positif ou nul"),
    ({"capacity": "250000"}, "capacity", "250000", "invraisemblable"),
    ({"dept_code": "99"}, "dept_code", "99", "n'est pas un département connu"),
    ({"source_line": "L12"}, "source_line", "L12", "numéro de ligne"),
    ({"commune": "", "territory_served": "Pays de Cocagne"}, "territory_served",
     "Pays de Cocagne", "non reconnu"),
])
def test_every_row_error_names_line_column_and_value_in_french(folders, tmp_path, capsys,
                                                               values, column, value, says):
    path = write_csv(tmp_path / "l.csv", [row(), row(**values)])
    assert run(folders, path) == 1
    printed = capsys.readouterr().out
    assert f"l.csv, ligne 3, colonne « {column} » : « {value} »" in printed
    assert says in printed


@pytest.mark.parametrize(("content", "says"), [
    (b"", "l.csv : fichier vide"),
    (",".join(importer.INPUT_COLUMNS).encode() + b"\n", "aucune ligne de données (en-tête seul)"),
    (b"dept_code,name\n03,X\n", "colonnes obligatoires absentes : « dept_name », « category »"),
    (",".join(importer.INPUT_COLUMNS).encode() + b"\n03,Allier,permanence,,Caf\xe9",
     "l.csv, ligne 2 : octets illisibles"),
])
def test_file_level_errors(folders, tmp_path, capsys, content, says):
    path = tmp_path / "l.csv"
    path.write_bytes(content)
    assert run(folders, path) == 1
    assert says in capsys.readouterr().out


def test_utf8_with_bom_is_accepted(folders, tmp_path):
    assert run(folders, write_csv(tmp_path / "l.csv", [row()], encoding="utf-8-sig")) == 0


def test_a_file_with_one_error_changes_nothing(folders, tmp_path):
    run(folders, write_csv(tmp_path / "good.csv", [row()]))
    before = {p.name: p.read_bytes() for p in folders["listings_dir"].iterdir()}
    bad = write_csv(tmp_path / "bad.csv", [row(name="Autre"), row(status="fermé")])
    assert run(folders, bad) == 1
    assert {p.name: p.read_bytes() for p in folders["listings_dir"].iterdir()} == before


def test_reimport_gives_the_same_bytes(folders, tmp_path):
    path = write_csv(tmp_path / "l.csv", [row(), row(category="aggregate", capacity="3",
                                                     commune="", territory_served="Allier")])
    run(folders, path)
    first = (folders["listings_dir"] / "services.csv").read_bytes()
    run(folders, path)
    assert (folders["listings_dir"] / "services.csv").read_bytes() == first


def test_import_replaces_only_the_departements_imported(folders, tmp_path):
    run(folders, write_csv(tmp_path / "a.csv", [row()]),
        write_csv(tmp_path / "b.csv", [row(dept_code="21", dept_name="Côte-d'Or",
                                           commune="Dijon")]))
    run(folders, write_csv(tmp_path / "a.csv", [row(name="Nouvelle permanence")]))
    assert services(folders)[["dep", "name"]].values.tolist() == [
        ["03", "Nouvelle permanence"], ["21", "Permanence CIDFF"]]


def test_another_departement_imports_with_no_code_change(folders, tmp_path):
    isere = [row(dept_code="38", dept_name="Isère", commune="Grenoble", source_line="40"),
             row(dept_code="38", dept_name="Isère", commune="", category="iscg",
                 territory_served="département de l'Isère", source_line="41"),
             row(dept_code="38", dept_name="Isère", commune="Voiron", source_line="42",
                 category="hebergement_victimes")]
    assert run(folders, write_csv(tmp_path / "38_isere.csv", isere)) == 0
    table = services(folders)
    assert table["insee"].tolist() == ["38185", "", "38563"]
    assert table["catchment"].tolist()[1] == "dep:38"


def test_corrections_are_applied_and_a_stale_one_is_an_error(folders, tmp_path, capsys):
    fix = folders["sources"] / "corrections.csv"
    pd.DataFrame([{"dep": "03", "source_line": "10", "name": "Permanence CIDFF",
                   "field": "commune", "old_value": "Montluçon", "new_value": "Vichy",
                   "justification": "L10"}]).to_csv(fix, index=False)
    run(folders, write_csv(tmp_path / "l.csv", [row()]))
    assert services(folders)["insee"].tolist() == ["03310"]
    assert run(folders, write_csv(tmp_path / "l.csv", [row(commune="Moulins")])) == 1
    assert "valeur actuelle « Moulins », la correction attend « Montluçon »" in (
        capsys.readouterr().out)


def write_layer(folders: dict[str, Path]) -> None:
    """One national layer record: the commissariat of Montluçon, at an address."""
    folders["national"].mkdir(exist_ok=True)
    pd.DataFrame([{"id": "ann-commissariat_police-03185-01", "insee": "03185",
                   "name": "Commissariat de police de Montluçon", "address": "1 rue A",
                   "lat": "46.3412", "lon": "2.6035", "precision": "adresse",
                   "source_type": "commissariat_police"}]).to_csv(
        folders["national"] / "annuaire_2016.csv", index=False)


def test_a_service_held_at_a_named_commissariat_gets_its_point(folders, tmp_path):
    write_layer(folders)
    run(folders, write_csv(tmp_path / "l.csv", [
        row(category="iscg", name="Intervenant social en commissariat – Montluçon"),
        row(category="iscg", name="Intervenant social en gendarmerie", source_line="11",
            subcategory="ISCG gendarmerie (zone gendarmerie)")]))
    table = services(folders)
    assert table[["host_id", "precision", "lat", "lon"]].values.tolist() == [
        ["ann-commissariat_police-03185-01", "lieu_accueil", "46.341200", "2.603500"],
        ["", "commune", table.loc[1, "lat"], table.loc[1, "lon"]]]
    report = (folders["listings_dir"] / "import_report.md").read_text()
    assert "lieux d'accueil nommés retenus : 1 ; non retenus : 1" in report
    assert "gendarmerie nommée sans brigade" in report


def test_a_shelter_naming_a_commissariat_gets_no_point(folders, tmp_path):
    write_layer(folders)
    run(folders, write_csv(tmp_path / "l.csv", [
        row(category="hebergement_victimes", place="Commissariat de police de Montluçon"),
        row(category="hebergement_auteurs", name="Logement – commissariat de Montluçon",
            source_line="11")]))
    table = services(folders)
    assert table["host_id"].tolist() == ["", ""]
    assert table["precision"].tolist() == ["", "commune"]
