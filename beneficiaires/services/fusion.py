"""Merging two records of the same person (a coordinator's tool).

The kept record takes the other's follow-ups and orientations, its missing contact details,
publics and needs; the absorbed record stays, pointing to the kept one, so that its history
(journal, later booklets and sessions through `signals.fusion`) remains readable. Records that
had been merged into the absorbed one are re-pointed to the kept one: `fusionne_dans` always
names a live record (or an anonymised one), never a merged one, so one level of `fusionnes`
holds the whole history.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership

from .. import evenements, rules, signals
from ..models import Accueil, Beneficiaire, Orientation, Suivi


def verifier_fusion(*, conservee: Beneficiaire, absorbee: Beneficiaire) -> None:
    """Raise a ValidationError (French, says what to do) when the two records cannot be merged.
    The service calls it again under lock; views call it to show the problem before confirming."""
    if conservee.pk == absorbee.pk:
        raise ValidationError("Choisissez une autre fiche : une fiche ne peut pas être fusionnée avec elle-même.")
    for fiche in (conservee, absorbee):
        if fiche.est_anonymise:
            raise ValidationError(
                f"La fiche {fiche.pseudonyme} est anonymisée : elle ne contient plus d’identité et ne peut pas "
                "être fusionnée."
            )
        if fiche.est_fusionne:
            raise ValidationError(
                f"La fiche {fiche.pseudonyme} a déjà été fusionnée dans une autre fiche : "
                "fusionnez plutôt cette autre fiche."
            )
    if conservee.departement_id != absorbee.departement_id:
        raise ValidationError("Les deux fiches doivent appartenir au même département.")
    lieux_ouverts = conservee.orientations.filter(statut=Orientation.Statut.A_CONTACTER).values("lieu_id")
    if absorbee.orientations.filter(statut=Orientation.Statut.A_CONTACTER, lieu_id__in=lieux_ouverts).exists():
        raise ValidationError(
            "Les deux fiches attendent une réponse du même lieu. Demandez au lieu de répondre à l’une des "
            "orientations, puis fusionnez."
        )


@transaction.atomic
def fusionner(*, par: Membership, conservee: Beneficiaire, absorbee: Beneficiaire, request=None) -> Beneficiaire:
    if not rules.peut_fusionner(par):
        raise PermissionDenied("Seule la coordination du département fusionne des fiches.")
    if conservee.pk == absorbee.pk:
        verifier_fusion(conservee=conservee, absorbee=absorbee)
    verrou = {
        b.pk: b
        for b in Beneficiaire.objects.select_for_update().filter(pk__in=[conservee.pk, absorbee.pk]).order_by("pk")
    }
    conservee, absorbee = verrou[conservee.pk], verrou[absorbee.pk]
    departement_id = par.organisation.departement_id
    for fiche in (conservee, absorbee):
        if fiche.departement_id != departement_id:
            raise PermissionDenied("Ces fiches ne sont pas dans votre département.")
    verifier_fusion(conservee=conservee, absorbee=absorbee)

    deja_suivie_par = set(conservee.suivis.values_list("organisme_id", flat=True))
    doublons = absorbee.suivis.filter(organisme_id__in=deja_suivie_par)
    suivis_en_double = doublons.count()
    doublons.delete()
    suivis = Suivi.objects.filter(beneficiaire=absorbee).update(beneficiaire=conservee, origine=Suivi.Origine.FUSION)
    orientations = Orientation.objects.filter(beneficiaire=absorbee).update(beneficiaire=conservee)
    deja_accueillie_par = set(conservee.accueils.values_list("lieu_id", flat=True))
    absorbee.accueils.filter(lieu_id__in=deja_accueillie_par).delete()
    accueils = Accueil.objects.filter(beneficiaire=absorbee).update(
        beneficiaire=conservee, origine=Accueil.Origine.FUSION
    )
    anciennes = Beneficiaire.objects.filter(fusionne_dans=absorbee).update(fusionne_dans=conservee)
    deplaces = {"suivis": suivis, "suivis_en_double": suivis_en_double, "orientations": orientations}
    if accueils:
        deplaces["accueils"] = accueils
    if anciennes:
        deplaces["fiches_deja_fusionnees"] = anciennes
    for _receiver, reponse in signals.fusion.send(sender=Beneficiaire, conservee=conservee, absorbee=absorbee, par=par):
        deplaces.update(reponse or {})

    for champ in ("telephone", "email"):
        if not getattr(conservee, champ):
            setattr(conservee, champ, getattr(absorbee, champ))
    if absorbee.notes and absorbee.notes not in conservee.notes:
        conservee.notes = "\n\n".join(filter(None, [conservee.notes, absorbee.notes]))
    conservee.publics = list(dict.fromkeys([*conservee.publics, *absorbee.publics]))
    conservee.besoins = list(dict.fromkeys([*conservee.besoins, *absorbee.besoins]))
    conservee.derniere_activite_le = max(conservee.derniere_activite_le, absorbee.derniere_activite_le, timezone.now())
    conservee.save()
    absorbee.fusionne_dans = conservee
    absorbee.fusionne_le = timezone.now()
    absorbee.save(update_fields=["fusionne_dans", "fusionne_le"])
    evenements.beneficiaire_fusionne(
        par=par, conservee=conservee, absorbee=absorbee, deplaces=deplaces, request=request
    )
    return conservee
