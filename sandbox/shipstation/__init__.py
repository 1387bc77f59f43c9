"""Offline emulator of ShipStation: API V1 (legacy), API V2 (current), the Custom Store client
(ShipStation pulling Hakobu's XML endpoint and posting ship notices) and a small web page.

Facts come from /work/shared/reference/shipstation.md and ShipStation's V2 OpenAPI; every
assumption lives in :mod:`sandbox.shipstation.facts`. Modules: ``facts``, ``dates`` (three date
dialects), ``state`` (store + knobs), ``orders`` (model, V1 shape), ``labels``, ``v2_model``
(V2 shapes), ``gate`` (auth, rate limit, faults, error bodies), ``v1``, ``v2``, ``custom_store``
(HTTP + XML of the Custom Store protocol), ``shipping`` (mode 3: rates, labels without an
order, void; see its docstring), ``refresh`` (import, labels with notices, background
refresher), ``control``, ``ui``, ``app``. Mounted under ``/shipstation``; paths are relative to it.

Accounts (data isolated per account; one account's V1 pair and V2 key see the same orders)
    1: V1 ``sandbox-ss-v1-key`` / ``sandbox-ss-v1-secret``, V2 ``sandbox-ss-v2-key``
    2: V1 ``sandbox-ss-v1-key-2`` / ``sandbox-ss-v1-secret-2``, V2 ``sandbox-ss-v2-key-2``
    Each has a "Manual Orders" store, a "Custom Store" store (no URL until set) and two
    warehouses (Tokyo default, Osaka). Ids are integers from one counter; a V2 id is ``se-<id>``.
    Demo: with ``SANDBOX_SHIPSTATION_STORE_URL`` (and ``..._USERNAME``, ``..._PASSWORD``,
    ``..._STATUSES`` as a JSON object like ``/_custom_store``'s ``statuses``) set, account 1's
    Custom Store points there at every start and after ``/_reset``; ``make run`` sets them to
    Demo Brand's store (``sandbox.demo_env``).

API V1 under ``/v1/`` (= ``https://ssapi.shipstation.com/``; ``SHIPSTATION_V1_API_URL``)
    HTTP Basic, key = user, secret = password; missing/wrong → 401 ``{"Message": "Authorization
    has been denied for this request."}`` + ``WWW-Authenticate``. 40 calls / 60 s fixed window per
    key pair; every authenticated answer has ``X-Rate-Limit-Limit``, ``-Remaining``, ``-Reset``
    (seconds); over → 429 ``{"Message"}``. Errors ``{"Message": …}``. Dates are US Pacific wall
    time ``2015-06-29T08:46:27.0000000`` out, and read as Pacific when they carry no offset.
    ``GET /stores`` (``showInactive``), ``GET /warehouses``, ``GET /carriers``,
    ``GET /carriers/listservices?carrierCode=``.
    ``POST /orders/createorder``  upsert by ``orderKey`` (none → new, key ``ss-<orderId>``);
        an existing order updates only when ``awaiting_payment|awaiting_shipment|on_hold``, else
        400. Needs orderNumber, orderDate, orderStatus, billTo, shipTo. → the order.
    ``POST /orders/createorders``  JSON array ≤100 (also updates ``pending_fulfillment``) →
        ``{hasErrors, results: [{orderId, orderNumber, orderKey, success, errorMessage}]}``.
    ``GET /orders``  ``orderNumber`` (starts with, any case), ``orderStatus``, ``storeId``,
        ``createDate|modifyDate|orderDate|paymentDate`` ``Start``/``End`` (inclusive),
        ``sortBy`` OrderDate|ModifyDate|CreateDate, ``sortDir``, ``page``, ``pageSize`` (100,
        ≤500) → ``{orders, total, page, pages}``. Custom-store orders are listed too.
    ``GET|DELETE /orders/{orderId}``  one order / soft delete (then gone from lists and GET).
    ``POST /orders/markasshipped``  ``{orderId, carrierCode, shipDate?, trackingNumber?,
        notifyCustomer?, notifySalesChannel?}`` → ``{orderId, orderNumber}``; no /shipments row.
    ``GET /shipments``  labels made "in ShipStation": ``includeShipmentItems``,
        ``createDate|voidDate`` ``Start``/``End``, ``shipDateStart/End`` (days), ``orderId``,
        ``orderNumber``, ``storeId``, ``trackingNumber``, ``carrierCode``, ``serviceCode``,
        ``recipientName``, ``recipientCountryCode``, ``sortBy`` ShipDate|CreateDate, paging →
        ``{shipments, total, page, pages}``; a shipment has shipmentId, orderId, orderKey,
        orderNumber, createDate, shipDate, trackingNumber, carrierCode, serviceCode, packageCode,
        shipmentCost, insuranceCost, voided, voidDate, marketplaceNotified, notifyErrorMessage,
        shipTo, weight, shipmentItems [{orderItemId, lineItemKey, sku, name, quantity}] (null
        unless asked).

API V2 under ``/v2/`` (= ``https://api.shipstation.com/v2/``; ``SHIPSTATION_V2_API_URL``)
    Header ``API-Key``; missing/wrong → 401 ``{"request_id", "errors": [{"error_source":
    "shipstation", "error_type": "security", "error_code": "unauthorized", "message"}]}``. 200
    calls / 60 s per key with the same three rate headers; over → 429 + ``Retry-After``. Other
    errors: same body (400 validation/invalid_field_value, 404 validation/invalid_identifier).
    Dates ISO-8601 UTC ``2026-11-22T01:12:00.000Z`` (naive input = UTC); ``ship_date``
    ``2026-11-22T00:00:00Z``. Paging ``page`` + ``page_size`` (25, ≤500) → ``total, page,
    pages, links{first, last, prev, next}`` (``{}`` when none). There is no ``/v2/stores``.
    ``GET /v2/warehouses`` → ``{warehouses: [...]}``; ``GET /v2/warehouses/{id}``.
    ``GET /v2/carriers`` → ``{carriers: [{carrier_id, carrier_code, services[]…}]}``.
    ``POST /v2/shipments``  ``{"shipments": [...]}`` → 200 ``{has_errors, shipments: [{…shipment,
        shipment_id "se-…", shipment_status "pending", errors: []}]}``; a duplicate
        ``external_shipment_id`` (also a V1 orderKey) is that entry's error, never an upsert.
    ``GET /v2/shipments``  ``shipment_status``, ``created_at_start/end``,
        ``modified_at_start/end``, ``external_shipment_id``, ``shipment_number``, ``store_id``,
        ``sort_by`` created_at|modified_at (created_at), ``sort_dir`` (desc), paging.
    ``GET /v2/shipments/external_shipment_id/{id}`` (404 unknown), ``GET /v2/shipments/{se-id}``,
    ``PUT /v2/shipments/{se-id}/cancel`` → 204 (400 while it has an active label).
    ``GET /v2/labels``  ``shipment_id``, ``label_status`` completed|voided, ``created_at_start
        /end``, ``tracking_number``, ``carrier_id``, ``service_code``, ``warehouse_id``,
        ``sort_dir``, paging → labels with label_id, status, shipment_id, external_shipment_id,
        tracking_number, tracking_url, shipment_cost{currency, amount}, voided, voided_at,
        carrier_id, carrier_code, service_code, ship_date, created_at, label_download, packages
        and ``items`` [{external_order_item_id, sku, name, quantity}] (sandbox addition).
    ``GET /v2/labels/{se-id}``, ``PUT /v2/labels/{se-id}/void`` → ``{approved, message}``.
    ``POST /v2/rates`` ``{shipment_id, rate_options{carrier_ids?}}`` → shipment +
        ``rate_response{rates[{rate_id, shipping_amount…}]}``; ``POST /v2/labels/rates/{rate_id}``
        → a label for everything the shipment still has to ship.

Custom Store client (ShipStation pulling Hakobu)
    Refresh = for each custom store with a URL: ``GET <url>?action=export&start_date=
    <MM/dd/yyyy HH:mm UTC>&end_date=…&page=N`` (lowercase escapes, like ``01%2f23%2f2012+17%3a28``)
    with HTTP Basic (or ``SS-UserName``/``SS-Password`` when ``auth: "query"``), pages 1..``pages``.
    First window: the last 30 days; then from the last successful refresh minus 5 minutes.
    Orders upsert by (store, OrderID); ``OrderStatus`` maps through the store's status fields
    (comma lists, case-sensitive). A non-200, an empty body ("Root element is missing"), bad XML
    or any DOCTYPE is an "Error in XML" refresh error. Create label on a custom-store order posts
    ``?action=shipnotify&order_number=…&carrier=Other&service=&tracking_number=…`` with a
    ``ShipNotice`` body and records Hakobu's HTTP status. ``python -m sandbox`` refreshes every
    ``SANDBOX_SHIPSTATION_REFRESH_SECONDS`` (300) in a background thread.

Control endpoints (JSON, no auth, no rate limit; errors ``{"error"}``; not ShipStation's)
    ``POST /_custom_store`` ``{"account": 1, "url", "username", "password", "name"?, "store_id"?,
        "auth"?: "basic"|"query", "statuses"?: {"awaiting_shipment": "ready,paid", …}}`` →
        ``{store_id, name, url, username, password, auth, statuses, last_refresh_utc}``; updates
        ``store_id``, else the store with that URL, else the built-in one, else adds one.
        ``GET /_custom_store?account=1`` lists them.
    ``POST /_refresh`` ``{"account", "store_id"?, "start_date"?, "end_date"?}`` → ``{imported,
        created, updated, errors: [str], warnings: [str], stores: [{store_id, start_date,
        end_date, calls: [{page, status}], errors}], orders: [<order view>]}``.
    ``POST /_label`` ``{"account", "order_id"|"order_number", "lines"?: {"<LineItemID,
        lineItemKey, orderItemId or SKU>": qty}, "tracking_number"?, "carrier"?, "service"?,
        "notify_customer"?, "notes_to_customer"?, "cdata"?}`` → ``{shipment: <V1 shipment>,
        notice?: {url, query, body, status, ok, error, answer}, status: <Hakobu's HTTP status
        for the ship notice, null for an API order>, order: <order view>}``.
    ``POST /_void`` ``{"account", "label_id": "se-…"|"shipmentId": n}`` → ``{shipment, order}``.
    ``POST /_order_status`` ``{"account", "order_id", "status"}`` → order view (a UI change).
    ``GET /_orders?account=1`` → order views ``{orderId, orderNumber, orderKey, source,
        store_id, store_name, orderStatus, store_status, custom_order_id, ship_to, items: [{key,
        orderItemId, sku, name, quantity, shipped, left}], labels: [...]}``.
    ``POST /_faults`` ``{"account", "status": 400..599, "count", "api": "v1"|"v2"}``: the next
        ``count`` calls of that API answer ``status`` (``count: 0`` clears). ``{"account", "api",
        "slow_label": seconds}``: the next label bought (method 3) is made, then answered late.
    ``POST /_reset``  wipe everything and restore the built-in accounts (and the demo store).

Web page (clearly marked "not the real ShipStation")
    ``/`` pick the account, set a custom store's URL and credentials, "Refresh stores", orders
    with quantities shipped/left per line, "Create label" (whole order or quantities), "Void",
    the last refresh result (errors plainly), fault injection. ``/labels/{shipmentId}.pdf``,
    ``/track/{number}``.
"""

from __future__ import annotations

from sandbox.shipstation.app import ShipStationApp, create_app
from sandbox.shipstation.facts import ACCOUNTS, DEMO_ACCOUNT, PREFIX, V1_ROOT, V2_ROOT
from sandbox.shipstation.state import ShipStationState

__all__ = [
    "ACCOUNTS",
    "DEMO_ACCOUNT",
    "PREFIX",
    "V1_ROOT",
    "V2_ROOT",
    "ShipStationApp",
    "ShipStationState",
    "create_app",
]
