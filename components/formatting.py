"""French number formatting for display (no Streamlit import: testable alone)."""

from __future__ import annotations

import math

NARROW_NBSP = "\u202f"


def number(value: float | int | None, decimals: int = 0) -> str:
    """Format a number the French way: ``1 457 905``, ``12,5``; ``–`` when missing.

    >>> number(1457905), number(12.46, 1), number(None)
    ('1\\u202f457\\u202f905', '12,5', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def percent(part: float, whole: float, decimals: int = 1) -> str:
    """Format ``part / whole`` as a French percentage; ``–`` when ``whole`` is 0.

    >>> percent(1, 3), percent(1, 0)
    ('33,3\\u202f%', '–')
    """
    if not whole:
        return "–"
    return f"{number(100 * part / whole, decimals)}{NARROW_NBSP}%"


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:&=\"'")


def plain(value: object) -> str:
    """Return ``value`` as text that Streamlit's Markdown shows literally (no link, no image).

    Every text that comes from a user or a file and goes into ``st.markdown``, ``st.error``,
    ``st.caption``… passes through here: each Markdown or HTML character is backslash-escaped,
    line breaks become spaces and invisible control characters are dropped, so that
    ``![](//a.b)`` is shown as those characters and never loads anything.

    >>> plain("![x](//a.b) <b>")
    '\\\\!\\\\[x\\\\]\\\\(//a\\\\.b\\\\) \\\\<b\\\\>'
    >>> plain(None), plain("ligne 1\\nligne 2")
    ('', 'ligne 1 ligne 2')
    """
    if value is None:
        return ""
    out = []
    for char in str(value):
        if char in "\r\n\t":
            out.append(" ")
        elif ord(char) < 32 or 0x7F <= ord(char) < 0xA0:
            continue
        else:
            out.append("\\" + char if char in _MARKDOWN_SPECIAL else char)
    return "".join(out)


def origins_sentence(counts: list[tuple[int, str]], lead: str = "Lieux mesurés") -> str:
    """Say where the measured places come from: ``geo.national.origin_counts`` in French.

    >>> origins_sentence([(12, "des listings des plans départementaux"), (1457, "de FINESS")])
    'Lieux mesurés : 12 des listings des plans départementaux, 1\\u202f457 de FINESS.'
    >>> origins_sentence([])
    'Lieux mesurés : aucun lieu localisé.'
    """
    parts = [f"{number(n)} {label}" for n, label in counts]
    return f"{lead} : " + (", ".join(parts) if parts else "aucun lieu localisé") + "."
