"""What Ship&co can do, declared to the integrations base (see integrations.registry)."""

from __future__ import annotations

from celery.schedules import crontab
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from integrations.registry import Capability, PeriodicTask, PlatformSpec, register
from integrations.shipandco import SHIPANDCO
from integrations.shipandco import export as _export  # noqa: F401  (its activity texts)
from integrations.shipandco.sync import check_credentials, source_for
from integrations.tasks import sync_brand

SPEC = register(
    PlatformSpec(
        platform=SHIPANDCO,
        label=_("Ship&co"),
        capabilities=frozenset({Capability.PULL_SHIPMENTS, Capability.CSV_EXPORT}),
        settings_url_name="shipandco:settings",
        urls="integrations.shipandco.urls",
        build_source=source_for,
        check_credentials=check_credentials,
        sync_task=sync_brand,
        note_bulk_actions="integrations/shipandco/_note_bulk_actions.html",
        periodic_tasks=(
            PeriodicTask(
                "shipandco-sync-all",
                "integrations.tasks.sync_all_brands",
                settings.SHIPANDCO_SYNC_INTERVAL_MINUTES * 60,
                args=(SHIPANDCO,),
            ),
            PeriodicTask(
                "shipandco-purge-exports",
                "integrations.shipandco.export_tasks.purge_expired_exports",
                crontab(hour=3, minute=30),
            ),
        ),
    )
)
