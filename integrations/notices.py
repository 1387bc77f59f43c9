"""Emails about an integration, to its notification members. Same events for every platform.

Templates: templates/notifications/integration_<event>/; context always has `platform_name`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brands.models import Brand
from delivery_notes.models import Shipment
from delivery_notes.selectors import filter_notes
from integrations.models import Integration, ShipmentAnnouncement
from integrations.registry import get_platform, platform_label
from notifications import events
from notifications.services import absolute_url, notify

#: A "shipments synced" email lists this many notes at most; the rest are counted and linked.
MAX_LISTED_NOTES = 20


@dataclass(frozen=True)
class SyncedNote:
    """One line of the "shipments synced" summary: a note and what it received in that email."""

    number: str
    url: str
    carriers: tuple[str, ...]
    tracking_numbers: tuple[str, ...]


def note_url(brand: Brand, note_id: int) -> str:
    return reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note_id})


def announcement_filter(announcement: ShipmentAnnouncement) -> QueryDict:
    """The delivery-note list's filter matching exactly the notes of this announcement."""
    query = QueryDict(mutable=True)
    query["announcement"] = str(announcement.pk)
    return query


def announced_notes_url(announcement: ShipmentAnnouncement) -> str:
    list_url = reverse("note_list", kwargs={"brand_slug": announcement.brand.slug})
    return f"{list_url}?{announcement_filter(announcement).urlencode()}"


def announced_items(
    announcement: ShipmentAnnouncement, limit: int = MAX_LISTED_NOTES
) -> list[SyncedNote]:
    """The first `limit` notes of the announcement, in the order the linked list shows them.

    Two queries whatever the announcement's size; inside the brand's scope.
    """
    brand = announcement.brand
    notes = list(filter_notes(announcement_filter(announcement)).only("id", "number")[:limit])
    shipped: dict[int, list[tuple[str, list[str]]]] = {note.pk: [] for note in notes}
    for note_id, carrier, numbers in (
        Shipment.objects.filter(announcement=announcement, note_id__in=shipped)
        .order_by("created_at", "id")
        .values_list("note_id", "carrier", "tracking_numbers")
    ):
        shipped[note_id].append((carrier, numbers))
    return [
        SyncedNote(
            number=note.number,
            url=absolute_url(note_url(brand, note.pk)),
            carriers=tuple(dict.fromkeys(c for c, _numbers in shipped[note.pk] if c)),
            tracking_numbers=tuple(n for _c, numbers in shipped[note.pk] for n in numbers),
        )
        for note in notes
    ]


def _context(data) -> dict:
    """The templates' context from a stored notification: the platform's name from its code."""
    context = events.context_for("", data)
    context["platform_name"] = platform_label(data.get("platform", ""))
    return context


for _event, _label in (
    ("connected", _("Integration connected")),
    ("disconnected", _("Integration disconnected")),
    ("token_rejected", _("Access token rejected")),
    ("sync_failing", _("Sync failing")),
    ("sync_recovered", _("Sync working again")),
    ("shipments_synced", _("Shipments synced")),
):
    events.register(f"integration_{_event}", _label, _context)


def _send(integration: Integration, event: str, *, url: str = "", **data) -> None:
    """Tell the integration's notification members; `data` is stored (JSON values only)."""
    spec = get_platform(integration.platform)
    notify(
        brand=integration.brand,
        members=integration.notification_members.select_related("user", "brand"),
        event=f"integration_{event}",
        url=url or spec.settings_url(integration.brand),
        data={"platform": integration.platform, **data},
    )


def connected(integration: Integration) -> None:
    _send(integration, "connected")


def disconnected(integration: Integration) -> None:
    _send(integration, "disconnected")


def token_rejected(integration: Integration) -> None:
    _send(integration, "token_rejected")


def sync_failing(integration: Integration, error: str) -> None:
    _send(integration, "sync_failing", failures=integration.consecutive_failures, error=error)


def sync_recovered(integration: Integration) -> None:
    _send(integration, "sync_recovered")


def shipments_synced(integration: Integration, announcement: ShipmentAnnouncement) -> None:
    """The summary of an announcement: counts, its first notes, a link to the list of all of them.

    Small whatever the number of shipments (at most MAX_LISTED_NOTES lines). A daily digest when
    the announcement is one (its `since` is the period's start).
    """
    items = announced_items(announcement)
    _send(
        integration,
        "shipments_synced",
        url=announced_notes_url(announcement),
        announcement=announcement.pk,
        note_count=announcement.note_count,
        shipment_count=announcement.shipment_count,
        items=[asdict(item) for item in items],
        more=max(announcement.note_count - len(items), 0),
        digest_since=events.iso(
            announcement.since if announcement.kind == ShipmentAnnouncement.Kind.DIGEST else None
        ),
    )
