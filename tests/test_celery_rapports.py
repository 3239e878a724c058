"""A funding report through a real Celery worker and a real broker (eager mode off): requested
like the web does (enqueued on commit), produced by the worker in another process, its files
stored with their checksum. The worker fixture is in tests/conftest.py."""

import hashlib
import time

import pytest
from django.conf import settings as django_settings
from kombu import pools

from einclusion.celery import app
from rapports.models import Rapport
from rapports.services.demandes import demander_rapport
from rapports.tasks import produire_rapport
from rapports.tests.factories_demandes import creer_equipe

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 90  # seconds: worker start-up, WeasyPrint's first PDF


@pytest.fixture
def file_reelle(settings):
    """The web side publishes to the real broker (as in production), the worker writes where we
    read: the private storage of settings_test."""
    from einclusion import settings_test

    settings.PRIVATE_STORAGE_ROOT = settings_test.PRIVATE_STORAGE_ROOT
    pools.reset()
    app._pool, app.amqp._producer_pool = None, None
    app.conf.task_always_eager = False
    app.conf.broker_url = django_settings.CELERY_REAL_BROKER_URL
    yield
    app.conf.task_always_eager = True
    pools.reset()
    app._pool, app.amqp._producer_pool = None, None


def test_les_options_qui_protegent_le_rapport_d_un_worker_tue():
    assert produire_rapport.acks_late is True
    assert produire_rapport.reject_on_worker_lost is True
    assert produire_rapport.max_retries == 3
    assert "relancer-rapports" in app.conf.beat_schedule
    assert "planifier-rapports-mensuels" in app.conf.beat_schedule
    assert "supprimer-rapports-expires" in app.conf.beat_schedule


def test_un_rapport_produit_par_un_vrai_worker(worker, file_reelle):
    process, log_path = worker
    equipe = creer_equipe()
    rapport = demander_rapport(
        par=equipe.coordinatrice,
        dispositifs=[equipe.dispositif],
        du=equipe.dispositif.debut,
        au=equipe.dispositif.fin,
        formats=["pdf", "xlsx", "csv"],
    )
    rapport.refresh_from_db()
    assert rapport.en_file is True  # the broker accepted it

    deadline = time.monotonic() + TIMEOUT
    while rapport.statut in (Rapport.Statut.ATTENTE, Rapport.Statut.EN_COURS):
        if process.poll() is not None:
            pytest.fail(f"Le worker Celery s'est arrêté (code {process.returncode}) :\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"Rapport non produit en {TIMEOUT} s ({rapport.statut}) :\n{log_path.read_text()}")
        time.sleep(0.2)
        rapport.refresh_from_db()

    assert rapport.statut == Rapport.Statut.TERMINE, f"{rapport.erreur}\n{log_path.read_text()}"
    fichiers = list(rapport.fichiers.all())
    assert {f.format for f in fichiers} == {"pdf", "xlsx", "csv"}
    try:
        for fichier in fichiers:
            with fichier.fichier.open("rb") as flux:
                assert hashlib.sha256(flux.read()).hexdigest() == fichier.sha256
    finally:
        for fichier in fichiers:
            fichier.fichier.delete(save=False)
