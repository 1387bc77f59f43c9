"""What ShipStation can do, declared to the integrations base (see integrations.registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from integrations.registry import Capability, PlatformSpec, register
from integrations.shipstation import SHIPSTATION
from integrations.shipstation.endpoint import CustomStoreEndpoint

SPEC = register(
    PlatformSpec(
        platform=SHIPSTATION,
        label=_("ShipStation"),
        capabilities=frozenset({Capability.INBOUND}),
        settings_url_name="shipstation:settings",
        urls="integrations.shipstation.urls",
        inbound_view=CustomStoreEndpoint.as_view(),
    )
)
