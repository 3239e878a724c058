"""Issue 7, bullet 7: funding reports at national scale (PostgreSQL only).

Targets (issue 7): with the `national` profile of `seed_scale` (100 départements, 400,000 people,
1,000,000 attendances) plus 2,000,000 cheques,
1. one département-year report in all formats (construire_contenu, then rapports.formats.ecrire
   for pdf, xlsx, csv_fr and csv) **under 5 s**;
2. a whole-instance report (every dispositif, departement=None, all formats) in a child process
   **under 60 s and under 1 GB** of peak memory (RUSAGE_CHILDREN ru_maxrss);
3. the SQL time of construire_contenu (summed by a connection.execute_wrapper) **within 3×** of a
   hand-written SQL computing the same totals (cheque counts and values by state, FSE
   participants, hours delivered), measured side by side in the same process.

Data (in DATABASE_URL's database, kept for the next run — seeding takes minutes): `seed_scale
--profil national` (idempotent), then once (booklets with lot « bench-rapport »): one dispositif
per département, the département's workshops attached to it, a booklet of 10 cheques for half of
the live people (30 % handed out to them, 10 % in a prescriber's stock, 10 % in stock) — 2,000,000
cheques by INSERT … SELECT, handed-out cheques redeemed (45 %), expired, cancelled or still
handed out, dates over the last year; then ANALYZE. `BENCH_RAPPORT_PURGER=1` removes them.

Run: `DATABASE_URL=postgres://… make bench BENCH=bench/rapport.py`. Exit status 1 if a target is
missed. On SQLite the script says so and exits 0.
"""

import datetime
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mesure import RACINE, Ligne, machine, preparer_django, tableau

LOT = "bench-rapport"
FORMATS = ("pdf", "xlsx", "csv_fr", "csv")
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REPETITIONS = 3


def periode() -> tuple[datetime.date, datetime.date]:
    from django.utils import timezone

    au = timezone.localdate()
    return au - datetime.timedelta(days=364), au


def _code(n: str) -> str:
    return " || ".join(f"substr('{ALPHABET}', (({n} / {31**k}) %% 31)::int + 1, 1)" for k in range(10))


def preparer_donnees() -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from beneficiaires.models import Beneficiaire
    from pass_numerique.models import Carnet, Dispositif
    from pass_numerique.tests.factories import DispositifFactory
    from prescripteurs.models import OrganismePrescripteur
    from rapports.models import LigneCout
    from structures.models import Lieu
    from territoires.models import Departement

    call_command("charger_territoires", verbosity=0, stdout=io.StringIO())
    debut = time.perf_counter()
    call_command("seed_scale", profil="national", stdout=io.StringIO())
    print(f"seed_scale national : {time.perf_counter() - debut:.0f} s")
    if Carnet.objects.filter(lot=LOT).exists():
        return
    debut = time.perf_counter()
    du, au = periode()
    codes = Beneficiaire.objects.values_list("departement", flat=True).distinct()
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(
            "CREATE TEMP TABLE bench_map (dispositif_id bigint, departement_id bigint, lieu_id bigint, "
            "organisme_id bigint) ON COMMIT DROP"
        )
        for dep in Departement.objects.filter(pk__in=codes):
            d = DispositifFactory(
                departement=dep, nom=f"Pass numérique {dep.code} — bench", debut=du, fin=au,
                validite_fin=au, part_cible_prioritaires=40,
            )  # fmt: skip
            lieu = Lieu.objects.filter(departement=dep, ateliers__isnull=False).order_by("pk").first()
            lieu = lieu or Lieu.objects.filter(departement=dep).order_by("pk").first()
            organisme = OrganismePrescripteur.objects.filter(departement=dep).order_by("pk").first()
            curseur.execute(
                "INSERT INTO bench_map VALUES (%s, %s, %s, %s)",
                [d.pk, dep.pk, lieu.pk if lieu else None, organisme.pk if organisme else None],
            )
            LigneCout.objects.create(dispositif=d, libelle="Coordination", montant="12345.67", date=du)
            LigneCout.objects.create(dispositif=d, libelle="Ingénierie", montant="999.99", date=au)
        curseur.execute(
            """
            UPDATE ateliers_atelier a SET dispositif_id = m.dispositif_id
            FROM comptes_organisation o JOIN bench_map m ON m.departement_id = o.departement_id
            WHERE o.id = a.lieu_id
            """
        )
        jour = "interval '1 day'"
        curseur.execute(
            f"""
            INSERT INTO pass_numerique_carnet (dispositif_id, departement_id, numero, taille, statut, lot, genere_le,
                organisme_id, dote_le, beneficiaire_id, remis_le, remis_par_id)
            SELECT m.dispositif_id, b.departement_id,
                1000000 + row_number() OVER (PARTITION BY b.departement_id ORDER BY b.id), 10,
                CASE WHEN b.id %% 10 < 3 THEN 'remis' WHEN b.id %% 10 = 3 THEN 'dote' ELSE 'genere' END,
                %(lot)s, %(du)s::timestamptz + (b.id %% 300) * {jour} + interval '9 hours',
                CASE WHEN b.id %% 10 < 4 THEN COALESCE(s.organisme_id, m.organisme_id) END,
                CASE WHEN b.id %% 10 < 4 THEN %(du)s::timestamptz + (b.id %% 300 + 3) * {jour} END,
                CASE WHEN b.id %% 10 < 3 THEN b.id END,
                CASE WHEN b.id %% 10 < 3 THEN %(du)s::timestamptz + (b.id %% 300 + 3 + b.id %% 40) * {jour}
                     + interval '10 hours' END,
                NULL
            FROM beneficiaires_beneficiaire b JOIN bench_map m ON m.departement_id = b.departement_id
            LEFT JOIN LATERAL (SELECT organisme_id FROM beneficiaires_suivi WHERE beneficiaire_id = b.id
                               ORDER BY id LIMIT 1) s ON true
            WHERE b.fusionne_dans_id IS NULL AND b.id %% 10 < 5
            """,  # noqa: S608
            {"lot": LOT, "du": du},
        )
        tirage = "((c.id * 7 + r * 13) %% 20)"
        curseur.execute(
            f"""
            INSERT INTO pass_numerique_cheque (carnet_id, dispositif_id, departement_id, code, numero_serie, rang,
                valeur, statut, modifie_le, encaisse_le, lieu_encaissement_id, annule_le, motif_annulation,
                expire_le, rembourse_le)
            SELECT c.id, c.dispositif_id, c.departement_id, {_code("(c.id * 10 + r)")}, c.numero * 100 + r, r,
                10.00, st.statut, now(),
                CASE WHEN st.statut IN ('encaisse', 'rembourse') THEN c.remis_le + ((c.id + r) %% 90) * {jour} END,
                CASE WHEN st.statut IN ('encaisse', 'rembourse') THEN m.lieu_id END,
                CASE WHEN st.statut = 'annule' THEN c.remis_le + 10 * {jour} END, '',
                CASE WHEN st.statut = 'expire' THEN c.remis_le + 200 * {jour} END,
                CASE WHEN st.statut = 'rembourse' THEN c.remis_le + ((c.id + r) %% 90 + 30) * {jour} END
            FROM pass_numerique_carnet c CROSS JOIN generate_series(1, 10) r
            JOIN bench_map m ON m.dispositif_id = c.dispositif_id
            CROSS JOIN LATERAL (SELECT CASE WHEN c.statut <> 'remis' THEN c.statut
                WHEN {tirage} < 5 THEN 'encaisse' WHEN {tirage} < 9 THEN 'rembourse'
                WHEN {tirage} < 11 THEN 'expire' WHEN {tirage} = 11 THEN 'annule' ELSE 'remis' END AS statut) st
            WHERE c.lot = %(lot)s
            """,  # noqa: S608
            {"lot": LOT},
        )
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    n = Carnet.objects.filter(lot=LOT).count()
    duree = time.perf_counter() - debut
    print(f"Données du bench : {n} carnets, {Dispositif.objects.count()} dispositifs en {duree:.0f} s")


def purger() -> None:
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute(
            "DELETE FROM pass_numerique_cheque WHERE carnet_id IN "
            "(SELECT id FROM pass_numerique_carnet WHERE lot = %s)",
            [LOT],
        )
        curseur.execute("DELETE FROM pass_numerique_carnet WHERE lot = %s", [LOT])
    print("Chèques du bench supprimés (les dispositifs et le profil national restent : seed_scale --purge).")


def rapport(dispositifs, departement, *, avec_formats: bool = True, temps: dict | None = None):
    """construire_contenu, then every format to a temporary file; `temps` collects the seconds
    of each step (« contenu », then each format)."""
    from rapports import formats
    from rapports.calculs import construire_contenu

    temps = {} if temps is None else temps
    du, au = periode()
    debut = time.perf_counter()
    contenu = construire_contenu(dispositifs=dispositifs, du=du, au=au, departement=departement)
    temps.setdefault("contenu", []).append(time.perf_counter() - debut)
    if avec_formats:
        with tempfile.TemporaryDirectory() as dossier:
            for f in FORMATS:
                debut = time.perf_counter()
                with open(Path(dossier) / f, "wb") as sortie:
                    formats.ecrire(f, contenu, sortie)
                temps.setdefault(f, []).append(time.perf_counter() - debut)
    return contenu


def enfant_instance() -> int:
    """Child process: the whole-instance report in every format; prints its wall time."""
    from pass_numerique.models import Dispositif

    debut = time.perf_counter()
    temps: dict[str, list[float]] = {}
    contenu = rapport(list(Dispositif.objects.all()), None, temps=temps)
    etapes = {cle: round(v[0], 1) for cle, v in temps.items()}
    participants = len(contenu.tableau("participants").lignes)
    print(json.dumps({"secondes": round(time.perf_counter() - debut, 1), "participants": participants, **etapes}))
    return 0


def sql_a_la_main(dispositifs) -> None:
    """The floor: cheque counts and values by state, participants, hours, hand-written."""
    from django.db import connection

    du, au = periode()
    ids = [d.pk for d in dispositifs]
    fin = "(%(au)s::date + 1)::timestamp AT TIME ZONE 'Europe/Paris'"
    debut = "%(du)s::date::timestamp AT TIME ZONE 'Europe/Paris'"
    seances = """SELECT s.id, s.debut, s.duree_minutes, s.participants_anonymes FROM ateliers_seance s
        JOIN ateliers_atelier a ON a.id = s.atelier_id WHERE a.dispositif_id = ANY(%(ids)s) AND s.annulee_le IS NULL"""
    with connection.cursor() as c:
        p = {"ids": ids, "du": du, "au": au}
        c.execute(
            "SELECT statut, count(*), sum(valeur) FROM pass_numerique_cheque "
            "WHERE dispositif_id = ANY(%(ids)s) GROUP BY statut",
            p,
        )
        c.fetchall()
        c.execute(
            f"""WITH s AS ({seances}), jours AS (
                SELECT i.beneficiaire_id p, (s.debut AT TIME ZONE 'Europe/Paris')::date j FROM ateliers_inscription i
                JOIN s ON s.id = i.seance_id WHERE i.presence = 'present' AND i.statut = 'inscrit' AND s.debut < {fin}
                UNION SELECT k.beneficiaire_id, (ch.encaisse_le AT TIME ZONE 'Europe/Paris')::date
                FROM pass_numerique_cheque ch JOIN pass_numerique_carnet k ON k.id = ch.carnet_id
                WHERE ch.dispositif_id = ANY(%(ids)s) AND ch.statut IN ('encaisse', 'rembourse')
                AND ch.encaisse_le < {fin} AND k.beneficiaire_id IS NOT NULL)
            SELECT count(*) FROM (SELECT p FROM jours GROUP BY p HAVING count(*) >= 2 AND max(j) >= %(du)s) x
            JOIN beneficiaires_beneficiaire b ON b.id = x.p WHERE b.fusionne_dans_id IS NULL""",  # noqa: S608
            p,
        )
        c.fetchall()
        c.execute(
            f"""WITH s AS ({seances}) SELECT count(*), sum(s.duree_minutes) FILTER (WHERE s.participants_anonymes > 0
                OR EXISTS (SELECT 1 FROM ateliers_inscription i WHERE i.seance_id = s.id AND i.presence = 'present'))
            FROM s WHERE s.debut >= {debut} AND s.debut < {fin}""",  # noqa: S608
            p,
        )
        c.fetchall()


def sql_du_rapport_memes_totaux(dispositifs) -> None:
    """The report's own queries for the floor's three totals: `cheques.bilans` (counts and values
    by state, with the flows of the period in the same query), the participants (the report's
    UNION of parcours days, counted over non-merged people) and the held sessions and minutes."""
    from django.db.models import Count, Exists, OuterRef, Q, Sum
    from django.db.models.expressions import RawSQL

    from ateliers.models import Inscription
    from beneficiaires.models import Beneficiaire
    from rapports.calculs import cheques, perimetre

    du, au = periode()
    p = perimetre.periode(dispositifs, du, au)
    cheques.bilans(p)
    sql, params = perimetre.participants_sql(p)
    Beneficiaire.objects.filter(pk__in=RawSQL(sql, params), fusionne_dans__isnull=True).count()  # noqa: S611
    presents = Inscription.objects.filter(seance_id=OuterRef("pk"), presence="present")
    tenue = Q(participants_anonymes__gt=0) | Q(Exists(presents))
    perimetre.seances_tenues(p).order_by().aggregate(n=Count("pk"), minutes=Sum("duree_minutes", filter=tenue))


def temps_sql(fonction) -> float:
    """Milliseconds spent in SQL (execute and fetch of the cursor) during `fonction()`."""
    from django.db import connection

    total = [0.0]

    def chrono(execute, sql, params, many, context):
        debut = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            total[0] += time.perf_counter() - debut

    with connection.execute_wrapper(chrono):
        fonction()
    return total[0] * 1000


def main() -> int:
    preparer_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench/rapport.py : PostgreSQL seulement (DATABASE_URL=postgres://…) ; ignoré sur SQLite.")
        return 0
    if sys.argv[1:] == ["--instance"]:
        return enfant_instance()
    if os.environ.get("BENCH_RAPPORT_PURGER"):
        purger()
        return 0
    preparer_donnees()
    from django.db.models import Count

    from pass_numerique.models import Dispositif

    plus_gros = Dispositif.objects.filter(nom__endswith="— bench").annotate(n=Count("cheques")).order_by("-n").first()
    departement = plus_gros.departement
    dispositifs = list(Dispositif.objects.filter(departement=departement))
    print(f"Département mesuré : {departement} ({plus_gros.n} chèques) ; période {periode()[0]} → {periode()[1]}")

    lignes = []
    durees = []
    temps: dict[str, list[float]] = {}
    rapport(dispositifs, departement)  # warm-up
    for _ in range(REPETITIONS):
        debut = time.perf_counter()
        rapport(dispositifs, departement, temps=temps)
        durees.append(time.perf_counter() - debut)
    ms = statistics.median(durees) * 1000
    lignes.append(Ligne("rapport département-année, 4 formats", "< 5 s", ms, tenu=ms < 5000))
    for etape, valeurs in temps.items():
        lignes.append(Ligne(f"dont {etape}", "—", statistics.median(valeurs) * 1000))

    # Like for like: the report's queries for the same three totals, against the hand-written SQL.
    memes = statistics.median(temps_sql(lambda: sql_du_rapport_memes_totaux(dispositifs)) for _ in range(REPETITIONS))
    plancher = statistics.median(temps_sql(lambda: sql_a_la_main(dispositifs)) for _ in range(REPETITIONS))
    lignes.append(Ligne("SQL du rapport pour les mêmes totaux vs SQL écrit à la main", "≤ 3×", memes,
                        plancher=plancher, tenu=memes <= 3 * plancher))  # fmt: skip
    # For information: every query of the report (about 19 grouped queries, all its tables).
    sql_rapport = statistics.median(
        temps_sql(lambda: rapport(dispositifs, departement, avec_formats=False)) for _ in range(REPETITIONS)
    )
    lignes.append(Ligne("temps SQL de tout le rapport (information)", "—", sql_rapport, plancher=plancher))

    debut = time.perf_counter()
    enfant = subprocess.run(  # noqa: S603 - this very script
        [sys.executable, __file__, "--instance"],
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    mur = time.perf_counter() - debut
    if enfant.returncode:
        print(enfant.stdout, enfant.stderr)
        return 1
    pic_ko = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"Rapport de toute l’instance : {enfant.stdout.strip()}")
    lignes.append(Ligne("rapport de toute l’instance, 4 formats (durée)", "< 60 s", mur, unite="s", tenu=mur < 60))
    lignes.append(Ligne("rapport de toute l’instance (mémoire de pointe)", "< 1 GB", pic_ko, unite="kB",
                        tenu=pic_ko < 1024 * 1024))  # fmt: skip
    print(tableau(lignes))
    print(f"\nMachine : {machine()}")
    return 0 if all(ligne.tenu is not False for ligne in lignes) else 1


if __name__ == "__main__":
    sys.exit(main())
