from __future__ import annotations

from django.db import OperationalError

from brands.models import Brand
from brands.task_base import brand_task
from delivery_notes.catalogue import importing


@brand_task(transient=(OperationalError,), max_retries=5, backoff=5, backoff_max=300)
def run_catalogue_import(self, brand: Brand, job_id: int) -> None:
    """Run a queued product or customer import. Idempotent: a finished or claimed job is left
    alone (the lease), and a transient database error gives the job back for the retry."""
    importing.process_job(job_id, retryable=self.retryable)
