"""The roll-call (émargement): mark each registered person présent / absent / excusé and, for a
present person, redeem one of their Pass numérique cheques in the same gesture.

The redemption itself is the Pass numérique's (`pass_numerique.services.encaissement.encaisser`,
source « émargement »): this module checks the workshop's own rules first (the person is
present, at most `atelier.cheques_par_seance` cheques per presence, the cheque was handed to
THAT person), then stores the link `PresenceCheque` in the same transaction as the redemption.

Once the signed sheet is uploaded (`seance.verrouillee_le`), every change of a mark and every
new cheque needs a reason, journalled as PRESENCE_CORRIGEE with the values before and after.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from beneficiaires.services.fiches import noter_activite
from comptes.models import Membership
from journal.models import Action
from pass_numerique import codes
from pass_numerique.models import Cheque, Encaissement
from pass_numerique.services import encaissement as pass_encaissement

from .. import evenements, rules
from ..models import Inscription, PresenceCheque, Seance

MOTIF_MIN, MOTIF_MAX = 5, 500
P = Inscription.Presence
MARQUES = (P.PRESENT, P.ABSENT, P.EXCUSE)


def verifier_motif(seance: Seance, motif: str) -> str:
    """The reason of a correction after the lock ("" when the session is not locked)."""
    if not seance.est_verrouillee:
        return ""
    motif = " ".join((motif or "").split())
    if not MOTIF_MIN <= len(motif) <= MOTIF_MAX:
        raise ValidationError(
            {
                "motif": [
                    f"La feuille signée est déposée : indiquez le motif de la correction "
                    f"(entre {MOTIF_MIN} et {MOTIF_MAX} caractères)."
                ]
            }
        )
    return motif


def _jour(seance: Seance) -> str:
    return f"{timezone.localtime(seance.debut):%d/%m/%Y}"


def _inscription_verrouillee(inscription: Inscription) -> Inscription:
    return (
        Inscription.objects.select_for_update(of=("self",))
        .select_related("seance__atelier", "seance__lieu__departement", "beneficiaire")
        .get(pk=inscription.pk)
    )


def _verifier_appel(par: Membership, inscription: Inscription) -> None:
    """The person may be marked: a registered person, a session of the place, its day come."""
    seance = inscription.seance
    if not rules.peut_gerer_seance(par, seance):
        raise PermissionDenied("Seuls le ou la responsable et les médiateur·rices du lieu font l’appel.")
    if inscription.statut != Inscription.Statut.INSCRIT:
        raise ValidationError(
            f"{inscription.beneficiaire} n’est pas inscrit·e à cette séance "
            f"(« {inscription.get_statut_display()} ») : inscrivez la personne avant de pointer sa présence."
        )
    if seance.est_annulee:
        raise ValidationError("La séance est annulée : il n’y a pas d’appel à faire.")
    if timezone.localdate(seance.debut) > timezone.localdate():
        raise ValidationError(
            f"La séance n’a pas encore eu lieu : vous pourrez pointer les présences à partir du {_jour(seance)}."
        )


def cheques_en_cours(inscription: Inscription):
    """The cheques taken for this presence and not given back (redemption not undone)."""
    return PresenceCheque.objects.filter(inscription=inscription, encaissement__annule_le__isnull=True)


def _journaliser_correction(*, par, inscription, motif, avant, apres, request, **details):
    evenements.sur_inscription(
        action=Action.PRESENCE_CORRIGEE,
        par=par,
        inscription=inscription,
        details={"motif": motif, "avant": avant, "apres": apres, **details},
        request=request,
    )


@transaction.atomic
def pointer(*, par: Membership, inscription: Inscription, presence: str, motif: str = "", request=None) -> bool:
    """Mark the person présent, absent or excusé. Returns whether the mark changed."""
    inscription = _inscription_verrouillee(inscription)
    _verifier_appel(par, inscription)
    if presence not in MARQUES:
        raise ValidationError({"presence": ["Choisissez présent·e, absent·e ou excusé·e."]})
    avant = inscription.presence
    if presence == avant:
        return False
    if presence != P.PRESENT and cheques_en_cours(inscription).exists():
        raise ValidationError(
            f"Un chèque Pass numérique a été encaissé pour la présence de {inscription.beneficiaire} : "
            "annulez d’abord son encaissement (page « Encaisser un chèque », dans les 24 heures), "
            f"puis marquez la personne {P(presence).label.lower()}."
        )
    motif = verifier_motif(inscription.seance, motif)
    inscription.presence = presence
    inscription.marquee_le, inscription.marquee_par = timezone.now(), par.user
    inscription.save(update_fields=["presence", "marquee_le", "marquee_par"])
    if presence == P.PRESENT:
        noter_activite(beneficiaire=inscription.beneficiaire)
    if motif:
        _journaliser_correction(
            par=par, inscription=inscription, motif=motif, avant=avant, apres=presence, request=request
        )
    else:
        evenements.sur_inscription(
            action=Action.PRESENCE_MARQUEE,
            par=par,
            inscription=inscription,
            details={"avant": avant, "apres": presence},
            request=request,
        )
    return True


# --- the cheque taken at the roll-call ----------------------------------------------------------


@dataclass(frozen=True)
class ResultatCheque:
    """The answer shown next to the person: the Pass numérique's result, or a refusal of the
    workshop's own rules (nothing redeemed). `statut` is the Pass status or one of ours."""

    ok: bool
    statut: str
    titre: str
    message: str
    cheque: Cheque | None = None

    @classmethod
    def refus(cls, statut: str, titre: str, message: str) -> "ResultatCheque":
        return cls(ok=False, statut=statut, titre=titre, message=message)

    @classmethod
    def du_pass(cls, resultat) -> "ResultatCheque":
        return cls(
            ok=resultat.ok,
            statut=str(resultat.statut),
            titre=resultat.titre,
            message=resultat.message,
            cheque=resultat.cheque,
        )


def _refus_de_l_atelier(inscription: Inscription, *, code: str) -> ResultatCheque | None:
    """The workshop's rules, checked before the Pass numérique is asked."""
    atelier, personne = inscription.seance.atelier, inscription.beneficiaire
    if not atelier.accepte_pass:
        return ResultatCheque.refus(
            "pass_refuse", "Chèques non acceptés", "Cet atelier n’accepte pas les chèques Pass numérique."
        )
    if inscription.presence != P.PRESENT:
        return ResultatCheque.refus(
            "pas_present",
            "Personne pas encore présente",
            f"Marquez d’abord {personne} présent·e : un chèque ne s’encaisse que pour une présence.",
        )
    deja = cheques_en_cours(inscription).count()
    if deja >= atelier.cheques_par_seance:
        n = atelier.cheques_par_seance
        return ResultatCheque.refus(
            "limite",
            "Nombre de chèques atteint",
            f"{personne} a déjà donné {deja} chèque{'s' if deja > 1 else ''} pour cette séance : l’atelier en "
            f"accepte {n} par séance et par personne. Rien n’a été encaissé.",
        )
    if code:
        remis_a = Cheque.objects.filter(code=code).values_list("carnet__beneficiaire_id", flat=True).first()
        if remis_a is not None and remis_a != personne.pk:
            return ResultatCheque.refus(
                "autre_personne",
                "Chèque d’une autre personne",
                f"Ce chèque a été remis à une autre personne que {personne} : il ne s’encaisse que pour la personne "
                "à qui le carnet a été remis. Rien n’a été encaissé.",
            )
    return None


@transaction.atomic
def encaisser_cheque(
    *,
    par: Membership,
    inscription: Inscription,
    code_saisi: str,
    cle_idempotence: str = "",
    motif: str = "",
    request=None,
) -> ResultatCheque:
    """Redeem the cheque typed (or scanned) for a present person and link it to the presence.
    Refusals are results (nothing stored); the same form key sent again gives the first
    success again."""
    inscription = _inscription_verrouillee(inscription)
    _verifier_appel(par, inscription)
    seance = inscription.seance
    cle = (cle_idempotence or "").strip()[: pass_encaissement.CLE_MAX]
    try:
        code = codes.normaliser(code_saisi)
    except codes.CodeInvalide:
        code = ""  # the Pass numérique says what is wrong with it
    rejeu = bool(cle) and cheques_en_cours(inscription).filter(encaissement__cle_idempotence=cle).exists()
    if not rejeu:
        refus = _refus_de_l_atelier(inscription, code=code)
        if refus is not None:
            return refus
        try:
            motif = verifier_motif(seance, motif)
        except ValidationError as exc:
            return ResultatCheque.refus("motif", "Motif obligatoire", " ".join(exc.messages))
    avant = cheques_en_cours(inscription).count()
    resultat = pass_encaissement.encaisser(
        lieu=seance.lieu,
        code_saisi=code_saisi,
        source=Encaissement.Source.EMARGEMENT,
        par=par,
        cle_idempotence=cle,
        request=request,
    )
    if resultat.ok:
        _, cree = PresenceCheque.objects.get_or_create(
            encaissement=resultat.encaissement, defaults={"inscription": inscription}
        )
        if cree and motif:
            _journaliser_correction(
                par=par,
                inscription=inscription,
                motif=motif,
                avant=f"{avant} chèque(s)",
                apres=f"{avant + 1} chèque(s)",
                request=request,
                cheque=resultat.cheque.numero_serie,
            )
    return ResultatCheque.du_pass(resultat)
