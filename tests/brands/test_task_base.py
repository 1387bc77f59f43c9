"""The brand task base (brands.task_base): brand first, its scope, late acks, transient retries."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from brands.models import Brand
from brands.task_base import BRAND_GONE, brand_task
from config.celery import app as celery_app
from delivery_notes.models import ImportJob
from delivery_notes.tasks import run_import_job
from integrations.shipandco.export_tasks import run_csv_export
from notifications.tasks import send_notification_email

seen: list[dict] = []


class Flaky(Exception):
    """A transient error the probe declares."""


@brand_task(transient=(Flaky,), max_retries=2, backoff=1, name="tests.brands.probe")
def probe(self, brand: Brand, fail_times: int) -> str:
    seen.append(
        {
            "brand": brand,
            "language": translation.get_language(),
            "time_zone": timezone.get_current_timezone_name(),
            "jobs": ImportJob.objects.count(),  # a scoped query: no ScopeError
            "retries": self.request.retries,
            "retryable": self.retryable,
            "final": self.final_attempt,
        }
    )
    if len(seen) <= fail_times:
        raise Flaky("try again")
    return brand.slug


@pytest.fixture(autouse=True)
def fresh():
    seen.clear()


def test_the_body_gets_the_brand_in_its_scope_language_and_time_zone(brand):
    brand.language, brand.time_zone = "ja", "America/New_York"
    brand.save()
    with translation.override("en"):
        assert probe.delay(brand.pk, 0).get() == brand.slug
    [call] = seen
    assert call["brand"] == brand
    assert (call["language"], call["time_zone"]) == ("ja", "America/New_York")
    assert call["jobs"] == 0


def test_a_deleted_brand_is_a_no_op_with_a_clear_result(brand):
    gone = brand.pk
    Brand.objects.filter(pk=gone).delete()
    assert probe.delay(gone, 0).get() == BRAND_GONE
    assert seen == []


@pytest.mark.parametrize("task", [run_import_job, run_csv_export, send_notification_email])
def test_the_projects_brand_tasks_skip_a_deleted_brand(db, task):
    assert task.delay(999_999, 1).get() == BRAND_GONE


@pytest.fixture
def eager_retries():
    """Eager tasks only run their retries inline when errors do not propagate (as in a worker)."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


def test_transient_errors_are_retried_and_the_last_attempt_may_not_hand_back(brand, eager_retries):
    result = probe.apply(args=(brand.pk, 2), throw=False)
    assert result.get() == brand.slug
    assert [(c["retries"], c["retryable"], c["final"]) for c in seen] == [
        (0, (Flaky,), False),
        (1, (Flaky,), False),
        (2, (), True),
    ]


def test_other_errors_are_not_retried(brand):
    @brand_task(transient=(Flaky,), name="tests.brands.broken")
    def broken(self, brand: Brand) -> None:
        seen.append({})
        raise ValueError("a bug")

    result = broken.apply(args=(brand.pk,), throw=False)
    assert isinstance(result.result, ValueError)
    assert len(seen) == 1


def test_late_acks_jittered_exponential_backoff_and_checked_arguments(brand):
    for task in (probe, run_import_job, run_csv_export, send_notification_email):
        assert task.acks_late is True
        assert task.retry_jitter is True
        assert task.retry_backoff >= 1
        assert task.autoretry_for
    with pytest.raises(TypeError):
        probe.delay(brand.pk)  # the body's own arguments are checked at enqueue time
