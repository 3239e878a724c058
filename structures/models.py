"""Lieux de médiation numérique, described by the national data standard (schema v1.0.2).

A `Lieu` is an `Organisation` (multi-table inheritance, ADR 0002): it has members (responsable,
médiateur) and belongs to one département. It carries the 32 fields of the standard — `nom` is
the organisation's name — plus our own fields (active/closed, accessibility, position source,
Pass numérique flag). Multi-valued fields are `PipeListField`s.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from comptes.models import Organisation

from .fields import PipeListField, encode


class SourcePosition(models.TextChoices):
    IMPORT = "import", "importée avec le lieu"
    COMMUNE = "commune", "centre de la commune"
    CARTE = "carte", "placée sur la carte"


class LieuQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(est_actif=True)

    def avec_valeur(self, field: str, value: str):
        """Places whose multi-valued `field` contains exactly `value`."""
        return self.filter(**{f"{field}__contains": encode([value])})

    def avec_une_des_valeurs(self, field: str, values):
        q = Q()
        for value in values:
            q |= Q(**{f"{field}__contains": encode([value])})
        return self.filter(q) if values else self


def nouvel_identifiant() -> str:
    return f"einclusion-{uuid.uuid4()}"


class Lieu(Organisation):
    organisation_type = Organisation.Type.LIEU

    # --- The standard's fields (nom is Organisation.nom) -------------------------------------
    identifiant = models.CharField(
        "identifiant (id)",
        max_length=255,
        unique=True,
        default=nouvel_identifiant,
        help_text="Identifiant unique du lieu dans le standard ; conservé d’un import à l’autre.",
    )
    pivot = models.CharField("SIRET ou RNA", max_length=14, default="00000000000000", db_index=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    code_insee = models.CharField("code INSEE", max_length=5, blank=True, db_index=True)
    commune_ref = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune (référentiel)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    adresse = models.CharField("adresse", max_length=255, blank=True)
    complement_adresse = models.CharField("complément d’adresse", max_length=255, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    typologie = PipeListField("typologie")
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    courriels = PipeListField("courriels")
    site_web = PipeListField("site web")
    horaires = models.TextField("horaires (format OpenStreetMap)", blank=True)
    presentation_resume = models.CharField("présentation courte", max_length=280, blank=True)
    presentation_detail = models.TextField("présentation détaillée", blank=True)
    source = models.CharField("source", max_length=255, blank=True)
    itinerance = PipeListField("itinérance")
    structure_parente = models.CharField("structure parente", max_length=255, blank=True)
    date_maj = models.DateField("date de mise à jour", default=timezone.localdate)
    services = PipeListField("services")
    publics_specifiquement_adresses = PipeListField("publics spécifiquement adressés")
    prise_en_charge_specifique = PipeListField("prise en charge spécifique")
    frais_a_charge = PipeListField("frais à charge")
    dispositif_programmes_nationaux = PipeListField("dispositifs et programmes nationaux")
    formations_labels = PipeListField("formations et labels")
    autres_formations_labels = models.TextField("autres formations et labels", blank=True)
    modalites_acces = PipeListField("modalités d’accès")
    modalites_accompagnement = PipeListField("modalités d’accompagnement")
    fiche_acces_libre = models.URLField("fiche Acceslibre", max_length=500, blank=True)
    prise_rdv = models.URLField("prise de rendez-vous en ligne", max_length=500, blank=True)

    # --- Our own fields ----------------------------------------------------------------------
    est_actif = models.BooleanField("ouvert", default=True, db_index=True)
    ferme_le = models.DateField("fermé le", null=True, blank=True)
    accessibilite = models.TextField(
        "accessibilité",
        blank=True,
        help_text="Accès en fauteuil, boucle magnétique, stationnement, transports… en quelques mots.",
    )
    source_position = models.CharField(
        "origine de la position", max_length=10, choices=SourcePosition.choices, default=SourcePosition.IMPORT
    )
    # A flag until the Pass numérique issue derives it from qualifications for active dispositifs.
    accepte_pass_numerique = models.BooleanField("accepte le Pass numérique", default=False, db_index=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = LieuQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu de médiation numérique"
        verbose_name_plural = "lieux de médiation numérique"
        ordering = ["nom"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="lieu_position")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90) & Q(latitude__lte=90) & Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="lieu_position_valide",
            ),
            models.CheckConstraint(
                condition=Q(est_actif=True, ferme_le__isnull=True) | Q(est_actif=False, ferme_le__isnull=False),
                name="lieu_fermeture_datee",
            ),
        ]

    @property
    def a_une_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None
