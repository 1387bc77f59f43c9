from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from brands.models import Brand
from brands.task_base import brand_task
from delivery_notes import importing, status_tally
from delivery_notes.documents import jobs as document_jobs
from delivery_notes.models import DocumentJob

# Worth another try for a document: a locked/unreachable database or a storage hiccup.
DOCUMENT_RETRYABLE = (OperationalError, InterfaceError, OSError)


@brand_task(transient=(OperationalError,), max_retries=5, backoff=5, backoff_max=300)
def run_import_job(self, brand: Brand, job_id: int) -> None:
    """Run a queued CSV import. Idempotent: a finished or claimed job is left alone.

    A transient database error (e.g. SQLite "database is locked") gives the job back and retries;
    on the last attempt it marks the job failed instead, so the page stops waiting.
    """
    importing.process_job(job_id, retryable=self.retryable)


@brand_task(transient=DOCUMENT_RETRYABLE, max_retries=3, backoff=1, backoff_max=600)
def build_document(self, brand: Brand, job_id: int) -> None:
    """Build one bulk print; a second delivery (or a second worker) finds it claimed or done."""
    document_jobs.run_job(job_id, retryable=self.retryable)


def dispatch_document(job: DocumentJob) -> None:
    """Queue the job once the request's transaction commits (the row must exist for the worker)."""
    transaction.on_commit(lambda: build_document.delay(job.brand_id, job.pk))


@shared_task(autoretry_for=DOCUMENT_RETRYABLE, retry_backoff=True, retry_jitter=True, max_retries=3)
def purge_document_files() -> int:
    """Daily: delete bulk-print files past `DOCUMENTS_RETENTION_DAYS` (every brand)."""
    return document_jobs.purge_expired_files()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def fold_status_tallies() -> int:
    """Every few minutes: sum the dashboard's status tally rows (every brand; see status_tally)."""
    return status_tally.fold()
