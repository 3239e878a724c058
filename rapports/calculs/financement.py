"""The « Financement » section: the eligible cost of each dispositif split between its funders,
to the cent (rapports.repartition.repartir_tableau: rows, columns and total exact).

Eligible cost = face value of the dispositif's cheques redeemed in the period (encaissé le in
the period, statut encaissé or remboursé; from cheques.bilans, no extra query) + its cost lines
(LigneCout) dated in the period. Two queries: funders, cost lines.
"""

from decimal import Decimal

from pass_numerique.models import Financeur

from ..contenu import MONTANT, Colonne, Section, Tableau
from ..models import LigneCout
from ..repartition import RepartitionImpossible, repartir_tableau
from .commun import CENT, ZERO, total_colonnes
from .perimetre import Periode

CHEQUES_ENCAISSES = "Chèques encaissés"


def _pourcent(p: Decimal) -> str:
    return f"{p.normalize():f}".replace(".", ",")


def section(dispositifs, p: Periode, encaisses: dict[int, Decimal]) -> tuple[Section, Decimal]:
    financeurs: dict[int, list] = {d.pk: [] for d in dispositifs}
    for f in Financeur.objects.filter(dispositif__in=p.dispositifs).order_by("dispositif", "ordre", "pk"):
        financeurs[f.dispositif_id].append(f)
    couts: dict[int, list] = {d.pk: [] for d in dispositifs}
    for ligne in LigneCout.objects.filter(dispositif__in=p.dispositifs, date__gte=p.du, date__lte=p.au).order_by(
        "dispositif", "date", "pk"
    ):
        couts[ligne.dispositif_id].append(ligne)

    tableaux, synthese, total_eligible = [], [], ZERO
    for d in dispositifs:
        lignes_cout = [(CHEQUES_ENCAISSES, encaisses.get(d.pk, ZERO))]
        lignes_cout += [(f"{c.libelle} ({c.date:%d/%m/%Y})", c.montant) for c in couts[d.pk]]
        autres = sum((m for _, m in lignes_cout[1:]), start=ZERO)
        eligible = lignes_cout[0][1] + autres
        total_eligible += eligible
        synthese.append([d.nom, lignes_cout[0][1], autres, eligible])
        parts = [(f.pk, f.pourcentage) for f in financeurs[d.pk]]
        colonnes = [Colonne("Ligne de coût"), Colonne("Montant", MONTANT)]
        colonnes += [Colonne(f"{f.nom} ({_pourcent(f.pourcentage)} %)", MONTANT) for f in financeurs[d.pk]]
        note = (
            "Coût éligible = valeur faciale des chèques du dispositif encaissés dans la période (date d’encaissement, "
            "statut encaissé ou remboursé) + lignes de coût datées dans la période. Chaque montant est réparti selon "
            "la part de chaque financeur, au centime : chaque ligne, chaque financeur et le total tombent juste "
            "(chaque cellule est la part exacte arrondie au centime inférieur ou supérieur)."
        )
        try:
            r = repartir_tableau(lignes_cout, parts)
        except RepartitionImpossible as exc:
            tableaux.append(
                Tableau(
                    f"financement-{d.pk}",
                    f"Répartition entre financeurs — {d.nom}",
                    colonnes[:2],
                    [[libelle, m] for libelle, m in lignes_cout],
                    total=["Total", eligible],
                    note=f"Répartition impossible : {exc} {note}",
                )
            )
            continue
        if not r.marges_exactes:
            note += " Cas rare : les totaux par financeur sont les sommes des lignes (à un centime près par ligne)."
        lignes = [[libelle, m, *[c.quantize(CENT) for c in r.parts[i]]] for i, (libelle, m) in enumerate(lignes_cout)]
        tableaux.append(
            Tableau(
                f"financement-{d.pk}",
                f"Répartition entre financeurs — {d.nom}",
                colonnes,
                lignes,
                total=["Total", r.total.quantize(CENT), *[c.quantize(CENT) for c in r.totaux_financeurs]],
                note=note,
            )
        )
    colonnes = [
        Colonne("Dispositif"),
        Colonne("Chèques encaissés", MONTANT),
        Colonne("Autres coûts", MONTANT),
        Colonne("Coût éligible", MONTANT),
    ]
    resume = Tableau(
        "financement-synthese",
        "Coût éligible par dispositif",
        colonnes,
        synthese,
        total=total_colonnes(synthese, colonnes),
        note="Chèques encaissés : valeur faciale des chèques encaissés dans la période ; autres coûts : lignes de "
        "coût saisies par la coordination, datées dans la période ; le détail par financeur suit.",
    )
    return Section("financement", "Financement et répartition", [resume, *tableaux]), total_eligible
