"""One date and one date-time format per language, in the brand's time zone, on pages and emails."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from brands.dates import format_day, format_moment
from brands.scoping import scopes_disabled
from delivery_notes.models import DeliveryNote
from integrations.models import SyncRun
from tests.delivery_notes.helpers import make_note
from tests.integrations.conftest import make_integration

pytestmark = pytest.mark.django_db
MOMENT = datetime(2026, 4, 1, 5, 7, tzinfo=UTC)  # 14:07 in Tokyo


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [("en", "2026-04-01", "2026-04-01 14:07 JST"), ("ja", "2026/04/01", "2026/04/01 14:07 JST")],
)
def test_one_format_per_language_in_the_active_zone(language, day, moment):
    with translation.override(language), timezone.override("Asia/Tokyo"):
        assert format_day(date(2026, 4, 1)) == day
        assert format_moment(MOMENT, with_zone=True) == moment
        assert format_moment(MOMENT) == moment.removesuffix(" JST")


def test_pages_write_dates_one_way_in_the_brands_zone(admin_client, brand, admin_member):
    note = make_note(brand, number="DN-DATE-1", issue_date=date(2026, 4, 1))
    with scopes_disabled():
        DeliveryNote.objects.filter(pk=note.pk).update(status_changed_at=MOMENT)
        integration = make_integration(brand, last_synced_at=MOMENT)
        SyncRun.objects.create(
            brand=brand, integration=integration, started_at=MOMENT, outcome="success"
        )
    detail = admin_client.get(reverse("note_detail", args=[brand.slug, note.pk])).content.decode()
    assert "Status changed 2026-04-01 14:07 JST" in detail
    listing = admin_client.get(reverse("note_list", args=[brand.slug])).content.decode()
    assert "2026-04-01" in listing
    settings_page = admin_client.get(
        reverse("shipandco:settings", args=[brand.slug])
    ).content.decode()
    assert "2026-04-01 14:07 JST" in settings_page  # the last successful sync, zone shown
    assert "2026-04-01 14:07</td>" in settings_page  # the run log
    for page in (detail, listing, settings_page):
        assert "a.m." not in page and "p.m." not in page and "April" not in page

    admin_member.user.language = "ja"
    admin_member.user.save(update_fields=["language"])
    detail = admin_client.get(reverse("note_detail", args=[brand.slug, note.pk])).content.decode()
    assert "2026/04/01 14:07 JST" in detail
