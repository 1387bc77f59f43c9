"""On PostgreSQL the catalogue's "contains" searches have trigram indexes (migration 0002)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_trigram_indexes_exist_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL-only (DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE %s", ["%gin_trgm_ops%"]
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "product_usku_trgm",
        "product_uname_trgm",
        "customer_ucompany_trgm",
        "customer_phone_trgm",
    } <= names
