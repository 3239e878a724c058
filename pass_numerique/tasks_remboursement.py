"""Periodic reimbursement task (schedule in einclusion/celery.py). Thin: it calls the service.
Registered with Celery by PassNumeriqueConfig.ready() (autodiscovery only imports tasks.py)."""

from celery import shared_task

from .services.remboursement import creer_bordereaux


@shared_task(name="pass_numerique.tasks_remboursement.creer_bordereaux_du_mois")
def creer_bordereaux_du_mois() -> dict:
    """On the 1st of each month: the bordereaux of the month just ended, every département."""
    crees = creer_bordereaux()
    return {"bordereaux": len(crees), "lignes": sum(b.lignes.count() for b in crees)}
