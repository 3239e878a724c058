"""Workshop vocabularies: the national activity tools' themes (PRODUCT.md), levels and formats."""

from django.db import models


class Theme(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic numérique"
    PRISE_EN_MAIN = "prise_en_main", "Prise en main (ordinateur, smartphone, tablette)"
    NAVIGATION = "navigation", "Navigation internet"
    COURRIEL = "courriel", "E-mail"
    BUREAUTIQUE = "bureautique", "Bureautique"
    SECURITE = "securite", "Sécurité"
    SANTE = "sante", "Santé (Mon Espace Santé)"
    BANQUE_ACHATS = "banque_achats", "Banque et achats en ligne"
    PARENTALITE = "parentalite", "Parentalité et scolarité (ENT)"
    LIEN_FAMILIAL = "lien_familial", "Lien familial et visio"
    EMPLOI = "emploi", "Emploi et CV"
    CULTURE_NUMERIQUE = "culture_numerique", "Culture numérique / IA"
    DEMARCHES = "demarches", "Aide aux démarches administratives"


class Niveau(models.TextChoices):
    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class Format(models.TextChoices):
    COLLECTIF = "collectif", "Collectif"
    INDIVIDUEL = "individuel", "Individuel (accompagnement)"


def libelles_themes(valeurs) -> list[str]:
    """Theme labels in the order of the national list, unknown values dropped."""
    choisis = set(valeurs or ())
    return [t.label for t in Theme if t.value in choisis]
