"""Custom Store export: the `<Orders>` document ShipStation pulls with `action=export`.

The XML is built from plain frozen dataclasses (OrderForExport), so the query that picks the notes
(the endpoint's job: every note of the brand's feed modified in the window, whatever its status,
cancelled included) stays apart from the format; `order_from_note` makes one from a DeliveryNote
whose lines are prefetched. Nothing here queries the database beyond `note.lines.all()`.

What the document guarantees, whatever the notes hold:
- well-formed XML 1.0 in UTF-8: every value from a person is in CDATA with `]]>` split, and the
  characters XML 1.0 forbids (control characters but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates)
  are removed; only values Hakobu generates (dates, amounts, flags, codes) are plain text;
- ShipStation's length limits (facts.py), counted in UTF-16 code units as ShipStation's .NET side
  counts them, cut between characters (never inside a surrogate pair, nor between a character and
  its combining marks). Cutting only shortens ShipStation's copy: the full value stays in Hakobu;
- an empty page is `<Orders pages="0"/>`, never an empty body (ShipStation's "Error in XML").
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from integrations.shipstation import facts
from integrations.shipstation.custom_store.dates import format_datetime

if TYPE_CHECKING:
    from delivery_notes.models import DeliveryNote, DeliveryNoteLine

# Everything XML 1.0 allows (the `Char` production); anything else is removed.
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ZWJ = "\u200d"
_CENT = Decimal("0.01")


# --- Data the builder reads -------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """A BillTo / ShipTo (and a ship notice's Recipient). ShipTo needs Name, Address1, City,
    PostalCode and Country."""

    name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ExportItem:
    """One `<Item>`. `weight_grams` is per unit (None or 0: unknown, no Weight is sent)."""

    line_item_id: str
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    image_url: str = ""
    weight_grams: int | None = None
    location: str = ""
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OrderForExport:
    """One `<Order>`: what Hakobu knows of a note, before ShipStation's limits are applied.

    `bill_to` None means "the same person as ship_to" (a delivery note has one party).
    `discount_amount` > 0 adds an adjustment item (negative UnitPrice); without an amount the
    code alone is no item (see facts.DISCOUNT_LINE_ITEM_ID).
    """

    order_id: str
    order_number: str
    order_date: datetime
    last_modified: datetime
    order_status: str
    order_total: Decimal
    ship_to: Party
    bill_to: Party | None = None
    items: tuple[ExportItem, ...] = ()
    customer_code: str = ""
    shipping_method: str = ""
    payment_method: str = ""
    currency: str = ""
    tax_amount: Decimal | None = None
    shipping_amount: Decimal | None = None
    customer_notes: str = ""
    internal_notes: str = ""
    gift: bool = False
    gift_message: str = ""
    custom_fields: tuple[str, str, str] = ("", "", "")
    discount_code: str = ""
    discount_amount: Decimal | None = None


# --- Text rules ---------------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """The value as text without the characters XML 1.0 forbids (a parser would reject them)."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return _XML_FORBIDDEN.sub("", text)


def utf16_length(value: str) -> int:
    """Length as ShipStation (.NET) counts it: characters beyond the BMP count twice."""
    return len(value) + sum(1 for char in value if ord(char) > 0xFFFF)


def _joins_previous(char: str) -> bool:
    """True for a character that belongs to the one before it (mark, selector, skin tone)."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or "\ufe00" <= char <= "\ufe0f"
        or "\U000e0100" <= char <= "\U000e01ef"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or char == _ZWJ
    )


def cut(value: str, limit: int) -> str:
    """At most `limit` UTF-16 code units of `value`, cut between whole characters.

    Never inside a surrogate pair (a Python character is a whole code point, and the count is in
    UTF-16 units), and the cut backs off so a base character is not kept without its combining
    marks or the rest of an emoji sequence. Trailing spaces left by the cut are dropped.
    """
    units = 0
    end = None
    for index, char in enumerate(value):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            end = index
            break
    if end is None:
        return value
    hard_end = end
    while end > 0 and (_joins_previous(value[end]) or value[end - 1] == _ZWJ):
        end -= 1
    if end == 0:  # one enormous cluster: better a hard cut than nothing
        end = hard_end
    return value[:end].rstrip()


def text(value: object, limit: int | None = None) -> str:
    """Cleaned, trimmed and (with a limit) cut: what goes inside an element."""
    cleaned = clean_text(value).strip()
    return cut(cleaned, limit) if limit is not None else cleaned


def cdata(value: str) -> str:
    """`value` in CDATA; a `]]>` inside is split across two sections. Empty stays empty."""
    if not value:
        return ""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def money(value: Decimal | int | str) -> str:
    """Two decimal places, rounded half up, never `-0.00`."""
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"not an amount: {value!r}") from None
    amount = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{amount:.2f}" if amount else "0.00"


def _stable_hash(*parts: str, length: int) -> str:
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:length].upper()


def fallback_sku(name: str, options: Iterable[tuple[str, str]] = ()) -> str:
    """A stable SKU for a line without one: the same product and options give the same code.

    ShipStation requires a SKU and keys its products on it, so a per-line value would create a
    product per order; a hash of the name and the options keeps one product per variant.
    """
    flat = [text(name)] + [f"{text(k)}={text(v)}" for k, v in sorted(options)]
    return facts.SKU_FALLBACK_PREFIX + _stable_hash(*flat, length=12)


def customer_code(email: str, party: Party, order_id: str) -> str:
    """The CustomerCode (≤50): the e-mail, or a stable code for the recipient.

    An e-mail longer than 50 cannot be cut (it would name someone else), so it falls back too.
    The fallback hashes company, name, postal code and phone, so repeat orders of one shop share
    a ShipStation customer without putting the address in the code; with none of them, the
    order's own id.
    """
    email = text(email)
    if email and utf16_length(email) <= facts.CUSTOMER_CODE_MAX:
        return email
    parts = [
        unicodedata.normalize("NFKC", text(p)).casefold()
        for p in (party.company, party.name, party.postal_code, party.phone)
    ]
    parts[3] = re.sub(r"[^0-9]", "", parts[3])  # "03-1234-5678" and "０３ 1234 5678" alike
    if not any(parts):
        return cut(
            f"{facts.CUSTOMER_CODE_FALLBACK_PREFIX}ORDER-{order_id}", facts.CUSTOMER_CODE_MAX
        )
    return facts.CUSTOMER_CODE_FALLBACK_PREFIX + _stable_hash(*parts, length=20)


def line_item_id(line_pk: int) -> str:
    """The LineItemID of a delivery-note line: its id (comes back on ship-notice items)."""
    return str(line_pk)


def line_pk_from_item_id(value: str) -> int | None:
    """The delivery-note line id in a ship notice's LineItemID; None for anything else
    (the discount item, or an item ShipStation added)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def page_count(total: int, page_size: int = facts.PAGE_SIZE) -> int:
    """The `pages` attribute for `total` orders: 0 for an empty window."""
    return math.ceil(total / page_size) if total > 0 else 0


# --- From the ORM -------------------------------------------------------------------------------


def _option_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _option_pairs(options: object) -> tuple[tuple[str, str], ...]:
    """By name: PostgreSQL's jsonb does not keep the order the options were typed in, and the
    same note must export the same way on every database."""
    if not isinstance(options, dict):
        return ()
    return tuple(sorted((str(name), _option_value(value)) for name, value in options.items()))


def _order_date(note: DeliveryNote, zone: tzinfo) -> datetime:
    """When the order was placed: the note's creation if it happened on the issue date (in the
    brand's zone), else the start of the issue date there (imported or back-dated notes)."""
    created = note.created_at
    if created is not None and created.astimezone(zone).date() == note.issue_date:
        return created
    return datetime.combine(note.issue_date, time(0), tzinfo=zone)


def item_from_line(line: DeliveryNoteLine) -> ExportItem:
    """An ExportItem for a delivery-note line (quantities as ordered: partial shipments are
    summed from ship notices per LineItemID)."""
    return ExportItem(
        line_item_id=line_item_id(line.pk),
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        image_url=line.image_url,
        weight_grams=line.weight_grams or None,
        location=line.warehouse_location,
        options=_option_pairs(line.options),
    )


def order_from_note(
    note: DeliveryNote,
    *,
    order_status_strings: Mapping[str, str] | None = None,
    time_zone: str | tzinfo | None = None,
    lines: Iterable[DeliveryNoteLine] | None = None,
) -> OrderForExport:
    """An OrderForExport for a note; prefetch `lines` (and select `brand` or pass `time_zone`).

    OrderStatus is the brand's string for the note's status (facts.order_status_string). A note
    has no tax, shipping charge or discount amount: TaxAmount is left out, ShippingAmount is 0.00
    and the discount code goes to CustomField2 without an adjustment item.
    """
    zone_name = time_zone if time_zone is not None else note.brand.time_zone
    zone = ZoneInfo(zone_name) if isinstance(zone_name, str) else zone_name
    custom = ["", "", ""]
    custom[facts.ORDER_REFERENCE_CUSTOM_FIELD - 1] = note.order_reference
    custom[facts.DISCOUNT_CODE_CUSTOM_FIELD - 1] = note.discount_code
    return OrderForExport(
        order_id=str(note.pk),
        order_number=note.number,
        order_date=_order_date(note, zone),
        last_modified=note.updated_at,
        order_status=facts.order_status_string(note.status, order_status_strings),
        order_total=note.total_amount,
        ship_to=Party(
            name=note.recipient_name,
            company=note.recipient_company,
            address1=note.address_line1,
            address2=note.address_line2,
            city=note.city,
            state=note.prefecture,
            postal_code=note.postal_code,
            country=note.country_code,
            phone=note.phone,
            email=note.email,
        ),
        items=tuple(
            item_from_line(line) for line in (lines if lines is not None else note.lines.all())
        ),
        customer_code=note.email,
        shipping_method=note.requested_service,
        payment_method=note.payment_method,
        currency=note.currency,
        customer_notes=note.customer_notes,
        internal_notes=note.internal_notes,
        gift=note.is_gift,
        gift_message=note.gift_message,
        custom_fields=(custom[0], custom[1], custom[2]),
        discount_code=note.discount_code,
    )


# --- The document -------------------------------------------------------------------------------


class _Writer:
    """Indented elements; every call decides between CDATA (people's text) and plain text."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def open(self, tag: str) -> None:
        self.lines.append(f"{'  ' * self.depth}<{tag}>")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.lines.append(f"{'  ' * self.depth}</{tag}>")

    def text(self, tag: str, value: object, limit: int | None = None) -> None:
        self.lines.append(f"{'  ' * self.depth}<{tag}>{cdata(text(value, limit))}</{tag}>")

    def plain(self, tag: str, value: str) -> None:
        self.lines.append(f"{'  ' * self.depth}<{tag}>{escape(clean_text(value))}</{tag}>")


def _names(party: Party, fallback: str) -> tuple[str, str]:
    """(Name, Company): Name is required, so the company (or the order number) stands in."""
    name, company = text(party.name), text(party.company)
    if name:
        return name, company
    return (company, "") if company else (fallback, "")


def _addresses(line1: str, line2: str) -> tuple[str, str]:
    """Address1 and Address2 within their limit; what Address1 cannot hold moves to the front of
    Address2 when both fit there (a long Japanese address line keeps its building name)."""
    line1, line2 = text(line1), text(line2)
    first = cut(line1, facts.ADDRESS_MAX)
    if first != line1:
        moved = f"{line1[len(first) :].strip()} {line2}".strip()
        if utf16_length(moved) <= facts.ADDRESS_MAX:
            return first, moved
    return first, cut(line2, facts.ADDRESS_MAX)


def _item_chunks(quantity: int) -> list[int]:
    """Quantity split into ShipStation's 1..99999 (0: no item). Above 99999 the parts share the
    LineItemID, so ship notices still add up per line (UNCERTAIN, see facts)."""
    if quantity < facts.QUANTITY_MIN:
        return []
    full, rest = divmod(quantity, facts.QUANTITY_MAX)
    return [facts.QUANTITY_MAX] * full + ([rest] if rest else [])


def _write_item(w: _Writer, item: ExportItem, quantity: int) -> None:
    options = [(text(k), text(v)) for k, v in item.options]
    options = [(k, v) for k, v in options if k][: facts.OPTIONS_MAX]
    name = text(item.name, facts.ITEM_NAME_MAX) or text(item.sku, facts.ITEM_NAME_MAX)
    w.open("Item")
    w.text("LineItemID", item.line_item_id, facts.LINE_ITEM_ID_MAX)
    w.text("SKU", text(item.sku, facts.SKU_MAX) or fallback_sku(item.name, item.options))
    w.text("Name", name or "-")
    if text(item.image_url):
        w.text("ImageUrl", item.image_url)
    if item.weight_grams and item.weight_grams > 0:
        w.plain("Weight", str(int(item.weight_grams)))
        w.plain("WeightUnits", facts.WEIGHT_UNITS_GRAMS)
    w.plain("Quantity", str(quantity))
    w.plain("UnitPrice", money(item.unit_price))
    w.text("Location", item.location, facts.LOCATION_MAX)
    if options:
        w.open("Options")
        for option_name, option_value in options:
            w.open("Option")
            w.text("Name", option_name, facts.OPTION_NAME_MAX)
            w.text("Value", option_value, facts.OPTION_VALUE_MAX)
            w.close("Option")
        w.close("Options")
    w.close("Item")


def _write_discount(w: _Writer, order: OrderForExport) -> None:
    amount = order.discount_amount
    if amount is None or Decimal(amount) <= 0:
        return
    code = text(order.discount_code, facts.SKU_MAX)
    w.open("Item")
    w.text("LineItemID", facts.DISCOUNT_LINE_ITEM_ID)
    w.text("SKU", code or facts.DISCOUNT_DEFAULT_SKU)
    w.text("Name", f"Coupon {code}" if code else "Discount", facts.ITEM_NAME_MAX)
    w.plain("Quantity", "1")
    w.plain("UnitPrice", money(-Decimal(amount)))
    w.plain("Adjustment", "true")
    w.close("Item")


def _write_order(w: _Writer, order: OrderForExport) -> None:
    order_id = text(order.order_id, facts.ORDER_ID_MAX)
    number = text(order.order_number, facts.ORDER_NUMBER_MAX) or order_id
    status = text(order.order_status, facts.ORDER_STATUS_MAX)
    if not order_id or not status:
        raise ValueError("an order needs an OrderID and an OrderStatus")
    ship_name, ship_company = _names(order.ship_to, number)
    bill_to = order.bill_to or order.ship_to
    bill_name, bill_company = _names(bill_to, number)
    address1, address2 = _addresses(order.ship_to.address1, order.ship_to.address2)
    shipping = order.shipping_amount if order.shipping_amount is not None else Decimal(0)

    w.open("Order")
    w.text("OrderID", order_id)
    w.text("OrderNumber", number)
    w.plain("OrderDate", format_datetime(order.order_date))
    w.plain("LastModified", format_datetime(order.last_modified))
    w.text("OrderStatus", status)
    w.text("ShippingMethod", order.shipping_method, facts.SHIPPING_METHOD_MAX)
    w.text("PaymentMethod", order.payment_method, facts.PAYMENT_METHOD_MAX)
    currency = text(order.currency).upper()
    if len(currency) == facts.CURRENCY_LENGTH and currency.isascii() and currency.isalpha():
        w.plain("CurrencyCode", currency)
    w.plain("OrderTotal", money(order.order_total))
    if order.tax_amount is not None:
        w.plain("TaxAmount", money(order.tax_amount))
    w.plain("ShippingAmount", money(min(Decimal(shipping), facts.SHIPPING_AMOUNT_MAX)))
    w.text("CustomerNotes", order.customer_notes, facts.NOTES_MAX)
    w.text("InternalNotes", order.internal_notes, facts.NOTES_MAX)
    w.plain("Gift", "true" if order.gift else "false")
    w.text("GiftMessage", order.gift_message, facts.GIFT_MESSAGE_MAX)
    for index, value in enumerate(order.custom_fields[:3], start=1):
        w.text(f"CustomField{index}", value, facts.CUSTOM_FIELD_MAX)

    w.open("Customer")
    w.text("CustomerCode", customer_code(order.customer_code, order.ship_to, order_id))
    w.open("BillTo")
    w.text("Name", bill_name, facts.PARTY_NAME_MAX)
    w.text("Company", bill_company, facts.COMPANY_MAX)
    w.text("Phone", bill_to.phone, facts.PHONE_MAX)
    w.text("Email", bill_to.email)
    w.close("BillTo")
    w.open("ShipTo")
    w.text("Name", ship_name, facts.PARTY_NAME_MAX)
    w.text("Company", ship_company, facts.COMPANY_MAX)
    w.text("Address1", address1)
    w.text("Address2", address2)
    w.text("City", order.ship_to.city, facts.CITY_MAX)
    w.text("State", order.ship_to.state, facts.STATE_MAX)
    w.text("PostalCode", order.ship_to.postal_code, facts.POSTAL_CODE_MAX)
    w.text("Country", text(order.ship_to.country).upper(), facts.COUNTRY_LENGTH)
    w.text("Phone", order.ship_to.phone, facts.PHONE_MAX)
    w.close("ShipTo")
    w.close("Customer")

    w.open("Items")
    for item in order.items:
        for quantity in _item_chunks(item.quantity):
            _write_item(w, item, quantity)
    _write_discount(w, order)
    w.close("Items")
    w.close("Order")


def build_orders_document(orders: Sequence[OrderForExport], *, pages: int) -> bytes:
    """The UTF-8 `<Orders pages="N">` document for one export page.

    `pages` is the total page count of the window (page_count()); with no orders the answer is
    `<Orders pages="N"/>` — `pages="0"` for an empty window — never an empty body.
    """
    if pages < 0 or (orders and pages < 1):
        raise ValueError(f"pages={pages} cannot hold {len(orders)} orders")
    if not orders:
        return f'{facts.XML_DECLARATION}\n<Orders pages="{int(pages)}"/>\n'.encode()
    w = _Writer()
    w.lines.append(facts.XML_DECLARATION)
    w.lines.append(f'<Orders pages="{int(pages)}">')
    w.depth = 1
    for order in orders:
        _write_order(w, order)
    w.lines.append("</Orders>")
    return ("\n".join(w.lines) + "\n").encode("utf-8")
