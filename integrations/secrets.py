"""Secrets at rest: Fernet (AES-128-CBC + HMAC) with key rotation through MultiFernet.

HAKOBU_SECRET_KEYS lists Fernet keys, newest first: the first encrypts, every one decrypts. To
rotate, prepend a new key, deploy, run `manage.py rotate_secrets`, then drop the old key.
"""

from __future__ import annotations

import json
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.views.debug import SafeExceptionReporterFilter


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.HAKOBU_SECRET_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


def mask(value: str) -> str:
    """What the UI shows of a saved secret: enough to recognise it, not to use it."""
    if not value:
        return ""
    return "•" * 8 + value[-4:] if len(value) > 8 else "•" * 8


class Secret(str):
    """A decrypted secret whose repr never shows the value (tracebacks, debug pages, logs)."""

    def __repr__(self) -> str:
        return "Secret('********')"


class EncryptedTextField(models.TextField):
    """Stores the Fernet token; Python code sees the plain value as a `Secret`."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return Secret("")
        try:
            return Secret(decrypt(value))
        except InvalidToken as exc:
            raise ValueError(
                "A stored secret cannot be decrypted: is its key still in HAKOBU_SECRET_KEYS?"
            ) from exc

    def to_python(self, value):
        return value if value is None or isinstance(value, Secret) else Secret(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""


class EncryptedJSONField(EncryptedTextField):
    """A platform's typed credentials (an API key and secret, a token...) as one encrypted
    JSON object; Python code sees a dict whose text values are `Secret`s."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    @staticmethod
    def _secrets(data: object) -> dict:
        if not isinstance(data, dict):
            raise ValueError("credentials must be a JSON object")
        return {
            key: Secret(value) if isinstance(value, str) else value for key, value in data.items()
        }

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return self._secrets(json.loads(text)) if text else {}

    def to_python(self, value):
        if value is None or value == "":
            return {}
        return self._secrets(json.loads(value) if isinstance(value, str) else value)

    def get_prep_value(self, value):
        if not value:
            return ""
        return encrypt(
            json.dumps({key: str(v) if isinstance(v, Secret) else v for key, v in value.items()})
        )

    def value_to_string(self, obj) -> str:
        return ""  # never serialized (dumpdata) in the clear


class SecretsReporterFilter(SafeExceptionReporterFilter):
    """Honour `sensitive_post_parameters` / `sensitive_variables` on DEBUG error pages too.

    Django applies them only when DEBUG is off, so a crash while connecting a platform in a DEBUG
    environment would otherwise print the posted access token on the technical 500 page. Settings
    holding connection URLs are hidden too: they may carry a password (redis://:pw@host).
    """

    hidden_settings = re.compile(
        SafeExceptionReporterFilter.hidden_settings.pattern + "|_URL$", flags=re.IGNORECASE
    )

    def is_active(self, request) -> bool:
        return True
