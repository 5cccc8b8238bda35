"""The vocabulary of the project: categories, column names and file locations.

Everything that names a column or a category lives here, once. The service
schema itself is documented for humans in ``data/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
PROCESSED = DATA / "processed"
DISPLAY = PROCESSED / "display"
LISTINGS = DATA / "listings"

# Processed territorial files (written by ``python -m geo prepare``).
COMMUNES_FILE = PROCESSED / "communes.parquet"
UNITS_FILE = PROCESSED / "units.parquet"
ARRONDISSEMENTS_FILE = PROCESSED / "arrondissements.parquet"
EPCI_FILE = PROCESSED / "epci.parquet"
DEPARTEMENTS_FILE = PROCESSED / "departements.parquet"
FRANCE_SERVICES_FILE = PROCESSED / "france_services.parquet"
COMMUNE_NAMES_FILE = PROCESSED / "commune_names.parquet"
SOURCES_FILE = PROCESSED / "sources.json"

# Listings (written by ``python -m geo import-listings``).
SERVICES_FILE = LISTINGS / "services.csv"
FIGURES_FILE = LISTINGS / "figures.csv"


@dataclass(frozen=True)
class Category:
    """One category of the closed list: code, French label, map colour, plural label."""

    code: str
    label: str
    colour: str
    plural: str


#: The closed list of service categories, in display order.
CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("permanence", "Permanence", "#1f77b4", "Permanences"),
        Category("accueil_de_jour", "Accueil de jour", "#d62728", "Accueils de jour"),
        Category("hebergement", "Hébergement", "#8c564b", "Hébergements"),
        Category("iscg", "ISCG (intervenant social)", "#9467bd", "ISCG"),
        Category("leao", "LEAO (lieu d'écoute)", "#e377c2", "LEAO"),
        Category("association", "Association", "#2ca02c", "Associations"),
        Category("sante", "Santé", "#17becf", "Santé"),
        Category("justice", "Justice", "#7f7f7f", "Justice"),
        Category("forces_securite", "Forces de sécurité", "#393b79", "Forces de sécurité"),
        Category("auteurs", "Auteurs de violences", "#bcbd22", "Auteurs"),
        Category("dispositif_mobile", "Dispositif mobile", "#ff7f0e", "Dispositifs mobiles"),
        Category("ligne_ecoute", "Ligne d'écoute", "#aec7e8", "Lignes d'écoute"),
        Category("logement", "Logement", "#c49c94", "Logement"),
        Category("institution", "Institution", "#c7c7c7", "Institutions"),
        Category("france_services", "France services", "#637939", "France services"),
    )
}

#: The two families of places the gap pages measure (issue 11 §3). Specialised: the services
#: that work on violence against women (the plans' permanences, accueils de jour, ISCG, LEAO,
#: associations — CIDFF and bureaux d'aide aux victimes among them); the maps' default.
SPECIALISED_CATEGORIES = ("permanence", "accueil_de_jour", "iscg", "leao", "association")
#: General places where a victim can be received or file a complaint: gendarmerie and police,
#: access to law and courts, hospitals, France services.
GENERAL_CATEGORIES = ("forces_securite", "justice", "sante", "france_services")
#: The family choices of the maps: code → (French label, categories).
PLACE_FAMILIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "specialises": ("Services spécialisés violences", SPECIALISED_CATEGORIES),
    "generaux": ("Lieux généraux (gendarmerie, police, justice, hôpitaux, France services)",
                 GENERAL_CATEGORIES),
    "les_deux": ("Les deux", SPECIALISED_CATEGORIES + GENERAL_CATEGORIES),
}

#: Categories that are never located by a point in anything the app serves.
SECRET_CATEGORIES = frozenset({"hebergement"})

CONFIDENTIALITY = ("public", "sur_orientation", "secret")
STATUSES = ("existing", "planned", "ended", "unknown")
STATUS_LABELS = {
    "existing": "en service",
    "planned": "en projet",
    "ended": "arrêté",
    "unknown": "statut inconnu",
}
PRECISIONS = ("adresse", "lieu_accueil", "mairie", "commune")
PRECISION_LABELS = {
    "adresse": "adresse",
    "lieu_accueil": "lieu d'accueil",
    "mairie": "mairie",
    "commune": "centre de la commune",
}

#: Columns of ``data/listings/services.csv``, in order.
SERVICE_COLUMNS = (
    "id",
    "dep",
    "category",
    "subcategory",
    "name",
    "operator",
    "place",
    "address",
    "postcode",
    "insee",
    "lat",
    "lon",
    "precision",
    "host_id",
    "catchment",
    "remote",
    "confidentiality",
    "capacity",
    "capacity_unit",
    "schedule",
    "phone",
    "website",
    "audience",
    "status",
    "source_document",
    "source_line",
    "source_year",
    "last_checked",
    "notes",
)

#: French label of each service column, as the Gestion page names it to a person.
FIELD_LABELS = {
    "id": "identifiant", "dep": "département", "category": "catégorie",
    "subcategory": "description courte", "name": "nom", "operator": "structure",
    "place": "lieu d'accueil", "address": "adresse", "postcode": "code postal",
    "insee": "code INSEE", "lat": "latitude", "lon": "longitude", "precision": "précision",
    "host_id": "lieu hôte", "catchment": "territoire desservi", "remote": "à distance",
    "confidentiality": "confidentialité", "capacity": "capacité", "capacity_unit": "unité",
    "schedule": "horaires", "phone": "téléphone", "website": "site web", "audience": "public",
    "status": "statut", "source_document": "document source", "source_line": "ligne source",
    "source_year": "année source", "last_checked": "dernière vérification", "notes": "notes",
    "deleted": "restauré",
}

#: Columns of ``data/listings/figures.csv`` (territorial figures without a place).
FIGURE_COLUMNS = (
    "id",
    "dep",
    "territory",
    "territory_label",
    "what",
    "value",
    "unit",
    "year",
    "category",
    "source_document",
    "source_line",
)

#: National numbers always listed apart in "Près de chez elle" (free, anonymous).
#: Source: service-public.fr and arretonslesviolences.gouv.fr, checked 2026-12-01.
NATIONAL_LINES = (
    ("3919", "Violences Femmes Info", "24 h/24, 7 j/7, gratuit et anonyme", "3919"),
    ("17", "Police secours – en cas de danger immédiat", "24 h/24", "17"),
    ("114", "Numéro d'urgence par SMS (personnes ne pouvant pas parler)", "24 h/24", "114"),
    ("116 006", "France Victimes – aide aux victimes", "7 j/7, 9 h – 19 h", "116006"),
    ("119", "Allô Enfance en danger", "24 h/24, 7 j/7", "119"),
)
