"""Applying one page of a platform's listing: new shipments in bulk, known ones one by one.

The sync runner hands each page here. New shipments (the bulk of a first sync) are matched to
their notes in one query and recorded through `record_shipments` in one transaction, so a page
costs a constant handful of queries however long it is. A shipment recorded before and seen
again (the trailing window) is compared in memory; the rare one that changed on the platform
(voided, re-printed) is written on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from delivery_notes.models import DeliveryNote, Shipment
from delivery_notes.services import update_shipment, void_shipment
from delivery_notes.shipping import NewShipment, record_shipments
from integrations.models import Integration, UnmatchedShipment
from integrations.records import PlatformShipment

logger = logging.getLogger(__name__)


class Result(Enum):
    APPLIED = "applied"
    CHANGED = "changed"  # a recorded shipment corrected or voided
    UNMATCHED = "unmatched"
    SKIPPED = "skipped"  # voided, test, malformed, or never got a tracking number
    PENDING = "pending"  # no tracking number yet: hold the cursor
    KNOWN = "known"  # seen before, unchanged: nothing to do


def fit(value: str, model, field: str) -> str:
    return value[: model._meta.get_field(field).max_length]


class PageWriter:
    """Writes pages of one integration's shipments; call inside that brand's scope."""

    def __init__(
        self,
        integration: Integration,
        display_name: str,
        *,
        on_recorded: Callable[[Integration, Shipment, Any], None] | None = None,
    ) -> None:
        self.integration = integration
        self.display_name = display_name
        # The platform's own follow-up of a new shipment (its spec's on_shipment_recorded).
        self.on_recorded = on_recorded

    def recorded(self, external_ids: Sequence[str]) -> dict[str, Shipment]:
        """The shipments of this page Hakobu already recorded (one query a page)."""
        return {shipment.external_id: shipment for shipment in self.recorded_query(external_ids)}

    def recorded_query(self, external_ids: Sequence[str]) -> QuerySet[Shipment]:
        """`external_id <> ''` is spelled out: it is the condition of the unique index on
        (brand, platform, external_id), which PostgreSQL cannot infer from an IN list of more
        than 100 values; without it a page of 500 scanned every shipment of the platform."""
        return (
            Shipment.objects.filter(
                platform=self.integration.platform, external_id__in=external_ids
            )
            .exclude(external_id="")
            .select_related("note")
        )

    def apply(self, page: Sequence[tuple[PlatformShipment, Any]]) -> list[Result]:
        """Record the page's new shipments; one Result per item, in page order."""
        results: list[Result | None] = [self._precheck(shipment) for shipment, _raw in page]
        candidates = [i for i, result in enumerate(results) if result is None]
        references = {page[i][0].reference for i in candidates if page[i][0].reference}
        notes = dict(DeliveryNote.objects.filter(number__in=references).values_list("number", "pk"))
        matched = [i for i in candidates if page[i][0].reference in notes]
        unmatched = [i for i in candidates if page[i][0].reference not in notes]
        if unmatched:
            for i, result in zip(
                unmatched, self._unmatched([page[i] for i in unmatched]), strict=True
            ):
                results[i] = result
        if matched:
            with transaction.atomic():
                recorded = record_shipments(
                    [self._new(page[i][0], notes[page[i][0].reference]) for i in matched]
                )
                UnmatchedShipment.objects.filter(
                    integration=self.integration,
                    external_id__in=[page[i][0].external_id for i in matched],
                ).delete()
                if self.on_recorded is not None:
                    for i, shipment in zip(matched, recorded, strict=True):
                        if shipment is not None:
                            self.on_recorded(self.integration, shipment, page[i][1])
            for i, shipment in zip(matched, recorded, strict=True):
                results[i] = Result.KNOWN if shipment is None else Result.APPLIED
        return [result or Result.SKIPPED for result in results]

    def _precheck(self, shipment: PlatformShipment) -> Result | None:
        """What the page does with a shipment before any query (None: try to record it)."""
        if not shipment.live:
            return Result.SKIPPED
        if not shipment.has_tracking:
            hold = timedelta(days=settings.INTEGRATION_PENDING_HOLD_DAYS)
            return Result.SKIPPED if shipment.created_at < timezone.now() - hold else Result.PENDING
        if len(shipment.external_id) > Shipment._meta.get_field("external_id").max_length:
            logger.warning("%s shipment id too long, skipped", self.display_name)
            return Result.SKIPPED
        return None

    def _new(self, shipment: PlatformShipment, note_id: int) -> NewShipment:
        return NewShipment(
            note_id=note_id,
            platform=self.integration.platform,
            external_id=shipment.external_id,
            carrier=fit(shipment.carrier, Shipment, "carrier"),
            service=fit(shipment.service, Shipment, "service"),
            tracking_numbers=tuple(shipment.tracking_numbers),
            shipped_on=shipment.ship_date,
            cost=shipment.cost,
            lines=dict(shipment.lines) if shipment.lines else None,
        )

    def _unmatched(self, page: Sequence[tuple[PlatformShipment, Any]]) -> list[Result]:
        """Keep shipments no note matches (yet), once each: two queries for the page."""
        integration = self.integration
        seen = set(
            UnmatchedShipment.objects.filter(
                integration=integration, external_id__in=[s.external_id for s, _raw in page]
            ).values_list("external_id", flat=True)
        )
        results, rows = [], {}
        for shipment, raw in page:
            if shipment.external_id in seen or shipment.external_id in rows:
                results.append(Result.KNOWN)
                continue
            results.append(Result.UNMATCHED)
            rows[shipment.external_id] = UnmatchedShipment(
                brand_id=integration.brand_id,
                integration=integration,
                external_id=shipment.external_id,
                reference=fit(shipment.reference, UnmatchedShipment, "reference"),
                tracking_numbers=list(shipment.tracking_numbers),
                payload=raw if isinstance(raw, dict) else {},
            )
        # Another worker's row for the same shipment wins (the constraint), nothing fails.
        UnmatchedShipment.objects.bulk_create(rows.values(), ignore_conflicts=True)
        return results

    def revisit(self, recorded: Shipment, shipment: PlatformShipment) -> Result:
        """A shipment recorded earlier, seen again: void it, bring it up to date, or nothing."""
        if not shipment.live:
            void_shipment(recorded)
            return Result.CHANGED
        if not shipment.has_tracking:
            return Result.KNOWN  # numbers never disappear from a live label: keep what we have
        now = {
            "carrier": fit(shipment.carrier, Shipment, "carrier"),
            "service": fit(shipment.service, Shipment, "service"),
            "tracking_numbers": list(shipment.tracking_numbers),
            "shipped_on": shipment.ship_date or recorded.shipped_on,
        }
        if all(getattr(recorded, name) == value for name, value in now.items()):
            return Result.KNOWN  # the usual case in the trailing window: no query
        return Result.CHANGED if update_shipment(recorded, **now) else Result.KNOWN
