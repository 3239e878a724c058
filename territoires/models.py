"""Territorial reference data. This app imports none of our other apps."""

from django.db import models

from .validators import validate_accent_color, validate_code_departement


class Region(models.Model):
    """A French région (reference data, loaded by `charger_territoires`)."""

    code = models.CharField("code INSEE", max_length=2, unique=True)
    nom = models.CharField("nom", max_length=100)
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Departement(models.Model):
    """A French département: the tenant of every record in the instance.

    Its logo and accent colour theme the pages its staff and public see.
    """

    code = models.CharField("code INSEE", max_length=3, unique=True, validators=[validate_code_departement])
    nom = models.CharField("nom", max_length=100)
    couleur = models.CharField(
        "couleur d’accent",
        max_length=7,
        default="#005a9c",
        validators=[validate_accent_color],
        help_text="Couleur hexadécimale assez foncée pour un texte blanc (contraste 4,5:1).",
    )
    logo = models.ImageField("logo", upload_to="departements/logos/", blank=True)
    date_maj = models.DateTimeField("mis à jour le", auto_now=True)
    # Reference data, filled by `charger_territoires` for every département of France (ADR 0005).
    region = models.ForeignKey(
        Region,
        verbose_name="région",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departements",
    )
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True, default="")

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(couleur__regex=r"^#[0-9a-fA-F]{6}$"),
                name="departement_couleur_hex",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class CommuneQuerySet(models.QuerySet):
    def actuelles(self):
        return self.filter(actuelle=True)


class Commune(models.Model):
    """A commune of the Code officiel géographique, or an arrondissement municipal of Paris, Lyon
    or Marseille (their postal codes and addresses name them). Reference data: see ADR 0005."""

    class Type(models.TextChoices):
        COMMUNE = "COM", "commune"
        ARRONDISSEMENT = "ARM", "arrondissement municipal"

    class SourcePosition(models.TextChoices):
        NOM = "nom", "nom et code postal (GeoNames)"
        NOM_PROCHE = "nom_proche", "nom proche ou ancienne commune (GeoNames)"
        CODE_POSTAL = "code_postal", "centre du code postal (GeoNames)"
        CHEF_LIEU = "chef_lieu", "chef-lieu du département"

    code_insee = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField("nom", max_length=100)
    # normaliser_nom(nom): lowercase ASCII, for searches that ignore accents, case and hyphens.
    nom_normalise = models.CharField("nom normalisé", max_length=100, db_index=True)
    type = models.CharField("type", max_length=3, choices=Type.choices, default=Type.COMMUNE)
    departement = models.ForeignKey(
        Departement,
        verbose_name="département",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="communes",
    )
    commune_parent = models.CharField(
        "commune parente (code INSEE)", max_length=5, blank=True, help_text="Pour un arrondissement municipal."
    )
    epci_code = models.CharField("EPCI (SIREN)", max_length=9, blank=True)
    epci_nom = models.CharField("EPCI", max_length=200, blank=True)
    # "23000|23001": shown as is; the CodePostal rows are what lookups use.
    codes_postaux = models.CharField("codes postaux", max_length=255)
    population = models.PositiveIntegerField("population municipale", default=0)
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    source_position = models.CharField("origine de la position", max_length=11, choices=SourcePosition.choices)
    # Codes of the former communes merged into this one, "|"-joined, so that old data still resolves.
    anciens_codes = models.CharField("anciens codes INSEE", max_length=255, blank=True)
    # False when a newer reference file no longer lists it (rows are never deleted: places may point here).
    actuelle = models.BooleanField("actuelle", default=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["code_insee"]
        constraints = [
            models.CheckConstraint(condition=models.Q(type__in=["COM", "ARM"]), name="commune_type_valide"),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="commune_position_valide",
            ),
            models.CheckConstraint(
                condition=models.Q(source_position__in=["nom", "nom_proche", "code_postal", "chef_lieu"]),
                name="commune_source_position_valide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.departement_id})"

    @property
    def liste_codes_postaux(self) -> list[str]:
        return self.codes_postaux.split("|") if self.codes_postaux else []


class CodePostal(models.Model):
    """One (postal code, commune) pair: lookups by code and by code prefix use its index."""

    code = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(
        Commune, to_field="code_insee", on_delete=models.CASCADE, related_name="codes_postaux_associes"
    )

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        ordering = ["code", "commune"]
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="code_postal_commune_unique"),
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{5}$"), name="code_postal_format"),
        ]

    def __str__(self) -> str:
        return self.code
