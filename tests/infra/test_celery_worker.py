"""A real Celery worker on the Redis broker runs a project task against the database.

Needs REDIS_URL (CI sets it; locally: `redis-server --port 6390 &` and REDIS_URL=redis://127.0.0.1:6390/0).
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import OperationalError

from brands.scoping import scopes_disabled
from config.celery import app
from notifications.models import Notification
from notifications.tasks import send_notification_email
from tests.factories import MembershipFactory, NotificationFactory

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not REDIS_URL,
        reason="set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run the real Celery worker test",
    ),
]


def _forget_connections(celery_app) -> None:
    """Make the next use connect to the current broker_url (what Celery does after a fork)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_app():
    """The project's app switched from eager mode to the Redis broker, restored afterwards."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    _forget_connections(app)
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    try:
        yield app
    finally:
        _forget_connections(app)
        app.conf.update(saved)


def test_worker_emails_a_notification(redis_app, transactional_db, brand):
    member = MembershipFactory(brand=brand)
    notification = NotificationFactory(brand=brand, recipient=member.user, subject="Via Redis")
    queue = f"hakobu-test-{uuid.uuid4().hex}"  # nothing else on this Redis consumes it

    with start_worker(redis_app, pool="solo", perform_ping_check=False, queues=[queue]):
        send_notification_email.apply_async((brand.pk, notification.pk), queue=queue)
        deadline = time.monotonic() + 30
        while notification.emailed_at is None and time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                notification.refresh_from_db()
            except OperationalError:
                # SQLite's shared-cache test database reports "table is locked" at once, with no
                # busy wait, while the worker's transaction is open; PostgreSQL never does.
                continue

    assert notification.emailed_at is not None, "the worker did not process the task"
    assert [email.subject for email in mail.outbox] == ["Via Redis"]
    with scopes_disabled():
        assert Notification.objects.filter(emailed_at__isnull=False).count() == 1


def test_worker_builds_a_bulk_print(redis_app, transactional_db, brand):
    from delivery_notes.documents import jobs
    from delivery_notes.documents.delivery_note import DeliveryNoteOptions
    from delivery_notes.models import DocumentJob
    from delivery_notes.tasks import build_document
    from tests.factories import DeliveryNoteFactory

    with scopes_disabled():
        notes = [DeliveryNoteFactory(brand=brand) for _ in range(2)]
        job = jobs.create_job(
            brand=brand,
            user=None,
            kind=DocumentJob.Kind.PICKING_LIST,
            note_ids=[note.pk for note in notes],
            options=DeliveryNoteOptions(),
        )
    queue = f"hakobu-test-{uuid.uuid4().hex}"

    with start_worker(redis_app, pool="solo", perform_ping_check=False, queues=[queue]):
        build_document.apply_async((brand.pk, job.pk), queue=queue)
        deadline = time.monotonic() + 30
        while job.status != DocumentJob.Status.DONE and time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                with scopes_disabled():
                    job.refresh_from_db()
            except OperationalError:  # SQLite's shared cache, as above
                continue

    assert job.status == DocumentJob.Status.DONE, "the worker did not build the PDF"
    with job.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
