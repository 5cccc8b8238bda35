"""Streamlit blocks of the "Mon territoire" page: choice (with ?epci= / ?arr=), figures, lists.

URL state is one validated code: ``?epci=<SIREN>`` or ``?arr=<code>``, read once per session
(before the sidebar is drawn, so that an EPCI of another département switches the département
filter) and written back only when the user changes the choice.
"""

from __future__ import annotations

import re

import streamlit as st

from components import data, mapviews, panels, sheet
from components.filters import DEP_KEY
from components.formatting import number

TERRITORY_KEY = "territory"
_URL_READ = "_territory_url_read"
LEVELS = {"epci": "EPCI", "arr": "Arrondissement"}


def territory_from_url() -> str | None:
    """Read ``?epci=`` or ``?arr=`` once per session; return a French warning if unknown."""
    if st.session_state.get(_URL_READ):
        return None
    st.session_state[_URL_READ] = True
    known = data.sheet_territories()
    for level, label in LEVELS.items():
        asked = st.query_params.get(level)
        if asked is None:
            continue
        key = f"{level}:{asked}"
        if key not in known:
            shown = re.sub(r"[^0-9A-Za-z]", "", asked)[:12]
            return (f"{label} « {shown} » inconnu : choisissez un territoire dans la liste "
                    "ci-dessous.")
        st.session_state[TERRITORY_KEY] = key
        if st.session_state.get(DEP_KEY) not in known[key]["deps"]:
            st.session_state[DEP_KEY] = known[key]["deps"][0]
        return None
    return None


def _keep() -> None:
    key = st.session_state[f"_{TERRITORY_KEY}"]
    st.session_state[TERRITORY_KEY] = key
    level, code = key.split(":", 1)
    for other in LEVELS:
        if other != level and other in st.query_params:
            del st.query_params[other]
    st.query_params[level] = code


def choose(dep: str) -> str:
    """Draw the territory selector (EPCI touching the département, then arrondissements)."""
    choices = data.sheet_choices(dep)
    if st.session_state.get(TERRITORY_KEY) not in choices:
        st.session_state[TERRITORY_KEY] = next(iter(choices))
    st.session_state[f"_{TERRITORY_KEY}"] = st.session_state[TERRITORY_KEY]
    st.selectbox("Intercommunalité (EPCI) ou arrondissement", list(choices),
                 key=f"_{TERRITORY_KEY}", format_func=choices.get, on_change=_keep,
                 help="Tapez quelques lettres du nom pour filtrer la liste.")
    return st.session_state[TERRITORY_KEY]


def header(key: str, dep: str) -> None:
    """Name of the territory and what it is."""
    info = data.sheet_territories()[key]
    names = data.departement_names()
    profile = data.sheet_profile(key, dep)
    code = f"SIREN {info['code']}" if info["level"] == "epci" else f"code {info['code']}"
    st.subheader(info["nom"])
    st.caption(
        f"{info['nature']} · {code} · "
        + ", ".join(f"{names.get(d, d)} ({d})" for d in info["deps"])
        + f" · {number(profile.loc['communes', 'territoire'])} communes · "
        f"{number(profile.loc['population', 'territoire'])} habitants (population municipale "
        "2023, INSEE ; COG 2026)"
    )


def map_legend(key: str) -> None:
    """Legend of the territory map and how to read it."""
    panels.legend(mapviews.distance_legend(with_sector=False))
    inside, near = data.sheet_points(key)
    panels.legend(data.categories_legend(tuple(sorted(set(inside["category"])
                                                      | set(near["category"])))))
    st.caption(
        "Communes colorées selon la distance (à vol d'oiseau) de leur point de population à "
        "la permanence la plus proche, y compris hors du territoire. Petits points : services "
        f"situés hors du territoire, à moins de {data.NEAR_KM:.0f} km de sa limite. "
        "L'hébergement n'est jamais localisé."
    )


def indicators(key: str, dep: str) -> None:
    """The indicator table, territory beside département and reference."""
    st.markdown("#### Indicateurs")
    table = sheet.profile_text(data.sheet_profile(key, dep))
    table = table.rename(columns={"Département": data.departement_names().get(dep, dep)})
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(sheet.SOURCES[0])


def services(key: str) -> None:
    """The services of the territory and near it; département-wide ones folded away."""
    lists = data.sheet_services(key)
    st.markdown("#### Services du territoire et à proximité")
    panels.table_or_notice(lists["territoire"], "Aucun service des plans recensé dans le "
                           "territoire.")
    if not lists["generaux"].empty:
        st.markdown("Lieux généraux du territoire : gendarmerie, police, justice, santé "
                    "(annuaire service-public.fr, février 2016 ; FINESS, mars 2020 ; jamais "
                    "vérifiés sur le terrain)")
        st.dataframe(lists["generaux"], hide_index=True, width="stretch")
    if not lists["proximite"].empty:
        st.markdown(f"À moins de {data.NEAR_KM:.0f} km, hors du territoire")
        st.dataframe(lists["proximite"], hide_index=True, width="stretch")
    if not lists["proximite_generaux"].empty:
        st.markdown(f"Lieux généraux à moins de {data.NEAR_KM:.0f} km, hors du territoire")
        st.dataframe(lists["proximite_generaux"], hide_index=True, width="stretch")
    if not lists["departement"].empty:
        with st.expander(f"{len(lists['departement'])} service(s) couvrant tout le département"):
            st.dataframe(lists["departement"], hide_index=True, width="stretch")


def plan_figures(key: str) -> None:
    """Figures of the departmental plans that name the territory or one of its communes."""
    figures = data.sheet_figures(key)
    if figures.empty:
        st.caption("Les plans départementaux ne donnent aucun chiffre propre à ce territoire.")
        return
    st.markdown("#### Chiffres des plans concernant le territoire")
    st.dataframe(sheet.figure_rows(figures), hide_index=True, width="stretch")


def download(key: str, dep: str) -> None:
    """The printable A4 sheet."""
    level, code = key.split(":", 1)
    st.download_button("Télécharger la fiche (PDF)", data.sheet_pdf(key, dep),
                       file_name=f"fiche-{level}-{code}.pdf", mime="application/pdf",
                       key="sheet-pdf", type="primary")
