"""Lieux de médiation numérique.

The foundation only needs a place to be an organisation with members. The national data
standard's 32 fields, the directory and the map come with their own issue.
"""

from django.db import models

from comptes.models import Organisation


class Lieu(Organisation):
    organisation_type = Organisation.Type.LIEU

    commune = models.CharField("commune", max_length=100, blank=True)

    class Meta:
        verbose_name = "lieu de médiation numérique"
        verbose_name_plural = "lieux de médiation numérique"
        ordering = ["nom"]
