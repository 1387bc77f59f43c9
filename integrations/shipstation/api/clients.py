"""HTTP clients for ShipStation's API V1 (legacy, key + secret) and V2 (current, one key).

Both speak through the shared `PlatformClient` (integrations.http), so failures come out as its
exception kinds, with ShipStation's own differences:
- 401 is a rejected key (`AuthRejected`); 403 is a *plan* refusal (the key works, the account may
  not use the API or the feature), a `PushRefused` with ShipStation's words;
- any other 4xx with ShipStation's error body is a `PushRefused` (integrations.http, re-exported
  here) whose message is ShipStation's own text (V2 `errors[].message`, V1 `ExceptionMessage` /
  `Message` / `ModelState`): it is shown on the note as it is. A 404 is `NotFound`, which
  lookups turn into "none";
- 429 waits for Retry-After, else `X-Rate-Limit-Reset`; pacing reads `X-Rate-Limit-Remaining`
  and `X-Rate-Limit-Limit` (V1 allows 40 calls a minute, V2 200).
Ids go out in V2's `se-<n>` form for both versions (facts.V2_ID_PREFIX).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from integrations.http import AuthRejected, MalformedResponse, PlatformClient, PushRefused
from integrations.secrets import Secret
from integrations.shipstation import facts

logger = logging.getLogger(__name__)

#: How many of V2's `errors[]` / V1's `ModelState` messages a refusal shows.
ERRORS_SHOWN = 3


class NotFound(MalformedResponse):
    """404: no such order, shipment or label (lookups catch it; elsewhere it is unexpected)."""


@dataclass(frozen=True)
class Store:
    id: str
    name: str


@dataclass(frozen=True)
class Warehouse:
    id: str
    name: str
    is_default: bool


def v2_id(value: object) -> str:
    """An id in V2's form: `123` and `se-123` both give `se-123`; "" stays ""."""
    text = str(value or "").strip()
    return f"{facts.V2_ID_PREFIX}{text}" if text.isdigit() else text


def v1_id(value: object) -> int | None:
    """An id in V1's integer form: `se-123` and `123` both give 123; anything else None."""
    text = str(value or "").strip().removeprefix(facts.V2_ID_PREFIX)
    return int(text) if text.isascii() and text.isdigit() else None


def _clean(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def v2_error_message(body: object) -> str:
    """`errors[].message` of a V2 error body, the first few joined; "" if none. An entry of
    `POST /v2/shipments` may list its errors as plain strings (the sandbox does): read too."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return ""
    messages = [
        _clean(error.get("message") if isinstance(error, dict) else error)
        for error in body["errors"]
    ]
    messages = list(dict.fromkeys(m for m in messages if m))
    return "; ".join(messages[:ERRORS_SHOWN])


def v1_error_message(body: object) -> str:
    """V1's ASP.NET error: `ExceptionMessage` (the real reason) else `Message`, then the
    `ModelState` field messages; "" if none."""
    if not isinstance(body, dict):
        return ""
    message = _clean(body.get("ExceptionMessage")) or _clean(body.get("Message"))
    details = []
    state = body.get("ModelState")
    if isinstance(state, dict):
        for field, errors in state.items():
            for error in errors if isinstance(errors, list) else [errors]:
                if _clean(error):
                    details.append(f"{field}: {_clean(error)}" if field else _clean(error))
    if details:
        message = f"{message} {'; '.join(details[:ERRORS_SHOWN])}".strip()
    return message


class ShipStationClient(PlatformClient):
    """What both versions share: error kinds, rate headers, and the JSON shapes' checks."""

    platform_name = facts.API_PLATFORM_NAME
    rate_limit_headers = (facts.RATE_LIMIT_REMAINING_HEADER, facts.RATE_LIMIT_LIMIT_HEADER)
    retry_after_fallback_header = facts.RATE_LIMIT_RESET_HEADER

    def _raise_for_status(self, response: httpx.Response, body: Any = None) -> None:
        status = response.status_code
        if status < 400 or status in (401, 429) or status >= 500:
            super()._raise_for_status(response, body)
            return
        if status == 403 and not isinstance(body, dict | list):
            super()._raise_for_status(response, body)  # a proxy's page: retried as an outage
            return
        message = self._own_words(body)
        detail = f": {message}" if message else ""
        if status == 404:
            raise NotFound(f"{self.platform_name} has no such resource (HTTP 404){detail}.")
        raise PushRefused(
            message or f"{self.platform_name} refused the request (HTTP {status}).", status=status
        )

    def _own_words(self, body: Any) -> str:
        """ShipStation's message, masked and shortened like every detail (`_detail`)."""
        detail = self._detail(body)
        return detail.removeprefix(": ")

    fulfillments_path = ""

    def fulfillments(self, params: dict[str, Any]) -> list[Any] | None:
        """One page of the fulfillments (orders marked shipped without a label); None when the
        endpoint is missing or refuses the filters (both uncertain, see facts)."""
        try:
            body = self.get_json(self.fulfillments_path, params)
        except (NotFound, PushRefused) as exc:
            logger.warning("%s fulfillments unavailable: %s", self.platform_name, exc)
            return None
        return self._list(body, "fulfillments", "fulfillments")

    def _list(self, body: Any, key: str | None, what: str) -> list[Any]:
        """`body[key]` (or the body itself) when it is a list; else MalformedResponse."""
        items = body.get(key) if key and isinstance(body, dict) else body
        if not isinstance(items, list):
            raise MalformedResponse(f"{self.platform_name}'s {what} answer is not a list.")
        return items


class V1Client(ShipStationClient):
    """API V1: HTTP Basic with the API key as user name and the API secret as password."""

    error_message = staticmethod(v1_error_message)
    fulfillments_path = facts.V1_FULFILLMENTS_PATH

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        timeout: float | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url or getattr(settings, facts.V1_URL_SETTING, facts.V1_DEFAULT_URL),
            timeout=timeout,
            transport=transport,
            auth=httpx.BasicAuth(api_key, api_secret),
            secrets=(api_secret,),
        )

    def _raise_for_status(self, response: httpx.Response, body: Any = None) -> None:
        challenge = response.headers.get("www-authenticate", "").lower()
        if response.status_code == 401 and challenge.startswith(facts.V1_AUTH_CHALLENGE):
            detail = self._detail(body)
            raise AuthRejected(
                f"{self.platform_name} rejected the API key and secret (HTTP 401){detail}."
            )
        super()._raise_for_status(response, body)

    def check(self) -> None:
        """Raise AuthRejected (or another PlatformError) unless the key pair is accepted."""
        self._list(self.get_json(facts.V1_CHECK_PATH), None, "warehouses")

    def stores(self) -> list[Store]:
        """The account's active stores (orders go to one; none chosen = "Manual Orders")."""
        items = self._list(self.get_json(facts.V1_STORES_PATH), None, "stores")
        return [
            Store(id=str(s["storeId"]), name=str(s.get("storeName") or s["storeId"]))
            for s in items
            if isinstance(s, dict) and s.get("storeId") is not None
        ]

    def warehouses(self) -> list[Warehouse]:
        """Ship-from locations, ids in V2 form (`se-<warehouseId>`)."""
        items = self._list(self.get_json(facts.V1_WAREHOUSES_PATH), None, "warehouses")
        return [
            Warehouse(
                id=v2_id(w["warehouseId"]),
                name=str(w.get("warehouseName") or w["warehouseId"]),
                is_default=bool(w.get("isDefault")),
            )
            for w in items
            if isinstance(w, dict) and w.get("warehouseId") is not None
        ]

    def create_order(self, order: dict[str, Any]) -> dict[str, Any]:
        """`POST /orders/createorder`: create, or update the open order with this orderKey."""
        body = self.post_json(facts.V1_CREATE_ORDER_PATH, order)
        if not isinstance(body, dict) or body.get("orderId") is None:
            raise MalformedResponse(f"{self.platform_name} answered createorder without an id.")
        return body

    def create_orders(self, orders: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """`POST /orders/createorders` (≤ facts.V1_CREATE_ORDERS_MAX): each order's result by
        its orderKey. A key missing from the answer simply has no entry: its caller retries it
        (an upsert, so a retry never duplicates)."""
        body = self.post_json(facts.V1_CREATE_ORDERS_PATH, orders)
        results = body.get(facts.V1_BULK_RESULTS_FIELD) if isinstance(body, dict) else None
        if not isinstance(results, list):
            raise MalformedResponse(f"{self.platform_name} answered createorders without results.")
        return {str(r["orderKey"]): r for r in results if isinstance(r, dict) and r.get("orderKey")}

    def order(self, order_id: object) -> dict[str, Any] | None:
        """One order by id (either form); None when ShipStation has none (or deleted it)."""
        number = v1_id(order_id)
        if number is None:
            return None
        try:
            body = self.get_json(f"{facts.V1_ORDERS_PATH}/{number}")
        except NotFound:
            return None
        return body if isinstance(body, dict) else None

    def order_by_key(self, order_number: str, key: str) -> dict[str, Any] | None:
        """The order with this orderKey among those whose number starts with `order_number`
        (V1 cannot look an orderKey up)."""
        for page in range(1, facts.V1_LOOKUP_MAX_PAGES + 1):
            params = {"orderNumber": order_number, "page": page, "pageSize": facts.V1_PAGE_SIZE}
            body = self.get_json(facts.V1_ORDERS_PATH, params)
            orders = self._list(body, "orders", "orders")
            found = [o for o in orders if isinstance(o, dict) and o.get("orderKey") == key]
            if found:
                return found[0]
            pages = body.get("pages") if isinstance(body, dict) else None
            if not orders or not isinstance(pages, int) or page >= pages:
                break
        return None

    def shipments(self, params: dict[str, Any]) -> list[Any]:
        """One page of `GET /shipments` (labels made in ShipStation)."""
        return self._list(self.get_json(facts.V1_SHIPMENTS_PATH, params), "shipments", "shipments")


class V2Client(ShipStationClient):
    """API V2: the `API-Key` header."""

    auth_header = facts.V2_AUTH_HEADER
    error_message = staticmethod(v2_error_message)
    fulfillments_path = facts.V2_FULFILLMENTS_PATH

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        timeout: float | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url or getattr(settings, facts.V2_URL_SETTING, facts.V2_DEFAULT_URL),
            timeout=timeout,
            transport=transport,
        )

    def check(self) -> None:
        """Raise AuthRejected (or another PlatformError) unless the key is accepted."""
        self._list(self.get_json(facts.V2_CHECK_PATH), "warehouses", "warehouses")

    def stores(self) -> list[Store]:
        """Always []: V2 has no stores endpoint (facts.V2_HAS_STORES); the UI hides the picker
        and shipments go to the account's default store unless a store id is typed in."""
        return []

    def warehouses(self) -> list[Warehouse]:
        body = self.get_json(facts.V2_WAREHOUSES_PATH)
        return [
            Warehouse(
                id=str(w["warehouse_id"]),
                name=str(w.get("name") or w["warehouse_id"]),
                is_default=bool(w.get("is_default")),
            )
            for w in self._list(body, "warehouses", "warehouses")
            if isinstance(w, dict) and w.get("warehouse_id")
        ]

    def shipment_by_key(self, key: str) -> dict[str, Any] | None:
        """The shipment with this external_shipment_id; None for a 404."""
        try:
            body = self.get_json(facts.V2_BY_EXTERNAL_ID_PATH.format(key=_segment(key)))
        except NotFound:
            return None
        return body if isinstance(body, dict) else None

    def shipment(self, shipment_id: str) -> dict[str, Any] | None:
        """One shipment by id; None for a 404."""
        path = facts.V2_SHIPMENT_PATH.format(shipment_id=_segment(v2_id(shipment_id)))
        try:
            body = self.get_json(path)
        except NotFound:
            return None
        return body if isinstance(body, dict) else None

    def create_shipment(self, shipment: dict[str, Any]) -> dict[str, Any]:
        """`POST /v2/shipments` with one entry; its `errors` become PushRefused.

        A duplicate external_shipment_id is such an error (never an upsert): callers look the
        key up first, and again after a refusal.
        """
        body = self.post_json(facts.V2_SHIPMENTS_PATH, {"shipments": [shipment]})
        entries = self._list(body, "shipments", "create shipments")
        entry = entries[0] if entries and isinstance(entries[0], dict) else {}
        errors = entry.get("errors") or []
        if (isinstance(body, dict) and body.get("has_errors")) or errors:
            message = self._own_words({"errors": errors}) if errors else ""
            raise PushRefused(
                message or f"{self.platform_name} did not create the shipment.",
                status=200,  # V2 answers a refused entry with 200 and `has_errors`
            )
        if not entry.get("shipment_id"):
            raise MalformedResponse(f"{self.platform_name} created a shipment without an id.")
        return entry

    def cancel_shipment(self, shipment_id: str) -> None:
        """`PUT /v2/shipments/{id}/cancel` (204); refused while a label is active."""
        path = facts.V2_CANCEL_PATH.format(shipment_id=_segment(v2_id(shipment_id)))
        self.request_json("PUT", path)

    def labels(self, params: dict[str, Any]) -> list[Any]:
        """One page of `GET /v2/labels`."""
        return self._list(self.get_json(facts.V2_LABELS_PATH, params), "labels", "labels")


def _segment(value: str) -> str:
    """One path segment, escaped (a key may hold any character)."""
    return quote(value, safe="")


# --- Credentials -------------------------------------------------------------------------------
#: Keys of `Integration.credentials` for the API (V2: one key; V1: a key and a secret).
V2_API_KEY = "v2_api_key"
V1_API_KEY = "v1_api_key"
V1_API_SECRET = "v1_api_secret"
V1, V2 = "v1", "v2"  # ShipstationSettings.api_version values


def make_client(
    api_version: str,
    credentials: Mapping[str, str],
    *,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> V1Client | V2Client:
    """The client for a brand's API version; ValueError when its credentials are missing."""
    if api_version == V2:
        return V2Client(_credential(credentials, V2_API_KEY), base_url, transport)
    if api_version == V1:
        key, secret = _credential(credentials, V1_API_KEY), _credential(credentials, V1_API_SECRET)
        return V1Client(key, secret, base_url, transport)
    raise ValueError(f"unknown ShipStation API version {api_version!r}")


def _credential(credentials: Mapping[str, str], name: str) -> str:
    value = Secret(str(credentials.get(name) or "").strip())
    if not value:
        raise ValueError(f"ShipStation credentials lack {name!r}")
    return value
