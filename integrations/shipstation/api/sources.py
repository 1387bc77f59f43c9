"""ShipStation labels as a `ShipmentSource` for the shared pull (integrations.sync, .listing).

A V1 "shipment" / V2 "label" is one Hakobu shipment; its order's number is the note's number
(`reference`), its items name the note lines by id (partial shipments). Each window is read
through the listings below, page by page side by side (one page of the reader = a page of each):
- the labels *created* in the window (voided ones come back with `voided: true`);
- the labels created *before* the window and voided since: the sync's trailing window re-reads
  only recent labels, and a label voided a week later must still un-ship its note. V1 lists
  them with `voidDateStart` (+ `createDateEnd`); V2 has no void-date filter, so its voided labels
  created up to facts.V2_VOID_LOOKBACK_DAYS before the window are listed again.
- the *fulfillments* created in the window: orders marked shipped without a ShipStation label
  ("Mark as Shipped"), which never appear among the labels; each ships its whole note. That
  endpoint's shape is uncertain (facts): when it is missing or refuses the window, the labels
  still sync.
A listing that came back empty is not asked again for that window. Window bounds are widened to
whole seconds (never narrower than asked). V2 labels carry no note number: it is read from the
label's shipment once per run and added to the raw item as `shipment_number`, so a stored
unmatched item parses again on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from integrations.listing import Window
from integrations.records import MalformedShipment, PlatformShipment
from integrations.shipstation import facts
from integrations.shipstation.api.clients import V1Client, V2Client, make_client, v2_id
from integrations.shipstation.api.orders import pacific

_PACIFIC = ZoneInfo(facts.V1_TIME_ZONE)
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?"
)


# --- Dates --------------------------------------------------------------------------------------


def _floor(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _ceil(moment: datetime) -> datetime:
    return _floor(moment) + timedelta(seconds=1) if moment.microsecond else moment


def iso_utc(moment: datetime) -> str:
    """An instant as V2 writes dates: `2026-11-22T01:12:00.000Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def parse_moment(value: object, naive_zone: tzinfo = UTC) -> datetime | None:
    """An aware UTC instant from ISO-like text (1-7 fraction digits); without an offset it is
    in `naive_zone` (US Pacific for V1). None when unreadable."""
    match = _DATE_TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    day, clock, fraction, offset = match.groups()
    clock = clock if clock.count(":") == 2 else f"{clock}:00"
    text = f"{day}T{clock}.{(fraction or '0')[:6].ljust(6, '0')}"
    if offset:
        text += "+00:00" if offset == "Z" else offset
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return moment.astimezone(UTC)


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _money(value: object) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("amount")
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _lines(items: object, key: str) -> tuple[tuple[int, int], ...]:
    """(note line id, quantity) summed per line; items not keyed by a note line are ignored."""
    totals: dict[int, int] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        line, quantity = str(item.get(key) or "").strip(), item.get("quantity")
        if line.isascii() and line.isdigit() and isinstance(quantity, int) and quantity > 0:
            totals[int(line)] = totals.get(int(line), 0) + quantity
    return tuple(sorted(totals.items()))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- Parsing ------------------------------------------------------------------------------------


def parse_v1_shipment(item: Any) -> PlatformShipment:
    """A V1 `/shipments` entry; `external_id` is the label id in V2 form (`se-<shipmentId>`)."""
    if not isinstance(item, dict):
        raise MalformedShipment("a shipment is not a JSON object")
    external_id = v2_id(item.get("shipmentId"))
    if not external_id:
        raise MalformedShipment("a shipment has no shipmentId")
    created = parse_moment(item.get("createDate"), _PACIFIC)
    if created is None:
        raise MalformedShipment("a shipment has no readable createDate", external_id)
    tracking = _text(item.get("trackingNumber"))
    return PlatformShipment(
        external_id=external_id,
        reference=_text(item.get("orderNumber")),
        carrier=_text(item.get("carrierCode")),
        service=_text(item.get("serviceCode")),
        tracking_numbers=(tracking,) if tracking else (),
        ship_date=_day(item.get("shipDate")),
        cancelled=bool(item.get("voided")),
        created_at=created,
        lines=_lines(item.get("shipmentItems"), "lineItemKey"),
        cost=_money(item.get("shipmentCost")),
    )


def bought_in_hakobu(item: dict[str, Any]) -> bool:
    """A label Hakobu bought in method 3 (its shipment carries Hakobu's purchase reference):
    a test label of that kind was recorded on purpose and stays a shipment (facts)."""
    reference = _text(item.get("external_shipment_id"))
    return reference.startswith(f"{facts.LABEL_REFERENCE_PREFIX}-")


def parse_v2_label(item: Any) -> PlatformShipment:
    """A V2 label (with the `shipment_number` the source added)."""
    if not isinstance(item, dict):
        raise MalformedShipment("a label is not a JSON object")
    external_id = _text(item.get("label_id"))
    if not external_id:
        raise MalformedShipment("a label has no label_id")
    created = parse_moment(item.get("created_at"))
    if created is None:
        raise MalformedShipment("a label has no readable created_at", external_id)
    numbers = [_text(item.get("tracking_number"))]
    for package in item.get("packages") or []:
        if isinstance(package, dict):
            numbers.append(_text(package.get("tracking_number")))
    dead = bool(item.get("voided")) or item.get("status") in facts.V2_DEAD_LABEL_STATUSES
    return PlatformShipment(
        external_id=external_id,
        reference=_text(item.get("shipment_number")),
        carrier=_text(item.get("carrier_code")),
        service=_text(item.get("service_code")),
        tracking_numbers=tuple(dict.fromkeys(n for n in numbers if n)),
        ship_date=_day(item.get("ship_date")),
        cancelled=dead,
        created_at=created,
        test=bool(item.get("test_label")) and not bought_in_hakobu(item),
        lines=_lines(item.get(facts.V2_LABEL_ITEMS_FIELD), facts.V2_LINE_KEY),
        cost=_money(item.get("shipment_cost")),
    )


def _fulfillment_id(value: object) -> str:
    text = str(value).strip() if isinstance(value, int | str) and value != "" else ""
    return f"{facts.FULFILLMENT_ID_PREFIX}{text}" if text else ""


def parse_fulfillment(
    item: dict[str, Any], fields: Mapping[str, Any], naive_zone: tzinfo = UTC
) -> PlatformShipment:
    """A fulfillment (an order marked shipped without a label; it ships the whole note), read
    through its version's field names (facts.V1_FULFILLMENT_FIELDS / V2_FULFILLMENT_FIELDS)."""
    external_id = _fulfillment_id(item.get(fields["id"]))
    if not external_id:
        raise MalformedShipment(f"a fulfillment has no {fields['id']}")
    created = parse_moment(item.get(fields["created"]), naive_zone)
    if created is None:
        raise MalformedShipment(f"a fulfillment has no readable {fields['created']}", external_id)
    tracking = _text(item.get(fields["tracking"]))
    carrier = next((c for c in (_text(item.get(f)) for f in fields["carrier"]) if c), "")
    return PlatformShipment(
        external_id=external_id,
        reference=_text(item.get(fields["reference"])),
        carrier=carrier,
        service=_text(item.get(fields["service"])),
        tracking_numbers=(tracking,) if tracking else (),
        ship_date=_day(item.get(fields["ship_date"])),
        cancelled=bool(item.get("voided")),
        created_at=created,
    )


# --- Sources ------------------------------------------------------------------------------------


#: The listing of orders marked shipped without a label (see facts.V1_FULFILLMENTS_PATH).
FULFILLED = "fulfilled"


class _TwoListings:
    """Pages of every listing for a window; a listing that ran dry is not asked again."""

    platform_name = facts.API_PLATFORM_NAME
    first_page = 1

    def __init__(self) -> None:
        self._dry: dict[tuple[Window, str], int] = {}  # (window, listing) -> empty page

    def fetch_page(self, window: Window, page: int) -> list[Any]:
        items: list[Any] = []
        for name, params in self._listings(window):
            dry = self._dry.get((window, name))
            if dry is not None and page > dry:
                continue
            found = self._page(name, params, page)
            if not found:
                self._dry[(window, name)] = page
            items.extend(found)
        return items

    def _listings(self, window: Window) -> Iterator[tuple[str, dict[str, Any]]]:
        raise NotImplementedError

    def _page(self, listing: str, params: dict[str, Any], page: int) -> list[Any]:
        raise NotImplementedError


class V1ShipmentSource(_TwoListings):
    """V1 `GET /shipments` (labels made in ShipStation; orders marked shipped by hand are not
    listed there)."""

    def __init__(self, client: V1Client) -> None:
        super().__init__()
        self.client = client

    def _listings(self, window: Window) -> Iterator[tuple[str, dict[str, Any]]]:
        base = {"sortBy": "CreateDate", "sortDir": "ASC"}
        created = dict(base)
        if window.after is not None:
            created["createDateStart"] = pacific(_floor(window.after))
        if window.before is not None:
            created["createDateEnd"] = pacific(_ceil(window.before))
        yield "created", created
        if window.after is not None:
            voided = {**base, "voidDateStart": pacific(_floor(window.after))}
            voided["createDateEnd"] = pacific(_floor(window.after))
            if window.before is not None:
                voided["voidDateEnd"] = pacific(_ceil(window.before))
            yield "voided", voided
        # Only the window: no sort or other filter whose name is uncertain on this endpoint.
        yield FULFILLED, {k: v for k, v in created.items() if k.startswith("createDate")}

    def _page(self, listing: str, params: dict[str, Any], page: int) -> list[Any]:
        params = {**params, "page": page, "pageSize": facts.V1_PAGE_SIZE}
        if listing == FULFILLED:
            return self.client.fulfillments(params) or []
        params["includeShipmentItems"] = "true"
        return self.client.shipments(params)

    def parse(self, item: Any) -> PlatformShipment:
        if isinstance(item, dict) and facts.V1_FULFILLMENT_FIELDS["id"] in item:
            return parse_fulfillment(item, facts.V1_FULFILLMENT_FIELDS, _PACIFIC)
        return parse_v1_shipment(item)

    def close(self) -> None:
        self.client.close()


class V2LabelSource(_TwoListings):
    """V2 `GET /v2/labels`, each live label completed with its shipment's number."""

    def __init__(self, client: V2Client) -> None:
        super().__init__()
        self.client = client
        self._numbers: dict[str, str] = {}  # shipment_id -> shipment_number, for this run

    def _listings(self, window: Window) -> Iterator[tuple[str, dict[str, Any]]]:
        base = {"sort_by": "created_at", "sort_dir": "asc"}
        created = dict(base)
        if window.after is not None:
            created["created_at_start"] = iso_utc(_floor(window.after))
        if window.before is not None:
            created["created_at_end"] = iso_utc(_ceil(window.before))
        yield "created", created
        if window.after is not None:
            lookback = timedelta(days=facts.V2_VOID_LOOKBACK_DAYS)
            yield (
                "voided",
                {
                    **base,
                    "label_status": facts.V2_VOIDED_LABEL_STATUS,
                    "created_at_start": iso_utc(_floor(window.after - lookback)),
                    "created_at_end": iso_utc(_floor(window.after)),
                },
            )
        yield FULFILLED, {k: v for k, v in created.items() if k.startswith("created_at")}

    def _page(self, listing: str, params: dict[str, Any], page: int) -> list[Any]:
        params = {**params, "page": page, "page_size": facts.V2_PAGE_SIZE}
        if listing == FULFILLED:
            return self.client.fulfillments(params) or []
        labels = self.client.labels(params)
        for label in labels:
            if isinstance(label, dict) and not label.get("shipment_number"):
                self._add_number(label)
        return labels

    def _add_number(self, label: dict[str, Any]) -> None:
        """Only a live label needs its note: a dead one is matched by id, or skipped."""
        shipment_id = _text(label.get("shipment_id"))
        if not shipment_id or label.get("voided"):
            return
        if shipment_id not in self._numbers:
            shipment = self.client.shipment(shipment_id) or {}
            self._numbers[shipment_id] = _text(shipment.get("shipment_number"))
        if self._numbers[shipment_id]:
            label["shipment_number"] = self._numbers[shipment_id]

    def parse(self, item: Any) -> PlatformShipment:
        if isinstance(item, dict) and facts.V2_FULFILLMENT_FIELDS["id"] in item:
            return parse_fulfillment(item, facts.V2_FULFILLMENT_FIELDS)
        return parse_v2_label(item)

    def close(self) -> None:
        self.client.close()


def make_source(
    api_version: str,
    credentials: Mapping[str, str],
    *,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> V1ShipmentSource | V2LabelSource:
    """The shipment source for a brand (credential keys as for `make_pusher`)."""
    client = make_client(api_version, credentials, base_url=base_url, transport=transport)
    if isinstance(client, V1Client):
        return V1ShipmentSource(client)
    return V2LabelSource(client)
