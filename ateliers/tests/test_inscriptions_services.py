"""Registration services: register (origin, orientation answered, waiting list, never beyond
capacity), a new person (both or neither), unregister (waiting list promotion), walk-ins."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaires.models import Accueil, Beneficiaire, Orientation
from beneficiaires.services.fiches import DoublonTrouve
from beneficiaires.tests.factories import BeneficiaireFactory, OrientationFactory, commune
from journal.models import Action, Evenement

from ..models import Inscription
from ..services import inscriptions as service
from .factories import AtelierFactory, inscrire, seance
from .test_emargement_donnees import monde

pytestmark = pytest.mark.django_db
S = Inscription.Statut


@pytest.fixture
def m():
    return monde(capacite=2)


def inscrire_par_service(m, personne, s=None):
    return service.inscrire(par=m.mediateur, seance=s or m.seance, beneficiaire=personne)


def test_inscrire_une_personne_accueillie(m):
    personne = m.personne(cheques=0)
    Beneficiaire.objects.filter(pk=personne.pk).update(
        derniere_activite_le=timezone.now() - datetime.timedelta(days=99)
    )
    inscription = inscrire_par_service(m, personne)
    assert (inscription.statut, inscription.origine, inscription.cree_par) == (S.INSCRIT, "accueil", m.mediateur.user)
    personne.refresh_from_db()
    assert timezone.now() - personne.derniere_activite_le < datetime.timedelta(minutes=1)
    evenement = Evenement.objects.get(action=Action.INSCRIPTION_AJOUTEE)
    assert evenement.details == {
        "personne": personne.pseudonyme,
        "inscription": inscription.pk,
        "statut": "inscrit",
        "origine": "accueil",
    }
    assert evenement.target_id == str(m.seance.pk) and evenement.organisation_id == m.lieu.pk


def test_une_orientation_a_contacter_est_prise_en_charge(m):
    orientation = OrientationFactory(lieu=m.lieu, beneficiaire=BeneficiaireFactory(organisme=m.organisme))
    inscription = inscrire_par_service(m, orientation.beneficiaire)
    assert inscription.origine == "orientation"
    orientation.refresh_from_db()
    assert orientation.statut == Orientation.Statut.PRIS_EN_CHARGE and orientation.repondu_par == m.mediateur.user
    assert Evenement.objects.filter(action=Action.ORIENTATION_ACCEPTEE).count() == 1


def test_une_orientation_deja_prise_en_charge_ou_refusee(m):
    prise = OrientationFactory(lieu=m.lieu, statut="pris_en_charge", repondu_le=timezone.now())
    assert inscrire_par_service(m, prise.beneficiaire).origine == "orientation"
    refusee = OrientationFactory(lieu=m.lieu, statut="refusee", repondu_le=timezone.now(), motif_refus="Trop loin")
    Accueil.objects.create(beneficiaire=refusee.beneficiaire, lieu=m.lieu, origine="creation")
    assert inscrire_par_service(m, refusee.beneficiaire).origine == "accueil"
    assert not Evenement.objects.filter(action=Action.ORIENTATION_ACCEPTEE).exists()


def test_la_meme_personne_deux_fois(m):
    personne = m.personne(cheques=0)
    inscrire_par_service(m, personne)
    with pytest.raises(ValidationError, match=f"{personne} est déjà inscrit·e à cette séance"):
        inscrire_par_service(m, personne)
    assert Inscription.objects.count() == 1
    assert Evenement.objects.filter(action=Action.INSCRIPTION_AJOUTEE).count() == 1


def test_complet_liste_d_attente_jamais_au_dela_de_la_capacite(m):
    a, b, c, d = (m.personne(cheques=0) for _ in range(4))
    assert inscrire_par_service(m, a).statut == S.INSCRIT
    assert inscrire_par_service(m, b).statut == S.INSCRIT
    assert inscrire_par_service(m, c).statut == S.ATTENTE
    assert inscrire_par_service(m, d).statut == S.ATTENTE
    assert Inscription.objects.filter(statut=S.INSCRIT).count() == 2
    with pytest.raises(ValidationError, match="déjà sur liste d’attente : la séance est toujours complète"):
        inscrire_par_service(m, c)


def test_une_seance_individuelle(m):
    s = seance(AtelierFactory(lieu=m.lieu, format="individuel", capacite=1), dans_jours=2)
    assert inscrire_par_service(m, m.personne(cheques=0), s).statut == S.INSCRIT
    assert inscrire_par_service(m, m.personne(cheques=0), s).statut == S.ATTENTE


def test_seance_annulee_ou_verrouillee(m):
    personne = m.personne(cheques=0)
    m.seance.annulee_le = timezone.now()
    m.seance.save()
    with pytest.raises(ValidationError, match="La séance est annulée"):
        inscrire_par_service(m, personne)
    m.seance.annulee_le, m.seance.verrouillee_le = None, timezone.now()
    m.seance.save()
    with pytest.raises(ValidationError, match="feuille d’émargement signée de cette séance est déposée"):
        inscrire_par_service(m, personne)
    assert not Inscription.objects.exists() and not Evenement.objects.exists()


def test_seul_le_lieu_inscrit_les_personnes_qu_il_voit(m):
    personne = m.personne(cheques=0)
    for qui in ("voisin", "coordinateur", "agent", "etranger"):
        with pytest.raises(PermissionDenied):
            service.inscrire(par=getattr(m, qui), seance=m.seance, beneficiaire=personne)
    inconnue = BeneficiaireFactory()  # followed by a prescriber, never oriented to the place
    with pytest.raises(PermissionDenied, match="ni orientée vers votre lieu ni accueillie"):
        inscrire_par_service(m, inconnue)
    assert not Inscription.objects.exists()


def test_desinscrire_promeut_la_premiere_personne_en_attente(m):
    a, b = (m.inscrite(cheques=0) for _ in range(2))
    premiere = inscrire_par_service(m, m.personne(cheques=0))
    seconde = inscrire_par_service(m, m.personne(cheques=0))
    assert (premiere.statut, seconde.statut) == (S.ATTENTE, S.ATTENTE)
    promue = service.desinscrire(par=m.mediateur, inscription=a)
    assert promue.pk == premiere.pk
    a.refresh_from_db(), premiere.refresh_from_db(), seconde.refresh_from_db()
    assert (a.statut, premiere.statut, seconde.statut) == (S.DESINSCRIT, S.INSCRIT, S.ATTENTE)
    retrait = Evenement.objects.get(action=Action.INSCRIPTION_RETIREE)
    assert retrait.details["statut_avant"] == "inscrit" and retrait.details["personne"] == a.beneficiaire.pseudonyme
    promotion = Evenement.objects.filter(action=Action.INSCRIPTION_AJOUTEE).latest("pk")
    assert promotion.details["promotion"] == "automatique"
    # Leaving the waiting list frees nothing.
    assert service.desinscrire(par=m.mediateur, inscription=seconde) is None
    assert Inscription.objects.filter(statut=S.INSCRIT).count() == 2 and b.statut == S.INSCRIT


def test_pas_de_desinscription_une_fois_pointe(m):
    inscription = m.inscrite(cheques=0)
    Inscription.objects.filter(pk=inscription.pk).update(presence="absent")
    with pytest.raises(ValidationError, match="est déjà pointée"):
        service.desinscrire(par=m.mediateur, inscription=inscription)
    inscription.refresh_from_db()
    assert inscription.statut == S.INSCRIT and not Evenement.objects.exists()


def test_reinscrire_apres_une_desinscription(m):
    inscription = m.inscrite(cheques=0)
    service.desinscrire(par=m.mediateur, inscription=inscription)
    with pytest.raises(ValidationError, match="déjà désinscrit·e"):
        service.desinscrire(par=m.mediateur, inscription=inscription)
    encore = inscrire_par_service(m, inscription.beneficiaire)
    assert encore.pk == inscription.pk and encore.statut == S.INSCRIT
    assert Inscription.objects.count() == 1


def test_promouvoir_a_la_main_quand_une_place_se_libere(m):
    for _ in range(2):
        m.inscrite(cheques=0)
    attente = inscrire_par_service(m, m.personne(cheques=0))
    m.seance.capacite = 3  # the session page raised the capacity
    m.seance.save()
    promue = inscrire_par_service(m, attente.beneficiaire)
    assert promue.pk == attente.pk and promue.statut == S.INSCRIT
    assert Evenement.objects.filter(action=Action.INSCRIPTION_AJOUTEE).latest("pk").details["promotion"] == "manuelle"


DONNEES = {
    "nom": "Lefèvre",
    "prenom": "Odette",
    "date_naissance": datetime.date(1948, 5, 2),
    "telephone": "06 12 34 56 78",
    "besoins": ["smartphone"],
    "information_rgpd_le": datetime.date.today(),
}


def test_nouvelle_personne_enregistree_et_inscrite(m):
    inscription = service.inscrire_nouvelle_personne(
        par=m.mediateur, seance=m.seance, donnees={**DONNEES, "commune": commune()}
    )
    personne = inscription.beneficiaire
    assert (personne.nom, personne.prenom, personne.telephone) == ("Lefèvre", "Odette", "+33612345678")
    assert Accueil.objects.filter(beneficiaire=personne, lieu=m.lieu).exists()
    assert inscription.statut == S.INSCRIT and inscription.origine == "accueil"


def test_nouvelle_personne_tout_ou_rien(m, monkeypatch):
    def en_panne(**kwargs):
        raise ValidationError("panne de l’inscription")

    monkeypatch.setattr(service, "_inscrire", en_panne)
    with pytest.raises(ValidationError):
        service.inscrire_nouvelle_personne(par=m.mediateur, seance=m.seance, donnees={**DONNEES, "commune": commune()})
    assert not Beneficiaire.objects.filter(nom="Lefèvre").exists() and not Accueil.objects.filter(lieu=m.lieu).exists()
    assert not Evenement.objects.exists()


def test_nouvelle_personne_deja_connue(m):
    existante = BeneficiaireFactory(nom="Lefèvre", prenom="Odette", date_naissance=DONNEES["date_naissance"])
    with pytest.raises(DoublonTrouve) as exc:
        service.inscrire_nouvelle_personne(par=m.mediateur, seance=m.seance, donnees={**DONNEES, "commune": commune()})
    assert exc.value.existante == existante and not Inscription.objects.exists()
    inscription = service.inscrire_personne_retrouvee(
        par=m.mediateur, seance=m.seance, nom="LEFEVRE", prenom="odette", date_naissance=DONNEES["date_naissance"]
    )
    assert inscription.beneficiaire == existante
    assert Accueil.objects.get(beneficiaire=existante).origine == "rattachement"


def test_anonymes(m):
    assert service.compter_anonymes(par=m.mediateur, seance=m.seance, nombre=4) is True
    assert service.compter_anonymes(par=m.mediateur, seance=m.seance, nombre=4) is False
    m.seance.refresh_from_db()
    assert m.seance.participants_anonymes == 4
    evenement = Evenement.objects.get(action=Action.ANONYMES_COMPTES)
    assert evenement.details == {"avant": 0, "apres": 4}
    for mauvais in (-1, 201, 2.5, "3", True):
        with pytest.raises(ValidationError, match="nombre entier de personnes entre 0 et 200"):
            service.compter_anonymes(par=m.mediateur, seance=m.seance, nombre=mauvais)
    with pytest.raises(PermissionDenied):
        service.compter_anonymes(par=m.coordinateur, seance=m.seance, nombre=1)


def test_anonymes_pas_avant_le_jour_et_motif_apres_le_verrou():
    m = monde(dans_jours=1)
    with pytest.raises(ValidationError, match="La séance n’a pas encore eu lieu"):
        service.compter_anonymes(par=m.mediateur, seance=m.seance, nombre=2)
    hier = monde(dans_jours=-1)
    hier.seance.verrouillee_le = timezone.now()
    hier.seance.save()
    with pytest.raises(ValidationError, match="indiquez le motif"):
        service.compter_anonymes(par=hier.mediateur, seance=hier.seance, nombre=2)
    assert service.compter_anonymes(par=hier.mediateur, seance=hier.seance, nombre=2, motif="Oubli du comptage")
    assert Evenement.objects.get(action=Action.ANONYMES_COMPTES).details["motif"] == "Oubli du comptage"


def test_inscrire_via_la_fabrique_et_le_service_s_accordent(m):
    personne = m.personne(cheques=0)
    inscrire(m.seance, personne, statut=S.DESINSCRIT)
    assert inscrire_par_service(m, personne).statut == S.INSCRIT
