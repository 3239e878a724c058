"""Daily expiry of the cheques (schedule in einclusion/celery.py). Thin: it calls the service.

In its own module (not tasks.py, which holds the other Pass numérique tasks); einclusion/celery.py
registers it with `autodiscover_tasks([...], related_name="tasks_expiration")`."""

from celery import shared_task

from .services import expiration


@shared_task(name="pass_numerique.tasks_expiration.expirer_cheques")
def expirer_cheques() -> dict[str, int]:
    """{dispositif pk: number of cheques expired} (JSON-friendly keys)."""
    return {str(bilan.dispositif.pk): bilan.nombre for bilan in expiration.expirer()}
