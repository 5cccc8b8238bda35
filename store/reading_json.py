"""Read the JSON export of :mod:`store.exports` back, exactly or not at all (no Streamlit).

A scan of the text comes first: nesting deeper than :data:`MAX_DEPTH`, a number longer than
:data:`MAX_DIGITS` characters or a key given twice in one object is refused with its line and
column, before :func:`json.loads` (which would recurse, choke on a 5,000-digit integer or keep
the last duplicate) ever runs. Its own errors are given in French with line and column. Every
service must be an object of simple values (text, number, true/false, null): a list or an
object in a field is refused, never stored as its Python text. Each row keeps the line of the
file where its object starts.
"""

from __future__ import annotations

import json
import re

MAX_DEPTH = 20
MAX_DIGITS = 40
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]]|-?[\d.][\d.eE+\-]*')
_COLON = re.compile(r"\s*:")
_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
    "Unterminated string starting at": "texte entre guillemets jamais fermé",
    "Invalid control character at": "caractère de contrôle (retour à la ligne, tabulation) "
                                    "dans un texte",
    "Invalid \\escape": "séquence « \\ » invalide",
    "Invalid \\uXXXX escape": "séquence « \\u » invalide",
    "Extra data": "contenu après la fin des données",
    "Illegal trailing comma before end of object": "virgule en trop avant « } »",
    "Illegal trailing comma before end of array": "virgule en trop avant « ] »",
}


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"ligne {line}, colonne {pos - text.rfind(chr(10), 0, pos)}"


def _scan(text: str) -> tuple[str | None, list[int]]:
    """(first structural problem in French, or None; line of each service object)."""
    stack: list[list] = []  # [bracket, keys seen, key of this container]
    items, line, last = [], 1, 0
    for match in _TOKEN.finditer(text):
        token, pos = match.group(), match.start()
        first = token[0]
        if first == '"':
            if stack and stack[-1][0] == "{" and _COLON.match(text, match.end()):
                try:
                    key = json.loads(token)
                except ValueError:
                    continue
                if key in stack[-1][1]:
                    return f"{_where(text, pos)} : champ « {key[:60]} » donné deux fois dans " \
                           "le même objet", items
                stack[-1][1].add(key)
                stack[-1][2] = key
        elif first in "{[":
            if len(stack) >= MAX_DEPTH:
                return f"{_where(text, pos)} : données imbriquées sur plus de {MAX_DEPTH} " \
                       "niveaux : refusé", items
            parent = stack[-1] if stack else None
            line, last = line + text.count("\n", last, pos), pos
            if first == "{" and (
                    (len(stack) == 1 and parent[0] == "[")
                    or (len(stack) == 2 and stack[0][0] == "{" and parent[0] == "["
                        and parent[2] == "services")):
                items.append(line)
            key = parent[2] if parent and parent[0] == "{" else None
            stack.append([first, set(), key])
        elif first in "}]":
            if stack:
                stack.pop()
        elif len(token) > MAX_DIGITS:
            return f"{_where(text, pos)} : nombre de {len(token):,} caractères « " \
                   f"{token[:20]}… » : refusé".replace(",", "\u202f"), items
    return None, items


def read_items(text: str, errors: list[str]) -> tuple[list[dict], list[int]] | None:
    """The service objects of a JSON text and the line each starts on; French problems.

    Examples
    --------
    >>> errors = []
    >>> read_items('{"services": [\\n {"nom": "CIDFF"}]}', errors), errors
    (([{'nom': 'CIDFF'}], [2]), [])
    >>> read_items('{"services": [{"nom": "a", "nom": "b"}]}', errors), errors
    (None, ['ligne 1, colonne 28 : champ « nom » donné deux fois dans le même objet'])
    """
    problem, lines = _scan(text)
    if problem:
        errors.append(problem)
        return None
    try:
        content = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        reason = next((fr for en, fr in _MESSAGES.items() if err.msg.startswith(en)),
                      "syntaxe invalide")
        errors.append(f"ligne {err.lineno}, colonne {err.colno} : JSON illisible ({reason})")
        return None
    except (ValueError, RecursionError):
        errors.append("JSON illisible (valeur invalide : NaN, Infinity ou nombre démesuré)")
        return None
    items = content.get("services") if isinstance(content, dict) else content
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        errors.append("JSON sans liste « services » d'objets")
        return None
    if len(lines) != len(items):
        lines = list(range(1, len(items) + 1))
    for line, item in zip(lines, items, strict=True):
        for key, value in item.items():
            if isinstance(value, dict | list):
                errors.append(f"Ligne {line}, champ « {key[:60]} » : valeur composée « "
                              f"{json.dumps(value, ensure_ascii=False)[:60]} » (liste ou "
                              "objet) ; une valeur simple est attendue")
            elif key in ("telephone", "phone") and isinstance(value, int | float) \
                    and not isinstance(value, bool):
                errors.append(f"Ligne {line}, champ « {key} » : « {value} » écrit comme un "
                              "nombre (zéro initial perdu ?) ; l'écrire entre guillemets")
    return None if errors else (items, lines)


def _no_constant(name: str) -> None:
    raise ValueError(name)
