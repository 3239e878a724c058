"""Funding reports (requested or scheduled, produced by Celery, stored privately with an expiry and
a checksum) and the cost lines a coordinator records for a dispositif besides the cheques.

See docs/adr/0011-rapports-de-financement.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from structures.fields import PipeListField

from .stockage import stockage_rapports


class Format(models.TextChoices):
    PDF = "pdf", "PDF (à signer et transmettre)"
    XLSX = "xlsx", "Classeur XLSX (tableur)"
    CSV_FR = "csv_fr", "CSV pour tableur français (point-virgule, virgule décimale)"
    CSV = "csv", "CSV standard (virgule, point décimal)"


EXTENSIONS = {Format.PDF: "pdf", Format.XLSX: "xlsx", Format.CSV_FR: "zip", Format.CSV: "zip"}


class LigneCout(models.Model):
    """A cost of the operation other than the redeemed cheques (coordination, engineering…). It is
    part of the eligible cost of a report when its date falls in the report's period."""

    dispositif = models.ForeignKey("pass_numerique.Dispositif", on_delete=models.PROTECT, related_name="lignes_cout")
    libelle = models.CharField("libellé", max_length=200)
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    date = models.DateField("date de la dépense")
    cree_le = models.DateTimeField("saisie le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "ligne de coût"
        verbose_name_plural = "lignes de coût"
        ordering = ["dispositif", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="ligne_cout_montant_positif"),
            models.CheckConstraint(condition=~models.Q(libelle=""), name="ligne_cout_libelle"),
        ]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.montant} €)"


class RapportQuerySet(models.QuerySet):
    def a_relancer(self):
        """Waiting reports the broker never accepted (it was down when they were asked)."""
        return self.filter(statut=Rapport.Statut.ATTENTE, en_file=False)


class Rapport(models.Model):
    class Statut(models.TextChoices):
        ATTENTE = "attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Prêt"
        ECHEC = "echec", "Échec"
        EXPIRE = "expire", "Expiré (fichiers supprimés)"

    # None: a whole-instance report, only from the command line.
    departement = models.ForeignKey(
        "territoires.Departement", verbose_name="département", on_delete=models.PROTECT, null=True, related_name="+"
    )
    dispositifs = models.ManyToManyField(
        "pass_numerique.Dispositif", verbose_name="dispositifs", related_name="rapports"
    )
    du = models.DateField("du")
    au = models.DateField("au")
    formats = PipeListField("formats")
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    etape = models.CharField("étape", max_length=200, blank=True)
    erreur = models.TextField("raison de l’échec", blank=True)
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    # True once the broker accepted the task; False while Redis was down (a periodic task retries).
    en_file = models.BooleanField("transmis à la file d’attente", default=False)
    demande_le = models.DateTimeField("demandé le", default=timezone.now, editable=False)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The membership it was asked with: the task re-checks it is still active and allowed.
    membership = models.ForeignKey(
        "comptes.Membership", verbose_name="au titre de", on_delete=models.PROTECT, null=True, related_name="+"
    )
    # "mensuel:<dispositif>:<YYYY-MM>" for the scheduled monthly reports: created once.
    cle_planification = models.CharField("clé de planification", max_length=64, blank=True)
    commence_le = models.DateTimeField("commencé le", null=True, blank=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    expire_le = models.DateTimeField("fichiers conservés jusqu’au", null=True, blank=True)

    objects = RapportQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport de financement"
        verbose_name_plural = "rapports de financement"
        ordering = ["-demande_le", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(au__gte=models.F("du")), name="rapport_periode"),
            models.CheckConstraint(
                condition=models.Q(statut__in=["attente", "en_cours", "termine", "echec", "expire"]),
                name="rapport_statut",
            ),
            models.CheckConstraint(condition=models.Q(progression__lte=100), name="rapport_progression"),
            models.UniqueConstraint(
                fields=["cle_planification"], condition=~models.Q(cle_planification=""), name="rapport_planifie_unique"
            ),
        ]
        indexes = [models.Index(fields=["statut", "en_file"], name="rapport_statut_file")]

    def __str__(self) -> str:
        return f"Rapport n° {self.pk} du {self.du:%d/%m/%Y} au {self.au:%d/%m/%Y}"

    @property
    def planifie(self) -> bool:
        return bool(self.cle_planification)

    @property
    def en_cours_ou_attente(self) -> bool:
        return self.statut in (self.Statut.ATTENTE, self.Statut.EN_COURS)


def chemin_fichier(instance: "FichierRapport", filename: str) -> str:
    return f"{instance.rapport.demande_le:%Y/%m}/{filename}"


class FichierRapport(models.Model):
    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="fichiers")
    format = models.CharField("format", max_length=8, choices=Format.choices)
    fichier = models.FileField("fichier", storage=stockage_rapports, upload_to=chemin_fichier, max_length=255)
    nom = models.CharField("nom du fichier", max_length=200)
    taille = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    cree_le = models.DateTimeField("produit le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "fichier de rapport"
        verbose_name_plural = "fichiers de rapport"
        ordering = ["rapport", "format"]
        constraints = [models.UniqueConstraint(fields=["rapport", "format"], name="un_fichier_par_format")]

    def __str__(self) -> str:
        return self.nom
