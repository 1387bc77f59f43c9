"""Integration pages every platform shares; a platform's views.py binds them to itself.

Views stay thin: the rules are in `integrations.services`, the sync in `integrations.sync`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import TemplateView

from brands.models import Role
from brands.permissions import RoleRequiredMixin, role_required
from integrations.forms import ConnectionForm
from integrations.models import Integration, OutboundOrder
from integrations.outbox import retry
from integrations.registry import PlatformSpec, connectable_platforms, get_platform
from integrations.registry import platforms as registered_platforms
from integrations.secrets import mask
from integrations.services import (
    ACCESS_TOKEN,
    ConnectionRefused,
    enqueue_sync,
    get_integration,
    save_connection,
)
from integrations.sync_watch import start_watch, watch_state

RECENT_RUNS = 10
RECENT_UNMATCHED = 20


@role_required(Role.VIEWER)
def integration_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Settings → System Integration: each platform and its connection status."""
    platforms = [
        {
            "spec": spec,
            "integration": get_integration(request.brand, spec.platform),
            "url": spec.settings_url(request.brand),
        }
        for spec in connectable_platforms()
    ]
    coming_soon = [
        {"code": spec.platform, "name": spec.display_name}
        for spec in registered_platforms()
        if not spec.connectable
    ]
    return render(
        request,
        "integrations/integration_list.html",
        {"platforms": platforms, "coming_soon": coming_soon},
    )


class PlatformMixin:
    """Set `platform` (a Platform value) in the platform's subclass."""

    platform: str = ""

    def get_spec(self) -> PlatformSpec:
        return get_platform(self.platform)

    def get_integration(self) -> Integration:
        return get_integration(self.request.brand, self.platform)

    def settings_url(self) -> str:
        return self.get_spec().settings_url(self.request.brand)

    def platform_url(self, name: str) -> str:
        """A page of this platform; each platform's URL namespace is its Platform value."""
        return reverse(f"{self.platform}:{name}", kwargs={"brand_slug": self.request.brand.slug})


class SettingsView(PlatformMixin, RoleRequiredMixin, TemplateView):
    """Status, last sync, the Connect button (admins), Sync now (staff), run log, unmatched."""

    required_role = Role.VIEWER
    template_name = "integrations/settings.html"

    def get_context_data(self, **kwargs) -> dict:
        integration = self.get_integration()
        membership = self.request.membership
        saved = integration.pk is not None
        return {
            **super().get_context_data(**kwargs),
            "spec": self.get_spec(),
            "platform_name": self.get_spec().display_name,
            "integration": integration,
            "masked_token": mask(integration.secret(ACCESS_TOKEN)),
            "members": integration.notification_members.select_related("user") if saved else [],
            "runs": integration.runs.all()[:RECENT_RUNS] if saved else [],
            "unmatched": integration.unmatched_shipments.all()[:RECENT_UNMATCHED] if saved else [],
            "can_connect": membership.has_role(Role.ADMIN),
            "can_sync": membership.has_role(Role.STAFF) and integration.is_syncable,
            "connect_url": self.platform_url("connect"),
            "sync_url": self.platform_url("sync_now"),
        }


@method_decorator(sensitive_post_parameters("access_token"), name="dispatch")
@method_decorator(sensitive_variables(), name="post")
class ConnectView(PlatformMixin, RoleRequiredMixin, View):
    """The "Connect To <platform>" modal (htmx) or page; admins only.

    Error reports hide the posted token and every local variable from `post` down (the HTTP
    client's frames hold the auth header), see `integrations.secrets.SecretsReporterFilter`.
    """

    required_role = Role.ADMIN
    form_class = ConnectionForm
    modal_template = "integrations/_connection_modal.html"
    page_template = "integrations/connection_page.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        integration = self.get_integration()
        return self.render(self.form_class(integration=integration))

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        integration = self.get_integration()
        form = self.form_class(request.POST, integration=integration)
        if form.is_valid():
            try:
                save_connection(integration, form.to_settings())
            except ConnectionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, self.success_message(integration))
                return self.done()
        return self.render(form)

    def success_message(self, integration: Integration) -> str:
        name = self.get_spec().display_name
        if integration.is_integrated:
            return _("%(platform)s settings saved. Connection Status: Integrated.") % {
                "platform": name
            }
        return _("%(platform)s settings saved. Connection Status: Not Integrated.") % {
            "platform": name
        }

    def render(self, form: ConnectionForm) -> HttpResponse:
        context = {
            "form": form,
            "platform_name": self.get_spec().display_name,
            "action_url": self.request.path,
            "settings_url": self.settings_url(),
        }
        template = self.modal_template if self.request.htmx else self.page_template
        return render(self.request, template, context)

    def done(self) -> HttpResponse:
        if self.request.htmx:
            response = HttpResponse(status=204)
            response["HX-Trigger"] = "closeModal"
            response["HX-Redirect"] = self.settings_url()
            return response
        return redirect(self.settings_url())


class SyncNowView(PlatformMixin, RoleRequiredMixin, View):
    """Queue a sync right away (staff and admins); the beat keeps running as usual."""

    required_role = Role.STAFF
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        integration = self.get_integration()
        name = self.get_spec().display_name
        if integration.pk is None or not integration.is_syncable:
            messages.warning(
                request,
                _("%(platform)s is not integrated: connect it before syncing.")
                % {"platform": name},
            )
        else:
            start_watch(request.session, integration)
            enqueue_sync(integration)
            messages.info(
                request,
                _("A sync with %(platform)s has started. Its result appears here when it ends.")
                % {"platform": name},
            )
        return redirect(self.settings_url())


class SyncStatusView(PlatformMixin, RoleRequiredMixin, View):
    """The "Sync now" banner, polled by htmx until the run it started ends.

    When the run has ended the answer triggers `syncFinished`, on which the settings page and the
    note list reload their results; with nothing followed the banner disappears.
    """

    required_role = Role.VIEWER
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        integration = self.get_integration()
        state = watch_state(request.session, integration) if integration.pk else None
        response = render(
            request,
            "integrations/_sync_watch.html",
            {"state": state, "spec": self.get_spec(), "status_url": request.path},
        )
        if state is not None and state.finished:
            response["HX-Trigger"] = "syncFinished"
        return response


OUTBOX_SHOWN = 100


@role_required(Role.STAFF)
def outbox_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Orders Hakobu could not send (held with the platform's reason, or failed), newest first."""
    rows = (
        OutboundOrder.objects.filter(
            status__in=[
                OutboundOrder.Status.HELD,
                OutboundOrder.Status.FAILED,
                OutboundOrder.Status.PENDING,
            ]
        )
        .select_related("note")
        .order_by("-updated_at", "-id")[:OUTBOX_SHOWN]
    )
    return render(request, "integrations/outbox.html", {"rows": rows})


@role_required(Role.STAFF)
def outbox_retry(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    row = OutboundOrder.objects.filter(pk=pk).first()
    if row is None:
        raise Http404
    retry(row)
    messages.success(request, _("%(number)s will be sent again.") % {"number": row.note.number})
    return redirect("outbox_list", brand_slug=brand_slug)
