"""Issue 5, bullet 5: « A 10-cheque booklet renders in under 1 s. »

What it does: a throwaway database (a temporary SQLite file, or a `test_…` database next to
DATABASE_URL's on PostgreSQL) with the territoires test set, a dispositif of Creuse, 150 places
around Guéret (100 qualified for the dispositif), a prescriber with a stock of booklets, and one
person who receives a 10-cheque booklet through the real service (`services.remise.remettre`).

- PDF of the booklet: `pass_numerique.pdf.pdf_carnet` (letter with the 5 nearest qualified places
  and their opening hours in French, then 10 cheques with their QR codes, 5 A4 pages); median
  of 9 renders after one warm-up. Target: < 1 s.
- For information: its HTML alone (queries, template, 10 segno QR codes), and the whole view
  `pass_remise:carnet_pdf` through Django's test Client (middlewares, permission checks, PDF,
  two journal entries).
- Floor, same process: WeasyPrint rendering a one-page document with the same stylesheet (the
  fixed cost of WeasyPrint: fonts, CSS, PDF writer). The ratio says what our content costs.
- A bordereau of 200 lines (PDF for the paying accountant), for information.

Run: `make bench` (or `make bench BENCH=bench/remise_pdf.py`). Exit status 1 if the target is missed.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mesure import Ligne, base_jetable, machine, mediane, preparer_django, tableau

OBJECTIF_MS = 1000
REPETITIONS = 9


def mediane_cpu(fonction, *, repetitions: int = REPETITIONS) -> float:
    """Median CPU time of this process (ms). A render is single-threaded and CPU-bound: on an idle
    machine its CPU time is its wall time; on a shared one (other work on the 2 cores) the wall
    time also counts the waiting for a core, and the CPU time is the figure that survives."""
    import statistics
    import time

    fonction()
    durees = []
    for _ in range(repetitions):
        debut = time.process_time()
        fonction()
        durees.append((time.process_time() - debut) * 1000)
    return statistics.median(durees)


def preparer():
    """The data, built with the test factories (bulk enough for this size)."""
    import datetime
    import random

    from django.utils import timezone

    from comptes.models import Role
    from comptes.tests.factories import LieuFactory
    from pass_numerique.models import Cheque, Qualification
    from pass_numerique.services.remise import remettre
    from pass_numerique.tests.factories import cheques_remis, qualifier
    from pass_numerique.tests.test_remise_donnees import HORAIRES, monde

    m = monde(stock=3, taille=10)
    hasard = random.Random(23)  # noqa: S311 - positions, not secrets
    lieux = [
        LieuFactory(
            departement=m.dispositif.departement,
            nom=f"Espace numérique n°{i}",
            adresse=f"{i} rue de la République",
            code_postal="23000",
            commune="Guéret",
            telephone=f"+3355551{i:04d}",
            horaires=HORAIRES,
            latitude=46.17 + hasard.uniform(-0.4, 0.4),
            longitude=1.87 + hasard.uniform(-0.5, 0.5),
            est_actif=True,
        )
        for i in range(150)
    ]
    for lieu in lieux[:100]:
        qualifier(lieu, m.dispositif, statut=Qualification.Statut.QUALIFIE)
    carnet = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)

    # A bordereau of 200 lines: redeemed cheques of 20 booklets, claimed last month.
    from pass_numerique.services.remboursement import PARIS, creer_bordereaux, mois_precedent

    mois = mois_precedent()
    le = datetime.datetime.combine(mois.replace(day=12), datetime.time(10), tzinfo=PARIS)
    lieu = m.lieux[0]
    for _ in range(20):
        cheques = cheques_remis(m.dispositif, organisme=m.organisme, beneficiaire=m.beneficiaire)
        Cheque.objects.filter(pk__in=[c.pk for c in cheques]).update(
            statut=Cheque.Statut.ENCAISSE, encaisse_le=le, lieu_encaissement=lieu, modifie_le=timezone.now()
        )
    [bordereau] = creer_bordereaux(mois=mois)
    assert m.coordinateur.role == Role.COORDINATEUR
    return m, carnet, bordereau


def main() -> int:
    preparer_django()
    import time

    from django.test import Client
    from django.urls import reverse

    from pass_numerique import pdf
    from pass_numerique.selectors.remboursement import contexte_bordereau

    with base_jetable():
        from comptes.middleware import SESSION_KEY
        from territoires.tests.jeu_de_test import charger_jeu_de_test

        charger_jeu_de_test()
        m, carnet, bordereau = preparer()

        def rendre():
            return pdf.pdf_carnet(carnet)

        debut = time.perf_counter()
        premier = pdf.pdf_carnet(carnet)
        froid = (time.perf_counter() - debut) * 1000

        def plancher():
            pdf.rendre_pdf(
                "<!DOCTYPE html><html lang='fr'><body><p>Une page.</p></body></html>", departement=carnet.departement
            )

        charge_avant = os.getloadavg()[0]
        carnet_ms = mediane(rendre, repetitions=REPETITIONS)
        carnet_cpu = mediane_cpu(rendre)
        html_ms = mediane(lambda: pdf.html_carnet(carnet), repetitions=REPETITIONS)
        plancher_ms = mediane(plancher, repetitions=REPETITIONS)
        plancher_cpu = mediane_cpu(plancher)

        client = Client()
        client.force_login(m.agent.user)
        session = client.session
        session[SESSION_KEY] = m.agent.pk
        session.save()
        url = reverse("pass_remise:carnet_pdf", args=[carnet.pk])

        def vue():
            reponse = client.get(url)
            assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf", reponse.status_code

        vue_ms = mediane(vue, repetitions=REPETITIONS)
        contexte = contexte_bordereau(m.coordinateur, bordereau, iban_complet=True)
        from django.utils import timezone

        contexte["edite_le"] = timezone.localtime()
        bordereau_ms = mediane(lambda: pdf.pdf_bordereau(contexte), repetitions=5)
        bordereau_cpu = mediane_cpu(lambda: pdf.pdf_bordereau(contexte), repetitions=5)
        charge = max(charge_avant, os.getloadavg()[0])
        # The target is judged on the wall time when the machine is quiet, else on the CPU time.
        juge = carnet_ms if charge < os.cpu_count() else carnet_cpu

        lignes = [
            Ligne(
                "PDF d’un carnet de 10 chèques (lettre + 10 chèques, 5 pages A4), temps écoulé",
                "< 1 s",
                carnet_ms,
                plancher=plancher_ms,
                tenu=carnet_ms < OBJECTIF_MS if juge is carnet_ms else None,
            ),
            Ligne(
                "  le même, temps CPU du processus",
                "< 1 s",
                carnet_cpu,
                plancher=plancher_cpu,
                tenu=carnet_cpu < OBJECTIF_MS if juge is carnet_cpu else None,
            ),
            Ligne("  dont le HTML (requêtes, gabarit, 10 QR codes), temps écoulé", "—", html_ms),
            Ligne("Vue pass_remise:carnet_pdf (client de test, journal compris), temps écoulé", "—", vue_ms),
            Ligne(f"PDF d’un bordereau de {len(contexte['lignes'])} lignes, temps écoulé", "—", bordereau_ms),
            Ligne("  le même, temps CPU", "—", bordereau_cpu),
        ]
        print()
        print(f"Machine : {machine()}")
        print(
            f"Carnet n° {carnet.numero} : {len(premier) / 1024:.0f} kB, premier rendu (froid) {froid:.0f} ms ; "
            f"médianes sur {REPETITIONS} rendus. Plancher : WeasyPrint sur une page d’une ligne (même feuille de "
            f"style). Charge moyenne pendant la mesure : {charge:.1f} pour {os.cpu_count()} cœurs : objectif jugé "
            f"sur le temps {'écoulé' if juge is carnet_ms else 'CPU'}."
        )
        print()
        print(tableau(lignes))
    return 0 if juge < OBJECTIF_MS else 1


if __name__ == "__main__":
    sys.exit(main())
