"""Public API of the places, open data (docs/adr/0007-public-api.md).

- `GET /api/v1/lieux`          JSON in the national standard, paginated (`page`, `par_page`).
- `GET /api/v1/lieux.csv`      every matching place, the standard's 32 columns, streamed.
- `GET /api/v1/lieux.geojson`  every matching place with a position, minimal properties, cached.

Only active places. Filters: `structures.filtres` (same parameters on the three URLs). Public:
no login, any origin (CORS `*`), GET/HEAD/OPTIONS only. Every success carries an `ETag` and a
`Last-Modified` and answers 304 to `If-None-Match` / `If-Modified-Since`; responses are gzipped
when the client accepts it. Errors are JSON: ``{"erreur": "…", "details": {parameter: "…"}}``.
"""

import csv
import gzip
import hashlib
import math
import re
from functools import wraps
from json.encoder import encode_basestring as _chaine  # the C encoder: a JSON string literal
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.urls import get_script_prefix
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page

from . import signals  # its receivers invalidate the GeoJSON cache (see signals.py)
from .filtres import FiltresInvalides, FiltresLieux, lire_filtres
from .models import Lieu
from .serialisation import cellule_sure, lieu_vers_standard
from .standard import field_names

# Bump when the representation changes, so that ETags and cached payloads change with it.
FORMAT = "1"
PAR_PAGE_DEFAUT = 100
PAR_PAGE_MAX = 500
MAX_AGE = 300  # seconds: Cache-Control for clients and proxies
DUREE_CACHE_GEOJSON = 300  # seconds: server-side cache of a GeoJSON payload
TAILLE_LOT_CSV = 2000  # rows fetched per database round trip, and rows per streamed chunk
# Public page of a place (the directory's "structures_public:lieu", /lieux/<path:ref>/): a fixed
# pattern, documented in ADR 0007, so that the GeoJSON needs no URL resolution per place.
URL_FICHE = "lieux/{identifiant}/"
NOM_FICHIER_CSV = "lieux-mediation-numerique.csv"
METHODES = ("GET", "HEAD", "OPTIONS")
_SEGMENT_SUR = re.compile(r"[A-Za-z0-9._~-]+")  # needs no percent-encoding in a URL path


class ErreurApi(Exception):
    def __init__(self, message: str, *, status: int = 400, details: dict | None = None):
        self.message, self.status, self.details = message, status, details or {}
        super().__init__(message)


def _json(data, *, status: int = 200) -> HttpResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _erreur(exc: ErreurApi) -> HttpResponse:
    corps = {"erreur": exc.message}
    if exc.details:
        corps["details"] = exc.details
    reponse = _json(corps, status=exc.status)
    patch_cache_control(reponse, no_cache=True)
    return reponse


def _cors(reponse: HttpResponse) -> HttpResponse:
    reponse["Access-Control-Allow-Origin"] = "*"
    reponse["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link, Content-Disposition"
    return reponse


def api_publique(vue):
    """Public open-data view: no login, GET/HEAD (+ CORS preflight), JSON errors, CORS, gzip.

    CSRF-exempt so that a POST gets the API's JSON 405 rather than the CSRF failure page: these
    views never change anything."""

    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if request.method == "OPTIONS":
            reponse = HttpResponse(status=204)
            reponse["Access-Control-Allow-Methods"] = ", ".join(METHODES)
            reponse["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            reponse["Access-Control-Max-Age"] = "86400"
            return _cors(reponse)
        if request.method not in METHODES:
            reponse = _json({"erreur": "Méthode non autorisée : cette API est en lecture seule (GET)."}, status=405)
            reponse["Allow"] = ", ".join(METHODES)
            return _cors(reponse)
        try:
            reponse = vue(request, *args, **kwargs)
        except ErreurApi as exc:
            reponse = _erreur(exc)
        return _cors(reponse)

    return login_not_required(csrf_exempt(gzip_page(enveloppe)))


# --- parameters, conditional requests ---------------------------------------------------------


def _parametres(request, *, pagination: bool = False) -> tuple[FiltresLieux, int, int]:
    """(filters, page, par_page), or ErreurApi (400) listing every bad parameter at once."""
    details: dict[str, str] = {}
    try:
        filtres = lire_filtres(request.GET, autres_parametres=("page", "par_page") if pagination else ())
    except FiltresInvalides as exc:
        filtres, details = None, dict(exc.erreurs)
    page, par_page = 1, PAR_PAGE_DEFAUT
    if pagination:
        page = _entier(request, "page", defaut=1, details=details)
        par_page = _entier(request, "par_page", defaut=PAR_PAGE_DEFAUT, maximum=PAR_PAGE_MAX, details=details)
    if details:
        raise ErreurApi("Paramètres invalides : " + " ".join(details.values()), details=details)
    return filtres, page, par_page


def _entier(request, nom: str, *, defaut: int, details: dict, maximum: int | None = None) -> int:
    brut = request.GET.get(nom, "").strip()
    if not brut:
        return defaut
    if not (brut.isascii() and brut.isdigit()) or not 1 <= int(brut) <= (maximum or math.inf):
        borne = f"entre 1 et {maximum}" if maximum else "supérieur ou égal à 1"
        details[nom] = f"« {nom} » doit être un nombre entier {borne} ; « {brut} » reçu."
        return defaut
    return int(brut)


def _etag(*parties) -> str:
    empreinte = hashlib.blake2b("|".join(map(str, (FORMAT, *parties))).encode(), digest_size=16).hexdigest()
    return f'W/"{empreinte}"'


def _conditionnelle(request, *, etag: str, derniere_modification) -> HttpResponse | None:
    """A 304 when the client's copy is current, else None."""
    horodatage = int(derniere_modification.timestamp()) if derniere_modification else None
    return get_conditional_response(request, etag=etag, last_modified=horodatage)


def _entetes_cache(reponse: HttpResponse, *, etag: str, derniere_modification) -> HttpResponse:
    reponse["ETag"] = etag
    if derniere_modification:
        reponse["Last-Modified"] = http_date(derniere_modification.timestamp())
    patch_cache_control(reponse, public=True, max_age=MAX_AGE)
    return reponse


def _lieux(filtres: FiltresLieux):
    return filtres.appliquer(Lieu.objects.actifs())


def _etat(lieux) -> dict:
    """Number of places and the last change among them: one aggregate query."""
    return lieux.aggregate(total=Count("pk"), derniere=Max("modifie_le"))


# --- /api/v1/lieux ---------------------------------------------------------------------------


@api_publique
def lieux(request):
    filtres, page, par_page = _parametres(request, pagination=True)
    selection = _lieux(filtres)
    etat = _etat(selection)
    total, derniere = etat["total"], etat["derniere"]
    pages = max(1, math.ceil(total / par_page))
    if page > pages:
        raise ErreurApi(
            f"La page {page} n’existe pas : il y a {pages} page{'s' if pages > 1 else ''}.",
            status=404,
            details={"page": f"Entre 1 et {pages}."},
        )
    etag = _etag("lieux", filtres.cle(), page, par_page, total, derniere and derniere.isoformat())
    pas_modifie = _conditionnelle(request, etag=etag, derniere_modification=derniere)
    if pas_modifie is not None:
        return _entetes_cache(pas_modifie, etag=etag, derniere_modification=derniere)

    debut = (page - 1) * par_page
    lieux_page = [lieu_vers_standard(lieu) for lieu in selection.order_by("pk")[debut : debut + par_page]]

    def lien(numero: int) -> str:
        parametres = [*filtres.parametres(), ("page", numero)]
        if par_page != PAR_PAGE_DEFAUT:
            parametres.append(("par_page", par_page))
        return request.build_absolute_uri(f"{request.path}?{urlencode(parametres)}")

    suivant = lien(page + 1) if page < pages else None
    precedent = lien(page - 1) if page > 1 else None
    reponse = _json(
        {"total": total, "page": page, "pages": pages, "suivant": suivant, "precedent": precedent, "lieux": lieux_page}
    )
    liens = [f'<{url}>; rel="{rel}"' for url, rel in ((suivant, "next"), (precedent, "prev")) if url]
    if liens:
        reponse["Link"] = ", ".join(liens)
    return _entetes_cache(reponse, etag=etag, derniere_modification=derniere)


# --- /api/v1/lieux.csv -----------------------------------------------------------------------


class _Tampon:
    """A file-like object whose write() returns what it was given (csv.writer → strings)."""

    def write(self, valeur: str) -> str:
        return valeur


def _lignes_csv(selection):
    """The CSV, in chunks of TAILLE_LOT_CSV rows: memory stays flat whatever the number of places."""
    ecrivain = csv.writer(_Tampon(), lineterminator="\r\n")
    colonnes = field_names()
    yield ecrivain.writerow(colonnes)
    lot = []
    for lieu in selection.order_by("pk").iterator(chunk_size=TAILLE_LOT_CSV):
        ligne = lieu_vers_standard(lieu)
        lot.append(ecrivain.writerow([cellule_sure(ligne[nom]) for nom in colonnes]))
        if len(lot) >= TAILLE_LOT_CSV:
            yield "".join(lot)
            lot = []
    if lot:
        yield "".join(lot)


@api_publique
def lieux_csv(request):
    filtres, _page, _par_page = _parametres(request)
    selection = _lieux(filtres)
    etat = _etat(selection)
    derniere = etat["derniere"]
    etag = _etag("csv", filtres.cle(), etat["total"], derniere and derniere.isoformat())
    pas_modifie = _conditionnelle(request, etag=etag, derniere_modification=derniere)
    if pas_modifie is not None:
        return _entetes_cache(pas_modifie, etag=etag, derniere_modification=derniere)
    reponse = StreamingHttpResponse(
        (morceau.encode("utf-8") for morceau in _lignes_csv(selection)), content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="{NOM_FICHIER_CSV}"'
    return _entetes_cache(reponse, etag=etag, derniere_modification=derniere)


# --- /api/v1/lieux.geojson -------------------------------------------------------------------


def _en_cache(filtres: FiltresLieux) -> bool:
    """Only the whole country, a département, with or without the Pass numérique filter, are
    cached: a bounded set of keys (the production cache is Redis with `noeviction`). Other
    combinations are smaller subsets, built on each request."""
    return filtres == FiltresLieux(departement=filtres.departement, pass_numerique=filtres.pass_numerique)


def _cle_geojson(filtres: FiltresLieux) -> str:
    empreinte = hashlib.blake2b(filtres.cle().encode(), digest_size=12).hexdigest()
    return f"structures:api:geojson:{FORMAT}:{signals.version_lieux()}:{empreinte}"


def construire_geojson(filtres: FiltresLieux) -> tuple[bytes, object]:
    """(the FeatureCollection as compact UTF-8 JSON, the last change among its places).

    Plain tuples from `.values_list()` (no model instances). Each feature is written from a
    template, strings escaped by the json module's C encoder: about twice as fast as building
    dicts for `json.dumps`, for the same bytes (tests compare it with json.loads).
    """
    selection = _lieux(filtres).filter(latitude__isnull=False, longitude__isnull=False)
    derniere = selection.aggregate(derniere=Max("modifie_le"))["derniere"]
    colonnes = ("identifiant", "nom", "accepte_pass_numerique", "longitude", "latitude")
    lignes = selection.order_by("pk").values_list(*colonnes)
    avant, apres = URL_FICHE.split("{identifiant}")
    avant = get_script_prefix() + avant

    def url(identifiant: str) -> str:
        segment = identifiant if _SEGMENT_SUR.fullmatch(identifiant) else quote(identifiant, safe="")
        return _chaine(avant + segment + apres)

    features = [
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{round(lon, 5)!r},{round(lat, 5)!r}]}},'
        f'"properties":{{"id":{_chaine(identifiant)},"nom":{_chaine(nom)},'
        f'"accepte_pass_numerique":{"true" if accepte else "false"},"url":{url(identifiant)}}}}}'
        for identifiant, nom, accepte, lon, lat in lignes
    ]
    contenu = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return contenu.encode("utf-8"), derniere


def _geojson(filtres: FiltresLieux) -> tuple[bytes, str, object]:
    """(gzipped payload, ETag, last change), from the cache when the filters allow it."""
    cle = _cle_geojson(filtres) if _en_cache(filtres) else None
    if cle:
        entree = cache.get(cle)
        if entree is not None:
            return entree
    contenu, derniere = construire_geojson(filtres)
    # mtime=0: the same data gives the same bytes (and the ETag is the hash of the JSON anyway).
    entree = (
        gzip.compress(contenu, compresslevel=6, mtime=0),
        _etag("geojson", hashlib.sha256(contenu).hexdigest()),
        derniere,
    )
    if cle:
        cache.set(cle, entree, DUREE_CACHE_GEOJSON)
    return entree


@api_publique
def lieux_geojson(request):
    filtres, _page, _par_page = _parametres(request)
    compresse, etag, derniere = _geojson(filtres)
    reponse = _conditionnelle(request, etag=etag, derniere_modification=derniere)
    if reponse is None:
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            reponse = HttpResponse(compresse, content_type="application/geo+json")
            reponse["Content-Encoding"] = "gzip"  # already compressed: GZipMiddleware leaves it alone
        else:
            reponse = HttpResponse(gzip.decompress(compresse), content_type="application/geo+json")
        reponse["Content-Length"] = str(len(reponse.content))
    patch_vary_headers(reponse, ("Accept-Encoding",))
    return _entetes_cache(reponse, etag=etag, derniere_modification=derniere)
