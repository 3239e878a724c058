from django.apps import AppConfig


class PassNumeriqueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pass_numerique"
    verbose_name = "Pass numérique"
