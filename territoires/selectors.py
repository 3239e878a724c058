"""Reads of the communes reference: by INSEE code, by postal code, by name (autocomplete).

Reference data is public: nothing here is scoped to a user.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import CodePostal, Commune
from .referentiel import CODE_INSEE
from .text import normaliser_nom

NB_COMMUNES_PROPOSEES = 10
_CODE_POSTAL = re.compile(r"^\d{5}$")


def commune_par_code_insee(code: str) -> Commune | None:
    """The commune (or arrondissement municipal) with this INSEE code.

    The code of a former commune merged into a commune nouvelle gives the commune nouvelle, so
    that older files still resolve."""
    code = (code or "").strip().upper()
    if not CODE_INSEE.match(code):
        return None
    commune = Commune.objects.filter(code_insee=code).first()
    if commune is not None and commune.actuelle:
        return commune
    # Fixed-length codes joined by "|": a substring match is an exact match on one of them.
    successeur = Commune.objects.actuelles().filter(anciens_codes__contains=code).order_by("code_insee").first()
    return successeur or commune


def communes_par_code_postal(code_postal: str) -> QuerySet[Commune]:
    """Current communes served by this postal code, the most populated first."""
    code_postal = (code_postal or "").strip()
    codes = CodePostal.objects.filter(code=code_postal).values("commune_id")
    return Commune.objects.actuelles().filter(code_insee__in=codes).order_by("-population", "nom")


def commune_par_code_postal_et_nom(code_postal: str, nom: str) -> Commune | None:
    """For imports that give a postal code and a commune name but no INSEE code."""
    return communes_par_code_postal(code_postal).filter(nom_normalise=normaliser_nom(nom or "")).first()


def rechercher_communes(texte: str, *, limit: int = 10) -> list[Commune]:
    """Autocomplete: "st etienne", "GUERET", "23000", "230" (postal code prefix), "2A004",
    "23000 gueret". Accents, case, hyphens and apostrophes are ignored.

    Names: the exact name first, then names starting with the text, the most populated first,
    then names with a word starting with the text ("etienne" finds Saint-Étienne)."""
    requete = normaliser_nom(texte or "")
    if not requete or limit <= 0:
        return []
    mots = requete.split(" ")
    if all(mot.isdigit() for mot in mots):
        chiffres = "".join(mots)[:5]
        resultats = list(_par_prefixe_code_postal(chiffres)[:limit])
        if not resultats and len(chiffres) == 5:
            commune = commune_par_code_insee(chiffres)
            resultats = [commune] if commune is not None and commune.actuelle else []
        return resultats
    if len(mots) == 1 and CODE_INSEE.match(requete.upper()):  # "2a004"
        commune = commune_par_code_insee(requete)
        if commune is not None and commune.actuelle:
            return [commune]
    communes = Commune.objects.actuelles()
    code_postal = next((mot for mot in mots if len(mot) == 5 and mot.isdigit()), None)
    if code_postal:  # "23000 gueret"
        communes = communes.filter(code_insee__in=CodePostal.objects.filter(code=code_postal).values("commune_id"))
        requete = " ".join(mot for mot in mots if mot != code_postal)
    debut = (
        _par_prefixe_nom(communes, requete)
        .annotate(exact=Case(When(nom_normalise=requete, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("exact", "-population", "nom")
    )
    resultats = list(debut[:limit])
    if len(resultats) < limit:
        dedans = (
            communes.filter(nom_normalise__contains=" " + requete)
            .exclude(pk__in=[c.pk for c in resultats])
            .order_by("-population", "nom")
        )
        resultats += list(dedans[: limit - len(resultats)])
    return resultats


def _par_prefixe_nom(communes: QuerySet[Commune], prefixe: str) -> QuerySet[Commune]:
    communes = communes.filter(nom_normalise__startswith=prefixe)
    if connection.vendor == "sqlite":
        # SQLite's LIKE cannot use a plain index; on names reduced to [a-z0-9 ] this range selects the
        # same rows through the index ("{" sorts right after "z"). PostgreSQL uses the index Django
        # creates for LIKE (varchar_pattern_ops), and its collation would make the range wrong.
        communes = communes.filter(nom_normalise__gte=prefixe, nom_normalise__lt=prefixe + "{")
    return communes


def _par_prefixe_code_postal(chiffres: str) -> QuerySet[Commune]:
    # Postal codes are five digits: a range on them is a prefix match, through the index, everywhere.
    codes = CodePostal.objects.filter(code__range=(chiffres.ljust(5, "0"), chiffres.ljust(5, "9")))
    return Commune.objects.actuelles().filter(code_insee__in=codes.values("commune_id")).order_by("-population", "nom")


@dataclass(frozen=True)
class CommuneTrouvee:
    """The outcome of reading the search text: one commune, or several to choose from."""

    commune: Commune | None = None
    possibles: tuple[Commune, ...] = ()


def libelle_commune(commune: Commune, code_postal: str = "") -> str:
    """'Guéret (23000)': what the search field shows once a commune is chosen."""
    codes = commune.liste_codes_postaux
    code = code_postal if code_postal in codes else (codes[0] if codes else commune.departement_id)
    return f"{commune.nom} ({code})"


def resoudre_commune(*, texte: str = "", code_insee: str = "") -> CommuneTrouvee:
    """The commune the person means: an INSEE code chosen from the suggestions, a postal code
    ("23000") or a name ("Guéret", "gueret", "Guéret (23000)"). Several matches (a postal code
    shared by several communes, a homonym, the start of a name) give a list to choose from."""
    if code_insee:
        commune = commune_par_code_insee(code_insee)
        if commune is not None:
            return CommuneTrouvee(commune=commune)
    requete = normaliser_nom(texte)
    if not requete:
        return CommuneTrouvee()
    if _CODE_POSTAL.match(requete):
        communes = tuple(communes_par_code_postal(requete)[:NB_COMMUNES_PROPOSEES])
        return CommuneTrouvee(commune=communes[0]) if len(communes) == 1 else CommuneTrouvee(possibles=communes)
    communes = tuple(rechercher_communes(texte, limit=NB_COMMUNES_PROPOSEES))
    nom = " ".join(mot for mot in requete.split(" ") if not mot.isdigit())
    exactes = [c for c in communes if c.nom_normalise == nom]
    if len(exactes) == 1:
        return CommuneTrouvee(commune=exactes[0])
    if len(communes) == 1 and not requete.replace(" ", "").isalpha():  # "23000 gueret", "2a004"
        return CommuneTrouvee(commune=communes[0])
    return CommuneTrouvee(possibles=tuple(exactes) if len(exactes) > 1 else communes)
