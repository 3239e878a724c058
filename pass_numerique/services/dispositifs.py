"""Dispositifs: create, modify, close; their financeurs, qualified places and prescribers.

Every function is keyword-only, atomic, checks that `par` is a coordinateur of the dispositif's
département (PermissionDenied otherwise), validates with French messages (ValidationError, nothing
saved) and writes one journal entry per decision (`pass_numerique.evenements`). Decisions that can
change which places accept the Pass numérique call `acceptation.recalculer` for those places.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from beneficiaires.models import Public
from comptes.models import Membership, Role
from journal.models import Action
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu

from .. import evenements
from ..models import Carnet, Cheque, Dispositif, Financeur, Participation, Qualification
from ..models.dispositifs import TAILLES_CARNET
from . import acceptation

# Fields a coordinator types (Dispositif's own fields but the derived and bookkeeping ones).
CHAMPS = (
    "nom",
    "reseau",
    "debut",
    "fin",
    "validite_fin",
    "tolerance_jours",
    "valeur_faciale",
    "tailles_carnet",
    "publics",
    "part_cible_prioritaires",
    "budget",
)
TOLERANCE_MAX = 365
# What to say when a required field is empty (the forms show the same sentences).
OBLIGATOIRES = {
    "nom": "Indiquez le nom du dispositif, par exemple « Pass numérique 2026 — réseau Tela ».",
    "debut": "Indiquez la date de début de l’opération.",
    "fin": "Indiquez la date de fin de l’opération.",
    "validite_fin": "Indiquez la date de fin de validité des chèques.",
    "tolerance_jours": "Indiquez la tolérance après la fin de validité, en jours (souvent 30).",
    "valeur_faciale": "Indiquez la valeur d’un chèque en euros, par exemple 10.",
    "budget": "Indiquez le budget du dispositif en euros (0 s’il n’est pas encore connu).",
    "part_cible_prioritaires": "Indiquez la part cible de publics prioritaires, en pourcentage (par exemple 50).",
    "tailles_carnet": "Choisissez au moins une taille de carnet (5 ou 10 chèques).",
    "publics": "Choisissez au moins un public éligible.",
}
VALEUR_MAX = Decimal("9999.99")
BUDGET_MAX = Decimal("9999999999.99")
CENT = Decimal("100")


# --- Permissions -------------------------------------------------------------------------------


def est_coordinateur_de(par: Membership | None, departement_id) -> bool:
    return (
        par is not None
        and par.is_active
        and par.role == Role.COORDINATEUR
        and par.organisation.departement_id == departement_id
    )


def exiger_coordinateur(par: Membership | None, dispositif: Dispositif) -> None:
    if not est_coordinateur_de(par, dispositif.departement_id):
        raise PermissionDenied("Seul·e un·e coordinateur·rice du département du dispositif peut faire cela.")


def exiger_ouvert(dispositif: Dispositif) -> None:
    if dispositif.clos_le is not None:
        raise ValidationError(
            f"Le dispositif « {dispositif.nom} » est clos depuis le "
            f"{timezone.localtime(dispositif.clos_le):%d/%m/%Y} : il ne peut plus être modifié.",
            code="clos",
        )


# --- Validation (shared with the forms) ---------------------------------------------------------


def nombre_fr(valeur: Decimal) -> str:
    """Decimal('19.90') → '19,9'; Decimal('100.00') → '100'."""
    texte = f"{valeur:f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte.replace(".", ",")


def en_decimal(valeur) -> Decimal | None:
    """A Decimal from a Decimal, an int or a French/English text ('19,99', '20 %'); None if empty.
    Raises ValueError on anything else (floats included: money is never a float)."""
    if valeur is None or isinstance(valeur, Decimal):
        return valeur
    if isinstance(valeur, (bool, float)):
        raise ValueError("pas un décimal")
    if isinstance(valeur, int):
        return Decimal(valeur)
    texte = str(valeur).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    texte = texte.removesuffix("%").removesuffix("€").replace(",", ".")
    if not texte:
        return None
    try:
        nombre = Decimal(texte)
    except InvalidOperation as exc:
        raise ValueError(texte) from exc
    if not nombre.is_finite():
        raise ValueError(texte)
    return nombre


def _date(valeur) -> datetime.date | None:
    if valeur in (None, ""):
        return None
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    try:
        return datetime.date.fromisoformat(str(valeur).strip())
    except ValueError:
        return None


def _liste(valeur) -> list[str]:
    if valeur in (None, ""):
        return []
    if isinstance(valeur, str):
        valeur = valeur.replace("|", ",").split(",")
    return [str(v).strip() for v in valeur if str(v).strip()]


def _deux_decimales(nombre: Decimal) -> bool:
    return nombre == nombre.quantize(Decimal("0.01"))


def tailles(dispositif: Dispositif) -> list[int]:
    """The dispositif's booklet sizes as integers, smallest first."""
    return sorted(int(t) for t in dispositif.tailles_carnet)


def valider_dispositif(donnees: Mapping, *, departement_id, dispositif: Dispositif | None = None) -> dict:
    """The cleaned values of CHAMPS (every one required but `reseau`), or ValidationError
    {field: French message}. Values may be typed (a form's cleaned_data) or text."""
    erreurs: dict[str, str] = {}
    propres: dict = {}

    nom = " ".join(str(donnees.get("nom") or "").split())
    if not nom:
        erreurs["nom"] = OBLIGATOIRES["nom"]
    elif len(nom) > 200:
        erreurs["nom"] = "Le nom du dispositif compte 200 caractères au plus."
    else:
        homonymes = Dispositif.objects.filter(departement_id=departement_id).annotate(n=Lower("nom"))
        if dispositif is not None:
            homonymes = homonymes.exclude(pk=dispositif.pk)
        if homonymes.filter(n=nom.lower()).exists():
            erreurs["nom"] = f"Un dispositif s’appelle déjà « {nom} » dans votre département : choisissez un autre nom."
    propres["nom"] = nom

    reseau = " ".join(str(donnees.get("reseau") or "").split())
    if len(reseau) > 200:
        erreurs["reseau"] = "Le nom du réseau opérateur compte 200 caractères au plus."
    propres["reseau"] = reseau

    for champ in ("debut", "fin", "validite_fin"):
        message = OBLIGATOIRES[champ]
        brut = donnees.get(champ)
        propres[champ] = _date(brut)
        if propres[champ] is None:
            erreurs[champ] = message if brut in (None, "") else "Indiquez une date valide, par exemple 31/12/2026."
    debut, fin, validite_fin = propres["debut"], propres["fin"], propres["validite_fin"]
    if debut and fin and fin < debut:
        erreurs["fin"] = f"La fin de l’opération ({fin:%d/%m/%Y}) précède son début ({debut:%d/%m/%Y})."
    if debut and validite_fin and validite_fin < debut:
        erreurs["validite_fin"] = (
            f"La fin de validité des chèques ({validite_fin:%d/%m/%Y}) précède le début de l’opération "
            f"({debut:%d/%m/%Y})."
        )

    tolerance = donnees.get("tolerance_jours")
    message_tolerance = f"La tolérance est un nombre entier de jours, entre 0 et {TOLERANCE_MAX}."
    try:
        tolerance = int(str(tolerance).strip()) if tolerance not in (None, "") else None
    except ValueError:
        tolerance = -1
    if tolerance is None:
        erreurs["tolerance_jours"] = OBLIGATOIRES["tolerance_jours"]
    elif not 0 <= tolerance <= TOLERANCE_MAX:
        erreurs["tolerance_jours"] = message_tolerance
    propres["tolerance_jours"] = tolerance

    for champ, vide, invalide, minimum, maximum, strict in (
        (
            "valeur_faciale",
            OBLIGATOIRES["valeur_faciale"],
            "La valeur d’un chèque doit être supérieure à 0 €, au centime près (par exemple 10 ou 12,50).",
            Decimal(0),
            VALEUR_MAX,
            True,
        ),
        (
            "budget",
            OBLIGATOIRES["budget"],
            "Le budget ne peut pas être négatif ; indiquez un montant en euros, au centime près.",
            Decimal(0),
            BUDGET_MAX,
            False,
        ),
        (
            "part_cible_prioritaires",
            OBLIGATOIRES["part_cible_prioritaires"],
            "La part cible de publics prioritaires est un pourcentage entre 0 et 100, au centième près.",
            Decimal(0),
            CENT,
            False,
        ),
    ):
        try:
            nombre = en_decimal(donnees.get(champ))
        except ValueError:
            erreurs[champ] = invalide
            propres[champ] = None
            continue
        propres[champ] = nombre
        if nombre is None:
            erreurs[champ] = vide
        elif (nombre <= minimum if strict else nombre < minimum) or nombre > maximum or not _deux_decimales(nombre):
            erreurs[champ] = invalide

    tailles_saisies = _liste(donnees.get("tailles_carnet"))
    inconnues = [t for t in tailles_saisies if t not in {str(t) for t in TAILLES_CARNET}]
    if not tailles_saisies:
        erreurs["tailles_carnet"] = OBLIGATOIRES["tailles_carnet"]
    elif inconnues:
        erreurs["tailles_carnet"] = (
            f"Un carnet compte 5 ou 10 chèques : « {inconnues[0]} » n’est pas une taille possible."
        )
    propres["tailles_carnet"] = sorted(set(tailles_saisies), key=lambda t: int(t) if t.isdigit() else 0)

    publics = _liste(donnees.get("publics"))
    inconnus = [p for p in publics if p not in Public.values]
    if not publics:
        erreurs["publics"] = OBLIGATOIRES["publics"]
    elif inconnus:
        erreurs["publics"] = f"Public inconnu : « {inconnus[0]} ». Choisissez parmi les publics proposés."
    propres["publics"] = [p for p in Public.values if p in publics]

    if erreurs:
        raise ValidationError(erreurs)
    return propres


def valider_financeurs(lignes: Iterable) -> list[tuple[str, Decimal]]:
    """[(nom, pourcentage)] with unique names and Decimal shares > 0 that add up to exactly 100.
    ValidationError (French, one message per problem) otherwise."""
    propres, erreurs, vus = [], [], set()
    for rang, (nom, pourcentage) in enumerate(lignes, start=1):
        nom = " ".join(str(nom or "").split())
        try:
            part = en_decimal(pourcentage)
        except ValueError:
            erreurs.append(f"Financeur n° {rang} : indiquez sa part en pourcentage, par exemple 20 ou 19,99.")
            continue
        if not nom:
            erreurs.append(f"Financeur n° {rang} : indiquez son nom.")
        elif len(nom) > 200:
            erreurs.append(f"Financeur n° {rang} : le nom compte 200 caractères au plus.")
        elif nom.lower() in vus:
            erreurs.append(f"Le financeur « {nom} » apparaît deux fois : regroupez ses parts sur une seule ligne.")
        vus.add(nom.lower())
        if part is None:
            erreurs.append(f"Financeur « {nom or rang} » : indiquez sa part en pourcentage.")
        elif part <= 0 or part > CENT or not _deux_decimales(part):
            erreurs.append(
                f"Financeur « {nom or rang} » : sa part est un pourcentage supérieur à 0 et au plus 100, "
                "au centième près."
            )
        else:
            propres.append((nom, part.quantize(Decimal("0.01"))))
    if not erreurs and not propres:
        erreurs.append("Indiquez au moins un financeur et sa part (100 % pour un financeur unique).")
    if not erreurs:
        total = sum((part for _, part in propres), Decimal(0))
        if total != CENT:
            erreurs.append(
                f"Les parts des financeurs totalisent {nombre_fr(total)} % : elles doivent totaliser exactement 100 %."
            )
    if erreurs:
        raise ValidationError({"financeurs": erreurs})
    return propres


def _texte_journal(valeur):
    if isinstance(valeur, datetime.date | Decimal):
        return str(valeur)
    return valeur


# --- Dispositifs ---------------------------------------------------------------------------------


@transaction.atomic
def creer_dispositif(*, par: Membership, donnees: Mapping, financeurs: Iterable | None = None, request=None):
    """A new dispositif in the coordinator's département (and its financeurs, when given)."""
    if par is None or not par.is_active or par.role != Role.COORDINATEUR:
        raise PermissionDenied("Seul·e un·e coordinateur·rice peut créer un dispositif.")
    departement = par.organisation.departement
    erreurs = {}
    try:
        propres = valider_dispositif(donnees, departement_id=departement.pk)
    except ValidationError as exc:
        erreurs.update(exc.message_dict)
    if financeurs is not None:
        try:
            lignes = valider_financeurs(financeurs)
        except ValidationError as exc:
            erreurs.update(exc.message_dict)
    if erreurs:
        raise ValidationError(erreurs)
    dispositif = Dispositif(departement=departement, cree_par=par.user, **propres)
    dispositif.save()
    evenements.simple(
        action=Action.DISPOSITIF_CREE,
        par=par,
        departement=departement,
        target=dispositif,
        details={"champs": {c: _texte_journal(v) for c, v in propres.items()}},
        request=request,
    )
    if financeurs is not None:
        _ecrire_financeurs(par=par, dispositif=dispositif, lignes=lignes, request=request)
    acceptation.recalculer(lieu_ids=_lieux_qualifies(dispositif))  # none yet: kept for the rule's sake
    return dispositif


@transaction.atomic
def modifier_dispositif(
    *, par: Membership, dispositif: Dispositif, donnees: Mapping, financeurs: Iterable | None = None, request=None
) -> dict:
    """Apply the changes; returns {field: [avant, après]} ({} and no journal entry when nothing
    changed). Once cheques exist their value is fixed and their validity can only be extended."""
    exiger_coordinateur(par, dispositif)
    dispositif = Dispositif.objects.select_for_update().get(pk=dispositif.pk)
    exiger_ouvert(dispositif)
    erreurs = {}
    try:
        propres = valider_dispositif(donnees, departement_id=dispositif.departement_id, dispositif=dispositif)
    except ValidationError as exc:
        erreurs.update(exc.message_dict)
        propres = None
    if financeurs is not None:
        try:
            lignes = valider_financeurs(financeurs)
        except ValidationError as exc:
            erreurs.update(exc.message_dict)
    if propres is not None and Cheque.objects.filter(dispositif=dispositif).exists():
        if propres["valeur_faciale"] != dispositif.valeur_faciale:
            erreurs["valeur_faciale"] = [
                f"Des chèques de {nombre_fr(dispositif.valeur_faciale)} € ont déjà été générés : "
                "la valeur d’un chèque ne peut plus changer."
            ]
        if propres["validite_fin"] < dispositif.validite_fin:
            erreurs["validite_fin"] = [
                f"Des chèques valables jusqu’au {dispositif.validite_fin:%d/%m/%Y} ont déjà été générés : "
                "la fin de validité peut être repoussée, pas avancée."
            ]
    if erreurs:
        raise ValidationError(erreurs)
    changes = {}
    for champ, valeur in propres.items():
        avant = getattr(dispositif, champ)
        if avant != valeur:
            changes[champ] = [_texte_journal(avant), _texte_journal(valeur)]
            setattr(dispositif, champ, valeur)
    if changes:
        dispositif.save()
        evenements.simple(
            action=Action.DISPOSITIF_MODIFIE,
            par=par,
            departement=dispositif.departement,
            target=dispositif,
            details={"champs": changes},
            request=request,
        )
        if {"debut", "validite_fin", "tolerance_jours"} & set(changes):
            acceptation.recalculer(lieu_ids=_lieux_qualifies(dispositif))
    if financeurs is not None and _ecrire_financeurs(par=par, dispositif=dispositif, lignes=lignes, request=request):
        changes["financeurs"] = True
    return changes


@transaction.atomic
def clore_dispositif(*, par: Membership, dispositif: Dispositif, request=None) -> Dispositif:
    """Close a dispositif: its cheques are no longer accepted anywhere, its places stop accepting
    the Pass numérique unless qualified for another active dispositif. Cannot be undone."""
    exiger_coordinateur(par, dispositif)
    dispositif = Dispositif.objects.select_for_update().get(pk=dispositif.pk)
    exiger_ouvert(dispositif)
    dispositif.clos_le = timezone.now()
    dispositif.save(update_fields=["clos_le"])
    evenements.simple(
        action=Action.DISPOSITIF_CLOS,
        par=par,
        departement=dispositif.departement,
        target=dispositif,
        details={"clos_le": dispositif.clos_le.isoformat()},
        request=request,
    )
    acceptation.recalculer(lieu_ids=_lieux_qualifies(dispositif))
    return dispositif


def _lieux_qualifies(dispositif: Dispositif) -> list:
    return list(Qualification.objects.filter(dispositif=dispositif).values_list("lieu_id", flat=True))


# --- Financeurs ----------------------------------------------------------------------------------


@transaction.atomic
def definir_financeurs(*, par: Membership, dispositif: Dispositif, lignes: Iterable, request=None) -> list[Financeur]:
    """Replace all the financeurs at once. `lignes`: [(nom, pourcentage)], the shares (Decimal or
    text) adding up to exactly 100. Nothing is saved when a line is wrong."""
    exiger_coordinateur(par, dispositif)
    dispositif = Dispositif.objects.select_for_update().get(pk=dispositif.pk)
    exiger_ouvert(dispositif)
    propres = valider_financeurs(lignes)
    _ecrire_financeurs(par=par, dispositif=dispositif, lignes=propres, request=request)
    return list(dispositif.financeurs.all())


def _ecrire_financeurs(*, par, dispositif, lignes: list[tuple[str, Decimal]], request) -> bool:
    avant = [(f.nom, f.pourcentage) for f in dispositif.financeurs.all()]
    if avant == lignes:
        return False
    dispositif.financeurs.all().delete()
    Financeur.objects.bulk_create(
        Financeur(dispositif=dispositif, nom=nom, pourcentage=part, ordre=ordre)
        for ordre, (nom, part) in enumerate(lignes)
    )
    evenements.simple(
        action=Action.FINANCEURS_DEFINIS,
        par=par,
        departement=dispositif.departement,
        target=dispositif,
        details={
            "avant": [[nom, str(part)] for nom, part in avant],
            "apres": [[nom, str(part)] for nom, part in lignes],
        },
        request=request,
    )
    return True


# --- Qualified places ---------------------------------------------------------------------------


@transaction.atomic
def decider_qualification(
    *, par: Membership, dispositif: Dispositif, lieu: Lieu, statut: str, motif: str, request=None
) -> Qualification:
    """Set a place's status for a dispositif (candidat, qualifié, suspendu), with a reason; the
    date and the decider are recorded and the decision journalled (on the place's history)."""
    exiger_coordinateur(par, dispositif)
    dispositif = Dispositif.objects.select_for_update().get(pk=dispositif.pk)
    exiger_ouvert(dispositif)
    if statut not in Qualification.Statut.values:
        raise ValidationError({"statut": "Choisissez un statut : candidat, qualifié ou suspendu."})
    motif = " ".join((motif or "").split())
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la décision (il est inscrit au journal)."})
    if len(motif) > 500:
        raise ValidationError({"motif": "Le motif compte 500 caractères au plus."})
    if lieu.departement_id != dispositif.departement_id:
        raise ValidationError({"lieu": "Ce lieu n’est pas dans le département du dispositif."})
    if statut == Qualification.Statut.QUALIFIE and not lieu.est_actif:
        raise ValidationError({"lieu": f"Le lieu « {lieu.nom} » est fermé : rouvrez-le avant de le qualifier."})
    qualification, creee = Qualification.objects.get_or_create(
        dispositif=dispositif, lieu=lieu, defaults={"statut": statut, "decide_par": par.user, "motif": motif}
    )
    avant = None
    if not creee:
        qualification = Qualification.objects.select_for_update().get(pk=qualification.pk)
        avant = qualification.statut
        if avant == statut:
            raise ValidationError(
                {"statut": f"Le lieu est déjà « {qualification.get_statut_display().lower()} » pour ce dispositif."}
            )
        qualification.statut, qualification.motif = statut, motif
        qualification.decide_le, qualification.decide_par = timezone.now(), par.user
        qualification.save()
    evenements.simple(
        action=Action.QUALIFICATION_DECIDEE,
        par=par,
        departement=dispositif.departement,
        target=lieu,
        target_repr=lieu.nom,
        details={
            "dispositif": dispositif.pk,
            "dispositif_nom": dispositif.nom,
            "avant": avant,
            "apres": statut,
            "motif": motif,
        },
        request=request,
    )
    acceptation.recalculer(lieu_ids=[lieu.pk])
    return qualification


# --- Participating prescribers -------------------------------------------------------------------


@transaction.atomic
def ajouter_participation(
    *, par: Membership, dispositif: Dispositif, organisme: OrganismePrescripteur, request=None
) -> Participation:
    exiger_coordinateur(par, dispositif)
    exiger_ouvert(dispositif)
    if organisme.departement_id != dispositif.departement_id:
        raise ValidationError({"organisme": "Cet organisme n’est pas dans le département du dispositif."})
    if organisme.ferme_le is not None:
        raise ValidationError({"organisme": f"L’organisme « {organisme.nom} » est fermé."})
    participation, creee = Participation.objects.get_or_create(dispositif=dispositif, organisme=organisme)
    if not creee:
        raise ValidationError({"organisme": f"L’organisme « {organisme.nom} » participe déjà à ce dispositif."})
    evenements.simple(
        action=Action.PARTICIPATION_AJOUTEE,
        par=par,
        departement=dispositif.departement,
        target=dispositif,
        details={"organisme": organisme.pk, "organisme_nom": organisme.nom},
        request=request,
    )
    return participation


@transaction.atomic
def retirer_participation(
    *, par: Membership, dispositif: Dispositif, organisme: OrganismePrescripteur, request=None
) -> None:
    """An organisation leaves the dispositif; it must first give back the booklets it holds."""
    exiger_coordinateur(par, dispositif)
    participation = Participation.objects.select_for_update().filter(dispositif=dispositif, organisme=organisme).first()
    if participation is None:
        raise ValidationError({"organisme": f"L’organisme « {organisme.nom} » ne participe pas à ce dispositif."})
    en_stock = Carnet.objects.filter(dispositif=dispositif, organisme=organisme, statut=Carnet.Statut.DOTE).count()
    if en_stock:
        raise ValidationError(
            {
                "organisme": (
                    f"L’organisme « {organisme.nom} » a encore {en_stock} carnet{'s' if en_stock > 1 else ''} "
                    "de ce dispositif en stock : retournez-les au département avant de le retirer."
                )
            }
        )
    participation.delete()
    evenements.simple(
        action=Action.PARTICIPATION_RETIREE,
        par=par,
        departement=dispositif.departement,
        target=dispositif,
        details={"organisme": organisme.pk, "organisme_nom": organisme.nom},
        request=request,
    )
