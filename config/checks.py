"""Secret settings: refused at startup when unsafe, and reported by `manage.py check --deploy`.

The development values below are public (they are in this repository): a deployment that runs
with them lets anyone forge sessions and password-reset links (SECRET_KEY) or decrypt the
platform tokens in a stolen database dump (HAKOBU_SECRET_KEYS).
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
DEV_FERNET_KEY = "ZGV2LW9ubHktZmVybmV0LWtleS0tY2hhbmdlLW1lLTA="
NEW_SECRET_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(64))"'
NEW_FERNET_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def secret_problems(secret_key: str, fernet_keys: Sequence[str]) -> list[tuple[str, str]]:
    """(environment variable, what is wrong) for each unsafe secret setting."""
    problems = []
    if not secret_key:
        problems.append(("DJANGO_SECRET_KEY", f"it is empty. Make one with: {NEW_SECRET_KEY}"))
    elif secret_key == DEV_SECRET_KEY:
        problems.append(
            (
                "DJANGO_SECRET_KEY",
                f"it is the public development key. Make one with: {NEW_SECRET_KEY}",
            )
        )
    if not [key for key in fernet_keys if key]:
        problems.append(("HAKOBU_SECRET_KEYS", f"it is empty. Make a key with: {NEW_FERNET_KEY}"))
    elif DEV_FERNET_KEY in fernet_keys:
        problems.append(
            (
                "HAKOBU_SECRET_KEYS",
                f"it holds the public development key. Make a key with: {NEW_FERNET_KEY}",
            )
        )
    else:
        for key in fernet_keys:
            try:
                Fernet(key)
            except ValueError:
                problems.append(
                    (
                        "HAKOBU_SECRET_KEYS",
                        "a key is not a Fernet key (32 url-safe base64-encoded bytes). Make one "
                        f"with: {NEW_FERNET_KEY}",
                    )
                )
                break
    return problems


def refuse_unsafe_secrets(secret_key: str, fernet_keys: Sequence[str]) -> None:
    """Called by the settings when DEBUG is off: stop at startup, naming the variable."""
    problems = secret_problems(secret_key, fernet_keys)
    if problems:
        raise ImproperlyConfigured(
            "; ".join(f"Set the {name} environment variable: {reason}" for name, reason in problems)
        )


@register(Tags.security, deploy=True)
def check_secret_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    from django.conf import settings

    return [
        Error(
            f"Set the {name} environment variable: {reason}",
            id="hakobu.E001" if name == "DJANGO_SECRET_KEY" else "hakobu.E002",
        )
        for name, reason in secret_problems(settings.SECRET_KEY, settings.HAKOBU_SECRET_KEYS)
    ]
