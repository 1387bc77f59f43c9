"""Which platforms Hakobu can connect, and what each one can do.

Each platform is a sub-package of `integrations` that registers a `PlatformSpec` from its app's
`ready()`. The spec declares the platform's capabilities and the pieces that go with them; the
dashboard tiles, the System Integration page, the note list's bulk actions and the periodic
tasks are built from these declarations, so no code outside the platform's package names it.

This module imports no models, so core models can use `platform_choices` for their fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from celery import Task

    from brands.models import Brand
    from integrations.models import Integration
    from integrations.sync import ShipmentSource

#: Who reported a shipment or an activity when no platform did: a person, in Hakobu.
HAKOBU = "hakobu"


class Capability(StrEnum):
    PULL_SHIPMENTS = "pull_shipments"  # Hakobu polls the platform for shipments
    PUSH_ORDERS = "push_orders"  # Hakobu sends orders through the outbox
    INBOUND = "inbound"  # the platform calls an endpoint of Hakobu's
    WEBHOOKS = "webhooks"  # the platform posts events to Hakobu
    RATES_LABELS = "rates_labels"  # shipping rates and labels from inside Hakobu
    CSV_EXPORT = "csv_export"  # a file staff download and upload into the platform


@dataclass(frozen=True)
class PeriodicTask:
    """A Celery beat entry a platform needs: name, task name, and a schedule (seconds or a
    celery.schedules.crontab)."""

    name: str
    task: str
    schedule: Any
    args: tuple = ()


@dataclass(frozen=True)
class PlatformSpec:
    platform: str  # the code stored on rows (Integration.platform, Shipment.platform)
    label: Any  # a lazy translatable name
    capabilities: frozenset[Capability] = frozenset()
    #: URL name of the platform's settings page; None = not connectable yet ("coming soon").
    settings_url_name: str | None = None
    #: (Integration) -> ShipmentSource, for PULL_SHIPMENTS (None: nothing to poll for it).
    build_source: Callable[[Integration], ShipmentSource | None] | None = None
    #: (Integration) -> None, raises a PlatformError when the platform refuses the credentials.
    check_credentials: Callable[[Integration], None] | None = None
    #: The Celery task that syncs one integration (by id), for PULL_SHIPMENTS.
    sync_task: Task | None = None
    #: Template included in the note list's bulk actions (context: brand, can_edit, ...).
    note_bulk_actions: str | None = None
    #: Template included above the note list (e.g. "the connection needs fixing").
    note_list_notice: str | None = None
    #: Template included on a note's page (context: note, brand, can_edit, ...), for
    #: RATES_LABELS: the platform's rates and labels of that note.
    note_panel: str | None = None
    periodic_tasks: tuple[PeriodicTask, ...] = field(default_factory=tuple)
    #: Dotted path of the URLconf of the platform's brand pages (mounted at `<platform>/` under
    #: Settings → System Integration; its app_name must be the platform code).
    urls: str | None = None
    #: (note, event) -> None: a note was created, edited or cancelled in Hakobu (PUSH_ORDERS).
    on_note_changed: Callable[[Any, str], None] | None = None
    #: (Integration) -> integrations.outbox.OrderPusher, for PUSH_ORDERS.
    order_pusher: Callable[[Integration], Any] | None = None
    #: The view the platform calls (INBOUND): mounted at `/inbound/<platform>/<token>/`.
    inbound_view: Callable[..., Any] | None = None
    #: (Integration, Shipment, raw item) -> None: the sync runner recorded a shipment of this
    #: platform (e.g. to link it to the shipment request it was made for).
    on_shipment_recorded: Callable[[Integration, Any, Any], None] | None = None
    #: `manage.py seed_demo`: the demo brand (slug) this platform is set up for, and how
    #: ((Brand, [Membership]) -> None, idempotent), so the demo shows it without naming it.
    demo_brand: str | None = None
    demo_setup: Callable[[Brand, list], None] | None = None

    @property
    def display_name(self) -> str:
        return str(self.label)

    @property
    def connectable(self) -> bool:
        return self.settings_url_name is not None

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def settings_url(self, brand: Brand) -> str:
        if self.settings_url_name is None:
            return reverse("integration_list", kwargs={"brand_slug": brand.slug})
        return reverse(self.settings_url_name, kwargs={"brand_slug": brand.slug})


_PLATFORMS: dict[str, PlatformSpec] = {}


def register(spec: PlatformSpec) -> PlatformSpec:
    """Called from a platform app's `ready()`; registering the same code again replaces it."""
    if spec.platform == HAKOBU:
        raise ValueError(f"{HAKOBU!r} is Hakobu itself, not a platform")
    _PLATFORMS[spec.platform] = spec
    return spec


def platforms() -> list[PlatformSpec]:
    """Every registered platform, in registration (INSTALLED_APPS) order."""
    return list(_PLATFORMS.values())


def connectable_platforms() -> list[PlatformSpec]:
    return [spec for spec in _PLATFORMS.values() if spec.connectable]


def get_platform(platform: str) -> PlatformSpec:
    try:
        return _PLATFORMS[platform]
    except KeyError:
        raise LookupError(f"Hakobu cannot connect {platform!r}.") from None


def platform_choices() -> list[tuple[str, Any]]:
    """Choices of every `platform` field: Hakobu itself, then each registered platform."""
    return [(HAKOBU, _("Hakobu")), *((spec.platform, spec.label) for spec in _PLATFORMS.values())]


def platform_label(platform: str) -> str:
    if platform == HAKOBU:
        return str(_("Hakobu"))
    spec = _PLATFORMS.get(platform)
    return spec.display_name if spec else platform


def beat_schedule() -> dict[str, dict]:
    """The periodic tasks every registered platform declared, in Celery's beat format."""
    return {
        task.name: {"task": task.task, "schedule": task.schedule, "args": task.args}
        for spec in _PLATFORMS.values()
        for task in spec.periodic_tasks
    }
