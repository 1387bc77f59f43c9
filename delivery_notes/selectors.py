"""Read-side queries of delivery notes: the list's search and filters, bulk selection, dashboard.

Everything here runs inside the active brand scope: DeliveryNote.objects (a ScopedManager) adds the
brand condition itself, so nothing filters by brand by hand.

Contract used by other apps (e.g. the Ship&co CSV export):
- `filter_notes(params)`: the notes the list shows for a querystring (q, status, issued_from,
  issued_to, platform, announcement); invalid values are ignored, as the list ignores them.
  `announcement=<id>` is the link of a "shipments synced" email: the notes having a shipment
  that email told about (an id of another brand, or none, matches nothing).
- `selected_notes(data)`: the notes a bulk action applies to, from the list's POSTed form: the
  ids in `selected`, or — when `all_matching` is set — `filter_notes(QueryDict(data["query"]))`.
- `selected_or_filtered_notes(data)`: the same, but the filtered list when nothing is selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from brands.models import Brand
from delivery_notes import status_tally
from delivery_notes.forms import NoteFilterForm
from delivery_notes.models import (
    HAKOBU,
    OPEN_STATUSES,
    Activity,
    DeliveryNote,
    Shipment,
    ShipmentRequest,
)
from delivery_notes.models import ShippingStatus as Status
from integrations.models import ConnectionStatus, Integration, ShipmentAnnouncement
from integrations.registry import platforms

#: The text columns the list's search looks in (each has a trigram index on PostgreSQL).
SEARCHED = ("number", "recipient_company", "recipient_name", "order_reference")


#: Matches a search reads by id first (see `_search`).
SEARCH_IDS = 1000


def search_matches(q: str) -> QuerySet:
    """PostgreSQL: the ids of the notes matching `q`, each column matched on its own (each
    `UPPER(col) LIKE` is served by that column's trigram index, see migration
    `search_trigram_indexes`), united with UNION ALL (repeats possible): one OR across the
    columns and a join would make the planner scan the brand."""
    per_column = [
        DeliveryNote.objects.filter(**{f"{column}__icontains": q})
        .order_by()
        .values_list("pk", flat=True)
        for column in SEARCHED
    ]
    tracking = (
        Shipment.objects.filter(tracking_search__icontains=q)
        .order_by()
        .values_list("note_id", flat=True)
    )
    return per_column[0].union(*per_column[1:], tracking, all=True)


def _without_parallel_workers(query: QuerySet) -> list:
    """The query's rows, planned without parallel workers: for a few index scans, starting the
    workers costs more than they save (2–5 ms a search on a two-CPU host, and CPU taken from
    the other requests)."""
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        try:
            return list(query)
        finally:
            cursor.execute("RESET max_parallel_workers_per_gather")


def _search(q: str) -> Q:
    """Number, recipient, order reference, or any tracking number of the note's shipments.

    On PostgreSQL the matches are read first from the trigram indexes (`search_matches`), up to
    `SEARCH_IDS`: when that is all of them (most searches find a few notes), the page's count
    and rows are lookups by id. A search matching more (a word in many names) is instead one
    condition on each row, which PostgreSQL checks while walking the page's order index,
    stopping at the page's end and at the capped count: dense matches are found in a few rows.
    SQLite (development, tests) always takes that second form.
    """
    if connection.vendor == "postgresql":
        # UNION ALL streams, so the LIMIT stops it early when the matches are many; fewer rows
        # than the limit means every match was read (repeats included).
        found = _without_parallel_workers(search_matches(q)[: SEARCH_IDS + 1])
        if len(found) <= SEARCH_IDS:  # one array parameter: compiled as fast as one id
            return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (sorted(set(found)),)))
    return reduce(or_, (Q(**{f"{column}__icontains": q}) for column in SEARCHED)) | Q(
        Exists(Shipment.objects.filter(note=OuterRef("pk"), tracking_search__icontains=q))
    )


def _platform(platform: str) -> Q:
    """Notes with a shipment from `platform`; Hakobu means "no shipment from any platform"."""
    shipments = Shipment.objects.filter(note=OuterRef("pk"))
    if platform == HAKOBU:
        return ~Q(Exists(shipments.exclude(platform=HAKOBU)))
    return Q(Exists(shipments.filter(platform=platform)))


def _announcement(announcement_id: int) -> Q:
    """Notes with a shipment in that announcement (scoped: another brand's id matches nothing)."""
    return Q(Exists(Shipment.objects.filter(note=OuterRef("pk"), announcement_id=announcement_id)))


def filter_notes(params: QueryDict) -> QuerySet[DeliveryNote]:
    """The notes the list shows for these GET parameters (see the module docstring)."""
    form = NoteFilterForm(params)
    form.is_valid()
    data = form.cleaned_data
    notes = DeliveryNote.objects.all()
    if q := data.get("q"):
        notes = notes.filter(_search(q))
    if statuses := data.get("status"):
        notes = notes.filter(status__in=statuses)
    if issued_from := data.get("issued_from"):
        notes = notes.filter(issue_date__gte=issued_from)
    if issued_to := data.get("issued_to"):
        notes = notes.filter(issue_date__lte=issued_to)
    if platform := data.get("platform"):
        notes = notes.filter(_platform(platform))
    if announcement_id := data.get("announcement"):
        notes = notes.filter(_announcement(announcement_id))
    return notes.order_by("-issue_date", "-id")


def announcement(announcement_id: int | None) -> ShipmentAnnouncement | None:
    """The announcement the list is filtered to, for its label (None: unknown or another brand's)."""
    if announcement_id is None:
        return None
    return ShipmentAnnouncement.objects.filter(pk=announcement_id).first()


def selected_notes(data: QueryDict) -> QuerySet[DeliveryNote]:
    """The notes a bulk action applies to (see the module docstring)."""
    if data.get("all_matching"):
        return filter_notes(QueryDict(data.get("query", "")))
    ids = [int(value) for value in data.getlist("selected") if value.isdigit()]
    return DeliveryNote.objects.filter(pk__in=ids).order_by("-issue_date", "-id")


def selected_or_filtered_notes(data: QueryDict) -> QuerySet[DeliveryNote]:
    """The selection of the list's POSTed form, or — nothing selected — the filtered list (what
    the list's Export button exports)."""
    if data.get("all_matching") or data.getlist("selected"):
        return selected_notes(data)
    return filter_notes(QueryDict(data.get("query", "")))


def with_list_details(notes: QuerySet[DeliveryNote]) -> QuerySet[DeliveryNote]:
    """What a list row shows besides the note itself: one extra query per page, not per row."""
    return notes.prefetch_related(
        Prefetch(
            "shipments",
            queryset=Shipment.objects.only("id", "note_id", "carrier", "tracking_numbers"),
        )
    )


def note_for_detail(pk: int) -> DeliveryNote | None:
    return (
        DeliveryNote.objects.filter(pk=pk)
        .prefetch_related(
            "lines",
            Prefetch(
                "shipments",
                queryset=Shipment.objects.prefetch_related("lines__line"),
            ),
            Prefetch("activities", queryset=Activity.objects.select_related("actor")),
            "platform_orders",
            "outbound_orders",
            Prefetch(
                "shipment_requests",
                queryset=ShipmentRequest.objects.select_related("shipment").prefetch_related(
                    "lines__line"
                ),
            ),
        )
        .first()
    )


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_counts() -> list[StatusCount]:
    """Notes per shipping status, every status listed (zero included), in workflow order.

    On PostgreSQL from the tally its triggers maintain (a few rows, at any number of notes)."""
    counts = status_tally.counts()
    return [StatusCount(s.value, s.label, counts.get(s.value, 0)) for s in Status]


def notes_waiting_to_ship(limit: int = 8) -> QuerySet[DeliveryNote]:
    """Oldest first: the ones the warehouse should look at next (index `note_brand_waiting_idx`
    holds only open notes, in this order)."""
    return DeliveryNote.objects.filter(status__in=OPEN_STATUSES).order_by("issue_date", "id")[
        :limit
    ]


def recent_activity(limit: int = 10) -> QuerySet[Activity]:
    return Activity.objects.select_related("note", "actor").order_by("-created_at", "-id")[:limit]


@dataclass(frozen=True)
class IntegrationTile:
    platform: str
    label: str
    status: str
    status_label: str
    reason: str
    last_synced_at: datetime | None
    url: str
    coming_soon: bool


def integration_tiles(brand: Brand) -> list[IntegrationTile]:
    """One tile per registered platform; one without an Integration row is Not Integrated."""
    integrations = {i.platform: i for i in Integration.objects.all()}
    tiles = []
    for spec in platforms():
        integration = integrations.get(spec.platform)
        status = integration.status if integration else ConnectionStatus.NOT_INTEGRATED
        url = spec.settings_url(brand)
        tiles.append(
            IntegrationTile(
                platform=spec.platform,
                label=spec.display_name,
                status=status,
                status_label=ConnectionStatus(status).label,
                reason=integration.status_reason_display if integration else "",
                last_synced_at=integration.last_synced_at if integration else None,
                url=url if spec.connectable else f"{url}#{spec.platform}",
                coming_soon=not spec.connectable,
            )
        )
    return tiles
