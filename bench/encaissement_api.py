"""Issue 5, bullet 12: the redemption API under load, with 1 million cheques in PostgreSQL.

Target (issue 5): `POST /api/v1/cheques/{code}/encaissement` under 20 concurrent clients on
gunicorn + PostgreSQL with 1,000,000 cheques in the database: p95 latency and throughput recorded,
next to the same load on a minimal authenticated view (the floor); **throughput at least half the
floor's**.

What it does:
- a throwaway `test_…` database next to DATABASE_URL's (PostgreSQL only: on SQLite the script
  says so and exits 0, concurrent writers on SQLite measure nothing useful), migrated;
- data in bulk: one dispositif of Creuse, a qualified place and its API token, 100,000 booklets of
  10 cheques (INSERT … SELECT generate_series) and their 1,000,000 cheques (codes drawn in Python,
  loaded with COPY): 2,000 booklets handed out to 2,000 people (20,000 cheques « remis »), 8,000
  in a prescriber's stock, the rest in the département's stock; then ANALYZE;
- gunicorn (sync workers, 2 × cores + 1) on 127.0.0.1 with the production settings plus a bench
  URLconf that adds the floor, and the rate limit raised out of the way (it is still counted);
- 20 client threads (http.client, one connection per request: sync workers do not keep alive),
  each posting redemptions of its own distinct handed-out codes, with the place's token and an
  Idempotency-Key; every answer must be 201;
- the floor, same clients and token: `POST /bench/plancher`, a minimal view behind the same
  middlewares that authenticates the Bearer token (the same SHA-256 lookup) and answers a small
  JSON — everything but the redemption itself;
- 3 runs of each, alternated, after a warm-up; the median run is reported (throughput = requests
  / wall time of the run; p50 and p95 of the per-request latency seen by the clients).

Run: `DATABASE_URL=postgres://… make bench BENCH=bench/encaissement_api.py` (see
docs/performance.md). Exit status 1 if the throughput is under half the floor's.
"""

import http.client
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mesure import RACINE, base_jetable, machine, preparer_django

CLIENTS = 20
REQUETES_PAR_CLIENT = 150
PASSAGES = 3
ECHAUFFEMENT = 100
NB_CARNETS = 100_000
TAILLE = 10
CARNETS_REMIS = 2_000
CARNETS_DOTES = 8_000
OBJECTIF = 0.5  # throughput ≥ half the floor's


# --- data ---------------------------------------------------------------------------------


def creer_donnees():
    """The dispositif, the place and its token, 1,000,000 cheques. Returns (token, codes remis)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from beneficiaires.models import Beneficiaire
    from beneficiaires.tests.factories import BeneficiaireFactory
    from comptes.models import Role
    from comptes.tests.factories import OrganismePrescripteurFactory, make_member
    from pass_numerique import codes
    from pass_numerique.models import Carnet, Cheque
    from pass_numerique.services import jetons
    from pass_numerique.tests.factories import DispositifFactory, lieu_qualifie

    call_command("charger_territoires", verbosity=0, stdout=io.StringIO())
    dispositif = DispositifFactory(nom="Pass numérique 2026 — bench")
    lieu = lieu_qualifie(dispositif, nom="Tiers-lieu du bench")
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement)
    _jeton, clair = jetons.creer_jeton(
        par=make_member(Role.RESPONSABLE, organisation=lieu), lieu=lieu, nom="Caisse du bench"
    )

    # 2,000 people (one per handed-out booklet: redemptions touch different rows).
    modele = BeneficiaireFactory(organisme=organisme)
    champs = [
        f.attname
        for f in Beneficiaire._meta.concrete_fields
        if f.attname not in ("id", "pseudonyme", "cle_doublon", "texte_recherche")
    ]
    personnes = Beneficiaire.objects.bulk_create(
        [
            Beneficiaire(
                **{c: getattr(modele, c) for c in champs},
                pseudonyme=f"B-BENCH{i:05d}",
                cle_doublon="",
                texte_recherche=f"bench {i}",
            )
            for i in range(CARNETS_REMIS - 1)
        ],
        batch_size=1000,
    )
    ids_personnes = [modele.pk] + [p.pk for p in personnes]

    maintenant = timezone.now()
    carnet, cheque = Carnet._meta.db_table, Cheque._meta.db_table
    with connection.cursor() as curseur:
        curseur.execute(
            f"""
            INSERT INTO {carnet} (dispositif_id, departement_id, numero, taille, statut, lot, genere_le,
                                  organisme_id, dote_le, beneficiaire_id, remis_le, remis_par_id)
            SELECT %(d)s, %(dep)s, n, %(taille)s,
                   CASE WHEN n <= %(remis)s THEN 'remis' WHEN n <= %(dotes)s THEN 'dote' ELSE 'genere' END,
                   'bench', %(t)s,
                   CASE WHEN n <= %(dotes)s THEN %(org)s END,
                   CASE WHEN n <= %(dotes)s THEN %(t)s::timestamptz END,
                   (%(personnes)s::bigint[])[n], CASE WHEN n <= %(remis)s THEN %(t)s::timestamptz END, NULL
            FROM generate_series(1, %(n)s) AS n
            """,  # noqa: S608 - table names from the models
            {
                "d": dispositif.pk,
                "dep": dispositif.departement_id,
                "taille": TAILLE,
                "remis": CARNETS_REMIS,
                "dotes": CARNETS_REMIS + CARNETS_DOTES,
                "t": maintenant,
                "org": organisme.pk,
                "personnes": ids_personnes,
                "n": NB_CARNETS,
            },
        )
        curseur.execute(f"SELECT numero, id FROM {carnet} WHERE lot = 'bench'")  # noqa: S608
        id_carnet = dict(curseur.fetchall())

    hasard = random.Random(2026)  # noqa: S311 - test data
    tires: set[str] = set()
    remis: list[str] = []
    debut = time.perf_counter()
    brut = connection.connection  # the psycopg connection, for COPY
    with (
        brut.cursor() as curseur,
        curseur.copy(
            f"COPY {cheque} (carnet_id, dispositif_id, departement_id, code, numero_serie, rang, valeur, "
            "statut, modifie_le, motif_annulation) FROM STDIN"
        ) as copie,
    ):
        for numero in range(1, NB_CARNETS + 1):
            statut = (
                "remis" if numero <= CARNETS_REMIS else "dote" if numero <= CARNETS_REMIS + CARNETS_DOTES else "genere"
            )
            for rang in range(1, TAILLE + 1):
                while True:
                    debut_code = "".join(hasard.choices(codes.ALPHABET, k=9))
                    code = debut_code + codes.caractere_de_controle(debut_code)
                    if code not in tires:
                        tires.add(code)
                        break
                if statut == "remis":
                    remis.append(code)
                serie = (numero - 1) * TAILLE + rang
                copie.write_row(
                    (
                        id_carnet[numero],
                        dispositif.pk,
                        dispositif.departement_id,
                        code,
                        serie,
                        rang,
                        dispositif.valeur_faciale,
                        statut,
                        maintenant,
                        "",
                    )
                )
    with connection.cursor() as curseur:
        curseur.execute(f"ANALYZE {carnet}; ANALYZE {cheque}")
        curseur.execute(f"SELECT count(*), count(*) FILTER (WHERE statut = 'remis') FROM {cheque}")  # noqa: S608
        total, nb_remis = curseur.fetchone()
    print(f"Données : {total} chèques dont {nb_remis} remis (COPY en {time.perf_counter() - debut:.1f} s).")
    assert total == NB_CARNETS * TAILLE and nb_remis == len(remis)
    hasard.shuffle(remis)
    return clair, remis


# --- gunicorn -----------------------------------------------------------------------------

REGLAGES = '''
"""Bench settings: production settings, the floor's URL, the rate limit out of the way."""
from einclusion.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls_encaissement"
PASS_API_LIMITE_PAR_MINUTE = 10**9
'''

URLS = '''
"""The project's URLs plus the floor: a minimal view authenticated by the same API token."""
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from einclusion.urls import urlpatterns as projet
from pass_numerique.services import jetons


@login_not_required
@csrf_exempt
def plancher(request):
    jeton = jetons.authentifier(request.headers.get("Authorization", "").partition(" ")[2].strip())
    if jeton is None:
        return JsonResponse({"statut": "non_authentifie"}, status=401)
    return JsonResponse({"statut": "ok", "lieu": jeton.lieu_id})


urlpatterns = [path("bench/plancher", plancher), *projet]
'''


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def url_de_la_base(nom: str) -> str:
    parties = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parties._replace(path="/" + nom))


def demarrer_gunicorn(dossier: Path, nom_base: str, port: int, travailleurs: int, journal: Path):
    (dossier / "bench_reglages_encaissement.py").write_text(textwrap.dedent(REGLAGES))
    (dossier / "bench_urls_encaissement.py").write_text(textwrap.dedent(URLS))
    env = {
        **os.environ,
        "DATABASE_URL": url_de_la_base(nom_base),
        "DJANGO_SETTINGS_MODULE": "bench_reglages_encaissement",
        "PYTHONPATH": os.pathsep.join([str(dossier), str(RACINE)]),
    }
    commande = [
        sys.executable,
        "-m",
        "gunicorn",
        "einclusion.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(travailleurs),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "--error-logfile",
        str(journal),
    ]
    processus = subprocess.Popen(commande, env=env, cwd=RACINE, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
    limite = time.time() + 60
    while time.time() < limite:
        if processus.poll() is not None:
            raise RuntimeError(f"gunicorn s’est arrêté : voir {journal}")
        try:
            if requete(port, "GET", "/sante/")[0] == 200:
                return processus
        except OSError:
            pass
        time.sleep(0.3)
    processus.terminate()
    raise RuntimeError(f"gunicorn ne répond pas : voir {journal}")


def requete(port: int, methode: str, chemin: str, entetes: dict | None = None) -> tuple[int, float]:
    debut = time.perf_counter()
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connexion.request(methode, chemin, headers=entetes or {})
        reponse = connexion.getresponse()
        reponse.read()
        return reponse.status, (time.perf_counter() - debut) * 1000
    finally:
        connexion.close()


# --- load ---------------------------------------------------------------------------------


def charge(port: int, jeton: str, chemins: list[list[str]]) -> dict:
    """Every client posts its paths one after the other; all clients start together."""
    depart = threading.Barrier(len(chemins) + 1)
    durees: list[float] = []
    statuts: dict[int, int] = {}
    verrou = threading.Lock()

    def client(liste):
        locales, codes_http = [], {}
        depart.wait()
        for chemin in liste:
            entetes = {"Authorization": f"Bearer {jeton}", "Idempotency-Key": uuid.uuid4().hex, "Content-Length": "0"}
            statut, duree = requete(port, "POST", chemin, entetes)
            locales.append(duree)
            codes_http[statut] = codes_http.get(statut, 0) + 1
        with verrou:
            durees.extend(locales)
            for statut, nombre in codes_http.items():
                statuts[statut] = statuts.get(statut, 0) + nombre

    fils = [threading.Thread(target=client, args=(liste,)) for liste in chemins]
    for f in fils:
        f.start()
    depart.wait()
    debut = time.perf_counter()
    for f in fils:
        f.join()
    duree = time.perf_counter() - debut
    durees.sort()
    return {
        "debit": len(durees) / duree,
        "p50": statistics.median(durees),
        "p95": durees[int(0.95 * (len(durees) - 1))],
        "statuts": statuts,
        "n": len(durees),
    }


def par_client(chemins: list[str]) -> list[list[str]]:
    return [chemins[i::CLIENTS] for i in range(CLIENTS)]


def main() -> int:
    preparer_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        print(
            "bench/encaissement_api.py : il faut PostgreSQL (DATABASE_URL=postgres://…) — 20 écrivains "
            "concurrents sur SQLite ne mesurent rien d’utile. Ignoré."
        )
        return 0
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        print("bench/encaissement_api.py : gunicorn n’est pas installé (requirements.txt). Ignoré.")
        return 1

    travailleurs = 2 * (os.cpu_count() or 1) + 1
    with base_jetable() as nom_base, tempfile.TemporaryDirectory(prefix="einclusion-bench-api-") as dossier:
        debut = time.perf_counter()
        jeton, remis = creer_donnees()
        print(f"Préparation complète en {time.perf_counter() - debut:.0f} s.")
        connection.close()  # gunicorn's workers open their own
        port = port_libre()
        journal = Path(dossier) / "gunicorn.log"
        processus = demarrer_gunicorn(Path(dossier), nom_base, port, travailleurs, journal)
        try:
            besoin = ECHAUFFEMENT + PASSAGES * CLIENTS * REQUETES_PAR_CLIENT
            assert len(remis) >= besoin, (len(remis), besoin)
            chemins = [f"/api/v1/cheques/{code}/encaissement" for code in remis]
            plancher = ["/bench/plancher"] * (CLIENTS * REQUETES_PAR_CLIENT)
            # Warm-up: every worker imports, connects, fills its caches.
            charge(port, jeton, par_client(chemins[:ECHAUFFEMENT]))
            charge(port, jeton, par_client(["/bench/plancher"] * ECHAUFFEMENT))
            mesures, planchers = [], []
            suivant = ECHAUFFEMENT
            for _ in range(PASSAGES):
                lot = chemins[suivant : suivant + CLIENTS * REQUETES_PAR_CLIENT]
                suivant += len(lot)
                mesures.append(charge(port, jeton, par_client(lot)))
                planchers.append(charge(port, jeton, par_client(plancher)))
        finally:
            processus.terminate()
            processus.wait(timeout=30)
        erreurs = journal.read_text(errors="replace").strip()
        from pass_numerique.models import Encaissement

        nb_encaissements = Encaissement.objects.count()

    for m in mesures:
        assert m["statuts"] == {201: m["n"]}, m["statuts"]
    for p in planchers:
        assert p["statuts"] == {200: p["n"]}, p["statuts"]
    assert nb_encaissements == ECHAUFFEMENT + sum(m["n"] for m in mesures), nb_encaissements

    def mediane(liste, cle):
        return statistics.median(x[cle] for x in liste)

    debit, debit_plancher = mediane(mesures, "debit"), mediane(planchers, "debit")
    rapport = debit / debit_plancher
    tenu = rapport >= OBJECTIF
    print()
    print(machine())
    print(
        f"gunicorn {travailleurs} workers sync ; {CLIENTS} clients × {REQUETES_PAR_CLIENT} requêtes, "
        f"{PASSAGES} passages alternés (médiane) ; 1 000 000 de chèques en base."
    )
    print(
        f"Débits par passage : encaissement {[round(m['debit']) for m in mesures]} req/s, "
        f"plancher {[round(p['debit']) for p in planchers]} req/s."
    )
    print()
    lignes = [
        ["chiffre", "objectif", "mesure (médiane)", "plancher", "rapport", "verdict"],
        ["---"] * 6,
        [
            f"POST …/encaissement, {CLIENTS} clients : débit",
            f"≥ {OBJECTIF:.0%} du plancher".replace("%", " %"),
            f"{debit:.0f} req/s",
            f"{debit_plancher:.0f} req/s",
            f"× {rapport:.2f}",
            "tenu" if tenu else "**NON TENU**",
        ],
        [
            "POST …/encaissement : latence p95",
            "—",
            f"{mediane(mesures, 'p95'):.1f} ms",
            f"{mediane(planchers, 'p95'):.1f} ms",
            f"× {mediane(mesures, 'p95') / mediane(planchers, 'p95'):.1f}",
            "—",
        ],
        [
            "POST …/encaissement : latence p50",
            "—",
            f"{mediane(mesures, 'p50'):.1f} ms",
            f"{mediane(planchers, 'p50'):.1f} ms",
            f"× {mediane(mesures, 'p50') / mediane(planchers, 'p50'):.1f}",
            "—",
        ],
    ]
    print("\n".join("| " + " | ".join(rang) + " |" for rang in lignes))
    if erreurs:
        print("\nJournal de gunicorn :\n" + erreurs[-2000:])
    return 0 if tenu else 1


if __name__ == "__main__":
    sys.exit(main())
