"""Exports of the whole dataset: CSV, XLSX and data·inclusion-style JSON (no Streamlit).

CSV and XLSX are those of :mod:`components.exports` (pure pandas: French Excel CSV with
``;``, decimal comma and BOM; every cell starting with ``= + - @``, tab or CR neutralised by
an apostrophe), over :func:`store.services.read_services`. The importer reads them back to
the same data (it removes the neutralising apostrophe).

JSON follows the field names of the data·inclusion "services" schema where a field of the
listings maps onto one; the other fields keep their listings name. Mapping:

==================  ==========================  ========================================
listings            data·inclusion              note
==================  ==========================  ========================================
``id``              ``id``
``name``            ``nom``
``subcategory``     ``presentation_resume``     short description as written
``address``         ``adresse``
``postcode``        ``code_postal``
``insee``           ``code_insee``
``lat``, ``lon``    ``latitude``, ``longitude`` numbers (WGS84) or null
``phone``           ``telephone``
``website``         ``site_web``                a *structure* field in data·inclusion
``schedule``        ``recurrence``              free text ("horaires")
``source_document`` ``source``
``last_checked``    ``date_maj``                ISO date or null
==================  ==========================  ========================================

Not mapped (kept under their own names): ``dep``, ``category``, ``operator``, ``place``,
``precision``, ``host_id``, ``catchment``, ``remote`` (boolean), ``confidentiality``,
``capacity`` (number or null), ``capacity_unit``, ``audience``, ``status``,
``source_line``, ``source_year``, ``notes``. data·inclusion has no field for
confidentiality or for catchment codes; ``courriel`` is absent because the listings hold
no e-mail address. Exports are made for the role that asks: below gestionnaire they are
built on the role's view (secret places anonymous).
"""

from __future__ import annotations

import json
import math

import pandas as pd

from geo.schema import SERVICE_COLUMNS

DATAINCLUSION = {"id": "id", "name": "nom", "subcategory": "presentation_resume",
                 "address": "adresse", "postcode": "code_postal", "insee": "code_insee",
                 "lat": "latitude", "lon": "longitude", "phone": "telephone",
                 "website": "site_web", "schedule": "recurrence",
                 "source_document": "source", "last_checked": "date_maj"}
_BACK = {v: k for k, v in DATAINCLUSION.items()}


def _json_value(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def to_datainclusion(services: pd.DataFrame) -> list[dict]:
    """Typed services (``read_services`` shape) as data·inclusion-named objects.

    >>> s = pd.DataFrame({"id": ["a"], "name": ["CIDFF"], "lat": [46.5], "remote": [False]})
    >>> to_datainclusion(s)
    [{'id': 'a', 'nom': 'CIDFF', 'latitude': 46.5, 'remote': False}]
    """
    out = []
    for record in services.to_dict("records"):
        item = {DATAINCLUSION.get(k, k): _json_value(v) for k, v in record.items()}
        if item.get("date_maj") == "":
            item["date_maj"] = None
        out.append(item)
    return out


def to_json_bytes(services: pd.DataFrame) -> bytes:
    """The JSON export: ``{"schema": …, "services": [...]}``, UTF-8."""
    content = {"schema": "data·inclusion services (noms de champs) + champs Carto-VIF",
               "services": to_datainclusion(services[list(SERVICE_COLUMNS)])}
    return json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")


def _text(value: object, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and column in ("lat", "lon"):
        return f"{value:.6f}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def from_datainclusion(items: list[dict]) -> pd.DataFrame:
    """Objects of the JSON export back to a text table with the listings' column names.

    >>> from_datainclusion([{"nom": "CIDFF", "latitude": 46.5, "remote": False}]).iloc[0].tolist()
    ['CIDFF', '46.500000', 'false']
    """
    rows = [{_BACK.get(k, k): _text(v, _BACK.get(k, k)) for k, v in item.items()}
            for item in items]
    return pd.DataFrame(rows).fillna("").astype(str)
