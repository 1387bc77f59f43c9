"""The catalogue's search stays fast at scale: 50,000 products and 20,000 customers in one brand.

    .venv/bin/python bench/catalogue.py                 # SQLite in a temporary file
    DATABASE_URL=postgres://… .venv/bin/python bench/catalogue.py

Measured as ratios within one run (the machine's speed cancels out), like bench/run.py:
- the note form's type-ahead (products by SKU prefix and by name; customers by code, company and
  phone) and the product and customer list pages, searched and not: the same number of queries
  for a small brand (500 products, 200 customers) and a large one (50,000 / 20,000);
- time: each request for the large brand takes at most LIMIT × its time for the small brand.
  A type-ahead answer must come back within a keystroke's pause (~200 ms on the form's timer),
  so the practical limit is the ratio that keeps a ~10 ms answer under it even on a slow server.
"""

from __future__ import annotations

import sys

# bench/run.py: the shared harness (it sets Django up, so it comes first).
from run import RESULTS, best_of, check, count_queries

# isort: split

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402

from brands.models import Brand, Membership, Role, User  # noqa: E402
from brands.scoping import brand_scope  # noqa: E402
from delivery_notes.catalogue.models import (  # noqa: E402
    Customer,
    CustomerAddress,
    Product,
    phone_digits,
)

LIMIT = 4.0
BATCH = 2000
NAMES = [
    "オーガニックコットンTシャツ",
    "リネンエプロン",
    "ウールソックス",
    "帆布トートバッグ",
    "波佐見焼マグカップ",
]
SHOPS = ["ミドリ雑貨店", "こもれび", "アトリエ花", "北欧暮らし", "ひなた堂", "くらしの道具"]


def make_brand(slug: str, products: int, customers: int) -> tuple[Brand, User]:
    brand = Brand.objects.create(name=slug, slug=slug)
    user = User.objects.create_user(f"admin@{slug}.example", "pw")
    Membership.objects.create(brand=brand, user=user, role=Role.ADMIN)
    with brand_scope(brand):
        for start in range(0, products, BATCH):
            Product.objects.bulk_create(
                Product(
                    brand=brand,
                    sku=f"ST{n // 12:05d}-{n % 12:02d}",
                    style_code=f"ST{n // 12:05d}",
                    name=f"{NAMES[n % len(NAMES)]} {n // 12}",
                    options={"サイズ": str(n % 12)},
                    weight_grams=100 + n % 500,
                    warehouse_location=f"A-{n % 40:02d}-{n % 7:02d}",
                )
                for n in range(start, min(start + BATCH, products))
            )
        for start in range(0, customers, BATCH):
            made = Customer.objects.bulk_create(
                Customer(
                    brand=brand,
                    code=f"C-{n:06d}",
                    company=f"株式会社{SHOPS[n % len(SHOPS)]}{n}",
                    contact_name="山田 太郎",
                    phone=f"03-{n % 10000:04d}-{n // 10000:04d}",
                    phone_digits=phone_digits(f"03-{n % 10000:04d}-{n // 10000:04d}"),
                )
                for n in range(start, min(start + BATCH, customers))
            )
            CustomerAddress.objects.bulk_create(
                CustomerAddress(
                    brand=brand,
                    customer=customer,
                    postal_code="150-0001",
                    prefecture="東京都",
                    city="渋谷区",
                    address_line1="神宮前1-2-3",
                    is_default=True,
                )
                for customer in made
            )
    return brand, user


REQUESTS = [
    ("product type-ahead, SKU prefix", "product_suggest", {"q": "ST0001"}),
    ("product type-ahead, name", "product_suggest", {"q": "エプロン"}),
    ("product type-ahead, no match", "product_suggest", {"q": "存在しない"}),
    ("customer type-ahead, code", "customer_suggest", {"q": "C-0001"}),
    ("customer type-ahead, company", "customer_suggest", {"q": "ひなた"}),
    ("customer type-ahead, phone", "customer_suggest", {"q": "03-0042"}),
    ("product list, page 1", "product_list", {}),
    ("product list, searched", "product_list", {"q": "ソックス"}),
    ("customer list, page 1", "customer_list", {}),
    ("customer list, searched", "customer_list", {"q": "こもれび"}),
]


def settle() -> None:
    """What autovacuum does after a bulk load on PostgreSQL: statistics for the planner, and the
    trigram indexes' pending entries merged (until then they are slow to search)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("catalogue_product", "catalogue_customer", "catalogue_customeraddress"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def bench_catalogue() -> None:
    small = make_brand("cat-small", 500, 200)
    large = make_brand("cat-large", 50_000, 20_000)
    settle()
    client = Client()

    def request(brand_user: tuple[Brand, User], name: str, params: dict):
        brand, user = brand_user
        url = reverse(name, kwargs={"brand_slug": brand.slug})

        def get() -> object:
            client.force_login(user)
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
            return response

        get()  # warm up
        return get

    for label, name, params in REQUESTS:
        timings, queries = {}, {}
        for size, brand_user in (("small", small), ("large", large)):
            get = request(brand_user, name, params)
            with count_queries() as counted:
                get()
            queries[size] = counted[0]
            timings[size] = best_of(5, get)
        ratio = timings["large"] / timings["small"]
        check(
            f"{label}: queries, 50k/20k vs 500/200",
            queries["large"] == queries["small"],
            f"{queries['large']} vs {queries['small']}",
        )
        check(
            f"{label}: time, 50k/20k vs 500/200",
            ratio <= LIMIT,
            f"{timings['large'] * 1000:.1f} ms vs {timings['small'] * 1000:.1f} ms, "
            f"ratio {ratio:.2f} (target ≤ {LIMIT})",
        )


def main() -> int:
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        bench_catalogue()
    finally:
        teardown_databases(old_config, verbosity=0)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
