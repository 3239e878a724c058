"""The redemption page of a place and the undo page: results in words, the form's idempotency
key, recent redemptions, who may open what."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement

from ..models import Cheque, Encaissement
from ..services.encaissement import encaisser
from .test_encaissement_donnees import monde

pytestmark = pytest.mark.django_db
URL = reverse("pass_encaissement:encaisser")
RE_CLE = re.compile(r'name="cle" value="([^"]+)"')


def texte(reponse) -> str:
    return reponse.content.decode()


def cle_du_formulaire(reponse) -> str:
    return RE_CLE.search(texte(reponse)).group(1)


@pytest.fixture
def m():
    return monde()


def test_la_page_est_faite_pour_le_telephone(login, m):
    reponse = login(m.mediateur).get(URL)
    assert reponse.status_code == 200
    html = texte(reponse)
    champ = re.search(r"<input type=\"text\"\s+name=\"code\"[^>]*>", html).group(0)
    for attribut in ('inputmode="text"', 'autocapitalize="characters"', 'autocomplete="off"', 'spellcheck="false"'):
        assert attribut in champ
    assert 'aria-describedby="id_code_aide"' in champ
    assert ">Encaisser</button>" in html
    assert "data-scanner hidden" in html  # shown by the script only with BarcodeDetector and a camera
    assert re.search(r'<script nonce="[^"]+" src="/static/js/scanner-qr\.js"', html)
    assert "style=" not in html
    assert f"« {m.dispositif.nom} »" in html and "Chèques acceptés ici" in html
    assert "Aucun chèque encaissé depuis 24 heures." in html
    assert len(cle_du_formulaire(reponse)) >= 24
    assert cle_du_formulaire(login(m.mediateur).get(URL)) != cle_du_formulaire(reponse)


def test_encaisser_depuis_la_page(login, m):
    client = login(m.responsable)
    cle = cle_du_formulaire(client.get(URL))
    reponse = client.post(URL, {"code": m.code().lower(), "cle": cle})
    assert reponse.status_code == 200
    html = texte(reponse)
    assert "<span>Chèque encaissé</span>" in html and 'role="status">Chèque accepté : 10,00 €' in html
    assert "10,00 €" in html and m.dispositif.nom in html
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.ENCAISSE
    assert Encaissement.objects.get().cle_idempotence == cle
    # A fresh form for the next cheque: empty code, new key.
    assert 'name="code"\n                   id="id_code"\n                   value=""' in html
    assert cle_du_formulaire(reponse) != cle
    assert "Encaissements des dernières 24 heures" in html and f"n° {m.cheques[0].numero_serie}" in html


def test_renvoyer_le_meme_formulaire_redit_encaisse(login, m):
    client = login(m.mediateur)
    donnees = {"code": m.code(), "cle": cle_du_formulaire(client.get(URL))}
    client.post(URL, donnees)
    encore = texte(client.post(URL, donnees))
    assert "<span>Chèque encaissé</span>" in encore and "déjà encaissé" not in encore
    assert Encaissement.objects.count() == 1
    assert Evenement.objects.filter(action=Action.CHEQUE_ENCAISSE).count() == 1
    # A new form: refused, with when and where.
    refus = texte(client.post(URL, {"code": m.code(), "cle": "une-autre-cle"}))
    assert "<span>Chèque déjà encaissé</span>" in refus and 'role="alert"' in refus
    assert "par votre lieu (« Tiers-lieu La Quincaillerie »)" in refus
    assert timezone.localtime().strftime("%d/%m/%Y à %H\u00a0h\u00a0") in refus


def test_faute_de_frappe_liee_au_champ(login, m):
    code = m.code()
    faux = code[:9] + ("2" if code[9] != "2" else "3")
    html = texte(login(m.mediateur).post(URL, {"code": faux, "cle": "k"}))
    assert "<span>Code incorrect</span>" in html
    assert 'aria-describedby="id_code_aide resultat-message"' in html and 'aria-invalid="true"' in html
    assert f'value="{faux}"' in html  # kept, to be corrected
    assert not Encaissement.objects.exists()


def test_lieu_non_qualifie_le_dit_simplement(login, m):
    lieu = LieuFactory(departement=m.dispositif.departement)
    client = login(make_member(Role.MEDIATEUR, organisation=lieu))
    assert "Votre lieu n’est qualifié pour aucun dispositif Pass numérique en cours." in texte(client.get(URL))
    html = texte(client.post(URL, {"code": m.code(), "cle": "k"}))
    assert "<span>Chèque non accepté ici</span>" in html
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.REMIS


@pytest.mark.parametrize("role", [Role.AGENT, Role.REFERENT, Role.COORDINATEUR, Role.LECTEUR])
def test_les_autres_roles_n_encaissent_pas(login, m, role):
    client = login(make_member(role, departement=m.dispositif.departement))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"code": m.code(), "cle": "k"}).status_code == 403
    assert not Encaissement.objects.exists()


def test_anonyme_va_a_la_connexion(client, m):
    assert client.get(URL).status_code == 302


def test_la_liste_des_encaissements_recents(login, m, django_assert_max_num_queries):
    client = login(m.mediateur)
    encaisser(lieu=m.lieu, code_saisi=m.code(0), par=m.mediateur, source="page")
    with django_assert_max_num_queries(20) as avant:
        client.get(URL)
    for i in range(1, 8):
        encaisser(lieu=m.lieu, code_saisi=m.code(i), par=m.responsable, source="page")
    ancien = Encaissement.objects.get(cheque=m.cheques[1])
    Encaissement.objects.filter(pk=ancien.pk).update(le=timezone.now() - datetime.timedelta(hours=30))
    with django_assert_max_num_queries(len(avant)):
        html = texte(client.get(URL))
    assert html.count('<span class="visually-hidden"> l’encaissement du chèque n°') == 7
    assert f"n° {m.cheques[1].numero_serie}" not in html  # older than 24 h
    # Another place's redemptions are not listed.
    encaisser(lieu=m.autre_lieu, code_saisi=m.code(9), par=m.autre_mediateur, source="page")
    assert f"n° {m.cheques[9].numero_serie}" not in texte(client.get(URL))


# --- undo -----------------------------------------------------------------------------------


def test_annuler_un_encaissement(login, m):
    encaissement = encaisser(lieu=m.lieu, code_saisi=m.code(), par=m.mediateur, source="page").encaissement
    client = login(m.mediateur)
    url = reverse("pass_encaissement:annuler", args=[encaissement.pk])
    page = texte(client.get(url))
    assert f"Annuler l’encaissement du chèque n° {m.cheques[0].numero_serie} ?" in page
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.ENCAISSE
    sans_motif = texte(client.post(url, {"motif": ""}))
    assert "Indiquez le motif." in sans_motif and 'aria-invalid="true"' in sans_motif
    reponse = client.post(url, {"motif": "Erreur de saisie"}, follow=True)
    assert "est annulé : le chèque peut de nouveau être encaissé." in texte(reponse)
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.REMIS
    assert "Encaissement annulé" in texte(client.get(URL))
    # Once more: already undone.
    assert client.get(url).status_code == 302


def test_annuler_apres_24_heures(login, m):
    encaissement = encaisser(lieu=m.lieu, code_saisi=m.code(), par=m.mediateur, source="page").encaissement
    Encaissement.objects.filter(pk=encaissement.pk).update(le=timezone.now() - datetime.timedelta(hours=25))
    client = login(m.responsable)
    url = reverse("pass_encaissement:annuler", args=[encaissement.pk])
    assert "ne peut être annulé que dans les 24 heures" in texte(client.get(url))
    client.post(url, {"motif": "Trop tard"})
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.ENCAISSE


def test_annuler_l_encaissement_d_un_autre_lieu_est_introuvable(login, m):
    encaissement = encaisser(lieu=m.lieu, code_saisi=m.code(), par=m.mediateur, source="page").encaissement
    client = login(m.autre_mediateur)
    url = reverse("pass_encaissement:annuler", args=[encaissement.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"motif": "Intrusion"}).status_code == 404
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.ENCAISSE
    assert login(m.agent).get(url).status_code == 403
