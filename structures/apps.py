from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "Lieux de médiation numérique"

    def ready(self):
        from . import signals  # noqa: F401 - cache invalidation of the public API
