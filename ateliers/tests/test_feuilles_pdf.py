"""The attendance sheet PDF: its text read back with pypdf (title, place, date, hours, mediators,
each registered person in order, funders, FSE mention, département), the variants (itinerant
session, no dispositif, 40 people over several numbered pages) and who may print it."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.tests.factories import SAINT_FIEL, commune
from comptes.models import Role
from comptes.tests.factories import make_member
from pass_numerique.tests.factories import DispositifFactory

from ..models import Inscription
from ..pdf import html_feuille, pdf_feuille
from .factories import AtelierFactory, inscrire, personne_du_lieu, seance
from .test_feuilles_depot import monde

pytestmark = pytest.mark.django_db


def pages_du_pdf(contenu: bytes) -> list[str]:
    import pypdf

    assert contenu.startswith(b"%PDF-")
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(contenu)).pages]


@pytest.fixture
def m():
    m = monde()
    dispositif = DispositifFactory(departement=m.lieu.departement, nom="Pass numérique 2026 — réseau Tela")
    atelier = m.seance.atelier
    atelier.dispositif = dispositif
    atelier.save()
    m.seance.debut = timezone.make_aware(datetime.datetime(2026, 3, 10, 14, 30))
    m.seance.duree_minutes = 90
    m.seance.save()
    second = make_member(Role.MEDIATEUR, organisation=m.lieu, first_name="Paul", last_name="Aubert").user
    m.seance.mediateurs.add(second)
    inscrire(m.seance, personne_du_lieu(m.lieu, nom="Zidane", prenom="Yasmina"), statut=Inscription.Statut.ATTENTE)
    inscrire(m.seance, personne_du_lieu(m.lieu, nom="Durand", prenom="Léa"), statut=Inscription.Statut.DESINSCRIT)
    inscrire(m.seance, personne_du_lieu(m.lieu, nom="de la Roche", prenom="Émile"))
    return m


def test_la_feuille_dit_tout_ce_que_le_controle_demande(m):
    [texte] = pages_du_pdf(pdf_feuille(m.seance))

    assert "FEUILLE D’ÉMARGEMENT" in texte and f"Séance n° {m.seance.pk}" in texte
    assert "Creuse" in texte
    assert "Premiers pas sur smartphone" in texte
    assert "mardi 10 mars 2026" in texte
    assert "de 14 h 30 à 16 h 00" in texte  # Europe/Paris
    assert "Médiathèque de Guéret — 2 rue Eugène France, 23000 Guéret" in texte
    assert "Paul Aubert, Inès Moreau" in texte
    # Registered people only, by name, each on a numbered line; then five empty lines.
    assert "1 BERNARD Lucien 2 DE LA ROCHE Émile 3 MARTIN Odette 4 5 6 7 8" in texte
    assert "Zidane" not in texte.title() and "Durand" not in texte.title()
    assert "Participant·es inscrit·es (3)" in texte
    assert texte.count("Signature :") == 2  # one box per mediator
    assert "Dispositif Pass numérique 2026 — réseau Tela" in texte
    assert "Financement FSE+, État, Département" in texte
    assert "Fonds social européen (FSE+)" in texte
    assert "Page 1 sur 1" in texte


def test_seance_itinerante_sans_dispositif_ni_mediateur(m):
    atelier = AtelierFactory(lieu=m.lieu, titre="Découvrir sa tablette")
    itinerante = seance(
        atelier, dans_jours=3, heure=9, itinerante=True, commune=commune(SAINT_FIEL), adresse="Salle des fêtes"
    )
    inscrire(itinerante, personne_du_lieu(m.lieu, nom="Petit", prenom="Jeanne"))

    [texte] = pages_du_pdf(pdf_feuille(itinerante))

    assert "Séance itinérante à Saint-Fiel — Salle des fêtes, 23000 Saint-Fiel" in texte
    assert "(organisée par Médiathèque de Guéret)" in texte
    assert "de 9 h 00 à 11 h 00" in texte
    assert "PETIT Jeanne" in texte
    assert "Dispositif" not in texte and "Financement" not in texte
    assert "Nom : ………" in texte  # a blank mediator box to fill in by hand
    assert "Fonds social européen" in texte


def test_une_seance_de_quarante_personnes_tient_sur_plusieurs_pages_numerotees(m):
    grande = seance(AtelierFactory(lieu=m.lieu, capacite=50), dans_jours=1, capacite=50)
    noms = [f"Personne{n:02d}" for n in range(40)]
    for nom in reversed(noms):
        inscrire(grande, personne_du_lieu(m.lieu, nom=nom, prenom="Test"))

    pages = pages_du_pdf(pdf_feuille(grande))

    assert len(pages) >= 2
    for numero, texte in enumerate(pages, start=1):
        assert f"Page {numero} sur {len(pages)}" in texte
        jour = timezone.localtime(grande.debut).strftime("%d/%m/%Y")
        assert f"Séance n° {grande.pk} du {jour}" in texte  # each page names its session
        assert "N° Nom Prénom Signature" in texte  # the header row is repeated
    tout = " ".join(pages)
    positions = [tout.index(nom.upper()) for nom in noms]
    assert positions == sorted(positions)


def test_une_personne_anonymisee_garde_sa_ligne(m):
    inscription = m.seance.inscriptions.get(beneficiaire__nom="Martin")
    b = inscription.beneficiaire
    type(b).objects.filter(pk=b.pk).update(anonymise_le=timezone.now(), nom="", prenom="")
    html = html_feuille(m.seance)
    assert f"Personne anonymisée ({b.pseudonyme})" in html


# --- The view ---------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["mediateur", "responsable", "coordinateur"])
def test_imprimer_avant_la_seance(m, login, qui):
    a_venir = seance(m.seance.atelier, dans_jours=7)
    inscrire(a_venir, personne_du_lieu(m.lieu, nom="Garnier", prenom="Alice"))
    reponse = login(getattr(m, qui)).get(reverse("ateliers:feuille_pdf", args=[a_venir.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Cache-Control"] == "no-store, private"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Content-Disposition"] == f'inline; filename="feuille-emargement-seance-{a_venir.pk}.pdf"'
    assert "GARNIER Alice" in pages_du_pdf(reponse.content)[0]


@pytest.mark.parametrize(
    ("qui", "quelle", "statut"),
    [
        ("mediateur_voisin", "seance", 404),
        ("coordinateur", "seance_87", 404),
        ("coordinateur_87", "seance", 404),
        ("mediateur", "seance_87", 404),
        ("lecteur", "seance", 403),
        ("referent", "seance", 403),
        ("agent", "seance", 403),
    ],
)
def test_les_autres_n_impriment_pas(m, login, qui, quelle, statut):
    url = reverse("ateliers:feuille_pdf", args=[getattr(m, quelle).pk])
    assert login(getattr(m, qui)).get(url).status_code == statut


def test_anonyme_renvoye_vers_la_connexion(m, client):
    reponse = client.get(reverse("ateliers:feuille_pdf", args=[m.seance.pk]))
    assert reponse.status_code == 302 and reverse("account_login") in reponse["Location"]


def test_imprimer_n_inscrit_rien_au_journal(m, login):
    from journal.models import Evenement

    avant = Evenement.objects.count()
    login(m.mediateur).get(reverse("ateliers:feuille_pdf", args=[m.seance.pk]))
    assert Evenement.objects.count() == avant
