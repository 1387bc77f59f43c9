"""Reading the catalogue: the list pages' search and filters, and the note form's type-ahead.

Call inside the brand's scope. Every function runs a fixed number of queries however many
products or customers the brand has (suggestions are capped, addresses prefetched).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from delivery_notes.catalogue.models import Customer, CustomerAddress, Product, phone_digits

SUGGESTIONS = 8
#: Fewer digits than this in a query are not looked up as a phone number (too many matches).
PHONE_MIN_DIGITS = 3


def product_search(q: str) -> Q:
    q = q.strip()
    if not q:
        return Q()
    return (
        Q(sku__istartswith=q)
        | Q(style_code__istartswith=q)
        | Q(name__icontains=q)
        | Q(warehouse_location__istartswith=q)
    )


def filter_products(q: str = "", *, active: bool | None = None, style: str = "") -> QuerySet:
    products = Product.objects.filter(product_search(q))
    if active is not None:
        products = products.filter(is_active=active)
    if style:
        products = products.filter(style_code=style)
    return products.order_by("sku")


def product_suggestions(q: str, limit: int = SUGGESTIONS) -> list[Product]:
    """Active products whose SKU starts with, or whose name contains, `q`; one query."""
    q = q.strip()
    if not q:
        return []
    matching = Q(sku__istartswith=q) | Q(name__icontains=q)
    return list(Product.objects.filter(matching, is_active=True).order_by("sku")[:limit])


def customer_search(q: str) -> Q:
    q = q.strip()
    if not q:
        return Q()
    found = Q(code__istartswith=q) | Q(company__icontains=q) | Q(contact_name__icontains=q)
    found |= Q(email__istartswith=q)
    digits = phone_digits(q)
    if len(digits) >= PHONE_MIN_DIGITS:
        found |= Q(phone_digits__startswith=digits)
    return found


def filter_customers(q: str = "") -> QuerySet:
    return Customer.objects.filter(customer_search(q)).order_by("code")


def with_addresses(customers: QuerySet) -> QuerySet:
    return customers.prefetch_related(
        Prefetch("addresses", queryset=CustomerAddress.objects.order_by("-is_default", "id"))
    )


def customer_suggestions(q: str, limit: int = SUGGESTIONS) -> list[Customer]:
    """Customers by code, company, contact, email or phone, with their addresses; two queries."""
    if not q.strip():
        return []
    return list(with_addresses(filter_customers(q))[:limit])


def customer_for_detail(pk: int) -> Customer | None:
    return with_addresses(Customer.objects.filter(pk=pk)).first()


def style_variants(product: Product) -> QuerySet:
    """The other SKUs of the product's style (its variants)."""
    if not product.style_code:
        return Product.objects.none()
    return Product.objects.filter(style_code=product.style_code).exclude(pk=product.pk)


SKU_LOOKUP_CHUNK = 500


def products_by_sku(skus: set[str]) -> dict[str, Product]:
    """The brand's products for these SKUs (any number: one query per 500)."""
    wanted = sorted(skus)
    found: dict[str, Product] = {}
    for start in range(0, len(wanted), SKU_LOOKUP_CHUNK):
        chunk = wanted[start : start + SKU_LOOKUP_CHUNK]
        found.update(
            (product.sku, product)
            for product in Product.objects.filter(sku__in=chunk).only(
                "pk", "sku", "name", "weight_grams"
            )
        )
    return found
