"""Login, logout, password reset, e-mail verification, closed sign-up, MFA and error pages.

Every HTML page that a test client receives in this module is audited on the fly (see
`_audit_every_page`): French, one h1, a main landmark and the skip link, no `style=` attribute,
no inline script, every form control labelled and every aria-describedby pointing somewhere.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core import mail
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.views import defaults

from comptes.mfa import current_totp_code
from comptes.models import Role, User
from comptes.tests.factories import PASSWORD, TOTP_SECRET, UserFactory, make_member

# The test settings do not collect static files; WhiteNoise warns about the missing directory.

NEW_PASSWORD = "un-nouveau-mot-de-passe-solide"
TOTP_SESSION_KEY = "mfa.totp.secret"  # where allauth keeps the secret shown on the activation page


# --- Page audit -----------------------------------------------------------------------------


class _PageParser(HTMLParser):
    LABELLABLE = {"input", "select", "textarea"}
    NOT_LABELLED = {"hidden", "submit", "button", "reset", "image"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.h1 = 0
        self.main = 0
        self.skip_link = False
        self.style_attributes = []
        self.inline_scripts = 0
        self.scripts_without_nonce = []
        self.ids = set()
        self.label_for = set()
        self.controls = []  # (tag, attrs) needing a label
        self.described_by = []
        self.invalid_without_description = []
        self.images_without_alt = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.style_attributes.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1
        elif tag == "a" and a.get("href") == "#contenu":
            self.skip_link = True
        elif tag == "script":
            if not a.get("src"):
                self.inline_scripts += 1
            elif not a.get("nonce"):
                self.scripts_without_nonce.append(a["src"])
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        elif tag == "img" and "alt" not in a:
            self.images_without_alt += 1
        if tag in self.LABELLABLE and a.get("type") not in self.NOT_LABELLED:
            self.controls.append((tag, a))
        if a.get("aria-describedby"):
            self.described_by.extend(a["aria-describedby"].split())
        if a.get("aria-invalid") == "true" and not a.get("aria-describedby"):
            self.invalid_without_description.append(a.get("name"))


def audit_html(html: str, *, layout: bool = True) -> list[str]:
    """What is wrong with a page (an empty list when nothing is)."""
    page = _PageParser()
    page.feed(html)
    problems = []
    if page.html_lang != "fr":
        problems.append(f'<html lang="fr"> attendu, trouvé {page.html_lang!r}')
    if page.h1 != 1:
        problems.append(f"un seul h1 attendu, trouvé {page.h1}")
    if page.main != 1:
        problems.append(f"un seul <main> attendu, trouvé {page.main}")
    if layout and not page.skip_link:
        problems.append("lien d’évitement vers #contenu absent")
    if page.style_attributes:
        problems.append(f"attribut style= sur {page.style_attributes}")
    if page.inline_scripts:
        problems.append(f"{page.inline_scripts} <script> sans src")
    if page.scripts_without_nonce:
        problems.append(f"scripts sans nonce : {page.scripts_without_nonce}")
    if page.images_without_alt:
        problems.append(f"{page.images_without_alt} image(s) sans alt")
    for tag, a in page.controls:
        if not (a.get("id") in page.label_for or a.get("aria-label") or a.get("aria-labelledby")):
            problems.append(f"champ sans étiquette : <{tag} name={a.get('name')!r}>")
    missing = [ref for ref in page.described_by if ref not in page.ids]
    if missing:
        problems.append(f"aria-describedby vers des id absents : {missing}")
    if page.invalid_without_description:
        problems.append(f"aria-invalid sans message lié : {page.invalid_without_description}")
    return problems


def assert_page_ok(response, *, layout: bool = True):
    html = response.content.decode() if hasattr(response, "content") else response
    problems = audit_html(html, layout=layout)
    assert not problems, problems


@pytest.fixture(autouse=True)
def _audit_every_page(monkeypatch):
    """Every HTML page received by a test client in this module passes the audit."""
    original = Client.request
    audited = []

    def request(self, **kwargs):
        response = original(self, **kwargs)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and not response.streaming and response.status_code not in (301, 302) and response.content:
            problems = audit_html(response.content.decode())
            assert not problems, f"{kwargs.get('PATH_INFO')} : {problems}"
            audited.append(kwargs.get("PATH_INFO"))
        return response

    monkeypatch.setattr(Client, "request", request)
    return audited


def test_the_audit_catches_what_it_must():
    bad = (
        '<html lang="en"><body><h1>a</h1><h1>b</h1><p style="color:red">x</p>'
        "<script>alert(1)</script><script src='/x.js'></script><img src='x.png'>"
        '<input name="q" aria-describedby="nulle-part"><input name="r" aria-invalid="true" id="r">'
        '<label for="r">R</label></body></html>'
    )
    problems = " | ".join(audit_html(bad))
    for expected in (
        "lang",
        "un seul h1",
        "<main>",
        "évitement",
        "style=",
        "sans src",
        "sans nonce",
        "sans alt",
        "name='q'",
        "nulle-part",
        "aria-invalid",
    ):
        assert expected in problems


# --- Helpers --------------------------------------------------------------------------------


def password_login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def reauthenticate(client, next_url, password=PASSWORD):
    """allauth asks for the password again before any change to the second factor."""
    response = client.get(next_url)
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("account_reauthenticate")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Confirmer l'accès" in page.content.decode() or "Confirmer l’accès" in page.content.decode()
    response = client.post(response.url, {"password": password})
    assert response.status_code == 302
    assert response.url == next_url


def is_logged_in(client) -> bool:
    return AUTH_SESSION_KEY in client.session


def coordinator_without_totp():
    membership = make_member(Role.COORDINATEUR)
    Authenticator.objects.filter(user=membership.user).delete()
    return membership


def wrong_code(secret: str) -> str:
    return "123456" if current_totp_code(secret) != "123456" else "654321"


def link_in(message) -> str:
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


# --- Login and logout -----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_french_and_inside_our_layout(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(response)
    assert '<html lang="fr">' in html
    assert 'class="ei-skip-link" href="#contenu"' in html
    assert "Se connecter" in html
    assert "Les comptes sont créés sur invitation de votre coordination départementale." in html
    assert f'href="{reverse("account_reset_password")}"' in html
    assert 'for="id_login"' in html and 'for="id_password"' in html
    # No invitation to sign up, and nothing in English left from the stock page.
    assert reverse("account_signup") not in html
    assert "Sign In" not in html and "sign up" not in html.lower()
    # No empty description under the password field.
    assert 'id="id_password_aide"' not in html


@pytest.mark.django_db
def test_login_with_the_right_password_goes_home(client):
    membership = make_member(Role.AGENT)
    response = password_login(client, membership.user.email)
    assert response.status_code == 302
    assert response.url == reverse("accueil")
    assert is_logged_in(client)
    assert client.get(reverse("accueil")).status_code == 200


@pytest.mark.django_db
def test_login_email_is_case_insensitive(client):
    membership = make_member(Role.AGENT)
    response = password_login(client, membership.user.email.upper())
    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_wrong_password_gives_one_french_error_that_reveals_nothing(client):
    membership = make_member(Role.AGENT)
    wrong = password_login(client, membership.user.email, "pas-le-bon-mot-de-passe")
    unknown = password_login(client, "personne-inconnue@exemple.test", "pas-le-bon-mot-de-passe")
    for response in (wrong, unknown):
        assert response.status_code == 200
        html = response.content.decode()
        assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
        assert 'role="alert"' in html
    # The same answer whether the account exists or not.
    assert wrong.content.decode().count("incorrects") == unknown.content.decode().count("incorrects") == 1
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_empty_login_form_errors_are_tied_to_the_fields(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_login_erreurs"' in html
    assert 'id="id_login_erreurs"' in html
    assert "Ce champ est obligatoire." in html


@pytest.mark.django_db
def test_logout(client):
    membership = make_member(Role.AGENT)
    password_login(client, membership.user.email)
    confirmation = client.get(reverse("account_logout"))
    assert confirmation.status_code == 200
    assert "Êtes-vous sûr(e) de vouloir vous déconnecter ?" in confirmation.content.decode()
    assert is_logged_in(client)  # a GET does not log out

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response.url == reverse("accueil")
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_logged_out_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("comptes:organisations"))
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("account_login")


# --- Password reset -------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_by_email(client):
    membership = make_member(Role.MEDIATEUR)
    user = membership.user
    page = client.get(reverse("account_reset_password"))
    assert page.status_code == 200
    assert "Mot de passe oublié" in page.content.decode()

    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert "Nous vous avons envoyé un e-mail" in client.get(response.url).content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    link = link_in(mail.outbox[0])

    # allauth moves the key from the link into the session, then shows the form.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response.url
    form = client.get(form_url)
    assert form.status_code == 200
    assert "Modifier le mot de passe" in form.content.decode()

    too_short = client.post(form_url, {"password1": "court-9", "password2": "court-9"})
    assert too_short.status_code == 200
    html = too_short.content.decode()
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in html
    assert 'aria-invalid="true"' in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert "Votre mot de passe a été modifié." in client.get(done.url).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not is_logged_in(client)  # ACCOUNT_LOGIN_ON_PASSWORD_RESET = False

    assert password_login(client, user.email, PASSWORD).status_code == 200
    assert password_login(client, user.email, NEW_PASSWORD).status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_used_password_reset_link_no_longer_works(client):
    user = make_member(Role.AGENT).user
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = link_in(mail.outbox[0])
    form_url = client.get(link).url
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client()
    response = again.get(link, follow=True)
    assert response.status_code == 200
    assert "Mauvais jeton" in response.content.decode() or "invalide" in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


# --- E-mail verification --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unverified_address_cannot_log_in_until_confirmed(client):
    user = make_member(Role.AGENT).user
    EmailAddress.objects.filter(user=user).update(verified=False)

    response = password_login(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not is_logged_in(client)
    page = client.get(response.url)
    assert "Vérifiez votre adresse e-mail" in page.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]

    confirm_url = link_in(mail.outbox[0])
    confirm_page = client.get(confirm_url)
    assert confirm_page.status_code == 200
    assert "Confirmer" in confirm_page.content.decode()
    client.post(confirm_url)
    assert EmailAddress.objects.get(user=user).verified

    assert password_login(client, user.email).status_code == 302
    assert is_logged_in(client)


# --- Sign-up is closed ----------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_is_closed(client):
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Inscription sur invitation" in html
    assert "Les comptes sont créés sur invitation de votre coordination départementale" in html
    assert 'name="password1"' not in html

    before = User.objects.count()
    response = client.post(
        reverse("account_signup"),
        {"email": "nouveau@exemple.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Inscription sur invitation" in response.content.decode()
    assert User.objects.count() == before
    assert not User.objects.filter(email="nouveau@exemple.test").exists()


def test_phone_pages_are_not_mounted():
    """The stock phone page carries a style attribute: it must stay unreachable."""
    with pytest.raises(NoReverseMatch):
        reverse("account_change_phone")


# --- MFA ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_without_totp_must_activate_it_first(client):
    membership = coordinator_without_totp()
    activate_url = reverse("mfa_activate_totp")
    assert password_login(client, membership.user.email).status_code == 302
    assert is_logged_in(client)

    for url in (reverse("accueil"), reverse("comptes:organisations"), reverse("account_email")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == activate_url
    # The reason is told on the next page shown (here the password confirmation).
    followed = client.get(reverse("accueil"), follow=True)
    assert "vous devez activer la double authentification" in followed.content.decode()

    # Logging out, the password confirmation and the activation page itself stay reachable.
    assert client.get(reverse("account_logout")).status_code == 200
    reauthenticate(client, activate_url)
    page = client.get(activate_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = client.session[TOTP_SESSION_KEY]
    assert f'value="{secret}"' in html
    assert "Activer la double authentification" in html

    wrong = client.post(activate_url, {"code": wrong_code(secret)})
    assert wrong.status_code == 200
    assert "Code incorrect." in wrong.content.decode()
    assert 'aria-describedby="id_code_erreurs"' in wrong.content.decode()
    assert client.get(reverse("accueil")).status_code == 302

    response = client.post(activate_url, {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=membership.user, type=Authenticator.Type.TOTP).exists()
    # allauth shows the recovery codes it just generated.
    assert response.url == reverse("mfa_view_recovery_codes")
    codes = client.get(response.url)
    assert codes.status_code == 200
    assert "Codes inutilisés" in codes.content.decode()

    assert client.get(reverse("accueil")).status_code == 200
    assert client.get(reverse("comptes:organisations")).status_code == 200


@pytest.mark.django_db
def test_logging_out_from_the_mfa_gate_works(client):
    membership = coordinator_without_totp()
    password_login(client, membership.user.email)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_coordinator_with_totp_needs_a_valid_code(client):
    membership = make_member(Role.COORDINATEUR)
    response = password_login(client, membership.user.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)

    page = client.get(response.url)
    assert page.status_code == 200
    assert "Authentification à deux facteurs" in page.content.decode()

    refused = client.post(reverse("mfa_authenticate"), {"code": wrong_code(TOTP_SECRET)})
    assert refused.status_code == 200
    assert "Code incorrect." in refused.content.decode()
    assert not is_logged_in(client)

    accepted = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(TOTP_SECRET)})
    assert accepted.status_code == 302
    assert accepted.url == reverse("accueil")
    assert is_logged_in(client)
    assert client.get(reverse("accueil")).status_code == 200
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert "Authentification à deux facteurs" in index.content.decode()


@pytest.mark.django_db
def test_an_agent_is_not_forced_to_mfa_but_may_activate_it(client):
    membership = make_member(Role.AGENT)
    user = membership.user
    password_login(client, user.email)
    assert client.get(reverse("accueil")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200

    reauthenticate(client, reverse("mfa_activate_totp"))
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[TOTP_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    # From now on, the agent's login asks for the second factor too.
    client.post(reverse("account_logout"))
    assert password_login(client, user.email).url == reverse("mfa_authenticate")


# --- Rate limiting --------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_failed_logins_lock_the_address_even_with_the_right_password(client):
    user = make_member(Role.AGENT).user
    for _ in range(5):
        response = password_login(client, user.email, "pas-le-bon-mot-de-passe")
        assert "incorrects" in response.content.decode()

    locked = password_login(client, user.email)
    assert not is_logged_in(client)
    # Our adapter turns allauth's lock into the French 429 page.
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()

    # Another address from the same place is not locked.
    other = make_member(Role.AGENT).user
    assert password_login(Client(), other.email).status_code == 302


@pytest.mark.django_db
def test_too_many_requests_get_the_french_429_page(client):
    user = make_member(Role.AGENT).user
    for _ in range(5):
        assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de tentatives" in html
    assert "réessayez dans quelques minutes" in html
    assert len(mail.outbox) == 5


# --- Every allauth page ---------------------------------------------------------------------

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_inactive",
]
LOGGED_IN_PAGES = [
    "account_logout",
    "account_email",
    "account_change_password",
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
]
WITH_TOTP_PAGES = [
    "mfa_index",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_anonymous_allauth_pages(client, name, _audit_every_page):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _audit_every_page == [reverse(name)]
    assert_page_ok(response)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LOGGED_IN_PAGES)
def test_logged_in_allauth_pages(client, name, _audit_every_page):
    password_login(client, make_member(Role.AGENT).user.email)
    if name == "mfa_activate_totp":
        reauthenticate(client, reverse(name))
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert reverse(name) in _audit_every_page
    assert_page_ok(response)


@pytest.mark.django_db
@pytest.mark.parametrize("name", WITH_TOTP_PAGES)
def test_allauth_pages_with_totp(client, name, _audit_every_page):
    membership = make_member(Role.COORDINATEUR)
    password_login(client, membership.user.email)
    client.post(reverse("mfa_authenticate"), {"code": current_totp_code(TOTP_SECRET)})
    assert is_logged_in(client)
    if name != "mfa_index":
        reauthenticate(client, reverse("mfa_generate_recovery_codes"))
        # make_member's authenticator comes without recovery codes: generate them.
        assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert reverse(name) in _audit_every_page
    assert_page_ok(response)


@pytest.mark.django_db
def test_email_management_page_groups_addresses(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email="seconde@exemple.test", verified=False, primary=False)
    password_login(client, user.email)
    html = client.get(reverse("account_email")).content.decode()
    assert "<fieldset>" in html and "<legend" in html
    assert "seconde@exemple.test" in html and "Non vérifiée" in html


# --- Error pages ----------------------------------------------------------------------------


def _request(path="/"):
    """A request as the error handlers get it after the middleware ran (user, CSP nonce)."""
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.csp_nonce = "nonce-de-test"
    return request


@pytest.mark.django_db
def test_404_page(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert_page_ok(response)


@pytest.mark.django_db
def test_403_page_shows_the_reason_when_there_is_one():
    with_reason = defaults.permission_denied(_request(), PermissionDenied("Réservé à la coordination."))
    assert with_reason.status_code == 403
    assert "Réservé à la coordination." in with_reason.content.decode()
    assert_page_ok(with_reason)

    without = defaults.permission_denied(_request(), PermissionDenied())
    assert "Vous n’avez pas les droits nécessaires" in without.content.decode()
    assert_page_ok(without)


@pytest.mark.django_db
def test_400_page():
    response = defaults.bad_request(_request(), SuspiciousOperation("en-tête invalide"))
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()
    assert "en-tête invalide" not in response.content.decode()
    assert_page_ok(response)


def test_500_page_stands_alone():
    """Rendered without a request, a database or a context processor."""
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html
    assert 'href="/static/css/einclusion.css"' in html
    assert_page_ok(response)


@pytest.mark.django_db
def test_csrf_failure_page_is_french():
    response = Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "x@exemple.test"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert_page_ok(response)
