"""Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("hakobu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def add_platform_schedules(sender: Celery, **kwargs) -> None:
    """Beat runs what each registered platform declared (Django is set up by then)."""
    from integrations.registry import beat_schedule

    sender.conf.beat_schedule = {**(sender.conf.beat_schedule or {}), **beat_schedule()}
