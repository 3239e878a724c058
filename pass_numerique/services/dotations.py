"""Dotations: booklets move between the département's stock and prescribers' stocks.

- `doter`: the coordinator gives the lowest-numbered « généré » booklets of a dispositif to a
  participating prescriber (carnet and cheques généré → doté);
- `retourner`: unused « doté » booklets go back to the département (doté → généré), by the
  holding organisation's référent or a coordinator;
- `transferer`: the coordinator moves « doté » booklets from one prescriber to another
  (doté → doté), journalled as a dotation with details["transfert_de"].

Every state change is allowed by `etats.py` and done with a conditional UPDATE … WHERE statut = the
expected state (and, for booklets, the expected holder); a count that differs from what was locked
means someone else changed them meanwhile, and the whole operation is rolled back. One journal
entry per booklet (`evenements.par_carnet`).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership, Role
from journal.models import Action
from prescripteurs.models import OrganismePrescripteur

from .. import etats, evenements
from ..models import Carnet, Cheque, Dispositif, Participation
from .dispositifs import est_coordinateur_de, exiger_coordinateur, exiger_ouvert

C, S = Carnet.Statut, Cheque.Statut
TRANCHE = 2_000  # ids per IN (…) of a conditional update


class StockModifie(ValidationError):
    """The booklets changed between the lock and the update (should not happen under the lock)."""


def _verifier_carnet(avant: str, apres: str) -> None:
    if apres not in etats.TRANSITIONS_CARNET.get(avant, frozenset()):
        raise etats.TransitionInterdite(avant, apres)


def _tranches(ids: list) -> Iterable[list]:
    for debut in range(0, len(ids), TRANCHE):
        yield ids[debut : debut + TRANCHE]


def _changer_etat(
    ids: list, *, avant: str, apres: str, organisme_avant=None, maintenant, **champs_carnet
) -> tuple[int, int]:
    """Carnets `ids` from `avant` to `apres` (and their cheques from the same cheque state to
    the same), conditionally. Returns (carnets changed, cheques changed)."""
    _verifier_carnet(avant, apres)
    etats.verifier(avant, apres)  # carnet and cheque states share their names here
    nb_carnets = nb_cheques = 0
    for tranche in _tranches(ids):
        filtre = {"pk__in": tranche, "statut": avant}
        if organisme_avant is not None:
            filtre["organisme"] = organisme_avant
        nb_carnets += Carnet.objects.filter(**filtre).update(statut=apres, **champs_carnet)
        if avant != apres:
            nb_cheques += Cheque.objects.filter(carnet_id__in=tranche, statut=avant).update(
                statut=apres, modifie_le=maintenant
            )
    if nb_carnets != len(ids):
        raise StockModifie("Le stock a changé pendant l’opération : rien n’a été fait, recommencez.")
    return nb_carnets, nb_cheques


def _exiger_participant(dispositif: Dispositif, organisme: OrganismePrescripteur) -> None:
    if organisme.departement_id != dispositif.departement_id:
        raise ValidationError({"organisme": "Cet organisme n’est pas dans le département du dispositif."})
    if not Participation.objects.filter(dispositif=dispositif, organisme=organisme).exists():
        raise ValidationError(
            {
                "organisme": (
                    f"L’organisme « {organisme.nom} » ne participe pas au dispositif « {dispositif.nom} » : "
                    "ajoutez-le d’abord aux prescripteurs participants."
                )
            }
        )
    if organisme.ferme_le is not None:
        raise ValidationError({"organisme": f"L’organisme « {organisme.nom} » est fermé."})


@transaction.atomic
def doter(
    *,
    par: Membership,
    dispositif: Dispositif,
    organisme: OrganismePrescripteur,
    nb_carnets,
    taille: int | None = None,
    request=None,
) -> list[Carnet]:
    """Give the `nb_carnets` lowest-numbered booklets of the département's stock (of `taille`
    cheques when given) to `organisme`, which must take part in the dispositif."""
    exiger_coordinateur(par, dispositif)
    # The dispositif's row lock serialises allocations: two at once never fight over booklets.
    dispositif = Dispositif.objects.select_for_update().get(pk=dispositif.pk)
    exiger_ouvert(dispositif)
    if dispositif.fin_encaissement < timezone.localdate():
        raise ValidationError(
            f"Les chèques de ce dispositif ne sont plus encaissables depuis le {dispositif.fin_encaissement:%d/%m/%Y}."
        )
    try:
        nb_carnets = int(nb_carnets)
    except (TypeError, ValueError):
        nb_carnets = 0
    if nb_carnets < 1:
        raise ValidationError({"nb_carnets": "Indiquez un nombre de carnets supérieur ou égal à 1."})
    _exiger_participant(dispositif, organisme)
    stock = Carnet.objects.filter(dispositif=dispositif, statut=C.GENERE)
    if taille:
        stock = stock.filter(taille=taille)
    ids = list(stock.order_by("numero").values_list("pk", flat=True)[:nb_carnets])
    if len(ids) < nb_carnets:
        de_taille = f" de {taille} chèques" if taille else ""
        raise ValidationError(
            {
                "nb_carnets": (
                    f"Stock insuffisant : il reste {len(ids)} carnet{'s' if len(ids) > 1 else ''}{de_taille} "
                    f"au département pour ce dispositif, vous en demandez {nb_carnets}. "
                    "Générez d’abord des chèques."
                )
            }
        )
    maintenant = timezone.now()
    _changer_etat(ids, avant=C.GENERE, apres=C.DOTE, maintenant=maintenant, organisme=organisme, dote_le=maintenant)
    carnets = list(Carnet.objects.filter(pk__in=ids).select_related("departement").order_by("numero"))
    evenements.par_carnet(
        action=Action.CARNETS_DOTES,
        par=par,
        carnets=carnets,
        details={"organisme": organisme.pk, "organisme_nom": organisme.nom},
        request=request,
    )
    return carnets


def _verrouiller(carnets: Iterable) -> list[Carnet]:
    ids = sorted({getattr(c, "pk", c) for c in carnets})
    if not ids:
        raise ValidationError({"carnets": "Choisissez au moins un carnet."})
    verrouilles = []
    for tranche in _tranches(ids):
        verrouilles += (
            Carnet.objects.select_for_update(of=("self",))
            .select_related("departement", "organisme", "dispositif")
            .filter(pk__in=tranche)
            .order_by("numero")
        )
    if len(verrouilles) != len(ids):
        raise ValidationError({"carnets": "Un des carnets choisis n’existe pas."})
    return verrouilles


def _exiger_en_stock(carnets: list[Carnet]) -> None:
    hors_stock = [c for c in carnets if c.statut != C.DOTE]
    if hors_stock:
        carnet = hors_stock[0]
        raise ValidationError(
            {
                "carnets": (
                    f"Le carnet n° {carnet.numero} n’est pas dans le stock d’un prescripteur "
                    f"(« {carnet.get_statut_display().lower()} ») : seuls les carnets inutilisés en stock "
                    "peuvent être retournés ou transférés."
                )
            }
        )


@transaction.atomic
def retourner(*, par: Membership, carnets: Iterable, request=None) -> list[Carnet]:
    """Unused booklets in a prescriber's stock go back to the département's stock. Allowed to
    the holding organisation's référent and to the coordinators of the département."""
    carnets = _verrouiller(carnets)
    for carnet in carnets:
        if not _peut_retourner(par, carnet):
            raise PermissionDenied("Vous ne pouvez pas retourner ce carnet.")
    _exiger_en_stock(carnets)
    maintenant = timezone.now()
    par_organisme: dict = {}
    for carnet in carnets:
        par_organisme.setdefault(carnet.organisme_id, []).append(carnet)
    for organisme_id, groupe in par_organisme.items():
        _changer_etat(
            [c.pk for c in groupe],
            avant=C.DOTE,
            apres=C.GENERE,
            organisme_avant=organisme_id,
            maintenant=maintenant,
            organisme=None,
            dote_le=None,
        )
        evenements.par_carnet(
            action=Action.CARNETS_RETOURNES,
            par=par,
            carnets=groupe,
            details={"organisme": organisme_id, "organisme_nom": groupe[0].organisme.nom},
            request=request,
        )
    for carnet in carnets:
        carnet.statut, carnet.organisme, carnet.dote_le = C.GENERE, None, None
    return carnets


def _peut_retourner(par: Membership | None, carnet: Carnet) -> bool:
    if par is None or not par.is_active:
        return False
    if par.role == Role.REFERENT:
        return carnet.organisme_id == par.organisation_id
    return est_coordinateur_de(par, carnet.departement_id)


@transaction.atomic
def transferer(
    *, par: Membership, carnets: Iterable, vers_organisme: OrganismePrescripteur, request=None
) -> list[Carnet]:
    """Move unused booklets from prescribers' stocks to `vers_organisme` (coordinators), which
    must take part in each booklet's dispositif."""
    carnets = _verrouiller(carnets)
    for carnet in carnets:
        if not est_coordinateur_de(par, carnet.departement_id):
            raise PermissionDenied("Seul·e un·e coordinateur·rice du département peut transférer des carnets.")
    _exiger_en_stock(carnets)
    for dispositif in {c.dispositif_id: c.dispositif for c in carnets}.values():
        exiger_ouvert(dispositif)
        _exiger_participant(dispositif, vers_organisme)
    deja = [c for c in carnets if c.organisme_id == vers_organisme.pk]
    if deja:
        raise ValidationError(
            {"carnets": f"Le carnet n° {deja[0].numero} est déjà dans le stock de « {vers_organisme.nom} »."}
        )
    maintenant = timezone.now()
    par_organisme: dict = {}
    for carnet in carnets:
        par_organisme.setdefault(carnet.organisme_id, []).append(carnet)
    for organisme_id, groupe in par_organisme.items():
        _changer_etat(
            [c.pk for c in groupe],
            avant=C.DOTE,
            apres=C.DOTE,
            organisme_avant=organisme_id,
            maintenant=maintenant,
            organisme=vers_organisme,
            dote_le=maintenant,
        )
        evenements.par_carnet(
            action=Action.CARNETS_DOTES,
            par=par,
            carnets=groupe,
            details={
                "organisme": vers_organisme.pk,
                "organisme_nom": vers_organisme.nom,
                "transfert_de": organisme_id,
                "transfert_de_nom": groupe[0].organisme.nom,
            },
            request=request,
        )
    for carnet in carnets:
        carnet.organisme, carnet.dote_le = vers_organisme, maintenant
    return carnets
