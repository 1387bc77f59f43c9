"""Everything the emulator assumes about ShipStation, in one place: a correction is a change here.

Sources: /work/shared/reference/shipstation.md (corrected 2026-12-01) and ShipStation's V2 OpenAPI
(``shipstation/mcp-shipstation-api``, ``openapi.yaml``; also the docs.shipstation.com reference
index). Confidence per fact: **confirmed** (ShipStation's docs or code), **likely** (several
implementations agree), **uncertain** (one source, inference, or a sandbox choice).
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

#: Mount point inside :mod:`sandbox.server`.
PREFIX = "/shipstation"
#: ``/shipstation/v1/…`` stands for ``https://ssapi.shipstation.com/…`` (confirmed host).
V1_ROOT = "/v1"
#: ``/shipstation/v2/…`` stands for ``https://api.shipstation.com/v2/…`` (confirmed host).
V2_ROOT = "/v2"

# --- accounts (sandbox choice) ---------------------------------------------------------------
#: id → credentials. One ShipStation account holds both a V1 key pair and a V2 key; both see
#: the same orders (a V2 "shipment" is a V1 "order": reference, "terms", confirmed).
ACCOUNTS: dict[str, dict[str, str]] = {
    "1": {
        "name": "Sandbox account 1",
        "v1_key": "sandbox-ss-v1-key",
        "v1_secret": "sandbox-ss-v1-secret",
        "v2_key": "sandbox-ss-v2-key",
    },
    "2": {
        "name": "Sandbox account 2",
        "v1_key": "sandbox-ss-v1-key-2",
        "v1_secret": "sandbox-ss-v1-secret-2",
        "v2_key": "sandbox-ss-v2-key-2",
    },
}

# --- V1 (legacy API) -------------------------------------------------------------------------
V1_RATE_LIMIT = 40  # requests per window and key pair: confirmed
V1_RATE_WINDOW = 60.0  # seconds; a fixed window that starts at the first call: likely
#: Sent on every authenticated V1 answer (confirmed names); Reset = seconds left in the window.
V1_RATE_HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")
#: uncertain: V1 speaks ASP.NET Web API; its errors are ``{"Message": …}`` (ExceptionMessage etc.
#: omitted). The 401 wording is ASP.NET's default.
V1_UNAUTHORIZED = "Authorization has been denied for this request."
V1_TOO_MANY = "Too many requests"  # uncertain wording of the 429 body
V1_STATUSES: tuple[str, ...] = (
    "awaiting_payment",
    "awaiting_shipment",
    "pending_fulfillment",
    "shipped",
    "on_hold",
    "cancelled",
    "rejected_fulfillment",
)  # confirmed
#: createorder updates only these (confirmed); createorders also pending_fulfillment (confirmed).
V1_UPDATABLE: tuple[str, ...] = ("awaiting_payment", "awaiting_shipment", "on_hold")
V1_BULK_UPDATABLE: tuple[str, ...] = (*V1_UPDATABLE, "pending_fulfillment")
V1_BULK_MAX = 100  # orders per createorders call: confirmed
V1_PAGE_SIZE = 100  # default pageSize: likely
V1_MAX_PAGE_SIZE = 500  # confirmed; larger → 400 (uncertain: the real API may clamp)
#: Required on createorder (likely; the V1 docs mark them required).
V1_REQUIRED: tuple[str, ...] = ("orderNumber", "orderDate", "orderStatus", "billTo", "shipTo")
#: V1 dates: US Pacific time, shown like ``2015-06-29T08:46:27.0000000`` (confirmed), both ways.
PACIFIC = ZoneInfo("America/Los_Angeles")
#: uncertain: a soft-deleted order (``DELETE /orders/{id}``) vanishes from lists and ``GET``.
V1_DELETED_MESSAGE = "The requested order has been deleted."

# --- V2 (current API) ------------------------------------------------------------------------
V2_AUTH_HEADER = "API-Key"  # confirmed
V2_RATE_LIMIT = 200  # per minute and key: confirmed
V2_RATE_WINDOW = 60.0
#: uncertain: V2's rate headers are assumed to be V1's; a 429 adds Retry-After (confirmed).
V2_RATE_HEADERS = V1_RATE_HEADERS
V2_PAGE_SIZE = 25  # confirmed default
V2_MAX_PAGE_SIZE = 500  # uncertain (none documented); larger → 400
#: The brief asks for lowercase ``shipstation``; the OpenAPI enum spells ``ShipStation``.
#: Hakobu should compare it case-insensitively.
V2_ERROR_SOURCE = "shipstation"
#: V2 ids are ``se-…`` (confirmed pattern ``^se(-[a-z0-9]+)+$``). Sandbox choice: the V2 id of
#: an order/shipment/store/warehouse/carrier is ``se-<its V1 integer id>``.
V2_ID_PREFIX = "se-"
V2_SHIPMENT_STATUSES: tuple[str, ...] = ("pending", "processing", "label_purchased", "cancelled")
V2_LABEL_STATUSES: tuple[str, ...] = ("processing", "completed", "error", "voided")
#: uncertain: how a V1 order status shows as a V2 shipment_status. Any active label makes it
#: ``label_purchased`` (a partly shipped order too), so ``shipment_status=label_purchased``
#: polling finds every label.
V2_STATUS_OF: dict[str, str] = {
    "awaiting_payment": "pending",
    "awaiting_shipment": "pending",
    "on_hold": "pending",
    "pending_fulfillment": "processing",
    "rejected_fulfillment": "pending",
    "shipped": "label_purchased",
    "cancelled": "cancelled",
}
#: Confirmed: the V2 reference (docs.shipstation.com/openapi, and the OpenAPI file) has
#: ``/v2/warehouses`` but **no** ``/v2/stores``; store ids come from V1 ``GET /stores`` (or the
#: sandbox page). A V2 ``store_id`` is ``se-<V1 storeId>``; plain digits are accepted too.
V2_HAS_STORES = False
#: uncertain (invented): a label lists the order lines it shipped in a top-level ``items``
#: array ``[{external_order_item_id, sku, name, quantity}]``. The real label schema has no
#: such field: a missing ``items`` means "the whole shipment".
V2_LABEL_ITEMS_FIELD = "items"
#: uncertain: a V2 shipment item's line key is ``external_order_item_id`` (V1 ``lineItemKey``).
V2_LINE_KEY = "external_order_item_id"
#: uncertain: a duplicate ``external_shipment_id`` in ``POST /v2/shipments`` answers 200 with
#: ``has_errors: true`` and that entry's ``errors`` (others are still created).
V2_DUPLICATE_MESSAGE = "A shipment with external_shipment_id '{}' already exists."

# --- stores, warehouses, carriers (sandbox data; field names confirmed/likely) ---------------
MANUAL_STORE = {"storeName": "Manual Orders", "marketplaceId": 0, "marketplaceName": "ShipStation"}
CUSTOM_MARKETPLACE = {"marketplaceId": 1, "marketplaceName": "Custom Store"}
WAREHOUSES: tuple[dict[str, object], ...] = (
    {
        "warehouseName": "Tokyo warehouse",
        "isDefault": True,
        "originAddress": {
            "name": "Hakobu Sandbox Brand",
            "company": "Hakobu Sandbox K.K.",
            "street1": "1-1-1 Shibakoen",
            "street2": "",
            "street3": None,
            "city": "Minato-ku",
            "state": "Tokyo",
            "postalCode": "105-0011",
            "country": "JP",
            "phone": "03-0000-0000",
            "residential": False,
        },
    },
    {
        "warehouseName": "Osaka warehouse",
        "isDefault": False,
        "originAddress": {
            "name": "Hakobu Sandbox Brand",
            "company": "Hakobu Sandbox K.K.",
            "street1": "2-2-2 Umeda",
            "street2": "",
            "street3": None,
            "city": "Kita-ku, Osaka",
            "state": "Osaka",
            "postalCode": "530-0001",
            "country": "JP",
            "phone": "06-0000-0000",
            "residential": False,
        },
    },
)
#: V1 carrier code → (name, services). Codes as ShipStation names them (likely); no Japanese
#: carrier is in ShipStation's list (uncertain), hence "Other" on ship notices.
CARRIERS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "fedex": (
        "FedEx",
        (
            ("fedex_international_priority", "FedEx International Priority®"),
            ("fedex_international_economy", "FedEx International Economy®"),
        ),
    ),
    "dhl_express_worldwide": (
        "DHL Express",
        (("dhl_express_worldwide", "DHL Express Worldwide"),),
    ),
    "ups_walleted": ("UPS by ShipStation", (("ups_worldwide_saver", "UPS Worldwide Saver®"),)),
    "stamps_com": ("Stamps.com", (("usps_priority_mail_international", "USPS Priority Intl"),)),
}
#: Mode 3 (rates and labels): each carrier's packages (code, name, inside dimensions in cm or
#: None for "your own box"). Codes and names are sandbox choices in ShipStation's style.
PACKAGES: dict[str, tuple[tuple[str, str, tuple[float, float, float] | None], ...]] = {
    "fedex": (("package", "Package", None), ("fedex_pak", "FedEx Pak", (38.0, 30.0, 5.0))),
    "dhl_express_worldwide": (("package", "Package", None),),
    "ups_walleted": (("package", "Package", None), ("ups_express_box", "UPS Express Box", None)),
    "stamps_com": (
        ("package", "Package", None),
        ("flat_rate_envelope", "Flat Rate Envelope", (32.0, 24.0, 1.0)),
    ),
}
#: Sandbox choice: this carrier answers every rate request with an error (a carrier account that
#: is not set up), so Hakobu shows it beside the good rates of the others.
RATE_ERROR_CARRIER = "stamps_com"
RATE_ERROR_MESSAGE = "Stamps.com: the sandbox carrier account has no postage balance."
#: Sandbox rate formula (invented): carrier base + per started 500 g, doubled abroad; each
#: further service of a carrier is a slower, cheaper one.
RATE_BASE = 8.0
RATE_BASE_STEP = 4.0  # per carrier, in CARRIERS order
RATE_PER_HALF_KILO = 1.5
RATE_SERVICE_STEP = 3.0
RATE_ABROAD_FACTOR = 2.0
#: confirmed: UPS rates need the destination's state (V1 getrates ``toState``).
STATE_REQUIRED_CARRIERS = ("ups_walleted",)
DEFAULT_CARRIER = "fedex"  # a label made for an API order (sandbox choice)
DEFAULT_SERVICE = "fedex_international_priority"
#: Ship-notice carrier name for a custom-store label unless told (reference: Japanese carriers
#: most likely arrive as ``Other``, with an empty service).
NOTICE_CARRIER = "Other"
NOTICE_SERVICE = ""
TRACKING_DIGITS = 12  # generated tracking numbers (the reference example has 12 digits)
#: Sandbox label cost: base + per unit shipped, in the account currency (uncertain).
LABEL_COST_BASE = 12.0
LABEL_COST_PER_UNIT = 0.5
CURRENCY = "usd"

# --- Custom Store client (ShipStation pulling Hakobu) ----------------------------------------
#: Export window ``MM/dd/yyyy HH:mm``, UTC (confirmed), encoded with lowercase escapes as in
#: ShipStation's own example ``start_date=01%2f23%2f2012+17%3a28`` (confirmed).
CUSTOM_DATE_FORMAT = "%m/%d/%Y %H:%M"
SHIP_DATE_FORMAT = "%m/%d/%Y"
FIRST_WINDOW_DAYS = 30  # first refresh looks this far back (sandbox choice)
WINDOW_OVERLAP_MINUTES = 5  # later refreshes start at the last one minus this (sandbox choice)
MAX_EXPORT_PAGES = 50  # stop following ``pages`` beyond this (sandbox safety)
HTTP_TIMEOUT = 15.0  # seconds per call to the store (sandbox choice)
MAX_STORE_ANSWER = 20 * 1024 * 1024  # bytes read from the store (sandbox safety)
#: Background refresh interval for ``python -m sandbox`` (ShipStation's own is unknown).
REFRESH_SECONDS = float(os.environ.get("SANDBOX_SHIPSTATION_REFRESH_SECONDS", "300"))
#: ShipStation's five status-mapping fields → the OrderStatus strings the store sends for them
#: (comma-separated, case-sensitive: confirmed). The defaults are sandbox guesses; set the
#: real ones with ``/_custom_store {"statuses": {...}}``. An unmapped status is not imported
#: and is reported as a warning (uncertain: ShipStation's behaviour is not documented).
DEFAULT_STATUS_MAP: dict[str, str] = {
    "awaiting_payment": "unpaid,awaiting_payment",
    "awaiting_shipment": "paid,ready,awaiting_shipment,processing",
    "shipped": "shipped",
    "cancelled": "cancelled,canceled",
    "on_hold": "on_hold,on-hold,hold",
}
#: The demo (``make run``): account 1's built-in Custom Store is pointed at Demo Brand's store
#: through these environment variables, read when the emulator starts (``sandbox.demo_env``
#: computes them). Without ``..._STORE_URL`` the store stays without a URL.
DEMO_ACCOUNT = "1"
DEMO_STORE_ENV = {
    "url": "SANDBOX_SHIPSTATION_STORE_URL",
    "username": "SANDBOX_SHIPSTATION_STORE_USERNAME",
    "password": "SANDBOX_SHIPSTATION_STORE_PASSWORD",
    "statuses": "SANDBOX_SHIPSTATION_STORE_STATUSES",  # JSON object, keys as DEFAULT_STATUS_MAP
}
#: Demo Brand's Custom Store URL token and user name (mirrors Hakobu's ``seed_demo``; the token
#: and password can be overridden by ``SANDBOX_SHIPSTATION_STORE_TOKEN`` / ``..._PASSWORD``,
#: which ``make run`` passes to both).
DEMO_TOKEN = "demo-shipstation-store-token"
DEMO_USERNAME = "hakobu-demo"
DEMO_PASSWORD = "demo-shipstation-password"
DEMO_ENDPOINT_PATH = "inbound/shipstation/{token}/"
#: What Hakobu's settings page tells the admin to type in the five status fields, with Hakobu's
#: default mappings (integrations/shipstation/facts.py ``status_field_values()``): the Unpaid
#: and On-Hold fields stay empty.
DEMO_STATUS_MAP: dict[str, str] = {
    "awaiting_payment": "",
    "awaiting_shipment": "unshipped,shipping_requested,partially_shipped",
    "shipped": "shipped,delivered",
    "cancelled": "cancelled",
    "on_hold": "",
}
#: uncertain: an order ShipStation has shipped stays shipped when the store later exports an
#: open status for it (only ``cancelled`` overrides).
KEEP_SHIPPED_ON_IMPORT = True
#: The refresh error ShipStation shows for a broken answer (the seeds' "Error in XML";
#: "Root element is missing" is .NET's message for an empty body — confirmed in the reference).
STORE_ERROR_PREFIX = (
    "Store Error - Error Updating Store: An error occurred attempting to update orders: "
)
XML_ERROR = "Error in XML. "
EMPTY_BODY_ERROR = "Root element is missing."
#: Ship notice (confirmed element names; order as in the reference example).
NOTICE_CONTENT_TYPE = "application/xml; charset=utf-8"  # "application/xml or text/xml"
SHIPPED_STATUS = "shipped"
