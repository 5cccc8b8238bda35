"""Printable HTML of directory rows: one page per service, or the whole list (no Streamlit).

Every value is HTML-escaped; the file has no script and no external resource, so it opens
and prints offline ("Imprimer" in any browser).
"""

from __future__ import annotations

import html

import pandas as pd

FIELDS = {
    "category_label": "Type",
    "operator": "Opérateur",
    "commune": "Commune",
    "place": "Lieu",
    "address": "Adresse",
    "schedule": "Horaires (tels qu'écrits)",
    "next_session": "Prochaine séance",
    "phone": "Téléphone",
    "website": "Site",
    "audience": "Public",
    "presence_label": "Localisation",
    "source": "Source",
}

_STYLE = """
body { font-family: Liberation Sans, Arial, sans-serif; font-size: 11pt; color: #111; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin: 0.2em 0; }
.service { border-top: 1px solid #999; padding: 0.4em 0; break-inside: avoid; }
.page { break-after: page; }
dt { font-weight: bold; float: left; width: 11em; } dd { margin-left: 11.5em; }
@page { size: A4; margin: 15mm; }
"""


def _card(row: pd.Series, one_per_page: bool) -> str:
    items = "".join(
        f"<dt>{html.escape(label)}</dt><dd>{html.escape(str(row[key]))}</dd>"
        for key, label in FIELDS.items()
        if key in row and str(row[key]).strip() and str(row[key]) != "nan"
    )
    css = "service page" if one_per_page else "service"
    return f'<div class="{css}"><h2>{html.escape(str(row["name"]))}</h2><dl>{items}</dl></div>'


def directory_html(rows: pd.DataFrame, title: str, subtitle: str, one_per_page: bool) -> str:
    """Return a standalone printable HTML page of the directory rows.

    >>> rows = pd.DataFrame({"name": ["<b>CIDFF</b>"], "phone": ["03 21"]})
    >>> page = directory_html(rows, "Annuaire", "1 service", False)
    >>> "&lt;b&gt;CIDFF&lt;/b&gt;" in page and "<b>CIDFF" not in page and "<script" not in page
    True
    """
    cards = "".join(_card(row, one_per_page) for _, row in rows.iterrows())
    return (
        f"<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>{cards}</body></html>"
    )
