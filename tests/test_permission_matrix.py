"""The permission matrix: every URL of the project, every role, own and foreign objects.

`test_every_url_is_declared` walks the URL resolver and fails when a URL name is not declared
below: a new URL breaks the suite until someone writes down who may open it.

- `MATRIX` lists our URLs. For each actor it gives the status of a GET: one value for all
  scopes, or a tuple aligned with `SCOPES[url.objet]` (own object, another organisation of the
  same département, an object of another département).
- `ALLAUTH` lists allauth's URLs with a simpler expectation (exact for anonymous visitors,
  a set of acceptable statuses for logged-in ones, never a 500).
- The `admin:` namespace is checked separately: anonymous and non-staff users never get a 200.

Another organisation's or département's object answers 404, never a page (CONVENTIONS.md,
"Access control"); a role that may not use a view at all gets 403 whatever the object, so a
403 reveals nothing about the object's existence. `test_matrix_declarations_are_safe` checks
that the matrix itself keeps to that rule.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ateliers.models import FeuilleEmargement, Inscription, PresenceCheque
from ateliers.tests.factories import AtelierFactory, inscrire
from ateliers.tests.factories import seance as seance_factory
from beneficiaires.tests.factories import GUERET, BeneficiaireFactory, OrientationFactory, commune
from comptes.models import Role
from comptes.tests.factories import (
    DepartementFactory,
    EquipeDepartementaleFactory,
    InvitationFactory,
    LieuFactory,
    OrganismePrescripteurFactory,
    UserFactory,
    make_member,
)
from journal.models import Evenement
from pass_numerique.models import Bordereau, Carnet, Cheque, Encaissement, JetonAPI, LigneBordereau, Participation
from pass_numerique.services.jetons import empreinte
from pass_numerique.tests.factories import DispositifFactory, carnet, qualifier
from rapports.models import FichierRapport, LigneCout, Rapport
from structures.models import Lieu

pytestmark = pytest.mark.django_db
LIMOGES = "87085"

LOGIN = "login"  # a 302 to the login page
ACTORS = ("anonyme", "coordinateur", "lecteur", "referent", "agent", "responsable", "mediateur")
MANAGERS = ("coordinateur", "referent", "responsable")

# Scopes of object URLs, in the order of the tuples in MATRIX.
SCOPES = {
    None: ("-",),
    # propre: the actor's organisation; voisine: another organisation of the same département;
    # etrangere: an organisation of another département.
    "organisation": ("propre", "voisine", "etrangere"),
    "membre": ("propre", "voisine", "etrangere"),
    "invitation": ("propre", "voisine", "etrangere"),
    "departement": ("propre", "etrangere", "inconnu"),
    # lieu: for a coordinateur, "propre" is a place of their département; for a responsable or a
    # médiateur, their own place.
    "lieu": ("propre", "voisine", "etrangere"),
    # Public pages of a place: any département, but never a closed or unknown place.
    "lieu_public": ("actif", "etranger", "ferme", "inconnu"),
    "jeton_import": ("inconnu",),
    "jeton": ("valide", "inconnu"),
    # prescripteur: for a référent or an agent, their own organisation; for anyone else a
    # prescripteur of the actor's département (voisine: another one; etrangere: another département).
    "prescripteur": ("propre", "voisine", "etrangere"),
    # beneficiaire: propre is followed by the actor's prescripteur and oriented to the actor's
    # place (any person of the département for its staff); voisine is followed by another
    # prescripteur and oriented to another place; etrangere lives in another département.
    "beneficiaire": ("propre", "voisine", "etrangere"),
    # orientation: the orientation of that person (to the actor's place, or to another one).
    "orientation": ("propre", "voisine", "etrangere"),
    # Pass numérique, built on the same two people per département: carnet "a" was handed to
    # person "a" from the stock of "prescripteur" and its first cheque redeemed by "lieu" (which
    # has bordereau "a"); "b" likewise with "prescripteur_2" and "lieu_2".
    "carnet": ("propre", "voisine", "etrangere"),
    "cheque": ("propre", "voisine", "etrangere"),
    "bordereau": ("propre", "voisine", "etrangere"),
    # dispositif: one per département.
    "dispositif": ("propre", "etrangere"),
    # encaissement, jeton_api: of the actor's place ("lieu"), of "lieu_2", of département 87.
    "encaissement": ("propre", "voisine", "etrangere"),
    "jeton_api": ("propre", "voisine", "etrangere"),
    "code_cheque": ("inconnu",),
    # ateliers: of the actor's place ("lieu"), of "lieu_2", of département 87; a session's
    # registration and signed sheet go with their session.
    "atelier": ("propre", "voisine", "etrangere"),
    "seance": ("propre", "voisine", "etrangere"),
    "inscription": ("propre", "voisine", "etrangere"),
    "feuille": ("propre", "voisine", "etrangere"),
    # rapports: a finished report of the département (with its PDF), another département's; a
    # cost line of the département's dispositif, another département's.
    "rapport": ("propre", "etrangere"),
    "fichier_rapport": ("propre", "etrangere"),
    "ligne_cout": ("propre", "etrangere"),
}


@dataclass(frozen=True)
class Url:
    objet: str | None = None
    get: dict = field(default_factory=dict)
    # Public by design whatever the département (e.g. a theme stylesheet): exempt from the
    # "foreign object is 404" rule.
    public: bool = False


def everyone(status, anonyme=None) -> dict:
    return {actor: (status if anonyme is None or actor != "anonyme" else anonyme) for actor in ACTORS}


def only(allowed: dict, *, default=403) -> dict:
    """Logged-in actors get `default` unless listed in `allowed`; anonymous visitors go to login."""
    return {"anonyme": LOGIN} | {actor: allowed.get(actor, default) for actor in ACTORS[1:]}


# Managers of one organisation (référent, responsable) see their own objects only; the
# coordinateur sees every organisation of the département; nobody sees another département's.
MANAGED = only({"coordinateur": (200, 200, 404), "referent": (200, 404, 404), "responsable": (200, 404, 404)})
MANAGED_POST_ONLY = only({"coordinateur": 405, "referent": 405, "responsable": 405})
# A person (or an orientation): the département's staff see all of the département's; the
# organisations that follow the person, and the place it is oriented to, see theirs only.
VU = (200, 200, 404)
SUIVI_SEUL = (200, 404, 404)
SUIVI = dict.fromkeys(("referent", "agent", "responsable", "mediateur"), SUIVI_SEUL)
DEP = (200, 404)  # a dispositif of the actor's département, another département's
LIEU_SEUL = dict.fromkeys(("responsable", "mediateur"), SUIVI_SEUL)
LIEU_200 = dict.fromkeys(("responsable", "mediateur"), 200)
LIEU_302 = dict.fromkeys(("responsable", "mediateur"), (302, 404, 404))
LIEU_405 = dict.fromkeys(("responsable", "mediateur"), 405)
EQUIPE_200 = dict.fromkeys(("coordinateur", "lecteur"), 200)
EQUIPE_DEP = dict.fromkeys(("coordinateur", "lecteur"), DEP)

MATRIX: dict[str, Url] = {
    # Public pages
    "accueil": Url(get=everyone(200)),
    "accessibilite": Url(get=everyone(200)),
    "mentions_legales": Url(get=everyone(200)),
    "donnees_personnelles": Url(get=everyone(200)),
    "sante": Url(get=everyone(200)),
    "theme_css": Url(objet="departement", get=everyone((200, 200, 404)), public=True),
    # Anyone may open an invitation link; a logged-in person with another address gets 403.
    "comptes:accepter_invitation": Url(objet="jeton", get=everyone((403, 404), anonyme=(200, 404))),
    # Every logged-in person
    "comptes:mon_compte": Url(get=only({}, default=200)),
    "comptes:choisir_organisation": Url(get=only({}, default=405)),  # POST only
    # Coordinateur only
    "comptes:organisations": Url(get=only({"coordinateur": 200})),
    "journal:liste": Url(get=only({"coordinateur": 200})),
    # Managers of an organisation
    "comptes:membres": Url(objet="organisation", get=MANAGED),
    "comptes:inviter": Url(objet="organisation", get=MANAGED),
    "comptes:desactiver_membre": Url(objet="membre", get=MANAGED),
    "comptes:reactiver_membre": Url(objet="membre", get=MANAGED_POST_ONLY),
    "comptes:annuler_invitation": Url(objet="invitation", get=MANAGED),
    "comptes:renvoyer_invitation": Url(objet="invitation", get=MANAGED_POST_ONLY),
    # Lieux: public directory, map and API (open data, every département)
    "structures_public:recherche": Url(get=everyone(200)),
    "structures_public:communes": Url(get=everyone(200)),
    "structures_public:carte_integrable": Url(get=everyone(200)),
    "structures_public:lieu": Url(objet="lieu_public", get=everyone((200, 200, 404, 404)), public=True),
    "structures_api:lieux": Url(get=everyone(200)),
    "structures_api:lieux_csv": Url(get=everyone(200)),
    "structures_api:lieux_geojson": Url(get=everyone(200)),
    # Lieux: management by the département's coordinators and the place's responsable
    "structures_gestion:liste": Url(get=only({"coordinateur": 200})),
    "structures_gestion:creer": Url(get=only({"coordinateur": 200})),
    "structures_gestion:modifier": Url(
        objet="lieu", get=only({"coordinateur": (200, 200, 404), "responsable": (200, 404, 404)})
    ),
    "structures_gestion:historique": Url(
        objet="lieu", get=only({"coordinateur": (200, 200, 404), "responsable": (200, 404, 404)})
    ),
    "structures_gestion:fermer": Url(objet="lieu", get=only({"coordinateur": (200, 200, 404)})),
    "structures_gestion:rouvrir": Url(objet="lieu", get=only({"coordinateur": 405})),
    # Lieux: import and export in the national standard (coordinateurs)
    "structures_import:televerser": Url(get=only({"coordinateur": 200})),
    "structures_import:export": Url(get=only({"coordinateur": 200})),
    "structures_import:apercu": Url(objet="jeton_import", get=only({"coordinateur": 404})),
    "structures_import:confirmer": Url(objet="jeton_import", get=only({"coordinateur": 405})),
    # Organismes prescripteurs: the département's coordinators, and the référent for their own
    "prescripteurs:liste": Url(get=only({"coordinateur": 200})),
    "prescripteurs:creer": Url(get=only({"coordinateur": 200})),
    "prescripteurs:modifier": Url(
        objet="prescripteur", get=only({"coordinateur": (200, 200, 404), "referent": (200, 404, 404)})
    ),
    "prescripteurs:fermer": Url(objet="prescripteur", get=only({"coordinateur": (200, 200, 404)})),
    "prescripteurs:rouvrir": Url(objet="prescripteur", get=only({"coordinateur": 405})),
    # Bénéficiaires: prescripteurs that follow the person, the département (lecteur reads), and
    # a place for the people oriented to it (restricted fields)
    "beneficiaires:liste": Url(get=only({"coordinateur": 200, "lecteur": 200, "referent": 200, "agent": 200})),
    "beneficiaires:creer": Url(get=only({"referent": 200, "agent": 200})),
    "beneficiaires:rattacher": Url(get=only({"referent": 405, "agent": 405})),
    "beneficiaires:fiche": Url(objet="beneficiaire", get=only(dict.fromkeys(("coordinateur", "lecteur"), VU) | SUIVI)),
    "beneficiaires:modifier": Url(
        objet="beneficiaire", get=only({"coordinateur": VU, "referent": SUIVI_SEUL, "agent": SUIVI_SEUL})
    ),
    "beneficiaires:orienter": Url(objet="beneficiaire", get=only({"referent": SUIVI_SEUL, "agent": SUIVI_SEUL})),
    "beneficiaires:fiche_orientation": Url(
        objet="orientation", get=only(dict.fromkeys(("coordinateur", "lecteur"), VU) | SUIVI)
    ),
    "beneficiaires:orientations_recues": Url(get=only({"responsable": 200, "mediateur": 200})),
    "beneficiaires:orientations_envoyees": Url(get=only({"referent": 200, "agent": 200})),
    "beneficiaires:accepter_orientation": Url(objet="orientation", get=only({"responsable": 405, "mediateur": 405})),
    "beneficiaires:refuser_orientation": Url(
        objet="orientation", get=only({"responsable": SUIVI_SEUL, "mediateur": SUIVI_SEUL})
    ),
    "beneficiaires:journal_acces": Url(objet="beneficiaire", get=only({"coordinateur": VU})),
    "beneficiaires:export_json": Url(
        objet="beneficiaire", get=only({"coordinateur": VU, "referent": SUIVI_SEUL, "agent": SUIVI_SEUL})
    ),
    "beneficiaires:export_pdf": Url(
        objet="beneficiaire", get=only({"coordinateur": VU, "referent": SUIVI_SEUL, "agent": SUIVI_SEUL})
    ),
    "beneficiaires:fusionner": Url(objet="beneficiaire", get=only({"coordinateur": VU})),
    "beneficiaires:anonymiser": Url(objet="beneficiaire", get=only({"coordinateur": VU})),
    # Pass numérique: dispositifs, generation and allocation (the département; lecteur reads)
    "pass_dispositifs:liste": Url(get=only({"coordinateur": 200, "lecteur": 200})),
    "pass_dispositifs:creer": Url(get=only({"coordinateur": 200})),
    "pass_dispositifs:detail": Url(objet="dispositif", get=only({"coordinateur": DEP, "lecteur": DEP})),
    "pass_dispositifs:lieux": Url(objet="dispositif", get=only({"coordinateur": DEP, "lecteur": DEP})),
    "pass_dispositifs:prescripteurs": Url(objet="dispositif", get=only({"coordinateur": DEP, "lecteur": DEP})),
    "pass_dispositifs:modifier": Url(objet="dispositif", get=only({"coordinateur": DEP})),
    "pass_dispositifs:clore": Url(objet="dispositif", get=only({"coordinateur": DEP})),
    "pass_dispositifs:decider": Url(objet="dispositif", get=only({"coordinateur": DEP})),
    "pass_dispositifs:generer": Url(objet="dispositif", get=only({"coordinateur": DEP})),
    "pass_dispositifs:doter": Url(objet="dispositif", get=only({"coordinateur": DEP})),
    "pass_dispositifs:transferer": Url(objet="dispositif", get=only({"coordinateur": DEP})),
    "pass_dispositifs:retirer_prescripteur": Url(objet="dispositif", get=only({"coordinateur": 405})),
    "pass_dispositifs:stock": Url(get=only({"referent": 200, "agent": 200})),
    "pass_dispositifs:retourner": Url(get=only({"referent": 200})),
    # Pass numérique: redemption by places, API tokens, opposition
    "pass_encaissement:encaisser": Url(get=only({"responsable": 200, "mediateur": 200})),
    "pass_encaissement:annuler": Url(objet="encaissement", get=only(LIEU_SEUL)),
    "pass_encaissement:jetons": Url(get=only({"responsable": 200})),
    "pass_encaissement:creer_jeton": Url(get=only({"responsable": 200})),
    "pass_encaissement:revoquer_jeton": Url(objet="jeton_api", get=only({"responsable": SUIVI_SEUL})),
    "pass_encaissement:opposition": Url(get=only({"coordinateur": 200, "referent": 200, "agent": 200})),
    "pass_encaissement:opposition_carnet": Url(
        objet="carnet", get=only({"coordinateur": VU, "referent": SUIVI_SEUL, "agent": SUIVI_SEUL})
    ),
    "pass_encaissement:valeur_non_utilisee": Url(get=only({"coordinateur": 200, "lecteur": 200})),
    # The redemption API: token-authenticated POST (GET is 405 for everyone); its description is public.
    "pass_api:encaisser": Url(objet="code_cheque", get=everyone(405), public=True),
    "pass_api:openapi": Url(get=everyone(200), public=True),
    # Pass numérique: remise (prescribers that follow the person), booklets and cheques
    "pass_remise:remettre": Url(objet="beneficiaire", get=only({"referent": SUIVI_SEUL, "agent": SUIVI_SEUL})),
    "pass_remise:derogation": Url(objet="beneficiaire", get=only({"coordinateur": VU})),
    "pass_remise:carnet": Url(
        objet="carnet", get=only({"coordinateur": VU, "referent": SUIVI_SEUL, "agent": SUIVI_SEUL})
    ),
    "pass_remise:carnet_pdf": Url(
        objet="carnet", get=only({"coordinateur": VU, "referent": SUIVI_SEUL, "agent": SUIVI_SEUL})
    ),
    "pass_remise:cheque": Url(objet="cheque", get=only({"coordinateur": VU} | SUIVI)),
    "pass_remise:recherche_cheque": Url(get=only({"coordinateur": 200})),
    # Pass numérique: reimbursement of places
    "pass_remboursement:liste": Url(get=only({"coordinateur": 200, "lecteur": 200})),
    "pass_remboursement:creer": Url(get=only({"coordinateur": 405})),
    "pass_remboursement:detail": Url(objet="bordereau", get=only({"coordinateur": VU, "lecteur": VU} | LIEU_SEUL)),
    "pass_remboursement:pdf": Url(objet="bordereau", get=only({"coordinateur": VU, "lecteur": VU} | LIEU_SEUL)),
    "pass_remboursement:csv": Url(objet="bordereau", get=only({"coordinateur": VU, "lecteur": VU} | LIEU_SEUL)),
    "pass_remboursement:valider": Url(objet="bordereau", get=only({"coordinateur": VU})),
    # A bordereau still « à valider » cannot be paid: the page sends back to it.
    "pass_remboursement:payer": Url(objet="bordereau", get=only({"coordinateur": (302, 302, 404)})),
    "pass_remboursement:lieu": Url(objet="lieu", get=only({"coordinateur": VU, "lecteur": VU} | LIEU_SEUL)),
    "pass_remboursement:coordonnees": Url(objet="lieu", get=only({"coordinateur": VU, "responsable": SUIVI_SEUL})),
    # Ateliers: the place's members run them; coordinators read sessions and signed sheets.
    "ateliers:liste": Url(get=only(LIEU_200)),
    "ateliers:creer": Url(get=only(LIEU_200)),
    "ateliers:agenda": Url(get=only(LIEU_200)),
    "ateliers:detail": Url(objet="atelier", get=only(LIEU_SEUL)),
    "ateliers:modifier": Url(objet="atelier", get=only(LIEU_SEUL)),
    "ateliers:archiver": Url(objet="atelier", get=only(LIEU_SEUL)),
    "ateliers:programmer": Url(objet="atelier", get=only(LIEU_SEUL)),
    "ateliers:seance": Url(objet="seance", get=only({"coordinateur": VU} | LIEU_SEUL)),
    "ateliers:seance_modifier": Url(objet="seance", get=only(LIEU_SEUL)),
    # The matrix's session is past, roll-called and locked: it cannot be cancelled (back to it).
    "ateliers:seance_annuler": Url(objet="seance", get=only(LIEU_302)),
    "ateliers:inscrire": Url(objet="seance", get=only(LIEU_SEUL)),
    "ateliers:nouvelle_personne": Url(objet="seance", get=only(LIEU_SEUL)),
    "ateliers:desinscrire": Url(objet="inscription", get=only(LIEU_SEUL)),
    "ateliers:anonymes": Url(objet="seance", get=only(LIEU_405)),
    "ateliers:emargement": Url(objet="seance", get=only(LIEU_SEUL)),
    "ateliers:pointer": Url(objet="inscription", get=only(LIEU_405)),
    "ateliers:encaisser": Url(objet="inscription", get=only(LIEU_405)),
    "ateliers:feuille_pdf": Url(objet="seance", get=only({"coordinateur": VU} | LIEU_SEUL)),
    "ateliers:feuille_deposer": Url(objet="seance", get=only(LIEU_SEUL)),
    "ateliers:feuille_telecharger": Url(objet="feuille", get=only({"coordinateur": VU} | LIEU_SEUL)),
    "ateliers:sans_feuille": Url(get=only({"coordinateur": 200} | LIEU_200)),
    # Without ?lieu= the département's staff name no place: 404 (the place's page links with it).
    "ateliers:activite": Url(get=only({"coordinateur": 404, "lecteur": 404} | LIEU_200)),
    "ateliers:activite_csv": Url(get=only({"coordinateur": 404, "lecteur": 404} | LIEU_200)),
    "ateliers:parcours": Url(objet="beneficiaire", get=only(dict.fromkeys(("coordinateur", "lecteur"), VU) | SUIVI)),
    # rapports: the département's team only; everyone else gets 404 (not even the list exists).
    "rapports:liste": Url(get=only(EQUIPE_200, default=404)),
    "rapports:demander": Url(get=only(EQUIPE_200, default=404)),
    "rapports:detail": Url(objet="rapport", get=only(EQUIPE_DEP, default=404)),
    "rapports:progression": Url(objet="rapport", get=only(EQUIPE_DEP, default=404)),
    "rapports:relancer": Url(objet="rapport", get=only(dict.fromkeys(ACTORS[1:], 405))),
    "rapports:telecharger": Url(objet="fichier_rapport", get=only(EQUIPE_DEP, default=404)),
    "rapports:couts": Url(objet="dispositif", get=only(EQUIPE_DEP, default=404)),
    "rapports:cout_modifier": Url(
        objet="ligne_cout", get=only({"coordinateur": DEP, "lecteur": (403, 404)}, default=404)
    ),
    "rapports:cout_supprimer": Url(
        objet="ligne_cout", get=only({"coordinateur": DEP, "lecteur": (403, 404)}, default=404)
    ),
}

# Place URLs that change something on POST: out of scope, nothing changes.
POST_LIEU_URLS = ("structures_gestion:fermer", "structures_gestion:rouvrir", "structures_gestion:modifier")

# Object URLs that change something on POST: another département's object must be 404 there too.
POST_OBJECT_URLS = (
    "comptes:inviter",
    "comptes:desactiver_membre",
    "comptes:reactiver_membre",
    "comptes:annuler_invitation",
    "comptes:renvoyer_invitation",
)

# allauth: name -> (status for an anonymous visitor, statuses acceptable for a logged-in actor).
# 404 for logged-in actors only where allauth needs an authenticator the user does not have.
ALLAUTH: dict[str, tuple] = {
    "account_login": (200, {302}),
    "account_logout": (302, {200}),
    "account_inactive": (200, {200}),
    "account_signup": (200, {302}),  # sign-up is closed: the page says so
    "account_reauthenticate": (LOGIN, {200}),
    "account_email": (LOGIN, {200}),
    "account_email_verification_sent": (200, {200}),
    "account_change_password": (LOGIN, {200}),
    "account_set_password": (LOGIN, {302}),
    "account_reset_password": (200, {200}),
    "account_confirm_login_code": (LOGIN, {302}),
    "account_confirm_email": (200, {200}),  # needs a key: an unknown key shows an explanation
    "account_reset_password_from_key": (200, {200}),  # idem
    "account_reset_password_from_key_done": (200, {200}),
    "account_reset_password_done": (200, {200}),
    "mfa_index": (LOGIN, {200}),
    "mfa_authenticate": (LOGIN, {302}),
    "mfa_reauthenticate": (LOGIN, {200, 302}),
    "mfa_activate_totp": (LOGIN, {302}),  # asks to reauthenticate first
    "mfa_deactivate_totp": (LOGIN, {302, 404}),
    "mfa_view_recovery_codes": (LOGIN, {404}),
    "mfa_generate_recovery_codes": (LOGIN, {302}),
    "mfa_download_recovery_codes": (LOGIN, {404}),
}
ALLAUTH_KWARGS = {
    "account_confirm_email": {"key": "cle-inconnue"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "cle-inconnue"},
}


# --- the URL walk ---------------------------------------------------------------------------


def walk_urls(resolver=None, namespace=""):
    """Yield (qualified name or None, pattern) for every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk_urls(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield (name, namespace), pattern


def project_url_names() -> tuple[set[str], list[str]]:
    names, unnamed = set(), []
    for (name, namespace), pattern in walk_urls():
        if namespace.split(":")[0] == "admin":
            continue
        if name is None:
            unnamed.append(str(pattern.pattern))
        else:
            names.add(name)
    return names, unnamed


def admin_url_names() -> set[str]:
    return {name for (name, namespace), _ in walk_urls() if name and namespace.split(":")[0] == "admin"}


def test_every_url_is_declared():
    names, unnamed = project_url_names()
    declared = set(MATRIX) | set(ALLAUTH)
    assert not unnamed, f"URL sans nom (impossible à déclarer dans la matrice) : {unnamed}"
    undeclared = sorted(names - declared)
    assert not undeclared, (
        "URL absentes de la matrice des permissions (tests/test_permission_matrix.py) : "
        f"{undeclared}. Déclarez qui peut les ouvrir."
    )
    stale = sorted(declared - names)
    assert not stale, f"URL déclarées dans la matrice mais qui n’existent plus : {stale}"


def test_matrix_declarations_are_safe():
    """Static check of the declarations: a foreign object is never a page."""
    for name, url in MATRIX.items():
        scopes = SCOPES[url.objet]
        for actor in ACTORS:
            expected = url.get[actor]
            statuses = expected if isinstance(expected, tuple) else (expected,) * len(scopes)
            assert len(statuses) == len(scopes), (name, actor)
            if url.public or "etrangere" not in scopes:
                continue
            own, foreign = statuses[0], statuses[scopes.index("etrangere")]
            if actor == "anonyme":
                assert foreign == LOGIN, (name, actor)
            else:
                assert foreign == 404 or foreign == own in (403, 405), (name, actor, statuses)


# --- the world ------------------------------------------------------------------------------


@dataclass
class Monde:
    acteurs: dict
    orgs: dict  # (code département, clé) -> organisation
    extra_members: dict  # organisation pk -> a second membership
    invitations: dict  # organisation pk -> an open invitation
    # (code département, "a" or "b") -> a person: "a" followed by "prescripteur" and oriented to
    # "lieu", "b" followed by "prescripteur_2" and oriented to "lieu_2".
    beneficiaires: dict = field(default_factory=dict)
    orientations: dict = field(default_factory=dict)  # same keys -> that person's orientation
    dispositifs: dict = field(default_factory=dict)  # code département -> dispositif
    carnets: dict = field(default_factory=dict)  # same keys as beneficiaires
    cheques: dict = field(default_factory=dict)
    bordereaux: dict = field(default_factory=dict)
    encaissements: dict = field(default_factory=dict)  # a redemption not yet claimed
    jetons: dict = field(default_factory=dict)
    # ateliers: same keys; "a" is a workshop of "lieu" with a past session where person "a" was
    # present and gave the redeemed cheque, and its signed sheet; "b" likewise for "lieu_2".
    ateliers: dict = field(default_factory=dict)
    seances: dict = field(default_factory=dict)
    inscriptions: dict = field(default_factory=dict)
    feuilles: dict = field(default_factory=dict)
    # rapports: code département -> a finished report with a PDF, a cost line of its dispositif.
    rapports: dict = field(default_factory=dict)
    lignes_cout: dict = field(default_factory=dict)
    jeton_valide: str = "jeton-valide-de-la-matrice"


ACTOR_ORG = {
    "coordinateur": "equipe",
    "lecteur": "equipe",
    "referent": "prescripteur",
    "agent": "prescripteur",
    "responsable": "lieu",
    "mediateur": "lieu",
    "anonyme": "equipe",
}
NEIGHBOUR = {"equipe": "prescripteur", "prescripteur": "prescripteur_2", "lieu": "lieu_2"}


@pytest.fixture
def monde() -> Monde:
    orgs, extra, invitations = {}, {}, {}
    for code in ("23", "87"):
        dep = DepartementFactory(code=code)
        orgs[code, "equipe"] = EquipeDepartementaleFactory(departement=dep)
        orgs[code, "prescripteur"] = OrganismePrescripteurFactory(departement=dep)
        orgs[code, "prescripteur_2"] = OrganismePrescripteurFactory(departement=dep)
        orgs[code, "lieu"] = LieuFactory(departement=dep)
        orgs[code, "lieu_2"] = LieuFactory(departement=dep)
    for org in orgs.values():
        extra[org.pk] = make_member(org.roles[-1], organisation=org)
        invitations[org.pk] = InvitationFactory(organisation=org, created_by=extra[org.pk].user)
    acteurs = {"anonyme": None}
    for role in Role:
        acteurs[role.value] = make_member(role, organisation=orgs["23", ACTOR_ORG[role.value]])
    m = Monde(acteurs=acteurs, orgs=orgs, extra_members=extra, invitations=invitations)
    for code in ("23", "87"):
        for cle, prescripteur, lieu in (("a", "prescripteur", "lieu"), ("b", "prescripteur_2", "lieu_2")):
            orientation = OrientationFactory(
                beneficiaire=BeneficiaireFactory(
                    commune=commune(GUERET if code == "23" else LIMOGES), organisme=orgs[code, prescripteur]
                ),
                lieu=orgs[code, lieu],
                organisme=orgs[code, prescripteur],
            )
            m.beneficiaires[code, cle] = orientation.beneficiaire
            m.orientations[code, cle] = orientation
    for code in ("23", "87"):
        monde_pass(m, code)
        monde_ateliers(m, code)
        monde_rapports(m, code)
    InvitationFactory(
        organisation=orgs["23", "prescripteur"], email="nouvelle.personne@exemple.test", token=m.jeton_valide
    )
    return m


def monde_pass(m: Monde, code: str) -> None:
    """A dispositif of the département, its prescribers and qualified places, two handed-out
    booklets with a redeemed cheque each, on a bordereau of the redeeming place."""
    dispositif = DispositifFactory(departement=m.orgs[code, "equipe"].departement)
    m.dispositifs[code] = dispositif
    for cle, prescripteur, lieu in (("a", "prescripteur", "lieu"), ("b", "prescripteur_2", "lieu_2")):
        Participation.objects.create(dispositif=dispositif, organisme=m.orgs[code, prescripteur])
        qualifier(m.orgs[code, lieu], dispositif)
        c = carnet(
            dispositif,
            statut=Carnet.Statut.REMIS,
            organisme=m.orgs[code, prescripteur],
            beneficiaire=m.beneficiaires[code, cle],
        )
        cheque = c.cheques.order_by("rang").first()
        Cheque.objects.filter(pk=cheque.pk).update(
            statut=Cheque.Statut.ENCAISSE, encaisse_le=timezone.now(), lieu_encaissement=m.orgs[code, lieu]
        )
        Encaissement.objects.create(cheque=cheque, lieu=m.orgs[code, lieu], source=Encaissement.Source.PAGE)
        bordereau = Bordereau.objects.create(
            lieu=m.orgs[code, lieu],
            dispositif=dispositif,
            departement=dispositif.departement,
            numero=f"MATRICE-{code}-{cle}",
            mois=timezone.localdate().replace(day=1),
        )
        LigneBordereau.objects.create(bordereau=bordereau, cheque=cheque, montant=cheque.valeur)
        m.carnets[code, cle], m.cheques[code, cle], m.bordereaux[code, cle] = c, cheque, bordereau
        second = c.cheques.get(rang=2)
        Cheque.objects.filter(pk=second.pk).update(
            statut=Cheque.Statut.ENCAISSE, encaisse_le=timezone.now(), lieu_encaissement=m.orgs[code, lieu]
        )
        m.encaissements[code, cle] = Encaissement.objects.create(
            cheque=second, lieu=m.orgs[code, lieu], source=Encaissement.Source.PAGE
        )
        clair = f"ein_matrice{code}{cle}".ljust(44, "x")
        m.jetons[code, cle] = JetonAPI.objects.create(
            lieu=m.orgs[code, lieu], nom="Logiciel du lieu", prefixe=clair[:12], empreinte=empreinte(clair)
        )


def monde_ateliers(m: Monde, code: str) -> None:
    for cle, lieu in (("a", "lieu"), ("b", "lieu_2")):
        atelier = AtelierFactory(lieu=m.orgs[code, lieu], accepte_pass=True, dispositif=m.dispositifs[code])
        s = seance_factory(atelier, dans_jours=-1)
        inscription = inscrire(s, m.beneficiaires[code, cle], presence=Inscription.Presence.PRESENT)
        PresenceCheque.objects.create(inscription=inscription, encaissement=m.encaissements[code, cle])
        contenu = b"%PDF-1.4 feuille signee de la matrice"
        m.feuilles[code, cle] = FeuilleEmargement.objects.create(
            seance=s,
            fichier=ContentFile(contenu, name="feuille.pdf"),
            nom_original="feuille.pdf",
            type_contenu="application/pdf",
            taille=len(contenu),
            sha256=hashlib.sha256(contenu).hexdigest(),
        )
        m.ateliers[code, cle], m.seances[code, cle], m.inscriptions[code, cle] = atelier, s, inscription


def monde_rapports(m: Monde, code: str) -> None:
    dispositif = m.dispositifs[code]
    rapport = Rapport.objects.create(
        departement=dispositif.departement,
        du=dispositif.debut,
        au=dispositif.fin,
        formats=["pdf"],
        statut=Rapport.Statut.TERMINE,
        en_file=True,
        expire_le=timezone.now() + datetime.timedelta(days=30),
    )
    rapport.dispositifs.add(dispositif)
    contenu = b"%PDF-1.4 rapport de la matrice"
    FichierRapport.objects.create(
        rapport=rapport,
        format="pdf",
        fichier=ContentFile(contenu, name="rapport.pdf"),
        nom="rapport.pdf",
        taille=len(contenu),
        sha256=hashlib.sha256(contenu).hexdigest(),
    )
    m.rapports[code] = rapport
    m.lignes_cout[code] = LigneCout.objects.create(
        dispositif=dispositif, libelle="Coordination", montant="1000.00", date=dispositif.debut
    )


def organisation_for(monde: Monde, actor: str, scope: str):
    key = ACTOR_ORG[actor]
    return {
        "propre": monde.orgs["23", key],
        "voisine": monde.orgs["23", NEIGHBOUR[key]],
        "etrangere": monde.orgs["87", key],
    }[scope]


def url_kwargs(monde: Monde, objet: str | None, actor: str, scope: str) -> dict:
    if objet is None:
        return {}
    if objet == "departement":
        return {"code": {"propre": "23", "etrangere": "87", "inconnu": "99"}[scope]}
    if objet == "jeton":
        return {"token": monde.jeton_valide if scope == "valide" else "jeton-inconnu"}
    if objet == "jeton_import":
        return {"jeton": "jeton-d-import-inconnu"}
    if objet == "lieu":
        return {"pk": lieu_for(monde, actor, scope).pk}
    if objet == "lieu_public":
        return {"ref": lieu_public_ref(monde, scope)}
    if objet in ("beneficiaire", "orientation"):
        cle = {"propre": ("23", "a"), "voisine": ("23", "b"), "etrangere": ("87", "a")}[scope]
        return {"pk": (monde.beneficiaires if objet == "beneficiaire" else monde.orientations)[cle].pk}
    if objet == "prescripteur":
        return {"pk": prescripteur_for(monde, actor, scope).pk}
    if objet == "code_cheque":
        return {"code": "K7M3QXR9P4"}
    if objet in ("encaissement", "jeton_api"):
        cle = {"propre": ("23", "a"), "voisine": ("23", "b"), "etrangere": ("87", "a")}[scope]
        return {"pk": (monde.encaissements if objet == "encaissement" else monde.jetons)[cle].pk}
    if objet in ("carnet", "cheque", "bordereau"):
        cle = {"propre": ("23", "a"), "voisine": ("23", "b"), "etrangere": ("87", "a")}[scope]
        return {"pk": {"carnet": monde.carnets, "cheque": monde.cheques, "bordereau": monde.bordereaux}[objet][cle].pk}
    if objet == "dispositif":
        return {"pk": monde.dispositifs["23" if scope == "propre" else "87"].pk}
    if objet in ("rapport", "fichier_rapport"):
        kwargs = {"pk": monde.rapports["23" if scope == "propre" else "87"].pk}
        return kwargs | ({"format": "pdf"} if objet == "fichier_rapport" else {})
    if objet == "ligne_cout":
        return {"pk": monde.lignes_cout["23" if scope == "propre" else "87"].pk}
    if objet in ("atelier", "seance", "inscription", "feuille"):
        cle = {"propre": ("23", "a"), "voisine": ("23", "b"), "etrangere": ("87", "a")}[scope]
        if objet == "atelier":
            return {"pk": monde.ateliers[cle].pk}
        kwargs = {"pk": monde.seances[cle].pk}
        if objet == "inscription":
            kwargs["ipk"] = monde.inscriptions[cle].pk
        if objet == "feuille":
            kwargs["fpk"] = monde.feuilles[cle].pk
        return kwargs
    organisation = organisation_for(monde, actor, scope)
    if objet == "organisation":
        return {"pk": organisation.pk}
    if objet == "membre":
        return {"pk": monde.extra_members[organisation.pk].pk}
    if objet == "invitation":
        return {"pk": monde.invitations[organisation.pk].pk}
    raise AssertionError(objet)


def prescripteur_for(monde: Monde, actor: str, scope: str):
    return {
        "propre": monde.orgs["23", "prescripteur"],
        "voisine": monde.orgs["23", "prescripteur_2"],
        "etrangere": monde.orgs["87", "prescripteur"],
    }[scope]


def lieu_for(monde: Monde, actor: str, scope: str):
    return {
        "propre": monde.orgs["23", "lieu"],
        "voisine": monde.orgs["23", "lieu_2"],
        "etrangere": monde.orgs["87", "lieu"],
    }[scope]


def lieu_public_ref(monde: Monde, scope: str) -> str:
    if scope == "inconnu":
        return "lieu-qui-n-existe-pas"
    if scope == "ferme":
        lieu = monde.orgs["23", "lieu_2"]
        Lieu.objects.filter(pk=lieu.pk).update(est_actif=False, ferme_le=timezone.localdate())
        return lieu.identifiant
    return monde.orgs["23" if scope == "actif" else "87", "lieu"].identifiant


def client_for(monde: Monde, actor: str, login) -> Client:
    membership = monde.acteurs[actor]
    return login(membership, Client()) if membership else Client()


def assert_status(response, expected, context):
    if expected == LOGIN:
        assert response.status_code == 302, (context, response.status_code)
        assert response["Location"].startswith(reverse("account_login")), (context, response["Location"])
    else:
        assert response.status_code == expected, (context, response.status_code, response.get("Location"))


# --- the tests ------------------------------------------------------------------------------


def _get_cases():
    for name, url in MATRIX.items():
        scopes = SCOPES[url.objet]
        for actor in ACTORS:
            expected = url.get[actor]
            statuses = expected if isinstance(expected, tuple) else (expected,) * len(scopes)
            for scope, status in zip(scopes, statuses, strict=True):
                yield pytest.param(name, actor, scope, status, id=f"{name}-{actor}-{scope}")


@pytest.mark.parametrize(("name", "actor", "scope", "expected"), list(_get_cases()))
def test_get(monde, login, name, actor, scope, expected):
    url = reverse(name, kwargs=url_kwargs(monde, MATRIX[name].objet, actor, scope))
    response = client_for(monde, actor, login).get(url)
    response.close()  # a file download streams from an open file
    assert_status(response, expected, f"GET {url} ({actor}, {scope})")


def _post_cases():
    for name in POST_OBJECT_URLS:
        for actor in ACTORS:
            scopes = ["etrangere"] + (["voisine"] if actor in ("referent", "responsable") else [])
            for scope in scopes:
                expected = LOGIN if actor == "anonyme" else (404 if actor in MANAGERS else 403)
                yield pytest.param(name, actor, scope, expected, id=f"{name}-{actor}-{scope}")


@pytest.mark.parametrize(("name", "actor", "scope", "expected"), list(_post_cases()))
def test_post_on_objects_out_of_scope_changes_nothing(monde, login, name, actor, scope, expected):
    url = reverse(name, kwargs=url_kwargs(monde, MATRIX[name].objet, actor, scope))
    organisation = organisation_for(monde, actor, scope)
    data = {"email": "intrus@exemple.test", "role": organisation.roles[-1].value}
    before = Evenement.objects.count()
    response = client_for(monde, actor, login).post(url, data)
    assert_status(response, expected, f"POST {url} ({actor}, {scope})")
    assert Evenement.objects.count() == before
    assert not organisation.invitations.filter(email="intrus@exemple.test").exists()
    member = monde.extra_members[organisation.pk]
    member.refresh_from_db()
    assert member.is_active
    invitation = monde.invitations[organisation.pk]
    invitation.refresh_from_db()
    assert invitation.is_open and invitation.send_count == 1


def _post_lieu_cases():
    for name in POST_LIEU_URLS:
        for actor in ACTORS:
            scopes = ["etrangere"] + (["voisine"] if actor == "responsable" else [])
            for scope in scopes:
                if actor == "anonyme":
                    expected = LOGIN
                elif actor == "coordinateur" or (actor == "responsable" and name == "structures_gestion:modifier"):
                    expected = 404
                else:
                    expected = 403
                yield pytest.param(name, actor, scope, expected, id=f"{name}-{actor}-{scope}")


@pytest.mark.parametrize(("name", "actor", "scope", "expected"), list(_post_lieu_cases()))
def test_post_on_places_out_of_scope_changes_nothing(monde, login, name, actor, scope, expected):
    lieu = lieu_for(monde, actor, scope)
    url = reverse(name, kwargs={"pk": lieu.pk})
    before = Evenement.objects.count()
    response = client_for(monde, actor, login).post(url, {"nom": "Intrusion", "motif": "intrusion"})
    assert_status(response, expected, f"POST {url} ({actor}, {scope})")
    assert Evenement.objects.count() == before
    lieu.refresh_from_db()
    assert lieu.est_actif and lieu.nom != "Intrusion"


# Person and orientation URLs that change something on POST.
POST_BENEFICIAIRE_URLS = {
    "beneficiaires:modifier": ("coordinateur", "referent", "agent"),
    "beneficiaires:orienter": ("referent", "agent"),
    "beneficiaires:fusionner": ("coordinateur",),
    "beneficiaires:anonymiser": ("coordinateur",),
    "beneficiaires:accepter_orientation": ("responsable", "mediateur"),
    "beneficiaires:refuser_orientation": ("responsable", "mediateur"),
}


def _post_beneficiaire_cases():
    for name, allowed in POST_BENEFICIAIRE_URLS.items():
        for actor in ACTORS:
            scopes = ["etrangere"] + (["voisine"] if actor in allowed and actor != "coordinateur" else [])
            for scope in scopes:
                expected = LOGIN if actor == "anonyme" else (404 if actor in allowed else 403)
                yield pytest.param(name, actor, scope, expected, id=f"{name}-{actor}-{scope}")


@pytest.mark.parametrize(("name", "actor", "scope", "expected"), list(_post_beneficiaire_cases()))
def test_post_on_beneficiaires_out_of_scope_changes_nothing(monde, login, name, actor, scope, expected):
    kwargs = url_kwargs(monde, MATRIX[name].objet, actor, scope)
    url = reverse(name, kwargs=kwargs)
    cle = {"voisine": ("23", "b"), "etrangere": ("87", "a")}[scope]
    personne, orientation = monde.beneficiaires[cle], monde.orientations[cle]
    data = {
        "nom": "Intrus",
        "prenom": "Intrus",
        "lieu": monde.orgs["23", "lieu"].pk,
        "motif": "intrusion",
        "confirmation": "on",
        "autre": monde.beneficiaires["23", "a"].pk,
        "besoins": ["ordinateur"],
    }
    before = Evenement.objects.count()
    response = client_for(monde, actor, login).post(url, data)
    assert_status(response, expected, f"POST {url} ({actor}, {scope})")
    assert Evenement.objects.count() == before
    nom = personne.nom
    personne.refresh_from_db()
    assert personne.nom == nom and not personne.est_anonymise and not personne.est_fusionne
    assert personne.orientations.count() == 1
    orientation.refresh_from_db()
    assert orientation.statut == "a_contacter"


# Other object URLs that change something on POST: for every actor who may use them on their
# own objects, another département's object is 404 and nothing is journalled (no write).
POST_FOREIGN_URLS = (
    "prescripteurs:modifier",
    "prescripteurs:fermer",
    "prescripteurs:rouvrir",
    "pass_dispositifs:modifier",
    "pass_dispositifs:clore",
    "pass_dispositifs:decider",
    "pass_dispositifs:prescripteurs",
    "pass_dispositifs:generer",
    "pass_dispositifs:doter",
    "pass_dispositifs:transferer",
    "pass_dispositifs:retirer_prescripteur",
    "pass_remise:remettre",
    "pass_remise:derogation",
    "pass_remboursement:valider",
    "pass_remboursement:payer",
    "pass_remboursement:coordonnees",
    "pass_encaissement:annuler",
    "pass_encaissement:revoquer_jeton",
    "pass_encaissement:opposition_carnet",
    "ateliers:modifier",
    "ateliers:archiver",
    "ateliers:programmer",
    "ateliers:seance_modifier",
    "ateliers:seance_annuler",
    "ateliers:inscrire",
    "ateliers:nouvelle_personne",
    "ateliers:desinscrire",
    "ateliers:anonymes",
    "ateliers:pointer",
    "ateliers:encaisser",
    "ateliers:feuille_deposer",
    "rapports:relancer",
    "rapports:couts",
    "rapports:cout_modifier",
    "rapports:cout_supprimer",
)


def _post_foreign_cases():
    for name in POST_FOREIGN_URLS:
        url = MATRIX[name]
        for actor in ACTORS[1:]:
            own = url.get[actor]
            own = own[0] if isinstance(own, tuple) else own
            if own in (200, 302, 405):
                yield pytest.param(name, actor, id=f"{name}-{actor}")


@pytest.mark.parametrize(("name", "actor"), list(_post_foreign_cases()))
def test_post_on_another_departement_changes_nothing(monde, login, name, actor):
    url = reverse(name, kwargs=url_kwargs(monde, MATRIX[name].objet, actor, "etrangere"))
    data = {
        "nom": "Intrusion",
        "motif": "intrusion",
        "confirmer": "1",
        "confirmation": "on",
        "nb_carnets": "1",
        "presence": "absent",
        "nombre": "3",
        "code": "K7M3QXR9P4",
        "beneficiaire": "1",
    }
    before = Evenement.objects.count()
    response = client_for(monde, actor, login).post(url, data)
    assert_status(response, 404, f"POST {url} ({actor}, etrangere)")
    assert Evenement.objects.count() == before


def _allauth_cases():
    for name in ALLAUTH:
        for actor in ACTORS:
            yield pytest.param(name, actor, id=f"{name}-{actor}")


@pytest.mark.parametrize(("name", "actor"), list(_allauth_cases()))
def test_allauth_get(monde, login, name, actor):
    url = reverse(name, kwargs=ALLAUTH_KWARGS.get(name, {}))
    anonymous, logged_in = ALLAUTH[name]
    response = client_for(monde, actor, login).get(url)
    if actor == "anonyme":
        assert_status(response, anonymous, f"GET {url} (anonyme)")
    else:
        assert response.status_code in logged_in, (url, actor, response.status_code, response.get("Location"))


def _admin_urls() -> list[str]:
    dummy = {"object_id": "1", "app_label": "comptes", "content_type_id": "1"}
    urls = []
    for (name, namespace), pattern in walk_urls():
        if not name or namespace.split(":")[0] != "admin":
            continue
        kwargs = {key: dummy.get(key, "1") for key in pattern.pattern.regex.groupindex}
        urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_is_closed_to_non_staff(monde, login, actor):
    assert admin_url_names(), "le site d’administration n’est plus branché ?"
    client = client_for(monde, actor, login)
    login_page = reverse("admin:login")
    for url in _admin_urls():
        response = client.get(url)
        if url == login_page:
            continue  # the admin's own login form
        assert response.status_code != 200, (url, actor)
        assert response.status_code in (302, 404, 405), (url, actor, response.status_code)


def test_admin_opens_for_staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
