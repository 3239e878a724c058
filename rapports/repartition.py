"""The co-funding split, to the cent.

The eligible cost (redeemed cheques plus the coordinator's cost lines) is split between the
dispositif's funders by their percentages (which add up to 100). Every cell of the table
« cost line × funder » is the exact share rounded down or up to the cent, chosen so that:

- each line's parts add up exactly to the line's amount;
- each funder's parts add up exactly to the funder's share of the grand total, itself the grand
  total split by the largest remainder method;
- so the whole table adds up exactly to the grand total.

Choosing which cells go up by one cent is a small transport problem (rows need r_i cents,
columns c_j cents, at most one per cell with a non-zero remainder) solved by augmenting paths;
in the rare case it has no solution the columns take the sums of the rows (every row and the
grand total stay exact, each funder is within one cent per line). Tested with hypothesis.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

CENT = Decimal("0.01")
CENT_POUR_CENT = Decimal(100)


class RepartitionImpossible(ValueError):
    pass


def _centimes(montant: Decimal) -> int:
    montant = Decimal(montant)
    if montant != montant.quantize(CENT):
        raise RepartitionImpossible(f"Montant au-delà du centime : {montant}")
    if montant < 0:
        raise RepartitionImpossible(f"Montant négatif : {montant}")
    return int(montant * 100)


def _verifier_pourcentages(pourcentages: Sequence[Decimal]) -> None:
    if not pourcentages:
        raise RepartitionImpossible("Aucun financeur.")
    if any(Decimal(p) <= 0 for p in pourcentages):
        raise RepartitionImpossible("Une part de financeur est nulle ou négative.")
    if sum(Decimal(p) for p in pourcentages) != CENT_POUR_CENT:
        raise RepartitionImpossible("Les parts des financeurs ne totalisent pas 100 %.")


def _plus_forts_restes(centimes: int, pourcentages: Sequence[Decimal]) -> list[int]:
    exactes = [Decimal(centimes) * Decimal(p) / CENT_POUR_CENT for p in pourcentages]
    planchers = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exactes]
    reste = centimes - sum(planchers)
    # Largest fractional part first; ties go to the first funder (the order of the dispositif).
    ordre = sorted(range(len(exactes)), key=lambda j: (-(exactes[j] - planchers[j]), j))
    for j in ordre[:reste]:
        planchers[j] += 1
    return planchers


def repartir(montant: Decimal, pourcentages: Sequence[Decimal]) -> list[Decimal]:
    """Split one amount by the percentages: the parts add up exactly to the amount."""
    _verifier_pourcentages(pourcentages)
    return [Decimal(c) / 100 for c in _plus_forts_restes(_centimes(montant), pourcentages)]


def _affecter_centimes(besoins_lignes, besoins_colonnes, candidates) -> list[set[int]] | None:
    """0/1 assignment: row i gets besoins_lignes[i] extra cents in distinct columns of
    candidates[i], column j receives besoins_colonnes[j]. None when impossible."""
    affectation: list[set[int]] = [set() for _ in besoins_lignes]
    restant_col = list(besoins_colonnes)
    for i, besoin in enumerate(besoins_lignes):
        for _ in range(besoin):
            # Augmenting path: row i → column j (free cell) → … → a column with room left.
            precedent: dict[tuple[str, int], tuple[str, int] | None] = {("l", i): None}
            file = [("l", i)]
            fin = None
            while file and fin is None:
                noeud = file.pop(0)
                if noeud[0] == "l":
                    for j in candidates[noeud[1]] - affectation[noeud[1]]:
                        if ("c", j) not in precedent:
                            precedent[("c", j)] = noeud
                            if restant_col[j] > 0:
                                fin = ("c", j)
                                break
                            file.append(("c", j))
                else:
                    j = noeud[1]
                    for k, cellules in enumerate(affectation):
                        if j in cellules and ("l", k) not in precedent:
                            precedent[("l", k)] = noeud
                            file.append(("l", k))
            if fin is None:
                return None
            restant_col[fin[1]] -= 1
            noeud = fin
            while precedent[noeud] is not None:
                avant = precedent[noeud]
                if avant[0] == "l":
                    affectation[avant[1]].add(noeud[1])
                else:
                    affectation[noeud[1]].discard(avant[1])
                noeud = avant
    return affectation


@dataclass(frozen=True)
class Repartition:
    lignes: list[Hashable]
    financeurs: list[Hashable]
    montants: list[Decimal]  # per line
    parts: list[list[Decimal]]  # parts[i][j]: line i, funder j
    totaux_financeurs: list[Decimal]
    total: Decimal
    marges_exactes: bool  # False only in the fallback case (see module docstring)


def repartir_tableau(
    lignes: Sequence[tuple[Hashable, Decimal]], financeurs: Sequence[tuple[Hashable, Decimal]]
) -> Repartition:
    """Split each cost line between the funders, with exact row, column and grand totals."""
    pourcentages = [Decimal(p) for _, p in financeurs]
    _verifier_pourcentages(pourcentages)
    centimes = [_centimes(m) for _, m in lignes]
    exactes = [[Decimal(c) * p / CENT_POUR_CENT for p in pourcentages] for c in centimes]
    planchers = [[int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in ligne] for ligne in exactes]
    totaux = _plus_forts_restes(sum(centimes), pourcentages)
    besoins_lignes = [c - sum(p) for c, p in zip(centimes, planchers, strict=True)]
    besoins_colonnes = [t - sum(ligne[j] for ligne in planchers) for j, t in enumerate(totaux)]
    candidates = [{j for j, e in enumerate(ligne) if e != planchers[i][j]} for i, ligne in enumerate(exactes)]
    affectation = None
    if all(b >= 0 for b in besoins_colonnes):
        affectation = _affecter_centimes(besoins_lignes, besoins_colonnes, candidates)
    marges_exactes = affectation is not None
    if affectation is None:
        affectation = []
        for i, ligne in enumerate(exactes):
            ordre = sorted(range(len(ligne)), key=lambda j, i=i, ligne=ligne: (-(ligne[j] - planchers[i][j]), j))
            affectation.append(set(ordre[: besoins_lignes[i]]))
    cellules = [
        [planchers[i][j] + (1 if j in affectation[i] else 0) for j in range(len(pourcentages))]
        for i in range(len(centimes))
    ]
    totaux_col = [sum(ligne[j] for ligne in cellules) for j in range(len(pourcentages))]
    return Repartition(
        lignes=[cle for cle, _ in lignes],
        financeurs=[cle for cle, _ in financeurs],
        montants=[Decimal(c) / 100 for c in centimes],
        parts=[[Decimal(c) / 100 for c in ligne] for ligne in cellules],
        totaux_financeurs=[Decimal(c) / 100 for c in totaux_col],
        total=Decimal(sum(centimes)) / 100,
        marges_exactes=marges_exactes,
    )
