"""Receivers of the person-record signals (merge, anonymisation) for the workshop data."""

from django.db.models import Q

from ..models import Inscription, PresenceCheque


def repointer_apres_fusion(sender, *, conservee, absorbee, par=None, **kwargs) -> dict:
    """Registrations of the absorbed record go to the kept one. When both were registered to the
    same session, the kept registration takes the absorbed one's cheques and, if it was not
    marked, its roll-call mark; the absorbed registration is then removed (nothing else points
    at it)."""
    communes = Inscription.objects.filter(
        beneficiaire=absorbee, seance_id__in=Inscription.objects.filter(beneficiaire=conservee).values("seance_id")
    )
    fusionnees = 0
    for doublon in communes.select_related(None):
        gardee = Inscription.objects.select_for_update().get(beneficiaire=conservee, seance_id=doublon.seance_id)
        PresenceCheque.objects.filter(inscription=doublon).update(inscription=gardee)
        if not gardee.presence and doublon.presence:
            gardee.statut = Inscription.Statut.INSCRIT
            gardee.presence, gardee.marquee_le, gardee.marquee_par = (
                doublon.presence,
                doublon.marquee_le,
                doublon.marquee_par,
            )
            gardee.save(update_fields=["statut", "presence", "marquee_le", "marquee_par"])
        doublon.delete()
        fusionnees += 1
    deplacees = Inscription.objects.filter(Q(beneficiaire=absorbee)).update(beneficiaire=conservee)
    return {"inscriptions_ateliers": deplacees, "inscriptions_ateliers_en_double": fusionnees}


def effacer_apres_anonymisation(sender, *, beneficiaire, **kwargs) -> dict:
    """Registrations and roll-call marks hold no personal data: they stay, attached to the
    pseudonymous record, for the funders' statistics (hours, themes, participants)."""
    return {}
