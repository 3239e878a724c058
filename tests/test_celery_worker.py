"""A real Celery worker, a real broker, the test database: the round trip that eager tests skip.

Unit tests run tasks eagerly (settings_test). This test starts `celery worker` as a separate
process on the Redis broker of CELERY_BROKER_URL, pointed at the very database pytest-django
created, sends `einclusion.tasks.ping` through a client with eager mode off, and waits for the
answer from the result backend. It needs PostgreSQL too: the SQLite test database lives in
memory, out of reach of another process.
"""

import time
import uuid

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

# The `worker` fixture (a real `celery worker` subprocess) is in tests/conftest.py.
pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30  # seconds, worker start-up included


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
