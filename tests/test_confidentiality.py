"""R4: no secret place (hébergement) name, term or point in anything the app serves."""

from __future__ import annotations

import pytest
import streamlit as st
from test_pages import PAGES, open_app

from components import data
from geo.listings import SECRET_NAME, read_secret_terms, read_services

RAW = read_services()
SECRET = RAW[RAW["confidentiality"] == "secret"]
FORBIDDEN = sorted({*SECRET["name"], *read_secret_terms()})


def served_text(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "title", "subheader")
             for e in getattr(at, kind)]
    parts += [" ".join(map(str, df.value.to_numpy().ravel())) for df in at.dataframe]
    return "\n".join(map(str, parts)).lower()


def test_the_listings_do_have_secret_places_to_protect():
    assert len(SECRET) >= 20 and SECRET["lat"].isna().all() and (SECRET["address"] == "").all()


@pytest.mark.parametrize("dep", ["21", "03", "62"])
@pytest.mark.parametrize("page", [None, *PAGES])
def test_no_page_shows_a_secret_name(page, dep):
    text = served_text(open_app(page, query={"dep": dep}))
    assert not [name for name in FORBIDDEN if name.lower() in text]


@pytest.mark.parametrize("dep", ["21", "03"])
def test_no_map_serialises_a_secret_name(dep):
    st.cache_data.clear()
    cats = tuple(c for c in data.LOCATABLE)
    html = data.coverage_map(dep, cats, 15.0).get_root().render().lower()
    assert not [name for name in FORBIDDEN if name.lower() in html]


def test_every_public_row_mentioning_a_secret_place_loses_its_point():
    public = data.services()
    mentions = public["name"].str.contains("lieu confidentiel", regex=False)
    assert mentions.any()
    assert public.loc[mentions, "lat"].isna().all()
    assert (public.loc[mentions, "place"] == "").all()


def test_secret_rows_keep_their_commune_and_capacity_for_the_counts():
    public = data.services()
    shown = public[public["name"] == SECRET_NAME]
    key = ["insee", "catchment", "capacity"]
    assert (shown[key].fillna(-1).sort_values(key).to_numpy().tolist()
            == SECRET[key].fillna(-1).sort_values(key).to_numpy().tolist())
