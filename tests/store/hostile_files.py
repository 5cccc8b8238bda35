"""Builders of hostile import files, made in code (no binary fixture).

Shared by the hostile corpus (through the whole import, with database checksums) and the
reading tests (:func:`store.reading.read_upload` alone).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile

import openpyxl

HEADER = ["Nom", "Catégorie", "Commune", "Code postal", "Téléphone", "Horaires", "Statut"]
GOOD = ["Permanence juridique CIDFF", "permanence", "Vichy", "03200", "04 70 00 00 00",
        "le mardi 9h-12h", "en service"]


def csv_bytes(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8",
              header: list[str] = HEADER) -> bytes:
    """A CSV file as an office would write it (no quoting unless needed)."""
    def cell(value: str) -> str:
        quoted = '"' + value.replace('"', '""') + '"'
        return quoted if sep in value or '"' in value or "\n" in value else value
    lines = [sep.join(cell(v) for v in row) for row in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def with_cell(column: str, value: str, rows: int = 1) -> bytes:
    """The good row with one cell replaced (on the last of ``rows`` rows)."""
    row = list(GOOD)
    row[HEADER.index(column)] = value
    return csv_bytes([GOOD] * (rows - 1) + [row])


def workbook(*sheets: tuple[str, list[list[object]]], hidden: tuple[str, ...] = (),
             formats: dict[str, str] | None = None) -> bytes:
    """An XLSX with the given sheets (title, rows); ``formats``: cell → number format."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for coordinate, number_format in (formats or {}).items():
            sheet[coordinate].number_format = number_format
    for title in hidden:
        book[title].sheet_state = "hidden"
    book.active = next(i for i, s in enumerate(book.worksheets) if s.title not in hidden)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    return workbook(("Feuil1", [header, *rows]))


def rezip(raw: bytes, change: dict[str, bytes] | None = None,
          method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same zip with some members replaced, every member compressed by ``method``."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, (change or {}).get(item.filename,
                                                               source.read(item)))
    return out.getvalue()


def patch_headers(raw: bytes, member: str, method: int | None = None, flags: int = 0,
                  file_size: int | None = None) -> bytes:
    """Rewrite one member's local and central headers: method, extra flag bits, size."""
    data = bytearray(raw)
    name = member.encode()
    for signature, method_at, flag_at, size_at, length_at, name_at in (
            (b"PK\x03\x04", 8, 6, 22, 26, 30), (b"PK\x01\x02", 10, 8, 24, 28, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            length = struct.unpack_from("<H", data, start + length_at)[0]
            if data[start + name_at: start + name_at + length] == name:
                if method is not None:
                    struct.pack_into("<H", data, start + method_at, method)
                old = struct.unpack_from("<H", data, start + flag_at)[0]
                struct.pack_into("<H", data, start + flag_at, old | flags)
                if file_size is not None:
                    struct.pack_into("<I", data, start + size_at, file_size)
            start += 4
    return bytes(data)


SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(raw: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(raw)).read(SHEET)


def bad_crc() -> bytes:
    """A stored (uncompressed) XLSX with one byte of the sheet changed after the CRC."""
    raw = rezip(xlsx_bytes([GOOD]), method=zipfile.ZIP_STORED)
    assert b"Vichy" in raw
    return raw.replace(b"Vichy", b"Vichz", 1)


def lying_sizes() -> bytes:
    """A sheet of 60 MB deflated to about 60 kB whose headers declare 2 kB."""
    raw = xlsx_bytes([GOOD])
    xml = sheet_xml(raw).replace(b"</sheetData>", b"</sheetData>" + b" " * 60_000_000)
    return patch_headers(rezip(raw, {SHEET: xml}), SHEET, file_size=2_000)


def nested_json(depth: int) -> bytes:
    return (b'{"services": [' + b"[" * depth + b"]" * depth + b"]}")


def json_services(*items: str) -> bytes:
    """A JSON export written by hand: each item is the text of one object."""
    return ('{"schema": "x",\n "services": [\n' + ",\n".join(items) + "\n]}").encode()


GOOD_JSON = json.dumps({"nom": GOOD[0], "categorie": "permanence", "commune": "Vichy"},
                       ensure_ascii=False)
