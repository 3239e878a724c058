"""A place records a person it meets at the door (minimal record, same duplicate check as
prescribers) or finds an existing record by its identity; it then sees the record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beneficiaires.models import Accueil, Beneficiaire
from beneficiaires.selectors import beneficiaires_visibles, get_beneficiaire_visible
from beneficiaires.services.fiches import DoublonTrouve, accueillir_existante, creer_beneficiaire_au_lieu
from beneficiaires.services.fusion import fusionner
from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement

from .factories import GUERET, BeneficiaireFactory, commune

pytestmark = pytest.mark.django_db
NE_LE = datetime.date(1948, 7, 14)


def donnees(**changements) -> dict:
    valeurs = {
        "nom": "Lefèvre",
        "prenom": "Odette",
        "date_naissance": NE_LE,
        "commune": commune(GUERET),
        "telephone": "05 55 00 00 00",
        "besoins": [],
        "information_rgpd_le": datetime.date.today(),
        # Fields a place does not record: ignored.
        "notes": "ne doit pas être enregistré",
        "sexe": "femme",
    }
    return valeurs | changements


@pytest.fixture
def mediateur():
    lieu = LieuFactory(departement=commune(GUERET).departement)
    return make_member(Role.MEDIATEUR, organisation=lieu)


def test_un_lieu_cree_une_fiche_minimale_qu_il_voit_ensuite(mediateur):
    b = creer_beneficiaire_au_lieu(par=mediateur, donnees=donnees())
    assert (b.nom, b.prenom, b.telephone) == ("Lefèvre", "Odette", "+33555000000")
    assert b.notes == "" and b.sexe == ""  # not asked at the door
    assert b.departement_id == mediateur.organisation.departement_id
    assert Accueil.objects.get(beneficiaire=b).lieu_id == mediateur.organisation_id
    assert get_beneficiaire_visible(mediateur, b.pk) == b
    entree = Evenement.objects.get(action=Action.BENEFICIAIRE_CREE)
    assert entree.target_repr == b.pseudonyme and "Lefèvre" not in str(entree.details)


@pytest.mark.parametrize(
    ("changement", "champ"),
    [
        ({"nom": ""}, "nom"),
        ({"prenom": "   "}, "prenom"),
        ({"date_naissance": None}, "date_naissance"),
        ({"commune": None}, "commune"),
        ({"telephone": "appelez-moi"}, "telephone"),
        ({"information_rgpd_le": None}, "information_rgpd_le"),
    ],
)
def test_une_saisie_invalide_n_enregistre_rien(mediateur, changement, champ):
    with pytest.raises(ValidationError) as exc:
        creer_beneficiaire_au_lieu(par=mediateur, donnees=donnees(**changement))
    assert champ in exc.value.message_dict
    assert not Beneficiaire.objects.exists() and not Accueil.objects.exists()


def test_le_doublon_est_trouve_et_la_fiche_existante_se_rattache_par_l_identite(mediateur):
    existante = BeneficiaireFactory(
        departement=mediateur.organisation.departement, nom="Lefevre", prenom="ODETTE", date_naissance=NE_LE
    )
    with pytest.raises(DoublonTrouve) as exc:
        creer_beneficiaire_au_lieu(par=mediateur, donnees=donnees())
    assert exc.value.existante == existante
    assert Beneficiaire.objects.count() == 1
    assert not beneficiaires_visibles(mediateur).exists()

    accueil = accueillir_existante(par=mediateur, nom="Lefèvre", prenom="Odette", date_naissance=NE_LE)
    assert accueil.beneficiaire == existante and accueil.origine == Accueil.Origine.RATTACHEMENT
    assert list(beneficiaires_visibles(mediateur)) == [existante]
    # Idempotent: a second time changes nothing and journals nothing more.
    accueillir_existante(par=mediateur, nom="Lefèvre", prenom="Odette", date_naissance=NE_LE)
    assert Accueil.objects.count() == 1
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_RATTACHE).count() == 1


def test_rattacher_une_identite_inconnue_est_refuse(mediateur):
    with pytest.raises(ValidationError):
        accueillir_existante(par=mediateur, nom="Personne", prenom="Inconnue", date_naissance=NE_LE)
    assert not Accueil.objects.exists()


def test_une_fiche_d_un_autre_departement_n_est_pas_un_doublon(mediateur):
    BeneficiaireFactory(departement=commune("87085").departement, nom="Lefèvre", prenom="Odette", date_naissance=NE_LE)
    with pytest.raises(ValidationError):
        accueillir_existante(par=mediateur, nom="Lefèvre", prenom="Odette", date_naissance=NE_LE)
    b = creer_beneficiaire_au_lieu(par=mediateur, donnees=donnees())
    assert b.departement_id == mediateur.organisation.departement_id


@pytest.mark.parametrize("role", [Role.AGENT, Role.COORDINATEUR, Role.LECTEUR])
def test_seul_un_lieu_accueille(role):
    par = make_member(role, departement=commune(GUERET).departement)
    with pytest.raises(PermissionDenied):
        creer_beneficiaire_au_lieu(par=par, donnees=donnees())
    with pytest.raises(PermissionDenied):
        accueillir_existante(par=par, nom="Lefèvre", prenom="Odette", date_naissance=NE_LE)
    assert not Beneficiaire.objects.exists()


def test_un_lieu_ferme_n_accueille_plus(mediateur):
    from structures.models import Lieu

    Lieu.objects.filter(pk=mediateur.organisation_id).update(est_actif=False, ferme_le=datetime.date.today())
    with pytest.raises(PermissionDenied, match="fermé"):
        creer_beneficiaire_au_lieu(par=mediateur, donnees=donnees())
    assert not Beneficiaire.objects.exists()


def test_un_autre_lieu_ne_voit_pas_la_personne_accueillie(mediateur):
    b = creer_beneficiaire_au_lieu(par=mediateur, donnees=donnees())
    autre = make_member(Role.MEDIATEUR, organisation=LieuFactory(departement=mediateur.organisation.departement))
    assert not beneficiaires_visibles(autre).filter(pk=b.pk).exists()


def test_la_fusion_reprend_les_accueils_sans_doublon(mediateur):
    departement = mediateur.organisation.departement
    lieu = mediateur.organisation
    autre_lieu = LieuFactory(departement=departement)
    conservee = BeneficiaireFactory(departement=departement)
    absorbee = BeneficiaireFactory(departement=departement)
    Accueil.objects.create(beneficiaire=conservee, lieu=lieu, origine=Accueil.Origine.CREATION)
    Accueil.objects.create(beneficiaire=absorbee, lieu=lieu, origine=Accueil.Origine.CREATION)
    Accueil.objects.create(beneficiaire=absorbee, lieu=autre_lieu, origine=Accueil.Origine.CREATION)
    coordinateur = make_member(Role.COORDINATEUR, departement=departement)
    fusionner(par=coordinateur, conservee=conservee, absorbee=absorbee)
    assert sorted(conservee.accueils.values_list("lieu_id", flat=True)) == sorted([lieu.pk, autre_lieu.pk])
    assert not absorbee.accueils.exists()
