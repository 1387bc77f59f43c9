"""Production profile: DEBUG off, secure cookies, HSTS, compressed static files via whitenoise.

Required settings have no default, and an empty value counts as missing (a `.env` copied from
`.env.example` sets nothing); the secrets are refused when they are the public development ones.
"""

from django.core.exceptions import ImproperlyConfigured

from config.checks import refuse_unsafe_secrets

from .base import *  # noqa: F403
from .base import STORAGES, env


def required(name: str, cast=str):
    """The environment variable `name`, refusing to start when it is missing or empty."""
    value = env.list(name, default=[]) if cast is list else env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable")
    return value


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY")
# No default: the development hosts (localhost, testserver) must not be accepted in production.
ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS", list)
HAKOBU_SECRET_KEYS = required("HAKOBU_SECRET_KEYS", list)
refuse_unsafe_secrets(SECRET_KEY, HAKOBU_SECRET_KEYS)
# No default: links in emails would otherwise point at http://127.0.0.1:8000.
SITE_URL = required("SITE_URL").rstrip("/")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Production sits behind the TLS proxy (it sends X-Forwarded-Proto, and X-Forwarded-For).
HAKOBU_TRUSTED_PROXIES = env.int("HAKOBU_TRUSTED_PROXIES", default=1)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
