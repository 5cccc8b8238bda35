"""Directory filters: table-driven, combined, described in French."""

import pandas as pd
import pytest

from geo.directory import DirectoryFilters, fold

SERVICES = pd.DataFrame(
    {
        "id": ["a", "b", "c", "d"],
        "category": ["permanence", "permanence", "iscg", "auteurs"],
        "name": ["Permanence CIDFF", "Permanence France Victimes", "ISCG Arras", "Stage"],
        "operator": ["CIDFF 62", "France Victimes 62", "", "SPIP"],
        "commune": ["Hénin-Beaumont", "Béthune", "Arras", "Lens"],
        "audience": ["femmes victimes", "victimes", "", "auteurs de violences"],
        "status": ["existing", "planned", "existing", "existing"],
    }
)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (DirectoryFilters(), ["a", "b", "c", "d"]),
        (DirectoryFilters(categories=("permanence",)), ["a", "b"]),
        (DirectoryFilters(statuses=("existing",)), ["a", "c", "d"]),
        (DirectoryFilters(text="HENIN"), ["a"]),
        (DirectoryFilters(text="béthune"), ["b"]),
        (DirectoryFilters(text="victimes 62"), ["b"]),
        (DirectoryFilters(audiences=("auteurs",)), ["d"]),
        (DirectoryFilters(audiences=("femmes",)), ["a", "b"]),
        (DirectoryFilters(categories=("permanence",), statuses=("existing",)), ["a"]),
        (DirectoryFilters(text="nowhere"), []),
    ],
)
def test_filters_combine(filters, expected):
    assert filters.apply(SERVICES)["id"].tolist() == expected


def test_territory_filter_keeps_the_services_concerning_it():
    chosen = DirectoryFilters(territory=("arr", "621", "Arras"))
    assert chosen.apply(SERVICES, pd.Index(["c", "zzz"]))["id"].tolist() == ["c"]


def test_the_sentence_says_how_many_and_which_filters():
    chosen = DirectoryFilters(categories=("iscg",), territory=("epci", "1", "CU d'Arras"),
                              statuses=("existing",))
    assert chosen.describe(1) == (
        "1 service correspond : types ISCG ; territoire : l'EPCI CU d'Arras ; "
        "statut : en service."
    )


def test_filters_are_hashable_so_they_can_key_a_cache():
    assert hash(DirectoryFilters(categories=("iscg",))) == hash(DirectoryFilters(("iscg",)))


def test_fold_removes_accents_and_case():
    assert fold("ÉÈÊ Ç œ") == "eee c œ"
