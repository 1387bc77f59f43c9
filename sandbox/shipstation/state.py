"""The emulator's state: per account its stores, warehouses, orders and labels in a
:class:`JsonStore`, plus in-memory knobs (rate windows, injected faults) that a restart forgets.

A demo store (:func:`demo_store_from_env`, given by ``make run``) is applied to account 1's
built-in Custom Store at every start and after a reset, so it follows the web port of the day.
"""

from __future__ import annotations

import copy
import hmac
import json
import math
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.shipstation import dates
from sandbox.shipstation.facts import (
    ACCOUNTS,
    CUSTOM_MARKETPLACE,
    DEFAULT_STATUS_MAP,
    DEMO_ACCOUNT,
    DEMO_STORE_ENV,
    MANUAL_STORE,
    WAREHOUSES,
)
from sandbox.store import Document, JsonStore

STATE_VERSION = 1
Account = dict[str, Any]


@dataclass
class Fault:
    """The next ``count`` calls of an account to one API answer ``status``."""

    status: int
    count: int


@dataclass
class Window:
    """A fixed rate-limit window: ``used`` calls since ``started``."""

    started: float
    used: int = 0


class Tx:
    """One locked write: the account being changed and the id counter."""

    def __init__(self, doc: Document, account: Account) -> None:
        self.doc = doc
        self.account = account

    def next_id(self) -> int:
        self.doc["serial"] = int(self.doc["serial"]) + 1
        return int(self.doc["serial"])


def custom_store_config(url: str | None = None, **extra: Any) -> dict[str, Any]:
    """The Custom Store settings kept on a store of marketplace "Custom Store"."""
    return {
        "url": url,
        "username": extra.get("username", ""),
        "password": extra.get("password", ""),
        "auth": extra.get("auth", "basic"),
        "statuses": dict(extra.get("statuses") or DEFAULT_STATUS_MAP),
        "last_refresh_utc": None,
    }


def demo_store_from_env(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The demo Custom Store settings named by ``DEMO_STORE_ENV`` (None without a URL).

    A malformed value raises ValueError: the sandbox then refuses to start rather than
    pulling the wrong store.
    """
    url = environ.get(DEMO_STORE_ENV["url"], "").strip()
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{DEMO_STORE_ENV['url']} must be an http(s) URL (got {url!r}).")
    name = DEMO_STORE_ENV["statuses"]
    try:
        statuses = json.loads(environ.get(name) or "{}")
    except ValueError as exc:
        raise ValueError(f"{name} is not JSON: {exc}") from None
    if (
        not isinstance(statuses, dict)
        or not set(statuses) <= set(DEFAULT_STATUS_MAP)
        or not all(isinstance(v, str) for v in statuses.values())
    ):
        raise ValueError(
            f"{name} must be a JSON object of comma-separated strings with keys among "
            f"{', '.join(DEFAULT_STATUS_MAP)}."
        )
    return {
        "url": url,
        "username": environ.get(DEMO_STORE_ENV["username"], ""),
        "password": environ.get(DEMO_STORE_ENV["password"], ""),
        "auth": "basic",
        "statuses": {**DEFAULT_STATUS_MAP, **statuses},
    }


def new_store(tx: Tx, name: str, *, custom: dict[str, Any] | None = None) -> dict[str, Any]:
    """A V1 store object (field names from V1 ``GET /stores``); ``custom`` for a Custom Store."""
    stamp = dates.stamp(dates.now())
    market = CUSTOM_MARKETPLACE if custom is not None else MANUAL_STORE
    store: dict[str, Any] = {
        "storeId": tx.next_id(),
        "storeName": name,
        "marketplaceId": market["marketplaceId"],
        "marketplaceName": market["marketplaceName"],
        "accountName": None,
        "email": None,
        "integrationUrl": custom["url"] if custom else None,
        "active": True,
        "companyName": "",
        "phone": "",
        "publicEmail": "",
        "website": "",
        "refreshDate": None,
        "lastRefreshAttempt": None,
        "createDate": stamp,
        "modifyDate": stamp,
        "autoRefresh": custom is not None,
        "custom": custom,
    }
    tx.account["stores"].append(store)
    return store


class ShipStationState:
    """Everything the APIs, control endpoints, refresher and page read or change; thread-safe."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        demo_store: dict[str, Any] | None = None,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.refresh_lock = threading.Lock()
        self._windows: dict[str, Window] = {}
        self._faults: dict[tuple[str, str], Fault] = {}
        self._label_delays: dict[tuple[str, str], float] = {}
        self.demo_store = copy.deepcopy(demo_store)
        self.store = JsonStore(data_dir, "shipstation", self._fresh_state)
        self._apply_demo_store()

    @staticmethod
    def _fresh_state() -> Document:
        # A random serial start keeps ids (and tracking numbers) apart across in-memory restarts.
        doc: Document = {
            "version": STATE_VERSION,
            "serial": 100_000 + secrets.randbelow(900) * 1000,
            "accounts": {},
        }
        for account_id, creds in ACCOUNTS.items():
            account: Account = {
                "id": account_id,
                "name": creds["name"],
                "stores": [],
                "warehouses": [],
                "orders": [],
                "labels": [],
                "rates": {},
                "last_refresh": None,
            }
            doc["accounts"][account_id] = account
            tx = Tx(doc, account)
            new_store(tx, MANUAL_STORE["storeName"])
            new_store(tx, f"Hakobu {account_id} (Custom Store)", custom=custom_store_config())
            stamp = dates.stamp(dates.now())
            for warehouse in WAREHOUSES:
                address = copy.deepcopy(warehouse["originAddress"])
                account["warehouses"].append(
                    {
                        "warehouseId": tx.next_id(),
                        "warehouseName": warehouse["warehouseName"],
                        "originAddress": address,
                        "returnAddress": copy.deepcopy(address),
                        "createDate": stamp,
                        "isDefault": warehouse["isDefault"],
                    }
                )
        return doc

    def _apply_demo_store(self) -> None:
        """Point account 1's built-in Custom Store at the demo store (a new URL refreshes anew)."""
        demo = self.demo_store
        if demo is None:
            return
        with self.write(DEMO_ACCOUNT) as tx:
            store = next((s for s in tx.account["stores"] if s["custom"] is not None), None)
            if store is None:
                store = new_store(
                    tx, f"Hakobu {DEMO_ACCOUNT} (Custom Store)", custom=custom_store_config()
                )
            config = store["custom"]
            if config["url"] != demo["url"]:
                config["last_refresh_utc"] = None
            config.update(copy.deepcopy(demo))
            store["integrationUrl"] = demo["url"]

    # accounts ---------------------------------------------------------------------------

    def account_for_v1(self, key: str, secret: str) -> str | None:
        """The account whose V1 key pair this is (constant-time compares), or None."""
        found = None
        for account_id, creds in ACCOUNTS.items():
            key_ok = hmac.compare_digest(creds["v1_key"].encode(), key.encode("utf-8", "replace"))
            secret_ok = hmac.compare_digest(
                creds["v1_secret"].encode(), secret.encode("utf-8", "replace")
            )
            if key_ok and secret_ok:
                found = account_id
        return found

    def account_for_v2(self, key: str) -> str | None:
        found = None
        for account_id, creds in ACCOUNTS.items():
            if hmac.compare_digest(creds["v2_key"].encode(), key.encode("utf-8", "replace")):
                found = account_id
        return found

    def snapshot(self, account_id: str) -> Account:
        """A deep copy of one account (safe to read without the lock)."""
        with self.store.read() as doc:
            return copy.deepcopy(doc["accounts"][account_id])

    @contextmanager
    def write(self, account_id: str) -> Iterator[Tx]:
        """Change one account under the store lock; persisted unless the block raises."""
        with self.store.write() as doc:
            yield Tx(doc, doc["accounts"][account_id])

    def reset(self) -> None:
        """Wipe everything, including every in-memory knob."""
        self.store.replace(self._fresh_state())
        self._apply_demo_store()
        with self._lock:
            self._windows.clear()
            self._faults.clear()
            self._label_delays.clear()

    # in-memory knobs --------------------------------------------------------------------

    def count_call(
        self, key: str, limit: int, window: float, names: tuple[str, str, str]
    ) -> tuple[list[tuple[str, str]], int]:
        """Record one call on a fixed window: the rate headers (``names`` = limit, remaining,
        reset) and a Retry-After (0 = allowed)."""
        now = self._clock()
        with self._lock:
            current = self._windows.get(key)
            if current is None or now - current.started >= window:
                current = self._windows[key] = Window(now)
            reset = max(1, math.ceil(current.started + window - now))
            allowed = current.used < limit
            if allowed:
                current.used += 1
            values = (limit, max(0, limit - current.used), reset)
            headers = [(name, str(value)) for name, value in zip(names, values, strict=True)]
        return headers, 0 if allowed else reset

    def set_fault(self, account_id: str, api: str, fault: Fault) -> None:
        with self._lock:
            if fault.count > 0:
                self._faults[(account_id, api)] = fault
            else:
                self._faults.pop((account_id, api), None)

    def pending_faults(self, account_id: str) -> dict[str, Fault]:
        with self._lock:
            return {
                api: copy.copy(f) for (acct, api), f in self._faults.items() if acct == account_id
            }

    def set_label_delay(self, account_id: str, api: str, seconds: float) -> None:
        """The next label of this account and API is bought, then answered `seconds` late."""
        with self._lock:
            self._label_delays[(account_id, api)] = seconds

    def take_label_delay(self, account_id: str, api: str) -> float:
        with self._lock:
            return self._label_delays.pop((account_id, api), 0.0)

    def take_fault(self, account_id: str, api: str) -> Fault | None:
        """Consume one call of the pending fault of this account and API."""
        with self._lock:
            fault = self._faults.get((account_id, api))
            if fault is None:
                return None
            fault.count -= 1
            if fault.count <= 0:
                del self._faults[(account_id, api)]
            return copy.copy(fault)
