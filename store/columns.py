"""Column names as offices write them, mapped to the fields of the listings.

Three layouts are recognised: the seed-extraction format of :mod:`geo.importer`
(``INPUT_COLUMNS``, imported through it unchanged), the ``services.csv`` columns, and
common French headers ("Nom", "Commune", "Code postal", "Téléphone"…), as well as the
data·inclusion names of the JSON export. Headers are compared without case, accents or
punctuation (:func:`geo.geocode.normalise`).
"""

from __future__ import annotations

from geo.geocode import normalise
from geo.importer import INPUT_COLUMNS
from geo.schema import SERVICE_COLUMNS

#: Field → other names it may be written under (the field's own name is always accepted).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("identifiant", "id service", "code service"),
    "dep": ("departement", "code departement", "dept_code", "dept"),
    "category": ("categorie", "type", "type de service", "type de structure"),
    "subcategory": ("sous categorie", "presentation_resume", "description", "precisions"),
    "name": ("nom", "nom du service", "nom de la structure", "libelle", "intitule"),
    "operator": ("operateur", "structure", "porteur", "organisme", "gestionnaire du service"),
    "place": ("lieu", "lieu d accueil", "site"),
    "address": ("adresse", "adresse postale", "rue"),
    "postcode": ("code postal", "cp", "code_postal"),
    "insee": ("code insee", "code_insee", "code commune", "insee commune"),
    "commune": ("ville", "localite", "commune du lieu"),
    "lat": ("latitude",),
    "lon": ("longitude", "lng"),
    "precision": ("precision du point",),
    "host_id": ("lieu d accueil id",),
    "catchment": ("zone desservie codes", "codes territoire"),
    "territory_served": ("territoire", "territoire desservi", "zone d intervention"),
    "remote": ("a distance",),
    "confidentiality": ("confidentialite",),
    "capacity": ("capacite", "nombre de places", "places"),
    "capacity_unit": ("unite", "unite de capacite"),
    "schedule": ("horaires", "recurrence", "jours et horaires"),
    "phone": ("telephone", "tel", "numero de telephone"),
    "website": ("site web", "site_web", "site internet", "lien"),
    "audience": ("public", "public accueilli", "publics"),
    "status": ("statut", "etat"),
    "source_document": ("source", "document source"),
    "source_line": ("ligne source",),
    "source_year": ("annee", "annee source", "year", "periode"),
    "last_checked": ("derniere verification", "date de verification", "verifie le", "date_maj",
                     "mise a jour", "date de mise a jour"),
    "notes": ("remarques", "commentaire", "commentaires", "observations"),
}
FIELDS = (*SERVICE_COLUMNS, "commune", "territory_served")
#: Fields a file must have (``name``; a place: one of the place fields).
PLACE_FIELDS = ("insee", "commune", "postcode", "catchment", "territory_served")

_LOOKUP = {normalise(field): field for field in FIELDS}
_LOOKUP |= {normalise(alias): field for field, names in ALIASES.items() for alias in names}


def field_of(header: str) -> str | None:
    """The field a header names, or ``None``.

    >>> field_of("Code postal"), field_of("TÉLÉPHONE"), field_of("Nom"), field_of("Âge")
    ('postcode', 'phone', 'name', None)
    """
    return _LOOKUP.get(normalise(header))


def is_seed_format(headers: list[str]) -> bool:
    """True when every column of the seed-extraction format is present (exact names)."""
    return set(INPUT_COLUMNS) <= set(headers)


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[str], list[str]]:
    """Map column positions to fields; return (mapping, errors, notes), French messages.

    Examples
    --------
    >>> mapping, errors, notes = map_headers(["Nom", "Commune", "Âge", "nom"])
    >>> mapping, notes
    ({0: 'name', 1: 'commune'}, ['Colonne 3 « Âge » inconnue : ignorée'])
    >>> errors[0]
    'Ligne 1 : les colonnes 1 « Nom » et 4 « nom » désignent toutes deux « name »'
    >>> errors[1]
    'Ligne 1 : colonne obligatoire absente : « Catégorie » ; colonnes non reconnues : « Âge »'
    """
    mapping, errors, notes, seen = {}, [], [], {}
    for position, header in enumerate(headers):
        field = field_of(header)
        if not header:
            notes.append(f"Colonne {position + 1} sans en-tête : ignorée")
        elif field is None:
            notes.append(f"Colonne {position + 1} « {header} » inconnue : ignorée")
        elif field in seen:
            first = seen[field]
            errors.append(f"Ligne 1 : les colonnes {first + 1} « {headers[first]} » et "
                          f"{position + 1} « {header} » désignent toutes deux « {field} »")
        else:
            seen[field] = position
            mapping[position] = field
    fields = set(mapping.values())
    unknown = [h for h in headers if h and field_of(h) is None]
    hint = (" ; colonnes non reconnues : " + ", ".join(f"« {h} »" for h in unknown[:10])
            if unknown else "")
    if "name" not in fields:
        errors.append("Ligne 1 : colonne obligatoire absente : « Nom » (nom du service)" + hint)
    if not fields & set(PLACE_FIELDS):
        errors.append("Ligne 1 : aucune colonne de lieu : il faut « Commune », « Code INSEE », "
                      "« Code postal » ou « Territoire desservi »" + hint)
    if "category" not in fields:
        errors.append("Ligne 1 : colonne obligatoire absente : « Catégorie »" + hint)
    return mapping, errors, notes
