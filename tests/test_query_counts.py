"""Pages that loop over rows keep a constant number of queries as the rows grow (no N+1).

Each page is measured with a few rows, then again after more rows of everything it lists.
(The delivery-note list has its own test in tests/delivery_notes/test_list.py.)
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.models import Role
from brands.scoping import brand_scope, scopes_disabled
from brands.services import invite_member
from integrations.models import SyncRun, UnmatchedShipment
from integrations.shipandco import export as exports
from tests.delivery_notes.helpers import brand_url, make_note, ship
from tests.factories import (
    DeliveryNoteLineFactory,
    MembershipFactory,
    NotificationFactory,
    UserFactory,
)
from tests.integrations.conftest import make_integration


def _line_ids(note) -> list[int]:
    with scopes_disabled():
        return list(note.lines.values_list("pk", flat=True))


def _add_rows(brand, member, integration, start: int, count: int) -> None:
    """More of everything the pages list: notes, shipments, activity, members, runs, exports."""
    for i in range(start, start + count):
        note = make_note(brand, number=f"QC-{i:03d}", lines=2)
        ship(
            note,
            carrier="yamato",
            tracking_numbers=[f"1{i:011d}"],
            lines={_line_ids(note)[0]: 1},
            actor=member.user,
        )
        MembershipFactory(brand=brand, user=UserFactory(), role=Role.STAFF)
        NotificationFactory(brand=brand, recipient=member.user)
        with brand_scope(brand):
            invite_member(
                brand=brand,
                email=f"invitee{i}@example.com",
                role=Role.VIEWER,
                invited_by=member.user,
            )
            exports.create_export(
                brand=brand,
                user=member.user,
                notes=note.__class__.objects.filter(pk=note.pk),
                encoding="utf-8",
            )
        with scopes_disabled():
            SyncRun.objects.create(brand=brand, integration=integration)
            UnmatchedShipment.objects.create(
                brand=brand, integration=integration, external_id=f"unmatched-{i}"
            )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page",
    [
        "dashboard",
        "member_list",
        "notification_list",
        "integration_list",
        "shipandco:settings",
        "shipandco:export_list",
    ],
)
def test_page_queries_do_not_grow_with_its_rows(admin_client, brand, admin_member, page):
    integration = make_integration(brand, members=[admin_member])
    _add_rows(brand, admin_member, integration, 0, 2)
    few = _queries(admin_client, brand_url(page, brand))
    _add_rows(brand, admin_member, integration, 2, 6)
    assert _queries(admin_client, brand_url(page, brand)) == few


def test_note_detail_queries_do_not_grow_with_lines_shipments_and_activity(
    admin_client, brand, admin_member
):
    note = make_note(brand, number="QC-DETAIL", lines=2)
    ship(
        note,
        carrier="yamato",
        tracking_numbers=["100000000001"],
        lines={_line_ids(note)[0]: 1},
        actor=admin_member.user,
    )
    url = brand_url("note_detail", brand, pk=note.pk)
    few = _queries(admin_client, url)
    with scopes_disabled():
        for _ in range(4):
            DeliveryNoteLineFactory(note=note)
    for number, line_id in enumerate(_line_ids(note)[1:], start=2):
        ship(
            note,
            carrier="sagawa",
            tracking_numbers=[f"1000000000{number:02d}"],
            lines={line_id: 1},
            actor=admin_member.user,
        )
    assert _queries(admin_client, url) == few
