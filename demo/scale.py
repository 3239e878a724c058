"""Scale data for benches: thousands of realistic places, built with bulk inserts.

Profiles (issue 3, bullet 8; the product sizes for ~18,000 places nationally):

- ``departement``: 500 places in one département (the Creuse, as the demo);
- ``national``: 18,000 places across 100 départements (métropole and four DROM, not Mayotte).

Positions come from the communes reference when it is loaded (`charger_territoires`): a commune
of the département drawn with a weight growing with its population, plus up to ~1.5 km of
jitter so that markers of one town do not stack. Without the reference, positions are random in
France's bounding box and the communes are fictitious (well-formed codes).

Every scale place has an identifiant ``scale-<profil>-<uuid>`` (the marker used by `purger` and
for idempotency; random-looking like real identifiants, so payload sizes stay honest) and the
source "seed_scale". Generation is seeded: the same profile and count give the same data.

These are bench fixtures, not business records: they are written with bulk inserts that bypass
the services and the journal on purpose, and the API's cache is invalidated explicitly.

Lieu is a multi-table child of Organisation, which `bulk_create` refuses: the Organisation rows
are bulk-created first (their primary keys come back, SQLite ≥ 3.35 and PostgreSQL), then the
`structures_lieu` rows go in with one prepared INSERT run by `executemany`, each value prepared
by its model field (`pre_save` + `get_db_prep_save`, as `Model.save` does).
"""

import csv
import datetime
import math
import random
import time
import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from comptes.models import Organisation
from structures.models import Lieu, SourcePosition
from structures.signals import invalider_cache_lieux
from structures.standard import vocabularies
from territoires.models import Commune, Departement
from territoires.referentiel import DOSSIER_PAR_DEFAUT

PREFIXE = "scale-"
SOURCE = "seed_scale"
# Métropole (north-west, south-east corners) for positions when the communes are not loaded.
BOITE_FRANCE = ((51.09, -4.79), (42.33, 8.23))


@dataclass(frozen=True)
class Profil:
    nom: str
    nombre: int
    departements: tuple[str, ...] | None  # None: the first 100 départements (all but Mayotte)


PROFILS = {
    "departement": Profil("departement", 500, ("23",)),
    "national": Profil("national", 18_000, None),
}


@dataclass
class Bilan:
    profil: str
    crees: int = 0
    supprimes: int = 0
    deja_en_place: bool = False
    avec_referentiel: bool = False
    secondes: float = 0.0


def prefixe(profil: str) -> str:
    return f"{PREFIXE}{profil}-"


def lieux_du_profil(profil: str | None = None):
    return Lieu.objects.filter(identifiant__startswith=prefixe(profil) if profil else PREFIXE)


# --- vocabularies, with rough real-world frequencies -----------------------------------------

# (typologie, name pattern, weight). Names read like the national map's.
GENRES = [
    ("BIB", "Médiathèque {de}", 14),
    ("RFS", "France Services {de}", 12),
    ("CCAS", "CCAS {de}", 8),
    ("EPN", "Espace public numérique {de}", 10),
    ("TIERS_LIEUX", "Tiers-lieu numérique {de}", 8),
    ("CS", "Centre social {de}", 8),
    ("ASSO", "Association Clic & Lien {de}", 8),
    ("MUNI", "Mairie {de}", 6),
    ("MJC", "MJC {de}", 4),
    ("PIJ_BIJ", "Point information jeunesse {de}", 3),
    ("LA_POSTE", "Bureau de poste {de}", 3),
    ("FABLAB", "Fablab {de}", 2),
    ("MDS", "Maison départementale des solidarités {de}", 3),
    ("ML", "Mission locale {de}", 3),
    ("ENM", "Bus numérique {de}", 2),
]
RUES = ["rue de la République", "place de la Mairie", "avenue Jean Jaurès", "rue Victor Hugo", "rue des Écoles",
        "boulevard Carnot", "rue du Marché", "place de l’Église", "rue Pasteur", "avenue de la Gare"]  # fmt: skip
HORAIRES = [
    "Mo-Fr 09:00-12:00,14:00-17:00",
    "Tu-Sa 10:00-12:30,13:30-18:00",
    "Mo,We,Fr 14:00-18:00",
    "Mo-Th 08:30-12:00,13:30-17:30; Fr 08:30-12:00",
    "We 10:00-12:00,14:00-18:00; Sa 10:00-17:00",
    "",
]
PRESENTATIONS = [
    "Accompagnement aux démarches en ligne et ateliers d’initiation au numérique.",
    "Postes en accès libre, aide pour la messagerie, les papiers et la recherche d’emploi.",
    "Ateliers collectifs smartphone, tablette et ordinateur pour tous les âges.",
    "Un conseiller numérique vous reçoit sur rendez-vous pour vos démarches.",
    "",
]


def _poids(valeurs, premiers: dict) -> list[float]:
    return [premiers.get(v, 1.0) for v in valeurs]


def _echantillon(hasard: random.Random, champ: str, minimum: int, maximum: int, poids: dict | None = None):
    valeurs = vocabularies()[champ]
    n = hasard.randint(minimum, maximum)
    if n == 0:
        return []
    w = _poids(valeurs, poids or {})
    choisis = set()
    while len(choisis) < min(n, len(valeurs)):
        choisis.add(hasard.choices(valeurs, weights=w)[0])
    return [v for v in valeurs if v in choisis]


def _siret(hasard: random.Random) -> str:
    """A SIRET with a valid Luhn key."""
    corps = [hasard.randint(0, 9) for _ in range(13)]
    for cle in range(10):
        chiffres = [*corps, cle]
        total = 0
        for i, c in enumerate(reversed(chiffres)):
            c = c * 2 if i % 2 else c
            total += c - 9 if c > 9 else c
        if total % 10 == 0:
            return "".join(map(str, chiffres))
    raise AssertionError("unreachable")


def _de(nom: str) -> str:
    return f"d’{nom}" if nom[:1].upper() in "AEIOUYÉÈÊÎÔH" else f"de {nom}"


# --- départements and communes ----------------------------------------------------------------


def _noms_departements() -> dict[str, str]:
    with (DOSSIER_PAR_DEFAUT / "departements.csv").open(encoding="utf-8") as fichier:
        return {ligne["code"]: ligne["nom"] for ligne in csv.DictReader(fichier)}


def _departements(profil: Profil) -> dict[str, Departement]:
    noms = _noms_departements()
    codes = profil.departements or tuple(code for code in noms if code != "976")[:100]
    existants = {d.code: d for d in Departement.objects.filter(code__in=codes)}
    manquants = [
        Departement(code=code, nom=noms.get(code, f"Département {code}")) for code in codes if code not in existants
    ]
    if manquants:
        Departement.objects.bulk_create(manquants)
        existants = {d.code: d for d in Departement.objects.filter(code__in=codes)}
    return {code: existants[code] for code in codes}


def _communes(codes: list[str]) -> dict[str, list[tuple]]:
    par_departement: dict[str, list[tuple]] = {code: [] for code in codes}
    lignes = (
        Commune.objects.actuelles()
        .filter(departement_id__in=codes, type=Commune.Type.COMMUNE)
        .order_by("code_insee")
        .values_list("departement_id", "code_insee", "nom", "codes_postaux", "latitude", "longitude", "population")
    )
    for dep, *commune in lignes:
        par_departement[dep].append(tuple(commune))
    return par_departement


def _communes_fictives(hasard: random.Random, code_dep: str) -> list[tuple]:
    (nord, ouest), (sud, est) = BOITE_FRANCE
    prefixe_cp = {"2A": "20", "2B": "20"}.get(code_dep, code_dep)
    communes = []
    for i in range(40):
        code_insee = f"{code_dep}{100 + i:03d}"[:5]
        code_postal = (prefixe_cp + f"{100 + i * 10:03d}")[:5]
        lat, lon = hasard.uniform(sud, nord), hasard.uniform(ouest, est)
        communes.append((code_insee, f"Commune {code_insee}", code_postal, lat, lon, hasard.randint(100, 50_000)))
    return communes


def _repartir(nombre: int, poids: list[float]) -> list[int]:
    """Split `nombre` along `poids` (largest remainder): the parts add up to `nombre`."""
    total = sum(poids)
    parts = [nombre * p / total for p in poids]
    entiers = [math.floor(p) for p in parts]
    reste = nombre - sum(entiers)
    for i in sorted(range(len(parts)), key=lambda i: parts[i] - entiers[i], reverse=True)[:reste]:
        entiers[i] += 1
    return entiers


# --- building ---------------------------------------------------------------------------------


def _lieu(hasard: random.Random, profil: str, departement: Departement, commune: tuple, maintenant) -> Lieu:
    code_insee, nom_commune, codes_postaux, lat, lon, _population = commune
    typologie, modele, _ = hasard.choices(GENRES, weights=[g[2] for g in GENRES])[0]
    nom = modele.format(de=_de(nom_commune))
    if hasard.random() < 0.3:
        nom += f" — {hasard.choice(['antenne', 'site', 'espace'])} {hasard.choice(RUES).split(' ', 1)[1]}"
    # ~1.5 km of jitter at most (0.0135° of latitude).
    lat = max(-90.0, min(90.0, lat + hasard.uniform(-0.0135, 0.0135)))
    lon = max(-180.0, min(180.0, lon + hasard.uniform(-0.019, 0.019)))
    actif = hasard.random() >= 0.03
    positionne = hasard.random() >= 0.01  # a few places without a position, as in real files
    date_maj = maintenant.date() - datetime.timedelta(days=hasard.randint(0, 720))
    services = _echantillon(
        hasard,
        "services",
        1,
        5,
        {"Aide aux démarches administratives": 8, "Maîtrise des outils numériques du quotidien": 8,
         "Accès internet et matériel informatique": 5, "Acquisition de matériel informatique à prix solidaire": 0.3},
    )  # fmt: skip
    frais = hasard.choices(
        [["Gratuit"], ["Gratuit sous condition"], ["Payant"], ["Gratuit", "Payant"]], weights=[70, 15, 8, 7]
    )[0]
    identifiant = f"{prefixe(profil)}{uuid.UUID(int=hasard.getrandbits(128), version=4)}"
    slug = identifiant.rsplit("-", 1)[1][:8]
    return Lieu(
        type=Organisation.Type.LIEU,
        nom=nom,
        departement=departement,
        created_at=maintenant,
        identifiant=identifiant,
        pivot=_siret(hasard) if hasard.random() < 0.6 else "00000000000000",
        commune=nom_commune,
        code_postal=(codes_postaux or "").split("|")[0][:5],
        code_insee=code_insee,
        adresse=f"{hasard.randint(1, 120)} {hasard.choice(RUES)}",
        latitude=round(lat, 6) if positionne else None,
        longitude=round(lon, 6) if positionne else None,
        typologie=[typologie],
        telephone="+33" + str(hasard.randint(100000000, 599999999)),
        courriels=[f"contact-{slug}@lieux.example"] if hasard.random() < 0.8 else [],
        site_web=[f"https://{slug}.lieux.example"] if hasard.random() < 0.4 else [],
        horaires=hasard.choice(HORAIRES),
        presentation_resume=hasard.choice(PRESENTATIONS),
        source=SOURCE,
        itinerance=["Itinérant"] if typologie == "ENM" else (["Fixe"] if hasard.random() < 0.9 else []),
        date_maj=date_maj,
        services=services,
        publics_specifiquement_adresses=_echantillon(hasard, "publics_specifiquement_adresses", 0, 2, {"Seniors": 4}),
        prise_en_charge_specifique=_echantillon(hasard, "prise_en_charge_specifique", 0, 1)
        if hasard.random() < 0.3
        else [],
        frais_a_charge=frais,
        dispositif_programmes_nationaux=_echantillon(
            hasard, "dispositif_programmes_nationaux", 0, 2, {"Conseillers numériques": 10, "France Services": 5}
        ),
        modalites_acces=_echantillon(hasard, "modalites_acces", 1, 3, {"Se présenter": 6, "Téléphoner": 5}),
        modalites_accompagnement=_echantillon(
            hasard, "modalites_accompagnement", 1, 3, {"Accompagnement individuel": 5, "Dans un atelier collectif": 4}
        ),
        est_actif=actif,
        ferme_le=None if actif else date_maj,
        source_position=SourcePosition.COMMUNE,
        accepte_pass_numerique=hasard.random() < 0.35,
    )


def _inserer(lieux: list[Lieu]) -> None:
    """Organisation rows by bulk_create (their ids come back), then the Lieu rows with one
    prepared INSERT run by executemany (values prepared by each field, as Model.save would)."""
    Organisation.objects.bulk_create(lieux, batch_size=2000)  # Lieu instances carry the parent's fields
    champs = list(Lieu._meta.local_concrete_fields)
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - quoted names from the model, no input
        qn(Lieu._meta.db_table), ", ".join(qn(f.column) for f in champs), ", ".join(["%s"] * len(champs))
    )
    lignes = []
    for lieu in lieux:
        lieu.organisation_ptr_id = lieu.id  # the Organisation row's id, set by bulk_create
        lignes.append([f.get_db_prep_save(f.pre_save(lieu, True), connection) for f in champs])
    with connection.cursor() as curseur:
        for debut in range(0, len(lignes), 2000):
            curseur.executemany(sql, lignes[debut : debut + 2000])


def purger(profil: str | None = None) -> int:
    """Delete the scale places (of one profile, or all). Returns how many were deleted."""
    with transaction.atomic():
        ids = list(lieux_du_profil(profil).values_list("pk", flat=True))
        for debut in range(0, len(ids), 5000):
            lot = ids[debut : debut + 5000]
            Lieu.objects.filter(pk__in=lot)._raw_delete(connection.alias)
            Organisation.objects.filter(pk__in=lot)._raw_delete(connection.alias)
        if ids:
            invalider_cache_lieux()
    return len(ids)


def construire(profil: str, *, nombre: int | None = None, graine: int = 2026) -> Bilan:
    """Build the profile's places, or do nothing if exactly this data is already there.

    Idempotent: the profile's places are counted; if the count differs from the target (another
    `nombre`, an interrupted run), they are deleted and built again."""
    definition = PROFILS[profil]
    nombre = definition.nombre if nombre is None else nombre
    debut = time.perf_counter()
    bilan = Bilan(profil=profil)
    existants = lieux_du_profil(profil).count()
    if existants == nombre:
        bilan.deja_en_place = True
        bilan.secondes = time.perf_counter() - debut
        return bilan
    hasard = random.Random(f"{graine}-{profil}-{nombre}")  # noqa: S311 - reproducible fixtures, not secrets
    maintenant = timezone.now()
    with transaction.atomic():
        if existants:
            bilan.supprimes = purger(profil)
        departements = _departements(definition)
        codes = list(departements)
        communes = _communes(codes)
        bilan.avec_referentiel = any(communes.values())
        poids_dep = [math.sqrt(sum(c[5] for c in communes[code]) or 1) for code in codes]
        if not bilan.avec_referentiel:
            poids_dep = [1.0] * len(codes)
        lieux = []
        for code, part in zip(codes, _repartir(nombre, poids_dep), strict=True):
            liste = communes[code] or _communes_fictives(hasard, code)
            poids = [math.sqrt(c[5] or 1) for c in liste]
            for commune in hasard.choices(liste, weights=poids, k=part):
                lieux.append(_lieu(hasard, profil, departements[code], commune, maintenant))
        _inserer(lieux)
        invalider_cache_lieux()
    bilan.crees = len(lieux)
    bilan.secondes = time.perf_counter() - debut
    return bilan
