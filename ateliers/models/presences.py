"""Registrations (inscriptions) to a session, the roll-call marks on them, and the cheques taken
at the roll-call. One row per person and session: 1 million rows is the scale to keep in mind."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .ateliers import Seance


class Inscription(models.Model):
    class Statut(models.TextChoices):
        INSCRIT = "inscrit", "Inscrit·e"
        ATTENTE = "attente", "Sur liste d’attente"
        DESINSCRIT = "desinscrit", "Désinscrit·e"

    class Presence(models.TextChoices):
        NON_MARQUEE = "", "Pas encore pointé·e"
        PRESENT = "present", "Présent·e"
        ABSENT = "absent", "Absent·e"
        EXCUSE = "excuse", "Excusé·e"

    class Origine(models.TextChoices):
        ORIENTATION = "orientation", "Orienté·e par un prescripteur"
        ACCUEIL = "accueil", "Venu·e au lieu"

    seance = models.ForeignKey(Seance, verbose_name="séance", on_delete=models.PROTECT, related_name="inscriptions")
    beneficiaire = models.ForeignKey(
        "beneficiaires.Beneficiaire", verbose_name="personne", on_delete=models.PROTECT, related_name="inscriptions"
    )
    statut = models.CharField("inscription", max_length=12, choices=Statut.choices, default=Statut.INSCRIT)
    origine = models.CharField("origine", max_length=12, choices=Origine.choices, default=Origine.ACCUEIL)
    presence = models.CharField("présence", max_length=8, choices=Presence.choices, default="", blank=True)
    marquee_le = models.DateTimeField("pointée le", null=True, blank=True)
    marquee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pointée par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    cree_le = models.DateTimeField("inscrit·e le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="inscrit·e par", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["cree_le", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "beneficiaire"], name="une_inscription_par_personne"),
            models.CheckConstraint(
                condition=models.Q(presence="") | models.Q(statut="inscrit"),
                name="presence_seulement_si_inscrit",
            ),
        ]
        indexes = [models.Index(fields=["beneficiaire", "presence"], name="inscription_personne")]

    def __str__(self) -> str:
        return f"{self.beneficiaire.pseudonyme} à {self.seance_id}"

    @property
    def est_present(self) -> bool:
        return self.presence == self.Presence.PRESENT


class PresenceCheque(models.Model):
    """A cheque redeemed at the roll-call for a present person: the link is kept on the workshop
    side (the Pass numérique ledger knows nothing of sessions)."""

    inscription = models.ForeignKey(
        Inscription, verbose_name="inscription", on_delete=models.PROTECT, related_name="cheques"
    )
    encaissement = models.OneToOneField(
        "pass_numerique.Encaissement", verbose_name="encaissement", on_delete=models.PROTECT, related_name="presence"
    )
    cree_le = models.DateTimeField("le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "chèque pris à l’émargement"
        verbose_name_plural = "chèques pris à l’émargement"
        ordering = ["cree_le", "pk"]

    def __str__(self) -> str:
        return f"Chèque {self.encaissement_id} pour l’inscription {self.inscription_id}"
