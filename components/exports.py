"""CSV and XLSX exports that French Excel opens, safe from formula injection (no Streamlit).

Every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with an apostrophe (OWASP "CSV injection"), so that a spreadsheet shows it as text
instead of running it. Numbers stay numbers.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a dangerous text cell with ``'``; leave anything else unchanged.

    >>> neutralise_cell("=HYPERLINK(1)"), neutralise_cell("-2"), neutralise_cell(-2)
    ("'=HYPERLINK(1)", "'-2", -2)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``table`` with every dangerous text cell (and header) neutralised.

    >>> neutralise(pd.DataFrame({"@a": ["+1", "ok"]})).to_dict("list")
    {"'@a": ["'+1", 'ok']}
    """
    out = table.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    return out


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV for French Excel: UTF-8 with BOM, ``;`` separator, decimal comma.

    >>> to_csv_bytes(pd.DataFrame({"a": ["=1"], "b": [1.5]}))
    b"\\xef\\xbb\\xbfa;b\\r\\n'=1;1,5\\r\\n"
    """
    text = neutralise(table).to_csv(sep=";", index=False, decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx_bytes(table: pd.DataFrame, sheet: str = "Données") -> bytes:
    """An XLSX workbook with one sheet (openpyxl), dangerous cells neutralised.

    >>> to_xlsx_bytes(pd.DataFrame({"a": [1]}))[:2]
    b'PK'
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise(table).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
