"""Everything Hakobu believes about Ship&co that is not confirmed in Ship&co's own docs.

Source: ../shared/reference/shipandco.md (confidence per fact: confirmed / likely / uncertain).
Correcting a fact about Ship&co should be a one-line change here, nowhere else.

Checked with the code/doc search (public PHP client sanmai/shipandco-sdk):
- requests go to `https://app.shipandco.com` + `/api/v1/<endpoint>`, e.g. `/api/v1/carriers`, with
  the `X-Access-Token` header: base URL and header now "confirmed by a public client";
- a shipment response has `id`, `state`, `created_at` (format `Y-m-d\\TH:i:s.uO`: fractional
  seconds and an offset), `setup` {carrier, service, date, ref_number, ...} and `delivery`
  {carrier, method, tracking_numbers[], label, invoice}: the field paths below match it;
- an error body there is top-level {code, message, details, auth}, while the sandbox answers
  {"error": {"code", "message"}}: `error_message()` reads both;
- that client has no "list shipments" call, and no doc page was found for it: paging/filter
  names, the page-size maximum, the sort order and the `state` values stay uncertain.
"""

from __future__ import annotations

# --- REST API --------------------------------------------------------------------------------
# confirmed: header name; likely: base URL (settings.SHIPANDCO_API_URL, default in settings)
AUTH_HEADER = "x-access-token"
# confirmed: Ship&co sends `x-api-call-limit: remaining/maximum` per time unit (window length
# uncertain). Hakobu does not read it: a 429's Retry-After (or backoff) decides when to try again.
# likely: a cheap authenticated GET that answers 200 for a valid token, 401/403 otherwise
TOKEN_CHECK_PATH = "carriers"
# list confirmed by public clients; paging and filter parameter names uncertain
SHIPMENTS_PATH = "shipments"
PAGE_LIMIT_PARAM = "limit"
PAGE_OFFSET_PARAM = "offset"
PAGE_SIZE = 100  # uncertain maximum; a smaller real maximum only makes a run stop early (safe)
CREATED_SINCE_PARAM = "date_from"  # uncertain; filters by creation date (inclusive)
# uncertain: pages are assumed sorted by created_at ascending (the cursor relies on it; the
# overlap window and idempotent writes make a re-seen shipment harmless)

# --- Shipment object (field paths; "likely" unless noted) -----------------------------------
ID_FIELD = ("id",)
STATE_FIELD = ("state",)
CREATED_AT_FIELD = ("created_at",)
REFERENCE_FIELD = ("setup", "ref_number")  # Hakobu's delivery-note number comes back here
CARRIER_FIELD = ("setup", "carrier")
SERVICE_FIELD = ("setup", "service")
SHIP_DATE_FIELD = ("setup", "date")  # uncertain
TRACKING_NUMBERS_FIELD = ("delivery", "tracking_numbers")
# uncertain values: anything in here means "voided, must not mark a note shipped" (and, seen
# again within the sync's overlap window, un-ships a note it had shipped)
CANCELLED_STATES = frozenset({"cancelled", "canceled", "voided", "void", "deleted"})


def error_message(body: object) -> str:
    """The human message of an error body, whichever of the two seen shapes it has."""
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
        if isinstance(body.get("message"), str):
            return body["message"]
    return ""


# --- CSV import ("Import Orders into Ship&co Using a CSV File") ------------------------------
# Owned by the CSV export; see integrations/shipandco/csv_format.py for how they are filled.
# Searched (docs/pages/code corpora, 7 queries): both versions of support article 226141008 are
# stored, but their text stops after column 14 (RecipientAddress2); the downloadable template
# was not found, so the product header names below stay UNCERTAIN (the sandbox uses the same).
# The older version adds: for Japan, RecipientProvince is the prefecture name; phone "up to 10
# digits" (not enforced here: Japanese mobile numbers have 11).

# confirmed: names and order of the order columns (the template's order is the article's order);
# keys are what Hakobu fills in (csv_format.py), values the CSV headers
CSV_ORDER_COLUMNS: dict[str, str] = {
    "number": "OrderName",
    "currency": "CurrencyCode",
    "province": "RecipientProvince",
    "country": "RecipientCountryCode",
    "zip": "RecipientZIP",
    "first_name": "RecipientFirstName",
    "last_name": "RecipientLastName",
    "phone": "RecipientPhone",
    "address1": "RecipientAddress1",
    "city": "RecipientCity",
    "company": "RecipientCompany",
    "date": "Date",
    "email": "RecipientMail",
    "address2": "RecipientAddress2",
}
# UNCERTAIN: product header names (item field -> header), in the order they follow the above
CSV_PRODUCT_COLUMNS: dict[str, str] = {
    "name": "ProductName",
    "quantity": "ProductQuantity",
    "price": "ProductPrice",
    "weight": "ProductWeight",
    "sku": "ProductSKU",
    "hs_code": "ProductHSCode",
    "origin_country": "ProductOriginCountry",
}
# uncertain: ProductWeight is written in grams per item (Ship&co parcels use grams); a different
# unit would need a conversion in csv_format.product_cells.
# confirmed: Ship&co's maximum lengths (characters); Hakobu warns, never cuts
CSV_LENGTH_LIMITS: dict[str, int] = {
    "RecipientFirstName": 35,
    "RecipientLastName": 35,
    "RecipientAddress1": 35,
    "RecipientCity": 30,
    "RecipientCompany": 30,
    "RecipientMail": 30,
    "RecipientAddress2": 35,
}
CSV_NO_ZIP = "000"  # confirmed: RecipientZIP for countries without postal codes
# likely: countries without postal codes (the article names Hong Kong and Ireland; the rest is
# the commonly published list)
# fmt: off
CSV_COUNTRIES_WITHOUT_ZIP = frozenset({
    "AE", "AG", "AO", "AW", "BF", "BI", "BJ", "BS", "BW", "BZ", "CD", "CF", "CG", "CI", "CK",
    "CM", "DJ", "DM", "ER", "FJ", "GA", "GD", "GH", "GM", "GQ", "GY", "HK", "IE", "KI", "KM",
    "KN", "KP", "LC", "ML", "MO", "MR", "MW", "NR", "NU", "QA", "RW", "SB", "SC", "SL", "SR",
    "ST", "SY", "TD", "TG", "TK", "TL", "TO", "TV", "UG", "VU", "YE", "ZW",
})
# fmt: on
CSV_DATE_FORMAT = "%Y-%m-%d"  # uncertain: the article says only "order date"; ISO is unambiguous
# uncertain: Ship&co's template is UTF-8; a BOM (what Excel's "CSV UTF-8" writes) is assumed to be
# accepted. Set False if an import ever shows "OrderName" missing from a UTF-8 file.
CSV_UTF8_BOM = True
