"""The « Activité » section: the dispositifs' sessions held in the period — sessions, time
delivered, presences, people, walk-ins, themes — per place, commune, EPCI and per prescriber
organisation (the one that handed out the booklets).

Seven grouped queries whatever the size: sessions per place, presences per place, distinct
people per commune / per EPCI / overall, themes, prescribers. Places are few (a département has
hundreds), so rolling the additive per-place figures up to communes and EPCIs is done here.
"""

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from ateliers.models import Inscription
from ateliers.themes import Theme
from pass_numerique.models import Carnet, Cheque
from territoires.models import Commune

from ..contenu import ENTIER, MONTANT, Colonne, Graphique, Section, Serie, Tableau
from .commun import montant, total_colonnes
from .perimetre import ENCAISSES, Periode, presences, seances_tenues

EPCI_NON_RENSEIGNE = "EPCI non renseigné"
COMMUNE_NON_RENSEIGNEE = "Commune non renseignée"
TOP_LIEUX = 10

NOTE_ACTIVITE = (
    "Séances des dispositifs (ateliers rattachés au dispositif, et séances où un chèque du dispositif a été "
    "encaissé à l’émargement), non annulées, commencées dans la période. Minutes délivrées : durée des séances "
    "ayant au moins une présence ou une venue sans inscription (heures = minutes ÷ 60) ; présences : émargements "
    "« présent·e » ; personnes : personnes distinctes présentes ; venues sans inscription : anonymes, jamais "
    "comptées parmi les participant·es."
)
COLONNES_ACTIVITE = [
    Colonne("Séances", ENTIER),
    Colonne("Minutes délivrées", ENTIER),
    Colonne("Présences", ENTIER),
    Colonne("Personnes distinctes", ENTIER),
    Colonne("Venues sans inscription", ENTIER),
]


def _territoire(lieu: str) -> dict:
    """The place's commune name, EPCI code and name: from its commune of the reference
    (`commune_ref`), else from its INSEE code (places imported before the link existed)."""

    def par_code(champ):
        return Subquery(Commune.objects.filter(code_insee=OuterRef(f"{lieu}__code_insee")).values(champ)[:1])

    def champ(nom):
        return Coalesce(NullIf(f"{lieu}__commune_ref__{nom}", Value("")), par_code(nom), Value(""))

    return {
        "commune_lieu": Coalesce(NullIf(f"{lieu}__commune_ref__nom", Value("")), par_code("nom"), f"{lieu}__commune"),
        "epci_code": champ("epci_code"),
        "epci_nom": champ("epci_nom"),
    }


def _par_lieu(p: Periode) -> tuple[list[dict], dict, dict]:
    avec_monde = Exists(
        Inscription.objects.filter(
            seance=OuterRef("pk"), presence=Inscription.Presence.PRESENT, statut=Inscription.Statut.INSCRIT
        )
    )
    seances = (
        seances_tenues(p)
        .order_by()
        .annotate(**_territoire("lieu"))
        .values("lieu", "lieu__nom", "commune_lieu", "epci_code", "epci_nom")
        .annotate(
            seances=Count("pk"),
            minutes=Coalesce(Sum("duree_minutes", filter=Q(avec_monde) | Q(participants_anonymes__gt=0)), 0),
            anonymes=Coalesce(Sum("participants_anonymes"), 0),
        )
    )
    par_lieu = {
        r["seance__lieu"]: (r["n"], r["personnes"])
        for r in presences(p)
        .order_by()
        .values("seance__lieu")
        .annotate(n=Count("pk"), personnes=Count("beneficiaire", distinct=True))
    }
    territoire = _territoire("seance__lieu")
    par_commune = {
        r["c"] or COMMUNE_NON_RENSEIGNEE: r["n"]
        for r in presences(p)
        .order_by()
        .annotate(c=territoire["commune_lieu"])
        .values("c")
        .annotate(n=Count("beneficiaire", distinct=True))
    }
    par_epci = {
        r["e"] or EPCI_NON_RENSEIGNE: r["n"]
        for r in presences(p)
        .order_by()
        .annotate(e=territoire["epci_nom"])
        .values("e")
        .annotate(n=Count("beneficiaire", distinct=True))
    }
    lignes = []
    for r in seances:
        n, personnes = par_lieu.get(r["lieu"], (0, 0))
        lignes.append({**r, "presences": n, "personnes": personnes})
    return lignes, par_commune, par_epci


def _regroupe(lignes: list[dict], cle, distincts: dict) -> list[list]:
    groupes: dict[str, list[int]] = {}
    for r in lignes:
        g = groupes.setdefault(cle(r), [0, 0, 0, 0])
        g[0] += r["seances"]
        g[1] += r["minutes"]
        g[2] += r["presences"]
        g[3] += r["anonymes"]
    return [[nom, s, m, pr, distincts.get(nom, 0), a] for nom, (s, m, pr, a) in sorted(groupes.items())]


def _epci(r: dict) -> str:
    if not r["epci_nom"]:
        return EPCI_NON_RENSEIGNE
    return f"{r['epci_nom']} ({r['epci_code']})"


def tableaux_activite(p: Periode) -> tuple[list[Tableau], Graphique, dict]:
    lignes, par_commune, par_epci = _par_lieu(p)
    total_personnes = presences(p).aggregate(n=Count("beneficiaire", distinct=True))["n"]
    lieux_cols = [Colonne("Lieu"), Colonne("Commune"), *COLONNES_ACTIVITE]
    lieux_lignes = [
        [r["lieu__nom"], r["commune_lieu"] or COMMUNE_NON_RENSEIGNEE, r["seances"], r["minutes"], r["presences"],
         r["personnes"], r["anonymes"]]
        for r in sorted(lignes, key=lambda r: (r["lieu__nom"], r["lieu"]))
    ]  # fmt: skip
    total_lieux = total_colonnes(lieux_lignes, lieux_cols, debut=2)
    total_lieux[5] = total_personnes  # distinct people over the period, never a sum
    lieux = Tableau(
        "activite-lieux", "Activité par lieu", lieux_cols, lieux_lignes, total=total_lieux, note=NOTE_ACTIVITE
    )
    # Distinct people per EPCI are keyed by name only; the label adds the SIREN.
    epci_distincts = {_epci(r): par_epci.get(r["epci_nom"] or EPCI_NON_RENSEIGNE, 0) for r in lignes}
    tableaux = [lieux]
    for cle, titre, libelle, fonction, distincts in (
        ("activite-communes", "Activité par commune", "Commune",
         lambda r: r["commune_lieu"] or COMMUNE_NON_RENSEIGNEE, par_commune),
        ("activite-epci", "Activité par EPCI", "EPCI", _epci, epci_distincts),
    ):  # fmt: skip
        colonnes = [Colonne(libelle), *COLONNES_ACTIVITE]
        regroupees = _regroupe(lignes, fonction, distincts)
        total = total_colonnes(regroupees, colonnes)
        total[4] = total_personnes
        note = NOTE_ACTIVITE + " Commune et EPCI : ceux du lieu (référentiel des communes)."
        tableaux.append(Tableau(cle, titre, colonnes, regroupees, total=total, note=note))
    top = sorted(lieux_lignes, key=lambda ligne: (-ligne[4], ligne[0]))[:TOP_LIEUX]
    graphique = Graphique(
        "activite-lieux",
        f"Présences et séances des {TOP_LIEUX} lieux les plus fréquentés",
        [ligne[0] for ligne in top],
        [Serie("Présences", [ligne[4] for ligne in top]), Serie("Séances", [ligne[2] for ligne in top])],
        tableau=lieux.cle,
    )
    resume = {
        "seances": total_lieux[2],
        "minutes": total_lieux[3],
        "presences": total_lieux[4],
        "personnes": total_personnes,
        "anonymes": total_lieux[6],
    }
    return tableaux, graphique, resume


def tableau_themes(p: Periode) -> Tableau:
    agregats = {t.value: Count("pk", filter=Q(atelier__themes__contains=f"|{t.value}|")) for t in Theme}
    compte = seances_tenues(p).order_by().aggregate(**agregats)
    lignes = [[str(t.label), compte[t.value]] for t in Theme]
    return Tableau(
        "activite-themes",
        "Séances par thème",
        [Colonne("Thème"), Colonne("Séances", ENTIER)],
        lignes,
        note="Séances tenues (voir « Activité par lieu ») dont l’atelier a le thème ; une séance à deux thèmes "
        "compte pour chacun : les lignes ne s’additionnent pas.",
    )


def tableau_prescripteurs(p: Periode) -> Tableau:
    """Two grouped queries, by the organisation that held the booklet: booklets and people from
    the booklets (no DISTINCT over cheques), cheques and values from the cheques."""
    remis = p.dans("carnet__remis_le")
    encaisses = p.dans("encaisse_le") & Q(statut__in=ENCAISSES)
    carnets = {
        r["organisme"]: r
        for r in Carnet.objects.filter(dispositif__in=p.dispositifs, organisme__isnull=False)
        .filter(p.dans("remis_le"))
        .order_by()
        .values("organisme")
        .annotate(carnets=Count("pk"), personnes=Count("beneficiaire", distinct=True))
    }
    lignes_sql = (
        Cheque.objects.filter(dispositif__in=p.dispositifs, carnet__organisme__isnull=False)
        .filter(remis | encaisses)
        .order_by()
        .values("carnet__organisme", "carnet__organisme__nom")
        .annotate(
            remis_n=Count("pk", filter=remis),
            remis_v=Sum("valeur", filter=remis),
            enc_n=Count("pk", filter=encaisses),
            enc_v=Sum("valeur", filter=encaisses),
        )
        .order_by("carnet__organisme__nom", "carnet__organisme")
    )
    colonnes = [
        Colonne("Organisme prescripteur"),
        Colonne("Carnets remis", ENTIER),
        Colonne("Personnes", ENTIER),
        Colonne("Chèques remis", ENTIER),
        Colonne("Valeur remise", MONTANT),
        Colonne("Chèques encaissés", ENTIER),
        Colonne("Valeur encaissée", MONTANT),
    ]
    lignes = [
        [r["carnet__organisme__nom"], c.get("carnets", 0), c.get("personnes", 0), r["remis_n"], montant(r["remis_v"]),
         r["enc_n"], montant(r["enc_v"])]
        for r in lignes_sql
        for c in [carnets.get(r["carnet__organisme"], {})]
    ]  # fmt: skip
    return Tableau(
        "activite-prescripteurs",
        "Par organisme prescripteur",
        colonnes,
        lignes,
        total=total_colonnes(lignes, colonnes),
        note="Organisme qui a remis le carnet (carnet.organisme) : carnets et chèques remis dans la période, "
        "chèques de ces organismes encaissés dans la période (quelle que soit la date de remise). « Personnes » : "
        "personnes distinctes par organisme (la ligne Total les additionne).",
    )


def section(p: Periode) -> tuple[Section, dict]:
    tableaux, graphique, resume = tableaux_activite(p)
    tableaux.append(tableau_themes(p))
    tableaux.append(tableau_prescripteurs(p))
    return Section("activite", "Activité", tableaux, [graphique]), resume
