"""AppTest of the Annuaire page: from a commune to a phone number, and the filtered table."""

from __future__ import annotations

from test_pages import open_app

PAGE = "pages/3_Annuaire.py"


def search(at, text):
    """Type ``text`` into the commune search of "Près de chez elle"."""
    box = next(t for t in at.text_input if t.label.startswith("Commune où elle vit"))
    return box.set_value(text).run()


def choose_commune(at, name):
    """Search a commune that the search finds at once, then show the answers as tables."""
    at = search(at, name)
    assert at.success, f"{name} should be found directly"
    return at.toggle(key="near_her_tables").set_value(True).run()


def test_a_commune_gives_the_nearest_permanence_first_with_its_distance():
    at = choose_commune(open_app(PAGE, query={"dep": "21"}), "Beaune")
    assert not at.exception
    places = at.dataframe[0].value
    assert places["Type"].iloc[0] == "Permanence"
    assert places["Distance (km)"].iloc[0] == 0
    assert places["Distance (km)"].is_monotonic_increasing or places["Type"].nunique() > 1


def test_remote_lines_are_always_listed_apart_with_the_3919_first():
    at = choose_commune(open_app(PAGE, query={"dep": "62"}), "Arras")
    remote = at.dataframe[3].value  # places, national places, zones, remote lines
    assert remote["Téléphone"].iloc[0] == "tel:3919"


def test_a_former_commune_leads_to_its_current_commune():
    at = search(open_app(PAGE, query={"dep": "62"}), "Marconne")
    shown = at.success[0].value.replace("\\", "")
    assert "Marconne, commune déléguée → Hesdin-la-Forêt" in shown


def test_no_secret_place_name_is_shown_in_the_nearby_lists():
    at = choose_commune(open_app(PAGE, query={"dep": "21"}), "Dijon")
    shown = " ".join(" ".join(map(str, df.value.to_numpy().ravel())) for df in at.dataframe)
    assert "Blanqui" not in shown and "Abrioux" not in shown


def test_the_search_is_never_written_into_the_url():
    at = choose_commune(open_app(PAGE, query={"dep": "21"}), "Beaune")
    assert dict(at.query_params) == {"dep": ["21"]} or dict(at.query_params) == {"dep": "21"}


def test_the_directory_sentence_counts_what_the_table_shows():
    at = open_app(PAGE, query={"dep": "62"})
    text = next(t for t in at.text_input if t.label.startswith("Recherche"))
    at = text.set_value("cidff").run()
    table = at.dataframe[-1].value
    sentence = next(c.value for c in at.caption if "correspond" in c.value)
    assert sentence.startswith(f"{len(table)} service")
    assert all("cidff" in f"{n} {o}".lower()
               for n, o in zip(table["Service"], table["Opérateur"], strict=True))


def test_a_professional_sees_the_place_of_a_service_given_on_referral():
    from components.auth import ROLE_KEY

    public = choose_commune(open_app(PAGE, query={"dep": "21"}), "Dijon")
    pro = choose_commune(open_app(PAGE, query={"dep": "21"}, **{ROLE_KEY: "professionnel"}),
                         "Dijon")
    assert "CHRS Sadi Carnot" not in public.dataframe[2].value["Lieu"].tolist()
    assert "CHRS Sadi Carnot" in pro.dataframe[2].value["Lieu"].tolist()
