"""Settings → System Integration → ShipStation: the three methods and the Custom Store details."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from brands.models import Role
from brands.permissions import RoleRequiredMixin, role_required
from delivery_notes.selectors import selected_notes
from integrations.models import Integration
from integrations.shipstation import facts
from integrations.shipstation.forms import ShipstationForm
from integrations.shipstation.models import ShipstationSettings
from integrations.shipstation.orders import send_notes
from integrations.shipstation.services import (
    CredentialsRefused,
    MethodsConflict,
    account_lists,
    load,
    rotate_password,
    save_methods,
)
from integrations.shipstation.shipping.overview import label_packages, shipping_overview

RECENT_CALLS = 20
RECENT_UNMATCHED = 20


def endpoint_url(request: HttpRequest, integration: Integration) -> str:
    if not integration.inbound_token:
        return ""
    path = reverse("inbound_shipstation", kwargs={"token": integration.inbound_token})
    return request.build_absolute_uri(path)


class ShipstationSettingsView(RoleRequiredMixin, View):
    """Everyone of the brand reads the page; admins change it."""

    required_role = Role.VIEWER
    template_name = "integrations/shipstation/settings.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        integration, settings = load(request.brand)
        lists = account_lists(integration, settings) if settings.pk else None
        form = ShipstationForm(
            integration=integration,
            settings=settings,
            account_lists=lists,
            packages=label_packages(integration, settings),
        )
        return self.render(integration, settings, form)

    @method_decorator(sensitive_variables("password"))
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.membership.has_role(Role.ADMIN):
            return HttpResponse(status=403)
        integration, settings = load(request.brand)
        lists = account_lists(integration, settings) if settings.pk else None
        form = ShipstationForm(
            request.POST,
            integration=integration,
            settings=settings,
            account_lists=lists,
            packages=label_packages(integration, settings),
        )
        if form.is_valid():
            try:
                integration, password = save_methods(request.brand, form.to_choice())
            except (MethodsConflict, CredentialsRefused) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("ShipStation settings saved."))
                if password:  # shown once, on this answer only
                    integration, settings = load(request.brand)
                    return self.render(integration, settings, form, new_password=password)
                return redirect("shipstation:settings", brand_slug=request.brand.slug)
        return self.render(integration, settings, form)

    def render(
        self,
        integration: Integration,
        settings: ShipstationSettings,
        form: ShipstationForm,
        new_password: str = "",
    ) -> HttpResponse:
        request = self.request
        saved = integration.pk is not None
        is_admin = request.membership.has_role(Role.ADMIN)
        context = {
            "integration": integration,
            "settings": settings,
            "form": form,
            "can_change": is_admin,
            "endpoint_url": endpoint_url(request, integration),
            "new_password": new_password,
            "status_fields": facts.status_field_values(),
            "calls": integration.calls.all()[:RECENT_CALLS] if saved and is_admin else [],
            "unmatched": integration.unmatched_shipments.all()[:RECENT_UNMATCHED] if saved else [],
            "members": integration.notification_members.select_related("user") if saved else [],
            "shipping": shipping_overview(request.brand, integration, settings),
        }
        return render(request, self.template_name, context)


class RotatePasswordView(RoleRequiredMixin, View):
    """A new Custom Store password (admins); the old one stops working at once."""

    required_role = Role.ADMIN
    http_method_names = ["post"]

    @method_decorator(sensitive_variables("password"))
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        integration, settings = load(request.brand)
        if settings.pk is None or not settings.custom_store:
            return redirect("shipstation:settings", brand_slug=request.brand.slug)
        password = rotate_password(settings)
        messages.success(
            request,
            _("New password created. Enter it in ShipStation now: the old one no longer works."),
        )
        form = ShipstationForm(integration=integration, settings=settings)
        return ShipstationSettingsView(request=request).render(
            integration, settings, form, new_password=password
        )


@require_POST
@role_required(Role.STAFF)
def send_selected(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The note list's "Send to ShipStation" (method 2): queue the selected notes."""
    url = reverse("note_list", kwargs={"brand_slug": brand_slug})
    query = request.POST.get("query", "")
    back = f"{url}?{query}" if query else url
    queued, skipped = send_notes(selected_notes(request.POST), actor=request.user)
    if queued:
        messages.success(
            request,
            ngettext(
                "%(count)d delivery note is being sent to ShipStation.",
                "%(count)d delivery notes are being sent to ShipStation.",
                queued,
            )
            % {"count": queued},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d delivery note was not sent: it needs a shipping address, a status "
                "ready to ship and no tracking number yet, and must not be in ShipStation's "
                "Custom Store already.",
                "%(count)d delivery notes were not sent: they need a shipping address, a status "
                "ready to ship and no tracking number yet, and must not be in ShipStation's "
                "Custom Store already.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(back)
