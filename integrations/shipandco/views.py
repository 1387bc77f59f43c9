"""Settings → System Integration → Ship&co: the shared integration pages, bound to Ship&co."""

from __future__ import annotations

from integrations.shipandco import SHIPANDCO
from integrations.shipandco.forms import ShipandcoConnectionForm
from integrations.views import ConnectView, SettingsView, SyncNowView, SyncStatusView


class ShipandcoSettingsView(SettingsView):
    platform = SHIPANDCO
    template_name = "integrations/shipandco/settings.html"


class ShipandcoConnectView(ConnectView):
    platform = SHIPANDCO
    form_class = ShipandcoConnectionForm


class ShipandcoSyncNowView(SyncNowView):
    platform = SHIPANDCO


class ShipandcoSyncStatusView(SyncStatusView):
    platform = SHIPANDCO
