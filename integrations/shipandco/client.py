"""Ship&co REST client: token check and one page of the list of shipments.

Every name that might be wrong about Ship&co (paths, parameters, page size) comes from `facts`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings

from integrations.http import MalformedResponse, PlatformClient
from integrations.listing import Window
from integrations.shipandco import facts

logger = logging.getLogger(__name__)


def format_moment(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and `Z`, the form Ship&co timestamps use."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ShipandcoClient(PlatformClient):
    platform_name = "Ship&co"
    auth_header = facts.AUTH_HEADER
    rate_limit_header = facts.RATE_LIMIT_HEADER
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

    def shipments_page(self, window: Window, page: int) -> list[Any]:
        """One page of the shipment list, filtered to `window` (if Ship&co honours it).

        Completeness is the listing reader's business (integrations.listing): this only asks.
        """
        params: dict[str, Any] = {
            **facts.FIXED_LIST_PARAMS,
            facts.PAGE_LIMIT_PARAM: facts.PAGE_SIZE,
            facts.PAGE_NUMBER_PARAM: page,
        }
        if window.after is not None:
            params[facts.CREATED_AFTER_PARAM] = format_moment(window.after)
        if window.before is not None:
            params[facts.CREATED_BEFORE_PARAM] = format_moment(window.before)
        body = self.get_json(facts.SHIPMENTS_PATH, params)
        if isinstance(body, dict) and isinstance(body.get(facts.SHIPMENTS_ENVELOPE_KEY), list):
            body = body[facts.SHIPMENTS_ENVELOPE_KEY]
        if not isinstance(body, list):
            raise MalformedResponse("Ship&co's shipment list is not a JSON array.")
        return body
