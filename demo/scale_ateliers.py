"""Scale data of the workshops (issue 6, bullet 9): attendance rows (`Inscription`) by the
million, over workshops and sessions of the scale places, with the scale people.

Targets: 2.5 registrations per person of the profile, i.e. 1,000,000 for ``national`` (400,000
people) and 12,500 for ``departement`` (5,000), or proportionally to `--beneficiaires`.

Per département, after the places and the people (demo/scale.py): about a third of its open
places run workshops, each with its quota of registrations (the département's share, by its
number of live people, split unevenly between them); a place gets one to three mediators (users
``mediateur-…@ateliers.scale-<profil>.example``, unusable passwords, with a membership),
one to six workshops (themes, levels, formats — some individual —, capacities of 10 to 25),
and sessions spread over the last year and the next six weeks (some in weekly series sharing a
UUID, a few cancelled), each with 5 to 25 registrations (one for an individual accompaniment).
The people of a place are those oriented to it plus others of the same département, who get an
`Accueil` row (so the place sees them); a person only registers to a session after their record
was made. Past sessions are mostly marked (present 80 %, absent 13 %, excused 7 %), a third
have walk-ins; a few percent of registrations are cancelled or on the waiting list. No cheques
and no signed sheets (files) at scale.

The guard: a place's people are drawn from the live people of the place's own département.

Rows go in as plain values (demo/insertion.py: COPY on PostgreSQL, executemany on SQLite);
workshops and sessions carry ids chosen here, so registrations point to them without reading
them back, and the sequences are moved past them at the end. Idempotent like the rest of
seed_scale: the same count of the profile's registrations means nothing to do; otherwise the
profile's workshop rows are purged (`purger_ateliers`, also called first by
`scale.purger_beneficiaires`, hence by `--purge`) and built again. Generation is seeded.
"""

import bisect
import datetime
import math
import random
import time
import uuid
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ateliers.models import Atelier, FeuilleEmargement, Inscription, PresenceCheque, Seance
from ateliers.themes import Format, Niveau, Theme
from beneficiaires.models import Accueil, Orientation
from comptes.models import Membership, Role, User

from . import scale
from .insertion import LOT, Table, Tirage, prochain_id

INSCRIPTIONS_PAR_PERSONNE = 2.5
PART_LIEUX_AVEC_ATELIERS = 0.35
JOURS_PASSES, JOURS_A_VENIR = 365, 42
TAILLE_MIN, TAILLE_MAX = 5, 25
HEURES = Tirage([((9, 0), 2), ((10, 0), 4), ((14, 0), 5), ((14, 30), 2), ((16, 0), 2), ((18, 0), 1)])
DUREES = Tirage([(60, 2), (90, 4), (120, 5), (150, 1)])
NIVEAUX = Tirage([(Niveau.DEBUTANT, 6), (Niveau.INTERMEDIAIRE, 3), (Niveau.AVANCE, 1)])
STATUTS = Tirage(
    [(Inscription.Statut.INSCRIT, 93), (Inscription.Statut.DESINSCRIT, 4), (Inscription.Statut.ATTENTE, 3)]
)
PRESENCES = Tirage(
    [(Inscription.Presence.PRESENT, 80), (Inscription.Presence.ABSENT, 13), (Inscription.Presence.EXCUSE, 7)]
)
TITRES = {
    Theme.PRISE_EN_MAIN: "Premiers pas sur smartphone",
    Theme.NAVIGATION: "Naviguer sur internet",
    Theme.COURRIEL: "Ma messagerie",
    Theme.BUREAUTIQUE: "Traitement de texte et tableur",
    Theme.SECURITE: "Se protéger en ligne",
    Theme.SANTE: "Mon Espace Santé",
    Theme.BANQUE_ACHATS: "Banque et achats en ligne",
    Theme.PARENTALITE: "L’ENT des enfants",
    Theme.LIEN_FAMILIAL: "Visio avec ses proches",
    Theme.EMPLOI: "CV et candidatures",
    Theme.CULTURE_NUMERIQUE: "Comprendre l’IA",
    Theme.DEMARCHES: "Démarches en ligne",
    Theme.DIAGNOSTIC: "Bilan numérique",
}
MOTIFS_ANNULATION = ["Médiateur absent.", "Panne du réseau.", "Salle indisponible.", "Trop peu d’inscrits."]


def domaine_mediateurs(profil: str) -> str:
    return f"ateliers.{scale.domaine(profil)}"


def mediateurs_du_profil(profil: str | None = None):
    if profil:
        return User.objects.filter(email__endswith=f"@{domaine_mediateurs(profil)}")
    return User.objects.filter(email__contains=f"@ateliers.{scale.PREFIXE}", email__endswith=".example")


def seances_du_profil(profil: str | None = None):
    return Seance.objects.filter(lieu__in=scale.lieux_du_profil(profil))


def inscriptions_du_profil(profil: str | None = None):
    return Inscription.objects.filter(seance__in=seances_du_profil(profil))


def inscriptions_par_defaut(beneficiaires: int) -> int:
    return round(beneficiaires * INSCRIPTIONS_PAR_PERSONNE)


@dataclass
class BilanAteliers:
    profil: str
    inscriptions: int = 0
    seances: int = 0
    ateliers: int = 0
    lieux: int = 0
    mediateurs: int = 0
    accueils: int = 0
    supprimees: int = 0
    deja_en_place: bool = False
    secondes: float = 0.0


def purger_ateliers(profil: str | None = None) -> int:
    """Delete the profile's (or every profile's) workshops, sessions, registrations, the Accueil
    rows of its places and people, and its mediators. Returns how many registrations went."""
    alias = connection.alias
    lieux = scale.lieux_du_profil(profil)
    personnes = scale.beneficiaires_du_profil(profil)
    mediateurs = mediateurs_du_profil(profil)
    accueils = Accueil.objects.filter(Q(lieu__in=lieux) | Q(beneficiaire__in=personnes))
    if not mediateurs.exists() and not accueils.exists():  # nothing built (every build has mediators)
        return 0
    with transaction.atomic():
        seances = Seance.objects.filter(lieu__in=lieux)
        inscriptions = Inscription.objects.filter(Q(seance__in=seances) | Q(beneficiaire__in=personnes))
        nombre = inscriptions.count()
        if nombre:
            PresenceCheque.objects.filter(inscription__in=inscriptions)._raw_delete(alias)
            inscriptions._raw_delete(alias)
        FeuilleEmargement.objects.filter(seance__in=seances)._raw_delete(alias)
        Seance.mediateurs.through.objects.filter(Q(seance__in=seances) | Q(user__in=mediateurs))._raw_delete(alias)
        seances._raw_delete(alias)
        Atelier.objects.filter(lieu__in=lieux)._raw_delete(alias)
        accueils._raw_delete(alias)
        Membership.objects.filter(user__in=mediateurs)._raw_delete(alias)
        mediateurs._raw_delete(alias)
    return nombre


@dataclass
class _Contexte:
    profil: str
    hasard: random.Random
    maintenant: datetime.datetime
    bilan: BilanAteliers
    prochain_atelier: int
    prochaine_seance: int
    numero_mediateur: int = 0
    tables: dict = field(default_factory=dict)

    def table(self, modele, **options) -> Table:
        if modele not in self.tables:
            self.tables[modele] = Table(modele, **options)
        return self.tables[modele]


def construire_ateliers(profil: str, *, nombre: int | None = None, graine: int = 2026) -> BilanAteliers:
    """Build the profile's workshops and `nombre` registrations (default: 2.5 per person of
    the profile), or do nothing if exactly that many are there."""
    debut = time.perf_counter()
    bilan = BilanAteliers(profil=profil)
    if nombre is None:
        nombre = inscriptions_par_defaut(scale.beneficiaires_du_profil(profil).count())
    if inscriptions_du_profil(profil).count() == nombre and (nombre or not seances_du_profil(profil).exists()):
        bilan.deja_en_place = True
        bilan.secondes = time.perf_counter() - debut
        return bilan
    with transaction.atomic():
        bilan.supprimees = purger_ateliers(profil)
        ctx = _Contexte(
            profil=profil,
            hasard=random.Random(f"{graine}-{profil}-ateliers-{nombre}"),  # noqa: S311 - fixtures, not secrets
            maintenant=timezone.now(),
            bilan=bilan,
            prochain_atelier=prochain_id(Atelier),
            prochaine_seance=prochain_id(Seance),
        )
        par_departement = _personnes_par_departement(profil) if nombre else {}
        codes = sorted(par_departement)
        parts = scale._repartir(nombre, [len(par_departement[c]) for c in codes]) if codes else []
        for code, part in zip(codes, parts, strict=True):
            if part:
                _departement(ctx, code, par_departement[code], part)
        if ctx.tables:
            ctx.table(Atelier, avec_pk=True).recaler_sequence()
            ctx.table(Seance, avec_pk=True).recaler_sequence()
    if connection.vendor == "postgresql" and nombre:
        with connection.cursor() as curseur:
            for modele in (Inscription, Seance, Atelier, Accueil, Seance.mediateurs.through):
                curseur.execute(f"ANALYZE {connection.ops.quote_name(modele._meta.db_table)}")
    bilan.secondes = time.perf_counter() - debut
    return bilan


def _personnes_par_departement(profil: str) -> dict[int, list[tuple]]:
    """Live people of the profile (pk, creation date), by département — only départements that
    have open places of the profile."""
    avec_lieux = set(scale.lieux_du_profil(profil).actifs().values_list("departement_id", flat=True).distinct())
    par_departement: dict[int, list[tuple]] = {}
    lignes = (
        scale.beneficiaires_du_profil(profil)
        .filter(anonymise_le__isnull=True, fusionne_dans__isnull=True, departement_id__in=avec_lieux)
        .order_by("pk")
        .values_list("departement_id", "pk", "cree_le")
        .iterator(chunk_size=20_000)
    )
    for departement_id, pk, cree_le in lignes:
        par_departement.setdefault(departement_id, []).append((cree_le, pk))
    return par_departement


def _departement(ctx: _Contexte, departement_id: int, personnes: list[tuple], quota: int) -> None:
    """The workshops of one département's places, with `quota` registrations of its people."""
    hasard = ctx.hasard
    lieux = list(
        scale.lieux_du_profil(ctx.profil).actifs().filter(departement_id=departement_id).order_by("pk")
        .values_list("pk", flat=True)
    )  # fmt: skip
    # A third of the places, fewer when the quota is small (at least ~50 registrations each).
    organisateurs = hasard.sample(lieux, max(1, min(round(len(lieux) * PART_LIEUX_AVEC_ATELIERS), quota // 50)))
    quotas = scale._repartir(quota, [hasard.uniform(0.3, 1.7) for _ in organisateurs])
    orientes: dict[int, set] = {}
    for lieu_id, beneficiaire_id in Orientation.objects.filter(
        lieu_id__in=organisateurs, beneficiaire__anonymise_le__isnull=True
    ).values_list("lieu_id", "beneficiaire_id"):
        orientes.setdefault(lieu_id, set()).add(beneficiaire_id)
    creation = {pk: cree_le for cree_le, pk in personnes}

    # Mediators first (their ids are needed by every row): users, then memberships.
    equipes = []
    for q in quotas:
        nombre = 1 if q < 300 else (2 if q < 1500 else 3)
        equipe = []
        for _ in range(nombre if q else 0):
            ctx.numero_mediateur += 1
            equipe.append(
                User(
                    email=f"mediateur-{ctx.numero_mediateur:05d}@{domaine_mediateurs(ctx.profil)}",
                    first_name=hasard.choice(["Camille", "Dominique", "Sacha", "Claude", "Alix", "Morgan"]),
                    last_name=scale.NOMS(hasard),
                    password="!" + f"{hasard.getrandbits(160):040x}",  # unusable
                    date_joined=ctx.maintenant - datetime.timedelta(days=500),
                )
            )
        equipes.append(equipe)
    User.objects.bulk_create([u for e in equipes for u in e], batch_size=LOT)
    Membership.objects.bulk_create(
        [
            Membership(user=u, organisation_id=lieu_id, role=Role.MEDIATEUR, created_at=u.date_joined)
            for lieu_id, equipe in zip(organisateurs, equipes, strict=True)
            for u in equipe
        ],
        batch_size=LOT,
    )
    ctx.bilan.mediateurs += sum(len(e) for e in equipes)

    ateliers, seances, animateurs, accueils, inscriptions = [], [], [], [], []
    for lieu_id, q, equipe in zip(organisateurs, quotas, equipes, strict=True):
        if not q:
            continue
        ctx.bilan.lieux += 1
        mediateurs = [u.pk for u in equipe]
        # The place's people: those oriented to it, then others of the département (met at the door).
        deja = orientes.get(lieu_id, set())
        taille_groupe = min(len(personnes), max(min(30, q), q // 5))  # each comes ~5 times
        autres = [pk for _, pk in hasard.sample(personnes, min(len(personnes), taille_groupe))]
        groupe = sorted(set(sorted(deja)[:taille_groupe]) | set(autres[: max(0, taille_groupe - len(deja))]))
        groupe = [pk for pk in groupe if pk in creation]
        for pk in groupe:
            if pk not in deja:
                accueils.append(
                    {"beneficiaire_id": pk, "lieu_id": lieu_id, "origine": Accueil.Origine.RATTACHEMENT.value,
                     "cree_le": creation[pk], "cree_par_id": hasard.choice(mediateurs)}
                )  # fmt: skip
        groupe.sort(key=creation.__getitem__)  # by record date: the people a session may have are a prefix
        dates = [creation[pk] for pk in groupe]
        lieu_ateliers = [_atelier(ctx, lieu_id, mediateurs, premier=k == 0) for k in range(1 + min(5, q // 150))]
        ateliers.extend(lieu_ateliers)
        plan = _dates(ctx, lieu_ateliers, q)
        reste = q
        for atelier, debut, serie in plan:
            if not reste:  # quota reached: the later sessions only if still to come, nobody registered yet
                if debut > ctx.maintenant:
                    seances.append(_seance(ctx, atelier, debut, serie, mediateurs, animateurs))
                continue
            if atelier["format"] == Format.INDIVIDUEL:
                taille = 1
            else:
                taille = min(hasard.randint(TAILLE_MIN, TAILLE_MAX), atelier["capacite"])
            # Only people recorded at least a day before the session.
            possibles = bisect.bisect_left(dates, debut - datetime.timedelta(days=1))
            choisis = hasard.sample(groupe[:possibles], min(taille, possibles, reste))
            seance = _seance(ctx, atelier, debut, serie, mediateurs, animateurs)
            seances.append(seance)
            reste -= len(choisis)
            inscriptions.extend(_inscriptions(ctx, seance, choisis, deja, creation))
        if reste:  # the early sessions had too few people on record: more sessions in the last weeks
            for atelier in _boucle(lieu_ateliers):
                debut = _debut(ctx, ctx.maintenant + datetime.timedelta(days=hasard.randint(-28, -1)))
                possibles = bisect.bisect_left(dates, debut - datetime.timedelta(days=1))
                if not possibles:  # nobody on record that early: a session to come (everyone may register)
                    debut = _debut(ctx, ctx.maintenant + datetime.timedelta(days=hasard.randint(2, JOURS_A_VENIR)))
                    possibles = len(groupe)
                seance = _seance(ctx, atelier, debut, None, mediateurs, animateurs)
                seances.append(seance)
                taille = 1 if atelier["format"] == Format.INDIVIDUEL else hasard.randint(TAILLE_MIN, TAILLE_MAX)
                choisis = hasard.sample(groupe[:possibles], min(taille, atelier["capacite"], possibles, reste))
                reste -= len(choisis)
                inscriptions.extend(_inscriptions(ctx, seance, choisis, deja, creation))
                if not reste:
                    break
    ctx.table(Atelier, avec_pk=True).inserer(ateliers)
    ctx.table(Seance, avec_pk=True).inserer(seances)
    ctx.table(Seance.mediateurs.through).inserer(animateurs)
    ctx.table(Accueil).inserer(accueils)
    ctx.table(Inscription).inserer(inscriptions)
    ctx.bilan.ateliers += len(ateliers)
    ctx.bilan.seances += len(seances)
    ctx.bilan.accueils += len(accueils)
    ctx.bilan.inscriptions += len(inscriptions)


def _boucle(elements):
    while True:
        yield from elements


def _atelier(ctx: _Contexte, lieu_id: int, mediateurs: list[int], *, premier: bool) -> dict:
    """A workshop of the place (its first one collective; later ones individual one time in four)."""
    hasard = ctx.hasard
    themes = hasard.sample(list(Theme), hasard.choice([1, 1, 2, 2, 3]))
    individuel = not premier and hasard.random() < 0.25
    pk = ctx.prochain_atelier
    ctx.prochain_atelier += 1
    return {
        "id": pk,
        "lieu_id": lieu_id,
        "titre": TITRES[themes[0]] + ("" if hasard.random() < 0.6 else f" — niveau {hasard.randint(1, 3)}"),
        "themes": sorted(t.value for t in themes),
        "niveau": NIVEAUX(hasard).value,
        "format": (Format.INDIVIDUEL if individuel else Format.COLLECTIF).value,
        "duree_minutes": 60 if individuel else DUREES(hasard),
        "capacite": 1 if individuel else hasard.randint(10, TAILLE_MAX),
        "accepte_pass": hasard.random() < 0.35,
        "cheques_par_seance": 1,
        "description": "",
        "cree_le": ctx.maintenant - datetime.timedelta(days=JOURS_PASSES + hasard.randint(1, 60)),
        "cree_par_id": hasard.choice(mediateurs),
        "archive_le": None,
    }


def _debut(ctx: _Contexte, jour: datetime.datetime, heure: tuple[int, int] | None = None) -> datetime.datetime:
    heure = heure or HEURES(ctx.hasard)
    local = timezone.localtime(jour).replace(hour=heure[0], minute=heure[1], second=0, microsecond=0)
    return timezone.make_aware(local.replace(tzinfo=None))


def _dates(ctx: _Contexte, ateliers: list[dict], quota: int) -> list[tuple]:
    """(atelier, start, series UUID or None) in time order, about enough sessions for `quota`:
    each workshop at its own hour, regularly over the last year and the coming weeks; runs of
    5 to 10 sessions share a series UUID half the time."""
    hasard = ctx.hasard
    moyenne = {Format.INDIVIDUEL: 1, Format.COLLECTIF: (TAILLE_MIN + TAILLE_MAX) / 2 * 0.9}
    # Individual accompaniments take a small share of the registrations (one person a session).
    poids = [hasard.uniform(0.5, 1.5) * (0.1 if a["format"] == Format.INDIVIDUEL else 1) for a in ateliers]
    parts = scale._repartir(quota, poids)
    plan = []
    debut_periode = ctx.maintenant - datetime.timedelta(days=JOURS_PASSES)
    for atelier, part in zip(ateliers, parts, strict=True):
        nombre = max(1, math.ceil(part / moyenne[atelier["format"]]))
        pas = (JOURS_PASSES + JOURS_A_VENIR) / nombre
        heure = HEURES(hasard)
        decalage = hasard.uniform(0, pas)
        serie, restant = None, 0
        for k in range(nombre):
            if restant == 0:
                restant = hasard.randint(5, 10)
                serie = uuid.UUID(int=hasard.getrandbits(128), version=4) if hasard.random() < 0.5 else None
            restant -= 1
            jour = debut_periode + datetime.timedelta(days=decalage + k * pas)
            plan.append((atelier, _debut(ctx, jour, heure), serie))
    plan.sort(key=lambda element: element[1])
    return plan


def _seance(ctx: _Contexte, atelier: dict, debut, serie, mediateurs: list[int], animateurs: list) -> dict:
    hasard = ctx.hasard
    pk = ctx.prochaine_seance
    ctx.prochaine_seance += 1
    passee = debut < ctx.maintenant
    annulee = hasard.random() < 0.03
    equipe = hasard.sample(mediateurs, 2 if len(mediateurs) > 1 and hasard.random() < 0.15 else 1)
    animateurs.extend({"seance_id": pk, "user_id": user_id} for user_id in equipe)
    return {
        "id": pk,
        "atelier_id": atelier["id"],
        "lieu_id": atelier["lieu_id"],
        "debut": debut,
        "duree_minutes": atelier["duree_minutes"],
        "capacite": atelier["capacite"],
        "itinerante": False,
        "commune_id": None,
        "adresse": "",
        "serie": serie,
        "participants_anonymes": hasard.randint(1, 4) if passee and not annulee and hasard.random() < 0.3 else 0,
        "verrouillee_le": None,
        "annulee_le": min(debut, ctx.maintenant) - datetime.timedelta(days=2) if annulee else None,
        "motif_annulation": hasard.choice(MOTIFS_ANNULATION) if annulee else "",
        "cree_le": min(debut, ctx.maintenant) - datetime.timedelta(days=hasard.randint(15, 60)),
        "cree_par_id": equipe[0],
        # Not columns: what the registrations need.
        "_mediateur": equipe[0],
        "_pointee": passee and not annulee and hasard.random() < 0.92,
    }


def _inscriptions(ctx: _Contexte, seance: dict, choisis: list[int], orientes: set, creation: dict) -> list[dict]:
    hasard = ctx.hasard
    lignes = []
    debut = seance["debut"]
    oriente, accueil = Inscription.Origine.ORIENTATION.value, Inscription.Origine.ACCUEIL.value
    for pk in choisis:
        statut = STATUTS(hasard).value
        presence = PRESENCES(hasard).value if seance["_pointee"] and statut == Inscription.Statut.INSCRIT else ""
        cree_le = max(debut - datetime.timedelta(days=hasard.randint(1, 21)), creation[pk])
        lignes.append(
            {
                "seance_id": seance["id"],
                "beneficiaire_id": pk,
                "statut": statut,
                "origine": oriente if pk in orientes else accueil,
                "presence": presence,
                "marquee_le": debut + datetime.timedelta(minutes=hasard.randint(0, 20)) if presence else None,
                "marquee_par_id": seance["_mediateur"] if presence else None,
                "cree_le": min(cree_le, ctx.maintenant),
                "cree_par_id": seance["_mediateur"],
            }
        )
    return lignes


def message(bilan: BilanAteliers) -> str:
    def n(nombre: int) -> str:
        return f"{nombre:,}".replace(",", "\u202f")

    if bilan.deja_en_place:
        return f"Ateliers du profil « {bilan.profil} » déjà en place : rien à faire."
    remplaces = f", {n(bilan.supprimees)} remplacée(s)" if bilan.supprimees else ""
    return (
        f"Profil « {bilan.profil} » : {n(bilan.inscriptions)} inscriptions à {n(bilan.seances)} séances de "
        f"{n(bilan.ateliers)} ateliers dans {n(bilan.lieux)} lieux ({n(bilan.mediateurs)} médiateurs, "
        f"{n(bilan.accueils)} accueils) créées{remplaces} en {bilan.secondes:.1f} s."
    )
