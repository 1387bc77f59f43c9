"""Regressions found in the UX review: what each role sees, and wording the guide relies on."""

from __future__ import annotations

import pytest
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from integrations.forms import ConnectionForm
from integrations.models import ConnectionStatus, Integration, StatusReason
from tests.delivery_notes.helpers import brand_url, make_note
from tests.delivery_notes.test_note_form import note_data

pytestmark = pytest.mark.django_db


def test_viewer_selects_notes_to_print_but_is_offered_no_action_they_cannot_use(
    client, viewer_member
):
    """Printing is a bulk action every member may use, so a Viewer selects notes too; the
    actions that change notes (Cancel, platform exports) stay hidden."""
    make_note(viewer_member.brand, number="DN-VIEW-1")
    client.force_login(viewer_member.user)
    content = client.get(brand_url("note_list", viewer_member.brand)).content.decode()
    assert "DN-VIEW-1" in content
    assert 'name="selected"' in content  # selecting is for the CSV export, open to viewers
    assert 'id="export-csv"' in content
    assert 'id="bulk-cancel"' not in content
    assert 'name="selected"' in content and 'name="all_matching"' in content
    assert brand_url("notes_print", viewer_member.brand) in content
    assert brand_url("note_bulk_cancel", viewer_member.brand) not in content


def test_dashboard_shows_the_error_reason_in_words_and_coming_soon_platforms(staff_client, brand):
    with scopes_disabled():
        Integration.objects.create(
            brand=brand,
            platform="shipandco",
            status=ConnectionStatus.ERROR,
            status_reason=StatusReason.TOKEN_REJECTED,
        )
    content = staff_client.get(brand_url("dashboard", brand)).content.decode()
    assert "token rejected" in content
    assert "token_rejected" not in content
    assert "Coming soon" not in content  # every platform, Webshipper too, has a settings page


def test_a_note_without_lines_asks_for_a_line(staff_client, brand):
    response = staff_client.post(brand_url("note_create", brand), note_data(lines=[]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Add at least one line." in content
    assert "Please submit at least" not in content


@pytest.mark.parametrize(
    ("is_active", "label"),
    [(True, "Connection Status: Active"), (False, "Connection Status: Inactive")],
)
def test_connection_toggle_names_its_current_state(brand, admin_member, is_active, label):
    with brand_scope(brand):
        integration = Integration.objects.create(
            brand=brand,
            platform="shipandco",
            is_active=is_active,
            connected_at=timezone.now(),
            credentials={"access_token": "saved-token"},
        )
        field = ConnectionForm(integration=integration)["is_active"]
    assert field.label == label
    assert field.field.widget.attrs["data-label-off"] == "Connection Status: Inactive"
