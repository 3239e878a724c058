"""The right of access: everything held about the person, as JSON (French keys and labels) and as
a readable PDF; each export journalled; the file named after the pseudonym; who may export."""

import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from beneficiaires import exports
from beneficiaires.models import Orientation, Suivi
from beneficiaires.services import fusion
from beneficiaires.services.anonymisation import MOTIF_EFFACEMENT, anonymiser
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, LieuFactory, OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

from .factories import SAINT_FIEL, BeneficiaireFactory, OrientationFactory, agent_qui_suit, commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def b():
    b = BeneficiaireFactory(
        nom="Périgord",
        prenom="Josiane",
        date_naissance=datetime.date(1948, 11, 30),
        telephone="+33555667788",
        email="josiane@exemple.test",
        notes="Souhaite des ateliers le mardi.",
        commune=commune(SAINT_FIEL),
        publics=["senior", "aah"],
        sexe="femme",
        situation_emploi="inactif",
        niveau_etudes="cite_0_2",
        handicap="nsp",
        besoins=["visio", "securite"],
        niveau_autonomie=2,
        information_rgpd_le=datetime.date(2026, 3, 4),
    )
    lieu = LieuFactory(
        departement=b.departement,
        nom="Médiathèque de Saint-Fiel",
        adresse="2 rue des Écoles",
        code_postal="23000",
        commune="Saint-Fiel",
        telephone="+33555000111",
    )
    o = OrientationFactory(beneficiaire=b, lieu=lieu, besoins=["visio"], message="Préfère le matin")
    Orientation.objects.filter(pk=o.pk).update(
        statut=Orientation.Statut.REFUSEE, repondu_le=timezone.now(), motif_refus="Complet jusqu’en juin"
    )
    return b


def url(nom: str, b) -> str:
    return reverse(f"beneficiaires:{nom}", args=[b.pk])


def texte_du_pdf(contenu: bytes) -> str:
    lecteur = PdfReader(io.BytesIO(contenu))
    return " ".join(" ".join(page.extract_text() for page in lecteur.pages).split())


# --- What the export holds ----------------------------------------------------------------------


def test_les_donnees_avec_des_cles_et_des_libelles_en_francais(b):
    d = exports.donnees_de(exports.charger(b.pk))
    assert d["reference"] == b.pseudonyme
    assert d["departement"] == {"code": "23", "nom": "Creuse"}
    assert d["identite"] == {"nom": "Périgord", "prenom": "Josiane", "date_de_naissance": datetime.date(1948, 11, 30)}
    assert d["coordonnees"] == {"telephone": "+33555667788", "email": "josiane@exemple.test"}
    assert d["commune"] == {"nom": "Saint-Fiel", "code_insee": SAINT_FIEL}
    assert d["publics_eligibles"] == ["Senior", "Bénéficiaire de l’AAH"]
    fse = {ligne["question"]: ligne["reponse"] for ligne in d["indicateurs_fse"]}
    assert fse["Sexe"] == "Femme"
    assert fse["Niveau d’études"] == "CITE 0 à 2 : jusqu’au collège (brevet, CAP non obtenu)"
    assert fse["Personne en situation de handicap (reconnue ou déclarée) ?"] == "Ne souhaite pas répondre"
    assert fse["Commune en zone rurale (déduit de la commune)"] == "Oui"
    assert fse["Âge à l’entrée dans le dispositif"] == f"{b.age_a_l_entree} ans"
    assert d["diagnostic"] == {
        "besoins": ["Faire une visio avec ses proches", "Se protéger en ligne (arnaques, mots de passe)"],
        "niveau_d_autonomie": "Utilise un appareil avec l’aide d’un proche",
    }
    assert d["notes"] == "Souhaite des ateliers le mardi."
    assert d["information_donnees_personnelles_donnee_le"] == datetime.date(2026, 3, 4)
    [suivi] = d["organismes_qui_suivent"]
    assert suivi["nom"] == b.suivis.get().organisme.nom and suivi["type"] == "CCAS"
    assert suivi["origine"] == "A créé la fiche"
    [orientation] = d["orientations"]
    assert orientation["lieu"] == {
        "nom": "Médiathèque de Saint-Fiel",
        "adresse": "2 rue des Écoles",
        "commune": "23000 Saint-Fiel",
        "telephone": "+33555000111",
    }
    assert orientation["besoins"] == ["Faire une visio avec ses proches"]
    assert orientation["statut"] == "Refusée" and orientation["motif_du_refus"] == "Complet jusqu’en juin"
    assert orientation["message_au_lieu"] == "Préfère le matin"
    assert d["anciennes_fiches_fusionnees"] == []
    prevue = timezone.localtime(b.derniere_activite_le).date().replace(year=b.derniere_activite_le.year + 2)
    assert d["dates"]["anonymisation_prevue_le"] == prevue
    assert "24 mois" in d["conservation"]
    assert any("CNIL" in droit for droit in d["vos_droits"])


def test_les_fiches_fusionnees_font_partie_de_l_export(b):
    doublon = BeneficiaireFactory(nom="Perigort", prenom="Josiane", telephone="+33555000999")
    fusion.fusionner(par=make_member(Role.COORDINATEUR, departement=b.departement), conservee=b, absorbee=doublon)
    d = exports.donnees_de(exports.charger(b.pk))
    [ancienne] = d["anciennes_fiches_fusionnees"]
    assert (ancienne["reference"], ancienne["nom"], ancienne["telephone"]) == (
        doublon.pseudonyme,
        "Perigort",
        "+33555000999",
    )
    assert len(d["organismes_qui_suivent"]) == 2


def test_le_chargement_se_fait_en_un_nombre_fixe_de_requetes(b):
    for _ in range(5):
        OrientationFactory(beneficiaire=b)
        Suivi.objects.create(
            beneficiaire=b, organisme=OrganismePrescripteurFactory(departement=b.departement), origine="rattachement"
        )
    with CaptureQueriesContext(connection) as ctx:
        exports.donnees_de(exports.charger(b.pk))
    assert len(ctx.captured_queries) <= 5


# --- The downloads ------------------------------------------------------------------------------


def test_export_json(client, login, b):
    agent = agent_qui_suit(b)
    login(agent)
    reponse = client.get(url("export_json", b))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert reponse["Content-Disposition"] == f'attachment; filename="donnees-personnelles-{b.pseudonyme}.json"'
    assert "Périgord" not in reponse["Content-Disposition"]
    assert "no-store" in reponse["Cache-Control"]
    d = json.loads(reponse.content.decode("utf-8"))
    assert d["identite"] == {"nom": "Périgord", "prenom": "Josiane", "date_de_naissance": "1948-11-30"}
    assert d["publics_eligibles"] == ["Senior", "Bénéficiaire de l’AAH"]
    assert d["produit_le"].endswith(("+01:00", "+02:00"))  # Europe/Paris
    assert "Périgord" in reponse.content.decode("utf-8")  # not \u-escaped: readable
    entree = Evenement.objects.get(action=Action.BENEFICIAIRE_CONSULTE)
    assert (entree.actor, entree.organisation_id, entree.details) == (
        agent.user,
        agent.organisation_id,
        {"vue": "export_json"},
    )
    assert entree.target_repr == b.pseudonyme


def test_export_pdf(client, login, b):
    coordination = make_member(Role.COORDINATEUR, departement=b.departement)
    login(coordination)
    reponse = client.get(url("export_pdf", b))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == f'attachment; filename="donnees-personnelles-{b.pseudonyme}.pdf"'
    contenu = reponse.content
    assert contenu.startswith(b"%PDF-") and 10_000 < len(contenu) < 500_000
    texte = texte_du_pdf(contenu)
    metadonnees = PdfReader(io.BytesIO(contenu)).metadata
    assert metadonnees.title == f"Vos données personnelles — {b.pseudonyme}"  # never the name
    assert metadonnees.author == "Département Creuse"
    for attendu in (
        "Vos données personnelles",
        "Département Creuse (23)",
        f"sous la référence {b.pseudonyme}",
        "Périgord",
        "30/11/1948",
        "+33555667788",
        "Saint-Fiel (code INSEE 23195)",
        "Bénéficiaire de l’AAH",
        "Vos réponses aux questions du Fonds social européen (FSE+)",
        "Ne souhaite pas répondre",
        "Faire une visio avec ses proches",
        "Médiathèque de Saint-Fiel",
        "Complet jusqu’en juin",
        "Vos droits",
        "CNIL",
        "Page 1 sur",
    ):
        assert attendu in texte, attendu
    entree = Evenement.objects.get(action=Action.BENEFICIAIRE_CONSULTE)
    assert (entree.actor, entree.details) == (coordination.user, {"vue": "export_pdf"})


def test_la_couleur_du_departement_est_verifiee():
    d = exports.donnees_de(exports.charger(BeneficiaireFactory().pk))
    assert exports.en_pdf(d, couleur="red;} body {display:none").startswith(b"%PDF-")


# --- Who may export -----------------------------------------------------------------------------


@pytest.mark.parametrize("nom", ["export_json", "export_pdf"])
@pytest.mark.parametrize("role", [Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_roles_sans_export_403(client, login, b, nom, role):
    if role == Role.LECTEUR:
        membre = make_member(role, departement=b.departement)
    else:
        membre = make_member(role, organisation=b.orientations.get().lieu)  # even the place it is oriented to
    login(membre)
    assert client.get(url(nom, b)).status_code == 403
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE).exists()


@pytest.mark.parametrize("nom", ["export_json", "export_pdf"])
def test_hors_perimetre_404(client, login, b, nom):
    for membre in (
        make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement=b.departement)),
        make_member(Role.REFERENT, organisation=OrganismePrescripteurFactory(departement=b.departement)),
        make_member(Role.COORDINATEUR, departement=DepartementFactory(code="87")),
    ):
        login(membre)
        assert client.get(url(nom, b)).status_code == 404
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE).exists()


@pytest.mark.parametrize("nom", ["export_json", "export_pdf"])
def test_le_referent_de_l_organisme_exporte(client, login, b, nom):
    login(agent_qui_suit(b, Role.REFERENT))
    assert client.get(url(nom, b)).status_code == 200


@pytest.mark.parametrize("nom", ["export_json", "export_pdf"])
def test_une_fiche_anonymisee_n_a_plus_rien_a_exporter(client, login, b, nom):
    coordination = make_member(Role.COORDINATEUR, departement=b.departement)
    anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    login(coordination)
    reponse = client.get(url(nom, b))
    assert reponse.status_code == 403
    assert "elle ne contient plus de données personnelles à exporter" in reponse.content.decode()
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_CONSULTE).exists()


def test_anonyme_vers_la_connexion(client, b):
    for nom in ("export_json", "export_pdf"):
        reponse = client.get(url(nom, b))
        assert reponse.status_code == 302 and reverse("account_login") in reponse["Location"]


def test_les_applications_au_dessus_ajoutent_leurs_sections(b):
    def carnets(sender, *, beneficiaire, **kwargs):
        assert beneficiaire.pk == b.pk
        return [{"titre": "Carnets remis", "colonnes": ["Numéro", "Remis le"], "lignes": [["C-0042", "02/03/2026"]]}]

    exports.donnees_supplementaires.connect(carnets)
    try:
        d = exports.donnees_de(exports.charger(b.pk))
    finally:
        exports.donnees_supplementaires.disconnect(carnets)
    assert {"titre": "Carnets remis", "colonnes": ["Numéro", "Remis le"], "lignes": [["C-0042", "02/03/2026"]]} in d[
        "autres_donnees"
    ]
    assert json.loads(exports.en_json(d))["autres_donnees"][-1]["titre"] == "Carnets remis"
    texte = texte_du_pdf(exports.en_pdf(d))
    assert "Carnets remis Numéro Remis le C-0042 02/03/2026" in texte
