"""Scale data for benches: thousands of realistic places and people, built with bulk inserts.

Profiles (issue 3, bullet 8: ~18,000 places nationally; issue 4, bullet 8: 400,000 people):

- ``departement``: 500 places and 5,000 people in one département (the Creuse, as the demo);
- ``national``: 18,000 places and 400,000 people across 100 départements (métropole and four
  DROM, not Mayotte).

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
by its model field (`pre_save` + `get_db_prep_save`, as `Model.save` does). Organismes
prescripteurs go in the same way.

People (`construire_beneficiaires`, after the places: orientations point to them) need the
communes reference: a person's commune is a real row. Per département, weighted by the square
root of its population: a few dozen organismes prescripteurs (one big one, the département's
social services, following about a third of the people, then a long tail), their référent and
agents (users with an unusable password, e-mail ``…@scale-<profil>.example``: the marker of
the profile's agents, organismes and people), the people — names from fixed lists, birth dates,
communes weighted by population, publics and FSE+ answers (« nsp » included) consistent with
the age, needs — their Suivi rows (12 % followed by a second organisme), and orientations to
the département's places in the three statuses. A few percent are anonymised, as the retention
rule would have done. The derived fields (`cle_doublon`, `texte_recherche`, `pseudonyme`,
`age_a_l_entree`, `zone_rurale`) are computed as the services compute them.

Then the workshops and their attendance rows (demo/scale_ateliers.py). Bulk helpers (weighted
draws, rows by COPY or executemany): demo/insertion.py.
"""

import csv
import datetime
import itertools
import math
import random
import time
import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from beneficiaires.diagnostic import Besoin
from beneficiaires.fse import SEUIL_COMMUNE_RURALE, NiveauEtudes, Reponse, Sexe, SituationEmploi
from beneficiaires.identite import (
    ALPHABET_PSEUDONYME,
    LONGUEUR_PSEUDONYME,
    age_le,
    cle_doublon,
    normaliser,
    texte_recherche,
)
from beneficiaires.models import Beneficiaire, Orientation, Public, Suivi
from beneficiaires.models.orientation import DELAI_SANS_REPONSE
from comptes.models import Membership, Organisation, Role, User
from prescripteurs.models import OrganismePrescripteur, TypeOrganisme
from structures.models import Lieu, SourcePosition
from structures.signals import invalider_cache_lieux
from structures.standard import vocabularies
from territoires.models import Commune, Departement
from territoires.referentiel import DOSSIER_PAR_DEFAUT

from .insertion import LOT, Table, Tirage

PREFIXE = "scale-"
SOURCE = "seed_scale"
# Métropole (north-west, south-east corners) for positions when the communes are not loaded.
BOITE_FRANCE = ((51.09, -4.79), (42.33, 8.23))


@dataclass(frozen=True)
class Profil:
    nom: str
    nombre: int  # places
    departements: tuple[str, ...] | None  # None: the first 100 départements (all but Mayotte)
    beneficiaires: int = 0  # people


PROFILS = {
    "departement": Profil("departement", 500, ("23",), 5_000),
    "national": Profil("national", 18_000, None, 400_000),
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


def _inserer(lieux: list, modele=Lieu) -> None:
    """Organisation rows by bulk_create (their ids come back), then the child rows (Lieu, or
    OrganismePrescripteur) with one prepared INSERT run by executemany (values prepared by each
    field, as Model.save would)."""
    Organisation.objects.bulk_create(lieux, batch_size=2000)  # child instances carry the parent's fields
    champs = list(modele._meta.local_concrete_fields)
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - quoted names from the model, no input
        qn(modele._meta.db_table), ", ".join(qn(f.column) for f in champs), ", ".join(["%s"] * len(champs))
    )
    lignes = []
    for lieu in lieux:
        lieu.organisation_ptr_id = lieu.id  # the Organisation row's id, set by bulk_create
        lignes.append([f.get_db_prep_save(f.pre_save(lieu, True), connection) for f in champs])
    with connection.cursor() as curseur:
        for debut in range(0, len(lignes), 2000):
            curseur.executemany(sql, lignes[debut : debut + 2000])


def purger(profil: str | None = None) -> int:
    """Delete the scale places (of one profile, or all), and first the profile's people, whose
    orientations point to them. Returns how many places were deleted."""
    with transaction.atomic():
        purger_beneficiaires(profil)
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
    `nombre`, an interrupted run), they are deleted and built again (and the profile's people
    with them: `construire_beneficiaires` builds those)."""
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


# --- people: organismes prescripteurs, agents, bénéficiaires, suivis, orientations -------------
# Issue 4, bullet 8. Everything below is built per département, in batches, after the places.

PERSONNES_PAR_ORGANISME = 130  # a few dozen organismes for ~4,000 people
ORGANISMES_MAX = 40
PERSONNES_PAR_AGENT = 250
AGENTS_MAX = 20
PART_SECOND_SUIVI = 0.12


def domaine(profil: str) -> str:
    """The e-mail domain of a profile's agents and organismes: the marker of its people."""
    return f"{PREFIXE}{profil}.example"


def agents_du_profil(profil: str | None = None):
    if profil:
        return User.objects.filter(email__endswith=f"@{domaine(profil)}")
    return User.objects.filter(email__contains=f"@{PREFIXE}", email__endswith=".example")


def organismes_du_profil(profil: str | None = None):
    if profil:
        return OrganismePrescripteur.objects.filter(courriel__endswith=f"@{domaine(profil)}")
    return OrganismePrescripteur.objects.filter(courriel__contains=f"@{PREFIXE}", courriel__endswith=".example")


def beneficiaires_du_profil(profil: str | None = None):
    """The profile's people: those created by its agents."""
    return Beneficiaire.objects.filter(cree_par__in=agents_du_profil(profil))


def beneficiaires_par_defaut(profil: str, nombre_lieux: int | None = None) -> int:
    """The profile's number of people; with another number of places, the same ratio."""
    definition = PROFILS[profil]
    if nombre_lieux is None or nombre_lieux == definition.nombre:
        return definition.beneficiaires
    return round(definition.beneficiaires * nombre_lieux / definition.nombre)


@dataclass
class BilanPersonnes:
    profil: str
    beneficiaires: int = 0
    anonymises: int = 0
    organismes: int = 0
    agents: int = 0
    suivis: int = 0
    orientations: int = 0
    supprimes: int = 0
    deja_en_place: bool = False
    avec_referentiel: bool = False
    secondes: float = 0.0


# Surnames with rough frequencies (Martin first), some with accents, particles and apostrophes
# so that the normalised search text has work to do.
NOMS = Tirage([
    ("Martin", 30), ("Bernard", 17), ("Thomas", 15), ("Petit", 14), ("Robert", 14), ("Richard", 13),
    ("Durand", 13), ("Dubois", 13), ("Moreau", 12), ("Laurent", 12), ("Simon", 11), ("Michel", 11),
    ("Lefèvre", 10), ("Leroy", 10), ("Roux", 9), ("David", 9), ("Bertrand", 9), ("Morel", 9),
    ("Fournier", 9), ("Girard", 9), ("Bonnet", 8), ("Dupont", 8), ("Lambert", 8), ("Fontaine", 8),
    ("Rousseau", 8), ("Vincent", 8), ("Muller", 7), ("Lefebvre", 7), ("Faure", 7), ("André", 7),
    ("Mercier", 7), ("Blanc", 7), ("Guérin", 7), ("Boyer", 7), ("Garnier", 7), ("Chevalier", 6),
    ("François", 6), ("Legrand", 6), ("Gauthier", 6), ("Garcia", 6), ("Perrin", 6), ("Robin", 6),
    ("Clément", 6), ("Morin", 6), ("Nicolas", 6), ("Henry", 6), ("Roussel", 6), ("Mathieu", 6),
    ("Gautier", 6), ("Masson", 6), ("Marchand", 5), ("Duval", 5), ("Denis", 5), ("Dumont", 5),
    ("Marie", 5), ("Lemaire", 5), ("Noël", 5), ("Meyer", 5), ("Dufour", 5), ("Meunier", 5),
    ("Brun", 5), ("Blanchard", 5), ("Giraud", 5), ("Joly", 5), ("Rivière", 5), ("Lucas", 5),
    ("Brunet", 5), ("Gaillard", 5), ("Barbier", 5), ("Arnaud", 5), ("Martinez", 5), ("Gérard", 5),
    ("Roche", 5), ("Renard", 4), ("Schmitt", 4), ("Roy", 4), ("Leroux", 4), ("Colin", 4),
    ("Vidal", 4), ("Caron", 4), ("Picard", 4), ("Roger", 4), ("Fabre", 4), ("Aubert", 4),
    ("Lemoine", 4), ("Renaud", 4), ("Dumas", 4), ("Lacroix", 4), ("Olivier", 4), ("Philippe", 4),
    ("Bourgeois", 4), ("Pierre", 4), ("Benoît", 4), ("Rey", 4), ("Leclerc", 4), ("Payet", 4),
    ("Hoarau", 3), ("Le Gall", 3), ("Le Goff", 3), ("Da Silva", 3), ("Dos Santos", 3), ("Ferreira", 3),
    ("Rodrigues", 3), ("N’Diaye", 2), ("Diallo", 2), ("Traoré", 2), ("Benali", 2), ("Haddad", 2),
    ("Nguyen", 3), ("Cohen", 2), ("Kaya", 2), ("Saint-Martin", 1), ("Lebreton", 2), ("Mallet", 3),
    ("Langlois", 3), ("Charpentier", 3), ("Besson", 3), ("Texier", 3), ("Prévost", 3), ("Collet", 3),
    ("Carré", 3), ("Baron", 3), ("Huet", 3), ("Perret", 3), ("Lebrun", 3), ("Lemaître", 2),
])  # fmt: skip

# First names by generation (born before 1960, 1960–1985, after 1985), then by sex.
_PRENOMS = {
    ("avant", "femme"): "Marie Jeanne Monique Françoise Jacqueline Nicole Michèle Christiane Simone Danielle "
    "Josiane Colette Odette Yvette Paulette Marie-Thérèse Anne-Marie Denise Suzanne Ginette",
    ("avant", "homme"): "Jean Pierre Michel André Jacques Bernard Claude Gérard René Roger Daniel Alain "
    "Jean-Pierre Jean-Claude Marcel Robert Henri Guy Serge Raymond",
    ("milieu", "femme"): "Martine Sylvie Catherine Brigitte Nathalie Isabelle Sandrine Valérie Christine "
    "Véronique Patricia Corinne Karine Stéphanie Céline Marie-Hélène Laurence Fatima Nadia Sophie",
    ("milieu", "homme"): "Philippe Patrick Christophe Éric Stéphane Laurent Frédéric Thierry Pascal Olivier "
    "Nicolas David Sébastien Franck Didier Jean-Luc Mohamed Karim Bruno Vincent",
    ("apres", "femme"): "Aurélie Émilie Julie Laura Camille Léa Manon Chloé Inès Sarah Océane Marine Anaïs "
    "Jade Lina Emma Justine Pauline Amandine Yasmine",
    ("apres", "homme"): "Thomas Kévin Maxime Alexandre Julien Quentin Lucas Hugo Théo Nathan Enzo Mathis "
    "Yanis Rayan Adam Mehdi Anthony Dylan Florian Romain",
}
PRENOMS = {cle: Tirage((p, 1) for p in valeur.split()) for cle, valeur in _PRENOMS.items()}

# (minimum age, maximum age, weight): seniors are the largest public of digital inclusion.
AGES = Tirage([((18, 25), 12), ((26, 44), 20), ((45, 59), 20), ((60, 74), 28), ((75, 95), 20)])
SEXES = Tirage([(Sexe.FEMME, 57), (Sexe.HOMME, 39), (Sexe.NON_BINAIRE, 0.5), (Sexe.NSP, 3.5)])
EMPLOI = {
    "jeune": Tirage([(SituationEmploi.CHOMEUR, 40), (SituationEmploi.CHOMEUR_LONGUE_DUREE, 15),
                      (SituationEmploi.INACTIF, 20), (SituationEmploi.EN_EMPLOI, 18), (SituationEmploi.NSP, 7)]),
    "actif": Tirage([(SituationEmploi.CHOMEUR, 22), (SituationEmploi.CHOMEUR_LONGUE_DUREE, 25),
                      (SituationEmploi.INACTIF, 18), (SituationEmploi.EN_EMPLOI, 28), (SituationEmploi.NSP, 7)]),
    "retraite": Tirage([(SituationEmploi.INACTIF, 88), (SituationEmploi.EN_EMPLOI, 4), (SituationEmploi.NSP, 8)]),
}  # fmt: skip
ETUDES = {
    "senior": Tirage([(NiveauEtudes.CITE_0_2, 55), (NiveauEtudes.CITE_3_4, 28), (NiveauEtudes.CITE_5_8, 8),
                       (NiveauEtudes.NSP, 9)]),
    "autre": Tirage([(NiveauEtudes.CITE_0_2, 35), (NiveauEtudes.CITE_3_4, 42), (NiveauEtudes.CITE_5_8, 15),
                      (NiveauEtudes.NSP, 8)]),
}  # fmt: skip
# Yes / no / « ne souhaite pas répondre », per question.
OUI_NON = {
    champ: Tirage([(Reponse.OUI, oui), (Reponse.NON, 100 - oui - nsp), (Reponse.NSP, nsp)])
    for champ, oui, nsp in (
        ("handicap", 12, 6),
        ("pays_tiers", 8, 5),
        ("origine_etrangere", 14, 20),
        ("minorite", 3, 25),
        ("sans_abri", 3, 4),
    )
}
BESOINS = [
    (Besoin.ORDINATEUR, 30), (Besoin.SMARTPHONE, 45), (Besoin.EMAIL, 35), (Besoin.DEMARCHES, 60),
    (Besoin.VISIO, 15), (Besoin.SCOLARITE, 8), (Besoin.EMPLOI, 12), (Besoin.SECURITE, 20), (Besoin.EQUIPEMENT, 15),
]  # fmt: skip
NOMBRE_DE_BESOINS = Tirage([(1, 35), (2, 35), (3, 20), (4, 10)])
AUTONOMIE = Tirage([(1, 18), (2, 35), (3, 35), (4, 7), (None, 5)])
NOTES = [
    "Préfère être appelée le matin.",
    "Vient avec sa fille pour les démarches.",
    "Pas de connexion internet à domicile.",
    "Souhaite de l’aide pour sa déclaration de revenus.",
    "Rendez-vous à reprendre après les vacances.",
]
MESSAGES = [
    "Préfère être appelée le matin.",
    "Disponible le mardi et le jeudi après-midi.",
    "Se déplace difficilement : un lieu proche de chez elle si possible.",
    "A un smartphone mais pas d’ordinateur.",
]
MOTIFS_REFUS = [
    "Plus de place dans les ateliers avant deux mois.",
    "La personne a trouvé un accompagnement ailleurs.",
    "Injoignable après trois appels.",
    "Le besoin ne correspond pas à nos ateliers.",
]
_STATUTS_RECENTS = Tirage(  # younger than DELAI_SANS_REPONSE
    [(Orientation.Statut.A_CONTACTER, 70), (Orientation.Statut.PRIS_EN_CHARGE, 25), (Orientation.Statut.REFUSEE, 5)]
)
_STATUTS_ANCIENS = Tirage(  # the 8 % still « à contacter » are the ones flagged without an answer
    [(Orientation.Statut.PRIS_EN_CHARGE, 78), (Orientation.Statut.REFUSEE, 14), (Orientation.Statut.A_CONTACTER, 8)]
)
ORDRE_BESOINS = {b: i for i, b in enumerate(Besoin.values)}
ORDRE_PUBLICS = {p: i for i, p in enumerate(Public.values)}

# Organismes of a département by rank: the first ones are the big ones (the département's
# social services follow about a third of the people), then a long tail drawn at random.
PREMIERS_ORGANISMES = [
    (TypeOrganisme.CMS, "Maison départementale des solidarités {de}"),
    (TypeOrganisme.FRANCE_TRAVAIL, "France Travail — agence {de}"),
    (TypeOrganisme.CCAS, "CCAS {de}"),
    (TypeOrganisme.MISSION_LOCALE, "Mission locale {de}"),
    (TypeOrganisme.CAF, "CAF — accueil {de}"),
]
AUTRES_ORGANISMES = Tirage([
    ((TypeOrganisme.CCAS, "CCAS {de}"), 25), ((TypeOrganisme.MAIRIE, "Mairie {de}"), 10),
    ((TypeOrganisme.ASSOCIATION, "Association Solidarité numérique {de}"), 15),
    ((TypeOrganisme.FRANCE_SERVICES, "France Services {de}"), 12), ((TypeOrganisme.CIAS, "CIAS {de}"), 6),
    ((TypeOrganisme.CMS, "Centre médico-social {de}"), 8), ((TypeOrganisme.MISSION_LOCALE, "Mission locale {de}"), 5),
    ((TypeOrganisme.FRANCE_TRAVAIL, "France Travail — agence {de}"), 5), ((TypeOrganisme.MSA, "MSA — accueil {de}"), 3),
    ((TypeOrganisme.UDAF, "UDAF — antenne {de}"), 2), ((TypeOrganisme.MJC, "MJC {de}"), 3),
    ((TypeOrganisme.AUTRE, "Épicerie sociale {de}"), 2),
])  # fmt: skip


def _communes_des_personnes(codes: list[str]) -> dict[str, list[tuple]]:
    """Per département: (pk, code_insee, nom, code postal, population) of its current communes."""
    par_departement: dict[str, list[tuple]] = {code: [] for code in codes}
    lignes = (
        Commune.objects.actuelles()
        .filter(departement_id__in=codes, type=Commune.Type.COMMUNE)
        .order_by("code_insee")
        .values_list("departement_id", "pk", "code_insee", "nom", "codes_postaux", "population")
    )
    for dep, pk, code_insee, nom, codes_postaux, population in lignes:
        par_departement[dep].append((pk, code_insee, nom, (codes_postaux or "").split("|")[0][:5], population))
    return par_departement


@dataclass
class _Contexte:
    """What the generation of one profile shares across départements."""

    profil: str
    hasard: random.Random
    maintenant: datetime.datetime
    aujourd_hui: datetime.date
    pseudonymes: set
    bilan: BilanPersonnes
    numero_agent: int = 0


def _pseudonyme(ctx: _Contexte) -> str:
    """Like identite.nouveau_pseudonyme, from the seeded generator, never one already taken."""
    while True:
        valeur = "B-" + "".join(ctx.hasard.choices(ALPHABET_PSEUDONYME, k=LONGUEUR_PSEUDONYME))
        if valeur not in ctx.pseudonymes:
            ctx.pseudonymes.add(valeur)
            return valeur


def _organismes(ctx: _Contexte, departement: Departement, communes: list[tuple], nombre: int) -> list:
    hasard = ctx.hasard
    par_population = sorted(communes, key=lambda c: -c[4])
    tirage_commune = Tirage((c, max(c[4], 1)) for c in communes)
    noms: set[str] = set()
    organismes = []
    for rang in range(nombre):
        if rang < len(PREMIERS_ORGANISMES):
            type_organisme, modele = PREMIERS_ORGANISMES[rang]
            commune = par_population[0] if rang < 3 else tirage_commune(hasard)
        else:
            type_organisme, modele = AUTRES_ORGANISMES(hasard)
            commune = tirage_commune(hasard)
        pk, _code_insee, nom_commune, code_postal, _population = commune
        nom = modele.format(de=_de(nom_commune))
        while nom in noms:
            nom = f"{modele.format(de=_de(nom_commune))} — site {hasard.choice(RUES).split(' ', 1)[1]}"
            if nom in noms:
                nom += f" {hasard.randint(2, 99)}"
        noms.add(nom)
        organismes.append(
            OrganismePrescripteur(
                type=Organisation.Type.PRESCRIPTEUR,
                nom=nom,
                departement=departement,
                created_at=ctx.maintenant - datetime.timedelta(days=hasard.randint(800, 1500)),
                type_organisme=type_organisme,
                siret=_siret(hasard) if hasard.random() < 0.8 else "",
                adresse=f"{hasard.randint(1, 120)} {hasard.choice(RUES)}",
                code_postal=code_postal,
                commune_id=pk,
                telephone="+33" + str(hasard.randint(100000000, 599999999)),
                courriel=f"contact-{departement.code.lower()}-{rang + 1:02d}@{domaine(ctx.profil)}",
            )
        )
    return organismes


def _agents(ctx: _Contexte, organismes: list, suivis_par_organisme: list[int]) -> list[list]:
    """Per organisme: [référent, agent, …] (unsaved users), more agents for bigger organismes."""
    hasard = ctx.hasard
    equipes = []
    for _organisme, suivis in zip(organismes, suivis_par_organisme, strict=True):
        nombre = 1 + max(1, min(AGENTS_MAX, round(suivis / PERSONNES_PAR_AGENT)))
        equipe = []
        for _ in range(nombre):
            ctx.numero_agent += 1
            sexe = "femme" if hasard.random() < 0.75 else "homme"
            equipe.append(
                User(
                    email=f"agent-{ctx.numero_agent:05d}@{domaine(ctx.profil)}",
                    first_name=PRENOMS[hasard.choice(["milieu", "apres"]), sexe](hasard),
                    last_name=NOMS(hasard),
                    password="!" + f"{hasard.getrandbits(160):040x}",  # unusable, like set_unusable_password
                    date_joined=ctx.maintenant,
                )
            )
        equipes.append(equipe)
    return equipes


def _personne(ctx: _Contexte, departement: Departement, commune: tuple, cles: set) -> dict:
    """A Beneficiaire row (attnames), its derived fields computed as services/fiches.py does."""
    hasard = ctx.hasard
    aujourd_hui = ctx.aujourd_hui
    # The record's age in days, more recent ones more frequent; last activity somewhere since.
    anciennete = int(1095 * hasard.random() ** 1.5)
    cree_le = ctx.maintenant - datetime.timedelta(days=anciennete, seconds=hasard.randint(0, 86_399))
    derniere_activite = cree_le + datetime.timedelta(days=hasard.randint(0, anciennete))
    derniere_activite = min(derniere_activite, ctx.maintenant)
    anonymise = (ctx.maintenant - derniere_activite).days > 730  # what the retention rule does (24 months)

    minimum, maximum = AGES(hasard)
    age = hasard.randint(minimum, maximum)
    sexe = SEXES(hasard)
    while True:
        naissance = aujourd_hui - datetime.timedelta(days=int((age + hasard.random()) * 365.25))
        generation = "avant" if naissance.year < 1960 else ("milieu" if naissance.year <= 1985 else "apres")
        sexe_prenom = sexe if sexe in (Sexe.FEMME, Sexe.HOMME) else hasard.choice(["femme", "homme"])
        nom, prenom = NOMS(hasard), PRENOMS[generation, sexe_prenom](hasard)
        cle = cle_doublon(nom=nom, prenom=prenom, date_naissance=naissance)
        if cle not in cles:  # one live record per person and département
            break

    emploi = EMPLOI["retraite" if age >= 62 else ("jeune" if age <= 25 else "actif")](hasard)
    reponses = {champ: str(tirage(hasard)) for champ, tirage in OUI_NON.items()}
    publics = set()
    if age >= 60 and hasard.random() < 0.85:
        publics.add(Public.SENIOR)
    if 25 <= age < 65 and hasard.random() < 0.28:
        publics.add(Public.RSA)
    if emploi in (SituationEmploi.CHOMEUR, SituationEmploi.CHOMEUR_LONGUE_DUREE) and hasard.random() < 0.8:
        publics.add(Public.DEMANDEUR_EMPLOI)
    if age <= 25 and hasard.random() < 0.7:
        publics.add(Public.JEUNE_MISSION_LOCALE)
    if hasard.random() < (0.4 if reponses["handicap"] == Reponse.OUI else 0.01):
        publics.add(Public.AAH)
    if emploi == SituationEmploi.EN_EMPLOI and age < 65 and hasard.random() < 0.1:
        publics.add(Public.AIDE_DOMICILE)
    if 25 <= age <= 55 and hasard.random() < 0.1:
        publics.add(Public.QUOTIENT_FAMILIAL)
    if not publics and hasard.random() < 0.7:
        publics.add(Public.AUTRE)

    pk_commune, _code_insee, _nom_commune, _cp, population = commune
    personne = {
        "departement_id": departement.pk,
        "pseudonyme": _pseudonyme(ctx),
        "commune_id": pk_commune,
        "publics": [str(p) for p in sorted(publics, key=ORDRE_PUBLICS.__getitem__)],
        "sexe": str(sexe),
        "situation_emploi": str(emploi),
        "niveau_etudes": str(ETUDES["senior" if age >= 60 else "autre"](hasard)),
        "age_a_l_entree": age_le(naissance, cree_le.date()),
        "zone_rurale": (population < SEUIL_COMMUNE_RURALE) if population else None,  # fse.est_zone_rurale
        "information_rgpd_le": cree_le.date(),
        "cree_le": cree_le,
        "modifie_le": ctx.maintenant,
        "derniere_activite_le": derniere_activite,
        "anonymise_le": None,
        **reponses,
    }
    if anonymise:  # identity, contact, notes and diagnostic erased (services/anonymisation.EFFACES)
        personne["anonymise_le"] = derniere_activite + datetime.timedelta(days=731)
        return personne
    cles.add(cle)
    poids_besoins = [
        p * (3 if (b == Besoin.SCOLARITE and 25 <= age <= 55) or (b == Besoin.EMPLOI and age < 60) else 1)
        for b, p in BESOINS
    ]
    besoins = {hasard.choices(BESOINS, weights=poids_besoins)[0][0] for _ in range(NOMBRE_DE_BESOINS(hasard))}
    personne.update(
        nom=nom,
        prenom=prenom,
        date_naissance=naissance,
        cle_doublon=cle,
        texte_recherche=texte_recherche(nom=nom, prenom=prenom),
        besoins=[str(b) for b in sorted(besoins, key=ORDRE_BESOINS.__getitem__)],
        niveau_autonomie=AUTONOMIE(hasard),
    )
    if hasard.random() < 0.78:
        personne["telephone"] = f"+33{hasard.choice('67')}{hasard.randint(0, 99_999_999):08d}"
    if hasard.random() < 0.3:
        personne["email"] = f"{normaliser(prenom)}.{normaliser(nom)}{hasard.randint(1, 999)}@courriel.example"
    if hasard.random() < 0.15:
        personne["notes"] = hasard.choice(NOTES)
    return personne


def _orientations(ctx: _Contexte, personne: dict, organisme_pk: int, agent_pk: int, lieux, lieux_par_commune):
    """0, 1 or 2 Orientation rows of a person to places of the département, statuses by age;
    `beneficiaire_id` is filled once the people are inserted."""
    hasard = ctx.hasard
    if not lieux or hasard.random() >= 0.65:
        return []
    nombre = 2 if hasard.random() < 0.15 else 1
    anonymise = personne["anonymise_le"] is not None
    # An anonymised person's activity ended with their last activity date: nothing after it.
    limite = personne["derniere_activite_le"] if anonymise else ctx.maintenant
    deja: set = set()
    orientations = []
    for _ in range(nombre):
        proches = lieux_par_commune.get(personne["commune_id"])
        lieu = hasard.choice(proches) if proches and hasard.random() < 0.6 else hasard.choice(lieux)
        if lieu in deja:  # one open orientation per person and place
            continue
        deja.add(lieu)
        cree_le = min(personne["cree_le"] + datetime.timedelta(days=hasard.randint(0, 20)), limite)
        age = ctx.maintenant - cree_le
        statut = (_STATUTS_RECENTS if age < DELAI_SANS_REPONSE else _STATUTS_ANCIENS)(hasard)
        besoins = personne.get("besoins", [])
        if besoins:
            besoins = [b for b in besoins if hasard.random() < 0.7] or besoins[:1]
        orientation = {
            "pseudonyme": personne["pseudonyme"],
            "lieu_id": lieu,
            "organisme_id": organisme_pk,
            "cree_par_id": agent_pk,
            "cree_le": cree_le,
            "besoins": besoins,
            "message": hasard.choice(MESSAGES) if hasard.random() < 0.3 and not anonymise else "",
            "statut": str(statut),
            "motif_refus": "",
            "repondu_le": None,
            "relance_le": None,
        }
        if statut != Orientation.Statut.A_CONTACTER:
            orientation["repondu_le"] = max(
                cree_le,
                min(cree_le + datetime.timedelta(days=hasard.randint(0, 6), hours=hasard.randint(1, 8)), limite),
            )
            if statut == Orientation.Statut.REFUSEE and not anonymise:  # free texts erased with the person
                orientation["motif_refus"] = hasard.choice(MOTIFS_REFUS)
        elif age >= DELAI_SANS_REPONSE * 2 and not anonymise and hasard.random() < 0.6:
            orientation["relance_le"] = cree_le + DELAI_SANS_REPONSE + datetime.timedelta(hours=hasard.randint(1, 24))
        if anonymise:
            orientation["besoins"] = []
        orientations.append(orientation)
        personne["derniere_activite_le"] = max(personne["derniere_activite_le"], orientation["repondu_le"] or cree_le)
    return orientations


def _departement_de_personnes(ctx, departement, communes, nombre, lieux, lieux_par_commune) -> None:
    """Organismes, agents, people, suivis and orientations of one département, inserted."""
    hasard = ctx.hasard
    bilan = ctx.bilan
    nb_organismes = max(2, min(ORGANISMES_MAX, round(nombre / PERSONNES_PAR_ORGANISME)))
    # Who follows whom: 1/rank^1.3, so the first organisme follows about a third of the people.
    tirage_organisme = Tirage((i, 1 / (i + 1) ** 1.3) for i in range(nb_organismes))
    principaux = [tirage_organisme(hasard) for _ in range(nombre)]
    seconds = [(tirage_organisme(hasard) if hasard.random() < PART_SECOND_SUIVI else None) for _ in range(nombre)]
    seconds = [j if j != i else None for i, j in zip(principaux, seconds, strict=True)]
    suivis_par_organisme = [0] * nb_organismes
    for i, j in zip(principaux, seconds, strict=True):
        suivis_par_organisme[i] += 1
        if j is not None:
            suivis_par_organisme[j] += 1

    # Organismes and their members: a few hundred rows, through the ORM.
    organismes = _organismes(ctx, departement, communes, nb_organismes)
    _inserer(organismes, OrganismePrescripteur)
    equipes = _agents(ctx, organismes, suivis_par_organisme)
    User.objects.bulk_create([u for equipe in equipes for u in equipe], batch_size=LOT)
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                organisation_id=organisme.pk,
                role=Role.REFERENT if rang == 0 else Role.AGENT,
                created_at=ctx.maintenant,
            )
            for organisme, equipe in zip(organismes, equipes, strict=True)
            for rang, user in enumerate(equipe)
        ],
        batch_size=LOT,
    )
    equipes = [[u.pk for u in equipe] for equipe in equipes]
    bilan.organismes += len(organismes)
    bilan.agents += sum(len(e) for e in equipes)

    # People, suivis and orientations: thousands of rows, as plain rows.
    cles = set(
        Beneficiaire.objects.actifs()
        .filter(departement=departement)
        .exclude(cle_doublon="")
        .values_list("cle_doublon", flat=True)
    )
    tirage_commune = Tirage((c, max(c[4], 1)) for c in communes)
    personnes, suivis, orientations = [], [], []
    limite = ctx.maintenant
    for i, j in zip(principaux, seconds, strict=True):
        personne = _personne(ctx, departement, tirage_commune(hasard), cles)
        personne["cree_par_id"] = hasard.choice(equipes[i])
        suivis.append(
            {
                "pseudonyme": personne["pseudonyme"],
                "organisme_id": organismes[i].pk,
                "origine": str(Suivi.Origine.CREATION),
                "cree_le": personne["cree_le"],
                "cree_par_id": personne["cree_par_id"],
            }
        )
        if j is not None:
            suivis.append(
                {
                    "pseudonyme": personne["pseudonyme"],
                    "organisme_id": organismes[j].pk,
                    "origine": str(Suivi.Origine.RATTACHEMENT),
                    "cree_le": min(personne["cree_le"] + datetime.timedelta(days=hasard.randint(1, 200)), limite),
                    "cree_par_id": hasard.choice(equipes[j]),
                }
            )
        agent = hasard.choice(equipes[i])
        orientations.extend(_orientations(ctx, personne, organismes[i].pk, agent, lieux, lieux_par_commune))
        personnes.append(personne)
    Table(Beneficiaire).inserer(personnes)
    # Their ids, by pseudonym: one query (the people of this département created by its agents).
    agents = [pk for equipe in equipes for pk in equipe]
    ids = dict(
        Beneficiaire.objects.filter(departement=departement, cree_par_id__in=agents).values_list("pseudonyme", "pk")
    )
    for ligne in itertools.chain(suivis, orientations):
        ligne["beneficiaire_id"] = ids[ligne["pseudonyme"]]
    Table(Suivi).inserer(suivis)
    Table(Orientation).inserer(orientations)
    bilan.beneficiaires += len(personnes)
    bilan.anonymises += sum(1 for p in personnes if p["anonymise_le"])
    bilan.suivis += len(suivis)
    bilan.orientations += len(orientations)


def purger_beneficiaires(profil: str | None = None) -> int:
    """Delete the people of one profile (or of all) with their suivis and orientations, and the
    profile's organismes prescripteurs and agents. Returns how many people were deleted."""
    from .scale_ateliers import purger_ateliers

    with transaction.atomic():
        agents = agents_du_profil(profil)
        organismes = organismes_du_profil(profil)
        personnes = Beneficiaire.objects.filter(cree_par__in=agents)
        nombre = personnes.count()
        if nombre:  # workshops are built after the people, their registrations point to them
            purger_ateliers(profil)
        alias = connection.alias
        Orientation.objects.filter(Q(beneficiaire__in=personnes) | Q(organisme__in=organismes))._raw_delete(alias)
        Suivi.objects.filter(Q(beneficiaire__in=personnes) | Q(organisme__in=organismes))._raw_delete(alias)
        personnes._raw_delete(alias)
        Membership.objects.filter(Q(user__in=agents) | Q(organisation__in=organismes))._raw_delete(alias)
        ids = list(organismes.values_list("pk", flat=True))
        for debut in range(0, len(ids), 5000):
            lot = ids[debut : debut + 5000]
            OrganismePrescripteur.objects.filter(pk__in=lot)._raw_delete(alias)
            Organisation.objects.filter(pk__in=lot)._raw_delete(alias)
        agents._raw_delete(alias)
    return nombre


def construire_beneficiaires(profil: str, *, nombre: int | None = None, graine: int = 2026) -> BilanPersonnes:
    """Build the profile's people (see the module's docstring), after its places (`construire`).

    Idempotent like `construire`: if the profile already has exactly `nombre` people, nothing is
    done; otherwise its people, organismes and agents are deleted and built again. Without the
    communes reference, no people are built (their commune is a real row)."""
    definition = PROFILS[profil]
    nombre = definition.beneficiaires if nombre is None else nombre
    debut = time.perf_counter()
    bilan = BilanPersonnes(profil=profil)
    departements = _departements(definition)
    codes = list(departements)
    communes = _communes_des_personnes(codes)
    bilan.avec_referentiel = any(communes.values())
    cible = nombre if bilan.avec_referentiel else 0
    existants = beneficiaires_du_profil(profil).count()
    if existants == cible and (cible > 0 or not organismes_du_profil(profil).exists()):
        bilan.deja_en_place = True
        bilan.secondes = time.perf_counter() - debut
        return bilan
    maintenant = timezone.now()
    ctx = _Contexte(
        profil=profil,
        hasard=random.Random(f"{graine}-{profil}-beneficiaires-{nombre}"),  # noqa: S311 - fixtures, not secrets
        maintenant=maintenant,
        aujourd_hui=timezone.localdate(maintenant),
        pseudonymes=set(),
        bilan=bilan,
    )
    with transaction.atomic():
        bilan.supprimes = purger_beneficiaires(profil)
        if cible:
            ctx.pseudonymes = set(Beneficiaire.objects.values_list("pseudonyme", flat=True))
            avec_communes = [code for code in codes if communes[code]]
            poids = [math.sqrt(sum(c[4] for c in communes[code]) or 1) for code in avec_communes]
            lieux_par_dep: dict[str, list] = {code: [] for code in avec_communes}
            lieux_par_commune: dict[int, list] = {}
            pk_par_code = {c[1]: c[0] for code in avec_communes for c in communes[code]}
            lignes = (
                lieux_du_profil(profil)
                .actifs()
                .filter(departement__code__in=avec_communes)
                .order_by("pk")
                .values_list("departement__code", "pk", "code_insee")
            )
            for dep, pk, code_insee in lignes:
                lieux_par_dep[dep].append(pk)
                if code_insee in pk_par_code:
                    lieux_par_commune.setdefault(pk_par_code[code_insee], []).append(pk)
            for code, part in zip(avec_communes, _repartir(cible, poids), strict=True):
                if part:
                    _departement_de_personnes(
                        ctx, departements[code], communes[code], part, lieux_par_dep[code], lieux_par_commune
                    )
    if connection.vendor == "postgresql" and cible:
        # Fresh statistics, as autovacuum would give a production database after such a load.
        with connection.cursor() as curseur:
            for modele in (Beneficiaire, Suivi, Orientation, OrganismePrescripteur, Organisation, Membership, User):
                curseur.execute(f"ANALYZE {connection.ops.quote_name(modele._meta.db_table)}")
    bilan.secondes = time.perf_counter() - debut
    return bilan
