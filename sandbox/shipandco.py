"""Offline emulator of Ship&co (shipping labels) — REST API plus a tiny orders UI.

Hakobu exports delivery notes as Ship&co's order-import CSV, staff print labels in Ship&co, and
Hakobu polls the API for the resulting shipments. This module lets that whole loop run on loopback.
Facts about the real service come from /work/shared/reference/shipandco.md; the uncertain ones
(product CSV headers, service codes, error body, paging names, state values) live in the constants
below so a correction is a one-line change.

Mounted under ``/shipandco`` by :mod:`sandbox.server`. All paths below are relative to it.

REST API (``/api/v1/``; Hakobu's ``SHIPANDCO_API_URL`` = ``http://HOST:PORT/shipandco/api/v1/``)
    Auth: header ``x-access-token``. Missing/unknown → ``401``
    ``{"error": {"code": 401, "message": "Invalid access token"}}``. Every authenticated answer
    carries ``x-api-call-limit: <remaining>/<max>`` (sliding 60 s window, 120 calls per token);
    over it → ``429`` with ``Retry-After: <seconds>`` and the same error body shape.

    ``GET /carriers``            JSON array of ``{"id", "type", "name", "state"}``.
    ``GET /shipments``           JSON array (no envelope), ``created_at`` ascending then ``id``.
                                 ``limit`` (default 20, >100 clamped to 100, <1 → 400),
                                 ``offset`` (default 0), ``date_from`` (ISO-8601; keeps
                                 ``created_at >= date_from``; naive = UTC; malformed → 400).
    ``GET /shipments/{id}``      one shipment or 404.
    Errors are always ``{"error": {"code": <status>, "message": "..."}}``.

Sandbox control endpoints (JSON, no rate limit; for tests and demos — not part of Ship&co)
    ``POST /_seed``   ``{"token": T, "shipments": [...], "orders": [...]}`` → 201
                      ``{"shipments": [<api shape>], "orders": [<order>]}``. A shipment item is
                      ``{"ref_number": str, "carrier"?: "yamato", "parcels"?: 1..10,
                      "created_at"?: ISO-8601, "state"?: "active"|"cancelled",
                      "tracking_numbers"?: [str] (``[]`` = no tracking yet), "service"?: str,
                      "to_address"?: {...}, "products"?: [...]}``. An order item is one CSV row as
                      a dict keyed by the CSV column names (repeat ``OrderName`` for more items).
    ``POST /_faults`` ``{"token": T, "status": 500, "count": 2}`` → the next ``count`` API calls of
                      that account answer ``status`` (``count: 0`` clears).
    ``POST /_regenerate_token`` ``{"token": T}`` → ``{"token": NEW}``; ``T`` stops working.
    ``POST /_reset``  wipe everything, restore the built-in accounts and their default tokens.
    ``GET  /_orders`` (``x-access-token`` header or ``?token=``) → the account's imported orders.

Web UI (clearly marked "not the real Ship&co")
    ``/`` orders page (log in with an access token, kept in a cookie), CSV import, print labels,
    cancel shipments, regenerate the token, inject faults. Labels: ``/labels/{id}.pdf``.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import hmac
import html
import io
import json
import math
import os
import re
import secrets
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.parser import BytesParser
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote
from wsgiref.util import application_uri

from sandbox.store import Document, JsonStore

PREFIX = "/shipandco"

#: Token of the always-present default account (env ``SANDBOX_SHIPANDCO_TOKEN`` overrides it).
DEFAULT_TOKEN = os.environ.get("SANDBOX_SHIPANDCO_TOKEN", "sandbox-shipandco-token")
#: Token of the second built-in account, for data-isolation demos.
SECOND_TOKEN = "sandbox-shipandco-token-2"

RATE_LIMIT_MAX = 120  # calls per window and token (real window is uncertain)
RATE_LIMIT_WINDOW = 60.0  # seconds, sliding
DEFAULT_LIMIT = 20  # page size when `limit` is absent (real default uncertain)
MAX_LIMIT = 100  # larger `limit` values are clamped (real maximum uncertain)
MAX_BODY = 20 * 1024 * 1024

JST = timezone(timedelta(hours=9), "JST")

#: carrier type → (display name, default service code). Service codes are uncertain.
CARRIERS: dict[str, tuple[str, str]] = {
    "yamato": ("Yamato Transport", "TA-Q-BIN"),
    "sagawa": ("Sagawa Express", "HIKYAKU"),
    "japanpost": ("Japan Post", "YU-PACK"),
    "seino": ("Seino Transportation", "KANGAROO"),
    "dhl": ("DHL Express", "EXPRESS_WORLDWIDE"),
    "fedex": ("FedEx", "INTERNATIONAL_PRIORITY"),
    "ups": ("UPS", "SAVER"),
}
#: Carriers offered by the "Print labels" form.
LABEL_CARRIERS: tuple[str, ...] = ("yamato", "sagawa", "japanpost", "dhl")

#: carrier → (prefix, total length, mod-7 check digit appended). Yamato/Sagawa 12 digits, Japan
#: Post 11 digits + check digit, DHL Express 10 digits (per the reference); the rest are plausible.
TRACKING_FORMATS: dict[str, tuple[str, int, bool]] = {
    "yamato": ("4", 12, True),
    "sagawa": ("5", 12, True),
    "japanpost": ("1", 12, True),
    "dhl": ("1", 10, True),
    "seino": ("3", 10, False),
    "fedex": ("7", 12, False),
    "ups": ("1Z999AA1", 18, False),
}

SHIPMENT_STATES = ("active", "cancelled")  # real values uncertain
ORDER_STATE_LABELS = {
    "unfulfilled": "Unfulfilled",
    "label_printed": "Label printed",
    "cancelled": "Cancelled",
}

# --- Order-import CSV (support article "Import Orders into Ship&co Using a CSV File") ---------
ORDER_COLUMNS: tuple[str, ...] = (
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
#: Product field → CSV header. UNCERTAIN: the support article's excerpts stop after column 14
#: (RecipientAddress2); the template's product header names could not be confirmed (searched
#: support.shipandco.com article 226141008). Correct a name here and nothing else changes.
PRODUCT_COLUMNS: dict[str, str] = {
    "name": "ProductName",
    "quantity": "ProductQuantity",
    "price": "ProductPrice",
    "weight": "ProductWeight",  # grams
    "sku": "ProductSKU",
    "hs_code": "ProductHSCode",
    "origin_country": "ProductOriginCountry",
}

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
DEFAULT_PARCEL = {"weight": 1000, "width": 30, "height": 20, "depth": 10}

BUILTIN_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("acct_1", "Sandbox account 1"),
    ("acct_2", "Sandbox account 2"),
)

TOKEN_COOKIE = "shipandco_sandbox_token"
FLASH_COOKIE = "shipandco_sandbox_flash"


# --- small helpers -------------------------------------------------------------------------


def iso_z(moment: datetime) -> str:
    """Format as ISO-8601 UTC with milliseconds and ``Z``; one format keeps string sorts valid."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return iso_z(datetime.now(UTC))


def parse_iso(value: str) -> datetime:
    """Parse an ISO-8601 date/datetime; naive means UTC.

    A ``+09:00`` sent unencoded in a query string arrives as `` 09:00``: accept that too.
    """
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
    if not text:
        raise ValueError("empty")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def tracking_number(carrier: str, serial: int) -> str:
    """A realistic-looking number: carrier prefix + serial (+ mod-7 check digit)."""
    prefix, length, check = TRACKING_FORMATS[carrier]
    body_len = length - len(prefix) - (1 if check else 0)
    number = prefix + str(serial % 10**body_len).zfill(body_len)
    if check:
        number += str(int(number) % 7)
    return number


def render_label_pdf(lines: Sequence[str]) -> bytes:
    """A one-page A6 PDF with the given text lines (Latin-1 only; other characters become ?)."""

    def pdf_text(line: str) -> str:
        line = line.encode("latin-1", "replace").decode("latin-1")
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 11 Tf", "15 TL", "20 395 Td"]
    ops += [f"({pdf_text(line)}) Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 298 420] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- CSV import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One problem in an uploaded CSV; ``row`` is the spreadsheet row (1 = header)."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    orders: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    encoding: str = ""


def decode_csv(raw: bytes) -> tuple[str, str]:
    """UTF-8 (BOM optional) first, then Shift_JIS/CP932 — the two encodings staff actually use."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError("the file is neither UTF-8 nor Shift_JIS (CP932) text")


def parse_orders_csv(raw: bytes) -> ImportResult:
    """Decode and parse an order-import CSV into grouped orders (nothing is stored here)."""
    try:
        text, encoding = decode_csv(raw)
    except ValueError as exc:
        return ImportResult(errors=[ImportIssue(1, "", str(exc))])
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        return ImportResult(errors=[ImportIssue(1, "", "the file is empty")], encoding=encoding)
    header = [name.strip() for name in records[0]]
    rows = [dict(zip(header, record, strict=False)) for record in records[1:]]
    result = rows_to_orders(header, rows)
    result.encoding = encoding
    return result


def rows_to_orders(header: Sequence[str], rows: Sequence[dict[str, Any]]) -> ImportResult:
    """Validate CSV rows (dicts keyed by column name) and group them by ``OrderName``."""
    result = ImportResult()
    for column in REQUIRED_COLUMNS:
        if column not in header:
            result.errors.append(ImportIssue(1, column, "column missing from the header"))
    if "RecipientLastName" not in header and "RecipientCompany" not in header:
        result.errors.append(
            ImportIssue(
                1, "RecipientLastName", "RecipientLastName or RecipientCompany column is required"
            )
        )
    if result.errors:
        return result

    grouped: dict[str, dict[str, Any]] = {}
    first_row: dict[str, tuple[int, dict[str, str]]] = {}
    for index, raw_row in enumerate(rows, start=2):
        row = {k: str(v if v is not None else "").strip() for k, v in raw_row.items() if k}
        if not any(row.values()):
            continue
        errors = _row_errors(index, row)
        result.errors.extend(errors)
        for column, limit in LENGTH_LIMITS.items():
            if len(row.get(column, "")) > limit:
                result.warnings.append(
                    ImportIssue(index, column, f"longer than Ship&co's {limit}-character limit")
                )
        if errors:
            continue
        name = row["OrderName"]
        if name not in grouped:
            first_row[name] = (index, row)
            grouped[name] = _order_from_row(row)
        else:
            origin, first = first_row[name]
            for column in ORDER_COLUMNS:
                if row.get(column, "") != first.get(column, ""):
                    result.warnings.append(
                        ImportIssue(index, column, f"differs from row {origin}; row {origin} wins")
                    )
        product = _product_from_row(row)
        if product is not None:
            grouped[name]["products"].append(product)
    if not grouped and not result.errors:
        result.errors.append(ImportIssue(2, "", "the file has no order rows"))
    result.orders = list(grouped.values())
    return result


def _row_errors(index: int, row: dict[str, str]) -> list[ImportIssue]:
    errors = [
        ImportIssue(index, column, "required value is empty")
        for column in REQUIRED_COLUMNS
        if not row.get(column)
    ]
    if not row.get("RecipientLastName") and not row.get("RecipientCompany"):
        errors.append(
            ImportIssue(
                index, "RecipientLastName", "RecipientLastName or RecipientCompany is required"
            )
        )
    currency = row.get("CurrencyCode", "")
    if currency and not re.fullmatch(r"[A-Za-z]{3}", currency):
        errors.append(ImportIssue(index, "CurrencyCode", "must be a 3-letter code such as JPY"))
    country = row.get("RecipientCountryCode", "")
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        errors.append(
            ImportIssue(index, "RecipientCountryCode", "must be a 2-letter code such as JP")
        )
    for key, parse, rule in (
        ("quantity", _parse_quantity, "a whole number of at least 1"),
        ("price", _parse_number, "a number"),
        ("weight", _parse_number, "a number of grams"),
    ):
        column = PRODUCT_COLUMNS[key]
        value = row.get(column, "")
        if value:
            try:
                parse(value)
            except ValueError:
                errors.append(ImportIssue(index, column, f"must be {rule} (got {value!r})"))
    return errors


def _parse_quantity(value: str) -> int:
    quantity = int(value)
    if quantity < 1:
        raise ValueError(value)
    return quantity


def _parse_number(value: str) -> float:
    number = float(value.replace(",", ""))
    if number < 0 or math.isnan(number) or math.isinf(number):
        raise ValueError(value)
    return number


def _order_from_row(row: dict[str, str]) -> dict[str, Any]:
    country = row["RecipientCountryCode"].upper()
    first, last = row.get("RecipientFirstName", ""), row.get("RecipientLastName", "")
    # Japanese convention puts the family name first.
    full_name = f"{last} {first}" if country == "JP" else f"{first} {last}"
    return {
        "name": row["OrderName"],
        "currency": row["CurrencyCode"].upper(),
        "date": row.get("Date", ""),
        "to_address": {
            "full_name": full_name.strip(),
            "company": row.get("RecipientCompany", ""),
            "email": row.get("RecipientMail", ""),
            "phone": row["RecipientPhone"],
            "country": country,
            "zip": row["RecipientZIP"],
            "province": row.get("RecipientProvince", ""),
            "city": row.get("RecipientCity", ""),
            "address1": row["RecipientAddress1"],
            "address2": row.get("RecipientAddress2", ""),
        },
        "products": [],
    }


def _product_from_row(row: dict[str, str]) -> dict[str, Any] | None:
    values = {key: row.get(column, "") for key, column in PRODUCT_COLUMNS.items()}
    if not values["name"] and not values["sku"]:
        return None
    price = _parse_number(values["price"]) if values["price"] else 0
    weight = _parse_number(values["weight"]) if values["weight"] else 0
    return {
        "name": values["name"],
        "quantity": _parse_quantity(values["quantity"]) if values["quantity"] else 1,
        "price": int(price) if float(price).is_integer() else price,
        "sku": values["sku"],
        "weight": round(weight),
        "hs_code": values["hs_code"],
        "origin_country": values["origin_country"].upper(),
    }


# --- HTTP plumbing -------------------------------------------------------------------------


class HttpError(Exception):
    """Turns into a JSON error answer: ``{"error": {"code": status, "message": message}}``."""

    def __init__(self, status: int, message: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, [("Content-Type", "application/json"), *headers])


def error_response(status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return json_response(status, {"error": {"code": status, "message": message}}, headers)


def html_response(status: int, page: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(
        status, page.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8"), *headers]
    )


class Request:
    """The few things the emulator needs from a WSGI environ."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()
        self.path: str = environ.get("PATH_INFO", "/") or "/"
        self.script_name: str = environ.get("SCRIPT_NAME", "").rstrip("/")
        self.query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), True).items()}
        self._body: bytes | None = None

    def header(self, name: str) -> str:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), "")

    @property
    def base_url(self) -> str:
        """Absolute URL of the emulator root (no trailing slash), for label links."""
        return application_uri(self.environ).rstrip("/")

    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY:
                raise HttpError(413, "Request body too large")
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def json(self) -> dict[str, Any]:
        try:
            payload = json.loads(self.body() or b"{}")
        except ValueError as exc:
            raise HttpError(400, f"Body is not valid JSON: {exc}") from exc
        if not isinstance(payload, dict):
            raise HttpError(400, "Body must be a JSON object")
        return payload

    def form(self) -> tuple[dict[str, list[str]], dict[str, tuple[str, bytes]]]:
        """Fields and uploaded files from an urlencoded or multipart body."""
        ctype = self.environ.get("CONTENT_TYPE", "")
        if not ctype.lower().startswith("multipart/form-data"):
            return parse_qs(self.body().decode("utf-8", "replace"), keep_blank_values=True), {}
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + self.body()
        )
        if not message.is_multipart():
            raise HttpError(400, "Malformed multipart body")
        fields: dict[str, list[str]] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = (str(filename), payload)
            else:
                fields.setdefault(str(name), []).append(payload.decode("utf-8", "replace"))
        return fields, files

    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.environ.get("HTTP_COOKIE", ""))
        except CookieError:
            return {}
        return {key: morsel.value for key, morsel in jar.items()}


def _cookie(request: Request, name: str, value: str, *, clear: bool = False) -> tuple[str, str]:
    path = request.script_name or "/"
    extra = "; Max-Age=0" if clear else ""
    return ("Set-Cookie", f"{name}={value}; Path={path}; HttpOnly; SameSite=Lax{extra}")


# --- the emulator --------------------------------------------------------------------------


class ShipandcoApp:
    """WSGI app emulating Ship&co; state in a :class:`JsonStore`, rate limits/faults in memory."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        default_token: str = DEFAULT_TOKEN,
        rate_limit: int = RATE_LIMIT_MAX,
        rate_window: float = RATE_LIMIT_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.default_tokens = {"acct_1": default_token, "acct_2": SECOND_TOKEN}
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = {}
        self._faults: dict[str, dict[str, int]] = {}
        self.store = JsonStore(data_dir, "shipandco", self._fresh_state)
        with self.store.write() as doc:
            self._ensure_accounts(doc)

    # state ------------------------------------------------------------------------------

    def _fresh_state(self) -> Document:
        # A random serial start keeps tracking numbers unique across in-memory restarts too.
        return {"version": 1, "serial": secrets.randbelow(10**6) * 1000, "accounts": {}}

    def _ensure_accounts(self, doc: Document) -> None:
        """Create the built-in accounts; adopt a changed default token from the environment."""
        accounts = doc.setdefault("accounts", {})
        for account_id, name in BUILTIN_ACCOUNTS:
            seed = self.default_tokens[account_id]
            account = accounts.get(account_id)
            if account is None:
                accounts[account_id] = {
                    "id": account_id,
                    "name": name,
                    "token": seed,
                    "seed_token": seed,
                    "carriers": [
                        {
                            "id": hashlib.sha256(f"{account_id}:{kind}".encode()).hexdigest()[:24],
                            "type": kind,
                            "name": label,
                            "state": "active",
                        }
                        for kind, (label, _service) in CARRIERS.items()
                    ],
                    "orders": [],
                    "shipments": [],
                }
            elif account.get("seed_token") != seed:
                account["token"] = account["seed_token"] = seed

    def account_id_for(self, token: str) -> str | None:
        if not token:
            return None
        wanted = token.encode("utf-8", "surrogateescape")
        with self.store.read() as doc:
            for account in doc["accounts"].values():
                if hmac.compare_digest(account["token"].encode(), wanted):
                    return str(account["id"])
        return None

    def _account(self, doc: Document, account_id: str) -> dict[str, Any]:
        return doc["accounts"][account_id]

    def _next_serial(self, doc: Document) -> int:
        doc["serial"] = int(doc.get("serial", 0)) + 1
        return int(doc["serial"])

    def regenerate_token(self, account_id: str) -> str:
        """Issue a new token; the previous one stops working at once, as on Ship&co."""
        token = "sc_sandbox_" + secrets.token_urlsafe(24)
        with self.store.write() as doc:
            self._account(doc, account_id)["token"] = token
        return token

    def reset(self) -> None:
        doc = self._fresh_state()
        self._ensure_accounts(doc)
        self.store.replace(doc)
        with self._lock:
            self._calls.clear()
            self._faults.clear()

    def import_orders(self, account_id: str, orders: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Store parsed orders; an existing unfulfilled/cancelled order with that name is updated."""
        summary: dict[str, Any] = {"created": 0, "updated": 0, "skipped": [], "orders": []}
        now = now_iso()
        with self.store.write() as doc:
            account = self._account(doc, account_id)
            by_name = {order["name"]: order for order in account["orders"]}
            for parsed in orders:
                existing = by_name.get(parsed["name"])
                if existing is None:
                    order = {
                        "id": secrets.token_hex(12),
                        "state": "unfulfilled",
                        "shipment_ids": [],
                        "created_at": now,
                        "updated_at": now,
                        **copy.deepcopy(parsed),
                    }
                    account["orders"].append(order)
                    by_name[order["name"]] = order
                    summary["created"] += 1
                elif existing["state"] == "label_printed":
                    summary["skipped"].append(parsed["name"])
                    continue
                else:
                    existing.update(copy.deepcopy(parsed))
                    existing["state"] = "unfulfilled"
                    existing["updated_at"] = now
                    order = existing
                    summary["updated"] += 1
                summary["orders"].append(copy.deepcopy(order))
        return summary

    def _new_shipment(
        self,
        doc: Document,
        *,
        ref_number: str,
        carrier: str,
        parcels: list[dict[str, int]],
        to_address: dict[str, str],
        products: list[dict[str, Any]],
        currency: str = "JPY",
        created_at: str | None = None,
        state: str = "active",
        service: str | None = None,
        tracking_numbers: list[str] | None = None,
    ) -> dict[str, Any]:
        created = created_at or now_iso()
        if tracking_numbers is None:
            tracking_numbers = [
                tracking_number(carrier, self._next_serial(doc)) for _parcel in parcels
            ]
        return {
            "id": secrets.token_hex(12),
            "state": state,
            "created_at": created,
            "updated_at": created,
            "setup": {
                "ref_number": ref_number,
                "carrier": carrier,
                "service": service or CARRIERS[carrier][1],
                "date": parse_iso(created).astimezone(JST).date().isoformat(),
                "currency": currency,
            },
            "to_address": {**DEFAULT_ADDRESS, **to_address},
            "products": [
                {
                    "name": p.get("name", ""),
                    "quantity": p.get("quantity", 1),
                    "price": p.get("price", 0),
                    "sku": p.get("sku", ""),
                }
                for p in products
            ],
            "parcels": parcels,
            "delivery": {"tracking_numbers": tracking_numbers, "label": None, "invoice": None},
        }

    def print_labels(
        self, account_id: str, order_ids: Sequence[str] | None, carrier: str, parcel_count: int
    ) -> list[dict[str, Any]]:
        """One shipment per order (``order_ids=None`` = every unfulfilled order)."""
        if carrier not in CARRIERS:
            raise HttpError(400, f"Unknown carrier {carrier!r}")
        if not 1 <= parcel_count <= 3:
            raise HttpError(400, "Parcels per order must be 1 to 3")
        created: list[dict[str, Any]] = []
        with self.store.write() as doc:
            account = self._account(doc, account_id)
            if order_ids is None:
                targets = [o for o in account["orders"] if o["state"] == "unfulfilled"]
            else:
                wanted = set(order_ids)
                targets = [
                    o
                    for o in account["orders"]
                    if o["id"] in wanted and o["state"] in ("unfulfilled", "cancelled")
                ]
            for order in targets:
                grams = sum(p.get("weight", 0) * p.get("quantity", 1) for p in order["products"])
                each = max(1, round(grams / parcel_count)) if grams else DEFAULT_PARCEL["weight"]
                shipment = self._new_shipment(
                    doc,
                    ref_number=order["name"],
                    carrier=carrier,
                    parcels=[{**DEFAULT_PARCEL, "weight": each} for _ in range(parcel_count)],
                    to_address=order["to_address"],
                    products=order["products"],
                    currency=order.get("currency") or "JPY",
                )
                account["shipments"].append(shipment)
                order["shipment_ids"].append(shipment["id"])
                order["state"] = "label_printed"
                order["updated_at"] = shipment["created_at"]
                created.append(copy.deepcopy(shipment))
        return created

    def cancel_shipment(self, account_id: str, shipment_id: str) -> dict[str, Any]:
        with self.store.write() as doc:
            account = self._account(doc, account_id)
            shipment = next((s for s in account["shipments"] if s["id"] == shipment_id), None)
            if shipment is None:
                raise HttpError(404, "Shipment not found")
            if shipment["state"] != "cancelled":
                shipment["state"] = "cancelled"
                shipment["updated_at"] = now_iso()
                for order in account["orders"]:
                    if order["shipment_ids"] and order["shipment_ids"][-1] == shipment_id:
                        order["state"] = "cancelled"
                        order["updated_at"] = shipment["updated_at"]
            return copy.deepcopy(shipment)

    def set_fault(self, account_id: str, status: int, count: int) -> None:
        with self._lock:
            if count > 0:
                self._faults[account_id] = {"status": status, "count": count}
            else:
                self._faults.pop(account_id, None)

    def pending_fault(self, account_id: str) -> dict[str, int] | None:
        with self._lock:
            fault = self._faults.get(account_id)
            return dict(fault) if fault else None

    def _take_fault(self, account_id: str) -> int | None:
        with self._lock:
            fault = self._faults.get(account_id)
            if not fault:
                return None
            fault["count"] -= 1
            if fault["count"] <= 0:
                del self._faults[account_id]
            return fault["status"]

    def _count_call(self, token: str) -> tuple[str, int]:
        """Record one call; return the ``x-api-call-limit`` value and a Retry-After (0 = allowed)."""
        now = self._clock()
        with self._lock:
            calls = self._calls.setdefault(token, deque())
            while calls and calls[0] <= now - self.rate_window:
                calls.popleft()
            if len(calls) >= self.rate_limit:
                retry_after = max(1, math.ceil(calls[0] + self.rate_window - now))
                return f"0/{self.rate_limit}", retry_after
            calls.append(now)
            return f"{self.rate_limit - len(calls)}/{self.rate_limit}", 0

    def serialize(self, shipment: dict[str, Any], base_url: str) -> dict[str, Any]:
        data = copy.deepcopy(shipment)
        data["delivery"]["label"] = f"{base_url}/labels/{shipment['id']}.pdf"
        return data

    # WSGI -------------------------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HttpError as exc:
            response = error_response(exc.status, exc.message, exc.headers)
        except Exception:  # a sandbox bug must still answer, and be visible
            traceback.print_exc(file=sys.stderr)
            response = error_response(500, "Sandbox internal error")
        phrase = HTTPStatus(response.status).phrase
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {phrase}", headers)
        return [response.body]

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path == "/api/v1" or path.startswith("/api/v1/"):
            return self.api(request, path[len("/api/v1") :] or "/")
        if path.startswith("/_"):
            return self.control(request, path)
        match = re.fullmatch(r"/labels/([0-9a-f]{24})\.pdf", path)
        if match:
            return self.label(match.group(1))
        return self.ui(request, path)

    # REST API ---------------------------------------------------------------------------

    def api(self, request: Request, path: str) -> Response:
        token = request.header("x-access-token")
        account_id = self.account_id_for(token)
        if account_id is None:
            return error_response(401, "Invalid access token")
        limit_value, retry_after = self._count_call(token)
        headers = [("x-api-call-limit", limit_value)]
        if retry_after:
            return error_response(
                429,
                f"Rate limit exceeded: {self.rate_limit} calls per {self.rate_window:g} s",
                [*headers, ("Retry-After", str(retry_after))],
            )
        fault = self._take_fault(account_id)
        if fault is not None:
            extra = [("Retry-After", "1")] if fault in (429, 503) else []
            return error_response(fault, "Injected fault (Ship&co sandbox)", [*headers, *extra])
        try:
            response = self._api_route(request, path, account_id)
        except HttpError as exc:
            response = error_response(exc.status, exc.message, exc.headers)
        response.headers.extend(headers)
        return response

    def _api_route(self, request: Request, path: str, account_id: str) -> Response:
        path = path.rstrip("/") or "/"
        if path == "/carriers":
            self._require(request, "GET")
            with self.store.read() as doc:
                return json_response(200, copy.deepcopy(self._account(doc, account_id)["carriers"]))
        if path == "/shipments":
            self._require(request, "GET")
            return json_response(200, self.list_shipments(request, account_id))
        match = re.fullmatch(r"/shipments/([^/]+)", path)
        if match:
            self._require(request, "GET")
            with self.store.read() as doc:
                for shipment in self._account(doc, account_id)["shipments"]:
                    if shipment["id"] == match.group(1):
                        return json_response(200, self.serialize(shipment, request.base_url))
            raise HttpError(404, "Shipment not found")
        raise HttpError(404, "Not found")

    @staticmethod
    def _require(request: Request, method: str) -> None:
        if request.method != method:
            raise HttpError(405, "Method not allowed", [("Allow", method)])

    def list_shipments(self, request: Request, account_id: str) -> list[dict[str, Any]]:
        limit = self._int_param(request, "limit", DEFAULT_LIMIT, minimum=1)
        offset = self._int_param(request, "offset", 0, minimum=0)
        date_from = None
        if request.query.get("date_from"):
            try:
                date_from = parse_iso(request.query["date_from"])
            except ValueError as exc:
                raise HttpError(
                    400, "date_from must be an ISO-8601 date-time, e.g. 2024-04-01T00:00:00Z"
                ) from exc
        with self.store.read() as doc:
            shipments = list(self._account(doc, account_id)["shipments"])
        if date_from is not None:
            shipments = [s for s in shipments if parse_iso(s["created_at"]) >= date_from]
        shipments.sort(key=lambda s: (s["created_at"], s["id"]))
        page = shipments[offset : offset + min(limit, MAX_LIMIT)]
        return [self.serialize(s, request.base_url) for s in page]

    @staticmethod
    def _int_param(request: Request, name: str, default: int, *, minimum: int) -> int:
        raw = request.query.get(name, "")
        if raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise HttpError(400, f"{name} must be an integer >= {minimum}")
        return value

    # control endpoints ------------------------------------------------------------------

    def control(self, request: Request, path: str) -> Response:
        if path == "/_orders":
            self._require(request, "GET")
            account_id = self._control_account(
                request.header("x-access-token") or request.query.get("token", "")
            )
            with self.store.read() as doc:
                return json_response(200, copy.deepcopy(self._account(doc, account_id)["orders"]))
        self._require(request, "POST")
        payload = request.json()
        if path == "/_reset":
            self.reset()
            return json_response(200, {"status": "reset"})
        account_id = self._control_account(str(payload.get("token", "")))
        if path == "/_faults":
            status, count = payload.get("status", 500), payload.get("count", 1)
            if not isinstance(status, int) or not 400 <= status <= 599:
                raise HttpError(400, "status must be an integer from 400 to 599")
            if not isinstance(count, int) or count < 0:
                raise HttpError(400, "count must be an integer >= 0")
            self.set_fault(account_id, status, count)
            return json_response(200, {"status": status, "count": count})
        if path == "/_regenerate_token":
            return json_response(200, {"token": self.regenerate_token(account_id)})
        if path == "/_seed":
            return self.seed(request, account_id, payload)
        raise HttpError(404, "Not found")

    def _control_account(self, token: str) -> str:
        account_id = self.account_id_for(token)
        if account_id is None:
            raise HttpError(400, "token does not match any sandbox account")
        return account_id

    def seed(self, request: Request, account_id: str, payload: dict[str, Any]) -> Response:
        rows = payload.get("orders") or []
        items = payload.get("shipments") or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise HttpError(400, "orders must be a list of CSV-row objects")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise HttpError(400, "shipments must be a list of objects")
        orders: list[dict[str, Any]] = []
        if rows:
            header = list(dict.fromkeys(key for row in rows for key in row))
            result = rows_to_orders(header, rows)
            if result.errors:
                problems = "; ".join(f"row {i.row} {i.column}: {i.message}" for i in result.errors)
                raise HttpError(400, f"orders rejected: {problems}")
            orders = result.orders
        specs = [self._seed_spec(index, item) for index, item in enumerate(items)]
        summary = self.import_orders(account_id, orders) if orders else {"orders": []}
        created: list[dict[str, Any]] = []
        with self.store.write() as doc:
            account = self._account(doc, account_id)
            for spec in specs:
                shipment = self._new_shipment(doc, **spec)
                account["shipments"].append(shipment)
                created.append(self.serialize(shipment, request.base_url))
        return json_response(201, {"shipments": created, "orders": summary["orders"]})

    @staticmethod
    def _seed_spec(index: int, item: dict[str, Any]) -> dict[str, Any]:
        """Validate one seed shipment before anything is stored."""
        where = f"shipments[{index}]"
        ref = item.get("ref_number")
        if not isinstance(ref, str) or not ref:
            raise HttpError(400, f"{where}.ref_number must be a non-empty string")
        carrier = item.get("carrier", "yamato")
        if carrier not in CARRIERS:
            raise HttpError(400, f"{where}.carrier must be one of {', '.join(CARRIERS)}")
        count = item.get("parcels", 1)
        if not isinstance(count, int) or not 1 <= count <= 10:
            raise HttpError(400, f"{where}.parcels must be an integer from 1 to 10")
        state = item.get("state", "active")
        if state not in SHIPMENT_STATES:
            raise HttpError(400, f"{where}.state must be one of {', '.join(SHIPMENT_STATES)}")
        created_at = None
        if item.get("created_at") is not None:
            try:
                created_at = iso_z(parse_iso(str(item["created_at"])))
            except ValueError as exc:
                raise HttpError(400, f"{where}.created_at must be ISO-8601") from exc
        numbers = item.get("tracking_numbers")
        if numbers is not None and (
            not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers)
        ):
            raise HttpError(400, f"{where}.tracking_numbers must be a list of strings")
        address = item.get("to_address") or {}
        products = item.get("products") or []
        if not isinstance(address, dict) or not isinstance(products, list):
            raise HttpError(400, f"{where}.to_address must be an object, products a list")
        return {
            "ref_number": ref,
            "carrier": carrier,
            "parcels": [dict(DEFAULT_PARCEL) for _ in range(count)],
            "to_address": {str(k): str(v) for k, v in address.items()},
            "products": [p for p in products if isinstance(p, dict)],
            "created_at": created_at,
            "state": state,
            "service": item.get("service"),
            "tracking_numbers": numbers,
        }

    # labels -----------------------------------------------------------------------------

    def label(self, shipment_id: str) -> Response:
        """Serve a fake label; public like the real (unguessable) label links."""
        with self.store.read() as doc:
            shipment = next(
                (
                    copy.deepcopy(s)
                    for account in doc["accounts"].values()
                    for s in account["shipments"]
                    if s["id"] == shipment_id
                ),
                None,
            )
        if shipment is None:
            raise HttpError(404, "Label not found")
        setup, address = shipment["setup"], shipment["to_address"]
        lines = [
            "Ship&co SANDBOX - NOT A REAL LABEL",
            f"{CARRIERS[setup['carrier']][0]} / {setup['service']}",
            f"Ref: {setup['ref_number']}",
            f"Ship date: {setup['date']}   State: {shipment['state']}",
            *[f"Tracking: {n}" for n in shipment["delivery"]["tracking_numbers"]],
            f"To: {address['zip']} {address['country']}",
            f"   {address['full_name']} {address['company']}",
            f"   {address['province']} {address['city']} {address['address1']}",
            "(non-Latin characters print as ?)",
        ]
        return Response(
            200,
            render_label_pdf(lines),
            [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", f'inline; filename="label-{shipment_id}.pdf"'),
            ],
        )

    # web UI -----------------------------------------------------------------------------

    def ui(self, request: Request, path: str) -> Response:
        cookies = request.cookies()
        token = cookies.get(TOKEN_COOKIE, "")
        account_id = self.account_id_for(token)
        if path == "/" and request.method == "GET":
            flash = unquote(cookies.get(FLASH_COOKIE, ""))
            headers = [_cookie(request, FLASH_COOKIE, "", clear=True)] if flash else []
            if account_id is None:
                if token and not flash:
                    flash = "That access token is no longer valid (regenerated?). Log in again."
                return html_response(200, self.login_page(request, flash), headers)
            return html_response(200, self.orders_page(request, account_id, flash), headers)
        if request.method != "POST":
            return html_response(404, self._layout(request, "<p>Not found.</p>"))
        if path == "/login":
            fields, _files = request.form()
            new_token = (fields.get("token") or [""])[0].strip()
            if self.account_id_for(new_token) is None:
                return html_response(
                    401, self.login_page(request, "Invalid access token.", error=True)
                )
            return self._redirect(
                request, "Logged in.", [_cookie(request, TOKEN_COOKIE, new_token)]
            )
        if path == "/logout":
            return self._redirect(
                request, "Logged out.", [_cookie(request, TOKEN_COOKIE, "", clear=True)]
            )
        if account_id is None:
            return self._redirect(request, "Log in with an access token first.")
        if path == "/import":
            return self.ui_import(request, account_id)
        if path == "/print":
            return self.ui_print(request, account_id)
        if path == "/token/regenerate":
            new_token = self.regenerate_token(account_id)
            return self._redirect(
                request,
                f"New access token: {new_token} — the previous token no longer works.",
                [_cookie(request, TOKEN_COOKIE, new_token)],
            )
        if path == "/faults":
            fields, _files = request.form()
            try:
                status = int((fields.get("status") or ["500"])[0])
                count = int((fields.get("count") or ["1"])[0])
            except ValueError:
                return self._redirect(request, "Fault status and count must be numbers.")
            if not 400 <= status <= 599 or not 0 <= count <= 100:
                return self._redirect(request, "Fault status must be 400-599, count 0-100.")
            self.set_fault(account_id, status, count)
            return self._redirect(request, f"Next {count} API call(s) will answer {status}.")
        match = re.fullmatch(r"/shipments/([0-9a-f]{24})/cancel", path)
        if match:
            try:
                self.cancel_shipment(account_id, match.group(1))
            except HttpError as exc:
                return self._redirect(request, exc.message)
            return self._redirect(request, "Shipment cancelled.")
        return html_response(404, self._layout(request, "<p>Not found.</p>"))

    def _redirect(
        self, request: Request, flash: str, headers: Sequence[tuple[str, str]] = ()
    ) -> Response:
        cookie = _cookie(request, FLASH_COOKIE, quote(flash[:1500], safe=""))
        return Response(303, b"", [("Location", request.script_name + "/"), cookie, *headers])

    def ui_import(self, request: Request, account_id: str) -> Response:
        _fields, files = request.form()
        upload = files.get("file")
        if upload is None or not upload[1]:
            return self._redirect(request, "Choose a CSV file to import.")
        result = parse_orders_csv(upload[1])
        if result.errors:
            page = self.orders_page(
                request,
                account_id,
                f"Nothing was imported from {upload[0]}: fix the problems below and retry.",
                issues=result.errors + result.warnings,
                error=True,
            )
            return html_response(400, page)
        summary = self.import_orders(account_id, result.orders)
        encoding = "Shift_JIS" if result.encoding == "cp932" else "UTF-8"
        message = (
            f"Imported {upload[0]} ({encoding}): {summary['created']} new order(s), "
            f"{summary['updated']} updated."
        )
        if summary["skipped"]:
            message += f" Not changed (label already printed): {', '.join(summary['skipped'])}."
        if result.warnings:
            message += " Warnings: " + "; ".join(
                f"row {w.row} {w.column}: {w.message}" for w in result.warnings[:10]
            )
        return self._redirect(request, message)

    def ui_print(self, request: Request, account_id: str) -> Response:
        fields, _files = request.form()
        carrier = (fields.get("carrier") or ["yamato"])[0]
        try:
            parcels = int((fields.get("parcels") or ["1"])[0])
        except ValueError:
            parcels = 0
        if carrier not in LABEL_CARRIERS or not 1 <= parcels <= 3:
            return self._redirect(request, "Choose a carrier and 1 to 3 parcels.")
        scope = (fields.get("scope") or ["selected"])[0]
        order_ids = None if scope == "all" else fields.get("order", [])
        if order_ids == []:
            return self._redirect(request, "Select at least one order.")
        created = self.print_labels(account_id, order_ids, carrier, parcels)
        if not created:
            return self._redirect(request, "No printable orders selected.")
        refs = ", ".join(s["setup"]["ref_number"] for s in created)
        return self._redirect(request, f"Printed {len(created)} label(s): {refs}.")

    # HTML -------------------------------------------------------------------------------

    def _layout(self, request: Request, body: str, flash: str = "", error: bool = False) -> str:
        e = html.escape
        note = ""
        if flash:
            note = f'<p class="flash{" err" if error else ""}">{e(flash)}</p>'
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ship&amp;co sandbox</title><style>
body{{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}}
header{{background:#b00020;color:#fff;padding:8px 16px}}header b{{font-size:16px}}
main{{padding:8px 16px}}table{{border-collapse:collapse;margin:6px 0}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}}
th{{background:#f3f3f3}}.flash{{background:#e8f5e9;padding:6px}}.err{{background:#fdecea}}
code{{background:#f3f3f3;padding:1px 3px}}form.inline{{display:inline}}
section{{margin:12px 0}}h2{{font-size:16px;margin:8px 0 4px}}
</style></head><body><header><b>Ship&amp;co sandbox — not the real Ship&amp;co</b>
&nbsp;offline emulator for Hakobu demos and tests. API base:
<code style="color:#222">{e(request.base_url)}/api/v1/</code></header>
<main>{note}{body}</main></body></html>"""

    def login_page(self, request: Request, flash: str = "", error: bool = False) -> str:
        e = html.escape
        with self.store.read() as doc:
            accounts = [(a["name"], a["token"]) for a in doc["accounts"].values()]
        rows = "".join(
            f"<tr><td>{e(name)}</td><td><code>{e(token)}</code></td><td>"
            f'<form class="inline" method="post" action="{e(request.script_name)}/login">'
            f'<input type="hidden" name="token" value="{e(token)}">'
            f"<button>Log in</button></form></td></tr>"
            for name, token in accounts
        )
        body = f"""<h2>Log in with an access token</h2>
<form method="post" action="{e(request.script_name)}/login">
<input name="token" size="50" placeholder="x-access-token"> <button>Log in</button></form>
<h2>Sandbox accounts</h2><p>Each account sees only its own orders and shipments.</p>
<table><tr><th>Account</th><th>Current access token</th><th></th></tr>{rows}</table>"""
        return self._layout(request, body, flash, error)

    def orders_page(
        self,
        request: Request,
        account_id: str,
        flash: str = "",
        *,
        issues: Sequence[ImportIssue] = (),
        error: bool = False,
    ) -> str:
        e = html.escape
        root = e(request.script_name)
        with self.store.read() as doc:
            account = copy.deepcopy(self._account(doc, account_id))
        shipments = {s["id"]: s for s in account["shipments"]}
        issue_html = ""
        if issues:
            issue_rows = "".join(
                f"<tr><td>Row {i.row}</td><td>{e(i.column)}</td><td>{e(i.message)}</td></tr>"
                for i in issues
            )
            issue_html = (
                '<table class="issues"><tr><th>Row</th><th>Column</th><th>Problem</th></tr>'
                f"{issue_rows}</table>"
            )
        order_rows = []
        for order in reversed(account["orders"]):
            latest = shipments.get(order["shipment_ids"][-1]) if order["shipment_ids"] else None
            tracking = ", ".join(latest["delivery"]["tracking_numbers"]) if latest else ""
            address = order["to_address"]
            printable = order["state"] in ("unfulfilled", "cancelled")
            checkbox = (
                f'<input type="checkbox" name="order" value="{e(order["id"])}">'
                if printable
                else ""
            )
            items = "<br>".join(
                f"{e(p['name'] or p['sku'])} × {p['quantity']}" for p in order["products"]
            )
            order_rows.append(
                f"<tr><td>{checkbox}</td><td>{e(order['name'])}</td>"
                f"<td>{e(address['full_name'])}<br>{e(address['company'])}</td>"
                f"<td>{e(address['zip'])} {e(address['province'])} {e(address['city'])} "
                f"{e(address['address1'])} {e(address['address2'])}</td><td>{items}</td>"
                f"<td>{ORDER_STATE_LABELS[order['state']]}</td><td>{e(tracking)}</td></tr>"
            )
        carrier_options = "".join(
            f'<option value="{c}">{e(CARRIERS[c][0])}</option>' for c in LABEL_CARRIERS
        )
        shipment_rows = []
        for s in sorted(
            account["shipments"], key=lambda s: (s["created_at"], s["id"]), reverse=True
        ):
            cancel = (
                f'<form class="inline" method="post" action="{root}/shipments/{s["id"]}/cancel">'
                "<button>Cancel shipment</button></form>"
                if s["state"] == "active"
                else ""
            )
            shipment_rows.append(
                f"<tr><td>{e(s['created_at'])}</td><td><code>{e(s['id'])}</code></td>"
                f"<td>{e(s['setup']['ref_number'])}</td>"
                f"<td>{e(s['setup']['carrier'])} / {e(s['setup']['service'])}</td>"
                f"<td>{'<br>'.join(e(n) for n in s['delivery']['tracking_numbers'])}</td>"
                f"<td>{e(s['state'])}</td><td>{e(s['updated_at'])}</td>"
                f'<td><a href="{root}/labels/{s["id"]}.pdf">label</a></td><td>{cancel}</td></tr>'
            )
        fault = self.pending_fault(account_id)
        fault_note = (
            f"Pending: next {fault['count']} call(s) answer {fault['status']}." if fault else ""
        )
        body = f"""<p>Account <b>{e(account["name"])}</b> · access token
<code>{e(account["token"])}</code>
<form class="inline" method="post" action="{root}/token/regenerate">
<button title="The current token stops working">Regenerate token</button></form>
<form class="inline" method="post" action="{root}/logout"><button>Log out</button></form></p>
<section><h2>Import CSV</h2>
<form method="post" action="{root}/import" enctype="multipart/form-data">
<input type="file" name="file" accept=".csv,text/csv"> <button>Import CSV</button></form>
<small>Ship&amp;co order-import CSV, UTF-8 (with or without BOM) or Shift_JIS. One row per item;
rows with the same OrderName form one order. Re-importing an unfulfilled order updates it.</small>
{issue_html}</section>
<section><h2>Orders</h2><form method="post" action="{root}/print">
<table><tr><th></th><th>OrderName</th><th>Recipient</th><th>Address</th><th>Items</th>
<th>State</th><th>Tracking numbers</th></tr>{"".join(order_rows)}</table>
Carrier <select name="carrier">{carrier_options}</select>
Parcels per order <select name="parcels"><option>1</option><option>2</option><option>3</option>
</select>
<button name="scope" value="selected">Print labels for selected</button>
<button name="scope" value="all">Print labels for all unfulfilled</button></form></section>
<section><h2>Shipments</h2><table><tr><th>Created</th><th>ID</th><th>Ref number</th>
<th>Carrier / service</th><th>Tracking numbers</th><th>State</th><th>Updated</th><th></th>
<th></th></tr>{"".join(shipment_rows)}</table></section>
<section><h2>Fault injection (sandbox only)</h2>
<form method="post" action="{root}/faults">Next
<input name="count" type="number" min="0" max="100" value="1" style="width:4em"> API call(s)
answer <select name="status"><option>500</option><option>502</option><option>503</option>
<option>429</option><option>401</option><option>403</option></select>
<button>Inject</button> {e(fault_note)}</form></section>"""
        return self._layout(request, body, flash, error)


def create_app(data_dir: Path | str | None = None) -> ShipandcoApp:
    """Factory used by :mod:`sandbox.server` (every emulator module exposes one)."""
    return ShipandcoApp(data_dir)
