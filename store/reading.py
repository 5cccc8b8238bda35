"""Read an uploaded table as French offices produce it, exactly or not at all (no Streamlit).

Accepted: CSV in UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252, separated
by ``;``, ``,`` or tab; XLSX (its one visible sheet with data, :mod:`store.reading_xlsx`);
the JSON export of :mod:`store.exports` (:mod:`store.reading_json`). Every value is read as
text, exactly as written (a formula cell ``=A1`` stays the text ``=A1``: it is neutralised
when exported, never run); blank rows are skipped wherever they are, never the rows after
them. Refused with a French message naming the line, the column and the value:

* a file over :data:`MAX_BYTES`, more than :data:`MAX_ROWS` data rows, a value over
  :data:`MAX_CELL` characters (an Excel cell's own limit);
* binary content, ``.xls`` (OLE), unreadable bytes, text already mis-decoded once ("HÃ©nin",
  "Lâ€™Escale": mixed encodings), and in a file read as Windows-1252 the marks of another
  encoding (Mac Roman "HŽnin", Shift-JIS): never stored garbled;
* a CSV quote never closed, or one that swallows whole rows into a single value;
* an unsafe or damaged XLSX, several sheets with data, a phone typed as a number;
* JSON nested too deep, with a huge number, a key given twice or a list or object as a value.

``csv.field_size_limit`` is raised to :data:`MAX_BYTES` once, at import, so that a long value
is refused by :data:`MAX_CELL` with its line and column rather than by the csv module.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from store import reading_json, reading_xlsx

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL = 32_767
MAX_UNZIPPED = reading_xlsx.MAX_UNZIPPED
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: cp1252 readings of bytes 0x80-0xBF: what follows a lead byte of UTF-8 read as cp1252.
_TRAIL = "\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc" \
         "\u0192\u20ac\u2122"
_MOJIBAKE = re.compile(f"[ÃÂ][{_TRAIL}]|â€[{_TRAIL}]|Å[’“]")
#: In text read as Windows-1252: characters French never uses, or not there (Mac Roman é → Ž,
#: à → ˆ, ô → ™; Shift-JIS lead bytes → ‚ ƒ ‹ “ –…).
_FOREIGN = re.compile("[‚ƒˆ‰Š‹Ž˜š›ž†‡]|(?<=[^\\W\\d_])[™”“•„](?=[^\\W\\d_])"
                      "|[“”‘’–—•…™Œœ][áãåìíñòóõøúýþðßÁÃÅÌÍÑÒÓÕØÚÝÞÐ{}\\[\\]|\\\\^`~@]")
csv.field_size_limit(MAX_BYTES + 1)


@dataclass
class Upload:
    """An uploaded table: rows as text with their file ``line``; problems in French."""

    name: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    headers: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = ""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _binary(upload: Upload) -> None:
    upload.errors.append(f"{upload.name} : fichier binaire ou illisible (octets nuls) ; "
                         "enregistrer le tableau en CSV (UTF-8) ou en XLSX")


def _decode(upload: Upload, raw: bytes) -> str | None:
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _binary(upload)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        upload.encoding = "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        upload.encoding = "utf-8-sig"
    else:
        upload.encoding = "utf-8"
    try:
        text = raw.decode(upload.encoding)
    except UnicodeDecodeError as err:
        if upload.encoding != "utf-8":
            return _unreadable(upload, raw, err, upload.encoding)
        try:
            text, upload.encoding = raw.decode("cp1252"), "cp1252"
            upload.notes.append("Fichier lu en Windows-1252 (il n'est pas en UTF-8).")
        except UnicodeDecodeError as err2:
            return _unreadable(upload, raw, err2, "UTF-8 ou Windows-1252")
    if "\x00" in text:
        return _binary(upload)
    return text


def _unreadable(upload: Upload, raw: bytes, err: UnicodeDecodeError, expected: str) -> None:
    line = raw[: err.start].count(b"\n") + 1
    begin = raw.rfind(b"\n", 0, err.start) + 1
    words = re.findall(rb"\S+", raw[begin: raw.find(b"\n", err.start) % (len(raw) + 1)])
    word = next((w for w in words if raw.find(w, begin) <= err.start < raw.find(w, begin)
                 + len(w)), raw[err.start: err.start + 1])
    shown = word[:40].decode("utf-8", errors="replace")
    upload.errors.append(f"{upload.name}, ligne {line} : octets illisibles (position "
                         f"{err.start - begin + 1}, « {shown} ») ; le fichier doit être encodé "
                         f"en {expected}")


def _separator(header: str) -> str:
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (";", "\t", ",")}
    return max(counts, key=lambda sep: counts[sep])  # ties: the order above wins


def _word(text: str, start: int) -> str:
    begin = max(text.rfind(c, 0, start) for c in " \n\t") + 1
    ends = [i for i in (text.find(c, start) for c in " \n\t") if i >= 0]
    return text[begin: min(ends, default=len(text))][:40]


def _cell_problem(upload: Upload, value: str) -> str | None:
    if len(value) > MAX_CELL:
        return (f"valeur de {len(value):,} caractères (« {value[:30]}… ») ; au plus "
                f"{MAX_CELL:,} (limite d'une cellule Excel)").replace(",", "\u202f")
    bad = _MOJIBAKE.search(value)
    if bad:
        return (f"texte mal encodé « {_word(value, bad.start())} » (converti deux fois, ou "
                "encodages mélangés ?) ; repartir du fichier d'origine")
    bad = _FOREIGN.search(value) if upload.encoding == "cp1252" else None
    if bad:
        return (f"texte mal encodé « {_word(value, bad.start())} » : le fichier n'est ni en "
                "UTF-8 ni en Windows-1252 (Mac Roman ? Shift-JIS ?) ; l'enregistrer en CSV "
                "UTF-8")
    return None


def _check_cells(upload: Upload, line: int, values: list[str], headers: list[str]) -> bool:
    """Refuse the first value too long or mis-decoded, naming line, column and value."""
    joined = "\x1f".join(values)
    if len(joined) <= MAX_CELL and not _MOJIBAKE.search(joined) and not (
            upload.encoding == "cp1252" and _FOREIGN.search(joined)):
        return True
    for position, value in enumerate(values):
        problem = _cell_problem(upload, value)
        if problem:
            name = headers[position] if position < len(headers) and headers[position] \
                else f"n° {position + 1}"
            upload.errors.append(f"Ligne {line}, colonne « {name[:60]} » : {problem}")
            return False
    return True


def _from_records(upload: Upload, header: list[str], records: list[tuple[int, list[str]]]) -> None:
    upload.headers = [h.strip() for h in header]
    width = len(upload.headers)
    if not _check_cells(upload, 1, upload.headers, [""] * width):
        return
    if not any(upload.headers):
        upload.errors.append(f"{upload.name}, ligne 1 : en-tête vide")
        return
    rows = []
    for line, values in records:
        values = [v.strip() for v in values]
        if not any(values):
            continue
        if not _check_cells(upload, line, values, upload.headers):
            return
        if len(values) > width and any(values[width:]):
            upload.errors.append(
                f"Ligne {line} : {len(values)} valeurs pour {width} colonnes (valeur en trop "
                f"« {next(v for v in values[width:] if v)[:40]} » ; séparateur ou virgule "
                "décimale non protégée ?)")
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


def _open_quote(line_text: str, sep: str) -> int | None:
    """Index of the field whose quote is still open at the end of ``line_text``."""
    field_index, quoted, at_start = 0, False, True
    for char in line_text:
        if quoted:
            quoted = char != '"'
        elif char == '"' and at_start:
            quoted = True
        elif char == sep:
            field_index += 1
            at_start = True
            continue
        at_start = False
    return field_index if quoted else None


def _csv_error(upload: Upload, text: str, start: int, sep: str, header: list[str],
               err: csv.Error) -> None:
    line_text = text.splitlines()[start - 1] if start <= len(text.splitlines()) else ""
    column = _open_quote(line_text, sep)
    if "unexpected end of data" in str(err) and column is not None:
        name = header[column].strip() if column < len(header) else f"n° {column + 1}"
        value = line_text.split(sep)[column] if column < len(line_text.split(sep)) else ""
        upload.errors.append(f"Ligne {start}, colonne « {name[:60]} » : guillemet ouvert jamais "
                             f"fermé (« {value[:40]} ») ; toute la suite du fichier serait lue "
                             "comme une seule valeur")
    else:
        upload.errors.append(f"Ligne {start} : guillemets mal placés (« {line_text[:60]} ») ; "
                             "un guillemet dans une valeur doit être doublé")


def _swallowed(upload: Upload, line: int, values: list[str], sep: str,
               header: list[str]) -> bool:
    """True (and refused) when a quoted value holds whole rows of the table."""
    for position, value in enumerate(values):
        if "\n" in value and len(header) > 1 and any(
                part.count(sep) >= len(header) - 1 for part in value.splitlines()[1:]):
            name = header[position].strip() if position < len(header) else f"n° {position + 1}"
            upload.errors.append(f"Ligne {line}, colonne « {name[:60]} » : valeur sur "
                                 f"{value.count(chr(10)) + 1} lignes qui contient des lignes "
                                 f"entières du tableau (« {value[:40]}… ») ; guillemet non "
                                 "fermé ?")
            return True
    return False


def _read_csv(upload: Upload, text: str) -> None:
    sep = _separator(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    header, records, start, filled = [], [], 1, 0
    try:
        header = next(reader, [])
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):  # blank rows are skipped, not counted
                if _swallowed(upload, start, values, sep, header):
                    return
                records.append((start, values))
                filled += 1
                if filled > MAX_ROWS:
                    break
            start = reader.line_num + 1
    except csv.Error as err:
        return _csv_error(upload, text, start, sep, header, err)
    _from_records(upload, header, records)


def _read_xlsx(upload: Upload, raw: bytes) -> None:
    problem = reading_xlsx.unzip_problem(raw)
    if problem:
        upload.errors.append(f"{upload.name} : {problem}")
        return
    errors: list[str] = []
    sheet = reading_xlsx.read_sheet(raw, errors, upload.notes, MAX_ROWS)
    upload.errors.extend(e if e.startswith("Ligne") else f"{upload.name} : {e}" for e in errors)
    if sheet is not None and not errors:
        header, records = sheet
        while header and not header[-1]:
            header.pop()
        _from_records(upload, header, records)


def _read_json(upload: Upload, text: str) -> None:
    errors: list[str] = []
    read = reading_json.read_items(text, errors)
    upload.errors.extend(e if e.startswith("Ligne") else f"{upload.name}, {e}"
                         if e.startswith("ligne") else f"{upload.name} : {e}" for e in errors)
    if read is None:
        return
    from store.exports import from_datainclusion

    items, lines = read
    table = from_datainclusion(items)
    _from_records(upload, list(table.columns), list(zip(lines, table.values.tolist(),
                                                        strict=True)))


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
