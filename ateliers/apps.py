from django.apps import AppConfig


class AteliersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ateliers"
    verbose_name = "Ateliers et séances"

    def ready(self):
        from beneficiaires import signals

        from .services.personnes import effacer_apres_anonymisation, repointer_apres_fusion

        signals.fusion.connect(repointer_apres_fusion, dispatch_uid="ateliers.fusion")
        signals.anonymisation.connect(effacer_apres_anonymisation, dispatch_uid="ateliers.anonymisation")
