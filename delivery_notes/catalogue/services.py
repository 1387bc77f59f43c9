"""Writing the catalogue; the integrations call the two find-or-create functions.

Both are idempotent under concurrency: the unique constraints (SKU, customer code per brand)
decide, and the loser of a race reads the winner's row instead of creating a second one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, models, transaction

from brands.models import Brand
from brands.scoping import brand_scope
from delivery_notes.catalogue.models import Customer, CustomerAddress, Product

__all__ = ["find_or_create_customer", "find_or_create_product", "set_default_address"]


def _checked(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` restricted to the model's editable fields; an unknown name is a caller's bug."""
    allowed = {
        f.name for f in model._meta.concrete_fields if f.editable and f.name not in ("id", "brand")
    }
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    return dict(values)


def find_or_create_product(brand: Brand, *, sku: str, defaults: dict) -> tuple[Product, bool]:
    """The brand's product with this SKU, created from `defaults` when missing.

    Returns (product, created). An existing product is returned as it is (never updated).
    """
    sku = sku.strip()
    if not sku:
        raise ValueError("find_or_create_product() needs a SKU.")
    values = _checked(Product, defaults)
    values.pop("sku", None)
    with brand_scope(brand):
        # get_or_create creates inside a savepoint and, on IntegrityError (another transaction
        # committed the same SKU meanwhile), reads that row.
        return Product.objects.get_or_create(brand=brand, sku=sku, defaults=values)


def _find_customer(code: str, email: str) -> Customer | None:
    if code:
        found = Customer.objects.filter(code=code).first()
        if found is not None:
            return found
    if email:
        return Customer.objects.filter(email__iexact=email).order_by("pk").first()
    return None


def find_or_create_customer(
    brand: Brand, *, code: str = "", email: str = "", defaults: dict
) -> tuple[Customer, bool]:
    """The brand's customer with this code (else this email), created when missing.

    `defaults` holds Customer fields and optionally "address" (CustomerAddress fields), which
    becomes the new customer's default address. A customer known only by email gets the email
    as its code, so that two concurrent creations collide on the code's unique constraint.
    """
    code, email = code.strip(), email.strip()
    if not (code or email):
        raise ValueError("find_or_create_customer() needs a code or an email.")
    values = dict(defaults)
    address = _checked(CustomerAddress, values.pop("address", None) or {})
    address.pop("customer", None)
    address.pop("is_default", None)
    values = _checked(Customer, values)
    values.pop("code", None)
    values["email"] = email or values.get("email", "")
    new_code = code or email.lower()[: Customer._meta.get_field("code").max_length]
    with brand_scope(brand):
        found = _find_customer(code, email)
        if found is not None:
            return found, False
        try:
            with transaction.atomic():
                customer = Customer.objects.create(brand=brand, code=new_code, **values)
                if address:
                    CustomerAddress.objects.create(
                        brand=brand, customer=customer, is_default=True, **address
                    )
        except IntegrityError:
            found = _find_customer(new_code, email)
            if found is None:
                raise
            return found, False
        return customer, True


@transaction.atomic
def set_default_address(address: CustomerAddress) -> None:
    """Make `address` its customer's default (the others stop being it), in the brand's scope."""
    CustomerAddress.objects.filter(customer_id=address.customer_id, is_default=True).exclude(
        pk=address.pk
    ).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default"])


@transaction.atomic
def save_customer(form, addresses, *, brand: Brand) -> Customer:
    """Save a valid customer form and its address formset.

    Addresses that stop being the default are saved before the new default, so the "one
    default per customer" constraint holds at every statement.
    """
    customer = form.save(commit=False)
    if customer.pk is None:
        customer.brand = brand
    customer.save()
    addresses.instance = customer
    kept = []
    for address_form in addresses.forms:
        if address_form in addresses.deleted_forms:
            if address_form.instance.pk:
                address_form.instance.delete()
            continue
        if address_form.instance.pk or address_form.has_changed():
            address = address_form.save(commit=False)
            address.customer = customer
            address.brand_id = customer.brand_id
            kept.append(address)
    for address in sorted(kept, key=lambda a: a.is_default):
        address.save()
    return customer
