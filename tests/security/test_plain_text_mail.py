"""Plain-text email parts are rendered without HTML escaping; HTML parts keep it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from brands.scoping import brand_scope
from brands.services import invite_member
from notifications.services import render_event
from tests.factories import BrandFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME = "Tom & Jerry's <Shop>"


def test_invitation_text_is_not_escaped_and_html_is(django_capture_on_commit_callbacks):
    brand = BrandFactory(name=NAME, slug="tom", language="en")
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        invite_member(brand=brand, email="new@a.example", role="staff", invited_by=None)

    [message] = mail.outbox
    assert NAME in message.subject and NAME in message.body
    assert "&amp;" not in message.body + message.subject
    html = message.alternatives[0][0]
    assert "Tom &amp; Jerry&#x27;s &lt;Shop&gt;" in html and NAME not in html


def test_notification_text_is_not_escaped():
    brand = BrandFactory(name=NAME, slug="tom")
    subject, text, html = render_event(
        "integration_connected", {"brand": brand, "platform_name": "Ship&co"}, "en"
    )
    assert "Ship&co" in subject and NAME in text and "&amp;" not in text
    assert "Ship&amp;co" in html


def test_password_reset_text_is_not_escaped(client):
    UserFactory(email="tom@a.example", name=NAME, language="en")
    client.post(reverse("password_reset"), {"email": "tom@a.example"})

    [message] = mail.outbox
    assert f"Hello {NAME}," in message.body
    assert "Tom &amp; Jerry&#x27;s" in message.alternatives[0][0]
