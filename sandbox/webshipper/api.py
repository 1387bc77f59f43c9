"""The JSON:API of the emulator, under `/<account>/v2/` (= `https://<account>.api.webshipper.io/v2/`).

Bearer token per account; fixed pages of 30 (`page[number]`); `filter[<attribute>]=value`, and
`filter[<field>][value]` + `[operator]` (gt, gte, lt, lte) for dates; 422 with `errors[]` for
validation; 403 "… is not in your subscription" for what the account's plan lacks.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Any

from sandbox.common.web import HttpError, Request, Response, json_response
from sandbox.webshipper import orders as model
from sandbox.webshipper.facts import CARRIERS, FEATURES, MEDIA_TYPE, PAGE_SIZE, TOPICS
from sandbox.webshipper.state import WebshipperState, now_iso


def error_body(exc: HttpError) -> Response:
    errors = exc.details or [
        {"status": str(exc.status), "title": exc.message, "detail": exc.message}
    ]
    return json_response(exc.status, {"errors": errors}, exc.headers, content_type=MEDIA_TYPE)


def _doc(payload: Any, status: int = 200) -> Response:
    return json_response(status, payload, content_type=MEDIA_TYPE)


def _filters(request: Request) -> dict[str, Any]:
    """`filter[a]=v` → {"a": v}; `filter[a][value]=v&filter[a][operator]=gte` → {"a": (op, v)}."""
    found: dict[str, Any] = {}
    for key, value in request.query.items():
        match = re.fullmatch(r"filter\[(\w+)\](?:\[(value|operator)\])?", key)
        if not match:
            continue
        name, part = match.groups()
        if part is None:
            found[name] = value
        else:
            op, val = found.get(name) if isinstance(found.get(name), tuple) else ("eq", "")
            found[name] = (value, val) if part == "operator" else (op, value)
    return found


def _matches(attributes: dict[str, Any], filters: dict[str, Any]) -> bool:
    for name, wanted in filters.items():
        have = attributes.get(name)
        if isinstance(wanted, tuple):
            op, value = wanted
            have = str(have or "")
            ok = {
                "eq": have == value,
                "gt": have > value,
                "gte": have >= value,
                "lt": have < value,
                "lte": have <= value,
            }.get(op, True)
            if not ok:
                return False
        elif str(have if have is not None else "") != wanted:
            return False
    return True


def _page(request: Request, items: list[dict[str, Any]]) -> Response:
    try:
        number = max(1, int(request.query.get("page[number]", "1")))
    except ValueError:
        number = 1
    sort = request.query.get("sort", "")
    if sort.lstrip("-") in ("created_at", "updated_at", "id"):
        key = sort.lstrip("-")
        items = sorted(
            items,
            key=lambda i: (i["attributes"].get(key) or "", int(i["id"])),
            reverse=sort.startswith("-"),
        )
    chunk = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return _doc({"data": chunk, "meta": {"total": len(items)}})


class WebshipperApi:
    def __init__(self, state: WebshipperState) -> None:
        self.state = state

    def handle(self, request: Request, account: str, path: str) -> Response:
        with self.state.store.write() as data:
            doc = data["accounts"].get(account)
            if doc is None:
                raise HttpError(404, "Unknown account", code="404")
            self._authenticate(request, doc)
            if doc["faults"]:
                status = doc["faults"].pop(0)
                raise HttpError(status, f"Sandbox fault {status}", code=str(status))
            return self._route(request, doc, path)

    @staticmethod
    def _authenticate(request: Request, doc: dict[str, Any]) -> None:
        scheme, _sep, token = request.header("Authorization").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), doc["token"].encode()
        ):
            raise HttpError(
                401,
                "Unauthorized",
                details=[
                    {
                        "status": "401",
                        "title": "Unauthorized",
                        "detail": "The access token is invalid or has expired",
                    }
                ],
            )

    @staticmethod
    def _require_feature(doc: dict[str, Any], feature: str) -> None:
        if feature in doc["lacks"]:
            detail = (
                f"{FEATURES[feature]} is not in your subscription. Upgrade your plan to use it."
            )
            raise HttpError(
                403, detail, details=[{"status": "403", "title": "Forbidden", "detail": detail}]
            )

    def _route(self, request: Request, doc: dict[str, Any], path: str) -> Response:
        parts = [p for p in path.split("/") if p]
        if not parts:
            raise HttpError(404, "Not found")
        kind, rest = parts[0], parts[1:]
        method = request.method
        handler = getattr(self, f"_{kind}", None)
        if handler is None:
            raise HttpError(404, "Not found")
        return handler(request, doc, method, rest)

    # --- resources ----------------------------------------------------------------------------

    def _order_channels(self, request, doc, method, rest) -> Response:
        items = [
            {
                "id": str(c["id"]),
                "type": "order_channels",
                "attributes": {
                    "channel_label": c["label"],
                    "fulfill_automatically": True,
                    "sync_status": "ok",
                },
                "relationships": {
                    "order_channel_type": {"data": {"type": "order_channel_types", "id": "1"}}
                },
            }
            for c in doc["channels"]
        ]
        if rest:
            item = next((i for i in items if i["id"] == rest[0]), None)
            if item is None:
                raise HttpError(404, "Order channel not found")
            return _doc({"data": item})
        return _page(
            request,
            [i for i in items if _matches(i["attributes"] | {"id": i["id"]}, _filters(request))],
        )

    def _shipping_rates(self, request, doc, method, rest) -> Response:
        items = [
            {
                "id": str(r["id"]),
                "type": "shipping_rates",
                "attributes": {
                    "name": r["name"],
                    "order_channel_id": r["order_channel_id"],
                    "carrier_id": r["carrier_id"],
                    "carrier_service_code": r["name"].lower().replace(" ", "_"),
                    "require_drop_point": "Collect" in r["name"],
                    "is_return": False,
                    "is_hidden": False,
                    "reference_map": "{{order.visible_ref}}",
                },
            }
            for r in doc["rates"]
        ]
        return _page(request, [i for i in items if _matches(i["attributes"], _filters(request))])

    def _carriers(self, request, doc, method, rest) -> Response:
        items = [
            {
                "id": str(c[0]),
                "type": "carriers",
                "attributes": {"carrier_type_name": c[1], "alias": c[2]},
            }
            for c in CARRIERS
        ]
        return _page(request, items)

    def _orders(self, request, doc, method, rest) -> Response:
        if not rest:
            if method == "POST":
                self._require_feature(doc, "orders")
                body = request.json()
                order = model.create_order(doc, self.state, body.get("data") or {})
                return _doc({"data": model.order_resource(order)}, 201)
            filters = _filters(request)
            channel = filters.pop("order_channel_id", None) or filters.pop("order_channel", None)
            sku = filters.pop("sku", None)
            items = [
                model.order_resource(o)
                for o in doc["orders"]
                if not o.get("deleted")
                and (channel is None or str(o["channel_id"]) == channel)
                and (
                    sku is None
                    or any(li.get("sku") == sku for li in o["attributes"]["order_lines"])
                )
                and _matches(o["attributes"] | {"id": o["id"]}, filters)
            ]
            return _page(request, items)
        order = model.find_order(doc, rest[0])
        if method == "GET":
            return _doc({"data": model.order_resource(order)})
        if method == "PATCH":
            model.update_order(doc, self.state, order, request.json().get("data") or {})
            return _doc({"data": model.order_resource(order)})
        if method == "DELETE":
            model.delete_order(doc, self.state, order)
            return Response(204)
        raise HttpError(405, "Method not allowed")

    def _shipments(self, request, doc, method, rest) -> Response:
        self._require_feature(doc, "shipments")
        if rest:
            shipment = next((s for s in doc["shipments"] if s["id"] == rest[0]), None)
            if shipment is None:
                raise HttpError(404, "Shipment not found")
            return _doc({"data": model.shipment_resource(shipment)})
        filters = _filters(request)
        order_id = filters.pop("order", None)
        items = [
            model.shipment_resource(s)
            for s in doc["shipments"]
            if (order_id is None or s["order_id"] == order_id)
            and _matches(s["attributes"] | {"id": s["id"]}, filters)
        ]
        return _page(request, items)

    def _webhooks(self, request, doc, method, rest) -> Response:
        if not rest and method == "POST":
            self._require_feature(doc, "webhooks")
            attributes = (request.json().get("data") or {}).get("attributes") or {}
            topic = attributes.get("topic")
            if topic not in TOPICS:
                raise model.invalid("topic is not included in the list", "/data/attributes/topic")
            if not str(attributes.get("url") or "").startswith(("http://", "https://")):
                raise model.invalid("url is not a valid URL", "/data/attributes/url")
            hook = {
                "id": str(self.state.next_id(doc)),
                "type": "webhooks",
                "attributes": {
                    "url": attributes["url"],
                    "topic": topic,
                    "enabled": attributes.get("enabled", True),
                    "secret": attributes.get("secret") or secrets.token_hex(16),
                    "health": "healthy",
                    "latest_error": None,
                    "created_at": now_iso(),
                },
            }
            doc["webhooks"].append(hook)
            return _doc({"data": hook}, 201)
        if not rest:
            return _page(request, doc["webhooks"])
        hook = next((h for h in doc["webhooks"] if h["id"] == rest[0]), None)
        if hook is None:
            raise HttpError(404, "Webhook not found")
        if method == "DELETE":
            doc["webhooks"].remove(hook)
            return Response(204)
        return _doc({"data": hook})
