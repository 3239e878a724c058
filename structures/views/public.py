"""The public directory of places (no login): search, results with a map, detail, embeddable map.

Pages read through `structures.selectors`; each page runs a fixed number of SQL queries,
whatever the number of places (asserted in tests).
"""

from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from territoires.models import Departement
from territoires.selectors import rechercher_communes

from ..filtres import PARAMETRES_MULTIPLES
from ..horaires import lignes_horaires
from ..selectors import (
    LIBELLES_FILTRES,
    RAYONS_KM,
    criteres_depuis_parametres,
    libelle_commune,
    lieu_public,
    rechercher_lieux,
)
from ..standard import telephone_lisible, typologies, vocabularies

PAR_PAGE = 20
NB_SUGGESTIONS = 8
# Filter groups shown open on the search form; the others sit in « Plus de critères ».
FILTRES_PRINCIPAUX = ("services",)
TITRE_IFRAME = "Carte des lieux de médiation numérique"


# --- helpers ---------------------------------------------------------------------------------


def url_du_lieu(lieu) -> str:
    """The public page of a place (the GeoJSON's `url` property)."""
    return reverse("structures_public:lieu", kwargs={"ref": lieu.identifiant})


def _preparer(lieu, *, distance: bool = False) -> None:
    """Attach what the templates show (no query)."""
    lieu.url_detail = url_du_lieu(lieu)
    lieu.telephone_affiche = telephone_lisible(lieu.telephone)
    lieu.horaires_lignes, lieu.horaires_compris = lignes_horaires(lieu.horaires)
    if not distance:
        lieu.distance_km = None


def _url_geojson(recherche) -> str:
    """The public API's GeoJSON of the same places (the map's markers)."""
    query = urlencode(recherche.parametres_api())
    url = reverse("structures_api:lieux_geojson")
    return f"{url}?{query}" if query else url


def _groupes_de_filtres(criteres) -> list[dict]:
    groupes = []
    for parametre, legende in LIBELLES_FILTRES.items():
        coches = criteres.valeurs(parametre)
        groupes.append(
            {
                "name": parametre,
                "legende": legende,
                "principal": parametre in FILTRES_PRINCIPAUX,
                "options": [
                    {"valeur": valeur, "coche": valeur in coches, "id": f"filtre-{parametre}-{i}"}
                    for i, valeur in enumerate(vocabularies()[PARAMETRES_MULTIPLES[parametre]])
                ],
            }
        )
    return groupes


def _theme(criteres) -> Departement | None:
    if not criteres.departement:
        return None
    return Departement.objects.filter(code=criteres.departement).first()


def _contexte_recherche(request) -> dict:
    criteres = criteres_depuis_parametres(request.GET)
    recherche = rechercher_lieux(criteres)
    page = Paginator(recherche.lieux, PAR_PAGE).get_page(request.GET.get("page"))
    for lieu in page.object_list:
        _preparer(lieu, distance=recherche.par_distance)
    commune = recherche.commune
    groupes = _groupes_de_filtres(criteres)
    context = {
        "criteres": criteres,
        "recherche": recherche,
        "page": page,
        "lieux": page.object_list,
        "a_cherche": bool(criteres.texte or criteres.code_insee or criteres.nb_filtres),
        "texte_affiche": libelle_commune(commune) if commune else criteres.texte,
        "groupes_principaux": [g for g in groupes if g["principal"]],
        "groupes_secondaires": [g for g in groupes if not g["principal"]],
        "criteres_secondaires_actifs": any(criteres.valeurs(g["name"]) for g in groupes if not g["principal"]),
        "parametres_filtres": criteres.filtres.parametres(),
        "rayons": RAYONS_KM,
        "geojson_url": _url_geojson(recherche),
        "tuiles_url": settings.MAP_TILE_URL,
        "tuiles_attribution": settings.MAP_TILE_ATTRIBUTION,
        "communes_url": reverse("structures_public:communes"),
        "possibles": [{"commune": c, "libelle": libelle_commune(c)} for c in recherche.communes_possibles],
    }
    departement = _theme(criteres)
    if departement is not None:
        context["theme_departement"] = departement
    context["departement"] = departement
    return context


# --- views -----------------------------------------------------------------------------------


@login_not_required
@require_GET
def recherche(request):
    """The directory: the search form, the map and the list (the same page with or without a
    search; every part works without JavaScript)."""
    context = _contexte_recherche(request)
    iframe_src = request.build_absolute_uri(reverse("structures_public:carte_integrable"))
    if context["criteres"].departement:
        iframe_src += "?" + urlencode({"departement": context["criteres"].departement})
    context["code_iframe"] = (
        f'<iframe src="{iframe_src}" title="{TITRE_IFRAME}" width="100%" height="700" loading="lazy"></iframe>'
    )
    return render(request, "structures/public/recherche.html", context)


@login_not_required
@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def carte_integrable(request):
    """The map and the list in a minimal layout, for an <iframe> on another website (the
    département's): the only page that other sites may frame."""
    return render(request, "structures/public/carte_integrable.html", _contexte_recherche(request))


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def communes(request):
    """Autocomplete of the search field: communes whose name or postal code starts with `q`."""
    texte = request.GET.get("q", "").strip()[:100]
    resultats = rechercher_communes(texte, limit=NB_SUGGESTIONS) if len(texte) >= 2 else []
    noms = dict(Departement.objects.filter(code__in={c.departement_id for c in resultats}).values_list("code", "nom"))
    return JsonResponse(
        {
            "communes": [
                {
                    "code_insee": c.code_insee,
                    "nom": c.nom,
                    "codes_postaux": c.liste_codes_postaux,
                    "departement": c.departement_id,
                    "departement_nom": noms.get(c.departement_id, ""),
                    "libelle": libelle_commune(c, texte if texte.isdigit() else ""),
                }
                for c in resultats
            ]
        }
    )


@login_not_required
@require_GET
def lieu(request, ref: str):
    """A place's public page. Closed and unknown places are 404."""
    lieu = lieu_public(ref)
    if lieu is None:
        raise Http404("Aucun lieu ouvert ne correspond à cette adresse.")
    _preparer(lieu)
    noms_typologies = typologies()
    context = {
        "lieu": lieu,
        "typologies": [noms_typologies.get(code, code) for code in lieu.typologie],
        "tuiles_url": settings.MAP_TILE_URL,
        "tuiles_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "structures/public/lieu.html", context)
