"""Real browser journeys: every demo login, then axe-core (WCAG 2.1 A/AA + best practices).

For the login page, the public pages and the home page of each demo account (logged in through
the real form, with the TOTP step for the coordinatrice), the test asserts zero axe violations,
no Content-Security-Policy violation in the console, and that the first Tab reaches the skip
link. Screenshots of each home page land in var/screenshots/ (for humans, not asserted).

axe is injected with `add_init_script`, not `add_script_tag`: the latter inserts an inline
<script>, which our CSP rightly refuses (and which would itself show up as a CSP violation).
Init scripts are run by the browser outside the page's CSP.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo import data
from tests.navigateur import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SKIP_LINK = "Aller au contenu principal"
PUBLIC_PAGES = ["accueil", "accessibilite", "mentions_legales", "donnees_personnelles", "account_login"]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=StringIO())


def assert_skip_link_first(page) -> None:
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.hash]")
    assert focused == [SKIP_LINK, "#contenu"], focused


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_accessible(demo, live_server, page, csp_errors, name):
    page.goto(live_server.url + reverse(name))
    assert page.locator("h1").count() == 1
    assert_skip_link_first(page)
    assert_accessible(page, csp_errors, name)


@pytest.mark.parametrize("personne", data.PERSONNES, ids=[p.cle for p in data.PERSONNES])
def test_each_demo_account_home_is_accessible(demo, live_server, page, csp_errors, personne):
    log_in(
        page,
        live_server.url,
        personne.email,
        password=data.PASSWORD,
        totp=personne.totp,
        totp_secret=data.TOTP_SECRET,
    )
    header = page.locator("header").first
    assert data.DEPARTEMENT["nom"] in header.inner_text()
    assert page.locator("h1").count() == 1
    screenshot(page, personne.cle)
    assert_skip_link_first(page)
    assert_accessible(page, csp_errors, f"l’accueil de {personne.email}")
    if len(personne.adhesions) > 1:
        # The organisation switcher is part of the header for people with several memberships.
        assert page.get_by_label("Vous agissez pour").count() == 1
