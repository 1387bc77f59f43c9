"""The find-or-create services the integrations call: scoped, idempotent, race-safe."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.catalogue.models import Customer, CustomerAddress, Product
from delivery_notes.catalogue.services import find_or_create_customer, find_or_create_product


@pytest.mark.django_db
def test_product_is_created_once_then_found(brand, other_brand):
    product, created = find_or_create_product(
        brand, sku=" TS-WHT-M ", defaults={"name": "T-shirt", "weight_grams": 180}
    )
    assert created and product.sku == "TS-WHT-M" and product.weight_grams == 180
    again, created_again = find_or_create_product(
        brand, sku="TS-WHT-M", defaults={"name": "Other name"}
    )
    assert (again.pk, created_again, again.name) == (product.pk, False, "T-shirt")
    # The same SKU in another brand is another product.
    theirs, created_theirs = find_or_create_product(other_brand, sku="TS-WHT-M", defaults={})
    assert created_theirs and theirs.pk != product.pk and theirs.brand == other_brand


@pytest.mark.django_db
def test_unknown_default_fields_are_refused(brand):
    with pytest.raises(ValueError, match="colour"):
        find_or_create_product(brand, sku="X", defaults={"colour": "red"})
    with pytest.raises(ValueError):
        find_or_create_customer(brand, defaults={})


@pytest.mark.django_db
def test_customer_found_by_code_else_by_email_and_created_with_its_address(brand, other_brand):
    customer, created = find_or_create_customer(
        brand,
        code="C-001",
        email="order@midori.example",
        defaults={
            "company": "株式会社ミドリ雑貨店",
            "address": {"postal_code": "150-0001", "prefecture": "東京都", "city": "渋谷区"},
        },
    )
    assert created
    with brand_scope(brand):
        address = customer.addresses.get()
    assert address.is_default and address.postal_code == "150-0001"

    by_email, created = find_or_create_customer(
        brand, code="UNKNOWN", email="ORDER@midori.example", defaults={"company": "x"}
    )
    assert (by_email.pk, created) == (customer.pk, False)

    only_email, created = find_or_create_customer(
        brand, email="New@Shop.example", defaults={"company": "New shop"}
    )
    assert created and only_email.code == "new@shop.example"
    assert find_or_create_customer(brand, email="new@shop.example", defaults={})[0] == only_email
    # Brand B has none of brand A's customers.
    _theirs, created_theirs = find_or_create_customer(
        other_brand, code="C-001", defaults={"company": "B"}
    )
    assert created_theirs


def _race(worker, count: int = 2) -> list:
    """Run `worker` in `count` threads started together; each gets its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(worker())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_threads_creating_the_same_sku_make_one_product(brand):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions (DATABASE_URL=postgres://…)")
    for attempt in range(5):
        sku = f"RACE-{attempt}"
        results = _race(
            lambda sku=sku: find_or_create_product(brand, sku=sku, defaults={"name": "Race"})
        )
        assert sorted(created for _p, created in results) == [False, True]
        assert len({product.pk for product, _c in results}) == 1
    with scopes_disabled():
        assert Product.objects.filter(sku__startswith="RACE-").count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_threads_creating_the_same_customer_by_email_make_one(brand):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions (DATABASE_URL=postgres://…)")
    results = _race(
        lambda: find_or_create_customer(
            brand,
            email="race@shop.example",
            defaults={"company": "Race", "address": {"city": "渋谷区"}},
        )
    )
    assert sorted(created for _c, created in results) == [False, True]
    with scopes_disabled():
        assert Customer.objects.filter(email="race@shop.example").count() == 1
        assert CustomerAddress.objects.filter(customer__email="race@shop.example").count() == 1
