"""On PostgreSQL the list's search matches each column with the expression its trigram index
holds (`UPPER(col::text) gin_trgm_ops`), so the planner can serve every part of the UNION ALL
that reads the matches from an index. (The scale benchmark checks the planner does, on 200,000 notes.)"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from brands.scoping import brand_scope
from delivery_notes.selectors import search_matches

pytestmark = pytest.mark.django_db

INDEXES = {
    "note_number_trgm": "number",
    "note_company_trgm": "recipient_company",
    "note_name_trgm": "recipient_name",
    "note_orderref_trgm": "order_reference",
    "shipment_tracking_trgm": "tracking_search",
}


def test_the_search_compares_the_expressions_the_trigram_indexes_hold(brand):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [list(INDEXES)],
        )
        definitions = dict(cursor.fetchall())
    with brand_scope(brand):
        sql, _params = search_matches("1375").query.sql_with_params()
    assert " UNION ALL " in sql and " OR " not in sql
    for index, column in INDEXES.items():
        assert f"upper(({column})::text) gin_trgm_ops" in definitions[index] or (
            f"upper({column}) gin_trgm_ops" in definitions[index]  # a text column: no cast
        ), definitions[index]
        assert re.search(rf'UPPER\("\w+"\."{column}"::text\) LIKE UPPER\(', sql), column
