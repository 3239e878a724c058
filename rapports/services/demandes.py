"""Asking for a funding report, asking again, and handing it to the queue.

A report is saved first (in a transaction, with its journal entry); the Celery task is enqueued
when that transaction commits. Publishing never breaks the web: when the broker (Redis) is down
the report stays « en attente » with en_file=False and the periodic `relancer_rapports` task hands
it over once the queue is back.
"""

import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as ErreurFile

from comptes.models import Membership
from pass_numerique.models import Dispositif
from pass_numerique.selectors.dispositifs import dispositifs_visibles

from .. import evenements
from ..models import Format, Rapport
from ..selectors.demandes import est_de_l_equipe

logger = logging.getLogger(__name__)

DUREE_MAX_ANNEES = 10
# Publishing waits at most a fraction of a second when Redis is down: the page must answer.
POLITIQUE_PUBLICATION = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
FILE_INDISPONIBLE = "La file d’attente est indisponible : le rapport sera produit dès qu’elle sera rétablie."


def valider_demande(*, par: Membership, dispositifs: Iterable, du, au, formats: Iterable[str]) -> dict:
    """Raise a ValidationError (French messages by field) or return the clean values."""
    erreurs: dict[str, list[str]] = {}
    ids = []
    for valeur in dispositifs or []:
        pk = valeur.pk if isinstance(valeur, Dispositif) else valeur
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            erreurs.setdefault("dispositifs", []).append(f"« {pk} » n’est pas un dispositif.")
    trouves = list(dispositifs_visibles(par).filter(pk__in=ids).order_by("nom", "pk"))
    if len(trouves) != len(set(ids)):
        erreurs.setdefault("dispositifs", []).append(
            "Un des dispositifs choisis n’existe pas ou n’est pas de votre département."
        )
    if not ids and "dispositifs" not in erreurs:
        erreurs["dispositifs"] = ["Choisissez au moins un dispositif."]
    if not isinstance(du, datetime.date):
        erreurs["du"] = ["Indiquez la date de début de la période, par exemple 01/01/2025."]
    if not isinstance(au, datetime.date):
        erreurs["au"] = ["Indiquez la date de fin de la période, par exemple 31/12/2025."]
    if isinstance(du, datetime.date) and isinstance(au, datetime.date):
        if au < du:
            erreurs["au"] = ["La fin de la période doit être postérieure ou égale à son début."]
        elif au > _ans_plus_tard(du, DUREE_MAX_ANNEES):
            erreurs["au"] = [f"La période ne peut pas dépasser {DUREE_MAX_ANNEES} ans."]
    formats = list(dict.fromkeys(formats or []))
    inconnus = [f for f in formats if f not in Format.values]
    if inconnus:
        erreurs["formats"] = [f"Format inconnu : {', '.join(inconnus)}."]
    elif not formats:
        erreurs["formats"] = ["Cochez au moins un format."]
    if erreurs:
        raise ValidationError(erreurs)
    return {"dispositifs": trouves, "du": du, "au": au, "formats": [f for f in Format.values if f in formats]}


def _ans_plus_tard(jour: datetime.date, ans: int) -> datetime.date:
    try:
        return jour.replace(year=jour.year + ans)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + ans, day=28)


def demander_rapport(*, par: Membership, dispositifs, du, au, formats, request=None) -> Rapport:
    """A coordinateur or a lecteur asks for a report of dispositifs of their département."""
    if not est_de_l_equipe(par):
        raise PermissionDenied("Seule l’équipe du département demande un rapport de financement.")
    propre = valider_demande(par=par, dispositifs=dispositifs, du=du, au=au, formats=formats)
    with transaction.atomic():
        rapport = Rapport.objects.create(
            departement_id=par.organisation.departement_id,
            du=propre["du"],
            au=propre["au"],
            formats=propre["formats"],
            demande_par=par.user,
            membership=par,
        )
        rapport.dispositifs.set(propre["dispositifs"])
        evenements.rapport_demande(rapport=rapport, par=par, dispositifs=propre["dispositifs"], request=request)
        enfiler_apres_validation(rapport)
    return rapport


RELANCABLES = (Rapport.Statut.ECHEC, Rapport.Statut.EXPIRE)


def peut_relancer(rapport: Rapport) -> bool:
    return rapport.statut in RELANCABLES or (rapport.statut == Rapport.Statut.ATTENTE and not rapport.en_file)


def relancer_rapport(*, par: Membership, rapport: Rapport, request=None) -> Rapport:
    """Ask again for a failed or expired report (or one the queue never received): a fresh start."""
    if not est_de_l_equipe(par) or rapport.departement_id != par.organisation.departement_id:
        raise PermissionDenied("Seule l’équipe du département relance ce rapport.")
    with transaction.atomic():
        rapport = Rapport.objects.select_for_update().get(pk=rapport.pk)
        if not peut_relancer(rapport):
            raise ValidationError(f"Ce rapport est « {rapport.get_statut_display()} » : il n’y a rien à relancer.")
        _remettre_en_attente(rapport)
        evenements.rapport_relance(rapport=rapport, par=par, motif="utilisateur", request=request)
        enfiler_apres_validation(rapport)
    return rapport


def _remettre_en_attente(rapport: Rapport, *, garder_tentatives: bool = False) -> None:
    rapport.statut = Rapport.Statut.ATTENTE
    rapport.progression = 0
    rapport.etape = ""
    rapport.erreur = ""
    rapport.en_file = False
    rapport.commence_le = None
    rapport.termine_le = None
    if not garder_tentatives:
        rapport.tentatives = 0
    rapport.save(
        update_fields=["statut", "progression", "etape", "erreur", "en_file", "commence_le", "termine_le", "tentatives"]
    )


def noter_telechargement(*, rapport: Rapport, par: Membership, fichier, request=None) -> None:
    """A file was downloaded: who, which format and checksum (the journal keeps track)."""
    evenements.rapport_telecharge(rapport=rapport, par=par, fichier=fichier, request=request)


def enfiler_apres_validation(rapport: Rapport) -> None:
    transaction.on_commit(lambda pk=rapport.pk: enfiler(pk))


def enfiler(rapport_id: int) -> bool:
    """Publish the task; True when the broker accepted it (then en_file=True). Never raises
    because the broker is down: the report waits for `relancer_rapports`."""
    from ..tasks import produire_rapport

    try:
        produire_rapport.apply_async(kwargs={"rapport_id": rapport_id}, retry=True, retry_policy=POLITIQUE_PUBLICATION)
    except (ErreurFile, OSError) as exc:
        logger.warning("Rapport %s : file d’attente indisponible (%s), il sera relancé.", rapport_id, exc)
        return False
    Rapport.objects.filter(pk=rapport_id).update(en_file=True)
    return True


# --- The periodic safety net ---------------------------------------------------------------------

TENTATIVES_MAX = 3
BLOQUE_APRES = datetime.timedelta(minutes=30)
ABANDON = (
    "La production a été interrompue plusieurs fois (arrêt du service de production). "
    "Relancez-la ; si l’échec se répète, prévenez l’équipe technique."
)


def relancer_en_souffrance(*, maintenant: datetime.datetime | None = None) -> dict:
    """Hand over the reports the broker never received, and restart the reports stuck « en cours »
    (a worker killed: the message comes back only after Redis's visibility timeout). After
    TENTATIVES_MAX starts, a stuck report fails with a reason instead."""
    maintenant = maintenant or timezone.now()
    bilan = {"enfiles": 0, "bloques": 0, "abandonnes": 0}
    for rapport in Rapport.objects.filter(statut=Rapport.Statut.EN_COURS, commence_le__lt=maintenant - BLOQUE_APRES):
        with transaction.atomic():
            rapport = Rapport.objects.select_for_update().get(pk=rapport.pk)
            if rapport.statut != Rapport.Statut.EN_COURS or rapport.commence_le >= maintenant - BLOQUE_APRES:
                continue
            if rapport.tentatives >= TENTATIVES_MAX:
                rapport.statut, rapport.erreur, rapport.termine_le = Rapport.Statut.ECHEC, ABANDON, maintenant
                rapport.save(update_fields=["statut", "erreur", "termine_le"])
                evenements.rapport_refuse(rapport=rapport, raison=ABANDON)
                bilan["abandonnes"] += 1
                continue
            _remettre_en_attente(rapport, garder_tentatives=True)
            evenements.rapport_relance(rapport=rapport, motif="bloque")
            bilan["bloques"] += 1
    for pk in Rapport.objects.a_relancer().order_by("demande_le", "pk").values_list("pk", flat=True):
        if enfiler(pk):
            bilan["enfiles"] += 1
        else:
            break  # the broker is still down: next time
    return bilan
