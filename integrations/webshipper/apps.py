from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebshipperConfig(AppConfig):
    name = "integrations.webshipper"
    label = "webshipper"
    verbose_name = _("Webshipper")

    def ready(self) -> None:
        from integrations.registry import PlatformSpec, register
        from integrations.webshipper import WEBSHIPPER

        # No settings page yet: listed as "coming soon" on the dashboard and System Integration.
        register(PlatformSpec(platform=WEBSHIPPER, label=_("Webshipper")))
