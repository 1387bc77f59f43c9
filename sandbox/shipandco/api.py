"""The emulated REST API (``/v1/…``): auth, rate limit, injected faults and the routes."""

from __future__ import annotations

import re

from sandbox.common.web import HttpError, Request, Response, html_response, json_response
from sandbox.shipandco.facts import AUTH_HEADER, RATE_LIMIT_HEADER, WRONG_TOKEN_BODY
from sandbox.shipandco.listing import list_page, parse_query
from sandbox.shipandco.shipments import serialize
from sandbox.shipandco.state import Fault, ShipandcoState
from sandbox.shipandco.web import error_body, error_response, proxy_page

FAULT_MESSAGE = "Injected fault (Ship&co sandbox)"


def handle_api(state: ShipandcoState, request: Request, path: str) -> Response:
    """Answer one API call; ``path`` is relative to the API root, e.g. ``/shipments``."""
    account_id = state.account_id_for(request.header(AUTH_HEADER))
    if account_id is None:
        return json_response(403, WRONG_TOKEN_BODY)
    limit_value, retry_after = state.count_call(account_id)
    headers = [(RATE_LIMIT_HEADER, limit_value)]
    if retry_after:
        limit = state.rate_limit(account_id)
        message = f"Too many requests: {limit.max} calls per {limit.window:g} s"
        headers.append(("Retry-After", str(retry_after)))
        return error_response(HttpError(429, message, headers=headers))
    fault = state.take_fault(account_id)
    if fault is not None:
        return fault_response(fault, headers)
    try:
        response = _route(state, request, path.rstrip("/") or "/", account_id)
    except HttpError as exc:
        response = error_response(exc)
    response.headers.extend(headers)
    return response


def fault_response(fault: Fault, headers: list[tuple[str, str]]) -> Response:
    """What an injected fault answers: Ship&co's body for the status, or a proxy's HTML page."""
    if fault.html:  # the proxy answered: no Ship&co headers
        return html_response(fault.status, proxy_page(fault.status))
    extra = [("Retry-After", "1")] if fault.status in (429, 503) else []
    if fault.status in (401, 403):
        body: dict[str, object] = dict(WRONG_TOKEN_BODY)
    else:
        body = error_body(fault.status, FAULT_MESSAGE)
    return json_response(fault.status, body, [*headers, *extra], content_type=fault.content_type)


def _route(state: ShipandcoState, request: Request, path: str, account_id: str) -> Response:
    if path == "/carriers":
        request.require("GET")
        return json_response(200, state.account(account_id)["carriers"])
    if path == "/shipments":
        request.require("GET")
        behaviour = state.listing(account_id)
        query = parse_query(request.query, behaviour)
        page = list_page(state.shipments(account_id), query, behaviour)
        return json_response(200, [serialize(s, request.base_url) for s in page])
    match = re.fullmatch(r"/shipments/([^/]+)", path)
    if match:
        if request.method == "DELETE":  # uncertain on the real API: voids the shipment
            shipment = state.void_shipment(account_id, match.group(1))
            return json_response(200, serialize(shipment, request.base_url))
        request.require("GET")
        shipment = state.find_shipment(match.group(1), account_id)
        if shipment is None:
            raise HttpError(404, "Shipment not found")
        return json_response(200, serialize(shipment, request.base_url))
    raise HttpError(404, "Not found")
