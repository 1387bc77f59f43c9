"""``GET /v1/shipments``: query parsing, filters, order and paging, plus per-account quirks.

Semantics (all uncertain on the real service, see :mod:`sandbox.shipandco.facts`):
``limit`` default 50, 1..``max_limit`` (250; larger is clamped, <1 → 400); ``page`` 1-based
(<1 → 400); ``scope`` api|all (default api: app/CSV shipments hidden); ``state`` active|void|any
(default active); ``carrier`` = ``delivery.carrier``; ``created_after`` / ``created_before`` are
**exclusive** (``created_at > created_after``, ``created_at < created_before``), ISO-8601, naive =
UTC. Order: newest first (``created_at`` then ``id``, descending).

:class:`ListingBehaviour` lets a test make the listing misbehave the way a real API might.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sandbox.common.web import Detail, HttpError, is_int
from sandbox.shipandco.facts import (
    DEFAULT_LIMIT,
    DEFAULT_ORDER,
    DEFAULT_SCOPE,
    DEFAULT_STATE_FILTER,
    LIST_ORDERS,
    MAX_LIMIT,
    SCOPES,
    STATE_FILTERS,
)
from sandbox.shipandco.shipments import Shipment, parse_iso
from sandbox.shipandco.web import detail


@dataclass(frozen=True)
class ListingBehaviour:
    """How one account's listing behaves; the defaults honour every parameter."""

    order: str = DEFAULT_ORDER  # "desc" (newest first), "asc" or "unordered" (stable shuffle)
    max_limit: int = MAX_LIMIT  # page-size maximum; a larger ``limit`` is clamped to it
    ignore_page: bool = False  # always answer page 1
    repeat_page: int | None = None  # page N+1 answers page N's items again
    ignore_dates: bool = False  # created_after / created_before are ignored

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ListingBehaviour:
        """Validate a ``POST /_listing`` body; absent keys take their defaults."""
        order = payload.get("order", DEFAULT_ORDER)
        max_limit = payload.get("max_limit", MAX_LIMIT)
        repeat = payload.get("repeat_page")
        problems: list[Detail] = []
        if order not in LIST_ORDERS:
            problems.append(detail("INVALID", "order", f"one of {', '.join(LIST_ORDERS)}", order))
        if not is_int(max_limit) or max_limit < 1:
            problems.append(detail("INVALID", "max_limit", "an integer >= 1", max_limit))
        if repeat is not None and (not is_int(repeat) or repeat < 1):
            problems.append(detail("INVALID", "repeat_page", "null or an integer >= 1", repeat))
        for key in ("ignore_page", "ignore_dates"):
            if not isinstance(payload.get(key, False), bool):
                problems.append(detail("INVALID", key, "true or false", payload[key]))
        if problems:
            raise HttpError(400, "Invalid listing behaviour", details=problems)
        return cls(
            order=order,
            max_limit=max_limit,
            ignore_page=payload.get("ignore_page", False),
            repeat_page=repeat,
            ignore_dates=payload.get("ignore_dates", False),
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ListQuery:
    """A validated listing request."""

    limit: int = DEFAULT_LIMIT
    page: int = 1
    scope: str = DEFAULT_SCOPE
    state: str = DEFAULT_STATE_FILTER
    carrier: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


def _int_param(query: dict[str, str], name: str, default: int, problems: list[Detail]) -> int:
    raw = query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(detail("INVALID", name, f"{name} must be an integer >= 1", raw))
        return default
    if value < 1:
        problems.append(detail("INVALID", name, f"{name} must be an integer >= 1", value))
    return value


def _choice(
    query: dict[str, str], name: str, allowed: Sequence[str], default: str, problems: list[Detail]
) -> str:
    value = query.get(name) or default
    if value not in allowed:
        problems.append(
            detail("INVALID", name, f"{name} must be one of {', '.join(allowed)}", value)
        )
    return value


def _moment(query: dict[str, str], name: str, problems: list[Detail]) -> datetime | None:
    raw = query.get(name, "")
    if not raw:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        message = f"{name} must be an ISO-8601 date-time, e.g. 2024-04-01T00:00:00Z"
        problems.append(detail("INVALID", name, message, raw))
        return None


def parse_query(query: dict[str, str], behaviour: ListingBehaviour) -> ListQuery:
    """Validate the query string; every problem is listed in one 400 ``details[]``."""
    problems: list[Detail] = []
    limit = _int_param(query, "limit", DEFAULT_LIMIT, problems)
    page = _int_param(query, "page", 1, problems)
    scope = _choice(query, "scope", SCOPES, DEFAULT_SCOPE, problems)
    state = _choice(query, "state", STATE_FILTERS, DEFAULT_STATE_FILTER, problems)
    after = before = None
    if not behaviour.ignore_dates:
        after = _moment(query, "created_after", problems)
        before = _moment(query, "created_before", problems)
    if problems:
        raise HttpError(400, "Invalid query parameters", details=problems)
    return ListQuery(
        limit=min(limit, behaviour.max_limit),
        page=page,
        scope=scope,
        state=state,
        carrier=query.get("carrier") or None,
        created_after=after,
        created_before=before,
    )


def _matches(shipment: Shipment, query: ListQuery) -> bool:
    if query.scope == "api" and shipment.get("origin") != "api":
        return False
    if query.state != "any" and shipment["state"] != query.state:
        return False
    if query.carrier and shipment["delivery"]["carrier"] != query.carrier:
        return False
    if query.created_after or query.created_before:
        created = parse_iso(shipment["created_at"])
        if query.created_after and not created > query.created_after:
            return False
        if query.created_before and not created < query.created_before:
            return False
    return True


def _ordered(shipments: list[Shipment], order: str) -> list[Shipment]:
    if order == "unordered":
        return sorted(shipments, key=lambda s: hashlib.sha256(s["id"].encode()).hexdigest())
    return sorted(shipments, key=lambda s: (s["created_at"], s["id"]), reverse=order == "desc")


def effective_page(page: int, behaviour: ListingBehaviour) -> int:
    """The page actually answered, after the ``ignore_page`` / ``repeat_page`` quirks."""
    if behaviour.ignore_page:
        return 1
    if behaviour.repeat_page is not None and page == behaviour.repeat_page + 1:
        return behaviour.repeat_page
    return page


def list_page(
    shipments: Sequence[Shipment], query: ListQuery, behaviour: ListingBehaviour
) -> list[Shipment]:
    """The stored shipments of one page (not yet serialized)."""
    matching = _ordered([s for s in shipments if _matches(s, query)], behaviour.order)
    start = (effective_page(query.page, behaviour) - 1) * query.limit
    return matching[start : start + query.limit]
