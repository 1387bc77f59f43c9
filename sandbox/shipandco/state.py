"""The emulator's state: accounts, orders and shipments in a :class:`JsonStore`, plus the
in-memory test knobs (faults, rate limits, listing behaviours) that a restart forgets.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.common.web import HttpError
from sandbox.shipandco.facts import (
    BUILTIN_ACCOUNTS,
    CARRIERS,
    DEFAULT_PARCEL,
    DEFAULT_TOKEN,
    RATE_LIMIT_MAX,
    RATE_LIMIT_WINDOW,
    SECOND_TOKEN,
)
from sandbox.shipandco.listing import ListingBehaviour
from sandbox.shipandco.shipments import (
    Shipment,
    build_shipment,
    jst_day,
    now_iso,
    requested_delivery,
    tracking_number,
    upgrade_v1,
)
from sandbox.store import Document, JsonStore

STATE_VERSION = 2
#: Fields ``update_shipment`` may change.
UPDATABLE = ("tracking_numbers", "carrier", "method", "state", "test")


@dataclass
class Fault:
    """The next ``count`` API calls of an account answer ``status``."""

    status: int
    count: int
    content_type: str = "application/json"
    html: bool = False  # a proxy's HTML page instead of Ship&co's JSON


@dataclass
class RateLimit:
    max: int = RATE_LIMIT_MAX
    window: float = RATE_LIMIT_WINDOW


def carrier_id(account_id: str, carrier: str) -> str:
    """The stable ``setup.carrier_id`` / ``/carriers`` id of a carrier in an account."""
    return hashlib.sha256(f"{account_id}:{carrier}".encode()).hexdigest()[:24]


class ShipandcoState:
    """Everything the API, control endpoints and UI read or change; thread-safe."""

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
        self.default_rate = RateLimit(rate_limit, rate_window)
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = {}
        self._rates: dict[str, RateLimit] = {}
        self._faults: dict[str, Fault] = {}
        self._listing: dict[str, ListingBehaviour] = {}
        self.store = JsonStore(data_dir, "shipandco", self._fresh_state)
        with self.store.write() as doc:
            self._upgrade(doc)
            self._ensure_accounts(doc)

    # documents ------------------------------------------------------------------------

    @staticmethod
    def _fresh_state() -> Document:
        # A random serial start keeps tracking numbers unique across in-memory restarts too.
        serial = secrets.randbelow(10**6) * 1000
        return {"version": STATE_VERSION, "serial": serial, "accounts": {}}

    @staticmethod
    def _upgrade(doc: Document) -> None:
        """Bring a state file written by an older sandbox up to :data:`STATE_VERSION`."""
        if doc.get("version", 1) >= STATE_VERSION:
            return
        for account in doc.get("accounts", {}).values():
            ids = {kind: carrier_id(account["id"], kind) for kind in CARRIERS}
            account["shipments"] = [upgrade_v1(s, ids) for s in account.get("shipments", [])]
        doc["version"] = STATE_VERSION

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
                            "id": carrier_id(account_id, kind),
                            "type": kind,
                            "name": label,
                            "state": "active",
                        }
                        for kind, (label, _method, _domestic) in CARRIERS.items()
                    ],
                    "orders": [],
                    "shipments": [],
                }
            elif account.get("seed_token") != seed:
                account["token"] = account["seed_token"] = seed

    @staticmethod
    def _account(doc: Document, account_id: str) -> dict[str, Any]:
        return doc["accounts"][account_id]

    @staticmethod
    def _next_serial(doc: Document) -> int:
        doc["serial"] = int(doc.get("serial", 0)) + 1
        return int(doc["serial"])

    # accounts ---------------------------------------------------------------------------

    def account_id_for(self, token: str) -> str | None:
        """The account a token belongs to (constant-time compare), or None."""
        if not token:
            return None
        wanted = token.encode("utf-8", "surrogateescape")
        with self.store.read() as doc:
            for account in doc["accounts"].values():
                if hmac.compare_digest(account["token"].encode(), wanted):
                    return str(account["id"])
        return None

    def accounts(self) -> list[dict[str, Any]]:
        with self.store.read() as doc:
            return copy.deepcopy(list(doc["accounts"].values()))

    def account(self, account_id: str) -> dict[str, Any]:
        with self.store.read() as doc:
            return copy.deepcopy(self._account(doc, account_id))

    def regenerate_token(self, account_id: str) -> str:
        """Issue a new token; the previous one stops working at once, as on Ship&co."""
        token = "sc_sandbox_" + secrets.token_urlsafe(24)
        with self.store.write() as doc:
            self._account(doc, account_id)["token"] = token
        return token

    def reset(self) -> None:
        """Wipe everything, including every in-memory knob."""
        doc = self._fresh_state()
        self._ensure_accounts(doc)
        self.store.replace(doc)
        with self._lock:
            self._calls.clear()
            self._rates.clear()
            self._faults.clear()
            self._listing.clear()

    # orders and shipments ---------------------------------------------------------------

    def import_orders(self, account_id: str, orders: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Store parsed orders; an unfulfilled/cancelled order of the same name is updated."""
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

    def _make_shipment(self, doc: Document, account_id: str, **spec: Any) -> Shipment:
        """Build a shipment, filling tracking numbers and delivery date/time unless given."""
        carrier = spec["carrier"]
        serial = self._next_serial(doc)
        if spec.get("tracking_numbers") is None:
            numbers = [tracking_number(carrier, serial)]
            numbers += [
                tracking_number(carrier, self._next_serial(doc)) for _ in spec["parcels"][1:]
            ]
            spec["tracking_numbers"] = numbers
        if "delivery_date" not in spec:
            ship_day = spec.get("shipment_date") or jst_day(spec.get("created_at") or now_iso())
            spec["delivery_date"], spec["delivery_time"] = requested_delivery(
                carrier, ship_day, serial
            )
        return build_shipment(carrier_id=carrier_id(account_id, carrier), **spec)

    def add_shipments(self, account_id: str, specs: Sequence[dict[str, Any]]) -> list[Shipment]:
        """Store shipments built from validated specs (see ``control.shipment_spec``)."""
        created: list[Shipment] = []
        with self.store.write() as doc:
            account = self._account(doc, account_id)
            for spec in specs:
                shipment = self._make_shipment(doc, account_id, **copy.deepcopy(spec))
                account["shipments"].append(shipment)
                created.append(copy.deepcopy(shipment))
        return created

    def shipments(self, account_id: str) -> list[Shipment]:
        with self.store.read() as doc:
            return copy.deepcopy(self._account(doc, account_id)["shipments"])

    def find_shipment(self, shipment_id: str, account_id: str | None = None) -> Shipment | None:
        """One shipment of ``account_id`` (any account when None), or None."""
        with self.store.read() as doc:
            for account in doc["accounts"].values():
                if account_id is not None and account["id"] != account_id:
                    continue
                for shipment in account["shipments"]:
                    if shipment["id"] == shipment_id:
                        return copy.deepcopy(shipment)
        return None

    def print_labels(
        self,
        account_id: str,
        order_ids: Sequence[str] | None,
        carrier: str,
        parcel_count: int,
        *,
        test: bool = False,
    ) -> list[Shipment]:
        """One app-made shipment per order (``order_ids=None`` = every unfulfilled order)."""
        if carrier not in CARRIERS:
            raise HttpError(400, f"Unknown carrier {carrier!r}")
        if not 1 <= parcel_count <= 3:
            raise HttpError(400, "Parcels per order must be 1 to 3")
        created: list[Shipment] = []
        with self.store.write() as doc:
            account = self._account(doc, account_id)
            printable = ("unfulfilled",) if order_ids is None else ("unfulfilled", "cancelled")
            wanted = None if order_ids is None else set(order_ids)
            for order in account["orders"]:
                if order["state"] not in printable or (
                    wanted is not None and order["id"] not in wanted
                ):
                    continue
                grams = sum(p.get("weight", 0) * p.get("quantity", 1) for p in order["products"])
                each = max(1, round(grams / parcel_count)) if grams else DEFAULT_PARCEL["weight"]
                shipment = self._make_shipment(
                    doc,
                    account_id,
                    ref_number=order["name"],
                    carrier=carrier,
                    parcels=[{**DEFAULT_PARCEL, "weight": each} for _ in range(parcel_count)],
                    to_address=order["to_address"],
                    products=order["products"],
                    currency=order.get("currency") or "JPY",
                    test=test,
                    origin="app",
                )
                account["shipments"].append(shipment)
                order["shipment_ids"].append(shipment["id"])
                order["state"] = "label_printed"
                order["updated_at"] = shipment["created_at"]
                created.append(copy.deepcopy(shipment))
        return created

    def update_shipment(
        self, account_id: str, shipment_id: str, changes: dict[str, Any]
    ) -> Shipment:
        """Change validated fields (:data:`UPDATABLE`); a void re-opens the order it printed."""
        with self.store.write() as doc:
            account = self._account(doc, account_id)
            shipment = next((s for s in account["shipments"] if s["id"] == shipment_id), None)
            if shipment is None:
                raise HttpError(404, "Shipment not found")
            delivery = shipment["delivery"]
            if "carrier" in changes and changes["carrier"] != delivery["carrier"]:
                delivery["carrier"] = changes["carrier"]
                delivery["method"] = CARRIERS[changes["carrier"]][1]
                shipment["setup"]["carrier_id"] = carrier_id(account_id, changes["carrier"])
            if changes.get("method"):
                delivery["method"] = changes["method"]
            if "tracking_numbers" in changes:
                delivery["tracking_numbers"] = list(changes["tracking_numbers"])
            if "test" in changes:
                shipment["test"] = changes["test"]
            if "state" in changes and changes["state"] != shipment["state"]:
                shipment["state"] = changes["state"]
                for order in account["orders"]:
                    if order["shipment_ids"] and order["shipment_ids"][-1] == shipment_id:
                        order["state"] = (
                            "cancelled" if changes["state"] == "void" else "label_printed"
                        )
                        order["updated_at"] = now_iso()
            return copy.deepcopy(shipment)

    def void_shipment(self, account_id: str, shipment_id: str) -> Shipment:
        return self.update_shipment(account_id, shipment_id, {"state": "void"})

    # in-memory knobs --------------------------------------------------------------------

    def set_fault(self, account_id: str, fault: Fault) -> None:
        with self._lock:
            if fault.count > 0:
                self._faults[account_id] = fault
            else:
                self._faults.pop(account_id, None)

    def pending_fault(self, account_id: str) -> Fault | None:
        with self._lock:
            fault = self._faults.get(account_id)
            return copy.copy(fault) if fault else None

    def take_fault(self, account_id: str) -> Fault | None:
        """Consume one call of the account's pending fault."""
        with self._lock:
            fault = self._faults.get(account_id)
            if fault is None:
                return None
            fault.count -= 1
            if fault.count <= 0:
                del self._faults[account_id]
            return copy.copy(fault)

    def set_rate_limit(self, account_id: str, limit: RateLimit) -> None:
        """Change an account's limit and start its window afresh."""
        with self._lock:
            self._rates[account_id] = limit
            self._calls.pop(account_id, None)

    def rate_limit(self, account_id: str) -> RateLimit:
        with self._lock:
            return copy.copy(self._rates.get(account_id, self.default_rate))

    def count_call(self, account_id: str) -> tuple[str, int]:
        """Record one call: the ``x-api-call-limit`` value and a Retry-After (0 = allowed)."""
        now = self._clock()
        with self._lock:
            limit = self._rates.get(account_id, self.default_rate)
            calls = self._calls.setdefault(account_id, deque())
            while calls and calls[0] <= now - limit.window:
                calls.popleft()
            if len(calls) >= limit.max:
                retry_after = max(1, math.ceil(calls[0] + limit.window - now)) if calls else 1
                return f"0/{limit.max}", retry_after
            calls.append(now)
            return f"{limit.max - len(calls)}/{limit.max}", 0

    def set_listing(self, account_id: str | None, behaviour: ListingBehaviour) -> None:
        """Set one account's listing behaviour (every account when ``account_id`` is None)."""
        with self._lock:
            if account_id is None:
                self._listing.clear()
            elif behaviour == ListingBehaviour():
                self._listing.pop(account_id, None)
            else:
                self._listing[account_id] = behaviour

    def listing(self, account_id: str) -> ListingBehaviour:
        with self._lock:
            return self._listing.get(account_id, ListingBehaviour())
