"""Pass numérique — remise, remboursement and a cheque's history in a real browser: axe-core finds
no violation (and the CSP none) on every page of pass_remise and pass_remboursement; the place's
pages work at 360 px wide. Screenshots land in var/screenshots/pass-*.png, and the first pages of
the booklet's PDF and of a bordereau's PDF are rendered to PNG next to them (pdftoppm), to look at.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import make_member
from pass_numerique.services.iban import modifier_coordonnees
from pass_numerique.services.remboursement import creer_bordereaux, valider_bordereau
from pass_numerique.services.remise import remettre
from pass_numerique.tests.test_remise_donnees import M1, dans, encaisser, monde
from tests.navigateur import TELEPHONE, assert_accessible, log_in_member, pdf_to_png, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IBAN = "FR7630006000011234567890189"


@pytest.fixture
def donnees(transactional_db):
    """A person with a booklet to hand out (a second one in stock), and a place with a
    bordereau of last month (three redeemed cheques of another booklet)."""
    m = monde(stock=3)
    deja = remettre(par=m.agent, beneficiaire=m.autres.setdefault("deja", _autre_personne(m)), dispositif=m.dispositif)
    m.mediateur = make_member(Role.MEDIATEUR, organisation=m.lieux[0])
    m.responsable = make_member(Role.RESPONSABLE, organisation=m.lieux[0])
    modifier_coordonnees(par=m.responsable, lieu=m.lieux[0], titulaire="Ville de Guéret", iban=IBAN, bic="BNPAFRPP")
    m.cheques = list(deja.cheques.order_by("rang"))
    for cheque in m.cheques[:3]:
        encaisser(cheque, m.lieux[0], le=dans(M1), par=m.mediateur)
    [m.bordereau] = creer_bordereaux(mois=M1)
    m.carnet_deja = deja
    return m


def _autre_personne(m):
    from beneficiaires.tests.factories import BeneficiaireFactory

    return BeneficiaireFactory(organisme=m.organisme, publics=["senior"], nom="Durand", prenom="Lucien")


def verifier(page, csp_errors, nom: str) -> None:
    assert_accessible(page, csp_errors, nom, capture=f"pass-{nom}", single_h1=True)


def premiere_page_en_png(contenu: bytes, nom: str) -> None:
    assert contenu.startswith(b"%PDF")
    pdf_to_png(contenu, f"pass-{nom}", dpi=70, last_page=2)


def test_remise_par_un_agent(live_server, page, csp_errors, donnees):
    m = donnees
    log_in_member(page, live_server.url, m.agent)
    page.goto(live_server.url + reverse("pass_remise:remettre", args=[m.beneficiaire.pk]))
    verifier(page, csp_errors, "remise-choisir")

    page.get_by_label(m.dispositif.nom).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Remettre le carnet").wait_for()
    verifier(page, csp_errors, "remise-confirmer")

    page.get_by_role("button", name="Remettre le carnet").click()
    page.get_by_role("link", name="Imprimer le carnet (PDF)").wait_for()
    assert "est remis" in page.get_by_role("status").first.inner_text()
    verifier(page, csp_errors, "remise-carnet")

    lien = page.get_by_role("link", name="Imprimer le carnet (PDF)").get_attribute("href")
    reponse = page.request.get(live_server.url + lien)
    assert reponse.status == 200 and reponse.headers["content-type"] == "application/pdf"
    premiere_page_en_png(reponse.body(), "remise-carnet-pdf")

    # A refusal is shown accessibly: the person already has a booklet of the only dispositif.
    page.goto(live_server.url + reverse("pass_remise:remettre", args=[m.beneficiaire.pk]))
    assert "a déjà reçu le carnet" in page.locator("main").inner_text()
    verifier(page, csp_errors, "remise-refus")


def test_pages_du_coordinateur(live_server, page, csp_errors, donnees):
    m = donnees
    log_in_member(page, live_server.url, m.coordinateur)
    pages = [
        ("remboursement-liste", reverse("pass_remboursement:liste")),
        ("remboursement-bordereau", reverse("pass_remboursement:detail", args=[m.bordereau.pk])),
        ("remboursement-lieu", reverse("pass_remboursement:lieu", args=[m.lieux[0].pk])),
        ("remboursement-coordonnees", reverse("pass_remboursement:coordonnees", args=[m.lieux[0].pk])),
        ("remise-cheque", reverse("pass_remise:cheque", args=[m.cheques[0].pk])),
        ("remise-cheque-recherche", reverse("pass_remise:recherche_cheque")),
        ("remise-derogation", reverse("pass_remise:derogation", args=[m.autres["deja"].pk])),
        ("remise-carnet-coordinateur", reverse("pass_remise:carnet", args=[m.carnet_deja.pk])),
    ]
    for nom, url in pages:
        page.goto(live_server.url + url)
        verifier(page, csp_errors, nom)

    # Validation: a rejected line without a reason, then the confirmation, then the payment form.
    page.goto(live_server.url + reverse("pass_remboursement:valider", args=[m.bordereau.pk]))
    verifier(page, csp_errors, "remboursement-valider")
    page.get_by_label(f"Rejeter le chèque n° {m.cheques[0].numero_serie}").check()
    page.get_by_role("button", name="Vérifier avant de valider").click()
    page.locator(".invalid-feedback").first.wait_for()
    verifier(page, csp_errors, "remboursement-valider-erreur")
    page.get_by_label(f"Motif du rejet du chèque n° {m.cheques[0].numero_serie}").fill("Atelier non réalisé")
    page.get_by_role("button", name="Vérifier avant de valider").click()
    page.get_by_role("button", name="Valider le bordereau").wait_for()
    verifier(page, csp_errors, "remboursement-confirmer")
    page.get_by_role("button", name="Valider le bordereau").click()
    page.get_by_role("link", name="Enregistrer le paiement").click()
    verifier(page, csp_errors, "remboursement-payer")
    page.get_by_label("Référence du paiement").fill("MANDAT-2026-118")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    assert "est enregistré" in page.get_by_role("status").first.inner_text()
    verifier(page, csp_errors, "remboursement-paye")

    reponse = page.request.get(live_server.url + reverse("pass_remboursement:pdf", args=[m.bordereau.pk]))
    premiere_page_en_png(reponse.body(), "remboursement-bordereau-pdf")
    page.goto(live_server.url + reverse("pass_remise:cheque", args=[m.cheques[1].pk]))
    assert "Bordereau payé" in page.locator("main").inner_text()
    verifier(page, csp_errors, "remise-cheque-rembourse")


def test_pages_du_lieu_sur_un_telephone(live_server, browser, donnees):
    m = donnees
    valider_bordereau(par=m.coordinateur, bordereau=m.bordereau)
    contexte = browser.new_context(viewport=TELEPHONE)
    for membre, pages in (
        (
            m.mediateur,
            [
                ("remboursement-lieu-mediateur", reverse("pass_remboursement:lieu", args=[m.lieux[0].pk])),
                ("remboursement-bordereau-mediateur", reverse("pass_remboursement:detail", args=[m.bordereau.pk])),
                ("remise-cheque-mediateur", reverse("pass_remise:cheque", args=[m.cheques[0].pk])),
            ],
        ),
        (
            m.responsable,
            [
                (
                    "remboursement-coordonnees-responsable",
                    reverse("pass_remboursement:coordonnees", args=[m.lieux[0].pk]),
                )
            ],
        ),
    ):
        page = contexte.new_page()
        erreurs = surveiller(page)
        log_in_member(page, live_server.url, membre)
        for nom, url in pages:
            page.goto(live_server.url + url)
            # Nothing wider than the screen (tables scroll inside their own box).
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, nom
            verifier(page, erreurs, nom)
            if membre is m.mediateur:
                assert IBAN[4:-3] not in "".join(page.locator("body").inner_text().split())
        page.context.clear_cookies()
        page.close()
    contexte.close()
    assert timezone.now()
