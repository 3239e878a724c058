"""Merging two records of the same person (services.fusion): what moves, what is kept, the
history of both, the refusals and who may merge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beneficiaires import signals
from beneficiaires.models import Beneficiaire, Orientation, Suivi
from beneficiaires.selectors import doublon_de, journal_des_acces
from beneficiaires.services import fiches
from beneficiaires.services.anonymisation import MOTIF_EFFACEMENT, anonymiser
from beneficiaires.services.fusion import fusionner
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, LieuFactory, OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

from .factories import BeneficiaireFactory, OrientationFactory, agent_qui_suit

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination():
    return make_member(Role.COORDINATEUR, departement=DepartementFactory(code="23"))


def deux_fiches(**autre):
    conservee = BeneficiaireFactory(
        nom="Dupont", prenom="Marie", date_naissance=datetime.date(1960, 5, 1), telephone="", email="", notes=""
    )
    absorbee = BeneficiaireFactory(
        **{
            "nom": "Dupond",
            "prenom": "Marie",
            "date_naissance": datetime.date(1960, 5, 1),
            "telephone": "+33555111222",
            "email": "marie@exemple.test",
            "notes": "Vient avec sa voisine.",
            "publics": ["rsa"],
            "besoins": ["visio"],
        }
        | autre
    )
    return conservee, absorbee


def test_fusion_deplace_suivis_et_orientations_et_garde_les_deux_historiques(coordination):
    conservee, absorbee = deux_fiches()
    organisme_absorbee = absorbee.suivis.get().organisme
    orientation = OrientationFactory(beneficiaire=absorbee)
    fiches.journaliser_consultation(par=agent_qui_suit(absorbee), beneficiaire=absorbee, vue="fiche")

    resultat = fusionner(par=coordination, conservee=conservee, absorbee=absorbee)

    assert resultat.pk == conservee.pk
    conservee.refresh_from_db()
    absorbee.refresh_from_db()
    assert (absorbee.fusionne_dans_id, absorbee.est_fusionne) == (conservee.pk, True)
    assert absorbee.fusionne_le is not None
    assert absorbee.nom == "Dupond"  # the absorbed record keeps what it held: its history stays readable
    assert set(conservee.suivis.values_list("organisme_id", flat=True)) == {
        conservee.suivis.order_by("pk").first().organisme_id,
        organisme_absorbee.pk,
    }
    assert conservee.suivis.get(organisme=organisme_absorbee).origine == Suivi.Origine.FUSION
    assert not absorbee.suivis.exists()
    orientation.refresh_from_db()
    assert orientation.beneficiaire_id == conservee.pk
    # Missing contact details, publics, needs and notes come from the absorbed record.
    assert (conservee.telephone, conservee.email) == ("+33555111222", "marie@exemple.test")
    assert (conservee.nom, conservee.prenom) == ("Dupont", "Marie")
    assert conservee.publics == ["senior", "rsa"]
    assert conservee.besoins == ["ordinateur", "demarches", "visio"]
    assert conservee.notes == "Vient avec sa voisine."
    # Only live records count as duplicates: the absorbed one is out of the lists.
    assert Beneficiaire.objects.actifs().filter(pk=absorbee.pk).count() == 0
    assert doublon_de(departement_id=absorbee.departement_id, cle=absorbee.cle_doublon) is None

    entrees = Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE)
    assert sorted(entrees.values_list("target_id", flat=True)) == sorted([str(conservee.pk), str(absorbee.pk)])
    details = entrees.first().details
    assert (
        details.items()
        >= {  # apps above (pass_numerique) add their own counts
            "conservee": conservee.pseudonyme,
            "absorbee": absorbee.pseudonyme,
            "suivis": 1,
            "suivis_en_double": 0,
            "orientations": 1,
        }.items()
    )
    assert all(e.actor == coordination.user for e in entrees)
    # The kept record's access log shows the absorbed record's entries (the read before the merge).
    journal = journal_des_acces(conservee)
    assert journal.filter(target_id=str(absorbee.pk), action=Action.BENEFICIAIRE_CONSULTE).count() == 1
    assert journal.filter(action=Action.BENEFICIAIRE_FUSIONNE).count() == 2


def test_un_organisme_qui_suivait_les_deux_fiches_n_apparait_qu_une_fois(coordination):
    organisme = OrganismePrescripteurFactory(departement=coordination.organisation.departement)
    conservee, absorbee = deux_fiches(organisme=organisme)
    Suivi.objects.create(beneficiaire=conservee, organisme=organisme, origine=Suivi.Origine.RATTACHEMENT)

    fusionner(par=coordination, conservee=conservee, absorbee=absorbee)

    assert conservee.suivis.filter(organisme=organisme).count() == 1
    assert conservee.suivis.count() == 2
    details = Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE).first().details
    assert (details["suivis"], details["suivis_en_double"]) == (0, 1)


def test_les_coordonnees_de_la_fiche_conservee_ne_sont_pas_ecrasees(coordination):
    conservee, absorbee = deux_fiches()
    Beneficiaire.objects.filter(pk=conservee.pk).update(telephone="+33555999888", notes="Vient avec sa voisine.")
    conservee.refresh_from_db()
    fusionner(par=coordination, conservee=conservee, absorbee=absorbee)
    conservee.refresh_from_db()
    assert conservee.telephone == "+33555999888"
    assert conservee.email == "marie@exemple.test"
    assert conservee.notes == "Vient avec sa voisine."  # not repeated


def test_fusions_successives_l_historique_reste_sur_la_fiche_vivante(coordination):
    a, b = deux_fiches()
    c = BeneficiaireFactory(nom="Dupont-Martin", prenom="Marie")
    fiches.journaliser_consultation(par=agent_qui_suit(b), beneficiaire=b, vue="export_pdf")
    fusionner(par=coordination, conservee=a, absorbee=b)
    fusionner(par=coordination, conservee=c, absorbee=a)
    b.refresh_from_db()
    assert b.fusionne_dans_id == c.pk  # re-pointed: fusionne_dans always names a live record
    journal = journal_des_acces(c)
    assert journal.filter(target_id=str(b.pk), action=Action.BENEFICIAIRE_CONSULTE).exists()
    assert (
        Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE, target_id=str(c.pk))
        .last()
        .details["fiches_deja_fusionnees"]
        == 1
    )


def test_les_applications_au_dessus_reportent_leurs_lignes(coordination):
    conservee, absorbee = deux_fiches()
    appels = []

    def recepteur(*, conservee, absorbee, par, **kwargs):
        appels.append((conservee.pk, absorbee.pk, par.pk))
        return {"carnets": 2}

    signals.fusion.connect(recepteur)
    try:
        fusionner(par=coordination, conservee=conservee, absorbee=absorbee)
    finally:
        signals.fusion.disconnect(recepteur)
    assert appels == [(conservee.pk, absorbee.pk, coordination.pk)]
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE).first().details["carnets"] == 2


# --- Refusals: a clear French message, nothing changed --------------------------------------------


def assert_rien_n_a_change(conservee, absorbee):
    absorbee.refresh_from_db()
    assert absorbee.fusionne_dans_id is None or absorbee.fusionne_dans_id != conservee.pk
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE).exists()


def test_meme_fiche(coordination):
    conservee, _ = deux_fiches()
    with pytest.raises(ValidationError, match="une fiche ne peut pas être fusionnée avec elle-même"):
        fusionner(par=coordination, conservee=conservee, absorbee=conservee)
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_FUSIONNE).exists()


@pytest.mark.parametrize("laquelle", ["conservee", "absorbee"])
def test_fiche_anonymisee(coordination, laquelle):
    conservee, absorbee = deux_fiches()
    fiche = {"conservee": conservee, "absorbee": absorbee}[laquelle]
    anonymiser(par=coordination, beneficiaire=fiche, motif=MOTIF_EFFACEMENT)
    fiche.refresh_from_db()
    with pytest.raises(ValidationError, match=f"La fiche {fiche.pseudonyme} est anonymisée"):
        fusionner(par=coordination, conservee=conservee, absorbee=absorbee)
    assert_rien_n_a_change(conservee, absorbee)


def test_fiche_deja_fusionnee(coordination):
    conservee, absorbee = deux_fiches()
    troisieme = BeneficiaireFactory()
    fusionner(par=coordination, conservee=troisieme, absorbee=absorbee)
    with pytest.raises(ValidationError, match=f"La fiche {absorbee.pseudonyme} a déjà été fusionnée"):
        fusionner(par=coordination, conservee=conservee, absorbee=absorbee)
    absorbee.refresh_from_db()
    assert absorbee.fusionne_dans_id == troisieme.pk


def test_orientations_ouvertes_vers_le_meme_lieu(coordination):
    conservee, absorbee = deux_fiches()
    lieu = LieuFactory(departement=conservee.departement)
    OrientationFactory(beneficiaire=conservee, lieu=lieu)
    OrientationFactory(beneficiaire=absorbee, lieu=lieu)
    with pytest.raises(ValidationError, match="Les deux fiches attendent une réponse du même lieu"):
        fusionner(par=coordination, conservee=conservee, absorbee=absorbee)
    assert_rien_n_a_change(conservee, absorbee)
    assert Orientation.objects.filter(beneficiaire=absorbee).count() == 1


def test_une_orientation_close_vers_le_meme_lieu_ne_bloque_pas(coordination):
    conservee, absorbee = deux_fiches()
    lieu = LieuFactory(departement=conservee.departement)
    OrientationFactory(beneficiaire=conservee, lieu=lieu)
    close = OrientationFactory(beneficiaire=absorbee, lieu=lieu)
    Orientation.objects.filter(pk=close.pk).update(statut=Orientation.Statut.REFUSEE, repondu_le=close.cree_le)
    fusionner(par=coordination, conservee=conservee, absorbee=absorbee)
    assert conservee.orientations.count() == 2


# --- Who may merge ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR])
def test_seule_la_coordination_fusionne(role):
    conservee, absorbee = deux_fiches()
    par = agent_qui_suit(conservee, role) if role in (Role.AGENT, Role.REFERENT) else make_member(role)
    with pytest.raises(PermissionDenied, match="Seule la coordination du département fusionne"):
        fusionner(par=par, conservee=conservee, absorbee=absorbee)
    assert_rien_n_a_change(conservee, absorbee)


def test_coordination_d_un_autre_departement():
    conservee, absorbee = deux_fiches()
    ailleurs = make_member(Role.COORDINATEUR, departement=DepartementFactory(code="87"))
    with pytest.raises(PermissionDenied, match="pas dans votre département"):
        fusionner(par=ailleurs, conservee=conservee, absorbee=absorbee)
    assert_rien_n_a_change(conservee, absorbee)
