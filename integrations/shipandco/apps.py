from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShipandcoConfig(AppConfig):
    name = "integrations.shipandco"
    label = "shipandco"
    verbose_name = _("Ship&co")

    def ready(self) -> None:
        from integrations.shipandco import platform  # noqa: F401  (registers Ship&co)
