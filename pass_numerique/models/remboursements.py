"""Reimbursing places: monthly bordereaux of redeemed cheques, validated line by line and paid,
and the place's bank details."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class CoordonneesBancaires(models.Model):
    """A place's IBAN (checked with its ISO 13616 key). Shown masked except to the place's
    responsable and the coordinators; every change is journalled (the journal keeps the masked
    form only)."""

    lieu = models.OneToOneField(
        "structures.Lieu", on_delete=models.PROTECT, related_name="coordonnees_bancaires", primary_key=True
    )
    titulaire = models.CharField("titulaire du compte", max_length=200)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    modifie_le = models.DateTimeField("modifié le", default=timezone.now)
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="modifié par", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "coordonnées bancaires"
        verbose_name_plural = "coordonnées bancaires"

    def __str__(self) -> str:
        return f"{self.titulaire} — {self.iban_masque}"

    @property
    def iban_masque(self) -> str:
        """'FR76 •••• •••• •••• •••• •••• 189' : the country, the key and the last three."""
        if len(self.iban) < 8:
            return "•" * len(self.iban)
        return f"{self.iban[:4]} {'•••• ' * ((len(self.iban) - 7) // 4)}{self.iban[-3:]}".strip()


class Bordereau(models.Model):
    class Statut(models.TextChoices):
        A_VALIDER = "a_valider", "À valider"
        VALIDE = "valide", "Validé"
        PAYE = "paye", "Payé"

    lieu = models.ForeignKey("structures.Lieu", on_delete=models.PROTECT, related_name="bordereaux")
    dispositif = models.ForeignKey("pass_numerique.Dispositif", on_delete=models.PROTECT, related_name="bordereaux")
    departement = models.ForeignKey("territoires.Departement", on_delete=models.PROTECT, related_name="+")
    numero = models.CharField("numéro", max_length=40, unique=True)
    mois = models.DateField("mois (premier jour)")
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.A_VALIDER)
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="validé par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    montant_valide = models.DecimalField("montant validé (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    paye_le = models.DateField("payé le", null=True, blank=True)
    reference_paiement = models.CharField("référence du paiement", max_length=100, blank=True)
    paiement_saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="paiement saisi par",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "bordereau de remboursement"
        verbose_name_plural = "bordereaux de remboursement"
        ordering = ["-mois", "lieu"]
        constraints = [
            models.UniqueConstraint(fields=["lieu", "dispositif", "mois"], name="un_bordereau_par_mois"),
            models.CheckConstraint(
                condition=models.Q(statut__in=["a_valider", "valide", "paye"]), name="bordereau_statut"
            ),
            models.CheckConstraint(
                condition=~models.Q(statut="paye") | models.Q(paye_le__isnull=False) & ~models.Q(reference_paiement=""),
                name="bordereau_paiement_renseigne",
            ),
            models.CheckConstraint(
                condition=models.Q(montant_valide__isnull=True) | models.Q(montant_valide__gte=0),
                name="bordereau_montant_positif",
            ),
        ]

    def __str__(self) -> str:
        return f"Bordereau {self.numero}"


class LigneBordereau(models.Model):
    class Statut(models.TextChoices):
        A_VALIDER = "a_valider", "À valider"
        VALIDEE = "validee", "Validée"
        REJETEE = "rejetee", "Rejetée"

    bordereau = models.ForeignKey(Bordereau, on_delete=models.PROTECT, related_name="lignes")
    cheque = models.ForeignKey("pass_numerique.Cheque", on_delete=models.PROTECT, related_name="lignes_bordereau")
    montant = models.DecimalField("montant (€)", max_digits=6, decimal_places=2)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.A_VALIDER)
    motif_rejet = models.CharField("motif du rejet", max_length=500, blank=True)

    class Meta:
        verbose_name = "ligne de bordereau"
        verbose_name_plural = "lignes de bordereau"
        ordering = ["bordereau", "cheque__numero_serie"]
        constraints = [
            # A cheque is claimed once; a rejected line gives it back to the place for a later claim.
            models.UniqueConstraint(
                fields=["cheque"], condition=~models.Q(statut="rejetee"), name="un_remboursement_par_cheque"
            ),
            models.CheckConstraint(
                condition=~models.Q(statut="rejetee") | ~models.Q(motif_rejet=""), name="ligne_rejet_motive"
            ),
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="ligne_montant_positif"),
        ]

    def __str__(self) -> str:
        return f"Ligne {self.pk} du bordereau {self.bordereau_id}"
