"""Reads for the remise: what an organisation can hand to a person, a person's booklets, a
booklet in sight. Out of scope is 404."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from beneficiaires import rules as regles_beneficiaires
from beneficiaires.models import Beneficiaire
from beneficiaires.selectors import beneficiaires_visibles
from comptes.models import Membership, Role

from ..models import Carnet, Cheque, Derogation, Dispositif
from ..services.remise import dispositif_ouvert, eligibilite, libelles_publics

UTILISES = (Cheque.Statut.ENCAISSE, Cheque.Statut.REMBOURSE)
RESTANTS = (Cheque.Statut.REMIS,)


@dataclass
class Choix:
    """One dispositif the organisation may hand out, as the remise page shows it."""

    dispositif: Dispositif
    stock: int
    raison: str  # why it cannot be handed out now ('' if it can)
    deja: Carnet | None  # the person's live booklet of this dispositif
    derogation: Derogation | None  # an open dérogation, used by the next remise

    @property
    def possible(self) -> bool:
        return not self.raison

    @property
    def publics_acceptes(self) -> str:
        return libelles_publics(self.dispositif.publics)


def choix_de_remise(par: Membership, beneficiaire: Beneficiaire) -> list[Choix]:
    """The dispositifs of the person's département in which the organisation takes part and
    that are open, each with the organisation's stock and the reason it cannot be chosen (no
    stock, not eligible, already has a booklet without a dérogation). Four queries."""
    dispositifs = list(
        Dispositif.objects.filter(
            departement_id=beneficiaire.departement_id,
            participations__organisme_id=par.organisation_id,
            clos_le__isnull=True,
        ).order_by("-debut", "nom")
    )
    ids = [d.pk for d in dispositifs]
    stocks = dict(
        Carnet.objects.filter(organisme_id=par.organisation_id, dispositif_id__in=ids, statut=Carnet.Statut.DOTE)
        .values("dispositif_id")
        .annotate(n=Count("pk"))
        .values_list("dispositif_id", "n")
    )
    deja = {}
    for carnet in Carnet.objects.filter(
        beneficiaire=beneficiaire, dispositif_id__in=ids, statut=Carnet.Statut.REMIS
    ).order_by("remis_le"):
        deja[carnet.dispositif_id] = carnet
    derogations = {
        d.dispositif_id: d
        for d in Derogation.objects.filter(beneficiaire=beneficiaire, dispositif_id__in=ids, carnet__isnull=True)
    }
    choix = []
    for dispositif in dispositifs:
        raison = dispositif_ouvert(dispositif)
        if raison and dispositif.fin_encaissement < timezone.localdate():
            continue  # long over: not worth a line
        stock = stocks.get(dispositif.pk, 0)
        raison = raison or eligibilite(beneficiaire, dispositif)
        carnet = deja.get(dispositif.pk)
        derogation = derogations.get(dispositif.pk)
        if not raison and carnet is not None and derogation is None:
            raison = (
                f"Cette personne a déjà reçu le carnet n° {carnet.numero} de ce dispositif. Un autre carnet demande "
                "une dérogation de la coordination départementale."
            )
        if not raison and not stock:
            raison = "Votre organisme n’a plus de carnet en stock pour ce dispositif : demandez une dotation."
        choix.append(Choix(dispositif=dispositif, stock=stock, raison=raison, deja=carnet, derogation=derogation))
    return choix


def carnets_du_beneficiaire(beneficiaire: Beneficiaire) -> QuerySet[Carnet]:
    """A person's booklets (latest first) with `utilises` and `restants` cheque counts: one query."""
    return (
        Carnet.objects.filter(beneficiaire=beneficiaire)
        .select_related("dispositif")
        .annotate(
            utilises=Count("cheques", filter=Q(cheques__statut__in=UTILISES)),
            restants=Count("cheques", filter=Q(cheques__statut__in=RESTANTS)),
        )
        .order_by("-remis_le", "-pk")
    )


def get_carnet_imprimable(par: Membership | None, pk) -> Carnet:
    """A booklet handed to a person the membership sees (an organisation that follows the
    person, the département's coordinators); 404 otherwise."""
    if par is None or par.role not in (Role.COORDINATEUR, *regles_beneficiaires.ROLES_PRESCRIPTEUR):
        raise Http404("Carnet introuvable.")
    carnet = (
        Carnet.objects.filter(pk=pk, beneficiaire__in=beneficiaires_visibles(par))
        .select_related("dispositif", "departement", "beneficiaire__commune", "organisme", "remis_par")
        .first()
    )
    if carnet is None:
        raise Http404("Carnet introuvable.")
    return carnet


def dispositifs_pour_derogation(beneficiaire: Beneficiaire) -> QuerySet[Dispositif]:
    """The dispositifs of which the person holds a live booklet (a dérogation only makes sense
    there)."""
    return (
        Dispositif.objects.filter(
            carnets__beneficiaire=beneficiaire, carnets__statut=Carnet.Statut.REMIS, clos_le__isnull=True
        )
        .distinct()
        .order_by("-debut", "nom")
    )


def derogations_de(beneficiaire: Beneficiaire) -> QuerySet[Derogation]:
    return (
        Derogation.objects.filter(beneficiaire=beneficiaire)
        .select_related("dispositif", "accordee_par", "carnet")
        .order_by("-accordee_le", "-pk")
    )
