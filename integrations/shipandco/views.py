"""Settings → System Integration → Ship&co: the shared integration pages, bound to Ship&co."""

from __future__ import annotations

from delivery_notes.models import Platform
from integrations.shipandco.forms import ShipandcoConnectionForm
from integrations.views import ConnectView, SettingsView, SyncNowView


class ShipandcoSettingsView(SettingsView):
    platform = Platform.SHIPANDCO
    template_name = "integrations/shipandco/settings.html"


class ShipandcoConnectView(ConnectView):
    platform = Platform.SHIPANDCO
    form_class = ShipandcoConnectionForm


class ShipandcoSyncNowView(SyncNowView):
    platform = Platform.SHIPANDCO
