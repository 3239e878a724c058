"""Orienting a person to a place, and the place's answer.

E-mails never carry personal data: they say that an orientation waits and link to it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comptes.models import Membership, Role
from structures.models import Lieu

from .. import evenements, rules, validation
from ..diagnostic import Besoin
from ..models import Beneficiaire, Orientation
from ..models.orientation import DELAI_SANS_REPONSE
from .fiches import _organisme, noter_activite

LONGUEUR_MOTIF = 500


def _emails_du_lieu(lieu_id: int) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(organisation_id=lieu_id)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


def _lien(nom: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(nom, args=args)


@transaction.atomic
def orienter(
    *, par: Membership, beneficiaire: Beneficiaire, lieu: Lieu, besoins, message: str = "", request=None
) -> Orientation:
    beneficiaire = Beneficiaire.objects.select_for_update().select_related("departement").get(pk=beneficiaire.pk)
    if not rules.peut_orienter(par, beneficiaire):
        raise PermissionDenied("Seul un organisme qui suit cette personne peut l’orienter.")
    if not lieu.est_actif or lieu.departement_id != beneficiaire.departement_id:
        raise ValidationError({"lieu": ["Ce lieu n’est pas ouvert dans le département : choisissez-en un autre."]})
    try:
        besoins = validation.valider_liste(besoins, choix=Besoin, libelle="Besoin·s")
    except ValidationError as exc:
        raise ValidationError({"besoins": exc.messages}) from exc
    if not besoins:
        raise ValidationError(
            {"besoins": ["Cochez au moins un besoin : le lieu saura ce que la personne veut apprendre."]}
        )
    message = (message or "").strip()
    if len(message) > LONGUEUR_MOTIF:
        raise ValidationError({"message": [f"Le message ne doit pas dépasser {LONGUEUR_MOTIF} caractères."]})
    if Orientation.objects.filter(beneficiaire=beneficiaire, lieu=lieu, statut=Orientation.Statut.A_CONTACTER).exists():
        raise ValidationError(
            {"lieu": [f"Cette personne est déjà orientée vers « {lieu.nom} » et attend d’être contactée."]}
        )
    orientation = Orientation.objects.create(
        beneficiaire=beneficiaire,
        lieu=lieu,
        organisme=_organisme(par),
        cree_par=par.user,
        besoins=besoins,
        message=message,
    )
    noter_activite(beneficiaire=beneficiaire)
    evenements.orientation_creee(par=par, orientation=orientation, request=request)
    destinataires = _emails_du_lieu(lieu.pk)
    if destinataires:
        lien = _lien("beneficiaires:orientations_recues")
        transaction.on_commit(
            lambda: send_mass_mail(
                [
                    (
                        "Une nouvelle orientation vous attend",
                        f"Bonjour,\n\nUn organisme prescripteur vous a orienté une personne.\n"
                        f"Consultez-la et répondez-lui ici : {lien}\n\n— einclusion",
                        None,
                        [email],
                    )
                    for email in destinataires
                ],
                fail_silently=True,
            )
        )
    return orientation


def _pour_reponse(par: Membership, orientation: Orientation) -> Orientation:
    orientation = Orientation.objects.select_for_update().select_related("lieu", "beneficiaire").get(pk=orientation.pk)
    if not (rules.est_d_un_lieu(par) and par.organisation_id == orientation.lieu_id):
        raise PermissionDenied("Seul le lieu destinataire répond à une orientation.")
    if orientation.statut != Orientation.Statut.A_CONTACTER:
        raise ValidationError(f"Cette orientation a déjà reçu une réponse : « {orientation.get_statut_display()} ».")
    return orientation


@transaction.atomic
def prendre_en_charge(*, par: Membership, orientation: Orientation, request=None) -> Orientation:
    orientation = _pour_reponse(par, orientation)
    orientation.statut = Orientation.Statut.PRIS_EN_CHARGE
    orientation.repondu_le = timezone.now()
    orientation.repondu_par = par.user
    orientation.save(update_fields=["statut", "repondu_le", "repondu_par"])
    noter_activite(beneficiaire=orientation.beneficiaire)
    evenements.orientation_acceptee(par=par, orientation=orientation, request=request)
    return orientation


@transaction.atomic
def refuser(*, par: Membership, orientation: Orientation, motif: str, request=None) -> Orientation:
    motif = " ".join((motif or "").split())
    if not motif:
        raise ValidationError({"motif": ["Indiquez le motif du refus : le prescripteur le lira."]})
    if len(motif) > LONGUEUR_MOTIF:
        raise ValidationError({"motif": [f"Le motif ne doit pas dépasser {LONGUEUR_MOTIF} caractères."]})
    orientation = _pour_reponse(par, orientation)
    orientation.statut = Orientation.Statut.REFUSEE
    orientation.motif_refus = motif
    orientation.repondu_le = timezone.now()
    orientation.repondu_par = par.user
    orientation.save(update_fields=["statut", "motif_refus", "repondu_le", "repondu_par"])
    noter_activite(beneficiaire=orientation.beneficiaire)
    evenements.orientation_refusee(par=par, orientation=orientation, request=request)
    return orientation


def _emails_du_prescripteur(orientation: Orientation) -> list[str]:
    """The agent who oriented, while still a member of the organisation; else its référents."""
    membres = Membership.objects.active().filter(organisation_id=orientation.organisme_id)
    agent = membres.filter(user_id=orientation.cree_par_id).values_list("user__email", flat=True).first()
    if agent:
        return [agent]
    return list(membres.filter(role=Role.REFERENT).values_list("user__email", flat=True).order_by("user__email"))


def signaler_sans_reponse(*, maintenant=None) -> int:
    """Flag, once, every orientation still « à contacter » after 8 days: an e-mail to the
    place's members and to the agent who oriented (or, if they left, the organisation's
    référents), and a journal entry. Returns the count."""
    maintenant = maintenant or timezone.now()
    ids = list(
        Orientation.objects.sans_reponse_depuis(DELAI_SANS_REPONSE, maintenant=maintenant)
        .filter(relance_le__isnull=True, beneficiaire__anonymise_le__isnull=True)
        .values_list("pk", flat=True)
    )
    signalees = 0
    for pk in ids:
        with transaction.atomic():
            orientation = (
                Orientation.objects.select_for_update()
                .select_related("lieu", "beneficiaire__departement", "cree_par")
                .filter(pk=pk, relance_le__isnull=True, statut=Orientation.Statut.A_CONTACTER)
                .first()
            )
            if orientation is None:
                continue
            orientation.relance_le = maintenant
            orientation.save(update_fields=["relance_le"])
            messages = [
                (
                    "Une orientation attend votre réponse depuis plus de 8 jours",
                    "Bonjour,\n\nUne personne orientée vers votre lieu attend d’être contactée depuis plus de "
                    f"8 jours. Répondez ici : {_lien('beneficiaires:orientations_recues')}\n\n— einclusion",
                    None,
                    [email],
                )
                for email in _emails_du_lieu(orientation.lieu_id)
            ]
            messages += [
                (
                    "Une orientation est sans réponse depuis plus de 8 jours",
                    "Bonjour,\n\nLe lieu vers lequel votre organisme a orienté une personne n’a pas encore "
                    "répondu après 8 jours. Voir la fiche : "
                    f"{_lien('beneficiaires:fiche', orientation.beneficiaire_id)}\n\n— einclusion",
                    None,
                    [email],
                )
                for email in _emails_du_prescripteur(orientation)
            ]
            evenements.orientation_signalee(orientation=orientation, destinataires=len(messages))
            transaction.on_commit(lambda m=tuple(messages): send_mass_mail(m, fail_silently=True))
            signalees += 1
    return signalees
