"""Suite-wide fixtures and the rule for tests that need a real service.

Tests marked `postgres`, `redis` or `browser` run when the service is there. When
REQUIRE_SERVICES=1 (set by `make test` for its services pass, and so by CI), a missing service
fails the test instead of skipping it: those tests are required, never silently skipped.
"""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Two cores shared by xdist workers, a browser and databases: wall-clock deadlines only add noise.
hypothesis_settings.register_profile("einclusion", deadline=None, print_blob=True)
hypothesis_settings.load_profile("einclusion")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def _missing_service(item) -> str | None:
    from django.conf import settings
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "PostgreSQL absent (DATABASE_URL ne pointe pas vers PostgreSQL)"
    if item.get_closest_marker("redis") and not getattr(settings, "CELERY_REAL_BROKER_URL", ""):
        return "Redis absent (CELERY_BROKER_URL non défini)"
    if item.get_closest_marker("browser") and not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return "Chromium absent (/usr/bin/chromium)"
    return None


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason:
        if _services_required():
            pytest.fail(f"Test obligatoire en CI, service manquant : {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_cache_and_files(settings, tmp_path):
    """Rate-limit counters and uploaded files never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    yield
    cache.clear()


@pytest.fixture(scope="session")
def base_url():
    """Overrides pytest-playwright's fallback fixture, a method on a plugin class that pytest 9
    deprecates (a warning, hence an error here). Browser tests use live_server.url."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture
def login(client):
    """login(membership) -> a test client logged in, acting for that membership."""

    def _login(membership, c=None):
        from comptes.middleware import SESSION_KEY

        c = c or client
        c.force_login(membership.user)
        session = c.session
        session[SESSION_KEY] = membership.pk
        session.save()
        return c

    return _login
