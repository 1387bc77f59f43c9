"""Test settings: the same code, faster hashing, in-memory mail, tasks run inline."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
HAKOBU_SECRET_KEYS = ["dGVzdC1vbmx5LWZlcm5ldC1rZXktLS0tLS0tLS0tMDA="]
# Tests serve static files through the finders (live_server); no collected directory exists.
STATIC_ROOT = None
# Each test process its own cache, even when REDIS_URL is set for the real-worker test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
