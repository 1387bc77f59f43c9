from __future__ import annotations

import json

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from brands.scoping import scopes_disabled
from integrations.models import Integration
from integrations.secrets import mask


def raw_credential(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM integrations_integration WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_token_is_encrypted_at_rest_and_hidden_from_repr(brand):
    integration = Integration.objects.create(
        brand=brand, platform="shipandco", credentials={"access_token": "tok-123456789"}
    )
    assert "tok-123456789" not in raw_credential(integration.pk)
    with scopes_disabled():
        loaded = Integration.objects.get(pk=integration.pk)
    assert loaded.secret("access_token") == "tok-123456789"
    assert "tok-123456789" not in repr(loaded.secret("access_token"))
    assert mask(loaded.secret("access_token")) == "••••••••6789"


def test_rotation_reencrypts_with_the_new_key(brand, settings):
    old_key = settings.HAKOBU_SECRET_KEYS[0]
    integration = Integration.objects.create(
        brand=brand, platform="shipandco", credentials={"access_token": "secret-token"}
    )
    before = raw_credential(integration.pk)
    new_key = Fernet.generate_key().decode()
    settings.HAKOBU_SECRET_KEYS = [new_key, old_key]

    call_command("rotate_secrets")

    after = raw_credential(integration.pk)
    assert after != before
    assert json.loads(Fernet(new_key.encode()).decrypt(after.encode())) == {
        "access_token": "secret-token"
    }
    settings.HAKOBU_SECRET_KEYS = [new_key]  # the old key can now be dropped
    with scopes_disabled():
        assert Integration.objects.get(pk=integration.pk).secret("access_token") == "secret-token"


def test_error_reports_hide_connection_urls_that_may_carry_passwords(settings):
    from django.views.debug import get_default_exception_reporter_filter

    settings.REDIS_URL = "redis://:hunter2@redis:6379/0"
    shown = get_default_exception_reporter_filter().get_safe_settings()
    assert "hunter2" not in str(shown["REDIS_URL"])
    assert "hunter2" not in str(shown.get("CELERY_BROKER_URL", ""))
