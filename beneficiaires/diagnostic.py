"""The needs diagnostic: what the person can and wants to learn, and how autonomous they are.

Each need maps to the services of the national standard (`Lieu.services`), so that orientation
can find the places that offer it.
"""

from django.db import models

OUTILS = "Maîtrise des outils numériques du quotidien"
DEMARCHES = "Aide aux démarches administratives"
INSERTION = "Insertion professionnelle via le numérique"
SECURITE = "Utilisation sécurisée du numérique"
PARENTALITE = "Parentalité et éducation avec le numérique"
ACCES = "Accès internet et matériel informatique"
MATERIEL = "Acquisition de matériel informatique à prix solidaire"


class Besoin(models.TextChoices):
    ORDINATEUR = "ordinateur", "Allumer et utiliser un ordinateur"
    SMARTPHONE = "smartphone", "Utiliser un smartphone ou une tablette"
    EMAIL = "email", "Envoyer et recevoir des e-mails"
    DEMARCHES = "demarches", "Faire une démarche en ligne (CAF, impôts, santé, ANTS…)"
    VISIO = "visio", "Faire une visio avec ses proches"
    SCOLARITE = "scolarite", "Suivre la scolarité des enfants (ENT)"
    EMPLOI = "emploi", "Chercher un emploi, faire un CV"
    SECURITE = "securite", "Se protéger en ligne (arnaques, mots de passe)"
    EQUIPEMENT = "equipement", "S’équiper ou accéder à internet"


SERVICES_PAR_BESOIN = {
    Besoin.ORDINATEUR: (OUTILS,),
    Besoin.SMARTPHONE: (OUTILS,),
    Besoin.EMAIL: (OUTILS,),
    Besoin.DEMARCHES: (DEMARCHES,),
    Besoin.VISIO: (OUTILS,),
    Besoin.SCOLARITE: (PARENTALITE,),
    Besoin.EMPLOI: (INSERTION,),
    Besoin.SECURITE: (SECURITE,),
    Besoin.EQUIPEMENT: (ACCES, MATERIEL),
}


class NiveauAutonomie(models.IntegerChoices):
    AUCUNE = 1, "N’a jamais utilisé d’ordinateur ni de smartphone"
    AVEC_AIDE = 2, "Utilise un appareil avec l’aide d’un proche"
    PARTIELLE = 3, "Se débrouille pour les usages simples"
    AUTONOME = 4, "Autonome, veut aller plus loin"


def services_pour(besoins) -> list[str]:
    """The standard's services that answer these needs, without repeats, in a stable order."""
    services: list[str] = []
    for besoin in besoins:
        for service in SERVICES_PAR_BESOIN.get(Besoin(besoin), ()):
            if service not in services:
                services.append(service)
    return services
