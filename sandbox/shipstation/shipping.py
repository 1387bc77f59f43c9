"""Mode 3, ShipStation as a shipping service: carriers' services and packages, rates that depend
on weight and destination, labels bought without an order, and void — on V1 and V2.

V2: ``GET /carriers/{id}/services``, ``GET /carriers/{id}/packages``, ``POST /rates`` with an
inline ``shipment`` (``ship_to``, ``ship_from``, ``packages[{weight, dimensions, package_code}]``)
→ ``rate_response{rates, errors[{carrier_id, carrier_code, message}], status}``; ``POST /labels``
``{shipment{carrier_id, service_code, external_shipment_id, shipment_number, ship_to, ship_from,
packages, items}, test_label}`` → a label (its shipment is gettable by ``external_shipment_id``).
V1: ``GET /carriers/listpackages?carrierCode=``, ``POST /shipments/getrates`` (one carrier a
call) → ``[{serviceName, serviceCode, shipmentCost, otherCost}]``, ``POST /shipments/createlabel``
→ the V1 shipment with ``labelData`` (base64 PDF), ``POST /shipments/voidlabel {shipmentId}`` →
``{approved, message}``. A bought label lives on a hidden order (source ``label``, not in
``GET /orders``) so every listing of labels (V1 ``/shipments``, V2 ``/labels``) shows it, with
the caller's reference as ``orderKey`` and ``advancedOptions.customField1``.
Fault knob: ``/_faults {"api", "slow_label": seconds}`` — the next label is created, then its
answer waits that long (a client timing out after ShipStation bought the label).
"""

from __future__ import annotations

import base64
import math
import time
from datetime import timedelta
from typing import Any

from sandbox.common.pdf import render_label_pdf
from sandbox.common.web import HttpError, Request, Response, json_response
from sandbox.shipstation import dates
from sandbox.shipstation.facts import (
    CARRIERS,
    PACKAGES,
    RATE_ABROAD_FACTOR,
    RATE_BASE,
    RATE_BASE_STEP,
    RATE_ERROR_CARRIER,
    RATE_ERROR_MESSAGE,
    RATE_PER_HALF_KILO,
    RATE_SERVICE_STEP,
    STATE_REQUIRED_CARRIERS,
)
from sandbox.shipstation.labels import find_label, label_lines, make_label, v1_shipment, void_label
from sandbox.shipstation.orders import new_order, set_items
from sandbox.shipstation.state import ShipStationState, Tx
from sandbox.shipstation.v2_model import carrier_id, money, se, v2_label

GRAMS_PER = {"gram": 1.0, "grams": 1.0, "kilogram": 1000.0, "ounce": 28.3495, "ounces": 28.3495}
GRAMS_PER |= {"pound": 453.592, "pounds": 453.592}


def grams(weight: Any) -> float:
    """A V1 ``{value, units}`` or V2 ``{value, unit}`` weight in grams; 400 when unusable."""
    if not isinstance(weight, dict):
        raise HttpError(400, "weight is required.")
    unit = str(weight.get("unit") or weight.get("units") or "").lower()
    value = weight.get("value")
    if unit not in GRAMS_PER or not isinstance(value, int | float) or value <= 0:
        raise HttpError(400, "weight must have a value > 0 and a known unit.")
    return float(value) * GRAMS_PER[unit]


def code_of(value: str) -> str:
    """A carrier code from a V2 carrier_id (``se-<n>``) or a code; 400 when unknown."""
    for code in CARRIERS:
        if value in (code, carrier_id(code)):
            return code
    raise HttpError(400, f"Unknown carrier {value!r}.")


def quote(code: str, weight_grams: float, abroad: bool) -> list[dict[str, Any]]:
    """Every service of one carrier: (service code, name, amount, delivery days)."""
    index = list(CARRIERS).index(code)
    halves = max(1, math.ceil(weight_grams / 500))
    quotes = []
    services = CARRIERS[code][1]
    for number, (service, name) in enumerate(services):  # the first is the fastest, dearest
        amount = RATE_BASE + RATE_BASE_STEP * index + RATE_PER_HALF_KILO * halves
        amount += RATE_SERVICE_STEP * (len(services) - 1 - number)
        amount *= RATE_ABROAD_FACTOR if abroad else 1
        days = (4 if abroad else 1) + index + 2 * number
        quotes.append({"service": service, "name": name, "amount": round(amount, 2), "days": days})
    return quotes


def _carrier_error(code: str, state_province: str) -> str:
    if code == RATE_ERROR_CARRIER:
        return RATE_ERROR_MESSAGE
    if code in STATE_REQUIRED_CARRIERS and not state_province:
        return f"{CARRIERS[code][0]}: toState is required."
    return ""


# --- the label itself -------------------------------------------------------------------


def buy(
    state: ShipStationState,
    account_id: str,
    api: str,
    *,
    carrier: str,
    service: str,
    package: str,
    ship_to: dict[str, Any],
    weight_grams: float,
    reference: str,
    number: str,
    items: list[dict[str, Any]],
    test: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Create the hidden order and its label; (order, label) as stored."""
    if service not in {s for s, _n in CARRIERS[carrier][1]}:
        raise HttpError(400, f"Carrier {carrier} has no service {service!r}.")
    with state.write(account_id) as tx:
        order = _hidden_order(tx, ship_to, reference, number, items)
        label = make_label(tx, order, carrier=carrier, service=service)
        abroad = (ship_to.get("country") or "JP") != _origin_country(tx)
        amount = next(q for q in quote(carrier, weight_grams, abroad) if q["service"] == service)
        label.update(shipmentCost=amount["amount"], packageCode=package or "package", test=test)
    delay = state.take_label_delay(account_id, api)
    if delay:
        time.sleep(delay)  # the label exists; the caller times out before it hears of it
    return order, label


def _origin_country(tx: Tx) -> str:
    warehouse = next(w for w in tx.account["warehouses"] if w["isDefault"])
    return warehouse["originAddress"]["country"]


def _hidden_order(
    tx: Tx, ship_to: dict[str, Any], reference: str, number: str, items: list[dict[str, Any]]
) -> dict[str, Any]:
    now = dates.stamp(dates.now())
    order = new_order(tx, "label", now)
    order.update(
        orderNumber=number or f"label-{order['orderId']}",
        orderKey=reference or f"ss-{order['orderId']}",
        orderStatus="awaiting_shipment",
        shipTo=ship_to,
        advancedOptions={"customField1": reference or None, "storeId": None},
    )
    lines = [
        {
            "lineItemKey": str(i.get("key") or "") or None,
            "sku": i.get("sku") or "PARCEL",
            "name": i.get("name") or "Parcel",
            "quantity": int(i.get("quantity") or 1),
        }
        for i in items
        if isinstance(i, dict)
    ] or [{"lineItemKey": None, "sku": "PARCEL", "name": "Parcel", "quantity": 1}]
    set_items(tx, order, lines, now)
    tx.account["orders"].append(order)
    return order


def pdf_bytes(order: dict[str, Any], label: dict[str, Any]) -> bytes:
    return render_label_pdf(label_lines(order, label))


# --- V2 ---------------------------------------------------------------------------------


def route_v2(
    state: ShipStationState, request: Request, path: str, account_id: str
) -> Response | None:
    """The mode-3 V2 calls; None for any other path."""
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "carriers" and parts[2] in ("services", "packages"):
        request.require("GET")
        code = code_of(parts[1])
        if parts[2] == "services":
            services = [
                {"carrier_id": carrier_id(code), "carrier_code": code, "service_code": s, "name": n}
                for s, n in CARRIERS[code][1]
            ]
            return json_response(200, {"services": services})
        packages = [
            {
                "package_id": se(900 + index),
                "package_code": package,
                "name": name,
                "description": name,
                "dimensions": dict(zip(("length", "width", "height"), size, strict=True))
                | {"unit": "centimeter"}
                if size
                else None,
            }
            for index, (package, name, size) in enumerate(PACKAGES[code])
        ]
        return json_response(200, {"packages": packages})
    if path == "/rates" and request.method == "POST":
        payload = request.json()
        return _v2_rates(payload) if "shipment" in payload else None
    if path == "/labels" and request.method == "POST":
        return _v2_label(state, request, account_id)
    if path == "/fulfillments" and request.method == "POST":
        return _v2_fulfillments(state, request.json(), account_id)
    return None


def _v2_fulfillments(state: ShipStationState, payload: dict[str, Any], account_id: str) -> Response:
    """Shipped elsewhere: each entry marks its shipment shipped, like V1 markasshipped."""
    from sandbox.shipstation.v1 import mark_shipped

    results = []
    for entry in payload.get("fulfillments") or []:
        entry = entry if isinstance(entry, dict) else {}
        v1 = {
            "orderId": entry.get("shipment_id"),
            "carrierCode": entry.get("carrier_code"),
            "trackingNumber": entry.get("tracking_number"),
            "shipDate": entry.get("ship_date"),
        }
        try:
            mark_shipped(state, v1, account_id)
            errors = []
        except HttpError as exc:
            errors = [exc.message]
        results.append({"shipment_id": entry.get("shipment_id"), "errors": errors})
    has_errors = any(r["errors"] for r in results)
    return json_response(200, {"has_errors": has_errors, "fulfillments": results})


def _v2_address(raw: Any) -> dict[str, Any]:
    """V2 address → the V1 shape the store keeps."""
    raw = raw if isinstance(raw, dict) else {}
    return {
        "name": raw.get("name"),
        "company": raw.get("company_name"),
        "street1": raw.get("address_line1"),
        "street2": raw.get("address_line2"),
        "city": raw.get("city_locality"),
        "state": raw.get("state_province"),
        "postalCode": raw.get("postal_code"),
        "country": raw.get("country_code"),
        "phone": raw.get("phone"),
    }


def _package(shipment: dict[str, Any]) -> dict[str, Any]:
    packages = shipment.get("packages")
    if not isinstance(packages, list) or not packages or not isinstance(packages[0], dict):
        raise HttpError(400, "shipment.packages needs one package with a weight.")
    return packages[0]


def _v2_rates(payload: dict[str, Any]) -> Response:
    shipment = payload.get("shipment") or {}
    ship_to = _v2_address(shipment.get("ship_to"))
    ship_from = _v2_address(shipment.get("ship_from"))
    if not ship_to["country"] or not ship_to["postalCode"]:
        raise HttpError(400, "ship_to needs country_code and postal_code.")
    weight = grams(_package(shipment).get("weight"))
    wanted = (payload.get("rate_options") or {}).get("carrier_ids") or [
        carrier_id(c) for c in CARRIERS
    ]
    abroad = ship_to["country"] != (ship_from["country"] or "JP")
    rates, errors = [], []
    for value in wanted:
        code = code_of(str(value))
        problem = _carrier_error(code, ship_to["state"] or "")
        if problem:
            errors.append(
                {
                    "error_source": "carrier",
                    "error_type": "business_rules",
                    "error_code": "unspecified",
                    "message": problem,
                    "carrier_id": carrier_id(code),
                    "carrier_code": code,
                    "carrier_name": CARRIERS[code][0],
                }
            )
            continue
        for q in quote(code, weight, abroad):
            rates.append(
                {
                    "rate_id": f"se-rate-{code}-{q['service']}",
                    "rate_type": "shipment",
                    "carrier_id": carrier_id(code),
                    "carrier_code": code,
                    "carrier_friendly_name": CARRIERS[code][0],
                    "service_code": q["service"],
                    "service_type": q["name"],
                    "shipping_amount": money(q["amount"]),
                    "other_amount": money(0),
                    "delivery_days": q["days"],
                    "estimated_delivery_date": dates.day_v2(
                        (dates.ship_day() + timedelta(days=q["days"])).isoformat()
                    ),
                    "error_messages": [],
                }
            )
    rate_response = {
        "rates": rates,
        "invalid_rates": [],
        "errors": errors,
        "status": "partial" if errors and rates else ("error" if errors else "completed"),
    }
    return json_response(200, {"rate_response": rate_response})


def _v2_label(state: ShipStationState, request: Request, account_id: str) -> Response:
    payload = request.json()
    shipment = payload.get("shipment")
    if not isinstance(shipment, dict):
        raise HttpError(400, "shipment is required.")
    reference = str(shipment.get("external_shipment_id") or "")
    if reference and any(
        o["orderKey"] == reference for o in state.snapshot(account_id)["orders"] if o["active"]
    ):
        raise HttpError(409, f"A shipment with external_shipment_id '{reference}' already exists.")
    package = _package(shipment)
    order, label = buy(
        state,
        account_id,
        "v2",
        carrier=code_of(str(shipment.get("carrier_id") or "")),
        service=str(shipment.get("service_code") or ""),
        package=str(package.get("package_code") or ""),
        ship_to=_v2_address(shipment.get("ship_to")),
        weight_grams=grams(package.get("weight")),
        reference=reference,
        number=str(shipment.get("shipment_number") or ""),
        items=[
            {**i, "key": i.get("external_order_item_id")}
            for i in shipment.get("items") or []
            if isinstance(i, dict)
        ],
        test=bool(payload.get("test_label")),
    )
    return json_response(200, v2_label(state.snapshot(account_id), order, label, request.base_url))


# --- V1 ---------------------------------------------------------------------------------


def route_v1(
    state: ShipStationState, request: Request, path: str, account_id: str
) -> Response | None:
    """The mode-3 V1 calls; None for any other path."""
    if path == "/carriers/listpackages":
        request.require("GET")
        code = request.query.get("carrierCode", "")
        if code not in CARRIERS:
            raise HttpError(400, f"Unknown carrierCode {code!r}.")
        packages = [
            {"carrierCode": code, "code": p, "name": n, "domestic": True, "international": True}
            for p, n, _size in PACKAGES[code]
        ]
        return json_response(200, packages)
    if path == "/shipments/getrates":
        request.require("POST")
        return _v1_rates(request.json())
    if path == "/shipments/createlabel":
        request.require("POST")
        return _v1_label(state, request.json(), account_id)
    if path == "/shipments/voidlabel":
        request.require("POST")
        return void(state, account_id, request.json().get("shipmentId"))
    return None


def _v1_rates(payload: dict[str, Any]) -> Response:
    code = str(payload.get("carrierCode") or "")
    if code not in CARRIERS:
        raise HttpError(400, f"Unknown carrierCode {code!r}.")
    if not payload.get("toCountry") or not payload.get("toPostalCode"):
        raise HttpError(400, "toCountry and toPostalCode are required.")
    problem = _carrier_error(code, str(payload.get("toState") or ""))
    if problem:
        raise HttpError(400, problem)
    abroad = payload["toCountry"] != "JP"
    quotes = quote(code, grams(payload.get("weight")), abroad)
    wanted = payload.get("serviceCode")
    return json_response(
        200,
        [
            {
                "serviceName": q["name"],
                "serviceCode": q["service"],
                "shipmentCost": q["amount"],
                "otherCost": 0.0,
            }
            for q in quotes
            if not wanted or q["service"] == wanted
        ],
    )


def _v1_label(state: ShipStationState, payload: dict[str, Any], account_id: str) -> Response:
    code = str(payload.get("carrierCode") or "")
    if code not in CARRIERS:
        raise HttpError(400, f"Unknown carrierCode {code!r}.")
    ship_to = payload.get("shipTo") if isinstance(payload.get("shipTo"), dict) else {}
    if not ship_to.get("country") or not ship_to.get("postalCode"):
        raise HttpError(400, "shipTo needs country and postalCode.")
    advanced = payload.get("advancedOptions") or {}
    order, label = buy(
        state,
        account_id,
        "v1",
        carrier=code,
        service=str(payload.get("serviceCode") or ""),
        package=str(payload.get("packageCode") or ""),
        ship_to=ship_to,
        weight_grams=grams(payload.get("weight")),
        reference=str(advanced.get("customField1") or ""),
        number=str(advanced.get("customField2") or ""),
        items=[],
        test=bool(payload.get("testLabel")),
    )
    body = v1_shipment(order, label, False)
    body["labelData"] = base64.b64encode(pdf_bytes(order, label)).decode("ascii")
    return json_response(200, body)


def void(state: ShipStationState, account_id: str, label_id: Any) -> Response:
    """Void a label: approved, or refused with a message (already voided)."""
    with state.write(account_id) as tx:
        label = find_label(tx.account, label_id)
        if label is None:
            raise HttpError(404, f"Label {label_id} not found.")
        if label["voided"]:
            return json_response(
                200, {"approved": False, "message": "The label has already been voided."}
            )
        void_label(tx, label)
    return json_response(200, {"approved": True, "message": "Request for refund submitted."})
