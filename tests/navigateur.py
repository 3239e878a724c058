"""Shared helpers of the browser tests (Playwright, marker `browser`).

One version of what every test_browser_*.py module needs: axe-core (injected with
`add_init_script`, which the browser runs outside the page's Content-Security-Policy, whereas an
inline <script> from `add_script_tag` would itself be refused), the collection of CSP messages,
the login through the real form (TOTP step included), the accessibility assertion and the
screenshots. The fixtures built on them (`csp_errors`, `telephone`, …) are in tests/conftest.py.
"""

import shutil
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from comptes.mfa import current_totp_code
from comptes.models import Role
from comptes.tests.factories import PASSWORD, TOTP_SECRET

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
TEST_RESULTS = ROOT / "test-results"  # emptied by pytest-playwright when a test session starts
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
TELEPHONE = {"width": 360, "height": 740}
# The coordinatrice of the `lieu` fixture (tests/conftest.py): places management and import.
COORDINATRICE_LIEUX = "coordinatrice.lieux@exemple.test"


def surveiller(page) -> list[str]:
    """Injects axe-core and returns the list, filled for the whole test, of the console messages
    about the Content-Security-Policy."""
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


def screenshot(page, name: str, folder: Path = SCREENSHOTS) -> None:
    """A full-page screenshot, folder/name.png (for humans, never asserted)."""
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def pdf_to_png(content: bytes, name: str, *, folder: Path = SCREENSHOTS, dpi: int, last_page: int) -> None:
    """Writes the PDF to folder/name.pdf and, when pdftoppm is there, its first pages as PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    fichier = folder / f"{name}.pdf"
    fichier.write_bytes(content)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", str(last_page), str(fichier), str(folder / name)],
            check=True,
        )


def assert_no_axe_violation(page, what: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe : {len(violations)} violation(s) sur {what} ({page.url})\n{describe(violations)}"


def assert_accessible(
    page,
    csp_errors: list[str],
    what: str,
    *,
    capture: str | None = None,
    folder: Path = SCREENSHOTS,
    single_h1: bool = False,
    fits_width: bool = False,
) -> None:
    """Zero axe violation and no CSP violation on the page; in that order, before them, the
    screenshot `capture` (in `folder`) and the check of a single h1, and after them that nothing
    scrolls sideways, each when asked."""
    if capture is not None:
        screenshot(page, capture, folder)
    if single_h1:
        assert page.locator("h1").count() == 1, what
    assert_no_axe_violation(page, what)
    assert not csp_errors, f"violations de la CSP sur {what} :\n" + "\n".join(csp_errors)
    if fits_width:
        largeur = page.evaluate("document.documentElement.scrollWidth")
        assert largeur <= page.viewport_size["width"], f"défilement horizontal sur {what} : {largeur} px"


def fresh_totp_code(secret: str = TOTP_SECRET) -> str:
    """The current code, waiting for the next period when the current one is about to expire."""
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return current_totp_code(secret)


def log_in(
    page,
    base_url: str,
    email: str,
    *,
    password: str = PASSWORD,
    totp: bool = False,
    totp_secret: str = TOTP_SECRET,
) -> None:
    """Logs in through the real form (then the TOTP step when `totp`), lands on the home page.
    The defaults are the factory accounts' (comptes.tests.factories); the demo accounts pass
    demo.data's password and secret."""
    page.goto(base_url + reverse("account_login"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    if totp:
        page.wait_for_url(f"**{reverse('mfa_authenticate')}")
        page.locator("input[name=code]").fill(fresh_totp_code(totp_secret))
        page.locator("input[name=code]").press("Enter")
    page.wait_for_url(base_url + reverse("accueil"))


def log_in_member(page, base_url: str, membership) -> None:
    """Logs in a factory membership, with the TOTP step for a coordinateur."""
    log_in(page, base_url, membership.user.email, totp=membership.role == Role.COORDINATEUR)
