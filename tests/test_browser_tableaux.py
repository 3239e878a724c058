"""The four dashboards (coordination, lecteur, prescriber, place) in a real browser: zero axe-core
violation, no Content-Security-Policy error, one h1, nothing scrolling sideways at 360 px; the
map of redemptions draws one circle per place with a position. Screenshots in
var/screenshots/tableaux-*.png.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.tests.factories import AtelierFactory, inscrire, seance
from beneficiaires.tests.factories import BeneficiaireFactory, commune
from comptes.models import Role
from comptes.tests.factories import LieuFactory, OrganismePrescripteurFactory, make_member
from pass_numerique.models import Carnet
from pass_numerique.tests.factories import DispositifFactory, carnet
from rapports.tests.factories_tableaux import carnet_remis, encaisser
from tests.navigateur import assert_accessible, log_in_member, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jeu(transactional_db, settings):
    settings.MAP_TILE_URL = ""  # no tile server in the tests: the circles are drawn all the same
    creuse = commune("23096").departement
    coordination = make_member(Role.COORDINATEUR, departement=creuse)
    d = DispositifFactory(departement=creuse, nom="Pass numérique 2026")
    organisme = OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Guéret")
    lieux = [
        LieuFactory(departement=creuse, nom="Médiathèque de Guéret", latitude=46.17, longitude=1.87),
        LieuFactory(departement=creuse, nom="Tiers-lieu d’Aubusson", latitude=45.96, longitude=2.17),
        LieuFactory(departement=creuse, nom="Espace sans position"),
    ]
    for k, lieu in enumerate(lieux):
        personne = BeneficiaireFactory(organisme=organisme)
        c = carnet_remis(d, organisme=organisme, beneficiaire=personne, quand=timezone.now())
        encaisser(c, k + 2, lieu=lieu, quand=timezone.now())
    carnet(d, taille=10, statut=Carnet.Statut.DOTE, organisme=organisme)
    atelier = AtelierFactory(lieu=lieux[0], titre="Premiers pas sur tablette")
    inscrire(seance(atelier, dans_jours=2), BeneficiaireFactory(organisme=organisme))
    inscrire(seance(atelier, dans_jours=-5), BeneficiaireFactory(organisme=organisme))
    return {
        "coordinateur": coordination,
        "lecteur": make_member(Role.LECTEUR, organisation=coordination.organisation),
        "referent": make_member(Role.REFERENT, organisation=organisme),
        "responsable": make_member(Role.RESPONSABLE, organisation=lieux[0]),
    }


@pytest.mark.parametrize("role", ["coordinateur", "lecteur", "referent", "responsable"])
def test_le_tableau_de_bord(live_server, page, telephone, jeu, role):
    log_in_member(page, live_server.url, jeu[role])
    # The phone shares the session (a TOTP code is accepted once: no second login).
    telephone.context.add_cookies(page.context.cookies())
    for ecran, nom in ((page, "bureau"), (telephone, "telephone")):
        erreurs = surveiller(ecran)
        ecran.goto(live_server.url + reverse("accueil"))
        if role in ("coordinateur", "lecteur"):
            carte = ecran.locator("[data-carte-encaissements]")
            carte.and_(ecran.locator("[data-prete='1']")).wait_for()
            assert carte.get_attribute("data-nb-marqueurs") == "2"
            assert ecran.locator("#cheques-par-mois tbody tr").count() == 12
            assert ecran.locator("#encaissements-par-lieu tbody tr").count() == 3
            assert ecran.locator("svg[role=img] title").first.text_content().startswith("Chèques remis et encaissés")
        elif role == "referent":
            assert ecran.locator("#stock-par-dispositif tbody tr").count() == 1
            assert ecran.locator("#parcours-des-personnes tbody tr").count() == 5
        else:
            assert ecran.locator("#seances-a-venir tbody tr").count() == 1
            assert ecran.get_by_role("heading", name="Ce mois-ci").is_visible()
        assert_accessible(
            ecran,
            erreurs,
            f"le tableau de bord ({role}, {nom})",
            capture=f"tableaux-{role}-{nom}",
            single_h1=True,
            fits_width=nom == "telephone",
        )
