"""Reads scoped to what the current membership may see. Out of scope is 404, never a page."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from comptes.models import Membership
from journal.models import Action, Evenement
from structures.models import Lieu
from structures.selectors import lieux_autour

from . import rules
from .diagnostic import services_pour
from .models import Beneficiaire, Orientation, Suivi

RAYON_ORIENTATION_KM = 60
NB_LIEUX_PROPOSES = 10


def beneficiaires_visibles(par: Membership | None) -> QuerySet[Beneficiaire]:
    """Live records (not merged) the membership may open. Anonymised ones only for the
    département's staff (they show as « Personne anonymisée »)."""
    qs = Beneficiaire.objects.filter(fusionne_dans__isnull=True)
    if rules.est_du_departement(par):
        return qs.filter(departement_id=par.organisation.departement_id)
    if rules.est_prescripteur(par):
        suivi = Suivi.objects.filter(beneficiaire=OuterRef("pk"), organisme_id=par.organisation_id)
        return qs.filter(Exists(suivi), anonymise_le__isnull=True)
    if rules.est_d_un_lieu(par):
        oriente = Orientation.objects.filter(beneficiaire=OuterRef("pk"), lieu_id=par.organisation_id)
        return qs.filter(Exists(oriente), anonymise_le__isnull=True)
    return qs.none()


def get_beneficiaire_visible(par: Membership | None, pk) -> Beneficiaire:
    found = beneficiaires_visibles(par).select_related("commune", "departement").filter(pk=pk).first()
    if found is None:
        raise Http404("Personne introuvable.")
    return found


def get_beneficiaire_modifiable(par: Membership | None, pk) -> Beneficiaire:
    """404 outside the membership's sight; PermissionDenied is the view's business for the
    lecteur who sees but may not write."""
    return get_beneficiaire_visible(par, pk)


def doublon_de(*, departement_id: int, cle: str, exclure_pk=None) -> Beneficiaire | None:
    """The live record of the département with this duplicate key, if any."""
    if not cle:
        return None
    qs = Beneficiaire.objects.actifs().filter(departement_id=departement_id, cle_doublon=cle)
    if exclure_pk is not None:
        qs = qs.exclude(pk=exclure_pk)
    return qs.select_related("commune").first()


def organismes_qui_suivent(beneficiaire: Beneficiaire):
    return [s.organisme for s in beneficiaire.suivis.select_related("organisme").order_by("cree_le")]


def orientations_de(beneficiaire: Beneficiaire, *, par: Membership | None = None) -> QuerySet[Orientation]:
    """A person's orientations; a place sees only those addressed to it."""
    qs = beneficiaire.orientations.select_related("lieu", "organisme", "cree_par", "repondu_par")
    if rules.est_d_un_lieu(par):
        qs = qs.filter(lieu_id=par.organisation_id)
    return qs.order_by("-cree_le", "-pk")


def orientations_du_lieu(par: Membership, *, statut: str = "") -> QuerySet[Orientation]:
    qs = Orientation.objects.filter(lieu_id=par.organisation_id, beneficiaire__anonymise_le__isnull=True)
    if statut in Orientation.Statut.values:
        qs = qs.filter(statut=statut)
    return qs.select_related("beneficiaire__commune", "organisme", "cree_par").order_by("-cree_le", "-pk")


def orientations_de_l_organisme(par: Membership, *, statut: str = "") -> QuerySet[Orientation]:
    qs = Orientation.objects.filter(organisme_id=par.organisation_id, beneficiaire__anonymise_le__isnull=True)
    if statut in Orientation.Statut.values:
        qs = qs.filter(statut=statut)
    return qs.select_related("beneficiaire", "lieu", "cree_par").order_by("-cree_le", "-pk")


def get_orientation_du_lieu(par: Membership | None, pk) -> Orientation:
    if not rules.est_d_un_lieu(par):
        raise Http404("Orientation introuvable.")
    found = orientations_du_lieu(par).filter(pk=pk).first()
    if found is None:
        raise Http404("Orientation introuvable.")
    return found


def get_orientation_visible(par: Membership | None, pk) -> Orientation:
    """An orientation whose person the membership may see (for the printable slip)."""
    found = (
        Orientation.objects.filter(beneficiaire__in=beneficiaires_visibles(par), pk=pk)
        .select_related("beneficiaire__commune", "lieu", "organisme")
        .first()
    )
    if found is None or (rules.est_d_un_lieu(par) and found.lieu_id != par.organisation_id):
        raise Http404("Orientation introuvable.")
    return found


def lieux_pour_orientation(beneficiaire: Beneficiaire, *, besoins, rayon_km: float = RAYON_ORIENTATION_KM):
    """Open places of the person's département that offer a service answering one of the needs
    (any service when no need is given), nearest first from the person's commune, with
    `distance_km`."""
    lieux = Lieu.objects.actifs().filter(departement_id=beneficiaire.departement_id)
    services = services_pour(besoins)
    if services:
        condition = Q()
        for service in services:
            condition |= Q(services__contains=f"|{service}|")
        lieux = lieux.filter(condition)
    commune = beneficiaire.commune
    return lieux_autour(lieux, latitude=commune.latitude, longitude=commune.longitude, rayon_km=rayon_km)[
        :NB_LIEUX_PROPOSES
    ]


def journal_des_acces(beneficiaire: Beneficiaire) -> QuerySet[Evenement]:
    """Every journal entry about the person (reads and writes), including those of the records
    merged into it."""
    ids = [str(beneficiaire.pk), *(str(pk) for pk in beneficiaire.fusionnes.values_list("pk", flat=True))]
    return (
        Evenement.objects.filter(target_type=Beneficiaire._meta.label_lower, target_id__in=ids)
        .select_related("actor", "organisation")
        .order_by("-created_at", "-id")
    )


ACTIONS_LECTURE = (Action.BENEFICIAIRE_CONSULTE,)
