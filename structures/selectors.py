"""Public reads of the lieux de médiation: the directory's search, its filters and distances.

Everything here is public (no user scope): only active places are ever returned.

Query parameters of the directory page (/lieux/) and of its embeddable map:

    q            text: a commune, a postal code or a place's name
    autour_de    INSEE code of the chosen commune (set by the autocomplete or by a link of the
                 disambiguation list); wins over `q`
    rayon        maximum distance in km from that commune (one of RAYONS_KM)
    departement, services, publics, prise_en_charge, frais, modalites_acces,
    modalites_accompagnement, itinerance, pass_numerique
                 the public filters of `structures.filtres`, with the same names and meaning as
                 in the public API (/api/v1/lieux, .csv, .geojson): a page, its map and the API
                 always agree on which places match.

With a commune, places are sorted by distance (computed in SQL, prefiltered by a bounding box);
without one, `q` is a place name and places are sorted by name. Invalid filter values are left
out (and reported in `Criteres.erreurs`), so a stale bookmark still shows a page.
"""

import math
from dataclasses import dataclass, field

from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.http import QueryDict

from territoires.models import Commune
from territoires.selectors import (  # noqa: F401 (re-exported for the directory's views)
    NB_COMMUNES_PROPOSEES,
    CommuneTrouvee,
    libelle_commune,
    resoudre_commune,
)

from .filtres import PARAMETRES_MULTIPLES, FiltresInvalides, FiltresLieux, lire_filtres
from .models import Lieu

RAYON_TERRE_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PAR_DEGRE_LATITUDE = math.pi * RAYON_TERRE_KM / 180  # ≈ 111.2 km
RAYONS_KM = (5, 10, 20, 30, 50, 100)
RAYON_PAR_DEFAUT_KM = 30
LONGUEUR_MAX_TEXTE = 100

# The filters the directory shows (parameter of structures.filtres → label), in the form's order.
LIBELLES_FILTRES = {
    "services": "Services proposés",
    "publics": "Publics accueillis en particulier",
    "prise_en_charge": "Prise en charge spécifique",
    "frais": "Frais à charge",
    "modalites_accompagnement": "Modalités d’accompagnement",
    "modalites_acces": "Modalités d’accès",
    "itinerance": "Lieu fixe ou itinérant",
}
PARAMETRES_FILTRES = (*PARAMETRES_MULTIPLES, "departement", "pass_numerique")


@dataclass(frozen=True)
class Criteres:
    """What the person asked for, cleaned."""

    texte: str = ""
    code_insee: str = ""
    rayon_km: int = RAYON_PAR_DEFAUT_KM
    filtres: FiltresLieux = field(default_factory=FiltresLieux)
    # Filter parameters left out because invalid: {parameter: French message}.
    erreurs: dict[str, str] = field(default_factory=dict)

    @property
    def departement(self) -> str:
        return self.filtres.departement

    @property
    def nb_filtres(self) -> int:
        """Checked criteria (the département is a scope, not a criterion)."""
        return sum(len(valeurs) for _, valeurs in self.filtres.valeurs_multiples()) + int(self.filtres.pass_numerique)

    def valeurs(self, parametre: str) -> tuple[str, ...]:
        return getattr(self.filtres, parametre)


def _querydict(params) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    qd = QueryDict(mutable=True)
    for key, value in params.items():
        qd.setlist(key, [value] if isinstance(value, str) else list(value))
    return qd


def _filtres_valides(params: QueryDict) -> tuple[FiltresLieux, dict[str, str]]:
    """The public filters read by `structures.filtres`, invalid parameters left out."""
    sous = QueryDict(mutable=True)
    for name in PARAMETRES_FILTRES:
        if name in params:
            sous.setlist(name, params.getlist(name))
    try:
        return lire_filtres(sous), {}
    except FiltresInvalides as exc:
        for name in exc.erreurs:
            sous.pop(name, None)
        try:
            return lire_filtres(sous), exc.erreurs
        except FiltresInvalides:  # pragma: no cover - each parameter is checked on its own
            return FiltresLieux(), exc.erreurs


def criteres_depuis_parametres(params) -> Criteres:
    """Criteres from a QueryDict (request.GET) or a dict of strings or lists."""
    params = _querydict(params)

    def un(name) -> str:
        values = params.getlist(name)
        return " ".join(values[-1].split()) if values else ""

    try:
        rayon = int(un("rayon"))
    except ValueError:
        rayon = RAYON_PAR_DEFAUT_KM
    if rayon not in RAYONS_KM:
        rayon = RAYON_PAR_DEFAUT_KM
    filtres, erreurs = _filtres_valides(params)
    return Criteres(
        texte=un("q")[:LONGUEUR_MAX_TEXTE],
        code_insee=un("autour_de").upper()[:5],
        rayon_km=rayon,
        filtres=filtres,
        erreurs=erreurs,
    )


# --- communes --------------------------------------------------------------------------------


# --- places ----------------------------------------------------------------------------------


def lieux_publics() -> QuerySet[Lieu]:
    """The places anyone may see: the active ones."""
    return Lieu.objects.actifs()


def rechercher_par_nom(lieux: QuerySet[Lieu], texte: str) -> QuerySet[Lieu]:
    """Places whose name contains the text (as the public API's `q`)."""
    texte = texte.strip()
    return lieux.filter(nom__icontains=texte) if texte else lieux


def boite_englobante(latitude: float, longitude: float, rayon_km: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) of a square that holds the circle of `rayon_km`:
    a cheap, indexable prefilter before the exact distance."""
    rayon_km *= 1.001  # a hair wider: a place exactly on the circle must not fall out by rounding
    dlat = rayon_km / KM_PAR_DEGRE_LATITUDE
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)  # near the poles the box is the world
    dlon = min(rayon_km / (KM_PAR_DEGRE_LATITUDE * cos_lat), 180.0)
    return (max(latitude - dlat, -90.0), min(latitude + dlat, 90.0), longitude - dlon, longitude + dlon)


def expression_distance_km(latitude: float, longitude: float):
    """A database expression: the great-circle distance (haversine) in km from a point to the
    place's position. SIN, COS, ASIN, SQRT, POWER and RADIANS exist on PostgreSQL and SQLite
    (Django registers them there)."""
    lat, lon = Radians(F("latitude")), Radians(F("longitude"))
    lat0, lon0 = Value(math.radians(latitude)), Value(math.radians(longitude))
    demi_dlat = (lat - lat0) / Value(2.0)
    demi_dlon = (lon - lon0) / Value(2.0)
    a = Power(Sin(demi_dlat), Value(2)) + Cos(lat0) * Cos(lat) * Power(Sin(demi_dlon), Value(2))
    return Value(2 * RAYON_TERRE_KM) * ASin(Sqrt(a, output_field=FloatField()))


def lieux_autour(lieux: QuerySet[Lieu], *, latitude: float, longitude: float, rayon_km: float) -> QuerySet[Lieu]:
    """Places within `rayon_km` of a point, annotated with `distance_km`, the nearest first."""
    lat_min, lat_max, lon_min, lon_max = boite_englobante(latitude, longitude, rayon_km)
    return (
        lieux.filter(latitude__range=(lat_min, lat_max), longitude__range=(lon_min, lon_max))
        .annotate(distance_km=expression_distance_km(latitude, longitude))
        .filter(distance_km__lte=rayon_km)
        .order_by("distance_km", "nom", "pk")
    )


@dataclass(frozen=True)
class Recherche:
    """A search and its answer. `lieux` is a lazy queryset (paginate it)."""

    criteres: Criteres
    lieux: QuerySet[Lieu]
    commune: Commune | None = None
    communes_possibles: tuple[Commune, ...] = ()
    # The text used as a place name (when it is not a commune).
    nom: str = ""

    @property
    def par_distance(self) -> bool:
        return self.commune is not None

    def parametres_api(self) -> list[tuple[str, str]]:
        """The query of the public API (e.g. its GeoJSON, for the map) that selects the same
        places: the filters, plus the name when the text is not a commune. The API knows no
        distance: with a commune, the map keeps the API's places within the radius itself."""
        paires = self.criteres.filtres.parametres()
        if self.commune is None and self.nom:
            paires.append(("q", self.nom))
        return paires


def rechercher_lieux(criteres: Criteres) -> Recherche:
    """The directory's search: active places, filtered, and either around the chosen commune
    (nearest first, `distance_km` annotated) or, without a commune, by name (alphabetical)."""
    lieux = criteres.filtres.appliquer(lieux_publics())
    trouvee = resoudre_commune(texte=criteres.texte, code_insee=criteres.code_insee)
    if trouvee.commune is not None:
        commune = trouvee.commune
        lieux = lieux_autour(lieux, latitude=commune.latitude, longitude=commune.longitude, rayon_km=criteres.rayon_km)
        return Recherche(criteres=criteres, lieux=lieux, commune=commune)
    nom = criteres.texte
    lieux = rechercher_par_nom(lieux, nom).order_by("nom", "pk")
    return Recherche(criteres=criteres, lieux=lieux, communes_possibles=trouvee.possibles, nom=nom)


def lieu_public(ref: str) -> Lieu | None:
    """An active place by its standard identifier, or by its primary key."""
    lieux = lieux_publics()
    lieu = lieux.filter(identifiant=ref).first()
    if lieu is None and ref.isdigit():
        lieu = lieux.filter(pk=int(ref)).first()
    return lieu
