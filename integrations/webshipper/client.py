"""HTTP client of Webshipper's JSON:API (one API host per account, Bearer token).

Failures come out as the shared kinds (integrations.http), in the seed's terms:
- 401 is a rejected token (`AuthRejected`: "token rejected", polling pauses);
- 403 is the subscription refusing a feature (`PlanRefused`, a PushRefused): the message names
  the feature, and the connection is not paused as a token problem;
- 422 is a validation failure (`PushRefused`) whose message is Webshipper's `title: detail`,
  shown on the note as it is; 404 is `NotFound`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from integrations.http import (
    AuthRejected,
    MalformedResponse,
    PlatformClient,
    PushRefused,
    _json_body,
)
from integrations.webshipper import facts

#: Pages one listing may read before it stops (a safety net against a page that never shrinks).
MAX_PAGES = 200


class NotFound(MalformedResponse):
    """404: no such order, shipment or webhook."""


class PlanRefused(PushRefused):
    """403: the account's Webshipper subscription does not include `feature`."""

    def __init__(self, message: str, *, feature: str) -> None:
        super().__init__(message, status=403)
        self.feature = feature


class BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request):
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def error_text(body: object) -> str:
    """`title: detail` of each JSON:API error, joined; "" when the body has none."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return ""
    parts = []
    for error in body["errors"][:3]:
        if not isinstance(error, dict):
            continue
        title = " ".join(str(error.get("title") or "").split())
        detail = " ".join(str(error.get("detail") or "").split())
        parts.append(f"{title}: {detail}" if title and detail else title or detail)
    return "; ".join(p for p in parts if p)


def api_url(account: str) -> str:
    """WEBSHIPPER_API_URL with the brand's account name in place of `{account}`."""
    return settings.WEBSHIPPER_API_URL.replace("{account}", account)


class WebshipperClient(PlatformClient):
    platform_name = "Webshipper"
    error_message = staticmethod(error_text)

    def __init__(self, account: str, token: str, **kwargs: Any) -> None:
        if not account or not token:
            raise ValueError(_("Enter the Webshipper account name and API token."))
        super().__init__(token, base_url=api_url(account), auth=BearerAuth(token), **kwargs)
        self._http.headers["Accept"] = facts.MEDIA_TYPE
        self._http.headers["Content-Type"] = facts.MEDIA_TYPE

    # --- outcomes -----------------------------------------------------------------------------

    def _raise_for_status(self, response: httpx.Response, body: Any = None) -> None:
        status = response.status_code
        if status < 300:
            return
        body = _json_body(response) if body is None else body
        text = self._detail(body).removeprefix(": ")
        readable = isinstance(body, dict)
        if status == 401 and readable:
            raise AuthRejected(_("Webshipper rejected the API token (token rejected)."))
        if status == 403 and readable:
            raise PlanRefused(
                _("Not in your Webshipper subscription: %(detail)s")
                % {"detail": text or _("Webshipper refused the action")},
                feature=text,
            )
        if status == 404:
            raise NotFound(_("Webshipper does not know this record (HTTP 404)."))
        if status == 422 or (400 <= status < 500 and status not in (401, 403, 429) and readable):
            raise PushRefused(
                text or _("Webshipper refused the order (HTTP %(status)d).") % {"status": status},
                status=status,
            )
        super()._raise_for_status(response, body)

    # --- reading ------------------------------------------------------------------------------

    def page(
        self, path: str, params: Mapping[str, Any] | None = None, number: int = 1
    ) -> list[dict]:
        body = self.get_json(path, {**(params or {}), facts.PAGE_PARAM: number})
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise MalformedResponse(_("Webshipper sent a list Hakobu could not read."))
        return [item for item in data if isinstance(item, dict)]

    def every(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict]:
        """Each record of a listing: pages of 30 until a shorter (or empty) page."""
        for number in range(1, MAX_PAGES + 1):
            items = self.page(path, params, number)
            yield from items
            if len(items) < facts.PAGE_SIZE:
                return

    def one(self, path: str) -> dict:
        body = self.get_json(path)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise MalformedResponse(_("Webshipper sent a record Hakobu could not read."))
        return data

    def channels(self) -> list[tuple[str, str]]:
        """(id, label) of every order channel of the account; also how Connect checks a token."""
        return [
            (str(c.get("id")), str((c.get("attributes") or {}).get("channel_label") or c.get("id")))
            for c in self.every("order_channels")
        ]

    def rates(self, channel_id: str) -> list[tuple[str, str]]:
        """(id, name) of the shipping rates of one channel (each rate belongs to one channel)."""
        found = []
        for rate in self.every(
            "shipping_rates", {facts.FILTER.format(name="order_channel_id"): channel_id}
        ):
            attributes = rate.get("attributes") or {}
            if str(attributes.get("order_channel_id", channel_id)) == str(channel_id):
                found.append((str(rate.get("id")), str(attributes.get("name") or rate.get("id"))))
        return found

    def orders_with_ext_ref(self, ext_ref: str, channel_id: str) -> list[dict]:
        params = {facts.FILTER.format(name="ext_ref"): ext_ref}
        return [
            order
            for order in self.page("orders", params)
            if (order.get("attributes") or {}).get("ext_ref") == ext_ref
            and relationship_id(order, "order_channel") in ("", str(channel_id))
        ]

    def shipments_of(self, order_id: str) -> list[dict]:
        return list(self.every("shipments", {facts.SHIPMENT_ORDER_FILTER: order_id}))

    # --- writing ------------------------------------------------------------------------------

    def create(self, kind: str, document: dict) -> dict:
        body = self.post_json(kind, {"data": document})
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not data.get("id"):
            raise MalformedResponse(_("Webshipper's answer carried no id."))
        return data

    def update(self, kind: str, record_id: str, document: dict) -> dict | None:
        body = self.request_json(
            "PATCH",
            f"{kind}/{record_id}",
            json={"data": {"id": record_id, "type": kind, **document}},
        )
        return body.get("data") if isinstance(body, dict) else None

    def delete(self, kind: str, record_id: str) -> None:
        self.request_json("DELETE", f"{kind}/{record_id}")


def relationship_id(record: dict, name: str) -> str:
    """The id a JSON:API record's relationship points to; "" when there is none."""
    data = ((record.get("relationships") or {}).get(name) or {}).get("data")
    return str(data.get("id") or "") if isinstance(data, dict) else ""


def make_client(integration, **kwargs: Any) -> WebshipperClient:
    """The client of a brand's connection (account from its settings, token from credentials)."""
    settings_row = integration.webshipper
    return WebshipperClient(settings_row.account, integration.secret("api_token"), **kwargs)
