"""Import a table into the database: map columns, check, geocode, preview, save all or nothing.

The checks and the geocoding are those of :mod:`geo.importer` (``check_row``,
``import_rows``: commune from its name or postcode, point from the host site, secret
places without any locating field), plus :mod:`store.checks` for the fields the seed
format does not have (INSEE code, coordinates, check date, confidentiality…).

:func:`preview` writes nothing: it says, for every row, whether it is *nouveau*,
*modifié* (which columns), *inchangé* or *en erreur* (French reason naming line, column
and value). :func:`apply` saves the previewed rows in one transaction, and only when no
row is in error: one problem anywhere and nothing is written. Rows of the database that
the file does not mention are left as they are (an import never deletes).

Identity (which stored service a row is), in this order, shown per row in the preview's
« Correspondance » column:

1. the row's explicit id (column « Identifiant »);
2. a row of the seed-extraction format keeps its ``{dep}-L{source line}-{n}`` id only when
   the stored service of that id has the same ``source_document`` and the same name
   (compared without case, accents or punctuation): a re-extraction of the same document;
3. a row without id matches the live service of the same département, the same commune
   (INSEE code; the same catchment codes for a service without commune) and the same
   name, when there is exactly one; never for a service created in the form
   (``match=False``): a twin is only named in a note;
4. otherwise the row gets a new id ``{dep}-G{8 hex digits}`` that no service, live,
   deleted or in the history, has ever had. The line of a row in the file never makes
   an id.

A change of confidentiality or of category of a stored service is listed apart
(:meth:`Preview.sensitive_table`) and :func:`apply` refuses it unless called with
``confirm_sensitive=True``.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from geo import hosts, importer
from geo.geocode import normalise
from geo.schema import CATEGORIES, FIELD_LABELS, SECRET_CATEGORIES, SERVICE_COLUMNS
from store import checks, columns, rowchecks
from store.db import history_table, reading, writing
from store.reading import Upload, read_upload
from store.services import StoreError, change, insert, raw_services

STATES = ("nouveau", "modifié", "inchangé", "erreur")
#: Changes of a stored service saved only with an explicit confirmation.
SENSITIVE = {"confidentiality": "confidentialité", "category": "catégorie"}
MATCHES = {"id": "identifiant du fichier", "seed": "extraction : même document, ligne et nom",
           "rule": "même département, même commune et même nom", "new": "nouvel identifiant"}
_SECRET_BLANK = ("place", "address", "postcode", "lat", "lon", "precision", "host_id", "phone",
                 "notes")
#: Placeholder territory that lets the importer accept a row already placed by the caller
#: (INSEE code, postcode or catchment codes): its result is replaced just after.
_PLACED = "national"


@dataclass
class Row:
    """One previewed row: its state, the service to save and the French problems."""

    line: int
    state: str
    service: dict = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    expected_version: int | None = None
    seed_id: str = ""
    match: str = ""
    sensitive: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """What an import would do; :attr:`ok` when it may be saved."""

    name: str
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file and every row are free of errors and something would change."""
        return not self.all_errors and any(r.state in ("nouveau", "modifié") for r in self.rows)

    @property
    def all_errors(self) -> list[str]:
        """File-level errors, then the errors of each row."""
        return self.errors + [e for r in self.rows for e in r.errors]

    def counts(self) -> dict[str, int]:
        """Rows per state (French labels)."""
        found = Counter(r.state for r in self.rows)
        return {s: found.get(s, 0) for s in STATES}

    def table(self) -> pd.DataFrame:
        """One line per row: line, state, id, how it was matched, name, changes or problems."""
        return pd.DataFrame(
            [{"Ligne": r.line, "État": r.state, "Identifiant": r.service.get("id", ""),
              "Correspondance": MATCHES.get(r.match, ""), "Nom": r.service.get("name", ""),
              "Détail": " ; ".join(r.errors)
              or ", ".join(FIELD_LABELS.get(c, c) for c in r.changed)} for r in self.rows],
            columns=["Ligne", "État", "Identifiant", "Correspondance", "Nom", "Détail"])

    @property
    def sensitive(self) -> list[Row]:
        """Rows that change the confidentiality or the category of a stored service."""
        return [r for r in self.rows if r.sensitive and not r.errors]

    def sensitive_table(self) -> pd.DataFrame:
        """The changes of confidentiality or category, apart: line, id, name, change (French)."""
        return pd.DataFrame(
            [{"Ligne": r.line, "Identifiant": r.service["id"], "Nom": r.service["name"],
              "Changement": " ; ".join(r.sensitive)} for r in self.sensitive],
            columns=["Ligne", "Identifiant", "Nom", "Changement"])


def _seed_row(values: dict) -> dict:
    """The row in the seed format, so that :func:`geo.importer.import_rows` can check it."""
    placed = values["insee"] or (values["catchment"] and not values["commune"]
                                 and not values["territory_served"])
    return {**{c: values.get(c, "") for c in importer.INPUT_COLUMNS},
            "dept_code": values["dep"], "dept_name": "", "year": values["source_year"],
            "commune": "" if values["insee"] else values["commune"],
            "territory_served": _PLACED if placed else values["territory_served"],
            "source_line": str(values["line"]), "source_quote": "", "line": values["line"]}


def _overlay(service: dict, values: dict, ref: importer.Reference) -> dict:
    """Keep what the file says (id, point, confidentiality…) over what the import derived.

    A commune given in the file gets the point of the host its text names
    (:func:`geo.hosts.find_named_host`: France services, mairie, commissariat, hospital…),
    exactly as ``python -m geo import-listings`` gives it.
    """
    given = {k: v for k, v in values.items() if k in SERVICE_COLUMNS and v != ""}
    service = {**service, "id": "", "source_line": values["source_line"],
               "capacity": checks.capacity_text(values["capacity"])}
    if values["insee"]:
        point = ref.communes.loc[values["insee"]]
        named = {"place": values["place"], "name": values.get("name", ""),
                 "subcategory": values.get("subcategory", ""), "category": service["category"],
                 "confidentiality": values.get("confidentiality") or service["confidentiality"]}
        host = hosts.find_named_host(named, values["insee"], layers=ref.layers,
                                     france_services=ref.france_services, communes=ref.communes,
                                     names=ref.commune_keys).host
        service.update(insee=values["insee"], precision=host.precision if host else "commune",
                       host_id=host.host_id if host else "",
                       lat=f"{host.lat if host else point.geometry.y:.6f}",
                       lon=f"{host.lon if host else point.geometry.x:.6f}")
    if service["catchment"] == _PLACED and values["catchment"] != _PLACED:
        service["catchment"] = ""
    for key in ("id", "lat", "lon", "precision", "host_id", "catchment", "remote", "website",
                "last_checked", "source_document", "confidentiality", "address", "postcode"):
        if key in given:
            service[key] = given[key]
    if service["category"] in SECRET_CATEGORIES or service["confidentiality"] == "secret":
        service.update(confidentiality="secret", **dict.fromkeys(_SECRET_BLANK, ""))
    return service


def _services_of(upload: Upload, mapping: dict, ref: importer.Reference) -> list[Row]:
    mapped, rows, seeds = rowchecks.Mapped(upload, mapping), {}, []
    for rec in mapped.records:
        values, problems = rowchecks.check_fields(rec, mapped, ref)
        problem = "" if problems else rowchecks.commune_of(values, mapped, ref)
        rows[rec["line"]] = Row(rec["line"], "erreur", {"name": values["name"]},
                                errors=[*problems, *([problem] if problem else [])])
        if not rows[rec["line"]].errors:
            seeds.append((values, _seed_row(values)))
    out, counters = importer.Outcome(), Counter()
    if seeds:
        frame = pd.DataFrame([s for _, s in seeds]).fillna("")
        importer.import_rows(frame, ref, {}, out, counters)
    for message in out.errors:
        line = int(re.match(r"Ligne (\d+)", message).group(1))
        for seed_name, field_name in (("dept_code", "dep"), ("territory_served",
                                                              "territory_served")):
            message = message.replace(f"« {seed_name} »", f"« {mapped.name(field_name)} »")
        rows[line].errors.append(re.sub(r"« (\w+) »", lambda m: f"« {mapped.name(m.group(1))} »"
                                        if m.group(1) in mapped.header else m.group(0), message))
    by_line = {int(s["id"].rsplit("-L", 1)[1].split("-")[0]): s for s in out.services}
    for values, _ in seeds:
        row = rows[values["line"]]
        if not row.errors and values["line"] in by_line:
            row.service = _overlay(by_line[values["line"]], values, ref)
            row.errors.extend(rowchecks.place_agrees(values, row.service["insee"], mapped, ref))
        elif not row.errors:
            row.errors.append(f"Ligne {values['line']} : chiffre territorial, pas un service "
                              f"(catégorie « {values['category']} »)")
    return list(rows.values())


def _seed_services(upload: Upload, ref: importer.Reference) -> list[Row]:
    """A file in the seed format goes through the importer unchanged (corrections included)."""
    table = upload.rows.rename(columns={f"\x00{i}": h for i, h in enumerate(upload.headers)})
    corrections, documents = importer._read_sources(importer.SOURCES)
    table, errors, _ = importer.apply_corrections(table, corrections, upload.name)
    out, counters, rows = importer.Outcome(errors=errors), Counter(), {}
    importer.import_rows(table, ref, documents, out, counters)
    replay, records = Counter(), {}
    for record in table.to_dict("records"):
        records[record["line"]] = record
        row = rows[record["line"]] = Row(record["line"], "erreur", {"name": record["name"]},
                                         errors=rowchecks.seed_fields(record))
        if not importer.check_row(pd.Series(record), ref.dep_codes):
            replay[(record["dept_code"], record["source_line"])] += 1
            row.service = {"id": f"{record['dept_code']}-L{record['source_line']}-"
                                 f"{replay[(record['dept_code'], record['source_line'])]}"}
    found = {s["id"]: s for s in out.services}
    for row in rows.values():
        if row.service.get("id") in found:
            row.seed_id = row.service["id"]
            row.service = {**found[row.seed_id], "id": ""}
            given = {"line": row.line, "postcode": records[row.line]["postcode"], "lat": "",
                     "lon": ""}
            row.errors.extend(rowchecks.place_agrees(given, row.service["insee"],
                                                     rowchecks.SEED_HEADERS, ref))
        elif row.service.get("id") in {f["id"] for f in out.figures}:
            row.state, row.service["name"] = "ignoré", row.service["id"]
    for message in out.errors:
        line = re.match(r"Ligne (\d+)", message)
        target = rows[int(line.group(1))].errors if line and int(line.group(1)) in rows else None
        (target if target is not None else upload.errors).append(message)
    return [r for r in rows.values() if r.state != "ignoré"]


def _new_id(dep: str, taken: set[str], made: set[str]) -> str:
    """A fresh ``{dep}-G{8 hex}`` id in neither ``taken`` nor ``made`` (then added to it)."""
    while True:
        sid = f"{dep}-G{uuid.uuid4().hex[:8]}"
        if sid not in taken and sid not in made:
            made.add(sid)
            return sid


def _history_ids(engine: sa.Engine) -> set[str]:
    with reading(engine) as conn:
        return set(conn.execute(sa.select(history_table.c.service_id).distinct()).scalars())


def _key(dep: str, insee: str, catchment: str, name: str) -> tuple[str, str, str]:
    return (dep, insee or f"zone:{catchment}", normalise(name))


def _identify(rows: list[Row], existing: pd.DataFrame, taken: set[str], match: bool,
              notes: list[str]) -> None:
    """Give every row its id by the rules of the module docstring (explicit, seed, rule, new)."""
    stored = existing.set_index("id", drop=False).to_dict("index")
    live = existing[~existing["deleted"].astype(bool)]
    keys: dict[tuple, list[str]] = {}
    for sid, dep, insee, catchment, name in zip(live["id"], live["dep"], live["insee"],
                                                live["catchment"], live["name"], strict=True):
        keys.setdefault(_key(dep, insee, catchment, name), []).append(sid)
    made: set[str] = set()
    for row in rows:
        s = row.service
        if row.errors:
            continue
        if s.get("id"):
            row.match = "id"
            continue
        old = stored.get(row.seed_id)
        if (old is not None and old["source_document"] == s.get("source_document", "")
                and normalise(old["name"]) == normalise(s["name"])):
            s["id"], row.match = row.seed_id, "seed"
            continue
        same = keys.get(_key(s["dep"], s["insee"], s["catchment"], s["name"]), [])
        if match and len(same) == 1:
            s["id"], row.match = same[0], "rule"
            continue
        if same:
            notes.append(f"Ligne {row.line} : un service du même nom existe déjà dans cette "
                         f"commune ({', '.join(same)}) ; la ligne crée un nouveau service.")
        s["id"], row.match = _new_id(s["dep"], taken, made), "new"


def _label(column: str, code: str) -> str:
    """The French label of a confidentiality or category code."""
    if column == "category" and code in CATEGORIES:
        return CATEGORIES[code].label.lower()
    return code.replace("_", " ") or "(vide)"


def _compare(rows: list[Row], existing: pd.DataFrame) -> None:
    stored = existing.set_index("id", drop=False).to_dict("index")
    seen: dict[str, int] = {}
    for row in rows:
        if row.errors:
            continue
        sid = row.service["id"]
        if sid in seen:
            row.errors.append(f"Ligne {row.line}, colonne « id » : « {sid} » identifiant en "
                              f"double (déjà ligne {seen[sid]})")
            continue
        seen[sid] = row.line
        row.service = {c: str(row.service.get(c, "")) for c in SERVICE_COLUMNS}
        old = stored.get(sid)
        if old is None:
            row.state = "nouveau"
            continue
        row.expected_version = int(old["version"])
        row.changed = [c for c in SERVICE_COLUMNS if str(old[c]) != row.service[c]]
        row.sensitive = [f"{label} : {_label(c, str(old[c]))} → {_label(c, row.service[c])}"
                         for c, label in SENSITIVE.items() if c in row.changed]
        if bool(old["deleted"]):
            row.changed.append("deleted")
        row.state = "modifié" if row.changed else "inchangé"


def preview(engine: sa.Engine, name: str, raw: bytes,
            ref: importer.Reference | None = None) -> Preview:
    """Read, check and compare an uploaded file with the database; write nothing.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    name : str
        File name, quoted in messages.
    raw : bytes
        The file's content (CSV, XLSX or JSON export).
    ref : geo.importer.Reference, optional
        Territorial data (default: :meth:`geo.importer.Reference.load`).
    """
    return preview_upload(engine, read_upload(name, raw), ref)


def preview_records(engine: sa.Engine, records: list[dict],
                    ref: importer.Reference | None = None, match: bool = True) -> Preview:
    """Like :func:`preview`, for rows typed in a form (field name → text), line 2 onwards.

    ``match=False`` (a "nouveau service" of the form): a row without id is always a new
    service, never matched by commune and name.
    """
    headers = list(dict.fromkeys(k for r in records for k in r))
    rows = pd.DataFrame([[str(r.get(h, "")) for h in headers] + [n]
                         for n, r in enumerate(records, start=2)],
                        columns=[*[f"\x00{i}" for i in range(len(headers))], "line"], dtype=object)
    return preview_upload(engine, Upload("formulaire", rows, headers), ref, match)


def preview_upload(engine: sa.Engine, upload: Upload,
                   ref: importer.Reference | None = None, match: bool = True) -> Preview:
    """Check and compare rows already read (:func:`store.reading.read_upload`).

    ``match`` : whether a row without id may match a stored service by commune and name.
    """
    name = upload.name
    result = Preview(name, errors=upload.errors, notes=upload.notes)
    if upload.errors:
        return result
    ref = ref or importer.Reference.load()
    if columns.is_seed_format(upload.headers):
        result.notes.append("Format des extractions (geo.importer) reconnu.")
        result.rows = _seed_services(upload, ref)
    else:
        mapping, errors, notes = columns.map_headers(upload.headers)
        result.errors.extend(errors)
        result.notes.extend(notes)
        if errors:
            return result
        result.rows = _services_of(upload, mapping, ref)
    existing = raw_services(engine, include_deleted=True)
    taken = set(existing["id"]) | _history_ids(engine)
    _identify(result.rows, existing, taken, match, result.notes)
    _compare(result.rows, existing)
    return result


def apply(engine: sa.Engine, result: Preview, user: str,
          confirm_sensitive: bool = False) -> dict[str, int]:
    """Save the new and changed rows of a preview in one transaction; return the counts.

    Raises :class:`store.services.StoreError` (nothing saved) when the preview has errors,
    or changes the confidentiality or category of a stored service
    (:attr:`Preview.sensitive`) without ``confirm_sensitive``, and
    :class:`store.services.ConflictError` when a row changed since the preview.
    """
    if result.all_errors:
        raise StoreError(f"Import refusé : {len(result.all_errors)} erreur(s) ; rien n'a été "
                         "enregistré. Corriger le fichier puis le recharger.")
    if result.sensitive and not confirm_sensitive:
        raise StoreError(f"Import refusé : {len(result.sensitive)} service(s) changent de "
                         "confidentialité ou de catégorie ; rien n'a été enregistré. Vérifier "
                         "ces changements puis les confirmer explicitement.")
    with writing(engine) as conn:
        for row in result.rows:
            if row.state == "nouveau":
                insert(conn, row.service, user)
            elif row.state == "modifié":
                values = {c: row.service[c] for c in row.changed if c != "deleted"}
                if "deleted" in row.changed:
                    values["deleted"] = "false"
                change(conn, row.service["id"], values, row.expected_version, user,
                       "restore" if "deleted" in row.changed else "update")
    return result.counts()
