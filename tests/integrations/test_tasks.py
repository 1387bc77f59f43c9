"""Celery tasks: retries with backoff, failure alerts (once), token rejection, the beat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from brands.scoping import scopes_disabled
from config.celery import app as celery_app
from integrations import tasks
from integrations.http import RateLimited
from integrations.models import ConnectionStatus, Integration, StatusReason, SyncRun
from integrations.shipandco import SHIPANDCO
from integrations.sync import retry_countdown
from integrations.tasks import prune_sync_runs
from notifications.models import Notification
from tests.factories import DeliveryNoteFactory
from tests.integrations.conftest import make_integration
from tests.integrations.fakes import json_response, shipment

ATTEMPTS = tasks.sync_brand.max_retries + 1


@pytest.fixture(autouse=True)
def eager_retries():
    """Eager tasks only run their retries inline when errors do not propagate (as in a worker)."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


def events(name: str) -> int:
    with scopes_disabled():
        return Notification.objects.filter(event=f"integration_{name}").count()


def outcomes() -> list[str]:
    with scopes_disabled():
        return list(SyncRun.objects.order_by("id").values_list("outcome", flat=True))


def test_outage_is_retried_then_counted_as_one_failed_run(integration, fake):
    fake.responses += [json_response(500, {})] * ATTEMPTS
    assert (
        tasks.sync_brand.delay(integration.brand_id, integration.pk).get() == SyncRun.Outcome.FAILED
    )
    assert outcomes() == [SyncRun.Outcome.RETRYING] * (ATTEMPTS - 1) + [SyncRun.Outcome.FAILED]
    integration.refresh_from_db()
    assert integration.consecutive_failures == 1


def test_outage_that_clears_during_retries_succeeds(brand, integration, fake):
    DeliveryNoteFactory(brand=brand, number="DN-1")
    fake.shipments = [shipment("DN-1")]
    fake.responses += [json_response(503, {})] * 2
    assert (
        tasks.sync_brand.delay(integration.brand_id, integration.pk).get()
        == SyncRun.Outcome.SUCCESS
    )
    integration.refresh_from_db()
    assert integration.consecutive_failures == 0


def test_rate_limit_retry_waits_at_least_retry_after(integration, fake, monkeypatch):
    countdowns = []
    original = tasks.sync_brand.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        cache.clear()  # eager Celery retries at once: let the 120 s the platform asked for pass
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.sync_brand, "retry", spy)
    fake.responses.append(json_response(429, {}, **{"Retry-After": "120"}))
    assert (
        tasks.sync_brand.delay(integration.brand_id, integration.pk).get()
        == SyncRun.Outcome.SUCCESS
    )
    assert len(countdowns) == 1 and countdowns[0] >= 120


def test_backoff_grows_is_jittered_and_capped():
    assert all(0 <= retry_countdown(0, Exception()) <= 30 for _ in range(20))
    assert all(0 <= retry_countdown(10, Exception()) <= 900 for _ in range(20))
    assert retry_countdown(0, RateLimited("x", retry_after=300)) >= 300


def test_failing_email_once_after_n_failed_runs_then_recovered_once(
    integration, fake, settings, django_capture_on_commit_callbacks
):
    settings.INTEGRATION_FAILURE_ALERT_AFTER = 3
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            fake.responses += [json_response(500, {})] * ATTEMPTS
            tasks.sync_brand.delay(integration.brand_id, integration.pk)
        assert events("sync_failing") == 0
        for _ in range(2):
            fake.responses += [json_response(500, {})] * ATTEMPTS
            tasks.sync_brand.delay(integration.brand_id, integration.pk)
        assert events("sync_failing") == 1
        integration.refresh_from_db()
        assert integration.consecutive_failures == 4

        tasks.sync_brand.delay(integration.brand_id, integration.pk)  # the outage is over
        tasks.sync_brand.delay(integration.brand_id, integration.pk)
    assert events("sync_recovered") == 1
    assert events("sync_failing") == 1
    integration.refresh_from_db()
    assert (integration.consecutive_failures, integration.failing_notified) == (0, False)
    subjects = [m.subject for m in mail.outbox]
    assert any("cannot be retrieved" in s for s in subjects)
    assert any("retrieved again" in s for s in subjects)
    assert all(m.to == ["admin@a.example"] for m in mail.outbox)


def test_rejected_token_pauses_polling_and_emails_once(
    integration, fake, django_capture_on_commit_callbacks, monkeypatch
):
    fake.token = "the-regenerated-token"
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            tasks.sync_brand.delay(integration.brand_id, integration.pk).get()
            == SyncRun.Outcome.FAILED
        )
        # Paused: the beat no longer picks it, a direct run does nothing.
        enqueued = []
        monkeypatch.setattr(tasks.sync_brand, "delay", lambda *args: enqueued.append(args))
        assert tasks.sync_all_brands(SHIPANDCO) == 0
        assert enqueued == []
    integration.refresh_from_db()
    assert integration.status == ConnectionStatus.ERROR
    assert integration.status_reason == StatusReason.TOKEN_REJECTED
    assert integration.status_reason_display == "token rejected"
    assert integration.consecutive_failures == 0  # not an outage: no "failing" email on top
    assert events("token_rejected") == 1
    assert len(mail.outbox) == 1
    assert "rejected the access token" in mail.outbox[0].subject
    assert len(fake.requests) == 1


def test_beat_enqueues_only_active_integrated_shipandco_connections(
    brand, other_brand, fake, monkeypatch
):
    integrated = make_integration(brand)
    make_integration(other_brand, is_active=False, status=ConnectionStatus.NOT_INTEGRATED)
    enqueued = []
    monkeypatch.setattr(tasks.sync_brand, "delay", lambda *args: enqueued.append(args))
    assert tasks.sync_all_brands(SHIPANDCO) == 1
    assert enqueued == [(integrated.brand_id, integrated.pk)]


def test_sync_of_an_inactive_integration_does_nothing(brand, fake):
    inactive = make_integration(brand, is_active=False, status=ConnectionStatus.NOT_INTEGRATED)
    assert tasks.sync_brand.delay(inactive.brand_id, inactive.pk).get() == "not_connected"
    assert fake.requests == []


@pytest.mark.parametrize("missing_id", [0, 999999])
def test_sync_of_a_deleted_integration_does_nothing(brand, missing_id):
    with scopes_disabled():
        assert not Integration.objects.filter(pk=missing_id).exists()
    assert tasks.sync_brand.delay(brand.pk, missing_id).get() == "not_connected"


def test_sync_of_a_deleted_brand_does_nothing(db):
    from brands.task_base import BRAND_GONE

    assert tasks.sync_brand.delay(999999, 1).get() == BRAND_GONE


def test_a_sync_message_naming_another_brands_integration_does_nothing(
    integration, other_brand, fake
):
    assert tasks.sync_brand.delay(other_brand.pk, integration.pk).get() == "not_connected"
    assert fake.requests == []


def test_old_sync_runs_are_pruned_and_recent_ones_kept(integration, other_brand, settings):
    settings.SYNC_RUN_RETENTION_DAYS = 30
    other = make_integration(other_brand)
    now = timezone.now()
    for target in (integration, other):
        SyncRun.objects.create(brand_id=target.brand_id, integration=target, started_at=now)
        SyncRun.objects.create(
            brand_id=target.brand_id, integration=target, started_at=now - timedelta(days=31)
        )

    assert prune_sync_runs() == 2
    with scopes_disabled():
        assert list(SyncRun.objects.values_list("started_at", flat=True)) == [now, now]


def test_beat_runs_what_each_platform_declared():
    from config.celery import add_platform_schedules

    add_platform_schedules(celery_app)
    schedule = celery_app.conf.beat_schedule
    assert schedule["shipandco-sync-all"]["task"] == "integrations.tasks.sync_all_brands"
    assert schedule["shipandco-sync-all"]["args"] == (SHIPANDCO,)
    assert "shipandco-purge-exports" in schedule
    assert "integrations-send-outbox" in schedule  # the base's own entries stay
