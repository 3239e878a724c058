"""Platform-level tasks (the business apps keep their own tasks.py)."""

import socket

from celery import shared_task
from django.core.management import call_command
from django.db import connection


@shared_task
def ping(value: str) -> dict:
    """Round trip used by the health check and the real-worker test: proves that a worker
    received the message, reached the database, and answered through the result backend."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"echo": value, "db": connection.vendor, "db_ok": one == 1, "worker": socket.gethostname()}


@shared_task
def purger_sessions_expirees() -> None:
    call_command("clearsessions")
