"""A place met the person itself (at the door, at a workshop): the place then sees the record's
place fields (CHAMPS_LIEU), as it does for the people oriented to it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Accueil(models.Model):
    class Origine(models.TextChoices):
        CREATION = "creation", "A créé la fiche"
        RATTACHEMENT = "rattachement", "Retrouvée par son identité"
        FUSION = "fusion", "Reprise lors d’une fusion"

    beneficiaire = models.ForeignKey(
        "beneficiaires.Beneficiaire", verbose_name="bénéficiaire", on_delete=models.PROTECT, related_name="accueils"
    )
    lieu = models.ForeignKey("structures.Lieu", verbose_name="lieu", on_delete=models.PROTECT, related_name="accueils")
    origine = models.CharField("origine", max_length=12, choices=Origine.choices)
    cree_le = models.DateTimeField("depuis le", default=timezone.now)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "accueil dans un lieu"
        verbose_name_plural = "accueils dans un lieu"
        ordering = ["cree_le", "pk"]
        constraints = [models.UniqueConstraint(fields=["beneficiaire", "lieu"], name="un_accueil_par_lieu")]
        indexes = [models.Index(fields=["lieu", "beneficiaire"], name="accueil_lieu")]

    def __str__(self) -> str:
        return f"{self.lieu} accueille {self.beneficiaire.pseudonyme}"
