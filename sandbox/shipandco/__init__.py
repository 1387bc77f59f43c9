"""Offline emulator of Ship&co (shipping labels): REST API plus a tiny orders UI.

Hakobu exports delivery notes as Ship&co's order-import CSV, staff print labels in Ship&co, and
Hakobu polls the API for the resulting shipments; this package lets that loop run on loopback.
Facts come from /work/shared/reference/shipandco.md; every uncertain one lives in
:mod:`sandbox.shipandco.facts`. Modules: ``facts`` (assumptions), ``web`` (HTTP plumbing, error
bodies), ``csv_orders`` (CSV import), ``shipments`` (shipment shape), ``listing`` (list query
and quirks), ``state`` (store + in-memory knobs), ``api``, ``control``, ``labels``, ``ui``, ``app``.

Mounted under ``/shipandco`` by :mod:`sandbox.server`; the paths below are relative to it.

REST API under ``/v1/`` (alias ``/api/v1/``; ``SHIPANDCO_API_URL=http://HOST:PORT/shipandco/v1/``)
    Auth: header ``x-access-token``; missing/unknown → ``403`` ``{"auth": false, "message":
    "Wrong token!"}``. Every authenticated answer carries ``x-api-call-limit: <remaining>/<max>``
    (sliding window per account, default 120 calls / 60 s); over it → ``429`` + ``Retry-After``.
    4xx body: ``{"debug_id": "err_…", "code": "VALIDATION_ERROR"|"NOT_FOUND"|…, "message",
    "details"?: [{"code": "INVALID", "message", "field", "value"}]}``; 5xx: ``{"code",
    "description"}``.

    ``GET /carriers``         JSON array of ``{"id", "type", "name", "state"}``.
    ``GET /shipments``        JSON array. ``limit`` (default 50, 1..250, larger clamped, <1 →
                              400), ``page`` (1-based, <1 → 400), ``scope`` api|all (default
                              api: app/CSV shipments hidden), ``state`` active|void|any
                              (default active), ``carrier``, ``created_after`` /
                              ``created_before`` (ISO-8601, naive = UTC, **exclusive**: ``>`` /
                              ``<``; malformed → 400). Newest first (``created_at``, ``id``).
    ``GET /shipments/{id}``   one shipment or 404. ``DELETE`` voids it (uncertain on Ship&co).

    Shipment: ``id``, ``state`` active|void, ``test``, ``created_at`` (``…T…:…:….123Z``),
    ``setup`` {``ref_number``, ``shipment_date`` (ship date, JST day of creation unless seeded),
    ``date``/``time`` (requested delivery, domestic labels only, else null), ``currency``,
    ``carrier_id``, ``pack_amount``, …}, ``delivery`` {``carrier``, ``method``,
    ``tracking_numbers``, ``label`` (PDF URL), ``invoice`` null, ``warnings`` []},
    ``to_address``, ``from_address``, ``products``, ``parcels``, ``customs``. An internal
    ``origin`` (api|app, not serialized) drives ``scope``: UI labels and seeds default to app.

Sandbox control endpoints (JSON ``POST`` unless noted; no rate limit; not part of Ship&co)
    ``/_seed``  ``{"token": T, "shipments": [...], "orders": [...]}`` → 201 ``{"shipments": [<api
                shape>], "orders": [<order>]}``. A shipment item: ``{"ref_number": str,
                "carrier"?: "yamato", "method"?|"service"?: str, "parcels"?: 1..10,
                "created_at"?: ISO-8601, "shipment_date"?: "YYYY-MM-DD", "date"?: "YYYY-MM-DD"|
                null, "time"?: "16-18"|null, "state"?: "active"|"void", "test"?: bool,
                "origin"?: "app"|"api", "tracking_numbers"?: [str] (``[]`` = none yet),
                "to_address"?: {...}, "products"?: [...]}``. An order item is one CSV row keyed
                by the CSV column names (repeat ``OrderName`` for more items).
    ``/_update_shipment``  ``{"token", "id", "tracking_numbers"?, "carrier"?, "method"?,
                "state"?, "test"?}`` → 200 API shape (a re-printed label, an added number, a
                void). A new carrier without a method takes that carrier's default method.
    ``/_faults``  ``{"token", "status": 400..599, "count": n, "content_type"?: "text/html",
                "html"?: bool}`` → the next ``n`` API calls answer ``status`` (``count: 0``
                clears): Ship&co's JSON body for that status (sent with ``content_type``), or
                with ``html: true`` a proxy's HTML page (no ``x-api-call-limit``).
    ``/_listing``  ``{"token", "order"?: "desc"|"asc"|"unordered", "max_limit"?: int,
                "ignore_page"?: bool, "repeat_page"?: int|null, "ignore_dates"?: bool}`` → 200
                the behaviour in force. Absent keys take the defaults (desc, 250, honour
                everything); ``{}`` without a token restores them for every account.
                ``unordered`` = a stable shuffle; ``ignore_page`` = always page 1;
                ``repeat_page: N`` = page N+1 answers page N again; ``ignore_dates`` = the
                created_* filters are ignored.
    ``/_rate_limit``  ``{"token", "max"?: int >= 0, "window"?: seconds}`` → 200; restarts the
                account's window.
    ``/_regenerate_token``  ``{"token": T}`` → ``{"token": NEW}``; ``T`` stops working.
    ``/_reset``  wipe everything (incl. faults, rate limits, listing behaviours), restore the
                built-in accounts and their default tokens.
    ``GET /_orders``  (``x-access-token`` header or ``?token=``) → the account's imported orders.

Web UI (clearly marked "not the real Ship&co")
    ``/`` orders page (log in with an access token), CSV import, print labels (optionally as
    test labels), void shipments, regenerate the token, inject faults. Labels:
    ``/labels/{id}.pdf``.
"""

from __future__ import annotations

from sandbox.shipandco.app import ShipandcoApp, create_app
from sandbox.shipandco.facts import (
    API_ROOTS,
    DEFAULT_LIMIT,
    DEFAULT_TOKEN,
    MAX_LIMIT,
    PREFIX,
    RATE_LIMIT_MAX,
    RATE_LIMIT_WINDOW,
    SECOND_TOKEN,
)
from sandbox.shipandco.state import ShipandcoState

__all__ = [
    "API_ROOTS",
    "DEFAULT_LIMIT",
    "DEFAULT_TOKEN",
    "MAX_LIMIT",
    "PREFIX",
    "RATE_LIMIT_MAX",
    "RATE_LIMIT_WINDOW",
    "SECOND_TOKEN",
    "ShipandcoApp",
    "ShipandcoState",
    "create_app",
]
