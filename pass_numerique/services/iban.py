"""A place's bank details (where its bordereaux are paid). Only its responsable and the
département's coordinators see the IBAN in full and change it; every change is journalled with
the masked IBAN only."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership, Role
from journal.models import Action
from structures.models import Lieu

from .. import evenements
from ..iban import CoordonneeInvalide, masquer, valider_bic, valider_iban
from ..models import CoordonneesBancaires


def voit_iban_complet(par: Membership | None, lieu: Lieu) -> bool:
    """The place's responsable and the coordinators of its département (pure, no query)."""
    if par is None or not par.is_active:
        return False
    if par.role == Role.COORDINATEUR:
        return par.organisation.departement_id == lieu.departement_id
    return par.role == Role.RESPONSABLE and par.organisation_id == lieu.pk


peut_modifier_coordonnees = voit_iban_complet


@transaction.atomic
def modifier_coordonnees(
    *, par: Membership, lieu: Lieu, titulaire: str, iban: str, bic: str = "", request=None
) -> CoordonneesBancaires:
    """Create or change the place's bank details. Raises ValidationError (per field, French)
    and writes nothing when something is wrong; no journal entry when nothing changed."""
    if not peut_modifier_coordonnees(par, lieu):
        raise PermissionDenied(
            "Seuls le ou la responsable du lieu et la coordination départementale modifient ses coordonnées bancaires."
        )
    erreurs = {}
    titulaire = " ".join((titulaire or "").split())
    if not titulaire:
        erreurs["titulaire"] = "Indiquez le titulaire du compte, tel qu’il figure sur le RIB."
    elif len(titulaire) > CoordonneesBancaires._meta.get_field("titulaire").max_length:
        erreurs["titulaire"] = "Le nom du titulaire est trop long (200 caractères au plus)."
    try:
        iban = valider_iban(iban)
    except CoordonneeInvalide as exc:
        erreurs["iban"] = exc.message
    try:
        bic = valider_bic(bic)
    except CoordonneeInvalide as exc:
        erreurs["bic"] = exc.message
    if erreurs:
        raise ValidationError(erreurs)

    coordonnees = CoordonneesBancaires.objects.select_for_update().filter(lieu=lieu).first()
    avant = {"titulaire": "", "iban": "", "bic": ""}
    if coordonnees is None:
        coordonnees = CoordonneesBancaires(lieu=lieu)
    else:
        avant = {"titulaire": coordonnees.titulaire, "iban": coordonnees.iban, "bic": coordonnees.bic}
    apres = {"titulaire": titulaire, "iban": iban, "bic": bic}
    champs = [champ for champ in ("titulaire", "iban", "bic") if avant[champ] != apres[champ]]
    if not champs:
        return coordonnees
    for champ, valeur in apres.items():
        setattr(coordonnees, champ, valeur)
    coordonnees.modifie_le = timezone.now()
    coordonnees.modifie_par = par.user
    coordonnees.save()
    evenements.simple(
        action=Action.IBAN_MODIFIE,
        par=par,
        departement=lieu.departement,
        target=lieu,
        target_repr=lieu.nom,
        # The masked forms only: the journal is kept for years and read by many.
        details={
            "champs": champs,
            "iban": masquer(iban),
            "ancien_iban": masquer(avant["iban"]) if avant["iban"] else "",
        },
        request=request,
    )
    return coordonnees
