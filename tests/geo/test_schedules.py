"""Schedules as written in French listings: what is read, what is left as text, and why.

Every expected date is counted by hand on the calendar of December 2026, from NOW, Tuesday
1 December 2026 at 10:00 (so the 1st Tuesday of the month, and a Tuesday morning session
has already begun):

    December 2026            January 2027
    Mo Tu We Th Fr Sa Su     Mo Tu We Th Fr Sa Su
        1  2  3  4  5  6                  1  2  3
     7  8  9 10 11 12 13      4  5  6  7  8  9 10
    14 15 16 17 18 19 20     ...
    21 22 23 24 25 26 27
    28 29 30 31

Hours per month count the sessions of 2027, which starts on a Friday and has 365 days: 53
Fridays and 52 of every other weekday, so Monday to Friday is 261 days.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from geo.schedules import (
    Schedule,
    Session,
    describe_next,
    hours_per_month,
    next_session,
    parse_schedule,
    parse_weekly_hours,
)

NOW = datetime(2026, 12, 1, 10, 0)


def day(d: int, hour: int = 0, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    """A moment of December 2026 (or of another month), for readable tables."""
    return datetime(year, month, d, hour, minute)


# --- Real strings, quoted exactly --------------------------------------------------------
# SEED: shared/seeds/extractions/*.csv, column `schedule` (all 22 distinct values are here).
# FS: shared/geodata/raw/france-services/liste-fs-20240801.csv, column `commentaire`.

# (text, next start, next end): end is None when the listing gives a day without hours.
REAL_PARSED = [
    # SEED
    ("lundis et jeudis", day(3), None),
    ("de 09h00 à 22h00 (as written)", day(2, 9), day(2, 22)),  # every day; today's has begun
    # FS
    ("Ouvert le premier samedi du mois de 9h à 12h", day(5, 9), day(5, 12)),
    ("Uniquement sur rendez-vous les mercredis et vendredis après-midi", day(2, 14), day(2, 17)),
    ("Sur rendez-vous le mardi matin et le vendredi après midi", day(4, 14), day(4, 17)),
    ("Sur rendez vous les mardis après-midi", day(1, 14), day(1, 17)),
    ("Sans rdv le mercredi de 9h à 12h30 et le vendredi de 13h30 à 16h30",
     day(2, 9), day(2, 12, 30)),
    ("horaires d'ouverture : lundi - mardi - mercredi - vendredi : 9 h - 12 h 30 et 14 h - 17 h"
     " ; jeudi : 9 h - 19 h", day(1, 14), day(1, 17)),
    ("2ème et 4ème lundis du mois", day(14), None),
    ("1er et 3ème lundi du mois", day(7), None),
    ("Uniquement sur rendez-vous : mardi de 14 à 18h, mercredi 9h à 12h et 14h à 18h, et jeudi"
     " de 9h à 12h", day(1, 14), day(1, 18)),
    ("sur rendez vous mardi-jeudi-vendredi de 9h à 12h15 et mercredi et samedi de 9h à 10h",
     day(2, 9), day(2, 10)),
    ("Sur rendez-vous uniquement les mardis et mercredis de 13h45 à 17h15 et le jeudi matin de"
     " 8h45 à 12h15", day(1, 13, 45), day(1, 17, 15)),
    ("sur Rendez-Vous uniquement le Mardi matin de 9h00 à 12h00", day(8, 9), day(8, 12)),
    ("Sur Rdv Mardi Jeudi et Vendredi de 14h / 17h et le Mercredi de 13h / 15h",
     day(1, 14), day(1, 17)),
    ("Ouverture uniquement le 1er samedi du mois", day(5), None),
    ("horaires  du lundi au vendredi : 09h00-12h00 et 13h50-16h15 ; le samedi 9h00-12h00",
     day(1, 13, 50), day(1, 16, 15)),
    ("Sur rendez-vous uniquement : lundi et jeudi de 17 heures à 19 heures.",
     day(3, 17), day(3, 19)),
    ("Le lundi de 09h00 à 17h30 uniquement sur rendez-vous", day(7, 9), day(7, 17, 30)),
    ("Mercredi après-midi : uniquement sur RDV", day(2, 14), day(2, 17)),
]

REAL_ALWAYS_OPEN = [  # SEED
    "24h/24",
    "24h/24 (L1070)",
    "24h/24 (L1706)",
    "24h/24, 7j/7",
    "7 jours sur 7, 24 heures sur 24",
]

FREQUENCY = "fréquence sans jour précis"
CLOSURES = "fermetures ou exceptions non gérées"
ALTERNATE = "périodicité sans semaine de référence (une semaine sur deux…)"
NO_DAY = "moment de la journée sans jour précis"
BY_APPOINTMENT = "sur rendez-vous, sans créneau précis"

# (text, reason, on_appointment)
REAL_UNPARSED = [
    # SEED
    ("1 CLSM tenu par mois", FREQUENCY, False),
    ("1 fois/semaine", FREQUENCY, False),
    ("1 à 3 jours", "texte non reconnu : «1 à 3 jours»", False),
    ("2 matins par semaine (Espace André Gervais; per-partner schedule not stated)",
     FREQUENCY, False),
    ("bi-hebdomadaire", FREQUENCY, False),
    ("chaque année", FREQUENCY, False),
    ("hebdomadaire", FREQUENCY, False),
    ("mensuel", FREQUENCY, False),
    # The note is read because it holds a schedule, which belongs to one partner only.
    ("mensuel (Gendarmerie: 1er jeudi de chaque mois, L671)",
     "texte non reconnu : «Gendarmerie»", False),
    ("mensuel (irrégulier)", "horaire irrégulier", False),
    ("mensuelle", FREQUENCY, False),
    ("nuit, week-end, jour férié (L320)", "jours fériés non gérés", False),
    ("permanences bi-hebdomadaires (L419)", FREQUENCY, False),
    ("sur demande, à l'occasion d'évènements", "sur demande, sans horaire", False),
    ("temps réguliers (not specified)", "texte non reconnu : «temps réguliers»", False),
    # FS
    ("Fermeture le 3eme jeudi après-midi de chaque mois", CLOSURES, False),
    ("Sur rendez-vous du lundi au vendredi sauf mercredi matin", CLOSURES, True),
    ("Les après-midi sur rendez-vous, sauf le mercredi", CLOSURES, True),
    ("Horaires d’été\u00a0:  10:00-12h30/13:30-18h00 du lundi au vendredi\u00a0",
     "période de l'année non gérée (mois, vacances, dates)", False),
    ("Permanences les jeudis matins semaines paries à Mouchard et semaines impaires à La Loye",
     ALTERNATE, False),
    ("Itinérance toute les 6 semaines sur les communes de Ternant, La Nocle Maulaix, Charrin et"
     " Saint Seine. fermé le 1er lundi après-midi du mois", CLOSURES, False),
    ("Un lundi après-midi par mois, avec prise de rendez-vous préalable, un agent France services"
     " peut se déplacer au domicile des personnes qui sont dans l'incapacité de venir en mairie",
     "jour du mois non précisé", False),
    ("Sur rendez-vous uniquement les après-midi", NO_DAY, True),
    ("Uniquement sur rendez-vous l’après-midi de 14h à 16h.", NO_DAY, True),
    ("Sur rendez-vous", BY_APPOINTMENT, True),
    ("SUR RENDEZ-VOUS UNIQUEMENT", BY_APPOINTMENT, True),
    ("Prise de rendez-vous conseillée", "texte non reconnu : «Prise de rendez-vous conseillée»",
     False),
    ("Permanence le jeudi matin de 9h à 12h à la Mairie de Saint-Cyprien-sur-Dourdou (commune de"
     " Conques-en-Rouergue)", "texte non reconnu : «Mairie de Saint-Cyprien-sur-Dourdou»", False),
    # A note that changes the meaning: Wednesday is a whole day, not an afternoon.
    ("Lundi, mercredi (journée) et vendredi après midi UNIQUEMENT SUR RDV",
     "moment de la journée non précisé (journée, soir, nuit)", True),
    # Saturdays, or the first Saturday only? Both are written: not guessed.
    ("Le samedi, ouverture le 1er samedi du mois", "jours incohérents", False),
]


@pytest.mark.parametrize(("text", "start", "end"), REAL_PARSED)
def test_real_schedules_give_the_next_session(text, start, end):
    schedule = parse_schedule(text)
    assert schedule.parsed and schedule.reason == ""
    assert next_session(schedule, NOW) == (start, end)


@pytest.mark.parametrize("text", REAL_ALWAYS_OPEN)
def test_round_the_clock_services_are_always_open(text):
    schedule = parse_schedule(text)
    assert schedule.always_open and schedule.parsed and schedule.rules == ()
    assert next_session(schedule, NOW) == (NOW, None)
    assert describe_next(schedule, NOW) == "24 h/24, 7 j/7"


@pytest.mark.parametrize(("text", "reason", "on_appointment"), REAL_UNPARSED)
def test_real_schedules_out_of_reach_stay_text_with_a_reason(text, reason, on_appointment):
    schedule = parse_schedule(text)
    assert (schedule.parsed, schedule.reason, schedule.on_appointment) == (
        False, reason, on_appointment)
    assert schedule.text == text and schedule.rules == ()
    assert next_session(schedule, NOW) is None
    assert hours_per_month(schedule) is None


def test_the_real_table_covers_every_seed_schedule_and_thirty_strings():
    seeds = {"lundis et jeudis", "de 09h00 à 22h00 (as written)", *REAL_ALWAYS_OPEN,
             *(t for t, _, _ in REAL_UNPARSED[:15])}
    assert len(seeds) == 22
    assert len(REAL_PARSED) + len(REAL_ALWAYS_OPEN) + len(REAL_UNPARSED) >= 30


# --- Typical forms of permanence listings (CIDFF, France Victimes) -----------------------

# (text, rrules, next start, next end)
TYPICAL = [
    ("2e et 4e mardi 9h-12h", ["FREQ=MONTHLY;BYDAY=2TU,4TU"], day(8, 9), day(8, 12)),
    ("1er lundi du mois", ["FREQ=MONTHLY;BYDAY=1MO"], day(7), None),
    ("dernier vendredi", ["FREQ=MONTHLY;BYDAY=-1FR"], day(25), None),  # Christmas: no holidays
    ("lundi au vendredi 9h-17h", ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"], day(2, 9), day(2, 17)),
    ("du lundi au vendredi de 9h à 12h et de 14h à 17h",
     ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"] * 2, day(1, 14), day(1, 17)),
    ("le jeudi matin", ["FREQ=WEEKLY;BYDAY=TH"], day(3, 9), day(3, 12)),
    ("mardi et jeudi", ["FREQ=WEEKLY;BYDAY=TU,TH"], day(1), None),  # today counts all day
    ("les lundis et jeudis", ["FREQ=WEEKLY;BYDAY=MO,TH"], day(3), None),
    ("de 09h00 à 22h00", ["FREQ=DAILY"], day(2, 9), day(2, 22)),
    ("lundi-vendredi 9 h – 12 h", ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"], day(2, 9), day(2, 12)),
    ("le deuxième et le quatrième jeudi de 14 h à 17 h", ["FREQ=MONTHLY;BYDAY=2TH,4TH"],
     day(10, 14), day(10, 17)),
    ("Troisième MERCREDI 9H30-11H", ["FREQ=MONTHLY;BYDAY=3WE"], day(16, 9, 30), day(16, 11)),
    ("premier mardi du mois 9h-11h", ["FREQ=MONTHLY;BYDAY=1TU"],  # today's has begun
     day(5, 9, month=1, year=2027), day(5, 11, month=1, year=2027)),
    ("Lundi : 09:00-12:00 / 13:30-17:00", ["FREQ=WEEKLY;BYDAY=MO"] * 2, day(7, 9), day(7, 12)),
    ("de 9h à 12h le lundi et de 14h à 17h le jeudi",
     ["FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=TH"], day(3, 14), day(3, 17)),
    ("vendredi au lundi entre 10h et 12h", ["FREQ=WEEKLY;BYDAY=MO,FR,SA,SU"],
     day(4, 10), day(4, 12)),
    ("jeudi matin (9h-12h)", ["FREQ=WEEKLY;BYDAY=TH"], day(3, 9), day(3, 12)),
    ("hebdomadaire, le mardi après-midi", ["FREQ=WEEKLY;BYDAY=TU"], day(1, 14), day(1, 17)),
]


@pytest.mark.parametrize(("text", "rrules", "start", "end"), TYPICAL)
def test_typical_listing_forms(text, rrules, start, end):
    schedule = parse_schedule(text)
    assert [s.rrule for s in schedule.rules] == rrules
    assert next_session(schedule, NOW) == (start, end)


@pytest.mark.parametrize(("text", "reason"), [
    ("une fois par mois", FREQUENCY),
    ("hebdomadaire (L419)", FREQUENCY),
    ("un lundi sur deux 9h-12h", ALTERNATE),
    ("tous les 15 jours", ALTERNATE),
    ("mensuel, le mardi", "jour du mois non précisé"),
    ("bi-hebdomadaire le mardi", "fréquence incompatible avec les jours indiqués"),
    ("mardi (fermé en août)", CLOSURES),
    ("le 1er du mois", "ordinal sans jour"),
    ("1er lundi au vendredi", "plage de jours avec un ordinal"),
    ("mardi 12h-9h", "heure de fin avant l'heure de début"),
    ("mardi 25h-26h", "heure invalide"),
    ("24h/24 du lundi au vendredi", "24 h/24 sur certains jours seulement : non géré"),
    ("de 9h à 12h le lundi, de 14h à 17h", "horaires sans jour précis"),
    ("lundi ou mardi", "texte non reconnu : «ou»"),
])
def test_never_guess(text, reason):
    assert parse_schedule(text).reason == reason


@pytest.mark.parametrize("text", [None, "", "   ", "\n", float("nan")])
def test_no_text_is_an_unparsed_schedule(text):
    schedule = parse_schedule(text)
    assert schedule == Schedule(text="" if not isinstance(text, str) else text,
                                reason="aucun horaire")
    assert next_session(schedule, NOW) is None and describe_next(schedule, NOW) == ""


def test_reading_ignores_case_and_accents():
    expected = parse_schedule("2e et 4e mardi après-midi").rules
    assert parse_schedule("2E ET 4E MARDI APRES-MIDI").rules == expected
    assert parse_schedule("2ème et 4eme Mardi Apres Midi").rules == expected


def test_hours_are_read_in_all_their_spellings():
    spellings = ["9h-12h30", "9H-12H30", "09h00 - 12h30", "9 h – 12 h 30", "de 9h à 12h30",
                 "09:00-12:30", "9h/12h30", "entre 9h et 12h30", "de 9 à 12h30"]
    for hours in spellings:
        assert parse_schedule(f"mardi {hours}").rules == (
            Session("FREQ=WEEKLY;BYDAY=TU", time(9), time(12, 30)),), hours


def test_morning_and_afternoon_conventions():
    morning, afternoon = parse_schedule("lundi matin et mardi après-midi").rules
    assert (morning.start, morning.end) == (time(9), time(12))
    assert (afternoon.start, afternoon.end) == (time(14), time(17))
    assert parse_schedule("lundi matin de 8h30 à 12h").rules[0].start == time(8, 30)


# --- next_session edge cases ---------------------------------------------------------------


def test_a_session_starting_exactly_now_is_the_next_one():
    assert next_session(parse_schedule("mardi 10h-12h"), NOW) == (day(1, 10), day(1, 12))


def test_a_session_under_way_is_not_returned_the_next_start_is():
    # Tuesday 9h-12h has begun at 10:00: the answer is next Tuesday, not a past start.
    assert next_session(parse_schedule("mardi 9h-12h"), NOW) == (day(8, 9), day(8, 12))


def test_next_session_keeps_the_time_zone_of_now():
    paris = ZoneInfo("Europe/Paris")
    start, end = next_session(parse_schedule("le jeudi matin"), NOW.replace(tzinfo=paris))
    assert (start, end) == (day(3, 9).replace(tzinfo=paris), day(3, 12).replace(tzinfo=paris))


def test_on_appointment_alone_has_no_next_session_but_says_so():
    schedule = parse_schedule("sur rendez-vous")
    assert next_session(schedule, NOW) is None
    assert describe_next(schedule, NOW) == "sur rendez-vous"


# --- hours_per_month -----------------------------------------------------------------------

HOURS = [
    ("lundi au vendredi 9h-17h", 261 * 8 / 12),  # 174.0, not 40 h x 52.18 / 12
    ("du lundi au vendredi de 9h à 12h et de 14h à 17h", 261 * 6 / 12),
    ("2e et 4e mardi 9h-12h", 24 * 3 / 12),
    ("Ouvert le premier samedi du mois de 9h à 12h", 12 * 3 / 12),
    ("de 09h00 à 22h00 (as written)", 365 * 13 / 12),
    ("Uniquement sur rendez-vous les mercredis et vendredis après-midi", (52 + 53) * 3 / 12),
    ("Sans rdv le mercredi de 9h à 12h30 et le vendredi de 13h30 à 16h30",
     (52 * 3.5 + 53 * 3) / 12),
    ("horaires d'ouverture : lundi - mardi - mercredi - vendredi : 9 h - 12 h 30 et 14 h - 17 h"
     " ; jeudi : 9 h - 19 h", ((52 * 3 + 53) * 6.5 + 52 * 10) / 12),
    ("24h/24, 7j/7", 365 * 24 / 12),
    ("lundis et jeudis", None),  # days without hours
    ("dernier vendredi", None),
    ("hebdomadaire", None),
]


@pytest.mark.parametrize(("text", "hours"), HOURS)
def test_hours_per_month_count_the_sessions_of_2027(text, hours):
    assert hours_per_month(parse_schedule(text)) == pytest.approx(hours)


def test_lundi_au_vendredi_is_174_hours_a_month():
    assert hours_per_month(parse_schedule("lundi au vendredi 9h-17h")) == 174.0


# --- describe_next -------------------------------------------------------------------------

DESCRIPTIONS = [
    ("2e et 4e mardi 9h-12h", "mardi 8 décembre 2026, 9 h – 12 h"),
    ("Sans rdv le mercredi de 9h à 12h30 et le vendredi de 13h30 à 16h30",
     "mercredi 2 décembre 2026, 9 h – 12 h 30"),
    ("Sur rendez-vous le mardi matin et le vendredi après midi",
     "vendredi 4 décembre 2026, 14 h – 17 h (sur rendez-vous)"),
    ("mardi et jeudi", "mardi 1er décembre 2026"),
    ("premier mardi du mois 9h-11h", "mardi 5 janvier 2027, 9 h – 11 h"),
    ("7 jours sur 7, 24 heures sur 24", "24 h/24, 7 j/7"),
    ("SUR RENDEZ-VOUS UNIQUEMENT", "sur rendez-vous"),
    ("hebdomadaire", ""),
]


@pytest.mark.parametrize(("text", "description"), DESCRIPTIONS)
def test_describe_next_in_french(text, description):
    assert describe_next(parse_schedule(text), NOW) == description


# --- France services opening hours ---------------------------------------------------------

# liste-fs-20240801.csv, id_fs 1 (France services de Valserhône) and 29.
VALSERHONE = {"h_lundi": "13:30 - 17:00", "h_mardi": "09:00 - 12:00 / 13:30 - 17:00",
              "h_mercredi": "09:00 - 12:00 / 13:30 - 17:00",
              "h_jeudi": "09:00 - 12:00 / 13:30 - 17:00",
              "h_vendredi": "09:00 - 12:00 / 13:30 - 16:00", "h_samedi": float("nan")}
WITH_EMPTY_SLOT = {"h_lundi": "08:30 - 12:00 / 13:30 - 16:30",
                   "h_mardi": "08:30 - 12:30 / 13:30 - 16:30",
                   "h_mercredi": "00:00 - 00:00 / 09:00 - 12:00",
                   "h_jeudi": "08:30 - 12:30 / 13:30 - 16:30",
                   "h_vendredi": "08:30 - 12:00 / 13:30 - 16:30", "h_samedi": None}


def test_france_services_days_with_the_same_slots_share_a_rule():
    schedule = parse_weekly_hours(VALSERHONE)
    assert schedule.parsed
    assert [(s.rrule, s.start, s.end) for s in schedule.rules] == [
        ("FREQ=WEEKLY;BYDAY=MO", time(13, 30), time(17)),
        ("FREQ=WEEKLY;BYDAY=TU,WE,TH", time(9), time(12)),
        ("FREQ=WEEKLY;BYDAY=TU,WE,TH", time(13, 30), time(17)),
        ("FREQ=WEEKLY;BYDAY=FR", time(9), time(12)),
        ("FREQ=WEEKLY;BYDAY=FR", time(13, 30), time(16)),
    ]
    assert next_session(schedule, NOW) == (day(1, 13, 30), day(1, 17))
    # Monday 3.5 h, Tuesday to Thursday 6.5 h, Friday 5.5 h; 53 Fridays in 2027.
    assert hours_per_month(schedule) == pytest.approx((52 * 3.5 + 3 * 52 * 6.5 + 53 * 5.5) / 12)


def test_france_services_text_reads_back_the_same():
    schedule = parse_weekly_hours(VALSERHONE)
    assert schedule.text.startswith("Lundi : 13:30 - 17:00 ; Mardi : 09:00 - 12:00 / 13:30")
    again = parse_schedule(schedule.text)
    assert hours_per_month(again) == pytest.approx(hours_per_month(schedule))
    assert next_session(again, NOW) == next_session(schedule, NOW)


def test_france_services_empty_form_slots_are_skipped():
    rules = parse_weekly_hours(WITH_EMPTY_SLOT).rules
    wednesday = [s for s in rules if s.rrule == "FREQ=WEEKLY;BYDAY=WE"]
    assert [(s.start, s.end) for s in wednesday] == [(time(9), time(12))]


@pytest.mark.parametrize(("by_day", "reason"), [
    ({"h_lundi": None, "h_mardi": float("nan"), "h_mercredi": ""}, "aucun horaire"),
    ({"h_mardi": "9h-12h"}, "format d'horaire non reconnu le mardi : «9h-12h»"),
    ({"Jeudi": "14:00 - 12:00"}, "heure de fin avant l'heure de début le jeudi"),
])
def test_france_services_unreadable_hours(by_day, reason):
    assert parse_weekly_hours(by_day).reason == reason


def test_france_services_unknown_column_is_an_error():
    with pytest.raises(ValueError, match="h_dimanch"):
        parse_weekly_hours({"h_dimanch": "09:00 - 12:00"})


# --- The value objects ---------------------------------------------------------------------


def test_schedules_are_frozen_and_hashable_for_caching():
    schedule = parse_schedule("2e et 4e mardi 9h-12h")
    assert hash(schedule) == hash(parse_schedule("2e et 4e mardi 9h-12h"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        schedule.parsed = False
