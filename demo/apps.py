from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and scale data. Sits on top of every other app (it may import them all)."""

    name = "demo"
    verbose_name = "Données de démonstration"
