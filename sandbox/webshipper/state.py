"""The Webshipper emulator's data: one JSON document, accounts isolated from each other.

Orders, shipments and webhooks are kept as JSON:API resources (`id`, `attributes`,
`relationships`) so the API can answer them as they are. A change made in "Webshipper" (the page
or a control call, and orders Hakobu creates) queues signed webhook deliveries; the background
thread of `python -m sandbox` posts them, tests read them with `/_deliveries` and post them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sandbox.store import JsonStore
from sandbox.webshipper.facts import ACCOUNTS, CARRIERS, MEDIA_TYPE


def now_iso() -> str:
    return (
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{datetime.now(UTC).microsecond // 1000:03d}Z"
    )


def _account_document(name: str, spec: dict) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "token": spec["token"],
        "lacks": list(spec["lacks"]),
        "next_id": 1,
        "channels": [],
        "rates": [],
        "orders": [],
        "shipments": [],
        "webhooks": [],
        "deliveries": [],
        "drop_webhooks": 0,
        "faults": [],
    }
    for channel in spec["channels"]:
        channel_id = _next(doc)
        doc["channels"].append({"id": channel_id, "label": channel["label"]})
        for index, rate in enumerate(channel["rates"]):
            carrier = next((c for c in CARRIERS if rate.startswith(c[2])), CARRIERS[index % 4])
            doc["rates"].append(
                {
                    "id": _next(doc),
                    "name": rate,
                    "order_channel_id": channel_id,
                    "carrier_id": carrier[0],
                }
            )
    return doc


def _next(doc: dict[str, Any]) -> int:
    value = doc["next_id"]
    doc["next_id"] += 1
    return value


def initial() -> dict[str, Any]:
    return {"accounts": {name: _account_document(name, spec) for name, spec in ACCOUNTS.items()}}


def sign(secret: str, body: bytes) -> str:
    """`X-Webshipper-Hmac-Sha256`: base64 of the HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class WebshipperState:
    def __init__(self, data_dir: Path | str | None) -> None:
        self.store = JsonStore(data_dir, "webshipper", initial)

    def reset(self) -> None:
        self.store.replace(initial())

    def snapshot(self, account: str) -> dict[str, Any]:
        with self.store.read() as data:
            return json.loads(json.dumps(data["accounts"][account]))

    def next_id(self, doc: dict[str, Any]) -> int:
        return _next(doc)

    # --- webhooks ---------------------------------------------------------------------------

    def emit(self, doc: dict[str, Any], topic: str, resource: dict[str, Any]) -> None:
        """Queue one signed delivery per enabled webhook of `topic` (inside a write)."""
        for hook in doc["webhooks"]:
            if not hook["attributes"]["enabled"] or hook["attributes"]["topic"] != topic:
                continue
            if doc["drop_webhooks"] > 0:  # a delivery lost on the way: only polling finds it
                doc["drop_webhooks"] -= 1
                continue
            body = json.dumps({"data": resource}, ensure_ascii=False).encode()
            doc["deliveries"].append(
                {
                    "id": _next(doc),
                    "url": hook["attributes"]["url"],
                    "topic": topic,
                    "body": body.decode(),
                    "headers": {
                        "Content-Type": f"{MEDIA_TYPE};charset=utf-8",
                        "User-Agent": "Webshipper",
                        "X-Webshipper-Topic": topic,
                        "X-Webshipper-Hmac-Sha256": sign(hook["attributes"]["secret"], body),
                    },
                    "status": "pending",
                    "answer": None,
                }
            )
