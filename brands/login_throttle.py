"""Slow password guessing without letting anyone lock the owner out.

Three counters in the cache (Redis in production, shared by every web worker), each a window of
LOGIN_LOCKOUT_SECONDS that starts at its first failure:

* failures for one account *from one source address*: after LOGIN_MAX_FAILURES that address may
  not try that account any more. A guesser elsewhere therefore never locks the owner out.
* failures from one source address over all accounts: after LOGIN_MAX_FAILURES_PER_ADDRESS that
  address may not log in at all (one address trying many accounts is slowed down).
* password-reset emails per account and per address (`reset_allowed`), so nobody can flood a
  mailbox.

A completed password reset clears every lock of the account: the account's counters are keyed
by a per-account generation, and `clear_account` starts a new one. A hand-written counter rather
than django-axes: these rules need only the cache the project already has, and axes would add an
authentication backend, middleware, database tables and its own lockout page to keep the same
wording for existing and unknown emails.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """The caller's address; behind HAKOBU_TRUSTED_PROXIES proxies, the one they saw.

    Each trusted proxy appends the address it received from to X-Forwarded-For, so the client is
    the Nth entry from the right; entries further left are whatever the client claimed.
    """
    if request is None:
        return "unknown"
    proxies = settings.HAKOBU_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _normal(email: str) -> str:
    return email.strip().lower()


def _generation(email: str) -> str:
    return cache.get(f"login-generation:{_digest(_normal(email))}", "0")


def _pair_key(email: str, address: str) -> str:
    email = _normal(email)
    return f"login-failures:{_digest(email, _generation(email), address)}"


def _address_key(address: str) -> str:
    return f"login-failures-address:{_digest(address)}"


def _count(key: str) -> int:
    return cache.get(key, 0)


def _increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)  # the window starts at the first
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
        return 1


def is_locked(email: str, address: str) -> bool:
    """True when this address may not try this account (or any account) for now."""
    return (
        _count(_pair_key(email, address)) >= settings.LOGIN_MAX_FAILURES
        or _count(_address_key(address)) >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS
    )


def record_failure(email: str, address: str) -> None:
    timeout = settings.LOGIN_LOCKOUT_SECONDS
    _increment(_pair_key(email, address), timeout)
    _increment(_address_key(address), timeout)


def clear(email: str, address: str) -> None:
    """A successful login: this address's failures for this account are forgotten."""
    cache.delete(_pair_key(email, address))


def clear_account(email: str) -> None:
    """A completed password reset: every address may try the account again."""
    cache.set(
        f"login-generation:{_digest(_normal(email))}",
        secrets.token_hex(8),
        timeout=None,  # the old generation's counters must stay unreachable
    )


def reset_allowed(email: str, address: str) -> bool:
    """Count one password-reset request; False once the email or the address has had enough."""
    timeout = settings.PASSWORD_RESET_WINDOW_SECONDS
    per_email = _increment(f"reset-email:{_digest(_normal(email))}", timeout)
    per_address = _increment(f"reset-address:{_digest(address)}", timeout)
    return (
        per_email <= settings.PASSWORD_RESET_MAX_PER_EMAIL
        and per_address <= settings.PASSWORD_RESET_MAX_PER_ADDRESS
    )
