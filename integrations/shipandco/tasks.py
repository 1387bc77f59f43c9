"""Ship&co background work: the periodic sync of every connected brand."""

from __future__ import annotations

from celery import shared_task

from brands.scoping import scopes_disabled
from integrations.http import PlatformUnavailable
from integrations.models import ConnectionStatus, Integration
from integrations.shipandco import SHIPANDCO
from integrations.sync import run_sync_task


@shared_task
def sync_all_brands() -> int:
    """Beat entry: one `sync_brand` per active, integrated Ship&co connection (Error = paused)."""
    with scopes_disabled():
        ids = list(
            Integration.objects.filter(
                platform=SHIPANDCO, is_active=True, status=ConnectionStatus.INTEGRATED
            ).values_list("pk", flat=True)
        )
    for integration_id in ids:
        sync_brand.delay(integration_id)
    return len(ids)


@shared_task(
    bind=True,
    autoretry_for=(PlatformUnavailable,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=4,
)
def sync_brand(self, integration_id: int) -> str:
    """Pull this brand's shipments; safe to run twice at once (the second one skips)."""
    return run_sync_task(self, integration_id)


# Registers the CSV export tasks with Celery's autodiscovery (it only imports tasks.py).
from integrations.shipandco import export_tasks  # noqa: E402, F401
