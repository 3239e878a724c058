"""The Pass numérique of the demo: a dispositif (FSE+ 60 / État 20 / Département 20), its
qualified places and participating prescribers, booklets generated and allocated, three booklets
handed out by the CCAS agent, and a known API token for the Quincaillerie. Everything goes through
the services (so the journal tells the story). Idempotent: what exists is kept.

`var/demo.json` receives the token and three handed-out cheque codes, for trying the API:
    curl -X POST -H "Authorization: Bearer <api_token>" \\
         http://127.0.0.1:8000/api/v1/cheques/<code>/encaissement
"""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from beneficiaires.models import Beneficiaire, Public
from comptes.models import Membership, Role
from pass_numerique.models import Carnet, Cheque, Dispositif, JetonAPI, Participation, Qualification
from pass_numerique.services import acceptation, dispositifs, dotations, generation, remise
from pass_numerique.services.jetons import empreinte

from . import data

NOM = "Pass numérique 2026 — réseau Tela (démo)"
# A fixed token: the demo's, published in the README and var/demo.json. Never in production.
JETON_DEMO = "ein_" + "demoQuincaillerie2026" + "x" * 19
FICHIER_DEMO = Path(settings.BASE_DIR) / "var" / "demo.json"
PRESCRIPTEURS = ("ccas", "mission_locale", "france_services")
CARNETS_PAR_PRESCRIPTEUR = 6
NB_REMISES = 3


def _membre(comptes: dict[str, list[Membership]], cle: str, role: Role) -> Membership:
    return next(m for m in comptes[cle] if m.role == role)


def seed_pass(organisations: dict, comptes: dict[str, list[Membership]]) -> dict:
    """Returns {"dispositif", "api_token", "cheques_remis"} (codes as printed)."""
    coordinatrice = _membre(comptes, "coordinatrice", Role.COORDINATEUR)
    departement = organisations["equipe"].departement
    dispositif = Dispositif.objects.filter(departement=departement, nom=NOM).first()
    if dispositif is None:
        debut = timezone.localdate().replace(month=1, day=1)
        dispositif = dispositifs.creer_dispositif(
            par=coordinatrice,
            donnees={
                "nom": NOM,
                "reseau": "Réseau Tela",
                "debut": debut,
                "fin": debut.replace(month=12, day=31),
                "validite_fin": debut.replace(year=debut.year + 1, month=6, day=30),
                "tolerance_jours": 30,
                "valeur_faciale": "10",
                "tailles_carnet": ["5", "10"],
                "publics": list(Public.values),
                "part_cible_prioritaires": "50",
                "budget": "50000",
            },
            financeurs=[("FSE+", "60"), ("État", "20"), ("Département de la Creuse", "20")],
        )
    for lieu in data.LIEUX:
        if not (lieu.champs.get("accepte_pass_numerique") and lieu.cle in organisations):
            continue
        if not Qualification.objects.filter(dispositif=dispositif, lieu=organisations[lieu.cle]).exists():
            dispositifs.decider_qualification(
                par=coordinatrice,
                dispositif=dispositif,
                lieu=organisations[lieu.cle],
                statut=Qualification.Statut.QUALIFIE,
                motif="Lieu labellisé du réseau (démonstration).",
            )
    for cle in PRESCRIPTEURS:
        if not Participation.objects.filter(dispositif=dispositif, organisme=organisations[cle]).exists():
            dispositifs.ajouter_participation(par=coordinatrice, dispositif=dispositif, organisme=organisations[cle])
    if not dispositif.carnets.exists():
        generation.generer(par=coordinatrice, dispositif=dispositif, nb_carnets=40, taille=10)
    for cle in PRESCRIPTEURS:
        if not Carnet.objects.filter(dispositif=dispositif, organisme=organisations[cle]).exists():
            dotations.doter(
                par=coordinatrice,
                dispositif=dispositif,
                organisme=organisations[cle],
                nb_carnets=CARNETS_PAR_PRESCRIPTEUR,
            )
    agent = _membre(comptes, "agent.ccas", Role.AGENT)
    deja = Carnet.objects.filter(dispositif=dispositif, statut=Carnet.Statut.REMIS).count()
    if deja < NB_REMISES:
        personnes = (
            Beneficiaire.objects.actifs()
            .filter(suivis__organisme=organisations["ccas"], carnets__isnull=True)
            .order_by("pk")[: NB_REMISES - deja]
        )
        for personne in personnes:
            remise.remettre(par=agent, beneficiaire=personne, dispositif=dispositif)
    acceptation.recalculer()
    lieu = organisations["quincaillerie"]
    JetonAPI.objects.get_or_create(
        empreinte=empreinte(JETON_DEMO),
        defaults={"lieu": lieu, "nom": "Démonstration (curl)", "prefixe": JETON_DEMO[:12]},
    )
    codes = list(
        Cheque.objects.filter(dispositif=dispositif, statut=Cheque.Statut.REMIS)
        .order_by("numero_serie")
        .values_list("code", flat=True)[:3]
    )
    sortie = {"api_token": JETON_DEMO, "cheques_remis": codes}
    FICHIER_DEMO.parent.mkdir(parents=True, exist_ok=True)
    FICHIER_DEMO.write_text(json.dumps(sortie, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"dispositif": dispositif, **sortie}
