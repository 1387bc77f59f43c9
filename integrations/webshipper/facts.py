"""Every Webshipper fact Hakobu relies on, with its confidence (reference: webshipper.md).

Code outside this module must not hinge on a likely or uncertain fact: what could differ on the
real service is named here, so it is checked (and changed) in one place.
"""

from __future__ import annotations

# --- confirmed ------------------------------------------------------------------------------
#: Every listing answers pages of this many records; ask `page[number]` 1, 2, …
PAGE_SIZE = 30
PAGE_PARAM = "page[number]"
#: A filter on an attribute: `filter[ext_ref]=DN-2026-00081`.
FILTER = "filter[{name}]"
#: `ext_ref` is unique within an order channel: the idempotency key of an order Hakobu sends.
ORDER_STATUSES = (
    "pending",
    "dispatched",
    "partly_dispatched",
    "cancelled",
    "error",
    "missing_rate",
    "on_hold",
)
DISPATCHED = "dispatched"
PARTLY_DISPATCHED = "partly_dispatched"
CANCELLED = "cancelled"
#: Statuses of an order still open in Webshipper (Hakobu may update it).
OPEN_ORDER_STATUSES = ("pending", "missing_rate", "error", "on_hold")
#: What a shipment's order is called in its relationships, and the filter for an order's shipments.
SHIPMENT_ORDER_FILTER = "filter[order]"
#: The topics Hakobu subscribes to on Connect.
TOPICS = ("order/created", "order/updated", "shipment/created", "shipment/updated")
#: Weight units an order line may carry (`g` is the default).
WEIGHT_UNITS = {"g": 1.0, "kg": 1000.0, "oz": 28.349523125, "lbs": 453.59237}

# --- likely -----------------------------------------------------------------------------------
#: JSON:API media type (from clients; not confirmed by Webshipper's docs).
MEDIA_TYPE = "application/vnd.api+json"
#: Webhook signature: base64 HMAC-SHA256 of the raw body with the webhook's secret.
SIGNATURE_HEADER = "X-Webshipper-Hmac-Sha256"
TOPIC_HEADER = "X-Webshipper-Topic"
#: Update and delete an order: `PATCH /orders/{id}`, `DELETE /orders/{id}`.
#: A partial shipment shows as `packages[].order_lines[]` on the shipment.
#: Keys inside `packages[].order_lines[]` are NOT documented: Hakobu reads `ext_ref` (its own
#: line id, which it sends), then `id` (Webshipper's line id) against the order's lines, then
#: `sku`; and `quantity`.
PACKAGE_LINE_KEYS = ("ext_ref", "id", "sku")

# --- uncertain --------------------------------------------------------------------------------
#: Date filters with an operator, as Rackbeat's client sends them. The pull engine copes with a
#: filter the API ignores (it narrows or gives up with a reason), so nothing depends on it.
DATE_FILTER_VALUE = "filter[{name}][value]"
DATE_FILTER_OPERATOR = "filter[{name}][operator]"
DATE_FILTER_FROM = "gte"
DATE_FILTER_TO = "lte"
#: How Hakobu marks an order dispatched when the shipment was recorded by hand in Hakobu: no
#: source documents it; Hakobu PATCHes the order's `status` to this and writes the tracking in
#: a new internal comment (writing `internal_comment` adding a comment is confirmed).
MARK_DISPATCHED_STATUS = "dispatched"
#: A 403 whose detail says the plan lacks a feature (wording assumed from Webshipper's UI).
SUBSCRIPTION_MARKERS = ("subscription", "plan", "abonnement")
#: Whether Hakobu may set a webhook's `secret` is not known: it sends one and keeps whatever the
#: answer carries back.
#: Cancelling an order Hakobu sent: DELETE (likely); an order already dispatched cannot be.
