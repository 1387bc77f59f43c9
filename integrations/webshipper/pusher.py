"""Hakobu → Webshipper: the outbox's OrderPusher, and which notes it is handed when.

On creation: a note becomes one order (`ext_ref` = the note's number). On shipment creation:
each shipment request becomes its own order with only its lines (`ext_ref` = `<number>-S<n>`).
Before creating, the order is looked up by `ext_ref` in the channel (unique there), so a retry
after a lost answer finds the order instead of making a second. A note whose delivery terms map
to no shipping rate is refused with that reason: the outbox holds it until the term is mapped.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from delivery_notes.models import DeliveryNote, ShipmentRequest, ShippingStatus
from integrations.http import PushRefused
from integrations.models import Integration, OutboundOrder, PlatformOrder
from integrations.webshipper import WEBSHIPPER, facts
from integrations.webshipper.client import NotFound, make_client
from integrations.webshipper.models import RateMapping
from integrations.webshipper.payloads import order_document


def unmapped_reason(terms: str) -> str:
    return _(
        "The delivery terms “%(terms)s” are not mapped to a Webshipper shipping rate. Map them "
        "under Settings → System Integration → Webshipper; the order is sent then."
    ) % {"terms": terms or _("(none)")}


def mapped_rate(integration: Integration, terms: str) -> str:
    """The rate id of these delivery terms; the term is listed for mapping when it is new."""
    terms = (terms or "").strip()
    row, _created = RateMapping.objects.get_or_create(
        integration=integration,
        delivery_terms=terms,
        defaults={"brand_id": integration.brand_id},
    )
    if not row.rate_id:
        raise PushRefused(unmapped_reason(terms))
    return row.rate_id


def order_ids(note: DeliveryNote) -> list[str]:
    """Every Webshipper order of the note: the note's own and each shipment request's."""
    ids = list(
        OutboundOrder.objects.filter(
            note=note, platform=WEBSHIPPER, action=OutboundOrder.Action.PUSH
        )
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    pulled = PlatformOrder.objects.filter(note=note, platform=WEBSHIPPER).exclude(external_id="")
    ids += [pid for pid in pulled.values_list("external_id", flat=True) if pid not in ids]
    return ids


class WebshipperPusher:
    def __init__(self, integration: Integration) -> None:
        self.integration = integration
        self.settings = integration.webshipper
        if not self.settings.order_channel_id:
            raise ValueError(_("Choose the Webshipper order channel first."))
        self.client = make_client(integration)

    def close(self) -> None:
        self.client.close()

    def _lines(self, note: DeliveryNote, part: str):
        if not part:
            return note.number, [(line, line.quantity) for line in note.lines.all()]
        request = ShipmentRequest.objects.filter(note=note, pk=int(part)).first()
        if request is None:
            raise PushRefused(_("The shipment request no longer exists."))
        lines = [(item.line, item.quantity) for item in request.lines.select_related("line")]
        return request.reference, lines

    def push(self, note: DeliveryNote, *, key: str, existing_id: str, part: str = "") -> str:
        from integrations.webshipper.services import subscribe_if_missing

        subscribe_if_missing(self.integration)
        rate_id = mapped_rate(self.integration, note.delivery_terms)
        ext_ref, lines = self._lines(note, part)
        channel = self.settings.order_channel_id
        document = order_document(note, lines, ext_ref=ext_ref, channel_id=channel, rate_id=rate_id)
        if not existing_id:
            found = self.client.orders_with_ext_ref(ext_ref, channel)
            existing_id = str(found[0]["id"]) if found else ""
        if not existing_id:
            return str(self.client.create("orders", document)["id"])
        try:
            current = self.client.one(f"orders/{existing_id}")
        except NotFound:
            return str(self.client.create("orders", document)["id"])
        status = (current.get("attributes") or {}).get("status")
        if status not in facts.OPEN_ORDER_STATUSES:
            raise PushRefused(
                _("Webshipper's order is %(status)s: it can no longer be changed.")
                % {"status": status},
                order_status=status,
            )
        document["attributes"].pop("ext_ref")
        self.client.update("orders", existing_id, document)
        return existing_id

    def cancel(self, note: DeliveryNote, *, key: str, existing_id: str, part: str = "") -> None:
        for order_id in order_ids(note) or ([existing_id] if existing_id else []):
            try:
                self.client.delete("orders", order_id)
            except NotFound:
                continue  # gone already: what a cancel wants

    def mark_shipped(self, note: DeliveryNote, *, key: str, existing_id: str) -> None:
        """A shipment recorded by hand in Hakobu: the tracking goes to every order of the note as
        an internal comment, and once the whole note shipped its orders are marked dispatched."""
        shipment = note.shipments.order_by("-created_at", "-id").first()
        numbers = ", ".join(shipment.tracking_numbers) if shipment else ""
        comment = _("Shipped from Hakobu: %(carrier)s %(tracking)s") % {
            "carrier": shipment.carrier if shipment else "",
            "tracking": numbers or "-",
        }
        done = note.status in (ShippingStatus.SHIPPED, ShippingStatus.DELIVERED)
        for order_id in order_ids(note):
            try:
                current = self.client.one(f"orders/{order_id}")
            except NotFound:
                continue
            status = (current.get("attributes") or {}).get("status")
            if status in (facts.DISPATCHED, facts.CANCELLED):
                continue  # final in Webshipper: nothing to tell it
            attributes = {"internal_comment": comment}
            if done:
                attributes["status"] = facts.MARK_DISPATCHED_STATUS
            self.client.update("orders", order_id, {"attributes": attributes})
