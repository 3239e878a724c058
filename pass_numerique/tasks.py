"""Celery tasks of the Pass numérique (schedules in einclusion/celery.py). Thin: they call the
services."""

from celery import shared_task

from .services import acceptation

# --- Dispositifs: acceptance of the Pass numérique by places --------------------------------------


@shared_task
def recalculer_acceptation() -> int:
    """Daily: dispositifs start and end with the calendar, so the places' « accepte le Pass
    numérique » flags are brought in line every night. Returns how many places changed."""
    return acceptation.recalculer()
