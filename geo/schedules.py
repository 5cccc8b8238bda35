"""Read the schedules written in French service listings as iCalendar recurrences.

A listing says "2e et 4e mardi 9h-12h", "du lundi au vendredi de 9h à 12h et de 14h à 17h",
"24h/24, 7j/7" or just "mensuel". :func:`parse_schedule` turns such a text into a
:class:`Schedule`: a tuple of :class:`Session` (an RFC 5545 RRULE, e.g.
``"FREQ=MONTHLY;BYDAY=2TU,4TU"``, plus start and end times), from which :func:`next_session`,
:func:`hours_per_month` and :func:`describe_next` derive what the app shows. The recurrence
arithmetic is done by ``dateutil.rrule``; this module only reads French.

It never guesses. The whole text must be understood, word by word, or the schedule stays
unparsed (``parsed=False``) with a French ``reason``: "fréquence sans jour précis" for
"hebdomadaire", "texte non reconnu : «…»" when a word is unknown, and so on.

Conventions (the ones a reader could not guess):

- "matin" means 9 h – 12 h and "après-midi" 14 h – 17 h, unless hours are written.
- Days without hours ("mardi et jeudi") are parsed: the dates are known, ``start`` and
  ``end`` are None, and :func:`hours_per_month` is None.
- Hours with no day at all ("de 09h00 à 22h00") mean every day. A "matin" or "après-midi"
  with no day ("sur rendez-vous l'après-midi") stays unparsed: it usually means "on the
  opening days", which the text does not give.
- "24h/24" alone, or with "7j/7", is ``always_open``; "24h/24" on some days only is unparsed.
- Ordinals make a monthly rule: "2e et 4e mardi" is ``FREQ=MONTHLY;BYDAY=2TU,4TU``,
  "dernier vendredi" is ``BYDAY=-1FR``.
- "lundi-vendredi" is a range; three days or more joined by dashes ("lundi - mardi -
  jeudi") are a list, since a range has two ends.
- "bi-hebdomadaire" is ambiguous in French (twice a week, or every two weeks): never parsed.
  "Une semaine sur deux" and "tous les 15 jours" are unparsed too (the reference week is
  unknown), as are closures and exceptions ("fermé", "sauf"), months, school holidays and
  dates: this module reads a plain weekly or monthly pattern, nothing else.
- Notes in parentheses ("hebdomadaire (L419)", "(as written)") are dropped, unless they hold
  schedule words ("jeudi matin (9h-12h)", "(fermé le mercredi)"), which are then read.
- ``on_appointment`` is True as soon as the text says "sur rendez-vous", even for part of the
  sessions only; the sessions, when any, are the slots in which appointments are given.
- Public holidays are ignored: "dernier vendredi" gives 25 December 2026.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from dateutil.rrule import rrulestr

#: The year over which :func:`hours_per_month` counts sessions: a whole, non-leap year.
REFERENCE_YEAR = 2027
#: Hours meant by "matin" and "après-midi" when none are written.
PERIODS = {
    "matin": (dt.time(9), dt.time(12)),
    "apres-midi": (dt.time(14), dt.time(17)),
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")
_DAY_CODE = dict(zip(DAY_NAMES, WEEKDAYS, strict=True))


@dataclass(frozen=True)
class Session:
    """One recurring session: an RFC 5545 RRULE and its hours (None when not written)."""

    rrule: str
    start: dt.time | None = None
    end: dt.time | None = None


@dataclass(frozen=True)
class Schedule:
    """A schedule as written (``text``) and what could be read from it."""

    text: str
    rules: tuple[Session, ...] = ()
    on_appointment: bool = False
    always_open: bool = False
    parsed: bool = False
    reason: str = ""


# --- Reading French -------------------------------------------------------------------------

_T = r"\d{1,2}\s*(?:h(?:eures?)?\s*(?:[0-5]\d)?|:\s*[0-5]\d)"  # 9h, 9 h 30, 09h00, 09:00
_RDV = r"(?:rendez[\s-]?vous|rdv)"
#: Token kinds and their patterns, tried in this order at each position of the folded text.
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("always_hours", r"\b24\s*h(?:eures?)?\s*(?:/|sur)?\s*24(?:\s*h(?:eures?)?)?\b|\bh\s*24\b"),
        ("always_days", r"\b7\s*j(?:ours?)?\s*(?:/|sur)\s*7(?:\s*j(?:ours?)?)?\b"),
        ("daily", r"\btous\s+les\s+jours\b|\bchaque\s+jour\b"),
        ("alternate", r"\b(?:un|une|1)\s+\w+\s+sur\s+(?:deux|2)\b|\bquinzaine\b"
                      r"|\btou(?:s|tes?)\s+les\s+(?:\d+|deux|trois|quatre|quinze)\s+(?:jours|semaines)\b"
                      r"|\b(?:semaines?\s+)?(?:paires?|impaires?|paries)\b|\b1/2\b"),
        ("source", r"\bl\d+\b"),  # a line of the source document: "(L419)"
        ("time_range", rf"\bentre\s+(?P<a>{_T})\s+et\s+(?P<b>{_T})"
                       rf"|(?:\bde\s+)?\b(?P<c>{_T}|\d{{1,2}})\s*(?:-|a|/|jusqu'a)\s*(?P<d>{_T})"),
        ("time", rf"(?:\b(?:a|des|de)\s+)?\b(?P<a>{_T})"),
        ("ordinal", r"\b(?:1\s*(?:er|ere|re)|premier|premiere|2\s*(?:e|eme|nd|nde)|deuxieme"
                    r"|second|seconde|3\s*(?:e|eme)|troisieme|4\s*(?:e|eme)|quatrieme"
                    r"|5\s*(?:e|eme)|cinquieme|dernier|derniere)s?\b"),
        ("day", rf"\b(?:{'|'.join(DAY_NAMES)})s?\b"),
        ("weekend", r"\bweek[\s-]?ends?\b"),
        ("period", r"\bmatin(?:s|ee|ees)?\b|\bapres[\s-]?midis?\b"),
        ("on_appointment", rf"\b(?:(?:uniquement|exclusivement|seulement)\s+)?sur\s+{_RDV}"
                           rf"(?:\s+(?:uniquement|seulement))?\b|\b{_RDV}\s+(?:uniquement|obligatoire)\b"),
        ("walk_in", rf"\bsans\s+{_RDV}\b"),
        ("on_request", r"\bsur\s+demande\b|\ba\s+la\s+demande\b"),
        ("closure", r"\bfermee?s?\b|\bfermeture\w*|\bsauf\b|\bexcept\w*|\bhors\b"),
        ("holiday", r"\bferies?\b"),
        ("season", r"\b(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre"
                   r"|novembre|decembre|vacances|ete|hiver)\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"),
        ("irregular", r"\birreguli\w*|\bvariables?\b|\bponctuel\w*"),
        ("vague", r"\b(?:toute\s+la\s+)?journees?\b|\bnuits?\b|\bsoir(?:s|ee|ees)?\b"),
        ("freq_other", r"\bbi[\s-]?hebdomadaires?\b|\bbi[\s-]?mensuel(?:le)?s?\b"
                       r"|\btrimestriel(?:le)?s?\b|\bannuel(?:le)?s?\b|\bchaque\s+annee\b"
                       r"|\bpar\s+an\b|\bquotidien(?:ne)?s?\b|\b(?:une|\d+)\s+fois\b"),
        ("freq_week", r"\bhebdomadaires?\b|\bpar\s+semaine\b|/\s*semaine\b|\bchaque\s+semaine\b"
                      r"|\btoutes\s+les\s+semaines\b"),
        ("freq_month", r"\bmensuel(?:le)?s?\b|\bpar\s+mois\b|/\s*mois\b|\btous\s+les\s+mois\b"),
        ("month_of", r"\b(?:du|de\s+chaque|chaque|de\s+tous\s+les)\s+mois\b"),
        ("range", r"-|\bau\b|\ba\b"),  # a range only between two days, else a filler
        ("sep", r"\bet\b|[^\w\s]"),
        ("filler", r"\b(?:le|les|la|l|du|de|des|d|en|aux|tous|toutes|chaque|permanences?"
                   r"|accueil|ouverte?s?|ouverture|horaires?|uniquement|public)\b"),
        ("word", r"\w+"),
    )
)
_ORDINALS = {"1": 1, "prem": 1, "2": 2, "deux": 2, "seco": 2, "3": 3, "troi": 3, "4": 4,
             "quat": 4, "5": 5, "cinq": 5, "dern": -1}
#: Words that say the schedule is outside what this module reads, with the French reason.
_FLAG_REASONS = {
    "closure": "fermetures ou exceptions non gérées",
    "holiday": "jours fériés non gérés",
    "season": "période de l'année non gérée (mois, vacances, dates)",
    "alternate": "périodicité sans semaine de référence (une semaine sur deux…)",
    "irregular": "horaire irrégulier",
    "on_request": "sur demande, sans horaire",
    "vague": "moment de la journée non précisé (journée, soir, nuit)",
}
_DAYISH = {"day", "ordinal", "daily", "always_days", "weekend"}
_TIMEISH = {"time_range", "time", "period"}
_FREQ = {"freq_week", "freq_month", "freq_other"}
_IGNORED = {"filler", "source", "walk_in", "on_appointment", "always_hours", "month_of"} | _FREQ
_NOTE = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class _Token:
    kind: str
    start: int
    end: int
    value: object = None


def _fold(text: str) -> str:
    """Lower case without accents, dashes and apostrophes unified; same length as ``text``."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0].lower()
        out.append(base if len(base) == 1 else char)
    return "".join(out).translate(str.maketrans("’‘´`–—‑‐\u00a0\u202f", "''''----  "))


def _time(text: str) -> dt.time | None:
    hour, minute = re.match(r"(\d{1,2})\D*(\d{2})?", text).groups()
    if int(hour) > 23:
        return None
    return dt.time(int(hour), int(minute or 0))


def _tokenize(folded: str) -> list[_Token]:
    tokens, pos = [], 0
    while pos < len(folded):
        if folded[pos].isspace():
            pos += 1
            continue
        kind, match = next((kind, m) for kind, pattern in _TOKENS
                           if (m := pattern.match(folded, pos)) and m.end() > pos)
        value = None
        if kind == "time_range":
            value = tuple(_time(t) for t in match.group("a", "b") if t) or tuple(
                _time(t) for t in match.group("c", "d"))
        elif kind == "time":
            value = (_time(match.group("a")), None)
        elif kind == "ordinal":
            value = next(n for k, n in _ORDINALS.items() if match.group().startswith(k))
        elif kind == "day":
            value = _DAY_CODE[match.group().rstrip("s")]
        elif kind == "period":
            value = "matin" if match.group().startswith("matin") else "apres-midi"
        tokens.append(_Token(kind, pos, match.end(), value))
        pos = match.end()
    return tokens


def _drop_notes(folded: str) -> str:
    """Blank out parenthesised notes that hold no schedule word; keep the others' content."""

    def replace(match: re.Match[str]) -> str:
        kinds = {t.kind for t in _tokenize(match.group(1))}
        if kinds - {"word", "sep", "filler", "source", "range"}:
            return " " + match.group(1) + " "
        return " " * len(match.group())

    return _NOTE.sub(replace, folded)


def _unknown(tokens: list[_Token], text: str) -> str:
    words = [t for t in tokens if t.kind == "word"]
    if not words:
        return ""
    quoted = text[words[0].start:words[-1].end]
    quoted = quoted if len(quoted) <= 60 else quoted[:59] + "…"
    return f"texte non reconnu : «{quoted}»"


def _reason(tokens: list[_Token], text: str) -> str:
    """Return why the text is out of reach before reading its structure (French), or ""."""
    kinds = {t.kind for t in tokens}
    for kind, reason in _FLAG_REASONS.items():
        if kind in kinds:
            return reason
    if kinds & _FREQ and not kinds & _DAYISH:
        return "fréquence sans jour précis"
    if kinds & {"freq_month", "month_of"} and "ordinal" not in kinds:
        return "jour du mois non précisé"
    if ("freq_week" in kinds and "ordinal" in kinds) or "freq_other" in kinds:
        return "fréquence incompatible avec les jours indiqués"
    if "always_hours" in kinds and kinds & (_DAYISH - {"always_days", "daily"} | _TIMEISH):
        return "24 h/24 sur certains jours seulement : non géré"
    return _unknown(tokens, text)


@dataclass
class _Group:
    """Days and hours written together: "du lundi au vendredi de 9h à 12h et de 14h à 17h"."""

    time_first: bool
    weekly: list[str] = field(default_factory=list)
    monthly: list[tuple[int, str]] = field(default_factory=list)
    daily: bool = False
    times: list[tuple[dt.time | None, dt.time | None]] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)

    def has_days(self) -> bool:
        return bool(self.weekly or self.monthly or self.daily)

    def opens_new(self, cls: str, previous: str | None) -> bool:
        if not (self.has_days() and (self.times or self.periods)):
            return False
        if cls == "day":
            return not (self.time_first and previous == "day")
        return self.time_first and previous == "day"


def _day_range(first: str, last: str) -> list[str]:
    i, j = WEEKDAYS.index(first), WEEKDAYS.index(last)
    return [WEEKDAYS[(i + k) % 7] for k in range((j - i) % 7 + 1)]


def _lists_not_ranges(tokens: list[_Token]) -> list[_Token]:
    """Turn the dashes of "lundi - mardi - jeudi" (three days or more) into list separators."""
    out = list(tokens)
    i = 0
    while i < len(out):
        j = i
        while j + 2 < len(out) and out[j].kind == "day" and out[j + 2].kind == "day" and (
                out[j + 1].kind == "range" and out[j + 1].end - out[j + 1].start == 1):
            j += 2
        if j - i >= 4:
            for k in range(i + 1, j, 2):
                out[k] = _Token("sep", out[k].start, out[k].end)
        i = max(j, i + 1)
    return out


def _groups(tokens: list[_Token]) -> list[_Group] | str:
    """Gather days and hours into groups, or return the French reason of a failure."""
    tokens = _lists_not_ranges([t for t in tokens if t.kind not in _IGNORED])
    groups: list[_Group] = []
    previous, ordinals = None, []
    for i, tok in enumerate(tokens):
        if tok.kind in ("sep", "range"):
            continue
        cls = "day" if tok.kind in _DAYISH else "time"
        if ordinals and tok.kind not in ("ordinal", "day"):
            return "ordinal sans jour"
        if not groups or groups[-1].opens_new(cls, previous):
            groups.append(_Group(time_first=cls == "time"))
        group, previous = groups[-1], cls
        if tok.kind == "ordinal":
            ordinals.append(tok.value)
        elif tok.kind == "day" and ordinals:
            group.monthly += [(n, tok.value) for n in ordinals]
            ordinals = []
        elif tok.kind == "day":
            after_range = i >= 2 and tokens[i - 1].kind == "range" and tokens[i - 2].kind == "day"
            if after_range and tokens[i - 2].value in group.weekly:
                group.weekly += _day_range(tokens[i - 2].value, tok.value)
            elif after_range:
                return "plage de jours avec un ordinal"
            group.weekly.append(tok.value)
        elif tok.kind == "weekend":
            group.weekly += ["SA", "SU"]
        elif tok.kind in ("daily", "always_days"):
            group.daily = True
        elif tok.kind == "period":
            group.periods.append(tok.value)
        elif None in tok.value[: 2 if tok.kind == "time_range" else 1]:
            return "heure invalide"
        else:
            group.times.append(tok.value)
    return "ordinal sans jour" if ordinals else groups


def _sessions(group: _Group, alone: bool) -> tuple[Session, ...] | str:
    """Return the sessions of one group, or the French reason why there are none."""
    if not group.has_days():
        if group.periods:
            return "moment de la journée sans jour précis"
        if not alone:
            return "horaires sans jour précis"
        group.daily = True
    if group.daily and (group.weekly or group.monthly):
        return "jours incohérents"
    times = group.times or [PERIODS[p] for p in dict.fromkeys(group.periods)] or [(None, None)]
    if any(end is not None and end <= start for start, end in times):
        return "heure de fin avant l'heure de début"
    rules = ["FREQ=DAILY"] if group.daily else []
    if group.weekly:
        days = sorted(set(group.weekly), key=WEEKDAYS.index)
        rules.append("FREQ=WEEKLY;BYDAY=" + ",".join(days))
    if group.monthly:
        days = sorted(set(group.monthly), key=lambda d: (d[0] % 10, WEEKDAYS.index(d[1])))
        rules.append("FREQ=MONTHLY;BYDAY=" + ",".join(f"{n}{d}" for n, d in days))
    return tuple(Session(rule, start, end) for rule in rules for start, end in times)


def _unparsed(text: str, reason: str, on_appointment: bool = False) -> Schedule:
    return Schedule(text, (), on_appointment, False, False, reason)


# --- Public API -----------------------------------------------------------------------------


def parse_schedule(text: str | None) -> Schedule:
    """Read a schedule written in French into recurring sessions, or say why it cannot.

    Reading is accent- and case-insensitive. Hours may be written "9h", "9 h 30",
    "09h00", "09:00", "9h-12h", "9 h – 12 h", "de 9h à 12h" or "entre 9h et 12h". The
    conventions (matin, après-midi, hours without days, 24 h/24, ordinals, notes in
    parentheses, holidays) are listed in the module docstring. Nothing is guessed: an
    unknown word leaves the whole schedule unparsed.

    Parameters
    ----------
    text : str or None
        The schedule as written in the listing. ``None``, NaN or blank give an unparsed
        schedule with the reason "aucun horaire".

    Returns
    -------
    Schedule
        ``rules`` holds one :class:`Session` per recurrence and time slot; it is empty when
        ``parsed`` is False (then ``reason`` says why, in French) or ``always_open`` is True.
        ``on_appointment`` is read even when the rest is not.

    Examples
    --------
    >>> parse_schedule("2e et 4e mardi 9h-12h").rules  # doctest: +NORMALIZE_WHITESPACE
    (Session(rrule='FREQ=MONTHLY;BYDAY=2TU,4TU',
             start=datetime.time(9, 0), end=datetime.time(12, 0)),)
    >>> [s.rrule for s in parse_schedule("du lundi au vendredi de 9h à 12h et de 14h à 17h").rules]
    ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR']
    >>> parse_schedule("le jeudi matin").rules[0].start
    datetime.time(9, 0)
    >>> parse_schedule("hebdomadaire (L419)").reason
    'fréquence sans jour précis'
    >>> s = parse_schedule("Sur rendez-vous")
    >>> s.on_appointment, s.parsed, s.reason
    (True, False, 'sur rendez-vous, sans créneau précis')
    >>> parse_schedule("7 jours sur 7, 24 heures sur 24").always_open
    True
    >>> parse_schedule(None).reason
    'aucun horaire'
    """
    text = text if isinstance(text, str) else ""
    folded = _fold(text)
    if not folded.strip():
        return _unparsed(text, "aucun horaire")
    tokens = _tokenize(_drop_notes(folded))
    kinds = {t.kind for t in tokens}
    on_appointment = "on_appointment" in kinds
    reason = _reason(tokens, text)
    groups = reason or _groups(tokens)
    if isinstance(groups, str):
        return _unparsed(text, groups, on_appointment)
    if "always_hours" in kinds:
        return Schedule(text, (), on_appointment, True, True, "")
    if not groups:
        reason = "sur rendez-vous, sans créneau précis" if on_appointment else "aucun jour reconnu"
        return _unparsed(text, reason, on_appointment)
    rules: list[Session] = []
    for group in groups:
        sessions = _sessions(group, alone=len(groups) == 1)
        if isinstance(sessions, str):
            return _unparsed(text, sessions, on_appointment)
        rules += sessions
    weekly = {d for g in groups for d in g.weekly}
    if weekly & {d for g in groups for _, d in g.monthly}:  # "le samedi, le 1er samedi du mois"
        return _unparsed(text, "jours incohérents", on_appointment)
    return Schedule(text, tuple(rules), on_appointment, False, True, "")


def parse_weekly_hours(by_day: Mapping[str, str | None]) -> Schedule:
    """Read the opening hours of a France services listing, one column per weekday.

    The ANCT list (``liste-fs-20240801.csv``) has columns ``h_lundi`` … ``h_samedi`` holding
    ``"09:00 - 12:00 / 13:30 - 17:00"``, or nothing on closed days. Slots written
    ``"00:00 - 00:00"`` (75 cells of the August 2024 file, next to real slots) are empty
    slots of the input form and are skipped. Days with the same slots share one RRULE.

    Parameters
    ----------
    by_day : mapping of str to str or None
        Keys are weekday names, with or without the ``h_`` prefix ("h_lundi", "Mardi");
        values are the slots, ``None``, NaN or ``""`` for a closed day.

    Returns
    -------
    Schedule
        ``text`` is "Lundi : 13:30 - 17:00 ; Mardi : …" (the non-empty values as written).
        Unparsed, with the day named in ``reason``, when a value has another format.

    Raises
    ------
    ValueError
        When a key is not a weekday name.

    Examples
    --------
    >>> s = parse_weekly_hours({"h_lundi": "09:00 - 12:00 / 14:00 - 17:00", "h_mardi": None,
    ...                         "h_jeudi": "09:00 - 12:00 / 14:00 - 17:00"})
    >>> s.text
    'Lundi : 09:00 - 12:00 / 14:00 - 17:00 ; Jeudi : 09:00 - 12:00 / 14:00 - 17:00'
    >>> [(r.rrule, r.start.hour, r.end.hour) for r in s.rules]
    [('FREQ=WEEKLY;BYDAY=MO,TH', 9, 12), ('FREQ=WEEKLY;BYDAY=MO,TH', 14, 17)]
    >>> parse_weekly_hours({"h_mardi": "le matin"}).reason
    "format d'horaire non reconnu le mardi : «le matin»"
    """
    slots: dict[str, tuple[tuple[dt.time, dt.time], ...]] = {}
    written = []
    for key, value in by_day.items():
        name = _fold(str(key)).strip().removeprefix("h_")
        if name not in _DAY_CODE:
            raise ValueError(f"{key!r} is not a weekday name; expected one of {DAY_NAMES}")
        if not isinstance(value, str) or not value.strip():
            continue
        written.append(f"{name.capitalize()} : {value.strip()}")
        ranges = [re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", part)
                  for part in value.split("/")]
        if not all(ranges) or any(_time(t) is None for m in ranges for t in m.groups()):
            return _unparsed(" ; ".join(written),
                             f"format d'horaire non reconnu le {name} : «{value.strip()}»")
        times = [(_time(m[1]), _time(m[2])) for m in ranges]
        times = [(a, b) for a, b in times if (a, b) != (dt.time(0), dt.time(0))]
        if any(b <= a for a, b in times):
            return _unparsed(" ; ".join(written), f"heure de fin avant l'heure de début le {name}")
        if times:
            slots[_DAY_CODE[name]] = tuple(times)
    text = " ; ".join(written)
    if not slots:
        return _unparsed(text, "aucun horaire")
    by_slots: dict[tuple, list[str]] = {}
    for day in sorted(slots, key=WEEKDAYS.index):
        by_slots.setdefault(slots[day], []).append(day)
    rules = tuple(Session("FREQ=WEEKLY;BYDAY=" + ",".join(days), start, end)
                  for times, days in by_slots.items() for start, end in times)
    return Schedule(text, rules, False, False, True, "")


def _next(schedule: Schedule, now: dt.datetime) -> tuple[dt.datetime, Session] | None:
    """Return the next start at or after ``now`` and its session (a day-only one lasts all day)."""
    found = None
    for session in schedule.rules if schedule.parsed else ():
        known = session.start is not None
        first = session.start if known else dt.time(0)
        dtstart = dt.datetime.combine(now.date(), first, now.tzinfo)
        after = now if known else now.replace(hour=0, minute=0, second=0, microsecond=0)
        start = rrulestr(session.rrule, dtstart=dtstart).after(after, inc=True)
        if start is not None and (found is None or start < found[0]):
            found = (start, session)
    return found


def next_session(
    schedule: Schedule, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime | None] | None:
    """Return the start and end of the next session that starts at or after ``now``.

    A session that started before ``now`` and is not over is *not* returned: the answer is
    the next start, so that "next session" never lies about a past time. A session with no
    hours (a day only, "le jeudi") starts at midnight and counts all day long, so on
    Thursday at 10:00 it is that Thursday. Public holidays are ignored. Times are wall-clock
    times in the time zone of ``now`` (naive or aware).

    Parameters
    ----------
    schedule : Schedule
        A schedule from :func:`parse_schedule` or :func:`parse_weekly_hours`.
    now : datetime.datetime
        The moment of the question.

    Returns
    -------
    tuple of (datetime, datetime or None) or None
        ``(start, end)``; ``end`` is None when the hours are not written. ``(now, None)``
        for an ``always_open`` schedule; ``None`` when the schedule is unparsed.

    Examples
    --------
    >>> now = dt.datetime(2026, 12, 1, 10, 0)  # a Tuesday, the first of the month
    >>> next_session(parse_schedule("2e et 4e mardi 9h-12h"), now)
    (datetime.datetime(2026, 12, 8, 9, 0), datetime.datetime(2026, 12, 8, 12, 0))
    >>> next_session(parse_schedule("mardi 10h-12h"), now)[0]  # now exactly at the start
    datetime.datetime(2026, 12, 1, 10, 0)
    >>> next_session(parse_schedule("lundi au vendredi 9h-17h"), now)[0]  # today's has begun
    datetime.datetime(2026, 12, 2, 9, 0)
    >>> next_session(parse_schedule("mensuel"), now) is None
    True
    """
    if schedule.always_open:
        return now, None
    found = _next(schedule, now)
    if found is None:
        return None
    start, session = found
    end = None
    if session.end is not None:
        end = dt.datetime.combine(start.date(), session.end, start.tzinfo)
    return start, end


def hours_per_month(schedule: Schedule) -> float | None:
    """Return the average number of open hours per month, over the year :data:`REFERENCE_YEAR`.

    The sessions of 2027 (365 days, starting on a Friday) are counted with their RRULE and
    their durations summed, then divided by 12. So "lundi au vendredi 9h-17h" is 261 days of
    8 h, 174.0 h a month (not 40 h × 52.18 / 12 ≈ 173.9). Public holidays are ignored.

    Parameters
    ----------
    schedule : Schedule
        A parsed schedule.

    Returns
    -------
    float or None
        Hours per month; ``730.0`` (24 × 365 / 12) when always open; None when unparsed or
        when any session lacks its start or end hour (the total would be a guess).

    Examples
    --------
    >>> hours_per_month(parse_schedule("lundi au vendredi 9h-17h"))
    174.0
    >>> hours_per_month(parse_schedule("2e et 4e mardi 9h-12h"))
    6.0
    >>> hours_per_month(parse_schedule("24h/24, 7j/7"))
    730.0
    >>> hours_per_month(parse_schedule("mardi et jeudi")) is None
    True
    """
    first, last = dt.datetime(REFERENCE_YEAR, 1, 1), dt.datetime(REFERENCE_YEAR, 12, 31, 23, 59)
    if schedule.always_open:
        return (dt.date(REFERENCE_YEAR + 1, 1, 1) - first.date()).days * 24 / 12
    if not schedule.parsed or not schedule.rules:
        return None
    if any(s.start is None or s.end is None for s in schedule.rules):
        return None
    total = 0.0
    for s in schedule.rules:
        count = len(rrulestr(s.rrule, dtstart=dt.datetime.combine(first, s.start)).between(
            first, last, inc=True))
        minutes = (s.end.hour - s.start.hour) * 60 + s.end.minute - s.start.minute
        total += count * minutes / 60
    return total / 12


def _hour(t: dt.time) -> str:
    return f"{t.hour} h" + (f" {t.minute:02d}" if t.minute else "")


def describe_next(schedule: Schedule, now: dt.datetime) -> str:
    """Say in French when the next session is, for a card or a table cell.

    Parameters
    ----------
    schedule : Schedule
        A schedule from :func:`parse_schedule` or :func:`parse_weekly_hours`.
    now : datetime.datetime
        The moment of the question (see :func:`next_session`).

    Returns
    -------
    str
        "mardi 8 décembre 2026, 9 h – 12 h" (hours left out when unknown, " (sur
        rendez-vous)" added when said); "24 h/24, 7 j/7" when always open; "sur rendez-vous"
        when unparsed but by appointment; "" otherwise.

    Examples
    --------
    >>> now = dt.datetime(2026, 12, 1, 10, 0)
    >>> describe_next(parse_schedule("2e et 4e mardi 9h-12h"), now)
    'mardi 8 décembre 2026, 9 h – 12 h'
    >>> describe_next(parse_schedule("Sur rendez-vous le mardi matin et le vendredi"), now)
    'vendredi 4 décembre 2026 (sur rendez-vous)'
    >>> describe_next(parse_schedule("mardi et jeudi"), now)
    'mardi 1er décembre 2026'
    >>> describe_next(parse_schedule("24h/24"), now), describe_next(parse_schedule("rdv"), now)
    ('24 h/24, 7 j/7', '')
    """
    if schedule.always_open:
        return "24 h/24, 7 j/7"
    found = _next(schedule, now)
    if found is None:
        return "sur rendez-vous" if schedule.on_appointment else ""
    start, session = found
    day = "1er" if start.day == 1 else str(start.day)
    text = f"{DAY_NAMES[start.weekday()]} {day} {MONTH_NAMES[start.month - 1]} {start.year}"
    if session.start is not None:
        text += f", {_hour(session.start)}" + (f" – {_hour(session.end)}" if session.end else "")
    return text + (" (sur rendez-vous)" if schedule.on_appointment else "")
