"""Reads of the journal, scoped to what a membership may see."""

from .models import Evenement


def evenements_visible_to(membership):
    """Coordinators read their département's journal; everyone else reads nothing."""
    if membership is None or not membership.is_coordinateur:
        return Evenement.objects.none()
    return Evenement.objects.filter(departement_id=membership.organisation.departement_id).select_related(
        "actor", "organisation"
    )


def evenements_for_target(obj):
    return Evenement.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk)).select_related(
        "actor", "organisation"
    )
