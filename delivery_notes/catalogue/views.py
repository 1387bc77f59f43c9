"""Catalogue pages: products and customers, under /b/<brand>/products/ and /customers/.

Thin: forms validate, selectors read, services write. Every view runs in the brand's scope
(BrandScopeMiddleware): another brand's product answers 404. Viewers read; Staff and Admin edit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from brands.models import Role
from brands.permissions import role_required
from delivery_notes.catalogue import exporting, prefill, selectors
from delivery_notes.catalogue.forms import (
    PAGE_SIZE,
    AddressFormSet,
    CustomerFilterForm,
    CustomerForm,
    ProductFilterForm,
    ProductForm,
    address_form_helper,
)
from delivery_notes.catalogue.models import Customer, Product
from delivery_notes.catalogue.services import save_customer

ADDRESSES_PREFIX = "addresses"


def _can_edit(request: HttpRequest) -> bool:
    return request.membership.has_role(Role.STAFF)


def _confirm_delete(request: HttpRequest, item, deleted: str, kind: str) -> HttpResponse:
    """GET asks (back to the item's page), POST deletes and returns to the `kind`'s list."""
    slug = request.brand.slug
    if request.method == "POST":
        item.delete()
        messages.success(request, deleted)
        return redirect(f"{kind}_list", brand_slug=slug)
    back = reverse(f"{kind}_detail", kwargs={"brand_slug": slug, "pk": item.pk})
    return render(request, "catalogue/confirm_delete.html", {"object": item, "back_url": back})


# --- products ----------------------------------------------------------------------------------


@role_required(Role.VIEWER)
def product_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    filters = ProductFilterForm(request.GET)
    products = selectors.filter_products(**filters.filters())
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/product_list.html",
        {
            "filters": filters,
            "page": page,
            "query": request.GET.urlencode(),
            "can_edit": _can_edit(request),
        },
    )


@role_required(Role.VIEWER)
def product_detail(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    return render(
        request,
        "catalogue/product_detail.html",
        {
            "product": product,
            "variants": selectors.style_variants(product)[:50],
            "can_edit": _can_edit(request),
        },
    )


def _product_form_page(request: HttpRequest, product: Product | None) -> HttpResponse:
    form = ProductForm(request.POST or None, instance=product or Product())
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.pk is None:
            saved.brand = request.brand
        saved.save()
        messages.success(request, _("Product %(sku)s saved.") % {"sku": saved.sku})
        return redirect("product_detail", brand_slug=request.brand.slug, pk=saved.pk)
    return render(request, "catalogue/product_form.html", {"form": form, "product": product})


@role_required(Role.STAFF)
def product_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return _product_form_page(request, None)


@role_required(Role.STAFF)
def product_edit(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    return _product_form_page(request, get_object_or_404(Product, pk=pk))


@role_required(Role.STAFF)
def product_delete(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    return _confirm_delete(
        request, product, _("Product %(sku)s deleted.") % {"sku": product.sku}, "product"
    )


@require_GET
@role_required(Role.VIEWER)
def product_suggest(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The note form's type-ahead for a line's SKU or name (an htmx partial)."""
    products = selectors.product_suggestions(request.GET.get("q", ""))
    suggestions = [prefill.product_suggestion(product) for product in products]
    return render(request, "catalogue/_suggestions.html", {"suggestions": suggestions})


# --- customers ---------------------------------------------------------------------------------


@role_required(Role.VIEWER)
def customer_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    filters = CustomerFilterForm(request.GET)
    q = filters.cleaned_data["q"] if filters.is_valid() else ""
    customers = selectors.with_addresses(selectors.filter_customers(q))
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/customer_list.html",
        {
            "filters": filters,
            "page": page,
            "query": request.GET.urlencode(),
            "can_edit": _can_edit(request),
        },
    )


@role_required(Role.VIEWER)
def customer_detail(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    customer = selectors.customer_for_detail(pk)
    if customer is None:
        raise Http404
    return render(
        request,
        "catalogue/customer_detail.html",
        {"customer": customer, "can_edit": _can_edit(request)},
    )


def _customer_form_page(request: HttpRequest, customer: Customer | None) -> HttpResponse:
    instance = customer or Customer()
    data = request.POST if request.method == "POST" else None
    form = CustomerForm(data, instance=instance)
    addresses = AddressFormSet(data, instance=instance, prefix=ADDRESSES_PREFIX)
    if data is not None and all([form.is_valid(), addresses.is_valid()]):
        saved = save_customer(form, addresses, brand=request.brand)
        messages.success(request, _("Customer %(code)s saved.") % {"code": saved.code})
        return redirect("customer_detail", brand_slug=request.brand.slug, pk=saved.pk)
    return render(
        request,
        "catalogue/customer_form.html",
        {
            "form": form,
            "addresses": addresses,
            "address_helper": address_form_helper(),
            "customer": customer,
        },
    )


@role_required(Role.STAFF)
def customer_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return _customer_form_page(request, None)


@role_required(Role.STAFF)
def customer_edit(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    return _customer_form_page(request, get_object_or_404(Customer, pk=pk))


@role_required(Role.STAFF)
def customer_delete(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return _confirm_delete(
        request, customer, _("Customer %(code)s deleted.") % {"code": customer.code}, "customer"
    )


@require_GET
@role_required(Role.VIEWER)
def customer_suggest(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The note form's customer type-ahead: one choice per shipping address (an htmx partial)."""
    customers = selectors.customer_suggestions(request.GET.get("q", ""))
    suggestions = [s for customer in customers for s in prefill.customer_suggestions(customer)]
    return render(request, "catalogue/_suggestions.html", {"suggestions": suggestions})


# --- CSV export ---------------------------------------------------------------------------------


@require_GET
@role_required(Role.VIEWER)
def product_export(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return exporting.csv_response(exporting.product_rows(request.brand), "products.csv")


@require_GET
@role_required(Role.VIEWER)
def customer_export(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return exporting.csv_response(exporting.customer_rows(request.brand), "customers.csv")
