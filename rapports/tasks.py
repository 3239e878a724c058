"""Celery tasks of the funding reports: thin, they call the services.

`produire_rapport` must not be lost: late acknowledgement (a message is acknowledged once the
task has finished, so a worker killed mid-report leaves it in Redis), rejected back to the queue
when the worker is lost, retried with a backoff on transient database or broker errors. The
service is idempotent, so a second delivery is harmless; `relancer_rapports` is the safety net.
"""

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as ErreurBase
from kombu.exceptions import OperationalError as ErreurFile

from .services import demandes, nettoyage, planification, production


@shared_task(
    name="rapports.tasks.produire_rapport",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ErreurBase, InterfaceError, ErreurFile, ConnectionError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=3,
)
def produire_rapport(rapport_id: int) -> str:
    rapport = production.produire_rapport(rapport_id=rapport_id)
    return rapport.statut if rapport is not None else "ignore"


@shared_task(name="rapports.tasks.relancer_rapports")
def relancer_rapports() -> dict:
    return demandes.relancer_en_souffrance()


@shared_task(name="rapports.tasks.planifier_rapports_mensuels")
def planifier_rapports_mensuels() -> list[int]:
    return [rapport.pk for rapport in planification.planifier_rapports_mensuels()]


@shared_task(name="rapports.tasks.supprimer_fichiers_expires")
def supprimer_fichiers_expires() -> int:
    return nettoyage.supprimer_fichiers_expires()
