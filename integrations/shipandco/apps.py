from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShipandcoConfig(AppConfig):
    name = "integrations.shipandco"
    label = "shipandco"
    verbose_name = _("Ship&co")

    def ready(self) -> None:
        # Registers how the export's activity entries read (delivery_notes.activity).
        from integrations.shipandco import export  # noqa: F401
