"""Creating, editing, closing and reopening an organisme prescripteur.

`donnees` maps the fields of `validation.CHAMPS` to values as the form cleans them (`commune` is
a Commune); the services validate again. Coordinators create, close and reopen the
organisations of their département; they and the organisation's own référent·e edit it. Every
change is journalled, with the values (an organisation's data is not personal).

Closing keeps everything (the record, its members, the people it follows): the organisation
leaves the list of open ones and can be reopened — a way back from every mistake.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership, Role

from . import evenements, validation
from .models import OrganismePrescripteur

LONGUEUR_MOTIF = 500


def peut_creer(par: Membership | None) -> bool:
    return par is not None and par.is_active and par.role == Role.COORDINATEUR


def peut_modifier(par: Membership | None, organisme: OrganismePrescripteur) -> bool:
    """The coordinators of the organisation's département, and its own référent·e."""
    if par is None or not par.is_active:
        return False
    if par.role == Role.COORDINATEUR:
        return par.organisation.departement_id == organisme.departement_id
    return par.role == Role.REFERENT and par.organisation_id == organisme.pk


def peut_fermer(par: Membership | None, organisme: OrganismePrescripteur) -> bool:
    return peut_creer(par) and par.organisation.departement_id == organisme.departement_id


@transaction.atomic
def creer_organisme(*, par: Membership, donnees: Mapping, request=None) -> OrganismePrescripteur:
    """A new organisation in the coordinator's département."""
    if not peut_creer(par):
        raise PermissionDenied("Seul·e un·e coordinateur·rice peut créer un organisme prescripteur.")
    propre = validation.nettoyer(donnees)
    organisme = OrganismePrescripteur(departement=par.organisation.departement, **propre)
    _verifier_unicite(organisme)
    organisme.save()
    evenements.organisme_cree(par=par, organisme=organisme, request=request)
    return organisme


@transaction.atomic
def modifier_organisme(*, par: Membership, organisme: OrganismePrescripteur, donnees: Mapping, request=None) -> dict:
    """Apply the changes; returns {field: [avant, après]} ({} when nothing changed: no write, no
    journal entry). Fields missing from `donnees` keep their value. The organisation is re-read
    under a lock: the changes are computed against the database."""
    if not peut_modifier(par, organisme):
        raise PermissionDenied("Vous ne pouvez pas modifier cet organisme.")
    organisme = (
        OrganismePrescripteur.objects.select_for_update(of=("self",))
        .select_related("departement", "commune")
        .get(pk=organisme.pk)
    )
    avant = {champ: getattr(organisme, champ) for champ in validation.CHAMPS}
    propre = validation.nettoyer(avant | dict(donnees))
    changes = {
        champ: [_json(champ, avant[champ]), _json(champ, valeur)]
        for champ, valeur in propre.items()
        if valeur != avant[champ]
    }
    if not changes:
        return {}
    for champ, valeur in propre.items():
        setattr(organisme, champ, valeur)
    _verifier_unicite(organisme)
    organisme.save()
    evenements.organisme_modifie(par=par, organisme=organisme, changes=changes, request=request)
    return changes


@transaction.atomic
def fermer_organisme(*, par: Membership, organisme: OrganismePrescripteur, motif: str, request=None):
    """Close an organisation: it leaves the open ones; its record and members are kept."""
    if not peut_fermer(par, organisme):
        raise PermissionDenied("Seul·e un·e coordinateur·rice du département peut fermer un organisme.")
    motif = " ".join((motif or "").split())
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la fermeture."}, code="motif")
    if len(motif) > LONGUEUR_MOTIF:
        raise ValidationError({"motif": f"Le motif ne doit pas dépasser {LONGUEUR_MOTIF} caractères."}, code="long")
    organisme = OrganismePrescripteur.objects.select_for_update(of=("self",)).get(pk=organisme.pk)
    if not organisme.est_actif:
        raise ValidationError("Cet organisme est déjà fermé.", code="deja_ferme")
    organisme.ferme_le = timezone.now()
    organisme.save(update_fields=["ferme_le"])
    evenements.organisme_ferme(par=par, organisme=organisme, motif=motif, request=request)
    return organisme


@transaction.atomic
def rouvrir_organisme(*, par: Membership, organisme: OrganismePrescripteur, request=None):
    if not peut_fermer(par, organisme):
        raise PermissionDenied("Seul·e un·e coordinateur·rice du département peut rouvrir un organisme.")
    organisme = OrganismePrescripteur.objects.select_for_update(of=("self",)).get(pk=organisme.pk)
    if organisme.est_actif:
        raise ValidationError("Cet organisme est déjà ouvert.", code="deja_ouvert")
    ferme_le = organisme.ferme_le
    organisme.ferme_le = None
    organisme.save(update_fields=["ferme_le"])
    evenements.organisme_rouvert(par=par, organisme=organisme, ferme_le=ferme_le, request=request)
    return organisme


# --- Helpers ----------------------------------------------------------------------------------


def _verifier_unicite(organisme: OrganismePrescripteur) -> None:
    """Two organisations of a département never share a name or a SIRET: it would be the same
    organisation twice, and its agents would be split between the two."""
    autres = OrganismePrescripteur.objects.filter(departement_id=organisme.departement_id).exclude(pk=organisme.pk)
    erreurs = {}
    homonyme = autres.filter(nom__iexact=organisme.nom).first()
    if homonyme is not None:
        erreurs["nom"] = (
            f"Un organisme du département porte déjà ce nom (« {homonyme.nom} »"
            f"{', fermé' if not homonyme.est_actif else ''}) : ouvrez sa fiche plutôt que d’en créer un second."
        )
    if organisme.siret:
        meme_siret = autres.filter(siret=organisme.siret).first()
        if meme_siret is not None:
            erreurs["siret"] = f"Ce SIRET est déjà celui de « {meme_siret.nom} », dans votre département."
    if erreurs:
        raise ValidationError(erreurs, code="doublon")


def _json(champ: str, valeur):
    """A value as the journal keeps it (the commune by name and INSEE code)."""
    if champ == "commune":
        return evenements.libelle_commune(valeur)
    return valeur
