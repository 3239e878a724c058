"""A real Celery worker, a real broker, the test database: the round trip that eager tests skip.

Unit tests run tasks eagerly (settings_test). This test starts `celery worker` as a separate
process on the Redis broker of CELERY_BROKER_URL, pointed at the very database pytest-django
created, sends `einclusion.tasks.ping` through a client with eager mode off, and waits for the
answer from the result backend. It needs PostgreSQL too: the SQLite test database lives in
memory, out of reach of another process.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
TIMEOUT = 30  # seconds, worker start-up included


def _database_url() -> str:
    """URL of the database this test runs in (pytest-django's test database, e.g. test_einclusion_gw0)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _celery_executable() -> str:
    candidate = Path(sys.executable).with_name("celery")
    return str(candidate) if candidate.exists() else "celery"


@pytest.fixture
def worker(tmp_path):
    """A `celery worker` subprocess on the real broker and the test database; always terminated."""
    broker = settings.CELERY_REAL_BROKER_URL
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "einclusion.settings_test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                _celery_executable(),
                "-A",
                "einclusion",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                "celery",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Same process group as pytest: a Ctrl-C or a CI timeout that kills the test run
            # reaches the worker too, even if this fixture never gets to its teardown.
        )
        try:
            yield process, log_path
        finally:
            if process.poll() is None:
                process.terminate()  # warm shutdown (--pool=solo: no child processes)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


@pytest.fixture
def client_app():
    """A Celery client with eager mode off, on the real broker and result backend."""
    broker = settings.CELERY_REAL_BROKER_URL
    app = Celery("einclusion-test-client", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(task_always_eager=False, broker_connection_retry_on_startup=True)
    yield app
    app.close()


def test_ping_round_trip_through_a_real_worker(worker, client_app):
    process, log_path = worker
    value = f"bonjour-{uuid.uuid4().hex}"

    result = client_app.send_task("einclusion.tasks.ping", args=[value], queue="celery")

    deadline = time.monotonic() + TIMEOUT
    while not result.ready():
        if process.poll() is not None:
            pytest.fail(f"Le worker Celery s'est arrêté (code {process.returncode}) :\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"Pas de réponse du worker en {TIMEOUT} s :\n{log_path.read_text()}")
        time.sleep(0.1)

    assert result.successful(), f"{result.result!r}\n{log_path.read_text()}"
    answer = result.get(timeout=1)
    result.forget()
    assert answer["echo"] == value
    assert answer["db_ok"] is True
    assert answer["db"] == connection.vendor == "postgresql"
