"""Opposition: cancelling lost or stolen cheques, or what remains of a booklet.

Who: an agent or a référent of the organisation whose stock holds the booklet, or that handed it
out (the booklet keeps its `organisme` once handed over), or a coordinateur of its département.
Only cheques still holding value and not yet redeemed (`etats.ANNULABLES`: généré, doté, remis)
can be cancelled; a redeemed cheque is the place's, a refund or an expiry is final. The change is
a conditional bulk UPDATE … WHERE statut IN ANNULABLES, so a cheque redeemed meanwhile is never
cancelled behind the place's back: the whole operation is refused and nothing changes.

A replacement booklet is a new remise (the remise service), from the person's page.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership, Role
from journal.models import Action

from .. import etats, evenements
from ..models import Carnet, Cheque

MOTIF_MAX = 500
S = Cheque.Statut


def peut_faire_opposition(par: Membership | None, carnet: Carnet) -> bool:
    if par is None or not par.is_active:
        return False
    if par.role == Role.COORDINATEUR:
        return carnet.departement_id == par.organisation.departement_id
    if par.role in (Role.REFERENT, Role.AGENT):
        return carnet.organisme_id is not None and carnet.organisme_id == par.organisation_id
    return False


def _verifier(par: Membership, carnet: Carnet) -> None:
    if not peut_faire_opposition(par, carnet):
        raise PermissionDenied("Vous ne pouvez pas faire opposition sur ce carnet.")


def _motif(motif: str) -> str:
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de l’opposition (chèques perdus, volés…)."})
    if len(motif) > MOTIF_MAX:
        raise ValidationError({"motif": f"Le motif compte au plus {MOTIF_MAX} caractères."})
    return motif


def _annuler(*, ids: list[int], motif: str) -> int:
    maintenant = timezone.now()
    for avant in etats.ANNULABLES:
        etats.verifier(avant, S.ANNULE)
    return Cheque.objects.filter(pk__in=ids, statut__in=etats.ANNULABLES).update(
        statut=S.ANNULE, annule_le=maintenant, motif_annulation=motif, modifie_le=maintenant
    )


@transaction.atomic
def annuler_cheques(*, par: Membership, cheques, motif: str, request=None) -> list[Cheque]:
    """Cancel the given cheques (any booklets the actor may act on). All or nothing."""
    motif = _motif(motif)
    ids = sorted({c.pk for c in cheques})
    if not ids:
        raise ValidationError({"cheques": "Choisissez au moins un chèque à mettre en opposition."})
    verrouilles = list(
        Cheque.objects.select_for_update(of=("self",))
        .select_related("carnet__organisme", "carnet__departement")
        .filter(pk__in=ids)
        .order_by("numero_serie")
    )
    if len(verrouilles) != len(ids):
        raise ValidationError("Un des chèques choisis n’existe plus.")
    for carnet in {c.carnet_id: c.carnet for c in verrouilles}.values():
        _verifier(par, carnet)
    bloques = [c for c in verrouilles if c.statut not in etats.ANNULABLES]
    if bloques:
        raise ValidationError(
            {
                "cheques": [
                    f"Le chèque n° {c.numero_serie} est « {S(c.statut).label.lower()} » : "
                    "il ne peut plus être mis en opposition."
                    for c in bloques
                ]
            }
        )
    if _annuler(ids=ids, motif=motif) != len(ids):
        raise ValidationError("Un des chèques a changé d’état entre-temps : rien n’a été annulé, recommencez.")
    for cheque in verrouilles:
        avant = cheque.statut
        cheque.statut = S.ANNULE
        evenements.par_cheque(
            action=Action.CHEQUES_ANNULES,
            par=par,
            cheque=cheque,
            details={"motif": motif, "avant": avant},
            request=request,
        )
    return verrouilles


@transaction.atomic
def annuler_carnet(*, par: Membership, carnet: Carnet, motif: str, request=None) -> int:
    """Cancel every cheque of the booklet that can still be cancelled, and the booklet itself.
    Returns the number of cheques cancelled."""
    motif = _motif(motif)
    carnet = Carnet.objects.select_for_update(of=("self",)).select_related("departement").get(pk=carnet.pk)
    _verifier(par, carnet)
    if carnet.statut == Carnet.Statut.ANNULE:
        raise ValidationError("Ce carnet est déjà annulé.")
    restants = list(
        Cheque.objects.select_for_update()
        .filter(carnet=carnet, statut__in=etats.ANNULABLES)
        .order_by("numero_serie")
        .values_list("pk", "numero_serie")
    )
    if not restants:
        raise ValidationError("Aucun chèque de ce carnet ne peut encore être annulé (tous sont encaissés ou expirés).")
    nombre = _annuler(ids=[pk for pk, _ in restants], motif=motif)
    if nombre != len(restants):  # pragma: no cover - rows are locked above
        raise ValidationError("Un des chèques a changé d’état entre-temps : rien n’a été annulé, recommencez.")
    if Carnet.Statut.ANNULE in etats.TRANSITIONS_CARNET[carnet.statut]:
        Carnet.objects.filter(pk=carnet.pk, statut=carnet.statut).update(statut=Carnet.Statut.ANNULE)
        carnet.statut = Carnet.Statut.ANNULE
    evenements.par_carnet(
        action=Action.CHEQUES_ANNULES,
        par=par,
        carnets=[carnet],
        details={"motif": motif, "nombre": nombre, "numeros_serie": [serie for _, serie in restants]},
        request=request,
    )
    return nombre
