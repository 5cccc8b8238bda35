"""Read an uploaded table as French offices produce it, safely (no Streamlit).

Accepted: CSV in UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252, separated
by ``;``, ``,`` or tab; XLSX (first sheet); the JSON export of :mod:`store.exports`.
Every value is read as text, exactly as written (a formula cell ``=A1`` stays the text
``=A1``: it is neutralised when exported, never run). Refused with a French message:

* a file over :data:`MAX_BYTES` or with more than :data:`MAX_ROWS` data rows;
* binary content, ``.xls`` (OLE), unreadable bytes (line and byte position given), text
  that was already mis-decoded once ("HÃ©nin");
* an XLSX whose members would inflate beyond :data:`MAX_UNZIPPED` (zip bomb) or which
  declares a DTD or entities (XML bomb): checked on the zip directory and raw XML before
  openpyxl opens anything; openpyxl itself parses through ``defusedxml``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNZIPPED = 50 * 1024 * 1024
MAX_MEMBERS = 1_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d]")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class Upload:
    """An uploaded table: rows as text with their file ``line``; problems in French."""

    name: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    headers: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _decode(upload: Upload, raw: bytes) -> str | None:
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        upload.errors.append(f"{upload.name} : fichier binaire ou illisible (octets nuls) ; "
                             "enregistrer le tableau en CSV (UTF-8) ou en XLSX")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        if encoding != "utf-8":
            return _unreadable(upload, raw, err, encoding)
        try:
            text = raw.decode("cp1252")
            upload.notes.append("Fichier lu en Windows-1252 (il n'est pas en UTF-8).")
        except UnicodeDecodeError as err2:
            return _unreadable(upload, raw, err2, "UTF-8 ou Windows-1252")
    if "\x00" in text:
        upload.errors.append(f"{upload.name} : fichier binaire ou illisible (octets nuls) ; "
                             "enregistrer le tableau en CSV (UTF-8) ou en XLSX")
        return None
    return text


def _unreadable(upload: Upload, raw: bytes, err: UnicodeDecodeError, expected: str) -> None:
    line = raw[: err.start].count(b"\n") + 1
    column = err.start - raw.rfind(b"\n", 0, err.start)
    upload.errors.append(f"{upload.name}, ligne {line} : octets illisibles (position {column}) ; "
                         f"le fichier doit être encodé en {expected}")
    return None


def _separator(header: str) -> str:
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (";", "\t", ",")}
    return max(counts, key=lambda sep: counts[sep])  # ties: the order above wins


def _from_records(upload: Upload, header: list[str], records: list[tuple[int, list[str]]]) -> None:
    upload.headers = [h.strip() for h in header]
    width = len(upload.headers)
    if not any(upload.headers):
        upload.errors.append(f"{upload.name}, ligne 1 : en-tête vide")
        return
    rows = []
    for line, values in records:
        values = [v.strip() for v in values]
        if not any(values):
            continue
        if len(values) > width and any(values[width:]):
            upload.errors.append(
                f"Ligne {line} : {len(values)} valeurs pour {width} colonnes (valeur en trop "
                f"« {next(v for v in values[width:] if v)} » ; séparateur ou virgule décimale "
                "non protégée ?)")
            continue
        rows.append([*values[:width], *[""] * (width - len(values)), line])
        if len(rows) > MAX_ROWS:
            upload.errors.append(f"{upload.name} : plus de {MAX_ROWS:,} lignes de données ; "
                                 "découper le fichier (au plus 20 000 lignes par import)"
                                 .replace(",", "\u202f"))
            return
    if not rows and not upload.errors:
        upload.errors.append(f"{upload.name} : aucune ligne de données (en-tête seul)")
        return
    names = [f"\x00{i}" for i in range(width)]  # positions: headers may repeat
    upload.rows = pd.DataFrame(rows, columns=[*names, "line"], dtype=object)


def _read_csv(upload: Upload, text: str) -> None:
    for number, line_text in enumerate(text.splitlines(), start=1):
        bad = _MOJIBAKE.search(line_text)
        if bad:
            word = re.search(r"\S*" + re.escape(bad.group()) + r"\S*", line_text).group()
            upload.errors.append(f"Ligne {number} : texte mal encodé « {word[:40]} » (converti "
                                 "deux fois ?) ; repartir du fichier d'origine")
            return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text.split("\n")[0]))
    header = next(reader, [])
    records, start = [], reader.line_num + 1
    try:
        for values in reader:
            records.append((start, values))
            start = reader.line_num + 1
            if len(records) > MAX_ROWS * 2:
                break
    except csv.Error as err:
        upload.errors.append(f"Ligne {start} : ligne CSV illisible ({err})")
        return
    _from_records(upload, header, records)


def _cell(value: object) -> str:
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


def _xlsx_is_safe(upload: Upload, raw: bytes) -> bool:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as err:
        upload.errors.append(f"{upload.name} : fichier XLSX illisible ({err})")
        return False
    inflated = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or inflated > MAX_UNZIPPED:
        upload.errors.append(f"{upload.name} : classeur XLSX qui se décompresse en {_mb(inflated)} "
                             f"({len(members)} parties) ; au plus {_mb(MAX_UNZIPPED)} : refusé "
                             "(bombe de décompression ?)")
        return False
    with archive:
        for member in members:
            if member.filename.endswith((".xml", ".rels")) and _DTD.search(archive.read(member)):
                upload.errors.append(f"{upload.name} : partie « {member.filename} » avec une "
                                     "déclaration DOCTYPE/ENTITY (bombe XML ?) : refusé")
                return False
    return True


def _read_xlsx(upload: Upload, raw: bytes) -> None:
    if not _xlsx_is_safe(upload, raw):
        return
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows, ())]
        records = []
        for line, values in enumerate(rows, start=2):
            records.append((line, [_cell(v) for v in values]))
            if len(records) > MAX_ROWS * 2:
                break
        book.close()
    except Exception as err:  # untrusted file: any parser failure is a refusal  # noqa: BLE001
        upload.errors.append(f"{upload.name} : fichier XLSX illisible "
                             f"({err.__class__.__name__} : {str(err)[:120]})")
        return
    while header and not header[-1]:
        header.pop()
    _from_records(upload, header, records)


def _read_json(upload: Upload, text: str) -> None:
    try:
        content = json.loads(text)
    except json.JSONDecodeError as err:
        upload.errors.append(f"{upload.name}, ligne {err.lineno} : JSON illisible ({err.msg})")
        return
    from store.exports import from_datainclusion

    items = content.get("services") if isinstance(content, dict) else content
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        upload.errors.append(f"{upload.name} : JSON sans liste « services » d'objets")
        return
    table = from_datainclusion(items)
    _from_records(upload, list(table.columns),
                  [(n, row) for n, row in enumerate(table.values.tolist(), start=1)])


def read_upload(name: str, raw: bytes) -> Upload:
    """Read an uploaded CSV, XLSX or JSON file into text rows, or say why not (French).

    Examples
    --------
    >>> up = read_upload("x.csv", "Nom;Commune\\nCIDFF;Vichy\\n".encode("cp1252"))
    >>> up.headers, up.rows.iloc[0].tolist(), up.errors
    (['Nom', 'Commune'], ['CIDFF', 'Vichy', 2], [])
    >>> read_upload("x.csv", b"").errors
    ['x.csv : fichier vide']
    """
    upload = Upload(name)
    if len(raw) > MAX_BYTES:
        upload.errors.append(f"{name} : fichier de {_mb(len(raw))}, au-delà de la limite de "
                             f"{_mb(MAX_BYTES)} ; le découper en plusieurs fichiers")
    elif not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        upload.errors.append(f"{name} : fichier vide")
    elif raw.startswith(b"PK\x03\x04"):
        _read_xlsx(upload, raw)
    elif raw.startswith(_OLE):
        upload.errors.append(f"{name} : ancien format Excel (.xls) non pris en charge ; "
                             "l'enregistrer en .xlsx ou en CSV")
    else:
        text = _decode(upload, raw)
        if text is not None and text.lstrip().startswith(("{", "[")):
            _read_json(upload, text)
        elif text is not None:
            _read_csv(upload, text)
    return upload
