"""API tokens of places (redemption API). Only the SHA-256 of a token is stored; the token is
shown once, when created."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JetonAPI(models.Model):
    lieu = models.ForeignKey("structures.Lieu", on_delete=models.PROTECT, related_name="jetons_api")
    nom = models.CharField("nom", max_length=100)
    prefixe = models.CharField("début du jeton", max_length=12)
    empreinte = models.CharField("empreinte", max_length=64, unique=True, editable=False)
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)
    revoque_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="révoqué par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    dernier_usage_le = models.DateTimeField("dernier usage le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d’API"
        verbose_name_plural = "jetons d’API"
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.prefixe}…)"

    @property
    def est_actif(self) -> bool:
        return self.revoque_le is None
