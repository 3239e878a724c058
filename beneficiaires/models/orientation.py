"""An orientation: a prescriber sends a person to a place, which answers."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from structures.fields import PipeListField

# An orientation still « à contacter » after this long is flagged to the place and the agent.
DELAI_SANS_REPONSE = datetime.timedelta(days=8)


class OrientationQuerySet(models.QuerySet):
    def sans_reponse_depuis(self, delai: datetime.timedelta = DELAI_SANS_REPONSE, *, maintenant=None):
        limite = (maintenant or timezone.now()) - delai
        return self.filter(statut=Orientation.Statut.A_CONTACTER, cree_le__lte=limite)


class Orientation(models.Model):
    class Statut(models.TextChoices):
        A_CONTACTER = "a_contacter", "À contacter"
        PRIS_EN_CHARGE = "pris_en_charge", "Pris·e en charge"
        REFUSEE = "refusee", "Refusée"

    beneficiaire = models.ForeignKey(
        "beneficiaires.Beneficiaire", verbose_name="bénéficiaire", on_delete=models.PROTECT, related_name="orientations"
    )
    lieu = models.ForeignKey(
        "structures.Lieu", verbose_name="lieu", on_delete=models.PROTECT, related_name="orientations"
    )
    organisme = models.ForeignKey(
        "prescripteurs.OrganismePrescripteur",
        verbose_name="organisme prescripteur",
        on_delete=models.PROTECT,
        related_name="orientations",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="orienté·e par", on_delete=models.PROTECT, related_name="+"
    )
    cree_le = models.DateTimeField("orienté·e le", default=timezone.now, db_index=True)
    besoins = PipeListField("besoins")
    # To the place, e.g. « préfère être appelée le matin ». Erased by the anonymisation.
    message = models.TextField("message au lieu", blank=True)

    statut = models.CharField("statut", max_length=16, choices=Statut.choices, default=Statut.A_CONTACTER)
    motif_refus = models.TextField("motif du refus", blank=True)
    repondu_le = models.DateTimeField("réponse le", null=True, blank=True)
    repondu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="réponse par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    relance_le = models.DateTimeField("signalée sans réponse le", null=True, blank=True)

    objects = OrientationQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut__in=["a_contacter", "pris_en_charge", "refusee"]),
                name="orientation_statut_valide",
            ),
            models.CheckConstraint(
                condition=models.Q(statut="a_contacter", repondu_le__isnull=True)
                | (~models.Q(statut="a_contacter") & models.Q(repondu_le__isnull=False)),
                name="orientation_reponse_datee",
            ),
            # An anonymised orientation keeps its status; its reason is erased (« » allowed then).
            # One open orientation per person and place.
            models.UniqueConstraint(
                fields=["beneficiaire", "lieu"],
                condition=models.Q(statut="a_contacter"),
                name="une_orientation_ouverte_par_lieu",
            ),
        ]
        indexes = [
            models.Index(fields=["lieu", "statut", "-cree_le"], name="orientation_lieu_statut"),
            models.Index(fields=["organisme", "statut"], name="orientation_organisme_statut"),
            # The prescriber's list filters « this person's orientations from my organisation with
            # this status »: without it SQLite walks people × orientations (bench/beneficiaires_liste.py).
            models.Index(fields=["beneficiaire", "organisme", "statut"], name="orientation_personne_org"),
        ]

    def __str__(self) -> str:
        return f"Orientation n° {self.pk} vers {self.lieu}"

    @property
    def est_sans_reponse(self) -> bool:
        return self.statut == self.Statut.A_CONTACTER and self.cree_le <= timezone.now() - DELAI_SANS_REPONSE
