"""The « Personnes » section: FSE+ participants and indicators, priority and eligibility publics;
and the participant-level pseudonymised sheet (XLSX / CSV only).

FSE+ indicators: one query (conditional counts grouped by sex) over the participants, themselves
a grouped query over the UNION of (person, day) pairs (perimetre.parcours_sql). Publics: two
queries. The sheet: one streamed raw query (the only place rows of people are read).
"""

from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from beneficiaires.fse import NSP, NSP_LIBELLE, QUESTIONS_OUI_NON, NiveauEtudes, Sexe, SituationEmploi
from beneficiaires.models import Beneficiaire, Public
from pass_numerique.models import Carnet

from ..contenu import DATE, ENTIER, NON_RENSEIGNE, POURCENTAGE, Colonne, Graphique, Section, Serie, Tableau
from .commun import jour_local, pourcentage
from .perimetre import Periode, parcours_sql, participants_sql

SEXES = [(Sexe.FEMME, "Femme"), (Sexe.HOMME, "Homme"), (Sexe.NON_BINAIRE, "Non-binaire"),
         (NSP, NSP_LIBELLE), ("", NON_RENSEIGNE)]  # fmt: skip
PRIORITAIRES = [Public.RSA, Public.AAH, Public.DEMANDEUR_EMPLOI, Public.JEUNE_MISSION_LOCALE]

# (table cle, title, [(row label, Q on the person)])
INDICATEURS = [
    ("fse-emploi", "Situation vis-à-vis de l’emploi à l’entrée", [
        ("Chômeur·ses, y compris de longue durée",
         Q(situation_emploi__in=[SituationEmploi.CHOMEUR, SituationEmploi.CHOMEUR_LONGUE_DUREE])),
        ("dont chômeur·ses de longue durée", Q(situation_emploi=SituationEmploi.CHOMEUR_LONGUE_DUREE)),
        ("Inactif·ves", Q(situation_emploi=SituationEmploi.INACTIF)),
        ("En emploi, y compris indépendant·es", Q(situation_emploi=SituationEmploi.EN_EMPLOI)),
        (NSP_LIBELLE, Q(situation_emploi=NSP)),
        (NON_RENSEIGNE, Q(situation_emploi="")),
    ]),
    ("fse-age", "Âge à l’entrée", [
        ("Moins de 18 ans", Q(age_a_l_entree__lt=18)),
        ("18 à 29 ans", Q(age_a_l_entree__gte=18, age_a_l_entree__lte=29)),
        ("30 à 54 ans", Q(age_a_l_entree__gte=30, age_a_l_entree__lte=54)),
        ("55 ans et plus", Q(age_a_l_entree__gte=55)),
        (NON_RENSEIGNE, Q(age_a_l_entree__isnull=True)),
    ]),
    ("fse-etudes", "Niveau d’études (CITE)", [
        ("CITE 0 à 2", Q(niveau_etudes=NiveauEtudes.CITE_0_2)),
        ("CITE 3 à 4", Q(niveau_etudes=NiveauEtudes.CITE_3_4)),
        ("CITE 5 à 8", Q(niveau_etudes=NiveauEtudes.CITE_5_8)),
        (NSP_LIBELLE, Q(niveau_etudes=NSP)),
        (NON_RENSEIGNE, Q(niveau_etudes="")),
    ]),
    ("fse-autres", "Autres indicateurs", [
        (f"{question} — {reponse}", Q(**{champ: valeur}))
        for champ, question in QUESTIONS_OUI_NON.items()
        for valeur, reponse in (("oui", "Oui"), ("non", "Non"), (NSP, NSP_LIBELLE), ("", NON_RENSEIGNE))
    ] + [
        ("Zone rurale — Oui", Q(zone_rurale=True)),
        ("Zone rurale — Non", Q(zone_rurale=False)),
        ("Zone rurale — Inconnu", Q(zone_rurale__isnull=True)),
    ]),
]  # fmt: skip

NOTE_PARTICIPANTS = (
    "Participant·e FSE+ : personne (fiche non fusionnée ; les fiches anonymisées gardent leurs réponses) "
    "ayant au moins 2 jours de parcours distincts jusqu’à la fin de la période, dont au moins un dans la "
    "période. Jours de parcours : dates locales des présences (émargement « présent·e ») aux séances des "
    "dispositifs et des encaissements de chèques des dispositifs issus de carnets qui lui ont été remis. "
    "Chaque personne compte une fois. Les venues sans inscription ne sont jamais des participant·es."
)


def _participants():
    return Beneficiaire.objects.filter(fusionne_dans__isnull=True)


def indicateurs_fse(p: Periode) -> list[Tableau]:
    """One query: per sex, the count of participants in each indicator row."""
    sql, params = participants_sql(p)
    agregats = {"total": Count("pk")}
    for cle, _, lignes in INDICATEURS:
        for i, (_, condition) in enumerate(lignes):
            agregats[f"{cle.replace('-', '_')}_{i}"] = Count("pk", filter=condition)
    par_sexe = {sexe: None for sexe, _ in SEXES}
    autres = None
    participants = _participants().filter(pk__in=RawSQL(sql, params))  # noqa: S611 (ORM-compiled SQL)
    for ligne in participants.order_by().values("sexe").annotate(**agregats):
        if ligne["sexe"] in par_sexe:
            par_sexe[ligne["sexe"]] = ligne
        else:  # an unknown value counts as not answered
            autres = ligne
    if autres:
        vide = par_sexe[""] or dict.fromkeys(autres, 0)
        par_sexe[""] = {k: (vide.get(k) or 0) + (v or 0) for k, v in autres.items() if k != "sexe"}
    colonnes = [Colonne("Indicateur"), *[Colonne(lib, ENTIER) for _, lib in SEXES], Colonne("Total", ENTIER)]
    tableaux = []
    effectifs = ["Participant·es", *[(par_sexe[s] or {}).get("total", 0) for s, _ in SEXES]]
    effectifs.append(sum(effectifs[1:]))
    tableaux.append(
        Tableau("fse-participants", "Participant·es FSE+ par sexe", colonnes, [effectifs], note=NOTE_PARTICIPANTS)
    )
    for cle, titre, lignes_def in INDICATEURS:
        lignes = []
        for i, (libelle, _) in enumerate(lignes_def):
            cellules = [(par_sexe[s] or {}).get(f"{cle.replace('-', '_')}_{i}", 0) for s, _ in SEXES]
            lignes.append([libelle, *cellules, sum(cellules)])
        note = "Participant·es FSE+ (voir « Participant·es FSE+ par sexe ») selon leurs réponses à l’entrée ; "
        note += "« Non renseigné » : question sans réponse ; « Ne souhaite pas répondre » : réponse donnée."
        if cle == "fse-emploi":
            note += " « dont longue durée » est inclus dans la ligne précédente : ne pas additionner."
        tableaux.append(Tableau(cle, f"{titre} (participant·es FSE+)", colonnes, lignes, note=note))
    return tableaux


def _publics_agregats() -> dict:
    prioritaire = Q()
    for public in PRIORITAIRES:
        prioritaire |= Q(beneficiaire__publics__contains=f"|{public}|")
    agregats = {
        "personnes": Count("beneficiaire", distinct=True),
        "prioritaires": Count("beneficiaire", distinct=True, filter=prioritaire),
    }
    for public in Public:
        agregats[f"public_{public.value}"] = Count(
            "beneficiaire", distinct=True, filter=Q(beneficiaire__publics__contains=f"|{public}|")
        )
    return agregats


def tableaux_publics(dispositifs, p: Periode) -> tuple[list[Tableau], Graphique, dict]:
    """Two queries: per dispositif and for the union, people who received a booklet in the period."""
    base = (
        Carnet.objects.filter(dispositif__in=p.dispositifs, beneficiaire__isnull=False)
        .filter(p.dans("remis_le"))
        .order_by()
    )
    par_dispositif = {r["dispositif"]: r for r in base.values("dispositif").annotate(**_publics_agregats())}
    ensemble = base.aggregate(**_publics_agregats())
    vide = dict.fromkeys(ensemble, 0)
    colonnes = [
        Colonne("Dispositif"),
        Colonne("Personnes ayant reçu un carnet", ENTIER),
        Colonne("dont publics prioritaires", ENTIER),
        Colonne("Part des publics prioritaires", POURCENTAGE),
        Colonne("Part cible", POURCENTAGE),
        Colonne("Écart à la cible (points)", POURCENTAGE),
    ]
    lignes = []
    for d in dispositifs:
        r = par_dispositif.get(d.pk, vide)
        part = pourcentage(r["prioritaires"], r["personnes"])
        cible = d.part_cible_prioritaires
        lignes.append([d.nom, r["personnes"], r["prioritaires"], part, cible, None if part is None else part - cible])
    total_ensemble = [
        "Ensemble (personnes comptées une fois)",
        ensemble["personnes"],
        ensemble["prioritaires"],
        pourcentage(ensemble["prioritaires"], ensemble["personnes"]),
        None,
        None,
    ]
    prioritaires = Tableau(
        "publics-prioritaires",
        "Publics prioritaires (éloignés de l’emploi) et cible",
        colonnes,
        lignes,
        total=total_ensemble,
        note="Personnes à qui un carnet du dispositif a été remis dans la période ; publics prioritaires : au moins "
        "un des publics " + ", ".join(str(pub.label) for pub in PRIORITAIRES) + " ; part = prioritaires ÷ "
        "personnes ; cible = part cible du dispositif.",
    )
    col_publics = [Colonne("Public d’éligibilité"), *[Colonne(d.nom, ENTIER) for d in dispositifs]]
    col_publics.append(Colonne("Ensemble", ENTIER))
    lignes_publics = [
        [str(pub.label), *[par_dispositif.get(d.pk, vide)[f"public_{pub.value}"] for d in dispositifs],
         ensemble[f"public_{pub.value}"]]
        for pub in Public
    ]  # fmt: skip
    publics = Tableau(
        "publics-eligibilite",
        "Publics d’éligibilité des personnes ayant reçu un carnet",
        col_publics,
        lignes_publics,
        note="Personnes à qui un carnet a été remis dans la période, par public déclaré (une personne peut "
        "relever de plusieurs publics : les lignes ne s’additionnent pas).",
    )
    graphique = Graphique(
        "publics-prioritaires",
        "Part des publics prioritaires et cible",
        [d.nom for d in dispositifs],
        [Serie("Part réalisée", [ligne[3] or 0 for ligne in lignes]), Serie("Cible", [ligne[4] for ligne in lignes])],
        tableau=prioritaires.cle,
        unite="%",
    )
    return [prioritaires, publics], graphique, ensemble


def _libelle(choix, valeur) -> str:
    if valeur == "" or valeur is None:
        return NON_RENSEIGNE
    return str(dict(choix).get(valeur, valeur))


def tranche_age(age: int | None) -> str:
    """The FSE+ age band (the sheet gives no exact age: fewer ways to recognise someone)."""
    if age is None:
        return NON_RENSEIGNE
    if age < 18:
        return "Moins de 18 ans"
    if age <= 29:
        return "18 à 29 ans"
    return "30 à 54 ans" if age <= 54 else "55 ans et plus"


def tableau_fiches(p: Periode) -> Tableau:
    """The participant-level pseudonymised sheet: one streamed raw query (no name, no birth date)."""
    sql, params = parcours_sql(p)
    table = Beneficiaire._meta.db_table
    requete = (
        "SELECT b.pseudonyme, b.sexe, b.age_a_l_entree, b.situation_emploi, b.niveau_etudes, b.handicap, "  # noqa: S608
        "b.pays_tiers, b.origine_etrangere, b.minorite, b.sans_abri, b.zone_rurale, b.anonymise_le, "
        f"parcours.nb_jours, parcours.premier_jour, parcours.dernier_jour FROM ({sql}) parcours "
        f"JOIN {table} b ON b.id = parcours.personne WHERE b.fusionne_dans_id IS NULL ORDER BY b.pseudonyme"
    )
    reponses = [("oui", "Oui"), ("non", "Non"), (NSP, NSP_LIBELLE)]
    lignes = []
    with connection.cursor() as curseur:
        curseur.execute(requete, params)
        while paquet := curseur.fetchmany(2000):
            for (pseudo, sexe, age, emploi, etudes, hand, tiers, origine, minorite, abri, rurale, anonyme,
                 nb, premier, dernier) in paquet:  # fmt: skip
                lignes.append([
                    pseudo, "Oui" if anonyme else "Non", _libelle(Sexe.choices, sexe), tranche_age(age),
                    _libelle(SituationEmploi.choices, emploi), _libelle(NiveauEtudes.choices, etudes),
                    *[_libelle(reponses, v) for v in (hand, tiers, origine, minorite, abri)],
                    "Inconnu" if rurale is None else ("Oui" if rurale else "Non"),
                    nb, jour_local(premier), jour_local(dernier),
                ])  # fmt: skip
    colonnes = [
        Colonne("Référence (pseudonyme)"), Colonne("Fiche anonymisée"), Colonne("Sexe"),
        Colonne("Âge à l’entrée (tranche)"), Colonne("Situation vis-à-vis de l’emploi"), Colonne("Niveau d’études"),
        *[Colonne(q) for q in QUESTIONS_OUI_NON.values()], Colonne("Zone rurale"),
        Colonne("Jours de parcours (jusqu’à la fin de la période)", ENTIER),
        Colonne("Premier jour de parcours", DATE), Colonne("Dernier jour de parcours", DATE),
    ]  # fmt: skip
    return Tableau(
        "participants",
        "Participant·es FSE+ (fiches pseudonymisées)",
        colonnes,
        lignes,
        note=NOTE_PARTICIPANTS
        + " Aucun nom ni date de naissance : la référence renvoie à la fiche dans l’application.",
        dans_pdf=False,
    )


def sections(dispositifs, p: Periode) -> tuple[Section, Section, dict]:
    fse = indicateurs_fse(p)
    publics, graphique, ensemble = tableaux_publics(dispositifs, p)
    resume = {"participants": fse[0].lignes[0][-1], **ensemble}
    personnes = Section(
        "personnes",
        "Personnes",
        [*fse, *publics],
        [graphique],
        introduction="Indicateurs FSE+ des participant·es et publics des personnes ayant reçu un carnet.",
    )
    fiches = tableau_fiches(p)
    participants = Section("participants", "Participant·es (fiches pseudonymisées)", [fiches])
    return personnes, participants, resume
