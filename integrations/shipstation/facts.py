"""Everything Hakobu believes about ShipStation that is not beyond doubt, in one place.

Source: ../shared/reference/shipstation.md (corrected 2026-12-01; confidence per fact: confirmed =
ShipStation's own docs or code, likely = two or more independent implementations agree,
uncertain = one source or inference). Correcting a fact should be a one-line change here.
Each constant says its confidence; "Hakobu's choice" marks decisions, not facts about ShipStation.

Custom Store (mode 1) facts that stay UNCERTAIN, and how the code copes:
- which set-ups send `SS-UserName` / `SS-Password` instead of an Authorization header: accept both;
- Japanese carriers probably arrive as `Other` (the raw carrier string is stored, never checked);
- lengths only in one copy of the schema (names/companies/addresses/cities/states 100, phones and
  postal codes 50, SKU/Location 100, option name/value 30): cut to them anyway, since a cut value
  only shortens ShipStation's copy while a too-long one may fail the order import;
- whether a status field may stay empty (Unpaid and On-Hold have no Hakobu status by default);
- how ShipStation treats an order it has shipped when a later export says "Paid" again
  (a partially shipped note exports as Paid so that the rest can still ship);
- whether several export items may share one LineItemID (only used for quantities > 99999);
- whether ShipStation's window end is inclusive of its last minute (the window reads to the end of
  that minute: exporting an order twice is harmless, missing one is not).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from delivery_notes.models import ShippingStatus

# =================================================================================================
# Custom Store (mode 1): ShipStation calls Hakobu's XML endpoint
# =================================================================================================

# --- Endpoint and authentication -----------------------------------------------------------
# confirmed: one URL per brand store, told apart by `action`
ACTION_PARAM = "action"
EXPORT_ACTION = "export"  # GET
SHIP_NOTIFY_ACTION = "shipnotify"  # POST
# confirmed: HTTP Basic on every call; likely: a refusal is 401 with this header
WWW_AUTHENTICATE = 'Basic realm="ShipStation"'
# confirmed that they occur (ShipStation's own ship-notice example); which set-ups send them is
# UNCERTAIN. Accept them only without an Authorization header, and never log them.
FALLBACK_USERNAME_PARAM = "SS-UserName"
FALLBACK_PASSWORD_PARAM = "SS-Password"

# --- Export call ---------------------------------------------------------------------------
# confirmed: `?action=export&start_date=01%2f23%2f2012+17%3a28&end_date=…&page=N`
START_DATE_PARAM = "start_date"
END_DATE_PARAM = "end_date"
PAGE_PARAM = "page"
FIRST_PAGE = 1
# confirmed: window dates and OrderDate / LastModified / LabelCreateDate are UTC (not the store's
# zone), `MM/dd/yyyy HH:mm`, 24-hour; likely: single-digit parts occur (parse leniently)
DATETIME_FORMAT = "%m/%d/%Y %H:%M"
DATE_FORMAT = "%m/%d/%Y"  # ShipNotice ShipDate (confirmed)
# likely: 50-100 per page is usual; Hakobu picks the page size (confirmed: `pages` = page count)
PAGE_SIZE = 100

# --- Export answer -------------------------------------------------------------------------
# likely: 200 with this content type and declaration
CONTENT_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
# likely (form) / confirmed (error): an empty window is `<Orders pages="0"/>`; an empty body makes
# ShipStation fail ("Root element is missing", the seeds' "Error in XML")
EMPTY_PAGES = 0

# --- Export element lengths (characters) ----------------------------------------------------
# confirmed: ShipStation's field tables and schema (the reference)
ORDER_ID_MAX = 50
ORDER_NUMBER_MAX = 50
ORDER_STATUS_MAX = 50
SHIPPING_METHOD_MAX = 100
PAYMENT_METHOD_MAX = 50
GIFT_MESSAGE_MAX = 1000
CUSTOM_FIELD_MAX = 100
CUSTOMER_CODE_MAX = 50
LINE_ITEM_ID_MAX = 50
ITEM_NAME_MAX = 200
UPC_MAX = 12
OPTIONS_MAX = 10  # per item
QUANTITY_MIN = 1
QUANTITY_MAX = 99999
SHIPPING_AMOUNT_MAX = Decimal("9999999.99")  # decimal(9,2)
# UNCERTAIN: only in one copy of ShipStation's schema (VirtoCommerce's OrderXsdSchema.cs, the same
# shape as the reference's gist). Cut to them: a cut value only shortens ShipStation's copy.
NOTES_MAX = 1000  # CustomerNotes, InternalNotes
PARTY_NAME_MAX = 100  # BillTo/ShipTo Name
COMPANY_MAX = 100
ADDRESS_MAX = 100  # Address1, Address2
CITY_MAX = 100
STATE_MAX = 100
POSTAL_CODE_MAX = 50
PHONE_MAX = 50
SKU_MAX = 100
LOCATION_MAX = 100
OPTION_NAME_MAX = 30
OPTION_VALUE_MAX = 30
COUNTRY_LENGTH = 2  # confirmed: ISO 3166-1 alpha-2
CURRENCY_LENGTH = 3  # confirmed: ISO 4217
# confirmed: `Pounds` | `Ounces` | `Grams`; Hakobu stores grams per unit
WEIGHT_UNITS_GRAMS = "Grams"

# --- Hakobu's choices for data ShipStation requires and Hakobu may lack -------------------------
# Hakobu's choice: the note's `order_reference` goes to CustomField1 (the one ShipStation shows in
# the orders grid, filters and rules: confirmed), its discount/coupon code to CustomField2.
ORDER_REFERENCE_CUSTOM_FIELD = 1
DISCOUNT_CODE_CUSTOM_FIELD = 2
# Hakobu's choice: a note has a discount code but no discount amount. ShipStation wants a
# negative UnitPrice on an adjustment item (confirmed), so an adjustment item is sent only with
# an amount (OrderForExport.discount_amount); the code alone goes to CustomField2.
DISCOUNT_LINE_ITEM_ID = "discount"  # Hakobu line ids are numeric: no clash
DISCOUNT_DEFAULT_SKU = "DISCOUNT"
# Hakobu's choice: stable fallbacks (same input → same code on every export and every note)
SKU_FALLBACK_PREFIX = "HK-"  # + hash of the item name and options (SKU is required)
CUSTOMER_CODE_FALLBACK_PREFIX = "HK-C-"  # + hash of the recipient (no e-mail, or one > 50)

# --- Ship notice -----------------------------------------------------------------------------
# confirmed: `POST <url>?action=shipnotify&order_number=…&carrier=…&service=…&tracking_number=…`
# with an XML ShipNotice body; the body wins, the query fills what the body lacks (likely), and
# is all there is when the body is empty (likely)
SHIP_NOTICE_ROOT = "ShipNotice"
SHIP_NOTICE_QUERY_PARAMS = ("order_number", "carrier", "service", "tracking_number")
# Hakobu's choice: bodies above this are refused unread; the view also checks Content-Length
# before reading. A notice is a few KB; 1 MiB leaves room for thousands of items.
SHIP_NOTICE_MAX_BYTES = 1024 * 1024
# confirmed: a ShipStation carrier name; store it raw, never check it against a list
OTHER_CARRIER = "Other"
# confirmed examples, for display only — never used to validate
KNOWN_CARRIERS = (
    "USPS",
    "UPS",
    "FedEx",
    "DHL",
    "DHLGlobalMail",
    "CanadaPost",
    "RoyalMail",
    "Asendia",
    OTHER_CARRIER,
)
# likely: ShipStation's carrier codes (V1 carrierCode, V2 carrier_code) of carriers Hakobu knows
# by another code; read as those carriers (name, tracking link), stored as ShipStation sent them
CARRIER_CODE_ALIASES = {
    "dhl_express_worldwide": "dhl",
    "dhl_express": "dhl",
    "ups_walleted": "ups",
    "fedex_walleted": "fedex",
}
# UNCERTAIN: no Japanese carrier is known to be in ShipStation's list; Yamato, Sagawa or Japan
# Post most likely arrive as `Other` (the label's service or tracking number then tells which)
JAPANESE_CARRIERS_ARRIVE_AS = OTHER_CARRIER
# confirmed, and inverted: NotifyCustomer `true` means ShipStation did NOT e-mail the buyer
# (Hakobu or the brand may then notify); `false` means ShipStation already did
NOTIFY_CUSTOMER_TRUE_MEANS_NOT_EMAILED = True
# confirmed: Carrier, Service, TrackingNumber ≤ 50 each
TRACKING_NUMBER_MAX = 50
# Hakobu's choice: a ship notice without a tracking number is still a shipment (a user may mark
# an order shipped with a label made elsewhere, confirmed): it is recorded, and resends are told
# apart by ShipNotice.dedupe_key instead of the tracking number.
RECORD_SHIPMENT_WITHOUT_TRACKING = True

# --- Store set-up in ShipStation: status mapping ------------------------------------------------
# confirmed: five fields, each holding OrderStatus strings separated by commas, case-sensitive
STATUS_FIELDS = ("Unpaid", "Paid", "Shipped", "Cancelled", "On-Hold")
STATUS_SEPARATOR = ","  # no spaces: whether ShipStation trims them is UNCERTAIN

# Hakobu's choice: OrderStatus is the status value itself ("shipping_requested"): stable, the same
# in every language (labels are translated), lower case, and free of commas.
DEFAULT_ORDER_STATUS_STRINGS: dict[str, str] = {s.value: s.value for s in ShippingStatus}

# Hakobu's choice: which ShipStation field each Hakobu status belongs to. Partially shipped is
# Paid: the rest must still ship (UNCERTAIN how ShipStation treats an order it already shipped).
# Unpaid and On-Hold get no Hakobu status (UNCERTAIN whether ShipStation accepts an empty field).
DEFAULT_STATUS_FIELD_OF: dict[str, str] = {
    ShippingStatus.UNSHIPPED.value: "Paid",
    ShippingStatus.SHIPPING_REQUESTED.value: "Paid",
    ShippingStatus.PARTIALLY_SHIPPED.value: "Paid",
    ShippingStatus.SHIPPED.value: "Shipped",
    ShippingStatus.DELIVERED.value: "Shipped",
    ShippingStatus.CANCELLED.value: "Cancelled",
}


def order_status_string(status: str, order_status_strings: Mapping[str, str] | None = None) -> str:
    """The OrderStatus Hakobu sends for a note status (the status value when unmapped)."""
    strings = DEFAULT_ORDER_STATUS_STRINGS if order_status_strings is None else order_status_strings
    return strings.get(status) or status


def status_field_values(
    order_status_strings: Mapping[str, str] | None = None,
    field_of_status: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """What the brand admin types in each of ShipStation's five status fields.

    Returns {"Unpaid": "", "Paid": "unshipped,shipping_requested,partially_shipped", …}, in
    STATUS_FIELDS order. The values must be exactly the OrderStatus strings the export sends
    (case-sensitive), so both come from the same mappings. Raises ValueError for a mapping
    ShipStation could not follow: an empty string, one with a comma or longer than 50, a field
    name ShipStation does not have, or one string sent for statuses in different fields.
    """
    strings = DEFAULT_ORDER_STATUS_STRINGS if order_status_strings is None else order_status_strings
    fields = DEFAULT_STATUS_FIELD_OF if field_of_status is None else field_of_status
    values: dict[str, list[str]] = {name: [] for name in STATUS_FIELDS}
    field_of_string: dict[str, str] = {}
    for status, field in fields.items():
        if field not in values:
            raise ValueError(f"ShipStation has no status field {field!r}")
        string = order_status_string(status, strings)
        if not string.strip() or STATUS_SEPARATOR in string or len(string) > ORDER_STATUS_MAX:
            raise ValueError(f"OrderStatus {string!r} cannot go in a ShipStation status field")
        if field_of_string.setdefault(string, field) != field:
            raise ValueError(f"OrderStatus {string!r} would be in two status fields")
        if string not in values[field]:
            values[field].append(string)
    return {name: STATUS_SEPARATOR.join(items) for name, items in values.items()}


# =================================================================================================
# API (modes 2 and 3): Hakobu calls ShipStation's API V2 (current) or V1 (legacy)
# =================================================================================================
# Read by integrations/shipstation/api/. Source: the reference's "Mode 2" tables, ShipStation's
# V2 OpenAPI (`shipstation/mcp-shipstation-api`, openapi.yaml) and docs.shipstation.com
# "Legacy API Migration". Everything above this block is the Custom Store's and stays as it is.
#
# API facts that stay UNCERTAIN (or are Hakobu's choices), and how the code copes:
# - whether POST /v2/shipments takes `shipment_number` and `warehouse_id` (the shipment model has
#   them; the OpenAPI's create request lists neither): both are sent. Without `shipment_number`
#   ShipStation uses the external_shipment_id, and labels would not match a note by number;
# - V2 rate-limit headers are assumed to be V1's (the sandbox does the same);
# - V2 monetary values in lower-case currency codes ("jpy"), as ShipEngine's examples;
# - V1 query dates in the same Pacific form as V1's answers (`2015-06-29T08:46:27.0000000`);
# - a V1 401 may come without a JSON body: with `WWW-Authenticate: Basic` it is still a rejected
#   key pair (a proxy would not ask for ShipStation's credentials);
# - V2 labels carry no shipment_number: it is read from GET /v2/shipments/{id} once per run;
# - V2 labels say nothing of the lines they ship (the sandbox adds `items`): without `items` a
#   label ships the whole note;
# - V2 labels have no "voided since" filter: voided labels created up to V2_VOID_LOOKBACK_DAYS
#   before each window are listed again (voids of older labels are missed);
# - V1 `/shipments` ANDs `voidDateStart` with `createDateEnd` (older labels voided since);
# - a plan refusal comes as 403 with ShipStation's error body (the reference only says "plan-
#   limited"): any 403 or other 4xx with a body is a PushRefused in ShipStation's words;
# - V2 `store_id` is passed as given (the OpenAPI example is plain digits, the sandbox shows
#   `se-…`); V1 storeId / warehouseId are integers (either form is accepted and converted);
# - V2 errors of a refused `POST /v2/shipments` entry: objects with `message`, or plain strings.
# Not covered (confirmed gaps, future work): orders marked shipped in ShipStation without a label
# never appear in V1 `/shipments` or V2 `/v2/labels` (V1 `GET /orders?orderStatus=shipped`, V2
# `/v2/fulfillments` would show them).

# --- Both versions -------------------------------------------------------------------------------
API_PLATFORM_NAME = "ShipStation"
# Hakobu's choice: the default base URLs when the settings do not name them (confirmed hosts).
V1_DEFAULT_URL = "https://ssapi.shipstation.com/"
V2_DEFAULT_URL = "https://api.shipstation.com/v2/"
V1_URL_SETTING = "SHIPSTATION_V1_API_URL"
V2_URL_SETTING = "SHIPSTATION_V2_API_URL"
# confirmed: V1 headers; V2's assumed the same (UNCERTAIN, see above)
RATE_LIMIT_REMAINING_HEADER = "X-Rate-Limit-Remaining"
RATE_LIMIT_LIMIT_HEADER = "X-Rate-Limit-Limit"
RATE_LIMIT_RESET_HEADER = "X-Rate-Limit-Reset"  # seconds until the window refills
# confirmed (docs.shipstation.com "Legacy API Migration"): V1 orderId 12345678 is V2 shipment_id
# `se-12345678`, V1 shipmentId is V2 label_id the same way. Hakobu's choice: ids are handed out
# in the V2 form for both versions, so switching a brand's API version keeps stored ids valid.
V2_ID_PREFIX = "se-"
# confirmed: orderKey / external_shipment_id ≤ 50, unique per account; orderNumber ≤ 50
ORDER_KEY_MAX = 50
# Hakobu's choice: the order's source as ShipStation shows it (V1 advancedOptions.source)
ORDER_SOURCE = "Hakobu"
# Hakobu's choice: CustomField1 = order reference, CustomField2 = discount code, as in mode 1
# (ORDER_REFERENCE_CUSTOM_FIELD / DISCOUNT_CODE_CUSTOM_FIELD above)

# --- V1 (legacy) ---------------------------------------------------------------------------------
V1_AUTH_CHALLENGE = "basic"  # a 401 with `WWW-Authenticate: Basic …` is ShipStation's (UNCERTAIN)
# confirmed: dates are US Pacific wall time, like `2015-06-29T08:46:27.0000000`, both ways
V1_TIME_ZONE = "America/Los_Angeles"
V1_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.0000000"
V1_CHECK_PATH = "warehouses"  # a cheap authenticated GET (confirmed endpoint)
V1_STORES_PATH = "stores"
V1_WAREHOUSES_PATH = "warehouses"
V1_CREATE_ORDER_PATH = "orders/createorder"  # upsert by orderKey (confirmed)
V1_CREATE_ORDERS_PATH = "orders/createorders"  # the same upsert for a JSON array (confirmed)
V1_CREATE_ORDERS_MAX = 100  # orders per createorders call (confirmed)
# Its answer: {"hasErrors", "results": [{"orderId", "orderNumber", "orderKey", "success",
# "errorMessage"}]} (likely: Hakobu matches results by orderKey, never by position).
V1_BULK_RESULTS_FIELD = "results"
V1_ORDERS_PATH = "orders"  # `orderNumber` filter = starts with (confirmed)
V1_SHIPMENTS_PATH = "shipments"
# Orders marked shipped without a ShipStation label ("Mark as Shipped", markasshipped) never
# appear among the labels. They are listed as *fulfillments* (UNCERTAIN for V1: `/fulfillments`
# "may list them"; its fields and `createDateStart/End` filters come from public clients).
# When the endpoint is missing (404) the labels still sync: only these orders are not seen.
V1_FULFILLMENTS_PATH = "fulfillments"
V1_PAGE_SIZE = 500  # confirmed maximum; V1 allows only 40 calls a minute
V1_LOOKUP_MAX_PAGES = 5  # Hakobu's choice: finding an orderKey reads at most this many pages
# confirmed statuses; createorder updates only the open ones
V1_OPEN_STATUS = "awaiting_shipment"
V1_CANCELLED_STATUS = "cancelled"
V1_KEPT_STATUSES = ("awaiting_payment", "on_hold")  # Hakobu's choice: a re-send keeps these
V1_UPDATABLE_STATUSES = ("awaiting_payment", "awaiting_shipment", "on_hold")
V1_WEIGHT_UNITS = "grams"  # confirmed: pounds | ounces | grams

# --- V2 (current) --------------------------------------------------------------------------------
V2_AUTH_HEADER = "API-Key"  # confirmed
V2_CHECK_PATH = "warehouses"
V2_WAREHOUSES_PATH = "warehouses"
V2_HAS_STORES = False  # confirmed: the V2 reference has no /v2/stores (store ids come from V1)
V2_SHIPMENTS_PATH = "shipments"
V2_BY_EXTERNAL_ID_PATH = "shipments/external_shipment_id/{key}"  # 404 = unknown (confirmed)
V2_SHIPMENT_PATH = "shipments/{shipment_id}"
V2_CANCEL_PATH = "shipments/{shipment_id}/cancel"  # PUT → 204 (confirmed)
V2_LABELS_PATH = "labels"
# `/v2/fulfillments` exists (confirmed); its fields and `created_at_start/end` filters are
# UNCERTAIN (public clients' shapes): missing fields make a fulfillment unreadable, never wrong.
V2_FULFILLMENTS_PATH = "fulfillments"
#: A fulfillment's external id in Hakobu, kept apart from label ids.
FULFILLMENT_ID_PREFIX = "fulfillment-"
# A fulfillment's fields per version (UNCERTAIN: the public clients' shapes). `carrier` lists
# fields tried in turn.
V1_FULFILLMENT_FIELDS = {
    "id": "fulfillmentId",
    "created": "createDate",
    "reference": "orderNumber",
    "tracking": "trackingNumber",
    "carrier": ("carrierCode",),
    "service": "fulfillmentServiceCode",
    "ship_date": "shipDate",
}
V2_FULFILLMENT_FIELDS = {
    "id": "fulfillment_id",
    "created": "created_at",
    "reference": "shipment_number",
    "tracking": "tracking_number",
    "carrier": ("fulfillment_provider_code", "fulfillment_carrier_friendly_name"),
    "service": "fulfillment_service_code",
    "ship_date": "ship_date",
}
V2_PAGE_SIZE = 500  # UNCERTAIN maximum (none documented; default 25)
V2_CANCELLED_STATUS = "cancelled"  # shipment_status (confirmed)
V2_DEAD_LABEL_STATUSES = ("voided", "error")  # label_status that never ships goods (confirmed)
V2_VOIDED_LABEL_STATUS = "voided"
V2_WEIGHT_UNIT = "gram"  # confirmed: pound | ounce | gram | kilogram
V2_RESIDENTIAL_UNKNOWN = "unknown"  # address_residential_indicator yes | no | unknown
# Hakobu's choice: how far before a window voided labels are listed again (see above)
V2_VOID_LOOKBACK_DAYS = 30
# UNCERTAIN: a label's order lines (sandbox addition), and their key
V2_LABEL_ITEMS_FIELD = "items"
V2_LINE_KEY = "external_order_item_id"

# =================================================================================================
# Mode 3: ShipStation as a shipping service (rates and labels from inside Hakobu)
# =================================================================================================
# Read by integrations/shipstation/api/shipping.py and integrations/shipstation/labels/. Calls
# are confirmed (V2) or likely (V1) per the reference's "Mode 3" table. Facts that stay UNCERTAIN
# (or are Hakobu's choices), and how the code copes:
# - V2 `POST /v2/rates` with an inline `shipment` answers per-carrier failures in
#   `rate_response.errors[]` naming `carrier_id` (ShipEngine's shape): an error without a carrier
#   is shown for every carrier asked; `invalid_rates[]` are shown as that carrier's errors too;
# - V1 `getrates` answers a list; a carrier's failure is any error answer (shown beside it);
# - idempotency: V2 `external_shipment_id` on the label's inline shipment (confirmed unique per
#   account, never an upsert) is the purchase's reference, looked up with
#   `GET /v2/shipments/external_shipment_id/{id}` then `GET /v2/labels?shipment_id=`. V1
#   `createlabel` has no key: the reference goes in `advancedOptions.customField1` and the label is
#   looked up in `GET /shipments?createDateStart=` by that field (or `orderKey`) — UNCERTAIN that
#   V1 keeps and lists it: when the lookup finds nothing the purchase is marked not bought and the
#   message asks the user to check ShipStation's shipments before buying again;
# - V2 labels carry their shipment's `external_shipment_id` (ShipEngine's label model): the poll
#   tells a test label Hakobu bought (reference prefix below) from a ShipStation test label, and
#   keeps the former as the shipment Hakobu recorded;
# - V2 `label_download.pdf` is fetched without the API key when it is on another host;
# - "shipped elsewhere": V1 `POST /orders/markasshipped` (confirmed); V2 `POST /v2/fulfillments`
#   `{fulfillments: [{shipment_id, tracking_number, carrier_code, ship_date, notify_customer,
#   notify_order_source}]}` (endpoint confirmed, body UNCERTAIN);
# - the confirmation option values (V2 `none|delivery|signature|adult_signature`; V1 the same
#   words) are ShipEngine's: likely.
V1_CARRIERS_PATH = "carriers"
V1_PACKAGES_PATH = "carriers/listpackages"  # ?carrierCode=
V1_RATES_PATH = "shipments/getrates"
V1_CREATE_LABEL_PATH = "shipments/createlabel"
V1_VOID_LABEL_PATH = "shipments/voidlabel"
V1_MARK_SHIPPED_PATH = "orders/markasshipped"
V1_REFERENCE_FIELD = "customField1"  # advancedOptions field carrying the reference (UNCERTAIN)
V1_NUMBER_FIELD = "customField2"  # Hakobu's choice: the note number, for people reading labels
V2_CARRIERS_PATH = "carriers"
V2_PACKAGES_PATH = "carriers/{carrier_id}/packages"
V2_RATES_PATH = "rates"
V2_LABELS_CREATE_PATH = "labels"
V2_VOID_PATH = "labels/{label_id}/void"
V2_FULFILLMENTS_PATH = "fulfillments"
V2_FINAL_SHIPMENT_STATUSES = ("label_purchased", "cancelled")  # nothing left to mark shipped
V1_FINAL_ORDER_STATUSES = ("shipped", "cancelled")
V1_LOOKUP_MARGIN_MINUTES = 10  # Hakobu's choice: createDateStart this long before the attempt
CONFIRMATIONS = ("none", "delivery", "signature", "adult_signature")  # likely
DEFAULT_PACKAGE_CODE = "package"  # likely: "your own box" on every carrier
# confirmed: V2 dimension units `inch` | `centimeter`
CENTIMETRES_PER = {"centimeter": Decimal("1"), "inch": Decimal("2.54")}
# Hakobu's choices: a rate list is reused this long for the same note and parameters; the
# carriers of an account this long; a reference is `hk-<brand>-<note>-<random>` (≤ 50)
RATES_CACHE_SECONDS = 5 * 60
CARRIERS_CACHE_SECONDS = 10 * 60
LABEL_REFERENCE_PREFIX = "hk"
# Hakobu's choice: a purchase younger than 2 × the HTTP timeout + this may still be in flight
# (its label not listed yet proves nothing); only older ones are marked "not bought" by others
IN_FLIGHT_MARGIN_SECONDS = 15
