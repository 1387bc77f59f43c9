"""Everything Hakobu believes about Ship&co that is not confirmed in Ship&co's own docs.

Source: ../shared/reference/shipandco.md (corrected 2026-12-01; confidence per fact: confirmed /
likely / uncertain). Correcting a fact about Ship&co should be a one-line change here, nowhere
else. What the reference's "What changed" moved, and how the code copes with what stays unsure:
- base URL `https://api.shipandco.com/v1/` (likely; settings.SHIPANDCO_API_URL);
- a bad token answers 403 (likely) — 401 is handled the same way (integrations.http);
- carrier/service are `delivery.carrier` / `delivery.method`, the ship date `setup.shipment_date`
  (`setup.date` is the requested *delivery* date): likely, from recorded real responses;
- paging `limit` + `page` and the filters `created_after`, `scope`, `state`: UNCERTAIN. The
  shared pull engine (integrations.listing) reads a complete listing whatever the order, the real
  page-size maximum, and whether `page` or the date filters are honoured — or the run fails with
  a reason and the cursor stays put. Nothing below is trusted for completeness.
"""

from __future__ import annotations

# --- REST API --------------------------------------------------------------------------------
# confirmed: header name; likely: base URL (settings.SHIPANDCO_API_URL, default in settings)
AUTH_HEADER = "x-access-token"
# likely: a cheap authenticated GET that answers 200 for a valid token, 403 (or 401) otherwise
TOKEN_CHECK_PATH = "carriers"
# likely: the list of shipments (a JSON array; `{"shipments": [...]}` accepted too, uncertain)
SHIPMENTS_PATH = "shipments"
SHIPMENTS_ENVELOPE_KEY = "shipments"
# uncertain: paging by `limit` (1..250, default 50) + `page` (1-based)
PAGE_LIMIT_PARAM = "limit"
PAGE_NUMBER_PARAM = "page"
FIRST_PAGE = 1
PAGE_SIZE = 100  # what Hakobu asks for; the engine copes with a smaller real maximum
# uncertain: creation-date filters (ISO-8601). There is no updated-since filter (the trailing
# window of the sync re-reads recent shipments to see voids and changed tracking numbers).
CREATED_AFTER_PARAM = "created_after"
CREATED_BEFORE_PARAM = "created_before"
# uncertain, high impact: without scope=all, shipments made in the app from CSV orders may be
# missing; state=any so that voided shipments are listed too
FIXED_LIST_PARAMS: dict[str, str] = {"scope": "all", "state": "any"}

# --- Shipment object (field paths; "likely" unless noted) -----------------------------------
ID_FIELD = ("id",)
STATE_FIELD = ("state",)
TEST_FIELD = ("test",)  # likely: true = test-mode label, never ships a note
CREATED_AT_FIELD = ("created_at",)
REFERENCE_FIELD = ("setup", "ref_number")  # Hakobu's delivery-note number comes back here
CARRIER_FIELD = ("delivery", "carrier")
SERVICE_FIELD = ("delivery", "method")
SHIP_DATE_FIELD = ("setup", "shipment_date")
TRACKING_NUMBERS_FIELD = ("delivery", "tracking_numbers")
# likely: "active" is a live shipment; anything else (probably "void") must not ship a note and,
# seen again within the sync's trailing window, un-ships a note it had shipped
LIVE_STATE = "active"


def error_message(body: object) -> str:
    """A short human message from a Ship&co error body, whichever shape it has; "" if none.

    Shapes read (reference, "API basics"): 4xx `{debug_id, code, message, details[], link}`
    (details optional); a 5xx `{code, description}` without a message; a rejected token
    `{auth: false, message[, code: "AUTH2"]}`; the sandbox's `{"error": {code, message}}`.
    The first ERROR_DETAILS_SHOWN details follow as "field: message" (their `value` is left
    out: it may be a customer's address), and the `debug_id` ends it so support can trace it:
    "Validation failed. to_address.country: required; +1 more (debug id err_1a2b)".
    """

    def text(value: object, limit: int) -> str:
        value = " ".join(value.split()) if isinstance(value, str) else ""
        return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"

    if not isinstance(body, dict):
        return ""
    inner = body["error"] if isinstance(body.get("error"), dict) else {}
    candidates = (body.get("message"), body.get("description"), inner.get("message"))
    limit = ERROR_MESSAGE_MAX_CHARS
    message = next((text(c, limit) for c in candidates if text(c, limit)), "")
    message = message or text(body.get("code"), limit)  # e.g. {"auth": false, "code": "AUTH2"}
    details = body.get("details")
    parts = []
    if isinstance(details, list):
        for item in details[:ERROR_DETAILS_SHOWN]:
            if isinstance(item, dict):
                field = text(item.get("field"), ERROR_DETAIL_MAX_CHARS)
                what = text(item.get("message") or item.get("code"), ERROR_DETAIL_MAX_CHARS)
                part = f"{field}: {what}" if field and what else field or what
                part = text(part, ERROR_DETAIL_MAX_CHARS)
                if part:
                    parts.append(part)
        if len(details) > ERROR_DETAILS_SHOWN:
            parts.append(f"+{len(details) - ERROR_DETAILS_SHOWN} more")
    if parts:
        separator = " " if not message or message.endswith(tuple(".!?。！？")) else ": "
        message = f"{message}{separator}{'; '.join(parts)}".strip()
    debug_id = text(body.get("debug_id"), ERROR_DEBUG_ID_MAX_CHARS)
    if debug_id:
        message = f"{message} (debug id {debug_id})".strip()
    return message


# --- Error messages and rate limit (read by error_message() and the shared PlatformClient) ---
# Sized so message + details + debug id stay within the client's 300-character detail cap.
ERROR_MESSAGE_MAX_CHARS = 100
ERROR_DETAILS_SHOWN = 2
ERROR_DETAIL_MAX_CHARS = 60
ERROR_DEBUG_ID_MAX_CHARS = 40
# confirmed: answers carry `x-api-call-limit: <remaining>/<maximum>` (window length unknown);
# the client paces itself when `remaining` runs low (integrations/http.py, "Rate-limit pacing")
RATE_LIMIT_HEADER = "x-api-call-limit"


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
