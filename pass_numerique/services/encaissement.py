"""Redeeming a cheque (encaissement) and undoing it within 24 hours.

`encaisser()` answers every attempt with a `Resultat`: a status among `Statut` and a plain French
message, never an exception for a refusal (a refusal is a normal answer for a place). Exactly
once under concurrency: inside one transaction, one conditional
``UPDATE cheque SET statut = 'encaisse' … WHERE code = … AND statut = 'remis' AND <dispositif
open today> AND <place qualifié> RETURNING …`` (a returned row says who won; PostgreSQL makes
concurrent updates of the row wait and re-check the condition), then the INSERT of the
`Encaissement`, whose partial unique constraint (one live redemption per cheque) is the
backstop. When no row comes back, the cheque is read and the refusal explains why (a loser of
the race gets « déjà encaissé » with when and where).

Idempotency: a `cle_idempotence` (the page's form key, the API's `Idempotency-Key`) is stored
on the redemption; the same key from the same place for the same code returns the first
success again (`rejoue=True`), not « déjà encaissé ». Only successes are stored: a refusal is
evaluated again on a retry. The same key for another code that could be redeemed is refused
(`cle_reutilisee`, nothing changes).

Cost of a success (the API's hot path, bench/encaissement_api.py): the conditional UPDATE
(raw SQL: it returns what the answer needs, the dispositif's name and the person, through
scalar subqueries that SQLite also accepts), two INSERTs (redemption, journal) and the person's
activity date. A refusal costs the UPDATE that changed nothing and one SELECT.

Order of the checks (each with its own message): the code's check character (no database
query), unknown code, the place (closed, not qualified or suspended for the cheque's
dispositif: « non accepté », before anything about the cheque's state is revealed), then the
cheque's state (already redeemed, cancelled, expired, not yet handed out), then the
dispositif (closed, not started, past its last redemption day).
"""

import datetime
import enum
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from beneficiaires.models import Beneficiaire
from beneficiaires.services.fiches import noter_activite
from comptes.models import Membership, Role
from journal.models import Action
from structures.models import Lieu

from .. import codes, etats, evenements
from ..models import Carnet, Cheque, Dispositif, Encaissement, JetonAPI, LigneBordereau, Qualification

PARIS = ZoneInfo("Europe/Paris")
DELAI_ANNULATION = datetime.timedelta(hours=24)
MOTIF_MAX = 500
CLE_MAX = 64
ROLES_ENCAISSEURS = (Role.RESPONSABLE, Role.MEDIATEUR)
S = Cheque.Statut


class Statut(enum.StrEnum):
    OK = "ok"
    FAUTE_DE_FRAPPE = "faute_de_frappe"
    INCONNU = "inconnu"
    PAS_REMIS = "pas_remis"
    NON_ACCEPTE = "non_accepte"
    EXPIRE = "expire"
    ANNULE = "annule"
    DEJA_ENCAISSE = "deja_encaisse"
    CLE_REUTILISEE = "cle_reutilisee"


# Short titles of the result, shown in large letters on the page.
TITRES = {
    Statut.OK: "Chèque encaissé",
    Statut.FAUTE_DE_FRAPPE: "Code incorrect",
    Statut.INCONNU: "Code inconnu",
    Statut.PAS_REMIS: "Chèque pas encore remis",
    Statut.NON_ACCEPTE: "Chèque non accepté ici",
    Statut.EXPIRE: "Chèque expiré",
    Statut.ANNULE: "Chèque annulé",
    Statut.DEJA_ENCAISSE: "Chèque déjà encaissé",
    Statut.CLE_REUTILISEE: "Formulaire déjà utilisé",
}


@dataclass(frozen=True)
class Resultat:
    statut: Statut
    message: str
    code: str = ""  # the normalised code ("" for a typo)
    cheque: Cheque | None = None
    encaissement: Encaissement | None = None
    rejoue: bool = False  # an idempotent replay of an earlier success
    # « déjà encaissé »: when and where
    encaisse_le: datetime.datetime | None = None
    lieu_nom: str = ""

    @property
    def ok(self) -> bool:
        return self.statut == Statut.OK

    @property
    def titre(self) -> str:
        return TITRES[self.statut]

    @property
    def valeur(self) -> Decimal | None:
        return self.cheque.valeur if self.cheque is not None else None


# --- formatting -------------------------------------------------------------------------------


def date_heure(moment: datetime.datetime) -> str:
    """« 23/11/2026 à 14 h 05 », in Europe/Paris (no-break spaces around « h »)."""
    local = moment.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H}\u00a0h\u00a0{local:%M}"


def _date(jour: datetime.date) -> str:
    return f"{jour:%d/%m/%Y}"


def _euros(valeur: Decimal) -> str:
    return f"{valeur:.2f} €".replace(".", ",")


# --- who may redeem ---------------------------------------------------------------------------


def peut_encaisser(par: Membership | None, lieu: Lieu) -> bool:
    """A responsable or a médiateur of that very place."""
    return par is not None and par.is_active and par.role in ROLES_ENCAISSEURS and par.organisation_id == lieu.pk


def _verifier_acteur(*, lieu: Lieu, par: Membership | None, jeton: JetonAPI | None) -> None:
    if (par is None) == (jeton is None):
        raise ValueError("encaisser() : indiquez soit `par` (une adhésion), soit `jeton` (un jeton d’API).")
    if par is not None and not peut_encaisser(par, lieu):
        raise PermissionDenied("Seuls les membres du lieu peuvent encaisser pour lui.")
    if jeton is not None and (jeton.lieu_id != lieu.pk or jeton.revoque_le is not None):
        raise PermissionDenied("Ce jeton d’API n’est pas valable pour ce lieu.")


# --- the refusals -----------------------------------------------------------------------------


def _refus(cheque: Cheque, *, lieu: Lieu, qualification: str | None, jour: datetime.date, code: str) -> Resultat | None:
    """Why this cheque cannot be redeemed here today, or None if it can."""
    dispositif = cheque.dispositif

    def refus(statut: Statut, message: str, **extra) -> Resultat:
        return Resultat(statut=statut, message=message, code=code, cheque=cheque, **extra)

    if not lieu.est_actif:
        return refus(Statut.NON_ACCEPTE, "Votre lieu est fermé dans l’annuaire : il ne peut pas encaisser de chèques.")
    if qualification == Qualification.Statut.SUSPENDU:
        return refus(
            Statut.NON_ACCEPTE,
            f"La qualification de votre lieu pour le dispositif « {dispositif.nom} » est suspendue : "
            "vous ne pouvez pas encaisser ses chèques pour le moment. Contactez l’équipe du département.",
        )
    if qualification != Qualification.Statut.QUALIFIE:
        return refus(
            Statut.NON_ACCEPTE,
            f"Votre lieu n’est pas qualifié pour le dispositif « {dispositif.nom} » : "
            "il ne peut pas accepter ce chèque.",
        )
    if cheque.statut in (S.ENCAISSE, S.REMBOURSE):
        ici = cheque.lieu_encaissement_id == lieu.pk
        nom = cheque.lieu_encaissement_nom or ""
        ou = f"par votre lieu (« {nom} »)" if ici else f"par le lieu « {nom} »"
        return refus(
            Statut.DEJA_ENCAISSE,
            f"Ce chèque a déjà été encaissé le {date_heure(cheque.encaisse_le)} {ou}. "
            "Un chèque ne s’encaisse qu’une fois.",
            encaisse_le=cheque.encaisse_le,
            lieu_nom=nom,
        )
    if cheque.statut == S.ANNULE:
        quand = f" le {_date(timezone.localtime(cheque.annule_le).date())}" if cheque.annule_le else ""
        return refus(
            Statut.ANNULE,
            f"Ce chèque a été annulé{quand} (déclaré perdu ou volé) : il ne peut pas être encaissé. "
            "Ne rendez pas de service en échange de ce chèque.",
        )
    if cheque.statut == S.EXPIRE or (cheque.statut == S.REMIS and jour > dispositif.fin_encaissement):
        return refus(
            Statut.EXPIRE,
            f"Ce chèque a expiré : il pouvait être encaissé jusqu’au {_date(dispositif.fin_encaissement)} "
            f"(fin de validité le {_date(dispositif.validite_fin)}, plus {dispositif.tolerance_jours} jours "
            "de tolérance).",
        )
    if cheque.statut in (S.GENERE, S.DOTE):
        return refus(
            Statut.PAS_REMIS,
            "Ce chèque n’a pas encore été remis à une personne : il ne peut pas être encaissé. "
            "Il a peut-être été égaré avant sa remise : contactez l’équipe du département.",
        )
    if dispositif.clos_le is not None:
        return refus(
            Statut.NON_ACCEPTE, f"Le dispositif « {dispositif.nom} » est clos : ses chèques ne sont plus acceptés."
        )
    if jour < dispositif.debut:
        return refus(
            Statut.NON_ACCEPTE,
            f"Le dispositif « {dispositif.nom} » commence le {_date(dispositif.debut)} : "
            "ses chèques ne sont pas encore acceptés.",
        )
    return None


def _inconnu(code: str) -> Resultat:
    return Resultat(
        statut=Statut.INCONNU,
        code=code,
        message="Aucun chèque ne porte ce code. Vérifiez-le sur le chèque ; s’il est exact, "
        "contactez l’équipe du département.",
    )


def _cle_reutilisee(code: str) -> Resultat:
    return Resultat(
        statut=Statut.CLE_REUTILISEE,
        code=code,
        message="Cette demande a déjà servi à encaisser un autre chèque (clé d’idempotence déjà utilisée). "
        "Recommencez la saisie.",
    )


def _succes(encaissement: Encaissement, *, rejoue: bool) -> Resultat:
    cheque = encaissement.cheque
    return Resultat(
        statut=Statut.OK,
        code=cheque.code,
        cheque=cheque,
        encaissement=encaissement,
        rejoue=rejoue,
        encaisse_le=encaissement.le,
        lieu_nom=encaissement.lieu.nom,
        message=f"Chèque accepté : {_euros(cheque.valeur)}, dispositif « {cheque.dispositif.nom} ». "
        f"Encaissé le {date_heure(encaissement.le)}.",
    )


def _rejouer(*, lieu: Lieu, cle: str, code: str) -> Resultat | None:
    """The stored answer for this key, if the key was already used by this place."""
    premier = (
        Encaissement.objects.select_related("cheque__dispositif", "lieu").filter(lieu=lieu, cle_idempotence=cle).first()
    )
    if premier is None:
        return None
    if premier.cheque.code != code:
        return _cle_reutilisee(code)
    return _succes(premier, rejoue=True)


def _cheque(code: str, lieu: Lieu) -> Cheque | None:
    """The cheque and its dispositif, with what the refusals need, in one query: the place's
    qualification for the dispositif (`qualification`) and the name of the place that redeemed
    it (`lieu_encaissement_nom`)."""
    qualification = Qualification.objects.filter(lieu=lieu, dispositif=OuterRef("dispositif_id")).values("statut")
    cheque = next(
        iter(
            Cheque.objects.select_related("dispositif")
            .annotate(
                qualification=Subquery(qualification[:1]),
                lieu_encaissement_nom=F("lieu_encaissement__nom"),
            )
            .filter(code=code)
            .order_by()[:1]
        ),
        None,
    )
    return cheque


# --- redeem -----------------------------------------------------------------------------------


def encaisser(
    *,
    lieu: Lieu,
    code_saisi: str,
    source: str,
    par: Membership | None = None,
    jeton: JetonAPI | None = None,
    cle_idempotence: str = "",
    request=None,
) -> Resultat:
    """Redeem the cheque whose code was typed or scanned, for `lieu`: by a member (`par`) or
    through the API (`jeton`). Refusals are results; an actor outside the place raises
    PermissionDenied."""
    try:
        code = codes.normaliser(code_saisi)
    except codes.CodeInvalide as exc:
        return Resultat(statut=Statut.FAUTE_DE_FRAPPE, message=exc.message)
    _verifier_acteur(lieu=lieu, par=par, jeton=jeton)
    cle = (cle_idempotence or "").strip()[:CLE_MAX]
    # The key is not looked up first (one query less on every redemption): a replay meets the
    # cheque already redeemed (« déjà encaissé », then the key is looked up), and a key used
    # for another cheque meets the unique constraint (place, key) and everything rolls back.
    try:
        with transaction.atomic():
            return _encaisser(lieu=lieu, code=code, source=source, par=par, jeton=jeton, cle=cle, request=request)
    except IntegrityError:
        deja = _rejouer(lieu=lieu, cle=cle, code=code) if cle else None
        if deja is None:
            raise
        return deja


def _sql_encaisser() -> str:
    """The conditional UPDATE of the fast path (table and column names from the models).

    It redeems the cheque only if it is « remis », its dispositif open today and the place
    « qualifié » for it — the same conditions as `_refus()` finding nothing to say — and returns
    what the answer and the journal need. Scalar subqueries in RETURNING (not UPDATE … FROM):
    SQLite allows only those."""
    cheque, dispositif = Cheque._meta, Dispositif._meta
    carnet, qualification = Carnet._meta, Qualification._meta

    def t(meta):
        return connection.ops.quote_name(meta.db_table)

    def c(meta, champ):
        return connection.ops.quote_name(meta.get_field(champ).column)

    return (
        f"UPDATE {t(cheque)} SET {c(cheque, 'statut')} = %s, {c(cheque, 'encaisse_le')} = %s, "  # noqa: S608
        f"{c(cheque, 'lieu_encaissement')} = %s, {c(cheque, 'modifie_le')} = %s "
        f"WHERE {c(cheque, 'code')} = %s AND {c(cheque, 'statut')} = %s "
        f"AND {c(cheque, 'dispositif')} IN (SELECT {c(dispositif, 'id')} FROM {t(dispositif)} "
        f"WHERE {c(dispositif, 'clos_le')} IS NULL AND {c(dispositif, 'debut')} <= %s "
        f"AND {c(dispositif, 'fin_encaissement')} >= %s) "
        f"AND EXISTS (SELECT 1 FROM {t(qualification)} WHERE {c(qualification, 'lieu')} = %s "
        f"AND {c(qualification, 'dispositif')} = {t(cheque)}.{c(cheque, 'dispositif')} "
        f"AND {c(qualification, 'statut')} = %s) "
        f"RETURNING {c(cheque, 'id')}, {c(cheque, 'carnet')}, {c(cheque, 'dispositif')}, "
        f"{c(cheque, 'departement')}, {c(cheque, 'numero_serie')}, {c(cheque, 'rang')}, {c(cheque, 'valeur')}, "
        f"(SELECT {c(dispositif, 'nom')} FROM {t(dispositif)} "
        f"WHERE {c(dispositif, 'id')} = {t(cheque)}.{c(cheque, 'dispositif')}), "
        f"(SELECT {c(carnet, 'beneficiaire')} FROM {t(carnet)} "
        f"WHERE {c(carnet, 'id')} = {t(cheque)}.{c(cheque, 'carnet')})"
    )


def _tenter(*, lieu: Lieu, code: str, jour, maintenant) -> tuple[Cheque, int | None] | None:
    """The fast path: redeem in one statement, or None if the cheque cannot be redeemed here
    (then `_cheque()` and `_refus()` say why)."""
    if not lieu.est_actif:
        return None
    etats.verifier(S.REMIS, S.ENCAISSE)
    ops = connection.ops
    with connection.cursor() as curseur:
        curseur.execute(
            _sql_encaisser(),
            [
                S.ENCAISSE,
                ops.adapt_datetimefield_value(maintenant),
                lieu.pk,
                ops.adapt_datetimefield_value(maintenant),
                code,
                S.REMIS,
                ops.adapt_datefield_value(jour),
                ops.adapt_datefield_value(jour),
                lieu.pk,
                Qualification.Statut.QUALIFIE,
            ],
        )
        ligne = curseur.fetchone()
    if ligne is None:
        return None
    pk, carnet_id, dispositif_id, departement_id, numero_serie, rang, valeur, nom_dispositif, beneficiaire = ligne
    cheque = Cheque(
        pk=pk,
        carnet_id=carnet_id,
        dispositif_id=dispositif_id,
        departement_id=departement_id,
        code=code,
        numero_serie=numero_serie,
        rang=rang,
        valeur=Decimal(str(valeur)).quantize(Decimal("0.01")),
        statut=S.ENCAISSE,
        modifie_le=maintenant,
        encaisse_le=maintenant,
        lieu_encaissement=lieu,
    )
    cheque._state.adding, cheque._state.db = False, connection.alias
    # The dispositif with its name only; any other field loads on access (deferred).
    cheque.dispositif = Dispositif.from_db(connection.alias, ["id", "nom"], [dispositif_id, nom_dispositif])
    if departement_id == lieu.departement_id and "departement" in lieu._state.fields_cache:
        cheque.departement = lieu.departement
    return cheque, beneficiaire


def _encaisser(*, lieu, code, source, par, jeton, cle, request) -> Resultat:
    jour, maintenant = timezone.localdate(), timezone.now()
    for _essai in range(3):
        tente = _tenter(lieu=lieu, code=code, jour=jour, maintenant=maintenant)
        if tente is not None:
            cheque, beneficiaire = tente
            break
        # Not redeemed: read the cheque and say why.
        cheque = _cheque(code, lieu)
        if cheque is None:
            return _inconnu(code)
        refus = _refus(cheque, lieu=lieu, qualification=cheque.qualification, jour=jour, code=code)
        if refus is not None:
            if refus.statut == Statut.DEJA_ENCAISSE and cle:
                # A replay (or the same key sent twice at once): the first answer, not « déjà encaissé ».
                deja = _rejouer(lieu=lieu, cle=cle, code=code)
                if deja is not None:
                    return deja
            return refus
        # Redeemable after all (it changed between the two statements, e.g. an undo): try again.
    else:  # pragma: no cover - three races in a row on one cheque
        raise RuntimeError("Chèque modifié trop souvent pendant l’encaissement.")

    encaissement = Encaissement.objects.create(
        cheque=cheque,
        lieu=lieu,
        par=par.user if par is not None else None,
        jeton=jeton,
        source=source,
        le=maintenant,
        cle_idempotence=cle,
    )
    details = {"lieu": lieu.pk, "lieu_nom": lieu.nom, "source": source, "encaissement": encaissement.pk}
    if jeton is not None:
        details["jeton"] = jeton.prefixe
    evenements.par_cheque(
        action=Action.CHEQUE_ENCAISSE,
        par=par,
        organisation=lieu,
        cheque=cheque,
        details=details,
        request=request,
    )
    if beneficiaire:
        noter_activite(beneficiaire=Beneficiaire(pk=beneficiaire), quand=maintenant)
    return _succes(encaissement, rejoue=False)


# --- undo -------------------------------------------------------------------------------------


def annuler_encaissement(*, par: Membership, encaissement: Encaissement, motif: str, request=None) -> Encaissement:
    """The place that redeemed a cheque gives it back (« remis ») within 24 hours, with a
    reason, unless the cheque is already claimed on a bordereau."""
    if not peut_encaisser(par, encaissement.lieu):
        raise PermissionDenied("Seul le lieu qui a encaissé le chèque peut annuler cet encaissement.")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez pourquoi vous annulez cet encaissement."})
    if len(motif) > MOTIF_MAX:
        raise ValidationError({"motif": f"Le motif compte au plus {MOTIF_MAX} caractères."})
    with transaction.atomic():
        encaissement = (
            # Lock the redemption and its cheque (not the joined place or dispositif): a bordereau
            # being built locks the same cheque rows, so the check below cannot miss a new line.
            Encaissement.objects.select_for_update(of=("self", "cheque"))
            .select_related("cheque__dispositif", "cheque__carnet", "lieu")
            .get(pk=encaissement.pk)
        )
        maintenant = timezone.now()
        if encaissement.annule_le is not None:
            raise ValidationError(f"Cet encaissement a déjà été annulé le {date_heure(encaissement.annule_le)}.")
        if maintenant - encaissement.le > DELAI_ANNULATION:
            raise ValidationError(
                f"Un encaissement ne peut être annulé que dans les 24 heures ; celui-ci date du "
                f"{date_heure(encaissement.le)}. Contactez l’équipe du département."
            )
        reclame = (
            LigneBordereau.objects.filter(cheque_id=encaissement.cheque_id)
            .exclude(statut=LigneBordereau.Statut.REJETEE)
            .exists()
        )
        if reclame:
            raise ValidationError(
                "Ce chèque figure déjà sur un bordereau de remboursement : son encaissement ne peut plus "
                "être annulé. Contactez l’équipe du département."
            )
        etats.verifier(S.ENCAISSE, S.REMIS)
        rendu = Cheque.objects.filter(
            pk=encaissement.cheque_id, statut=S.ENCAISSE, lieu_encaissement_id=encaissement.lieu_id
        ).update(statut=S.REMIS, encaisse_le=None, lieu_encaissement=None, modifie_le=maintenant)
        if not rendu:
            raise ValidationError("Le chèque a changé d’état entre-temps : rechargez la page.")
        Encaissement.objects.filter(pk=encaissement.pk).update(
            annule_le=maintenant, annule_par=par.user, motif_annulation=motif
        )
        encaissement.annule_le, encaissement.annule_par, encaissement.motif_annulation = maintenant, par.user, motif
        cheque = encaissement.cheque
        cheque.statut, cheque.encaisse_le, cheque.lieu_encaissement = S.REMIS, None, None
        evenements.par_cheque(
            action=Action.ENCAISSEMENT_ANNULE,
            par=par,
            cheque=cheque,
            details={
                "lieu": encaissement.lieu_id,
                "lieu_nom": encaissement.lieu.nom,
                "encaissement": encaissement.pk,
                "encaisse_le": encaissement.le.isoformat(),
                "motif": motif,
            },
            request=request,
        )
    return encaissement


def annulable(encaissement: Encaissement, *, maintenant=None) -> bool:
    """May still be undone by its place (the bordereau check is left to the service)."""
    maintenant = maintenant or timezone.now()
    return encaissement.annule_le is None and maintenant - encaissement.le <= DELAI_ANNULATION
