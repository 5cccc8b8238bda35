"""Read the one data sheet of an uploaded XLSX workbook, safely and exactly (no Streamlit).

Before openpyxl sees the file, every member of the zip is decompressed as a stream with a
hard cap on the bytes actually produced (:data:`MAX_UNZIPPED`, whatever sizes the zip
declares), which also verifies each CRC; a member that is encrypted, compressed by an
unsupported method or damaged, and any DTD or entity declaration (XML bomb), refuse the
file in French. The cells are then read from the sheet's own XML rows (not the declared
dimension, which may lie): no row or column is dropped, a row or cell given twice is
refused. The workbook must have one visible sheet with data; a hidden sheet is never read
in its place. A number in a phone column is refused (its leading 0 is lost) unless its
cell format shows the digits as typed (``0# ## ## ## ##``), which is then what is read.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from datetime import date, datetime, time

from store.columns import field_of

MAX_UNZIPPED = 50 * 1024 * 1024
MAX_MEMBERS = 1_000
MAX_COLUMNS = 200
_CHUNK = 64 * 1024
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIGIT_FORMAT = re.compile(r'^(?:[0#]|[ .\-/]|\\.|"[^"]*")+$')
_LOG = logging.getLogger(__name__)
_UNREADABLE = ("classeur XLSX illisible : sa structure interne est invalide (ce n'est pas un "
               "classeur Excel, ou il est endommagé) ; l'ouvrir dans Excel ou LibreOffice et "
               "l'enregistrer à nouveau en .xlsx")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _member_problem(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> tuple[
        str | None, int]:
    """Decompress one member within ``budget`` bytes: (French problem or None, bytes read)."""
    name = f"partie « {member.filename[:80]} »"
    if member.flag_bits & 0x1:
        return f"{name} chiffrée (protégée par un mot de passe) ; enregistrer le classeur " \
               "sans mot de passe", 0
    read, head = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                read += len(chunk)
                if read > budget:
                    return None, read
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    if _DTD.search(head[-16:] + chunk):
                        return f"{name} avec une déclaration DOCTYPE/ENTITY (bombe XML ?) : " \
                               "refusé", read
                    head = chunk
    except NotImplementedError:
        return f"{name} compressée par une méthode non prise en charge ; l'enregistrer à nouveau " \
               "depuis Excel ou LibreOffice", read
    except RuntimeError:
        return f"{name} chiffrée (protégée par un mot de passe)", read
    except zipfile.BadZipFile as err:
        what = "somme de contrôle (CRC) fausse" if "CRC" in str(err) else "en-tête incohérent"
        return f"{name} endommagée ({what}) ; le fichier a été abîmé en route", read
    except (zlib.error, EOFError, OSError, ValueError):
        return f"{name} endommagée (données compressées illisibles ou tronquées)", read
    return None, read


def unzip_problem(raw: bytes) -> str | None:
    """Why an XLSX may not be opened (French), or ``None``: members streamed with a hard cap.

    >>> unzip_problem(b"PK\\x03\\x04 cut")[:45]
    "fichier XLSX illisible : ce n'est pas une arc"
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return "fichier XLSX illisible : ce n'est pas une archive ZIP valide (tronquée ou " \
               "endommagée) ; l'enregistrer à nouveau en .xlsx"
    declared = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or declared > MAX_UNZIPPED:
        return (f"classeur XLSX qui se décompresse en {_mb(declared)} ({len(members)} parties) ;"
                f" au plus {_mb(MAX_UNZIPPED)} : refusé (bombe de décompression ?)")
    total = 0
    with archive:
        for member in members:
            problem, read = _member_problem(archive, member, MAX_UNZIPPED - total)
            total += read
            if total > MAX_UNZIPPED:
                return (f"classeur XLSX qui se décompresse au-delà de {_mb(MAX_UNZIPPED)} "
                        f"(tailles annoncées : {_mb(declared)}) : refusé (bombe de "
                        "décompression ?)")
            if problem:
                return problem
    return None


def shown_number(value: int | float, number_format: str) -> str | None:
    """The digits of an integer as its cell format shows them, or ``None`` if not a digit format.

    >>> shown_number(470000000, '0# ## ## ## ##'), shown_number(3200, "00000")
    ('04 70 00 00 00', '03200')
    >>> shown_number(470000000, "General") is None
    True
    """
    if not _DIGIT_FORMAT.match(number_format or "") or "0" not in number_format:
        return None
    digits = str(int(value))
    parts = re.findall(r'[0#]|\\.|"[^"]*"|.', number_format)
    out = []
    for part in reversed(parts):
        if part in "0#" and digits:
            out.append(digits[-1])
            digits = digits[:-1]
        elif part in "0#":
            out.append("0" if part == "0" else "")
        else:
            out.append(part.strip('"').removeprefix("\\"))
    return digits + "".join(reversed(out))


def cell_text(value: object) -> str:
    """A cell's value as text, as a person reads it.

    >>> cell_text(46.5), cell_text(3.0), cell_text(datetime(2025, 1, 2)), cell_text(True)
    ('46.5', '3', '2025-01-02', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _sheet_cells(sheet: object, errors: list[str], max_rows: int) -> dict[int, dict[int, object]]:
    """Row → column → cell, from the sheet's XML rows (the declared size is ignored).

    Stops after ``max_rows + 2`` rows with data: the caller refuses such a file.
    """
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    cells: dict[int, dict[int, object]] = {}
    with sheet._get_source() as source:  # noqa: SLF001  (openpyxl's own read-only path)
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=False,  # noqa: SLF001
                                 epoch=book.epoch, date_formats=book._date_formats,  # noqa: SLF001
                                 timedelta_formats=book._timedelta_formats)  # noqa: SLF001
        for _, row in parser.parse():
            if len(cells) > max_rows + 1:
                break
            for cell in row:
                if cell["value"] is None or cell["value"] == "":
                    continue
                line, column = cell["row"], cell["column"]
                if column > MAX_COLUMNS:
                    errors.append(f"Ligne {line}, colonne {column} : valeur « "
                                  f"{cell_text(cell['value'])[:40]} » au-delà de la colonne "
                                  f"{MAX_COLUMNS} : refusé")
                    return {}
                if column in cells.setdefault(line, {}):
                    errors.append(f"Ligne {line}, colonne {column} : deux valeurs pour la même "
                                  "cellule (fichier modifié hors d'Excel ?) : refusé")
                    return {}
                cells[line][column] = ReadOnlyCell(sheet, line, column, cell["value"],
                                                   cell["data_type"], cell["style_id"])
    return cells


def _records(cells: dict[int, dict[int, object]], errors: list[str]) -> tuple[
        list[str], list[tuple[int, list[str]]]]:
    width = max((max(row) for row in cells.values()), default=0)
    header_cells = cells.get(1, {})
    header = [cell_text(header_cells[c].value) if c in header_cells else ""
              for c in range(1, width + 1)]
    phones = {c + 1 for c, h in enumerate(header) if field_of(h) == "phone"}
    records = []
    for line in sorted(k for k in cells if k > 1):
        values = [""] * width
        for column, cell in cells[line].items():
            value = cell.value
            values[column - 1] = cell_text(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                shown = (shown_number(value, cell.number_format)
                         if float(value).is_integer() and value >= 0 else None)
                if shown is not None:
                    values[column - 1] = shown
                elif column in phones:
                    errors.append(f"Ligne {line}, colonne « {header[column - 1]} » : « "
                                  f"{values[column - 1]} » saisi comme un nombre : le zéro "
                                  "initial est perdu ; mettre la colonne au format Texte et "
                                  "ressaisir le numéro")
        records.append((line, values))
    return header, records


def read_sheet(raw: bytes, errors: list[str], notes: list[str], max_rows: int) -> tuple[
        list[str], list[tuple[int, list[str]]]] | None:
    """Header and (line, values) of the workbook's one visible data sheet; French problems.

    ``raw`` must have passed :func:`unzip_problem`. More than ``max_rows`` rows with data are
    left to the caller to refuse (one more is returned).
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False,
                                      keep_links=False)
        try:
            filled = []
            for sheet in book.worksheets:
                cells = _sheet_cells(sheet, errors, max_rows)
                if errors:
                    return None
                if cells:
                    filled.append((sheet.title, sheet.sheet_state == "visible", cells))
        finally:
            book.close()
    except Exception:  # untrusted file: any parser failure is a refusal  # noqa: BLE001
        _LOG.warning("XLSX illisible", exc_info=True)
        errors.append(_UNREADABLE)
        return None
    visible = [f for f in filled if f[1]]
    hidden = ", ".join(f"« {f[0]} »" for f in filled if not f[1])
    if len(visible) > 1:
        errors.append("le classeur a plusieurs feuilles remplies : "
                      + ", ".join(f"« {f[0]} »" for f in visible)
                      + " ; n'en garder qu'une (une feuille par import)")
        return None
    if not visible:
        errors.append(f"seules des feuilles masquées contiennent des données ({hidden}) ; "
                      "afficher la feuille à importer" if hidden
                      else "classeur sans aucune feuille remplie")
        return None
    if hidden:
        notes.append(f"Feuille masquée {hidden} ignorée.")
    if len(book.worksheets) > 1:
        notes.append(f"Feuille « {visible[0][0]} » lue.")
    header, records = _records(visible[0][2], errors)
    return header, records[: max_rows + 1]
