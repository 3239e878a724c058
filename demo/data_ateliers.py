"""The workshops of the demo (issue 6) as plain data: built by demo/ateliers_demo.py.

Every title ends with « (démo) ». People are named as in data.BENEFICIAIRES (those whose commune
is not loaded are skipped); sessions are placed relative to today.
"""

from dataclasses import dataclass

from ateliers.models import Inscription
from ateliers.themes import Format, Niveau, Theme

P, A, E = Inscription.Presence.PRESENT, Inscription.Presence.ABSENT, Inscription.Presence.EXCUSE


@dataclass(frozen=True)
class AtelierDemo:
    cle: str
    lieu: str
    titre: str
    themes: tuple[str, ...]
    niveau: str
    format: str = Format.COLLECTIF
    duree: int = 120
    capacite: int = 8
    accepte_pass: bool = False
    cheques_par_seance: int = 1
    description: str = ""


@dataclass(frozen=True)
class SeanceDemo:
    """`jours` from today (negative: past; 0: today, the roll-call to try). `personnes`: names
    registered in this order (default: the place's regulars in turn); `attente`: more names on the
    waiting list. `serie`: sessions with the same label were created together (one UUID)."""

    atelier: str
    jours: int
    heure: int = 14
    inscrits: int = 6
    personnes: tuple[str, ...] = ()
    attente: tuple[str, ...] = ()
    feuille: bool = False
    anonymes: int = 0
    annulee: str = ""
    serie: str = ""
    pointee: bool = True
    mediateurs: int = 1


T = Theme
ATELIERS = [
    AtelierDemo("smartphone", "quincaillerie", "Premiers pas sur smartphone (démo)", (T.PRISE_EN_MAIN, T.COURRIEL),
                Niveau.DEBUTANT, accepte_pass=True,
                description="Allumer, téléphoner, envoyer un SMS et une photo, installer une application. "
                "Apportez votre téléphone."),
    AtelierDemo("demarches", "quincaillerie", "Démarches en ligne : CAF, impots.gouv, ANTS (démo)",
                (T.DEMARCHES, T.NAVIGATION), Niveau.INTERMEDIAIRE, duree=90, capacite=6, accepte_pass=True,
                description="Créer ses comptes, retrouver ses identifiants, déposer un justificatif."),
    AtelierDemo("cv", "quincaillerie", "CV et candidatures en ligne (démo)", (T.EMPLOI, T.BUREAUTIQUE),
                Niveau.INTERMEDIAIRE, capacite=10, description="Un CV sur ordinateur, une candidature par e-mail."),
    AtelierDemo("individuel", "quincaillerie", "Accompagnement individuel (démo)", (T.DIAGNOSTIC, T.DEMARCHES),
                Niveau.DEBUTANT, Format.INDIVIDUEL, duree=60, capacite=1, accepte_pass=True, cheques_par_seance=2,
                description="Une heure en tête-à-tête avec un médiateur, sur rendez-vous."),
    AtelierDemo("visio", "mediatheque", "Garder le lien en visio avec ses proches (démo)",
                (T.LIEN_FAMILIAL, T.PRISE_EN_MAIN), Niveau.DEBUTANT, duree=90, accepte_pass=True),
    AtelierDemo("arnaques", "mediatheque", "Se protéger des arnaques en ligne (démo)", (T.SECURITE, T.BANQUE_ACHATS),
                Niveau.INTERMEDIAIRE, capacite=12),
    AtelierDemo("sante", "mediatheque", "Mon Espace Santé et l’ENT des enfants (démo)", (T.SANTE, T.PARENTALITE),
                Niveau.AVANCE, duree=90, capacite=10),
]  # fmt: skip

# The regulars of each place, by name (people of data.BENEFICIAIRES, oriented there or met at the door).
HABITUES = {
    "quincaillerie": ("Enzo Marchand", "Fatima Benhaddou", "Mamadou Diallo", "Inès Ferrand", "Jean-Claude Pradeau",
                      "Kévin Tixier", "Yanis Bouzid", "Odile Desfarges", "Sandrine Maury"),
    "mediatheque": ("Yvette Aubrun", "Monique Chassagne", "Ousmane Camara", "Chantal Peyrot", "Amandine Tardieu",
                    "Manon Lacroix", "Paulette Rougier"),
}  # fmt: skip

S = SeanceDemo
SEANCES = {
    "quincaillerie": [
        S("smartphone", -27, feuille=True, anonymes=2, serie="hebdo"),
        S("smartphone", -20, feuille=True, serie="hebdo"),
        S("smartphone", -13, feuille=True, serie="hebdo", mediateurs=2),
        S("smartphone", -6, serie="hebdo"),
        S("smartphone", 0, serie="hebdo", inscrits=7),
        *(S("smartphone", j, inscrits=3, serie="hebdo-suite") for j in (7, 14, 21, 28, 35)),
        S("demarches", -24, 10, feuille=True),
        S("demarches", -10, 10, anonymes=1),
        S("demarches", 3, 10, inscrits=6, attente=("Sandrine Maury",)),
        S("demarches", 17, 10, annulee="Médiateur en formation ce jour-là : séance reportée, prévenir les inscrits."),
        S("cv", -17, feuille=True, personnes=("Enzo Marchand", "Inès Ferrand")),
        S("cv", -3, personnes=("Enzo Marchand", "Inès Ferrand", "Mamadou Diallo")),
        S("cv", 10, personnes=("Kévin Tixier", "Yanis Bouzid", "Enzo Marchand")),
        S("individuel", -22, 10, feuille=True, personnes=("Fatima Benhaddou",)),
        S("individuel", -8, 10, personnes=("Mamadou Diallo",)),
        S("individuel", -1, 16, personnes=("Gérard Lamy",)),
        S("individuel", 2, 10, personnes=("Kévin Tixier",)),
    ],
    "mediatheque": [
        S("visio", -50, feuille=True, anonymes=3, serie="visio"),
        S("visio", -36, feuille=True, serie="visio"),
        S("visio", -29, feuille=True, serie="visio"),
        S("visio", -15, serie="visio", mediateurs=2),
        *(S("visio", j, inscrits=4, serie="visio-suite") for j in (6, 13, 20, 27)),
        S("arnaques", -22, 10, feuille=True),
        S("arnaques", -8, 10, anonymes=2),
        S("arnaques", 9, 10),
        S("sante", -12, feuille=True, personnes=("Amandine Tardieu", "Ousmane Camara", "Chantal Peyrot")),
        S("sante", -5, annulee="Panne du réseau de la médiathèque."),
        S("sante", 16, personnes=("Amandine Tardieu", "Manon Lacroix")),
    ],
}
# Presence of the n-th person of a past session (holders of cheques are always present).
MOTIF_PRESENCES = (P, P, A, P, P, E, P, P, P, A, P)
