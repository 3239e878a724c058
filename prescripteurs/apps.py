from django.apps import AppConfig


class PrescripteursConfig(AppConfig):
    name = "prescripteurs"
    verbose_name = "Organismes prescripteurs"
