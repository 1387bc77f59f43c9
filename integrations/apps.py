from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from delivery_notes.signals import note_changed
        from integrations import notices  # noqa: F401  (registers its notification events)
        from integrations.outbox import tell_platforms

        note_changed.connect(tell_platforms, dispatch_uid="integrations.tell_platforms")
