"""FSE+ entry indicators (Regulation (EU) 2021/1057, Annex I), as asked of each person.

Every question allows « ne souhaite pas répondre » (NSP). The reports (rapports issue) count
these answers as they are: NSP is shown as such, never guessed.

Zone rurale is not asked: it is derived from the person's commune. The FSE+ uses the degree of
urbanisation (DEGURBA); INSEE's communal density grid is not shipped with the app, so we apply
INSEE's historical definition of a rural commune: fewer than 2,000 inhabitants (municipal
population of the communes reference, territoires/data). See docs/adr/0008-beneficiaires.md.
"""

from django.db import models

NSP = "nsp"
NSP_LIBELLE = "Ne souhaite pas répondre"
SEUIL_COMMUNE_RURALE = 2000


class Sexe(models.TextChoices):
    FEMME = "femme", "Femme"
    HOMME = "homme", "Homme"
    NON_BINAIRE = "non_binaire", "Non-binaire"
    NSP = NSP, NSP_LIBELLE


class SituationEmploi(models.TextChoices):
    """« Chômeurs, y compris de longue durée » = CHOMEUR + CHOMEUR_LONGUE_DUREE in reports."""

    CHOMEUR = "chomeur", "Chômeur·se (moins de 12 mois)"
    CHOMEUR_LONGUE_DUREE = "chomeur_longue_duree", "Chômeur·se de longue durée (12 mois ou plus)"
    INACTIF = "inactif", "Inactif·ve (ni en emploi ni en recherche : retraite, études, au foyer…)"
    EN_EMPLOI = "en_emploi", "En emploi, y compris indépendant·e"
    NSP = NSP, NSP_LIBELLE


class NiveauEtudes(models.TextChoices):
    CITE_0_2 = "cite_0_2", "CITE 0 à 2 : jusqu’au collège (brevet, CAP non obtenu)"
    CITE_3_4 = "cite_3_4", "CITE 3 à 4 : lycée, CAP, BEP, baccalauréat"
    CITE_5_8 = "cite_5_8", "CITE 5 à 8 : études supérieures (BTS, licence, master, doctorat)"
    NSP = NSP, NSP_LIBELLE


class Reponse(models.TextChoices):
    OUI = "oui", "Oui"
    NON = "non", "Non"
    NSP = NSP, NSP_LIBELLE


# The yes/no/NSP questions: field name → the question as asked.
QUESTIONS_OUI_NON = {
    "handicap": "Personne en situation de handicap (reconnue ou déclarée) ?",
    "pays_tiers": "Ressortissant·e d’un pays hors de l’Union européenne ?",
    "origine_etrangere": "Personne d’origine étrangère ?",
    "minorite": "Appartient à une minorité (y compris les communautés marginalisées telles que les Roms) ?",
    "sans_abri": "Sans abri ou exclue du logement ?",
}

# Every FSE indicator field of Beneficiaire (kept, pseudonymised, by the anonymisation).
CHAMPS_FSE = ("sexe", "situation_emploi", "niveau_etudes", *QUESTIONS_OUI_NON, "age_a_l_entree", "zone_rurale")


def est_zone_rurale(commune) -> bool | None:
    """True for a commune under 2,000 inhabitants; None when the population is unknown (0)."""
    if commune is None or not commune.population:
        return None
    return commune.population < SEUIL_COMMUNE_RURALE
