"""Reimbursing places: monthly bordereaux, validation line by line, payment.

- `creer_bordereaux(mois=…)`: for each place and dispositif, one bordereau for a finished month
  listing the place's redeemed cheques (« encaissé ») redeemed before the end of that month and
  not yet claimed (no line that is not rejected). Idempotent: a (place, dispositif, month) has at
  most one bordereau (unique constraint) and a cheque at most one live line (unique constraint).
  Run by Celery beat on the 1st of each month for the month just ended, and on demand by a
  coordinator.
- `valider_bordereau(…, rejets={ligne_id: motif})`: the coordinator validates; rejected lines
  need a reason and give the cheque back to the place (claimed again next month).
- `enregistrer_paiement(…)`: the payment (date, reference); cheques encaissé → remboursé with a
  conditional update allowed by `etats.py`.
"""

import calendar
import datetime
from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone

from comptes.models import Membership, Role
from journal.models import Action
from structures.models import Lieu

from .. import etats, evenements
from ..models import Bordereau, Cheque, Dispositif, LigneBordereau

PARIS = ZoneInfo("Europe/Paris")
MOTIF_ENCAISSEMENT_ANNULE = "L’encaissement de ce chèque a été annulé depuis la création du bordereau."
MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def motif_manquant(numero_serie: int) -> str:
    return f"Indiquez le motif du rejet du chèque n° {numero_serie}."


def libelle_mois(mois: datetime.date) -> str:
    return f"{MOIS[mois.month - 1]} {mois.year}"


def mois_precedent(jour: datetime.date | None = None) -> datetime.date:
    jour = jour or timezone.localdate()
    dernier_du_mois_precedent = jour.replace(day=1) - datetime.timedelta(days=1)
    return dernier_du_mois_precedent.replace(day=1)


def fin_du_mois(mois: datetime.date) -> datetime.datetime:
    """The first instant after the month, in Europe/Paris."""
    dernier = calendar.monthrange(mois.year, mois.month)[1]
    lendemain = mois.replace(day=dernier) + datetime.timedelta(days=1)
    return datetime.datetime.combine(lendemain, datetime.time.min, tzinfo=PARIS)


def numero_bordereau(*, lieu: Lieu, dispositif: Dispositif, mois: datetime.date, code_departement: str) -> str:
    """Readable and unique: département, month, place, dispositif (« 23-2026-10-L00042-D007 »)."""
    return f"{code_departement}-{mois:%Y-%m}-L{lieu.pk:05d}-D{dispositif.pk:03d}"


def _reclamables():
    """Cheques that no live line claims yet."""
    lignes_vivantes = LigneBordereau.objects.filter(cheque=OuterRef("pk")).exclude(statut=LigneBordereau.Statut.REJETEE)
    return Cheque.objects.filter(statut=Cheque.Statut.ENCAISSE, lieu_encaissement__isnull=False).exclude(
        Exists(lignes_vivantes)
    )


def _est_coordinateur(par: Membership | None, departement_id: int) -> bool:
    return (
        par is not None
        and par.is_active
        and par.role == Role.COORDINATEUR
        and par.organisation.departement_id == departement_id
    )


def creer_bordereaux(
    *, mois: datetime.date | None = None, par: Membership | None = None, departement=None, request=None
) -> list[Bordereau]:
    """The bordereaux of `mois` (default: the month just ended) that do not exist yet. With
    `par` (a coordinator, on demand) only for the coordinator's département; without it (the
    monthly task) for `departement`, or every département. Returns the bordereaux created."""
    mois = (mois or mois_precedent()).replace(day=1)
    if par is not None:
        if par.role != Role.COORDINATEUR or not par.is_active:
            raise PermissionDenied("Seule la coordination départementale crée les bordereaux.")
        departement = par.organisation.departement
    fin = fin_du_mois(mois)
    if fin > timezone.now():
        raise ValidationError(
            f"Le mois de {libelle_mois(mois)} n’est pas terminé : un bordereau porte sur un mois échu.",
            code="mois_en_cours",
        )
    candidats = _reclamables().filter(encaisse_le__lt=fin)
    if departement is not None:
        candidats = candidats.filter(departement=departement)
    paires = set(candidats.values_list("lieu_encaissement_id", "dispositif_id").distinct())
    existants = set(Bordereau.objects.filter(mois=mois).values_list("lieu_id", "dispositif_id"))
    paires -= existants
    if not paires:
        return []
    lieux = Lieu.objects.select_related("departement").in_bulk({lieu_id for lieu_id, _ in paires})
    dispositifs = Dispositif.objects.select_related("departement").in_bulk({d for _, d in paires})
    crees = []
    for lieu_id, dispositif_id in sorted(paires):
        bordereau = _creer_un(
            lieu=lieux[lieu_id], dispositif=dispositifs[dispositif_id], mois=mois, fin=fin, par=par, request=request
        )
        if bordereau is not None:
            crees.append(bordereau)
    return crees


def _creer_un(*, lieu, dispositif, mois, fin, par, request) -> Bordereau | None:
    """One bordereau in its own transaction; None if a concurrent run made it or took its cheques."""
    try:
        with transaction.atomic():
            bordereau = Bordereau.objects.create(
                lieu=lieu,
                dispositif=dispositif,
                departement=dispositif.departement,
                numero=numero_bordereau(
                    lieu=lieu, dispositif=dispositif, mois=mois, code_departement=dispositif.departement.code
                ),
                mois=mois,
            )
            cheques = list(
                _reclamables()
                .select_for_update()
                .filter(lieu_encaissement=lieu, dispositif=dispositif, encaisse_le__lt=fin)
                .order_by("numero_serie")
            )
            if not cheques:
                transaction.set_rollback(True)
                return None
            LigneBordereau.objects.bulk_create(
                LigneBordereau(bordereau=bordereau, cheque=cheque, montant=cheque.valeur) for cheque in cheques
            )
            montant = sum((c.valeur for c in cheques), Decimal(0))
            evenements.simple(
                action=Action.BORDEREAU_CREE,
                par=par,
                departement=bordereau.departement,
                target=bordereau,
                target_repr=f"Bordereau {bordereau.numero}",
                details={
                    "numero": bordereau.numero,
                    "lieu": lieu.pk,
                    "dispositif": dispositif.pk,
                    "mois": mois.isoformat(),
                    "lignes": len(cheques),
                    "montant": str(montant),
                },
                request=request,
            )
    except IntegrityError:
        return None
    return bordereau


def _verrouiller(par: Membership, bordereau: Bordereau) -> Bordereau:
    if not _est_coordinateur(par, bordereau.departement_id):
        raise PermissionDenied("Seule la coordination du département valide et paie les bordereaux.")
    return (
        Bordereau.objects.select_for_update().select_related("departement", "lieu", "dispositif").get(pk=bordereau.pk)
    )


@transaction.atomic
def valider_bordereau(
    *, par: Membership, bordereau: Bordereau, rejets: Mapping[int, str] | None = None, request=None
) -> Bordereau:
    """Validate the bordereau; each line in `rejets` is rejected with its reason (required).
    Lines whose redemption was undone meanwhile are rejected automatically. Raises
    ValidationError ({'motif_<ligne id>': message} for a missing reason) and writes nothing."""
    bordereau = _verrouiller(par, bordereau)
    if bordereau.statut != Bordereau.Statut.A_VALIDER:
        le = formats.date_format(timezone.localtime(bordereau.valide_le), "j F Y")
        raise ValidationError(
            f"Ce bordereau a déjà été validé le {le}.",
            code="deja_valide",
        )
    lignes = {ligne.pk: ligne for ligne in bordereau.lignes.select_related("cheque")}
    rejets = {int(pk): " ".join((motif or "").split()) for pk, motif in (rejets or {}).items()}
    inconnues = set(rejets) - set(lignes)
    if inconnues:
        raise ValidationError("Une ligne à rejeter n’appartient pas à ce bordereau.", code="ligne_inconnue")
    limite = LigneBordereau._meta.get_field("motif_rejet").max_length
    erreurs = {}
    for pk, motif in rejets.items():
        serie = lignes[pk].cheque.numero_serie
        if not motif:
            erreurs[f"motif_{pk}"] = motif_manquant(serie)
        elif len(motif) > limite:
            erreurs[f"motif_{pk}"] = f"Le motif du rejet du chèque n° {serie} est trop long (500 caractères au plus)."
    if erreurs:
        raise ValidationError(erreurs)
    for pk, ligne in lignes.items():
        cheque = ligne.cheque
        if pk not in rejets and (
            cheque.statut != Cheque.Statut.ENCAISSE or cheque.lieu_encaissement_id != bordereau.lieu_id
        ):
            rejets[pk] = MOTIF_ENCAISSEMENT_ANNULE

    for pk, motif in rejets.items():
        LigneBordereau.objects.filter(pk=pk, statut=LigneBordereau.Statut.A_VALIDER).update(
            statut=LigneBordereau.Statut.REJETEE, motif_rejet=motif
        )
    valides = [pk for pk in lignes if pk not in rejets]
    LigneBordereau.objects.filter(pk__in=valides, statut=LigneBordereau.Statut.A_VALIDER).update(
        statut=LigneBordereau.Statut.VALIDEE
    )
    montant = sum((lignes[pk].montant for pk in valides), Decimal("0.00"))
    bordereau.statut = Bordereau.Statut.VALIDE
    bordereau.valide_le = timezone.now()
    bordereau.valide_par = par.user
    bordereau.montant_valide = montant
    bordereau.save(update_fields=["statut", "valide_le", "valide_par", "montant_valide"])
    evenements.simple(
        action=Action.BORDEREAU_VALIDE,
        par=par,
        departement=bordereau.departement,
        target=bordereau,
        target_repr=f"Bordereau {bordereau.numero}",
        details={
            "numero": bordereau.numero,
            "lignes_validees": len(valides),
            "lignes_rejetees": len(rejets),
            "montant_valide": str(montant),
        },
        request=request,
    )
    for pk, motif in rejets.items():
        evenements.par_cheque(
            action=Action.LIGNE_REJETEE,
            par=par,
            cheque=lignes[pk].cheque,
            details={"bordereau": bordereau.numero, "ligne": pk, "motif": motif},
            request=request,
        )
    return bordereau


@transaction.atomic
def enregistrer_paiement(
    *, par: Membership, bordereau: Bordereau, paye_le: datetime.date | None, reference: str, request=None
) -> Bordereau:
    """Record the payment of a validated bordereau: its cheques become « remboursé ». Raises
    ValidationError (per field, French) and writes nothing when something is wrong."""
    bordereau = _verrouiller(par, bordereau)
    if bordereau.statut == Bordereau.Statut.A_VALIDER:
        raise ValidationError("Validez d’abord ce bordereau : son paiement s’enregistre ensuite.", code="a_valider")
    if bordereau.statut == Bordereau.Statut.PAYE:
        raise ValidationError(
            f"Ce bordereau est déjà payé (le {formats.date_format(bordereau.paye_le, 'j F Y')}, "
            f"référence {bordereau.reference_paiement}).",
            code="deja_paye",
        )
    reference = " ".join((reference or "").split())
    erreurs = {}
    if not reference:
        erreurs["reference"] = "Indiquez la référence du paiement (numéro de mandat ou de virement)."
    elif len(reference) > Bordereau._meta.get_field("reference_paiement").max_length:
        erreurs["reference"] = "La référence est trop longue (100 caractères au plus)."
    if paye_le is None:
        erreurs["paye_le"] = "Indiquez la date du paiement."
    elif paye_le > timezone.localdate():
        erreurs["paye_le"] = "La date du paiement ne peut pas être dans le futur."
    elif paye_le < timezone.localtime(bordereau.valide_le).date():
        erreurs["paye_le"] = "La date du paiement ne peut pas précéder la validation du bordereau."
    if erreurs:
        raise ValidationError(erreurs)
    if not bordereau.montant_valide:
        raise ValidationError("Aucune ligne de ce bordereau n’a été validée : il n’y a rien à payer.", code="vide")

    etats.verifier(Cheque.Statut.ENCAISSE, Cheque.Statut.REMBOURSE)
    ids = list(bordereau.lignes.filter(statut=LigneBordereau.Statut.VALIDEE).values_list("cheque_id", flat=True))
    maintenant = timezone.now()
    rembourses = Cheque.objects.filter(
        pk__in=ids, statut__in=etats.depuis(Cheque.Statut.REMBOURSE), lieu_encaissement_id=bordereau.lieu_id
    ).update(statut=Cheque.Statut.REMBOURSE, rembourse_le=maintenant, modifie_le=maintenant)
    if rembourses != len(ids):
        # Rolls the whole payment back: a validated cheque is no longer « encaissé » here.
        raise ValidationError(
            "Un chèque validé sur ce bordereau n’est plus encaissé par ce lieu : le paiement n’est pas enregistré. "
            "Prévenez l’équipe technique.",
            code="incoherent",
        )
    bordereau.statut = Bordereau.Statut.PAYE
    bordereau.paye_le = paye_le
    bordereau.reference_paiement = reference
    bordereau.paiement_saisi_par = par.user
    bordereau.save(update_fields=["statut", "paye_le", "reference_paiement", "paiement_saisi_par"])
    evenements.simple(
        action=Action.BORDEREAU_PAYE,
        par=par,
        departement=bordereau.departement,
        target=bordereau,
        target_repr=f"Bordereau {bordereau.numero}",
        details={
            "numero": bordereau.numero,
            "reference": reference,
            "paye_le": paye_le.isoformat(),
            "montant": str(bordereau.montant_valide),
            "cheques": rembourses,
        },
        request=request,
    )
    return bordereau
