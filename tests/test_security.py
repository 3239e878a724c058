"""Production security settings: deploy checks, required secret, headers, cookies, sessions.

The production settings are read in subprocesses (einclusion.settings with DEBUG off), because the
test settings deliberately relax some of them (no HTTPS redirect, no secure cookies). The
subprocesses ignore the developer's .env file, so they test the code's defaults.
"""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

BASE_DIR = Path(settings.BASE_DIR)
TWELVE_HOURS = 12 * 3600
ONE_YEAR = 365 * 24 * 3600

# Runs Django (a management command, or code after setup) with the .env file disabled.
_BOOTSTRAP = """
import sys
import environ
environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)
mode, payload = sys.argv[1], sys.argv[2:]
if mode == "manage":
    from django.core.management import execute_from_command_line
    execute_from_command_line(["manage.py", *payload])
else:
    import django
    django.setup()
    exec(payload[0])
"""


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def _production_env(tmp_path, **overrides) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "einclusion.settings",
        "DEBUG": "false",
        "SECRET_KEY": _secret_key(),
        "ALLOWED_HOSTS": "einclusion.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.update(overrides)
    return env


def _run_django(env: dict, mode: str, *payload: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _BOOTSTRAP, mode, *payload],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing(tmp_path):
    result = _run_django(_production_env(tmp_path), "manage", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run_django(_production_env(tmp_path, SECRET_KEY=""), "manage", "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY est obligatoire quand DEBUG est désactivé." in result.stderr


def test_production_settings_are_strict(tmp_path):
    code = (
        "import json\n"
        "from django.conf import settings as s\n"
        "names = ['DEBUG', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE',\n"
        "         'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_HTTPONLY',\n"
        "         'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'X_FRAME_OPTIONS']\n"
        "print(json.dumps({name: getattr(s, name) for name in names}))\n"
    )
    result = _run_django(_production_env(tmp_path), "code", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_AGE"] <= TWELVE_HOURS
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["accueil", "account_login"])
def test_security_headers(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    csp = _directives(response.headers["Content-Security-Policy"])
    assert "'self'" in csp["script-src"]
    assert any(re.fullmatch(r"'nonce-[A-Za-z0-9+/_=-]{16,}'", value) for value in csp["script-src"]), csp
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_csp_nonce_is_fresh_for_every_response(client):
    first = client.get(reverse("accueil")).headers["Content-Security-Policy"]
    second = client.get(reverse("accueil")).headers["Content-Security-Policy"]
    assert first != second


@pytest.mark.django_db
def test_login_session_is_short_and_ends_with_the_browser(client):
    from comptes.tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302, response.content.decode()[:2000]
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # A browser-session cookie: no Max-Age, no Expires; it is gone when the browser closes.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # On the server side the session still expires after SESSION_COOKIE_AGE (at most 12 hours).
    assert settings.SESSION_COOKIE_AGE <= TWELVE_HOURS
    session = client.session
    assert session.get_expire_at_browser_close() is True
    assert session.get_expiry_age() <= TWELVE_HOURS
    stored = Session.objects.get(session_key=cookie.value)
    assert stored.expire_date <= timezone.now() + timedelta(seconds=TWELVE_HOURS)
