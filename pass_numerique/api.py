"""The redemption API for places' own software (described in openapi.py).

`POST /api/v1/cheques/{code}/encaissement` with `Authorization: Bearer ein_…` (a place's token,
looked up by its SHA-256). No session, no CSRF (token only), no CORS (server to server). The
answer's HTTP status and `statut` field follow the service's result (`STATUTS_HTTP`), the
message is the service's French sentence. Rate limit: PASS_API_LIMITE_PAR_MINUTE requests a
minute per token (default 60), counted in Django's cache (fixed one-minute windows; per process
with the local-memory cache, shared with Redis as in production).
"""

import re
import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from .models import Encaissement
from .openapi import description
from .services import jetons
from .services.encaissement import CLE_MAX, PARIS, Resultat, Statut
from .services.encaissement import encaisser as encaisser_cheque

RE_CLE = re.compile(r"^[\x21-\x7e]{1," + str(CLE_MAX) + "}$")
STATUTS_HTTP = {
    Statut.OK: 201,
    Statut.FAUTE_DE_FRAPPE: 422,
    Statut.CLE_REUTILISEE: 422,
    Statut.INCONNU: 404,
    Statut.NON_ACCEPTE: 403,
    Statut.PAS_REMIS: 409,
    Statut.DEJA_ENCAISSE: 409,
    Statut.EXPIRE: 410,
    Statut.ANNULE: 410,
}


def _json(data: dict, *, status: int) -> JsonResponse:
    reponse = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    reponse["Cache-Control"] = "no-store"
    return reponse


def _erreur(statut: str, message: str, *, status: int, **extra) -> JsonResponse:
    return _json({"statut": statut, "erreur": message, **extra}, status=status)


def _non_authentifie(message: str) -> JsonResponse:
    reponse = _erreur("non_authentifie", message, status=401)
    reponse["WWW-Authenticate"] = 'Bearer realm="einclusion", error="invalid_token"'
    return reponse


def _date(moment) -> str:
    return moment.astimezone(PARIS).isoformat(timespec="seconds")


def api_jeton(vue):
    """POST only, JSON errors, no login page, no CSRF: the token is the only credential."""

    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if request.method != "POST":
            reponse = _erreur(
                "methode_non_autorisee", "Méthode non autorisée : cette adresse n’accepte que POST.", status=405
            )
            reponse["Allow"] = "POST"
            return reponse
        return vue(request, *args, **kwargs)

    return login_not_required(csrf_exempt(enveloppe))


def _jeton(request):
    entete = request.headers.get("Authorization", "")
    schema, _, valeur = entete.partition(" ")
    if schema.lower() != "bearer" or not valeur.strip():
        return None
    return jetons.authentifier(valeur.strip())


def _attente(jeton) -> int | None:
    """Seconds to wait if the token went over its limit this minute, else None."""
    limite = settings.PASS_API_LIMITE_PAR_MINUTE
    maintenant = time.time()
    cle = f"pass_api:limite:{jeton.pk}:{int(maintenant // 60)}"
    cache.add(cle, 0, timeout=120)
    try:
        compte = cache.incr(cle)
    except ValueError:  # expired between add() and incr()
        cache.set(cle, 1, timeout=120)
        compte = 1
    if compte > limite:
        return max(1, int(60 - maintenant % 60) + 1)
    return None


def _corps(resultat: Resultat) -> dict:
    if resultat.ok:
        cheque = resultat.cheque
        return {
            "statut": "encaisse",
            "message": resultat.message,
            "code": cheque.code,
            "numero_serie": cheque.numero_serie,
            "valeur": f"{cheque.valeur:.2f}",
            "dispositif": cheque.dispositif.nom,
            "encaisse_le": _date(resultat.encaissement.le),
            "lieu": resultat.lieu_nom,
            "rejoue": resultat.rejoue,
        }
    corps = {"statut": str(resultat.statut), "erreur": resultat.message}
    if resultat.statut == Statut.DEJA_ENCAISSE:
        corps["encaisse_le"] = _date(resultat.encaisse_le)
        corps["lieu"] = resultat.lieu_nom
    return corps


@api_jeton
def encaisser(request, code: str):
    jeton = _jeton(request)
    if jeton is None:
        return _non_authentifie(
            "Jeton d’API absent, inconnu ou révoqué. Envoyez l’en-tête « Authorization: Bearer <jeton> » "
            "avec un jeton actif de votre lieu."
        )
    attente = _attente(jeton)
    if attente is not None:
        limite = settings.PASS_API_LIMITE_PAR_MINUTE
        reponse = _erreur(
            "trop_de_requetes",
            f"Trop de requêtes : au plus {limite} par minute pour un jeton. Réessayez dans {attente} secondes.",
            status=429,
            reessayer_dans=attente,
        )
        reponse["Retry-After"] = str(attente)
        return reponse
    cle = request.headers.get("Idempotency-Key", "")
    if cle and not RE_CLE.match(cle):
        return _erreur(
            "requete_invalide",
            f"L’en-tête Idempotency-Key doit compter de 1 à {CLE_MAX} caractères ASCII visibles (sans espace).",
            status=400,
        )
    jetons.noter_usage(jeton)
    resultat = encaisser_cheque(
        lieu=jeton.lieu,
        code_saisi=code,
        jeton=jeton,
        source=Encaissement.Source.API,
        cle_idempotence=cle,
        request=request,
    )
    reponse = _json(_corps(resultat), status=STATUTS_HTTP[resultat.statut])
    if resultat.rejoue:
        reponse["Idempotent-Replayed"] = "true"
    return reponse


@login_not_required
def openapi(request):
    serveur = reverse("pass_api:openapi").rsplit("/", 1)[0]
    reponse = JsonResponse(description(serveur), json_dumps_params={"ensure_ascii": False, "indent": 2})
    reponse["Access-Control-Allow-Origin"] = "*"  # a public document (for API viewers)
    reponse["Cache-Control"] = "public, max-age=3600"
    return reponse
