"""Bulk prints in the background: one worker builds a job, a dead one's job is taken over,
errors end in a message (or a retry), never in a job that waits forever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.documents import jobs
from delivery_notes.documents.delivery_note import DeliveryNoteOptions
from delivery_notes.models import DocumentJob
from delivery_notes.tasks import build_document
from tests.delivery_notes.documents_helpers import pdf_pages
from tests.delivery_notes.helpers import make_note

pytestmark = pytest.mark.django_db
Status = DocumentJob.Status


@pytest.fixture
def job(brand):
    notes = [make_note(brand, number=f"DN-JOB{n}") for n in range(3)]
    with brand_scope(brand):
        return jobs.create_job(
            brand=brand,
            user=None,
            kind=DocumentJob.Kind.DELIVERY_NOTES,
            note_ids=[n.pk for n in notes],
            options=DeliveryNoteOptions(),
        )


def reload(job) -> DocumentJob:
    with scopes_disabled():
        return DocumentJob.objects.get(pk=job.pk)


def test_the_task_builds_the_pdf_in_the_brands_scope(job, brand):
    build_document.delay(brand.pk, job.pk)
    done = reload(job)
    assert done.status == Status.DONE and done.processed_notes == 3 and done.finished_at
    with done.file.open("rb") as pdf:
        pages = pdf_pages(pdf.read())
    assert [page.split("\n")[0] for page in pages] == ["Delivery note"] * 3


def test_a_job_held_by_a_live_worker_is_left_alone(job, brand):
    with scopes_disabled():
        DocumentJob.objects.filter(pk=job.pk).update(
            status=Status.RUNNING, lease_until=timezone.now() + timedelta(minutes=5)
        )
    with brand_scope(brand):
        assert jobs.run_job(job.pk) is None
    assert reload(job).status == Status.RUNNING and not reload(job).file


def test_a_dead_workers_job_is_taken_over(job, brand):
    with scopes_disabled():
        DocumentJob.objects.filter(pk=job.pk).update(
            status=Status.RUNNING, attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
        )
    with brand_scope(brand):
        assert jobs.run_job(job.pk).status == Status.DONE
    assert reload(job).attempts == 2


def test_another_brands_task_message_builds_nothing(job, other_brand):
    build_document.delay(other_brand.pk, job.pk)
    assert reload(job).status == Status.PENDING


def test_an_error_fails_the_job_with_a_message(job, brand, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("reportlab choked")

    monkeypatch.setattr(jobs, "render", broken)
    with brand_scope(brand):
        jobs.run_job(job.pk)
    failed = reload(job)
    assert failed.status == Status.FAILED and failed.lease_until is None
    assert "could not be built" in failed.error and "choked" not in failed.error


def test_a_transient_error_hands_the_job_back_for_a_retry(job, brand, monkeypatch):
    def flaky(*args, **kwargs):
        raise OSError("storage hiccup")

    monkeypatch.setattr(jobs, "render", flaky)
    with brand_scope(brand), pytest.raises(OSError):
        jobs.run_job(job.pk, retryable=(OSError,))
    waiting = reload(job)
    assert waiting.status == Status.PENDING and waiting.lease_until is None
