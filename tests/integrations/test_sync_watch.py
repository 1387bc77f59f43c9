"""After "Sync now", the settings page and the note list follow the run and show its result."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from brands.scoping import scopes_disabled
from integrations.models import SyncRun
from integrations.sync_watch import SESSION_KEY


def url(name: str, brand) -> str:
    return reverse(f"shipandco:{name}", kwargs={"brand_slug": brand.slug})


def status(client, brand):
    return client.get(url("sync_status", brand), HTTP_HX_REQUEST="true")


def test_the_pages_poll_until_the_run_ends_then_refresh(
    staff_client, brand, integration, fake, django_capture_on_commit_callbacks
):
    # The worker has not picked the task up yet: the banner keeps polling.
    with django_capture_on_commit_callbacks(execute=False):
        staff_client.post(url("sync_now", brand))
    for page in (url("settings", brand), reverse("note_list", args=[brand.slug])):
        assert url("sync_status", brand) in staff_client.get(page).content.decode()
    waiting = status(staff_client, brand)
    assert 'hx-trigger="load delay:2s"' in waiting.content.decode()
    assert "HX-Trigger" not in waiting

    # The run ends: the answer says how it went, stops polling and tells the page to refresh.
    with scopes_disabled():
        SyncRun.objects.create(
            brand=brand,
            integration=integration,
            outcome=SyncRun.Outcome.SUCCESS,
            fetched=3,
            applied=2,
            finished_at=timezone.now(),
        )
    ended = status(staff_client, brand)
    html = ended.content.decode()
    assert "Sync with Ship&amp;co ended: Success. 2 of 3 shipments applied." in html
    assert "hx-trigger" not in html
    assert ended["HX-Trigger"] == "syncFinished"
    # Followed once: the next visit shows no banner.
    assert status(staff_client, brand).content.strip() == b""
    assert (
        url("sync_status", brand) not in staff_client.get(url("settings", brand)).content.decode()
    )


def test_a_run_started_before_the_button_is_not_the_one_followed(
    staff_client, brand, integration, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        SyncRun.objects.create(brand=brand, integration=integration, outcome="success")
    with django_capture_on_commit_callbacks(execute=False):
        staff_client.post(url("sync_now", brand))
    assert "HX-Trigger" not in status(staff_client, brand)


def test_a_run_that_never_starts_stops_the_polling(
    staff_client, brand, integration, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        staff_client.post(url("sync_now", brand))
    session = staff_client.session
    watches = session[SESSION_KEY]
    for watch in watches.values():
        watch["at"] = (timezone.now() - timedelta(minutes=10)).isoformat()
    session[SESSION_KEY] = watches
    session.save()
    html = status(staff_client, brand).content.decode()
    assert "has not started yet" in html
    assert "hx-trigger" not in html


def test_nothing_followed_shows_nothing(client, brand, integration, viewer_member):
    client.force_login(viewer_member.user)
    assert status(client, brand).content.strip() == b""
