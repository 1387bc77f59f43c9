from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShipstationConfig(AppConfig):
    name = "integrations.shipstation"
    label = "shipstation"
    verbose_name = _("ShipStation")

    def ready(self) -> None:
        from delivery_notes.tracking import add_carrier_aliases
        from integrations.shipstation import facts, platform  # noqa: F401  (registers ShipStation)

        add_carrier_aliases(facts.CARRIER_CODE_ALIASES)
