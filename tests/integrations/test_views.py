"""Settings → System Integration → Ship&co: who sees what, the modal, Sync now."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.urls import reverse

from brands.scoping import scopes_disabled
from integrations import tasks
from integrations.models import ConnectionStatus, Integration, SyncRun
from integrations.secrets import mask
from integrations.shipandco import SHIPANDCO
from tests.factories import MembershipFactory, UserFactory
from tests.integrations.fakes import TOKEN


def url(name: str, brand) -> str:
    return reverse(f"shipandco:{name}", kwargs={"brand_slug": brand.slug})


def test_admin_sees_status_masked_token_and_the_connect_button(admin_client, brand, integration):
    response = admin_client.get(url("settings", brand))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Integrated" in html
    assert "Connect with Ship&amp;co" in html
    assert mask(TOKEN) in html
    assert TOKEN not in html
    assert "Sync now" in html


@pytest.mark.parametrize("role_client", ["staff", "viewer"])
def test_staff_and_viewers_see_the_status_but_cannot_open_the_modal(
    client, brand, integration, staff_member, viewer_member, role_client
):
    member = staff_member if role_client == "staff" else viewer_member
    client.force_login(member.user)
    html = client.get(url("settings", brand)).content.decode()
    assert "Integrated" in html
    assert "Connect with Ship&amp;co" not in html
    assert ("Sync now" in html) is (role_client == "staff")
    assert client.get(url("connect", brand), HTTP_HX_REQUEST="true").status_code == 403
    response = client.post(url("connect", brand), {"access_token": "x", "notify_mode": "daily"})
    assert response.status_code == 403
    integration.refresh_from_db()
    assert integration.secret("access_token") == TOKEN


def test_another_brands_member_gets_404(client, brand, other_brand, integration):
    outsider = MembershipFactory(brand=other_brand, user=UserFactory(email="b@b.example"))
    client.force_login(outsider.user)
    assert client.get(url("settings", brand)).status_code == 404
    assert client.get(url("connect", brand)).status_code == 404


def test_not_connected_page(admin_client, brand, admin_member):
    html = admin_client.get(url("settings", brand)).content.decode()
    assert "Not Integrated" in html
    assert "Sync now" not in html


def test_modal_lists_this_brands_members_and_says_connect_first_time(
    admin_client, brand, other_brand, admin_member, staff_member
):
    MembershipFactory(brand=other_brand, user=UserFactory(email="outsider@b.example"))
    response = admin_client.get(url("connect", brand), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Connect To Ship&amp;co" in html
    assert 'type="password"' in html
    assert "admin@a.example" in html and "staff@a.example" in html
    assert "outsider@b.example" not in html
    assert ">Connect <" in html or ">Connect<" in html.replace("\n", "")
    assert "Connection Status" not in html  # the toggle comes once connected
    assert "<html" not in html  # a partial for the modal


def test_modal_after_connecting_shows_toggle_masked_token_and_update(
    admin_client, brand, integration
):
    html = admin_client.get(url("connect", brand), HTTP_HX_REQUEST="true").content.decode()
    assert "Connection Status" in html
    assert mask(TOKEN) in html and TOKEN not in html
    assert "Update" in html


def test_without_htmx_the_modal_is_a_page(admin_client, brand, admin_member):
    response = admin_client.get(url("connect", brand))
    assert "<html" in response.content.decode()


def test_saved_token_is_kept_when_the_field_is_left_blank(
    admin_client, brand, admin_member, fake, django_capture_on_commit_callbacks
):
    """seed_demo leaves a not-yet-connected integration holding the sandbox token."""
    with scopes_disabled():
        Integration.objects.create(
            brand=brand, platform=SHIPANDCO, credentials={"access_token": TOKEN}
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url("connect", brand),
            {
                "access_token": "",
                "notification_members": [admin_member.pk],
                "notify_mode": "per_sync",
            },
        )
    assert response.status_code == 302
    with scopes_disabled():
        integration = Integration.objects.get()
    assert integration.status == ConnectionStatus.INTEGRATED
    assert integration.secret("access_token") == TOKEN
    assert [r.headers["x-access-token"] for r in fake.requests][:1] == [TOKEN]
    assert len([m for m in mail.outbox if "is connected" in m.subject]) == 1


def test_blank_token_without_a_saved_one_is_an_error(admin_client, brand, admin_member):
    response = admin_client.post(
        url("connect", brand),
        {"access_token": "  ", "notify_mode": "per_sync"},
        HTTP_HX_REQUEST="true",
    )
    assert "Enter the access token." in response.content.decode()
    with scopes_disabled():
        assert not Integration.objects.exists()


def test_inactive_disconnects_and_active_reconnects(
    admin_client,
    brand,
    integration,
    admin_member,
    fake,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    form = {"notification_members": [admin_member.pk], "notify_mode": "per_sync"}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("connect", brand), {**form, "access_token": ""})
    integration.refresh_from_db()
    assert (integration.is_active, integration.status) == (False, ConnectionStatus.NOT_INTEGRATED)
    assert [m.subject for m in mail.outbox] == ["Ship&co was disconnected from Brand A"]
    assert fake.requests == []  # disconnecting needs no token check

    enqueued = []
    monkeypatch.setattr(tasks.sync_brand, "delay", lambda *args: enqueued.append(args))
    assert tasks.sync_all_brands(SHIPANDCO) == 0

    fake.token = "new-token-after-regeneration"
    admin_client.post(
        url("connect", brand), {**form, "is_active": "on", "access_token": "wrong-token"}
    )
    integration.refresh_from_db()
    assert integration.status == ConnectionStatus.NOT_INTEGRATED
    assert integration.secret("access_token") == TOKEN  # the refused token was not saved

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url("connect", brand),
            {**form, "is_active": "on", "access_token": "new-token-after-regeneration"},
        )
    integration.refresh_from_db()
    assert (integration.is_active, integration.status) == (True, ConnectionStatus.INTEGRATED)
    assert integration.secret("access_token") == "new-token-after-regeneration"
    assert enqueued == [(integration.brand_id, integration.pk)]


def test_updating_members_only_does_not_recheck_the_token(
    admin_client, brand, integration, admin_member, staff_member, fake
):
    admin_client.post(
        url("connect", brand),
        {
            "is_active": "on",
            "access_token": "",
            "notification_members": [staff_member.pk],
            "notify_mode": "daily",
        },
    )
    integration.refresh_from_db()
    assert fake.requests == []
    with scopes_disabled():
        assert list(integration.notification_members.all()) == [staff_member]
    assert integration.config["notify_mode"] == "daily"
    assert mail.outbox == []


def test_sync_now_enqueues_after_commit(
    staff_client, brand, integration, fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(url("sync_now", brand), follow=True)
    assert len(callbacks) >= 1
    assert "A sync with Ship&amp;co has started" in response.content.decode()
    with scopes_disabled():
        assert SyncRun.objects.get().outcome == SyncRun.Outcome.SUCCESS


def test_sync_now_needs_staff_and_a_connection(client, brand, viewer_member, staff_member):
    client.force_login(viewer_member.user)
    assert client.post(url("sync_now", brand)).status_code == 403
    client.force_login(staff_member.user)
    response = client.post(url("sync_now", brand), follow=True)
    assert "connect it before syncing" in response.content.decode()
    assert client.get(url("sync_now", brand)).status_code == 405


def test_system_integration_page(admin_client, brand, integration):
    html = admin_client.get(
        reverse("integration_list", kwargs={"brand_slug": brand.slug})
    ).content.decode()
    assert "Ship&amp;co" in html and "Integrated" in html
    assert 'id="shipstation"' in html and 'id="webshipper"' in html
    assert "Coming soon" not in html  # every platform has its page now
    assert reverse("webshipper:settings", kwargs={"brand_slug": brand.slug}) in html


def test_token_never_reaches_logs_or_emails(
    admin_client, brand, admin_member, fake, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url("connect", brand),
            {"access_token": "wrong", "notify_mode": "per_sync"},
        )
        admin_client.post(
            url("connect", brand),
            {
                "access_token": TOKEN,
                "notification_members": [admin_member.pk],
                "notify_mode": "per_sync",
            },
        )
    assert mail.outbox
    assert TOKEN not in caplog.text
    for message in mail.outbox:
        assert TOKEN not in message.body
        assert all(TOKEN not in body for body, _type in message.alternatives)
