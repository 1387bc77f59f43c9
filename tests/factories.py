"""factory-boy factories for the real models (tests use the real database)."""

from __future__ import annotations

import factory
from django.utils import timezone

from brands.models import Brand, Membership, Role, User
from delivery_notes.models import DeliveryNote, DeliveryNoteLine


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    language = "en"
    password = factory.django.Password("password")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    language = "en"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


class DeliveryNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryNote

    brand = factory.SubFactory(BrandFactory)
    number = factory.Sequence(lambda n: f"DN-{n:05d}")
    issue_date = factory.LazyFunction(timezone.localdate)
    order_reference = factory.Sequence(lambda n: f"PO-{n:04d}")
    recipient_company = "株式会社サンプル商店"
    recipient_name = "山田 太郎"
    postal_code = "150-0001"
    prefecture = "東京都"
    city = "渋谷区"
    address_line1 = "神宮前1-2-3"
    country_code = "JP"
    phone = "03-1234-5678"
    email = "shop@example.jp"
    currency = "JPY"


class DeliveryNoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryNoteLine

    note = factory.SubFactory(DeliveryNoteFactory)
    brand = factory.SelfAttribute("note.brand")
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = "Linen tote bag"
    quantity = 2
    unit_price = 3500
    weight_grams = 250


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Notification"

    brand = factory.SubFactory(BrandFactory)
    recipient = factory.SubFactory(UserFactory)
    event = "member_joined"
    subject = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    url = ""
