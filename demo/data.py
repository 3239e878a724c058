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
    """A demo organisme prescripteur. The commune is found by its INSEE code in the communes
    reference (left empty when the reference is not loaded). SIRETs are fictitious (SIREN
    000 000 023) with a valid check key; phone numbers are in the fiction range."""

    cle: str
    nom: str
    type_organisme: str
    commune: str
    code_insee: str
    code_postal: str
    adresse: str
    siret: str
    telephone: str
    courriel: str


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
    Prescripteur(
        "ccas",
        "CCAS de Guéret (démo)",
        TypeOrganisme.CCAS,
        "Guéret",
        "23096",
        "23000",
        "9 rue Maurice Rollinat",
        "00000002300010",
        "+33536490101",
        f"accueil.ccas@{EMAIL_DOMAIN}",
    ),
    Prescripteur(
        "mission_locale",
        "Mission locale de la Creuse (démo)",
        TypeOrganisme.MISSION_LOCALE,
        "Guéret",
        "23096",
        "23000",
        "2 avenue de la République",
        "00000002300028",
        "+33536490102",
        f"contact.mission-locale@{EMAIL_DOMAIN}",
    ),
    Prescripteur(
        "france_services",
        "France Services d’Aubusson (démo)",
        TypeOrganisme.FRANCE_SERVICES,
        "Aubusson",
        "23008",
        "23200",
        "6 rue des Déportés",
        "00000002300036",
        "+33536490103",
        f"france-services.aubusson@{EMAIL_DOMAIN}",
    ),
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
    Personne("referent.mission-locale", "Antoine", "Mercier", (("mission_locale", Role.REFERENT),)),
    Personne("referente.france-services", "Hélène", "Brunet", (("france_services", Role.REFERENT),)),
    Personne("agent.france-services", "Lucas", "Faure", (("france_services", Role.AGENT),)),
    Personne("responsable.quincaillerie", "Marc", "Lefèvre", (("quincaillerie", Role.RESPONSABLE),)),
    Personne("mediateur.quincaillerie", "Thomas", "Girard", (("quincaillerie", Role.MEDIATEUR),)),
    Personne("mediatrice.mediatheque", "Inès", "Moreau", (("mediatheque", Role.MEDIATEUR),)),
    # Two memberships: shows the « Vous agissez pour » organisation switcher. Keep it last.
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


# --- Bénéficiaires ------------------------------------------------------------------------------
# A few dozen fictitious people at various stages, recorded by the demo agents through the
# services (journal included). Names are invented; phone numbers are in ARCEP's range reserved
# for fiction (06 39 98 xx xx); e-mail addresses use the reserved `.example` domain. Communes
# are Creuse communes of the reference (INSEE codes): without the reference, none is created.

# Stages of a demo person.
ENREGISTREE = "enregistree"  # recorded, needs assessed, not oriented yet
ORIENTEE = "orientee"  # oriented to a place, « à contacter »
SANS_REPONSE = "sans_reponse"  # oriented more than 8 days ago, still « à contacter »
PRISE_EN_CHARGE = "prise_en_charge"  # the place accepted
REFUSEE = "refusee"  # the place refused, with a reason
ANONYMISEE = "anonymisee"  # inactive for more than 24 months: anonymised by the retention rule

# The order of the FSE+ answers in `BeneficiaireDemo.fse`.
CHAMPS_FSE = (
    "sexe",
    "situation_emploi",
    "niveau_etudes",
    "handicap",
    "pays_tiers",
    "origine_etrangere",
    "minorite",
    "sans_abri",
)


@dataclass(frozen=True)
class BeneficiaireDemo:
    """`par`: the person key of the agent who records them (through their prescripteur
    membership). `fse`: the answers in CHAMPS_FSE order, space-separated. `publics` and
    `besoins`: space-separated values of Public and Besoin. `il_y_a`: how many days ago the
    record was made (the orientation and the answer follow it). `aussi_suivi_par`: the agent of
    a second organisation that links the record (duplicate found, « rattacher »)."""

    prenom: str
    nom: str
    naissance: str
    code_insee: str
    par: str
    publics: str
    besoins: str
    fse: str
    niveau_autonomie: int | None
    etape: str = ENREGISTREE
    lieu: str = ""
    il_y_a: int = 0
    telephone: str = ""
    email: str = ""
    notes: str = ""
    message: str = ""
    motif_refus: str = ""
    aussi_suivi_par: str = ""

    def donnees_fse(self) -> dict:
        return dict(zip(CHAMPS_FSE, self.fse.split(), strict=True))


_B = BeneficiaireDemo
GUERET, SAINTE_FEYRE, AUBUSSON = "23096", "23193", "23008"

# fmt: off
BENEFICIAIRES = [
    # CCAS de Guéret
    _B("Monique", "Chassagne", "1948-03-14", GUERET, "agent.ccas", "senior", "smartphone visio",
       "femme inactif cite_0_2 non non non non non", 1, PRISE_EN_CHARGE, "mediatheque", 45,
       telephone="06 39 98 00 01"),
    _B("Gérard", "Lamy", "1951-09-02", SAINTE_FEYRE, "agent.ccas", "senior", "ordinateur email demarches",
       "homme inactif cite_3_4 oui non non non non", 2, ORIENTEE, "mairie_sainte_feyre", 3),
    _B("Fatima", "Benhaddou", "1979-06-21", GUERET, "agent.ccas", "rsa quotient_familial", "demarches scolarite",
       "femme chomeur_longue_duree cite_0_2 non oui oui nsp non", 2, PRISE_EN_CHARGE, "quincaillerie", 30,
       telephone="06 39 98 00 03", message="Disponible le mardi et le jeudi matin."),
    _B("Jean-Claude", "Pradeau", "1956-12-05", "23195", "agent.ccas", "senior aah", "ordinateur securite",
       "homme inactif cite_0_2 oui non non non non", 1, SANS_REPONSE, "quincaillerie", 12,
       telephone="06 39 98 00 04"),
    _B("Sandrine", "Maury", "1984-02-17", GUERET, "agent.ccas", "rsa", "emploi email",
       "femme chomeur cite_3_4 non non non non nsp", 3, REFUSEE, "quincaillerie", 26,
       motif_refus="Atelier emploi complet jusqu’à l’été : l’espace numérique de Bénévent-l’Abbaye a de la place."),
    _B("Kévin", "Tixier", "1990-11-30", GUERET, "referente.ccas", "rsa demandeur_emploi", "emploi ordinateur",
       "homme chomeur_longue_duree cite_0_2 non non non non oui", 2, ORIENTEE, "quincaillerie", 2,
       notes="Domicilié au CCAS : le joindre en passant par l’accueil."),
    _B("Yvette", "Aubrun", "1939-07-08", "23245", "referente.ccas", "senior", "visio smartphone",
       "femme inactif nsp nsp non non nsp non", 1, PRISE_EN_CHARGE, "mediatheque", 60),
    _B("Odile", "Desfarges", "1962-04-26", "23002", "deux-organisations", "aide_domicile", "smartphone demarches",
       "femme en_emploi cite_3_4 non non non non non", 3, ENREGISTREE, il_y_a=1),
    _B("Mamadou", "Diallo", "1987-01-15", GUERET, "agent.ccas", "demandeur_emploi", "demarches email",
       "homme chomeur cite_5_8 non oui oui nsp non", 3, PRISE_EN_CHARGE, "quincaillerie", 20,
       email="mamadou.diallo@courriel.example"),
    _B("Paulette", "Rougier", "1944-10-03", "23092", "agent.ccas", "senior", "ordinateur",
       "femme inactif cite_0_2 non non non non non", 1),
    _B("Bernard", "Villatte", "1958-05-19", GUERET, "agent.ccas", "aah", "securite ordinateur",
       "homme inactif cite_3_4 oui non non non non", 2, REFUSEE, "mediatheque", 25,
       motif_refus="La personne ne souhaite finalement pas suivre d’atelier collectif."),
    _B("Chantal", "Peyrot", "1953-08-11", SAINTE_FEYRE, "deux-organisations", "senior quotient_familial", "visio",
       "femme inactif cite_0_2 non non non non non", 2, ORIENTEE, "mediatheque", 4),
    _B("Germaine", "Faucher", "1938-04-04", "23031", "agent.ccas", "senior", "visio smartphone",
       "femme inactif nsp non non non non non", 1, ORIENTEE, "centre_social_boussac", 6,
       message="Préfère être appelée le matin."),
    _B("Élodie", "Parrain", "1995-06-16", "23075", "agent.ccas", "quotient_familial rsa", "smartphone",
       "femme inactif cite_3_4 non non non non non", 3, ORIENTEE, "bibliotheque_dun", 1,
       telephone="06 39 98 00 35"),
    _B("Henri", "Masbaraud", "1945-02-12", "23025", "agent.ccas", "senior", "ordinateur",
       "homme inactif cite_0_2 non non non non non", 1, ANONYMISEE, "quincaillerie", 800),
    # Mission locale de la Creuse
    _B("Enzo", "Marchand", "2005-03-09", GUERET, "agent.mission-locale", "jeune_mission_locale", "emploi email",
       "homme chomeur cite_3_4 non non non non non", 4, PRISE_EN_CHARGE, "quincaillerie", 35,
       telephone="06 39 98 00 13"),
    _B("Léa", "Guillon", "2004-07-22", "23176", "agent.mission-locale", "jeune_mission_locale", "emploi demarches",
       "femme chomeur cite_3_4 non non non non non", 3, ORIENTEE, "france_services_souterraine", 5),
    _B("Yanis", "Bouzid", "2006-01-30", GUERET, "agent.mission-locale", "jeune_mission_locale", "emploi securite",
       "homme inactif cite_0_2 non non oui nsp non", 3, ENREGISTREE, il_y_a=2),
    _B("Manon", "Lacroix", "2003-10-12", "23030", "agent.mission-locale", "jeune_mission_locale demandeur_emploi",
       "ordinateur", "femme chomeur cite_0_2 non non non non non", 2, ORIENTEE, "mediatheque_bourganeuf", 6),
    _B("Dylan", "Mazeau", "2002-05-04", "23247", "referent.mission-locale", "jeune_mission_locale", "emploi",
       "homme chomeur_longue_duree cite_0_2 non non non non oui", 3, REFUSEE, "quincaillerie", 28,
       motif_refus="Injoignable au numéro indiqué après trois appels : merci de nous donner un autre contact."),
    _B("Inès", "Ferrand", "2005-12-18", GUERET, "referent.mission-locale", "jeune_mission_locale", "emploi email",
       "femme inactif cite_3_4 non non non non non", 4, PRISE_EN_CHARGE, "quincaillerie", 15,
       aussi_suivi_par="deux-organisations"),
    _B("Ousmane", "Camara", "2004-02-27", GUERET, "agent.mission-locale", "jeune_mission_locale", "demarches emploi",
       "homme chomeur cite_0_2 non oui oui nsp non", 2, PRISE_EN_CHARGE, "mediatheque", 18,
       aussi_suivi_par="agent.ccas"),
    _B("Clara", "Vergne", "2006-09-14", "23093", "agent.mission-locale", "jeune_mission_locale", "demarches",
       "femme chomeur cite_3_4 nsp nsp nsp nsp nsp", None, ORIENTEE, "caf_gouzon", 3),
    _B("Hugo", "Rebeyrolle", "2003-06-06", "23001", "agent.mission-locale", "jeune_mission_locale", "ordinateur",
       "homme chomeur cite_0_2 oui non non non non", 2, ORIENTEE, "bus_numerique", 1),
    _B("Jade", "Nouhaud", "2005-04-01", "23021", "agent.mission-locale", "jeune_mission_locale", "emploi securite",
       "femme chomeur cite_3_4 non non non non non", 3, ORIENTEE, "espace_benevent", 7),
    # France Services d’Aubusson
    _B("Roger", "Lavergne", "1947-02-23", AUBUSSON, "agent.france-services", "senior", "demarches email",
       "homme inactif cite_0_2 non non non non non", 1, ORIENTEE, "epn_aubusson", 2),
    _B("Josiane", "Cousty", "1950-11-11", "23079", "agent.france-services", "senior", "equipement",
       "femme inactif cite_0_2 non non non non non", 2, ORIENTEE, "tiers_lieu_felletin", 4),
    _B("Ahmed", "Kaci", "1968-08-30", AUBUSSON, "agent.france-services", "rsa demandeur_emploi", "emploi demarches",
       "homme chomeur_longue_duree cite_0_2 non oui oui nsp non", 2, ENREGISTREE, il_y_a=3),
    _B("Marie-Thérèse", "Deschamps", "1942-05-15", "23013", "agent.france-services", "senior", "demarches",
       "femme inactif cite_0_2 non non non non non", 1, ORIENTEE, "france_services_auzances", 3),
    _B("Sylvain", "Chabrat", "1975-03-03", "23067", "referente.france-services", "demandeur_emploi",
       "emploi ordinateur email", "homme chomeur cite_3_4 non non non non non", 3, ENREGISTREE, il_y_a=1),
    _B("Nathalie", "Gaudy", "1970-12-24", AUBUSSON, "referente.france-services", "aide_domicile",
       "smartphone securite", "femme en_emploi cite_3_4 non non non non non", 3, ORIENTEE, "epn_aubusson", 5),
    _B("Lucienne", "Lagarde", "1936-01-20", "23069", "agent.france-services", "senior", "visio",
       "femme inactif cite_0_2 oui non non non non", 1, ORIENTEE, "tiers_lieu_crocq", 5),
    _B("Patrick", "Bourdier", "1965-07-07", "23024", "agent.france-services", "aah", "ordinateur",
       "homme inactif cite_0_2 oui non non non non", 1),
    _B("Amandine", "Tardieu", "1988-09-09", "23131", "agent.france-services", "quotient_familial", "scolarite",
       "femme en_emploi cite_5_8 non non non non non", 4, ORIENTEE, "mediatheque_bourganeuf", 6,
       email="amandine.tardieu@courriel.example"),
    _B("Thierry", "Jouhannaud", "1961-10-29", "23165", "referente.france-services", "demandeur_emploi",
       "emploi demarches", "homme chomeur_longue_duree cite_3_4 non non non non non", 2, REFUSEE, "mediatheque", 22,
       motif_refus="Trajet trop long pour la personne : le bus numérique passe près de chez elle."),
    _B("Rachid", "Meftah", "1972-02-02", "23076", "agent.france-services", "rsa", "securite ordinateur",
       "homme chomeur_longue_duree cite_0_2 non oui oui nsp non", 2, ORIENTEE, "epn_evaux", 2),
]
# fmt: on
