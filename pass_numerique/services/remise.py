"""Handing a booklet to a person (remise), the coordinators' exceptions (dérogations), printing
and reprinting, and what happens to booklets when two records of a person are merged.

A remise takes the organisation's next booklet for the dispositif (lowest number) under a row
lock that other agents skip (`SKIP LOCKED` on PostgreSQL; SQLite serialises writers), then moves
the booklet and its cheques doté → remis with conditional updates allowed by `etats.py`: two
agents never hand out the same booklet.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone

from beneficiaires import rules as regles_beneficiaires
from beneficiaires.models import Beneficiaire, Public
from beneficiaires.services.fiches import journaliser_consultation, noter_activite
from comptes.models import Membership, Role
from journal.models import Action

from .. import etats, evenements
from ..models import Carnet, Cheque, Derogation, Dispositif, Participation

# Prints by the agent who handed the booklet, within this delay, are the remise's own print;
# any other print is a reprint (journalled as such). Every print is a read of the person's record.
DELAI_PREMIERE_IMPRESSION = datetime.timedelta(hours=1)
# A booklet taken by a concurrent remise between the SELECT and the UPDATE: try the next one.
ESSAIS = 5
MOTIF_DEROGATION_MANQUANT = "Indiquez le motif de la dérogation (par exemple : carnet perdu, parcours long)."
MOTIF_EFFACE = "Motif effacé lors de l’anonymisation de la personne."


def _date(valeur) -> str:
    return formats.date_format(valeur, "j F Y")


def libelles_publics(publics) -> str:
    libelles = dict(Public.choices)
    return ", ".join(libelles.get(p, p) for p in publics) or "aucun public renseigné"


# --- Rules (pure: no query) -------------------------------------------------------------------


def eligibilite(beneficiaire: Beneficiaire, dispositif: Dispositif) -> str:
    """'' when the person's publics meet the dispositif's, else the French reason."""
    if set(beneficiaire.publics) & set(dispositif.publics):
        return ""
    return (
        f"Cette personne n’est pas éligible au dispositif « {dispositif.nom} », qui est réservé aux publics "
        f"suivants : {libelles_publics(dispositif.publics)}. Sa fiche indique : "
        f"{libelles_publics(beneficiaire.publics)}. Si la fiche est incomplète, corrigez-la d’abord."
    )


def dispositif_ouvert(dispositif: Dispositif, jour: datetime.date | None = None) -> str:
    """'' when booklets of the dispositif may be handed out today, else the French reason.
    After the validity end date the cheques could only be used during the tolerance: no remise."""
    jour = jour or timezone.localdate()
    if dispositif.clos_le is not None:
        return f"Le dispositif « {dispositif.nom} » est clos : ses carnets ne sont plus remis."
    if jour < dispositif.debut:
        return f"Le dispositif « {dispositif.nom} » commence le {_date(dispositif.debut)} : attendez cette date."
    if jour > dispositif.validite_fin:
        return (
            f"Les chèques du dispositif « {dispositif.nom} » ne sont plus valables depuis le "
            f"{_date(dispositif.validite_fin)} : ses carnets ne sont plus remis."
        )
    return ""


def peut_remettre(par: Membership | None, beneficiaire: Beneficiaire) -> bool:
    """An agent or référent of an organisation that follows the person (one query)."""
    return regles_beneficiaires.suit(par, beneficiaire)


def peut_imprimer(par: Membership | None, carnet: Carnet) -> bool:
    """The organisations that follow the person, and the coordinators of the département."""
    if par is None or not par.is_active or carnet.beneficiaire_id is None:
        return False
    if par.role == Role.COORDINATEUR:
        return par.organisation.departement_id == carnet.departement_id
    return regles_beneficiaires.suit(par, carnet.beneficiaire)


def est_reimpression(par: Membership, carnet: Carnet, *, maintenant=None) -> bool:
    maintenant = maintenant or timezone.now()
    return not (
        carnet.remis_par_id == par.user_id
        and carnet.remis_le is not None
        and maintenant - carnet.remis_le <= DELAI_PREMIERE_IMPRESSION
    )


def _etat_de_la_personne(beneficiaire: Beneficiaire) -> str:
    if beneficiaire.est_anonymise:
        return "Cette personne a été anonymisée : on ne peut plus lui remettre de carnet."
    if beneficiaire.est_fusionne:
        return "Cette fiche a été fusionnée dans une autre : remettez le carnet depuis la fiche conservée."
    return ""


# --- Remise -----------------------------------------------------------------------------------


def carnet_deja_remis(beneficiaire: Beneficiaire, dispositif: Dispositif) -> Carnet | None:
    """The person's live booklet of this dispositif (a booklet in opposition does not count: a
    replacement may be handed without a dérogation)."""
    return (
        Carnet.objects.filter(beneficiaire=beneficiaire, dispositif=dispositif, statut=Carnet.Statut.REMIS)
        .order_by("-remis_le")
        .first()
    )


def _prendre_carnet(*, organisme_id: int, dispositif: Dispositif, beneficiaire: Beneficiaire, par, maintenant):
    """Reserve the organisation's lowest-numbered booklet in stock; None when there is none."""
    etats.verifier(Cheque.Statut.DOTE, Cheque.Statut.REMIS)
    if Carnet.Statut.REMIS not in etats.TRANSITIONS_CARNET[Carnet.Statut.DOTE]:
        raise etats.TransitionInterdite(Carnet.Statut.DOTE, Carnet.Statut.REMIS)
    for _ in range(ESSAIS):
        stock = Carnet.objects.filter(organisme_id=organisme_id, dispositif=dispositif, statut=Carnet.Statut.DOTE)
        if connection.features.has_select_for_update_skip_locked:
            stock = stock.select_for_update(skip_locked=True)
        pk = stock.order_by("numero").values_list("pk", flat=True).first()
        if pk is None:
            return None
        pris = Carnet.objects.filter(pk=pk, organisme_id=organisme_id, statut=Carnet.Statut.DOTE).update(
            statut=Carnet.Statut.REMIS, beneficiaire=beneficiaire, remis_le=maintenant, remis_par=par.user
        )
        if pris:
            return pk
    return None


@transaction.atomic
def remettre(*, par: Membership, beneficiaire: Beneficiaire, dispositif: Dispositif, request=None) -> Carnet:
    """Hand the organisation's next booklet of `dispositif` to the person. Raises
    PermissionDenied (not an agent of an organisation that follows the person) or
    ValidationError with the French reason; nothing is written then."""
    if not peut_remettre(par, beneficiaire):
        raise PermissionDenied(
            "Seuls les agents d’un organisme qui suit cette personne peuvent lui remettre un carnet."
        )
    raison = _etat_de_la_personne(beneficiaire)
    if raison:
        raise ValidationError(raison, code="personne")
    if dispositif.departement_id != beneficiaire.departement_id:
        raise ValidationError("Ce dispositif n’est pas celui du département de cette personne.", code="departement")
    if not Participation.objects.filter(dispositif=dispositif, organisme_id=par.organisation_id).exists():
        raise ValidationError(
            f"Votre organisme ne participe pas au dispositif « {dispositif.nom} » : il ne peut pas en remettre "
            "de carnet. La coordination départementale peut l’y inscrire.",
            code="participation",
        )
    raison = dispositif_ouvert(dispositif) or eligibilite(beneficiaire, dispositif)
    if raison:
        raise ValidationError(raison, code="eligibilite")

    # Serialise the remises for one person (the « one booklet » rule and the dérogation).
    Beneficiaire.objects.select_for_update().filter(pk=beneficiaire.pk).values_list("pk").first()
    derogation = None
    deja = carnet_deja_remis(beneficiaire, dispositif)
    if deja is not None:
        derogation = (
            Derogation.objects.select_for_update()
            .filter(beneficiaire=beneficiaire, dispositif=dispositif, carnet__isnull=True)
            .first()
        )
        if derogation is None:
            raise ValidationError(
                f"Cette personne a déjà reçu le carnet n° {deja.numero} de ce dispositif, le "
                f"{_date(timezone.localtime(deja.remis_le))}. Un autre carnet demande une dérogation de la "
                "coordination départementale.",
                code="deja_remis",
            )

    maintenant = timezone.now()
    pk = _prendre_carnet(
        organisme_id=par.organisation_id,
        dispositif=dispositif,
        beneficiaire=beneficiaire,
        par=par,
        maintenant=maintenant,
    )
    if pk is None:
        raise ValidationError(
            f"Votre organisme n’a plus de carnet en stock pour le dispositif « {dispositif.nom} ». "
            "Demandez une dotation à la coordination départementale.",
            code="stock",
        )
    cheques = Cheque.objects.filter(carnet_id=pk, statut=Cheque.Statut.DOTE).update(
        statut=Cheque.Statut.REMIS, modifie_le=maintenant
    )
    if derogation is not None:
        Derogation.objects.filter(pk=derogation.pk, carnet__isnull=True).update(carnet_id=pk)
    carnet = Carnet.objects.select_related("dispositif", "departement", "beneficiaire").get(pk=pk)
    evenements.par_carnet(
        action=Action.CARNET_REMIS,
        par=par,
        carnets=[carnet],
        details={
            "beneficiaire": beneficiaire.pseudonyme,
            "cheques": cheques,
            "derogation": derogation.pk if derogation else None,
        },
        request=request,
    )
    noter_activite(beneficiaire=beneficiaire, quand=maintenant)
    return carnet


# --- Dérogations ------------------------------------------------------------------------------


@transaction.atomic
def accorder_derogation(
    *, par: Membership, beneficiaire: Beneficiaire, dispositif: Dispositif, motif: str, request=None
) -> Derogation:
    """A coordinator allows one more booklet of `dispositif` for the person (used by the next
    remise). The reason stays on the dérogation; the journal names the person by pseudonym only
    and does not copy the reason (it may say something personal)."""
    if par is None or not par.is_active or par.role != Role.COORDINATEUR:
        raise PermissionDenied("Seule la coordination départementale accorde une dérogation.")
    departement_id = par.organisation.departement_id
    if beneficiaire.departement_id != departement_id or dispositif.departement_id != departement_id:
        raise PermissionDenied("Cette personne ou ce dispositif n’est pas de votre département.")
    raison = _etat_de_la_personne(beneficiaire)
    if raison:
        raise ValidationError(raison.replace("remettre de carnet", "accorder de dérogation"), code="personne")
    motif = " ".join((motif or "").split())
    if not motif:
        raise ValidationError({"motif": MOTIF_DEROGATION_MANQUANT})
    if len(motif) > Derogation._meta.get_field("motif").max_length:
        raise ValidationError({"motif": "Le motif est trop long (500 caractères au plus)."})
    if dispositif.clos_le is not None:
        raise ValidationError(f"Le dispositif « {dispositif.nom} » est clos.", code="clos")
    if carnet_deja_remis(beneficiaire, dispositif) is None:
        raise ValidationError(
            "Cette personne n’a pas de carnet de ce dispositif : aucune dérogation n’est nécessaire "
            "pour lui en remettre un.",
            code="inutile",
        )
    ouverte = Derogation.objects.filter(beneficiaire=beneficiaire, dispositif=dispositif, carnet__isnull=True).first()
    deja_ouverte = ValidationError(
        "Une dérogation est déjà ouverte pour cette personne et ce dispositif : elle servira à la prochaine remise.",
        code="deja_ouverte",
    )
    if ouverte is not None:
        raise deja_ouverte
    try:
        with transaction.atomic():
            derogation = Derogation.objects.create(
                beneficiaire=beneficiaire, dispositif=dispositif, motif=motif, accordee_par=par.user
            )
    except IntegrityError as exc:  # a concurrent coordinator was faster
        raise deja_ouverte from exc
    evenements.simple(
        action=Action.DEROGATION_ACCORDEE,
        par=par,
        departement=beneficiaire.departement,
        target=derogation,
        target_repr=f"Dérogation pour {beneficiaire.pseudonyme}",
        details={"beneficiaire": beneficiaire.pseudonyme, "dispositif": dispositif.pk},
        request=request,
    )
    return derogation


# --- Printing ---------------------------------------------------------------------------------


def verifier_impression(par: Membership, carnet: Carnet) -> None:
    """Raise unless `par` may print the booklet now (PermissionDenied, or ValidationError)."""
    if not peut_imprimer(par, carnet):
        raise PermissionDenied("Vous ne pouvez pas imprimer ce carnet.")
    if carnet.statut == Carnet.Statut.ANNULE:
        raise ValidationError("Ce carnet est en opposition : ses chèques ne peuvent plus être imprimés.")
    if carnet.statut != Carnet.Statut.REMIS or carnet.beneficiaire_id is None:
        raise ValidationError("Ce carnet n’a pas été remis à une personne.")
    if carnet.beneficiaire.est_anonymise:
        raise ValidationError("La personne a été anonymisée : son carnet ne peut plus être imprimé.")


@transaction.atomic
def journaliser_impression(*, par: Membership, carnet: Carnet, request=None) -> bool:
    """A print of the booklet's PDF: a read of the person's record, and a reprint (journalled
    as such) unless it is the remise's own print. Returns True for a reprint."""
    verifier_impression(par, carnet)
    reimpression = est_reimpression(par, carnet)
    if reimpression:
        evenements.par_carnet(
            action=Action.CARNET_REIMPRIME,
            par=par,
            carnets=[carnet],
            details={"beneficiaire": carnet.beneficiaire.pseudonyme},
            request=request,
        )
    journaliser_consultation(par=par, beneficiaire=carnet.beneficiaire, vue="carnet_pdf", request=request)
    return reimpression


# --- Receivers of beneficiaires.signals (connected in apps.py) --------------------------------


def repointer_apres_fusion(sender, *, conservee, absorbee, par=None, **kwargs) -> dict:
    """Booklets and dérogations of the absorbed record go to the kept one. An open dérogation
    that the kept record already has for the same dispositif stays on the absorbed record (one
    open dérogation per person and dispositif), closed in effect: counted apart."""
    carnets = Carnet.objects.filter(beneficiaire=absorbee).update(beneficiaire=conservee)
    deja_ouvertes = Derogation.objects.filter(beneficiaire=conservee, carnet__isnull=True).values("dispositif_id")
    doublons = Derogation.objects.filter(beneficiaire=absorbee, carnet__isnull=True, dispositif_id__in=deja_ouvertes)
    en_double = list(doublons.values_list("pk", flat=True))
    derogations = (
        Derogation.objects.filter(beneficiaire=absorbee).exclude(pk__in=en_double).update(beneficiaire=conservee)
    )
    return {
        "carnets_pass": carnets,
        "derogations_pass": derogations,
        "derogations_pass_en_double": len(en_double),
    }


def effacer_apres_anonymisation(sender, *, beneficiaire, **kwargs) -> dict:
    """The only free text about a person here is a dérogation's reason: erase it. Booklets keep
    their link to the (now pseudonymous) record, for the funders' audit."""
    return {"derogations_pass": Derogation.objects.filter(beneficiaire=beneficiaire).update(motif=MOTIF_EFFACE)}
