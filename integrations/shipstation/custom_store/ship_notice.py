"""Custom Store ship notices: what ShipStation POSTs with `action=shipnotify`.

`parse_ship_notice` turns the raw body (and the query string, which repeats order number,
carrier, service and tracking number) into a ShipNotice, or raises ShipNoticeError with a
message the endpoint can answer with (400). It never touches the database: finding the note
(OrderID first, then order_number) and recording the shipment are the caller's.

The body comes from the internet, so it is parsed with defusedxml and any DTD is refused before
anything is expanded: an entity bomb or an external entity costs nothing. Bodies above
MAX_BODY_BYTES are refused unread (the view also checks Content-Length before reading).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from integrations.shipstation import facts
from integrations.shipstation.custom_store.dates import DateFormatError, parse_date, parse_datetime
from integrations.shipstation.custom_store.export import Party

MAX_BODY_BYTES = facts.SHIP_NOTICE_MAX_BYTES
_QUANTITY = re.compile(r"[0-9]+(?:\.0*)?")


class ShipNoticeError(ValueError):
    """A ship notice Hakobu cannot use; `message` says why, for the answer and the log."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ShipNoticeItem:
    """One shipped item. Quantities below those ordered mean a partial shipment."""

    line_item_id: str
    sku: str
    quantity: int
    name: str = ""


@dataclass(frozen=True)
class ShipNotice:
    """A parsed ship notice; strings are trimmed, "" when absent.

    `carrier` is ShipStation's raw carrier name (a Japanese carrier most likely arrives as
    "Other"), never checked against a list. `tracking_number` may be "": a shipment marked shipped
    without tracking is still a shipment (facts.RECORD_SHIPMENT_WITHOUT_TRACKING).
    `notify_customer` keeps ShipStation's inverted meaning: True = ShipStation did NOT e-mail
    the buyer, False = it did, None = not said (see `shipstation_emailed_buyer`).
    `items` empty means ShipStation did not list them.
    """

    order_id: str
    order_number: str
    carrier: str
    service: str
    tracking_number: str
    ship_date: date | None = None
    label_created_at: datetime | None = None
    shipping_cost: Decimal | None = None
    notes_to_customer: str = ""
    customer_notes: str = ""
    internal_notes: str = ""
    customer_code: str = ""
    notify_customer: bool | None = None
    custom_fields: tuple[str, str, str] = ("", "", "")
    recipient: Party | None = None
    items: tuple[ShipNoticeItem, ...] = ()
    from_body: bool = True

    @property
    def shipstation_emailed_buyer(self) -> bool | None:
        """Whether ShipStation e-mailed the buyer (NotifyCustomer read the right way round)."""
        return None if self.notify_customer is None else not self.notify_customer

    @property
    def shipped_on(self) -> date | None:
        """ShipDate, else the UTC date the label was created."""
        if self.ship_date is not None:
            return self.ship_date
        return self.label_created_at.date() if self.label_created_at else None

    def quantities_by_line_item(self) -> dict[str, int]:
        """Shipped quantity per LineItemID in this notice (items without one are left out)."""
        totals: dict[str, int] = {}
        for item in self.items:
            if item.line_item_id:
                totals[item.line_item_id] = totals.get(item.line_item_id, 0) + item.quantity
        return totals

    @property
    def dedupe_key(self) -> str:
        """What tells a resent notice from a new shipment of the same order (≤ 100 characters).

        The tracking number when there is one (Hakobu's rule: one shipment per order and
        tracking number); without one, a digest of what the notice says was shipped. The caller
        keys it by the note as well.
        """
        if self.tracking_number:
            return self.tracking_number[:100]
        parts = [
            self.carrier,
            self.service,
            self.ship_date.isoformat() if self.ship_date else "",
            self.label_created_at.isoformat() if self.label_created_at else "",
            *(f"{i.line_item_id}|{i.sku}|{i.quantity}" for i in self.items),
        ]
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
        return f"untracked-{digest}"


# --- Parsing ------------------------------------------------------------------------------------


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].casefold() if isinstance(tag, str) else ""


def _children(element: Element) -> dict[str, Element]:
    """Direct children by local name, case-insensitive; the first one wins."""
    found: dict[str, Element] = {}
    for child in element:
        found.setdefault(_local(child.tag), child)
    return found


def _value(children: Mapping[str, Element], name: str) -> str:
    element = children.get(name.casefold())
    return "".join(element.itertext()).strip() if element is not None else ""


def _bool(value: str) -> bool | None:
    lowered = value.strip().casefold()
    return True if lowered in ("true", "1") else False if lowered in ("false", "0") else None


def _cost(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ShipNoticeError(f"ShippingCost is not an amount: {value[:40]!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ShipNoticeError(f"ShippingCost is not an amount: {value[:40]!r}")
    return amount


def _quantity(value: str, line_item_id: str) -> int:
    which = f"item {line_item_id[:50]!r}" if line_item_id else "an item"
    if not value:
        raise ShipNoticeError(f"{which} has no Quantity")
    if not _QUANTITY.fullmatch(value):
        raise ShipNoticeError(f"{which} has a bad Quantity: {value[:40]!r}")
    quantity = int(value.split(".", 1)[0])
    if quantity > facts.QUANTITY_MAX:
        raise ShipNoticeError(f"{which} has a Quantity above {facts.QUANTITY_MAX}: {quantity}")
    return quantity


def _items(children: Mapping[str, Element]) -> tuple[ShipNoticeItem, ...]:
    container = children.get("items")
    if container is None:
        return ()
    items = []
    for element in container:
        if _local(element.tag) != "item":
            continue
        fields = _children(element)
        line_item_id = _value(fields, "LineItemID")
        quantity = _quantity(_value(fields, "Quantity"), line_item_id)
        if quantity == 0:
            continue  # nothing of this line shipped
        items.append(
            ShipNoticeItem(
                line_item_id=line_item_id,
                sku=_value(fields, "SKU"),
                quantity=quantity,
                name=_value(fields, "Name"),
            )
        )
    return tuple(items)


def _recipient(children: Mapping[str, Element]) -> Party | None:
    element = children.get("recipient")
    if element is None:
        return None
    fields = _children(element)
    return Party(
        name=_value(fields, "Name"),
        company=_value(fields, "Company"),
        address1=_value(fields, "Address1"),
        address2=_value(fields, "Address2"),
        city=_value(fields, "City"),
        state=_value(fields, "State"),
        postal_code=_value(fields, "PostalCode"),
        country=_value(fields, "Country"),
    )


def _parse_root(body: bytes) -> Element:
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise ShipNoticeError("the body has a DTD (<!DOCTYPE …>), which is refused") from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise ShipNoticeError("the body declares entities, which are refused") from None
    except defusedxml.DefusedXmlException as exc:
        raise ShipNoticeError(f"the body uses XML features that are refused ({exc})") from None
    except ParseError as exc:
        raise ShipNoticeError(f"the body is not well-formed XML ({exc})") from None
    if _local(root.tag) != facts.SHIP_NOTICE_ROOT.casefold():
        shown = str(root.tag).rsplit("}", 1)[-1][:40]
        raise ShipNoticeError(f"expected a <{facts.SHIP_NOTICE_ROOT}> document, got <{shown}>")
    return root


def _query(query: Mapping[str, str], name: str) -> str:
    value = query.get(name)
    return str(value).strip() if value is not None else ""


def parse_ship_notice(body: bytes, query: Mapping[str, str]) -> ShipNotice:
    """The ShipNotice in `body`, with the query parameters filling what the body lacks.

    An empty (or blank) body is read from the query alone: order_number, carrier, service,
    tracking_number. Raises ShipNoticeError for a body over MAX_BODY_BYTES, one that is not XML,
    has a DTD or entities, has another root than <ShipNotice>, names no order, or holds bad
    quantities, dates or costs.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    if len(body) > MAX_BODY_BYTES:
        raise ShipNoticeError(f"the body is larger than {MAX_BODY_BYTES} bytes")
    order_number, carrier, service, tracking = (
        _query(query, name) for name in facts.SHIP_NOTICE_QUERY_PARAMS
    )

    if not body.strip():
        if not order_number:
            raise ShipNoticeError("empty body and no order_number in the query")
        return ShipNotice(
            order_id="",
            order_number=order_number,
            carrier=carrier,
            service=service,
            tracking_number=tracking,
            from_body=False,
        )

    fields = _children(_parse_root(body))
    notice_id = _value(fields, "OrderID")
    notice_number = _value(fields, "OrderNumber") or order_number
    if not notice_id and not notice_number:
        raise ShipNoticeError("the ship notice names no order (no OrderID nor OrderNumber)")
    try:
        ship_date = parse_date(v) if (v := _value(fields, "ShipDate")) else None
        label_at = parse_datetime(v) if (v := _value(fields, "LabelCreateDate")) else None
    except DateFormatError as exc:
        raise ShipNoticeError(f"bad date in the ship notice: {exc}") from None
    return ShipNotice(
        order_id=notice_id,
        order_number=notice_number,
        carrier=_value(fields, "Carrier") or carrier,
        service=_value(fields, "Service") or service,
        tracking_number=_value(fields, "TrackingNumber") or tracking,
        ship_date=ship_date,
        label_created_at=label_at,
        shipping_cost=_cost(_value(fields, "ShippingCost")),
        notes_to_customer=_value(fields, "NotesToCustomer"),
        customer_notes=_value(fields, "CustomerNotes"),
        internal_notes=_value(fields, "InternalNotes"),
        customer_code=_value(fields, "CustomerCode"),
        notify_customer=_bool(_value(fields, "NotifyCustomer")),
        custom_fields=(
            _value(fields, "CustomField1"),
            _value(fields, "CustomField2"),
            _value(fields, "CustomField3"),
        ),
        recipient=_recipient(fields),
        items=_items(fields),
        from_body=True,
    )
