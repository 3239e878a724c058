"""The co-funding split to the cent (rapports/repartition.py), with hypothesis."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapports.repartition import RepartitionImpossible, repartir, repartir_tableau

CENT = Decimal("0.01")


@st.composite
def pourcentages(draw):
    """1 to 6 positive percentages with two decimals adding up to exactly 100."""
    n = draw(st.integers(1, 6))
    coupures = sorted(draw(st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True)))
    bornes = [0, *coupures, 10000]
    return [Decimal(b - a) / 100 for a, b in itertools.pairwise(bornes)]


montants = st.integers(0, 10**9).map(lambda c: Decimal(c) / 100)


@settings(max_examples=300, deadline=None)
@given(lignes=st.lists(montants, min_size=1, max_size=8), parts=pourcentages())
def test_lignes_colonnes_et_total_tombent_juste(lignes, parts):
    r = repartir_tableau([(i, m) for i, m in enumerate(lignes)], [(j, p) for j, p in enumerate(parts)])
    total = sum(lignes, Decimal(0))
    assert r.total == total
    assert r.marges_exactes
    for i, montant in enumerate(lignes):
        assert sum(r.parts[i]) == montant  # each row adds up to its line amount
        for j, p in enumerate(parts):
            cellule = r.parts[i][j]
            assert cellule == cellule.quantize(CENT) and cellule >= 0
            assert abs(cellule - montant * p / 100) < CENT  # within one cent of the exact share
    assert r.totaux_financeurs == repartir(total, parts)  # columns: the funders' shares of the total
    for j in range(len(parts)):
        assert sum(r.parts[i][j] for i in range(len(lignes))) == r.totaux_financeurs[j]
    assert sum(r.totaux_financeurs) == total


@given(montant=montants, parts=pourcentages())
def test_repartir_un_montant(montant, parts):
    resultat = repartir(montant, parts)
    assert sum(resultat) == montant
    assert all(abs(r - montant * p / 100) < CENT for r, p in zip(resultat, parts, strict=True))


def test_exemple_a_la_main():
    r = repartir_tableau([("a", Decimal("0.01")), ("b", Decimal("0.01")), ("c", Decimal("0.01"))],
                         [("x", Decimal("33.33")), ("y", Decimal("33.33")), ("z", Decimal("33.34"))])  # fmt: skip
    assert [sum(ligne) for ligne in r.parts] == [Decimal("0.01")] * 3
    assert r.totaux_financeurs == [Decimal("0.01")] * 3


@pytest.mark.parametrize(
    ("lignes", "parts"),
    [
        ([Decimal("10")], [Decimal("50"), Decimal("49.99")]),  # not 100 %
        ([Decimal("10")], [Decimal("60"), Decimal("50")]),
        ([Decimal("10")], []),
        ([Decimal("10")], [Decimal("100"), Decimal("0")]),
        ([Decimal("10")], [Decimal("120"), Decimal("-20")]),
        ([Decimal("0.001")], [Decimal("100")]),  # below the cent
        ([Decimal("-5.00")], [Decimal("100")]),  # negative
    ],
)
def test_entrees_invalides(lignes, parts):
    with pytest.raises(RepartitionImpossible):
        repartir_tableau([(i, m) for i, m in enumerate(lignes)], [(j, p) for j, p in enumerate(parts)])
    if lignes[0] >= 0 and lignes[0] == lignes[0].quantize(CENT):
        with pytest.raises(RepartitionImpossible):
            repartir(lignes[0], parts)


@given(montant=st.decimals(min_value=Decimal("-1000"), max_value=Decimal("-0.01"), places=2), parts=pourcentages())
def test_negatif_refuse(montant, parts):
    with pytest.raises(RepartitionImpossible):
        repartir(montant, parts)
