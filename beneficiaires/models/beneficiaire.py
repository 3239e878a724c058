"""The person helped, and which prescriber organisations follow them.

Personal data: every field is classified in `beneficiaires/anonymisation.py` (erased or kept
pseudonymised), and a test fails when a new field is not. The journal never stores a name: it
names a person by `pseudonyme`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from structures.fields import PipeListField

from ..diagnostic import NiveauAutonomie
from ..fse import NiveauEtudes, Reponse, Sexe, SituationEmploi


class Public(models.TextChoices):
    """Eligibility publics (PRODUCT.md). A dispositif lists those it accepts."""

    RSA = "rsa", "Bénéficiaire du RSA"
    AAH = "aah", "Bénéficiaire de l’AAH"
    DEMANDEUR_EMPLOI = "demandeur_emploi", "Demandeur·se d’emploi"
    JEUNE_MISSION_LOCALE = "jeune_mission_locale", "Jeune suivi·e par une mission locale"
    SENIOR = "senior", "Senior"
    AIDE_DOMICILE = "aide_domicile", "Salarié·e de l’aide à domicile"
    QUOTIENT_FAMILIAL = "quotient_familial", "Famille sous un plafond de quotient familial"
    AUTRE = "autre", "Autre"


class BeneficiaireQuerySet(models.QuerySet):
    def actifs(self):
        """Neither anonymised nor merged into another record."""
        return self.filter(anonymise_le__isnull=True, fusionne_dans__isnull=True)

    def avec_public(self, public: str):
        return self.filter(publics__contains=f"|{public}|")


class Beneficiaire(models.Model):
    departement = models.ForeignKey(
        "territoires.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    pseudonyme = models.CharField("référence", max_length=12, unique=True, editable=False)

    # Identity and contact: erased by the anonymisation.
    nom = models.CharField("nom", max_length=100, blank=True)
    prenom = models.CharField("prénom", max_length=100, blank=True)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    notes = models.TextField("notes", blank=True)
    # Derived from the identity, for the duplicate check and the name search.
    cle_doublon = models.CharField("clé de doublon", max_length=255, blank=True, editable=False)
    texte_recherche = models.CharField("texte de recherche", max_length=255, blank=True, editable=False)

    commune = models.ForeignKey(
        "territoires.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="+"
    )
    publics = PipeListField("publics d’éligibilité")

    # FSE+ entry indicators (kept by the anonymisation).
    sexe = models.CharField("sexe", max_length=12, choices=Sexe.choices)
    situation_emploi = models.CharField(
        "situation vis-à-vis de l’emploi", max_length=24, choices=SituationEmploi.choices
    )
    niveau_etudes = models.CharField("niveau d’études", max_length=12, choices=NiveauEtudes.choices)
    handicap = models.CharField("handicap", max_length=3, choices=Reponse.choices)
    pays_tiers = models.CharField("ressortissant·e de pays tiers", max_length=3, choices=Reponse.choices)
    origine_etrangere = models.CharField("origine étrangère", max_length=3, choices=Reponse.choices)
    minorite = models.CharField("minorité", max_length=3, choices=Reponse.choices)
    sans_abri = models.CharField("sans abri ou exclu·e du logement", max_length=3, choices=Reponse.choices)
    age_a_l_entree = models.PositiveSmallIntegerField("âge à l’entrée", null=True, blank=True, editable=False)
    zone_rurale = models.BooleanField("zone rurale", null=True, blank=True, editable=False)

    # Needs diagnostic (erased by the anonymisation: the funders' audit does not need it).
    besoins = PipeListField("besoins")
    niveau_autonomie = models.PositiveSmallIntegerField(
        "niveau d’autonomie", choices=NiveauAutonomie.choices, null=True, blank=True
    )

    information_rgpd_le = models.DateField("information sur les données personnelles donnée le")

    cree_le = models.DateTimeField("créée le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", on_delete=models.PROTECT, null=True, related_name="+"
    )
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)
    derniere_activite_le = models.DateTimeField("dernière activité le", default=timezone.now, db_index=True)
    anonymise_le = models.DateTimeField("anonymisée le", null=True, blank=True)
    fusionne_dans = models.ForeignKey(
        "self",
        verbose_name="fusionnée dans",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fusionnes",
    )
    fusionne_le = models.DateTimeField("fusionnée le", null=True, blank=True)

    objects = BeneficiaireQuerySet.as_manager()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["texte_recherche", "pk"]
        constraints = [
            # Two live records of one département never describe the same person.
            models.UniqueConstraint(
                fields=["departement", "cle_doublon"],
                condition=models.Q(anonymise_le__isnull=True, fusionne_dans__isnull=True) & ~models.Q(cle_doublon=""),
                name="beneficiaire_unique_par_departement",
            ),
            models.CheckConstraint(
                condition=models.Q(fusionne_dans__isnull=True, fusionne_le__isnull=True)
                | models.Q(fusionne_dans__isnull=False, fusionne_le__isnull=False),
                name="beneficiaire_fusion_datee",
            ),
            models.CheckConstraint(
                condition=models.Q(anonymise_le__isnull=False) | (~models.Q(nom="") & ~models.Q(prenom="")),
                name="beneficiaire_identite_ou_anonyme",
            ),
            models.CheckConstraint(
                condition=models.Q(niveau_autonomie__isnull=True)
                | models.Q(niveau_autonomie__gte=1, niveau_autonomie__lte=4),
                name="beneficiaire_autonomie_valide",
            ),
        ]
        indexes = [
            models.Index(fields=["departement", "cle_doublon"], name="beneficiaire_dep_cle"),
            models.Index(fields=["departement", "texte_recherche"], name="beneficiaire_dep_recherche"),
        ]

    def __str__(self) -> str:
        if self.anonymise_le:
            return f"Personne anonymisée ({self.pseudonyme})"
        return f"{self.prenom} {self.nom}"

    @property
    def est_anonymise(self) -> bool:
        return self.anonymise_le is not None

    @property
    def est_fusionne(self) -> bool:
        return self.fusionne_dans_id is not None


class Suivi(models.Model):
    """A prescriber organisation follows a person: its agents see and act on the record."""

    class Origine(models.TextChoices):
        CREATION = "creation", "A créé la fiche"
        RATTACHEMENT = "rattachement", "Rattachée à une fiche existante"
        FUSION = "fusion", "Reprise lors d’une fusion"

    beneficiaire = models.ForeignKey(Beneficiaire, on_delete=models.PROTECT, related_name="suivis")
    organisme = models.ForeignKey(
        "prescripteurs.OrganismePrescripteur", verbose_name="organisme", on_delete=models.PROTECT, related_name="suivis"
    )
    origine = models.CharField("origine", max_length=12, choices=Origine.choices)
    cree_le = models.DateTimeField("depuis le", default=timezone.now)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "suivi"
        verbose_name_plural = "suivis"
        ordering = ["cree_le", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["beneficiaire", "organisme"], name="un_suivi_par_organisme"),
        ]
        indexes = [models.Index(fields=["organisme", "beneficiaire"], name="suivi_organisme")]

    def __str__(self) -> str:
        return f"{self.organisme} suit {self.beneficiaire.pseudonyme}"
