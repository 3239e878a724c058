"""The fictional département that `manage.py seed_demo` builds, as plain data.

Every name ends with « (démo) » and every address uses the reserved `.example` domain: nothing
here can be mistaken for a real organisation or reach a real mailbox. Later issues extend these
lists (dispositifs, carnets, ateliers…) and `seed_demo` turns them into records.

The TOTP secret is published on purpose (ADR 0003): it lets a newcomer log in as the
coordinatrice without a phone (`manage.py demo_totp`). Never use it outside the demo.
"""

from dataclasses import dataclass, field

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
    """A demo place. `champs` holds its fields of the national standard (and our own, such as
    `accepte_pass_numerique` and `accessibilite`), as stored on `Lieu`. Positions are literal,
    so that the demo works before (or without) the communes reference is loaded."""

    cle: str
    nom: str
    commune: str
    champs: dict = field(default_factory=dict)


PRESCRIPTEURS = [
    Prescripteur("ccas", "CCAS de Guéret (démo)", TypeOrganisme.CCAS, "Guéret"),
    Prescripteur("mission_locale", "Mission locale de la Creuse (démo)", TypeOrganisme.MISSION_LOCALE, "Guéret"),
    Prescripteur("france_services", "France Services d’Aubusson (démo)", TypeOrganisme.FRANCE_SERVICES, "Aubusson"),
]

# Phone numbers are in ARCEP's range reserved for fiction (05 36 49 xx xx); web sites and
# e-mail addresses use the reserved `.example` domain.
SITE_DEMO = "https://{}.demo.einclusion.example/"
DEMARCHES = "Aide aux démarches administratives"
OUTILS = "Maîtrise des outils numériques du quotidien"
INSERTION = "Insertion professionnelle via le numérique"
SECURITE = "Utilisation sécurisée du numérique"
PARENTALITE = "Parentalité et éducation avec le numérique"
LOISIRS = "Loisirs et créations numériques"
COMPREHENSION = "Compréhension du monde numérique"
ACCES = "Accès internet et matériel informatique"
MATERIEL = "Acquisition de matériel informatique à prix solidaire"


def _lieu(cle, nom, commune, code_postal, code_insee, adresse, position, numero, **champs) -> LieuDemo:
    slug = cle.replace("_", "-")
    base = {
        "code_postal": code_postal,
        "code_insee": code_insee,
        "adresse": adresse,
        "latitude": position[0],
        "longitude": position[1],
        "telephone": f"+335364900{numero:02d}",
        "courriels": [f"contact.{slug}@{EMAIL_DOMAIN}"],
        "site_web": [SITE_DEMO.format(slug)],
        "itinerance": ["Fixe"],
        "source": "Démonstration einclusion",
        "modalites_acces": ["Se présenter", "Téléphoner"],
        "frais_a_charge": ["Gratuit"],
    }
    return LieuDemo(cle, nom, commune, base | champs)


LIEUX = [
    _lieu(
        "quincaillerie",
        "Tiers-lieu La Quincaillerie (démo)",
        "Guéret",
        "23000",
        "23096",
        "3 avenue de la Sénatorerie",
        (46.1705, 1.8689),
        1,
        typologie=["TIERS_LIEUX", "ASSO"],
        horaires="Mo-Fr 09:00-12:30,14:00-18:00; Sa 10:00-12:00; PH off",
        presentation_resume="Tiers-lieu associatif : ateliers collectifs, accompagnement individuel et fablab.",
        services=[DEMARCHES, OUTILS, INSERTION, LOISIRS, ACCES],
        publics_specifiquement_adresses=["Jeunes", "Seniors"],
        modalites_accompagnement=["Accompagnement individuel", "Dans un atelier collectif", "En autonomie"],
        modalites_acces=["Se présenter", "Téléphoner", "Prendre un RDV en ligne"],
        frais_a_charge=["Gratuit", "Gratuit sous condition"],
        dispositif_programmes_nationaux=["Conseillers numériques", "Aidants Connect"],
        prise_rdv="https://rdv.demo.einclusion.example/quincaillerie",
        fiche_acces_libre="https://acceslibre.demo.einclusion.example/erp/quincaillerie/",
        accessibilite="Entrée de plain-pied, toilettes adaptées, places de stationnement réservées devant le lieu.",
        accepte_pass_numerique=True,
    ),
    _lieu(
        "mediatheque",
        "Médiathèque du Grand Guéret (démo)",
        "Guéret",
        "23000",
        "23096",
        "1 place du Marché",
        (46.1722, 1.8731),
        2,
        typologie=["BIB"],
        horaires="Tu,Th 13:30-18:00; We 10:00-12:30,13:30-18:00; Sa 10:00-17:00",
        presentation_resume="Postes en accès libre, ateliers d’initiation et permanences d’aide aux démarches.",
        services=[DEMARCHES, OUTILS, SECURITE, PARENTALITE, ACCES],
        publics_specifiquement_adresses=["Familles et/ou enfants", "Seniors"],
        prise_en_charge_specifique=["Déficience visuelle", "Illettrisme"],
        modalites_accompagnement=["En autonomie", "Dans un atelier collectif"],
        dispositif_programmes_nationaux=["Bibliothèques numérique de référence"],
        accessibilite="Ascenseur, boucle magnétique à l’accueil, loupe électronique sur un poste.",
        accepte_pass_numerique=True,
    ),
    _lieu(
        "epn_aubusson",
        "Espace public numérique d’Aubusson (démo)",
        "Aubusson",
        "23200",
        "23008",
        "12 rue Vieille",
        (45.9561, 2.1689),
        3,
        typologie=["EPN"],
        horaires="Mo,We,Fr 09:00-12:00,14:00-17:00",
        services=[DEMARCHES, OUTILS, INSERTION, COMPREHENSION],
        publics_specifiquement_adresses=["Seniors"],
        modalites_accompagnement=["Accompagnement individuel", "Dans un atelier collectif"],
        dispositif_programmes_nationaux=["Conseillers numériques"],
        accepte_pass_numerique=True,
    ),
    _lieu(
        "france_services_souterraine",
        "France Services de La Souterraine (démo)",
        "La Souterraine",
        "23300",
        "23176",
        "5 place de la Gare",
        (46.2372, 1.4874),
        4,
        typologie=["RFS"],
        horaires="Mo-Fr 08:30-12:00,13:30-17:00",
        services=[DEMARCHES, OUTILS, SECURITE],
        modalites_accompagnement=["Accompagnement individuel"],
        modalites_acces=["Se présenter", "Téléphoner", "Contacter par mail"],
        dispositif_programmes_nationaux=["France Services", "Aidants Connect"],
        prise_en_charge_specifique=["Langues étrangères (anglais)"],
    ),
    _lieu(
        "mediatheque_bourganeuf",
        "Médiathèque de Bourganeuf (démo)",
        "Bourganeuf",
        "23400",
        "23030",
        "2 rue de l’Hôtel de Ville",
        (45.9541, 1.7549),
        5,
        typologie=["BIB"],
        horaires="Tu 14:00-18:00; We 10:00-12:00,14:00-18:00; Sa 10:00-12:00",
        services=[OUTILS, LOISIRS, PARENTALITE, ACCES],
        publics_specifiquement_adresses=["Familles et/ou enfants"],
        modalites_accompagnement=["En autonomie", "Dans un atelier collectif"],
        accepte_pass_numerique=True,
    ),
    _lieu(
        "centre_social_boussac",
        "Centre social de Boussac (démo)",
        "Boussac",
        "23600",
        "23031",
        "8 rue des Loges",
        (46.3488, 2.2189),
        6,
        typologie=["CS"],
        horaires="Mo-Th 09:00-12:00,14:00-17:30; Fr 09:00-12:00",
        services=[DEMARCHES, OUTILS, PARENTALITE],
        publics_specifiquement_adresses=["Familles et/ou enfants", "Femmes"],
        prise_en_charge_specifique=["Illettrisme"],
        modalites_accompagnement=["Accompagnement individuel", "Dans un atelier collectif"],
        accepte_pass_numerique=True,
    ),
    _lieu(
        "epn_evaux",
        "Espace numérique d’Évaux-les-Bains (démo)",
        "Évaux-les-Bains",
        "23110",
        "23076",
        "1 rue de la Poste",
        (46.1741, 2.4869),
        7,
        typologie=["EPN", "MUNI"],
        horaires="We 14:00-18:00; Sa 09:30-12:30",
        services=[OUTILS, SECURITE, COMPREHENSION],
        publics_specifiquement_adresses=["Seniors"],
        modalites_accompagnement=["Dans un atelier collectif"],
        frais_a_charge=["Payant"],
    ),
    _lieu(
        "tiers_lieu_felletin",
        "Tiers-lieu de Felletin (démo)",
        "Felletin",
        "23500",
        "23079",
        "4 rue de la Tour",
        (45.8836, 2.1741),
        8,
        typologie=["TIERS_LIEUX", "FABLAB"],
        horaires="Tu-Sa 10:00-18:00",
        services=[LOISIRS, COMPREHENSION, MATERIEL, ACCES],
        publics_specifiquement_adresses=["Jeunes", "Étudiants"],
        modalites_accompagnement=["En autonomie", "Dans un atelier collectif"],
        frais_a_charge=["Gratuit sous condition", "Payant"],
    ),
    _lieu(
        "france_services_auzances",
        "France Services d’Auzances (démo)",
        "Auzances",
        "23700",
        "23013",
        "Place du Champ de Foire",
        (46.0281, 2.5001),
        9,
        typologie=["RFS"],
        horaires="Mo-Fr 09:00-12:00,13:30-16:30",
        services=[DEMARCHES, OUTILS],
        modalites_accompagnement=["Accompagnement individuel", "À distance"],
        modalites_acces=["Se présenter", "Téléphoner", "Envoyer un mail avec une fiche de prescription"],
        dispositif_programmes_nationaux=["France Services"],
        accepte_pass_numerique=True,
    ),
    _lieu(
        "bibliotheque_dun",
        "Bibliothèque de Dun-le-Palestel (démo)",
        "Dun-le-Palestel",
        "23800",
        "23075",
        "10 Grande Rue",
        (46.3058, 1.6661),
        10,
        typologie=["BIB"],
        horaires="We 10:00-12:00,14:00-17:00; Sa 10:00-12:00",
        services=[OUTILS, ACCES],
        publics_specifiquement_adresses=["Seniors"],
        modalites_accompagnement=["En autonomie"],
    ),
    _lieu(
        "mairie_sainte_feyre",
        "Point numérique de la mairie de Sainte-Feyre (démo)",
        "Sainte-Feyre",
        "23000",
        "23193",
        "Place de la Mairie",
        (46.1392, 1.9148),
        11,
        typologie=["MUNI"],
        horaires="Mo,Th 14:00-17:00",
        services=[DEMARCHES],
        modalites_accompagnement=["Accompagnement individuel"],
        modalites_acces=["Téléphoner"],
        dispositif_programmes_nationaux=["Point d'accès numérique CAF"],
    ),
    _lieu(
        "espace_benevent",
        "Espace numérique de Bénévent-l’Abbaye (démo)",
        "Bénévent-l'Abbaye",
        "23210",
        "23021",
        "3 place du Champ de Foire",
        (46.1175, 1.6281),
        12,
        typologie=["ASSO"],
        horaires="Fr 09:00-12:00,14:00-17:00",
        services=[OUTILS, INSERTION, SECURITE],
        publics_specifiquement_adresses=["Jeunes"],
        modalites_accompagnement=["Dans un atelier collectif", "Accompagnement individuel"],
        accepte_pass_numerique=True,
    ),
    _lieu(
        "bus_numerique",
        "Bus numérique de la Creuse (démo)",
        "Ahun",
        "23150",
        "23001",
        "Place du Marché (point de départ)",
        (46.0862, 2.0441),
        13,
        typologie=["ENM"],
        horaires="Mo-Fr 09:00-17:00",
        presentation_resume="Un bus équipé d’ordinateurs qui s’arrête chaque semaine dans les bourgs de la Creuse.",
        itinerance=["Itinérant"],
        services=[DEMARCHES, OUTILS, ACCES],
        publics_specifiquement_adresses=["Seniors"],
        modalites_accompagnement=["Accompagnement individuel", "Dans un atelier collectif"],
        accepte_pass_numerique=True,
    ),
    _lieu(
        "caf_gouzon",
        "Point d’accès numérique de Gouzon (démo)",
        "Gouzon",
        "23230",
        "23093",
        "15 route de Guéret",
        (46.1923, 2.2381),
        14,
        typologie=["CCAS"],
        horaires="Tu,Th 09:00-12:00",
        services=[DEMARCHES],
        modalites_accompagnement=["Accompagnement individuel"],
        modalites_acces=["Téléphoner", "Se présenter"],
        dispositif_programmes_nationaux=["Point d'accès numérique CAF"],
        prise_en_charge_specifique=["Surdité"],
    ),
    _lieu(
        "tiers_lieu_crocq",
        "Tiers-lieu de Crocq (démo)",
        "Crocq",
        "23260",
        "23069",
        "2 rue des Tours",
        (45.8679, 2.3679),
        15,
        typologie=["TIERS_LIEUX"],
        horaires="We-Fr 10:00-18:00",
        services=[OUTILS, LOISIRS, INSERTION],
        publics_specifiquement_adresses=["Jeunes", "Femmes"],
        modalites_accompagnement=["Dans un atelier collectif", "À distance"],
        frais_a_charge=["Gratuit sous condition"],
    ),
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
