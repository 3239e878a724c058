from django.apps import AppConfig


class PassNumeriqueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pass_numerique"
    verbose_name = "Pass numérique"

    def ready(self):
        from beneficiaires import signals

        # Registers the reimbursement tasks with Celery (autodiscovery only imports tasks.py).
        from . import tasks_remboursement  # noqa: F401
        from .services.remise import effacer_apres_anonymisation, repointer_apres_fusion

        signals.fusion.connect(repointer_apres_fusion, dispatch_uid="pass_numerique.fusion")
        signals.anonymisation.connect(effacer_apres_anonymisation, dispatch_uid="pass_numerique.anonymisation")
