"""Mode 3 over ShipStation's API: carriers, rates, labels, void, and "shipped elsewhere".

`make_shipping(api_version, credentials)` gives a `V1Shipping` or `V2Shipping` with one
interface, so the services never ask which version a brand uses. Both speak through the
version's client (integrations.shipstation.api.clients), so failures are the shared kinds:
`PushRefused` = ShipStation said no (its words), `TransientPlatformError` = unknown outcome.
What may be wrong about ShipStation is in facts.py ("Mode 3").
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from integrations.http import MalformedResponse, PlatformError, PlatformUnavailable
from integrations.shipstation import facts
from integrations.shipstation.api.clients import (
    V1Client,
    V2Client,
    _segment,
    make_client,
    v1_id,
    v2_id,
)
from integrations.shipstation.api.orders import pacific
from integrations.shipstation.api.shipping_types import (
    Address,
    BoughtLabel,
    Carrier,
    CarrierRates,
    Package,
    Parcel,
    Purchase,
    Rate,
)

__all__ = [
    "Address",
    "BoughtLabel",
    "Carrier",
    "CarrierRates",
    "Package",
    "Parcel",
    "Purchase",
    "Rate",
    "make_shipping",
]


def _money(value: object) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("amount")
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _centimetres(value: object) -> tuple[Decimal, Decimal, Decimal] | None:
    """V2 `dimensions {unit, length, width, height}` in cm; None when absent or unreadable."""
    if not isinstance(value, dict):
        return None
    factor = facts.CENTIMETRES_PER.get(_text(value.get("unit")))
    sides = [_money(value.get(name)) for name in ("length", "width", "height")]
    if factor is None or not all(side and side > 0 for side in sides):
        return None
    return tuple(round(side * factor, 1) for side in sides)  # type: ignore[return-value]


def download(url: str) -> bytes:
    """A label PDF by its link, without credentials (facts: another host than the API)."""
    try:
        response = httpx.get(url, timeout=30, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise PlatformUnavailable("ShipStation's label PDF could not be fetched.") from exc
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        raise PlatformUnavailable(f"ShipStation's label PDF answered HTTP {response.status_code}.")
    return response.content


class V2Shipping:
    def __init__(self, client: V2Client) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def carriers(self) -> list[Carrier]:
        body = self.client.get_json(facts.V2_CARRIERS_PATH)
        return [
            Carrier(
                id=str(c["carrier_id"]),
                code=_text(c.get("carrier_code")),
                name=_text(c.get("friendly_name")) or _text(c.get("nickname")) or c["carrier_id"],
            )
            for c in self.client._list(body, "carriers", "carriers")
            if isinstance(c, dict) and c.get("carrier_id")
        ]

    def packages(self, carrier: Carrier) -> list[Package]:
        path = facts.V2_PACKAGES_PATH.format(carrier_id=_segment(carrier.id))
        body = self.client.get_json(path)
        return [
            Package(
                code=_text(p.get("package_code")),
                name=_text(p.get("name")),
                dimensions_cm=_centimetres(p.get("dimensions")),
            )
            for p in self.client._list(body, "packages", "packages")
            if isinstance(p, dict) and p.get("package_code")
        ]

    @staticmethod
    def _address(address: Address) -> dict[str, Any]:
        return {
            "name": address.name or address.company,
            "company_name": address.company or None,
            "phone": address.phone,
            "address_line1": address.line1,
            "address_line2": address.line2 or None,
            "city_locality": address.city,
            "state_province": address.state,
            "postal_code": address.postal_code,
            "country_code": address.country,
            "address_residential_indicator": facts.V2_RESIDENTIAL_UNKNOWN,
        }

    def _shipment(self, parcel: Parcel) -> dict[str, Any]:
        package: dict[str, Any] = {
            "package_code": parcel.package_code or facts.DEFAULT_PACKAGE_CODE,
            "weight": {"value": parcel.weight_grams, "unit": facts.V2_WEIGHT_UNIT},
        }
        if parcel.dimensions_cm:
            length, width, height = (float(v) for v in parcel.dimensions_cm)
            package["dimensions"] = {
                "unit": "centimeter",
                "length": length,
                "width": width,
                "height": height,
            }
        return {
            "ship_from": self._address(parcel.ship_from),
            "ship_to": self._address(parcel.ship_to),
            "confirmation": parcel.confirmation,
            "packages": [package],
        }

    def rates(self, parcel: Parcel, carriers: Sequence[Carrier]) -> list[CarrierRates]:
        """One call for every carrier; a carrier's failure comes back beside it."""
        by_id = {c.id: c for c in carriers}
        body = self.client.post_json(
            facts.V2_RATES_PATH,
            {
                "shipment": self._shipment(parcel),
                "rate_options": {"carrier_ids": list(by_id)},
            },
        )
        answer = body.get("rate_response") if isinstance(body, dict) else None
        if not isinstance(answer, dict):
            raise MalformedResponse("ShipStation answered rates without a rate_response.")
        found: dict[str, list[Rate]] = {cid: [] for cid in by_id}
        errors: dict[str, list[str]] = {cid: [] for cid in by_id}
        for raw in answer.get("rates") or []:
            rate = self._rate(raw, by_id)
            if rate is not None:
                found[rate.carrier_id].append(rate)
        for raw in [*(answer.get("errors") or []), *(answer.get("invalid_rates") or [])]:
            if not isinstance(raw, dict):
                continue
            messages = raw.get("error_messages") or [raw.get("message")]
            text = "; ".join(m for m in (_text(m) for m in messages) if m)
            target = [str(raw["carrier_id"])] if raw.get("carrier_id") in by_id else list(by_id)
            for cid in target:
                errors[cid].append(text or "ShipStation gave no rate for this carrier.")
        return [
            CarrierRates(
                carrier=carrier,
                rates=tuple(found[cid]),
                error="; ".join(dict.fromkeys(errors[cid])),
            )
            for cid, carrier in by_id.items()
        ]

    @staticmethod
    def _rate(raw: Any, by_id: Mapping[str, Carrier]) -> Rate | None:
        if not isinstance(raw, dict) or raw.get("carrier_id") not in by_id:
            return None
        amount = _money(raw.get("shipping_amount"))
        if amount is None:
            return None
        amount += _money(raw.get("other_amount")) or 0
        carrier = by_id[raw["carrier_id"]]
        days = raw.get("delivery_days")
        return Rate(
            carrier_id=carrier.id,
            carrier_code=_text(raw.get("carrier_code")) or carrier.code,
            carrier_name=_text(raw.get("carrier_friendly_name")) or carrier.name,
            service_code=_text(raw.get("service_code")),
            service_name=_text(raw.get("service_type")) or _text(raw.get("service_code")),
            cost=amount,
            currency=_text((raw.get("shipping_amount") or {}).get("currency")).upper(),
            delivery_days=days if isinstance(days, int) else None,
            estimated_delivery=_day(raw.get("estimated_delivery_date")),
        )

    def buy(self, purchase: Purchase) -> BoughtLabel:
        shipment = self._shipment(purchase.parcel) | {
            "carrier_id": purchase.rate.carrier_id,
            "service_code": purchase.rate.service_code,
            "external_shipment_id": purchase.reference,
            "shipment_number": purchase.number,
            "items": [dict(item) for item in purchase.items],
        }
        body = self.client.post_json(
            facts.V2_LABELS_CREATE_PATH,
            {"shipment": shipment, "test_label": purchase.test, "label_format": "pdf"},
        )
        return self._label(body)

    def _label(self, body: Any) -> BoughtLabel:
        if not isinstance(body, dict) or not body.get("label_id"):
            raise MalformedResponse("ShipStation answered the label without a label_id.")
        cost = _money(body.get("shipment_cost"))
        download_links = body.get("label_download") or {}
        return BoughtLabel(
            label_id=_text(body["label_id"]),
            tracking_number=_text(body.get("tracking_number")),
            carrier_code=_text(body.get("carrier_code")),
            service_code=_text(body.get("service_code")),
            cost=cost,
            currency=_text((body.get("shipment_cost") or {}).get("currency")).upper(),
            ship_date=_day(body.get("ship_date")),
            pdf_url=_text(download_links.get("pdf")) or _text(download_links.get("href")),
            voided=bool(body.get("voided")) or body.get("status") == facts.V2_VOIDED_LABEL_STATUS,
        )

    def find(self, reference: str, since: datetime) -> BoughtLabel | None:
        """The live label bought under `reference`, None when ShipStation has none."""
        shipment = self.client.shipment_by_key(reference)
        if not shipment or not shipment.get("shipment_id"):
            return None
        labels = self.client.labels({"shipment_id": shipment["shipment_id"]})
        for raw in labels:
            label = self._label(raw)
            if not label.voided:
                return label
        return None

    def void(self, label_id: str) -> tuple[bool, str]:
        path = facts.V2_VOID_PATH.format(label_id=_segment(v2_id(label_id)))
        body = self.client.request_json("PUT", path)
        body = body if isinstance(body, dict) else {}
        return bool(body.get("approved")), _text(body.get("message"))

    def mark_shipped(
        self, *, number: str, order_id: str, label: BoughtLabel, carrier_code: str
    ) -> int:
        """Tell ShipStation the note's open shipments left with this label; how many."""
        ids = [order_id] if order_id else self._open_shipments(number)
        if not ids:
            return 0
        entries = [
            {
                "shipment_id": v2_id(shipment_id),
                "tracking_number": label.tracking_number,
                "carrier_code": carrier_code,
                "ship_date": (label.ship_date or date.today()).isoformat(),
                "notify_customer": False,
                "notify_order_source": False,
            }
            for shipment_id in ids
        ]
        self.client.post_json(facts.V2_FULFILLMENTS_PATH, {"fulfillments": entries})
        return len(entries)

    def _open_shipments(self, number: str) -> list[str]:
        body = self.client.get_json(facts.V2_SHIPMENTS_PATH, {"shipment_number": number})
        return [
            str(s["shipment_id"])
            for s in self.client._list(body, "shipments", "shipments")
            if isinstance(s, dict)
            and s.get("shipment_id")
            and s.get("shipment_number") == number
            and s.get("shipment_status") not in facts.V2_FINAL_SHIPMENT_STATUSES
        ]


class V1Shipping:
    def __init__(self, client: V1Client) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def carriers(self) -> list[Carrier]:
        body = self.client.get_json(facts.V1_CARRIERS_PATH)
        return [
            Carrier(id=_text(c["code"]), code=_text(c["code"]), name=_text(c.get("name")))
            for c in self.client._list(body, None, "carriers")
            if isinstance(c, dict) and c.get("code")
        ]

    def packages(self, carrier: Carrier) -> list[Package]:
        body = self.client.get_json(facts.V1_PACKAGES_PATH, {"carrierCode": carrier.code})
        return [
            Package(code=_text(p.get("code")), name=_text(p.get("name")))
            for p in self.client._list(body, None, "packages")
            if isinstance(p, dict) and p.get("code")
        ]

    @staticmethod
    def _weight(parcel: Parcel) -> dict[str, Any]:
        return {"value": parcel.weight_grams, "units": facts.V1_WEIGHT_UNITS}

    @staticmethod
    def _dimensions(parcel: Parcel) -> dict[str, Any] | None:
        if not parcel.dimensions_cm:
            return None
        length, width, height = (float(v) for v in parcel.dimensions_cm)
        # V1 dimension units are inches or centimeters (likely)
        return {"units": "centimeters", "length": length, "width": width, "height": height}

    def rates(self, parcel: Parcel, carriers: Sequence[Carrier]) -> list[CarrierRates]:
        """V1 rates one carrier a call; a failing carrier keeps its error, the others their rates."""
        results = []
        for carrier in carriers:
            payload = {
                "carrierCode": carrier.code,
                "packageCode": parcel.package_code or None,
                "fromPostalCode": parcel.ship_from.postal_code,
                "toState": parcel.ship_to.state or None,
                "toCountry": parcel.ship_to.country,
                "toPostalCode": parcel.ship_to.postal_code,
                "toCity": parcel.ship_to.city or None,
                "weight": self._weight(parcel),
                "dimensions": self._dimensions(parcel),
                "confirmation": parcel.confirmation,
                "residential": False,
            }
            try:
                body = self.client.post_json(facts.V1_RATES_PATH, payload)
                items = self.client._list(body, None, "rates")
            except PlatformError as exc:
                results.append(CarrierRates(carrier=carrier, error=str(exc)))
                continue
            rates = []
            for raw in items:
                cost = _money(raw.get("shipmentCost")) if isinstance(raw, dict) else None
                if cost is None:
                    continue
                rates.append(
                    Rate(
                        carrier_id=carrier.id,
                        carrier_code=carrier.code,
                        carrier_name=carrier.name,
                        service_code=_text(raw.get("serviceCode")),
                        service_name=_text(raw.get("serviceName")) or _text(raw.get("serviceCode")),
                        cost=cost + (_money(raw.get("otherCost")) or 0),
                        currency="",  # V1 answers in the account's currency, unnamed
                    )
                )
            results.append(CarrierRates(carrier=carrier, rates=tuple(rates)))
        return results

    @staticmethod
    def _address(address: Address) -> dict[str, Any]:
        return {
            "name": address.name or address.company,
            "company": address.company or None,
            "street1": address.line1,
            "street2": address.line2 or None,
            "city": address.city,
            "state": address.state,
            "postalCode": address.postal_code,
            "country": address.country,
            "phone": address.phone,
            "residential": False,
        }

    def buy(self, purchase: Purchase) -> BoughtLabel:
        parcel = purchase.parcel
        body = self.client.post_json(
            facts.V1_CREATE_LABEL_PATH,
            {
                "carrierCode": purchase.rate.carrier_code,
                "serviceCode": purchase.rate.service_code,
                "packageCode": parcel.package_code or facts.DEFAULT_PACKAGE_CODE,
                "confirmation": parcel.confirmation,
                "shipDate": date.today().isoformat(),
                "weight": self._weight(parcel),
                "dimensions": self._dimensions(parcel),
                "shipFrom": self._address(parcel.ship_from),
                "shipTo": self._address(parcel.ship_to),
                "testLabel": purchase.test,
                "advancedOptions": {
                    facts.V1_REFERENCE_FIELD: purchase.reference,
                    facts.V1_NUMBER_FIELD: purchase.number,
                },
            },
        )
        return self._label(body)

    @staticmethod
    def _label(body: Any) -> BoughtLabel:
        if not isinstance(body, dict) or body.get("shipmentId") is None:
            raise MalformedResponse("ShipStation answered the label without a shipmentId.")
        pdf = b""
        if _text(body.get("labelData")):
            try:
                pdf = base64.b64decode(body["labelData"], validate=False)
            except (binascii.Error, ValueError):
                pdf = b""
        return BoughtLabel(
            label_id=v2_id(body["shipmentId"]),
            tracking_number=_text(body.get("trackingNumber")),
            carrier_code=_text(body.get("carrierCode")),
            service_code=_text(body.get("serviceCode")),
            cost=_money(body.get("shipmentCost")),
            currency="",
            ship_date=_day(body.get("shipDate")),
            pdf=pdf,
            voided=bool(body.get("voided")),
        )

    def find(self, reference: str, since: datetime) -> BoughtLabel | None:
        start = since - timedelta(minutes=facts.V1_LOOKUP_MARGIN_MINUTES)
        for page in range(1, facts.V1_LOOKUP_MAX_PAGES + 1):
            params = {
                "createDateStart": pacific(start),
                "page": page,
                "pageSize": facts.V1_PAGE_SIZE,
            }
            body = self.client.get_json(facts.V1_SHIPMENTS_PATH, params)
            items = self.client._list(body, "shipments", "shipments")
            for raw in items:
                if not isinstance(raw, dict) or raw.get("voided"):
                    continue
                advanced = raw.get("advancedOptions") or {}
                if reference in (raw.get("orderKey"), advanced.get(facts.V1_REFERENCE_FIELD)):
                    return self._label(raw)
            pages = body.get("pages") if isinstance(body, dict) else None
            if not items or not isinstance(pages, int) or page >= pages:
                break
        return None

    def void(self, label_id: str) -> tuple[bool, str]:
        body = self.client.post_json(facts.V1_VOID_LABEL_PATH, {"shipmentId": v1_id(label_id)})
        body = body if isinstance(body, dict) else {}
        return bool(body.get("approved")), _text(body.get("message"))

    def mark_shipped(
        self, *, number: str, order_id: str, label: BoughtLabel, carrier_code: str
    ) -> int:
        ids = [v1_id(order_id)] if v1_id(order_id) else self._open_orders(number)
        for order in ids:
            self.client.post_json(
                facts.V1_MARK_SHIPPED_PATH,
                {
                    "orderId": order,
                    "carrierCode": carrier_code,
                    "shipDate": (label.ship_date or date.today()).isoformat(),
                    "trackingNumber": label.tracking_number,
                    "notifyCustomer": False,
                    "notifySalesChannel": False,
                },
            )
        return len(ids)

    def _open_orders(self, number: str) -> list[int]:
        body = self.client.get_json(facts.V1_ORDERS_PATH, {"orderNumber": number})
        return [
            int(o["orderId"])
            for o in self.client._list(body, "orders", "orders")
            if isinstance(o, dict)
            and o.get("orderNumber") == number
            and o.get("orderStatus") not in facts.V1_FINAL_ORDER_STATUSES
            and v1_id(o.get("orderId"))
        ]


def make_shipping(
    api_version: str,
    credentials: Mapping[str, str],
    *,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> V1Shipping | V2Shipping:
    """The mode-3 API of a brand's version; ValueError when its credentials are missing."""
    client = make_client(api_version, credentials, base_url=base_url, transport=transport)
    if isinstance(client, V1Client):
        return V1Shipping(client)
    return V2Shipping(client)
