"""Carnets and chèques, the ledger of public money, and their redemptions.

Life of a cheque (`Cheque.Statut`, transitions in `etats.py`): généré → doté (in a prescriber's
stock) → remis (handed to a person) → encaissé (redeemed by a qualified place) → remboursé
(paid back to the place); side exits: annulé (opposition) and expiré. Every change goes through
a service and leaves a journal entry.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class CompteurDepartement(models.Model):
    """The last serial and booklet numbers used in a département. Numbers are reserved under a
    row lock and never reused: a cancelled cheque keeps its number."""

    departement = models.OneToOneField(
        "territoires.Departement", on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    dernier_numero_serie = models.BigIntegerField("dernier numéro de série", default=0)
    dernier_numero_carnet = models.IntegerField("dernier numéro de carnet", default=0)

    class Meta:
        verbose_name = "compteur de numéros"
        verbose_name_plural = "compteurs de numéros"

    def __str__(self) -> str:
        return f"{self.departement_id} : série {self.dernier_numero_serie}, carnet {self.dernier_numero_carnet}"


class Carnet(models.Model):
    class Statut(models.TextChoices):
        GENERE = "genere", "En stock au département"
        DOTE = "dote", "En stock chez un prescripteur"
        REMIS = "remis", "Remis à une personne"
        ANNULE = "annule", "Annulé (opposition)"

    dispositif = models.ForeignKey("pass_numerique.Dispositif", on_delete=models.PROTECT, related_name="carnets")
    departement = models.ForeignKey("territoires.Departement", on_delete=models.PROTECT, related_name="+")
    numero = models.IntegerField("numéro de carnet")
    taille = models.PositiveSmallIntegerField("nombre de chèques")
    statut = models.CharField("statut", max_length=8, choices=Statut.choices, default=Statut.GENERE)
    lot = models.CharField("lot de génération", max_length=32, db_index=True)
    genere_le = models.DateTimeField("généré le", default=timezone.now)
    organisme = models.ForeignKey(
        "prescripteurs.OrganismePrescripteur",
        verbose_name="dans le stock de",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carnets",
    )
    dote_le = models.DateTimeField("doté le", null=True, blank=True)
    beneficiaire = models.ForeignKey(
        "beneficiaires.Beneficiaire",
        verbose_name="remis à",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carnets",
    )
    remis_le = models.DateTimeField("remis le", null=True, blank=True)
    remis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="remis par", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "carnet"
        verbose_name_plural = "carnets"
        ordering = ["departement", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "numero"], name="carnet_numero_unique"),
            models.CheckConstraint(condition=models.Q(taille__in=[5, 10]), name="carnet_taille"),
            models.CheckConstraint(
                condition=models.Q(statut__in=["genere", "dote", "remis", "annule"]), name="carnet_statut"
            ),
            models.CheckConstraint(
                condition=~models.Q(statut="remis") | models.Q(beneficiaire__isnull=False, remis_le__isnull=False),
                name="carnet_remis_a_quelqu_un",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut="dote") | models.Q(organisme__isnull=False),
                name="carnet_dote_a_un_organisme",
            ),
        ]
        indexes = [
            models.Index(fields=["organisme", "dispositif", "statut", "numero"], name="carnet_stock"),
            models.Index(fields=["dispositif", "statut", "numero"], name="carnet_dispositif_statut"),
        ]

    def __str__(self) -> str:
        return f"Carnet n° {self.numero}"


class Cheque(models.Model):
    class Statut(models.TextChoices):
        GENERE = "genere", "Généré"
        DOTE = "dote", "Doté"
        REMIS = "remis", "Remis"
        ENCAISSE = "encaisse", "Encaissé"
        REMBOURSE = "rembourse", "Remboursé"
        ANNULE = "annule", "Annulé"
        EXPIRE = "expire", "Expiré"

    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="cheques")
    dispositif = models.ForeignKey("pass_numerique.Dispositif", on_delete=models.PROTECT, related_name="cheques")
    departement = models.ForeignKey("territoires.Departement", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=10, unique=True)
    numero_serie = models.BigIntegerField("numéro de série")
    rang = models.PositiveSmallIntegerField("rang dans le carnet")
    valeur = models.DecimalField("valeur (€)", max_digits=6, decimal_places=2)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.GENERE)
    modifie_le = models.DateTimeField("modifié le", default=timezone.now)
    # The live redemption, copied from Encaissement for fast lists and reports.
    encaisse_le = models.DateTimeField("encaissé le", null=True, blank=True)
    lieu_encaissement = models.ForeignKey(
        "structures.Lieu",
        verbose_name="encaissé par le lieu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    motif_annulation = models.CharField("motif d’annulation", max_length=500, blank=True)
    expire_le = models.DateTimeField("expiré le", null=True, blank=True)
    rembourse_le = models.DateTimeField("remboursé le", null=True, blank=True)

    class Meta:
        verbose_name = "chèque"
        verbose_name_plural = "chèques"
        ordering = ["departement", "numero_serie"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "numero_serie"], name="cheque_serie_unique"),
            models.UniqueConstraint(fields=["carnet", "rang"], name="cheque_rang_unique"),
            models.CheckConstraint(condition=models.Q(valeur__gt=0), name="cheque_valeur_positive"),
            models.CheckConstraint(
                condition=models.Q(statut__in=["genere", "dote", "remis", "encaisse", "rembourse", "annule", "expire"]),
                name="cheque_statut",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut__in=["encaisse", "rembourse"])
                | models.Q(encaisse_le__isnull=False, lieu_encaissement__isnull=False),
                name="cheque_encaisse_par_un_lieu",
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$"), name="cheque_code_format"
            ),
        ]
        indexes = [
            models.Index(fields=["dispositif", "statut"], name="cheque_dispositif_statut"),
            models.Index(fields=["lieu_encaissement", "statut"], name="cheque_lieu_statut"),
        ]

    def __str__(self) -> str:
        return f"Chèque n° {self.numero_serie}"


class Encaissement(models.Model):
    """A redemption. At most one live (not undone) per cheque: the database says so."""

    class Source(models.TextChoices):
        PAGE = "page", "Page d’encaissement"
        API = "api", "API"
        EMARGEMENT = "emargement", "Appel d’une séance"

    cheque = models.ForeignKey(Cheque, on_delete=models.PROTECT, related_name="encaissements")
    lieu = models.ForeignKey("structures.Lieu", on_delete=models.PROTECT, related_name="encaissements")
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    jeton = models.ForeignKey(
        "pass_numerique.JetonAPI", verbose_name="jeton d’API", on_delete=models.PROTECT, null=True, related_name="+"
    )
    source = models.CharField("source", max_length=12, choices=Source.choices)
    le = models.DateTimeField("le", default=timezone.now)
    # A resubmitted form (or a retried API call) with the same key gives the same answer.
    cle_idempotence = models.CharField("clé d’idempotence", max_length=64, blank=True)
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    annule_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="annulé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    motif_annulation = models.CharField("motif de l’annulation", max_length=500, blank=True)

    class Meta:
        verbose_name = "encaissement"
        verbose_name_plural = "encaissements"
        ordering = ["-le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cheque"], condition=models.Q(annule_le__isnull=True), name="un_encaissement_par_cheque"
            ),
            models.UniqueConstraint(
                fields=["lieu", "cle_idempotence"],
                condition=~models.Q(cle_idempotence=""),
                name="encaissement_idempotent",
            ),
        ]
        indexes = [models.Index(fields=["lieu", "-le"], name="encaissement_lieu_date")]

    def __str__(self) -> str:
        return f"Encaissement du chèque {self.cheque_id} par {self.lieu_id}"


class Derogation(models.Model):
    """A coordinator allows one more booklet for a person and a dispositif, with a reason. Used
    by the next remise."""

    beneficiaire = models.ForeignKey(
        "beneficiaires.Beneficiaire", on_delete=models.PROTECT, related_name="derogations_pass"
    )
    dispositif = models.ForeignKey("pass_numerique.Dispositif", on_delete=models.PROTECT, related_name="+")
    motif = models.CharField("motif", max_length=500)
    accordee_le = models.DateTimeField("accordée le", default=timezone.now)
    accordee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="accordée par", on_delete=models.PROTECT, related_name="+"
    )
    carnet = models.OneToOneField(
        Carnet, verbose_name="utilisée pour le carnet", on_delete=models.PROTECT, null=True, related_name="derogation"
    )

    class Meta:
        verbose_name = "dérogation"
        verbose_name_plural = "dérogations"
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiaire", "dispositif"],
                condition=models.Q(carnet__isnull=True),
                name="une_derogation_ouverte",
            ),
            models.CheckConstraint(condition=~models.Q(motif=""), name="derogation_motivee"),
        ]

    def __str__(self) -> str:
        return f"Dérogation pour {self.beneficiaire.pseudonyme} — {self.dispositif}"
