"""Issue 5, bullet 3: a coordinator generates 100,000 cheques (10,000 booklets of 10) in under
10 s on PostgreSQL.

What it does: a throwaway database (a temporary SQLite file, or — with DATABASE_URL set, e.g. a
throwaway PostgreSQL started with `scripts/services.sh start && source var/services.env` — a
`test_…` database next to it), one département, its coordinator and a dispositif with a budget
large enough; everything is dropped at the end.

- Génération: `pass_numerique.services.generation.generer(...)` — the service as the page calls
  it: permission, checks, budget, the département's counter under its row lock, 10,000 booklets
  and 100,000 cheques with codes from `codes.nouveau_code()` (each batch of 5,000 checked against
  the table in one query), bulk inserts, one journal entry. One warm-up run of 100 booklets,
  then 3 runs of 10,000 booklets (the table grows to 300,000 cheques: later runs check their
  codes against a bigger table); median. On SQLite (information only), one run.
- Floor, same process: the same 10,000 booklet rows and 100,000 cheque rows written with raw
  multi-row INSERTs through a cursor (codes drawn with `secrets` but not checked, no counter, no
  ORM objects), in a transaction rolled back at the end. The ratio is the cost of the ORM, the
  code checks and the bookkeeping.
- For information: the CPU time of the generation (this process + its PostgreSQL backend, read
  from /proc), which a loaded machine inflates much less than the wall time; and drawing
  100,000 codes with `codes.nouveau_code()` alone.

Run: `make bench` (or `make bench BENCH=bench/generation_cheques.py`). Exit status 1 if the
target is missed — on PostgreSQL only, the target's base; on SQLite the figures are printed for
information.
"""

import os
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mesure import Ligne, base_jetable, machine, preparer_django, tableau

NB_CARNETS, TAILLE = 10_000, 10
OBJECTIF_S = 10.0
ESSAIS = 3
LOT = 5_000


def monde():
    """A département, its coordinator, a dispositif with a budget for a million cheques."""
    import datetime

    from django.utils import timezone

    from comptes.models import Membership, Organisation, Role, User
    from pass_numerique.models import Dispositif
    from territoires.models import Departement

    departement = Departement.objects.create(code="23", nom="Creuse")
    equipe = Organisation.objects.create(departement=departement, nom="Équipe Creuse")
    utilisateur = User.objects.create_user("coordination@exemple.test")
    coordinateur = Membership.objects.create(user=utilisateur, organisation=equipe, role=Role.COORDINATEUR)
    aujourd_hui = timezone.localdate()
    dispositif = Dispositif.objects.create(
        departement=departement,
        nom="Pass numérique — bench",
        debut=aujourd_hui,
        fin=aujourd_hui + datetime.timedelta(days=365),
        validite_fin=aujourd_hui + datetime.timedelta(days=365),
        tailles_carnet=["5", "10"],
        publics=["rsa"],
        budget=Decimal("100000000"),
    )
    return coordinateur, dispositif


def cpu_serveur() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine: /proc),
    so that a loaded machine's waiting can be told apart from the work itself. None elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as curseur:
        curseur.execute("SELECT pg_backend_pid()")
        pid = curseur.fetchone()[0]
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def plancher(dispositif) -> float:
    """Seconds to write the same rows with raw multi-row INSERTs (rolled back)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from pass_numerique import codes
    from pass_numerique.models import Carnet, Cheque

    maintenant = timezone.now()
    carnet_table, cheque_table = Carnet._meta.db_table, Cheque._meta.db_table
    debut = time.perf_counter()
    with transaction.atomic(), connection.cursor() as curseur:
        lignes_carnets = [
            (dispositif.pk, dispositif.departement_id, 10_000_000 + n, TAILLE, "genere", "plancher", maintenant)
            for n in range(NB_CARNETS)
        ]
        ids = []
        colonnes = "dispositif_id, departement_id, numero, taille, statut, lot, genere_le"
        for i in range(0, len(lignes_carnets), LOT):
            tranche = lignes_carnets[i : i + LOT]
            valeurs = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(tranche))
            parametres = [v for ligne in tranche for v in ligne]
            if connection.vendor == "postgresql":
                sql = f"INSERT INTO {carnet_table} ({colonnes}) VALUES {valeurs} RETURNING id"  # noqa: S608 (our names)
                curseur.execute(sql, parametres)
                ids += [r[0] for r in curseur.fetchall()]
            else:
                for ligne in tranche:  # SQLite's parameter limit: one row at a time, then read the ids
                    sql = f"INSERT INTO {carnet_table} ({colonnes}) VALUES (%s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
                    curseur.execute(sql, ligne)
                    ids.append(curseur.lastrowid)
        alphabet = codes.ALPHABET
        colonnes = (
            "carnet_id, dispositif_id, departement_id, code, numero_serie, rang, valeur, statut, modifie_le, "
            "motif_annulation"
        )
        lignes = (
            (
                carnet_id,
                dispositif.pk,
                dispositif.departement_id,
                "".join(secrets.choice(alphabet) for _ in range(10)),
                10_000_000 + k * TAILLE + rang,
                rang,
                Decimal("10.00"),
                "genere",
                maintenant,
                "",
            )
            for k, carnet_id in enumerate(ids)
            for rang in range(1, TAILLE + 1)
        )
        par_insert = LOT if connection.vendor == "postgresql" else 100
        tranche = []
        for ligne in lignes:
            tranche.append(ligne)
            if len(tranche) == par_insert:
                _inserer(curseur, cheque_table, colonnes, tranche)
                tranche = []
        if tranche:
            _inserer(curseur, cheque_table, colonnes, tranche)
        duree = time.perf_counter() - debut
        transaction.set_rollback(True)
    return duree


def _inserer(curseur, table, colonnes, tranche) -> None:
    valeurs = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(tranche))
    sql = f"INSERT INTO {table} ({colonnes}) VALUES {valeurs}"  # noqa: S608 (our table and columns)
    curseur.execute(sql, [v for ligne in tranche for v in ligne])


def main() -> int:
    preparer_django()
    from django.db import connection

    from pass_numerique import codes
    from pass_numerique.models import Cheque
    from pass_numerique.services.generation import generer

    with base_jetable():
        coordinateur, dispositif = monde()
        generer(par=coordinateur, dispositif=dispositif, nb_carnets=100, taille=TAILLE)  # warm-up

        postgres = connection.vendor == "postgresql"
        essais = ESSAIS if postgres else 1  # SQLite: for information, once is enough
        durees, cpus = [], []
        for essai in range(1, essais + 1):
            serveur = cpu_serveur()
            debut, cpu = time.perf_counter(), time.process_time()
            faite = generer(par=coordinateur, dispositif=dispositif, nb_carnets=NB_CARNETS, taille=TAILLE)
            durees.append(time.perf_counter() - debut)
            cpu = time.process_time() - cpu
            serveur = cpu_serveur() - serveur if serveur is not None else 0.0
            cpus.append(cpu + serveur)
            print(
                f"  génération {essai} : {faite.nb_cheques} chèques (n° {faite.premier_numero_serie} à "
                f"{faite.dernier_numero_serie}) en {durees[-1]:.2f} s ; CPU {cpu:.2f} s Python + {serveur:.2f} s "
                f"serveur ; {Cheque.objects.count()} chèques en base ; charge {os.getloadavg()[0]:.1f}"
            )
        planchers = [plancher(dispositif) for _ in range(essais)]
        debut = time.perf_counter()
        for _ in range(NB_CARNETS * TAILLE):
            codes.nouveau_code()
        tirage = time.perf_counter() - debut

        mesure = statistics.median(durees)
        lignes = [
            Ligne(
                f"Génération de {NB_CARNETS * TAILLE:,} chèques ({NB_CARNETS:,} carnets de {TAILLE})".replace(",", " "),
                f"< {OBJECTIF_S:.0f} s" + ("" if postgres else " (sur PostgreSQL)"),
                mesure,
                unite="s",
                plancher=statistics.median(planchers),
                tenu=mesure < OBJECTIF_S if postgres else None,
            ),
            Ligne("la même, temps CPU (Python + processus PostgreSQL)", "—", statistics.median(cpus), unite="s"),
            Ligne("dont tirage des 100 000 codes (codes.nouveau_code)", "—", tirage, unite="s"),
        ]
        print()
        print(f"Machine : {machine()}")
        print("Plancher : les mêmes lignes en INSERT multi-lignes bruts (codes non vérifiés, transaction annulée).")
        print()
        print(tableau(lignes))
    return 0 if all(ligne.tenu is not False for ligne in lignes) else 1


if __name__ == "__main__":
    sys.exit(main())
