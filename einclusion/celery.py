"""The Celery application. Periodic schedules are defined here, in code."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "einclusion.settings")

app = Celery("einclusion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["einclusion"])  # einclusion/tasks.py: the project package is not an app

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
}
