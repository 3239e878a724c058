"""Periodic tasks (schedules in einclusion/celery.py). Thin: they call the services."""

from celery import shared_task

from .services import anonymisation, orientations


@shared_task
def appliquer_retention() -> dict[str, int]:
    return anonymisation.appliquer_retention(wet_run=True)


@shared_task
def signaler_orientations_sans_reponse() -> int:
    return orientations.signaler_sans_reponse()
