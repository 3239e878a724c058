"""Registrations to a session: register a person the place sees (on the waiting list when the
session is full — never beyond its capacity), a person met at the door (a minimal record and
the registration in one transaction), unregister (the first person waiting takes the place),
and the walk-ins counted without a record.

Every function locks the session row first: two mediators registering the last place at once
cannot both get it. A registration is never deleted: unregistering sets its status.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from beneficiaires.models import Beneficiaire, Orientation
from beneficiaires.selectors import beneficiaires_visibles
from beneficiaires.services import fiches, orientations
from comptes.models import Membership
from journal.models import Action

from .. import evenements, rules
from ..models import Inscription, Seance
from ..models.ateliers import CAPACITE_MAX
from .emargement import verifier_motif

S = Inscription.Statut
# Orientations that bring a person to the place (a refused one does not).
ORIENTATIONS_VALABLES = (Orientation.Statut.A_CONTACTER, Orientation.Statut.PRIS_EN_CHARGE)
ANONYMES_MAX = CAPACITE_MAX


def _jour(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}"


def _seance_verrouillee(seance: Seance) -> Seance:
    """The session row, locked for the transaction (with what the checks and journal need)."""
    return (
        Seance.objects.select_for_update(of=("self",)).select_related("atelier", "lieu__departement").get(pk=seance.pk)
    )


def verifier_ouverte(*, par: Membership, seance: Seance) -> None:
    """Registrations may change: a member of the place, a session neither cancelled nor locked."""
    if not rules.peut_gerer_seance(par, seance):
        raise PermissionDenied("Seuls le ou la responsable et les médiateur·rices du lieu inscrivent à ses séances.")
    if seance.est_annulee:
        raise ValidationError(f"La séance est annulée (le {_jour(seance.annulee_le)}) : les inscriptions sont closes.")
    if seance.est_verrouillee:
        raise ValidationError(
            "La feuille d’émargement signée de cette séance est déposée : les inscriptions ne peuvent plus changer."
        )


def places_libres(seance: Seance) -> int:
    inscrits = Inscription.objects.filter(seance=seance, statut=S.INSCRIT).count()
    return max(seance.capacite - inscrits, 0)


def _origine(*, par: Membership, seance: Seance, beneficiaire: Beneficiaire, request) -> str:
    """« orientation » when a prescriber sent the person to this place; an orientation still
    « à contacter » is answered « pris en charge » (the prescriber sees it)."""
    valables = list(
        Orientation.objects.filter(beneficiaire=beneficiaire, lieu_id=seance.lieu_id, statut__in=ORIENTATIONS_VALABLES)
    )
    for orientation in valables:
        if orientation.statut == Orientation.Statut.A_CONTACTER:
            orientations.prendre_en_charge(par=par, orientation=orientation, request=request)
    return Inscription.Origine.ORIENTATION if valables else Inscription.Origine.ACCUEIL


def _journaliser(action, *, par, inscription, request, **details):
    evenements.sur_inscription(action=action, par=par, inscription=inscription, details=details, request=request)


@transaction.atomic
def inscrire(*, par: Membership, seance: Seance, beneficiaire: Beneficiaire, request=None) -> Inscription:
    """Register the person; on the waiting list (statut « attente ») when the session is full.
    A person already waiting takes a place that became free. Raises ValidationError (already
    registered, session cancelled or locked)."""
    seance = _seance_verrouillee(seance)
    verifier_ouverte(par=par, seance=seance)
    if not beneficiaires_visibles(par).filter(pk=beneficiaire.pk).exists():
        raise PermissionDenied("Cette personne n’est ni orientée vers votre lieu ni accueillie par lui.")
    return _inscrire(par=par, seance=seance, beneficiaire=beneficiaire, request=request)


def _inscrire(*, par: Membership, seance: Seance, beneficiaire: Beneficiaire, request) -> Inscription:
    inscription = (
        Inscription.objects.select_for_update(of=("self",)).filter(seance=seance, beneficiaire=beneficiaire).first()
    )
    if inscription is not None:
        inscription.beneficiaire = beneficiaire
    libres = places_libres(seance)
    if inscription is not None and inscription.statut == S.INSCRIT:
        raise ValidationError(f"{beneficiaire} est déjà inscrit·e à cette séance.")
    if inscription is not None and inscription.statut == S.ATTENTE:
        if not libres:
            raise ValidationError(f"{beneficiaire} est déjà sur liste d’attente : la séance est toujours complète.")
        _promouvoir(par=par, inscription=inscription, seance=seance, comment="manuelle", request=request)
        return inscription
    statut = S.INSCRIT if libres else S.ATTENTE
    origine = _origine(par=par, seance=seance, beneficiaire=beneficiaire, request=request)
    if inscription is None:
        inscription = Inscription.objects.create(
            seance=seance, beneficiaire=beneficiaire, statut=statut, origine=origine, cree_par=par.user
        )
    else:  # registered again after unregistering: at the end of the queue
        inscription.statut, inscription.origine = statut, origine
        inscription.cree_le, inscription.cree_par = timezone.now(), par.user
        inscription.save(update_fields=["statut", "origine", "cree_le", "cree_par"])
    inscription.seance, inscription.beneficiaire = seance, beneficiaire
    fiches.noter_activite(beneficiaire=beneficiaire)
    _journaliser(
        Action.INSCRIPTION_AJOUTEE, par=par, inscription=inscription, request=request, statut=statut, origine=origine
    )
    return inscription


def _changer_statut(inscription: Inscription, statut: str) -> None:
    inscription.statut = statut
    inscription.save(update_fields=["statut"])


def _promouvoir(*, par, inscription: Inscription, seance: Seance, comment: str, request) -> None:
    """From the waiting list to a place (`comment`: « manuelle » or « automatique »)."""
    _changer_statut(inscription, S.INSCRIT)
    inscription.seance = seance
    _journaliser(
        Action.INSCRIPTION_AJOUTEE,
        par=par,
        inscription=inscription,
        request=request,
        statut=S.INSCRIT,
        promotion=comment,
    )


@transaction.atomic
def inscrire_nouvelle_personne(*, par: Membership, seance: Seance, donnees, request=None) -> Inscription:
    """A person met at the door: their minimal record (`creer_beneficiaire_au_lieu`, which
    raises DoublonTrouve) and the registration, both or neither."""
    seance = _seance_verrouillee(seance)
    verifier_ouverte(par=par, seance=seance)
    beneficiaire = fiches.creer_beneficiaire_au_lieu(par=par, donnees=donnees, request=request)
    return _inscrire(par=par, seance=seance, beneficiaire=beneficiaire, request=request)


@transaction.atomic
def inscrire_personne_retrouvee(
    *, par: Membership, seance: Seance, nom: str, prenom: str, date_naissance: datetime.date, request=None
) -> Inscription:
    """The duplicate check found the person's record: the place starts seeing it (the mediator
    typed the same identity) and registers them, both or neither."""
    seance = _seance_verrouillee(seance)
    verifier_ouverte(par=par, seance=seance)
    accueil = fiches.accueillir_existante(
        par=par, nom=nom, prenom=prenom, date_naissance=date_naissance, request=request
    )
    return _inscrire(par=par, seance=seance, beneficiaire=accueil.beneficiaire, request=request)


@transaction.atomic
def desinscrire(*, par: Membership, inscription: Inscription, request=None) -> Inscription | None:
    """Unregister (the row stays, statut « désinscrit »). Not once the presence is marked. When
    a place is freed, the first person waiting takes it: returned (else None)."""
    seance = _seance_verrouillee(inscription.seance)
    verifier_ouverte(par=par, seance=seance)
    inscription = (
        Inscription.objects.select_for_update(of=("self",))
        .select_related("beneficiaire")
        .get(pk=inscription.pk, seance=seance)
    )
    inscription.seance = seance
    if inscription.statut == S.DESINSCRIT:
        raise ValidationError(f"{inscription.beneficiaire} est déjà désinscrit·e de cette séance.")
    if inscription.presence:
        raise ValidationError(
            f"La présence de {inscription.beneficiaire} est déjà pointée "
            f"(« {inscription.get_presence_display()} ») : la personne ne peut plus être désinscrite. "
            "Corrigez plutôt le pointage sur la page d’émargement."
        )
    avant = inscription.statut
    _changer_statut(inscription, S.DESINSCRIT)
    _journaliser(Action.INSCRIPTION_RETIREE, par=par, inscription=inscription, request=request, statut_avant=avant)
    if avant != S.INSCRIT:
        return None
    promue = (
        Inscription.objects.select_for_update(of=("self",))
        .select_related("beneficiaire")
        .filter(seance=seance, statut=S.ATTENTE)
        .order_by("cree_le", "pk")
        .first()
    )
    if promue is None or not places_libres(seance):
        return None
    _promouvoir(par=par, inscription=promue, seance=seance, comment="automatique", request=request)
    return promue


def seance_commencee(seance: Seance) -> bool:
    """The session's day has come (the roll-call and the walk-ins may be recorded)."""
    return timezone.localdate(seance.debut) <= timezone.localdate()


@transaction.atomic
def compter_anonymes(*, par: Membership, seance: Seance, nombre: int, motif: str = "", request=None) -> bool:
    """The number of walk-ins (no record: counted in public figures, never as FSE participants).
    Only from the session's day. After the lock, a reason is required. Returns whether it
    changed."""
    seance = _seance_verrouillee(seance)
    if not rules.peut_gerer_seance(par, seance):
        raise PermissionDenied("Seuls le ou la responsable et les médiateur·rices du lieu comptent les participant·es.")
    if seance.est_annulee:
        raise ValidationError("La séance est annulée : personne n’y a participé.")
    if not seance_commencee(seance):
        raise ValidationError(
            f"La séance n’a pas encore eu lieu : vous pourrez compter les personnes venues sans inscription "
            f"à partir du {_jour(seance.debut)}."
        )
    if isinstance(nombre, bool) or not isinstance(nombre, int) or not 0 <= nombre <= ANONYMES_MAX:
        raise ValidationError({"nombre": [f"Indiquez un nombre entier de personnes entre 0 et {ANONYMES_MAX}."]})
    if nombre == seance.participants_anonymes:
        return False
    motif = verifier_motif(seance, motif)
    avant = seance.participants_anonymes
    seance.participants_anonymes = nombre
    seance.save(update_fields=["participants_anonymes"])
    details = {"avant": avant, "apres": nombre}
    if motif:
        details["motif"] = motif
    evenements.sur_seance(action=Action.ANONYMES_COMPTES, par=par, seance=seance, details=details, request=request)
    return True
