"""Organismes prescripteurs: organisations whose agents hand out cheques and orient people.

An `OrganismePrescripteur` is an `Organisation` (multi-table inheritance, ADR 0002): members,
invitations and the current-organisation switch come from `comptes`. Coordinators create them;
their référent manages the agents.
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
    siret = models.CharField("SIRET", max_length=14, blank=True, db_index=True)
    adresse = models.CharField("adresse", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    courriel = models.EmailField("adresse e-mail de contact", blank=True)
    ferme_le = models.DateTimeField("fermé le", null=True, blank=True)

    class Meta:
        verbose_name = "organisme prescripteur"
        verbose_name_plural = "organismes prescripteurs"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siret="") | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="prescripteur_siret_format",
            ),
        ]

    @property
    def est_actif(self) -> bool:
        return self.ferme_le is None
