"""Producing a funding report: the idempotent heart that the Celery task calls.

`produire_rapport(rapport_id=)` may run twice for the same report (a message redelivered after a
worker was killed, the safety net, a user's « Relancer »): a ready report is left alone, a report
another worker is producing is left alone, and a new run replaces the files of the previous one.
The command `rapport_financement` uses the same pieces (`contenu_de`, `ecrire_fichier`).
"""

import contextlib
import datetime
import hashlib
import logging
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import InterfaceError, transaction
from django.db import OperationalError as ErreurBase
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pass_numerique.selectors.dispositifs import dispositifs_visibles
from rapports import calculs, formats

from .. import evenements
from ..models import FichierRapport, Format, Rapport
from ..selectors.demandes import est_de_l_equipe
from .demandes import BLOQUE_APRES

logger = logging.getLogger(__name__)

DROITS_RETIRES = "Vos droits sur ce dispositif ont été retirés : le rapport n’a pas été produit."
ERREUR_INATTENDUE = (
    "La production du rapport a échoué à cause d’une erreur inattendue. L’équipe technique peut la "
    "retrouver dans ses journaux ; vous pouvez relancer le rapport."
)
TAILLE_BLOC = 1024 * 1024


@dataclass(frozen=True)
class Ecrit:
    nom: str
    taille: int
    sha256: str


def parametres(*, dispositifs, du, au, formats_choisis, demandeur: str = "", rapport: Rapport | None = None):
    """The « parameters of generation » printed in the report, besides the dispositifs, the
    period and the date of generation that the writers print from the content itself."""
    lignes = [("Formats", ", ".join(Format(f).label for f in formats_choisis))]
    if rapport is not None:
        lignes.insert(0, ("Rapport", f"n° {rapport.pk}"))
        if rapport.planifie:
            lignes.append(("Demandé par", "Rapport mensuel planifié"))
    if demandeur:
        lignes.append(("Demandé par", demandeur))
    return lignes


def contenu_de(*, dispositifs, du, au, departement, formats_choisis, demandeur="", rapport=None, progression=None):
    return calculs.construire_contenu(
        dispositifs=list(dispositifs),
        du=du,
        au=au,
        departement=departement,
        genere_le=timezone.now(),
        parametres=parametres(
            dispositifs=dispositifs, du=du, au=au, formats_choisis=formats_choisis, demandeur=demandeur, rapport=rapport
        ),
        progression=progression,
    )


def ecrire_fichier(contenu, format: str, destination) -> Ecrit:
    """Write one format into `destination` (a binary file open for writing and reading)."""
    formats.ecrire(format, contenu, destination)
    destination.flush()
    destination.seek(0)
    empreinte, taille = hashlib.sha256(), 0
    while bloc := destination.read(TAILLE_BLOC):
        empreinte.update(bloc)
        taille += len(bloc)
    destination.seek(0)
    return Ecrit(formats.nom_fichier(contenu, format), taille, empreinte.hexdigest())


# --- The service -------------------------------------------------------------------------------


def produire_rapport(*, rapport_id: int) -> Rapport | None:
    rapport = _prendre(rapport_id)
    if rapport is None:
        return None
    raison = _droits_retires(rapport)
    if raison:
        _refuser(rapport, raison)
        return rapport
    try:
        _produire(rapport)
    except (ErreurBase, InterfaceError):
        # The database itself: back to « en attente » if it still answers, so that the task's
        # retry (with a backoff) can take it again; otherwise the safety net will.
        with contextlib.suppress(ErreurBase, InterfaceError):
            Rapport.objects.filter(pk=rapport.pk, statut=Rapport.Statut.EN_COURS).update(statut=Rapport.Statut.ATTENTE)
        raise
    except Exception:
        logger.exception("Échec de la production du rapport %s", rapport.pk)
        _supprimer_fichiers(rapport)
        Rapport.objects.filter(pk=rapport.pk).update(
            statut=Rapport.Statut.ECHEC, erreur=ERREUR_INATTENDUE, termine_le=timezone.now()
        )
        rapport.refresh_from_db()
    return rapport


def _prendre(rapport_id: int) -> Rapport | None:
    """Claim the report with a conditional UPDATE: waiting, or « en cours » but abandoned (no
    progress for BLOQUE_APRES). Anything else (ready, failed, expired, someone producing it,
    deleted) is left alone: None."""
    maintenant = timezone.now()
    pris = Rapport.objects.filter(
        Q(statut=Rapport.Statut.ATTENTE) | Q(statut=Rapport.Statut.EN_COURS, commence_le__lt=maintenant - BLOQUE_APRES),
        pk=rapport_id,
    ).update(
        statut=Rapport.Statut.EN_COURS,
        commence_le=maintenant,
        progression=0,
        etape="Démarrage",
        erreur="",
        tentatives=F("tentatives") + 1,
    )
    if not pris:
        logger.info("Rapport %s : rien à produire (déjà prêt, en échec ou en cours ailleurs).", rapport_id)
        return None
    return Rapport.objects.select_related("departement", "membership__organisation", "membership__user").get(
        pk=rapport_id
    )


def _droits_retires(rapport: Rapport) -> str:
    """The requester must still be an active member of the département's team, seeing every
    dispositif of the report. A scheduled report (no membership) belongs to the département."""
    if rapport.membership_id is None:
        return ""
    membership = rapport.membership
    if not (est_de_l_equipe(membership) and membership.user.is_active):
        return DROITS_RETIRES
    if membership.organisation.departement_id != rapport.departement_id:
        return DROITS_RETIRES
    voulus = set(rapport.dispositifs.values_list("pk", flat=True))
    visibles = set(dispositifs_visibles(membership).filter(pk__in=voulus).values_list("pk", flat=True))
    return DROITS_RETIRES if voulus != visibles else ""


def _refuser(rapport: Rapport, raison: str) -> None:
    with transaction.atomic():
        _supprimer_fichiers(rapport)
        Rapport.objects.filter(pk=rapport.pk).update(
            statut=Rapport.Statut.ECHEC, erreur=raison, termine_le=timezone.now(), etape=""
        )
        rapport.refresh_from_db()
        evenements.rapport_refuse(rapport=rapport, raison=raison)


def _avancer(rapport_id: int):
    def progression(pourcentage: int, etape: str) -> None:
        # Its own small UPDATE, committed at once: the page polls it.
        Rapport.objects.filter(pk=rapport_id).update(
            progression=max(0, min(int(pourcentage), 99)), etape=str(etape)[:200]
        )

    return progression


def _produire(rapport: Rapport) -> None:
    avancer = _avancer(rapport.pk)
    dispositifs = list(rapport.dispositifs.order_by("nom", "pk"))
    demandeur = rapport.membership.user.get_full_name() if rapport.membership_id else ""
    contenu = contenu_de(
        dispositifs=dispositifs,
        du=rapport.du,
        au=rapport.au,
        departement=rapport.departement,
        formats_choisis=rapport.formats,
        demandeur=demandeur,
        rapport=rapport,
        progression=avancer,
    )
    _supprimer_fichiers(rapport)  # a retry replaces the files of an interrupted run
    fichiers = []
    for rang, format in enumerate(rapport.formats):
        avancer(80 + 20 * rang // len(rapport.formats), f"Écriture du fichier {Format(format).label}")
        with tempfile.TemporaryFile() as temporaire:
            ecrit = ecrire_fichier(contenu, format, temporaire)
            fichier = FichierRapport(
                rapport=rapport, format=format, nom=ecrit.nom, taille=ecrit.taille, sha256=ecrit.sha256
            )
            fichier.fichier.save(ecrit.nom, File(temporaire, name=ecrit.nom), save=False)
            fichier.save()
            fichiers.append(fichier)
    maintenant = timezone.now()
    with transaction.atomic():
        Rapport.objects.filter(pk=rapport.pk).update(
            statut=Rapport.Statut.TERMINE,
            progression=100,
            etape="Terminé",
            termine_le=maintenant,
            expire_le=maintenant + datetime.timedelta(days=settings.RAPPORTS_CONSERVATION_JOURS),
        )
        rapport.refresh_from_db()
        evenements.rapport_produit(rapport=rapport, fichiers=fichiers)
    _prevenir(rapport)


def _supprimer_fichiers(rapport: Rapport) -> int:
    anciens = list(FichierRapport.objects.filter(rapport=rapport))
    for ancien in anciens:
        ancien.fichier.delete(save=False)
        ancien.delete()
    return len(anciens)


def lien_detail(rapport: Rapport) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("rapports:detail", args=[rapport.pk])


def _prevenir(rapport: Rapport) -> None:
    """E-mail the requester. A scheduled report has none: its team finds it in the history."""
    if rapport.membership_id is None or not rapport.membership.user.email:
        return
    contexte = {"rapport": rapport, "lien": lien_detail(rapport)}
    try:
        send_mail(
            "Votre rapport de financement est prêt",
            render_to_string("rapports/emails/pret.txt", contexte),
            None,
            [rapport.membership.user.email],
        )
    except Exception:  # the report is ready all the same; the page shows it
        logger.exception("Rapport %s : l’e-mail « prêt » n’a pas pu partir.", rapport.pk)
