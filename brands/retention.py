"""Files that jobs leave for download (bulk prints, Ship&co CSVs) are kept for a while, then
deleted; their records stay, marked, so a page can say the file has expired."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from brands.scoping import scopes_disabled


def purge_expired_files(model: type[models.Model], days: int, now: datetime | None = None) -> int:
    """Delete the `file` of every `model` record created more than `days` ago, in every brand,
    and set its `file_deleted_at`; returns how many. Cross-brand on purpose (a daily beat task),
    hence `scopes_disabled()`."""
    now = now or timezone.now()
    purged = 0
    with scopes_disabled():
        expired = model.objects.filter(created_at__lt=now - timedelta(days=days)).exclude(file="")
        for record in expired.iterator():
            record.file.delete(save=False)
            record.file_deleted_at = now
            record.save(update_fields=["file", "file_deleted_at"])
            purged += 1
    return purged
