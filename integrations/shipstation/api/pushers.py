"""Sending delivery notes to ShipStation as orders (mode 2), on API V1 or V2.

The caller gives each note a stable key (`hakobu-<brand id>-<note id>`, ≤ 50) and stores the id
`push()` returns; a crash between the two is harmless, because both versions find an order by
its key before anything is created twice:
- V1 `createorder` is an upsert by orderKey: a retry, or a push after a lost id, updates the
  same order. Every push re-sends the whole order (V1 has no partial update). A re-send keeps a
  status a ShipStation user put the order in (`on_hold`, `awaiting_payment`); an order already
  shipped or cancelled there is refused (`PushRefused.order_status` says which).
- V2 has no upsert and no update: `push()` looks the key up first and creates only on a 404.
  With `update=True` and an `existing_id` (the note changed since it was sent) it refuses:
  V2 cannot change a shipment once created, the change must be made in ShipStation.
Ids are returned in V2's `se-<n>` form for both versions; either form is accepted back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from django.utils.translation import gettext as _

from integrations.http import PlatformError, PlatformUnavailable
from integrations.shipstation import facts
from integrations.shipstation.api.clients import (
    NotFound,
    PushRefused,
    V1Client,
    V2Client,
    make_client,
    v2_id,
)
from integrations.shipstation.api.orders import v1_order, v2_shipment

if TYPE_CHECKING:
    from delivery_notes.models import DeliveryNote


class OrderPusher(Protocol):
    """What Hakobu's push task calls; every method raises `integrations.http` errors
    (PushRefused for a permanent refusal, Transient ones to retry)."""

    def push(
        self,
        note: DeliveryNote,
        *,
        key: str,
        existing_id: str,
        warehouse_id: str,
        store_id: str,
        update: bool = False,
    ) -> str:
        """Create the order (or update it, where the API can) and return its id.

        `existing_id` is the id stored from an earlier push ("" if none was stored); `update`
        says the note changed since then (V2 refuses it; V1 re-sends the order either way).
        """
        ...

    def cancel(self, note: DeliveryNote, *, key: str, existing_id: str) -> None:
        """Cancel the order in ShipStation; nothing to do when it never got there or already
        is cancelled; PushRefused when it has shipped (or, on V2, has an active label)."""
        ...

    def close(self) -> None: ...


def _final(number: str, status: str) -> PushRefused:
    return PushRefused(
        _(
            "ShipStation order %(number)s is %(status)s there: it can no longer be changed "
            "from Hakobu."
        )
        % {"number": number, "status": status.replace("_", " ")},
        order_status=status,
    )


class V1Pusher:
    """Orders through `POST /orders/createorder` (upsert by orderKey); first sends of many
    notes through `createorders`, up to 100 a call (V1 allows only 40 calls a minute)."""

    batch_size = facts.V1_CREATE_ORDERS_MAX

    def __init__(self, client: V1Client) -> None:
        self.client = client

    def push_many(
        self, notes: Sequence[tuple[DeliveryNote, str]], *, warehouse_id: str, store_id: str
    ) -> dict[str, str | PlatformError]:
        """First sends (no id stored yet) of `(note, key)` pairs in one call: each key maps to
        its order's id, or to what went wrong with that order alone. A refused order is sent
        once more on its own, so its refusal is explained as a single push's would be; an
        order missing from the answer is retried later (an upsert: never a duplicate)."""
        bodies = [
            v1_order(
                note,
                key=key,
                status=facts.V1_OPEN_STATUS,
                store_id=store_id,
                warehouse_id=warehouse_id,
            )
            for note, key in notes
        ]
        answers = self.client.create_orders(bodies)
        outcome: dict[str, str | PlatformError] = {}
        for note, key in notes:
            answer = answers.get(key)
            if answer is None:
                outcome[key] = PlatformUnavailable(
                    _("ShipStation's answer did not mention this order; it is sent again.")
                )
            elif answer.get("success") and answer.get("orderId") is not None:
                outcome[key] = v2_id(answer["orderId"])
            else:
                try:
                    outcome[key] = self.push(
                        note, key=key, existing_id="", warehouse_id=warehouse_id, store_id=store_id
                    )
                except PlatformError as exc:
                    outcome[key] = exc
        return outcome

    def push(
        self,
        note: DeliveryNote,
        *,
        key: str,
        existing_id: str,
        warehouse_id: str,
        store_id: str,
        update: bool = False,
    ) -> str:
        status = facts.V1_OPEN_STATUS
        current = self.client.order(existing_id) if existing_id else None
        if current is not None and current.get("orderKey") == key:
            status = self._resend_status(current, note)
        body = v1_order(note, key=key, status=status, store_id=store_id, warehouse_id=warehouse_id)
        try:
            answer = self.client.create_order(body)
        except PushRefused as exc:
            raise self._explained(exc, note, key, existing_id) from exc
        return v2_id(answer["orderId"])

    def cancel(self, note: DeliveryNote, *, key: str, existing_id: str) -> None:
        current = self._find(note, key, existing_id)
        if current is None:
            return  # never reached ShipStation (or deleted there): nothing to cancel
        status = str(current.get("orderStatus") or "")
        if status == facts.V1_CANCELLED_STATUS:
            return
        if status not in facts.V1_UPDATABLE_STATUSES:
            raise _final(str(current.get("orderNumber") or note.number), status)
        options = current.get("advancedOptions") or {}
        body = v1_order(
            note,
            key=key,
            status=facts.V1_CANCELLED_STATUS,
            store_id=str(options.get("storeId") or ""),
            warehouse_id=str(options.get("warehouseId") or ""),
        )
        try:
            self.client.create_order(body)
        except PushRefused as exc:
            raise self._explained(exc, note, key, existing_id) from exc

    def close(self) -> None:
        self.client.close()

    def _resend_status(self, current: Mapping[str, Any], note: DeliveryNote) -> str:
        """The status a re-send keeps; refuses an order that is final in ShipStation."""
        status = str(current.get("orderStatus") or "")
        if status in facts.V1_KEPT_STATUSES:
            return status
        if status and status not in facts.V1_UPDATABLE_STATUSES:
            raise _final(str(current.get("orderNumber") or note.number), status)
        return facts.V1_OPEN_STATUS

    def _find(self, note: DeliveryNote, key: str, existing_id: str) -> dict[str, Any] | None:
        current = self.client.order(existing_id) if existing_id else None
        if current is not None and current.get("orderKey") == key:
            return current
        return self.client.order_by_key(note.number, key)

    def _explained(
        self, refusal: PushRefused, note: DeliveryNote, key: str, existing_id: str
    ) -> PushRefused:
        """ShipStation's refusal, with the order's status when it is final there."""
        try:
            current = self._find(note, key, existing_id)
        except PlatformError:  # the refusal matters more than why its explanation failed
            return refusal
        status = str((current or {}).get("orderStatus") or "")
        if status and status not in facts.V1_UPDATABLE_STATUSES:
            return PushRefused(str(refusal), status=refusal.status, order_status=status)
        return refusal


class V2Pusher:
    """Shipments through `POST /v2/shipments`, found again by `external_shipment_id`."""

    def __init__(self, client: V2Client) -> None:
        self.client = client

    def push(
        self,
        note: DeliveryNote,
        *,
        key: str,
        existing_id: str,
        warehouse_id: str,
        store_id: str,
        update: bool = False,
    ) -> str:
        found = self.client.shipment_by_key(key)
        if found is not None:
            if update and existing_id:
                raise PushRefused(
                    _(
                        "ShipStation API V2 cannot change an order once created; change it "
                        "in ShipStation."
                    ),
                    order_status=str(found.get("shipment_status") or "") or None,
                )
            return str(found["shipment_id"])
        body = v2_shipment(note, key=key, store_id=store_id, warehouse_id=warehouse_id)
        try:
            return str(self.client.create_shipment(body)["shipment_id"])
        except PushRefused:
            # Created meanwhile (a POST that timed out after all, another worker): a duplicate
            # key is an error in V2, so the shipment is looked up again before giving up.
            found = self.client.shipment_by_key(key)
            if found is None:
                raise
            return str(found["shipment_id"])

    def cancel(self, note: DeliveryNote, *, key: str, existing_id: str) -> None:
        if existing_id:
            shipment_id = existing_id
        else:
            found = self.client.shipment_by_key(key)
            if found is None or found.get("shipment_status") == facts.V2_CANCELLED_STATUS:
                return  # never reached ShipStation, or already cancelled
            shipment_id = str(found["shipment_id"])
        try:
            self.client.cancel_shipment(shipment_id)
        except NotFound:
            return  # gone from ShipStation
        except PushRefused as exc:
            current = self.client.shipment(shipment_id)
            status = str((current or {}).get("shipment_status") or "")
            if status == facts.V2_CANCELLED_STATUS:
                return
            raise PushRefused(str(exc), status=exc.status, order_status=status or None) from exc

    def close(self) -> None:
        self.client.close()


def make_pusher(
    api_version: str,
    credentials: Mapping[str, str],
    *,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> OrderPusher:
    """The pusher for a brand: `api_version` "v2" needs `v2_api_key`, "v1" needs `v1_api_key`
    and `v1_api_secret` (ValueError otherwise)."""
    client = make_client(api_version, credentials, base_url=base_url, transport=transport)
    if isinstance(client, V1Client):
        return V1Pusher(client)
    return V2Pusher(client)
