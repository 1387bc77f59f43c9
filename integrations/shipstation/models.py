"""ShipStation's settings beside the shared Integration row: which of the three modes are on."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from delivery_notes.models import ShippingStatus
from integrations.models import Integration


def default_ready_statuses() -> list[str]:
    """The seeds' import condition: notes waiting in the warehouse are ready to ship."""
    return [ShippingStatus.UNSHIPPED, ShippingStatus.SHIPPING_REQUESTED]


class ApiVersion(models.TextChoices):
    V2 = "v2", _("API V2 (API key)")
    V1 = "v1", _("API V1 (API key and API secret)")


class PushTrigger(models.TextChoices):
    ON_CREATE = (
        "on_create",
        _("Automatically, when a delivery note with a shipping address is created"),
    )
    BY_HAND = "by_hand", _("When staff send selected delivery notes from the list")


class ShipstationSettings(BrandOwned):
    """Modes 1 and 2 exclude each other (both would process the same order twice); 3 combines."""

    integration = models.OneToOneField(
        Integration, on_delete=models.CASCADE, related_name="shipstation"
    )
    custom_store = models.BooleanField(_("Custom Store (ShipStation pulls orders)"), default=False)
    api_orders = models.BooleanField(_("Send orders over the API"), default=False)
    rates_labels = models.BooleanField(_("Shipping rates and labels"), default=False)
    store_username = models.CharField(_("user name"), max_length=50, blank=True)
    store_password_hash = models.CharField(max_length=200, blank=True)
    password_set_at = models.DateTimeField(null=True, blank=True)
    ready_statuses = models.JSONField(_("ready to ship"), default=default_ready_statuses)
    api_version = models.CharField(
        _("API"), max_length=2, choices=ApiVersion.choices, default=ApiVersion.V2
    )
    push_trigger = models.CharField(
        _("send orders"), max_length=10, choices=PushTrigger.choices, default=PushTrigger.BY_HAND
    )
    store_id = models.CharField(_("ShipStation store"), max_length=50, blank=True)
    warehouse_id = models.CharField(_("ship-from location"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("ShipStation settings")
        verbose_name_plural = _("ShipStation settings")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(custom_store=True) & Q(api_orders=True)),
                name="shipstation_one_order_route",
            )
        ]

    def __str__(self) -> str:
        return f"ShipStation settings of integration {self.integration_id}"
