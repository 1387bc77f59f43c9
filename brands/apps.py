from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    name = "brands"
    verbose_name = _("Brands")

    def ready(self) -> None:
        import config.checks  # noqa: F401  (registers the secret-settings system check)
