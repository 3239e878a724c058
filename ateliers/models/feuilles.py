"""The signed attendance sheet of a session, scanned and uploaded. Audit evidence for the
European Social Fund: kept, never overwritten. A replacement keeps the earlier file (with its
reason); the current sheet is the one not replaced. Once a session has a sheet, its roll-call is
locked: corrections need a reason and are journalled."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..stockage import stockage_feuilles
from .ateliers import Seance


def chemin_feuille(instance, nom_fichier: str) -> str:
    extension = nom_fichier.rsplit(".", 1)[-1].lower() if "." in nom_fichier else "bin"
    debut = timezone.localtime(instance.seance.debut)
    return f"{instance.seance.lieu_id}/{debut:%Y/%m}/seance-{instance.seance_id}-{instance.sha256[:16]}.{extension}"


class FeuilleEmargement(models.Model):
    seance = models.ForeignKey(Seance, verbose_name="séance", on_delete=models.PROTECT, related_name="feuilles")
    fichier = models.FileField("fichier", storage=stockage_feuilles, upload_to=chemin_feuille, max_length=255)
    nom_original = models.CharField("nom du fichier déposé", max_length=255)
    type_contenu = models.CharField("type", max_length=40)
    taille = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    deposee_le = models.DateTimeField("déposée le", default=timezone.now, editable=False)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposée par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    remplacee_le = models.DateTimeField("remplacée le", null=True, blank=True)
    motif_remplacement = models.CharField("motif du remplacement", max_length=500, blank=True)

    class Meta:
        verbose_name = "feuille d’émargement signée"
        verbose_name_plural = "feuilles d’émargement signées"
        ordering = ["deposee_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance"], condition=models.Q(remplacee_le__isnull=True), name="une_feuille_courante"
            ),
        ]

    def __str__(self) -> str:
        return f"Feuille de la séance {self.seance_id}"
