"""The one rule that words every gap figure from the inventory's completeness."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components.formatting import number
from geo import completeness
from geo.completeness import Statement, beyond_wording, guard_profile, overall, statement_of


def test_a_complete_inventory_gives_the_figure_as_a_fact():
    worded = beyond_wording(290446, 15, "complete", number)
    assert worded.fact and worded.value == number(290446)
    assert "290\u202f446 habitants vivent à plus de 15 km" in worded.explanation


def test_a_partial_inventory_gives_an_upper_bound_never_a_fact():
    worded = beyond_wording(290446, 15, "partial", number)
    assert not worded.fact and worded.value == "au plus " + number(290446)
    assert "d'après les lieux recensés" in worded.explanation


@pytest.mark.parametrize("population", [0, 1457905])
def test_an_unknown_inventory_gives_no_figure(population):
    worded = beyond_wording(population, 15, "unknown", number)
    assert worded.value == "non calculé" and not worded.fact
    assert number(population) not in worded.explanation


def test_complete_only_when_every_category_is_and_unknown_only_when_none_is_known():
    said = {"permanence": Statement("permanence", "complete", "marie", "2026-12-02")}
    assert overall(["permanence", "forces_securite"], said) == "complete"
    assert overall(["permanence", "iscg"], said, listed={"iscg"}) == "partial"
    assert overall(["permanence", "leao"], said) == "partial"  # places known: an upper bound
    assert overall(["leao", "iscg"], said) == "unknown"  # nothing known of either
    assert overall([], said) == "unknown"


def test_a_gestionnaire_overrides_the_layer_and_the_listing_defaults():
    said = {"forces_securite": Statement("forces_securite", "partial", "marie", "2026-12-02")}
    assert statement_of("forces_securite", said).status == "partial"
    assert statement_of("forces_securite").status == "complete"  # annuaire 2016, as of then
    assert statement_of("iscg", listed={"iscg"}).who == completeness.LISTED_DEFAULT


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="inconnu"):
        Statement("permanence", "presque")


def _profile() -> pd.DataFrame:
    return pd.DataFrame({"territoire": [23211.0, 23211.0, 8.0],
                         "departement": [1457905.0, 1457905.0, 8.0],
                         "part_territoire": [1.0, 1.0, float("nan")],
                         "part_departement": [1.0, 1.0, float("nan")],
                         "note": ["", "", ""]}, index=["beyond_10", "beyond_20", "services:x"])


def test_the_sheet_shows_no_share_of_people_beyond_from_an_unknown_inventory():
    guarded = guard_profile(_profile(), "unknown")
    assert math.isnan(guarded.loc["beyond_10", "territoire"])
    assert math.isnan(guarded.loc["beyond_20", "part_departement"])
    assert guarded.loc["beyond_10", "note"].startswith("non calculé")
    assert guarded.loc["services:x", "territoire"] == 8.0  # counts of places stay


def test_the_sheet_says_at_most_from_a_partial_inventory_and_nothing_from_a_complete_one():
    partial = guard_profile(_profile(), "partial")
    assert partial.loc["beyond_10", "territoire"] == 23211.0
    assert partial.loc["beyond_10", "note"].startswith("au plus")
    pd.testing.assert_frame_equal(guard_profile(_profile(), "complete"), _profile())
