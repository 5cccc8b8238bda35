"""AppTest of "Près de chez elle": the commune search and the answers as cards, phone first."""

from __future__ import annotations

from test_directory_page import PAGE, search
from test_pages import open_app


def unescaped(elements) -> list[str]:
    """What the user reads in Markdown elements (``plain()`` escapes with backslashes)."""
    return [e.value.replace("\\", "") for e in elements]


def near(at):
    """The "Près de chez elle" tab (the other tab and the sidebar have widgets of their own)."""
    return at.tabs[0]


def choice(at):
    """The radio of candidate communes."""
    return next(r for r in near(at).radio if r.label.endswith(("laquelle ?", "dire :")))


def calls(at) -> dict[str, str]:
    """The tappable phone buttons: label → ``tel:`` link."""
    return {b.proto.label: b.proto.url for b in at.get("link_button")}


def test_an_empty_field_answers_nothing():
    at = open_app(PAGE, query={"dep": "62"})
    assert not at.exception
    assert not at.success and not near(at).radio and not calls(at)
    assert not near(at).dataframe


def test_hesdin_answers_hesdin_la_foret_at_once_not_hesdin_l_abbe():
    at = search(open_app(PAGE, query={"dep": "62"}), "Hesdin")
    assert unescaped(at.success) == [
        "Commune : Hesdin, commune déléguée → Hesdin-la-Forêt (62, Pas-de-Calais – 62140)"]


def test_a_place_card_has_a_tappable_phone_in_french_groups():
    at = search(open_app(PAGE, query={"dep": "62"}), "arras")
    assert not at.exception
    assert calls(at)["Appeler le 03 21 23 27 53"] == "tel:0321232753"  # CIDFF d'Arras


def test_the_national_lines_come_before_the_cards_with_the_3919_first():
    at = search(open_app(PAGE, query={"dep": "62"}), "Arras")
    texts = [m.value for m in at.markdown]
    first_line = next(i for i, t in enumerate(texts) if "(tel:" in t)
    assert texts[first_line].startswith("[**3919**](tel:3919)")
    assert first_line < next(i for i, t in enumerate(texts) if t.startswith("##### Lieux"))


def test_a_card_says_what_the_source_does_not_give():
    at = search(open_app(PAGE, query={"dep": "62"}), "Arras")
    lines = [line for t in unescaped(at.markdown) + unescaped(at.caption)
             for line in t.split("  \n")]
    assert "Horaires : non communiqué" in lines
    assert any(t.startswith("Source : ") and t.endswith("jamais vérifié") for t in lines)
    assert any(t.startswith("Lieu : 16 rue Aristide-Briand") for t in lines)


def test_homonyms_are_a_choice_with_their_departement_and_no_answer_before_it():
    at = search(open_app(PAGE, query={"dep": "62"}), "Saint-Martin")
    assert not at.success and not calls(at)
    assert "Saint-Martin (32, Gers – 32300)" in choice(at).options
    at = choice(at).set_value("32389").run()
    assert not at.exception and calls(at)


def test_a_typo_is_proposed_as_a_choice():
    at = search(open_app(PAGE, query={"dep": "62"}), "Bethnue")
    assert choice(at).label == "Vouliez-vous dire :"
    assert choice(at).options[0] == "Béthune (62, Pas-de-Calais – 62400)"
    assert not calls(at)


def test_nothing_found_is_said_in_french_and_shown_as_text():
    at = search(open_app(PAGE, query={"dep": "62"}), "![x](//a.b)")
    assert at.warning[0].value.startswith("Aucune commune trouvée pour « \\!\\[x\\]")


def test_the_tables_stay_behind_a_toggle_for_the_desktop():
    at = search(open_app(PAGE, query={"dep": "62"}), "Arras")
    assert not near(at).dataframe
    at = at.toggle(key="near_her_tables").set_value(True).run()
    assert len(near(at).dataframe) == 4


def test_the_search_text_is_never_written_into_the_url():
    at = search(open_app(PAGE, query={"dep": "62"}), "Saint-Martin")
    at = choice(at).set_value("32389").run()
    assert "Saint" not in str(dict(at.query_params)) and "32400" not in str(dict(at.query_params))
