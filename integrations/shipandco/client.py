"""Ship&co REST client: token check and the paged list of shipments.

Every name that might be wrong about Ship&co (paths, parameters, page size) comes from `facts`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings

from integrations.http import MalformedResponse, PlatformClient
from integrations.shipandco import facts

logger = logging.getLogger(__name__)


def format_since(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and `Z`, the form Ship&co timestamps use."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _item_key(item: Any) -> str:
    """Identity of a list item for de-duplication; an item without an id is keyed by content."""
    if isinstance(item, dict) and isinstance(item.get("id"), str | int) and item["id"] != "":
        return f"id:{item['id']}"
    return "raw:" + json.dumps(item, sort_keys=True, default=str)


class ShipandcoClient(PlatformClient):
    platform_name = "Ship&co"
    auth_header = facts.AUTH_HEADER
    error_message = staticmethod(facts.error_message)

    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            token,
            base_url=base_url or settings.SHIPANDCO_API_URL,
            timeout=timeout,
            transport=transport,
        )

    def check_token(self) -> None:
        """Raise AuthRejected (or another PlatformError) unless Ship&co accepts the token."""
        body = self.get_json(facts.TOKEN_CHECK_PATH)
        if not isinstance(body, list):
            raise MalformedResponse("Ship&co answered the token check with an unexpected shape.")

    def iter_shipment_pages(self, since: datetime | None = None) -> Iterator[list[dict]]:
        """Yield pages of shipments created at or after `since`, oldest first.

        limit/offset paging until a short page. A page bringing nothing this run has not seen
        (an API that ignores `offset` repeats itself) ends the listing instead of looping.
        """
        seen: set[str] = set()
        offset = 0
        while True:
            params: dict[str, Any] = {
                facts.PAGE_LIMIT_PARAM: facts.PAGE_SIZE,
                facts.PAGE_OFFSET_PARAM: offset,
            }
            if since is not None:
                params[facts.CREATED_SINCE_PARAM] = format_since(since)
            page = self.get_json(facts.SHIPMENTS_PATH, params)
            if not isinstance(page, list):
                raise MalformedResponse("Ship&co's shipment list is not a JSON array.")
            fresh = []
            for item in page:
                key = _item_key(item)
                if key not in seen:
                    seen.add(key)
                    fresh.append(item)
            if page and not fresh:
                logger.warning("Ship&co repeated a page at offset %s; stopping this run", offset)
                return
            if fresh:
                yield fresh
            if len(page) < facts.PAGE_SIZE:
                return
            offset += len(page)
