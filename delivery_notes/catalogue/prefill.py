"""What picking a product or a customer fills in on the delivery-note form.

Keys are the note form's field names (a line's without its formset prefix); the note form's
script (static/js/catalogue_picker.js) writes each value into the field of that name, and the
note then keeps its own copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from delivery_notes.catalogue.models import Customer, Product
from delivery_notes.line_options import format_options

#: Customer defaults copied onto the note only when the customer has one.
CUSTOMER_DEFAULTS = ("requested_carrier", "requested_service", "delivery_terms", "payment_method")


def plain_number(value: Decimal) -> str:
    """2800.00 → "2800", 12.50 → "12.5": as people type them (never "2.8E+3")."""
    return format(value.normalize(), "f") if value else "0"


@dataclass(frozen=True)
class Suggestion:
    label: str
    detail: str
    fill: dict

    @property
    def fill_json(self) -> str:
        return json.dumps(self.fill, ensure_ascii=False)


def product_suggestion(product: Product) -> Suggestion:
    return Suggestion(
        label=f"{product.sku} · {product.name}",
        detail=" · ".join(
            part for part in (product.options_display, product.warehouse_location) if part
        ),
        fill={
            "product": product.pk,
            "sku": product.sku,
            "name": product.name,
            "options": format_options(product.options),
            "unit_price": plain_number(product.unit_price),
            "weight_grams": product.weight_grams,
            "warehouse_location": product.warehouse_location,
            "image_url": product.image_url,
        },
    )


def customer_suggestions(customer: Customer) -> list[Suggestion]:
    """One choice per shipping address (default first); a customer without one still fills."""
    defaults = {
        name: getattr(customer, name) for name in CUSTOMER_DEFAULTS if getattr(customer, name)
    }
    base = {"customer": customer.pk, **defaults}
    label = f"{customer.code} · {customer.company or customer.contact_name}"
    addresses = list(customer.addresses.all())  # prefetched
    if not addresses:
        return [
            Suggestion(
                label,
                customer.phone,
                {
                    **base,
                    "recipient_company": customer.company,
                    "recipient_name": customer.contact_name,
                    "phone": customer.phone,
                    "email": customer.email,
                },
            )
        ]
    return [
        Suggestion(
            label,
            " ".join(
                part
                for part in (
                    address.label,
                    address.postal_code,
                    address.prefecture,
                    address.city,
                    address.address_line1,
                )
                if part
            ),
            {**base, **address.note_values()},
        )
        for address in addresses
    ]
