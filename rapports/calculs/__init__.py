"""The figures of a funding report, computed in SQL (docs/adr/0011-rapports-de-financement.md).

`construire_contenu(...)` returns a `ContenuRapport` (rapports/contenu.py): key indicators, then
the sections « cheques », « personnes », « activite », « financement » and « participants » (the
pseudonymised participant-level sheet, XLSX / CSV only). Every figure is an aggregate query
(a bounded number, independent of the data size); every table carries a note saying how its
figures are computed. Modules: perimetre (what belongs to the report), cheques, personnes,
activite, financement.
"""

import contextlib
import datetime
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

from ..contenu import ENTIER, MONTANT, POURCENTAGE, ContenuRapport, Indicateur
from . import activite, cheques, financement, personnes
from .commun import pourcentage
from .perimetre import periode

TITRE = "Rapport de financement"
COULEUR_PAR_DEFAUT = "#1f4e79"
TOUTES_LES_INSTANCES = "Toutes les instances"
# A longer table (a whole-instance report lists thousands of places) goes to the XLSX and CSV
# only: hundreds of PDF pages help no one and cost WeasyPrint gigabytes.
# A PDF table costs about 9 ms per row in WeasyPrint: long tables (places, communes, prescribers
# of a whole instance) show their first rows by activity; every row stays in XLSX and CSV.
LIGNES_MAX_PDF = 25
LIGNES_EXTRAIT_PDF = 15
# Beyond this, the participant sheet goes to CSV only: XLSX stops at 1,048,576 rows, and
# openpyxl writes about 3,000 rows a second.
LIGNES_MAX_XLSX = 100_000


def _limiter(tableau) -> None:
    if tableau.dans_pdf and len(tableau.lignes) > LIGNES_MAX_PDF:
        numeriques = [i for i, c in enumerate(tableau.colonnes) if c.type in (ENTIER, MONTANT)]
        presences = [i for i, c in enumerate(tableau.colonnes) if c.libelle == "Présences"]
        tableau.pdf_premieres = LIGNES_EXTRAIT_PDF
        tableau.pdf_tri = (presences or numeriques or [0])[0]
    if len(tableau.lignes) > LIGNES_MAX_XLSX:
        tableau.dans_xlsx = False
        tableau.note += f" {len(tableau.lignes)} lignes : dans les fichiers CSV seulement (trop pour un classeur)."


def _logo(departement) -> str:
    logo = getattr(departement, "logo", None)
    if not logo:
        return ""
    try:
        return logo.path
    except (NotImplementedError, ValueError):
        return ""


@contextlib.contextmanager
def _sans_jit():
    """PostgreSQL's JIT compiles a query whose estimated cost is high — the grouped queries with
    correlated subqueries here — and spends about a second doing so for a query that runs in tens
    of milliseconds. Off while the report is computed, then back to the server's setting (no
    transaction here: the progress the caller saves between sections must stay visible)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as curseur:
        curseur.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as curseur:
            curseur.execute("RESET jit")


def construire_contenu(
    *,
    dispositifs: list,
    du: datetime.date,
    au: datetime.date,
    departement=None,
    genere_le: datetime.datetime | None = None,
    parametres: list[tuple[str, str]] | None = None,
    progression: Callable[[int, str], None] | None = None,
) -> ContenuRapport:
    """The report's content for these dispositifs and the inclusive local dates [du, au]."""
    if au < du:
        raise ValueError("La fin de la période précède son début.")
    with _sans_jit():
        return _construire(dispositifs, du, au, departement, genere_le, parametres, progression)


def _construire(dispositifs, du, au, departement, genere_le, parametres, progression) -> ContenuRapport:

    def etape(pourcentage_: int, libelle: str) -> None:
        if progression:
            progression(pourcentage_, libelle)

    dispositifs = sorted(dispositifs, key=lambda d: (d.nom, d.pk))
    p = periode(dispositifs, du, au)
    etape(5, "Chèques")
    section_cheques, bilans, total = cheques.section(dispositifs, p)
    etape(25, "Personnes et indicateurs FSE+")
    section_personnes, section_participants, publics = personnes.sections(dispositifs, p)
    etape(50, "Activité")
    section_activite, act = activite.section(p)
    etape(70, "Financement")
    encaisses = {pk: b.flux["encaisses"][1] for pk, b in bilans.items()}
    section_financement, eligible = financement.section(dispositifs, p, encaisses)

    remis_n, remis_v = total.flux["remis"]
    enc_n, enc_v = total.flux["encaisses"]
    indicateurs = [
        Indicateur("Chèques remis", remis_n, ENTIER, f"{remis_v} € de valeur faciale"),
        Indicateur("Chèques encaissés", enc_n, ENTIER, f"{enc_v} € de valeur faciale"),
        Indicateur("Taux d’encaissement", total.taux, POURCENTAGE, "des chèques remis dans la période"),
        Indicateur("Valeur non utilisée", total.valeur_non_utilisee, MONTANT, "remis dans la période, non encaissés"),
        Indicateur("Participant·es FSE+", publics["participants"], ENTIER, "au moins 2 jours de parcours"),
        Indicateur(
            "Part des publics prioritaires",
            pourcentage(publics["prioritaires"], publics["personnes"]),
            POURCENTAGE,
            f"sur {publics['personnes']} personnes ayant reçu un carnet",
        ),
        Indicateur("Séances tenues", act["seances"], ENTIER),
        Indicateur("Heures délivrées", act["minutes"] // 60, ENTIER, f"{act['minutes']} minutes"),
        Indicateur("Présences", act["presences"], ENTIER, f"{act['personnes']} personnes distinctes"),
        Indicateur("Venues sans inscription", act["anonymes"], ENTIER),
        Indicateur("Coût éligible", eligible, MONTANT, "chèques encaissés et autres coûts"),
    ]
    sections = [section_cheques, section_personnes, section_activite, section_financement, section_participants]
    for tableau in (t for s in sections for t in s.tableaux):
        _limiter(tableau)
    etape(80, "Mise en forme")
    return ContenuRapport(
        titre=TITRE,
        departement=str(departement) if departement else TOUTES_LES_INSTANCES,
        couleur=getattr(departement, "couleur", "") or COULEUR_PAR_DEFAUT,
        dispositifs=[d.nom for d in dispositifs],
        du=du,
        au=au,
        genere_le=genere_le or timezone.now(),
        parametres=parametres or [],
        indicateurs=indicateurs,
        sections=sections,
        logo=_logo(departement),
    )
