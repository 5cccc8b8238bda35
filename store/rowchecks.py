"""Checks of one imported row, field by field, before the importer sees it (no Streamlit).

The row is read under the file's own headers (:class:`Mapped` keeps each field's header, so
that messages name the column as the office wrote it); :func:`check_fields` runs the checks
of :mod:`store.checks` (length caps first, then formats); :func:`commune_of` fills the
commune and département from the INSEE code, the postcode or the commune name
(:class:`geo.geocode.CommuneGeocoder`); :func:`place_agrees` checks, once the commune is
known, that the postcode and the point given belong to it; :func:`seed_fields` runs the
caps and the phone check on a row of the seed-extraction format.
"""

from __future__ import annotations

import re

from geo import importer
from store import checks, columns
from store.reading import Upload


def where(line: int, header: str, value: str) -> str:
    """Start of a French error message naming the row, the column and the value."""
    return f"Ligne {line}, colonne « {header} » : « {checks.quoted(value, 80)} »"


class Mapped:
    """The rows of an upload with one value per field, and each field's header."""

    def __init__(self, upload: Upload, mapping: dict[int, str]) -> None:
        self.header = {f: upload.headers[p] for p, f in mapping.items()}
        self.records = [
            {**{f: str(values[f"\x00{p}"]) for p, f in mapping.items()}, "line": values["line"]}
            for values in upload.rows.to_dict("records")]

    def name(self, field_name: str) -> str:
        return self.header.get(field_name, field_name)


class _SeedHeaders:
    """The seed-extraction format: each field under its own name (``postcode``…)."""

    @staticmethod
    def name(field_name: str) -> str:
        return field_name


SEED_HEADERS = _SeedHeaders()


def unquote(value: str) -> str:
    """Undo the export's formula neutralisation: ``'=A1`` → ``=A1``."""
    return value[1:] if value.startswith("'") and value[1:2] in ("=", "+", "-", "@") else value


def check_fields(rec: dict, mapped: Mapped, ref: importer.Reference) -> tuple[dict, list[str]]:
    """Normalise and check the fields :func:`geo.importer.check_row` does not know."""
    values = {f: unquote(rec.get(f, "")) for f in columns.FIELDS} | {"line": rec["line"]}
    problems, line = [], rec["line"]
    known = frozenset(ref.communes.index)
    too_long = set()
    for name in columns.FIELDS:
        problem = checks.length(name, values[name])
        if problem:
            too_long.add(name)
            problems.append(f"{where(line, mapped.name(name), values[name])} {problem}")

    def run(field_name: str, check) -> None:  # noqa: ANN001
        if field_name in rec and values[field_name] != "" and field_name not in too_long:
            value, problem = check(values[field_name])
            if problem:
                problems.append(f"{where(line, mapped.name(field_name), values[field_name])} "
                                f"{problem}")
            values[field_name] = value

    run("id", checks.identifier)
    run("phone", checks.phone)
    run("website", checks.website)
    run("category", checks.category)
    values["status"], problem = checks.status(values["status"])
    if problem:
        problems.append(f"{where(line, mapped.name('status'), values['status'])} {problem}")
    run("insee", lambda v: checks.insee(v, known))
    run("postcode", checks.postcode)
    run("confidentiality", checks.confidentiality)
    run("remote", checks.boolean)
    run("last_checked", checks.checked_on)
    run("catchment", checks.catchment)
    if re.fullmatch(r"\d", values["dep"]):
        problems.append(f"{where(line, mapped.name('dep'), values['dep'])} zéro initial "
                        f"perdu ? (« 0{values['dep']} »)")
    if values["source_line"] and not re.fullmatch(r"[1-9]\d*", values["source_line"]):
        problems.append(f"{where(line, mapped.name('source_line'), values['source_line'])} "
                        "doit être un numéro de ligne (entier > 0)")
    lat, lon, problem = checks.coordinates(values["lat"], values["lon"])
    if problem:
        problems.append(f"Ligne {line}, colonnes « {mapped.name('lat')} » et "
                        f"« {mapped.name('lon')} » : « {values['lat']} ; {values['lon']} » "
                        f"{problem}")
    values["lat"], values["lon"] = lat, lon
    return values, problems


def seed_fields(record: dict) -> list[str]:
    """Caps and phone check of a seed-format row (its own column names), French problems."""
    problems = []
    for name, value in record.items():
        problem = checks.length(name, value) if isinstance(value, str) else ""
        if problem:
            problems.append(f"{where(record['line'], name, value)} {problem}")
    if not problems and record.get("phone"):
        problem = checks.phone(record["phone"])[1]
        if problem:
            problems.append(f"{where(record['line'], 'phone', record['phone'])} {problem}")
    return problems


_POSTCODES: dict[int, frozenset[str]] = {}


def _known_postcodes(ref: importer.Reference) -> frozenset[str]:
    key = id(ref.communes)
    if key not in _POSTCODES:
        _POSTCODES.clear()
        _POSTCODES[key] = frozenset(c for codes in ref.communes["postcodes"]
                                    for c in codes.split(";") if c)
    return _POSTCODES[key]


def place_agrees(values: dict, insee: str, mapped: Mapped | _SeedHeaders,
                 ref: importer.Reference) -> list[str]:
    """Problems when the postcode or the point given is not that of the commune ``insee``."""
    if not insee or insee not in ref.communes.index:
        return []
    commune, problems, line = ref.communes.loc[insee], [], values["line"]
    if values["postcode"]:
        problem = checks.postcode_of_commune(values["postcode"], commune["postcodes"],
                                             commune["dep"], commune["nom"],
                                             _known_postcodes(ref))
        if problem:
            problems.append(f"{where(line, mapped.name('postcode'), values['postcode'])} "
                            f"{problem}")
    if values["lat"] and values["lon"]:
        problem = checks.point_of_commune(
            float(values["lat"]), float(values["lon"]), commune.geometry.y, commune.geometry.x,
            commune.get("area_km2"), commune["nom"])
        if problem:
            problems.append(f"Ligne {line}, colonnes « {mapped.name('lat')} » et "
                            f"« {mapped.name('lon')} » : « {values['lat']} ; {values['lon']} » "
                            f"{problem}")
    return problems


def commune_of(values: dict, mapped: Mapped, ref: importer.Reference) -> str:
    """Fill ``insee`` (and ``dep``) from the postcode or the commune; return a problem."""
    if not values["insee"] and not values["commune"] and values["postcode"]:
        found = ref.communes[ref.communes["postcodes"].str.split(";").map(
            lambda codes: values["postcode"] in codes)]
        if values["dep"]:
            found = found[found["dep"] == values["dep"]]
        if len(found) != 1:
            return (f"{where(values['line'], mapped.name('postcode'), values['postcode'])} "
                    f"correspond à {len(found)} communes : indiquer la commune")
        values["insee"] = str(found.index[0])
    if not values["dep"] and values["insee"]:
        values["dep"] = str(ref.communes.loc[values["insee"], "dep"])
    if not values["dep"] and values["commune"]:
        match = ref.geocoder.resolve(values["commune"], values["postcode"] or None, None)
        if not match.ok:
            detail = f" : {', '.join(match.candidates)}" if match.candidates else ""
            return (f"{where(values['line'], mapped.name('commune'), values['commune'])} "
                    f"{match.reason}{detail}")
        values["dep"] = match.dep
    if not values["dep"] and values["catchment"].startswith("dep:"):
        values["dep"] = values["catchment"].split(";")[0][4:]
    if not values["dep"]:
        return (f"{where(values['line'], mapped.name('dep'), '')} département absent et "
                "impossible à déduire de la commune")
    return ""
