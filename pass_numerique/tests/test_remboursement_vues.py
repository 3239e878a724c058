"""Reimbursement pages: the coordinators' list (filters, constant queries), creation on demand,
a bordereau's page, validation with confirmation, payment, PDF and CSV, a place's page and its
bank details; the full IBAN only for the place's responsable and the coordinators."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, EquipeDepartementaleFactory, LieuFactory, make_member
from journal.models import Action, Evenement

from ..iban import formater, masquer
from ..models import Bordereau, CoordonneesBancaires, LigneBordereau
from ..services.iban import modifier_coordonnees
from ..services.remboursement import creer_bordereaux, valider_bordereau
from ..services.remise import remettre
from .factories import DispositifFactory, cheques_remis, lieu_qualifie
from .test_pdf import texte_du_pdf
from .test_remise_donnees import M1, M2, dans, encaisser, monde

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"
MILIEU = IBAN[4:-3]  # what the masked form hides


@pytest.fixture
def m():
    m = monde()
    carnet = remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)
    m.cheques = list(carnet.cheques.order_by("rang"))
    lieu = m.lieux[0]
    m.responsable = make_member(Role.RESPONSABLE, organisation=lieu)
    m.mediateur = make_member(Role.MEDIATEUR, organisation=lieu)
    m.lecteur = make_member(Role.LECTEUR, organisation=m.coordinateur.organisation)
    modifier_coordonnees(par=m.responsable, lieu=lieu, titulaire="Ville de Guéret", iban=IBAN, bic="BNPAFRPP")
    for cheque in m.cheques[:3]:
        encaisser(cheque, lieu, le=dans(M1))
    [m.bordereau] = creer_bordereaux(mois=M1)
    return m


def sans_espaces(texte: str) -> str:
    return "".join(texte.split())


def test_liste_filtres_et_requetes_constantes(m, login, django_assert_max_num_queries):
    for i in range(4):
        lieu = lieu_qualifie(m.dispositif, nom=f"Lieu {i}")
        encaisser(m.cheques[3 + i], lieu, le=dans(M2))
    creer_bordereaux(mois=M2)
    client = login(m.coordinateur)
    url = reverse("pass_remboursement:liste")
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert "5 bordereaux" in page and m.bordereau.numero in page and "Créer les bordereaux" in page
    page = " ".join(client.get(url, {"lieu": m.lieux[0].pk}).content.decode().split())
    assert "1 bordereau correspondant aux filtres" in page
    page = client.get(url, {"statut": "paye"}).content.decode()
    assert "Aucun bordereau ne correspond" in page
    page = client.get(url, {"dispositif": DispositifFactory(departement=m.dispositif.departement).pk}).content
    assert "Aucun bordereau ne correspond" in page.decode()
    lecteur = login(m.lecteur).get(url).content.decode()
    assert m.bordereau.numero in lecteur and "Créer les bordereaux" not in lecteur
    assert login(m.responsable).get(url).status_code == 403


def test_creation_a_la_demande(m, login):
    encaisser(m.cheques[5], m.lieux[1], le=dans(M1))
    client = login(m.coordinateur)
    url = reverse("pass_remboursement:creer")
    assert client.get(url).status_code == 405
    response = client.post(url, {"mois": M1.isoformat()}, follow=True)
    assert "1 bordereau créé" in response.content.decode()
    response = client.post(url, {"mois": M1.isoformat()}, follow=True)
    assert "Aucun nouveau bordereau" in response.content.decode()
    response = client.post(url, {"mois": timezone.localdate().replace(day=1).isoformat()}, follow=True)
    assert "Choisissez un mois terminé." in response.content.decode()
    assert Bordereau.objects.count() == 2
    assert login(m.lecteur).post(url, {"mois": M1.isoformat()}).status_code == 403


def test_page_du_bordereau_et_iban(m, login):
    url = reverse("pass_remboursement:detail", args=[m.bordereau.pk])
    for par, complet in ((m.coordinateur, True), (m.responsable, True), (m.lecteur, False), (m.mediateur, False)):
        page = login(par).get(url).content.decode()
        assert m.bordereau.numero in page and "30,00 €" in page
        assert (MILIEU in sans_espaces(page)) == complet, par.role
        if not complet:
            assert masquer(IBAN) in page
        assert ("Valider ce bordereau" in page) == (par.role == Role.COORDINATEUR)


def test_bordereau_hors_de_portee_404(m, login):
    url = reverse("pass_remboursement:detail", args=[m.bordereau.pk])
    ailleurs = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
    )
    autre_lieu = make_member(Role.RESPONSABLE, organisation=LieuFactory(departement=m.dispositif.departement))
    for par in (ailleurs, autre_lieu):
        for nom in ("detail", "pdf", "csv"):
            assert login(par).get(reverse(f"pass_remboursement:{nom}", args=[m.bordereau.pk])).status_code == 404
    assert login(ailleurs).post(reverse("pass_remboursement:valider", args=[m.bordereau.pk])).status_code == 404
    assert login(m.agent).get(url).status_code == 403


def test_validation_avec_confirmation(m, login):
    client = login(m.coordinateur)
    url = reverse("pass_remboursement:valider", args=[m.bordereau.pk])
    lignes = list(m.bordereau.lignes.order_by("cheque__numero_serie"))
    rejetee = lignes[0]
    page = client.get(url).content.decode()
    assert page.count('type="checkbox"') == 3

    avant = Evenement.objects.count()
    response = client.post(url, {f"rejeter_{rejetee.pk}": "on", f"motif_{rejetee.pk}": ""})
    page = response.content.decode()
    assert f"Indiquez le motif du rejet du chèque n° {rejetee.cheque.numero_serie}." in page
    assert 'aria-invalid="true"' in page

    response = client.post(url, {f"rejeter_{rejetee.pk}": "on", f"motif_{rejetee.pk}": "Atelier annulé"})
    page = response.content.decode()
    assert "Valider le bordereau" in page and "20,00 €" in page and "Atelier annulé" in page
    m.bordereau.refresh_from_db()
    assert m.bordereau.statut == Bordereau.Statut.A_VALIDER and Evenement.objects.count() == avant

    response = client.post(
        url, {f"rejeter_{rejetee.pk}": "on", f"motif_{rejetee.pk}": "Atelier annulé", "confirmer": "1"}
    )
    assert response.status_code == 302
    m.bordereau.refresh_from_db()
    assert m.bordereau.statut == Bordereau.Statut.VALIDE
    rejetee.refresh_from_db()
    assert rejetee.statut == LigneBordereau.Statut.REJETEE
    assert Evenement.objects.filter(action=Action.LIGNE_REJETEE).count() == 1
    # Already validated: the page sends back to the bordereau.
    assert client.get(url).status_code == 302


def test_paiement(m, login):
    valider_bordereau(par=m.coordinateur, bordereau=m.bordereau)
    client = login(m.coordinateur)
    url = reverse("pass_remboursement:payer", args=[m.bordereau.pk])
    page = client.get(url).content.decode()
    assert formater(IBAN) in page and "30,00 €" in page
    avant = Evenement.objects.count()
    page = client.post(url, {"paye_le": timezone.localdate().isoformat(), "reference": ""}).content.decode()
    assert "Indiquez la référence du paiement (numéro de mandat ou de virement)." in page
    m.bordereau.refresh_from_db()
    assert m.bordereau.statut == Bordereau.Statut.VALIDE and Evenement.objects.count() == avant
    response = client.post(url, {"paye_le": timezone.localdate().isoformat(), "reference": "MANDAT-2026-118"})
    assert response.status_code == 302
    m.bordereau.refresh_from_db()
    assert m.bordereau.statut == Bordereau.Statut.PAYE
    assert login(m.lecteur).get(url).status_code == 403


def test_pdf_pour_le_comptable(m, login, tmp_path):
    url = reverse("pass_remboursement:pdf", args=[m.bordereau.pk])
    response = login(m.coordinateur).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    texte = texte_du_pdf(response.content, tmp_path)
    assert m.bordereau.numero in texte and "Ville de Guéret" in texte
    assert MILIEU in sans_espaces(texte)
    assert "30,00" in texte and "FSE+ (60 %) : 18,00 €" in " ".join(texte.split())
    for par in (m.responsable, m.mediateur, m.lecteur):
        texte = texte_du_pdf(login(par).get(url).content, tmp_path)
        assert MILIEU not in sans_espaces(texte), par.role


def test_csv_format_francais_et_formules_neutralisees(m, login):
    lieu = m.lieux[0]
    type(lieu).objects.filter(pk=lieu.pk).update(nom='=HYPERLINK("http://exemple.test","x")')
    response = login(m.coordinateur).get(reverse("pass_remboursement:csv", args=[m.bordereau.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    contenu = response.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    rangs = list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))
    assert rangs[0][:4] == ["Bordereau", "Mois", "Statut du bordereau", "Lieu"]
    assert len(rangs) == 4
    premier = dict(zip(rangs[0], rangs[1], strict=True))
    assert premier["Lieu"].startswith("'=HYPERLINK")
    assert premier["Montant (€)"] == "10,00"
    assert premier["IBAN"] == formater(IBAN)
    assert premier["Mois"] == M1.strftime("%m/%Y")
    assert premier["Encaissé le"].count("/") == 2
    # Other readers get the masked IBAN.
    for par in (m.mediateur, m.responsable, m.lecteur):
        contenu = login(par).get(reverse("pass_remboursement:csv", args=[m.bordereau.pk])).content.decode()
        assert MILIEU not in sans_espaces(contenu) and masquer(IBAN) in contenu


def test_page_du_lieu(m, login, django_assert_max_num_queries):
    url = reverse("pass_remboursement:lieu", args=[m.lieux[0].pk])
    encaisser(m.cheques[5], m.lieux[0])
    client = login(m.mediateur)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    texte = " ".join(page.split())
    assert 'Encaissé, pas encore sur un bordereau</dt> <dd class="col-4 text-end"> 10,00 €' in texte
    assert 'En attente, au total</dt> <dd class="col-4 text-end fw-bold"> 40,00 €' in texte
    assert MILIEU not in sans_espaces(page) and masquer(IBAN) in page
    assert "coordonnees-bancaires" not in page
    page = login(m.responsable).get(url).content.decode()
    assert formater(IBAN) in page and reverse("pass_remboursement:coordonnees", args=[m.lieux[0].pk]) in page
    page = login(m.lecteur).get(url).content.decode()
    assert MILIEU not in sans_espaces(page)
    autre = make_member(Role.MEDIATEUR, organisation=LieuFactory(departement=m.dispositif.departement))
    assert login(autre).get(url).status_code == 404


def test_coordonnees_bancaires(m, login):
    url = reverse("pass_remboursement:coordonnees", args=[m.lieux[0].pk])
    client = login(m.responsable)
    page = client.get(url).content.decode()
    assert formater(IBAN) in page
    avant = Evenement.objects.count()
    page = client.post(url, {"titulaire": "Ville de Guéret", "iban": "FR76 3000 6000 0112 3456 7890 188"})
    assert "sa clé de contrôle ne correspond pas" in page.content.decode()
    assert CoordonneesBancaires.objects.get().iban == IBAN and Evenement.objects.count() == avant
    response = client.post(url, {"titulaire": "Ville de Guéret", "iban": "FR14 2004 1010 0505 0001 3M02 606"})
    assert response.status_code == 302
    assert CoordonneesBancaires.objects.get().iban == "FR1420041010050500013M02606"
    assert login(m.mediateur).get(url).status_code == 403
    autre = make_member(Role.RESPONSABLE, organisation=LieuFactory(departement=m.dispositif.departement))
    assert login(autre).get(url).status_code == 404
    assert login(m.coordinateur).get(url).status_code == 200
    ailleurs = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
    )
    assert login(ailleurs).get(url).status_code == 404


def test_aucune_page_du_mediateur_ne_montre_l_iban_complet(m, login):
    valider_bordereau(par=m.coordinateur, bordereau=m.bordereau)
    client = login(m.mediateur)
    for nom, pk in (("detail", m.bordereau.pk), ("lieu", m.lieux[0].pk), ("csv", m.bordereau.pk)):
        contenu = client.get(reverse(f"pass_remboursement:{nom}", args=[pk])).content.decode()
        assert MILIEU not in sans_espaces(contenu), nom
    for nom in ("valider", "payer", "coordonnees"):
        pk = m.lieux[0].pk if nom == "coordonnees" else m.bordereau.pk
        assert client.get(reverse(f"pass_remboursement:{nom}", args=[pk])).status_code == 403
    ailleurs = cheques_remis(DispositifFactory(departement=DepartementFactory(code="87")), taille=5)
    assert ailleurs


def test_post_hors_de_portee_ne_change_rien(m, login):
    autre = make_member(Role.RESPONSABLE, organisation=LieuFactory(departement=m.dispositif.departement))
    ailleurs = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
    )
    avant = Evenement.objects.count()
    donnees = {"titulaire": "Intrus", "iban": "FR14 2004 1010 0505 0001 3M02 606"}
    url = reverse("pass_remboursement:coordonnees", args=[m.lieux[0].pk])
    for par in (autre, ailleurs):
        assert login(par).post(url, donnees).status_code == 404
    for nom, donnees_post in (
        ("valider", {"confirmer": "1"}),
        ("payer", {"paye_le": timezone.localdate().isoformat(), "reference": "X"}),
    ):
        url = reverse(f"pass_remboursement:{nom}", args=[m.bordereau.pk])
        assert login(ailleurs).post(url, donnees_post).status_code == 404
        assert login(m.responsable).post(url, donnees_post).status_code == 403
    assert CoordonneesBancaires.objects.get().iban == IBAN
    m.bordereau.refresh_from_db()
    assert m.bordereau.statut == Bordereau.Statut.A_VALIDER and Evenement.objects.count() == avant
