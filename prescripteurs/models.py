"""Organismes prescripteurs: organisations whose agents hand out cheques and orient people.

The foundation only needs them as organisations with members; their full record (SIRET,
address, directory) comes with the prescripteurs issue.
"""

from django.db import models

from comptes.models import Organisation


class TypeOrganisme(models.TextChoices):
    CAF = "caf", "CAF"
    MSA = "msa", "MSA"
    CCAS = "ccas", "CCAS"
    CIAS = "cias", "CIAS"
    MJC = "mjc", "MJC"
    UDAF = "udaf", "UDAF"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CMS = "cms", "Centre médico-social / maison départementale des solidarités"
    MAIRIE = "mairie", "Mairie"
    ASSOCIATION = "association", "Association"
    FRANCE_SERVICES = "france_services", "France Services"
    AUTRE = "autre", "Autre"


class OrganismePrescripteur(Organisation):
    organisation_type = Organisation.Type.PRESCRIPTEUR

    type_organisme = models.CharField(
        "type d’organisme", max_length=30, choices=TypeOrganisme.choices, default=TypeOrganisme.AUTRE
    )
    commune = models.CharField("commune", max_length=100, blank=True)

    class Meta:
        verbose_name = "organisme prescripteur"
        verbose_name_plural = "organismes prescripteurs"
        ordering = ["nom"]
