from django.apps import AppConfig


class BeneficiairesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "beneficiaires"
    verbose_name = "bénéficiaires"
