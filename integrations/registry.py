"""Which platforms Hakobu can connect, and where each one's pieces live.

Adding a platform = a sub-package with the same shape as `integrations.shipandco` (client,
mapping, sync source, forms, views, tasks) plus one entry here. Dotted paths keep this module
free of imports from the sub-packages (they import the shared machinery).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.module_loading import import_string

from delivery_notes.models import Platform

if TYPE_CHECKING:
    from celery import Task

    from brands.models import Brand
    from integrations.models import Integration
    from integrations.sync import ShipmentSource


@dataclass(frozen=True)
class PlatformSpec:
    platform: str
    settings_url_name: str
    source_factory: str  # dotted path: (Integration) -> ShipmentSource
    token_checker: str  # dotted path: (token) -> None, raises a PlatformError when refused
    sync_task_path: str  # dotted path of the Celery task syncing one integration (by id)

    @property
    def display_name(self) -> str:
        return str(Platform(self.platform).label)

    def settings_url(self, brand: Brand) -> str:
        return reverse(self.settings_url_name, kwargs={"brand_slug": brand.slug})

    def build_source(self, integration: Integration) -> ShipmentSource:
        return import_string(self.source_factory)(integration)

    @property
    def check_token(self) -> Callable[[str], None]:
        return import_string(self.token_checker)

    @property
    def sync_task(self) -> Task:
        return import_string(self.sync_task_path)


PLATFORMS: dict[str, PlatformSpec] = {
    Platform.SHIPANDCO: PlatformSpec(
        platform=Platform.SHIPANDCO,
        settings_url_name="shipandco:settings",
        source_factory="integrations.shipandco.sync.source_for",
        token_checker="integrations.shipandco.sync.check_token",
        sync_task_path="integrations.shipandco.tasks.sync_brand",
    ),
}

#: Shown on the System Integration page, not connectable yet.
COMING_SOON: tuple[str, ...] = (Platform.SHIPSTATION, Platform.WEBSHIPPER)


def get_platform(platform: str) -> PlatformSpec:
    try:
        return PLATFORMS[platform]
    except KeyError:
        raise LookupError(f"Hakobu cannot sync with {platform!r} yet.") from None
