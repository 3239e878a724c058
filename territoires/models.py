"""Territorial reference data. This app imports none of our other apps."""

from django.db import models

from .validators import validate_accent_color, validate_code_departement


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
