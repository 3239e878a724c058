"""Real browser journeys: every demo login, then axe-core (WCAG 2.1 A/AA + best practices).

For the login page, the public pages and the home page of each demo account (logged in through
the real form, with the TOTP step for the coordinatrice), the test asserts zero axe violations,
no Content-Security-Policy violation in the console, and that the first Tab reaches the skip
link. Screenshots of each home page land in var/screenshots/ (for humans, not asserted).

axe is injected with `add_init_script`, not `add_script_tag`: the latter inserts an inline
<script>, which our CSP rightly refuses (and which would itself show up as a CSP violation).
Init scripts are run by the browser outside the page's CSP.
"""

import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from comptes.mfa import current_totp_code
from demo import data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SKIP_LINK = "Aller au contenu principal"
PUBLIC_PAGES = ["accueil", "accessibilite", "mentions_legales", "donnees_personnelles", "account_login"]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def csp_errors(page):
    """Console messages about the Content-Security-Policy, collected for the whole test."""
    errors = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            errors.append(f"{message.text} @ {message.location}")

    page.on("console", on_console)
    page.add_init_script(path=str(AXE))
    return errors


def run_axe(page) -> list[dict]:
    assert AXE.exists(), f"axe-core absent : {AXE} (lancez npm ci)"
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def assert_accessible(page, csp_errors, what: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe : {len(violations)} violation(s) sur {what} ({page.url})\n{describe(violations)}"
    assert not csp_errors, f"violations de la CSP sur {what} :\n" + "\n".join(csp_errors)


def assert_skip_link_first(page) -> None:
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.hash]")
    assert focused == [SKIP_LINK, "#contenu"], focused


def fresh_totp_code() -> str:
    """The current code, waiting for the next period when the current one is about to expire."""
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return current_totp_code(data.TOTP_SECRET)


def log_in(page, base_url: str, personne: data.Personne) -> None:
    page.goto(base_url + reverse("account_login"))
    page.locator("input[name=login]").fill(personne.email)
    page.locator("input[name=password]").fill(data.PASSWORD)
    page.locator("input[name=password]").press("Enter")
    if personne.totp:
        page.wait_for_url(f"**{reverse('mfa_authenticate')}")
        page.locator("input[name=code]").fill(fresh_totp_code())
        page.locator("input[name=code]").press("Enter")
    page.wait_for_url(base_url + reverse("accueil"))


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_accessible(demo, live_server, page, csp_errors, name):
    page.goto(live_server.url + reverse(name))
    assert page.locator("h1").count() == 1
    assert_skip_link_first(page)
    assert_accessible(page, csp_errors, name)


@pytest.mark.parametrize("personne", data.PERSONNES, ids=[p.cle for p in data.PERSONNES])
def test_each_demo_account_home_is_accessible(demo, live_server, page, csp_errors, personne):
    log_in(page, live_server.url, personne)
    header = page.locator("header").first
    assert data.DEPARTEMENT["nom"] in header.inner_text()
    assert page.locator("h1").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{personne.cle}.png"), full_page=True)
    assert_skip_link_first(page)
    assert_accessible(page, csp_errors, f"l’accueil de {personne.email}")
    if len(personne.adhesions) > 1:
        # The organisation switcher is part of the header for people with several memberships.
        assert page.get_by_label("Vous agissez pour").count() == 1
