"""Issue 6, bullet 9: the roll-call of a 20-person session and the place's agenda, with 1 million
attendance rows in the instance.

Targets (issue 6): the roll-call page (`ateliers:emargement`) of a 20-person session answers in
**under 150 ms** (median), and it and the place's agenda (`ateliers:agenda`) run a **constant
number of SQL queries** (the same for the smallest session, for a week of one session).

What it does: a throwaway database (a temporary SQLite file, or — with DATABASE_URL set — a
`test_…` database next to it), the communes reference, then `seed_scale --profil national`:
18,000 places, 400,000 people (demo/scale.py), then the workshops: 1,000,000 registrations
(`Inscription`) over about 100,000 sessions of a third of the places, presences mostly marked
(demo/scale_ateliers.py); everything is dropped at the end.

The worst case is measured: the place with the most registrations, and its most recent session
already started (past or today, not cancelled) with exactly 20 registered people; logged in as
that session's mediator (through Django's test Client in this process: every middleware, the
session, the view, the template), after 3 warm-up requests, 30 timed requests; median and p95.
The SQL queries of each page are counted and compared with those of the same place's smallest
session (at least one person), and, for the agenda, with a week of one session. Pages:
- the roll-call of the 20-person session (target < 150 ms, constant queries);
- the place's agenda, its busiest week (all sessions, then the mediator's « mes séances »), and
  the current week; the agenda of the place with the most sessions in one week of the instance
  (constant queries; times for information).

Floor, same process: the page's data queries run raw through a cursor (for the roll-call, the two
queries of `ateliers.selectors.emargement.feuille_d_appel`; for the agenda, the two of
`ateliers.selectors.agenda.seances_de_la_semaine`); the ratio is the cost of everything else
(session, membership, template). `/sante/` (middlewares + `SELECT 1`) is printed for reference.

`BENCH_PERSONNES=N` builds N people instead of 400,000 and `BENCH_INSCRIPTIONS=M` M registrations
instead of 2.5 per person (e.g. `BENCH_PERSONNES=40000 BENCH_INSCRIPTIONS=1000000` keeps the
million rows with a shorter build); `BENCH_EXPLAIN=1` prints the plans of the data queries on
PostgreSQL.

Run: `make bench BENCH=bench/emargement.py` (SQLite), or with DATABASE_URL pointing at a throwaway
PostgreSQL (see docs/performance.md). Exit status 1 if a target is missed.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mesure import Ligne, base_jetable, machine, mediane, preparer_django, tableau
from beneficiaires_liste import connecter

OBJECTIF_MS = 150
ECHAUFFEMENT = 3
REPETITIONS = 30
TAILLE = 20


def chronometrer(fonction) -> list[float]:
    """Wall times of `fonction()` in ms, REPETITIONS times after ECHAUFFEMENT untimed calls."""
    for _ in range(ECHAUFFEMENT):
        fonction()
    durees = []
    for _ in range(REPETITIONS):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    return durees


def p95(durees: list[float]) -> float:
    return statistics.quantiles(durees, n=20, method="inclusive")[18]


def construire_donnees() -> str:
    from django.core.management import call_command

    from demo import scale, scale_ateliers

    personnes = int(os.environ.get("BENCH_PERSONNES", scale.PROFILS["national"].beneficiaires))
    inscriptions = int(os.environ.get("BENCH_INSCRIPTIONS", scale_ateliers.inscriptions_par_defaut(personnes)))
    debut = time.perf_counter()
    call_command("charger_territoires", verbosity=0, stdout=io.StringIO())
    territoires = time.perf_counter() - debut
    lieux = scale.construire("national")
    gens = scale.construire_beneficiaires("national", nombre=personnes)
    ateliers = scale_ateliers.construire_ateliers("national", nombre=inscriptions)
    return (
        f"Données : référentiel des communes en {territoires:.1f} s ; {lieux.crees} lieux en {lieux.secondes:.1f} s ; "
        f"{gens.beneficiaires} personnes, {gens.suivis} suivis, {gens.orientations} orientations en "
        f"{gens.secondes:.1f} s ; {ateliers.inscriptions} inscriptions, {ateliers.seances} séances, "
        f"{ateliers.ateliers} ateliers dans {ateliers.lieux} lieux, {ateliers.mediateurs} médiateurs, "
        f"{ateliers.accueils} accueils en {ateliers.secondes:.1f} s."
    )


def cas_mesure():
    """(the 20-person session, the place's smallest started session, the mediator's membership)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from ateliers.models import Inscription, Seance
    from comptes.models import Membership

    inscrits = Count("inscriptions", filter=Q(inscriptions__statut=Inscription.Statut.INSCRIT))
    demarrees = Seance.objects.filter(annulee_le=None, debut__lte=timezone.now())
    par_lieu = (
        Inscription.objects.values("seance__lieu").annotate(n=Count("pk")).order_by("-n").values_list("seance__lieu")
    )
    for (lieu_id,) in par_lieu[:50]:  # the busiest place that has a session of exactly 20
        seance = demarrees.filter(lieu_id=lieu_id).annotate(n=inscrits).filter(n=TAILLE).order_by("-debut").first()
        if seance is not None:
            break
    else:
        raise SystemExit(f"Aucune séance de {TAILLE} inscrit·es parmi les 50 lieux les plus actifs.")
    petite = (
        demarrees.filter(lieu_id=seance.lieu_id).annotate(n=inscrits).filter(n__gte=1).order_by("n", "-debut").first()
    )
    mediateur = seance.mediateurs.order_by("pk").first()
    membership = Membership.objects.get(user=mediateur, organisation_id=seance.lieu_id)
    return seance, petite, membership


def semaines(lieu_id: int, mediateur_id: int | None = None) -> tuple[tuple, tuple]:
    """(Monday, number of sessions) of the place's busiest week and of a week with the fewest
    (at least one); with `mediateur_id`, that mediator's sessions only."""
    from collections import Counter

    from django.utils import timezone

    from ateliers.models import Seance
    from ateliers.selectors.agenda import lundi_de

    seances = Seance.objects.filter(lieu_id=lieu_id)
    if mediateur_id is not None:
        seances = seances.filter(mediateurs__pk=mediateur_id)
    debuts = seances.values_list("debut", flat=True)
    par_semaine = Counter(lundi_de(timezone.localtime(debut).date()) for debut in debuts)
    classees = sorted(par_semaine.items(), key=lambda couple: (couple[1], couple[0]))
    return classees[-1], classees[0]


def lieu_le_plus_charge():
    """(place id, Monday of its busiest week, sessions that week, Monday of a week with one
    session) of the place that has the most sessions in one week in the whole instance."""
    from collections import Counter

    from django.utils import timezone

    from ateliers.models import Seance
    from ateliers.selectors.agenda import lundi_de

    par_semaine = Counter(
        (lieu_id, lundi_de(timezone.localtime(debut).date()))
        for lieu_id, debut in Seance.objects.values_list("lieu_id", "debut").iterator(chunk_size=20_000)
    )
    (lieu_id, lundi), nombre = par_semaine.most_common(1)[0]
    une = min((n, cle[1]) for cle, n in par_semaine.items() if cle[0] == lieu_id)[1]
    return lieu_id, lundi, nombre, une


def capturer(fonction) -> list[str]:
    """The SQL that `fonction()` runs, parameters inlined (replayed raw as the floor)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as capture:
        fonction()
    return [q["sql"] for q in capture.captured_queries]


def rejouer(curseur, requetes: list[str]) -> None:
    for sql in requetes:
        curseur.execute(sql)
        curseur.fetchall()


def main() -> int:
    preparer_django(STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from ateliers.models import Inscription, Seance
    from ateliers.selectors.agenda import lundi_de, seances_de_la_semaine
    from ateliers.selectors.emargement import feuille_d_appel
    from comptes.models import Membership

    with base_jetable():
        print(construire_donnees())
        seance, petite, membership = cas_mesure()
        lieu = seance.lieu
        client = connecter(membership)
        du_lieu = Inscription.objects.filter(seance__lieu=lieu).count()
        seances_du_lieu = Seance.objects.filter(lieu=lieu).count()
        print(
            f"Cas mesuré : « {lieu.nom} » ({lieu.departement.code}), {du_lieu} inscriptions, {seances_du_lieu} "
            f"séances ; séance n° {seance.pk} du "
            f"{timezone.localtime(seance.debut):%d/%m/%Y %H:%M} « {seance.atelier.titre} », "
            f"{seance.inscriptions.count()} inscriptions dont {TAILLE} inscrit·es ; plus petite séance : "
            f"{petite.inscriptions.filter(statut='inscrit').count()} inscrit·e(s) ; {Inscription.objects.count()} "
            f"inscriptions dans l’instance."
        )

        def page(url, params=None, par=client):
            def get():
                reponse = par.get(url, params or {})
                assert reponse.status_code == 200, (url, reponse.status_code, reponse.get("Location"))
                return reponse

            return get

        def compter(get) -> tuple[int, str]:
            with CaptureQueriesContext(connection) as capture:
                reponse = get()
            return len(capture), reponse.content.decode()

        emargement = reverse("ateliers:emargement", args=[seance.pk])
        agenda = reverse("ateliers:agenda")
        moi = membership.user_id
        # The busiest week of the place (and of the mediator), against a week with one session.
        pleine, une = semaines(lieu.pk)
        pleine_moi, une_moi = semaines(lieu.pk, moi)
        print(
            f"Agenda : semaine du {pleine[0]:%d/%m/%Y} ({pleine[1]} séance(s)) contre celle du {une[0]:%d/%m/%Y} "
            f"({une[1]}) ; « mes séances » : {pleine_moi[1]} séance(s) contre {une_moi[1]}."
        )

        def semaine(lundi, mediateur=None):
            return {"semaine": lundi.isoformat(), **({"mediateur": mediateur} if mediateur else {})}

        # And the agenda of the place with the most sessions in one week (another place, often).
        autre_id, autre_lundi, autre_nombre, autre_une = lieu_le_plus_charge()
        autre_client = connecter(Membership.objects.filter(organisation_id=autre_id, role="mediateur").first())
        print(f"Agenda le plus chargé de l’instance : lieu n° {autre_id}, {autre_nombre} séances la semaine du "
              f"{autre_lundi:%d/%m/%Y}.")  # fmt: skip

        scenarios = [
            # (label, request, reference request for the query count, target?, floor)
            (f"Émargement, séance de {TAILLE} inscrit·es", page(emargement),
             page(reverse("ateliers:emargement", args=[petite.pk])), True,
             capturer(lambda: feuille_d_appel(seance))),
            (f"Agenda du lieu, semaine la plus chargée ({pleine[1]} séance(s))", page(agenda, semaine(pleine[0])),
             page(agenda, semaine(une[0])), False,
             capturer(lambda: seances_de_la_semaine(lieu_id=lieu.pk, lundi=pleine[0]))),
            (f"Agenda, « mes séances » ({pleine_moi[1]} séance(s))", page(agenda, semaine(pleine_moi[0], moi)),
             page(agenda, semaine(une_moi[0], moi)), False,
             capturer(lambda: seances_de_la_semaine(lieu_id=lieu.pk, lundi=pleine_moi[0], mediateur_id=moi))),
            ("Agenda du lieu, semaine en cours", page(agenda), page(agenda, semaine(une[0])), False,
             capturer(lambda: seances_de_la_semaine(lieu_id=lieu.pk, lundi=lundi_de(timezone.localdate())))),
            (f"Agenda le plus chargé de l’instance ({autre_nombre} séances)",
             page(agenda, semaine(autre_lundi), autre_client), page(agenda, semaine(autre_une), autre_client), False,
             capturer(lambda: seances_de_la_semaine(lieu_id=autre_id, lundi=autre_lundi))),
        ]  # fmt: skip
        html = page(emargement)().content.decode()
        absents = [i for i in seance.inscriptions.filter(statut="inscrit") if f'id="personne-{i.pk}"' not in html]
        assert not absents, f"{len(absents)} inscrit·es absent·es de la page d’émargement"

        charge_avant = os.getloadavg()[0]
        sante = mediane(lambda: client.get("/sante/"), repetitions=REPETITIONS)
        lignes, details = [], []
        with connection.cursor() as curseur:
            for libelle, get, reference, cible, sql in scenarios:
                nb, _ = compter(get)
                nb_reference, _ = compter(reference)
                durees = chronometrer(get)
                plancher = mediane(lambda sql=sql: rejouer(curseur, sql), repetitions=REPETITIONS)
                constant = nb <= nb_reference  # an empty list may skip a prefetch
                duree = statistics.median(durees)
                tenu = constant and (duree < OBJECTIF_MS if cible else True)
                lignes.append(
                    Ligne(
                        f"{libelle} ({nb} requêtes SQL, référence {nb_reference} ; p95 {p95(durees):.0f} ms)",
                        f"< {OBJECTIF_MS} ms, requêtes constantes" if cible else "requêtes constantes",
                        duree,
                        plancher=plancher,
                        tenu=tenu,
                    )
                )
                details.append(
                    f"  {libelle} : médiane {duree:.1f} ms, p95 {p95(durees):.1f} ms, min {min(durees):.1f}, "
                    f"max {max(durees):.1f} ; {nb} requêtes (référence : {nb_reference}) ; SQL brut {plancher:.2f} ms"
                )
                if connection.vendor == "postgresql" and (os.environ.get("BENCH_EXPLAIN") == "1" or not tenu):
                    for requete in sql:
                        curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {requete}")
                        print(f"\n--- EXPLAIN ANALYZE ({libelle})\n" + "\n".join(r[0] for r in curseur.fetchall()))
        charge_apres = os.getloadavg()[0]
        print("\n".join(details))
        print()
        print(f"Machine : {machine()}")
        print(
            f"Charge de la machine (load average sur 1 min, {os.cpu_count()} cœurs) : {charge_avant:.1f} au début des "
            f"mesures, {charge_apres:.1f} à la fin : au-delà du nombre de cœurs, les durées absolues sont pessimistes."
        )
        print(f"/sante/ (vue minimale + SELECT 1) : {sante:.2f} ms. {ECHAUFFEMENT} requêtes d’échauffement, "
              f"{REPETITIONS} mesurées.")  # fmt: skip
        print()
        print(tableau(lignes))
    return 0 if all(ligne.tenu is not False for ligne in lignes) else 1


if __name__ == "__main__":
    sys.exit(main())
