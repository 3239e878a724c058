"""Services of the organismes prescripteurs: create, edit (changed fields and values journalled),
close with a reason, reopen; who may do it; bad input leaves nothing behind."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement
from prescripteurs.models import OrganismePrescripteur
from prescripteurs.services import creer_organisme, fermer_organisme, modifier_organisme, rouvrir_organisme
from territoires.models import Commune

from .conftest import SIRET, SIRET_2

pytestmark = pytest.mark.django_db


def donnees(gueret, **modifs) -> dict:
    return {
        "nom": "CCAS de Guéret",
        "type_organisme": "ccas",
        "siret": "000 000 023 00010",
        "adresse": "12 avenue Fayolle",
        "code_postal": "",
        "commune": gueret,
        "telephone": "05 36 49 01 01",
        "courriel": "Accueil@CCAS.example",
    } | modifs


# --- Create ------------------------------------------------------------------------------------


def test_creer_un_organisme_dans_le_departement_du_coordinateur(coord, creuse, gueret):
    organisme = creer_organisme(par=coord, donnees=donnees(gueret))

    organisme.refresh_from_db()
    assert organisme.departement == creuse
    assert (organisme.nom, organisme.type_organisme, organisme.siret) == ("CCAS de Guéret", "ccas", SIRET)
    assert (organisme.code_postal, organisme.commune) == ("23000", gueret)  # the commune's only postal code
    assert organisme.telephone == "+33536490101"
    assert organisme.courriel == "accueil@ccas.example"
    assert organisme.est_actif and organisme.type == "prescripteur"

    evenement = Evenement.objects.get(action=Action.ORGANISME_CREE)
    assert (evenement.actor, evenement.organisation, evenement.departement) == (coord.user, coord.organisation, creuse)
    assert evenement.target_id == str(organisme.pk)
    assert evenement.details == {
        "nom": "CCAS de Guéret",
        "type_organisme": "ccas",
        "siret": SIRET,
        "commune": "Guéret (23096)",
    }


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_seul_un_coordinateur_cree_un_organisme(creuse, gueret, role):
    with pytest.raises(PermissionDenied):
        creer_organisme(par=make_member(role, departement=creuse), donnees=donnees(gueret))
    assert not OrganismePrescripteur.objects.filter(nom="CCAS de Guéret").exists()
    assert not Evenement.objects.filter(action=Action.ORGANISME_CREE).exists()


def test_un_coordinateur_desactive_ne_cree_rien(coord, gueret):
    coord.is_active = False
    with pytest.raises(PermissionDenied):
        creer_organisme(par=coord, donnees=donnees(gueret))


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("nom", "   ", "Indiquez le nom de l’organisme"),
        ("type_organisme", "banque", "Type d’organisme inconnu : « banque »"),
        ("siret", "123", "Un SIRET compte 14 chiffres"),
        ("siret", "00000002300011", "sa clé de contrôle ne correspond pas"),
        ("code_postal", "2300", "Code postal invalide"),
        ("code_postal", "23200", "Le code postal 23200 ne dessert pas la commune Guéret (codes postaux : 23000)"),
        ("commune", None, "Indiquez la commune"),
        ("telephone", "12", "Numéro de téléphone invalide"),
        ("courriel", "accueil@", "Adresse e-mail invalide"),
    ],
)
def test_une_saisie_invalide_ne_cree_rien(coord, gueret, champ, valeur, message):
    with pytest.raises(ValidationError) as exc:
        creer_organisme(par=coord, donnees=donnees(gueret, **{champ: valeur}))
    assert message in " ".join(exc.value.message_dict[champ])
    assert not OrganismePrescripteur.objects.exists()
    assert not Evenement.objects.exists()


def test_un_champ_inconnu_est_une_erreur_de_programmation(coord, gueret):
    with pytest.raises(ValueError, match="Champs inconnus : ferme_le"):
        creer_organisme(par=coord, donnees=donnees(gueret, ferme_le=None))


def test_deux_organismes_du_departement_ne_partagent_ni_nom_ni_siret(coord, organisme, gueret, haute_vienne):
    with pytest.raises(ValidationError) as exc:
        creer_organisme(par=coord, donnees=donnees(gueret, nom="MISSION LOCALE DE LA CREUSE", siret=SIRET_2))
    assert "porte déjà ce nom" in exc.value.message_dict["nom"][0]
    assert "déjà celui de « Mission locale de la Creuse »" in exc.value.message_dict["siret"][0]
    assert OrganismePrescripteur.objects.count() == 1
    # Another département may have its own.
    OrganismePrescripteurFactory(departement=haute_vienne, nom="CCAS de Guéret", siret=SIRET)
    assert creer_organisme(par=coord, donnees=donnees(gueret)).siret == SIRET


# --- Edit --------------------------------------------------------------------------------------


def test_modifier_journalise_les_champs_et_leurs_valeurs(coord, organisme, gueret):
    saint_fiel = Commune.objects.get(code_insee="23195")
    changes = modifier_organisme(
        par=coord,
        organisme=organisme,
        donnees={"nom": "Mission locale Creuse", "commune": saint_fiel, "telephone": "05 36 49 01 02"},
    )

    assert changes == {
        "nom": ["Mission locale de la Creuse", "Mission locale Creuse"],
        "commune": ["Guéret (23096)", "Saint-Fiel (23195)"],
    }
    organisme.refresh_from_db()
    assert organisme.nom == "Mission locale Creuse" and organisme.commune == saint_fiel
    assert organisme.code_postal == "23000" and organisme.siret == SIRET_2  # untouched fields kept
    evenement = Evenement.objects.get(action=Action.ORGANISME_MODIFIE)
    assert evenement.details == {"champs": changes}
    assert evenement.actor == coord.user


def test_rien_de_change_rien_d_ecrit(coord, organisme, gueret):
    assert modifier_organisme(par=coord, organisme=organisme, donnees={"telephone": "05.36.49.01.02"}) == {}
    assert not Evenement.objects.exists()


def test_le_referent_modifie_son_organisme(referent, organisme):
    changes = modifier_organisme(par=referent, organisme=organisme, donnees={"adresse": "3 rue Neuve"})
    assert changes == {"adresse": ["1 rue de la Gare", "3 rue Neuve"]}
    assert Evenement.objects.get(action=Action.ORGANISME_MODIFIE).organisation_id == organisme.pk


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.AGENT, Role.REFERENT, Role.RESPONSABLE])
def test_les_autres_ne_modifient_pas(organisme, creuse, role):
    autre = make_member(role, departement=creuse)  # a référent of another organisation, among others
    with pytest.raises(PermissionDenied):
        modifier_organisme(par=autre, organisme=organisme, donnees={"nom": "Intrusion"})
    organisme.refresh_from_db()
    assert organisme.nom == "Mission locale de la Creuse"


def test_l_agent_de_l_organisme_ne_le_modifie_pas(agent, organisme):
    with pytest.raises(PermissionDenied):
        modifier_organisme(par=agent, organisme=organisme, donnees={"nom": "Intrusion"})


def test_un_coordinateur_d_un_autre_departement_ne_modifie_pas(coord_87, organisme):
    with pytest.raises(PermissionDenied):
        modifier_organisme(par=coord_87, organisme=organisme, donnees={"nom": "Intrusion"})


def test_une_modification_invalide_ne_change_rien(coord, organisme):
    with pytest.raises(ValidationError) as exc:
        modifier_organisme(par=coord, organisme=organisme, donnees={"nom": "Nouveau nom", "siret": "123"})
    assert set(exc.value.message_dict) == {"siret"}
    organisme.refresh_from_db()
    assert organisme.nom == "Mission locale de la Creuse"
    assert not Evenement.objects.exists()


def test_renommer_comme_un_autre_organisme_est_refuse(coord, organisme, creuse):
    OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Guéret")
    with pytest.raises(ValidationError, match="porte déjà ce nom"):
        modifier_organisme(par=coord, organisme=organisme, donnees={"nom": "ccas de guéret"})


# --- Close and reopen --------------------------------------------------------------------------


def test_fermer_puis_rouvrir(coord, organisme, referent):
    fermer_organisme(par=coord, organisme=organisme, motif="  Fin de la   convention ")
    organisme.refresh_from_db()
    assert not organisme.est_actif
    ferme = Evenement.objects.get(action=Action.ORGANISME_FERME)
    assert ferme.details == {"motif": "Fin de la convention", "ferme_le": organisme.ferme_le.isoformat()}
    referent.refresh_from_db()
    assert referent.is_active  # members keep their access

    with pytest.raises(ValidationError, match="déjà fermé"):
        fermer_organisme(par=coord, organisme=organisme, motif="Encore")

    ferme_le = organisme.ferme_le
    rouvrir_organisme(par=coord, organisme=organisme)
    organisme.refresh_from_db()
    assert organisme.est_actif
    assert Evenement.objects.get(action=Action.ORGANISME_ROUVERT).details == {"ferme_le": ferme_le.isoformat()}
    with pytest.raises(ValidationError, match="déjà ouvert"):
        rouvrir_organisme(par=coord, organisme=organisme)


@pytest.mark.parametrize("motif", ["", "   ", "x" * 501])
def test_fermer_demande_un_motif(coord, organisme, motif):
    with pytest.raises(ValidationError) as exc:
        fermer_organisme(par=coord, organisme=organisme, motif=motif)
    assert "motif" in exc.value.message_dict
    organisme.refresh_from_db()
    assert organisme.est_actif
    assert not Evenement.objects.exists()


def test_seul_le_coordinateur_du_departement_ferme_et_rouvre(organisme, referent, coord_87, coord):
    for par in (referent, coord_87):
        with pytest.raises(PermissionDenied):
            fermer_organisme(par=par, organisme=organisme, motif="Intrusion")
    fermer_organisme(par=coord, organisme=organisme, motif="Erreur")
    for par in (referent, coord_87):
        with pytest.raises(PermissionDenied):
            rouvrir_organisme(par=par, organisme=organisme)
    organisme.refresh_from_db()
    assert not organisme.est_actif
    assert Evenement.objects.filter(action=Action.ORGANISME_FERME).count() == 1
    assert not Evenement.objects.filter(action=Action.ORGANISME_ROUVERT).exists()
