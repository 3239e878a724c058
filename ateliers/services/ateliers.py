"""Creating, editing, archiving and restoring a place's workshops (ateliers).

`donnees` maps the fields of CHAMPS to values (AtelierForm.donnees() builds it); the services
check them again with the same rules and French messages as the form (`valider`), so nothing is
saved on a bad value whoever calls. Every write is journalled: a change names the fields changed.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership
from journal.models import Action
from pass_numerique.models import Dispositif, Qualification

from .. import evenements, rules
from ..models import Atelier
from ..models.ateliers import CAPACITE_MAX, DUREE_MAX_MINUTES
from ..themes import Format, Niveau, Theme

CHAMPS = (
    "titre",
    "themes",
    "niveau",
    "format",
    "duree_minutes",
    "capacite",
    "accepte_pass",
    "cheques_par_seance",
    "dispositif",
    "description",
)
TITRE_MAX = 150
DESCRIPTION_MAX = 5000
DUREE_MIN = 5
CHEQUES_MAX = 10

MESSAGES = {
    "titre": "Indiquez le titre de l’atelier, par exemple « Premiers pas sur smartphone ».",
    "titre_long": f"Le titre compte au plus {TITRE_MAX} caractères.",
    "themes": "Cochez au moins un thème de la liste nationale.",
    "theme_inconnu": "Thème inconnu : « {valeur} ». Cochez les thèmes dans la liste.",
    "niveau": "Choisissez le niveau : débutant, intermédiaire ou avancé.",
    "format": "Choisissez le format : collectif ou individuel.",
    "duree": f"La durée se compte en minutes, entre {DUREE_MIN} et {DUREE_MAX_MINUTES} (8 heures).",
    "capacite": f"La capacité se compte en personnes, entre 1 et {CAPACITE_MAX}.",
    "cheques": f"Le nombre de chèques par séance et par personne va de 1 à {CHEQUES_MAX}.",
    "dispositif": "Ce dispositif n’est pas ouvert à votre lieu : choisissez un dispositif actif pour lequel "
    "le lieu est qualifié, ou aucun.",
    "pass_sans_dispositif": "Votre lieu n’est qualifié pour aucun dispositif Pass numérique actif : il ne peut pas "
    "encore accepter les chèques. Décochez la case ou demandez la qualification au département.",
    "description_longue": f"La description compte au plus {DESCRIPTION_MAX} caractères.",
}


# --- Reads used by the form and the services -------------------------------------------------


def dispositifs_possibles(lieu_id: int):
    """The active dispositifs the place is qualified for (the only ones a workshop may name)."""
    return (
        Dispositif.objects.actifs()
        .filter(qualifications__lieu_id=lieu_id, qualifications__statut=Qualification.Statut.QUALIFIE)
        .order_by("nom", "pk")
    )


# --- Rules (shared with the form) --------------------------------------------------------------


def valider_titre(valeur) -> str:
    titre = " ".join(str(valeur or "").split())
    if not titre:
        raise ValidationError(MESSAGES["titre"], code="required")
    if len(titre) > TITRE_MAX:
        raise ValidationError(MESSAGES["titre_long"], code="max_length")
    return titre


def valider_themes(valeurs) -> list[str]:
    valeurs = [str(v) for v in (valeurs or ()) if str(v).strip()]
    inconnus = [v for v in valeurs if v not in Theme.values]
    if inconnus:
        raise ValidationError(MESSAGES["theme_inconnu"].format(valeur=inconnus[0]), code="invalid_choice")
    if not valeurs:
        raise ValidationError(MESSAGES["themes"], code="required")
    return [t.value for t in Theme if t.value in set(valeurs)]  # national order, no duplicates


def valider_entier(valeur, *, minimum: int, maximum: int, message: str) -> int:
    try:
        nombre = int(valeur)
    except (TypeError, ValueError):
        raise ValidationError(message, code="invalid") from None
    if (isinstance(valeur, float) and valeur != nombre) or not minimum <= nombre <= maximum:
        raise ValidationError(message, code="invalid")
    return nombre


def valider_duree(valeur) -> int:
    return valider_entier(valeur, minimum=DUREE_MIN, maximum=DUREE_MAX_MINUTES, message=MESSAGES["duree"])


def valider_capacite(valeur) -> int:
    return valider_entier(valeur, minimum=1, maximum=CAPACITE_MAX, message=MESSAGES["capacite"])


def valider_cheques(valeur) -> int:
    return valider_entier(valeur, minimum=1, maximum=CHEQUES_MAX, message=MESSAGES["cheques"])


def valider(donnees: Mapping, *, lieu_id: int, atelier: Atelier | None = None) -> dict:
    """Clean every field of CHAMPS; raise one ValidationError naming each bad field."""
    propres, erreurs = {}, {}

    def champ(nom, regle):
        try:
            propres[nom] = regle(donnees.get(nom))
        except ValidationError as exc:
            erreurs[nom] = exc.messages

    champ("titre", valider_titre)
    champ("themes", valider_themes)
    champ("niveau", lambda v: _choix(v, Niveau.values, "niveau"))
    champ("format", lambda v: _choix(v, Format.values, "format"))
    champ("duree_minutes", valider_duree)
    champ("capacite", valider_capacite)
    champ("cheques_par_seance", lambda v: valider_cheques(1 if v in (None, "") else v))
    propres["accepte_pass"] = bool(donnees.get("accepte_pass"))
    description = str(donnees.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        erreurs["description"] = [MESSAGES["description_longue"]]
    propres["description"] = description

    # The dispositifs open to the place, and the workshop's own even if it ended since.
    possibles = {d.pk: d for d in dispositifs_possibles(lieu_id)}
    if atelier is not None and atelier.dispositif_id is not None:
        possibles.setdefault(atelier.dispositif_id, atelier.dispositif)
    valeur = donnees.get("dispositif")
    if valeur in (None, ""):
        propres["dispositif"] = None
    else:
        pk = str(valeur.pk if isinstance(valeur, Dispositif) else valeur)
        propres["dispositif"] = possibles.get(int(pk)) if pk.isdigit() else None
        if propres["dispositif"] is None:
            erreurs["dispositif"] = [MESSAGES["dispositif"]]
    if propres["accepte_pass"] and not possibles:
        erreurs["accepte_pass"] = [MESSAGES["pass_sans_dispositif"]]

    # A one-to-one accompaniment welcomes one person.
    if propres.get("format") == Format.INDIVIDUEL and "capacite" in propres:
        propres["capacite"] = 1
    if erreurs:
        raise ValidationError(erreurs)
    return propres


def _choix(valeur, valeurs, cle: str) -> str:
    if valeur not in valeurs:
        raise ValidationError(MESSAGES[cle], code="invalid_choice")
    return valeur


# --- Writes ------------------------------------------------------------------------------------


def _verifier(par: Membership | None, lieu_id: int) -> None:
    if not rules.est_du_lieu(par, lieu_id):
        raise PermissionDenied("Seuls le ou la responsable et les médiateur·rices du lieu gèrent ses ateliers.")


@transaction.atomic
def creer_atelier(*, par: Membership, donnees: Mapping, request=None) -> Atelier:
    _verifier(par, par.organisation_id if par else None)
    propres = valider(donnees, lieu_id=par.organisation_id)
    atelier = Atelier.objects.create(lieu_id=par.organisation_id, cree_par=par.user, **propres)
    evenements.sur_atelier(action=Action.ATELIER_CREE, par=par, atelier=atelier, request=request)
    return atelier


@transaction.atomic
def modifier_atelier(*, par: Membership, atelier: Atelier, donnees: Mapping, request=None) -> list[str]:
    """Apply the changes; return the names of the fields changed (none: nothing journalled)."""
    _verifier(par, atelier.lieu_id)
    propres = valider(donnees, lieu_id=atelier.lieu_id, atelier=atelier)
    atelier = Atelier.objects.select_for_update(of=("self",)).get(pk=atelier.pk)
    changes = [nom for nom in CHAMPS if _valeur(atelier, nom) != _valeur_propre(propres, nom)]
    if not changes:
        return []
    for nom in changes:
        setattr(atelier, nom, propres[nom])
    atelier.save(update_fields=changes)
    evenements.sur_atelier(
        action=Action.ATELIER_MODIFIE, par=par, atelier=atelier, details={"champs": changes}, request=request
    )
    return changes


@transaction.atomic
def archiver_atelier(*, par: Membership, atelier: Atelier, request=None) -> Atelier:
    """An archived workshop gets no new session; its sessions stay as they are."""
    _verifier(par, atelier.lieu_id)
    atelier = Atelier.objects.select_for_update(of=("self",)).select_related("lieu__departement").get(pk=atelier.pk)
    if atelier.archive_le is not None:
        raise ValidationError("Cet atelier est déjà archivé.", code="deja_archive")
    atelier.archive_le = timezone.now()
    atelier.save(update_fields=["archive_le"])
    evenements.sur_atelier(action=Action.ATELIER_ARCHIVE, par=par, atelier=atelier, request=request)
    return atelier


@transaction.atomic
def restaurer_atelier(*, par: Membership, atelier: Atelier, request=None) -> Atelier:
    """Undo the archiving (journalled as a change of `archive_le`, restaure: true)."""
    _verifier(par, atelier.lieu_id)
    atelier = Atelier.objects.select_for_update(of=("self",)).select_related("lieu__departement").get(pk=atelier.pk)
    if atelier.archive_le is None:
        raise ValidationError("Cet atelier n’est pas archivé.", code="pas_archive")
    atelier.archive_le = None
    atelier.save(update_fields=["archive_le"])
    evenements.sur_atelier(
        action=Action.ATELIER_MODIFIE,
        par=par,
        atelier=atelier,
        details={"champs": ["archive_le"], "restaure": True},
        request=request,
    )
    return atelier


def _valeur(atelier: Atelier, nom: str):
    return atelier.dispositif_id if nom == "dispositif" else getattr(atelier, nom)


def _valeur_propre(propres: dict, nom: str):
    if nom == "dispositif":
        return propres[nom].pk if propres[nom] is not None else None
    return propres[nom]
