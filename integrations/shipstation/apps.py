from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShipstationConfig(AppConfig):
    name = "integrations.shipstation"
    label = "shipstation"
    verbose_name = _("ShipStation")

    def ready(self) -> None:
        from integrations.registry import PlatformSpec, register
        from integrations.shipstation import SHIPSTATION

        register(PlatformSpec(platform=SHIPSTATION, label=_("ShipStation")))
