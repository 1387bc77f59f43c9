from __future__ import annotations

from django.db import OperationalError

from brands.models import Brand
from brands.task_base import brand_task
from delivery_notes import importing


@brand_task(transient=(OperationalError,), max_retries=5, backoff=5, backoff_max=300)
def run_import_job(self, brand: Brand, job_id: int) -> None:
    """Run a queued CSV import. Idempotent: a finished or claimed job is left alone.

    A transient database error (e.g. SQLite "database is locked") gives the job back and retries;
    on the last attempt it marks the job failed instead, so the page stops waiting.
    """
    importing.process_job(job_id, retryable=self.retryable)
