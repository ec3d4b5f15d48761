"""Sign-in throttling: five failed attempts for a username within 15 minutes lock it for 15 minutes.

State lives in Django's cache (local memory unless settings say otherwise), keyed by a hash of the
lower-cased username so that any text a person types makes a valid key. With several web
processes, point CACHES at a shared cache so that the count is shared too.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.core.cache import cache

from recoup.kernel import clock

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)


def _key(kind: str, username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"web:sign-in:{kind}:{digest}"


def sign_in_locked_until(username: str, *, at: datetime | None = None) -> datetime | None:
    """When the lock on this username ends, or None if it may try to sign in now."""
    at = at or clock.now()
    until = cache.get(_key("locked", username))
    if until is None or until <= at:
        return None
    return until


def sign_in_failed(username: str, *, at: datetime | None = None) -> datetime | None:
    """Count one failed attempt; returns when the lock ends if this failure locked the username."""
    at = at or clock.now()
    key = _key("failures", username)
    recent = [t for t in cache.get(key, []) if t > at - WINDOW]
    recent.append(at)
    if len(recent) >= MAX_FAILURES:
        until = at + LOCKOUT
        cache.set(_key("locked", username), until, timeout=int(LOCKOUT.total_seconds()))
        cache.delete(key)
        return until
    cache.set(key, recent, timeout=int(WINDOW.total_seconds()))
    return None


def sign_in_succeeded(username: str) -> None:
    cache.delete(_key("failures", username))
