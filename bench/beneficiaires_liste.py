"""Issue 4, bullet 8: a prescriber's list of people at scale, 400,000 people in the instance.

Target (issue 4): the list (search, filters by eligibility, status, orientation) stays under
300 ms with a constant number of SQL queries.

What it does: a throwaway database (a temporary SQLite file, or — with DATABASE_URL set, e.g. a
throwaway PostgreSQL started with `scripts/services.sh start && source var/services.env` — a
`test_…` database next to it), the communes reference (`charger_territoires`), then
`seed_scale --profil national`: 18,000 places, then 400,000 people with their organismes
prescripteurs, agents, suivis and orientations (demo/scale.py); everything is dropped at the end.

The worst case is measured: the département with the most people, and in it the organisme
following the most people (the département's social services, several thousand people).
- As an agent of that organisme, `beneficiaires:liste`: the first page, a name search (the most
  common surname, « martin »), a filter by eligibility public (« senior »), a filter by the
  status of the last orientation (« pris en charge »), the « sans réponse » filter and a page
  far in the list (for information).
- As a coordinator of that département (MFA enrolled, as required): the whole département's
  list, first page, the same orientation filter, and a public + name search (for information).
Through Django's test Client in this process (every middleware, session, the view, the
template), after a warm-up request; median of 15. The SQL queries of each request are counted:
they must be the same as for the smallest organisme's first page (a coordinator may add one:
the MFA check), i.e. constant whatever the number of people. The machine's load average is
printed: on a shared machine, absolute times are pessimistic.

Floor, same process: the two queries that make the list — the count and the page of 25, from
`beneficiaires.selectors.rechercher_beneficiaires` — run raw through a cursor. The ratio is
the cost of everything else (session, membership, template). `/sante/` (middlewares +
`SELECT 1`) is printed for reference.

On PostgreSQL, `BENCH_EXPLAIN=1` (or a missed target) prints EXPLAIN (ANALYZE, BUFFERS) of the
count and page queries. `BENCH_PERSONNES=N` builds N people instead of 400,000 (trial runs).

Run: `make bench BENCH=bench/beneficiaires_liste.py` (after `scripts/services.sh start && source
var/services.env` for PostgreSQL). Exit status 1 if a target is missed.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mesure import Ligne, base_jetable, machine, mediane, preparer_django, tableau

OBJECTIF_MS = 300
REPETITIONS = 15


def connecter(membership):
    """A test Client logged in and acting for `membership` (as the root conftest's `login`)."""
    from django.test import Client

    from comptes.middleware import SESSION_KEY

    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


def coordinateur_de(departement):
    """A coordinator of the département's team, MFA enrolled (the gate lets them in)."""
    from comptes.mfa import activate_totp
    from comptes.models import Membership, Organisation, Role, User

    equipe, _ = Organisation.objects.get_or_create(
        departement=departement,
        type=Organisation.Type.DEPARTEMENT,
        defaults={"nom": f"Département {departement.nom} — équipe inclusion numérique"},
    )
    user = User.objects.create_user("coordination-bench@exemple.test", first_name="Claire", last_name="Bench")
    activate_totp(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return Membership.objects.create(user=user, organisation=equipe, role=Role.COORDINATEUR)


def requetes_sql(membership, params: dict) -> list[str]:
    """The SQL of the list's count and page of 25, exactly as the view has them run (the
    selector, then Django's Paginator), captured with their parameters inlined."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beneficiaires import rules
    from beneficiaires.forms import FiltresForm
    from beneficiaires.selectors import STATUT_ACTIVES, rechercher_beneficiaires
    from beneficiaires.views.fiches import PAGE_SIZE

    valeurs = FiltresForm(params, avec_statut=rules.est_du_departement(membership)).valeurs()
    qs = rechercher_beneficiaires(
        membership,
        texte=valeurs["q"],
        public=valeurs["public"],
        statut=valeurs["statut"] or STATUT_ACTIVES,
        orientation=valeurs["orientation"],
    )
    with CaptureQueriesContext(connection) as capture:
        page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
        list(page.object_list)
    requetes = [q["sql"] for q in capture.captured_queries]
    assert 1 <= len(requetes) <= 2, requetes  # the count, then the page (none when the count is 0)
    return requetes


def plancher_sql(curseur, requetes) -> None:
    for sql in requetes:
        curseur.execute(sql)
        curseur.fetchall()


def expliquer(curseur, requetes, titre: str) -> None:
    print(f"\n--- EXPLAIN ANALYZE : {titre}")
    for sql in requetes:
        curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        print("\n".join(ligne[0] for ligne in curseur.fetchall()))
        print()


def main() -> int:
    # Pages render {% static %}: plain storage, no collectstatic manifest needed (as carte_chromium.py).
    preparer_django(STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage")
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from beneficiaires.models import Beneficiaire, Suivi
    from comptes.models import Membership, Role
    from demo import scale
    from territoires.models import Departement

    nombre = int(os.environ.get("BENCH_PERSONNES", scale.PROFILS["national"].beneficiaires))
    expliquer_tout = os.environ.get("BENCH_EXPLAIN") == "1"

    with base_jetable():
        debut = time.perf_counter()
        call_command("charger_territoires", verbosity=0, stdout=io.StringIO())
        duree_territoires = time.perf_counter() - debut
        lieux = scale.construire("national")
        personnes = scale.construire_beneficiaires("national", nombre=nombre)
        print(
            f"Données : référentiel des communes en {duree_territoires:.1f} s ; seed_scale national : "
            f"{lieux.crees} lieux en {lieux.secondes:.1f} s, puis {personnes.beneficiaires} personnes "
            f"(dont {personnes.anonymises} anonymisées), {personnes.organismes} organismes, {personnes.agents} "
            f"agents, {personnes.suivis} suivis, {personnes.orientations} orientations en {personnes.secondes:.1f} s."
        )

        # The worst case: the département with the most people, its biggest organisme.
        dep_pk = (
            Beneficiaire.objects.values("departement")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("departement", flat=True)[0]
        )
        departement = Departement.objects.get(pk=dep_pk)
        dans_dep = Beneficiaire.objects.filter(departement=departement)
        par_organisme = (
            Suivi.objects.filter(organisme__departement=departement)
            .values("organisme")
            .annotate(n=Count("pk"))
            .order_by("-n")
        )
        gros, petit = par_organisme[0], par_organisme.last()
        agent = Membership.objects.filter(organisation_id=gros["organisme"], role=Role.AGENT).first()
        agent_petit = Membership.objects.filter(organisation_id=petit["organisme"], role=Role.AGENT).first()
        coordinateur = coordinateur_de(departement)
        print(
            f"Cas mesuré : {departement.nom} ({departement.code}), {dans_dep.count()} personnes dont "
            f"{dans_dep.filter(anonymise_le__isnull=False).count()} anonymisées ; « {agent.organisation.nom} » suit "
            f"{gros['n']} personnes ({Membership.objects.filter(organisation=agent.organisation).count()} membres) ; "
            f"le plus petit organisme en suit {petit['n']}."
        )

        url = reverse("beneficiaires:liste")
        client_agent, client_petit, client_coord = (connecter(m) for m in (agent, agent_petit, coordinateur))
        scenarios = [
            ("Prescripteur : première page", client_agent, agent, {}, True),
            ("Prescripteur : recherche « martin »", client_agent, agent, {"q": "martin"}, True),
            ("Prescripteur : recherche « marie martin »", client_agent, agent, {"q": "marie martin"}, False),
            ("Prescripteur : public « senior »", client_agent, agent, {"public": "senior"}, True),
            ("Prescripteur : orientation « pris en charge »", client_agent, agent, {"orientation": "pris_en_charge"},
             True),
            ("Prescripteur : orientation « sans réponse »", client_agent, agent, {"orientation": "sans_reponse"},
             False),
            ("Prescripteur : page 40", client_agent, agent, {"page": "40"}, False),
            ("Coordination : tout le département, première page", client_coord, coordinateur, {}, True),
            ("Coordination : orientation « pris en charge »", client_coord, coordinateur,
             {"orientation": "pris_en_charge"}, True),
            ("Coordination : public « senior » et recherche « martin »", client_coord, coordinateur,
             {"public": "senior", "q": "martin"}, False),
        ]  # fmt: skip

        def requete(client, params):
            reponse = client.get(url, params)
            assert reponse.status_code == 200, (reponse.status_code, params, reponse.get("Location"))
            return reponse

        def compter(client, params) -> tuple[int, str]:
            with CaptureQueriesContext(connection) as capture:
                reponse = requete(client, params)
            return len(capture), reponse.content.decode()

        reference, _ = compter(client_petit, {})
        charge_avant = os.getloadavg()[0]
        sante = mediane(lambda: client_agent.get("/sante/"), repetitions=30)

        lignes = []
        a_expliquer = []
        with connection.cursor() as curseur:
            for libelle, client, membership, params, cible in scenarios:
                nb_requetes, html = compter(client, params)
                if "<table" not in html:
                    print(f"  (aucune ligne pour « {libelle} »)")
                duree = mediane(lambda client=client, params=params: requete(client, params), repetitions=REPETITIONS)
                sql = requetes_sql(membership, params)
                plancher = mediane(lambda sql=sql: plancher_sql(curseur, sql), repetitions=REPETITIONS)
                # Queries: the same as a small organisme's first page (the coordinator: + 1 for MFA at most).
                constant = nb_requetes <= reference + 1
                tenu = duree < OBJECTIF_MS and constant
                lignes.append(
                    Ligne(
                        f"{libelle} ({nb_requetes} requêtes SQL)",
                        f"< {OBJECTIF_MS} ms" if cible else "—",
                        duree,
                        plancher=plancher,
                        tenu=tenu if cible else (None if tenu else False),
                    )
                )
                print(f"  {libelle} : {duree:.1f} ms, {nb_requetes} requêtes, SQL brut {plancher:.1f} ms")
                if connection.vendor == "postgresql" and (expliquer_tout or not tenu):
                    a_expliquer.append((libelle, sql))
            for libelle, sql in a_expliquer:
                expliquer(curseur, sql, libelle)

        charge_apres = os.getloadavg()[0]
        print()
        print(f"Machine : {machine()}")
        print(
            f"Charge de la machine (load average sur 1 min, {os.cpu_count()} cœurs) : {charge_avant:.1f} au début des "
            f"mesures, {charge_apres:.1f} à la fin : au-delà du nombre de cœurs, les durées absolues sont pessimistes."
        )
        print(
            f"Requêtes SQL par page : {reference} pour le plus petit organisme ({petit['n']} personnes) ; "
            f"/sante/ (vue minimale + SELECT 1) : {sante:.2f} ms."
        )
        print("Plancher : la requête de comptage et celle de la page de 25, en SQL brut (rechercher_beneficiaires).")
        print()
        print(tableau(lignes))
        print(f"\nseed_scale national (personnes seules) : {personnes.secondes:.0f} s ; "
              f"médiane des pages : {statistics.median(ligne.mesure for ligne in lignes):.1f} ms.")  # fmt: skip
    return 0 if all(ligne.tenu is not False for ligne in lignes) else 1


if __name__ == "__main__":
    sys.exit(main())
