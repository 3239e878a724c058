"""Workshops (ateliers) of a place and their sessions (séances)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from structures.fields import PipeListField

from ..themes import Format, Niveau, libelles_themes

DUREE_MAX_MINUTES = 8 * 60
CAPACITE_MAX = 200


class AtelierQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(archive_le__isnull=True)


class Atelier(models.Model):
    lieu = models.ForeignKey("structures.Lieu", verbose_name="lieu", on_delete=models.PROTECT, related_name="ateliers")
    titre = models.CharField("titre", max_length=150)
    themes = PipeListField("thèmes")
    niveau = models.CharField("niveau", max_length=15, choices=Niveau.choices, default=Niveau.DEBUTANT)
    format = models.CharField("format", max_length=12, choices=Format.choices, default=Format.COLLECTIF)
    duree_minutes = models.PositiveSmallIntegerField("durée habituelle (minutes)", default=120)
    capacite = models.PositiveSmallIntegerField("capacité (personnes)", default=8)
    accepte_pass = models.BooleanField("accepte les chèques Pass numérique", default=False)
    cheques_par_seance = models.PositiveSmallIntegerField("chèques par séance et par personne", default=1)
    dispositif = models.ForeignKey(
        "pass_numerique.Dispositif",
        verbose_name="dispositif",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ateliers",
        help_text="Le dispositif qui finance l’atelier : son nom et ses financeurs figurent sur la feuille "
        "d’émargement.",
    )
    description = models.TextField("description", blank=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    archive_le = models.DateTimeField("archivé le", null=True, blank=True)

    objects = AtelierQuerySet.as_manager()

    class Meta:
        verbose_name = "atelier"
        verbose_name_plural = "ateliers"
        ordering = ["titre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duree_minutes__gte=5, duree_minutes__lte=DUREE_MAX_MINUTES),
                name="atelier_duree_valide",
            ),
            models.CheckConstraint(
                condition=models.Q(capacite__gte=1, capacite__lte=CAPACITE_MAX), name="atelier_capacite_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(cheques_par_seance__gte=1, cheques_par_seance__lte=10),
                name="atelier_cheques_par_seance_valide",
            ),
        ]
        indexes = [models.Index(fields=["lieu", "archive_le"], name="atelier_lieu")]

    def __str__(self) -> str:
        return self.titre

    @property
    def est_actif(self) -> bool:
        return self.archive_le is None

    @property
    def est_individuel(self) -> bool:
        return self.format == Format.INDIVIDUEL

    @property
    def themes_libelles(self) -> list[str]:
        return libelles_themes(self.themes)


class SeanceQuerySet(models.QuerySet):
    def maintenues(self):
        return self.filter(annulee_le__isnull=True)

    def du_lieu(self, lieu_id):
        return self.filter(lieu_id=lieu_id)


class Seance(models.Model):
    """One session of a workshop on a date. `lieu` is the organising place (the scope of every
    permission check), copied from the workshop; an itinerant session names another commune."""

    atelier = models.ForeignKey(Atelier, verbose_name="atelier", on_delete=models.PROTECT, related_name="seances")
    lieu = models.ForeignKey("structures.Lieu", verbose_name="lieu", on_delete=models.PROTECT, related_name="seances")
    debut = models.DateTimeField("début")
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    capacite = models.PositiveSmallIntegerField("capacité (personnes)")
    itinerante = models.BooleanField("séance itinérante (hors du lieu)", default=False)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune (séance itinérante)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    adresse = models.CharField("adresse (séance itinérante)", max_length=255, blank=True)
    mediateurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="médiateur·rices", related_name="seances_animees", blank=True
    )
    serie = models.UUIDField("série", null=True, blank=True, db_index=True, editable=False)
    participants_anonymes = models.PositiveSmallIntegerField(
        "participant·es venu·es sans inscription (anonymes)", default=0
    )
    # Set when the signed attendance sheet is uploaded: the roll-call is then locked.
    verrouillee_le = models.DateTimeField("émargement verrouillé le", null=True, blank=True)
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    motif_annulation = models.CharField("motif d’annulation", max_length=500, blank=True)
    cree_le = models.DateTimeField("créée le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = SeanceQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duree_minutes__gte=5, duree_minutes__lte=DUREE_MAX_MINUTES),
                name="seance_duree_valide",
            ),
            models.CheckConstraint(
                condition=models.Q(capacite__gte=1, capacite__lte=CAPACITE_MAX), name="seance_capacite_valide"
            ),
            models.CheckConstraint(
                condition=models.Q(itinerante=False) | models.Q(commune__isnull=False),
                name="seance_itinerante_a_une_commune",
            ),
        ]
        indexes = [
            models.Index(fields=["lieu", "debut"], name="seance_lieu_debut"),
            models.Index(fields=["atelier", "debut"], name="seance_atelier_debut"),
        ]

    def __str__(self) -> str:
        return f"{self.atelier.titre} — {timezone.localtime(self.debut):%d/%m/%Y %H:%M}"

    @property
    def fin(self) -> datetime.datetime:
        return self.debut + datetime.timedelta(minutes=self.duree_minutes)

    @property
    def est_annulee(self) -> bool:
        return self.annulee_le is not None

    @property
    def est_verrouillee(self) -> bool:
        return self.verrouillee_le is not None

    @property
    def est_passee(self) -> bool:
        return self.debut < timezone.now()

    @property
    def heures(self) -> float:
        return self.duree_minutes / 60
