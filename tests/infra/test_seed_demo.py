"""`manage.py seed_demo` builds a believable demo and a second run changes nothing."""

from __future__ import annotations

import base64
import re

import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from brands.models import Brand, Membership, Role, User
from brands.scoping import scopes_disabled
from delivery_notes.catalogue.models import Customer, CustomerAddress, Product
from delivery_notes.models import (
    Activity,
    DeliveryNote,
    DeliveryNoteLine,
    Shipment,
    ShipmentLine,
    ShippingStatus,
)
from integrations.models import ConnectionStatus, Integration
from integrations.shipstation.models import ShipstationSettings
from notifications.models import Notification
from sandbox import demo_env

pytestmark = pytest.mark.django_db

MODELS = [
    User,
    Brand,
    Membership,
    DeliveryNote,
    DeliveryNoteLine,
    Shipment,
    ShipmentLine,
    Activity,
    Integration,
    ShipstationSettings,
    Notification,
    Product,
    Customer,
    CustomerAddress,
]


def snapshot() -> dict:
    """Row counts and a sample of field values across everything the command writes."""
    with scopes_disabled():
        return {
            "counts": {model.__name__: model.objects.count() for model in MODELS},
            "users": list(User.objects.order_by("email").values_list("email", "password", "name")),
            "notes": list(
                DeliveryNote.objects.order_by("brand__slug", "number").values_list(
                    "number",
                    "status",
                    "issue_date",
                    "recipient_company",
                    "postal_code",
                    "phone",
                    "total_amount",
                    "status_changed_at",
                    "updated_at",
                )[::17]
            ),
            "lines": list(
                DeliveryNoteLine.objects.order_by("id").values_list("sku", "options", "quantity")[
                    ::23
                ]
            ),
            "shipments": list(
                Shipment.objects.order_by("id").values_list(
                    "carrier", "tracking_numbers", "shipped_on"
                )
            ),
            "activities": list(
                Activity.objects.order_by("id").values_list("verb", "created_at")[::29]
            ),
            "integration": list(
                Integration.objects.order_by("platform").values_list(
                    "platform", "status", "credentials", "inbound_token", "updated_at"
                )
            ),
            "shipstation": list(
                ShipstationSettings.objects.values_list(
                    "custom_store", "store_username", "store_password_hash", "password_set_at"
                )
            ),
        }


def test_seed_demo_builds_the_demo_and_a_second_run_changes_nothing():
    """One test: seeding takes seconds (more on PostgreSQL), so it happens once."""
    call_command("seed_demo", verbosity=0)
    seeded = snapshot()

    check_logins_roles_and_brands()
    check_notes_are_varied_and_realistic()
    check_catalogue_and_notes_refer_to_it()
    check_shipandco_prefilled_but_not_connected()
    check_shipstation_custom_store_on()
    check_admin_is_told_who_joined()

    call_command("seed_demo", verbosity=0)
    assert snapshot() == seeded


def check_logins_roles_and_brands():
    demo = Brand.objects.get(slug="demo")
    assert (demo.name, demo.language, demo.time_zone) == ("Demo Brand", "ja", "Asia/Tokyo")
    assert Brand.objects.get(slug="second").name == "Second Brand"
    expected = {
        "admin@demo.example": ("demo", Role.ADMIN),
        "staff@demo.example": ("demo", Role.STAFF),
        "viewer@demo.example": ("demo", Role.VIEWER),
        "second@demo.example": ("second", Role.ADMIN),
    }
    with scopes_disabled():
        for email, (slug, role) in expected.items():
            user = User.objects.get(email=email)
            assert user.check_password("demo")
            assert [(m.brand.slug, m.role) for m in user.memberships.all()] == [(slug, role)]


def check_notes_are_varied_and_realistic():
    with scopes_disabled():
        demo = DeliveryNote.objects.filter(brand__slug="demo")
        assert demo.count() == 200
        assert DeliveryNote.objects.filter(brand__slug="second").count() == 20
        statuses = set(demo.values_list("status", flat=True))
        assert statuses == set(ShippingStatus.values)
        for note in demo[:40]:
            assert re.fullmatch(r"\d{3}-\d{4}", note.postal_code)
            assert re.fullmatch(r"0\d{1,3}-\d{2,4}-\d{4}", note.phone)
            assert note.prefecture.endswith(("都", "道", "府", "県"))
            assert 1 <= note.lines.count() <= 4
            assert note.activities.filter(verb="created").exists()
            assert note.total_amount == sum(
                line.unit_price * line.quantity for line in note.lines.all()
            )
        partial = demo.filter(status=ShippingStatus.PARTIALLY_SHIPPED).first()
        assert partial.shipments.exists()
        shipped = Shipment.objects.filter(note__brand__slug="demo")
        assert {s.carrier for s in shipped} == {"yamato", "sagawa", "japanpost"}
        assert all(re.fullmatch(r"\d{12}", s.tracking_numbers[0]) for s in shipped)
        # Every shipment's lines belong to the same brand as the shipment.
        assert not ShipmentLine.objects.exclude(line__brand=F("shipment__brand")).exists()


def check_catalogue_and_notes_refer_to_it():
    with scopes_disabled():
        products = Product.objects.filter(brand__slug="demo")
        customers = Customer.objects.filter(brand__slug="demo")
        assert 55 <= products.count() <= 70
        assert customers.count() == 30
        # Variants: one product per SKU, grouped by their style.
        assert products.filter(style_code="TS-OC").count() == 12
        assert products.get(sku="TS-OC-WHT-M").options == {"カラー": "ホワイト", "サイズ": "M"}
        assert all(p.weight_grams > 0 for p in products)
        for customer in customers:
            address = customer.addresses.get(is_default=True)
            assert re.fullmatch(r"\d{3}-\d{4}", address.postal_code)
            assert address.prefecture.endswith(("都", "道", "府", "県"))
        assert CustomerAddress.objects.filter(customer__brand__slug="demo").count() > 30
        notes = DeliveryNote.objects.filter(brand__slug="demo")
        assert not notes.filter(customer__isnull=True).exists()
        assert all(n.recipient_company == n.customer.company for n in notes[:30])
        lines = DeliveryNoteLine.objects.filter(note__brand__slug="demo")
        assert not lines.filter(product__isnull=True).exists()
        assert not lines.exclude(sku=F("product__sku")).exists()
        second = Customer.objects.filter(brand__slug="second")
        assert second.exists() and not second.filter(addresses__isnull=True).exists()


def check_shipandco_prefilled_but_not_connected():
    with scopes_disabled():
        integration = Integration.objects.get(brand__slug="demo", platform="shipandco")
    assert integration.is_active
    assert integration.status == ConnectionStatus.NOT_INTEGRATED
    assert integration.secret("access_token") == "sandbox-shipandco-token"


def check_shipstation_custom_store_on():
    with scopes_disabled():
        integration = Integration.objects.get(brand__slug="demo", platform="shipstation")
        settings = integration.shipstation
        members = [m.user.email for m in integration.notification_members.all()]
    assert integration.is_active and integration.status == ConnectionStatus.INTEGRATED
    assert integration.inbound_token == "demo-shipstation-store-token"
    assert (settings.custom_store, settings.api_orders, settings.rates_labels) == (
        True,
        False,
        False,
    )
    assert settings.store_username == "hakobu-demo"
    assert members == ["admin@demo.example"]


def check_admin_is_told_who_joined():
    with scopes_disabled():
        subjects = set(
            Notification.objects.filter(recipient__email="admin@demo.example").values_list(
                "subject", flat=True
            )
        )
    assert subjects == {"鈴木 健太 joined Demo Brand", "高橋 結衣 joined Demo Brand"}


def test_the_sandbox_is_given_the_demo_custom_store_credentials():
    """`make run` hands the sandbox the same token, user and password the seed sets up."""
    env = demo_env("http://127.0.0.1:8000", {})
    assert env["SANDBOX_SHIPSTATION_STORE_URL"] == (
        "http://127.0.0.1:8000/inbound/shipstation/demo-shipstation-store-token/"
    )
    assert env["SANDBOX_SHIPSTATION_STORE_USERNAME"] == "hakobu-demo"
    assert env["SANDBOX_SHIPSTATION_STORE_PASSWORD"] == "demo-shipstation-password"


def test_demo_custom_store_exports_the_ready_notes_with_the_demo_credentials(client):
    call_command("seed_demo", verbosity=0)
    path = reverse("inbound_shipstation", kwargs={"token": "demo-shipstation-store-token"})
    auth = base64.b64encode(b"hakobu-demo:demo-shipstation-password").decode()
    window = {"action": "export", "start_date": "01/01/2020 00:00", "end_date": "12/31/2099 23:59"}

    numbers, page, pages = [], 1, 1
    while page <= pages:
        response = client.get(path, {**window, "page": page}, HTTP_AUTHORIZATION=f"Basic {auth}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/xml")
        root = ElementTree.fromstring(response.content)
        assert root.tag == "Orders"
        pages = int(root.get("pages"))
        numbers += [order.findtext("OrderNumber") for order in root.iter("Order")]
        page += 1

    with scopes_disabled():
        ready = DeliveryNote.objects.filter(
            brand__slug="demo",
            status__in=[ShippingStatus.UNSHIPPED, ShippingStatus.SHIPPING_REQUESTED],
        )
        assert ready.filter(shipments__isnull=False).count() == 0  # none is half-tracked
        expected = set(ready.values_list("number", flat=True))
    assert len(expected) >= 10
    assert sorted(numbers) == sorted(expected)

    wrong = base64.b64encode(b"hakobu-demo:wrong").decode()
    refused = client.get(path, {**window}, HTTP_AUTHORIZATION=f"Basic {wrong}")
    assert refused.status_code == 401
