"""Import listings files (the seed-extraction CSV format) into ``data/listings``.

One listings file holds rows of one or more départements, with the columns of
:data:`INPUT_COLUMNS`. The import:

1. reads each file (UTF-8 with or without BOM) and applies ``data/sources/corrections.csv``;
2. checks every row and collects *every* problem, in French, naming the line of the file
   (header = line 1), the column and the value;
3. geocodes the commune (:class:`geo.geocode.CommuneGeocoder`) or reads the territory served
   (:class:`geo.geocode.TerritoryResolver`) into catchment codes;
4. writes ``services.csv`` and ``figures.csv`` atomically, replacing only the rows of the
   imported départements, and ``import_report.md``.

A file with a single error changes nothing (all or nothing). Hébergement for victims is
secret: no point, address, postcode, phone or place name in any output, commune at most.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from geo import hosts, listings
from geo.geocode import (  # find_host_site: also used through this module by store/imports.py
    CommuneGeocoder,
    HostSite,
    TerritoryResolver,
    find_host_site,  # noqa: F401
    load_france_services,
    normalise,
)
from geo.schema import (
    CATEGORIES,
    DATA,
    FIGURE_COLUMNS,
    LISTINGS,
    PROCESSED,
    SECRET_CATEGORIES,
    SERVICE_COLUMNS,
    STATUSES,
)

SOURCES = DATA / "sources"
NATIONAL = DATA / "national"
INPUT_COLUMNS = ("dept_code", "dept_name", "category", "subcategory", "name", "operator", "place",
                 "address", "postcode", "commune", "territory_served", "capacity", "capacity_unit",
                 "schedule", "phone", "audience", "status", "year", "source_line", "source_quote",
                 "notes")
#: Extraction category -> closed-list category; ``None`` means a territorial figure.
CATEGORY_MAP: dict[str, str | None] = {
    "accueil_de_jour": "accueil_de_jour", "hebergement_victimes": "hebergement",
    "hebergement_auteurs": "auteurs", "permanence": "permanence", "iscg": "iscg", "leao": "leao",
    "association_siege": "association", "sante": "sante", "justice": "justice",
    "forces_securite": "forces_securite", "bureau_aide_victimes": "justice",
    "auteurs": "auteurs", "mobile": "dispositif_mobile", "telephone": "ligne_ecoute",
    "logement_alt": "logement", "other": "institution", "aggregate": None,
    **{code: code for code in CATEGORIES},
}
#: Keywords (normalised text of subcategory, name, unit) -> category of a figure; first wins.
FIGURE_CATEGORY_RULES = (
    (r"\biscg\b|intervenant\w* soci", "iscg"), (r"accueils? de jour", "accueil_de_jour"),
    (r"\bleao\b|lieux? d ecoute", "leao"), (r"\bauteurs?\b", "auteurs"),
    (r"heberg|mise a l abri|\bchrs\b|\bhu\b|\bfvv\b", "hebergement"),
    (r"\balt\b|logement", "logement"), (r"permanence", "permanence"),
)
MAX_CAPACITY = 100_000
_REMOTE = re.compile(r"^\s*(3919|116 ?006|119|114|115|17|15|112)\b|\b(3919|116 ?006)\b|\bt?chat\b",
                     re.IGNORECASE)
_UNKNOWN_DEP_NAME = "département inconnu"


_LOADED: dict[tuple, tuple] = {}


@dataclass
class Reference:
    """Territorial data the import needs, read once from ``data/processed``.

    ``layers`` holds the host records of the national layers (:func:`geo.hosts.load_layers`:
    commissariats, brigades, hospitals, courts, MJD of ``data/national``); empty when the
    files are absent, and then no service gets a layer host point.
    """

    geocoder: CommuneGeocoder
    territories: TerritoryResolver
    communes: pd.DataFrame
    france_services: pd.DataFrame
    dep_codes: frozenset[str]
    layers: pd.DataFrame = field(default_factory=hosts.empty_layers)

    @cached_property
    def commune_keys(self) -> frozenset[str]:
        """Normalised names of all communes (:func:`geo.hosts.commune_keys`), computed once."""
        return hosts.commune_keys(self.communes)

    @classmethod
    def load(cls, processed: Path = PROCESSED, sources: Path = SOURCES,
             national: Path = NATIONAL) -> Reference:
        """Read the processed tables (memoised on their mtimes), the curated territories and
        the host records of the national layers in ``national`` (when present)."""
        import geopandas as gpd

        files = [processed / "communes.parquet", processed / "commune_names.parquet"]
        layer_files = [national / name for name in hosts.LAYER_FILES]
        key = tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0)
                    for f in files + layer_files)
        if key not in _LOADED:
            communes = gpd.read_parquet(files[0])
            geocoder = CommuneGeocoder(pd.read_parquet(files[1]), communes)
            _LOADED.clear()
            _LOADED[key] = (geocoder, communes.set_index("insee", drop=False),
                            load_france_services(processed / "france_services.parquet"),
                            hosts.load_layers(national))
        geocoder, communes, france_services, layers = _LOADED[key]
        departements = pd.read_parquet(processed / "departements.parquet", columns=["code", "nom"])
        curated_file = sources / "territories.csv"
        curated = (pd.read_csv(curated_file, dtype=str, keep_default_na=False)
                   if curated_file.exists() else None)
        territories = TerritoryResolver(
            geocoder, departements, pd.read_parquet(processed / "arrondissements.parquet"),
            pd.read_parquet(processed / "epci.parquet"), curated)
        return cls(geocoder, territories, communes, france_services,
                   frozenset(departements["code"]), layers)


@dataclass
class Outcome:
    """What one import produced: rows, problems (errors), unresolved names and counts per dep."""

    services: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unresolved: dict[str, list[str]] = field(default_factory=dict)
    rows_read: Counter = field(default_factory=Counter)
    corrections: list[str] = field(default_factory=list)
    #: Per département: hosts named by a row but not retained, and why (French).
    hosts: dict[str, list[str]] = field(default_factory=dict)


def read_listing(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a listings CSV as text, with the file line of each row in column ``line``.

    Parameters
    ----------
    path : pathlib.Path
        CSV file, UTF-8 with or without BOM, comma-separated, header on line 1.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The rows (all ``str``) and the file-level problems in French; when there is a
        problem the table is empty.

    Examples
    --------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = bad.write_bytes(b"name,commune\\nCaf\\xe9,Vichy\\n")
    >>> read_listing(bad)[1][0]
    'x.csv, ligne 2 : octets illisibles (position 4) ; le fichier doit être encodé en UTF-8'
    """
    name, raw = path.name, path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - raw.rfind(b"\n", 0, err.start)  # 1-based byte position
        return pd.DataFrame(), [f"{name}, ligne {line} : octets illisibles (position {column}) ; "
                                "le fichier doit être encodé en UTF-8"]
    if not text.strip():
        return pd.DataFrame(), [f"{name} : fichier vide"]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    missing = [c for c in INPUT_COLUMNS if c not in header]
    if missing:
        return pd.DataFrame(), [f"{name}, ligne 1 : colonnes obligatoires absentes : "
                                + ", ".join(f"« {c} »" for c in missing)]
    records, start = [], reader.line_num + 1
    for values in reader:
        if any(v.strip() for v in values):
            record = dict(zip(header, (v.strip() for v in values), strict=False))
            records.append({**{c: record.get(c, "") for c in header}, "line": start})
        start = reader.line_num + 1
    if not records:
        return pd.DataFrame(), [f"{name} : aucune ligne de données (en-tête seul)"]
    return pd.DataFrame(records).fillna(""), []


def apply_corrections(rows: pd.DataFrame, corrections: pd.DataFrame,
                      name: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Apply curated corrections to the rows they name; return rows, errors, applied.

    A correction names a row by (``dep``, ``source_line``, ``name``) and changes ``field``
    from ``old_value`` to ``new_value``. A correction whose old value is not the current one
    is an error (the source file changed: check the correction again).

    Examples
    --------
    >>> rows = pd.DataFrame({"dept_code": ["03"], "source_line": ["25"], "name": ["CH"],
    ...     "commune": ["Moulins"], "line": [2]})
    >>> fix = pd.DataFrame({"dep": ["03"], "source_line": ["25"], "name": ["CH"],
    ...     "field": ["commune"], "old_value": ["Moulins"], "new_value": ["Yzeure"],
    ...     "justification": ["L25"]})
    >>> apply_corrections(rows, fix, "f.csv")[0]["commune"].tolist()
    ['Yzeure']
    """
    rows, errors, applied = rows.copy(), [], []
    deps = set(rows["dept_code"])
    for fix in corrections.itertuples(index=False):
        if fix.dep not in deps:
            continue
        hit = ((rows["dept_code"] == fix.dep) & (rows["source_line"] == fix.source_line)
               & (rows["name"] == fix.name))
        where = f"{name}, correction ({fix.dep}, ligne source {fix.source_line}, « {fix.name} »)"
        if fix.field not in rows.columns or not hit.any():
            errors.append(f"{where} : aucune ligne ou colonne « {fix.field} » correspondante")
            continue
        current = rows.loc[hit, fix.field]
        if (current != fix.old_value).any():
            errors.append(f"{where}, colonne « {fix.field} » : valeur actuelle "
                          f"« {current.iloc[0]} », la correction attend « {fix.old_value} »")
            continue
        rows.loc[hit, fix.field] = fix.new_value
        applied.append(f"{fix.dep} L{fix.source_line} « {fix.name} » : {fix.field} "
                       f"« {fix.old_value} » → « {fix.new_value} » ({fix.justification})")
    return rows, errors, applied


def _where(row: pd.Series, column: str) -> str:
    return f"Ligne {row['line']}, colonne « {column} » : « {row.get(column, '')} »"


def _number(text: str) -> float | None:
    try:
        return float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
                     .replace(",", "."))
    except ValueError:
        return None


def check_row(row: pd.Series, dep_codes: frozenset[str]) -> list[str]:
    """Return the problems of one listings row (French, naming line, column and value).

    Examples
    --------
    >>> row = pd.Series({"line": 14, "dept_code": "03", "category": "refuge", "status": "existing",
    ...     "capacity": "-2", "source_line": "12", "name": "X"})
    >>> for problem in check_row(row, frozenset({"03"})):
    ...     print(problem)
    Ligne 14, colonne « category » : « refuge » n'est pas une catégorie connue
    Ligne 14, colonne « capacity » : « -2 » doit être un nombre positif ou nul
    """
    problems = []
    if row["dept_code"] not in dep_codes:
        problems.append(f"{_where(row, 'dept_code')} n'est pas un département connu")
    if row["category"] not in CATEGORY_MAP:
        problems.append(f"{_where(row, 'category')} n'est pas une catégorie connue")
    if row["status"] not in STATUSES:
        problems.append(f"{_where(row, 'status')} n'est pas un statut connu "
                        f"({', '.join(STATUSES)})")
    if not row["name"]:
        problems.append(f"{_where(row, 'name')} : le nom est obligatoire")
    if not re.fullmatch(r"[1-9]\d*", row["source_line"]):
        problems.append(f"{_where(row, 'source_line')} doit être un numéro de ligne (entier > 0)")
    if row["capacity"]:
        value = _number(row["capacity"])
        is_figure = CATEGORY_MAP.get(row["category"], "") is None
        if value is None or value < 0:
            problems.append(f"{_where(row, 'capacity')} doit être un nombre positif ou nul")
        elif value >= MAX_CAPACITY and not is_figure:
            limit = f"{MAX_CAPACITY:,}".replace(",", "\u202f")
            problems.append(f"{_where(row, 'capacity')} est invraisemblable "
                            f"(au moins {limit} ; un montant ou un total ?)")
    return problems


def figure_category(row: pd.Series) -> str:
    """Return the category a territorial figure is about, from its wording, or ``""``.

    Examples
    --------
    >>> figure_category(pd.Series({"subcategory": "", "name": "Places d'hébergement d'urgence",
    ...     "capacity_unit": "places"}))
    'hebergement'
    >>> figure_category(pd.Series({"subcategory": "", "name": "Intervenants sociaux",
    ...     "capacity_unit": "postes"}))
    'iscg'
    """
    text = normalise(" ".join([row["subcategory"], row["name"], row["capacity_unit"]]))
    return next((category for pattern, category in FIGURE_CATEGORY_RULES
                 if re.search(pattern, text)), "")


def _locate(row: pd.Series, ref: Reference, out: Outcome) -> dict | None:
    """Commune, point and catchment of one service row; ``None`` after recording an error."""
    dep, commune, territory = row["dept_code"], row["commune"], row["territory_served"]
    match = ref.geocoder.resolve(commune, row["postcode"] or None, dep) if commune else None
    area = ref.territories.resolve(territory, dep) if territory else None
    place: dict = {"insee": "", "lat": "", "lon": "", "precision": "", "host_id": "",
                   "catchment": area.catchment if area and area.ok else ""}
    if match is not None and not match.ok:
        detail = match.reason + (f" : {', '.join(match.candidates)}" if match.candidates else "")
        message = f"{_where(row, 'commune')} {detail}"
        if not (area and area.ok):
            out.errors.append(message + " et aucun territoire reconnu")
            return None
        out.unresolved.setdefault(dep, []).append(message + f" ; rattaché au territoire "
                                                  f"« {territory} » ({area.catchment})")
    elif match is None and not (area and area.ok):
        if territory:
            out.errors.append(f"{_where(row, 'territory_served')} non reconnu et pas de commune "
                              "(ajouter le territoire à data/sources/territories.csv)")
        else:
            out.errors.append(f"Ligne {row['line']}, colonnes « commune » et « territory_served » "
                              "vides : le service n'a ni lieu ni territoire")
        return None
    if match is not None and match.ok:
        point = ref.communes.loc[match.insee]
        host = _named_host(row, match.insee, ref, out)
        place.update(insee=match.insee, precision=host.precision if host else "commune",
                     host_id=host.host_id if host else "",
                     lat=f"{host.lat if host else point.geometry.y:.6f}",
                     lon=f"{host.lon if host else point.geometry.x:.6f}")
        if area is not None and not area.ok:
            out.unresolved.setdefault(dep, []).append(
                f"{_where(row, 'territory_served')} non reconnu (service placé à {match.name})")
    return place


def _confidentiality(row: pd.Series) -> str:
    """``secret`` (hébergement), ``sur_orientation`` (housing of authors) or ``public``."""
    if CATEGORY_MAP[row["category"]] in SECRET_CATEGORIES:
        return "secret"
    return "sur_orientation" if row["category"] == "hebergement_auteurs" else "public"


def _named_host(row: pd.Series, insee: str, ref: Reference,
                out: Outcome) -> HostSite | None:
    """The host the row's text names (:func:`geo.hosts.find_named_host`), or ``None``.

    Secret and non-public rows never get one. A host named but not retained is reported
    (``out.hosts``) with the reason, and the row keeps its commune's point.
    """
    service = {"place": row["place"], "name": row["name"], "subcategory": row["subcategory"],
               "category": CATEGORY_MAP[row["category"]],
               "confidentiality": _confidentiality(row)}
    answer = hosts.find_named_host(service, insee, layers=ref.layers,
                                   france_services=ref.france_services, communes=ref.communes,
                                   names=ref.commune_keys)
    if answer.reason:
        out.hosts.setdefault(row["dept_code"], []).append(
            f"Ligne {row['line']}, « {row['name']} » : {answer.reason} (point de la commune)")
    return answer.host


def _service(row: pd.Series, row_id: str, ref: Reference, out: Outcome, doc: dict) -> None:
    place = _locate(row, ref, out)
    if place is None:
        return
    category = CATEGORY_MAP[row["category"]]
    confidentiality = _confidentiality(row)
    secret = confidentiality == "secret"
    service = {**{c: "" for c in SERVICE_COLUMNS}, **place,
               **{c: row[c] for c in ("subcategory", "name", "operator", "place", "address",
                                      "postcode", "capacity", "capacity_unit", "schedule",
                                      "phone", "audience", "status", "source_line", "notes")}}
    service.update(id=row_id, dep=row["dept_code"], category=category,
                   confidentiality=confidentiality, source_year=row["year"] or doc["period"],
                   source_document=row.get("source_document") or doc["document"],
                   remote="true" if (category == "ligne_ecoute" or _REMOTE.search(row["name"]))
                   else "false")
    if confidentiality != "public":
        service.update(address="", postcode="" if secret else service["postcode"])
    if secret:
        service.update(lat="", lon="", precision="", host_id="", place="", phone="", notes="")
    out.services.append(service)


def _figure(row: pd.Series, row_id: str, ref: Reference, out: Outcome, doc: dict) -> None:
    dep = row["dept_code"]
    area = ref.territories.resolve(row["territory_served"], dep)
    if not area.ok and row["commune"]:
        match = ref.geocoder.resolve(row["commune"], None, dep)
        area = area if not match.ok else type(area)(row["commune"], (f"com:{match.insee}",))
    if not area.ok:
        out.unresolved.setdefault(dep, []).append(
            f"{_where(row, 'territory_served')} non reconnu (chiffre gardé sans territoire)")
    out.figures.append({
        "id": row_id, "dep": dep, "territory": area.catchment,
        "territory_label": row["territory_served"] or row["commune"], "what": row["name"],
        "value": row["capacity"], "unit": row["capacity_unit"], "year": row["year"],
        "category": figure_category(row), "source_line": row["source_line"],
        "source_document": row.get("source_document") or doc["document"]})


def import_rows(rows: pd.DataFrame, ref: Reference, documents: dict[str, dict],
                out: Outcome, counters: Counter) -> None:
    """Check and convert checked rows into ``out`` (services, figures, errors, unresolved)."""
    for _, row in rows.iterrows():
        problems = check_row(row, ref.dep_codes)
        out.errors.extend(problems)
        dep = row["dept_code"]
        out.rows_read[dep] += 1
        if problems:
            continue
        counters[(dep, row["source_line"])] += 1
        row_id = f"{dep}-L{row['source_line']}-{counters[(dep, row['source_line'])]}"
        doc = documents.get(dep, {"document": "", "period": ""})
        if CATEGORY_MAP[row["category"]] is None:
            _figure(row, row_id, ref, out, doc)
        else:
            _service(row, row_id, ref, out, doc)


def _read_sources(sources: Path) -> tuple[pd.DataFrame, dict[str, dict]]:
    corrections_file, documents_file = sources / "corrections.csv", sources / "documents.csv"
    corrections = (pd.read_csv(corrections_file, dtype=str, keep_default_na=False)
                   if corrections_file.exists() else
                   pd.DataFrame(columns=["dep", "source_line", "name", "field", "old_value",
                                         "new_value", "justification"]))
    documents = {}
    if documents_file.exists():
        table = pd.read_csv(documents_file, dtype=str, keep_default_na=False)
        documents = {r.dep: {"document": r.source_document, "period": r.period}
                     for r in table.itertuples()}
    return corrections, documents


def import_files(files: list[Path], ref: Reference, sources: Path = SOURCES) -> Outcome:
    """Read, correct, check and convert listings files; nothing is written.

    Parameters
    ----------
    files : list of pathlib.Path
        Listings CSV files.
    ref : Reference
        Territorial data (:meth:`Reference.load`).
    sources : pathlib.Path
        Folder of ``corrections.csv``, ``territories.csv``, ``documents.csv``.

    Returns
    -------
    Outcome
        ``outcome.errors`` is empty when the import may be written.
    """
    out, counters = Outcome(), Counter()
    corrections, documents = _read_sources(sources)
    for path in files:
        rows, problems = read_listing(path)
        out.errors.extend(problems)
        if problems:
            continue
        rows, problems, applied = apply_corrections(rows, corrections, path.name)
        out.errors.extend(problems)
        out.corrections.extend(applied)
        before = len(out.errors)
        import_rows(rows, ref, documents, out, counters)
        out.errors[before:] = [f"{path.name}, {e[0].lower()}{e[1:]}" for e in out.errors[before:]]
    ids = Counter(r["id"] for r in out.services + out.figures)
    out.errors.extend(f"identifiant « {i} » en double" for i, n in ids.items() if n > 1)
    return out


def _sort_key(ids: pd.Series) -> pd.Series:
    parts = ids.str.extract(r"^(.*)-L(\d+)-(\d+)$")
    return (parts[0].fillna("") + parts[1].fillna("0").str.zfill(8)
            + parts[2].fillna("0").str.zfill(4))


def merged(existing: pd.DataFrame, new: list[dict], deps: set[str],
           columns: tuple[str, ...]) -> pd.DataFrame:
    """Replace the rows of ``deps`` in ``existing`` by ``new``, sorted by id (dep, line, n).

    Examples
    --------
    >>> old = pd.DataFrame({"id": ["03-L9-1", "21-L2-1"], "dep": ["03", "21"]})
    >>> merged(old, [{"id": "03-L1-1", "dep": "03"}], {"03"}, ("id", "dep"))["id"].tolist()
    ['03-L1-1', '21-L2-1']
    """
    kept = existing[~existing["dep"].isin(deps)]
    table = pd.concat([kept, pd.DataFrame(new, columns=list(columns))], ignore_index=True)
    table = table.fillna("").astype(str)
    return table.iloc[_sort_key(table["id"]).argsort(kind="stable")][list(columns)]


def report(out: Outcome, files: list[Path]) -> str:
    """Return the import report (Markdown, French): counts per département, names unresolved.

    Examples
    --------
    >>> text = report(Outcome(errors=["Ligne 3, colonne « x » : « y » inconnu"]), [])
    >>> print(text.splitlines()[-1])
    - Ligne 3, colonne « x » : « y » inconnu
    """
    lines = ["# Rapport d'import des recensements", "",
             "Fichiers : " + (", ".join(f"`{f.name}`" for f in files) or "aucun"), ""]
    services = pd.DataFrame(out.services, columns=list(SERVICE_COLUMNS))
    figures = pd.DataFrame(out.figures, columns=list(FIGURE_COLUMNS))
    for dep in sorted(out.rows_read):
        mine = services[services["dep"] == dep]
        located = mine[mine["lat"] != ""]
        secret = mine[mine["confidentiality"] == "secret"]
        area_only = mine[(mine["lat"] == "") & (mine["confidentiality"] != "secret")]
        precisions = ", ".join(f"{p} {n}" for p, n in located["precision"].value_counts()
                               .sort_index().items()) or "aucun"
        unresolved = out.unresolved.get(dep, [])
        lines += [f"## Département {dep}", "",
                  f"- lignes lues : {out.rows_read[dep]}",
                  f"- services importés : {len(mine)}",
                  f"- services placés sur la carte : {len(located)} ({precisions})",
                  f"- services secrets (hébergement, commune seulement) : {len(secret)}",
                  f"- services sans lieu unique (territoire desservi seulement) : {len(area_only)}",
                  f"- services à distance (lignes d'écoute, 3919...) : "
                  f"{int((mine['remote'] == 'true').sum())}",
                  f"- chiffres territoriaux : {int((figures['dep'] == dep).sum())}",
                  f"- noms ou territoires non résolus : {len(unresolved)}", ""]
        lines += [f"  - {u}" for u in unresolved] + ([""] if unresolved else [])
        named = mine[mine["host_id"] != ""]
        not_kept = out.hosts.get(dep, [])
        lines += [f"- lieux d'accueil nommés retenus : {len(named)} ; non retenus : "
                  f"{len(not_kept)}", ""]
        lines += [f"  - {h}" for h in not_kept] + ([""] if not_kept else [])
    if out.corrections:
        lines += ["## Corrections appliquées (data/sources/corrections.csv)", ""]
        lines += [f"- {c}" for c in out.corrections] + [""]
    if out.errors:
        lines += [f"## Erreurs ({len(out.errors)}) : rien n'a été écrit", ""]
        lines += [f"- {e}" for e in out.errors]
    return "\n".join(lines).rstrip() + "\n"


def run(files: list[Path], write: bool, *, processed: Path = PROCESSED,
        listings_dir: Path = LISTINGS, sources: Path = SOURCES,
        national: Path = NATIONAL) -> int:
    """Import ``files``; print the report; write the listings when ``write`` and no error.

    Parameters
    ----------
    files : list of pathlib.Path
        Listings CSV files (seed-extraction format).
    write : bool
        False to check only (``--check``).
    processed, listings_dir, sources : pathlib.Path
        Folders of the territorial data, of the output listings, of the curated tables.
    national : pathlib.Path
        Folder of the national layers whose records give host points (:mod:`geo.hosts`);
        read when present, never fetched.

    Returns
    -------
    int
        0 on success, 1 when any file has an error (then nothing is written).
    """
    missing = [f.name for f in files if not f.exists()]
    if missing:
        print("Fichiers introuvables : " + ", ".join(missing))
        return 1
    if not (processed / "commune_names.parquet").exists():
        print(f"Données territoriales absentes de {processed} : lancer `python -m geo prepare`.")
        return 1
    out = import_files(files, Reference.load(processed, sources, national), sources)
    text = report(out, files)
    print(text)
    if out.errors:
        return 1
    if write:
        deps = set(out.rows_read)
        services_file = listings_dir / "services.csv"
        figures_file = listings_dir / "figures.csv"
        services = merged(listings.read_table(services_file, SERVICE_COLUMNS), out.services, deps,
                          SERVICE_COLUMNS)
        figures = merged(listings.read_table(figures_file, FIGURE_COLUMNS), out.figures, deps,
                         FIGURE_COLUMNS)
        listings.write_table(services, services_file, SERVICE_COLUMNS)
        listings.write_table(figures, figures_file, FIGURE_COLUMNS)
        report_file = listings_dir / "import_report.md"
        report_file.write_text(text, encoding="utf-8")
    return 0
