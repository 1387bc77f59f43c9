"""Celery side of the Ship&co CSV export: large exports, and the daily purge of old files.

Imported by `integrations/shipandco/tasks.py` so Celery's autodiscovery registers these tasks.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from brands.models import Brand
from brands.task_base import brand_task
from integrations.shipandco import export as services
from integrations.shipandco.models import CsvExport

# Worth another try: a locked/unreachable database or a storage hiccup.
RETRYABLE = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 3


def dispatch_export(export: CsvExport) -> bool:
    """Run a small export now (True); queue a large one once the request commits (False)."""
    if services.runs_inline(export):
        services.run_export(export.pk)
        return True
    transaction.on_commit(lambda: run_csv_export.delay(export.brand_id, export.pk))
    return False


@brand_task(transient=RETRYABLE, max_retries=MAX_RETRIES, backoff=1, backoff_max=600)
def run_csv_export(self, brand: Brand, export_id: int) -> None:
    """Write one export; a second delivery (or a second worker) finds it claimed or done.

    Only this brand's export is run (the lease is scoped). On the last try every error is
    final: the export is marked failed instead of waiting.
    """
    services.run_export(export_id, retryable=self.retryable)


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, retry_jitter=True, max_retries=3)
def purge_expired_exports() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete files older than SHIPANDCO_EXPORT_RETENTION_DAYS."""
    return services.purge_expired_files()
