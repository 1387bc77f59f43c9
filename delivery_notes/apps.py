from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryNotesConfig(AppConfig):
    name = "delivery_notes"
    verbose_name = _("Delivery notes")
