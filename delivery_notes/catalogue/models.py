"""The brand's catalogue: products (one per SKU, variants grouped by a style code) and customers
(the retailers it ships to) with their shipping addresses.

A delivery note copies what it needs from here and keeps only a nullable link back
(`DeliveryNote.customer`, `DeliveryNoteLine.product`): a note documents what was sent, so editing
or deleting a product later never changes a past note.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from brands.scoping import BrandOwned
from delivery_notes.models import ImportJobBase

NON_DIGITS = re.compile(r"\D")


def phone_digits(phone: str) -> str:
    """03-1234-5678, (03) 1234 5678 and 0312345678 are one number to the type-ahead."""
    return NON_DIGITS.sub("", phone or "")


class Product(BrandOwned):
    sku = models.CharField(_("SKU"), max_length=100)
    name = models.CharField(_("name"), max_length=300)
    style_code = models.CharField(
        _("style code"),
        max_length=100,
        blank=True,
        help_text=_("The parent style: variants (colours, sizes…) share it, one SKU each."),
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    weight_grams = models.PositiveIntegerField(_("weight per unit (g)"), default=0)
    hs_code = models.CharField(_("HS code"), max_length=20, blank=True)
    country_of_origin = models.CharField(_("country of origin"), max_length=2, blank=True)
    image_url = models.URLField(_("image URL"), blank=True)
    warehouse_location = models.CharField(_("warehouse location"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "sku"], name="unique_product_sku_per_brand")
        ]
        indexes = [
            # The type-ahead and the list walk SKUs in order and stop after a page.
            models.Index(Upper("sku"), "brand", name="product_brand_usku_idx"),
            models.Index(fields=["brand", "style_code", "sku"], name="product_brand_style_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def options_display(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in (self.options or {}).items())


class Customer(BrandOwned):
    code = models.CharField(
        _("customer code"),
        max_length=100,
        help_text=_("Unique in the brand: your account number for this retailer."),
    )
    company = models.CharField(_("company"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_digits = models.CharField(max_length=40, blank=True, editable=False)
    delivery_terms = models.CharField(_("delivery terms"), max_length=100, blank=True)
    requested_carrier = models.CharField(_("requested carrier"), max_length=50, blank=True)
    requested_service = models.CharField(_("requested service"), max_length=100, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "code"], name="unique_customer_code_per_brand")
        ]
        indexes = [
            models.Index(Upper("code"), "brand", name="customer_brand_ucode_idx"),
            models.Index(Upper("email"), "brand", name="customer_brand_uemail_idx"),
            models.Index(fields=["brand", "phone_digits"], name="customer_brand_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.company or self.contact_name}".strip()

    def save(self, *args, **kwargs) -> None:
        self.phone_digits = phone_digits(self.phone)
        if kwargs.get("update_fields") is not None and "phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "phone_digits"}
        super().save(*args, **kwargs)


class CustomerAddress(BrandOwned):
    """A place a customer receives goods (a shop, a warehouse); exactly one is the default."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("e.g. Main store, Warehouse.")
    )
    recipient_company = models.CharField(
        _("company"), max_length=200, blank=True, help_text=_("Empty: the customer's company.")
    )
    recipient_name = models.CharField(
        _("contact name"), max_length=200, blank=True, help_text=_("Empty: the customer's contact.")
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    prefecture = models.CharField(_("prefecture / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, default="JP")
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("Empty: the customer's phone.")
    )
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("shipping address")
        verbose_name_plural = _("shipping addresses")
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default=True),
                name="one_default_address_per_customer",
            )
        ]

    def __str__(self) -> str:
        return " ".join(
            part for part in (self.label, self.postal_code, self.prefecture, self.city) if part
        )

    def note_values(self) -> dict[str, str]:
        """The recipient fields of a delivery note shipped here (the note keeps its own copy)."""
        customer = self.customer
        return {
            "recipient_company": self.recipient_company or customer.company,
            "recipient_name": self.recipient_name or customer.contact_name,
            "postal_code": self.postal_code,
            "prefecture": self.prefecture,
            "city": self.city,
            "address_line1": self.address_line1,
            "address_line2": self.address_line2,
            "country_code": self.country_code,
            "phone": self.phone or customer.phone,
            "email": customer.email,
        }


class CatalogueImportJob(ImportJobBase):
    """A background import of products or customers (same lease and progress as the note import)."""

    class Kind(models.TextChoices):
        PRODUCTS = "products", _("Products")
        CUSTOMERS = "customers", _("Customers")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta(ImportJobBase.Meta):
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
