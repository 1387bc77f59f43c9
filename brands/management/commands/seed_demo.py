"""`manage.py seed_demo`: the demo brands, logins, catalogue and ~220 delivery notes; safe to run
again.

Demo Brand's catalogue has about 60 products (every colour and size of its styles) and 30
customers (its retailers, some with a second address); the demo notes link to the customer and
products they were made from.

Existing rows are never changed: users, memberships and the integrations are created only when
missing, and a planned note is skipped when its number exists, so a re-run changes nothing.

Demo Brand also gets ShipStation method 1 (Custom Store) switched on with a known URL token and
password (`SANDBOX_SHIPSTATION_STORE_TOKEN`, `SANDBOX_SHIPSTATION_STORE_PASSWORD`), the ones
`make run` points the sandbox's ShipStation account 1 at: the loop works without a manual step.
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from brands.management.demo_data import (
    CARRIERS,
    CATALOGUE_ONLY_PRODUCTS,
    DEMO_PRODUCTS,
    SECOND_PRODUCTS,
    NotePlan,
    Product,
    Retailer,
    catalogue_customers,
    plan_notes,
    variants,
)
from brands.models import Brand, BrandProfile, Membership, Role, User
from brands.scoping import brand_scope
from brands.services import announce_new_member
from delivery_notes.catalogue.models import Customer
from delivery_notes.catalogue.models import Product as CatalogueProduct
from delivery_notes.catalogue.services import find_or_create_customer, find_or_create_product
from delivery_notes.models import Activity, DeliveryNote, DeliveryNoteLine, ShippingStatus
from delivery_notes.services import change_status, log_activity, record_shipment
from integrations.models import ConnectionStatus, Integration
from integrations.registry import HAKOBU, platforms
from integrations.shipandco import SHIPANDCO
from integrations.shipstation import SHIPSTATION
from integrations.shipstation.models import default_ready_statuses
from integrations.shipstation.services import ShipstationChoice, save_methods

DEMO_PASSWORD = "demo"
#: The demo's ShipStation Custom Store URL token and password; `make run` gives the sandbox the
#: same values (sandbox.demo_env), so they must agree with its defaults.
DEMO_SHIPSTATION_TOKEN = "demo-shipstation-store-token"
DEMO_SHIPSTATION_PASSWORD = "demo-shipstation-password"
BRANDS = [
    {
        "slug": "demo",
        "name": "Demo Brand",
        "members": [
            ("admin@demo.example", "佐藤 美咲", "en", Role.ADMIN),
            ("staff@demo.example", "鈴木 健太", "ja", Role.STAFF),
            ("viewer@demo.example", "高橋 結衣", "en", Role.VIEWER),
        ],
        "notes": 200,
        "prefix": "DN",
        "products": DEMO_PRODUCTS,
        "catalogue_only": CATALOGUE_ONLY_PRODUCTS,
        "customers": 30,
    },
    {
        "slug": "second",
        "name": "Second Brand",
        "members": [("second@demo.example", "田中 直樹", "en", Role.ADMIN)],
        "notes": 20,
        "prefix": "SB",
        "products": SECOND_PRODUCTS,
        "catalogue_only": [],
        "customers": 0,
    },
]


class Command(BaseCommand):
    help = "Create the demo brands, users (password 'demo') and delivery notes; idempotent."

    def handle(self, *args, **options) -> None:
        for spec in BRANDS:
            brand, created = Brand.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "language": "ja",
                    "time_zone": "Asia/Tokyo",
                    # The demo notes are numbered DN-0001…: new ones continue the pattern.
                    "note_number_prefix": f"{spec['prefix']}-",
                    "note_number_digits": 4,
                },
            )
            with transaction.atomic(), brand_scope(brand), translation.override(brand.language):
                memberships = [self._member(brand, *member) for member in spec["members"]]
                notes = self._notes(brand, spec, memberships)
                if brand.slug == "demo":
                    self._profile(brand)
                    self._shipandco(brand)
                    self._shipstation(brand, memberships[0])
                for platform in platforms():
                    if platform.demo_brand == brand.slug and platform.demo_setup is not None:
                        platform.demo_setup(brand, memberships)
            verb = "created" if created else "checked"
            self.stdout.write(f"{brand.name} ({brand.slug}) {verb}: {notes} new delivery notes")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo logins (password 'demo'): "
                + ", ".join(email for spec in BRANDS for email, *_ in spec["members"])
            )
        )

    def _profile(self, brand: Brand) -> None:
        """The sender of the demo's documents (letterhead of its delivery notes)."""
        BrandProfile.objects.get_or_create(
            brand=brand,
            defaults={
                "company_name": "株式会社デモブランド",
                "postal_code": "600-8216",
                "prefecture": "京都府",
                "city": "京都市下京区",
                "address_line1": "東塩小路町721-1",
                "phone": "075-000-1111",
                "email": "ship@demo.example",
                "registration_number": "T1234567890123",
                "footer_text": "返品・交換は商品到着後7日以内にご連絡ください。",
            },
        )

    def _member(self, brand: Brand, email: str, name: str, language: str, role: str) -> Membership:
        user, created = User.objects.get_or_create(
            email=email, defaults={"name": name, "language": language}
        )
        if created:
            user.set_password(DEMO_PASSWORD)  # too short for the validators: demo only
            user.save(update_fields=["password"])
        membership, joined = Membership.objects.get_or_create(
            brand=brand, user=user, defaults={"role": role}
        )
        if joined and role != Role.ADMIN:
            announce_new_member(membership)
        return membership

    def _notes(self, brand: Brand, spec: dict, memberships: list[Membership]) -> int:
        zone = ZoneInfo(brand.time_zone)
        plans = plan_notes(
            f"hakobu-demo-{brand.slug}",
            count=spec["notes"],
            prefix=spec["prefix"],
            products=spec["products"],
            today=timezone.localdate(timezone=zone),
        )
        products = self._products(brand, [*spec["products"], *spec["catalogue_only"]])
        customers = self._customers(
            brand, catalogue_customers(f"hakobu-demo-{brand.slug}", plans, total=spec["customers"])
        )
        existing = set(DeliveryNote.objects.values_list("number", flat=True))
        admin = memberships[0].user
        staff = memberships[1].user if len(memberships) > 1 else admin
        created = 0
        for plan in plans:
            if plan.number not in existing:
                self._note(brand, plan, zone, admin, staff, products, customers)
                created += 1
        return created

    def _products(self, brand: Brand, styles: list[Product]) -> dict[str, CatalogueProduct]:
        """Every variant of every style, by SKU (the find-or-create the integrations use)."""
        found = {}
        for style in styles:
            for sku, options in variants(style):
                found[sku], _created = find_or_create_product(
                    brand,
                    sku=sku,
                    defaults={
                        "name": style.name,
                        "style_code": style.sku,
                        "options": options,
                        "unit_price": style.price,
                        "weight_grams": style.weight,
                        "warehouse_location": style.location,
                        "country_of_origin": "JP",
                    },
                )
        return found

    def _customers(
        self, brand: Brand, customers: list[tuple[Retailer, str, Retailer | None]]
    ) -> dict[str, Customer]:
        """The retailers as customers (code C-0001…), by company; a warehouse for some."""
        found = {}
        for index, (r, carrier, warehouse) in enumerate(customers, start=1):
            customer, created = find_or_create_customer(
                brand,
                code=f"C-{index:04d}",
                defaults={
                    "company": r.company,
                    "contact_name": r.contact,
                    "email": r.email,
                    "phone": r.phone,
                    "requested_carrier": carrier,
                    "requested_service": CARRIERS[carrier],
                    "delivery_terms": "元払い",
                    "payment_method": "請求書払い",
                    "address": {"label": "本店", **self._address(r)},
                },
            )
            if created and warehouse is not None:
                customer.addresses.create(brand=brand, label="倉庫", **self._address(warehouse))
            found[r.company] = customer
        return found

    @staticmethod
    def _address(r: Retailer) -> dict[str, str]:
        return {
            "postal_code": r.postal_code,
            "prefecture": r.prefecture,
            "city": r.city,
            "address_line1": r.address_line1,
            "address_line2": r.address_line2,
        }

    def _note(
        self,
        brand: Brand,
        plan: NotePlan,
        zone: ZoneInfo,
        admin: User,
        staff: User,
        products: dict[str, CatalogueProduct],
        customers: dict[str, Customer],
    ) -> None:
        """One note and its history, each step stamped at its planned moment (never the future)."""
        now = timezone.now()
        issued = datetime.combine(plan.issue_date, time(plan.hour), tzinfo=zone)
        issued = min(issued, now - timedelta(minutes=30))
        r = plan.retailer
        note = DeliveryNote.objects.create(
            brand=brand,
            number=plan.number,
            issue_date=plan.issue_date,
            order_reference=plan.order_reference,
            customer=customers.get(r.company),
            recipient_company=r.company,
            recipient_name=r.contact,
            postal_code=r.postal_code,
            prefecture=r.prefecture,
            city=r.city,
            address_line1=r.address_line1,
            address_line2=r.address_line2,
            phone=r.phone,
            email=r.email,
            requested_carrier=plan.requested_carrier,
            requested_service=CARRIERS[plan.requested_carrier],
            delivery_terms="元払い",
            payment_method="請求書払い",
            customer_notes=plan.customer_notes,
            total_amount=sum(line.unit_price * line.quantity for line in plan.lines),
            total_weight_grams=sum(line.weight_grams * line.quantity for line in plan.lines),
        )
        lines = DeliveryNoteLine.objects.bulk_create(
            DeliveryNoteLine(
                brand=brand,
                note=note,
                position=position,
                sku=line.sku,
                name=line.name,
                options=line.options,
                quantity=line.quantity,
                unit_price=line.unit_price,
                weight_grams=line.weight_grams,
                warehouse_location=line.warehouse_location,
                product=products.get(line.sku),
            )
            for position, line in enumerate(plan.lines, start=1)
        )

        def at(when: datetime, step) -> datetime:
            when = min(when, now - timedelta(minutes=5))
            last = note.activities.order_by("-id").values_list("id", flat=True).first() or 0
            step()
            Activity.objects.filter(note=note, id__gt=last).update(created_at=when)
            return when

        last = at(
            issued,
            lambda: log_activity(note, "created", actor=admin),
        )
        if plan.target in (ShippingStatus.SHIPPING_REQUESTED, ShippingStatus.CANCELLED):
            last = at(
                issued + timedelta(hours=20),
                lambda: change_status(
                    note,
                    plan.target,
                    actor=admin if plan.target == ShippingStatus.CANCELLED else staff,
                ),
            )
        for shipment in plan.shipments:
            shipped_on = plan.issue_date + timedelta(days=shipment.days_after_issue)
            quantities = (
                None
                if shipment.quantities is None
                else {line.pk: qty for line, qty in zip(lines, shipment.quantities, strict=True)}
            )
            last = at(
                datetime.combine(shipped_on, time(16), tzinfo=zone),
                lambda s=shipment, d=shipped_on, q=quantities: record_shipment(
                    note,
                    carrier=s.carrier,
                    service=CARRIERS[s.carrier],
                    tracking_numbers=[s.tracking_number],
                    shipped_on=d,
                    lines=q,
                    actor=staff,
                ),
            )
        if plan.target == ShippingStatus.DELIVERED:
            last = at(
                last + timedelta(days=2),
                lambda: change_status(note, ShippingStatus.DELIVERED, platform=HAKOBU),
            )
        DeliveryNote.objects.filter(pk=note.pk).update(
            created_at=issued, updated_at=last, status_changed_at=last
        )

    def _shipandco(self, brand: Brand) -> None:
        """Pre-fill the "Connect To Ship&co" modal with the sandbox token; not connected."""
        Integration.objects.get_or_create(
            brand=brand,
            platform=SHIPANDCO,
            defaults={
                "is_active": True,
                "status": ConnectionStatus.NOT_INTEGRATED,
                "credentials": {
                    "access_token": os.environ.get(
                        "SANDBOX_SHIPANDCO_TOKEN", "sandbox-shipandco-token"
                    )
                },
            },
        )

    def _shipstation(self, brand: Brand, admin: Membership) -> None:
        """Method 1 (Custom Store) on, with the sandbox's token and password; once only.

        The notification member is set after switching it on, so that nobody gets a "connected"
        email for a connection nobody made (the Ship&co demo sends none either).
        """
        if Integration.objects.filter(brand=brand, platform=SHIPSTATION).exists():
            return  # seeded before, or set up by hand: leave it as it is
        choice = ShipstationChoice(
            custom_store=True,
            api_orders=False,
            rates_labels=False,
            ready_statuses=default_ready_statuses(),
            members=[],
        )
        integration, _password = save_methods(brand, choice)
        integration.inbound_token = (
            os.environ.get("SANDBOX_SHIPSTATION_STORE_TOKEN") or DEMO_SHIPSTATION_TOKEN
        )
        integration.save(update_fields=["inbound_token", "updated_at"])
        integration.notification_members.set([admin])
        settings = integration.shipstation
        settings.store_password_hash = make_password(
            os.environ.get("SANDBOX_SHIPSTATION_STORE_PASSWORD") or DEMO_SHIPSTATION_PASSWORD
        )
        settings.save(update_fields=["store_password_hash"])
