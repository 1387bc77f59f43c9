"""Slow password guessing: after too many failed logins for one email, refuse it for a while.

Counted per email address (hashed), not per IP, so one guesser behind a shared office IP cannot
lock out everyone there, and a guesser rotating IPs gains nothing. Counters live in the cache
(Redis in production, shared by every web worker).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(email: str) -> str:
    return "login-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def is_locked(email: str) -> bool:
    return cache.get(_key(email), 0) >= settings.LOGIN_MAX_FAILURES


def record_failure(email: str) -> None:
    key = _key(email)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)  # the window starts at the first
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear(email: str) -> None:
    cache.delete(_key(email))
