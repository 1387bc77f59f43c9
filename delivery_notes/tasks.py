from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from brands.models import Brand
from brands.scoping import brand_task_scope
from delivery_notes import importing


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def run_import_job(self, brand_id: int, job_id: int) -> None:
    """Run a queued CSV import. Idempotent: a finished or claimed job is left alone.

    A transient database error (e.g. SQLite "database is locked") gives the job back and retries;
    the last retry marks it failed so the page stops waiting.
    """
    brand = Brand.objects.get(pk=brand_id)
    with brand_task_scope(brand):
        try:
            importing.process_job(job_id)
        except OperationalError:
            if self.request.retries >= self.max_retries:
                importing.fail_job(job_id, str(importing.NOT_COMPLETED))
            else:
                importing.release_job(job_id)
            raise
