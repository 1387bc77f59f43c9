from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebshipperConfig(AppConfig):
    name = "integrations.webshipper"
    label = "webshipper"
    verbose_name = _("Webshipper")

    def ready(self) -> None:
        from integrations.webshipper import platform  # noqa: F401  (registers the spec)
