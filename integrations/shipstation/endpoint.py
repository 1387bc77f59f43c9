"""The brand's Custom Store URL: ShipStation's `export` (GET) and `shipnotify` (POST) calls."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from integrations import announcements
from integrations.inbound import Handled, InboundCredentials, InboundView
from integrations.models import InboundCall, Integration
from integrations.shipstation import SHIPSTATION, facts
from integrations.shipstation.custom_store.dates import DateFormatError, parse_window
from integrations.shipstation.custom_store.feed import export_page
from integrations.shipstation.custom_store.notify import apply_ship_notice
from integrations.shipstation.custom_store.ship_notice import (
    MAX_BODY_BYTES,
    ShipNoticeError,
    parse_ship_notice,
)
from integrations.shipstation.models import ShipstationSettings


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _refused(action: str, message: str, status: int = 400) -> Handled:
    return Handled(_text(status, message), action, InboundCall.Outcome.REJECTED, message)


class CustomStoreEndpoint(InboundView):
    platform = SHIPSTATION
    fallback_params = (facts.FALLBACK_USERNAME_PARAM, facts.FALLBACK_PASSWORD_PARAM)
    www_authenticate = facts.WWW_AUTHENTICATE

    def credentials(self, integration: Integration) -> InboundCredentials | None:
        settings = ShipstationSettings.objects.filter(integration=integration).first()
        if settings is None or not settings.custom_store:
            return None  # mode 1 is off: the URL answers 401 like a wrong password
        return InboundCredentials(settings.store_username, settings.store_password_hash)

    def action_of(self, request: HttpRequest) -> str:
        return request.GET.get(facts.ACTION_PARAM, "")[:40]

    def handle(self, request: HttpRequest, integration: Integration) -> Handled:
        action = self.action_of(request)
        if action == facts.EXPORT_ACTION and request.method == "GET":
            return self.export(request, integration)
        if action == facts.SHIP_NOTIFY_ACTION and request.method == "POST":
            return self.ship_notify(request, integration)
        return _refused(action, "Unknown action or method")

    def export(self, request: HttpRequest, integration: Integration) -> Handled:
        try:
            window = parse_window(
                request.GET.get(facts.START_DATE_PARAM, ""),
                request.GET.get(facts.END_DATE_PARAM, ""),
            )
            page = int(request.GET.get(facts.PAGE_PARAM) or facts.FIRST_PAGE)
        except (DateFormatError, ValueError) as exc:
            return _refused(facts.EXPORT_ACTION, f"Bad export request: {exc}")
        if page < facts.FIRST_PAGE:
            return _refused(facts.EXPORT_ACTION, "page must be 1 or more")
        document, count = export_page(integration, window, page)
        response = HttpResponse(document, content_type=facts.CONTENT_TYPE)
        return Handled(response, facts.EXPORT_ACTION, message=f"page {page}: {count} orders")

    def ship_notify(self, request: HttpRequest, integration: Integration) -> Handled:
        action = facts.SHIP_NOTIFY_ACTION
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return _refused(action, "Ship notice too large", status=413)
        body = request.read(MAX_BODY_BYTES + 1)
        try:
            notice = parse_ship_notice(body, request.GET)
        except ShipNoticeError as exc:
            return _refused(action, f"Bad ship notice: {exc.message}")
        result = apply_ship_notice(integration, notice)
        if not result.matched:
            return _refused(action, result.message, status=404)
        if result.recorded:
            announcements.announce_recorded(integration)
        return Handled(_text(200, "OK"), action, message=result.message)
