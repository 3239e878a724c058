"""Private storage of the signed attendance sheets: under PRIVATE_STORAGE_ROOT (never served by
the web server nor under MEDIA_ROOT); read only through a permission-checked view. The location is
read from the settings at each access, so tests can point it at a temporary directory."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class StockagePrive(FileSystemStorage):
    sous_dossier = "emargements"

    @property
    def base_location(self):
        return os.path.join(settings.PRIVATE_STORAGE_ROOT, self.sous_dossier)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # never served by URL
        return None


def stockage_feuilles() -> StockagePrive:
    return StockagePrive()
