"""API tokens of places (the redemption API). A token is `ein_` followed by 40 random characters;
only its SHA-256 is stored, and it is shown once, when created. Created and revoked by the place's
responsable; both journalled (the journal keeps the name and the prefix, never the token)."""

import hashlib
import secrets
import string

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from comptes.models import Membership, Role
from journal.models import Action
from structures.models import Lieu

from .. import evenements
from ..models import JetonAPI

PREFIXE = "ein_"
LONGUEUR_ALEATOIRE = 40
_ALPHABET = string.ascii_letters + string.digits  # 62 characters: 40 of them ≈ 238 bits
LONGUEUR_PREFIXE_AFFICHE = 12  # "ein_" + 8 characters, shown in lists to tell tokens apart
NOM_MAX = 100


def empreinte(clair: str) -> str:
    return hashlib.sha256(clair.encode()).hexdigest()


def peut_gerer_les_jetons(par: Membership | None, lieu: Lieu) -> bool:
    return par is not None and par.is_active and par.role == Role.RESPONSABLE and par.organisation_id == lieu.pk


def _verifier(par: Membership | None, lieu: Lieu) -> None:
    if not peut_gerer_les_jetons(par, lieu):
        raise PermissionDenied("Seul·e le ou la responsable du lieu gère ses jetons d’API.")


@transaction.atomic
def creer_jeton(*, par: Membership, lieu: Lieu, nom: str, request=None) -> tuple[JetonAPI, str]:
    """A new token for `lieu`: (the stored token, the clear token to show ONCE)."""
    _verifier(par, lieu)
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError({"nom": "Donnez un nom au jeton (par exemple le logiciel qui l’utilisera)."})
    if len(nom) > NOM_MAX:
        raise ValidationError({"nom": f"Le nom compte au plus {NOM_MAX} caractères."})
    clair = PREFIXE + "".join(secrets.choice(_ALPHABET) for _ in range(LONGUEUR_ALEATOIRE))
    jeton = JetonAPI.objects.create(
        lieu=lieu, nom=nom, prefixe=clair[:LONGUEUR_PREFIXE_AFFICHE], empreinte=empreinte(clair), cree_par=par.user
    )
    evenements.simple(
        action=Action.JETON_CREE,
        par=par,
        departement=lieu.departement,
        target=jeton,
        target_repr=f"Jeton « {nom} » ({jeton.prefixe}…)",
        details={"lieu": lieu.pk, "nom": nom, "prefixe": jeton.prefixe},
        request=request,
    )
    return jeton, clair


@transaction.atomic
def revoquer_jeton(*, par: Membership, jeton: JetonAPI, request=None) -> bool:
    """Revoke a token (at once: the next call with it is a 401). False if it already was."""
    _verifier(par, jeton.lieu)
    maintenant = timezone.now()
    fait = JetonAPI.objects.filter(pk=jeton.pk, revoque_le__isnull=True).update(
        revoque_le=maintenant, revoque_par=par.user
    )
    if not fait:
        return False
    jeton.revoque_le, jeton.revoque_par = maintenant, par.user
    evenements.simple(
        action=Action.JETON_REVOQUE,
        par=par,
        departement=jeton.lieu.departement,
        target=jeton,
        target_repr=f"Jeton « {jeton.nom} » ({jeton.prefixe}…)",
        details={"lieu": jeton.lieu_id, "nom": jeton.nom, "prefixe": jeton.prefixe},
        request=request,
    )
    return True


def authentifier(clair: str) -> JetonAPI | None:
    """The live token whose SHA-256 matches, with its place; None otherwise. One query."""
    if not clair or not clair.startswith(PREFIXE) or len(clair) != len(PREFIXE) + LONGUEUR_ALEATOIRE:
        return None
    return (
        JetonAPI.objects.select_related("lieu", "lieu__departement")
        .filter(empreinte=empreinte(clair), revoque_le__isnull=True)
        .first()
    )


def noter_usage(jeton: JetonAPI, *, maintenant=None, intervalle_secondes: int = 60) -> None:
    """Record the last use, at most once a minute per token (a write per call would cost more
    than the redemption itself under load)."""
    maintenant = maintenant or timezone.now()
    dernier = jeton.dernier_usage_le
    if dernier is None or (maintenant - dernier).total_seconds() >= intervalle_secondes:
        JetonAPI.objects.filter(pk=jeton.pk).update(dernier_usage_le=maintenant)
        jeton.dernier_usage_le = maintenant
