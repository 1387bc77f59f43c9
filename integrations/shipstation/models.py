"""ShipStation's settings beside the shared Integration row: which of the three modes are on."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from delivery_notes.models import DeliveryNote, Shipment, ShippingStatus
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


class Confirmation(models.TextChoices):
    NONE = "none", _("No confirmation")
    DELIVERY = "delivery", _("Delivery confirmation")
    SIGNATURE = "signature", _("Signature")
    ADULT_SIGNATURE = "adult_signature", _("Adult signature")


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
    label_package = models.CharField(_("default package"), max_length=50, default="package")
    label_confirmation = models.CharField(
        _("confirmation"), max_length=20, choices=Confirmation.choices, default=Confirmation.NONE
    )
    test_labels = models.BooleanField(
        _("Test labels"),
        default=True,
        help_text=_("Labels are made without cost and cannot be used to ship."),
    )

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


def _label_path(instance: ShipstationLabel, filename: str) -> str:
    return f"shipstation/labels/{instance.brand_id}/{instance.reference}.pdf"


class ShipstationLabel(BrandOwned):
    """One label bought (or being bought) through ShipStation for a note.

    The row is written, with its `reference`, before ShipStation is asked: an answer that never
    arrives leaves it `pending`, and the label is looked up by that reference before anything is
    bought again, so a label is never lost nor bought twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being bought")
        BOUGHT = "bought", _("Bought")
        FAILED = "failed", _("Not bought")
        VOIDED = "voided", _("Voided")

    note = models.ForeignKey(
        DeliveryNote, on_delete=models.CASCADE, related_name="shipstation_labels"
    )
    shipment = models.OneToOneField(
        Shipment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shipstation_label",
    )
    reference = models.CharField(max_length=50, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    api_version = models.CharField(max_length=2, choices=ApiVersion.choices)
    carrier_id = models.CharField(max_length=50)
    carrier_code = models.CharField(_("carrier"), max_length=50)
    carrier_name = models.CharField(max_length=100, blank=True)
    service_code = models.CharField(_("service"), max_length=100)
    service_name = models.CharField(max_length=200, blank=True)
    package_code = models.CharField(max_length=50, blank=True)
    quoted_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    parcel = models.JSONField(default=dict, blank=True)  # what was sent, to buy it again
    lines = models.JSONField(null=True, blank=True)  # {line id: qty}; None = all remaining
    test_label = models.BooleanField(default=False)
    label_id = models.CharField(max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    pdf = models.FileField(upload_to=_label_path, blank=True)
    pdf_url = models.URLField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    marked_shipped = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ShipStation label")
        verbose_name_plural = _("ShipStation labels")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One purchase in doubt per note at a time: it is resolved before another starts.
            models.UniqueConstraint(
                fields=["note"], condition=Q(status="pending"), name="one_pending_label_per_note"
            )
        ]

    def __str__(self) -> str:
        return self.tracking_number or self.reference
