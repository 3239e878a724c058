"""Settings for the test suite: the production settings with test-only tweaks.

Environment variables (DATABASE_URL, CELERY_BROKER_URL) still choose the services, so the same
suite runs on the embedded SQLite default and on PostgreSQL + Redis in CI.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ.setdefault("STRICT_TEMPLATES", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["SECURE_SSL_REDIRECT"] = "false"

from .settings import *  # noqa: F403
from .settings import CELERY_BROKER_URL, DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = VAR_DIR / "test-static"  # whitenoise warns (an error here) when it is missing
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_STORAGE_ROOT = VAR_DIR / "test-private"
# Unit tests run tasks eagerly; the worker round-trip test starts a real worker on the broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_REAL_BROKER_URL = CELERY_BROKER_URL
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
