"""Orders marked shipped without a ShipStation label (``markasshipped``, or "Mark as Shipped" in
the UI): ShipStation calls them *fulfillments*. They never appear among the labels, only here:
V1 ``GET /fulfillments`` and V2 ``GET /v2/fulfillments`` (shapes of the public clients)."""

from __future__ import annotations

from typing import Any

from sandbox.shipstation import dates
from sandbox.shipstation.orders import Order
from sandbox.shipstation.state import Account

#: Fulfillment ids are the order's id shifted, so one order has one stable fulfillment.
ID_OFFSET = 80_000_000


def fulfilled_orders(account: Account) -> list[Order]:
    """Orders holding a fulfillment, oldest fulfillment first."""
    orders = [o for o in account["orders"] if o.get("fulfillment")]
    return sorted(orders, key=lambda o: (o["fulfillment"]["createDate"], o["orderId"]))


def v1_fulfillment(order: Order) -> dict[str, Any]:
    done = order["fulfillment"]
    return {
        "fulfillmentId": ID_OFFSET + order["orderId"],
        "orderId": order["orderId"],
        "orderNumber": order["orderNumber"],
        "userId": None,
        "customerEmail": order.get("customerEmail"),
        "trackingNumber": done.get("trackingNumber"),
        "createDate": dates.v1_format(done["createDate"]),
        "shipDate": done.get("shipDate"),
        "voidDate": None,
        "deliveryDate": None,
        "carrierCode": done.get("carrierCode"),
        "fulfillmentProviderCode": None,
        "fulfillmentServiceCode": None,
        "fulfillmentFee": 0.0,
        "voidRequested": False,
        "voided": False,
        "marketplaceNotified": bool(done.get("notifySalesChannel")),
        "notifyErrorMessage": None,
        "shipTo": order.get("shipTo"),
    }


def v2_fulfillment(order: Order) -> dict[str, Any]:
    done = order["fulfillment"]
    return {
        "fulfillment_id": f"se-{ID_OFFSET + order['orderId']}",
        "shipment_id": f"se-{order['orderId']}",
        "shipment_number": order["orderNumber"],
        "user_id": None,
        "tracking_number": done.get("trackingNumber"),
        "created_at": dates.v2_format(done["createDate"]),
        "ship_date": dates.day_v2(done.get("shipDate")),
        "voided_at": None,
        "delivered_at": None,
        "fulfillment_carrier_friendly_name": done.get("carrierCode"),
        "fulfillment_provider_id": None,
        "fulfillment_provider_friendly_name": None,
        "fulfillment_provider_code": done.get("carrierCode"),
        "fulfillment_service_code": None,
        "fulfillment_fee": {"currency": "usd", "amount": 0.0},
        "void_requested": False,
        "voided": False,
        "order_source_notified": bool(done.get("notifySalesChannel")),
        "notification_error_message": None,
    }
