"""Logging filters for the settings' LOGGING."""

from __future__ import annotations

import logging

#: Answers the app gives on purpose (a role without the right, another brand's id): worth a line
#: in the log, not a traceback that looks like a crash.
HANDLED_STATUSES = frozenset({403, 404})


class HandledClientErrors(logging.Filter):
    """Keep django.request's one line for a handled 403/404, and drop its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in HANDLED_STATUSES:
            record.exc_info = None
            record.exc_text = None
        return True
