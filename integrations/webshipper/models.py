"""Webshipper's settings beside the shared Integration row, and delivery terms → shipping rates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from integrations.models import Integration


class Direction(models.TextChoices):
    """One direction at a time (the seed): both at once would process every order twice."""

    TO_WEBSHIPPER = "to_webshipper", _("From Hakobu to Webshipper")
    FROM_WEBSHIPPER = "from_webshipper", _("From Webshipper to Hakobu")


class Trigger(models.TextChoices):
    ON_CREATE = "on_create", _("As soon as the delivery note is created")
    ON_SHIPMENT = "on_shipment", _("As soon as a shipment is created (allows partial deliveries)")


class WebshipperSettings(BrandOwned):
    integration = models.OneToOneField(
        Integration, on_delete=models.CASCADE, related_name="webshipper"
    )
    account = models.CharField(
        _("account name"),
        max_length=63,
        help_text=_("The name in https://<account>.webshipper.io."),
    )
    order_channel_id = models.CharField(_("order channel"), max_length=20, blank=True)
    order_channel_label = models.CharField(max_length=200, blank=True)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.TO_WEBSHIPPER
    )
    trigger = models.CharField(
        _("sync orders"), max_length=20, choices=Trigger.choices, default=Trigger.ON_CREATE
    )
    #: When the current direction began: nothing older is sent or imported (no history replay).
    direction_since = models.DateTimeField(null=True, blank=True)
    #: The webhooks Hakobu subscribed: [{"id", "topic"}] (removed on Disconnect).
    webhooks = models.JSONField(default=list, blank=True)
    #: The newest `updated_at` of the channel's orders read completely (Webshipper → Hakobu).
    orders_cursor = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("Webshipper settings")
        verbose_name_plural = _("Webshipper settings")

    def __str__(self) -> str:
        return f"Webshipper {self.account}"


class RateMapping(BrandOwned):
    """One delivery term of the brand and the Webshipper shipping rate it means (blank = not
    mapped yet: its notes are held)."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="webshipper_rates"
    )
    delivery_terms = models.CharField(_("delivery terms"), max_length=100)
    rate_id = models.CharField(_("shipping rate"), max_length=20, blank=True)
    rate_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery terms mapping")
        verbose_name_plural = _("delivery terms mappings")
        ordering = ["delivery_terms"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "delivery_terms"], name="unique_webshipper_terms"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_terms} → {self.rate_name or '—'}"
