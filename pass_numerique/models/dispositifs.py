"""Dispositifs (funded operations), their financeurs, qualified places and prescribers."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from structures.fields import PipeListField

VALEUR_FACIALE_DEFAUT = Decimal("10.00")
TAILLES_CARNET = (5, 10)


class DispositifQuerySet(models.QuerySet):
    def actifs(self, *, jour: datetime.date | None = None):
        """Dispositifs whose cheques can be redeemed today: started, not closed, within the
        validity end date plus the tolerance."""
        jour = jour or timezone.localdate()
        return self.filter(debut__lte=jour, clos_le__isnull=True).filter(fin_encaissement__gte=jour)


class Dispositif(models.Model):
    departement = models.ForeignKey(
        "territoires.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    nom = models.CharField("nom", max_length=200)
    reseau = models.CharField("réseau opérateur", max_length=200, blank=True)
    debut = models.DateField("début de l’opération")
    fin = models.DateField("fin de l’opération")
    validite_fin = models.DateField("fin de validité des chèques")
    tolerance_jours = models.PositiveSmallIntegerField("tolérance après la fin de validité (jours)", default=30)
    # validite_fin + tolerance_jours, stored so that « active » and « expired » are indexable.
    fin_encaissement = models.DateField("dernier jour d’encaissement", editable=False)
    valeur_faciale = models.DecimalField(
        "valeur d’un chèque (€)", max_digits=6, decimal_places=2, default=VALEUR_FACIALE_DEFAUT
    )
    tailles_carnet = PipeListField("tailles de carnet autorisées")
    publics = PipeListField("publics éligibles")
    part_cible_prioritaires = models.DecimalField(
        "part cible de publics prioritaires (%)", max_digits=5, decimal_places=2, default=Decimal("50")
    )
    budget = models.DecimalField("budget (€)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    clos_le = models.DateTimeField("clos le", null=True, blank=True)

    objects = DispositifQuerySet.as_manager()

    class Meta:
        verbose_name = "dispositif"
        verbose_name_plural = "dispositifs"
        ordering = ["-debut", "nom"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fin__gte=models.F("debut")), name="dispositif_periode"),
            models.CheckConstraint(condition=models.Q(validite_fin__gte=models.F("debut")), name="dispositif_validite"),
            models.CheckConstraint(condition=models.Q(valeur_faciale__gt=0), name="dispositif_valeur_positive"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="dispositif_budget_positif"),
            models.CheckConstraint(
                condition=models.Q(part_cible_prioritaires__gte=0, part_cible_prioritaires__lte=100),
                name="dispositif_part_cible",
            ),
            models.UniqueConstraint(fields=["departement", "nom"], name="dispositif_nom_unique"),
        ]

    def __str__(self) -> str:
        return self.nom

    def save(self, *args, **kwargs):
        self.fin_encaissement = self.validite_fin + datetime.timedelta(days=self.tolerance_jours)
        super().save(*args, **kwargs)

    def est_actif(self, jour: datetime.date | None = None) -> bool:
        jour = jour or timezone.localdate()
        return self.clos_le is None and self.debut <= jour <= self.fin_encaissement


class Financeur(models.Model):
    """A co-funder and its share. The shares of a dispositif add up to exactly 100 (checked by
    the service that saves them all at once)."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="financeurs")
    nom = models.CharField("nom", max_length=200)
    pourcentage = models.DecimalField("part (%)", max_digits=5, decimal_places=2)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"
        ordering = ["ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pourcentage__gt=0, pourcentage__lte=100), name="financeur_pourcentage"
            ),
            models.UniqueConstraint(fields=["dispositif", "nom"], name="financeur_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.pourcentage} %)"


class Qualification(models.Model):
    """A place's status for a dispositif: only « qualifié » places accept its cheques."""

    class Statut(models.TextChoices):
        CANDIDAT = "candidat", "Candidat"
        QUALIFIE = "qualifie", "Qualifié"
        SUSPENDU = "suspendu", "Suspendu"

    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="qualifications")
    lieu = models.ForeignKey("structures.Lieu", on_delete=models.PROTECT, related_name="qualifications")
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.CANDIDAT)
    decide_le = models.DateTimeField("décidé le", default=timezone.now)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="décidé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    motif = models.CharField("motif", max_length=500, blank=True)

    class Meta:
        verbose_name = "qualification"
        verbose_name_plural = "qualifications"
        ordering = ["dispositif", "lieu"]
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "lieu"], name="une_qualification_par_lieu"),
            models.CheckConstraint(
                condition=models.Q(statut__in=["candidat", "qualifie", "suspendu"]), name="qualification_statut"
            ),
        ]
        indexes = [models.Index(fields=["lieu", "statut"], name="qualification_lieu_statut")]

    def __str__(self) -> str:
        return f"{self.lieu} — {self.dispositif} — {self.get_statut_display()}"


class Participation(models.Model):
    """A prescriber organisation takes part in a dispositif (receives its booklets)."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="participations")
    organisme = models.ForeignKey(
        "prescripteurs.OrganismePrescripteur", on_delete=models.PROTECT, related_name="participations"
    )
    depuis_le = models.DateTimeField("depuis le", default=timezone.now)

    class Meta:
        verbose_name = "participation"
        verbose_name_plural = "participations"
        constraints = [models.UniqueConstraint(fields=["dispositif", "organisme"], name="une_participation")]

    def __str__(self) -> str:
        return f"{self.organisme} — {self.dispositif}"
