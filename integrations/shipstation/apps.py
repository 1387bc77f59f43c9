from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShipstationConfig(AppConfig):
    name = "integrations.shipstation"
    label = "shipstation"
    verbose_name = _("ShipStation")

    def ready(self) -> None:
        from integrations.shipstation import platform  # noqa: F401  (registers ShipStation)
