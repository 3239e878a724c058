"""The Celery application. Periodic schedules are defined here, in code."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "einclusion.settings")

app = Celery("einclusion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["einclusion"])  # einclusion/tasks.py: the project package is not an app
app.autodiscover_tasks(["pass_numerique"], related_name="tasks_expiration")  # cheques past validity + tolerance

app.conf.beat_schedule = {
    "purger-sessions-expirees": {
        "task": "einclusion.tasks.purger_sessions_expirees",
        "schedule": crontab(hour=3, minute=15),
    },
    # GDPR: anonymise the records past the retention period (BENEFICIAIRES_RETENTION_MOIS).
    "anonymiser-beneficiaires": {
        "task": "beneficiaires.tasks.appliquer_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    # Orientations still « à contacter » after 8 days: tell the place and the agent, once.
    "signaler-orientations-sans-reponse": {
        "task": "beneficiaires.tasks.signaler_orientations_sans_reponse",
        "schedule": crontab(hour=7, minute=0),
    },
    # Pass numérique: handed-out cheques past validity + tolerance become « expiré » (01:05).
    "expirer-cheques": {
        "task": "pass_numerique.tasks_expiration.expirer_cheques",
        "schedule": crontab(hour=1, minute=5),
    },
    # Pass numérique: each place's bordereaux of the month just ended, on the 1st (05:30).
    "creer-bordereaux-pass": {
        "task": "pass_numerique.tasks_remboursement.creer_bordereaux_du_mois",
        "schedule": crontab(day_of_month=1, hour=5, minute=30),
    },
    # Pass numérique: places accept it while « qualifié » for an active dispositif; dates move on (00:05).
    "recalculer-acceptation-pass": {
        "task": "pass_numerique.tasks.recalculer_acceptation",
        "schedule": crontab(hour=0, minute=5),
    },
    # Rapports: hand over the reports the queue never received, restart stuck ones (every 5 min).
    "relancer-rapports": {
        "task": "rapports.tasks.relancer_rapports",
        "schedule": crontab(minute="*/5"),
    },
    # Rapports: the monthly report of each dispositif active in the month just ended, on the 1st (06:00).
    "planifier-rapports-mensuels": {
        "task": "rapports.tasks.planifier_rapports_mensuels",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # Rapports: delete the files past RAPPORTS_CONSERVATION_JOURS; the history keeps the row (04:10).
    "supprimer-rapports-expires": {
        "task": "rapports.tasks.supprimer_fichiers_expires",
        "schedule": crontab(hour=4, minute=10),
    },
}
