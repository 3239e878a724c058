"""Recording, correcting and sharing a person's record; journalling its reads.

`donnees` maps field names to values as a form cleans them (`commune` is a Commune). The
services validate again (beneficiaires.validation): the command line and other apps call them
directly.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from comptes.models import Membership
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu

from .. import evenements, rules, validation
from ..fse import est_zone_rurale
from ..identite import age_le, cle_doublon, nouveau_pseudonyme, texte_recherche
from ..models import Accueil, Beneficiaire, Suivi
from ..selectors import doublon_de

CHAMPS_SAISIS = (
    "nom",
    "prenom",
    "date_naissance",
    "commune",
    "telephone",
    "email",
    "publics",
    *validation.CHOIX_FSE,
    "besoins",
    "niveau_autonomie",
    "information_rgpd_le",
    "notes",
)


class DoublonTrouve(ValidationError):
    """The person already has a live record in the département: `existante`."""

    def __init__(self, existante: Beneficiaire):
        self.existante = existante
        super().__init__(
            "Cette personne est déjà enregistrée dans le département (même nom, prénom et date de naissance).",
            code="doublon",
        )


def _deriver(beneficiaire: Beneficiaire) -> None:
    beneficiaire.cle_doublon = cle_doublon(
        nom=beneficiaire.nom, prenom=beneficiaire.prenom, date_naissance=beneficiaire.date_naissance
    )
    beneficiaire.texte_recherche = texte_recherche(nom=beneficiaire.nom, prenom=beneficiaire.prenom)
    beneficiaire.zone_rurale = est_zone_rurale(beneficiaire.commune)


def _differe(avant, apres) -> bool:
    """Lists (publics, besoins) are sets: another order is no change."""
    if isinstance(avant, list) and isinstance(apres, list):
        return sorted(avant) != sorted(apres)
    return avant != apres


def _organisme(par: Membership) -> OrganismePrescripteur:
    """The prescriber organisation acting; a closed one records and orients nobody."""
    organisme = OrganismePrescripteur.objects.get(pk=par.organisation_id)
    if not organisme.est_actif:
        raise PermissionDenied(
            f"L’organisme « {organisme.nom} » est fermé : il ne peut plus enregistrer, rattacher ni orienter "
            "de personnes. Adressez-vous à la coordination départementale."
        )
    return organisme


# What a place records about a person it meets at the door: the identity for the duplicate
# check, the commune, a phone number and the date the person was told about their data. The FSE+
# questions stay unanswered ("") until a prescriber or the coordination completes them.
CHAMPS_ACCUEIL = ("nom", "prenom", "date_naissance", "commune", "telephone", "besoins", "information_rgpd_le")


def _enregistrer(*, par: Membership, propre: dict) -> Beneficiaire:
    """Save a new record of the membership's département; raises DoublonTrouve."""
    departement = par.organisation.departement
    beneficiaire = Beneficiaire(departement=departement, cree_par=par.user, pseudonyme=nouveau_pseudonyme())
    for champ, valeur in propre.items():
        setattr(beneficiaire, champ, valeur)
    _deriver(beneficiaire)
    beneficiaire.age_a_l_entree = age_le(beneficiaire.date_naissance, timezone.localdate())
    existante = doublon_de(departement_id=departement.pk, cle=beneficiaire.cle_doublon)
    if existante is not None:
        raise DoublonTrouve(existante)
    try:
        with transaction.atomic():  # a concurrent creation of the same person loses here
            beneficiaire.save()
    except IntegrityError as exc:
        existante = doublon_de(departement_id=departement.pk, cle=beneficiaire.cle_doublon)
        if existante is None:
            raise
        raise DoublonTrouve(existante) from exc
    return beneficiaire


@transaction.atomic
def creer_beneficiaire(*, par: Membership, donnees: Mapping, request=None) -> Beneficiaire:
    """A new record followed by the agent's organisation. Raises DoublonTrouve when the person
    already has one in the département (the caller shows it and offers to link it)."""
    if not rules.peut_creer(par):
        raise PermissionDenied("Seuls les agents et référents d’un organisme prescripteur enregistrent une personne.")
    organisme = _organisme(par)
    beneficiaire = _enregistrer(par=par, propre=validation.nettoyer(donnees))
    Suivi.objects.create(
        beneficiaire=beneficiaire, organisme=organisme, origine=Suivi.Origine.CREATION, cree_par=par.user
    )
    evenements.beneficiaire_cree(par=par, beneficiaire=beneficiaire, request=request)
    return beneficiaire


def _lieu_actif(par: Membership):
    if not rules.est_d_un_lieu(par):
        raise PermissionDenied("Seuls le ou la responsable et les médiateur·rices d’un lieu accueillent une personne.")
    lieu = Lieu.objects.get(pk=par.organisation_id)
    if not lieu.est_actif:
        raise PermissionDenied(f"Le lieu « {lieu.nom} » est fermé : il ne peut plus accueillir de personnes.")
    return lieu


@transaction.atomic
def creer_beneficiaire_au_lieu(*, par: Membership, donnees: Mapping, request=None) -> Beneficiaire:
    """A minimal record made by a place for a person met at the door (CHAMPS_ACCUEIL), with the
    same duplicate check as prescribers; the place then sees it. Raises DoublonTrouve."""
    lieu = _lieu_actif(par)
    # Every place field is present, so each is checked (commune and identity required).
    propre = validation.nettoyer({c: donnees.get(c) for c in CHAMPS_ACCUEIL}, partiel=True)
    beneficiaire = _enregistrer(par=par, propre=propre)
    Accueil.objects.create(beneficiaire=beneficiaire, lieu=lieu, origine=Accueil.Origine.CREATION, cree_par=par.user)
    evenements.beneficiaire_cree(par=par, beneficiaire=beneficiaire, request=request)
    return beneficiaire


@transaction.atomic
def accueillir_existante(*, par: Membership, nom: str, prenom: str, date_naissance, request=None) -> Accueil:
    """The place starts seeing the existing record the duplicate check found, once the mediator
    has typed the same name and birth date (never by its number). Idempotent."""
    lieu = _lieu_actif(par)
    cle = cle_doublon(nom=nom, prenom=prenom, date_naissance=date_naissance)
    existante = doublon_de(departement_id=par.organisation.departement_id, cle=cle)
    if existante is None:
        raise ValidationError("Aucune fiche du département ne porte ce nom, ce prénom et cette date de naissance.")
    beneficiaire = Beneficiaire.objects.select_for_update().get(pk=existante.pk)
    accueil, cree = Accueil.objects.get_or_create(
        beneficiaire=beneficiaire,
        lieu=lieu,
        defaults={"origine": Accueil.Origine.RATTACHEMENT, "cree_par": par.user},
    )
    if cree:
        noter_activite(beneficiaire=beneficiaire)
        evenements.beneficiaire_rattache(par=par, beneficiaire=beneficiaire, organisme=lieu, request=request)
    return accueil


@transaction.atomic
def modifier_beneficiaire(*, par: Membership, beneficiaire: Beneficiaire, donnees: Mapping, request=None) -> list[str]:
    """Correct the record; returns the names of the changed fields ([] changes nothing). The
    journal gets the names, never the values."""
    beneficiaire = Beneficiaire.objects.select_for_update().select_related("commune").get(pk=beneficiaire.pk)
    if not rules.peut_modifier(par, beneficiaire):
        raise PermissionDenied("Vous ne pouvez pas modifier cette fiche.")
    propre = validation.nettoyer({c: donnees[c] for c in CHAMPS_SAISIS if c in donnees}, partiel=True)
    changes = [c for c, v in propre.items() if _differe(getattr(beneficiaire, c), v)]
    if not changes:
        return []
    for champ in changes:
        setattr(beneficiaire, champ, propre[champ])
    _deriver(beneficiaire)
    autre = doublon_de(
        departement_id=beneficiaire.departement_id, cle=beneficiaire.cle_doublon, exclure_pk=beneficiaire.pk
    )
    if autre is not None:
        raise ValidationError(
            f"Une autre fiche ({autre.pseudonyme}) porte déjà ce nom, ce prénom et cette date de naissance. "
            "Si c’est la même personne, demandez à la coordination de fusionner les deux fiches."
        )
    if "date_naissance" in changes:
        beneficiaire.age_a_l_entree = age_le(beneficiaire.date_naissance, timezone.localdate(beneficiaire.cree_le))
    beneficiaire.derniere_activite_le = timezone.now()
    beneficiaire.save()
    evenements.beneficiaire_modifie(par=par, beneficiaire=beneficiaire, champs=changes, request=request)
    return changes


@transaction.atomic
def rattacher(*, par: Membership, nom: str, prenom: str, date_naissance, request=None) -> Suivi:
    """The agent's organisation starts following the existing record of its département that
    the duplicate check found. The agent proves they met the person by giving the same name and
    birth date (a record is never linked by its number alone). Idempotent."""
    if not rules.est_prescripteur(par):
        raise PermissionDenied("Seuls les agents et référents d’un organisme prescripteur suivent une personne.")
    cle = cle_doublon(nom=nom, prenom=prenom, date_naissance=date_naissance)
    existante = doublon_de(departement_id=par.organisation.departement_id, cle=cle)
    if existante is None:
        raise ValidationError("Aucune fiche du département ne porte ce nom, ce prénom et cette date de naissance.")
    beneficiaire = Beneficiaire.objects.select_for_update().get(pk=existante.pk)
    suivi, cree = Suivi.objects.get_or_create(
        beneficiaire=beneficiaire,
        organisme=_organisme(par),
        defaults={"origine": Suivi.Origine.RATTACHEMENT, "cree_par": par.user},
    )
    if cree:
        noter_activite(beneficiaire=beneficiaire)
        evenements.beneficiaire_rattache(par=par, beneficiaire=beneficiaire, organisme=suivi.organisme, request=request)
    return suivi


def noter_activite(*, beneficiaire: Beneficiaire, quand=None) -> None:
    """Something happened for the person (a booklet, a session…): the retention clock restarts."""
    Beneficiaire.objects.filter(pk=beneficiaire.pk).update(derniere_activite_le=quand or timezone.now())


def journaliser_consultation(*, par: Membership, beneficiaire: Beneficiaire, vue: str, request=None) -> None:
    """Every read of a person's page, export or PDF leaves an entry (who, when, which person)."""
    evenements.beneficiaire_consulte(par=par, beneficiaire=beneficiaire, vue=vue, request=request)
