"""The signed attendance sheet in a real browser, on a phone (360 px): the sheet block of the
session page, the upload page (empty, with an error, replacement with its reason), a real upload
through the form (Playwright set_input_files), the download, and « Séances passées sans feuille
d’émargement » for the place and for the coordinator. axe-core finds no violation, the CSP
holds, nothing scrolls sideways. Screenshots, the PDF sheet and its first page as PNG (pdftoppm)
land in test-results/ (ateliers-feuilles-*)."""

import pytest
from django.urls import reverse

from ateliers.models import FeuilleEmargement
from ateliers.tests.factories import AtelierFactory, inscrire, seance
from ateliers.tests.test_feuilles_depot import fichier_pdf, image, monde
from tests.navigateur import TEST_RESULTS, assert_accessible, log_in_member, pdf_to_png, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def m(transactional_db):
    m = monde()
    m.autre = seance(m.seance.atelier, dans_jours=-6)  # a second past session without its sheet
    inscrire(m.autre)
    return m


def verifier(page, erreurs_csp, quoi: str, nom: str) -> None:
    """A screenshot, one h1, zero axe violation, no CSP violation, nothing scrolls sideways."""
    assert_accessible(
        page,
        erreurs_csp,
        quoi,
        capture=f"ateliers-feuilles-{nom}",
        folder=TEST_RESULTS,
        single_h1=True,
        fits_width=True,
    )


def pdf_en_png(contenu: bytes, nom: str) -> None:
    assert contenu.startswith(b"%PDF-")
    pdf_to_png(contenu, f"ateliers-feuilles-{nom}", folder=TEST_RESULTS, dpi=80, last_page=1)


def test_imprimer_deposer_et_remplacer_sur_un_telephone(live_server, telephone, m, tmp_path):
    page, base = telephone, live_server.url
    erreurs = surveiller(page)
    log_in_member(page, base, m.mediateur)

    page.goto(base + reverse("ateliers:seance", args=[m.seance.pk]))
    bloc = page.locator("section", has=page.get_by_role("heading", name="Feuille d’émargement"))
    assert "Aucune feuille signée n’est encore déposée" in bloc.inner_text()
    verifier(page, erreurs, "la séance sans feuille", "seance-sans-feuille")

    lien_pdf = bloc.get_by_role("link", name="Imprimer la feuille d’émargement (PDF)").get_attribute("href")
    reponse = page.request.get(base + lien_pdf)
    assert reponse.status == 200 and reponse.headers["content-type"] == "application/pdf"
    assert reponse.headers["cache-control"] == "no-store, private"
    pdf_en_png(reponse.body(), "pdf")

    bloc.get_by_role("link", name="Déposer la feuille signée").click()
    page.get_by_role("heading", name="Déposer la feuille d’émargement signée").wait_for()
    verifier(page, erreurs, "la page de dépôt", "deposer")

    # A text file renamed .png: refused, with the message tied to the field.
    faux = tmp_path / "feuille.png"
    faux.write_text("pas une image")
    page.get_by_label("Feuille signée, scannée ou photographiée").set_input_files(str(faux))
    page.get_by_role("button", name="Déposer la feuille et verrouiller l’émargement").click()
    champ = page.get_by_label("Feuille signée, scannée ou photographiée")
    champ.wait_for()
    assert champ.get_attribute("aria-invalid") == "true"
    assert "son contenu n’est ni un PDF" in page.locator("#id_fichier_erreurs").inner_text()
    assert not FeuilleEmargement.objects.exists()
    verifier(page, erreurs, "la page de dépôt avec une erreur", "deposer-erreur")

    scan = tmp_path / "scan-seance.jpg"
    scan.write_bytes(image("JPEG", taille=(600, 800)))
    champ.set_input_files(str(scan))
    page.get_by_role("button", name="Déposer la feuille et verrouiller l’émargement").click()
    page.wait_for_url(base + reverse("ateliers:seance", args=[m.seance.pk]))
    assert "La feuille signée est déposée" in page.get_by_role("status").first.inner_text()
    feuille = FeuilleEmargement.objects.get()
    assert feuille.nom_original == "scan-seance.jpg" and feuille.type_contenu == "image/jpeg"
    bloc = page.locator("section", has=page.get_by_role("heading", name="Feuille d’émargement"))
    assert "Émargement verrouillé le" in bloc.inner_text()
    assert feuille.sha256[:12] in bloc.inner_text()
    verifier(page, erreurs, "la séance avec sa feuille", "seance-verrouillee")

    telechargement = bloc.get_by_role("link", name="Télécharger la feuille signée").get_attribute("href")
    fichier = page.request.get(base + telechargement)
    assert fichier.status == 200 and fichier.body() == scan.read_bytes()
    assert fichier.headers["content-type"] == "image/jpeg"
    assert fichier.headers["content-disposition"].startswith("attachment;")

    # Replacement: the reason is required, then the earlier sheet goes to the history.
    bloc.get_by_role("link", name="Remplacer la feuille signée").click()
    page.get_by_role("heading", name="Remplacer la feuille d’émargement signée").wait_for()
    pdf = tmp_path / "feuille-complete.pdf"
    pdf.write_bytes(fichier_pdf("complete"))
    page.get_by_label("Feuille signée, scannée ou photographiée").set_input_files(str(pdf))
    page.get_by_role("button", name="Remplacer la feuille").click()
    assert page.get_by_label("Motif du remplacement").get_attribute("aria-invalid") == "true"
    verifier(page, erreurs, "le remplacement sans motif", "remplacer-erreur")
    page.get_by_label("Feuille signée, scannée ou photographiée").set_input_files(str(pdf))
    page.get_by_label("Motif du remplacement").fill("La page 2 manquait")
    page.get_by_role("button", name="Remplacer la feuille").click()
    page.wait_for_url(base + reverse("ateliers:seance", args=[m.seance.pk]))
    historique = page.get_by_role("list", name="Feuilles remplacées (1), conservées")
    assert "La page 2 manquait" in historique.inner_text()
    verifier(page, erreurs, "la séance avec l’historique des feuilles", "seance-historique")
    assert FeuilleEmargement.objects.get(remplacee_le__isnull=True).type_contenu == "application/pdf"

    page.goto(base + reverse("ateliers:sans_feuille"))
    assert "1 séance sans feuille d’émargement" in page.get_by_role("main").inner_text()
    verifier(page, erreurs, "les séances sans feuille du lieu", "sans-feuille-lieu")


def test_la_coordination_voit_les_seances_sans_feuille(live_server, page, m):
    erreurs = surveiller(page)
    inscrire(seance(AtelierFactory(lieu=m.voisin, titre="Atelier du tiers-lieu"), dans_jours=-2))
    log_in_member(page, live_server.url, m.coordinateur)
    page.goto(live_server.url + reverse("ateliers:sans_feuille"))
    assert "3 séances sans feuille" in page.get_by_role("main").inner_text()
    verifier(page, erreurs, "les séances sans feuille du département", "sans-feuille-coordination")
    page.get_by_label("Lieu", exact=True).select_option(label="Médiathèque de Guéret")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Afficher les séances de tous les lieux").wait_for()
    assert "2 séances sans feuille" in page.get_by_role("main").inner_text()
    verifier(page, erreurs, "les séances sans feuille filtrées", "sans-feuille-filtre")
    page.goto(live_server.url + reverse("ateliers:seance", args=[m.seance.pk]))
    bloc = page.locator("section", has=page.get_by_role("heading", name="Feuille d’émargement"))
    assert bloc.get_by_role("link", name="Déposer la feuille signée").count() == 0
    verifier(page, erreurs, "la séance vue par la coordination", "seance-coordination")
