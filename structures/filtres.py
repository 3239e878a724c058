"""The public filters on places: query parameters → one validated, immutable `FiltresLieux`.

Shared by the public API (`structures/api.py`) and, if it wishes, the public directory, so that
`?services=…&frais=Gratuit` means the same thing everywhere. Pure: no database access, no request
object needed (any mapping works, a `QueryDict` included); querysets are only narrowed lazily by
`FiltresLieux.appliquer()`.

Parameters (all optional, all combined with AND):

=========================  ================================================  ========================
parameter                  meaning                                           example
=========================  ================================================  ========================
q                          the name contains this text (no case, see (*))    ``q=médiathèque``
commune                    INSEE code of the place's commune                 ``commune=23096``
departement                INSEE code of the place's département             ``departement=2A``
services                   offers at least one of these services             ``services=Aide aux…``
publics                    publics_specifiquement_adresses, one of           ``publics=Seniors``
prise_en_charge            prise_en_charge_specifique, one of                ``prise_en_charge=Surdité``
frais                      frais_a_charge, one of                            ``frais=Gratuit``
modalites_acces            modalites_acces, one of                           ``modalites_acces=Téléphoner``
modalites_accompagnement   modalites_accompagnement, one of                  ``…=À distance``
itinerance                 itinerance, one of (Fixe, Itinérant)              ``itinerance=Itinérant``
pass_numerique             1: only places accepting the Pass numérique       ``pass_numerique=1``
=========================  ================================================  ========================

(*) Django's ``icontains``: on PostgreSQL for every letter, on SQLite for ASCII letters only
("É" does not match "é" there).

Multi-valued parameters take the standard's exact values (case is forgiven), either repeated
(``?frais=Gratuit&frais=Payant``) or ``|``-separated like in the standard (``?frais=Gratuit|Payant``);
a place matches when it has **at least one** of them. Unknown values, a malformed code or an
unknown parameter (when the caller lists the other parameters it accepts) raise `FiltresInvalides`,
whose `erreurs` maps each parameter to a French message meant to be shown as is.

Usage::

    try:
        filtres = lire_filtres(request.GET, autres_parametres=("page",))
    except FiltresInvalides as exc:
        ...  # exc.erreurs == {"frais": "Valeur inconnue pour « frais à charge » : « gratos ». …"}
    lieux = filtres.appliquer(Lieu.objects.actifs())
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.core.exceptions import ValidationError

from territoires.validators import validate_code_departement

from .standard import clean_vocabulary, split_values, valider_code_insee, vocabularies

# Public parameter name → the model field (and the standard's field, for the vocabulary).
PARAMETRES_MULTIPLES: dict[str, str] = {
    "services": "services",
    "publics": "publics_specifiquement_adresses",
    "prise_en_charge": "prise_en_charge_specifique",
    "frais": "frais_a_charge",
    "modalites_acces": "modalites_acces",
    "modalites_accompagnement": "modalites_accompagnement",
    "itinerance": "itinerance",
}
PARAMETRES_SIMPLES = ("q", "commune", "departement", "pass_numerique")
PARAMETRES = PARAMETRES_SIMPLES + tuple(PARAMETRES_MULTIPLES)

LONGUEUR_MAX_Q = 100
_OUI = {"1", "true", "oui"}
_NON = {"", "0", "false", "non"}


class FiltresInvalides(Exception):
    """Bad filter parameters. `erreurs`: {parameter: French message}, in parameter order."""

    def __init__(self, erreurs: dict[str, str]):
        self.erreurs = erreurs
        super().__init__(" ".join(erreurs.values()))


@dataclass(frozen=True)
class FiltresLieux:
    """Validated filters. Multi-valued ones are tuples in the vocabulary's order (so that two
    spellings of the same request compare equal and give the same `cle()`)."""

    q: str = ""
    commune: str = ""
    departement: str = ""
    services: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    prise_en_charge: tuple[str, ...] = ()
    frais: tuple[str, ...] = ()
    modalites_acces: tuple[str, ...] = ()
    modalites_accompagnement: tuple[str, ...] = ()
    itinerance: tuple[str, ...] = ()
    pass_numerique: bool = False

    @property
    def vide(self) -> bool:
        """True when no filter is set (every active place matches)."""
        return self == FiltresLieux()

    def valeurs_multiples(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(model field, values) for each multi-valued filter that is set."""
        for parametre, champ in PARAMETRES_MULTIPLES.items():
            valeurs = getattr(self, parametre)
            if valeurs:
                yield champ, valeurs

    def parametres(self) -> list[tuple[str, str]]:
        """The filters as query parameters (only those set), for links: `lire_filtres` of them
        gives back an equal object."""
        paires = []
        for f in fields(self):
            valeur = getattr(self, f.name)
            if isinstance(valeur, tuple):
                paires.extend((f.name, v) for v in valeur)
            elif valeur is True:
                paires.append((f.name, "1"))
            elif valeur:
                paires.append((f.name, valeur))
        return paires

    def cle(self) -> str:
        """A canonical string for the filters (cache keys, ETags): equal filters, equal keys."""
        return urlencode(self.parametres())

    def appliquer(self, lieux):
        """Narrow a `Lieu` queryset (lazy: runs no query). It does not add `.actifs()`: callers
        choose whether closed places count."""
        if self.q:
            lieux = lieux.filter(nom__icontains=self.q)
        if self.commune:
            lieux = lieux.filter(code_insee=self.commune)
        if self.departement:
            lieux = lieux.filter(departement__code=self.departement)
        for champ, valeurs in self.valeurs_multiples():
            lieux = lieux.avec_une_des_valeurs(champ, valeurs)
        if self.pass_numerique:
            lieux = lieux.filter(accepte_pass_numerique=True)
        return lieux


def _valeurs(parametres: Mapping, nom: str) -> list[str]:
    if hasattr(parametres, "getlist"):
        brutes = parametres.getlist(nom)
    else:
        brute = parametres.get(nom)
        brutes = [] if brute is None else list(brute) if isinstance(brute, list | tuple) else [brute]
    valeurs = []
    for brute in brutes:
        valeurs.extend(split_values(brute))
    return valeurs


def _derniere(parametres: Mapping, nom: str) -> str:
    valeurs = parametres.getlist(nom) if hasattr(parametres, "getlist") else [parametres.get(nom)]
    valeur = valeurs[-1] if valeurs else None
    return " ".join(str(valeur).split()) if valeur is not None else ""


def _vocabulaire(parametre: str, valeurs: list[str]) -> tuple[str, ...]:
    champ = PARAMETRES_MULTIPLES[parametre]
    permises = vocabularies()[champ]
    par_casse = {v.casefold(): v for v in permises}
    canoniques = clean_vocabulary(champ, [par_casse.get(v.casefold(), v) for v in valeurs])
    return tuple(v for v in permises if v in canoniques)


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def lire_filtres(parametres: Mapping, *, autres_parametres: Iterable[str] | None = None) -> FiltresLieux:
    """Read and validate the filters from `parametres` (request.GET or any mapping).

    `autres_parametres`: the other parameters the caller accepts (e.g. ``("page", "par_page")``).
    When given, any parameter that is neither a filter nor listed is an error (a typo such as
    ``?service=`` must not silently return everything); when None, unknown parameters are ignored.
    Raises `FiltresInvalides` with every error at once.
    """
    erreurs: dict[str, str] = {}
    valeurs: dict = {}

    if autres_parametres is not None:
        connus = set(PARAMETRES) | set(autres_parametres)
        inconnus = sorted(p for p in parametres if p not in connus)
        if inconnus:
            erreurs["parametres"] = (
                f"Paramètre inconnu : {', '.join(f'« {p} »' for p in inconnus)}. "
                f"Paramètres possibles : {', '.join(sorted(connus))}."
            )

    q = _derniere(parametres, "q")
    if len(q) > LONGUEUR_MAX_Q:
        erreurs["q"] = f"La recherche par nom est limitée à {LONGUEUR_MAX_Q} caractères."
    else:
        valeurs["q"] = q

    commune = _derniere(parametres, "commune")
    if commune:
        try:
            valeurs["commune"] = valider_code_insee(commune)
        except ValidationError as exc:
            erreurs["commune"] = _message(exc)

    departement = _derniere(parametres, "departement").upper()
    if departement:
        try:
            validate_code_departement(departement)
            valeurs["departement"] = departement
        except ValidationError as exc:
            erreurs["departement"] = f"{_message(exc)} (« {departement} » reçu)"

    for parametre in PARAMETRES_MULTIPLES:
        brutes = _valeurs(parametres, parametre)
        if brutes:
            try:
                valeurs[parametre] = _vocabulaire(parametre, brutes)
            except ValidationError as exc:
                erreurs[parametre] = _message(exc)

    pass_numerique = _derniere(parametres, "pass_numerique").lower()
    if pass_numerique in _OUI:
        valeurs["pass_numerique"] = True
    elif pass_numerique not in _NON:
        erreurs["pass_numerique"] = (
            f"« pass_numerique » vaut 1 (seulement les lieux qui acceptent le Pass numérique) ou 0 ; "
            f"« {pass_numerique} » n’est pas une valeur possible."
        )

    if erreurs:
        raise FiltresInvalides(erreurs)
    return FiltresLieux(**valeurs)
