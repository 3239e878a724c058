"""The fictional département that `manage.py seed_demo` builds, as plain data.

Every name ends with « (démo) » and every address uses the reserved `.example` domain: nothing
here can be mistaken for a real organisation or reach a real mailbox. Later issues extend these
lists (dispositifs, carnets, ateliers…) and `seed_demo` turns them into records.

The TOTP secret is published on purpose (ADR 0003): it lets a newcomer log in as the
coordinatrice without a phone (`manage.py demo_totp`). Never use it outside the demo.
"""

from dataclasses import dataclass

from comptes.models import Role
from prescripteurs.models import TypeOrganisme

EMAIL_DOMAIN = "demo.einclusion.example"
PASSWORD = "demo-einclusion-2026"  # noqa: S105 - published demo password
# Base32, 32 characters (20 bytes): the coordinatrice's authenticator secret.
TOTP_SECRET = "DEMOEINCLUSIONCREUSEGUERETAUBUSS"  # noqa: S105 - published demo secret (ADR 0003)

DEPARTEMENT = {"code": "23", "nom": "Creuse", "couleur": "#1f5f8b"}

# The département's team (an `Organisation` of type « departement »). Its key is "equipe".
EQUIPE = {"nom": "Département de la Creuse — inclusion numérique (démo)"}


@dataclass(frozen=True)
class Prescripteur:
    cle: str
    nom: str
    type_organisme: str
    commune: str


@dataclass(frozen=True)
class LieuDemo:
    cle: str
    nom: str
    commune: str


PRESCRIPTEURS = [
    Prescripteur("ccas", "CCAS de Guéret (démo)", TypeOrganisme.CCAS, "Guéret"),
    Prescripteur("mission_locale", "Mission locale de la Creuse (démo)", TypeOrganisme.MISSION_LOCALE, "Guéret"),
    Prescripteur("france_services", "France Services d’Aubusson (démo)", TypeOrganisme.FRANCE_SERVICES, "Aubusson"),
]

LIEUX = [
    LieuDemo("quincaillerie", "Tiers-lieu La Quincaillerie (démo)", "Guéret"),
    LieuDemo("mediatheque", "Médiathèque du Grand Guéret (démo)", "Guéret"),
    LieuDemo("epn_aubusson", "Espace public numérique d’Aubusson (démo)", "Aubusson"),
]


@dataclass(frozen=True)
class Personne:
    """A demo login. `adhesions` pairs an organisation key with a role, in display order."""

    cle: str
    prenom: str
    nom: str
    adhesions: tuple[tuple[str, Role], ...]
    totp: bool = False

    @property
    def email(self) -> str:
        return f"{self.cle}@{EMAIL_DOMAIN}"


PERSONNES = [
    Personne("coordinatrice", "Claire", "Dubreuil", (("equipe", Role.COORDINATEUR),), totp=True),
    Personne("lecteur", "Paul", "Lagrange", (("equipe", Role.LECTEUR),)),
    Personne("referente.ccas", "Sophie", "Aubert", (("ccas", Role.REFERENT),)),
    Personne("agent.ccas", "Karim", "Benali", (("ccas", Role.AGENT),)),
    Personne("agent.mission-locale", "Julie", "Perrin", (("mission_locale", Role.AGENT),)),
    Personne("responsable.quincaillerie", "Marc", "Lefèvre", (("quincaillerie", Role.RESPONSABLE),)),
    Personne("mediateur.quincaillerie", "Thomas", "Girard", (("quincaillerie", Role.MEDIATEUR),)),
    Personne("mediatrice.mediatheque", "Inès", "Moreau", (("mediatheque", Role.MEDIATEUR),)),
    # Two memberships: shows the « Vous agissez pour » organisation switcher.
    Personne(
        "deux-organisations",
        "Nadia",
        "Roche",
        (("ccas", Role.AGENT), ("mediatheque", Role.MEDIATEUR)),
    ),
]

COORDINATRICE = next(p for p in PERSONNES if p.totp)


@dataclass(frozen=True)
class InvitationDemo:
    """A pending invitation, sent by `par` (a person key, acting through their first membership)."""

    par: str
    organisation: str
    email: str
    role: Role


INVITATIONS = [
    InvitationDemo("coordinatrice", "epn_aubusson", f"nouvelle.mediatrice@{EMAIL_DOMAIN}", Role.MEDIATEUR),
]
