"""WSGI entry point (gunicorn imports it once per worker)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# What start-up loaded (modules, settings, URLconf, the app registry) lives as long as the
# worker: moved out of the collector's generations, a full collection only walks what requests
# made since, which halves its pause (tens of milliseconds on a small host) in the list's p95.
gc.collect()
gc.freeze()
