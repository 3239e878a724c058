"""Writes to the territorial reference data (régions, départements, communes, postal codes)."""

from dataclasses import dataclass
from pathlib import Path

from django.db import connection, models, transaction

from .models import CodePostal, Commune, Departement, Region
from .referentiel import DOSSIER_PAR_DEFAUT, lire_referentiel

LOT = 2000
CHAMPS_COMMUNE = [
    "nom",
    "nom_normalise",
    "type",
    "departement",
    "commune_parent",
    "epci_code",
    "epci_nom",
    "codes_postaux",
    "population",
    "latitude",
    "longitude",
    "source_position",
    "anciens_codes",
    "actuelle",
]


@dataclass
class Bilan:
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    retires: int = 0


def charger_referentiel(*, dossier: Path = DOSSIER_PAR_DEFAUT) -> dict[str, Bilan]:
    """Upsert régions, départements, communes and postal codes from the reference files.

    Idempotent: a second run with the same files changes nothing. The files are read and checked
    completely first (ReferentielInvalide, nothing written), then everything is written in one
    transaction. Départements keep their theming (colour, logo); communes missing from the files
    are marked not current rather than deleted, since other records may point to them.
    """
    ref = lire_referentiel(dossier)
    with transaction.atomic():
        bilans = {
            "regions": _upsert(Region, "code", ref.regions, ["nom", "chef_lieu"]),
            "departements": _upsert(Departement, "code", ref.departements, ["nom", "region", "chef_lieu"]),
            "communes": _upsert(Commune, "code_insee", ref.communes, CHAMPS_COMMUNE, brut=True),
        }
        bilans["communes"].retires = _retirer_communes({c["code_insee"] for c in ref.communes})
        bilans["codes_postaux"] = _synchroniser_codes_postaux(ref.communes)
    return bilans


def _upsert(model: type[models.Model], cle: str, lignes: list[dict], champs: list[str], *, brut: bool = False) -> Bilan:
    attributs = [model._meta.get_field(champ).attname for champ in champs]
    lignes_existantes = model.objects.values_list(cle, *attributs).iterator(chunk_size=LOT)
    existants = {ligne[0]: ligne[1:] for ligne in lignes_existantes}
    bilan, a_creer, a_modifier = Bilan(), [], []
    for ligne in lignes:
        valeurs = tuple(ligne[attribut] for attribut in attributs)
        existant = existants.get(ligne[cle])
        if existant is None:
            a_creer.append(ligne)
        elif valeurs != existant:
            a_modifier.append(ligne)
        else:
            bilan.inchanges += 1
    if brut:
        _inserer(model, [cle, *attributs], a_creer)
    else:  # small tables whose other columns have defaults (a département's colour)
        model.objects.bulk_create([model(**ligne) for ligne in a_creer], batch_size=LOT)
    _modifier(model, cle, attributs, a_modifier)
    bilan.crees, bilan.modifies = len(a_creer), len(a_modifier)
    return bilan


def _colonne(model: type[models.Model], attribut: str) -> str:
    champ = next(f for f in model._meta.concrete_fields if f.attname == attribut)
    return connection.ops.quote_name(champ.column)


def _inserer(model: type[models.Model], attributs: list[str], lignes: list[dict]) -> None:
    """Multi-row INSERTs: 35,000 communes in about a second, where bulk_create spends most of
    its time building model instances. Every column but the id must be given."""
    colonnes = {f.attname for f in model._meta.concrete_fields if not f.primary_key}
    assert colonnes == set(attributs), f"colonnes manquantes : {colonnes - set(attributs)}"
    table = connection.ops.quote_name(model._meta.db_table)
    liste = ", ".join(_colonne(model, nom) for nom in attributs)
    parametres_max = connection.features.max_query_params or 65_535  # SQLite: 999, PostgreSQL: 65,535
    par_requete = max(1, min(LOT, parametres_max // len(attributs)))
    ligne_sql = f"({', '.join(['%s'] * len(attributs))})"
    with connection.cursor() as cursor:
        for lot in _par_lots(lignes, par_requete):
            valeurs = ", ".join([ligne_sql] * len(lot))
            cursor.execute(
                f"INSERT INTO {table} ({liste}) VALUES {valeurs}",  # noqa: S608
                [ligne[nom] for ligne in lot for nom in attributs],
            )


def _modifier(model: type[models.Model], cle: str, attributs: list[str], lignes: list[dict]) -> None:
    if not lignes:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    affectations = ", ".join(f"{_colonne(model, a)} = %s" for a in attributs)
    sql = f"UPDATE {table} SET {affectations} WHERE {_colonne(model, cle)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for lot in _par_lots(lignes, LOT):
            cursor.executemany(sql, [[*(ligne[a] for a in attributs), ligne[cle]] for ligne in lot])


def _par_lots(elements: list, taille: int = 500):
    for debut in range(0, len(elements), taille):
        yield elements[debut : debut + taille]


def _retirer_communes(codes_du_fichier: set[str]) -> int:
    actuelles = set(Commune.objects.filter(actuelle=True).values_list("code_insee", flat=True))
    retirees = sorted(actuelles - codes_du_fichier)
    for lot in _par_lots(retirees):
        Commune.objects.filter(code_insee__in=lot).update(actuelle=False)
    return len(retirees)


def _synchroniser_codes_postaux(communes: list[dict]) -> Bilan:
    voulus = {(cp, c["code_insee"]) for c in communes for cp in c["codes_postaux"].split("|")}
    existants = {
        (code, commune): pk for pk, code, commune in CodePostal.objects.values_list("pk", "code", "commune_id")
    }
    a_creer = sorted(voulus - existants.keys())
    a_supprimer = sorted(pk for paire, pk in existants.items() if paire not in voulus)
    _inserer(CodePostal, ["code", "commune_id"], [{"code": cp, "commune_id": code} for cp, code in a_creer])
    for lot in _par_lots(a_supprimer):
        CodePostal.objects.filter(pk__in=lot).delete()
    return Bilan(crees=len(a_creer), retires=len(a_supprimer), inchanges=len(voulus) - len(a_creer))
