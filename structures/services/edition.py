"""Creating, editing, closing and reopening a place, by hand (coordinators and responsables).

`donnees` maps model field names to cleaned values (LieuForm.donnees() builds it). The services
check who may do what, keep the place inside its département, derive the position when none is
given, and journal every change with the fields that changed.

Position rules: a latitude/longitude pair that the user changed is "placée sur la carte"; no
position at all takes the centre of the commune ("centre de la commune"); an unchanged position
keeps its origin, except a commune-centre position that follows a change of commune.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership, Role
from structures import evenements
from structures.models import Lieu, SourcePosition
from structures.standard import MULTI_VALUED, PIVOT_INCONNU

# Fields a person edits on the place's page (the standard's fields but `id` and `date_maj`,
# plus ours). `commune_ref` is derived from the commune and is not journalled itself.
CHAMPS_EDITABLES = (
    "nom",
    "pivot",
    "typologie",
    "structure_parente",
    "source",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "telephone",
    "courriels",
    "site_web",
    "prise_rdv",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "modalites_acces",
    "modalites_accompagnement",
    "itinerance",
    "accessibilite",
    "fiche_acces_libre",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
)
# Fields only a coordinator may change (none at the moment). `accepte_pass_numerique` is not
# editable at all: it is derived from the place's qualifications for active dispositifs
# (pass_numerique/services/acceptation.py).
CHAMPS_RESERVES_COORDINATEUR: tuple[str, ...] = ()
# Journalled when they change, although nobody types them.
CHAMPS_DERIVES = ("source_position",)


def peut_creer(par: Membership | None) -> bool:
    return par is not None and par.is_active and par.role == Role.COORDINATEUR


def peut_modifier(par: Membership | None, lieu: Lieu) -> bool:
    """The coordinators of the place's département, and the place's own responsable."""
    if par is None or not par.is_active:
        return False
    if par.role == Role.COORDINATEUR:
        return par.organisation.departement_id == lieu.departement_id
    return par.role == Role.RESPONSABLE and par.organisation_id == lieu.pk


def peut_fermer(par: Membership | None, lieu: Lieu) -> bool:
    return peut_creer(par) and par.organisation.departement_id == lieu.departement_id


def champs_modifiables(par: Membership | None) -> tuple[str, ...]:
    if par is not None and par.role == Role.COORDINATEUR:
        return CHAMPS_EDITABLES
    return tuple(c for c in CHAMPS_EDITABLES if c not in CHAMPS_RESERVES_COORDINATEUR)


@transaction.atomic
def creer_lieu(*, par: Membership, donnees: Mapping, request=None) -> Lieu:
    """A new place in the coordinator's département; identifiant generated, date_maj today."""
    if not peut_creer(par):
        raise PermissionDenied("Seul·e un·e coordinateur·rice peut créer un lieu.")
    lieu = Lieu(departement=par.organisation.departement)
    _appliquer(lieu, donnees, champs=champs_modifiables(par))
    _verifier_commune(lieu)
    _positionner(lieu, avant=None)
    lieu.date_maj = timezone.localdate()
    lieu.save()
    evenements.lieu_cree(par=par, lieu=lieu, request=request)
    return lieu


@transaction.atomic
def modifier_lieu(*, par: Membership, lieu: Lieu, donnees: Mapping, request=None) -> dict:
    """Apply the changes; returns {field: [avant, après]} ({} when nothing changed: no write, no
    journal entry). `lieu` is re-read under a lock: the changes are computed against the
    database, not against an object a form may have touched."""
    if not peut_modifier(par, lieu):
        raise PermissionDenied("Vous ne pouvez pas modifier ce lieu.")
    champs = champs_modifiables(par)
    interdits = [c for c in donnees if c in CHAMPS_EDITABLES and c not in champs]
    if interdits:
        raise PermissionDenied("Seul·e un·e coordinateur·rice peut modifier : " + ", ".join(interdits) + ".")
    lieu = Lieu.objects.select_for_update(of=("self",)).select_related("departement", "commune_ref").get(pk=lieu.pk)
    avant = {c: _valeur(lieu, c) for c in (*CHAMPS_EDITABLES, *CHAMPS_DERIVES)}
    avant_position = (lieu.latitude, lieu.longitude, lieu.source_position)
    commune_avant = lieu.code_insee
    _appliquer(lieu, donnees, champs=champs)
    _verifier_commune(lieu)
    _positionner(lieu, avant=avant_position, commune_changee=lieu.code_insee != commune_avant)
    changes = {}
    for champ, valeur_avant in avant.items():
        valeur_apres = _valeur(lieu, champ)
        if _differe(champ, valeur_avant, valeur_apres):
            changes[champ] = [valeur_avant, valeur_apres]
        else:  # e.g. the same values in another order: keep what was stored
            setattr(lieu, champ, valeur_avant)
    if not changes:
        return {}
    lieu.date_maj = timezone.localdate()
    lieu.save()
    evenements.lieu_modifie(par=par, lieu=lieu, changes=changes, request=request)
    return changes


@transaction.atomic
def fermer_lieu(*, par: Membership, lieu: Lieu, motif: str, request=None) -> Lieu:
    """Close a place (it leaves the public directory); it can be reopened."""
    if not peut_fermer(par, lieu):
        raise PermissionDenied("Seul·e un·e coordinateur·rice du département peut fermer un lieu.")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la fermeture."}, code="motif")
    lieu = Lieu.objects.select_for_update().select_related("departement").get(pk=lieu.pk)
    if not lieu.est_actif:
        raise ValidationError("Ce lieu est déjà fermé.", code="deja_ferme")
    aujourd_hui = timezone.localdate()
    lieu.est_actif, lieu.ferme_le, lieu.date_maj = False, aujourd_hui, aujourd_hui
    lieu.save(update_fields=["est_actif", "ferme_le", "date_maj", "modifie_le"])
    evenements.lieu_ferme(par=par, lieu=lieu, motif=motif, request=request)
    return lieu


@transaction.atomic
def rouvrir_lieu(*, par: Membership, lieu: Lieu, request=None) -> Lieu:
    if not peut_fermer(par, lieu):
        raise PermissionDenied("Seul·e un·e coordinateur·rice du département peut rouvrir un lieu.")
    lieu = Lieu.objects.select_for_update().select_related("departement").get(pk=lieu.pk)
    if lieu.est_actif:
        raise ValidationError("Ce lieu est déjà ouvert.", code="deja_ouvert")
    ferme_le = lieu.ferme_le
    lieu.est_actif, lieu.ferme_le, lieu.date_maj = True, None, timezone.localdate()
    lieu.save(update_fields=["est_actif", "ferme_le", "date_maj", "modifie_le"])
    evenements.lieu_rouvert(par=par, lieu=lieu, ferme_le=ferme_le, request=request)
    return lieu


# --- Helpers ----------------------------------------------------------------------------------


def _appliquer(lieu: Lieu, donnees: Mapping, *, champs) -> None:
    inconnus = sorted(set(donnees) - set(CHAMPS_EDITABLES) - {"commune_ref"})
    if inconnus:
        raise ValueError(f"Champs inconnus ou non modifiables : {', '.join(inconnus)}")
    for champ in champs:
        if champ in donnees:
            valeur = donnees[champ]
            if champ in MULTI_VALUED:
                valeur = list(valeur or [])
            elif champ not in ("latitude", "longitude"):
                valeur = (valeur or "").strip()
            setattr(lieu, champ, valeur)
    if "commune_ref" in donnees:
        lieu.commune_ref = donnees["commune_ref"]
    if not lieu.pivot:
        lieu.pivot = PIVOT_INCONNU


def _verifier_commune(lieu: Lieu) -> None:
    """The reference commune names the commune and its INSEE code, and lies in the place's
    département."""
    commune = lieu.commune_ref
    if commune is None:
        return
    if commune.departement_id != lieu.departement.code:
        raise ValidationError(
            {
                "commune": (
                    f"La commune {commune.nom} ({commune.departement_id}) n’est pas dans le département "
                    f"{lieu.departement.nom} ({lieu.departement.code}) : un lieu se situe dans son département."
                )
            },
            code="commune_hors_departement",
        )
    lieu.commune, lieu.code_insee = commune.nom, commune.code_insee


def _positionner(lieu: Lieu, *, avant: tuple | None, commune_changee: bool = False) -> None:
    lat, lon = lieu.latitude, lieu.longitude
    if (lat is None) != (lon is None):
        raise ValidationError(
            {"longitude": "Indiquez la latitude et la longitude, ou aucune des deux."}, code="position_incomplete"
        )
    commune = lieu.commune_ref
    if lat is None:
        if commune is not None:
            lieu.latitude, lieu.longitude = commune.latitude, commune.longitude
            lieu.source_position = SourcePosition.COMMUNE
        return
    lieu.latitude, lieu.longitude = round(lat, 6), round(lon, 6)
    if avant is None or not _meme_position((lieu.latitude, lieu.longitude), avant[:2]):
        lieu.source_position = SourcePosition.CARTE
    elif avant[2] == SourcePosition.COMMUNE and commune_changee and commune is not None:
        lieu.latitude, lieu.longitude = commune.latitude, commune.longitude


def _meme_position(a: tuple, b: tuple) -> bool:
    if None in a or None in b:
        return a == b
    return round(a[0], 6) == round(b[0], 6) and round(a[1], 6) == round(b[1], 6)


def _valeur(lieu: Lieu, champ: str):
    valeur = getattr(lieu, champ)
    return list(valeur) if isinstance(valeur, list) else valeur


def _differe(champ: str, avant, apres) -> bool:
    if champ in MULTI_VALUED:
        return set(avant or []) != set(apres or []) or len(avant or []) != len(apres or [])
    if champ in ("latitude", "longitude"):
        return not _meme_position((avant, 0), (apres, 0))
    return avant != apres
