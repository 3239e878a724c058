"""Hand-built report contents for the writers' tests (rapports/formats/): every column type, a
None, formula-looking text, accents, a total row, a note, a long table spanning pages, a chart, a
participant-level table kept out of the PDF, and a large synthetic table for memory and time."""

import datetime
from decimal import Decimal

from django.utils import timezone

from rapports.contenu import (
    DATE,
    ENTIER,
    MONTANT,
    NON_RENSEIGNE,
    POURCENTAGE,
    Colonne,
    ContenuRapport,
    Graphique,
    Indicateur,
    Section,
    Serie,
    Tableau,
)

FORMULE = '=HYPERLINK("http://exemple.invalid","clic")'
TELEPHONE = "+33 6 12 34 56 78"
GENERE_LE = timezone.make_aware(datetime.datetime(2026, 1, 5, 10, 12))
MOIS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def tableau_types() -> Tableau:
    """Every column type; a None; injection attempts; accents; a total and a note."""
    return Tableau(
        cle="cheques_par_lieu",
        titre="Chèques encaissés par lieu : détail [2025]",
        colonnes=[
            Colonne("Lieu"),
            Colonne("Chèques", ENTIER),
            Colonne("Montant", MONTANT),
            Colonne("Taux d’encaissement", POURCENTAGE),
            Colonne("Dernier encaissement", DATE),
        ],
        lignes=[
            ["Médiathèque de Guéret", 1234, Decimal("1234.50"), Decimal("12.5"), datetime.date(2025, 12, 31)],
            [FORMULE, 3, Decimal("30.00"), Decimal("33.33"), datetime.date(2025, 3, 1)],
            [TELEPHONE, 0, Decimal("0"), None, None],
            ["-12", 7, Decimal("70.00"), Decimal("100"), datetime.date(2025, 7, 14)],
            ["@SOMME(A1:A2)", 2, Decimal("1000000.10"), Decimal("0"), datetime.date(2025, 1, 2)],
        ],
        total=["Total", 1246, Decimal("1001335.10"), Decimal("45.67"), None],
        note="Montants en euros, valeur faciale des chèques encaissés ; taux = encaissés / remis.",
    )


def tableau_mensuel() -> Tableau:
    return Tableau(
        cle="cheques_par_mois",
        titre="Chèques remis et encaissés par mois",
        colonnes=[Colonne("Mois"), Colonne("Remis", ENTIER), Colonne("Encaissés", ENTIER)],
        lignes=[[m, 10 * (i + 1), 8 * i] for i, m in enumerate(MOIS)],
        total=[None, sum(10 * (i + 1) for i in range(12)), sum(8 * i for i in range(12))],
    )


def graphique_mensuel() -> Graphique:
    t = tableau_mensuel()
    return Graphique(
        cle="cheques_mois",
        titre="Évolution mensuelle des chèques",
        categories=MOIS,
        series=[Serie("Remis", [ligne[1] for ligne in t.lignes]), Serie("Encaissés", [ligne[2] for ligne in t.lignes])],
        tableau="cheques_par_mois",
        unite="chèques",
    )


def tableau_long(nombre: int = 150) -> Tableau:
    return Tableau(
        cle="seances_par_commune",
        titre="Séances par commune",
        colonnes=[Colonne("Commune"), Colonne("Séances", ENTIER), Colonne("Heures", ENTIER)],
        lignes=[
            [f"Commune n° {i:04d} — Saint-Étienne", i % 17, Decimal(i % 9) + Decimal("0.5")] for i in range(nombre)
        ],
        note="Heures des séances ayant eu au moins une présence.",
    )


def tableau_participants(nombre: int = 30) -> Tableau:
    sexes = ["femme", "homme", NON_RENSEIGNE]
    return Tableau(
        cle="participants",
        titre="Participants (pseudonymisés) — questionnaire FSE+",
        colonnes=[
            Colonne("Pseudonyme"),
            Colonne("Sexe"),
            Colonne("Âge à l’entrée", ENTIER),
            Colonne("Première journée", DATE),
            Colonne("Chèques encaissés", MONTANT),
        ],
        lignes=[
            [
                f"P-{i:06d}",
                sexes[i % 3],
                18 + i % 60,
                datetime.date(2025, 1 + i % 12, 1 + i % 28),
                Decimal(10 * (i % 5)),
            ]
            for i in range(nombre)
        ],
        dans_pdf=False,
    )


def contenu_exemple(*, departement: str = "Creuse (23)", logo: str = "", lignes_longues: int = 150) -> ContenuRapport:
    return ContenuRapport(
        titre="Rapport de financement",
        departement=departement,
        couleur="#1f6f50",
        dispositifs=["Pass numérique Creuse 2025", "Pass jeunes"],
        du=datetime.date(2025, 1, 1),
        au=datetime.date(2025, 12, 31),
        genere_le=GENERE_LE,
        parametres=[("Formats", "PDF, XLSX, CSV"), ("Demandé par", "Élise Coordinatrice")],
        indicateurs=[
            Indicateur("Chèques remis", 1234, ENTIER),
            Indicateur("Valeur encaissée", Decimal("1234.50"), MONTANT, "valeur faciale"),
            Indicateur("Taux d’encaissement", Decimal("12.5"), POURCENTAGE),
            Indicateur("Date du dernier encaissement", datetime.date(2025, 12, 31), DATE),
            Indicateur("Participants FSE+", 87, ENTIER, "au moins deux journées de parcours"),
            Indicateur("Sans objet", None, ENTIER),
        ],
        sections=[
            Section(
                cle="cheques",
                titre="Chèques",
                introduction="État des chèques du dispositif sur la période.",
                tableaux=[tableau_mensuel(), tableau_types()],
                graphiques=[graphique_mensuel()],
            ),
            Section(cle="activite", titre="Activité", tableaux=[tableau_long(lignes_longues)]),
            Section(cle="personnes", titre="Personnes", tableaux=[tableau_participants()]),
        ],
        logo=logo,
    )


def contenu_volumineux(nombre: int) -> ContenuRapport:
    """A report whose participant-level table has `nombre` rows (memory and time)."""
    contenu = contenu_exemple(lignes_longues=20)
    contenu.sections[-1].tableaux = [tableau_participants(nombre)]
    return contenu
