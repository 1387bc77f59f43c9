"""Settings → System Integration → Webshipper: Connect, the direction, delivery terms ↔ rates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from brands.models import Role
from brands.permissions import RoleRequiredMixin, role_required
from integrations.models import OutboundOrder
from integrations.webshipper import WEBSHIPPER
from integrations.webshipper.forms import AddTermForm, ConnectForm, MappingForm
from integrations.webshipper.services import (
    API_TOKEN,
    ConnectRefused,
    account_channels,
    add_term,
    channel_rates,
    connect,
    disconnect,
    load,
    mapping_rows,
    save_mapping,
)
from integrations.webshipper.webhooks import webhook_url

RECENT_CALLS = 20


def _back(request: HttpRequest) -> HttpResponse:
    return redirect("webshipper:settings", brand_slug=request.brand.slug)


class SettingsView(RoleRequiredMixin, View):
    required_role = Role.VIEWER
    template_name = "integrations/webshipper/settings.html"

    def _channels(self, integration, settings):
        if not (settings.pk and integration.is_integrated):
            return None
        try:
            return account_channels(settings.account, integration.secret(API_TOKEN))
        except ConnectRefused:
            return None

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        integration, settings = load(request.brand)
        form = ConnectForm(
            integration=integration,
            settings=settings,
            channels=self._channels(integration, settings),
        )
        return self.render(integration, settings, form)

    @method_decorator(sensitive_post_parameters("api_token"))
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.membership.has_role(Role.ADMIN):
            return HttpResponse(status=403)
        integration, settings = load(request.brand)
        form = ConnectForm(
            request.POST,
            integration=integration,
            settings=settings,
            channels=self._channels(integration, settings),
        )
        if form.is_valid():
            try:
                connect(request.brand, form.to_choice(), lambda row: webhook_url(request, row))
            except ConnectRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Webshipper connected."))
                return _back(request)
        return self.render(integration, settings, form)

    def render(self, integration, settings, form) -> HttpResponse:
        request = self.request
        connected = settings.pk is not None and integration.is_integrated
        is_admin = request.membership.has_role(Role.ADMIN)
        rows = mapping_rows(integration) if connected else []
        rates = channel_rates(integration) if connected else None
        context = {
            "integration": integration,
            "settings": settings,
            "form": form,
            "can_change": is_admin,
            "connected": connected,
            "rates_unavailable": connected and rates is None,
            "mapping_form": MappingForm(rows=rows, rates=rates or []) if connected else None,
            "add_term_form": AddTermForm(),
            "held": OutboundOrder.objects.filter(
                platform=WEBSHIPPER, status__in=["held", "failed"]
            ).select_related("note")[:50]
            if connected
            else [],
            "calls": integration.calls.all()[:RECENT_CALLS] if connected and is_admin else [],
            "members": integration.notification_members.select_related("user")
            if integration.pk
            else [],
            "webhooks_problem": (integration.config or {}).get("webhooks_problem", ""),
        }
        return render(request, self.template_name, context)


@require_POST
@role_required(Role.ADMIN)
def save_rates(request: HttpRequest, brand_slug: str) -> HttpResponse:
    integration, settings = load(request.brand)
    if settings.pk is None:
        return _back(request)
    rates = channel_rates(integration)
    if rates is None:
        messages.error(
            request, _("Webshipper's shipping rates could not be read; nothing was changed.")
        )
        return _back(request)
    form = MappingForm(request.POST, rows=mapping_rows(integration), rates=rates)
    if form.is_valid():
        released = save_mapping(integration, form.chosen(), dict(rates))
        messages.success(request, _("Delivery terms mapped."))
        if released:
            messages.info(
                request, _("%(count)d held orders are being sent now.") % {"count": released}
            )
    return _back(request)


@require_POST
@role_required(Role.ADMIN)
def add_terms(request: HttpRequest, brand_slug: str) -> HttpResponse:
    integration, settings = load(request.brand)
    form = AddTermForm(request.POST)
    if settings.pk is not None and form.is_valid():
        add_term(integration, form.cleaned_data["delivery_terms"])
    return _back(request)


@require_POST
@role_required(Role.ADMIN)
def disconnect_view(request: HttpRequest, brand_slug: str) -> HttpResponse:
    integration, settings = load(request.brand)
    if settings.pk is not None:
        disconnect(integration)
        messages.success(request, _("Webshipper disconnected; its webhooks were removed."))
    return _back(request)
