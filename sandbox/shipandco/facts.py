"""What the emulator assumes about Ship&co, in one place: a correction is a one-line change here.

Source: /work/shared/reference/shipandco.md (corrected 2026-12-01); the shapes also match the
recorded responses in the public PHP SDK ``sanmai/shipandco-sdk`` (``tests/Fixtures/responses``:
``shipment_response.json``, ``shipment_sagawa.json``, ``error_400.json``, ``error_403*.json``,
``error_500_no_message.json``). Confidence is noted per fact: confirmed / likely / uncertain.
"""

from __future__ import annotations

import os
from datetime import timedelta, timezone

#: Mount point inside :mod:`sandbox.server`.
PREFIX = "/shipandco"
#: API roots, relative to PREFIX. ``/v1`` mirrors ``https://api.shipandco.com/v1/`` (likely);
#: ``/api/v1`` mirrors the retired ``app.shipandco.com/api/v1`` host and is kept as an alias.
API_ROOTS: tuple[str, ...] = ("/v1", "/api/v1")

#: Token of the always-present default account (env ``SANDBOX_SHIPANDCO_TOKEN`` overrides it).
DEFAULT_TOKEN = os.environ.get("SANDBOX_SHIPANDCO_TOKEN", "sandbox-shipandco-token")
#: Token of the second built-in account, for data-isolation demos.
SECOND_TOKEN = "sandbox-shipandco-token-2"
BUILTIN_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("acct_1", "Sandbox account 1"),
    ("acct_2", "Sandbox account 2"),
)

# --- auth, rate limit, errors ----------------------------------------------------------------
AUTH_HEADER = "x-access-token"  # confirmed
#: likely: a missing, unknown or regenerated token answers 403 with this body.
WRONG_TOKEN_BODY: dict[str, object] = {"auth": False, "message": "Wrong token!"}
RATE_LIMIT_HEADER = "x-api-call-limit"  # confirmed: "<remaining>/<maximum>"
RATE_LIMIT_MAX = 120  # calls per window and account: uncertain (the real window is unknown)
RATE_LIMIT_WINDOW = 60.0  # seconds, sliding: uncertain
#: likely: the ``code`` of a 4xx error body ({debug_id, code, message, details[], link}).
ERROR_CODES: dict[int, str] = {
    400: "VALIDATION_ERROR",
    401: "AUTH",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "VALIDATION_ERROR",
    429: "TOO_MANY_REQUESTS",
}
#: uncertain: a 5xx may carry only {code, description}; the recorded one says BAD_REQUEST.
SERVER_ERROR_CODE = "BAD_REQUEST"

# --- listing shipments (all uncertain) -------------------------------------------------------
DEFAULT_LIMIT = 50
MAX_LIMIT = 250  # a larger ``limit`` is clamped to it
SCOPES: tuple[str, ...] = ("api", "all")
DEFAULT_SCOPE = "api"  # the real default is unknown; "api" hides CSV/app shipments (worst case)
STATE_FILTERS: tuple[str, ...] = ("active", "void", "any")
DEFAULT_STATE_FILTER = "active"
LIST_ORDERS: tuple[str, ...] = ("desc", "asc", "unordered")
DEFAULT_ORDER = "desc"  # newest first

# --- shipments -------------------------------------------------------------------------------
SHIPMENT_STATES: tuple[str, ...] = ("active", "void")  # "active" likely, "void" uncertain
#: Where a shipment was made (never serialized): "api" = POST /v1/shipments, "app" = the
#: Ship&co web app, e.g. labels printed for CSV-imported orders. Only "api" is in scope=api.
ORIGINS: tuple[str, ...] = ("api", "app")

JST = timezone(timedelta(hours=9), "JST")
#: Days between ship date and the requested delivery date on domestic labels (sandbox choice).
DELIVERY_DAYS = 2
#: Delivery time windows (``setup.time``), as Yamato/Sagawa offer them (likely format "16-18").
TIME_WINDOWS: tuple[str, ...] = ("08-12", "14-16", "16-18", "18-20", "19-21")

#: carrier code → (display name, default ``delivery.method``, domestic?). Carrier codes likely
#: (seino, ups uncertain); method codes: sagawa_regular/yamato_regular/japanpost_ems likely, the
#: others are plausible guesses in the same pattern.
CARRIERS: dict[str, tuple[str, str, bool]] = {
    "yamato": ("Yamato Transport", "yamato_regular", True),
    "sagawa": ("Sagawa Express", "sagawa_regular", True),
    "japanpost": ("Japan Post", "japanpost_yupack", True),
    "seino": ("Seino Transportation", "seino_regular", True),
    "dhl": ("DHL Express", "dhl_express_worldwide", False),
    "fedex": ("FedEx", "fedex_international_priority", False),
    "ups": ("UPS", "ups_saver", False),
}
#: Carriers offered by the "Print labels" form.
LABEL_CARRIERS: tuple[str, ...] = ("yamato", "sagawa", "japanpost", "dhl")

#: carrier → (prefix, total length, mod-7 check digit appended). Yamato/Sagawa 12 digits, Japan
#: Post 11 digits + check digit, DHL Express 10 digits (per the reference); the rest plausible.
TRACKING_FORMATS: dict[str, tuple[str, int, bool]] = {
    "yamato": ("4", 12, True),
    "sagawa": ("5", 12, True),
    "japanpost": ("1", 12, True),
    "dhl": ("1", 10, True),
    "seino": ("3", 10, False),
    "fedex": ("7", 12, False),
    "ups": ("1Z999AA1", 18, False),
}

#: The other ``setup`` keys of a recorded shipment (values as in the fixtures).
SETUP_DEFAULTS: dict[str, object] = {
    "insurance": 0,
    "delivery_note": "",
    "discount": 0,
    "shipping_fee": 0,
    "pack_size": "0",
    "care": {"fragile": False, "side_up": False, "valuable_goods": False},
    "pick_up": False,
}
CUSTOMS_DEFAULT: dict[str, object] = {"duty_paid": False, "content_type": "MERCHANDISE"}

DEFAULT_ADDRESS: dict[str, str] = {
    "full_name": "山田 太郎",
    "company": "",
    "email": "",
    "phone": "0312345678",
    "country": "JP",
    "zip": "1000001",
    "province": "東京都",
    "city": "千代田区",
    "address1": "千代田1-1",
    "address2": "",
}
FROM_ADDRESS: dict[str, str] = {
    "full_name": "出荷担当",
    "company": "Hakobu Sandbox Warehouse",
    "email": "",
    "phone": "0612345678",
    "country": "JP",
    "zip": "5670001",
    "province": "大阪府",
    "city": "茨木市",
    "address1": "サンドボックス1-2-3",
    "address2": "",
}
DEFAULT_PARCEL: dict[str, int] = {
    "amount": 1,
    "weight": 1000,
    "width": 30,
    "height": 20,
    "depth": 10,
}

# --- order-import CSV (support article 226141008) --------------------------------------------
ORDER_COLUMNS: tuple[str, ...] = (  # confirmed: template columns 1-14, in this order
    "OrderName",
    "CurrencyCode",
    "RecipientProvince",
    "RecipientCountryCode",
    "RecipientZIP",
    "RecipientFirstName",
    "RecipientLastName",
    "RecipientPhone",
    "RecipientAddress1",
    "RecipientCity",
    "RecipientCompany",
    "Date",
    "RecipientMail",
    "RecipientAddress2",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "OrderName",
    "CurrencyCode",
    "RecipientCountryCode",
    "RecipientZIP",
    "RecipientPhone",
    "RecipientAddress1",
)
#: Ship&co's documented maximum lengths: exceeding them is reported as a warning, never cut.
LENGTH_LIMITS: dict[str, int] = {
    "RecipientFirstName": 35,
    "RecipientLastName": 35,
    "RecipientAddress1": 35,
    "RecipientCity": 30,
    "RecipientCompany": 30,
    "RecipientMail": 30,
    "RecipientAddress2": 35,
}
#: Product field → CSV header. UNCERTAIN: the article's excerpts stop after column 14; the
#: template's product header names could not be confirmed. Correct a name here only.
PRODUCT_COLUMNS: dict[str, str] = {
    "name": "ProductName",
    "quantity": "ProductQuantity",
    "price": "ProductPrice",
    "weight": "ProductWeight",  # grams
    "sku": "ProductSKU",
    "hs_code": "ProductHSCode",
    "origin_country": "ProductOriginCountry",
}
