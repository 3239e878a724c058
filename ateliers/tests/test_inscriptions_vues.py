"""Registration pages: find and register a person, the waiting list message, a new person met at
the door (with and without duplicate), unregister with confirmation, walk-ins; bad input gives a
French message and saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.models import Accueil, Beneficiaire, Orientation
from beneficiaires.tests.factories import GUERET, BeneficiaireFactory, OrientationFactory, commune
from journal.models import Action, Evenement

from ..models import Inscription
from .factories import inscrire
from .test_emargement_donnees import monde

pytestmark = pytest.mark.django_db
S = Inscription.Statut


@pytest.fixture
def m():
    commune()  # loads the test communes (Guéret…)
    return monde(capacite=2)


def url(nom, m, *args):
    return reverse(f"ateliers:{nom}", args=[m.seance.pk, *args])


def texte(reponse) -> str:
    return reponse.content.decode()


def test_la_page_liste_les_personnes_orientees_d_abord(login, m):
    orientee = OrientationFactory(lieu=m.lieu, beneficiaire=BeneficiaireFactory(organisme=m.organisme))
    accueillie = m.personne(cheques=0)
    deja = m.inscrite(cheques=0)
    OrientationFactory(lieu=m.lieu, beneficiaire=deja.beneficiaire)
    html = texte(login(m.mediateur).get(url("inscrire", m)))
    assert "<h1>Inscrire une personne</h1>" in html and "Personnes orientées vers votre lieu" in html
    assert str(orientee.beneficiaire) in html and "orientation : à contacter" in html
    assert str(accueillie) not in html  # met at the door, not oriented: found by the search
    assert f'name="beneficiaire" value="{orientee.beneficiaire_id}"' in html
    assert f'name="beneficiaire" value="{deja.beneficiaire_id}"' not in html and "Inscrit·e" in html
    assert "1 place libre" in html
    assert reverse("ateliers:nouvelle_personne", args=[m.seance.pk]) in html


def test_la_recherche_par_nom_ou_reference(login, m):
    cherchee = m.personne(cheques=0, nom="Dupont-Martin", prenom="Hélène")
    m.personne(cheques=0, nom="Bernard", prenom="Paul")
    ailleurs = BeneficiaireFactory(nom="Dupont", prenom="Hélène")  # not seen by the place
    client = login(m.mediateur)
    for q in ("helene dupont", "DUPONT", "hél", cherchee.pseudonyme.lower()):
        html = texte(client.get(url("inscrire", m), {"q": q}))
        assert f'name="beneficiaire" value="{cherchee.pk}"' in html, q
        assert "Bernard" not in html and f'value="{ailleurs.pk}"' not in html
    assert "ne correspond à « zzz »" in texte(client.get(url("inscrire", m), {"q": "zzz"}))


def test_inscrire_depuis_la_page(login, m):
    orientation = OrientationFactory(lieu=m.lieu, beneficiaire=BeneficiaireFactory(organisme=m.organisme))
    personne = orientation.beneficiaire
    client = login(m.mediateur)
    reponse = client.post(url("inscrire", m), {"beneficiaire": personne.pk, "q": "dupont", "depuis": "inscrire"})
    assert reponse.status_code == 302 and reponse["Location"] == url("inscrire", m) + "?q=dupont"
    assert f"{personne} est inscrit·e à la séance." in texte(client.get(reponse["Location"]))
    inscription = Inscription.objects.get()
    assert inscription.origine == "orientation"
    orientation.refresh_from_db()
    assert orientation.statut == Orientation.Statut.PRIS_EN_CHARGE
    # Twice: a message, nothing more.
    encore = client.post(url("inscrire", m), {"beneficiaire": personne.pk}, follow=True)
    assert f"{personne} est déjà inscrit·e à cette séance." in texte(encore)
    assert Inscription.objects.count() == 1


def test_seance_complete_liste_d_attente(login, m):
    for _ in range(2):
        m.inscrite(cheques=0)
    personne = m.personne(cheques=0)
    reponse = login(m.mediateur).post(url("inscrire", m), {"beneficiaire": personne.pk}, follow=True)
    assert f"La séance est complète : {personne} est sur liste d’attente." in texte(reponse)
    assert Inscription.objects.get(beneficiaire=personne).statut == S.ATTENTE
    assert Inscription.objects.filter(statut=S.INSCRIT).count() == 2


@pytest.mark.parametrize("valeur", ["", "abc", "-3", "0"])
def test_inscrire_une_valeur_absurde(login, m, valeur):
    reponse = login(m.mediateur).post(url("inscrire", m), {"beneficiaire": valeur}, follow=True)
    assert "Choisissez la personne à inscrire dans la liste." in texte(reponse)
    assert not Inscription.objects.exists() and not Evenement.objects.exists()


def test_inscrire_une_personne_que_le_lieu_ne_voit_pas(login, m):
    inconnue = BeneficiaireFactory()
    assert login(m.mediateur).post(url("inscrire", m), {"beneficiaire": inconnue.pk}).status_code == 404
    assert not Inscription.objects.exists()


NOUVELLE = {
    "nom": "Lefèvre",
    "prenom": "Odette",
    "date_naissance": "02/05/1948",
    "commune": GUERET,
    "commune_texte": "Guéret",
    "telephone": "",
    "information_rgpd_le": timezone.localdate().strftime("%d/%m/%Y"),
}


def test_nouvelle_personne_la_page(login, m):
    html = texte(login(m.mediateur).get(url("nouvelle_personne", m)))
    assert "Notice à lire ou à remettre à la personne" in html
    assert "anonymisées 24 mois après votre dernière venue" in html
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in html  # informed today by default
    for champ in ("nom", "prenom", "date_naissance", "commune_texte", "telephone", "besoins", "information_rgpd_le"):
        assert f'name="{champ}"' in html, champ


def test_nouvelle_personne_enregistree_et_inscrite(login, m):
    reponse = login(m.mediateur).post(url("nouvelle_personne", m), {**NOUVELLE, "besoins": ["smartphone"]})
    assert reponse.status_code == 302 and reponse["Location"] == url("inscrire", m)
    personne = Beneficiaire.objects.get(nom="Lefèvre")
    assert personne.besoins == ["smartphone"] and personne.sexe == ""
    assert Inscription.objects.get().beneficiaire == personne
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_CREE).count() == 1


@pytest.mark.parametrize(
    ("changement", "message"),
    [
        ({"nom": ""}, "Indiquez le nom de la personne."),
        ({"date_naissance": "31/02/1950"}, "Date invalide"),
        ({"date_naissance": "01/01/2999"}, "La date de naissance ne peut pas être dans le futur."),
        ({"commune": "", "commune_texte": "Atlantide"}, "Aucune commune ne correspond à « Atlantide »"),
        ({"information_rgpd_le": ""}, "Indiquez la date à laquelle la personne a été informée"),
        ({"telephone": "12"}, "téléphone"),
    ],
)
def test_nouvelle_personne_mal_saisie(login, m, changement, message):
    reponse = login(m.mediateur).post(url("nouvelle_personne", m), {**NOUVELLE, **changement})
    assert reponse.status_code == 200
    html = texte(reponse)
    assert "La personne n’a pas été enregistrée" in html and message.lower() in html.lower()
    assert not Beneficiaire.objects.filter(nom="Lefèvre").exists()
    assert not Inscription.objects.exists() and not Evenement.objects.exists()


def test_nouvelle_personne_deja_connue_puis_la_meme(login, m):
    existante = BeneficiaireFactory(nom="Lefèvre", prenom="Odette", date_naissance=datetime.date(1948, 5, 2))
    client = login(m.mediateur)
    reponse = client.post(url("nouvelle_personne", m), NOUVELLE)
    html = texte(reponse)
    assert reponse.status_code == 200 and "Cette personne est déjà enregistrée" in html
    assert existante.pseudonyme in html and "Guéret" in html
    assert existante.telephone not in html or not existante.telephone
    assert "C’est la même personne : l’inscrire" in html
    assert not Inscription.objects.exists() and Beneficiaire.objects.filter(nom="Lefèvre").count() == 1
    consultation = Evenement.objects.get(action=Action.BENEFICIAIRE_CONSULTE)
    assert consultation.details.get("vue") == "doublon"
    meme = {"meme_personne": "1", "nom": "Lefèvre", "prenom": "Odette", "date_naissance": "1948-05-02"}
    reponse = client.post(url("nouvelle_personne", m), meme, follow=True)
    assert f"{existante} est inscrit·e à la séance." in texte(reponse)
    assert Inscription.objects.get().beneficiaire == existante
    assert Accueil.objects.filter(beneficiaire=existante, lieu=m.lieu).exists()


def test_la_meme_personne_avec_une_identite_fausse(login, m):
    meme = {"meme_personne": "1", "nom": "Personne", "prenom": "Inconnue", "date_naissance": "1948-05-02"}
    reponse = login(m.mediateur).post(url("nouvelle_personne", m), meme, follow=True)
    assert "Aucune fiche du département ne porte ce nom" in texte(reponse)
    assert not Inscription.objects.exists() and not Accueil.objects.filter(lieu=m.lieu).exists()
    reponse = login(m.mediateur).post(url("nouvelle_personne", m), {"meme_personne": "1"}, follow=True)
    assert "Indiquez le nom, le prénom et la date de naissance" in texte(reponse)


def test_desinscrire_avec_confirmation_et_promotion(login, m):
    a = m.inscrite(cheques=0)
    m.inscrite(cheques=0)
    attente = inscrire(m.seance, m.personne(cheques=0), statut=S.ATTENTE)
    client = login(m.mediateur)
    confirmation = client.get(url("desinscrire", m, a.pk) + "?depuis=emargement")
    html = texte(confirmation)
    assert f"Désinscrire {a.beneficiaire.prenom} {a.beneficiaire.nom} ?" in html
    assert 'name="depuis" value="emargement"' in html
    a.refresh_from_db()
    assert a.statut == S.INSCRIT  # GET changes nothing
    reponse = client.post(url("desinscrire", m, a.pk), {"depuis": "emargement"})
    assert reponse["Location"] == url("emargement", m)
    page = texte(client.get(reponse["Location"]))
    assert f"{a.beneficiaire} est désinscrit·e de la séance." in page
    assert f"Une place s’est libérée : {attente.beneficiaire}, première personne sur la liste d’attente" in page
    attente.refresh_from_db()
    assert attente.statut == S.INSCRIT


def test_desinscrire_une_personne_pointee(login, m):
    inscription = m.inscrite(cheques=0)
    Inscription.objects.filter(pk=inscription.pk).update(presence="present")
    reponse = login(m.mediateur).post(url("desinscrire", m, inscription.pk), follow=False)
    assert reponse["Location"] == url("seance", m)
    inscription.refresh_from_db()
    assert inscription.statut == S.INSCRIT and not Evenement.objects.exists()


def test_anonymes_par_la_page(login, m):
    client = login(m.mediateur)
    reponse = client.post(url("anonymes", m), {"nombre": "5", "depuis": "emargement"}, follow=True)
    assert "Personnes venues sans inscription : 5." in texte(reponse)
    m.seance.refresh_from_db()
    assert m.seance.participants_anonymes == 5


@pytest.mark.parametrize("valeur", ["", "beaucoup", "-1", "201", "2.5", "1e3"])
def test_anonymes_valeur_absurde(login, m, valeur):
    reponse = login(m.mediateur).post(url("anonymes", m), {"nombre": valeur}, follow=True)
    assert "Indiquez un nombre entier de personnes entre 0 et 200." in texte(reponse)
    m.seance.refresh_from_db()
    assert m.seance.participants_anonymes == 0 and not Evenement.objects.exists()


def test_anonymes_avant_la_seance(login):
    m = monde(dans_jours=2)
    reponse = login(m.mediateur).post(url("anonymes", m), {"nombre": "3"}, follow=True)
    assert "La séance n’a pas encore eu lieu" in texte(reponse)
    m.seance.refresh_from_db()
    assert m.seance.participants_anonymes == 0


def test_seance_annulee_la_page_le_dit(login, m):
    m.seance.annulee_le = timezone.now()
    m.seance.save()
    OrientationFactory(lieu=m.lieu)
    html = texte(login(m.mediateur).get(url("inscrire", m)))
    assert "La séance est annulée : les inscriptions sont closes." in html and 'name="beneficiaire"' not in html
    assert "nouvelle_personne" not in html and 'action="' + url("nouvelle_personne", m) not in html


def test_le_bloc_des_inscriptions_sur_la_page_de_seance(login, m):
    inscription = m.inscrite(cheques=0)
    attente = inscrire(m.seance, m.personne(cheques=0), statut=S.ATTENTE)
    html = texte(login(m.mediateur).get(url("seance", m)))
    assert "Faire l’appel (émargement)" in html and url("emargement", m) in html
    assert str(inscription.beneficiaire) in html and str(attente.beneficiaire) in html
    assert url("desinscrire", m, inscription.pk) in html
    lecture = texte(login(m.coordinateur).get(url("seance", m)))
    assert str(inscription.beneficiaire) in lecture
    assert url("emargement", m) not in lecture and url("desinscrire", m, inscription.pk) not in lecture
